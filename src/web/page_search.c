/*
 * web/page_search: GET /search?q=, accounts, hashtags and posts (core/search,
 * as the client API's /api/v2/search).
 *
 * A signed-in member searches as a client with resolve=true does: a URL,
 * user@domain or @user@domain is first looked up on its own server
 * (search_resolve, before any database connection is held, since a fetch
 * may take a while), and her posts search covers what the visibility rule
 * lets her see. A signed-out visitor gets what Mastodon gives a logged-out
 * search: accounts and hashtags this server already knows, never posts,
 * and no lookups elsewhere. Everything lives in the request's arena.
 */
#include <string.h>

#include "core/core.h"
#include "core/search.h"
#include "core/tag.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/route.h"
#include "web/internal.h"

static json_t *accounts_view(struct web_ctx *w, struct db_conn *c, const int64_t *ids, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *v = web_account_view_id(w, c, ids[i]);
        if (v)
            json_array_append_new(arr, v);
    }
    return arr;
}

/* Hashtags with their local page and their uses over the days counted (today first). */
static json_t *tags_view(struct web_ctx *w, const struct tag *tags, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        int64_t uses = 0, people = 0;
        for (int d = 0; d < TAG_HISTORY_DAYS; d++) {
            uses += tags[i].history[d].uses;
            people += tags[i].history[d].accounts;
        }
        /* Summed over the days: "people" may count one person on two days twice. */
        const char *use = arena_printf(w->req->arena, "%lld %s by %lld %s this week",
                                       (long long)uses, uses == 1 ? "post" : "posts",
                                       (long long)people, people == 1 ? "person" : "people");
        json_array_append_new(arr, json_pack("{s:s, s:s, s:s}", "name", tags[i].name, "url",
                                             arena_printf(w->req->arena, "/tags/%s", tags[i].name),
                                             "use", use));
    }
    return arr;
}

/* Fills d with the results of q for this visitor; 0 or an enum err (why set for E_INVAL). */
static int run(struct web_ctx *w, const char *text, json_t *d, const char **why)
{
    struct search_query q = {.q = text};
    if (w->me) {
        q.resolve = 1;
        search_resolve(w->core, w->req->arena, text);
    } else {
        q.types = SEARCH_ACCOUNTS | SEARCH_HASHTAGS;
    }
    struct db_conn *c;
    int rc = db_acquire(w->core->db, DB_SNAPSHOT, &c);
    if (rc)
        return rc;
    struct search_results r;
    rc = search_run(c, w->req->arena, w->core, &w->viewer, &q, &r, why);
    if (rc == 0) {
        json_t *accounts = accounts_view(w, c, r.accounts, r.n_accounts);
        json_t *tags = tags_view(w, r.hashtags, r.n_hashtags);
        json_t *statuses = web_status_views(w, c, r.statuses, r.n_statuses);
        json_object_set_new(d, "found_any",
                            json_boolean(json_array_size(accounts) || json_array_size(tags) ||
                                         json_array_size(statuses)));
        json_object_set_new(d, "has_accounts", json_boolean(json_array_size(accounts)));
        json_object_set_new(d, "has_hashtags", json_boolean(json_array_size(tags)));
        json_object_set_new(d, "accounts", accounts);
        json_object_set_new(d, "hashtags", tags);
        json_object_set_new(d, "statuses", statuses);
    }
    db_release(c);
    return rc;
}

static int search_page(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    web_begin(req, resp, &w);
    const char *q = req_arg(req, "q");
    json_t *d = json_object();
    /* A flag rather than {{#me}}: a section over the account would shadow the cards' keys. */
    json_object_set_new(d, "member", json_boolean(w.me != NULL));
    if (!q) {
        web_page(&w, 200, "search", "Search", d);
        return 0;
    }
    /* Not echoed when it is not text (json_string refuses bad UTF-8). */
    json_object_set_new(d, "q", json_string(q));
    const char *why = NULL;
    int rc = search_check(q, &why);
    if (rc == 0)
        rc = run(&w, q, d, &why);
    if (rc == E_INVAL && why) {
        json_object_set_new(d, "message", json_string(why));
        web_page(&w, 422, "search", "Search", d);
        return 0;
    }
    if (rc) {
        json_decref(d);
        return web_fail(&w, rc), 0;
    }
    json_object_set_new(d, "searched", json_true());
    web_page(&w, 200, "search", arena_printf(req->arena, "%s - Search", q), d);
    return 0;
}

const struct route web_search_routes[] = {
    {"GET", "/search", search_page, ROUTE_AUTH_NONE, NULL},
};
const size_t web_search_routes_count = sizeof(web_search_routes) / sizeof(web_search_routes[0]);
