/*
 * cli/join: who may join, from the command line, on a running server's
 * database (every change is read by the server on its next use):
 *   hearth registrations --data DIR [open|approval|invite|closed]
 *   hearth invite create --data DIR [USES [DAYS]] | list | revoke CODE
 *   hearth rule add --data DIR TEXT [HINT] | list | remove ID
 *   hearth ipblock add --data DIR CIDR --severity S [--reason COMMENT]
 *                  | list | remove ID
 * Changes are recorded in the audit log as done from the command line.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/access_block.h"
#include "core/join.h"
#include "core/rule.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"
#include "util/timeutil.h"

int cli_registrations(int argc, char **argv)
{
    struct cli_opts o;
    int rc = cli_parse(argc, argv, "d", 1, &o);
    if (rc)
        return rc;
    enum join_mode m = JOIN_CLOSED;
    if (o.n_positional == 1 && join_mode_parse(o.positional[0], &m) != 0)
        return cli_usage_error("registrations are open, approval, invite or closed");
    struct cli_instance in;
    int code = cli_open(&in, o.data);
    if (code)
        goto out;
    if (o.n_positional == 1) {
        rc = join_set_mode(&in.core, 0, m);
        if (rc) {
            code = cli_fail("cannot set the registration mode: %s", err_str(rc));
            goto out;
        }
    }
    struct db_conn *c;
    if (db_acquire(in.core.db, DB_READ, &c) == 0) {
        printf("registrations: %s\n", join_mode_name(join_mode(c, &in.core)));
        db_release(c);
    }
out:
    cli_close(&in);
    return code;
}

/* A positive number argument, or -1. */
static int64_t number(const char *s)
{
    int64_t n;
    return s && id_from_str(s, &n) == 0 ? n : -1;
}

static int invite_cmd(const char *sub, int argc, char **argv)
{
    struct cli_opts o;
    int rc = cli_parse(argc, argv, "dj", 2, &o);
    if (rc)
        return rc;
    struct invite_new nw = {.autoapprove = 1};
    if (!strcmp(sub, "create")) {
        int64_t uses = o.n_positional >= 1 ? number(o.positional[0]) : 0;
        int64_t days = o.n_positional >= 2 ? number(o.positional[1]) : 0;
        if (uses < 0 || days < 0)
            return cli_usage_error("invite create takes USES and DAYS as numbers (0: no limit)");
        nw.max_uses = (int)uses;
        nw.expires_in = days * 24 * 3600;
    } else if (!strcmp(sub, "revoke") && o.n_positional != 1) {
        return cli_usage_error("invite revoke needs a CODE");
    }
    struct cli_instance in;
    int code = cli_open(&in, o.data);
    if (code)
        goto out;
    struct arena *a = arena_new();
    struct db_conn *c = NULL;
    if (!strcmp(sub, "create")) {
        struct invite *inv;
        const char *why = NULL;
        rc = invite_create(&in.core, a, 0, &nw, &inv, &why);
        if (rc)
            code = cli_fail("cannot make an invite: %s", why ? why : err_str(rc));
        else
            printf("%s/invite/%s\n", in.core.base_url, inv->code);
    } else if (!strcmp(sub, "list")) {
        struct invite *v;
        size_t n = 0;
        rc = db_acquire(in.core.db, DB_READ, &c);
        if (rc == 0)
            rc = invite_list(c, a, 0, 0, &v, &n);
        for (size_t i = 0; rc == 0 && i < n; i++) {
            char when[TIME_ISO_MAX];
            printf("%s\t%d/%s\t%s\t%s\n", v[i].code, v[i].uses,
                   v[i].max_uses ? arena_printf(a, "%d", v[i].max_uses) : "-",
                   v[i].expires_at ? time_iso8601(v[i].expires_at, when) : "never",
                   *v[i].inviter ? v[i].inviter : "-");
        }
        if (rc)
            code = cli_fail("cannot list invites: %s", err_str(rc));
    } else {
        struct invite *inv;
        rc = db_acquire(in.core.db, DB_READ, &c);
        if (rc == 0)
            rc = invite_get(c, a, o.positional[0], &inv);
        if (c)
            db_release(c);
        c = NULL;
        if (rc == 0)
            rc = invite_revoke(&in.core, 0, inv->id);
        if (rc)
            code = cli_fail("cannot revoke invite '%s': %s", o.positional[0], err_str(rc));
        else
            printf("Revoked %s\n", o.positional[0]);
    }
    if (c)
        db_release(c);
    arena_free(a);
out:
    cli_close(&in);
    return code;
}

int cli_invite(int argc, char **argv)
{
    if (argc < 1 ||
        (strcmp(argv[0], "create") && strcmp(argv[0], "list") && strcmp(argv[0], "revoke")))
        return cli_usage_error("invite needs a subcommand: create, list or revoke");
    return invite_cmd(argv[0], argc - 1, argv + 1);
}

int cli_rule(int argc, char **argv)
{
    if (argc < 1 ||
        (strcmp(argv[0], "add") && strcmp(argv[0], "list") && strcmp(argv[0], "remove")))
        return cli_usage_error("rule needs a subcommand: add, list or remove");
    const char *sub = argv[0];
    struct cli_opts o;
    int rc = cli_parse(argc - 1, argv + 1, "d", 2, &o);
    if (rc)
        return rc;
    if (!strcmp(sub, "add") && o.n_positional < 1)
        return cli_usage_error("rule add needs a TEXT");
    if (!strcmp(sub, "remove") && (o.n_positional != 1 || number(o.positional[0]) <= 0))
        return cli_usage_error("rule remove needs a rule's ID");
    struct cli_instance in;
    int code = cli_open(&in, o.data);
    if (code)
        goto out;
    struct arena *a = arena_new();
    if (!strcmp(sub, "add")) {
        int64_t id;
        const char *why = NULL;
        rc = rule_add(&in.core, 0, o.positional[0], o.n_positional > 1 ? o.positional[1] : NULL,
                      &id, &why);
        if (rc)
            code = cli_fail("cannot add the rule: %s", why ? why : err_str(rc));
        else
            printf("Added rule %lld\n", (long long)id);
    } else if (!strcmp(sub, "list")) {
        struct db_conn *c;
        struct rule *v;
        size_t n = 0;
        rc = db_acquire(in.core.db, DB_READ, &c);
        if (rc == 0) {
            rc = rule_list(c, a, &v, &n);
            db_release(c);
        }
        for (size_t i = 0; rc == 0 && i < n; i++)
            printf("%d\t%lld\t%s\n", v[i].position, (long long)v[i].id, v[i].text);
        if (rc)
            code = cli_fail("cannot list the rules: %s", err_str(rc));
    } else {
        rc = rule_delete(&in.core, 0, number(o.positional[0]));
        if (rc)
            code = cli_fail("cannot remove rule %s: %s", o.positional[0], err_str(rc));
        else
            printf("Removed rule %s\n", o.positional[0]);
    }
    arena_free(a);
out:
    cli_close(&in);
    return code;
}

int cli_ipblock(int argc, char **argv)
{
    if (argc < 1 ||
        (strcmp(argv[0], "add") && strcmp(argv[0], "list") && strcmp(argv[0], "remove")))
        return cli_usage_error("ipblock needs a subcommand: add, list or remove");
    const char *sub = argv[0];
    struct cli_opts o;
    int rc = cli_parse(argc - 1, argv + 1, "dsr", 1, &o);
    if (rc)
        return rc;
    enum ip_severity sev = IP_SEVERITY_NONE;
    if (!strcmp(sub, "add")) {
        if (o.n_positional != 1)
            return cli_usage_error("ipblock add needs an address or network (CIDR)");
        if (ip_severity_parse(o.severity, &sev) != 0)
            return cli_usage_error("ipblock add needs --severity sign_up_requires_approval,"
                                   " sign_up_block or no_access");
    }
    if (!strcmp(sub, "remove") && (o.n_positional != 1 || number(o.positional[0]) <= 0))
        return cli_usage_error("ipblock remove needs a block's ID");
    struct cli_instance in;
    int code = cli_open(&in, o.data);
    if (code)
        goto out;
    struct arena *a = arena_new();
    if (!strcmp(sub, "add")) {
        struct ip_block *b;
        const char *why = NULL;
        rc = ip_block_create(&in.core, a, 0, o.positional[0], sev, o.reason, 0, &b, &why);
        if (rc)
            code = cli_fail("cannot block %s: %s", o.positional[0], why ? why : err_str(rc));
        else
            printf("Blocked %s (%s), id %lld\n", b->ip, ip_severity_name(b->severity),
                   (long long)b->id);
    } else if (!strcmp(sub, "list")) {
        struct db_conn *c;
        struct ip_block *v;
        size_t n = 0;
        rc = db_acquire(in.core.db, DB_READ, &c);
        if (rc == 0) {
            rc = ip_block_list(c, a, &v, &n);
            db_release(c);
        }
        for (size_t i = 0; rc == 0 && i < n; i++)
            printf("%lld\t%s\t%s\t%s\n", (long long)v[i].id, v[i].ip,
                   ip_severity_name(v[i].severity), v[i].comment);
        if (rc)
            code = cli_fail("cannot list the IP blocks: %s", err_str(rc));
    } else {
        rc = ip_block_delete(&in.core, 0, number(o.positional[0]));
        if (rc)
            code = cli_fail("cannot remove IP block %s: %s", o.positional[0], err_str(rc));
        else
            printf("Removed IP block %s\n", o.positional[0]);
    }
    arena_free(a);
out:
    cli_close(&in);
    return code;
}
