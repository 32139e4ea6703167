/*
 * api/admin_dashboard: Mastodon's measures (POST /api/v1/admin/measures:
 * active_users, new_users, interactions, opened_reports, resolved_reports,
 * day by day) and Hearth's audit log (GET /api/v1/admin/audit_log).
 */
#include <string.h>

#include "api/api.h"
#include "api/internal.h"
#include "core/audit.h"
#include "core/role.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"
#include "util/timeutil.h"

#define DAY_MS (24LL * 3600 * 1000)
#define MEASURE_DAYS_MAX 366

/* A measure: its key and the SQL counting it over [?1, ?2) (ms). */
static const struct {
    const char *key;
    const char *sql;
} measures[] = {
    /* Members who posted, logged in on the pages or signed in to an app. */
    {"active_users",
     "SELECT count(*) FROM (SELECT s.account_id FROM statuses s WHERE s.local = 1"
     " AND s.created_at >= ?1 AND s.created_at < ?2 UNION SELECT account_id FROM users"
     " WHERE last_login_at >= ?1 AND last_login_at < ?2 UNION SELECT account_id"
     " FROM oauth_tokens WHERE account_id IS NOT NULL AND created_at >= ?1 AND created_at < ?2)"},
    {"new_users", "SELECT count(*) FROM users WHERE created_at >= ?1 AND created_at < ?2"},
    /* Favourites, boosts and replies that members' posts received. */
    {"interactions",
     "SELECT (SELECT count(*) FROM favourites f JOIN statuses s ON s.id = f.status_id"
     " WHERE s.local = 1 AND f.created_at >= ?1 AND f.created_at < ?2)"
     " + (SELECT count(*) FROM statuses b JOIN statuses s ON s.id = b.reblog_of_id"
     " WHERE s.local = 1 AND b.created_at >= ?1 AND b.created_at < ?2)"
     " + (SELECT count(*) FROM statuses r JOIN statuses s ON s.id = r.in_reply_to_id"
     " WHERE s.local = 1 AND r.account_id <> s.account_id AND r.created_at >= ?1"
     " AND r.created_at < ?2)"},
    {"opened_reports", "SELECT count(*) FROM reports WHERE created_at >= ?1 AND created_at < ?2"},
    {"resolved_reports",
     "SELECT count(*) FROM reports WHERE action_taken_at >= ?1 AND action_taken_at < ?2"},
};

static int count_between(struct db_conn *c, const char *sql, int64_t from, int64_t to, int64_t *out)
{
    struct db_stmt *s;
    int rc = db_prepare(c, sql, &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, from);
    db_bind_i64(s, 2, to);
    rc = db_step(s);
    *out = rc == DB_ROW ? db_col_i64(s, 0) : 0;
    db_stmt_done(s);
    return rc < 0 ? rc : 0;
}

/* "2026-12-01" (or a full ISO 8601 time) as the start of its day, ms. */
static int parse_day(struct req *req, const char *text, int64_t *out)
{
    if (!text || !*text)
        return E_INVAL;
    const char *full = strlen(text) == 10 ? arena_printf(req->arena, "%sT00:00:00Z", text) : text;
    int64_t ms;
    if (time_parse_iso8601(full, &ms) != 0)
        return E_INVAL;
    *out = ms - ((ms % DAY_MS) + DAY_MS) % DAY_MS;
    return 0;
}

/* POST /api/v1/admin/measures: keys[], start_at, end_at (dates, end included). */
static int measures_post(struct req *req, struct resp *resp)
{
    if (api_require_permission(req, resp, PERM_VIEW_DASHBOARD, NULL))
        return 0;
    const char *keys[16];
    size_t nk = 0;
    if (api_arg_strings(req, resp, "keys", keys, 16, &nk))
        return 0;
    int64_t start, end;
    if (parse_day(req, req_arg(req, "start_at"), &start) ||
        parse_day(req, req_arg(req, "end_at"), &end) || end < start) {
        api_invalid(req, resp, "start_at and end_at must be dates, start_at first");
        return 0;
    }
    int64_t days = (end - start) / DAY_MS + 1;
    if (days > MEASURE_DAYS_MAX) {
        api_invalid(req, resp, "a measure covers a year at most");
        return 0;
    }
    struct core *core = req->app;
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_SNAPSHOT, &c);
    if (rc)
        return api_fail(req, resp, rc);
    json_t *arr = json_array();
    for (size_t k = 0; rc == 0 && k < nk; k++) {
        size_t m = 0;
        while (m < sizeof(measures) / sizeof(measures[0]) && strcmp(measures[m].key, keys[k]))
            m++;
        if (m == sizeof(measures) / sizeof(measures[0]))
            continue; /* as Mastodon: unknown keys are left out */
        int64_t total = 0, previous = 0;
        json_t *data = json_array();
        for (int64_t d = 0; rc == 0 && d < days; d++) {
            int64_t day = start + d * DAY_MS, v = 0;
            rc = count_between(c, measures[m].sql, day, day + DAY_MS, &v);
            char when[TIME_ISO_MAX];
            json_array_append_new(data,
                                  json_pack("{s:s, s:s}", "date", time_iso8601(day, when), "value",
                                            arena_printf(req->arena, "%lld", (long long)v)));
        }
        if (rc == 0)
            rc = count_between(c, measures[m].sql, start, end + DAY_MS, &total);
        if (rc == 0)
            rc = count_between(c, measures[m].sql, start - days * DAY_MS, start, &previous);
        json_array_append_new(
            arr,
            json_pack("{s:s, s:n, s:s, s:s, s:s, s:o}", "key", measures[m].key, "unit", "total",
                      arena_printf(req->arena, "%lld", (long long)total), "human_value",
                      arena_printf(req->arena, "%lld", (long long)total), "previous_total",
                      arena_printf(req->arena, "%lld", (long long)previous), "data", data));
    }
    db_release(c);
    if (rc) {
        json_decref(arr);
        return api_fail(req, resp, rc);
    }
    resp_json(req, resp, 200, arr);
    return 0;
}

/* GET /api/v1/admin/audit_log (Hearth): account_id (-1: the command line), action (a prefix). */
static int audit_get(struct req *req, struct resp *resp)
{
    if (api_require_permission(req, resp, PERM_VIEW_AUDIT_LOG, NULL))
        return 0;
    struct page p;
    if (api_page(req, resp, &p))
        return 0;
    int64_t actor = 0;
    const char *who = req_arg(req, "account_id");
    if (who && !strcmp(who, "-1"))
        actor = -1;
    else if (who && *who && id_from_str(who, &actor) != 0) {
        api_invalid(req, resp, "account_id must be an account's id");
        return 0;
    }
    const char *action = req_arg(req, "action");
    struct core *core = req->app;
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_SNAPSHOT, &c);
    if (rc)
        return api_fail(req, resp, rc);
    struct audit_entry *e;
    size_t n;
    rc = audit_list(c, req->arena, actor, action && *action ? action : NULL, &p, &e, &n);
    if (rc) {
        db_release(c);
        return api_fail(req, resp, rc);
    }
    json_t *arr = json_array();
    int64_t *ids = arena_alloc(req->arena, (n + 1) * sizeof(*ids));
    for (size_t i = 0; i < n; i++) {
        ids[i] = e[i].id;
        char id[ID_STR_MAX], tid[ID_STR_MAX], when[TIME_ISO_MAX];
        json_t *by = e[i].account_id ? api_account_json_id(req, c, e[i].account_id) : NULL;
        json_error_t err;
        json_t *detail = json_loads(e[i].detail ? e[i].detail : "{}", 0, &err);
        json_array_append_new(arr, json_pack("{s:s, s:s, s:o, s:s, s:s?, s:s, s:o, s:s}", "id",
                                             id_to_str(e[i].id, id), "action", e[i].action,
                                             "account", by ? by : json_null(), "target_type",
                                             e[i].target_type, "target_id",
                                             e[i].target_id ? id_to_str(e[i].target_id, tid) : NULL,
                                             "target", e[i].target ? e[i].target : "", "detail",
                                             detail ? detail : json_object(), "created_at",
                                             time_iso8601(e[i].created_at, when)));
    }
    db_release(c);
    api_link_header(req, resp, ids, n);
    resp_json(req, resp, 200, arr);
    return 0;
}

const struct route api_admin_dashboard_routes[] = {
    {"POST", "/api/v1/admin/measures", measures_post, ROUTE_AUTH_REQUIRED, "admin:read"},
    {"GET", "/api/v1/admin/audit_log", audit_get, ROUTE_AUTH_REQUIRED, "admin:read"},
};
const size_t api_admin_dashboard_routes_count =
    sizeof(api_admin_dashboard_routes) / sizeof(api_admin_dashboard_routes[0]);
