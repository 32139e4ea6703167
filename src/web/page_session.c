/*
 * web/page_session: signing in and out (GET/POST /login, POST /logout).
 *
 * Failed attempts are counted per address and per account name
 * (core/access_block: LOGIN_GUARD_FAILURES in LOGIN_GUARD_WINDOW_S, shared
 * with OAuth's password grant), so that guessing a password is slow; an
 * address under a no_access block cannot log in at all.
 */
#include <string.h>

#include "core/access_block.h"
#include "core/core.h"
#include "core/session.h"
#include "util/arena.h"
#include "util/err.h"
#define LOG_MODULE "web"
#include "util/log.h"
#include "util/route.h"
#include "util/timeutil.h"
#include "web/internal.h"

static void login_form(struct web_ctx *w, int status, const char *login, const char *message)
{
    web_visitor_form(w);
    json_t *d = json_object();
    json_object_set_new(d, "login", json_string(login ? login : ""));
    if (message)
        json_object_set_new(d, "message", json_string(message));
    json_object_set_new(d, "return_to", json_string(web_return_to(w, "/home")));
    web_page(w, status, "login", "Log in", d);
}

static int login_page(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    web_begin(req, resp, &w);
    if (w.me) {
        web_redirect(&w, web_return_to(&w, "/home"));
        return 0;
    }
    login_form(&w, 200, NULL, NULL);
    return 0;
}

static int login_post(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    web_begin(req, resp, &w);
    if (web_check_form(&w))
        return 0;
    const char *login = req_arg(req, "username");
    const char *password = req_arg(req, "password");
    if (!login || !*login || !password || !*password) {
        login_form(&w, 400, login, "Enter your username (or e-mail) and your password.");
        return 0;
    }
    int64_t wait = 0;
    int rc = access_login_check(w.core, req->remote, login, &wait);
    if (rc == E_FORBIDDEN) {
        login_form(&w, 403, login, "Logging in from your network is not allowed on this server.");
        return 0;
    }
    if (rc == E_BUSY) {
        log_info("login attempts over the limit from %s", req->remote ? req->remote : "-");
        resp_header_add(req, resp, "Retry-After",
                        arena_printf(req->arena, "%lld", (long long)wait));
        login_form(&w, 429, login,
                   arena_printf(req->arena,
                                "Too many attempts. Please wait %lld seconds and try again.",
                                (long long)wait));
        return 0;
    }
    int64_t account = 0;
    const char *token = NULL;
    rc = session_login(w.core, req->arena, login, password, &account, &token);
    if (rc == E_AUTH) {
        login_guard_failed(w.core, req->remote, login);
        login_form(&w, 401, login, "Wrong username or password.");
        return 0;
    }
    if (rc) {
        web_fail(&w, rc);
        return 0;
    }
    web_set_cookie(&w, SESSION_COOKIE, token, SESSION_IDLE_S);
    web_redirect(&w, web_return_to(&w, "/home"));
    return 0;
}

static int logout_post(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    web_begin(req, resp, &w);
    if (web_check_form(&w))
        return 0;
    if (w.me)
        session_logout(w.core, w.token);
    web_set_cookie(&w, SESSION_COOKIE, NULL, 0);
    web_redirect(&w, "/");
    return 0;
}

const struct route web_session_routes[] = {
    {"GET", "/login", login_page, ROUTE_AUTH_NONE, NULL},
    {"POST", "/login", login_post, ROUTE_AUTH_NONE, NULL},
    {"POST", "/logout", logout_post, ROUTE_AUTH_NONE, NULL},
};
const size_t web_session_routes_count = sizeof(web_session_routes) / sizeof(web_session_routes[0]);
