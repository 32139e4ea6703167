/*
 * api/people: lists of accounts that belong to no other handler file:
 * the member's blocks and mutes, and who boosted or favourited a status
 * (GET /api/v1/blocks, /api/v1/mutes, /api/v1/statuses/:id/reblogged_by,
 * /api/v1/statuses/:id/favourited_by). All page on the linking rows' ids
 * with Link headers, as Mastodon does.
 */
#include "api/api.h"
#include "api/internal.h"
#include "core/people.h"
#include "db/db.h"
#include "util/err.h"

typedef int (*own_list_fn)(struct db_conn *c, struct arena *a, int64_t account_id,
                           const struct follow_page *p, struct follow_item **out, size_t *n);
typedef int (*status_list_fn)(struct db_conn *c, struct arena *a, const struct viewer *v,
                              int64_t status_id, const struct follow_page *p,
                              struct follow_item **out, size_t *n);

static int read_page(struct req *req, struct resp *resp, struct follow_page *fp)
{
    struct page p;
    if (api_page(req, resp, &p))
        return 1;
    fp->max_id = p.max_id;
    fp->since_id = p.since_id;
    fp->min_id = p.min_id;
    fp->limit = p.limit;
    return 0;
}

static int own_list(struct req *req, struct resp *resp, own_list_fn fn)
{
    struct follow_page fp;
    if (api_require_user(req, resp) || read_page(req, resp, &fp))
        return 0;
    struct core *core = req->app;
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_SNAPSHOT, &c);
    if (rc)
        return api_fail(req, resp, rc);
    struct follow_item *items = NULL;
    size_t n = 0;
    rc = fn(c, req->arena, api_account_id(req), &fp, &items, &n);
    return api_people_answer(req, resp, c, rc, items, n);
}

static int status_list(struct req *req, struct resp *resp, status_list_fn fn)
{
    struct follow_page fp;
    if (read_page(req, resp, &fp))
        return 0;
    int64_t id = api_param_id(req, "id");
    if (!id)
        return api_fail(req, resp, E_NOTFOUND);
    struct core *core = req->app;
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_SNAPSHOT, &c);
    if (rc)
        return api_fail(req, resp, rc);
    struct viewer v = api_viewer(req);
    struct follow_item *items = NULL;
    size_t n = 0;
    rc = fn(c, req->arena, &v, id, &fp, &items, &n);
    return api_people_answer(req, resp, c, rc, items, n);
}

/* GET /api/v1/blocks */
static int blocks(struct req *req, struct resp *resp)
{
    return own_list(req, resp, people_blocked);
}

/* GET /api/v1/mutes */
static int mutes(struct req *req, struct resp *resp)
{
    return own_list(req, resp, people_muted);
}

/* GET /api/v1/statuses/:id/reblogged_by */
static int reblogged_by(struct req *req, struct resp *resp)
{
    return status_list(req, resp, people_reblogged_by);
}

/* GET /api/v1/statuses/:id/favourited_by */
static int favourited_by(struct req *req, struct resp *resp)
{
    return status_list(req, resp, people_favourited_by);
}

const struct route api_people_routes[] = {
    {"GET", "/api/v1/blocks", blocks, ROUTE_AUTH_REQUIRED, "read:blocks"},
    {"GET", "/api/v1/mutes", mutes, ROUTE_AUTH_REQUIRED, "read:mutes"},
    {"GET", "/api/v1/statuses/:id/reblogged_by", reblogged_by, ROUTE_AUTH_OPTIONAL,
     "read:statuses"},
    {"GET", "/api/v1/statuses/:id/favourited_by", favourited_by, ROUTE_AUTH_OPTIONAL,
     "read:statuses"},
};
const size_t api_people_routes_count = sizeof(api_people_routes) / sizeof(api_people_routes[0]);
