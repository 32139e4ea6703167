/*
 * route: linear matching over the route table. Tables hold a few hundred
 * routes at most; a segment-by-segment comparison is fast enough and keeps
 * the table readable.
 */
#include "util/route.h"

#include <stdio.h>
#include <string.h>

#include "util/arena.h"

/* Matches path against pattern; fills params when req is given. */
static int match_path(const char *pattern, const char *path, struct req *req)
{
    const char *p = pattern, *s = path;
    int n = 0;
    size_t plen = strlen(path);
    /* One trailing slash is ignored (but "/" itself stays "/"). */
    if (plen > 1 && path[plen - 1] == '/')
        plen--;
    const char *end = path + plen;
    while (*p && s < end) {
        if (*p != '/' || *s != '/')
            return 0;
        p++;
        s++;
        const char *pseg_end = strchr(p, '/');
        if (!pseg_end)
            pseg_end = p + strlen(p);
        const char *sseg_end = memchr(s, '/', (size_t)(end - s));
        if (!sseg_end)
            sseg_end = end;
        /* A parameter may follow a literal prefix in its segment ("@:acct"). */
        const char *colon = memchr(p, ':', (size_t)(pseg_end - p));
        if (colon) {
            size_t pre = (size_t)(colon - p);
            if ((size_t)(sseg_end - s) <= pre || memcmp(p, s, pre) != 0)
                return 0; /* parameters are never empty */
            if (req && n < REQ_MAX_PARAMS) {
                req->params[n].name =
                    arena_strndup(req->arena, colon + 1, (size_t)(pseg_end - colon - 1));
                req->params[n].value =
                    arena_strndup(req->arena, s + pre, (size_t)(sseg_end - s - pre));
                n++;
            }
        } else if ((size_t)(pseg_end - p) != (size_t)(sseg_end - s) ||
                   memcmp(p, s, (size_t)(pseg_end - p)) != 0) {
            return 0;
        }
        p = pseg_end;
        s = sseg_end;
    }
    if (*p || s != end)
        return 0;
    if (req)
        req->n_params = n;
    return 1;
}

enum route_result route_match(const struct route *routes, size_t n, struct req *req,
                              const struct route **out, char *allow, size_t allow_size)
{
    const char *method = req->method;
    int is_head = !strcmp(method, "HEAD");
    int path_matched = 0;
    size_t used = 0;
    if (allow_size)
        allow[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        const struct route *rt = &routes[i];
        if (!match_path(rt->pattern, req->path, NULL))
            continue;
        if (!strcmp(rt->method, method) || (is_head && !strcmp(rt->method, "GET"))) {
            match_path(rt->pattern, req->path, req);
            *out = rt;
            return ROUTE_FOUND;
        }
        path_matched = 1;
        if (allow_size && !strstr(allow, rt->method)) {
            int w = snprintf(allow + used, allow_size - used, "%s%s", used ? ", " : "", rt->method);
            if (w > 0 && (size_t)w < allow_size - used)
                used += (size_t)w;
        }
    }
    if (path_matched && allow_size && strstr(allow, "GET") && !strstr(allow, "HEAD") &&
        used + 6 < allow_size)
        used += (size_t)snprintf(allow + used, allow_size - used, ", HEAD");
    return path_matched ? ROUTE_BAD_METHOD : ROUTE_NOT_FOUND;
}
