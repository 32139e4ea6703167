/*
 * http/server: libmicrohttpd glue.
 *
 * Per-request state (struct hreq) is created by the URI log callback, the
 * first thing libmicrohttpd calls for a request, and freed by the
 * completion callback; its arena holds everything the handler allocates,
 * including the response body, which libmicrohttpd sends from that memory
 * before the completion callback runs. The response is queued on the
 * access-handler call that follows the body, never on the first call, or
 * libmicrohttpd would close kept-alive connections; the exception is a
 * refusal before the body (413), where closing is what we want.
 */
#include "http/server.h"
#include "http/ws.h"

#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>
#include <sodium.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/limits.h"
#define LOG_MODULE "http"
#include "util/log.h"
#include "util/mem.h"
#include "util/timeutil.h"

/* An oversized body is read and dropped up to this much, then the connection is cut. */
#define DISCARD_MAX (4 * LIMIT_HTTP_BODY_BYTES)

struct http_server {
    struct MHD_Daemon *daemon;
    int fd;
    int port;
    const struct route *routes;
    size_t n_routes;
    void *app;
    route_auth_fn authenticate;
    route_body_limit_fn body_limit;
    route_auth_fn rate_limit;
    atomic_int in_flight;
    pthread_mutex_t streams_lock;
    struct hstream *streams;    /* open streaming responses */
    pthread_mutex_t later_lock; /* the later_ fields of requests finished later */
    struct http_ws *ws;         /* the WebSocket loop */
};

/* A streaming response in progress (server-sent events). */
struct hstream {
    struct resp_stream rs; /* the handler's callbacks, copied */
    struct http_server *srv;
    struct MHD_Connection *conn;
    pthread_mutex_t lock;
    int suspended;    /* parked by the reader, waiting for a wake */
    int wake_pending; /* a wake came while not parked */
    int ending;       /* the server is stopping */
    struct hstream *next;
};

struct hreq {
    struct req req;
    struct resp resp;
    struct buf body;
    size_t discarded;
    int too_large;
    int responded;
    int streaming;
    struct wsc *wsc; /* the WebSocket being set up */
    int ws_taken;    /* the WebSocket loop owns it (set by the upgrade handler) */
    struct MHD_Connection *conn;
    int later_parked; /* suspended until the handler's work is done (under later_lock) */
    int later_done;   /* the handler's work is done (under later_lock) */
    int64_t start_us;
    char id[12];
    struct http_server *srv;
};

static const char *header_lookup(void *conn, const char *name)
{
    return MHD_lookup_connection_value((struct MHD_Connection *)conn, MHD_HEADER_KIND, name);
}

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
    struct http_server *s = cls;
    (void)conn;
    struct hreq *h = xcalloc(1, sizeof(*h));
    h->srv = s;
    h->start_us = time_mono_us();
    h->req.arena = arena_new();
    buf_init(&h->body, LIMIT_HTTP_BODY_BYTES);
    snprintf(h->id, sizeof(h->id), "%08x", randombytes_random());
    h->req.id = h->id;
    /* The raw URI: the path is percent-decoded here, the query kept raw. */
    const char *q = strchr(uri, '?');
    size_t plen = q ? (size_t)(q - uri) : strlen(uri);
    h->req.path = req_url_decode(h->req.arena, uri, plen, 0);
    h->req.query = q ? arena_strdup(h->req.arena, q + 1) : "";
    h->req.app = s->app;
    atomic_fetch_add(&s->in_flight, 1);
    return h;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct http_server *s = cls;
    (void)conn;
    struct hreq *h = *con_cls;
    if (!h)
        return;
    int64_t us = time_mono_us() - h->start_us;
    const char *method = h->req.method ? h->req.method : "-";
    if (h->resp.status) {
        log_set_request_id(h->id);
        log_fields(LOG_LEVEL_INFO, LOG_MODULE,
                   "method=%s path=\"%s\" status=%d bytes=%zu us=%lld%s", method, h->req.path,
                   h->resp.status, h->resp.body_len, (long long)us,
                   toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " aborted=true");
        log_set_request_id(NULL);
    }
    int h_streaming = h->streaming;
    /* A WebSocket that never got its socket (the client left before the 101 went out). */
    if (h->resp.ws && !h->ws_taken) {
        if (h->wsc)
            http_ws_discard(h->wsc);
        else
            h->resp.ws->close(h->resp.ws->ctx);
    }
    arena_free(h->req.arena);
    buf_fini(&h->body);
    free(h);
    *con_cls = NULL;
    if (!h_streaming)
        atomic_fetch_sub(&s->in_flight, 1);
}

static void log_mhd(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    char msg[512];
    vsnprintf(msg, sizeof(msg), fmt, ap);
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
        msg[--n] = '\0';
    log_warn("libmicrohttpd: %s", msg);
}

static void stream_wake(void *handle)
{
    struct hstream *st = handle;
    pthread_mutex_lock(&st->lock);
    if (st->suspended) {
        st->suspended = 0;
        MHD_resume_connection(st->conn);
    } else {
        st->wake_pending = 1;
    }
    pthread_mutex_unlock(&st->lock);
}

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    struct hstream *st = cls;
    (void)pos;
    if (st->ending)
        return MHD_CONTENT_READER_END_OF_STREAM;
    long n = st->rs.read(st->rs.ctx, buf, max);
    if (n < 0)
        return MHD_CONTENT_READER_END_OF_STREAM;
    if (n > 0)
        return (ssize_t)n;
    /* Nothing to send: park the connection until a wake, unless one already came. */
    pthread_mutex_lock(&st->lock);
    if (st->wake_pending || st->ending) {
        st->wake_pending = 0;
    } else {
        st->suspended = 1;
        MHD_suspend_connection(st->conn);
    }
    pthread_mutex_unlock(&st->lock);
    return 0;
}

static void stream_free(void *cls)
{
    struct hstream *st = cls;
    struct http_server *s = st->srv;
    pthread_mutex_lock(&s->streams_lock);
    for (struct hstream **pp = &s->streams; *pp; pp = &(*pp)->next) {
        if (*pp == st) {
            *pp = st->next;
            break;
        }
    }
    pthread_mutex_unlock(&s->streams_lock);
    if (st->rs.close)
        st->rs.close(st->rs.ctx);
    /* No wake starts after close; one still inside stream_wake ends first. */
    pthread_mutex_lock(&st->lock);
    pthread_mutex_unlock(&st->lock);
    pthread_mutex_destroy(&st->lock);
    free(st);
}

/* libmicrohttpd sent the 101: the socket goes to the WebSocket loop. */
static void on_upgraded(void *cls, struct MHD_Connection *conn, void *con_cls, const char *extra,
                        size_t n, MHD_socket sock, struct MHD_UpgradeResponseHandle *urh)
{
    struct wsc *c = cls;
    struct hreq *h = con_cls;
    (void)conn;
    h->ws_taken = 1;
    http_ws_adopt(c, sock, extra, n, urh);
}

/* The 101 for a handler's WebSocket, or a 400/426 when the handshake is wrong. */
static struct MHD_Response *ws_response(struct MHD_Connection *conn, struct hreq *h)
{
    struct resp *p = &h->resp;
    char accept[HTTP_WS_ACCEPT_LEN];
    int bad = http_ws_handshake(conn, accept);
    if (bad) {
        p->ws->close(p->ws->ctx);
        p->ws = NULL;
        resp_error(&h->req, p, bad, "Bad WebSocket handshake");
        if (bad == 426)
            resp_header_add(&h->req, p, "Sec-WebSocket-Version", "13");
        return NULL;
    }
    h->wsc = http_ws_prepare(h->srv->ws, p->ws);
    struct MHD_Response *r = h->wsc ? MHD_create_response_for_upgrade(on_upgraded, h->wsc) : NULL;
    if (!r)
        return NULL;
    MHD_add_response_header(r, "Upgrade", "websocket");
    MHD_add_response_header(r, "Sec-WebSocket-Accept", accept);
    if (p->ws->protocol)
        MHD_add_response_header(r, "Sec-WebSocket-Protocol", p->ws->protocol);
    /* Like a stream, an open WebSocket is not an in-flight request. */
    h->streaming = 1;
    atomic_fetch_sub(&h->srv->in_flight, 1);
    return r;
}

static enum MHD_Result send_resp(struct MHD_Connection *conn, struct hreq *h);

/* resp_later's done: the handler's work ended; its connection goes on if parked. */
static void later_done(void *handle)
{
    struct hreq *h = handle;
    /*
     * Once resumed, the connection's thread may answer and free h before
     * this thread unlocks: the lock is reached through srv, read first.
     */
    struct http_server *srv = h->srv;
    pthread_mutex_lock(&srv->later_lock);
    h->later_done = 1;
    if (h->later_parked) {
        h->later_parked = 0;
        MHD_resume_connection(h->conn);
    }
    pthread_mutex_unlock(&srv->later_lock);
}

/* The handler's response, once its work is done. */
static void later_respond(struct hreq *h)
{
    struct resp_later *l = h->resp.later;
    log_set_request_id(h->id);
    l->respond(l->ctx, &h->req, &h->resp);
    h->resp.later = NULL;
    if (h->resp.status == 0) {
        log_error("%s %s: handler set no response", h->req.method, h->req.path);
        resp_error(&h->req, &h->resp, 500, "internal error");
    }
    log_set_request_id(NULL);
}

/*
 * Starts the work of a response finished later: MHD_YES with the
 * connection parked until later_done, or the response when the work was
 * done already.
 */
static enum MHD_Result later_start(struct MHD_Connection *conn, struct hreq *h)
{
    struct resp_later *l = h->resp.later;
    h->conn = conn;
    l->done = later_done;
    l->handle = h;
    l->start(l->ctx);
    pthread_mutex_lock(&h->srv->later_lock);
    int done = h->later_done;
    if (!done) {
        h->later_parked = 1;
        MHD_suspend_connection(conn);
    }
    pthread_mutex_unlock(&h->srv->later_lock);
    if (!done)
        return MHD_YES;
    later_respond(h);
    return send_resp(conn, h);
}

static enum MHD_Result send_resp(struct MHD_Connection *conn, struct hreq *h)
{
    struct resp *p = &h->resp;
    struct MHD_Response *r;
    if (p->ws && p->status == 101) {
        r = ws_response(conn, h);
        if (r) {
            MHD_add_response_header(r, "X-Request-Id", h->id);
            enum MHD_Result ret = MHD_queue_response(conn, 101, r);
            MHD_destroy_response(r);
            h->responded = 1;
            return ret;
        }
        if (p->ws)
            return MHD_NO; /* out of memory: the completion callback closes it */
    }
    if (p->stream && p->status == 200) {
        struct hstream *st = xcalloc(1, sizeof(*st));
        st->rs = *p->stream;
        st->srv = h->srv;
        st->conn = conn;
        pthread_mutex_init(&st->lock, NULL);
        p->stream->wake = stream_wake;
        p->stream->handle = st;
        st->rs.wake = stream_wake;
        st->rs.handle = st;
        r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, stream_read, st, stream_free);
        if (!r) {
            if (st->rs.close)
                st->rs.close(st->rs.ctx);
            free(st);
            return MHD_NO;
        }
        pthread_mutex_lock(&h->srv->streams_lock);
        st->next = h->srv->streams;
        h->srv->streams = st;
        pthread_mutex_unlock(&h->srv->streams_lock);
        /* A stream is not an in-flight request: stopping does not wait for it. */
        h->streaming = 1;
        atomic_fetch_sub(&h->srv->in_flight, 1);
        MHD_add_response_header(r, "Cache-Control", "no-store");
        MHD_add_response_header(r, "X-Accel-Buffering", "no");
    } else {
        r = MHD_create_response_from_buffer(p->body_len, (void *)(p->body ? p->body : ""),
                                            MHD_RESPMEM_PERSISTENT);
    }
    if (!r)
        return MHD_NO;
    MHD_add_response_header(r, "Content-Type",
                            p->content_type ? p->content_type : "application/json; charset=utf-8");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "X-Request-Id", h->id);
    for (struct resp_header *hd = p->headers; hd; hd = hd->next)
        MHD_add_response_header(r, hd->name, hd->value);
    enum MHD_Result ret = MHD_queue_response(conn, (unsigned int)p->status, r);
    MHD_destroy_response(r);
    h->responded = 1;
    return ret;
}

/* Paths that browsers' web clients call from other origins. */
static int is_cors_path(const char *path)
{
    return !strncmp(path, "/api/", 5) || !strncmp(path, "/oauth/", 7) ||
           !strncmp(path, "/.well-known/", 13) || !strncmp(path, "/nodeinfo/", 10);
}

static void dispatch(struct http_server *s, struct hreq *h)
{
    struct req *req = &h->req;
    struct resp *resp = &h->resp;
    req->body = buf_cstr(&h->body);
    req->body_len = h->body.len;
    const struct route *rt = NULL;
    char allow[128];
    int cors = is_cors_path(req->path);
    if (cors)
        resp_header_add(req, resp, "Access-Control-Allow-Origin", "*");
    if (cors && !strcmp(req->method, "OPTIONS")) {
        /* A CORS preflight: web clients ask before sending Authorization. */
        resp_body(req, resp, 204, "text/plain", "", 0);
        resp_header_add(req, resp, "Access-Control-Allow-Methods",
                        "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
        resp_header_add(req, resp, "Access-Control-Allow-Headers",
                        "Authorization, Content-Type, Idempotency-Key, Accept");
        resp_header_add(req, resp, "Access-Control-Max-Age", "86400");
        return;
    }
    if (cors)
        resp_header_add(req, resp, "Access-Control-Expose-Headers",
                        "Link, X-RateLimit-Reset, X-RateLimit-Limit, X-RateLimit-Remaining, "
                        "X-Request-Id, Idempotency-Key");
    enum route_result m = route_match(s->routes, s->n_routes, req, &rt, allow, sizeof(allow));
    if (m == ROUTE_NOT_FOUND) {
        resp_error(req, resp, 404, "Record not found");
        if (s->rate_limit)
            s->rate_limit(req, NULL, resp);
        return;
    }
    if (m == ROUTE_BAD_METHOD) {
        resp_error(req, resp, 405, "Method not allowed");
        resp_header_add(req, resp, "Allow", allow);
        if (s->rate_limit)
            s->rate_limit(req, NULL, resp);
        return;
    }
    log_set_request_id(h->id);
    int refused = s->authenticate &&
                  (rt->auth != ROUTE_AUTH_NONE || req_header(req, "Authorization")) &&
                  s->authenticate(req, rt, resp) != 0;
    /* Counted after authentication, which tells whose request it is (a refusal counts too). */
    if ((s->rate_limit && s->rate_limit(req, rt, resp) != 0) || refused) {
        log_set_request_id(NULL);
        return;
    }
    int rc = rt->handler(req, resp);
    if (rc < 0 && resp->status == 0) {
        int status = resp_status_for_err(rc);
        if (status >= 500)
            log_error("%s %s failed: %s", req->method, req->path, err_str(rc));
        resp_error(req, resp, status, status >= 500 ? "internal error" : err_str(rc));
    } else if (resp->status == 0 && !resp->later) {
        log_error("%s %s: handler set no response", req->method, req->path);
        resp_error(req, resp, 500, "internal error");
    }
    log_set_request_id(NULL);
}

/* 413 naming the cap that applied to this request. */
static void too_large(struct hreq *h)
{
    size_t mib = h->body.max / (1024 * 1024);
    resp_error(&h->req, &h->resp, 413,
               arena_printf(h->req.arena, "Request body too large: the limit here is %zu MiB",
                            mib ? mib : 1));
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    struct http_server *s = cls;
    struct hreq *h = *con_cls;
    (void)url;
    (void)version;
    if (!h)
        return MHD_NO; /* the URI callback always runs first */
    if (!h->req.method) {
        /* First call: headers are in, the body is not. */
        h->req.method = arena_strdup(h->req.arena, method);
        h->req.is_head = !strcmp(method, "HEAD");
        h->req.header_fn = header_lookup;
        h->req.conn = conn;
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        char addr[INET6_ADDRSTRLEN] = "-";
        if (ci && ci->client_addr) {
            if (ci->client_addr->sa_family == AF_INET)
                inet_ntop(AF_INET, &((struct sockaddr_in *)ci->client_addr)->sin_addr, addr,
                          sizeof(addr));
            else if (ci->client_addr->sa_family == AF_INET6)
                inet_ntop(AF_INET6, &((struct sockaddr_in6 *)ci->client_addr)->sin6_addr, addr,
                          sizeof(addr));
        }
        h->req.remote = arena_strdup(h->req.arena, addr);
        /* Upload routes take larger bodies than the rest. */
        const struct route *rt = NULL;
        if (s->body_limit &&
            route_match(s->routes, s->n_routes, &h->req, &rt, NULL, 0) == ROUTE_FOUND &&
            s->body_limit(rt) > LIMIT_HTTP_BODY_BYTES)
            h->body.max = s->body_limit(rt);
        const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
        if (cl) {
            char *end;
            errno = 0;
            unsigned long long n = strtoull(cl, &end, 10);
            if (errno || end == cl || n > h->body.max) {
                /* Refuse before reading: libmicrohttpd closes the connection after. */
                too_large(h);
                return send_resp(conn, h);
            }
        }
        return MHD_YES;
    }
    if (*upload_data_size) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        if (h->too_large || buf_append(&h->body, upload_data, n) != 0) {
            /* A chunked body that outgrew the cap: drop it, answer 413 at the end. */
            h->too_large = 1;
            h->discarded += n;
            if (h->discarded > DISCARD_MAX) {
                log_warn("dropping connection: body far over the limit");
                return MHD_NO;
            }
        }
        return MHD_YES;
    }
    if (h->responded)
        return MHD_YES;
    if (h->resp.later) {
        /* Called again after the resume: the work is done. */
        later_respond(h);
        return send_resp(conn, h);
    }
    if (h->too_large)
        too_large(h);
    else
        dispatch(s, h);
    if (h->resp.later && h->resp.status == 0)
        return later_start(conn, h);
    h->resp.later = NULL;
    return send_resp(conn, h);
}

/* Parses "HOST:PORT" or "[V6]:PORT" into a socket address. */
static int parse_listen(const char *listen, struct sockaddr_storage *ss, socklen_t *len)
{
    char host[128];
    const char *colon = strrchr(listen, ':');
    if (!colon || colon == listen)
        return E_INVAL;
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (*end || end == colon + 1 || port < 0 || port > 65535)
        return E_INVAL;
    size_t hlen = (size_t)(colon - listen);
    const char *hp = listen;
    if (listen[0] == '[') {
        if (hlen < 2 || colon[-1] != ']')
            return E_INVAL;
        hp++;
        hlen -= 2;
    }
    if (hlen >= sizeof(host))
        return E_INVAL;
    memcpy(host, hp, hlen);
    host[hlen] = '\0';
    memset(ss, 0, sizeof(*ss));
    struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
    if (!strcmp(host, "localhost"))
        memcpy(host, "127.0.0.1", sizeof("127.0.0.1"));
    if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)port);
        *len = sizeof(*v4);
        return 0;
    }
    if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)port);
        *len = sizeof(*v6);
        return 0;
    }
    return E_INVAL;
}

int http_server_start(const struct http_options *opt, const struct route *routes, size_t n,
                      void *app, struct http_server **out)
{
    struct sockaddr_storage ss;
    socklen_t sslen;
    if (parse_listen(opt->listen, &ss, &sslen))
        return E_INVAL;
    int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        log_error("socket: %s", strerror(errno));
        return E_IO;
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (ss.ss_family == AF_INET6)
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
    if (bind(fd, (struct sockaddr *)&ss, sslen) != 0) {
        int e = errno;
        close(fd);
        if (e == EADDRINUSE)
            return E_BUSY;
        log_error("cannot bind %s: %s", opt->listen, strerror(e));
        return E_IO;
    }
    if (listen(fd, 1024) != 0) {
        int e = errno;
        close(fd);
        if (e == EADDRINUSE)
            return E_BUSY;
        log_error("cannot listen on %s: %s", opt->listen, strerror(e));
        return E_IO;
    }
    struct sockaddr_storage bound;
    socklen_t blen = sizeof(bound);
    getsockname(fd, (struct sockaddr *)&bound, &blen);
    struct http_server *s = xcalloc(1, sizeof(*s));
    s->fd = fd;
    s->port = ntohs(bound.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&bound)->sin6_port
                                                : ((struct sockaddr_in *)&bound)->sin_port);
    s->routes = routes;
    s->n_routes = n;
    s->app = app;
    s->authenticate = opt->authenticate;
    s->body_limit = opt->body_limit;
    s->rate_limit = opt->rate_limit;
    atomic_init(&s->in_flight, 0);
    pthread_mutex_init(&s->streams_lock, NULL);
    pthread_mutex_init(&s->later_lock, NULL);
    if (http_ws_start(&s->ws) != 0) {
        close(fd);
        pthread_mutex_destroy(&s->streams_lock);
        pthread_mutex_destroy(&s->later_lock);
        free(s);
        return E_INTERNAL;
    }
    /*
     * Two threads per core: a handler that reads the database waits for it
     * now and then, and one thread per core would leave a core idle
     * meanwhile; more threads than that slow the timelines down (measured:
     * home 1258 req/s with 8, 2312 with 4 on 2 cores). Inbox requests hold
     * no thread while their commit waits (resp_later).
     */
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned int threads =
        opt->threads > 0 ? (unsigned int)opt->threads : (unsigned int)(cores > 0 ? cores * 2 : 4);
    s->daemon =
        MHD_start_daemon(MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG |
                             MHD_ALLOW_SUSPEND_RESUME | MHD_ALLOW_UPGRADE,
                         0, NULL, NULL, on_request, s, MHD_OPTION_EXTERNAL_LOGGER, log_mhd, NULL,
                         MHD_OPTION_LISTEN_SOCKET, fd, MHD_OPTION_THREAD_POOL_SIZE, threads,
                         MHD_OPTION_CONNECTION_LIMIT, (unsigned int)LIMIT_HTTP_CONNECTIONS,
                         MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)LIMIT_HTTP_TIMEOUT_S,
                         MHD_OPTION_CONNECTION_MEMORY_LIMIT,
                         (size_t)(LIMIT_HTTP_HEADER_BYTES + 16 * 1024), MHD_OPTION_URI_LOG_CALLBACK,
                         on_uri, s, MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_END);
    if (!s->daemon) {
        log_error("libmicrohttpd did not start on %s", opt->listen);
        http_ws_stop(s->ws);
        http_ws_free(s->ws);
        close(fd);
        pthread_mutex_destroy(&s->streams_lock);
        pthread_mutex_destroy(&s->later_lock);
        free(s);
        return E_INTERNAL;
    }
    *out = s;
    return 0;
}

int http_server_port(const struct http_server *s)
{
    return s->port;
}

void http_server_stop(struct http_server *s)
{
    if (!s)
        return;
    MHD_socket fd = MHD_quiesce_daemon(s->daemon);
    if (fd != MHD_INVALID_SOCKET)
        close(fd);
    /* Streams end first: each is told to finish and woken if parked. */
    pthread_mutex_lock(&s->streams_lock);
    for (struct hstream *st = s->streams; st; st = st->next) {
        pthread_mutex_lock(&st->lock);
        st->ending = 1;
        if (st->suspended) {
            st->suspended = 0;
            MHD_resume_connection(st->conn);
        }
        pthread_mutex_unlock(&st->lock);
    }
    pthread_mutex_unlock(&s->streams_lock);
    for (int i = 0; i < 500; i++) {
        pthread_mutex_lock(&s->streams_lock);
        int open = s->streams != NULL;
        pthread_mutex_unlock(&s->streams_lock);
        if (!open)
            break;
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    /* WebSockets get a close frame (1001) and are let go. */
    http_ws_stop(s->ws);
    /* In-flight requests get up to ten seconds to finish. */
    for (int i = 0; i < 1000 && atomic_load(&s->in_flight) > 0; i++) {
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    if (atomic_load(&s->in_flight) > 0)
        log_warn("stopping with %d requests still in flight", atomic_load(&s->in_flight));
    MHD_stop_daemon(s->daemon);
    http_ws_free(s->ws);
    pthread_mutex_destroy(&s->streams_lock);
    pthread_mutex_destroy(&s->later_lock);
    free(s);
}
