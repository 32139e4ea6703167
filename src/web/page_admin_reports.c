/*
 * web/page_admin_reports: the report queue on the pages.
 *
 *   GET  /admin/reports (?resolved=1)      open (or resolved) reports
 *   GET  /admin/reports/ID                 a report: the reported posts, the
 *                                          reporter's comment, notes, and the
 *                                          forms below
 *   POST /admin/reports/ID/assign|unassign|resolve|reopen|forward
 *   POST /admin/reports/ID/note            content
 *
 * Acting on the account with the report resolved is the account page's
 * form (POST /admin/accounts/ID/action with report_id). Each needs
 * PERM_MANAGE_REPORTS (web_need_permission); each change is audited in core.
 */
#include <string.h>

#include "core/account.h"
#include "core/core.h"
#include "core/report.h"
#include "core/role.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"
#include "util/route.h"
#include "util/timeutil.h"
#include "web/internal.h"

static const char *acct_of(struct web_ctx *w, struct db_conn *c, int64_t id)
{
    struct account *acc;
    if (!id)
        return "";
    return account_get(c, w->req->arena, id, &acc) == 0 ? acc->acct : "";
}

static int64_t param_id(struct req *req)
{
    int64_t id = 0;
    const char *text = req_param(req, "id");
    if (!text || id_from_str(text, &id) != 0)
        return 0;
    return id;
}

/* GET /admin/reports */
static int reports_index(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    web_begin(req, resp, &w);
    if (web_need_permission(&w, PERM_MANAGE_REPORTS))
        return 0;
    int resolved = web_form_checked(req, "resolved");
    struct db_conn *c;
    int rc = db_acquire(w.core->db, DB_READ, &c);
    if (rc)
        return web_fail(&w, rc), 0;
    struct report_query q = {.resolved = resolved, .limit = 100};
    struct report *list;
    size_t n;
    rc = report_list(c, req->arena, &q, &list, &n);
    if (rc) {
        db_release(c);
        return web_fail(&w, rc), 0;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        char id[ID_STR_MAX], when[TIME_ISO_MAX];
        const char *assigned = acct_of(&w, c, list[i].assigned_to);
        json_array_append_new(
            arr, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id", id_to_str(list[i].id, id),
                           "target", acct_of(&w, c, list[i].target), "category", list[i].category,
                           "reporter", acct_of(&w, c, list[i].reporter), "assigned",
                           *assigned ? arena_printf(req->arena, "@%s", assigned) : "nobody",
                           "created_at", time_iso8601(list[i].created_at, when), "created_text",
                           web_time_text(&w, list[i].created_at)));
    }
    db_release(c);
    json_t *d = json_object();
    json_object_set_new(d, "reports", arr);
    json_object_set_new(d, "has_reports", json_boolean(n > 0));
    json_object_set_new(d, "resolved", json_boolean(resolved));
    web_page(&w, 200, "admin_reports", "Reports", d);
    return 0;
}

/* The actions a report's form offers (core/moderation's names). */
json_t *web_admin_action_options(void)
{
    static const struct {
        const char *value, *label;
    } actions[] = {
        {"none", "Warn"},       {"sensitive", "Mark the media sensitive"},
        {"silence", "Limit"},   {"disable", "Disable the login"},
        {"suspend", "Suspend"},
    };
    json_t *arr = json_array();
    for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
        json_array_append_new(
            arr, json_pack("{s:s, s:s}", "value", actions[i].value, "label", actions[i].label));
    return arr;
}

static void report_page(struct web_ctx *w, int64_t id, int code, const char *message)
{
    struct req *req = w->req;
    struct db_conn *c;
    int rc = db_acquire(w->core->db, DB_SNAPSHOT, &c);
    if (rc)
        return web_fail(w, rc);
    struct report *r;
    rc = report_get(c, req->arena, id, &r);
    if (rc) {
        db_release(c);
        return web_fail(w, rc);
    }
    struct account *target = NULL;
    account_get(c, req->arena, r->target, &target);
    char ids[ID_STR_MAX], tid[ID_STR_MAX], when[TIME_ISO_MAX];
    const char *assigned = acct_of(w, c, r->assigned_to);
    json_t *d = json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:b, s:b}", "id",
        id_to_str(r->id, ids), "target_id", id_to_str(r->target, tid), "target",
        acct_of(w, c, r->target), "reporter", acct_of(w, c, r->reporter), "category", r->category,
        "comment", r->comment, "created_at", time_iso8601(r->created_at, when), "created_text",
        web_time_text(w, r->created_at), "assigned",
        *assigned ? arena_printf(req->arena, "@%s", assigned) : "nobody", "resolved",
        r->action_taken_at != 0, "assigned_to_me", r->assigned_to == w->me->id, "forwarded",
        r->forwarded_at != 0, "can_forward", !r->forwarded_at && target && target->domain != NULL);
    json_object_set_new(d, "statuses", web_status_views(w, c, r->status_ids, r->n_statuses));
    struct report_note *notes;
    size_t n = 0;
    json_t *arr = json_array();
    if (report_notes(c, req->arena, id, &notes, &n) == 0) {
        for (size_t i = 0; i < n; i++) {
            const char *who = acct_of(w, c, notes[i].account_id);
            json_array_append_new(
                arr, json_pack("{s:s, s:s, s:s, s:s}", "who",
                               *who ? arena_printf(req->arena, "@%s", who) : "the command line",
                               "content", notes[i].content, "created_at",
                               time_iso8601(notes[i].created_at, when), "created_text",
                               web_time_text(w, notes[i].created_at)));
        }
    }
    db_release(c);
    json_object_set_new(d, "notes", arr);
    json_object_set_new(d, "actions", web_admin_action_options());
    if (message)
        json_object_set_new(d, "message", json_string(message));
    web_page(w, code, "admin_report", arena_printf(req->arena, "Report #%s", ids), d);
}

/* GET /admin/reports/ID */
static int report_show(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    web_begin(req, resp, &w);
    if (web_need_permission(&w, PERM_MANAGE_REPORTS))
        return 0;
    int64_t id = param_id(req);
    if (!id)
        return web_fail(&w, E_NOTFOUND), 0;
    report_page(&w, id, 200, NULL);
    return 0;
}

/* POST /admin/reports/ID/VERB: each change, then back to the report. */
static int report_change(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    if (web_begin_form(req, resp, &w) || web_need_permission(&w, PERM_MANAGE_REPORTS))
        return 0;
    int64_t id = param_id(req);
    const char *verb = req_param(req, "verb");
    if (!id || !verb)
        return web_fail(&w, E_NOTFOUND), 0;
    int64_t me = w.me->id;
    const char *why = NULL;
    int rc;
    if (!strcmp(verb, "assign"))
        rc = report_assign(w.core, me, id, me);
    else if (!strcmp(verb, "unassign"))
        rc = report_assign(w.core, me, id, 0);
    else if (!strcmp(verb, "resolve"))
        rc = report_resolve(w.core, me, id, 1);
    else if (!strcmp(verb, "reopen"))
        rc = report_resolve(w.core, me, id, 0);
    else if (!strcmp(verb, "forward"))
        rc = report_forward(w.core, me, id, &why);
    else if (!strcmp(verb, "note"))
        rc = report_note_add(w.core, me, id, req_arg(req, "content"), &why);
    else
        rc = E_NOTFOUND;
    if (rc == E_INVAL && why) {
        report_page(&w, id, 422, why);
        return 0;
    }
    if (rc)
        return web_fail(&w, rc), 0;
    web_redirect(&w, arena_printf(req->arena, "/admin/reports/%lld", (long long)id));
    return 0;
}

const struct route web_admin_report_routes[] = {
    {"GET", "/admin/reports", reports_index, ROUTE_AUTH_NONE, NULL},
    {"GET", "/admin/reports/:id", report_show, ROUTE_AUTH_NONE, NULL},
    {"POST", "/admin/reports/:id/:verb", report_change, ROUTE_AUTH_NONE, NULL},
};
const size_t web_admin_report_routes_count =
    sizeof(web_admin_report_routes) / sizeof(web_admin_report_routes[0]);
