/*
 * http/ws: WebSocket connections after libmicrohttpd's upgrade.
 *
 * Design: libmicrohttpd (epoll thread pool) parses the upgrade request and
 * sends the 101; its upgrade handler then hands the raw socket to this
 * module and forgets it (an upgraded connection is suspended inside
 * libmicrohttpd and costs it no polling). One loop thread owns every
 * upgraded socket: an epoll set with each socket (non-blocking, level
 * triggered, EPOLLOUT only while output is pending) and an eventfd for
 * wakes. wslay does the framing. So thousands of idle WebSockets hold no
 * thread each: a connection is a struct wsc, a wslay context and the
 * handler's subscription.
 *
 * Traffic: a wake (from the streaming hub, any thread) sets the
 * connection's woken flag and writes the eventfd; the loop then asks the
 * handler's next() for messages until none is left or
 * LIMIT_WS_QUEUE_BYTES wait unsent (a client that does not read stops
 * being fed; the hub drops its oldest events), and writes what the socket
 * takes. A client's text message goes to message(); binary messages are
 * refused with 1003 and messages over LIMIT_WS_MESSAGE_BYTES with 1009
 * (by wslay). wslay answers pings; the loop pings every HTTP_WS_PING_S
 * seconds and drops a connection silent for two ping periods (it answers
 * no pong: it is gone).
 *
 * Lifetime: a struct wsc is created by http_ws_prepare just before the 101
 * is queued (its first next() joins the streaming hub then, so no event
 * published after the client sees the 101 is missed; what arrives before
 * the socket is queued in wslay), given its socket by http_ws_adopt
 * (libmicrohttpd's upgrade handler), handed to the loop through a locked
 * list, and
 * freed only by the loop thread: after a connection fails or finishes its
 * close handshake (or five seconds after our close frame), the loop
 * removes the socket from epoll, calls the handler's close (after which
 * no wake comes), tells libmicrohttpd to close the socket, and frees it.
 * Connections marked dead are freed only at the end of a loop turn, so no
 * epoll event of the same turn can point at freed memory. http_ws_stop
 * sends 1001 to everyone, waits up to two seconds for the frames to leave
 * and frees what remains.
 */
#include "http/ws.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <sodium.h>
#include <wslay/wslay.h>

#include "util/err.h"
#include "util/limits.h"
#define LOG_MODULE "ws"
#include "util/log.h"
#include "util/mem.h"
#include "util/timeutil.h"

#define WS_CLOSE_WAIT_MS 5000 /* for the client's close frame after ours */
#define WS_STOP_WAIT_MS 2000  /* for close frames to leave at shutdown */
#define WS_EVENTS 64

struct wsc {
    struct wsc *next, *prev; /* the loop's list (loop thread only) */
    struct http_ws *w;
    struct resp_ws cb;
    int fd;
    struct MHD_UpgradeResponseHandle *urh;
    wslay_event_context_ptr ctx;
    char *extra; /* bytes read by libmicrohttpd past the request */
    size_t extra_len, extra_off;
    atomic_int woken;
    uint32_t interest; /* epoll events registered */
    int64_t last_heard_ms;
    int64_t last_ping_ms;
    int64_t close_by_ms; /* 0 until we sent a close frame */
    int draining;        /* closed on our side; reading until the client hangs up */
    int dead;
};

struct http_ws {
    int epfd;
    int evfd;
    pthread_t thread;
    int started;
    pthread_mutex_t lock;
    struct wsc *incoming; /* adopted, not yet in the loop (under lock) */
    int stopping;         /* under lock */
    int stopped;          /* under lock: the thread is gone, adopt closes at once */
    struct wsc *conns;    /* loop thread only */
    int64_t stop_by;      /* loop thread only: when stopping gives up waiting (0: running) */
};

static int64_t now_ms(void)
{
    return time_mono_us() / 1000;
}

static ssize_t on_recv(wslay_event_context_ptr ctx, uint8_t *buf, size_t len, int flags, void *ud)
{
    struct wsc *c = ud;
    (void)flags;
    if (c->extra_off < c->extra_len) {
        size_t n = c->extra_len - c->extra_off;
        if (n > len)
            n = len;
        memcpy(buf, c->extra + c->extra_off, n);
        c->extra_off += n;
        c->last_heard_ms = now_ms();
        return (ssize_t)n;
    }
    ssize_t r = recv(c->fd, buf, len, 0);
    if (r > 0) {
        c->last_heard_ms = now_ms();
        return r;
    }
    if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
    else
        wslay_event_set_error(ctx, WSLAY_ERR_CALLBACK_FAILURE); /* closed or broken */
    return -1;
}

static ssize_t on_send(wslay_event_context_ptr ctx, const uint8_t *data, size_t len, int flags,
                       void *ud)
{
    struct wsc *c = ud;
    int f = MSG_NOSIGNAL | ((flags & WSLAY_MSG_MORE) ? MSG_MORE : 0);
    ssize_t r = send(c->fd, data, len, f);
    if (r >= 0)
        return r;
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
        wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
    else
        wslay_event_set_error(ctx, WSLAY_ERR_CALLBACK_FAILURE);
    return -1;
}

static void on_message(wslay_event_context_ptr ctx, const struct wslay_event_on_msg_recv_arg *m,
                       void *ud)
{
    struct wsc *c = ud;
    if (m->opcode == WSLAY_TEXT_FRAME) {
        /* wslay's buffer has no terminating NUL: hand the handler a copy that has one. */
        char *text = xmalloc(m->msg_length + 1);
        memcpy(text, m->msg, m->msg_length);
        text[m->msg_length] = '\0';
        c->cb.message(c->cb.ctx, text, m->msg_length);
        free(text);
    } else if (m->opcode == WSLAY_BINARY_FRAME) {
        static const char why[] = "text messages only";
        wslay_event_queue_close(ctx, WSLAY_CODE_UNSUPPORTED_DATA, (const uint8_t *)why,
                                sizeof(why) - 1);
        c->close_by_ms = now_ms() + WS_CLOSE_WAIT_MS;
    }
    /* Pings are answered by wslay; pongs only prove the client is there (on_recv). */
}

static const struct wslay_event_callbacks callbacks = {
    .recv_callback = on_recv,
    .send_callback = on_send,
    .on_msg_recv_callback = on_message,
};

/* Takes messages from the handler while the send queue has room, then writes. */
static void pump(struct wsc *c)
{
    if (c->dead)
        return;
    for (;;) {
        int took = 0;
        while (!c->close_by_ms && wslay_event_get_write_enabled(c->ctx) &&
               wslay_event_get_queued_msg_length(c->ctx) < LIMIT_WS_QUEUE_BYTES) {
            const char *msg;
            size_t len;
            if (!c->cb.next(c->cb.ctx, &msg, &len))
                break;
            struct wslay_event_msg m = {WSLAY_TEXT_FRAME, (const uint8_t *)msg, len};
            if (wslay_event_queue_msg(c->ctx, &m) != 0) {
                c->dead = 1;
                return;
            }
            took = 1;
        }
        size_t before = wslay_event_get_queued_msg_length(c->ctx);
        if (wslay_event_send(c->ctx) != 0) {
            c->dead = 1;
            return;
        }
        /* Go round again only when the queue drained and more may be waiting. */
        if (!took || wslay_event_want_write(c->ctx) ||
            wslay_event_get_queued_msg_length(c->ctx) == before)
            break;
    }
}

/* Registers the events the connection now waits for; marks it dead when it is done. */
static void update_interest(struct wsc *c)
{
    if (c->dead)
        return;
    int rd = wslay_event_want_read(c->ctx), wr = wslay_event_want_write(c->ctx);
    if (!rd && !wr && !c->draining) {
        if (wslay_event_get_close_received(c->ctx)) {
            c->dead = 1; /* both sides closed */
            return;
        }
        /*
         * We closed (an error, a message too big) while the client may still be sending:
         * closing the socket now would reset it and could lose our close frame. Read and
         * drop until the client hangs up, or for WS_CLOSE_WAIT_MS.
         */
        shutdown(c->fd, SHUT_WR);
        c->draining = 1;
        if (!c->close_by_ms)
            c->close_by_ms = now_ms() + WS_CLOSE_WAIT_MS;
    }
    uint32_t want = c->draining ? EPOLLIN : (rd ? EPOLLIN : 0) | (wr ? EPOLLOUT : 0);
    if (want == c->interest)
        return;
    struct epoll_event ev = {.events = want, .data.ptr = c};
    if (epoll_ctl(c->w->epfd, EPOLL_CTL_MOD, c->fd, &ev) != 0)
        c->dead = 1;
    else
        c->interest = want;
}

static void queue_close(struct wsc *c, uint16_t code, const char *why)
{
    if (c->close_by_ms || c->dead)
        return;
    wslay_event_queue_close(c->ctx, code, (const uint8_t *)why, strlen(why));
    c->close_by_ms = now_ms() + WS_CLOSE_WAIT_MS;
    pump(c);
    update_interest(c);
}

/* Ends a connection: out of epoll, the handler told, the socket back to libmicrohttpd. */
static void finish(struct wsc *c)
{
    if (c->interest)
        epoll_ctl(c->w->epfd, EPOLL_CTL_DEL, c->fd, NULL);
    c->cb.close(c->cb.ctx);
    wslay_event_context_free(c->ctx);
    if (c->urh)
        MHD_upgrade_action(c->urh, MHD_UPGRADE_ACTION_CLOSE);
    free(c->extra);
    free(c);
}

/* A socket that comes after the loop stopped hears "going away" as its only frame. */
static void finish_late(struct wsc *c)
{
    static const unsigned char going_away[] = {0x88, 0x02, 0x03, 0xe9}; /* close, 1001 */
    if (send(c->fd, going_away, sizeof(going_away), MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
        log_debug("no close frame for a late WebSocket: %s", strerror(errno));
    finish(c);
}

static void unlink_conn(struct http_ws *w, struct wsc *c)
{
    if (c->prev)
        c->prev->next = c->next;
    else
        w->conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
}

/* Frees the connections marked dead (end of a loop turn). */
static void reap(struct http_ws *w)
{
    struct wsc *c = w->conns;
    while (c) {
        struct wsc *next = c->next;
        if (c->dead) {
            unlink_conn(w, c);
            finish(c);
        }
        c = next;
    }
}

/* Moves adopted sockets into the loop. */
static void take_incoming(struct http_ws *w)
{
    pthread_mutex_lock(&w->lock);
    struct wsc *list = w->incoming;
    w->incoming = NULL;
    pthread_mutex_unlock(&w->lock);
    while (list) {
        struct wsc *c = list;
        list = c->next;
        c->next = c->prev = NULL;
        int fl = fcntl(c->fd, F_GETFL);
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
        if (fl < 0 || fcntl(c->fd, F_SETFL, fl | O_NONBLOCK) != 0 ||
            epoll_ctl(w->epfd, EPOLL_CTL_ADD, c->fd, &ev) != 0) {
            log_warn("cannot watch a WebSocket connection: %s", strerror(errno));
            finish(c);
            continue;
        }
        c->interest = EPOLLIN;
        c->last_heard_ms = c->last_ping_ms = now_ms();
        c->next = w->conns;
        if (w->conns)
            w->conns->prev = c;
        w->conns = c;
        /* Whatever the client sent with its request, then whatever is ready to go. */
        if (c->extra_len && wslay_event_recv(c->ctx) != 0)
            c->dead = 1;
        pump(c);
        update_interest(c);
        if (w->stop_by)
            queue_close(c, WSLAY_CODE_GOING_AWAY, "server stopping");
    }
}

static void on_io(struct wsc *c, uint32_t events)
{
    if (c->dead)
        return;
    if (c->draining) {
        char sink[4096];
        ssize_t r;
        while ((r = recv(c->fd, sink, sizeof(sink), 0)) > 0)
            ;
        if (r == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
            c->dead = 1;
        return;
    }
    if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
        if (wslay_event_recv(c->ctx) != 0) {
            c->dead = 1;
            return;
        }
        if (wslay_event_get_close_received(c->ctx) && !c->close_by_ms)
            c->close_by_ms = now_ms() + WS_CLOSE_WAIT_MS; /* wslay queued the answer */
    }
    pump(c);
    update_interest(c);
}

/* Pings, and drops the silent and those that never finish closing. */
static void on_tick(struct http_ws *w, int64_t now)
{
    for (struct wsc *c = w->conns; c; c = c->next) {
        if (c->dead)
            continue;
        if (c->close_by_ms) {
            if (now > c->close_by_ms)
                c->dead = 1;
            continue;
        }
        if (now - c->last_heard_ms > 2 * HTTP_WS_PING_S * 1000 + 5000) {
            c->dead = 1;
            continue;
        }
        if (now - c->last_ping_ms >= HTTP_WS_PING_S * 1000) {
            struct wslay_event_msg m = {WSLAY_PING, (const uint8_t *)"", 0};
            c->last_ping_ms = now;
            if (wslay_event_queue_msg(c->ctx, &m) != 0)
                c->dead = 1;
            pump(c);
            update_interest(c);
        }
    }
}

static void drain_eventfd(int fd)
{
    uint64_t v;
    while (read(fd, &v, sizeof(v)) == (ssize_t)sizeof(v))
        ;
}

static void *loop_main(void *arg)
{
    struct http_ws *w = arg;
    struct epoll_event evs[WS_EVENTS];
    int64_t last_tick = now_ms();
    for (;;) {
        int n = epoll_wait(w->epfd, evs, WS_EVENTS, 1000);
        int woken = 0;
        for (int i = 0; i < n; i++) {
            if (!evs[i].data.ptr) {
                drain_eventfd(w->evfd);
                woken = 1;
            } else {
                on_io(evs[i].data.ptr, evs[i].events);
            }
        }
        take_incoming(w);
        if (woken)
            for (struct wsc *c = w->conns; c; c = c->next)
                if (atomic_exchange(&c->woken, 0)) {
                    pump(c);
                    update_interest(c);
                }
        int64_t now = now_ms();
        if (now - last_tick >= 1000) {
            last_tick = now;
            on_tick(w, now);
        }
        pthread_mutex_lock(&w->lock);
        int stopping = w->stopping;
        pthread_mutex_unlock(&w->lock);
        if (stopping && !w->stop_by) {
            w->stop_by = now + WS_STOP_WAIT_MS;
            for (struct wsc *c = w->conns; c; c = c->next)
                queue_close(c, WSLAY_CODE_GOING_AWAY, "server stopping");
        }
        reap(w);
        if (w->stop_by && (!w->conns || now > w->stop_by))
            break;
    }
    for (struct wsc *c = w->conns; c; c = c->next)
        c->dead = 1;
    reap(w);
    return NULL;
}

/* resp_ws.wake: any thread. */
static void ws_wake(void *handle)
{
    struct wsc *c = handle;
    uint64_t one = 1;
    atomic_store(&c->woken, 1);
    if (write(c->w->evfd, &one, sizeof(one)) < 0 && errno != EAGAIN)
        log_warn("cannot wake the WebSocket loop: %s", strerror(errno));
}

int http_ws_start(struct http_ws **out)
{
    struct http_ws *w = xcalloc(1, sizeof(*w));
    w->epfd = epoll_create1(EPOLL_CLOEXEC);
    w->evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    pthread_mutex_init(&w->lock, NULL);
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
    if (w->epfd < 0 || w->evfd < 0 || epoll_ctl(w->epfd, EPOLL_CTL_ADD, w->evfd, &ev) != 0 ||
        pthread_create(&w->thread, NULL, loop_main, w) != 0) {
        log_error("cannot start the WebSocket loop: %s", strerror(errno));
        w->stopped = 1;
        http_ws_free(w);
        return E_IO;
    }
    w->started = 1;
    *out = w;
    return 0;
}

void http_ws_stop(struct http_ws *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->lock);
    int was = w->started && !w->stopping;
    w->stopping = 1;
    pthread_mutex_unlock(&w->lock);
    if (!was)
        return;
    uint64_t one = 1;
    if (write(w->evfd, &one, sizeof(one)) < 0)
        log_warn("cannot wake the WebSocket loop: %s", strerror(errno));
    pthread_join(w->thread, NULL);
    pthread_mutex_lock(&w->lock);
    w->stopped = 1;
    struct wsc *late = w->incoming;
    w->incoming = NULL;
    pthread_mutex_unlock(&w->lock);
    while (late) {
        struct wsc *c = late;
        late = c->next;
        finish_late(c);
    }
}

void http_ws_free(struct http_ws *w)
{
    if (!w)
        return;
    if (w->epfd >= 0)
        close(w->epfd);
    if (w->evfd >= 0)
        close(w->evfd);
    pthread_mutex_destroy(&w->lock);
    free(w);
}

struct wsc *http_ws_prepare(struct http_ws *w, struct resp_ws *cb)
{
    struct wsc *c = xcalloc(1, sizeof(*c));
    c->w = w;
    c->fd = -1;
    atomic_init(&c->woken, 0);
    if (wslay_event_context_server_init(&c->ctx, &callbacks, c) != 0) {
        free(c);
        return NULL;
    }
    wslay_event_config_set_max_recv_msg_length(c->ctx, LIMIT_WS_MESSAGE_BYTES);
    cb->wake = ws_wake;
    cb->handle = c;
    c->cb = *cb;
    /* The first next() joins the hub: from here on no event is missed. */
    const char *msg;
    size_t len;
    while (wslay_event_get_queued_msg_length(c->ctx) < LIMIT_WS_QUEUE_BYTES &&
           c->cb.next(c->cb.ctx, &msg, &len)) {
        struct wslay_event_msg m = {WSLAY_TEXT_FRAME, (const uint8_t *)msg, len};
        if (wslay_event_queue_msg(c->ctx, &m) != 0)
            break;
    }
    return c;
}

void http_ws_discard(struct wsc *c)
{
    if (c)
        finish(c);
}

void http_ws_adopt(struct wsc *c, MHD_socket sock, const char *extra, size_t n,
                   struct MHD_UpgradeResponseHandle *urh)
{
    struct http_ws *w = c->w;
    c->fd = sock;
    c->urh = urh;
    if (n) {
        c->extra = xmalloc(n);
        memcpy(c->extra, extra, n);
        c->extra_len = n;
    }
    pthread_mutex_lock(&w->lock);
    int stopped = w->stopped;
    if (!stopped) {
        c->next = w->incoming;
        w->incoming = c;
    }
    pthread_mutex_unlock(&w->lock);
    if (stopped) {
        finish_late(c);
        return;
    }
    uint64_t one = 1;
    if (write(w->evfd, &one, sizeof(one)) < 0 && errno != EAGAIN)
        log_warn("cannot wake the WebSocket loop: %s", strerror(errno));
}

/* Does a comma-separated header value hold this token (case-insensitive)? */
static int has_token(const char *value, const char *token)
{
    size_t tl = strlen(token);
    for (const char *p = value; p && *p;) {
        while (*p == ' ' || *p == ',' || *p == '\t')
            p++;
        size_t n = strcspn(p, ", \t");
        if (n == tl && !strncasecmp(p, token, tl))
            return 1;
        p += n;
    }
    return 0;
}

int http_ws_handshake(struct MHD_Connection *conn, char accept[HTTP_WS_ACCEPT_LEN])
{
    static const char guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    const char *up = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Upgrade");
    const char *co = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Connection");
    const char *ver = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Sec-WebSocket-Version");
    const char *key = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Sec-WebSocket-Key");
    if (!up || !has_token(up, "websocket") || !co || !has_token(co, "upgrade") || !key)
        return 400;
    if (!ver || strcmp(ver, "13"))
        return 426;
    unsigned char raw[32];
    size_t raw_len = 0;
    size_t klen = strlen(key);
    if (klen != 24 ||
        sodium_base642bin(raw, sizeof(raw), key, klen, NULL, &raw_len, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        raw_len != 16)
        return 400;
    char text[24 + sizeof(guid)];
    memcpy(text, key, 24);
    memcpy(text + 24, guid, sizeof(guid));
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    if (EVP_Digest(text, strlen(text), md, &md_len, EVP_sha1(), NULL) != 1 || md_len != 20)
        return 400;
    sodium_bin2base64(accept, HTTP_WS_ACCEPT_LEN, md, 20, sodium_base64_VARIANT_ORIGINAL);
    return 0;
}
