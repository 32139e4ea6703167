/*
 * web/page_lists: the member's lists (core/list, as the client API's
 * /api/v1/lists): GET /lists with a form to make one, GET /lists/ID with
 * the list's timeline, its members and the forms that change it, and the
 * POSTs those forms send (create, rename, delete, add, remove).
 *
 * Only the owner sees or changes a list: another member's is 404, as in
 * the API. An account joins a list only while she follows it (core's
 * rule); the add form takes its name (alice, bob@example.org, with or
 * without a leading @) and offers the accounts she follows. A form that
 * cannot be carried out shows its page again with the reason (422).
 * Everything lives in the request's arena.
 */
#include <string.h>

#include "core/core.h"
#include "core/follow.h"
#include "core/list.h"
#include "core/timeline.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"
#include "util/route.h"
#include "web/internal.h"

#define PAGE_POSTS 20
#define MEMBERS_SHOWN 80     /* list_members gives at most this many */
#define FOLLOWING_OFFERED 80 /* accounts offered by the add form */

static const struct {
    const char *value;
    const char *label;
} policies[] = {
    {"list", "Members of the list"},
    {"followed", "Any account you follow"},
    {"none", "No one"},
};

static const char *policy_label(const char *value)
{
    for (size_t i = 0; i < sizeof(policies) / sizeof(policies[0]); i++)
        if (!strcmp(policies[i].value, value))
            return policies[i].label;
    return value;
}

/* The choices of the replies policy select, current one selected. */
static json_t *policy_options(const char *current)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < sizeof(policies) / sizeof(policies[0]); i++)
        json_array_append_new(arr, json_pack("{s:s, s:s, s:b}", "value", policies[i].value, "label",
                                             policies[i].label, "selected",
                                             current && !strcmp(current, policies[i].value)));
    return arr;
}

static const char *list_path(struct web_ctx *w, int64_t id)
{
    return arena_printf(w->req->arena, "/lists/%lld", (long long)id);
}

/* The :id of the address; 0 when it is not an id. */
static int64_t param_id(struct req *req)
{
    int64_t id = 0;
    const char *text = req_param(req, "id");
    if (!text || id_from_str(text, &id) != 0)
        return 0;
    return id;
}

/* A form field, NULL when absent or empty. */
static const char *field(struct req *req, const char *name)
{
    const char *v = req_arg(req, name);
    return v && *v ? v : NULL;
}

/* GET /lists, or its form again with message (a 422). */
static void index_page(struct web_ctx *w, int status, const char *message)
{
    struct db_conn *c;
    int rc = db_acquire(w->core->db, DB_READ, &c);
    if (rc) {
        web_fail(w, rc);
        return;
    }
    struct list *ls = NULL;
    size_t n = 0;
    rc = list_all(c, w->req->arena, w->me->id, &ls, &n);
    db_release(c);
    if (rc) {
        web_fail(w, rc);
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, json_pack("{s:s, s:s, s:s}", "title", ls[i].title, "url",
                                             list_path(w, ls[i].id), "policy_label",
                                             policy_label(ls[i].replies_policy)));
    json_t *d = json_object();
    json_object_set_new(d, "has_lists", json_boolean(n > 0));
    json_object_set_new(d, "lists", arr);
    json_object_set_new(d, "full", json_boolean(n >= LIST_MAX_PER_ACCOUNT));
    const char *policy = message ? field(w->req, "replies_policy") : NULL;
    json_object_set_new(d, "policies", policy_options(policy ? policy : "list"));
    if (message) {
        json_object_set_new(d, "message", json_string(message));
        const char *title = req_arg(w->req, "title");
        if (title)
            json_object_set_new(d, "title_value", json_string(title));
    }
    web_page(w, status, "lists", "Lists", d);
}

static int lists_index(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    web_begin(req, resp, &w);
    if (web_need_member(&w))
        return 0;
    index_page(&w, 200, NULL);
    return 0;
}

/* POST /lists: title, replies_policy. */
static int lists_create(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    if (web_begin_form(req, resp, &w))
        return 0;
    const char *title = req_arg(req, "title");
    struct list *l = NULL;
    const char *why = NULL;
    int rc = list_create(w.core, req->arena, w.me->id, title ? title : "",
                         field(req, "replies_policy"), 0, &l, &why);
    if ((rc == E_INVAL || rc == E_LIMIT) && why) {
        index_page(&w, 422, why);
        return 0;
    }
    if (rc)
        return web_fail(&w, rc), 0;
    web_redirect(&w, web_return_to(&w, list_path(&w, l->id)));
    return 0;
}

/* Views of the members, and in *offer the accts she follows that are not members yet. */
static json_t *members_view(struct web_ctx *w, struct db_conn *c, int64_t list, json_t **offer)
{
    json_t *arr = json_array();
    *offer = json_array();
    int64_t *ids = NULL;
    size_t n = 0;
    if (list_members(c, w->req->arena, w->me->id, list, MEMBERS_SHOWN, &ids, &n) != 0)
        return arr;
    for (size_t i = 0; i < n; i++) {
        json_t *v = web_account_view_id(w, c, ids[i]);
        if (v)
            json_array_append_new(arr, v);
    }
    struct follow_page fp = {.limit = FOLLOWING_OFFERED};
    struct follow_item *items = NULL;
    size_t nf = 0;
    if (follow_list_following(c, w->req->arena, w->me->id, &fp, &items, &nf) != 0)
        return arr;
    for (size_t i = 0; i < nf; i++) {
        int member = 0;
        for (size_t k = 0; k < n && !member; k++)
            member = ids[k] == items[i].account_id;
        struct account *acc = NULL;
        if (!member && account_get(c, w->req->arena, items[i].account_id, &acc) == 0)
            json_array_append_new(*offer, json_string(acc->acct));
    }
    return arr;
}

/* GET /lists/ID, or its forms again with message (a 422); 404 for a list not hers. */
static void list_page(struct web_ctx *w, int64_t id, int status, const char *message)
{
    struct req *req = w->req;
    struct page p = {.limit = PAGE_POSTS};
    const char *max = req_arg(req, "max_id");
    if (!message && max && *max && id_from_str(max, &p.max_id) != 0) {
        web_fail(w, E_NOTFOUND);
        return;
    }
    struct db_conn *c;
    int rc = db_acquire(w->core->db, DB_SNAPSHOT, &c);
    if (rc) {
        web_fail(w, rc);
        return;
    }
    struct list *l = NULL;
    rc = list_get(c, req->arena, w->me->id, id, &l);
    if (rc) {
        db_release(c);
        web_fail(w, rc);
        return;
    }
    json_t *d = json_object();
    json_t *offer = NULL;
    json_t *members = members_view(w, c, l->id, &offer);
    json_object_set_new(d, "has_members", json_boolean(json_array_size(members)));
    json_object_set_new(d, "members_cut", json_boolean(json_array_size(members) >= MEMBERS_SHOWN));
    json_object_set_new(d, "members", members);
    json_object_set_new(d, "offer", offer);
    int64_t *ids = NULL;
    size_t n = 0;
    w->filter_context = "home";
    rc = timeline_list(c, req->arena, &w->viewer, l->id, l->replies_policy, &p, &ids, &n);
    if (rc == 0)
        json_object_set_new(d, "statuses", web_status_views(w, c, ids, n));
    db_release(c);
    if (rc) {
        json_decref(d);
        web_fail(w, rc);
        return;
    }
    const char *path = list_path(w, l->id);
    json_object_set_new(d, "list_url", json_string(path));
    json_object_set_new(d, "list_title", json_string(l->title));
    json_object_set_new(d, "policy_label", json_string(policy_label(l->replies_policy)));
    json_object_set_new(d, "policies", policy_options(l->replies_policy));
    json_object_set_new(d, "older_page", json_boolean(p.max_id != 0));
    if (n == PAGE_POSTS)
        json_object_set_new(
            d, "older_url",
            json_string(arena_printf(req->arena, "%s?max_id=%lld", path, (long long)ids[n - 1])));
    if (message) {
        json_object_set_new(d, "message", json_string(message));
        const char *acct = req_arg(req, "acct");
        if (acct)
            json_object_set_new(d, "acct_value", json_string(acct));
    }
    web_page(w, status, "list", arena_printf(req->arena, "List: %s", l->title), d);
}

static int list_show(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    web_begin(req, resp, &w);
    if (web_need_member(&w))
        return 0;
    int64_t id = param_id(req);
    if (!id)
        return web_fail(&w, E_NOTFOUND), 0;
    list_page(&w, id, 200, NULL);
    return 0;
}

/* Starts a POST on a list: 0 with *id set, or 1 when answered already. */
static int begin_change(struct req *req, struct resp *resp, struct web_ctx *w, int64_t *id)
{
    if (web_begin_form(req, resp, w))
        return 1;
    *id = param_id(req);
    if (!*id) {
        web_fail(w, E_NOTFOUND);
        return 1;
    }
    return 0;
}

/* POST /lists/ID/delete */
static int list_delete_post(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    int64_t id;
    if (begin_change(req, resp, &w, &id))
        return 0;
    int rc = list_delete(w.core, w.me->id, id);
    if (rc)
        return web_fail(&w, rc), 0;
    web_redirect(&w, web_return_to(&w, "/lists"));
    return 0;
}

/* POST /lists/ID/rename: title, and replies_policy when the form has it. */
static int list_rename_post(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    int64_t id;
    if (begin_change(req, resp, &w, &id))
        return 0;
    const char *title = req_arg(req, "title");
    const char *why = NULL;
    int rc = list_update(w.core, w.me->id, id, title ? title : "", field(req, "replies_policy"), -1,
                         &why);
    if (rc == E_INVAL && why) {
        list_page(&w, id, 422, why);
        return 0;
    }
    if (rc)
        return web_fail(&w, rc), 0;
    web_redirect(&w, web_return_to(&w, list_path(&w, id)));
    return 0;
}

/*
 * The account a form names: account_id, or acct ("bob", "@bob",
 * "bob@example.org"). 0, E_NOTFOUND, or E_INVAL when neither is given.
 */
static int form_account(struct web_ctx *w, int64_t *out)
{
    struct req *req = w->req;
    const char *id = field(req, "account_id");
    if (id)
        return id_from_str(id, out) == 0 ? 0 : E_NOTFOUND;
    const char *acct = field(req, "acct");
    if (!acct)
        return E_INVAL;
    while (*acct == ' ')
        acct++;
    if (*acct == '@')
        acct++;
    size_t len = strlen(acct);
    while (len && acct[len - 1] == ' ')
        len--;
    const char *name = arena_strndup(req->arena, acct, len);
    const char *at = strchr(name, '@');
    const char *user = at ? arena_strndup(req->arena, name, (size_t)(at - name)) : name;
    if (!*user || (at && !at[1]))
        return E_NOTFOUND;
    struct db_conn *c;
    int rc = db_acquire(w->core->db, DB_READ, &c);
    if (rc)
        return rc;
    struct account *acc = NULL;
    rc = account_find(c, req->arena, user, at ? at + 1 : NULL, w->core->domain, &acc);
    db_release(c);
    if (rc == E_INVAL)
        rc = E_NOTFOUND;
    if (rc == 0)
        *out = acc->id;
    return rc;
}

/* POST /lists/ID/add: acct or account_id. */
static int list_add_post(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    int64_t id;
    if (begin_change(req, resp, &w, &id))
        return 0;
    int64_t account = 0;
    int rc = form_account(&w, &account);
    if (rc == E_INVAL) {
        list_page(&w, id, 422,
                  "Enter the name of an account you follow, such as alice or "
                  "bob@example.org.");
        return 0;
    }
    if (rc == E_NOTFOUND) {
        list_page(&w, id, 422, "No account by that name is known here. Follow it first.");
        return 0;
    }
    if (rc == 0)
        rc = list_add(w.core, w.me->id, id, &account, 1);
    if (rc == E_FORBIDDEN) {
        list_page(&w, id, 422, "You can add only accounts you follow. Follow it first.");
        return 0;
    }
    if (rc == E_LIMIT) {
        list_page(&w, id, 422, "This list is full: remove an account before adding another.");
        return 0;
    }
    if (rc)
        return web_fail(&w, rc), 0;
    web_redirect(&w, web_return_to(&w, list_path(&w, id)));
    return 0;
}

/* POST /lists/ID/remove: account_id. */
static int list_remove_post(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    int64_t id;
    if (begin_change(req, resp, &w, &id))
        return 0;
    int64_t account = 0;
    const char *text = field(req, "account_id");
    if (!text || id_from_str(text, &account) != 0)
        return web_fail(&w, E_INVAL), 0;
    int rc = list_remove(w.core, w.me->id, id, &account, 1);
    if (rc)
        return web_fail(&w, rc), 0;
    web_redirect(&w, web_return_to(&w, list_path(&w, id)));
    return 0;
}

const struct route web_list_routes[] = {
    {"GET", "/lists", lists_index, ROUTE_AUTH_NONE, NULL},
    {"POST", "/lists", lists_create, ROUTE_AUTH_NONE, NULL},
    {"GET", "/lists/:id", list_show, ROUTE_AUTH_NONE, NULL},
    {"POST", "/lists/:id/delete", list_delete_post, ROUTE_AUTH_NONE, NULL},
    {"POST", "/lists/:id/rename", list_rename_post, ROUTE_AUTH_NONE, NULL},
    {"POST", "/lists/:id/add", list_add_post, ROUTE_AUTH_NONE, NULL},
    {"POST", "/lists/:id/remove", list_remove_post, ROUTE_AUTH_NONE, NULL},
};
const size_t web_list_routes_count = sizeof(web_list_routes) / sizeof(web_list_routes[0]);
