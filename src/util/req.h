/*
 * req: the request and response that every handler sees.
 *
 * These types are independent of libmicrohttpd so that handlers in api/,
 * ap/ and web/ never include it: src/http/ fills a struct req from the
 * connection, calls the route's handler, and sends the struct resp.
 *
 * Lifetime: a request and everything hanging off it (strings, the parsed
 * JSON body, the response body) belong to req->arena, which lives from the
 * request's first callback to its completion. Handlers never free.
 */
#ifndef HEARTH_UTIL_REQ_H
#define HEARTH_UTIL_REQ_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct arena;
struct multipart_part;

#define REQ_MAX_PARAMS 8 /* path parameters per route */

/* A request header or query/form pair. */
struct req_pair {
    const char *name;
    const char *value;
};

/* Looks up a request header; provided by the server layer. */
typedef const char *(*req_header_fn)(void *conn, const char *name);

struct req {
    struct arena *arena;
    const char *method; /* "GET", ... (HEAD is served as GET with no body) */
    const char *path;   /* decoded path, no query string */
    const char *query;  /* raw query string without '?', "" when none */
    const char *id;     /* short request id, also in every log line */
    const char *remote; /* peer address as text */
    const char *body;   /* NUL-terminated copy of the body ("" when none) */
    size_t body_len;
    int is_head;
    /* Path parameters from the route pattern (":id"). */
    struct req_pair params[REQ_MAX_PARAMS];
    int n_params;
    /* Query and form parameters, decoded, in order. */
    struct req_pair *args;
    size_t n_args;
    int args_parsed;
    struct multipart_part *files; /* file parts of a multipart/form-data body */
    size_t n_files;
    int form_error; /* a multipart body that did not parse: its enum err */
    json_t *json;   /* the parsed JSON body, or NULL */
    int json_parsed;
    int json_error; /* the body claimed JSON but did not parse */
    void *app;      /* the server's application context (struct core *) */
    void *auth;     /* filled by the surface's authentication step */
    void *scratch;  /* per-request state of the surface handling it (caches) */
    void *filters;  /* the viewer's filters, loaded once when first needed (api/filters.c) */
    const char *filter_context; /* where statuses are shown: "home", "public"...; NULL: none */
    req_header_fn header_fn;
    void *conn;
};

struct resp_header {
    struct resp_header *next;
    const char *name;
    const char *value;
};

/*
 * A response that goes on (server-sent events). The handler fills read,
 * close and ctx; the server fills wake and handle before the first read.
 * read fills buf with up to max bytes and returns how many, 0 when nothing
 * is ready (the server then parks the connection until wake(handle) is
 * called, from any thread), or -1 to end the response. close runs once,
 * when the connection ends for any reason; after it nobody may call wake
 * with this handle. The server calls read and close from its own threads.
 */
struct resp_stream {
    long (*read)(void *ctx, char *buf, size_t max);
    void (*close)(void *ctx);
    void *ctx;
    void (*wake)(void *handle);
    void *handle;
};

/*
 * A response that switches the connection to the WebSocket protocol (the
 * handler sets status 101). The handler fills message, next, close and
 * ctx, and protocol when the client's Sec-WebSocket-Protocol is to be
 * echoed (request memory is fine: the server copies it). The server checks
 * the handshake (or calls close and answers 400) and fills wake and handle
 * before any other call. message gets each complete text message from the
 * client (len bytes, NUL-terminated). next points *msg at the next text
 * message to send and returns 1, or returns 0 when nothing is ready (the
 * server waits for wake(handle), callable from any thread); *msg stays
 * valid until the following call. close runs once, when the connection
 * ends for any reason; after it nobody may call wake with this handle.
 * message, next and close are called from one server thread at a time.
 */
struct resp_ws {
    void (*message)(void *ctx, const char *text, size_t len);
    int (*next)(void *ctx, const char **msg, size_t *len);
    void (*close)(void *ctx);
    void *ctx;
    const char *protocol;
    void (*wake)(void *handle);
    void *handle;
};

/*
 * A response that is finished later, when work the handler started on
 * another thread (a shared commit) ends, without holding a server thread
 * meanwhile. The handler fills start, respond and ctx, sets resp->later and
 * returns with no status. The server fills done and handle, then calls
 * start(ctx), which begins the work; whoever ends the work calls
 * done(handle) once, from any thread. The server then calls respond(ctx,
 * req, resp) on one of its threads, where the response is filled as a
 * handler would. ctx must live until respond (request memory is fine).
 */
struct resp;
struct resp_later {
    void (*start)(void *ctx);
    void (*respond)(void *ctx, struct req *req, struct resp *resp);
    void *ctx;
    void (*done)(void *handle);
    void *handle;
};

struct resp {
    int status;               /* 0 until a handler sets one */
    const char *content_type; /* default application/json */
    const char *body;         /* arena memory */
    size_t body_len;
    struct resp_header *headers;
    struct resp_stream *stream; /* non-NULL: a streaming body instead of body */
    struct resp_ws *ws;         /* non-NULL (with status 101): a WebSocket */
    struct resp_later *later;   /* non-NULL (with no status): finished later */
};

/* A request header (case-insensitive name), or NULL. Borrowed. */
const char *req_header(struct req *r, const char *name);
/* The value of the request's cookie name (the first one so named), or NULL. In the arena. */
const char *req_cookie(struct req *r, const char *name);
/* A path parameter of the matched route, or NULL. */
const char *req_param(struct req *r, const char *name);
/*
 * A query, form (application/x-www-form-urlencoded or the text fields of
 * multipart/form-data) or JSON body parameter, in that order of
 * precedence: body over query. JSON scalars are
 * returned as text ("true", "12"); NULL when absent. Borrowed from the arena.
 */
const char *req_arg(struct req *r, const char *name);
/*
 * The file part named name of a multipart/form-data body, or NULL (also
 * when the body did not parse: req->form_error tells). Borrowed.
 */
const struct multipart_part *req_file(struct req *r, const char *name);
/*
 * 1 when the JSON text s[0..n) nests at most LIMIT_JSON_DEPTH deep
 * (brackets outside strings), 0 when deeper: checked before parsing, so
 * that hostile nesting never reaches the parser.
 */
int json_depth_ok(const char *s, size_t n);

/* The JSON body when Content-Type is JSON; NULL when absent or invalid. */
json_t *req_json(struct req *r);

/* Decodes application/x-www-form-urlencoded text into pairs in the arena. */
void req_parse_urlencoded(struct arena *a, const char *text, size_t len, struct req_pair **pairs,
                          size_t *n);
/* Percent-decodes s[0..len) into the arena ('+' is a space when form is set). */
char *req_url_decode(struct arena *a, const char *s, size_t len, int form);

/* Adds a response header (name and value copied into the request's arena). */
void resp_header_add(struct req *r, struct resp *p, const char *name, const char *value);
/* JSON response; steals the reference to body. */
void resp_json(struct req *r, struct resp *p, int status, json_t *body);
/* Mastodon's error shape: {"error": message}. */
void resp_error(struct req *r, struct resp *p, int status, const char *message);
/* A body of any type, copied into the arena. */
void resp_body(struct req *r, struct resp *p, int status, const char *content_type,
               const char *body, size_t len);

/* Maps an enum err to the HTTP status a client should see. */
int resp_status_for_err(int err);

#endif
