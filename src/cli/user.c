/*
 * cli/user: hearth user add|list|password|approve.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "cli/cli.h"
#include "core/account.h"
#include "core/password.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/limits.h"
#include "util/timeutil.h"

/* Reads one line from stdin as a password (the newline removed). */
static int read_password(char *out, size_t size)
{
    if (!fgets(out, (int)size, stdin))
        return cli_fail("no password on standard input");
    size_t len = strlen(out);
    if (len && out[len - 1] == '\n')
        out[--len] = '\0';
    else if (len == size - 1)
        return cli_fail("password longer than %d characters", LIMIT_PASSWORD_MAX);
    if (len && out[len - 1] == '\r')
        out[--len] = '\0';
    return 0;
}

/* Fills pw from stdin or with a generated password; *generated says which. */
static int obtain_password(const struct cli_opts *o, char *pw, size_t size, int *generated)
{
    *generated = !o->password_stdin;
    if (o->password_stdin)
        return read_password(pw, size);
    password_generate(pw, size);
    return 0;
}

static int cmd_user_add(int argc, char **argv)
{
    struct cli_opts o;
    int rc = cli_parse(argc, argv, "deap", 1, &o);
    if (rc)
        return rc;
    if (o.n_positional != 1)
        return cli_usage_error("user add needs a NAME");
    if (!o.email)
        return cli_usage_error("user add needs --email EMAIL");
    char pw[LIMIT_PASSWORD_MAX + 2];
    int generated;
    rc = obtain_password(&o, pw, sizeof(pw), &generated);
    if (rc)
        return rc;
    struct cli_instance in;
    int code = cli_open(&in, o.data);
    if (code)
        goto out;
    int64_t id = 0;
    const char *why = NULL;
    rc = user_create(&in.core, o.positional[0], o.email, pw,
                     o.admin ? USER_ROLE_ADMIN : USER_ROLE_MEMBER, &id, &why);
    if (rc) {
        code = cli_fail("cannot add user '%s': %s", o.positional[0], why ? why : err_str(rc));
        goto out;
    }
    printf("Created %s %s <%s>\n", o.admin ? "admin" : "member", o.positional[0], o.email);
    if (generated)
        printf("password: %s\n", pw);
out:
    sodium_memzero(pw, sizeof(pw));
    cli_close(&in);
    return code;
}

static int cmd_user_list(int argc, char **argv)
{
    struct cli_opts o;
    int rc = cli_parse(argc, argv, "d", 0, &o);
    if (rc)
        return rc;
    struct cli_instance in;
    int code = cli_open(&in, o.data);
    if (code)
        goto out;
    struct arena *a = arena_new();
    struct user_info *users = NULL;
    size_t n = 0;
    rc = user_list(&in.core, a, &users, &n);
    if (rc) {
        code = cli_fail("cannot list users: %s", err_str(rc));
    } else {
        printf("%-30s %-40s %-10s %s\n", "USERNAME", "EMAIL", "ROLE", "CREATED");
        for (size_t i = 0; i < n; i++) {
            char when[TIME_ISO_MAX];
            printf("%-30s %-40s %-10s %s\n", users[i].username, users[i].email,
                   user_role_name(users[i].role), time_iso8601(users[i].created_at, when));
        }
    }
    arena_free(a);
out:
    cli_close(&in);
    return code;
}

static int cmd_user_approve(int argc, char **argv)
{
    struct cli_opts o;
    int rc = cli_parse(argc, argv, "d", 1, &o);
    if (rc)
        return rc;
    if (o.n_positional != 1)
        return cli_usage_error("user approve needs a NAME");
    struct cli_instance in;
    int code = cli_open(&in, o.data);
    if (code)
        goto out;
    rc = user_approve(&in.core, o.positional[0]);
    if (rc == E_NOTFOUND)
        code = cli_fail("no local user named '%s'", o.positional[0]);
    else if (rc)
        code = cli_fail("cannot approve '%s': %s", o.positional[0], err_str(rc));
    else
        printf("%s may now log in\n", o.positional[0]);
out:
    cli_close(&in);
    return code;
}

static int cmd_user_password(int argc, char **argv)
{
    struct cli_opts o;
    int rc = cli_parse(argc, argv, "dp", 1, &o);
    if (rc)
        return rc;
    if (o.n_positional != 1)
        return cli_usage_error("user password needs a NAME");
    char pw[LIMIT_PASSWORD_MAX + 2];
    int generated;
    rc = obtain_password(&o, pw, sizeof(pw), &generated);
    if (rc)
        return rc;
    struct cli_instance in;
    int code = cli_open(&in, o.data);
    if (code)
        goto out;
    const char *why = NULL;
    rc = user_set_password(&in.core, o.positional[0], pw, &why);
    if (rc == E_NOTFOUND) {
        code = cli_fail("no local user named '%s'", o.positional[0]);
        goto out;
    }
    if (rc) {
        code = cli_fail("cannot set the password of '%s': %s", o.positional[0],
                        why ? why : err_str(rc));
        goto out;
    }
    printf("Password of %s changed\n", o.positional[0]);
    if (generated)
        printf("password: %s\n", pw);
out:
    sodium_memzero(pw, sizeof(pw));
    cli_close(&in);
    return code;
}

int cli_user(int argc, char **argv)
{
    if (argc < 1)
        return cli_usage_error("user needs a subcommand: add, list, password or approve");
    const char *sub = argv[0];
    if (!strcmp(sub, "add"))
        return cmd_user_add(argc - 1, argv + 1);
    if (!strcmp(sub, "list"))
        return cmd_user_list(argc - 1, argv + 1);
    if (!strcmp(sub, "password"))
        return cmd_user_password(argc - 1, argv + 1);
    if (!strcmp(sub, "approve"))
        return cmd_user_approve(argc - 1, argv + 1);
    return cli_usage_error("unknown user subcommand '%s'", sub);
}
