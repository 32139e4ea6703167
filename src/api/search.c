/*
 * api/search: /api/v2/search, /api/v1/accounts/search, hashtags
 * (/api/v1/tags/:name, follow, unfollow) and /api/v1/followed_tags.
 * Accounts and statuses go through the shared entity builders, which
 * apply the visibility rule again. Featured tags are not built yet.
 */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/internal.h"
#include "core/core.h"
#include "core/search.h"
#include "core/tag.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"

static json_t *tag_json(struct req *req, const struct tag *t)
{
    struct core *core = req->app;
    char id[ID_STR_MAX];
    json_t *history = json_array();
    for (int i = 0; i < TAG_HISTORY_DAYS; i++) {
        const struct tag_day *d = &t->history[i];
        json_array_append_new(
            history,
            json_pack("{s:s, s:s, s:s}", "day", arena_printf(req->arena, "%lld", (long long)d->day),
                      "uses", arena_printf(req->arena, "%lld", (long long)d->uses), "accounts",
                      arena_printf(req->arena, "%lld", (long long)d->accounts)));
    }
    /* An unused tag has no id yet; Mastodon sends "" for it too. */
    json_t *j = json_pack(
        "{s:s, s:s, s:s, s:o}", "id", t->id ? id_to_str(t->id, id) : "", "name", t->name, "url",
        arena_printf(req->arena, "%s/tags/%s", core->base_url, t->name), "history", history);
    if (api_account_id(req))
        json_object_set_new(j, "following", json_boolean(t->following));
    return j;
}

/* A non-negative integer argument; def when absent, -1 (and a 422) when malformed. */
static long arg_count(struct req *req, struct resp *resp, const char *name, long def)
{
    const char *v = req_arg(req, name);
    if (!v || !*v)
        return def;
    char *end;
    long n = strtol(v, &end, 10);
    if (*end || n < 0) {
        api_invalid(req, resp, arena_printf(req->arena, "%s must be a number", name));
        return -1;
    }
    return n > 100000 ? 100000 : n;
}

/* The booleans of a search; non-zero (and a 422) when one is malformed. */
static int read_flags(struct req *req, struct resp *resp, struct search_query *q)
{
    q->resolve = api_arg_bool(req, "resolve", 0);
    q->following = api_arg_bool(req, "following", 0);
    q->exclude_unreviewed = api_arg_bool(req, "exclude_unreviewed", 0);
    if (q->resolve < 0 || q->following < 0 || q->exclude_unreviewed < 0) {
        api_invalid(req, resp, "resolve, following and exclude_unreviewed must be booleans");
        return 1;
    }
    return 0;
}

static json_t *accounts_json(struct req *req, struct db_conn *c, const int64_t *ids, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *j = api_account_json_id(req, c, ids[i]);
        if (j)
            json_array_append_new(arr, j);
    }
    return arr;
}

/* q must be there: Mastodon answers 400 for a missing parameter. */
static int require_q(struct req *req, struct resp *resp)
{
    const char *q = req_arg(req, "q");
    if (q && *q)
        return 0;
    resp_error(req, resp, 400, "param is missing or the value is empty: q");
    return 1;
}

/* GET /api/v2/search */
static int search_v2(struct req *req, struct resp *resp)
{
    struct core *core = req->app;
    struct search_query q = {0};
    struct page p;
    if (require_q(req, resp) || read_flags(req, resp, &q) || api_page(req, resp, &p))
        return 0;
    q.q = req_arg(req, "q");
    const char *type = req_arg(req, "type");
    if (type && *type) {
        if (!strcmp(type, "accounts"))
            q.types = SEARCH_ACCOUNTS;
        else if (!strcmp(type, "hashtags"))
            q.types = SEARCH_HASHTAGS;
        else if (!strcmp(type, "statuses"))
            q.types = SEARCH_STATUSES;
        else {
            api_invalid(req, resp, "type must be accounts, hashtags or statuses");
            return 0;
        }
    }
    const char *offset = req_arg(req, "offset");
    if (!api_account_id(req) && (q.resolve || (offset && *offset))) {
        resp_error(req, resp, 401,
                   q.resolve ? "Search queries that resolve remote resources are not supported"
                               " without authentication"
                             : "Search queries with offset are not supported without"
                               " authentication");
        return 0;
    }
    long off = arg_count(req, resp, "offset", 0);
    if (off < 0)
        return 0;
    /* Mastodon applies the offset only to a search of one type. */
    q.offset = q.types ? (int)off : 0;
    const char *acct = req_arg(req, "account_id");
    if (acct && *acct && id_from_str(acct, &q.account_id) != 0) {
        api_invalid(req, resp, "account_id must be an id");
        return 0;
    }
    q.max_id = p.max_id;
    q.min_id = p.min_id;
    q.limit = p.limit;
    if (q.resolve && !q.offset &&
        (!q.types || q.types == SEARCH_ACCOUNTS || q.types == SEARCH_STATUSES))
        search_resolve(core, req->arena, q.q);
    struct viewer v = api_viewer(req);
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_READ, &c);
    if (rc)
        return api_fail(req, resp, rc);
    struct search_results r;
    const char *why = NULL;
    rc = search_run(c, req->arena, core, &v, &q, &r, &why);
    if (rc) {
        db_release(c);
        if (rc == E_INVAL && why) {
            api_invalid(req, resp, why);
            return 0;
        }
        return api_fail(req, resp, rc);
    }
    json_t *hashtags = json_array();
    for (size_t i = 0; i < r.n_hashtags; i++)
        json_array_append_new(hashtags, tag_json(req, &r.hashtags[i]));
    json_t *j = json_pack(
        "{s:o, s:o, s:o}", "accounts", accounts_json(req, c, r.accounts, r.n_accounts), "statuses",
        api_statuses_json(req, c, r.statuses, r.n_statuses), "hashtags", hashtags);
    db_release(c);
    resp_json(req, resp, 200, j);
    return 0;
}

/* GET /api/v1/accounts/search */
static int accounts_search(struct req *req, struct resp *resp)
{
    if (api_require_user(req, resp))
        return 0;
    struct core *core = req->app;
    struct search_query q = {0};
    if (require_q(req, resp) || read_flags(req, resp, &q))
        return 0;
    q.q = req_arg(req, "q");
    long limit = arg_count(req, resp, "limit", 40);
    if (limit < 0)
        return 0;
    long off = arg_count(req, resp, "offset", 0);
    if (off < 0)
        return 0;
    q.limit = limit == 0 ? 1 : (int)limit;
    q.offset = (int)off;
    const char *why = NULL;
    if (search_check(q.q, &why)) {
        api_invalid(req, resp, why);
        return 0;
    }
    if (q.resolve)
        search_resolve(core, req->arena, q.q);
    struct viewer v = api_viewer(req);
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_READ, &c);
    if (rc)
        return api_fail(req, resp, rc);
    int64_t *ids = NULL;
    size_t n = 0;
    rc = search_accounts(c, req->arena, core, &v, &q, &ids, &n);
    if (rc) {
        db_release(c);
        return api_fail(req, resp, rc);
    }
    json_t *arr = accounts_json(req, c, ids, n);
    db_release(c);
    resp_json(req, resp, 200, arr);
    return 0;
}

/* GET /api/v1/tags/:name */
static int tag_show(struct req *req, struct resp *resp)
{
    struct core *core = req->app;
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_READ, &c);
    if (rc)
        return api_fail(req, resp, rc);
    struct tag *t;
    rc = tag_get(c, req->arena, api_account_id(req), req_param(req, "name"), &t);
    db_release(c);
    if (rc)
        return api_fail(req, resp, rc);
    resp_json(req, resp, 200, tag_json(req, t));
    return 0;
}

/* POST /api/v1/tags/:name/follow and /unfollow */
static int tag_change(struct req *req, struct resp *resp, int follow)
{
    if (api_require_user(req, resp))
        return 0;
    struct core *core = req->app;
    struct tag *t;
    const char *name = req_param(req, "name");
    int64_t me = api_account_id(req);
    int rc = follow ? tag_follow(core, req->arena, me, name, &t)
                    : tag_unfollow(core, req->arena, me, name, &t);
    if (rc == E_LIMIT) {
        api_invalid(req, resp, "too many followed hashtags");
        return 0;
    }
    if (rc)
        return api_fail(req, resp, rc);
    resp_json(req, resp, 200, tag_json(req, t));
    return 0;
}

static int tag_follow_h(struct req *req, struct resp *resp)
{
    return tag_change(req, resp, 1);
}

static int tag_unfollow_h(struct req *req, struct resp *resp)
{
    return tag_change(req, resp, 0);
}

/* GET /api/v1/followed_tags */
static int followed_tags(struct req *req, struct resp *resp)
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
    struct tag *tags;
    int64_t *page_ids;
    size_t n = 0;
    rc = tag_followed(c, req->arena, api_account_id(req), &p, &tags, &page_ids, &n);
    db_release(c);
    if (rc)
        return api_fail(req, resp, rc);
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, tag_json(req, &tags[i]));
    resp_json(req, resp, 200, arr);
    api_link_header(req, resp, page_ids, n);
    return 0;
}

const struct route api_search_routes[] = {
    {"GET", "/api/v2/search", search_v2, ROUTE_AUTH_OPTIONAL, "read:search"},
    {"GET", "/api/v1/accounts/search", accounts_search, ROUTE_AUTH_REQUIRED, "read:accounts"},
    {"GET", "/api/v1/tags/:name", tag_show, ROUTE_AUTH_OPTIONAL, NULL},
    {"POST", "/api/v1/tags/:name/follow", tag_follow_h, ROUTE_AUTH_REQUIRED, "write:follows"},
    {"POST", "/api/v1/tags/:name/unfollow", tag_unfollow_h, ROUTE_AUTH_REQUIRED, "write:follows"},
    {"GET", "/api/v1/followed_tags", followed_tags, ROUTE_AUTH_REQUIRED, "read:follows"},
};
const size_t api_search_routes_count = sizeof(api_search_routes) / sizeof(api_search_routes[0]);
