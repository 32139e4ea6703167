/*
 * web/page_admin: the admin area's overview (GET /admin: pending sign-ups,
 * open reports, members, active this week, and links to every part of
 * the area), the audit log (GET /admin/audit), and the members' report
 * form (GET /report?account=ID&status=ID, POST /report).
 *
 * The reports' and accounts' pages are page_admin_reports.c and
 * page_admin_accounts.c; domains (page_admin_domains.c) and joining
 * (page_admin_join.c) are their own. Every admin page asks core/role
 * through web_need_permission: a member without the permission gets 403, a
 * visitor is sent to log in. Everything lives in the request's arena.
 */
#include <string.h>

#include "core/account.h"
#include "core/audit.h"
#include "core/core.h"
#include "core/moderation.h"
#include "core/report.h"
#include "core/role.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"
#include "util/limits.h"
#include "util/route.h"
#include "util/timeutil.h"
#include "web/internal.h"

#define AUDIT_PAGE 50

/* GET /admin */
static int admin_index(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    web_begin(req, resp, &w);
    if (web_need_permission(&w, PERM_MANAGE_REPORTS))
        return 0;
    struct db_conn *c;
    int rc = db_acquire(w.core->db, DB_READ, &c);
    if (rc)
        return web_fail(&w, rc), 0;
    struct moderation_numbers n;
    rc = moderation_numbers(c, time_now_ms(), &n);
    db_release(c);
    if (rc)
        return web_fail(&w, rc), 0;
    json_t *d = json_pack("{s:I, s:I, s:I, s:I}", "pending", (json_int_t)n.pending, "open_reports",
                          (json_int_t)n.open_reports, "members", (json_int_t)n.members, "active",
                          (json_int_t)n.active_week);
    web_page(&w, 200, "admin_index", "Moderation", d);
    return 0;
}

/* GET /admin/audit?action=&max_id= */
static int admin_audit(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    web_begin(req, resp, &w);
    if (web_need_permission(&w, PERM_VIEW_AUDIT_LOG))
        return 0;
    struct page p = {.limit = AUDIT_PAGE};
    const char *max = req_arg(req, "max_id");
    if (max && *max && id_from_str(max, &p.max_id) != 0)
        return web_fail(&w, E_NOTFOUND), 0;
    const char *action = req_arg(req, "action");
    if (action && !*action)
        action = NULL;
    struct db_conn *c;
    int rc = db_acquire(w.core->db, DB_READ, &c);
    if (rc)
        return web_fail(&w, rc), 0;
    struct audit_entry *e;
    size_t n;
    rc = audit_list(c, req->arena, 0, action, &p, &e, &n);
    if (rc) {
        db_release(c);
        return web_fail(&w, rc), 0;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        struct account *by = NULL;
        const char *who = "the command line";
        if (e[i].account_id && account_get(c, req->arena, e[i].account_id, &by) == 0)
            who = arena_printf(req->arena, "@%s", by->acct);
        char when[TIME_ISO_MAX];
        json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "created_at",
                                             time_iso8601(e[i].created_at, when), "created_text",
                                             web_time_text(&w, e[i].created_at), "who", who,
                                             "action", e[i].action, "target_type", e[i].target_type,
                                             "target", e[i].target ? e[i].target : "", "detail",
                                             e[i].detail ? e[i].detail : "{}"));
    }
    db_release(c);
    json_t *d = json_object();
    json_object_set_new(d, "entries", arr);
    json_object_set_new(d, "has_entries", json_boolean(n > 0));
    json_object_set_new(d, "action", json_string(action ? action : ""));
    if (n == AUDIT_PAGE)
        json_object_set_new(d, "older_url",
                            json_string(arena_printf(
                                req->arena, "/admin/audit?max_id=%lld%s%s", (long long)e[n - 1].id,
                                action ? "&action=" : "", action ? action : "")));
    web_page(&w, 200, "admin_audit", "Audit log", d);
    return 0;
}

static const struct {
    const char *value, *label;
} categories[] = {
    {"spam", "It is spam"},
    {"violation", "It breaks the server's rules"},
    {"legal", "It is illegal"},
    {"other", "Something else"},
};

static int64_t arg_id(struct req *req, const char *name)
{
    int64_t id = 0;
    const char *v = req_arg(req, name);
    if (!v || id_from_str(v, &id) != 0)
        return 0;
    return id;
}

/* The report form for account (and status when not 0), or it again with message. */
static void report_form(struct web_ctx *w, int64_t account, int64_t status, int code,
                        const char *message)
{
    struct req *req = w->req;
    struct db_conn *c;
    int rc = db_acquire(w->core->db, DB_SNAPSHOT, &c);
    if (rc)
        return web_fail(w, rc);
    struct account *acc;
    rc = account_get(c, req->arena, account, &acc);
    if (rc == 0 && (acc->suspended_at || acc->id == w->me->id))
        rc = E_NOTFOUND;
    if (rc) {
        db_release(c);
        return web_fail(w, rc);
    }
    json_t *d = json_object();
    json_object_set_new(d, "account", web_account_view(w, c, acc));
    if (status) {
        json_t *views = web_status_views(w, c, &status, 1);
        if (json_array_size(views) == 1)
            json_object_set_new(d, "status_id", json_integer(status));
        json_object_set_new(d, "statuses", views);
    }
    db_release(c);
    const char *chosen = req_arg(req, "category");
    json_t *cats = json_array();
    for (size_t i = 0; i < sizeof(categories) / sizeof(categories[0]); i++)
        json_array_append_new(cats, json_pack("{s:s, s:s, s:b}", "value", categories[i].value,
                                              "label", categories[i].label, "checked",
                                              chosen ? !strcmp(chosen, categories[i].value)
                                                     : !strcmp("other", categories[i].value)));
    json_object_set_new(d, "categories", cats);
    if (message) {
        json_object_set_new(d, "message", json_string(message));
        const char *comment = req_arg(req, "comment");
        json_object_set_new(d, "comment", json_string(comment ? comment : ""));
    }
    web_page(w, code, "report_form", "Report", d);
}

/* GET /report?account=ID&status=ID */
static int report_get_page(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    web_begin(req, resp, &w);
    if (web_need_member(&w))
        return 0;
    int64_t account = arg_id(req, "account");
    if (!account)
        return web_fail(&w, E_NOTFOUND), 0;
    report_form(&w, account, arg_id(req, "status"), 200, NULL);
    return 0;
}

/* POST /report: account, status (optional), category, comment, forward. */
static int report_post_page(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    if (web_begin_form(req, resp, &w))
        return 0;
    int64_t account = arg_id(req, "account"), status = arg_id(req, "status");
    if (!account)
        return web_fail(&w, E_NOTFOUND), 0;
    struct report_new r = {.target = account,
                           .status_ids = status ? &status : NULL,
                           .n_statuses = status ? 1 : 0,
                           .comment = req_arg(req, "comment"),
                           .category = req_arg(req, "category"),
                           .forward = web_form_checked(req, "forward")};
    struct report *rep;
    const char *why = NULL;
    int rc = report_create(w.core, req->arena, w.me->id, &r, &rep, &why);
    if ((rc == E_INVAL || rc == E_LIMIT || rc == E_NOTFOUND) && why) {
        report_form(&w, account, status, 422, why);
        return 0;
    }
    if (rc)
        return web_fail(&w, rc), 0;
    struct db_conn *c;
    struct account *acc = NULL;
    if (db_acquire(w.core->db, DB_READ, &c) == 0) {
        account_get(c, req->arena, account, &acc);
        db_release(c);
    }
    json_t *d = json_pack("{s:s, s:b, s:s}", "acct", acc ? acc->acct : "", "forwarded",
                          rep->forward && acc && acc->domain, "back",
                          acc ? web_account_path(&w, acc) : "/home");
    web_page(&w, 200, "report_sent", "Report sent", d);
    return 0;
}

const struct route web_admin_routes[] = {
    {"GET", "/admin", admin_index, ROUTE_AUTH_NONE, NULL},
    {"GET", "/admin/audit", admin_audit, ROUTE_AUTH_NONE, NULL},
    {"GET", "/report", report_get_page, ROUTE_AUTH_NONE, NULL},
    {"POST", "/report", report_post_page, ROUTE_AUTH_NONE, NULL},
};
const size_t web_admin_routes_count = sizeof(web_admin_routes) / sizeof(web_admin_routes[0]);
