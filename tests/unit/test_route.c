/*
 * Unit tests for util/route and util/req: matching, parameters, trailing
 * slashes, 404 against 405, HEAD, and argument parsing.
 */
#include <string.h>
#include <strings.h>

#include "t.h"
#include "util/arena.h"
#include "util/req.h"
#include "util/route.h"

static int h_ok(struct req *req, struct resp *resp)
{
    (void)req;
    (void)resp;
    return 0;
}

static const struct route routes[] = {
    {"GET", "/health", h_ok, ROUTE_AUTH_NONE, NULL},
    {"GET", "/api/v1/statuses/:id", h_ok, ROUTE_AUTH_OPTIONAL, "read:statuses"},
    {"DELETE", "/api/v1/statuses/:id", h_ok, ROUTE_AUTH_REQUIRED, "write:statuses"},
    {"GET", "/api/v1/statuses/:id/context", h_ok, ROUTE_AUTH_OPTIONAL, NULL},
    {"POST", "/api/v1/accounts/:id/follow", h_ok, ROUTE_AUTH_REQUIRED, NULL},
    {"GET", "/", h_ok, ROUTE_AUTH_NONE, NULL},
    {"GET", "/@:acct/:id", h_ok, ROUTE_AUTH_NONE, NULL},
};
static const size_t n_routes = sizeof(routes) / sizeof(routes[0]);

static enum route_result match(struct arena *a, const char *method, const char *path,
                               struct req *req, const struct route **rt, char *allow)
{
    memset(req, 0, sizeof(*req));
    req->arena = a;
    req->method = method;
    req->path = path;
    req->query = "";
    return route_match(routes, n_routes, req, rt, allow, 64);
}

TEST(matching)
{
    struct arena *a = arena_new();
    struct req req;
    const struct route *rt = NULL;
    char allow[64];
    CHECK_INT(match(a, "GET", "/health", &req, &rt, allow), ROUTE_FOUND);
    CHECK(rt == &routes[0]);
    CHECK_INT(match(a, "GET", "/health/", &req, &rt, allow), ROUTE_FOUND);
    CHECK_INT(match(a, "GET", "/health//", &req, &rt, allow), ROUTE_NOT_FOUND);
    CHECK_INT(match(a, "HEAD", "/health", &req, &rt, allow), ROUTE_FOUND);
    CHECK_INT(match(a, "GET", "/api/v1/statuses/123", &req, &rt, allow), ROUTE_FOUND);
    CHECK(rt == &routes[1]);
    CHECK_STR(req_param(&req, "id"), "123");
    CHECK(req_param(&req, "nope") == NULL);
    CHECK_INT(match(a, "GET", "/api/v1/statuses/9/context", &req, &rt, allow), ROUTE_FOUND);
    CHECK(rt == &routes[3]);
    CHECK_STR(req_param(&req, "id"), "9");
    /* A parameter after a literal prefix in its segment. */
    CHECK_INT(match(a, "GET", "/@alice@b.test/12", &req, &rt, allow), ROUTE_FOUND);
    CHECK(rt == &routes[6]);
    CHECK_STR(req_param(&req, "acct"), "alice@b.test");
    CHECK_STR(req_param(&req, "id"), "12");
    CHECK_INT(match(a, "GET", "/@/12", &req, &rt, allow), ROUTE_NOT_FOUND);
    CHECK_INT(match(a, "GET", "/alice/12", &req, &rt, allow), ROUTE_NOT_FOUND);
    CHECK_INT(match(a, "DELETE", "/api/v1/statuses/9", &req, &rt, allow), ROUTE_FOUND);
    CHECK(rt == &routes[2]);
    CHECK_INT(match(a, "GET", "/api/v1/statuses/", &req, &rt, allow), ROUTE_NOT_FOUND);
    CHECK_INT(match(a, "GET", "/api/v1/statuses", &req, &rt, allow), ROUTE_NOT_FOUND);
    CHECK_INT(match(a, "GET", "/api/v1/statuses/1/context/x", &req, &rt, allow), ROUTE_NOT_FOUND);
    CHECK_INT(match(a, "GET", "/", &req, &rt, allow), ROUTE_FOUND);
    CHECK(rt == &routes[5]);
    CHECK_INT(match(a, "PUT", "/api/v1/statuses/9", &req, &rt, allow), ROUTE_BAD_METHOD);
    CHECK_STR(allow, "GET, DELETE, HEAD");
    CHECK_INT(match(a, "GET", "/api/v1/accounts/1/follow", &req, &rt, allow), ROUTE_BAD_METHOD);
    CHECK_STR(allow, "POST");
    arena_free(a);
}

/* Parameters with literal text around them, as the feeds' "/@:name.rss". */
static const struct route affix_routes[] = {
    {"GET", "/@:name.rss", h_ok, ROUTE_AUTH_NONE, NULL},
    {"GET", "/@:name.atom", h_ok, ROUTE_AUTH_NONE, NULL},
    {"GET", "/tags/:tag.rss", h_ok, ROUTE_AUTH_NONE, NULL},
    {"GET", "/@:acct", h_ok, ROUTE_AUTH_NONE, NULL},
    {"GET", "/@:acct/:id", h_ok, ROUTE_AUTH_NONE, NULL},
    {"GET", "/tags/:tag", h_ok, ROUTE_AUTH_NONE, NULL},
    {"GET", "/f/x:n_1-y", h_ok, ROUTE_AUTH_NONE, NULL},
};

static enum route_result match_affix(struct arena *a, const char *path, struct req *req,
                                     const struct route **rt)
{
    char allow[64];
    memset(req, 0, sizeof(*req));
    req->arena = a;
    req->method = "GET";
    req->path = path;
    req->query = "";
    return route_match(affix_routes, sizeof(affix_routes) / sizeof(affix_routes[0]), req, rt, allow,
                       sizeof(allow));
}

TEST(affixes)
{
    struct arena *a = arena_new();
    struct req req;
    const struct route *rt = NULL;
    CHECK_INT(match_affix(a, "/@alice.rss", &req, &rt), ROUTE_FOUND);
    CHECK(rt == &affix_routes[0]);
    CHECK_STR(req_param(&req, "name"), "alice");
    CHECK_INT(match_affix(a, "/@alice.atom/", &req, &rt), ROUTE_FOUND);
    CHECK(rt == &affix_routes[1]);
    CHECK_STR(req_param(&req, "name"), "alice");
    /* The value keeps inner dots; the suffix is taken from the end. */
    CHECK_INT(match_affix(a, "/@bob@b.test.rss", &req, &rt), ROUTE_FOUND);
    CHECK(rt == &affix_routes[0]);
    CHECK_STR(req_param(&req, "name"), "bob@b.test");
    CHECK_INT(match_affix(a, "/tags/cats.rss", &req, &rt), ROUTE_FOUND);
    CHECK(rt == &affix_routes[2]);
    CHECK_STR(req_param(&req, "tag"), "cats");
    /* Other names fall through to the wider routes. */
    CHECK_INT(match_affix(a, "/@alice", &req, &rt), ROUTE_FOUND);
    CHECK(rt == &affix_routes[3]);
    CHECK_STR(req_param(&req, "acct"), "alice");
    CHECK_INT(match_affix(a, "/@alice.rs", &req, &rt), ROUTE_FOUND);
    CHECK(rt == &affix_routes[3]);
    CHECK_INT(match_affix(a, "/@alice.rss.x", &req, &rt), ROUTE_FOUND);
    CHECK(rt == &affix_routes[3]);
    CHECK_INT(match_affix(a, "/@alice/12", &req, &rt), ROUTE_FOUND);
    CHECK(rt == &affix_routes[4]);
    CHECK_STR(req_param(&req, "acct"), "alice");
    CHECK_STR(req_param(&req, "id"), "12");
    CHECK_INT(match_affix(a, "/tags/cats.atom", &req, &rt), ROUTE_FOUND);
    CHECK(rt == &affix_routes[5]);
    CHECK_STR(req_param(&req, "tag"), "cats.atom");
    /* Empty values never match; nor does a segment without the prefix. */
    CHECK_INT(match_affix(a, "/@.rss", &req, &rt), ROUTE_FOUND);
    CHECK(rt == &affix_routes[3]);
    CHECK_STR(req_param(&req, "acct"), ".rss");
    CHECK_INT(match_affix(a, "/@", &req, &rt), ROUTE_NOT_FOUND);
    CHECK_INT(match_affix(a, "/alice.rss", &req, &rt), ROUTE_NOT_FOUND);
    CHECK_INT(match_affix(a, "/tags/.rss", &req, &rt), ROUTE_FOUND);
    CHECK(rt == &affix_routes[5]);
    /* A name ends at the first character that cannot be in one. */
    CHECK_INT(match_affix(a, "/f/xabc-y", &req, &rt), ROUTE_FOUND);
    CHECK(rt == &affix_routes[6]);
    CHECK_STR(req_param(&req, "n_1"), "abc");
    CHECK_INT(match_affix(a, "/f/x-y", &req, &rt), ROUTE_NOT_FOUND);
    CHECK_INT(match_affix(a, "/f/xab-", &req, &rt), ROUTE_NOT_FOUND);
    arena_free(a);
}

static const char *form_header(void *conn, const char *name)
{
    (void)conn;
    if (!strcasecmp(name, "Content-Type"))
        return "application/x-www-form-urlencoded";
    return NULL;
}

static const char *json_header(void *conn, const char *name)
{
    (void)conn;
    if (!strcasecmp(name, "content-type"))
        return "application/json; charset=utf-8";
    return NULL;
}

TEST(arguments)
{
    struct arena *a = arena_new();
    struct req req;
    memset(&req, 0, sizeof(req));
    req.arena = a;
    req.query = "limit=20&q=caf%C3%A9+au+lait&empty=&flag";
    req.body = "status=hello+world%21&limit=5";
    req.body_len = strlen(req.body);
    req.header_fn = form_header;
    CHECK_STR(req_arg(&req, "status"), "hello world!");
    CHECK_STR(req_arg(&req, "limit"), "5"); /* the body wins over the query */
    CHECK_STR(req_arg(&req, "q"), "café au lait");
    CHECK_STR(req_arg(&req, "empty"), "");
    CHECK_STR(req_arg(&req, "flag"), "");
    CHECK(req_arg(&req, "missing") == NULL);

    struct req j;
    memset(&j, 0, sizeof(j));
    j.arena = a;
    j.query = "";
    j.body = "{\"status\":\"hi\",\"sensitive\":true,\"limit\":7}";
    j.body_len = strlen(j.body);
    j.header_fn = json_header;
    CHECK_STR(req_arg(&j, "status"), "hi");
    CHECK_STR(req_arg(&j, "sensitive"), "true");
    CHECK_STR(req_arg(&j, "limit"), "7");
    CHECK(req_json(&j) != NULL);

    struct req bad;
    memset(&bad, 0, sizeof(bad));
    bad.arena = a;
    bad.query = "";
    bad.body = "{\"a\":1,\"a\":2}";
    bad.body_len = strlen(bad.body);
    bad.header_fn = json_header;
    CHECK(req_json(&bad) == NULL); /* duplicate keys are refused */
    CHECK_INT(bad.json_error, 1);
    CHECK_STR(req_url_decode(a, "%zz%4", 5, 0), "%zz%4");

    /* Nesting deeper than LIMIT_JSON_DEPTH is refused before parsing. */
    char deep[200];
    memset(deep, '[', 40);
    memset(deep + 40, ']', 40);
    deep[80] = '\0';
    struct req d;
    memset(&d, 0, sizeof(d));
    d.arena = a;
    d.query = "";
    d.body = deep;
    d.body_len = 80;
    d.header_fn = json_header;
    CHECK(req_json(&d) == NULL);
    CHECK_INT(d.json_error, 1);
    d.body = "[[[\"]]]]]]]]]]\"]]]";
    d.body_len = strlen(d.body);
    d.json_parsed = 0;
    d.json_error = 0;
    CHECK(req_json(&d) != NULL);
    arena_free(a);
}

int main(void)
{
    RUN(matching);
    RUN(arguments);
    RUN(affixes);
    return t_done();
}
