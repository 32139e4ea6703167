/*
 * api/domain_blocks: a member's own blocks of whole servers
 * (GET, POST and DELETE /api/v1/domain_blocks), as Mastodon has them: the
 * list is of domain names, paged with Link headers on the blocks' ids.
 */
#include "api/api.h"
#include "api/internal.h"
#include "core/domain_block.h"
#include "db/db.h"
#include "util/err.h"

/* GET /api/v1/domain_blocks */
static int domain_blocks(struct req *req, struct resp *resp)
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
    const char **domains = NULL;
    int64_t *ids = NULL;
    size_t n = 0;
    rc = domain_block_list(c, req->arena, api_account_id(req), &p, &domains, &ids, &n);
    db_release(c);
    if (rc)
        return api_fail(req, resp, rc);
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, json_string(domains[i]));
    api_link_header(req, resp, ids, n);
    resp_json(req, resp, 200, arr);
    return 0;
}

typedef int (*change_fn)(const struct core *core, int64_t account, const char *domain,
                         const char **why);

static int change(struct req *req, struct resp *resp, change_fn fn)
{
    if (api_require_user(req, resp))
        return 0;
    const char *domain = req_arg(req, "domain");
    if (!domain || !*domain) {
        api_invalid(req, resp, "domain is missing");
        return 0;
    }
    const char *why = NULL;
    int rc = fn(req->app, api_account_id(req), domain, &why);
    if ((rc == E_INVAL || rc == E_LIMIT) && why) {
        api_invalid(req, resp, why);
        return 0;
    }
    if (rc)
        return api_fail(req, resp, rc);
    resp_json(req, resp, 200, json_object());
    return 0;
}

/* POST /api/v1/domain_blocks */
static int domain_block(struct req *req, struct resp *resp)
{
    return change(req, resp, domain_block_add);
}

/* DELETE /api/v1/domain_blocks */
static int domain_unblock(struct req *req, struct resp *resp)
{
    return change(req, resp, domain_block_remove);
}

const struct route api_domain_block_routes[] = {
    {"GET", "/api/v1/domain_blocks", domain_blocks, ROUTE_AUTH_REQUIRED, "read:blocks"},
    {"POST", "/api/v1/domain_blocks", domain_block, ROUTE_AUTH_REQUIRED, "write:blocks"},
    {"DELETE", "/api/v1/domain_blocks", domain_unblock, ROUTE_AUTH_REQUIRED, "write:blocks"},
};
const size_t api_domain_block_routes_count =
    sizeof(api_domain_block_routes) / sizeof(api_domain_block_routes[0]);
