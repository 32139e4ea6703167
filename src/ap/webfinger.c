/*
 * ap/webfinger: GET /.well-known/webfinger (RFC 7033) for local accounts.
 *
 * A resource names a member as "acct:name@domain" (the domain with its
 * port when the server's URL has one; the "acct:" prefix may be left out,
 * as some servers do), or by her actor URL (BASE/users/NAME) or profile
 * URL (BASE/@NAME). The answer is Mastodon's JRD: subject, aliases, and
 * links to the actor (self), the profile page and the remote follow
 * template. Suspended accounts and unknown names are 404.
 */
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "ap/ap.h"
#include "core/account.h"
#include "core/core.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/limits.h"

/* The local username a resource names, in the arena; NULL when it names none of ours. */
static const char *resource_user(struct req *req, const char *res)
{
    struct core *core = req->app;
    size_t blen = strlen(core->base_url);
    if (!strncmp(res, core->base_url, blen)) {
        const char *rest = res + blen;
        if (!strncmp(rest, "/users/", 7))
            rest += 7;
        else if (!strncmp(rest, "/@", 2))
            rest += 2;
        else
            return NULL;
        return strchr(rest, '/') ? NULL : arena_strdup(req->arena, rest);
    }
    if (!strncasecmp(res, "acct:", 5))
        res += 5;
    if (*res == '@') /* "@name@domain", as people type it */
        res++;
    const char *at = strrchr(res, '@');
    if (!at || at == res || strcasecmp(at + 1, core->domain))
        return NULL;
    return arena_strndup(req->arena, res, (size_t)(at - res));
}

static int webfinger(struct req *req, struct resp *resp)
{
    struct core *core = req->app;
    const char *res = req_arg(req, "resource");
    if (!res || !*res) {
        resp_error(req, resp, 400, "resource is missing");
        return 0;
    }
    if (strlen(res) > LIMIT_URL_BYTES) {
        resp_error(req, resp, 400, "resource is too long");
        return 0;
    }
    const char *name = resource_user(req, res);
    if (!name || !*name) {
        resp_error(req, resp, 404, "No such account here");
        return 0;
    }
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_READ, &c);
    if (rc) {
        resp_error(req, resp, resp_status_for_err(rc), err_str(rc));
        return 0;
    }
    struct account *acc = NULL;
    rc = account_find_local(c, req->arena, name, &acc);
    db_release(c);
    if (rc == 0 && acc->suspended_at)
        rc = E_NOTFOUND;
    if (rc) {
        resp_error(req, resp, rc == E_NOTFOUND ? 404 : resp_status_for_err(rc),
                   rc == E_NOTFOUND ? "No such account here" : err_str(rc));
        return 0;
    }
    const char *subject = arena_printf(req->arena, "acct:%s@%s", acc->username, core->domain);
    json_t *links =
        json_pack("[{s:s, s:s, s:s}, {s:s, s:s, s:s}, {s:s, s:s}]", "rel", "self", "type",
                  "application/activity+json", "href", acc->uri, "rel",
                  "http://webfinger.net/rel/profile-page", "type", "text/html", "href", acc->url,
                  "rel", "http://ostatus.org/schema/1.0/subscribe", "template",
                  arena_printf(req->arena, "%s/authorize_interaction?uri={uri}", core->base_url));
    json_t *j = json_pack("{s:s, s:[s, s], s:o}", "subject", subject, "aliases", acc->url, acc->uri,
                          "links", links);
    resp_json(req, resp, 200, j);
    resp->content_type = "application/jrd+json; charset=utf-8";
    resp_header_add(req, resp, "Cache-Control", "max-age=259200, public");
    return 0;
}

const struct route ap_webfinger_routes[] = {
    {"GET", "/.well-known/webfinger", webfinger, ROUTE_AUTH_NONE, NULL},
};
const size_t ap_webfinger_routes_count =
    sizeof(ap_webfinger_routes) / sizeof(ap_webfinger_routes[0]);
