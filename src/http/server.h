/*
 * http/server: the HTTP server on libmicrohttpd.
 *
 * An epoll thread pool sized to the cores serves the route table. Every
 * request gets an arena (util/arena.h) from its first callback to its
 * completion, a request id, header and body caps from util/limits.h (a
 * declared body over the cap is answered 413 before it is read), JSON
 * error bodies, and one log line when it completes. Keep-alive works as
 * HTTP/1.1 clients expect.
 *
 * The server borrows the route table and the application context (a
 * struct core *) for its whole life.
 */
#ifndef HEARTH_HTTP_SERVER_H
#define HEARTH_HTTP_SERVER_H

#include <stddef.h>

#include "util/route.h"

struct http_server;

struct http_options {
    const char *listen; /* "127.0.0.1:8080", "[::1]:8080"; port 0 picks a free one */
    int threads;        /* 0: one per core */
    /* Runs before handlers of routes that take a token, or when one is sent; may be NULL. */
    route_auth_fn authenticate;
    route_body_limit_fn body_limit; /* optional: larger bodies for upload routes */
    /*
     * Runs for every request after authentication (rt is NULL when no route
     * matched): adds rate-limit headers, or answers 429 and returns non-zero.
     * May be NULL.
     */
    route_auth_fn rate_limit;
};

/*
 * Binds, listens and starts serving. Returns 0 and an owned *out; E_BUSY
 * when the address is in use, E_INVAL when it does not parse, E_IO when it
 * cannot be bound for another reason (logged), E_INTERNAL when
 * libmicrohttpd does not start.
 */
int http_server_start(const struct http_options *opt, const struct route *routes, size_t n,
                      void *app, struct http_server **out);
/* The port actually bound (useful with port 0). */
int http_server_port(const struct http_server *s);
/*
 * Stops accepting connections, lets in-flight requests finish (up to ten
 * seconds), closes everything and frees the server. Accepts NULL.
 */
void http_server_stop(struct http_server *s);

/*
 * Hearth's whole route table, assembled once from every module's tables
 * (http/routes.c). The table lives for the process.
 */
void http_routes_all(const struct route **routes, size_t *n);
/* The body limit of a route of that table: the API's and the pages' upload routes. */
size_t http_routes_body_limit(const struct route *rt);

#endif
