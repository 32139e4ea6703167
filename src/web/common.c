/*
 * web/common: sessions, forms, the layout and errors of every page (see
 * internal.h).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/access_block.h"
#include "core/core.h"
#include "core/marker.h"
#include "core/notification.h"
#include "core/role.h"
#include "core/session.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/err.h"
#define LOG_MODULE "web"
#include "util/log.h"
#include "web/internal.h"
#include "web/tmpl.h"

#define CSRF_COOKIE "hearth_csrf"
#define PAGE_MAX (4 * 1024 * 1024) /* bytes of one rendered page at most */

static int https(const struct core *core)
{
    return !strncmp(core->base_url, "https://", 8);
}

void web_set_cookie(struct web_ctx *w, const char *name, const char *value, long max_age)
{
    const char *text =
        arena_printf(w->req->arena, "%s=%s; Path=/; HttpOnly; SameSite=Lax%s; Max-Age=%ld", name,
                     value ? value : "", https(w->core) ? "; Secure" : "", value ? max_age : 0L);
    resp_header_add(w->req, w->resp, "Set-Cookie", text);
    w->sets_cookie = 1;
}

void web_begin(struct req *req, struct resp *resp, struct web_ctx *w)
{
    memset(w, 0, sizeof(*w));
    w->core = req->app;
    w->req = req;
    w->resp = resp;
    w->viewer.kind = VIEWER_ANONYMOUS;
    const char *token = req_cookie(req, SESSION_COOKIE);
    /* From an address under a no_access block, nobody is signed in (core/access_block). */
    if (token && *token && access_denied(w->core, req->remote))
        token = NULL;
    if (token && *token) {
        struct session s;
        struct db_conn *c;
        struct account *acc = NULL;
        struct user *u = NULL;
        int rc = session_lookup(w->core, req->arena, token, &s);
        if (rc == 0 && (rc = db_acquire(w->core->db, DB_READ, &c)) == 0) {
            rc = account_get(c, req->arena, s.account_id, &acc);
            if (rc == 0)
                rc = user_get(c, req->arena, s.account_id, &u);
            db_release(c);
        }
        if (rc == 0) {
            w->me = acc;
            w->user = u;
            w->session = s;
            w->token = token;
            w->viewer.kind = VIEWER_LOCAL;
            w->viewer.account_id = acc->id;
            w->csrf = session_csrf(req->arena, token);
            return;
        }
        if (rc == E_AUTH)
            web_set_cookie(w, SESSION_COOKIE, NULL, 0);
    }
    /* Signed out: a visitor's forms (the login form) use a token bound to a cookie of hers. */
    const char *secret = req_cookie(req, CSRF_COOKIE);
    if (secret && strlen(secret) >= 16)
        w->csrf = session_csrf(req->arena, secret);
}

void web_visitor_form(struct web_ctx *w)
{
    if (w->me || w->csrf)
        return;
    const char *secret = session_random(w->req->arena);
    web_set_cookie(w, CSRF_COOKIE, secret, 365L * 24 * 3600);
    w->csrf = session_csrf(w->req->arena, secret);
}

int web_need_member(struct web_ctx *w)
{
    if (w->me)
        return 0;
    const char *here = w->req->path;
    if (strcmp(w->req->method, "GET") && strcmp(w->req->method, "HEAD"))
        here = web_return_to(w, "/home");
    else if (w->req->query && *w->req->query)
        here = arena_printf(w->req->arena, "%s?%s", w->req->path, w->req->query);
    struct buf b;
    buf_init(&b, 4096);
    buf_puts(&b, "/login?return_to=");
    for (const unsigned char *p = (const unsigned char *)here; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("-_.~", *p))
            buf_putc(&b, (char)*p);
        else
            buf_printf(&b, "%%%02X", *p);
    }
    web_redirect(w, arena_strdup(w->req->arena, buf_cstr(&b)));
    buf_fini(&b);
    return 1;
}

int web_check_form(struct web_ctx *w)
{
    const char *origin = req_header(w->req, "Origin");
    if (origin && strcmp(origin, "null") != 0 && strcmp(origin, w->core->base_url) != 0) {
        log_info("form refused: sent from another site (%s)", origin);
        web_error(w, 403, "This form was sent from another site, so nothing was changed.");
        return 1;
    }
    const char *given = req_arg(w->req, "csrf");
    const char *secret = w->me ? w->token : req_cookie(w->req, CSRF_COOKIE);
    if (!session_csrf_ok(secret, given)) {
        log_info("form refused: missing or wrong CSRF token");
        web_error(w, 403,
                  "This form has expired or did not come from this site, so nothing was "
                  "changed. Go back, reload the page and try again.");
        return 1;
    }
    return 0;
}

void web_security_headers(struct web_ctx *w)
{
    const char *media = w->core->test_network ? "'self' https: http: data:" : "'self' https: data:";
    resp_header_add(w->req, w->resp, "Content-Security-Policy",
                    arena_printf(w->req->arena,
                                 "default-src 'none'; script-src 'self'; style-src 'self';"
                                 " style-src-attr 'unsafe-inline'; img-src %s; media-src %s;"
                                 " connect-src 'self'; form-action 'self'; frame-ancestors 'none';"
                                 " base-uri 'none'",
                                 media, media));
    resp_header_add(w->req, w->resp, "X-Frame-Options", "DENY");
    resp_header_add(w->req, w->resp, "Referrer-Policy", "same-origin");
    resp_header_add(w->req, w->resp, "Cache-Control",
                    w->me            ? "private, no-store"
                    : w->sets_cookie ? "no-store"
                                     : "public, max-age=0, must-revalidate");
    resp_header_add(w->req, w->resp, "Vary", "Cookie, Accept");
}

static const char *asset_link(struct web_ctx *w, const char *name)
{
    const struct tmpl_asset *as = tmpl_asset(name);
    return arena_printf(w->req->arena, "/static/%s?v=%s", name, as ? as->hash : "0");
}

int web_begin_form(struct req *req, struct resp *resp, struct web_ctx *w)
{
    web_begin(req, resp, w);
    return web_need_member(w) || web_check_form(w);
}

int web_need_permission(struct web_ctx *w, unsigned perms)
{
    if (web_need_member(w))
        return 1;
    struct db_conn *c;
    int rc = db_acquire(w->core->db, DB_READ, &c);
    if (rc == 0) {
        rc = role_check(c, w->me->id, perms, NULL);
        db_release(c);
    }
    if (rc == E_FORBIDDEN) {
        web_error(w, 403, "This page is for the server's staff.");
        return 1;
    }
    if (rc) {
        web_fail(w, rc);
        return 1;
    }
    return 0;
}

int web_form_checked(struct req *req, const char *name)
{
    const char *v = req_arg(req, name);
    return v && *v && strcmp(v, "0");
}

int web_is_fragment(struct req *req)
{
    const char *f = req_arg(req, "fragment");
    return f && !strcmp(f, "1");
}

void web_page(struct web_ctx *w, int status, const char *name, const char *title, json_t *data)
{
    struct req *req = w->req;
    if (!data)
        data = json_object();
    const struct core *core = w->core;
    int fragment = web_is_fragment(req);
    json_object_set_new(data, "csrf", json_string(w->csrf ? w->csrf : ""));
    if (!json_object_get(data, "here"))
        json_object_set_new(
            data, "here",
            json_string(req->query && *req->query
                            ? arena_printf(req->arena, "%s?%s", req->path, req->query)
                            : req->path));
    json_object_set_new(data, "site",
                        json_pack("{s:s, s:s, s:s}", "title", core->title, "url", core->base_url,
                                  "domain", core->domain));
    if (w->me && !json_object_get(data, "me")) {
        struct db_conn *c;
        if (db_acquire(core->db, DB_READ, &c) == 0) {
            json_t *me = web_account_view(w, c, w->me);
            /*
             * The layout's badge: notifications after her read marker (the
             * API's "notifications" marker). A fragment has no layout.
             */
            struct marker mk = {0};
            int64_t unread = 0;
            if (!fragment) {
                if (marker_get(c, w->me->id, "notifications", &mk) != 0)
                    mk.last_read_id = 0;
                if (notification_count(c, w->me->id, mk.last_read_id, &unread) == 0 && unread > 0)
                    json_object_set_new(data, "unread", json_integer(unread));
            }
            /* The layout's "Moderation" link, for moderators and up. */
            if (!fragment && role_check(c, w->me->id, PERM_MANAGE_REPORTS, NULL) == 0)
                json_object_set_new(data, "moderator", json_true());
            db_release(c);
            if (me)
                json_object_set_new(data, "me", me);
        }
    }
    struct buf body;
    buf_init(&body, PAGE_MAX);
    int rc = tmpl_render(&body, name, data);
    if (rc == 0 && !fragment) {
        json_object_set_new(data, "title", json_string(title ? title : core->title));
        json_object_set_new(data, "body", json_string(buf_cstr(&body)));
        json_object_set_new(data, "css", json_string(asset_link(w, "style.css")));
        json_object_set_new(data, "js", json_string(asset_link(w, "hearth.js")));
        json_object_set_new(data, "icon", json_string(asset_link(w, "icon.svg")));
        buf_reset(&body);
        rc = tmpl_render(&body, "layout", data);
    }
    json_decref(data);
    web_security_headers(w);
    if (rc) {
        buf_fini(&body);
        log_error("page %s could not be rendered: %s", name, err_str(rc));
        resp_body(req, w->resp, 500, "text/plain; charset=utf-8",
                  "Something went wrong on this server.\n", 37);
        return;
    }
    resp_body(req, w->resp, status, "text/html; charset=utf-8", buf_cstr(&body), body.len);
    buf_fini(&body);
}

void web_error(struct web_ctx *w, int status, const char *message)
{
    const char *title = status == 404   ? "Not found"
                        : status == 403 ? "Not allowed"
                        : status == 429 ? "Too many attempts"
                        : status >= 500 ? "Something went wrong"
                                        : "That did not work";
    web_page(w, status, "error", title,
             json_pack("{s:s, s:s, s:i}", "title", title, "message", message, "status", status));
}

void web_fail(struct web_ctx *w, int err)
{
    switch (err) {
    case E_NOTFOUND:
        web_error(w, 404, "There is nothing here, or it is not yours to see.");
        break;
    case E_FORBIDDEN:
    case E_AUTH:
        web_error(w, 403, "You are not allowed to do that.");
        break;
    case E_INVAL:
    case E_LIMIT:
        web_error(w, 400, "That request was not valid.");
        break;
    default:
        log_error("page failed: %s", err_str(err));
        web_error(w, 500, "Something went wrong on this server. Please try again.");
    }
}

void web_redirect(struct web_ctx *w, const char *path)
{
    resp_body(w->req, w->resp, 303, "text/plain; charset=utf-8", "", 0);
    resp_header_add(w->req, w->resp, "Location", path);
    resp_header_add(w->req, w->resp, "Cache-Control", "no-store");
}

const char *web_return_to(struct web_ctx *w, const char *fallback)
{
    const char *r = req_arg(w->req, "return_to");
    if (!r || r[0] != '/' || r[1] == '/' || r[1] == '\\' || strlen(r) > 2000)
        return fallback;
    for (const unsigned char *p = (const unsigned char *)r; *p; p++)
        if (*p < 0x20 || *p == 0x7f || *p == '\\')
            return fallback;
    return r;
}

const char *web_url(struct web_ctx *w, const char *path)
{
    return arena_printf(w->req->arena, "%s%s", w->core->base_url, path);
}

const char *web_safe_url(const char *url)
{
    if (!url)
        return NULL;
    if (!strncasecmp(url, "https://", 8) || !strncasecmp(url, "http://", 7))
        return url;
    if (url[0] == '/' && url[1] != '/' && url[1] != '\\')
        return url;
    return NULL;
}

int web_find_account(struct web_ctx *w, struct db_conn *c, const char *acct, struct account **out)
{
    if (!acct || !*acct)
        return E_NOTFOUND;
    const char *at = strchr(acct, '@');
    const char *user = at ? arena_strndup(w->req->arena, acct, (size_t)(at - acct)) : acct;
    int rc = account_find(c, w->req->arena, user, at ? at + 1 : NULL, w->core->domain, out);
    if (rc == 0 && (*out)->suspended_at)
        rc = E_NOTFOUND;
    return rc;
}

const char *web_account_path(struct web_ctx *w, const struct account *acc)
{
    return arena_printf(w->req->arena, "/@%s", acc->acct);
}

const char *web_time_text(struct web_ctx *w, int64_t ms)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    char text[32];
    strftime(text, sizeof(text), "%Y-%m-%d %H:%M", &tm);
    return arena_strdup(w->req->arena, text);
}
