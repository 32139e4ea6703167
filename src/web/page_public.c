/*
 * web/page_public: the pages visitors see (and members too): the front
 * page, about, profiles, single posts with their thread, tag pages, the
 * static files. What a page lists is what the visibility rule lets its
 * viewer see: an anonymous visitor gets public and unlisted posts only.
 */
#include <string.h>
#include <strings.h>

#include "content/sanitize.h"
#include "core/account.h"
#include "core/core.h"
#include "core/follow.h"
#include "core/pin.h"
#include "core/status.h"
#include "core/timeline.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"
#include "util/route.h"
#include "web/internal.h"
#include "web/tmpl.h"

#define PAGE_POSTS 20

/* ?max_id= as a page of PAGE_POSTS. */
static struct page older_page(struct req *req)
{
    struct page p = {.limit = PAGE_POSTS};
    const char *max = req_arg(req, "max_id");
    if (max)
        id_from_str(max, &p.max_id);
    return p;
}

/* The "older posts" link of a list whose last shown id is last (none when the page was short). */
static void set_older(struct web_ctx *w, json_t *d, const char *path, const int64_t *ids, size_t n)
{
    if (n < PAGE_POSTS)
        return;
    json_object_set_new(
        d, "older_url",
        json_string(arena_printf(w->req->arena, "%s?max_id=%lld", path, (long long)ids[n - 1])));
}

/* Plain text of html, at most about 200 characters, for link previews. */
static const char *summary_of(struct web_ctx *w, const char *html)
{
    const char *text = NULL;
    if (!html || sanitize_text(w->req->arena, html, strlen(html), &text) != 0 || !text)
        return "";
    size_t n = strlen(text);
    if (n <= 200)
        return text;
    size_t cut = 200;
    while (cut > 0 && ((unsigned char)text[cut] & 0xC0) == 0x80)
        cut--; /* not inside a UTF-8 sequence */
    return arena_printf(w->req->arena, "%.*s…", (int)cut, text);
}

static json_t *admins(struct web_ctx *w, struct db_conn *c)
{
    json_t *arr = json_array();
    struct user_info *users;
    size_t n = 0;
    if (user_list(w->core, w->req->arena, &users, &n) != 0)
        return arr;
    for (size_t i = 0; i < n; i++) {
        if (users[i].role < USER_ROLE_ADMIN)
            continue;
        json_t *v = web_account_view_id(w, c, users[i].account_id);
        if (v)
            json_array_append_new(arr, v);
    }
    return arr;
}

static json_t *server_view(struct web_ctx *w, struct db_conn *c)
{
    const struct core *core = w->core;
    json_t *d = json_object();
    json_object_set_new(d, "description", json_string(core->description ? core->description : ""));
    json_object_set_new(d, "admins", admins(w, c));
    web_join_view(w, c, d); /* mode, rules, conduct, contact */
    struct db_stmt *s;
    if (db_prepare(c,
                   "SELECT (SELECT count(*) FROM users WHERE approved = 1),"
                   " (SELECT count(*) FROM statuses WHERE local = 1 AND deleted_at IS NULL)",
                   &s) == 0) {
        if (db_step(s) == DB_ROW) {
            json_object_set_new(d, "user_count", json_integer(db_col_i64(s, 0)));
            json_object_set_new(d, "status_count", json_integer(db_col_i64(s, 1)));
        }
        db_stmt_done(s);
    }
    return d;
}

static int front(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    web_begin(req, resp, &w);
    if (w.me) {
        web_redirect(&w, "/home");
        return 0;
    }
    struct db_conn *c;
    int rc = db_acquire(w.core->db, DB_READ, &c);
    if (rc)
        return web_fail(&w, rc), 0;
    json_t *d = server_view(&w, c);
    /* The newest public posts made here, as a taste of the place. */
    struct timeline_filter f = {.local_only = 1};
    struct page p = {.limit = 10};
    int64_t *ids = NULL;
    size_t n = 0;
    if (timeline_public(c, req->arena, &w.viewer, &f, &p, &ids, &n) == 0)
        json_object_set_new(d, "statuses", web_status_views(&w, c, ids, n));
    db_release(c);
    web_page(&w, 200, "front", NULL, d);
    return 0;
}

static int about(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    web_begin(req, resp, &w);
    struct db_conn *c;
    int rc = db_acquire(w.core->db, DB_READ, &c);
    if (rc)
        return web_fail(&w, rc), 0;
    json_t *d = server_view(&w, c);
    db_release(c);
    web_page(&w, 200, "about", "About", d);
    return 0;
}

/* What the viewer and the account are to each other, for the buttons. */
static json_t *relationship_view(struct web_ctx *w, struct db_conn *c, const struct account *acc)
{
    if (!w->me || w->me->id == acc->id)
        return NULL;
    struct relationship r;
    if (follow_relationship(c, w->me->id, acc->id, &r) != 0)
        return NULL;
    return json_pack("{s:b, s:b, s:b, s:b, s:b, s:b}", "following", r.following, "requested",
                     r.requested, "followed_by", r.followed_by, "blocking", r.blocking, "muting",
                     r.muting, "blocked_by", r.blocked_by);
}

static int profile(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    web_begin(req, resp, &w);
    w.filter_context = "account";
    struct db_conn *c;
    int rc = db_acquire(w.core->db, DB_READ, &c);
    if (rc)
        return web_fail(&w, rc), 0;
    struct account *acc = NULL;
    rc = web_find_account(&w, c, req_param(req, "acct"), &acc);
    if (rc) {
        db_release(c);
        return web_fail(&w, rc), 0;
    }
    json_t *d = json_object();
    json_t *av = web_account_view(&w, c, acc);
    json_object_set_new(d, "account", av);
    json_t *rel = relationship_view(&w, c, acc);
    if (rel)
        json_object_set_new(d, "relationship", rel);
    json_object_set_new(d, "own", json_boolean(w.me && w.me->id == acc->id));
    struct page p = older_page(req);
    int64_t *ids = NULL;
    size_t n = 0;
    if (!p.max_id) {
        int64_t *pins = NULL;
        size_t np = 0;
        if (pin_statuses(c, req->arena, &w.viewer, acc->id, &pins, &np) == 0 && np)
            json_object_set_new(d, "pinned", web_status_views(&w, c, pins, np));
    }
    struct timeline_filter f = {0};
    rc = timeline_account(c, req->arena, &w.viewer, acc->id, &f, &p, &ids, &n);
    if (rc == 0) {
        json_object_set_new(d, "statuses", web_status_views(&w, c, ids, n));
        set_older(&w, d, web_account_path(&w, acc), ids, n);
    }
    int feed = 0;
    if (!acc->domain && account_feed_enabled(c, acc->id, &feed) == 0 && feed) {
        json_object_set_new(d, "rss",
                            json_string(arena_printf(req->arena, "/@%s.rss", acc->username)));
        json_object_set_new(d, "atom",
                            json_string(arena_printf(req->arena, "/@%s.atom", acc->username)));
    }
    db_release(c);
    if (rc) {
        json_decref(d);
        return web_fail(&w, rc), 0;
    }
    json_t *og =
        json_pack("{s:s, s:s, s:s, s:s}", "type", "profile", "title",
                  arena_printf(req->arena, "%s (@%s)",
                               json_string_value(json_object_get(av, "display_name")), acc->acct),
                  "description", summary_of(&w, acc->note), "url",
                  json_string_value(json_object_get(av, "full_url")));
    json_object_set(og, "image", json_object_get(av, "avatar"));
    json_object_set_new(d, "og", og);
    if (!acc->domain)
        json_object_set_new(d, "alternate_json", json_string(acc->uri));
    web_page(&w, 200, "profile",
             arena_printf(req->arena, "%s (@%s)",
                          json_string_value(json_object_get(av, "display_name")), acc->acct),
             d);
    return 0;
}

static int status_page(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    web_begin(req, resp, &w);
    w.filter_context = "thread";
    int64_t id = 0;
    const char *ids = req_param(req, "id");
    if (!ids || id_from_str(ids, &id) != 0)
        return web_fail(&w, E_NOTFOUND), 0;
    struct db_conn *c;
    int rc = db_acquire(w.core->db, DB_READ, &c);
    if (rc)
        return web_fail(&w, rc), 0;
    json_t *main = web_status_views(&w, c, &id, 1);
    json_t *st = json_array_get(main, 0);
    /* A boost has no page of its own, and the address must name its author. */
    const char *acct = req_param(req, "acct");
    if (!st || json_object_get(st, "boosted_by") ||
        strcasecmp(acct ? acct : "",
                   json_string_value(json_object_get(json_object_get(st, "author"), "acct")))) {
        db_release(c);
        json_decref(main);
        return web_fail(&w, E_NOTFOUND), 0;
    }
    /* The post's own page shows an article whole. */
    json_object_del(st, "folded");
    json_t *d = json_object();
    json_object_set(d, "status", st);
    int64_t *anc = NULL, *desc = NULL;
    size_t na = 0, nd = 0;
    if (status_context(c, req->arena, &w.viewer, id, &anc, &na, &desc, &nd) == 0) {
        json_object_set_new(d, "ancestors", web_status_views(&w, c, anc, na));
        json_object_set_new(d, "descendants", web_status_views(&w, c, desc, nd));
    }
    db_release(c);
    json_decref(main);
    const char *name =
        json_string_value(json_object_get(json_object_get(st, "author"), "display_name"));
    const char *cw = json_string_value(json_object_get(st, "spoiler_text"));
    json_t *og = json_pack(
        "{s:s, s:s, s:s, s:s}", "type", "article", "title",
        arena_printf(req->arena, "%s (@%s)", name,
                     json_string_value(json_object_get(json_object_get(st, "author"), "acct"))),
        "description",
        cw ? arena_printf(req->arena, "Content warning: %s", cw)
           : summary_of(&w, json_string_value(json_object_get(st, "content_html"))),
        "url", json_string_value(json_object_get(st, "full_url")));
    json_object_set(og, "image", json_object_get(json_object_get(st, "author"), "avatar"));
    json_object_set_new(d, "og", og);
    web_page(&w, 200, "status", arena_printf(req->arena, "A post by %s", name), d);
    return 0;
}

/* /statuses/ID: to the post's page (links to parents use it). */
static int status_redirect(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    web_begin(req, resp, &w);
    int64_t id = 0;
    const char *ids = req_param(req, "id");
    if (!ids || id_from_str(ids, &id) != 0)
        return web_fail(&w, E_NOTFOUND), 0;
    struct db_conn *c;
    int rc = db_acquire(w.core->db, DB_READ, &c);
    if (rc)
        return web_fail(&w, rc), 0;
    json_t *v = web_status_views(&w, c, &id, 1);
    db_release(c);
    json_t *st = json_array_get(v, 0);
    if (!st || json_object_get(st, "boosted_by")) {
        json_decref(v);
        return web_fail(&w, E_NOTFOUND), 0;
    }
    web_redirect(&w, arena_strdup(req->arena, json_string_value(json_object_get(st, "url"))));
    json_decref(v);
    return 0;
}

static int tag_page(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    web_begin(req, resp, &w);
    w.filter_context = "public";
    const char *tag = req_param(req, "tag");
    if (!tag || !*tag || strlen(tag) > 200)
        return web_fail(&w, E_NOTFOUND), 0;
    struct db_conn *c;
    int rc = db_acquire(w.core->db, DB_READ, &c);
    if (rc)
        return web_fail(&w, rc), 0;
    struct page p = older_page(req);
    struct timeline_filter f = {0};
    int64_t *ids = NULL;
    size_t n = 0;
    json_t *d = json_object();
    json_object_set_new(d, "tag", json_string(tag));
    rc = timeline_tag(c, req->arena, &w.viewer, tag, NULL, &f, &p, &ids, &n);
    if (rc == 0) {
        json_object_set_new(d, "statuses", web_status_views(&w, c, ids, n));
        set_older(&w, d, arena_printf(req->arena, "/tags/%s", tag), ids, n);
    }
    db_release(c);
    if (rc) {
        json_decref(d);
        return web_fail(&w, rc), 0;
    }
    web_page(&w, 200, "tag", arena_printf(req->arena, "#%s", tag), d);
    return 0;
}

static int static_file(struct req *req, struct resp *resp)
{
    const struct tmpl_asset *as = tmpl_asset(req_param(req, "name"));
    if (!as) {
        resp_body(req, resp, 404, "text/plain; charset=utf-8", "Not found\n", 10);
        return 0;
    }
    const char *etag = arena_printf(req->arena, "\"%s\"", as->hash);
    const char *inm = req_header(req, "If-None-Match");
    resp_header_add(req, resp, "Cache-Control", "public, max-age=31536000, immutable");
    resp_header_add(req, resp, "ETag", etag);
    if (inm && !strcmp(inm, etag)) {
        resp_body(req, resp, 304, as->type, "", 0);
        return 0;
    }
    resp_body(req, resp, 200, as->type, (const char *)as->data, as->len);
    return 0;
}

static int robots(struct req *req, struct resp *resp)
{
    const struct tmpl_asset *as = tmpl_asset("robots.txt");
    if (!as)
        return E_NOTFOUND;
    resp_body(req, resp, 200, as->type, (const char *)as->data, as->len);
    return 0;
}

const struct route web_public_routes[] = {
    {"GET", "/", front, ROUTE_AUTH_NONE, NULL},
    {"GET", "/about", about, ROUTE_AUTH_NONE, NULL},
    {"GET", "/robots.txt", robots, ROUTE_AUTH_NONE, NULL},
    {"GET", "/static/:name", static_file, ROUTE_AUTH_NONE, NULL},
    {"GET", "/statuses/:id", status_redirect, ROUTE_AUTH_NONE, NULL},
    {"GET", "/tags/:tag", tag_page, ROUTE_AUTH_NONE, NULL},
    {"GET", "/@:acct", profile, ROUTE_AUTH_NONE, NULL},
    {"GET", "/@:acct/:id", status_page, ROUTE_AUTH_NONE, NULL},
};
const size_t web_public_routes_count = sizeof(web_public_routes) / sizeof(web_public_routes[0]);
