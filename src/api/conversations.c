/*
 * api/conversations: direct messages as conversations (GET
 * /api/v1/conversations, DELETE /api/v1/conversations/:id, POST
 * /api/v1/conversations/:id/read). The last status goes through the
 * entities, so the visibility rule decides again whether it shows.
 */
#include "api/api.h"
#include "api/internal.h"
#include "core/conversation.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"

json_t *api_conversation_json(struct req *req, struct db_conn *c, const struct conversation *cv)
{
    char buf[ID_STR_MAX];
    json_t *accounts = json_array();
    for (size_t i = 0; i < cv->n_participants; i++) {
        json_t *a = api_account_json_id(req, c, cv->participants[i]);
        if (a)
            json_array_append_new(accounts, a);
    }
    json_t *last = api_status_json(req, c, cv->last_status_id);
    return json_pack("{s:s, s:b, s:o, s:o}", "id", id_to_str(cv->id, buf), "unread", cv->unread,
                     "accounts", accounts, "last_status", last ? last : json_null());
}

/* GET /api/v1/conversations */
static int conversations(struct req *req, struct resp *resp)
{
    if (api_require_user(req, resp))
        return 0;
    struct page p;
    if (api_page(req, resp, &p))
        return 0;
    struct core *core = req->app;
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_SNAPSHOT, &c);
    if (rc)
        return api_fail(req, resp, rc);
    struct conversation *list = NULL;
    size_t n = 0;
    rc = conversation_list(c, req->arena, api_account_id(req), &p, &list, &n);
    if (rc) {
        db_release(c);
        return api_fail(req, resp, rc);
    }
    int64_t *last = arena_alloc(req->arena, (n + 1) * sizeof(*last));
    for (size_t i = 0; i < n; i++)
        last[i] = list[i].last_status_id;
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, api_conversation_json(req, c, &list[i]));
    db_release(c);
    api_link_header(req, resp, last, n);
    resp_json(req, resp, 200, arr);
    return 0;
}

/* POST /api/v1/conversations/:id/read */
static int conversation_mark_read(struct req *req, struct resp *resp)
{
    if (api_require_user(req, resp))
        return 0;
    int64_t id = api_param_id(req, "id");
    int rc = id ? conversation_read(req->app, api_account_id(req), id) : E_NOTFOUND;
    if (rc)
        return api_fail(req, resp, rc);
    struct core *core = req->app;
    struct db_conn *c;
    rc = db_acquire(core->db, DB_SNAPSHOT, &c);
    if (rc)
        return api_fail(req, resp, rc);
    struct conversation *cv;
    rc = conversation_get(c, req->arena, api_account_id(req), id, &cv);
    json_t *j = rc ? NULL : api_conversation_json(req, c, cv);
    db_release(c);
    if (!j)
        return api_fail(req, resp, rc);
    resp_json(req, resp, 200, j);
    return 0;
}

/* DELETE /api/v1/conversations/:id */
static int conversation_delete(struct req *req, struct resp *resp)
{
    if (api_require_user(req, resp))
        return 0;
    int64_t id = api_param_id(req, "id");
    int rc = id ? conversation_remove(req->app, api_account_id(req), id) : E_NOTFOUND;
    if (rc)
        return api_fail(req, resp, rc);
    resp_json(req, resp, 200, json_object());
    return 0;
}

const struct route api_conversation_routes[] = {
    {"GET", "/api/v1/conversations", conversations, ROUTE_AUTH_REQUIRED, "read:statuses"},
    {"POST", "/api/v1/conversations/:id/read", conversation_mark_read, ROUTE_AUTH_REQUIRED,
     "write:conversations"},
    {"DELETE", "/api/v1/conversations/:id", conversation_delete, ROUTE_AUTH_REQUIRED,
     "write:conversations"},
};
const size_t api_conversation_routes_count =
    sizeof(api_conversation_routes) / sizeof(api_conversation_routes[0]);
