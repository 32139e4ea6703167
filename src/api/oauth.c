/*
 * api/oauth: app registration and the OAuth 2 endpoints (authorize page,
 * token, revoke, server metadata).
 */
#include <string.h>

#include "api/api.h"
#include "api/internal.h"
#include "core/access_block.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/id.h"
#include "util/limits.h"
#include "util/timeutil.h"

/* HTML-escapes s into the arena. */
static const char *html_escape(struct arena *a, const char *s)
{
    struct buf b;
    buf_init(&b, LIMIT_HTTP_BODY_BYTES);
    for (const char *p = s ? s : ""; *p; p++) {
        switch (*p) {
        case '&':
            buf_puts(&b, "&amp;");
            break;
        case '<':
            buf_puts(&b, "&lt;");
            break;
        case '>':
            buf_puts(&b, "&gt;");
            break;
        case '"':
            buf_puts(&b, "&quot;");
            break;
        case '\'':
            buf_puts(&b, "&#39;");
            break;
        default:
            buf_putc(&b, *p);
        }
    }
    const char *out = arena_strdup(a, buf_cstr(&b));
    buf_fini(&b);
    return out;
}

/* Percent-encodes s for a query string. */
static const char *url_encode(struct arena *a, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(s);
    char *out = arena_alloc(a, n * 3 + 1);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '_' || c == '.' || c == '~') {
            out[o++] = (char)c;
        } else {
            out[o++] = '%';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 15];
        }
    }
    out[o] = '\0';
    return out;
}

static json_t *scopes_array(const char *scopes)
{
    json_t *arr = json_array();
    const char *p = scopes;
    while (*p) {
        const char *end = strchr(p, ' ');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n)
            json_array_append_new(arr, json_stringn(p, n));
        p += n + (end ? 1 : 0);
    }
    return arr;
}

static json_t *redirects_array(const char *uris)
{
    json_t *arr = json_array();
    const char *p = uris;
    while (*p) {
        const char *end = strchr(p, '\n');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n)
            json_array_append_new(arr, json_stringn(p, n));
        p += n + (end ? 1 : 0);
    }
    return arr;
}

static json_t *app_json(const struct oauth_app *app, int with_secret)
{
    char idbuf[ID_STR_MAX];
    json_t *j = json_object();
    json_object_set_new(j, "id", json_string(id_to_str(app->id, idbuf)));
    json_object_set_new(j, "name", json_string(app->name));
    json_object_set_new(j, "website", app->website ? json_string(app->website) : json_null());
    json_t *uris = redirects_array(app->redirect_uris);
    json_object_set(j, "redirect_uri",
                    json_array_size(uris) ? json_array_get(uris, 0) : json_string(""));
    json_object_set_new(j, "redirect_uris", uris);
    json_object_set_new(j, "scopes", scopes_array(app->scopes));
    json_object_set_new(j, "vapid_key", json_string(""));
    if (with_secret) {
        json_object_set_new(j, "client_id", json_string(app->client_id));
        json_object_set_new(j, "client_secret", json_string(app->client_secret));
        json_object_set_new(j, "client_secret_expires_at", json_integer(0));
    }
    return j;
}

/* POST /api/v1/apps */
static int apps_create(struct req *req, struct resp *resp)
{
    struct core *core = req->app;
    const char *uris = req_arg(req, "redirect_uris");
    json_t *body = req_json(req);
    json_t *arr = body ? json_object_get(body, "redirect_uris") : NULL;
    if (json_is_array(arr)) {
        struct buf b;
        buf_init(&b, 16384);
        size_t i;
        json_t *v;
        json_array_foreach(arr, i, v)
        {
            if (json_is_string(v)) {
                buf_puts(&b, json_string_value(v));
                buf_putc(&b, '\n');
            }
        }
        uris = arena_strdup(req->arena, buf_cstr(&b));
        buf_fini(&b);
    }
    if (req->json_error) {
        resp_error(req, resp, 400, "The request body is not valid JSON");
        return 0;
    }
    const char *name = req_arg(req, "client_name");
    if (!name || !*name) {
        api_invalid(req, resp, "client_name can't be blank");
        return 0;
    }
    if (!uris || !*uris) {
        api_invalid(req, resp, "redirect_uris can't be blank");
        return 0;
    }
    struct oauth_app *app;
    const char *why = NULL;
    int rc = oauth_app_create(core, req->arena, name, req_arg(req, "website"), uris,
                              req_arg(req, "scopes"), &app, &why);
    if (rc == E_INVAL) {
        api_invalid(req, resp, why);
        return 0;
    }
    if (rc)
        return api_fail(req, resp, rc);
    resp_json(req, resp, 200, app_json(app, 1));
    return 0;
}

/* GET /api/v1/apps/verify_credentials */
static int apps_verify(struct req *req, struct resp *resp)
{
    struct core *core = req->app;
    struct oauth_token *t = api_token(req);
    struct db_conn *c;
    struct oauth_app *app;
    int rc = db_acquire(core->db, DB_READ, &c);
    if (rc)
        return api_fail(req, resp, rc);
    rc = oauth_app_get(c, req->arena, t->app_id, &app);
    db_release(c);
    if (rc)
        return api_fail(req, resp, rc);
    json_t *j = app_json(app, 0);
    json_object_set_new(j, "scopes", scopes_array(t->scopes));
    resp_json(req, resp, 200, j);
    return 0;
}

static void oauth_error(struct req *req, struct resp *resp, int status, const char *error,
                        const char *description)
{
    resp_json(req, resp, status,
              json_pack("{s:s, s:s}", "error", error, "error_description", description));
}

static void token_response(struct req *req, struct resp *resp, const char *token,
                           const char *refresh, const char *scopes)
{
    json_t *j = json_pack("{s:s, s:s, s:s, s:I}", "access_token", token, "token_type", "Bearer",
                          "scope", scopes, "created_at", (json_int_t)(time_now_ms() / 1000));
    if (refresh)
        json_object_set_new(j, "refresh_token", json_string(refresh));
    resp_json(req, resp, 200, j);
    resp_header_add(req, resp, "Cache-Control", "no-store");
}

/* Scopes asked for must be within the app's; empty means the app's default "read". */
static int requested_scopes(struct req *req, const struct oauth_app *app, const char *asked,
                            const char **out)
{
    const char *bad = NULL, *norm;
    if (oauth_scopes_parse(req->arena, asked && *asked ? asked : "read", &norm, &bad))
        return E_INVAL;
    if (!oauth_scopes_cover(app->scopes, norm))
        return E_FORBIDDEN;
    *out = norm;
    return 0;
}

/* POST /oauth/token */
static int token(struct req *req, struct resp *resp)
{
    struct core *core = req->app;
    const char *grant = req_arg(req, "grant_type");
    const char *client_id = req_arg(req, "client_id");
    const char *secret = req_arg(req, "client_secret");
    if (!grant) {
        oauth_error(req, resp, 400, "invalid_request", "grant_type is missing");
        return 0;
    }
    if (!client_id) {
        oauth_error(req, resp, 401, "invalid_client", "client_id is missing");
        return 0;
    }
    int pkce_only =
        !secret && !strcmp(grant, "authorization_code") && req_arg(req, "code_verifier");
    struct db_conn *c;
    struct oauth_app *app;
    int rc = db_acquire(core->db, DB_READ, &c);
    if (rc)
        return api_fail(req, resp, rc);
    rc = oauth_app_find(c, req->arena, client_id, pkce_only ? NULL : (secret ? secret : ""), &app);
    db_release(c);
    if (rc) {
        oauth_error(req, resp, 401, "invalid_client",
                    "Client authentication failed due to unknown client, no client"
                    " authentication included, or unsupported authentication method.");
        return 0;
    }
    const char *tok = NULL, *refresh = NULL, *scopes = NULL;
    if (!strcmp(grant, "password")) {
        const char *user = req_arg(req, "username");
        const char *pw = req_arg(req, "password");
        int64_t account = 0;
        if (requested_scopes(req, app, req_arg(req, "scope"), &scopes)) {
            oauth_error(req, resp, 400, "invalid_scope",
                        "The requested scope is invalid, unknown, or malformed.");
            return 0;
        }
        int64_t wait = 0;
        rc = access_login_check(core, req->remote, user ? user : "", &wait);
        if (rc == E_FORBIDDEN) {
            oauth_error(req, resp, 403, "access_denied", "Access from your network is blocked.");
            return 0;
        }
        if (rc == E_BUSY) {
            resp_header_add(req, resp, "Retry-After",
                            arena_printf(req->arena, "%lld", (long long)wait));
            oauth_error(req, resp, 429, "too_many_attempts",
                        "Too many failed logins; try again later.");
            return 0;
        }
        if (!user || !pw || user_authenticate(core, user, pw, &account) != 0) {
            login_guard_failed(core, req->remote, user ? user : "");
            oauth_error(req, resp, 400, "invalid_grant",
                        "The provided authorization grant is invalid, expired, revoked, does"
                        " not match the redirection URI used in the authorization request,"
                        " or was issued to another client.");
            return 0;
        }
        rc = oauth_token_create(core, req->arena, app->id, account, scopes, &tok, &refresh);
    } else if (!strcmp(grant, "authorization_code")) {
        int64_t account = 0;
        rc = oauth_code_redeem(core, req->arena, app->id, req_arg(req, "code"),
                               req_arg(req, "redirect_uri"), req_arg(req, "code_verifier"),
                               &account, &scopes);
        if (rc == E_AUTH) {
            oauth_error(req, resp, 400, "invalid_grant",
                        "The provided authorization grant is invalid, expired, revoked, does"
                        " not match the redirection URI used in the authorization request,"
                        " or was issued to another client.");
            return 0;
        }
        if (rc == 0)
            rc = oauth_token_create(core, req->arena, app->id, account, scopes, &tok, &refresh);
    } else if (!strcmp(grant, "client_credentials")) {
        if (requested_scopes(req, app, req_arg(req, "scope"), &scopes)) {
            oauth_error(req, resp, 400, "invalid_scope",
                        "The requested scope is invalid, unknown, or malformed.");
            return 0;
        }
        rc = oauth_token_create(core, req->arena, app->id, 0, scopes, &tok, NULL);
    } else if (!strcmp(grant, "refresh_token")) {
        rc = oauth_token_refresh(core, req->arena, app->id, req_arg(req, "refresh_token"), &tok,
                                 &refresh, &scopes);
        if (rc == E_AUTH) {
            oauth_error(req, resp, 400, "invalid_grant", "The refresh token is invalid.");
            return 0;
        }
    } else {
        oauth_error(req, resp, 400, "unsupported_grant_type",
                    "The authorization grant type is not supported by the authorization server.");
        return 0;
    }
    if (rc)
        return api_fail(req, resp, rc);
    token_response(req, resp, tok, refresh, scopes);
    return 0;
}

/* POST /oauth/revoke */
static int revoke(struct req *req, struct resp *resp)
{
    struct core *core = req->app;
    const char *client_id = req_arg(req, "client_id");
    const char *secret = req_arg(req, "client_secret");
    struct db_conn *c;
    struct oauth_app *app;
    int rc = db_acquire(core->db, DB_READ, &c);
    if (rc)
        return api_fail(req, resp, rc);
    rc = oauth_app_find(c, req->arena, client_id ? client_id : "", secret ? secret : "", &app);
    db_release(c);
    if (rc) {
        oauth_error(req, resp, 403, "unauthorized_client",
                    "You are not authorized to revoke this token");
        return 0;
    }
    rc = oauth_token_revoke(core, app->id, req_arg(req, "token"));
    if (rc)
        return api_fail(req, resp, rc);
    resp_json(req, resp, 200, json_object());
    return 0;
}

static void html_page(struct req *req, struct resp *resp, int status, const char *title,
                      const char *body)
{
    const char *page = arena_printf(
        req->arena,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        "<title>%s</title><style>body{font:1rem/1.5 system-ui,sans-serif;max-width:28rem;"
        "margin:2rem auto;padding:0 1rem}label{display:block;margin-top:1rem}"
        "input{width:100%%;padding:.5rem;font-size:1rem}button{margin-top:1rem;padding:.5rem 1rem;"
        "font-size:1rem}code{font-size:1.2rem;word-break:break-all}.error{color:#b00020}"
        "</style></head><body><main>%s</main></body></html>\n",
        html_escape(req->arena, title), body);
    resp_body(req, resp, status, "text/html; charset=utf-8", page, strlen(page));
    resp_header_add(req, resp, "Content-Security-Policy",
                    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'");
    resp_header_add(req, resp, "X-Frame-Options", "DENY");
    resp_header_add(req, resp, "Referrer-Policy", "no-referrer");
    resp_header_add(req, resp, "Cache-Control", "no-store");
}

/* Checks the authorize parameters; renders an error page and returns non-zero when bad. */
static int authorize_params(struct req *req, struct resp *resp, struct oauth_app **app,
                            const char **scopes)
{
    struct core *core = req->app;
    const char *client_id = req_arg(req, "client_id");
    const char *redirect = req_arg(req, "redirect_uri");
    const char *type = req_arg(req, "response_type");
    const char *method = req_arg(req, "code_challenge_method");
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_READ, &c);
    if (rc) {
        html_page(req, resp, 503, "Unavailable", "<p>The server is busy.</p>");
        return 1;
    }
    rc = oauth_app_find(c, req->arena, client_id ? client_id : "", NULL, app);
    db_release(c);
    if (rc) {
        html_page(req, resp, 400, "Unknown app",
                  "<h1>Unknown app</h1><p>This app is not registered here.</p>");
        return 1;
    }
    if (!redirect || !oauth_app_redirect_ok(*app, redirect)) {
        html_page(req, resp, 400, "Wrong redirect",
                  "<h1>Wrong redirect address</h1><p>The app asked to send you to an address"
                  " it did not register.</p>");
        return 1;
    }
    if (type && strcmp(type, "code") != 0) {
        html_page(req, resp, 400, "Unsupported", "<p>Only response_type=code is supported.</p>");
        return 1;
    }
    if (method && *method && strcmp(method, "S256") != 0) {
        html_page(req, resp, 400, "Unsupported",
                  "<p>Only the S256 code challenge is supported.</p>");
        return 1;
    }
    if (requested_scopes(req, *app, req_arg(req, "scope"), scopes)) {
        html_page(req, resp, 400, "Bad scopes",
                  "<p>The app asked for permissions it did not register.</p>");
        return 1;
    }
    return 0;
}

static void authorize_form(struct req *req, struct resp *resp, const struct oauth_app *app,
                           const char *scopes, const char *error)
{
    struct arena *a = req->arena;
    static const char *carry[] = {
        "client_id",      "redirect_uri",          "response_type", "state",
        "code_challenge", "code_challenge_method", "force_login",   "lang"};
    struct buf hidden;
    buf_init(&hidden, 65536);
    for (size_t i = 0; i < sizeof(carry) / sizeof(carry[0]); i++) {
        const char *v = req_arg(req, carry[i]);
        if (v)
            buf_printf(&hidden, "<input type=\"hidden\" name=\"%s\" value=\"%s\">", carry[i],
                       html_escape(a, v));
    }
    buf_printf(&hidden, "<input type=\"hidden\" name=\"scope\" value=\"%s\">",
               html_escape(a, scopes));
    const char *body = arena_printf(
        a,
        "<h1>Sign in to use %s</h1>"
        "<p><strong>%s</strong> asks for these permissions: <code>%s</code></p>%s"
        "<form method=\"post\" action=\"/oauth/authorize\">%s"
        "<label for=\"login\">Username or email</label>"
        "<input id=\"login\" name=\"login\" autocomplete=\"username\" required>"
        "<label for=\"password\">Password</label>"
        "<input id=\"password\" name=\"password\" type=\"password\""
        " autocomplete=\"current-password\" required>"
        "<button type=\"submit\">Authorize</button></form>",
        html_escape(a, app->name), html_escape(a, app->name), html_escape(a, scopes),
        error ? arena_printf(a, "<p class=\"error\" role=\"alert\">%s</p>", html_escape(a, error))
              : "",
        buf_cstr(&hidden));
    buf_fini(&hidden);
    html_page(req, resp, error ? 401 : 200, "Authorize", body);
}

/* GET /oauth/authorize */
static int authorize_get(struct req *req, struct resp *resp)
{
    struct oauth_app *app;
    const char *scopes;
    if (authorize_params(req, resp, &app, &scopes))
        return 0;
    authorize_form(req, resp, app, scopes, NULL);
    return 0;
}

/* POST /oauth/authorize: sign in and consent in one step. */
static int authorize_post(struct req *req, struct resp *resp)
{
    struct core *core = req->app;
    struct oauth_app *app;
    const char *scopes;
    if (authorize_params(req, resp, &app, &scopes))
        return 0;
    const char *login = req_arg(req, "login");
    const char *pw = req_arg(req, "password");
    int64_t account = 0, wait = 0;
    int rc = access_login_check(core, req->remote, login ? login : "", &wait);
    if (rc == E_FORBIDDEN) {
        resp_error(req, resp, 403, "Access from your network is blocked");
        return 0;
    }
    if (rc == E_BUSY) {
        resp_header_add(req, resp, "Retry-After",
                        arena_printf(req->arena, "%lld", (long long)wait));
        authorize_form(req, resp, app, scopes, "Too many failed logins; try again later.");
        resp->status = 429;
        return 0;
    }
    if (!login || !pw || user_authenticate(core, login, pw, &account) != 0) {
        login_guard_failed(core, req->remote, login ? login : "");
        authorize_form(req, resp, app, scopes, "Wrong username or password.");
        return 0;
    }
    const char *redirect = req_arg(req, "redirect_uri");
    const char *code;
    rc = oauth_code_create(core, req->arena, app->id, account, scopes, redirect,
                           req_arg(req, "code_challenge"), &code);
    if (rc)
        return api_fail(req, resp, rc);
    if (!strcmp(redirect, OAUTH_OOB_URI)) {
        const char *body = arena_printf(
            req->arena,
            "<h1>Authorization code</h1><p>Copy this code and paste it into the app:</p>"
            "<p><code id=\"code\">%s</code></p>",
            code);
        html_page(req, resp, 200, "Authorization code", body);
        return 0;
    }
    const char *state = req_arg(req, "state");
    const char *location =
        arena_printf(req->arena, "%s%scode=%s%s%s", redirect, strchr(redirect, '?') ? "&" : "?",
                     url_encode(req->arena, code), state ? "&state=" : "",
                     state ? url_encode(req->arena, state) : "");
    html_page(req, resp, 302, "Redirecting", "<p>Redirecting back to the app.</p>");
    resp_header_add(req, resp, "Location", location);
    return 0;
}

/* GET /.well-known/oauth-authorization-server (RFC 8414) */
static int oauth_metadata(struct req *req, struct resp *resp)
{
    struct core *core = req->app;
    struct arena *a = req->arena;
    json_t *scopes = json_array();
    json_array_append_new(scopes, json_string("read"));
    json_array_append_new(scopes, json_string("write"));
    json_array_append_new(scopes, json_string("follow"));
    json_array_append_new(scopes, json_string("push"));
    json_array_append_new(scopes, json_string("profile"));
    json_t *j = json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:o, s:[s], s:[s,s,s,s], s:[s], s:[s], s:s}", "issuer",
        arena_printf(a, "%s/", core->base_url), "authorization_endpoint",
        arena_printf(a, "%s/oauth/authorize", core->base_url), "token_endpoint",
        arena_printf(a, "%s/oauth/token", core->base_url), "revocation_endpoint",
        arena_printf(a, "%s/oauth/revoke", core->base_url), "app_registration_endpoint",
        arena_printf(a, "%s/api/v1/apps", core->base_url), "scopes_supported", scopes,
        "response_types_supported", "code", "grant_types_supported", "authorization_code",
        "password", "client_credentials", "refresh_token", "code_challenge_methods_supported",
        "S256", "token_endpoint_auth_methods_supported", "client_secret_post",
        "service_documentation", "https://docs.joinmastodon.org/");
    resp_json(req, resp, 200, j);
    return 0;
}

const struct route api_oauth_routes[] = {
    {"POST", "/api/v1/apps", apps_create, ROUTE_AUTH_NONE, NULL},
    {"GET", "/api/v1/apps/verify_credentials", apps_verify, ROUTE_AUTH_REQUIRED, NULL},
    {"GET", "/oauth/authorize", authorize_get, ROUTE_AUTH_NONE, NULL},
    {"POST", "/oauth/authorize", authorize_post, ROUTE_AUTH_NONE, NULL},
    {"POST", "/oauth/token", token, ROUTE_AUTH_NONE, NULL},
    {"POST", "/oauth/revoke", revoke, ROUTE_AUTH_NONE, NULL},
    {"GET", "/.well-known/oauth-authorization-server", oauth_metadata, ROUTE_AUTH_NONE, NULL},
};
const size_t api_oauth_routes_count = sizeof(api_oauth_routes) / sizeof(api_oauth_routes[0]);
