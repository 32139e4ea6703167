/*
 * domain_report: what a host reads and sends before defederating (the
 * impact report, a notice to the members it names) and block lists in
 * Mastodon's CSV (see domain_policy.h). Reads run on the caller's
 * connection; changes run their own transactions.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/audit.h"
#include "core/core.h"
#include "core/domain_policy.h"
#include "core/status.h"
#include "core/tx.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/timeutil.h"

#define COVERS(col) DOMAIN_POLICY_COVERS(col)
#define CSV_LINES_MAX 10000

static int64_t count_of(struct db_conn *c, const char *sql, const char *domain, int *rc)
{
    struct db_stmt *s;
    *rc = db_prepare(c, sql, &s);
    if (*rc)
        return 0;
    domain_policy_bind_covers(s, 1, domain);
    int r = db_step(s);
    int64_t n = r == DB_ROW ? db_col_i64(s, 0) : 0;
    db_stmt_done(s);
    *rc = r < 0 ? r : 0;
    return n;
}

static json_t *iso_or_null(int64_t ms)
{
    if (!ms)
        return json_null();
    char t[TIME_ISO_MAX];
    return json_string(time_iso8601(ms, t));
}

int domain_policy_impact(struct db_conn *c, struct arena *a, const char *domain, json_t **out)
{
    (void)a;
    /*
     * Accepted follows across, members' first: rows of one (member, remote
     * account) pair come together, so a mutual follow is two rows in a row.
     */
    struct db_stmt *s;
    int rc = db_prepare(
        c,
        "SELECT m.id, m.username, r.id, r.username || '@' || r.domain AS acct, 1,"
        " (SELECT max(st.created_at) FROM statuses st WHERE st.account_id = r.id"
        " AND st.deleted_at IS NULL)"
        " FROM follows f JOIN accounts m ON m.id = f.account_id AND m.domain IS NULL"
        " JOIN accounts r ON r.id = f.target_account_id"
        " WHERE f.accepted = 1 AND " COVERS(
            "r.domain") " UNION ALL"
                        " SELECT m.id, m.username, r.id, r.username || '@' || r.domain AS acct, 0,"
                        " (SELECT max(st.created_at) FROM statuses st WHERE st.account_id = r.id"
                        " AND st.deleted_at IS NULL)"
                        " FROM follows f JOIN accounts m ON m.id = f.target_account_id AND "
                        "m.domain IS NULL"
                        " JOIN accounts r ON r.id = f.account_id"
                        " WHERE f.accepted = 1 AND " COVERS("r.domain") " ORDER BY 2, 1, 4, 3, 5",
        &s);
    if (rc)
        return rc;
    domain_policy_bind_covers(s, domain_policy_bind_covers(s, 1, domain), domain);
    json_t *members = json_array();
    json_t *member = NULL, *accounts = NULL, *last = NULL;
    int64_t member_id = 0, remote_id = 0;
    int64_t following_members = 0, followed_members = 0, follows_out = 0, follows_in = 0,
            mutuals = 0;
    int m_out = 0, m_in = 0, m_mutual = 0;
    json_t *remotes = json_object(); /* distinct remote accounts */
    while ((rc = db_step(s)) == DB_ROW) {
        int64_t mid = db_col_i64(s, 0);
        int64_t rid = db_col_i64(s, 2);
        int outward = (int)db_col_i64(s, 4);
        if (mid != member_id) {
            if (member) {
                json_object_set_new(member, "following", json_integer(m_out));
                json_object_set_new(member, "followers", json_integer(m_in));
                json_object_set_new(member, "mutuals", json_integer(m_mutual));
                following_members += m_out > 0;
                followed_members += m_in > 0;
            }
            member = json_pack("{s:s, s:s, s:o}", "id", arena_printf(a, "%lld", (long long)mid),
                               "username", db_col_text(s, 1), "accounts", json_array());
            accounts = json_object_get(member, "accounts");
            json_array_append_new(members, member);
            member_id = mid;
            remote_id = 0;
            m_out = m_in = m_mutual = 0;
        }
        if (outward) {
            m_out++;
            follows_out++;
        } else {
            m_in++;
            follows_in++;
        }
        char key[32];
        snprintf(key, sizeof(key), "%lld", (long long)rid);
        json_object_set_new(remotes, key, json_true());
        if (rid == remote_id && last) {
            json_object_set_new(last, "direction", json_string("mutual"));
            m_mutual++;
            mutuals++;
            continue;
        }
        last = json_pack("{s:s, s:s, s:s, s:o}", "id", key, "acct", db_col_text(s, 3), "direction",
                         outward ? "following" : "follower", "last_status_at",
                         iso_or_null(db_col_i64(s, 5)));
        json_array_append_new(accounts, last);
        remote_id = rid;
    }
    db_stmt_done(s);
    if (member) {
        json_object_set_new(member, "following", json_integer(m_out));
        json_object_set_new(member, "followers", json_integer(m_in));
        json_object_set_new(member, "mutuals", json_integer(m_mutual));
        following_members += m_out > 0;
        followed_members += m_in > 0;
    }
    size_t n_remote = json_object_size(remotes);
    json_decref(remotes);
    if (rc < 0) {
        json_decref(members);
        return rc;
    }
    int64_t statuses =
        count_of(c,
                 "SELECT count(*) FROM statuses s JOIN accounts a ON a.id = s.account_id"
                 " WHERE s.deleted_at IS NULL AND a.domain IS NOT NULL AND " COVERS("a.domain"),
                 domain, &rc);
    int64_t notifications = rc ? 0
                               : count_of(c,
                                          "SELECT count(*) FROM notifications n JOIN accounts a"
                                          " ON a.id = n.from_account_id WHERE a.domain IS NOT NULL"
                                          " AND " COVERS("a.domain"),
                                          domain, &rc);
    int64_t known = rc ? 0
                       : count_of(c,
                                  "SELECT count(*) FROM accounts a WHERE a.domain IS NOT NULL"
                                  " AND " COVERS("a.domain"),
                                  domain, &rc);
    if (rc) {
        json_decref(members);
        return rc;
    }
    *out = json_pack("{s:s, s:{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}, s:o}", "domain",
                     domain, "totals", "members_following", (json_int_t)following_members,
                     "members_followed", (json_int_t)followed_members, "members_affected",
                     (json_int_t)json_array_size(members), "follows_out", (json_int_t)follows_out,
                     "follows_in", (json_int_t)follows_in, "mutuals", (json_int_t)mutuals,
                     "remote_accounts", (json_int_t)n_remote, "known_accounts", (json_int_t)known,
                     "statuses", (json_int_t)statuses, "notifications", (json_int_t)notifications,
                     "members", members);
    return *out ? 0 : E_NOMEM;
}

static json_int_t total(json_t *report, const char *key)
{
    return json_integer_value(json_object_get(json_object_get(report, "totals"), key));
}

const char *domain_policy_impact_text(struct arena *a, json_t *report)
{
    const char *text = arena_printf(
        a,
        "Impact of blocking %s\n"
        "  members following accounts there:  %lld (%lld follows)\n"
        "  members followed by accounts there: %lld (%lld follows)\n"
        "  members affected:                  %lld\n"
        "  mutual follows:                    %lld\n"
        "  accounts there involved:           %lld (of %lld known here)\n"
        "  their posts stored here:           %lld\n"
        "  notifications of members from them: %lld\n",
        json_string_value(json_object_get(report, "domain")),
        (long long)total(report, "members_following"), (long long)total(report, "follows_out"),
        (long long)total(report, "members_followed"), (long long)total(report, "follows_in"),
        (long long)total(report, "members_affected"), (long long)total(report, "mutuals"),
        (long long)total(report, "remote_accounts"), (long long)total(report, "known_accounts"),
        (long long)total(report, "statuses"), (long long)total(report, "notifications"));
    json_t *members = json_object_get(report, "members");
    if (json_array_size(members) == 0)
        return arena_printf(a, "%s\nNo member follows or is followed by an account there.\n", text);
    text = arena_printf(a, "%s\n%-20s %-40s %-10s %s\n", text, "MEMBER", "ACCOUNT", "DIRECTION",
                        "LAST POST");
    size_t i, k;
    json_t *m, *acc;
    json_array_foreach(members, i, m)
    {
        const char *name = json_string_value(json_object_get(m, "username"));
        json_array_foreach(json_object_get(m, "accounts"), k, acc)
        {
            const char *last = json_string_value(json_object_get(acc, "last_status_at"));
            text = arena_printf(a, "%s%-20s %-40s %-10s %.10s\n", text, k == 0 ? name : "",
                                json_string_value(json_object_get(acc, "acct")),
                                json_string_value(json_object_get(acc, "direction")),
                                last ? last : "never");
        }
    }
    return text;
}

int domain_policy_notify_members(const struct core *core, int64_t actor, int64_t sender,
                                 const char *domain, const char *text, int *sent, const char **why)
{
    *sent = 0;
    *why = NULL;
    if (!text || !*text) {
        *why = "the message is empty";
        return E_INVAL;
    }
    struct arena *a = arena_new();
    const char *d = domain_policy_normalize(a, core, domain, why);
    int rc = d ? 0 : E_INVAL;
    json_t *report = NULL;
    if (rc == 0) {
        struct db_conn *c;
        rc = db_acquire(core->db, DB_READ, &c);
        if (rc == 0) {
            rc = domain_policy_impact(c, a, d, &report);
            db_release(c);
        }
    }
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(report, "members"), i, m)
    {
        if (rc)
            break;
        const char *name = json_string_value(json_object_get(m, "username"));
        int64_t mid = strtoll(json_string_value(json_object_get(m, "id")), NULL, 10);
        if (mid == sender)
            continue; /* the sender knows */
        struct status_new p = {.text = arena_printf(a, "@%s %s", name, text),
                               .visibility = VIS_DIRECT};
        int64_t sid;
        rc = status_create(core, sender, &p, &sid, why);
        if (rc == 0)
            (*sent)++;
    }
    if (rc == 0 && d) {
        struct db_conn *c;
        rc = core_tx_begin(core, &c);
        if (rc == 0) {
            json_t *detail = json_pack("{s:i, s:s}", "members", *sent, "text", text);
            char *dt = json_dumps(detail, JSON_COMPACT);
            json_decref(detail);
            rc = audit_add(c, actor, "domain_block.notify", "domain", 0, d, dt);
            free(dt);
            rc = core_tx_end(c, rc);
        }
    }
    json_decref(report);
    arena_free(a);
    return rc;
}

/* Appends a CSV field, quoted when it holds a comma, a quote or a line break. */
static int csv_field(struct buf *b, const char *v, int last)
{
    int rc = 0;
    if (strpbrk(v, ",\"\r\n")) {
        rc = buf_append(b, "\"", 1);
        for (const char *p = v; rc == 0 && *p; p++)
            rc = *p == '"' ? buf_append(b, "\"\"", 2) : buf_append(b, p, 1);
        if (rc == 0)
            rc = buf_append(b, "\"", 1);
    } else {
        rc = buf_append(b, v, strlen(v));
    }
    return rc ? rc : buf_append(b, last ? "\n" : ",", 1);
}

int domain_policy_export_csv(struct db_conn *c, struct arena *a, const char **out)
{
    struct buf b;
    buf_init(&b, 64 * 1024 * 1024);
    static const char header[] =
        "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate\n";
    int rc = buf_append(&b, header, sizeof(header) - 1);
    struct domain_block_rule *list;
    size_t n = 0;
    if (rc == 0)
        rc = domain_policy_list_all(c, a, 0, &list, &n);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const struct domain_block_rule *r = &list[i];
        if ((rc = csv_field(&b, r->domain, 0)) ||
            (rc = csv_field(&b, domain_severity_name(r->severity), 0)) ||
            (rc = csv_field(&b, r->reject_media ? "true" : "false", 0)) ||
            (rc = csv_field(&b, r->reject_reports ? "true" : "false", 0)) ||
            (rc = csv_field(&b, r->public_comment, 0)))
            break;
        rc = csv_field(&b, r->obfuscate ? "true" : "false", 1);
    }
    if (rc == 0)
        *out = arena_strndup(a, b.data ? b.data : "", b.len);
    buf_fini(&b);
    return rc;
}

/*
 * Splits one CSV record from *p (quoted fields may hold commas, doubled
 * quotes and line breaks) into at most max fields. Returns the field count,
 * or -1 for an unterminated quote. *lines counts the line breaks consumed.
 */
static int csv_record(struct arena *a, const char **p, const char *end, const char **fields,
                      int max, int *lines)
{
    int n = 0;
    const char *q = *p;
    for (;;) {
        struct buf f;
        buf_init(&f, 64 * 1024);
        if (q < end && *q == '"') {
            q++;
            for (;;) {
                if (q >= end) {
                    buf_fini(&f);
                    return -1;
                }
                if (*q == '"' && q + 1 < end && q[1] == '"') {
                    buf_append(&f, "\"", 1);
                    q += 2;
                } else if (*q == '"') {
                    q++;
                    break;
                } else {
                    if (*q == '\n')
                        (*lines)++;
                    buf_append(&f, q++, 1);
                }
            }
        }
        while (q < end && *q != ',' && *q != '\n' && *q != '\r')
            buf_append(&f, q++, 1);
        if (n < max)
            fields[n] = arena_strndup(a, f.data ? f.data : "", f.len);
        n++;
        buf_fini(&f);
        if (q < end && *q == ',') {
            q++;
            continue;
        }
        break;
    }
    if (q < end && *q == '\r')
        q++;
    if (q < end && *q == '\n') {
        q++;
        (*lines)++;
    }
    *p = q;
    return n;
}

static int csv_bool(const char *v, int *out)
{
    if (!v || !*v || !strcmp(v, "false") || !strcmp(v, "False") || !strcmp(v, "0")) {
        *out = 0;
        return 0;
    }
    if (!strcmp(v, "true") || !strcmp(v, "True") || !strcmp(v, "1")) {
        *out = 1;
        return 0;
    }
    return E_INVAL;
}

enum { COL_DOMAIN, COL_SEVERITY, COL_MEDIA, COL_REPORTS, COL_PUBLIC, COL_OBFUSCATE, COL_COUNT };

int domain_policy_parse_csv(struct db_conn *c, struct arena *a, const struct core *core,
                            const char *text, size_t len, struct domain_block_rule **out, size_t *n,
                            const char **why)
{
    static const char *const names[COL_COUNT] = {"#domain",         "#severity",
                                                 "#reject_media",   "#reject_reports",
                                                 "#public_comment", "#obfuscate"};
    const char *p = text, *end = text + len;
    if (len >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
        p += 3; /* a byte order mark from a spreadsheet */
    const char *fields[16];
    int lines = 0;
    int nf = csv_record(a, &p, end, fields, 16, &lines);
    int col[COL_COUNT];
    for (int k = 0; k < COL_COUNT; k++)
        col[k] = -1;
    for (int i = 0; i < nf && i < 16; i++)
        for (int k = 0; k < COL_COUNT; k++)
            if (!strcmp(fields[i], names[k]) || !strcmp(fields[i], names[k] + 1))
                col[k] = i;
    if (col[COL_DOMAIN] < 0) {
        *why = "line 1: the header must name the columns, starting with #domain";
        return E_INVAL;
    }
    size_t cap = 64, count = 0;
    struct domain_block_rule *list = arena_zalloc(a, cap * sizeof(*list));
    int next = 1 + lines; /* the number of the line the next record starts on */
    while (p < end) {
        int at = next;
        lines = 0;
        nf = csv_record(a, &p, end, fields, 16, &lines);
        next += lines ? lines : 1;
        if (nf < 0) {
            *why = arena_printf(a, "line %d: a quoted field does not end", at);
            return E_INVAL;
        }
        if (nf == 1 && !*fields[0])
            continue; /* a blank line */
        if (count == CSV_LINES_MAX) {
            *why = arena_printf(a, "line %d: more than %d blocks", at, CSV_LINES_MAX);
            return E_LIMIT;
        }
        struct domain_block_rule r = {.private_comment = "", .public_comment = ""};
        const char *v[COL_COUNT];
        for (int k = 0; k < COL_COUNT; k++)
            v[k] = col[k] >= 0 && col[k] < nf && col[k] < 16 ? fields[col[k]] : NULL;
        const char *bad = NULL;
        r.domain = domain_policy_normalize(a, core, v[COL_DOMAIN], &bad);
        if (!r.domain) {
            *why = arena_printf(a, "line %d: %s", at, bad);
            return E_INVAL;
        }
        r.severity = DOMAIN_SUSPEND;
        if (v[COL_SEVERITY] && *v[COL_SEVERITY] &&
            domain_severity_parse(v[COL_SEVERITY], &r.severity) != 0) {
            *why = arena_printf(a, "line %d: severity must be suspend, silence or noop", at);
            return E_INVAL;
        }
        if (csv_bool(v[COL_MEDIA], &r.reject_media) ||
            csv_bool(v[COL_REPORTS], &r.reject_reports) ||
            csv_bool(v[COL_OBFUSCATE], &r.obfuscate)) {
            *why = arena_printf(a, "line %d: a flag must be true or false", at);
            return E_INVAL;
        }
        r.public_comment = v[COL_PUBLIC] ? v[COL_PUBLIC] : "";
        if (strlen(r.public_comment) > 1000) {
            *why = arena_printf(a, "line %d: the comment is longer than 1000 characters", at);
            return E_INVAL;
        }
        struct domain_block_rule have;
        int rc = domain_policy_block_get(c, a, 0, r.domain, &have);
        if (rc == 0)
            r.id = -1;
        else if (rc != E_NOTFOUND)
            return rc;
        for (size_t k = 0; k < count; k++)
            if (!strcmp(list[k].domain, r.domain))
                r.id = -1; /* named twice: the first line wins */
        if (count == cap) {
            struct domain_block_rule *bigger = arena_zalloc(a, cap * 2 * sizeof(*list));
            memcpy(bigger, list, count * sizeof(*list));
            list = bigger;
            cap *= 2;
        }
        list[count++] = r;
    }
    *out = list;
    *n = count;
    return 0;
}

int domain_policy_import_csv(const struct core *core, int64_t actor, const char *text, size_t len,
                             int *added, const char **why)
{
    *added = 0;
    *why = NULL;
    struct arena *a = arena_new();
    struct db_conn *c;
    int rc = core_tx_begin(core, &c);
    if (rc) {
        arena_free(a);
        return rc;
    }
    struct domain_block_rule *list;
    size_t n;
    rc = domain_policy_parse_csv(c, a, core, text, len, &list, &n, why);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        if (list[i].id == -1)
            continue;
        rc = domain_policy_insert(c, a, actor, &list[i], NULL, why);
        if (rc == 0)
            (*added)++;
    }
    rc = core_tx_end(c, rc);
    if (rc)
        *added = 0;
    arena_free(a);
    return rc;
}
