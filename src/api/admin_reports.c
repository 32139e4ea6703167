/*
 * api/admin_reports: Mastodon's admin API for the report queue
 * (/api/v1/admin/reports), with Hearth's extensions for moderators' notes
 * (GET and POST /api/v1/admin/reports/:id/notes) and forwarding a report
 * later (POST /api/v1/admin/reports/:id/forward). The member's Report
 * entity (api_report_json) is here too.
 */
#include <string.h>

#include "api/api.h"
#include "api/internal.h"
#include "core/report.h"
#include "core/role.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"
#include "util/timeutil.h"

static json_t *id_json(int64_t id)
{
    char buf[ID_STR_MAX];
    return json_string(id_to_str(id, buf));
}

static json_t *time_json(int64_t ms)
{
    char buf[TIME_ISO_MAX];
    return ms ? json_string(time_iso8601(ms, buf)) : json_null();
}

static json_t *ids_json(const int64_t *ids, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, id_json(ids[i]));
    return arr;
}

static json_t *rule_ids_json(const char *text)
{
    json_t *arr = json_array();
    const char *p = text ? text : "";
    while (*p) {
        size_t len = strcspn(p, ",");
        if (len)
            json_array_append_new(arr, json_stringn(p, len));
        p += len + (p[len] == ',');
    }
    return arr;
}

json_t *api_report_json(struct req *req, struct db_conn *c, int64_t id)
{
    struct report *r;
    if (report_get(c, req->arena, id, &r) != 0)
        return json_null();
    json_t *target = api_account_json_id(req, c, r->target);
    json_t *j = json_object();
    json_object_set_new(j, "id", id_json(r->id));
    json_object_set_new(j, "action_taken", json_boolean(r->action_taken_at != 0));
    json_object_set_new(j, "action_taken_at", time_json(r->action_taken_at));
    json_object_set_new(j, "category", json_string(r->category));
    json_object_set_new(j, "comment", json_string(r->comment));
    json_object_set_new(j, "forwarded", json_boolean(r->forward || r->forwarded_at));
    json_object_set_new(j, "created_at", time_json(r->created_at));
    json_object_set_new(j, "status_ids", ids_json(r->status_ids, r->n_statuses));
    json_object_set_new(j, "rule_ids", rule_ids_json(r->rule_ids));
    json_object_set_new(j, "target_account", target ? target : json_null());
    return j;
}

static json_t *admin_account_or_null(struct req *req, struct db_conn *c, int64_t id)
{
    return id ? api_admin_account_json(req, c, id) : json_null();
}

static json_t *notes_json(struct req *req, struct db_conn *c, int64_t id)
{
    struct report_note *notes;
    size_t n;
    json_t *arr = json_array();
    if (report_notes(c, req->arena, id, &notes, &n) != 0)
        return arr;
    for (size_t i = 0; i < n; i++) {
        json_t *by = notes[i].account_id ? api_account_json_id(req, c, notes[i].account_id) : NULL;
        json_array_append_new(arr, json_pack("{s:o, s:s, s:o, s:o}", "id", id_json(notes[i].id),
                                             "content", notes[i].content, "created_at",
                                             time_json(notes[i].created_at), "account",
                                             by ? by : json_null()));
    }
    return arr;
}

/* Mastodon's Admin::Report, with Hearth's "notes" and "forwarded_at". */
static json_t *admin_report_json(struct req *req, struct db_conn *c, const struct report *r)
{
    json_t *j = json_object();
    json_object_set_new(j, "id", id_json(r->id));
    json_object_set_new(j, "action_taken", json_boolean(r->action_taken_at != 0));
    json_object_set_new(j, "action_taken_at", time_json(r->action_taken_at));
    json_object_set_new(j, "category", json_string(r->category));
    json_object_set_new(j, "comment", json_string(r->comment));
    json_object_set_new(j, "forwarded", json_boolean(r->forward || r->forwarded_at));
    json_object_set_new(j, "forwarded_at", time_json(r->forwarded_at));
    json_object_set_new(j, "created_at", time_json(r->created_at));
    json_object_set_new(j, "updated_at", time_json(r->updated_at));
    json_object_set_new(j, "account", admin_account_or_null(req, c, r->reporter));
    json_object_set_new(j, "target_account", admin_account_or_null(req, c, r->target));
    json_object_set_new(j, "assigned_account", admin_account_or_null(req, c, r->assigned_to));
    json_object_set_new(j, "action_taken_by_account",
                        admin_account_or_null(req, c, r->action_taken_by));
    json_object_set_new(j, "statuses", api_statuses_json(req, c, r->status_ids, r->n_statuses));
    json_object_set_new(j, "rules", json_array());
    json_object_set_new(j, "rule_ids", rule_ids_json(r->rule_ids));
    json_object_set_new(j, "notes", notes_json(req, c, r->id));
    return j;
}

static int answer_report(struct req *req, struct resp *resp, int64_t id)
{
    struct core *core = req->app;
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_SNAPSHOT, &c);
    if (rc)
        return api_fail(req, resp, rc);
    struct report *r;
    rc = report_get(c, req->arena, id, &r);
    if (rc) {
        db_release(c);
        return api_fail(req, resp, rc);
    }
    json_t *j = admin_report_json(req, c, r);
    db_release(c);
    resp_json(req, resp, 200, j);
    return 0;
}

static int arg_id(struct req *req, struct resp *resp, const char *name, int64_t *out)
{
    *out = 0;
    const char *v = req_arg(req, name);
    if (v && *v && id_from_str(v, out) != 0) {
        api_invalid(req, resp, arena_printf(req->arena, "%s must be an id", name));
        return 1;
    }
    return 0;
}

/* GET /api/v1/admin/reports */
static int list(struct req *req, struct resp *resp)
{
    if (api_require_permission(req, resp, PERM_MANAGE_REPORTS, NULL))
        return 0;
    struct page p;
    if (api_page(req, resp, &p))
        return 0;
    struct report_query q = {
        .max_id = p.max_id, .since_id = p.since_id, .min_id = p.min_id, .limit = p.limit};
    int resolved = api_arg_bool(req, "resolved", 0);
    if (resolved < 0) {
        api_invalid(req, resp, "resolved must be a boolean");
        return 0;
    }
    q.resolved = resolved;
    if (arg_id(req, resp, "account_id", &q.account_id) ||
        arg_id(req, resp, "target_account_id", &q.target_account_id))
        return 0;
    struct core *core = req->app;
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_SNAPSHOT, &c);
    if (rc)
        return api_fail(req, resp, rc);
    struct report *reports;
    size_t n;
    rc = report_list(c, req->arena, &q, &reports, &n);
    if (rc) {
        db_release(c);
        return api_fail(req, resp, rc);
    }
    json_t *arr = json_array();
    int64_t *ids = arena_alloc(req->arena, (n + 1) * sizeof(*ids));
    for (size_t i = 0; i < n; i++) {
        ids[i] = reports[i].id;
        json_array_append_new(arr, admin_report_json(req, c, &reports[i]));
    }
    db_release(c);
    api_link_header(req, resp, ids, n);
    resp_json(req, resp, 200, arr);
    return 0;
}

/* GET /api/v1/admin/reports/:id */
static int get_one(struct req *req, struct resp *resp)
{
    if (api_require_permission(req, resp, PERM_MANAGE_REPORTS, NULL))
        return 0;
    return answer_report(req, resp, api_param_id(req, "id"));
}

/* PUT /api/v1/admin/reports/:id: category, rule_ids[] */
static int update(struct req *req, struct resp *resp)
{
    if (api_require_permission(req, resp, PERM_MANAGE_REPORTS, NULL))
        return 0;
    const char *rules[32];
    size_t nr = 0;
    if (api_arg_strings(req, resp, "rule_ids", rules, 32, &nr))
        return 0;
    const char *rule_ids = NULL;
    if (nr) {
        char *text = arena_alloc(req->arena, nr * (ID_STR_MAX + 1) + 1);
        size_t used = 0;
        for (size_t i = 0; i < nr; i++) {
            int64_t rid;
            if (id_from_str(rules[i], &rid) != 0) {
                api_invalid(req, resp, "rule_ids must be rule ids");
                return 0;
            }
            char one[ID_STR_MAX];
            size_t len = strlen(id_to_str(rid, one));
            if (used)
                text[used++] = ',';
            memcpy(text + used, one, len);
            used += len;
        }
        text[used] = '\0';
        rule_ids = text;
    }
    const char *why = NULL;
    int64_t id = api_param_id(req, "id");
    int rc =
        report_update(req->app, api_account_id(req), id, req_arg(req, "category"), rule_ids, &why);
    if (rc == E_INVAL && why) {
        api_invalid(req, resp, why);
        return 0;
    }
    if (rc)
        return api_fail(req, resp, rc);
    return answer_report(req, resp, id);
}

static int assign(struct req *req, struct resp *resp, int to_self)
{
    if (api_require_permission(req, resp, PERM_MANAGE_REPORTS, NULL))
        return 0;
    int64_t id = api_param_id(req, "id"), me = api_account_id(req);
    int rc = report_assign(req->app, me, id, to_self ? me : 0);
    if (rc)
        return api_fail(req, resp, rc);
    return answer_report(req, resp, id);
}

/* POST /api/v1/admin/reports/:id/assign_to_self */
static int assign_self(struct req *req, struct resp *resp)
{
    return assign(req, resp, 1);
}

/* POST /api/v1/admin/reports/:id/unassign */
static int unassign(struct req *req, struct resp *resp)
{
    return assign(req, resp, 0);
}

static int resolve(struct req *req, struct resp *resp, int resolved)
{
    if (api_require_permission(req, resp, PERM_MANAGE_REPORTS, NULL))
        return 0;
    int64_t id = api_param_id(req, "id");
    int rc = report_resolve(req->app, api_account_id(req), id, resolved);
    if (rc)
        return api_fail(req, resp, rc);
    return answer_report(req, resp, id);
}

/* POST /api/v1/admin/reports/:id/resolve */
static int resolve_post(struct req *req, struct resp *resp)
{
    return resolve(req, resp, 1);
}

/* POST /api/v1/admin/reports/:id/reopen */
static int reopen_post(struct req *req, struct resp *resp)
{
    return resolve(req, resp, 0);
}

/* GET /api/v1/admin/reports/:id/notes (Hearth) */
static int notes_get(struct req *req, struct resp *resp)
{
    if (api_require_permission(req, resp, PERM_MANAGE_REPORTS, NULL))
        return 0;
    int64_t id = api_param_id(req, "id");
    struct core *core = req->app;
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_SNAPSHOT, &c);
    if (rc)
        return api_fail(req, resp, rc);
    struct report *r;
    rc = report_get(c, req->arena, id, &r);
    json_t *j = rc ? NULL : notes_json(req, c, id);
    db_release(c);
    if (rc)
        return api_fail(req, resp, rc);
    resp_json(req, resp, 200, j);
    return 0;
}

/* POST /api/v1/admin/reports/:id/notes (Hearth): content */
static int notes_post(struct req *req, struct resp *resp)
{
    if (api_require_permission(req, resp, PERM_MANAGE_REPORTS, NULL))
        return 0;
    int64_t id = api_param_id(req, "id");
    const char *why = NULL;
    int rc = report_note_add(req->app, api_account_id(req), id, req_arg(req, "content"), &why);
    if (rc == E_INVAL && why) {
        api_invalid(req, resp, why);
        return 0;
    }
    if (rc)
        return api_fail(req, resp, rc);
    return answer_report(req, resp, id);
}

/* POST /api/v1/admin/reports/:id/forward (Hearth): a Flag to the account's server. */
static int forward_post(struct req *req, struct resp *resp)
{
    if (api_require_permission(req, resp, PERM_MANAGE_REPORTS, NULL))
        return 0;
    int64_t id = api_param_id(req, "id");
    const char *why = NULL;
    int rc = report_forward(req->app, api_account_id(req), id, &why);
    if (rc == E_INVAL && why) {
        api_invalid(req, resp, why);
        return 0;
    }
    if (rc)
        return api_fail(req, resp, rc);
    return answer_report(req, resp, id);
}

const struct route api_admin_report_routes[] = {
    {"GET", "/api/v1/admin/reports", list, ROUTE_AUTH_REQUIRED, "admin:read:reports"},
    {"GET", "/api/v1/admin/reports/:id", get_one, ROUTE_AUTH_REQUIRED, "admin:read:reports"},
    {"PUT", "/api/v1/admin/reports/:id", update, ROUTE_AUTH_REQUIRED, "admin:write:reports"},
    {"POST", "/api/v1/admin/reports/:id/assign_to_self", assign_self, ROUTE_AUTH_REQUIRED,
     "admin:write:reports"},
    {"POST", "/api/v1/admin/reports/:id/unassign", unassign, ROUTE_AUTH_REQUIRED,
     "admin:write:reports"},
    {"POST", "/api/v1/admin/reports/:id/resolve", resolve_post, ROUTE_AUTH_REQUIRED,
     "admin:write:reports"},
    {"POST", "/api/v1/admin/reports/:id/reopen", reopen_post, ROUTE_AUTH_REQUIRED,
     "admin:write:reports"},
    {"GET", "/api/v1/admin/reports/:id/notes", notes_get, ROUTE_AUTH_REQUIRED,
     "admin:read:reports"},
    {"POST", "/api/v1/admin/reports/:id/notes", notes_post, ROUTE_AUTH_REQUIRED,
     "admin:write:reports"},
    {"POST", "/api/v1/admin/reports/:id/forward", forward_post, ROUTE_AUTH_REQUIRED,
     "admin:write:reports"},
};
const size_t api_admin_report_routes_count =
    sizeof(api_admin_report_routes) / sizeof(api_admin_report_routes[0]);
