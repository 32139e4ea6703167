/*
 * api/lists: /api/v1/lists, their accounts, /api/v1/accounts/:id/lists and
 * /api/v1/timelines/list/:id.
 */
#include <string.h>

#include "api/api.h"
#include "api/internal.h"
#include "core/list.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"

static json_t *list_json(const struct list *l)
{
    char id[ID_STR_MAX];
    return json_pack("{s:s, s:s, s:s, s:b}", "id", id_to_str(l->id, id), "title", l->title,
                     "replies_policy", l->replies_policy, "exclusive", l->exclusive);
}

static json_t *lists_json(const struct list *ls, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, list_json(&ls[i]));
    return arr;
}

static int answer_list(struct req *req, struct resp *resp, int64_t id)
{
    struct core *core = req->app;
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_READ, &c);
    if (rc)
        return api_fail(req, resp, rc);
    struct list *l;
    rc = list_get(c, req->arena, api_account_id(req), id, &l);
    db_release(c);
    if (rc)
        return api_fail(req, resp, rc);
    resp_json(req, resp, 200, list_json(l));
    return 0;
}

/* GET /api/v1/lists */
static int lists_index(struct req *req, struct resp *resp)
{
    if (api_require_user(req, resp))
        return 0;
    struct core *core = req->app;
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_READ, &c);
    if (rc)
        return api_fail(req, resp, rc);
    struct list *ls;
    size_t n = 0;
    rc = list_all(c, req->arena, api_account_id(req), &ls, &n);
    db_release(c);
    if (rc)
        return api_fail(req, resp, rc);
    resp_json(req, resp, 200, lists_json(ls, n));
    return 0;
}

static int read_exclusive(struct req *req, struct resp *resp, int *out)
{
    *out = api_arg_bool(req, "exclusive", -2);
    if (*out == -1) {
        api_invalid(req, resp, "exclusive must be a boolean");
        return 1;
    }
    if (*out == -2)
        *out = -1;
    return 0;
}

/* POST /api/v1/lists */
static int lists_create(struct req *req, struct resp *resp)
{
    if (api_require_user(req, resp))
        return 0;
    int exclusive;
    if (read_exclusive(req, resp, &exclusive))
        return 0;
    struct core *core = req->app;
    struct list *l;
    const char *why = NULL;
    int rc = list_create(core, req->arena, api_account_id(req), req_arg(req, "title"),
                         req_arg(req, "replies_policy"), exclusive, &l, &why);
    if ((rc == E_INVAL || rc == E_LIMIT) && why) {
        api_invalid(req, resp, why);
        return 0;
    }
    if (rc)
        return api_fail(req, resp, rc);
    resp_json(req, resp, 200, list_json(l));
    return 0;
}

/* GET /api/v1/lists/:id */
static int lists_show(struct req *req, struct resp *resp)
{
    if (api_require_user(req, resp))
        return 0;
    return answer_list(req, resp, api_param_id(req, "id"));
}

/* PUT /api/v1/lists/:id */
static int lists_update(struct req *req, struct resp *resp)
{
    if (api_require_user(req, resp))
        return 0;
    int exclusive;
    if (read_exclusive(req, resp, &exclusive))
        return 0;
    struct core *core = req->app;
    const char *why = NULL;
    int64_t id = api_param_id(req, "id");
    int rc = list_update(core, api_account_id(req), id, req_arg(req, "title"),
                         req_arg(req, "replies_policy"), exclusive, &why);
    if (rc == E_INVAL && why) {
        api_invalid(req, resp, why);
        return 0;
    }
    if (rc)
        return api_fail(req, resp, rc);
    return answer_list(req, resp, id);
}

/* DELETE /api/v1/lists/:id */
static int lists_delete(struct req *req, struct resp *resp)
{
    if (api_require_user(req, resp))
        return 0;
    struct core *core = req->app;
    int rc = list_delete(core, api_account_id(req), api_param_id(req, "id"));
    if (rc)
        return api_fail(req, resp, rc);
    resp_json(req, resp, 200, json_object());
    return 0;
}

/* The account_ids[] (or JSON account_ids array) of a request. */
static int64_t *account_ids(struct req *req, size_t *n)
{
    int64_t *ids = arena_alloc(req->arena, 256 * sizeof(*ids));
    *n = 0;
    json_t *body = req_json(req);
    json_t *arr = body ? json_object_get(body, "account_ids") : NULL;
    if (json_is_array(arr)) {
        size_t i;
        json_t *v;
        json_array_foreach(arr, i, v)
        {
            int64_t id;
            if (*n < 256 && json_is_string(v) && id_from_str(json_string_value(v), &id) == 0)
                ids[(*n)++] = id;
        }
        return ids;
    }
    req_arg(req, "account_ids[]");
    for (size_t i = 0; i < req->n_args && *n < 256; i++) {
        int64_t id;
        if (!strcmp(req->args[i].name, "account_ids[]") &&
            id_from_str(req->args[i].value, &id) == 0)
            ids[(*n)++] = id;
    }
    return ids;
}

/* GET, POST and DELETE /api/v1/lists/:id/accounts */
static int members_index(struct req *req, struct resp *resp)
{
    if (api_require_user(req, resp))
        return 0;
    struct core *core = req->app;
    struct page p;
    if (api_page(req, resp, &p))
        return 0;
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_READ, &c);
    if (rc)
        return api_fail(req, resp, rc);
    int64_t *ids;
    size_t n = 0;
    rc = list_members(c, req->arena, api_account_id(req), api_param_id(req, "id"), p.limit, &ids,
                      &n);
    json_t *arr = json_array();
    for (size_t i = 0; rc == 0 && i < n; i++) {
        json_t *j = api_account_json_id(req, c, ids[i]);
        if (j)
            json_array_append_new(arr, j);
    }
    db_release(c);
    if (rc) {
        json_decref(arr);
        return api_fail(req, resp, rc);
    }
    resp_json(req, resp, 200, arr);
    return 0;
}

static int members_change(struct req *req, struct resp *resp, int add)
{
    if (api_require_user(req, resp))
        return 0;
    struct core *core = req->app;
    size_t n;
    int64_t *ids = account_ids(req, &n);
    if (n == 0) {
        api_invalid(req, resp, "account_ids is missing");
        return 0;
    }
    int64_t list = api_param_id(req, "id");
    int rc = add ? list_add(core, api_account_id(req), list, ids, n)
                 : list_remove(core, api_account_id(req), list, ids, n);
    if (rc == E_FORBIDDEN) {
        api_invalid(req, resp, "you must follow an account to add it to a list");
        return 0;
    }
    if (rc == E_LIMIT) {
        api_invalid(req, resp, "the list has too many accounts");
        return 0;
    }
    if (rc)
        return api_fail(req, resp, rc);
    resp_json(req, resp, 200, json_object());
    return 0;
}

static int members_add(struct req *req, struct resp *resp)
{
    return members_change(req, resp, 1);
}

static int members_remove(struct req *req, struct resp *resp)
{
    return members_change(req, resp, 0);
}

/* GET /api/v1/accounts/:id/lists */
static int account_lists(struct req *req, struct resp *resp)
{
    if (api_require_user(req, resp))
        return 0;
    struct core *core = req->app;
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_READ, &c);
    if (rc)
        return api_fail(req, resp, rc);
    struct list *ls;
    size_t n = 0;
    rc = list_containing(c, req->arena, api_account_id(req), api_param_id(req, "id"), &ls, &n);
    db_release(c);
    if (rc)
        return api_fail(req, resp, rc);
    resp_json(req, resp, 200, lists_json(ls, n));
    return 0;
}

/* GET /api/v1/timelines/list/:id */
static int list_timeline(struct req *req, struct resp *resp)
{
    req->filter_context = "home";
    if (api_require_user(req, resp))
        return 0;
    struct core *core = req->app;
    struct page p;
    if (api_page(req, resp, &p))
        return 0;
    struct viewer v = api_viewer(req);
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_SNAPSHOT, &c);
    if (rc)
        return api_fail(req, resp, rc);
    struct list *l;
    int64_t *ids = NULL;
    size_t n = 0;
    rc = list_get(c, req->arena, v.account_id, api_param_id(req, "id"), &l);
    if (rc == 0)
        rc = timeline_list(c, req->arena, &v, l->id, l->replies_policy, &p, &ids, &n);
    json_t *arr = rc ? NULL : api_statuses_json(req, c, ids, n);
    db_release(c);
    if (!arr)
        return api_fail(req, resp, rc);
    api_link_header(req, resp, ids, n);
    resp_json(req, resp, 200, arr);
    return 0;
}

const struct route api_list_routes[] = {
    {"GET", "/api/v1/lists", lists_index, ROUTE_AUTH_REQUIRED, "read:lists"},
    {"POST", "/api/v1/lists", lists_create, ROUTE_AUTH_REQUIRED, "write:lists"},
    {"GET", "/api/v1/lists/:id", lists_show, ROUTE_AUTH_REQUIRED, "read:lists"},
    {"PUT", "/api/v1/lists/:id", lists_update, ROUTE_AUTH_REQUIRED, "write:lists"},
    {"DELETE", "/api/v1/lists/:id", lists_delete, ROUTE_AUTH_REQUIRED, "write:lists"},
    {"GET", "/api/v1/lists/:id/accounts", members_index, ROUTE_AUTH_REQUIRED, "read:lists"},
    {"POST", "/api/v1/lists/:id/accounts", members_add, ROUTE_AUTH_REQUIRED, "write:lists"},
    {"DELETE", "/api/v1/lists/:id/accounts", members_remove, ROUTE_AUTH_REQUIRED, "write:lists"},
    {"GET", "/api/v1/accounts/:id/lists", account_lists, ROUTE_AUTH_REQUIRED, "read:lists"},
    {"GET", "/api/v1/timelines/list/:id", list_timeline, ROUTE_AUTH_REQUIRED, "read:lists"},
};
const size_t api_list_routes_count = sizeof(api_list_routes) / sizeof(api_list_routes[0]);
