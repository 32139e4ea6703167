/*
 * web/page_session: signing in and out (GET/POST /login, POST /logout).
 *
 * Attempts are counted per address and per account name in fixed
 * one-minute windows (util/ratelimit), so that guessing a password is
 * slow; the counters live in bounded memory for the life of the process.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "core/session.h"
#include "util/arena.h"
#include "util/err.h"
#define LOG_MODULE "web"
#include "util/log.h"
#include "util/ratelimit.h"
#include "util/route.h"
#include "util/timeutil.h"
#include "web/internal.h"

#define LOGIN_PER_ADDRESS 10 /* attempts a minute from one address */
#define LOGIN_PER_NAME 5     /* attempts a minute at one account */
#define LOGIN_BUCKETS 4096

static struct ratelimit_bucket buckets[LOGIN_BUCKETS];
static struct ratelimit table;
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

static void table_init(void)
{
    ratelimit_init(&table, buckets, LOGIN_BUCKETS);
}

/* Counts an attempt; the seconds to wait when over a limit, else 0. */
static int64_t attempt_wait(struct web_ctx *w, const char *login)
{
    if (!w->core->rate_limit)
        return 0;
    pthread_once(&table_once, table_init);
    int64_t now = time_now_ms();
    char key[300];
    struct ratelimit_result by_addr, by_name;
    int n = snprintf(key, sizeof(key), "addr %s", w->req->remote ? w->req->remote : "-");
    ratelimit_hit(&table, key, (size_t)n < sizeof(key) ? (size_t)n : sizeof(key) - 1,
                  LOGIN_PER_ADDRESS, 60 * 1000, now, &by_addr);
    n = snprintf(key, sizeof(key), "name ");
    for (const char *p = login; *p && (size_t)n < sizeof(key) - 1; p++)
        key[n++] = (char)tolower((unsigned char)*p);
    key[n] = '\0';
    ratelimit_hit(&table, key, (size_t)n, LOGIN_PER_NAME, 60 * 1000, now, &by_name);
    int64_t reset = 0;
    if (by_addr.exceeded)
        reset = by_addr.reset_ms;
    if (by_name.exceeded && by_name.reset_ms > reset)
        reset = by_name.reset_ms;
    return reset ? (reset - now + 999) / 1000 : 0;
}

static void login_form(struct web_ctx *w, int status, const char *login, const char *message)
{
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
    int64_t wait = attempt_wait(&w, login);
    if (wait > 0) {
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
    int rc = session_login(w.core, req->arena, login, password, &account, &token);
    if (rc == E_AUTH) {
        login_form(&w, 401, login, "Wrong username or password.");
        return 0;
    }
    if (rc) {
        web_fail(&w, rc);
        return 0;
    }
    resp_header_add(req, resp, "Set-Cookie",
                    arena_printf(req->arena, "%s=%s; Path=/; HttpOnly; SameSite=Lax%s; Max-Age=%d",
                                 SESSION_COOKIE, token,
                                 !strncmp(w.core->base_url, "https://", 8) ? "; Secure" : "",
                                 SESSION_IDLE_S));
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
    resp_header_add(req, resp, "Set-Cookie",
                    arena_printf(req->arena, "%s=; Path=/; HttpOnly; SameSite=Lax%s; Max-Age=0",
                                 SESSION_COOKIE,
                                 !strncmp(w.core->base_url, "https://", 8) ? "; Secure" : ""));
    web_redirect(&w, "/");
    return 0;
}

const struct route web_session_routes[] = {
    {"GET", "/login", login_page, ROUTE_AUTH_NONE, NULL},
    {"POST", "/login", login_post, ROUTE_AUTH_NONE, NULL},
    {"POST", "/logout", logout_post, ROUTE_AUTH_NONE, NULL},
};
const size_t web_session_routes_count = sizeof(web_session_routes) / sizeof(web_session_routes[0]);
