/*
 * cli/domain: hearth domain block|unblock|list|impact|export|import|
 * allow|disallow|mode, the server's domain moderation
 * (core/domain_policy.h) from the command line. Each acts on the
 * database in one transaction, which a running server reads on its next
 * request: a suspended server is refused at once. Audit entries name the
 * command line (actor 0).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "core/domain_policy.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/timeutil.h"

#define CSV_FILE_MAX (16 * 1024 * 1024)

static int cmd_block(int argc, char **argv)
{
    struct cli_opts o;
    int rc = cli_parse(argc, argv, "dsrwPo", 1, &o);
    if (rc)
        return rc;
    if (o.n_positional != 1)
        return cli_usage_error("domain block needs a DOMAIN");
    struct domain_block_rule r = {.domain = o.positional[0],
                                  .private_comment = o.reason ? o.reason : "",
                                  .public_comment = o.public_reason && o.reason ? o.reason : "",
                                  .obfuscate = o.obfuscate};
    const char *sev = o.severity ? o.severity : "suspend";
    if (!strcmp(sev, "reject-media") || !strcmp(sev, "reject_media")) {
        r.severity = DOMAIN_NOOP;
        r.reject_media = 1;
    } else if (!strcmp(sev, "reject-reports") || !strcmp(sev, "reject_reports")) {
        r.severity = DOMAIN_NOOP;
        r.reject_reports = 1;
    } else if (domain_severity_parse(sev, &r.severity) != 0) {
        return cli_usage_error("--severity must be suspend, limit, reject-media or reject-reports");
    }
    if (o.at && time_parse_iso8601(o.at, &r.run_at) != 0)
        return cli_usage_error("--at must be a date such as 2026-12-24T12:00:00Z");
    struct cli_instance in;
    int code = cli_open(&in, o.data);
    if (code)
        goto out;
    const char *why = NULL;
    int64_t id = 0;
    rc = o.at ? domain_policy_schedule(&in.core, 0, &r, &id, &why)
              : domain_policy_block_add(&in.core, 0, &r, &id, &why);
    if (rc) {
        code = cli_fail("cannot block '%s': %s", o.positional[0], why ? why : err_str(rc));
        goto out;
    }
    if (o.at)
        printf("Block of %s (%s) scheduled for %s\n", o.positional[0], sev, o.at);
    else
        printf("Blocked %s (%s)\n", o.positional[0], sev);
out:
    cli_close(&in);
    return code;
}

typedef int (*remove_fn)(const struct core *core, int64_t actor, int64_t id, const char *domain,
                         const char **why);

static int remove_domain(int argc, char **argv, const char *what, remove_fn fn, const char *done)
{
    struct cli_opts o;
    int rc = cli_parse(argc, argv, "d", 1, &o);
    if (rc)
        return rc;
    if (o.n_positional != 1)
        return cli_usage_error("domain %s needs a DOMAIN", what);
    struct cli_instance in;
    int code = cli_open(&in, o.data);
    if (code)
        goto out;
    const char *why = NULL;
    rc = fn(&in.core, 0, 0, o.positional[0], &why);
    if (rc)
        code = cli_fail("cannot %s '%s': %s", what, o.positional[0], why ? why : err_str(rc));
    else
        printf("%s %s\n", done, o.positional[0]);
out:
    cli_close(&in);
    return code;
}

static int cmd_unblock(int argc, char **argv)
{
    return remove_domain(argc, argv, "unblock", domain_policy_block_remove, "Unblocked");
}

static int cmd_disallow(int argc, char **argv)
{
    return remove_domain(argc, argv, "disallow", domain_policy_allow_remove, "No longer allowed:");
}

static int cmd_allow(int argc, char **argv)
{
    struct cli_opts o;
    int rc = cli_parse(argc, argv, "d", 1, &o);
    if (rc)
        return rc;
    if (o.n_positional != 1)
        return cli_usage_error("domain allow needs a DOMAIN");
    struct cli_instance in;
    int code = cli_open(&in, o.data);
    if (code)
        goto out;
    const char *why = NULL;
    rc = domain_policy_allow_add(&in.core, 0, o.positional[0], NULL, &why);
    if (rc && rc != E_EXISTS)
        code = cli_fail("cannot allow '%s': %s", o.positional[0], why ? why : err_str(rc));
    else
        printf("Allowed %s\n", o.positional[0]);
out:
    cli_close(&in);
    return code;
}

static int cmd_mode(int argc, char **argv)
{
    struct cli_opts o;
    int rc = cli_parse(argc, argv, "d", 1, &o);
    if (rc)
        return rc;
    if (o.n_positional != 1 ||
        (strcmp(o.positional[0], "blocklist") && strcmp(o.positional[0], "allowlist")))
        return cli_usage_error("domain mode needs blocklist or allowlist");
    struct cli_instance in;
    int code = cli_open(&in, o.data);
    if (code)
        goto out;
    rc = domain_policy_set_mode(&in.core, 0, o.positional[0]);
    if (rc)
        code = cli_fail("cannot set the federation mode: %s", err_str(rc));
    else
        printf("Federation mode: %s\n", o.positional[0]);
out:
    cli_close(&in);
    return code;
}

static json_t *rule_json(const struct domain_block_rule *r, int allow)
{
    char created[TIME_ISO_MAX];
    time_iso8601(r->created_at, created);
    if (allow)
        return json_pack("{s:I, s:s, s:s}", "id", (json_int_t)r->id, "domain", r->domain,
                         "created_at", created);
    json_t *j = json_pack("{s:I, s:s, s:s, s:b, s:b, s:s, s:s, s:b, s:s}", "id", (json_int_t)r->id,
                          "domain", r->domain, "severity", domain_severity_name(r->severity),
                          "reject_media", r->reject_media, "reject_reports", r->reject_reports,
                          "private_comment", r->private_comment, "public_comment",
                          r->public_comment, "obfuscate", r->obfuscate, "created_at", created);
    if (r->run_at) {
        char at[TIME_ISO_MAX];
        json_object_set_new(j, "scheduled_for", json_string(time_iso8601(r->run_at, at)));
    }
    return j;
}

static int cmd_list(int argc, char **argv)
{
    struct cli_opts o;
    int rc = cli_parse(argc, argv, "dj", 0, &o);
    if (rc)
        return rc;
    struct cli_instance in;
    int code = cli_open(&in, o.data);
    if (code)
        goto done;
    struct arena *a = arena_new();
    struct db_conn *c = NULL;
    json_t *blocks = json_array(), *allows = json_array(), *scheduled = json_array();
    rc = db_acquire(in.core.db, DB_SNAPSHOT, &c);
    for (int allow = 0; rc == 0 && allow < 2; allow++) {
        struct domain_block_rule *rows;
        size_t n = 0;
        rc = domain_policy_list_all(c, a, allow, &rows, &n);
        for (size_t i = 0; rc == 0 && i < n; i++)
            json_array_append_new(allow ? allows : blocks, rule_json(&rows[i], allow));
    }
    struct domain_block_rule *sched = NULL;
    size_t n_sched = 0;
    if (rc == 0)
        rc = domain_policy_scheduled_list(c, a, &sched, &n_sched);
    for (size_t i = 0; rc == 0 && i < n_sched; i++)
        json_array_append_new(scheduled, rule_json(&sched[i], 0));
    const char *mode = rc == 0 ? domain_policy_mode(c, a) : "blocklist";
    if (c)
        db_release(c);
    if (rc) {
        code = cli_fail("cannot list domains: %s", err_str(rc));
    } else if (o.json) {
        json_t *all = json_pack("{s:s, s:O, s:O, s:O}", "federation_mode", mode, "blocks", blocks,
                                "allows", allows, "scheduled", scheduled);
        char *text = json_dumps(all, JSON_INDENT(2));
        printf("%s\n", text ? text : "{}");
        free(text);
        json_decref(all);
    } else {
        printf("Federation mode: %s\n", mode);
        printf("%-40s %-8s %-6s %-7s %s\n", "DOMAIN", "SEVERITY", "MEDIA", "REPORTS", "COMMENT");
        size_t i;
        json_t *b;
        json_array_foreach(blocks, i, b)
        {
            printf("%-40s %-8s %-6s %-7s %s\n", json_string_value(json_object_get(b, "domain")),
                   json_string_value(json_object_get(b, "severity")),
                   json_is_true(json_object_get(b, "reject_media")) ? "reject" : "-",
                   json_is_true(json_object_get(b, "reject_reports")) ? "reject" : "-",
                   json_string_value(json_object_get(b, "private_comment")));
        }
        json_array_foreach(scheduled, i, b)
        {
            printf("%-40s %-8s scheduled for %s\n", json_string_value(json_object_get(b, "domain")),
                   json_string_value(json_object_get(b, "severity")),
                   json_string_value(json_object_get(b, "scheduled_for")));
        }
        json_array_foreach(allows, i, b)
        {
            printf("%-40s allowed\n", json_string_value(json_object_get(b, "domain")));
        }
    }
    json_decref(blocks);
    json_decref(allows);
    json_decref(scheduled);
    arena_free(a);
done:
    cli_close(&in);
    return code;
}

static int cmd_impact(int argc, char **argv)
{
    struct cli_opts o;
    int rc = cli_parse(argc, argv, "dj", 1, &o);
    if (rc)
        return rc;
    if (o.n_positional != 1)
        return cli_usage_error("domain impact needs a DOMAIN");
    struct arena *a = arena_new();
    const char *why = NULL;
    const char *domain = domain_policy_normalize(a, NULL, o.positional[0], &why);
    if (!domain) {
        arena_free(a);
        return cli_usage_error("%s", why);
    }
    struct cli_instance in;
    int code = cli_open(&in, o.data);
    if (code)
        goto out;
    struct db_conn *c;
    json_t *report = NULL;
    rc = db_acquire(in.core.db, DB_SNAPSHOT, &c);
    if (rc == 0) {
        rc = domain_policy_impact(c, a, domain, &report);
        db_release(c);
    }
    if (rc) {
        code = cli_fail("cannot compute the impact on '%s': %s", domain, err_str(rc));
        goto out;
    }
    if (o.json) {
        char *text = json_dumps(report, JSON_INDENT(2));
        printf("%s\n", text ? text : "{}");
        free(text);
    } else {
        fputs(domain_policy_impact_text(a, report), stdout);
    }
    json_decref(report);
out:
    arena_free(a);
    cli_close(&in);
    return code;
}

static int cmd_export(int argc, char **argv)
{
    struct cli_opts o;
    int rc = cli_parse(argc, argv, "d", 0, &o);
    if (rc)
        return rc;
    struct cli_instance in;
    int code = cli_open(&in, o.data);
    if (code)
        goto done;
    struct arena *a = arena_new();
    struct db_conn *c;
    const char *csv = NULL;
    rc = db_acquire(in.core.db, DB_SNAPSHOT, &c);
    if (rc == 0) {
        rc = domain_policy_export_csv(c, a, &csv);
        db_release(c);
    }
    if (rc)
        code = cli_fail("cannot export the blocks: %s", err_str(rc));
    else
        fputs(csv, stdout);
    arena_free(a);
done:
    cli_close(&in);
    return code;
}

static int cmd_import(int argc, char **argv)
{
    struct cli_opts o;
    int rc = cli_parse(argc, argv, "d", 1, &o);
    if (rc)
        return rc;
    if (o.n_positional != 1)
        return cli_usage_error("domain import needs a FILE");
    FILE *f = !strcmp(o.positional[0], "-") ? stdin : fopen(o.positional[0], "rb");
    if (!f)
        return cli_fail("cannot open '%s'", o.positional[0]);
    struct buf b;
    buf_init(&b, CSV_FILE_MAX);
    char chunk[8192];
    size_t got;
    rc = 0;
    while (rc == 0 && (got = fread(chunk, 1, sizeof(chunk), f)) > 0)
        rc = buf_append(&b, chunk, got);
    if (f != stdin)
        fclose(f);
    if (rc) {
        buf_fini(&b);
        return cli_fail("'%s' is larger than 16 MiB", o.positional[0]);
    }
    struct cli_instance in;
    int code = cli_open(&in, o.data);
    if (code)
        goto out;
    int added = 0;
    const char *why = NULL;
    rc = domain_policy_import_csv(&in.core, 0, b.data ? b.data : "", b.len, &added, &why);
    if (rc)
        code = cli_fail("nothing imported: %s", why ? why : err_str(rc));
    else
        printf("Imported %d new block%s\n", added, added == 1 ? "" : "s");
out:
    buf_fini(&b);
    cli_close(&in);
    return code;
}

int cli_domain(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*run)(int, char **);
    } subs[] = {
        {"block", cmd_block},   {"unblock", cmd_unblock},   {"list", cmd_list},
        {"impact", cmd_impact}, {"export", cmd_export},     {"import", cmd_import},
        {"allow", cmd_allow},   {"disallow", cmd_disallow}, {"mode", cmd_mode},
    };
    if (argc < 1)
        return cli_usage_error("domain needs a subcommand: block, unblock, list, impact, export,"
                               " import, allow, disallow or mode");
    for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
        if (!strcmp(argv[0], subs[i].name))
            return subs[i].run(argc - 1, argv + 1);
    return cli_usage_error("unknown domain subcommand '%s'", argv[0]);
}
