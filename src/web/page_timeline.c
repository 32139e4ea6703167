/*
 * web/page_timeline: the member's timelines (GET /home, /local,
 * /neighborhood, /federated), from the same core lists as the client
 * API's timelines, PAGE_POSTS at a time with ?max_id= for older posts.
 *
 * With ?fragment=1&since_id=ID a timeline answers only the cards of the
 * posts newer than ID, without the layout: static/hearth.js asks for them
 * when the member's stream tells of a new post, and puts them on top.
 */
#include <string.h>

#include "core/core.h"
#include "core/timeline.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"
#include "util/route.h"
#include "web/internal.h"
#include "web/web.h"

#define PAGE_POSTS 20

enum timeline_kind { TL_HOME, TL_LOCAL, TL_NEIGHBORHOOD, TL_FEDERATED, TL_COUNT };

/* The tabs, in the order shown. */
static const struct {
    const char *path;
    const char *label;
    const char *stream; /* the streaming API's path under /api/v1/streaming/, "" for none */
    const char *empty;  /* what an empty first page says */
} timelines[TL_COUNT] = {
    [TL_HOME] = {"/home", "Home", "user",
                 "Nothing here yet. Follow people to see their posts, or write one yourself."},
    [TL_LOCAL] = {"/local", "Local", "public/local", "Nobody here has posted in public yet."},
    [TL_NEIGHBORHOOD] = {"/neighborhood", "Neighborhood", "neighborhood",
                         "Nothing public from this server or its neighbors yet."},
    [TL_FEDERATED] = {"/federated", "Federated", "public", "No public posts are known here yet."},
};

static json_t *tabs(enum timeline_kind current)
{
    json_t *arr = json_array();
    for (int i = 0; i < TL_COUNT; i++)
        json_array_append_new(arr, json_pack("{s:s, s:s, s:b}", "path", timelines[i].path, "label",
                                             timelines[i].label, "current", i == (int)current));
    return arr;
}

/* An id argument of the query (0 when absent or not an id). */
static int64_t arg_id(struct req *req, const char *name)
{
    int64_t id = 0;
    const char *s = req_arg(req, name);
    if (!s || id_from_str(s, &id) != 0)
        return 0;
    return id;
}

static int show(struct req *req, struct resp *resp, enum timeline_kind kind)
{
    struct web_ctx w;
    web_begin(req, resp, &w);
    if (web_need_member(&w))
        return 0;
    w.filter_context = kind == TL_HOME ? "home" : "public";
    int fragment = web_is_fragment(req);
    /* ?limit= shows up to TIMELINE_LIMIT_MAX at once (as the API does). */
    int64_t limit = arg_id(req, "limit");
    struct page p = {.limit = limit > 0 && limit <= TIMELINE_LIMIT_MAX ? (int)limit : PAGE_POSTS,
                     .max_id = arg_id(req, "max_id")};
    if (fragment)
        p.since_id = arg_id(req, "since_id");
    struct timeline_filter f = {0};
    struct db_conn *c;
    int rc = db_acquire(w.core->db, DB_SNAPSHOT, &c);
    if (rc)
        return web_fail(&w, rc), 0;
    int64_t *ids = NULL;
    size_t n = 0;
    switch (kind) {
    case TL_HOME:
        rc = timeline_home(c, req->arena, &w.viewer, &p, &ids, &n);
        break;
    case TL_LOCAL:
        f.local_only = 1;
        rc = timeline_public(c, req->arena, &w.viewer, &f, &p, &ids, &n);
        break;
    case TL_NEIGHBORHOOD:
        rc = timeline_neighborhood(c, req->arena, &w.viewer, &f, &p, &ids, &n);
        break;
    case TL_FEDERATED:
    case TL_COUNT:
        rc = timeline_public(c, req->arena, &w.viewer, &f, &p, &ids, &n);
        break;
    }
    json_t *d = json_object();
    if (rc == 0)
        json_object_set_new(d, "statuses", web_status_views(&w, c, ids, n));
    db_release(c);
    if (rc) {
        json_decref(d);
        return web_fail(&w, rc), 0;
    }
    const char *path = timelines[kind].path;
    if (fragment) {
        /* The cards' forms come back to the page, not to this fragment's address. */
        json_object_set_new(d, "here", json_string(path));
        web_page(&w, 200, "status_list", NULL, d);
        return 0;
    }
    json_object_set_new(d, "tabs", tabs(kind));
    json_object_set_new(d, "heading", json_string(timelines[kind].label));
    json_object_set_new(d, "live", json_string(path));
    json_object_set_new(d, "stream", json_string(timelines[kind].stream));
    json_object_set_new(d, "empty", json_string(timelines[kind].empty));
    json_object_set_new(d, "paged", json_boolean(p.max_id != 0));
    if (n > 0 && n == (size_t)p.limit)
        json_object_set_new(d, "older_url",
                            json_string(p.limit == PAGE_POSTS
                                            ? arena_printf(req->arena, "%s?max_id=%lld", path,
                                                           (long long)ids[n - 1])
                                            : arena_printf(req->arena, "%s?limit=%d&max_id=%lld",
                                                           path, p.limit, (long long)ids[n - 1])));
    web_page(&w, 200, "timeline", timelines[kind].label, d);
    return 0;
}

static int home(struct req *req, struct resp *resp)
{
    return show(req, resp, TL_HOME);
}

static int local(struct req *req, struct resp *resp)
{
    return show(req, resp, TL_LOCAL);
}

static int neighborhood(struct req *req, struct resp *resp)
{
    return show(req, resp, TL_NEIGHBORHOOD);
}

static int federated(struct req *req, struct resp *resp)
{
    return show(req, resp, TL_FEDERATED);
}

const struct route web_timeline_routes[] = {
    {"GET", "/home", home, ROUTE_AUTH_NONE, NULL},
    {"GET", "/local", local, ROUTE_AUTH_NONE, NULL},
    {"GET", "/neighborhood", neighborhood, ROUTE_AUTH_NONE, NULL},
    {"GET", "/federated", federated, ROUTE_AUTH_NONE, NULL},
};
const size_t web_timeline_routes_count =
    sizeof(web_timeline_routes) / sizeof(web_timeline_routes[0]);
