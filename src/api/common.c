/*
 * api/common: authentication, argument parsing, paging and errors shared
 * by every API handler.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/api.h"
#include "api/internal.h"
#include "core/access_block.h"
#include "core/follow.h"
#include "core/role.h"
#include "core/session.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/id.h"
#define LOG_MODULE "api"
#include "util/log.h"

/* What the authentication step leaves in req->auth. */
struct api_auth {
    struct oauth_token *token;
};

struct oauth_token *api_token(struct req *req)
{
    struct api_auth *au = req->auth;
    return au ? au->token : NULL;
}

int64_t api_account_id(struct req *req)
{
    struct oauth_token *t = api_token(req);
    return t ? t->account_id : 0;
}

struct viewer api_viewer(struct req *req)
{
    struct viewer v = {VIEWER_ANONYMOUS, 0, NULL};
    int64_t me = api_account_id(req);
    if (me) {
        v.kind = VIEWER_LOCAL;
        v.account_id = me;
    }
    return v;
}

void api_req_for(struct req *req, struct arena *a, struct core *core, int64_t account_id,
                 const char *scopes)
{
    memset(req, 0, sizeof(*req));
    req->arena = a;
    req->app = core;
    req->method = "GET";
    req->path = "/";
    req->query = "";
    req->body = "";
    if (account_id) {
        struct oauth_token *t = arena_zalloc(a, sizeof(*t));
        t->account_id = account_id;
        t->scopes = scopes;
        struct api_auth *au = arena_zalloc(a, sizeof(*au));
        au->token = t;
        req->auth = au;
    }
}

int api_require_user(struct req *req, struct resp *resp)
{
    struct oauth_token *t = api_token(req);
    if (!t) {
        resp_error(req, resp, 401, "The access token is invalid");
        return 1;
    }
    if (!t->account_id) {
        resp_error(req, resp, 422, "This method requires an authenticated user");
        return 1;
    }
    return 0;
}

int api_require_permission(struct req *req, struct resp *resp, unsigned perms, enum user_role *role)
{
    if (api_require_user(req, resp))
        return 1;
    struct db_conn *c;
    int rc = db_acquire(((struct core *)req->app)->db, DB_READ, &c);
    if (rc == 0) {
        rc = role_check(c, api_account_id(req), perms, role);
        db_release(c);
    }
    if (rc == E_FORBIDDEN) {
        resp_error(req, resp, 403, "This action is not allowed");
        return 1;
    }
    if (rc) {
        resp_error(req, resp, 500, "The database failed");
        return 1;
    }
    return 0;
}

const char *api_ws_protocol_token(struct req *req)
{
    const char *h = req_header(req, "Sec-WebSocket-Protocol");
    if (!h)
        return NULL;
    while (*h == ' ')
        h++;
    size_t n = strcspn(h, ", ");
    return n ? arena_strndup(req->arena, h, n) : NULL;
}

int api_authenticate(struct req *req, const struct route *rt, struct resp *resp)
{
    const char *h = req_header(req, "Authorization");
    const char *token = NULL;
    if (h && !strncasecmp(h, "Bearer ", 7))
        token = h + 7;
    while (token && *token == ' ')
        token++;
    /* Browsers' EventSource cannot send headers: streams take the token as a parameter. */
    if (!token && !strncmp(req->path, "/api/v1/streaming", 17))
        token = req_arg(req, "access_token");
    /* Browsers' WebSocket cannot either: Mastodon also takes it as the subprotocol. */
    if (!token && !strncmp(req->path, "/api/v1/streaming", 17))
        token = api_ws_protocol_token(req);
    /*
     * Hearth's own pages open the stream with their session cookie (never
     * sent by other sites: SameSite; and CORS here allows no credentials).
     * Only a web session's token is taken from a cookie.
     */
    int from_cookie = 0;
    if (!token && !strncmp(req->path, "/api/v1/streaming", 17)) {
        token = req_cookie(req, SESSION_COOKIE);
        from_cookie = token != NULL;
    }
    if (!token || !*token) {
        if (rt->auth == ROUTE_AUTH_REQUIRED) {
            resp_error(req, resp, 401, "The access token is invalid");
            return 1;
        }
        return 0;
    }
    struct core *core = req->app;
    /* An address under a no_access block uses no account (core/access_block). */
    if (access_denied(core, req->remote)) {
        resp_error(req, resp, 403, "Access from your network is blocked");
        return 1;
    }
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_READ, &c);
    if (rc) {
        resp_error(req, resp, 503, "database unavailable");
        return 1;
    }
    struct oauth_token *t = NULL;
    rc = oauth_token_lookup(c, req->arena, token, &t);
    db_release(c);
    struct session sess;
    if (rc == 0 && from_cookie && session_lookup(core, req->arena, token, &sess) != 0)
        rc = E_AUTH;
    if (rc) {
        /* A bad token is refused even where none is needed, as Mastodon does. */
        resp_error(req, resp, 401, "The access token is invalid");
        return 1;
    }
    if (t->pending) {
        resp_error(req, resp, 403, "Your login is currently pending approval");
        return 1;
    }
    if (rt->scope && !oauth_scopes_cover(t->scopes, rt->scope)) {
        resp_error(req, resp, 403, "This action is outside the authorized scopes");
        return 1;
    }
    struct api_auth *au = arena_zalloc(req->arena, sizeof(*au));
    au->token = t;
    req->auth = au;
    return 0;
}

int64_t api_param_id(struct req *req, const char *name)
{
    int64_t id = 0;
    const char *v = req_param(req, name);
    if (!v || id_from_str(v, &id) != 0)
        return 0;
    return id;
}

int api_arg_bool(struct req *req, const char *name, int def)
{
    const char *v = req_arg(req, name);
    if (!v)
        return def;
    if (!strcasecmp(v, "true") || !strcmp(v, "1") || !strcasecmp(v, "on") || !strcasecmp(v, "yes"))
        return 1;
    if (!strcasecmp(v, "false") || !strcmp(v, "0") || !strcasecmp(v, "off") ||
        !strcasecmp(v, "no") || !*v)
        return 0;
    return -1;
}

static int arg_id(struct req *req, const char *name, int64_t *out)
{
    const char *v = req_arg(req, name);
    *out = 0;
    if (!v || !*v)
        return 0;
    return id_from_str(v, out);
}

int api_page(struct req *req, struct resp *resp, struct page *p)
{
    memset(p, 0, sizeof(*p));
    if (arg_id(req, "max_id", &p->max_id) || arg_id(req, "since_id", &p->since_id) ||
        arg_id(req, "min_id", &p->min_id)) {
        api_invalid(req, resp, "max_id, since_id and min_id must be ids");
        return 1;
    }
    const char *l = req_arg(req, "limit");
    if (l && *l) {
        char *end;
        long n = strtol(l, &end, 10);
        if (*end || n < 1) {
            api_invalid(req, resp, "limit must be a positive number");
            return 1;
        }
        p->limit = n > 1000 ? 1000 : (int)n;
    }
    return 0;
}

void api_link_header(struct req *req, struct resp *resp, const int64_t *ids, size_t n)
{
    if (n == 0)
        return;
    struct core *core = req->app;
    /* Keep the other query arguments; replace the paging ones. */
    struct buf keep;
    buf_init(&keep, 4096);
    const char *q = req->query ? req->query : "";
    while (*q) {
        const char *amp = strchr(q, '&');
        size_t len = amp ? (size_t)(amp - q) : strlen(q);
        if (len && strncmp(q, "max_id=", 7) && strncmp(q, "since_id=", 9) &&
            strncmp(q, "min_id=", 7)) {
            buf_append(&keep, q, len);
            buf_putc(&keep, '&');
        }
        q += len + (amp ? 1 : 0);
    }
    char *link = arena_printf(req->arena,
                              "<%s%s?%smax_id=%lld>; rel=\"next\", <%s%s?%smin_id=%lld>;"
                              " rel=\"prev\"",
                              core->base_url, req->path, buf_cstr(&keep), (long long)ids[n - 1],
                              core->base_url, req->path, buf_cstr(&keep), (long long)ids[0]);
    buf_fini(&keep);
    resp_header_add(req, resp, "Link", link);
}

void api_invalid(struct req *req, struct resp *resp, const char *why)
{
    char *msg = arena_printf(req->arena, "Validation failed: %s", why);
    resp_error(req, resp, 422, msg);
}

int api_fail(struct req *req, struct resp *resp, int err)
{
    switch (err) {
    case E_NOTFOUND:
        resp_error(req, resp, 404, "Record not found");
        break;
    case E_FORBIDDEN:
        resp_error(req, resp, 403, "This action is not allowed");
        break;
    case E_AUTH:
        resp_error(req, resp, 401, "The access token is invalid");
        break;
    case E_INVAL:
    case E_UTF8:
        api_invalid(req, resp, "the request is malformed");
        break;
    case E_LIMIT:
        resp_error(req, resp, 422, "Validation failed: a limit was exceeded");
        break;
    case E_EXISTS:
        resp_error(req, resp, 422, "Validation failed: it already exists");
        break;
    case E_BUSY:
        resp_error(req, resp, 503, "The server is busy, try again");
        break;
    default:
        log_error("%s %s: %s", req->method, req->path, err_str(err));
        resp_error(req, resp, 500, "internal error");
    }
    return 0;
}

int api_people_answer(struct req *req, struct resp *resp, struct db_conn *c, int rc,
                      const struct follow_item *items, size_t n)
{
    if (rc) {
        db_release(c);
        return api_fail(req, resp, rc);
    }
    json_t *arr = json_array();
    int64_t *ids = arena_alloc(req->arena, (n + 1) * sizeof(*ids));
    for (size_t i = 0; i < n; i++) {
        ids[i] = items[i].follow_id;
        json_t *j = api_account_json_id(req, c, items[i].account_id);
        if (j)
            json_array_append_new(arr, j);
    }
    db_release(c);
    api_link_header(req, resp, ids, n);
    resp_json(req, resp, 200, arr);
    return 0;
}

int api_arg_strings(struct req *req, struct resp *resp, const char *name, const char **out,
                    size_t max, size_t *n)
{
    *n = 0;
    json_t *body = req_json(req);
    json_t *arr = body ? json_object_get(body, name) : NULL;
    const char *why = NULL;
    if (arr) {
        size_t i;
        json_t *v;
        if (!json_is_array(arr))
            why = "must be an array of strings";
        json_array_foreach(arr, i, v)
        {
            if (!json_is_string(v))
                why = "must be an array of strings";
            else if (*n < max)
                out[(*n)++] = json_string_value(v);
            else
                why = "has too many items";
        }
    } else {
        const char *key = arena_printf(req->arena, "%s[]", name);
        req_arg(req, key); /* parses query and form */
        for (size_t i = 0; i < req->n_args; i++) {
            if (strcmp(req->args[i].name, key))
                continue;
            if (*n < max)
                out[(*n)++] = req->args[i].value;
            else
                why = "has too many items";
        }
    }
    if (why) {
        api_invalid(req, resp, arena_printf(req->arena, "%s %s", name, why));
        return 1;
    }
    return 0;
}
