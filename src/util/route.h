/*
 * route: the table that maps a method and a path pattern to a handler.
 *
 * Patterns are literal segments and ":name" parameters
 * ("/api/v1/statuses/:id/context"); a parameter may follow a literal
 * prefix within its segment ("/@:acct" matches "/@alice", acct "alice"). Matching ignores one
 * trailing slash (clients send "/api/v1/instance/"). HEAD is answered by GET routes. Route tables
 * are static arrays owned by the module that defines them.
 */
#ifndef HEARTH_UTIL_ROUTE_H
#define HEARTH_UTIL_ROUTE_H

#include <stddef.h>

#include "util/req.h"

/*
 * A handler fills resp and returns 0, or returns a negative enum err and
 * leaves resp alone: the server then answers with the matching status.
 */
typedef int (*route_handler_fn)(struct req *req, struct resp *resp);

enum route_auth {
    ROUTE_AUTH_NONE = 0,     /* public */
    ROUTE_AUTH_OPTIONAL = 1, /* a token is used when given */
    ROUTE_AUTH_REQUIRED = 2, /* 401 without a valid token */
};

struct route {
    const char *method;
    const char *pattern;
    route_handler_fn handler;
    enum route_auth auth;
    const char *scope; /* OAuth scope the route needs, NULL for none */
};

/*
 * Checks a request's credentials against a route before its handler runs
 * (the API registers one). Returns 0 to go on, or fills resp (401, 403...)
 * and returns non-zero.
 */
typedef int (*route_auth_fn)(struct req *req, const struct route *rt, struct resp *resp);

/*
 * The body cap of a route in bytes; a surface registers one to let upload
 * routes take more than LIMIT_HTTP_BODY_BYTES (0 keeps that default).
 */
typedef size_t (*route_body_limit_fn)(const struct route *rt);

enum route_result {
    ROUTE_FOUND = 0,
    ROUTE_NOT_FOUND = 1,  /* no pattern matches the path */
    ROUTE_BAD_METHOD = 2, /* a pattern matches, not with this method */
};

/*
 * Finds the route for method and path among n routes. On ROUTE_FOUND,
 * *out is the route and req->params holds the parameters (values allocated
 * from req->arena). On ROUTE_BAD_METHOD, allow (allow_size bytes) lists the
 * methods that would match, comma-separated.
 */
enum route_result route_match(const struct route *routes, size_t n, struct req *req,
                              const struct route **out, char *allow, size_t allow_size);

#endif
