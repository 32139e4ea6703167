/*
 * web/page_admin_accounts: accounts on the pages, for moderators.
 *
 *   GET  /admin/accounts (?q=&status=&max_id=)  members and remote accounts
 *   GET  /admin/accounts/ID                     state, what it was told,
 *                                               the action and role forms
 *   POST /admin/accounts/ID/action              type (core/moderation's
 *                                               names), text, report_id
 *   POST /admin/accounts/ID/role                role (member, moderator, admin)
 *
 * Actions need PERM_MANAGE_USERS, roles PERM_MANAGE_ROLES (and the ranks
 * core/moderation checks). A refused action shows the page again with the
 * reason (403 or 422); a done one goes back to the page (or to the report
 * it resolved).
 */
#include <string.h>

#include "core/account.h"
#include "core/core.h"
#include "core/moderation.h"
#include "core/role.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"
#include "util/route.h"
#include "util/timeutil.h"
#include "web/internal.h"

#define ACCOUNTS_PAGE 50

static int64_t param_id(struct req *req)
{
    int64_t id = 0;
    const char *text = req_param(req, "id");
    if (!text || id_from_str(text, &id) != 0)
        return 0;
    return id;
}

/* "Suspended, limited" and so on; "Active" when nothing applies. */
static const char *state_text(struct arena *a, const struct moderation_state *st)
{
    const char *parts[6];
    size_t n = 0;
    if (st->has_user && !st->approved)
        parts[n++] = "Waiting for approval";
    if (st->suspended_at)
        parts[n++] = st->purged_at ? "Suspended, data removed" : "Suspended";
    if (st->silenced_at)
        parts[n++] = "Limited";
    if (st->sensitized_at)
        parts[n++] = "Media marked sensitive";
    if (st->disabled)
        parts[n++] = "Login disabled";
    if (!n)
        return "Active";
    const char *text = parts[0];
    for (size_t i = 1; i < n; i++)
        text = arena_printf(a, "%s, %s", text, parts[i]);
    return text;
}

static const struct {
    const char *value, *label;
} statuses[] = {
    {"", "Any"},
    {"active", "Active"},
    {"pending", "Waiting for approval"},
    {"silenced", "Limited"},
    {"suspended", "Suspended"},
    {"disabled", "Login disabled"},
};

/* GET /admin/accounts */
static int accounts_index(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    web_begin(req, resp, &w);
    if (web_need_permission(&w, PERM_MANAGE_USERS))
        return 0;
    const char *q = req_arg(req, "q");
    const char *status = req_arg(req, "status");
    const char *origin = req_arg(req, "origin");
    int known = 0;
    for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
        known |= status && !strcmp(status, statuses[i].value);
    if (!known)
        status = "";
    struct moderation_account_query mq = {.status = status, .limit = ACCOUNTS_PAGE};
    mq.origin = origin && !strcmp(origin, "local")    ? 1
                : origin && !strcmp(origin, "remote") ? 2
                                                      : 0;
    /* "name@domain" or "@name" searches both; a bare word, the name. */
    if (q && *q) {
        const char *name = *q == '@' ? q + 1 : q;
        const char *at = strchr(name, '@');
        if (at) {
            mq.username = arena_strndup(req->arena, name, (size_t)(at - name));
            mq.by_domain = at + 1;
        } else {
            mq.username = name;
        }
    }
    const char *max = req_arg(req, "max_id");
    if (max && *max && id_from_str(max, &mq.max_id) != 0)
        return web_fail(&w, E_NOTFOUND), 0;
    struct db_conn *c;
    int rc = db_acquire(w.core->db, DB_READ, &c);
    if (rc)
        return web_fail(&w, rc), 0;
    int64_t *ids;
    size_t n;
    rc = moderation_accounts(c, req->arena, &mq, &ids, &n);
    json_t *arr = json_array();
    for (size_t i = 0; rc == 0 && i < n; i++) {
        struct account *acc;
        struct moderation_state st;
        if (account_get(c, req->arena, ids[i], &acc) != 0 ||
            moderation_state(c, req->arena, ids[i], &st) != 0)
            continue;
        char id[ID_STR_MAX];
        json_array_append_new(
            arr, json_pack("{s:s, s:s, s:s, s:s}", "id", id_to_str(acc->id, id), "acct", acc->acct,
                           "role", st.has_user ? user_role_name((enum user_role)st.role) : "remote",
                           "state", state_text(req->arena, &st)));
    }
    db_release(c);
    if (rc)
        return web_fail(&w, rc), 0;
    json_t *opts = json_array();
    for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
        json_array_append_new(opts, json_pack("{s:s, s:s, s:b}", "value", statuses[i].value,
                                              "label", statuses[i].label, "selected",
                                              !strcmp(status, statuses[i].value)));
    json_t *d = json_object();
    json_object_set_new(d, "accounts", arr);
    json_object_set_new(d, "has_accounts", json_boolean(n > 0));
    json_object_set_new(d, "statuses", opts);
    json_object_set_new(d, "q", json_string(q ? q : ""));
    if (n == ACCOUNTS_PAGE)
        json_object_set_new(d, "older_url",
                            json_string(arena_printf(req->arena, "/admin/accounts?max_id=%lld",
                                                     (long long)ids[n - 1])));
    web_page(&w, 200, "admin_accounts", "Accounts", d);
    return 0;
}

static void account_page(struct web_ctx *w, int64_t id, int code, const char *message)
{
    struct req *req = w->req;
    struct db_conn *c;
    int rc = db_acquire(w->core->db, DB_READ, &c);
    if (rc)
        return web_fail(w, rc);
    struct account *acc;
    struct moderation_state st;
    rc = account_get(c, req->arena, id, &acc);
    if (rc == 0)
        rc = moderation_state(c, req->arena, id, &st);
    enum user_role mine = USER_ROLE_MEMBER;
    if (rc == 0)
        rc = user_role(c, w->me->id, &mine);
    if (rc) {
        db_release(c);
        return web_fail(w, rc);
    }
    int outranks = !st.has_user || role_may_manage(mine, (enum user_role)st.role);
    char ids[ID_STR_MAX];
    json_t *d = json_pack("{s:s, s:s, s:s, s:s, s:b, s:b}", "id", id_to_str(acc->id, ids), "acct",
                          acc->acct, "profile_url", web_account_path(w, acc), "state",
                          state_text(req->arena, &st), "can_act",
                          outranks && role_permits(mine, PERM_MANAGE_USERS), "can_role",
                          st.has_user && outranks && role_permits(mine, PERM_MANAGE_ROLES));
    if (st.has_user) {
        json_object_set_new(d, "role", json_string(user_role_name((enum user_role)st.role)));
        if (st.email)
            json_object_set_new(d, "email", json_string(st.email));
    }
    /* The action form offers what fits the account's state. */
    json_t *actions = web_admin_action_options();
    static const struct {
        const char *value, *label;
        int field; /* 0 suspended, 1 silenced, 2 sensitized, 3 disabled, 4 pending */
    } undo[] = {
        {"unsuspend", "Unsuspend", 0},
        {"unsilence", "Lift the limit", 1},
        {"unsensitive", "Media no longer sensitive", 2},
        {"enable", "Enable the login", 3},
        {"approve", "Approve the sign-up", 4},
        {"reject", "Reject the sign-up", 4},
    };
    int on[5] = {st.suspended_at != 0, st.silenced_at != 0, st.sensitized_at != 0, st.disabled,
                 st.has_user && !st.approved};
    for (size_t i = 0; i < sizeof(undo) / sizeof(undo[0]); i++)
        if (on[undo[i].field])
            json_array_append_new(
                actions, json_pack("{s:s, s:s}", "value", undo[i].value, "label", undo[i].label));
    json_object_set_new(d, "actions", actions);
    static const char *const roles[] = {"member", "moderator", "admin"};
    json_t *ropts = json_array();
    for (int i = 0; i < 3; i++)
        if (role_may_assign(mine, (enum user_role)i) || i == st.role)
            json_array_append_new(ropts, json_pack("{s:s, s:s, s:b}", "value", roles[i], "label",
                                                   roles[i], "selected", i == st.role));
    json_object_set_new(d, "roles", ropts);
    struct account_warning *wl;
    size_t nw = 0;
    json_t *warns = json_array();
    if (moderation_warning_list(c, req->arena, id, 50, &wl, &nw) == 0) {
        for (size_t i = 0; i < nw; i++) {
            char when[TIME_ISO_MAX];
            json_array_append_new(
                warns, json_pack("{s:s, s:s, s:s, s:s}", "action", wl[i].action, "text", wl[i].text,
                                 "created_at", time_iso8601(wl[i].created_at, when), "created_text",
                                 web_time_text(w, wl[i].created_at)));
        }
    }
    db_release(c);
    json_object_set_new(d, "warnings", warns);
    if (message)
        json_object_set_new(d, "message", json_string(message));
    if (web_form_checked(req, "saved"))
        json_object_set_new(d, "saved", json_true());
    web_page(w, code, "admin_account", arena_printf(req->arena, "@%s", acc->acct), d);
}

/* GET /admin/accounts/ID */
static int account_show(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    web_begin(req, resp, &w);
    if (web_need_permission(&w, PERM_MANAGE_USERS))
        return 0;
    int64_t id = param_id(req);
    if (!id)
        return web_fail(&w, E_NOTFOUND), 0;
    account_page(&w, id, 200, NULL);
    return 0;
}

/* Shows the refusal of a form on the account's page; 1 when rc was one. */
static int refused(struct web_ctx *w, int64_t id, int rc, const char *why)
{
    if (rc == E_FORBIDDEN || (rc == E_INVAL && why)) {
        account_page(w, id, rc == E_FORBIDDEN ? 403 : 422,
                     why ? why : "Your role does not allow this action.");
        return 1;
    }
    if (rc) {
        web_fail(w, rc);
        return 1;
    }
    return 0;
}

/* POST /admin/accounts/ID/action: type, text, report_id */
static int account_action(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    if (web_begin_form(req, resp, &w) || web_need_permission(&w, PERM_MANAGE_USERS))
        return 0;
    int64_t id = param_id(req), report = 0;
    const char *rid = req_arg(req, "report_id");
    if (!id || (rid && *rid && id_from_str(rid, &report) != 0))
        return web_fail(&w, E_NOTFOUND), 0;
    enum moderation_action action;
    if (moderation_action_parse(req_arg(req, "type"), &action) != 0) {
        account_page(&w, id, 422, "Choose an action.");
        return 0;
    }
    struct moderation_request r = {.actor = w.me->id,
                                   .target = id,
                                   .action = action,
                                   .text = req_arg(req, "text"),
                                   .report_id = report,
                                   .notify = 1};
    const char *why = NULL;
    int rc = moderation_act(w.core, &r, NULL, &why);
    if (refused(&w, id, rc, why))
        return 0;
    if (report)
        web_redirect(&w, arena_printf(req->arena, "/admin/reports/%lld", (long long)report));
    else if (action == MOD_REJECT)
        web_redirect(&w, "/admin/accounts?status=pending");
    else
        web_redirect(&w, arena_printf(req->arena, "/admin/accounts/%lld?saved=1", (long long)id));
    return 0;
}

/* POST /admin/accounts/ID/role: role */
static int account_role(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    if (web_begin_form(req, resp, &w) || web_need_permission(&w, PERM_MANAGE_ROLES))
        return 0;
    int64_t id = param_id(req);
    if (!id)
        return web_fail(&w, E_NOTFOUND), 0;
    static const char *const roles[] = {"member", "moderator", "admin"};
    const char *name = req_arg(req, "role");
    int role = -1;
    for (int i = 0; name && i < 3; i++)
        if (!strcmp(name, roles[i]))
            role = i;
    if (role < 0) {
        account_page(&w, id, 422, "Choose member, moderator or admin.");
        return 0;
    }
    const char *why = NULL;
    int rc = moderation_set_role(w.core, w.me->id, id, role, &why);
    if (refused(&w, id, rc, why))
        return 0;
    web_redirect(&w, arena_printf(req->arena, "/admin/accounts/%lld?saved=1", (long long)id));
    return 0;
}

const struct route web_admin_account_routes[] = {
    {"GET", "/admin/accounts", accounts_index, ROUTE_AUTH_NONE, NULL},
    {"GET", "/admin/accounts/:id", account_show, ROUTE_AUTH_NONE, NULL},
    {"POST", "/admin/accounts/:id/action", account_action, ROUTE_AUTH_NONE, NULL},
    {"POST", "/admin/accounts/:id/role", account_role, ROUTE_AUTH_NONE, NULL},
};
const size_t web_admin_account_routes_count =
    sizeof(web_admin_account_routes) / sizeof(web_admin_account_routes[0]);
