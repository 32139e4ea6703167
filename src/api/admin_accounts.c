/*
 * api/admin_accounts: Mastodon's admin API for accounts
 * (/api/v1/admin/accounts, /api/v2/admin/accounts), with Hearth's
 * extension for roles (POST /api/v1/admin/accounts/:id/role). Every
 * handler asks core/role through api_require_permission; the actions are
 * core/moderation's.
 */
#include <string.h>

#include "api/api.h"
#include "api/internal.h"
#include "core/moderation.h"
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

json_t *api_admin_account_json(struct req *req, struct db_conn *c, int64_t id)
{
    struct account *acc;
    struct moderation_state st;
    if (account_get(c, req->arena, id, &acc) != 0 || moderation_state(c, req->arena, id, &st) != 0)
        return json_null();
    json_t *account = api_account_json(req, c, acc);
    if (!account)
        return json_null();
    json_t *j = json_object();
    json_object_set_new(j, "id", id_json(acc->id));
    json_object_set_new(j, "username", json_string(acc->username));
    json_object_set_new(j, "domain", acc->domain ? json_string(acc->domain) : json_null());
    json_object_set_new(j, "created_at", time_json(acc->created_at));
    json_object_set_new(j, "email", st.email ? json_string(st.email) : json_string(""));
    json_object_set_new(j, "ip", json_null()); /* Hearth keeps no addresses */
    json_object_set_new(j, "ips", json_array());
    json_object_set_new(j, "locale", st.has_user ? json_string("en") : json_null());
    json_object_set_new(j, "invite_request", json_null());
    if (st.has_user) {
        struct db_stmt *s;
        if (db_prepare(c, "SELECT signup_reason FROM users WHERE account_id = ?", &s) == 0) {
            db_bind_i64(s, 1, id);
            if (db_step(s) == DB_ROW && db_col_text(s, 0))
                json_object_set_new(j, "invite_request", json_string(db_col_text(s, 0)));
            db_stmt_done(s);
        }
    }
    json_object_set_new(j, "role",
                        st.has_user ? api_role_json(req, (enum user_role)st.role) : json_null());
    json_object_set_new(j, "confirmed", json_boolean(st.confirmed));
    json_object_set_new(j, "approved", json_boolean(st.approved));
    json_object_set_new(j, "disabled", json_boolean(st.disabled));
    json_object_set_new(j, "silenced", json_boolean(st.silenced_at != 0));
    json_object_set_new(j, "suspended", json_boolean(st.suspended_at != 0));
    json_object_set_new(j, "sensitized", json_boolean(st.sensitized_at != 0));
    json_object_set_new(j, "account", account);
    json_object_set_new(j, "created_by_application_id", json_null());
    json_object_set_new(j, "invited_by_account_id", json_null());
    return j;
}

json_t *api_account_warning_json(struct req *req, struct db_conn *c, int64_t id)
{
    struct account_warning *w;
    if (moderation_warning_get(c, req->arena, id, &w) != 0)
        return json_null();
    json_t *target = api_account_json_id(req, c, w->account_id);
    return json_pack("{s:o, s:s, s:s, s:[], s:o, s:n, s:o}", "id", id_json(w->id), "action",
                     w->action, "text", w->text, "status_ids", "target_account",
                     target ? target : json_null(), "appeal", "created_at",
                     time_json(w->created_at));
}

/* The filters of both list versions, in one query. */
struct account_filter {
    int origin;         /* 0 any, 1 local, 2 remote */
    const char *status; /* "", active, pending, disabled, silenced, suspended, sensitized */
    int staff;
    const char *username, *display_name, *by_domain, *email, *ip;
};

static const char *arg(struct req *req, const char *name)
{
    const char *v = req_arg(req, name);
    return v ? v : "";
}

static int flag(struct req *req, const char *name)
{
    return api_arg_bool(req, name, 0) == 1;
}

static int answer_list(struct req *req, struct resp *resp, const struct account_filter *f)
{
    struct page p;
    if (api_page(req, resp, &p))
        return 0;
    static const char *const statuses[] = {"",         "active",    "pending",   "disabled",
                                           "silenced", "suspended", "sensitized"};
    int known = 0;
    for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
        known |= !strcmp(f->status, statuses[i]);
    if (!known) {
        api_invalid(req, resp, "status must be active, pending, disabled, silenced or suspended");
        return 0;
    }
    struct moderation_account_query q = {.origin = f->origin,
                                         .status = f->status,
                                         .staff = f->staff,
                                         .username = f->username,
                                         .display_name = f->display_name,
                                         .by_domain = f->by_domain,
                                         .email = f->email,
                                         .ip = f->ip,
                                         .max_id = p.max_id,
                                         .since_id = p.since_id,
                                         .limit = p.limit};
    struct core *core = req->app;
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_SNAPSHOT, &c);
    if (rc)
        return api_fail(req, resp, rc);
    int64_t *ids;
    size_t n;
    rc = moderation_accounts(c, req->arena, &q, &ids, &n);
    if (rc) {
        db_release(c);
        return api_fail(req, resp, rc);
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *one = api_admin_account_json(req, c, ids[i]);
        if (json_is_null(one))
            json_decref(one);
        else
            json_array_append_new(arr, one);
    }
    db_release(c);
    api_link_header(req, resp, ids, n);
    resp_json(req, resp, 200, arr);
    return 0;
}

/* GET /api/v1/admin/accounts */
static int list_v1(struct req *req, struct resp *resp)
{
    if (api_require_permission(req, resp, PERM_MANAGE_USERS, NULL))
        return 0;
    struct account_filter f = {0};
    f.origin = flag(req, "local") ? 1 : flag(req, "remote") ? 2 : 0;
    f.status = flag(req, "pending")      ? "pending"
               : flag(req, "disabled")   ? "disabled"
               : flag(req, "silenced")   ? "silenced"
               : flag(req, "suspended")  ? "suspended"
               : flag(req, "sensitized") ? "sensitized"
               : flag(req, "active")     ? "active"
                                         : "";
    f.staff = flag(req, "staff");
    f.username = arg(req, "username");
    f.display_name = arg(req, "display_name");
    f.by_domain = arg(req, "by_domain");
    f.email = arg(req, "email");
    f.ip = arg(req, "ip");
    return answer_list(req, resp, &f);
}

/* GET /api/v2/admin/accounts */
static int list_v2(struct req *req, struct resp *resp)
{
    if (api_require_permission(req, resp, PERM_MANAGE_USERS, NULL))
        return 0;
    struct account_filter f = {0};
    const char *origin = arg(req, "origin");
    if (*origin && strcmp(origin, "local") && strcmp(origin, "remote")) {
        api_invalid(req, resp, "origin must be local or remote");
        return 0;
    }
    f.origin = !strcmp(origin, "local") ? 1 : !strcmp(origin, "remote") ? 2 : 0;
    f.status = arg(req, "status");
    const char *perms = arg(req, "permissions");
    if (*perms && strcmp(perms, "staff")) {
        api_invalid(req, resp, "permissions must be staff");
        return 0;
    }
    f.staff = *perms != '\0';
    f.username = arg(req, "username");
    f.display_name = arg(req, "display_name");
    f.by_domain = arg(req, "by_domain");
    f.email = arg(req, "email");
    f.ip = arg(req, "ip");
    return answer_list(req, resp, &f);
}

/* Answers 200 with the Admin::Account of id (404 when unknown). */
static int answer_account(struct req *req, struct resp *resp, int64_t id)
{
    struct core *core = req->app;
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_SNAPSHOT, &c);
    if (rc)
        return api_fail(req, resp, rc);
    json_t *j = api_admin_account_json(req, c, id);
    db_release(c);
    if (json_is_null(j)) {
        json_decref(j);
        return api_fail(req, resp, E_NOTFOUND);
    }
    resp_json(req, resp, 200, j);
    return 0;
}

/* GET /api/v1/admin/accounts/:id */
static int get_one(struct req *req, struct resp *resp)
{
    if (api_require_permission(req, resp, PERM_MANAGE_USERS, NULL))
        return 0;
    return answer_account(req, resp, api_param_id(req, "id"));
}

/* Carries out an action and answers as Mastodon does (the account, or {} for action). */
static int act(struct req *req, struct resp *resp, enum moderation_action action, int64_t report_id,
               const char *text, int notify, int empty_answer)
{
    int64_t id = api_param_id(req, "id");
    struct moderation_request r = {.actor = api_account_id(req),
                                   .target = id,
                                   .action = action,
                                   .text = text,
                                   .report_id = report_id,
                                   .notify = notify};
    const char *why = NULL;
    int rc = moderation_act(req->app, &r, NULL, &why);
    if (rc == E_FORBIDDEN) {
        resp_error(req, resp, 403, why ? why : "This action is not allowed");
        return 0;
    }
    if (rc == E_INVAL && why) {
        api_invalid(req, resp, why);
        return 0;
    }
    if (rc)
        return api_fail(req, resp, rc);
    if (empty_answer) {
        resp_json(req, resp, 200, json_object());
        return 0;
    }
    if (action == MOD_REJECT) {
        resp_json(req, resp, 200, json_object());
        return 0;
    }
    return answer_account(req, resp, id);
}

/* POST /api/v1/admin/accounts/:id/action */
static int action_post(struct req *req, struct resp *resp)
{
    if (api_require_permission(req, resp, PERM_MANAGE_USERS, NULL))
        return 0;
    const char *type = req_arg(req, "type");
    enum moderation_action a;
    if (!type || !*type)
        type = "none";
    if (moderation_action_parse(type, &a) != 0 || a > MOD_SUSPEND) {
        api_invalid(req, resp, "type must be none, sensitive, disable, silence or suspend");
        return 0;
    }
    int64_t report_id = 0;
    const char *rid = req_arg(req, "report_id");
    if (rid && *rid && id_from_str(rid, &report_id) != 0) {
        api_invalid(req, resp, "report_id must be a report's id");
        return 0;
    }
    int notify = api_arg_bool(req, "send_email_notification", 1);
    if (notify < 0) {
        api_invalid(req, resp, "send_email_notification must be a boolean");
        return 0;
    }
    return act(req, resp, a, report_id, req_arg(req, "text"), notify, 1);
}

#define SIMPLE(fn, action)                                                                         \
    static int fn(struct req *req, struct resp *resp)                                              \
    {                                                                                              \
        if (api_require_permission(req, resp, PERM_MANAGE_USERS, NULL))                            \
            return 0;                                                                              \
        return act(req, resp, action, 0, NULL, 0, 0);                                              \
    }
SIMPLE(approve_post, MOD_APPROVE)
SIMPLE(reject_post, MOD_REJECT)
SIMPLE(enable_post, MOD_ENABLE)
SIMPLE(unsilence_post, MOD_UNSILENCE)
SIMPLE(unsuspend_post, MOD_UNSUSPEND)
SIMPLE(unsensitive_post, MOD_UNSENSITIVE)

/* DELETE /api/v1/admin/accounts/:id: the data of a suspended account, now. */
static int delete_one(struct req *req, struct resp *resp)
{
    if (api_require_permission(req, resp, PERM_DELETE_USER_DATA, NULL))
        return 0;
    int64_t id = api_param_id(req, "id");
    const char *why = NULL;
    int rc = moderation_purge(req->app, api_account_id(req), id, &why);
    if (rc == E_FORBIDDEN) {
        resp_error(req, resp, 403, why ? why : "This action is not allowed");
        return 0;
    }
    if (rc == E_INVAL && why) {
        api_invalid(req, resp, why);
        return 0;
    }
    if (rc)
        return api_fail(req, resp, rc);
    return answer_account(req, resp, id);
}

/* POST /api/v1/admin/accounts/:id/role (Hearth): role=member|moderator|admin. */
static int role_post(struct req *req, struct resp *resp)
{
    if (api_require_permission(req, resp, PERM_MANAGE_ROLES, NULL))
        return 0;
    const char *name = req_arg(req, "role");
    static const char *const names[] = {"member", "moderator", "admin", "owner"};
    int role = -1;
    for (int i = 0; name && i < 4; i++)
        if (!strcmp(name, names[i]))
            role = i;
    if (role < 0) {
        api_invalid(req, resp, "role must be member, moderator or admin");
        return 0;
    }
    int64_t id = api_param_id(req, "id");
    const char *why = NULL;
    int rc = moderation_set_role(req->app, api_account_id(req), id, role, &why);
    if (rc == E_FORBIDDEN) {
        resp_error(req, resp, 403, why ? why : "This action is not allowed");
        return 0;
    }
    if (rc == E_INVAL && why) {
        api_invalid(req, resp, why);
        return 0;
    }
    if (rc)
        return api_fail(req, resp, rc);
    return answer_account(req, resp, id);
}

const struct route api_admin_account_routes[] = {
    {"GET", "/api/v1/admin/accounts", list_v1, ROUTE_AUTH_REQUIRED, "admin:read:accounts"},
    {"GET", "/api/v2/admin/accounts", list_v2, ROUTE_AUTH_REQUIRED, "admin:read:accounts"},
    {"GET", "/api/v1/admin/accounts/:id", get_one, ROUTE_AUTH_REQUIRED, "admin:read:accounts"},
    {"DELETE", "/api/v1/admin/accounts/:id", delete_one, ROUTE_AUTH_REQUIRED,
     "admin:write:accounts"},
    {"POST", "/api/v1/admin/accounts/:id/action", action_post, ROUTE_AUTH_REQUIRED,
     "admin:write:accounts"},
    {"POST", "/api/v1/admin/accounts/:id/approve", approve_post, ROUTE_AUTH_REQUIRED,
     "admin:write:accounts"},
    {"POST", "/api/v1/admin/accounts/:id/reject", reject_post, ROUTE_AUTH_REQUIRED,
     "admin:write:accounts"},
    {"POST", "/api/v1/admin/accounts/:id/enable", enable_post, ROUTE_AUTH_REQUIRED,
     "admin:write:accounts"},
    {"POST", "/api/v1/admin/accounts/:id/unsilence", unsilence_post, ROUTE_AUTH_REQUIRED,
     "admin:write:accounts"},
    {"POST", "/api/v1/admin/accounts/:id/unsuspend", unsuspend_post, ROUTE_AUTH_REQUIRED,
     "admin:write:accounts"},
    {"POST", "/api/v1/admin/accounts/:id/unsensitive", unsensitive_post, ROUTE_AUTH_REQUIRED,
     "admin:write:accounts"},
    {"POST", "/api/v1/admin/accounts/:id/role", role_post, ROUTE_AUTH_REQUIRED,
     "admin:write:accounts"},
};
const size_t api_admin_account_routes_count =
    sizeof(api_admin_account_routes) / sizeof(api_admin_account_routes[0]);
