/*
 * web/page_saved: the member's saved posts, GET /bookmarks and
 * /favourites (core/timeline, as the client API's /api/v1/bookmarks and
 * /api/v1/favourites): newest bookmark (favourite) first, older ones with
 * ?max_id= on the bookmark's (favourite's) own id. Only posts she may
 * still see are shown. Everything lives in the request's arena.
 */
#include "core/core.h"
#include "core/timeline.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"
#include "util/route.h"
#include "web/internal.h"

#define PAGE_SAVED 20

typedef int (*saved_fn)(struct db_conn *c, struct arena *a, const struct viewer *v,
                        const struct page *p, int64_t **ids, int64_t **page_ids, size_t *n);

static int saved_page(struct req *req, struct resp *resp, saved_fn fn, const char *path,
                      const char *title, const char *empty)
{
    struct web_ctx w;
    web_begin(req, resp, &w);
    if (web_need_member(&w))
        return 0;
    struct page p = {.limit = PAGE_SAVED};
    const char *max = req_arg(req, "max_id");
    if (max && *max && id_from_str(max, &p.max_id) != 0)
        return web_fail(&w, E_NOTFOUND), 0;
    struct db_conn *c;
    int rc = db_acquire(w.core->db, DB_SNAPSHOT, &c);
    if (rc)
        return web_fail(&w, rc), 0;
    int64_t *ids = NULL, *page_ids = NULL;
    size_t n = 0;
    rc = fn(c, req->arena, &w.viewer, &p, &ids, &page_ids, &n);
    json_t *statuses = rc ? NULL : web_status_views(&w, c, ids, n);
    db_release(c);
    if (rc)
        return web_fail(&w, rc), 0;
    json_t *d = json_object();
    json_object_set_new(d, "heading", json_string(title));
    json_object_set_new(d, "empty", json_string(empty));
    json_object_set_new(d, "statuses", statuses);
    json_object_set_new(d, "older_page", json_boolean(p.max_id != 0));
    json_object_set_new(d, "newest_url", json_string(path));
    /* A full page may have more behind it; paging is on the page ids, not the posts' ids. */
    if (n == PAGE_SAVED)
        json_object_set_new(d, "older_url",
                            json_string(arena_printf(req->arena, "%s?max_id=%lld", path,
                                                     (long long)page_ids[n - 1])));
    web_page(&w, 200, "saved", title, d);
    return 0;
}

static int bookmarks(struct req *req, struct resp *resp)
{
    return saved_page(req, resp, timeline_bookmarks, "/bookmarks", "Bookmarks",
                      "You have no bookmarks. Bookmark a post to find it here later; only you "
                      "see your bookmarks.");
}

static int favourites(struct req *req, struct resp *resp)
{
    return saved_page(req, resp, timeline_favourites, "/favourites", "Favourites",
                      "You have not favourited any post yet.");
}

const struct route web_saved_routes[] = {
    {"GET", "/bookmarks", bookmarks, ROUTE_AUTH_NONE, NULL},
    {"GET", "/favourites", favourites, ROUTE_AUTH_NONE, NULL},
};
const size_t web_saved_routes_count = sizeof(web_saved_routes) / sizeof(web_saved_routes[0]);
