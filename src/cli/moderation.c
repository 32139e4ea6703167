/*
 * cli/moderation: hearth report list, hearth account ACTION NAME, hearth
 * user role NAME ROLE. Each acts on the database as a moderator would from
 * the admin API (core/moderation.h, core/report.h) with the command line
 * as the actor (audited as such), so a running server sees the change on
 * its next request.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "core/account.h"
#include "core/moderation.h"
#include "core/report.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"
#include "util/timeutil.h"

/* The account NAME ("alice", "@alice", "bob@remote.example") names. */
static int find_account(struct cli_instance *in, struct arena *a, const char *name, int64_t *id)
{
    if (*name == '@')
        name++;
    const char *at = strchr(name, '@');
    const char *user = at ? arena_strndup(a, name, (size_t)(at - name)) : name;
    const char *domain = at ? at + 1 : NULL;
    struct db_conn *c;
    int rc = db_acquire(in->db, DB_READ, &c);
    if (rc)
        return rc;
    struct account *acc;
    rc = account_find(c, a, user, domain, in->core.domain, &acc);
    db_release(c);
    if (rc == 0)
        *id = acc->id;
    return rc;
}

static const char *acct_of(struct db_conn *c, struct arena *a, int64_t id)
{
    struct account *acc;
    return account_get(c, a, id, &acc) == 0 ? acc->acct : "?";
}

static int cmd_report_list(int argc, char **argv)
{
    struct cli_opts o;
    int rc = cli_parse(argc, argv, "dj", 0, &o);
    if (rc)
        return rc;
    struct cli_instance in;
    int code = cli_open(&in, o.data);
    if (code)
        goto out;
    struct arena *a = arena_new();
    struct db_conn *c;
    rc = db_acquire(in.db, DB_READ, &c);
    struct report *list = NULL;
    size_t n = 0;
    if (rc == 0) {
        struct report_query q = {.resolved = 0, .limit = 200};
        rc = report_list(c, a, &q, &list, &n);
    }
    if (rc) {
        code = cli_fail("cannot list reports: %s", err_str(rc));
    } else if (o.json) {
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++) {
            char id[ID_STR_MAX], when[TIME_ISO_MAX];
            json_array_append_new(
                arr, json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:b, s:s}", "id",
                               id_to_str(list[i].id, id), "target", acct_of(c, a, list[i].target),
                               "reporter", acct_of(c, a, list[i].reporter), "category",
                               list[i].category, "comment", list[i].comment, "statuses",
                               (int)list[i].n_statuses, "forwarded", list[i].forwarded_at != 0,
                               "created_at", time_iso8601(list[i].created_at, when)));
        }
        char *text = json_dumps(arr, JSON_INDENT(2));
        printf("%s\n", text);
        free(text);
        json_decref(arr);
    } else {
        printf("%-20s %-30s %-10s %-30s %s\n", "ID", "TARGET", "CATEGORY", "REPORTER", "CREATED");
        for (size_t i = 0; i < n; i++) {
            char id[ID_STR_MAX], when[TIME_ISO_MAX];
            printf("%-20s %-30s %-10s %-30s %s\n", id_to_str(list[i].id, id),
                   acct_of(c, a, list[i].target), list[i].category, acct_of(c, a, list[i].reporter),
                   time_iso8601(list[i].created_at, when));
        }
    }
    if (c)
        db_release(c);
    arena_free(a);
out:
    cli_close(&in);
    return code;
}

int cli_report(int argc, char **argv)
{
    if (argc < 1)
        return cli_usage_error("report needs a subcommand: list");
    if (!strcmp(argv[0], "list"))
        return cmd_report_list(argc - 1, argv + 1);
    return cli_usage_error("unknown report subcommand '%s'", argv[0]);
}

int cli_account(int argc, char **argv)
{
    if (argc < 1)
        return cli_usage_error("account needs an action: suspend, unsuspend, limit, unlimit, warn,"
                               " sensitive, unsensitive, disable or enable");
    enum moderation_action action;
    const char *sub = argv[0];
    if (!strcmp(sub, "warn"))
        action = MOD_NONE;
    else if (moderation_action_parse(sub, &action) != 0 || action == MOD_NONE ||
             action == MOD_APPROVE || action == MOD_REJECT)
        return cli_usage_error("unknown account action '%s'", sub);
    struct cli_opts o;
    int rc = cli_parse(argc - 1, argv + 1, "dr", 1, &o);
    if (rc)
        return rc;
    if (o.n_positional != 1)
        return cli_usage_error("account %s needs a NAME", sub);
    struct cli_instance in;
    int code = cli_open(&in, o.data);
    if (code)
        goto out;
    struct arena *a = arena_new();
    int64_t id = 0;
    rc = find_account(&in, a, o.positional[0], &id);
    if (rc == E_NOTFOUND) {
        code = cli_fail("no account named '%s'", o.positional[0]);
    } else if (rc) {
        code = cli_fail("cannot find '%s': %s", o.positional[0], err_str(rc));
    } else {
        struct moderation_request r = {
            .actor = 0, .target = id, .action = action, .text = o.reason, .notify = 1};
        const char *why = NULL;
        rc = moderation_act(&in.core, &r, NULL, &why);
        if (rc)
            code = cli_fail("cannot %s '%s': %s", sub, o.positional[0], why ? why : err_str(rc));
        else
            printf("%s: %s done\n", o.positional[0], sub);
    }
    arena_free(a);
out:
    cli_close(&in);
    return code;
}

int cli_user_role(int argc, char **argv)
{
    struct cli_opts o;
    int rc = cli_parse(argc, argv, "d", 2, &o);
    if (rc)
        return rc;
    if (o.n_positional != 2)
        return cli_usage_error("user role needs a NAME and a ROLE (member, moderator, admin)");
    static const char *const names[] = {"member", "moderator", "admin"};
    int role = -1;
    for (int i = 0; i < 3; i++)
        if (!strcmp(o.positional[1], names[i]))
            role = i;
    if (role < 0)
        return cli_usage_error("ROLE must be member, moderator or admin");
    struct cli_instance in;
    int code = cli_open(&in, o.data);
    if (code)
        goto out;
    struct arena *a = arena_new();
    int64_t id = 0;
    rc = find_account(&in, a, o.positional[0], &id);
    const char *why = NULL;
    if (rc == 0)
        rc = moderation_set_role(&in.core, 0, id, role, &why);
    if (rc == E_NOTFOUND)
        code = cli_fail("no local user named '%s'", o.positional[0]);
    else if (rc)
        code = cli_fail("cannot change the role of '%s': %s", o.positional[0],
                        why ? why : err_str(rc));
    else
        printf("%s is now %s\n", o.positional[0], names[role]);
    arena_free(a);
out:
    cli_close(&in);
    return code;
}
