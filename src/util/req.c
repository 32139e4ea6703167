/*
 * req: request accessors and response builders. Everything is allocated
 * from the request's arena; parsing of query, form and JSON bodies is lazy
 * and happens at most once per request.
 */
#include "util/req.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/arena.h"
#include "util/err.h"
#include "util/json_out.h"
#include "util/limits.h"
#include "util/multipart.h"

const char *req_header(struct req *r, const char *name)
{
    if (!r->header_fn)
        return NULL;
    return r->header_fn(r->conn, name);
}

const char *req_cookie(struct req *r, const char *name)
{
    const char *h = req_header(r, "Cookie");
    size_t nlen = strlen(name);
    while (h && *h) {
        while (*h == ' ' || *h == ';')
            h++;
        const char *end = strchr(h, ';');
        size_t len = end ? (size_t)(end - h) : strlen(h);
        if (len > nlen && !strncmp(h, name, nlen) && h[nlen] == '=')
            return arena_strndup(r->arena, h + nlen + 1, len - nlen - 1);
        h = end;
    }
    return NULL;
}

const char *req_param(struct req *r, const char *name)
{
    for (int i = 0; i < r->n_params; i++) {
        if (!strcmp(r->params[i].name, name))
            return r->params[i].value;
    }
    return NULL;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

char *req_url_decode(struct arena *a, const char *s, size_t len, int form)
{
    char *out = arena_alloc(a, len + 1);
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '+' && form) {
            out[o++] = ' ';
        } else if (c == '%' && i + 2 < len && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
            out[o++] = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
            i += 2;
        } else {
            out[o++] = c;
        }
    }
    out[o] = '\0';
    return out;
}

void req_parse_urlencoded(struct arena *a, const char *text, size_t len, struct req_pair **pairs,
                          size_t *n)
{
    size_t count = 0, cap = 0;
    struct req_pair *list = NULL;
    size_t i = 0;
    while (i < len) {
        size_t start = i;
        while (i < len && text[i] != '&')
            i++;
        size_t end = i;
        i++; /* skip '&' */
        if (end == start)
            continue;
        const char *eq = memchr(text + start, '=', end - start);
        size_t name_end = eq ? (size_t)(eq - text) : end;
        if (count == cap) {
            size_t ncap = cap ? cap * 2 : 8;
            struct req_pair *nl = arena_alloc(a, ncap * sizeof(*nl));
            if (count)
                memcpy(nl, list, count * sizeof(*nl));
            list = nl;
            cap = ncap;
        }
        list[count].name = req_url_decode(a, text + start, name_end - start, 1);
        list[count].value = eq ? req_url_decode(a, eq + 1, end - name_end - 1, 1) : "";
        count++;
    }
    *pairs = list;
    *n = count;
}

static int content_type_is(struct req *r, const char *type)
{
    const char *ct = req_header(r, "Content-Type");
    if (!ct)
        return 0;
    size_t n = strlen(type);
    return strncasecmp(ct, type, n) == 0 && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

int json_depth_ok(const char *s, size_t n)
{
    int depth = 0, in_str = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (in_str) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_str = 0;
        } else if (c == '"') {
            in_str = 1;
        } else if (c == '{' || c == '[') {
            if (++depth > LIMIT_JSON_DEPTH)
                return 0;
        } else if (c == '}' || c == ']') {
            depth--;
        }
    }
    return 1;
}

json_t *req_json(struct req *r)
{
    if (r->json_parsed)
        return r->json;
    r->json_parsed = 1;
    if (r->body_len == 0 || !content_type_is(r, "application/json"))
        return NULL;
    if (!json_depth_ok(r->body, r->body_len)) {
        r->json_error = 1;
        return NULL;
    }
    json_error_t err;
    json_t *j = json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, &err);
    if (!j) {
        r->json_error = 1;
        return NULL;
    }
    arena_defer(r->arena, (arena_release_fn)json_decref, j);
    r->json = j;
    return j;
}

/* Text fields become form pairs; files are kept apart for req_file. */
static void parse_multipart(struct req *r, struct req_pair **f, size_t *nf)
{
    struct multipart_part *parts;
    size_t n;
    int rc =
        multipart_parse(r->arena, req_header(r, "Content-Type"), r->body, r->body_len, &parts, &n);
    if (rc) {
        r->form_error = rc;
        return;
    }
    *f = arena_alloc(r->arena, (n ? n : 1) * sizeof(**f));
    r->files = arena_alloc(r->arena, (n ? n : 1) * sizeof(*r->files));
    for (size_t i = 0; i < n; i++) {
        if (parts[i].filename) {
            r->files[r->n_files++] = parts[i];
        } else {
            (*f)[*nf].name = parts[i].name;
            (*f)[*nf].value = parts[i].text;
            (*nf)++;
        }
    }
}

static void parse_args(struct req *r)
{
    if (r->args_parsed)
        return;
    r->args_parsed = 1;
    struct req_pair *q = NULL, *f = NULL;
    size_t nq = 0, nf = 0;
    if (r->query && *r->query)
        req_parse_urlencoded(r->arena, r->query, strlen(r->query), &q, &nq);
    if (r->body_len && content_type_is(r, "application/x-www-form-urlencoded"))
        req_parse_urlencoded(r->arena, r->body, r->body_len, &f, &nf);
    else if (content_type_is(r, "multipart/form-data"))
        parse_multipart(r, &f, &nf);
    /* Body pairs first so that they win over the query string. */
    r->n_args = nq + nf;
    r->args = arena_alloc(r->arena, (r->n_args ? r->n_args : 1) * sizeof(*r->args));
    if (nf)
        memcpy(r->args, f, nf * sizeof(*f));
    if (nq)
        memcpy(r->args + nf, q, nq * sizeof(*q));
}

const char *req_arg(struct req *r, const char *name)
{
    json_t *j = req_json(r);
    if (j && json_is_object(j)) {
        json_t *v = json_object_get(j, name);
        if (json_is_string(v))
            return json_string_value(v);
        if (json_is_true(v))
            return "true";
        if (json_is_false(v))
            return "false";
        if (json_is_integer(v))
            return arena_printf(r->arena, "%lld", (long long)json_integer_value(v));
        if (json_is_real(v))
            return arena_printf(r->arena, "%g", json_real_value(v));
    }
    parse_args(r);
    for (size_t i = 0; i < r->n_args; i++) {
        if (!strcmp(r->args[i].name, name))
            return r->args[i].value;
    }
    return NULL;
}

const struct multipart_part *req_file(struct req *r, const char *name)
{
    parse_args(r);
    for (size_t i = 0; i < r->n_files; i++) {
        if (!strcmp(r->files[i].name, name))
            return &r->files[i];
    }
    return NULL;
}

void resp_header_add(struct req *r, struct resp *p, const char *name, const char *value)
{
    struct resp_header *h = arena_alloc(r->arena, sizeof(*h));
    h->name = arena_strdup(r->arena, name);
    h->value = arena_strdup(r->arena, value);
    h->next = p->headers;
    p->headers = h;
}

void resp_json(struct req *r, struct resp *p, int status, json_t *body)
{
    size_t len = 0;
    char *text = json_out(body, &len);
    json_decref(body);
    p->status = status;
    p->content_type = "application/json; charset=utf-8";
    if (!text) {
        p->status = 500;
        p->body = "{\"error\":\"internal error\"}";
        p->body_len = strlen(p->body);
        return;
    }
    arena_defer(r->arena, free, text);
    p->body = text;
    p->body_len = len;
}

void resp_error(struct req *r, struct resp *p, int status, const char *message)
{
    resp_json(r, p, status, json_pack("{s:s}", "error", message));
}

void resp_body(struct req *r, struct resp *p, int status, const char *content_type,
               const char *body, size_t len)
{
    char *copy = arena_alloc(r->arena, len + 1);
    memcpy(copy, body, len);
    copy[len] = '\0';
    p->status = status;
    p->content_type = arena_strdup(r->arena, content_type);
    p->body = copy;
    p->body_len = len;
}

int resp_status_for_err(int err)
{
    switch (err) {
    case 0:
        return 200;
    case E_INVAL:
    case E_UTF8:
        return 422;
    case E_NOTFOUND:
        return 404;
    case E_AUTH:
        return 401;
    case E_FORBIDDEN:
        return 403;
    case E_LIMIT:
        return 413;
    case E_EXISTS:
        return 409;
    case E_BUSY:
        return 503;
    default:
        return 500;
    }
}
