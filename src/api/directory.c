/*
 * api/directory: GET /api/v1/directory, Mastodon's profile directory,
 * from core/join's directory of this server's members: discoverable,
 * approved and active ones, most recently active first (order=active, the
 * default) or newest first (order=new). Remote accounts are not listed
 * (local=true is what a small server means by its directory), so
 * local=false gives the same list. offset and limit (40, at most 80) page
 * it, as Mastodon does.
 */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/internal.h"
#include "core/join.h"
#include "db/db.h"
#include "util/err.h"
#include "util/id.h"

static int directory(struct req *req, struct resp *resp)
{
    struct core *core = req->app;
    int64_t offset = 0, limit = 40;
    const char *o = req_arg(req, "offset"), *l = req_arg(req, "limit");
    if ((o && id_from_str(o, &offset) != 0) || (l && id_from_str(l, &limit) != 0)) {
        api_invalid(req, resp, "offset and limit must be numbers");
        return 0;
    }
    if (limit < 1)
        limit = 1;
    if (limit > 80)
        limit = 80;
    const char *order = req_arg(req, "order");
    if (order && strcmp(order, "active") && strcmp(order, "new")) {
        api_invalid(req, resp, "order must be active or new");
        return 0;
    }
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_SNAPSHOT, &c);
    if (rc)
        return api_fail(req, resp, rc);
    struct join_member *v;
    size_t n = 0;
    rc = join_directory(c, req->arena, (size_t)offset, (size_t)limit, &v, &n);
    if (rc) {
        db_release(c);
        return api_fail(req, resp, rc);
    }
    if (order && !strcmp(order, "new")) {
        /* Newest members first: the page is re-sorted by when they joined. */
        for (size_t i = 1; i < n; i++)
            for (size_t j = i; j > 0 && v[j].joined_at > v[j - 1].joined_at; j--) {
                struct join_member t = v[j];
                v[j] = v[j - 1];
                v[j - 1] = t;
            }
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *a = api_account_json_id(req, c, v[i].account_id);
        if (a)
            json_array_append_new(arr, a);
    }
    db_release(c);
    resp_json(req, resp, 200, arr);
    return 0;
}

const struct route api_directory_routes[] = {
    {"GET", "/api/v1/directory", directory, ROUTE_AUTH_OPTIONAL, NULL},
};
const size_t api_directory_routes_count =
    sizeof(api_directory_routes) / sizeof(api_directory_routes[0]);
