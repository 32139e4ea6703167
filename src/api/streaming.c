/*
 * api/streaming: the streaming API over server-sent events
 * (/api/v1/streaming/user, /public, /public/local, /public/remote,
 * /hashtag, /hashtag/local, /health).
 *
 * A hub keeps one subscription per open stream. Core events (published
 * after their transaction commits) are queued on every subscription and
 * the stream is woken; the stream's reader then renders each event for its
 * own viewer, through the same entities and visibility rule as every
 * other path, and skips what does not belong to its stream. A heartbeat
 * comment goes out every STREAM_HEARTBEAT_S seconds so that proxies keep
 * the connection. A parked stream holds no thread.
 *
 * Lifetime: a subscription is created by the route handler, joins the hub
 * at the stream's first read (when the server has set its wake handle) and
 * is freed by the stream's close callback; the hub lock guards the list
 * and every queue, and wake is only ever called under it.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "api/api.h"
#include "api/internal.h"
#include "core/events.h"
#include "core/tag.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/id.h"
#include "util/limits.h"
#define LOG_MODULE "streaming"
#include "util/log.h"
#include "util/mem.h"

#define STREAM_QUEUE 128
#define STREAM_HEARTBEAT_S 15
#define STREAM_OUT_MAX (LIMIT_HTTP_BODY_BYTES * 4)

enum stream_kind {
    STREAM_USER,
    STREAM_USER_NOTIFICATION,
    STREAM_PUBLIC,
    STREAM_PUBLIC_LOCAL,
    STREAM_PUBLIC_REMOTE,
    STREAM_HASHTAG,
    STREAM_HASHTAG_LOCAL,
};

struct sub {
    struct sub *next;
    struct core *core;
    enum stream_kind kind;
    int64_t account; /* the viewer; 0 when anonymous */
    const char *scopes;
    char tag[LIMIT_HASHTAG_CHARS * 4 + 1];
    struct event queue[STREAM_QUEUE];
    size_t head, count;
    int heartbeat_due;
    struct resp_stream rs;
    struct buf out; /* rendered, not yet sent */
    size_t sent;
    int linked; /* in the hub's list (from the first read on) */
};

static pthread_mutex_t hub_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t hub_cond = PTHREAD_COND_INITIALIZER;
static struct sub *subs;
static pthread_t heartbeat_thread;
static int running;

static void wake(struct sub *sb)
{
    if (sb->rs.wake)
        sb->rs.wake(sb->rs.handle);
}

static void on_event(void *ctx, const struct event *ev)
{
    (void)ctx;
    pthread_mutex_lock(&hub_lock);
    for (struct sub *sb = subs; sb; sb = sb->next) {
        if (ev->kind == EVENT_NOTIFICATION && ev->account_id != sb->account)
            continue;
        if (sb->count == STREAM_QUEUE) {
            /* A reader that falls this far behind loses its oldest events. */
            sb->head = (sb->head + 1) % STREAM_QUEUE;
            sb->count--;
        }
        sb->queue[(sb->head + sb->count) % STREAM_QUEUE] = *ev;
        sb->count++;
        wake(sb);
    }
    pthread_mutex_unlock(&hub_lock);
}

static void *heartbeat_main(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&hub_lock);
    while (running) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += STREAM_HEARTBEAT_S;
        pthread_cond_timedwait(&hub_cond, &hub_lock, &until);
        if (!running)
            break;
        for (struct sub *sb = subs; sb; sb = sb->next) {
            sb->heartbeat_due = 1;
            wake(sb);
        }
    }
    pthread_mutex_unlock(&hub_lock);
    return NULL;
}

void api_streaming_start(void)
{
    running = 1;
    events_listen(on_event, NULL);
    if (pthread_create(&heartbeat_thread, NULL, heartbeat_main, NULL) != 0) {
        log_error("cannot start the streaming heartbeat");
        running = 0;
    }
}

void api_streaming_stop(void)
{
    events_listen(NULL, NULL);
    pthread_mutex_lock(&hub_lock);
    int was = running;
    running = 0;
    pthread_cond_broadcast(&hub_cond);
    pthread_mutex_unlock(&hub_lock);
    if (was)
        pthread_join(heartbeat_thread, NULL);
}

/* Does a status event belong to this stream? Visibility is checked when rendering. */
static int status_fits(struct sub *sb, struct db_conn *c, struct arena *a, int64_t id)
{
    struct status *st;
    if (status_get(c, a, id, &st) != 0)
        return 0;
    switch (sb->kind) {
    case STREAM_USER: {
        if (st->account_id == sb->account)
            return 1;
        struct db_stmt *s;
        int found = 0;
        if (db_prepare(c,
                       "SELECT 1 FROM follows WHERE account_id = ? AND target_account_id = ?"
                       " AND accepted = 1",
                       &s) == 0) {
            db_bind_i64(s, 1, sb->account);
            db_bind_i64(s, 2, st->account_id);
            found = db_step(s) == DB_ROW;
            db_stmt_done(s);
        }
        return found || tag_home_fits(c, sb->account, id) == 1;
    }
    case STREAM_USER_NOTIFICATION:
        return 0;
    case STREAM_PUBLIC:
    case STREAM_PUBLIC_LOCAL:
    case STREAM_PUBLIC_REMOTE:
        if (st->reblog_of_id || (st->visibility != VIS_PUBLIC && st->visibility != VIS_LOCAL))
            return 0;
        if (sb->kind == STREAM_PUBLIC_LOCAL && !st->local)
            return 0;
        if (sb->kind == STREAM_PUBLIC_REMOTE && st->local)
            return 0;
        return 1;
    case STREAM_HASHTAG:
    case STREAM_HASHTAG_LOCAL: {
        if (st->reblog_of_id || (sb->kind == STREAM_HASHTAG_LOCAL && !st->local))
            return 0;
        const char **names;
        size_t n = 0;
        if (status_tags(c, a, id, &names, &n) != 0)
            return 0;
        for (size_t i = 0; i < n; i++)
            if (!strcmp(names[i], sb->tag))
                return 1;
        return 0;
    }
    }
    return 0;
}

/* Renders one event for the subscription's viewer into sb->out (nothing when it does not fit). */
static void render(struct sub *sb, const struct event *ev)
{
    char idbuf[ID_STR_MAX];
    if (ev->kind == EVENT_STATUS_DELETE) {
        /* The row is gone: every stream hears the id, as Mastodon does. */
        if (sb->kind != STREAM_USER_NOTIFICATION)
            buf_printf(&sb->out, "event: delete\ndata: %s\n\n", id_to_str(ev->id, idbuf));
        return;
    }
    struct arena *a = arena_new();
    struct req req;
    api_req_for(&req, a, sb->core, sb->account, sb->scopes);
    struct db_conn *c;
    if (db_acquire(sb->core->db, DB_READ, &c) != 0) {
        arena_free(a);
        return;
    }
    json_t *j = NULL;
    const char *name = NULL;
    if (ev->kind == EVENT_NOTIFICATION) {
        struct notification *nt;
        if (notification_get(c, a, sb->account, ev->id, &nt) == 0)
            j = api_notification_json(&req, c, nt);
        name = "notification";
    } else if (status_fits(sb, c, a, ev->id)) {
        j = api_status_json(&req, c, ev->id);
        name = ev->kind == EVENT_STATUS_UPDATE ? "status.update" : "update";
    }
    db_release(c);
    if (j) {
        char *text = json_dumps(j, JSON_COMPACT);
        json_decref(j);
        if (text) {
            if (buf_printf(&sb->out, "event: %s\ndata: %s\n\n", name, text) != 0)
                log_warn("streaming event too large to send");
            free(text);
        }
    }
    arena_free(a);
}

static long sub_read(void *ctx, char *buf, size_t max)
{
    struct sub *sb = ctx;
    if (!sb->linked) {
        pthread_mutex_lock(&hub_lock);
        sb->next = subs;
        subs = sb;
        sb->linked = 1;
        pthread_mutex_unlock(&hub_lock);
    }
    for (;;) {
        if (sb->sent < sb->out.len) {
            size_t n = sb->out.len - sb->sent;
            if (n > max)
                n = max;
            memcpy(buf, sb->out.data + sb->sent, n);
            sb->sent += n;
            if (sb->sent == sb->out.len) {
                buf_reset(&sb->out);
                sb->sent = 0;
            }
            return (long)n;
        }
        struct event ev;
        int have = 0, beat = 0;
        pthread_mutex_lock(&hub_lock);
        if (sb->count) {
            ev = sb->queue[sb->head];
            sb->head = (sb->head + 1) % STREAM_QUEUE;
            sb->count--;
            have = 1;
        } else if (sb->heartbeat_due) {
            sb->heartbeat_due = 0;
            beat = 1;
        }
        pthread_mutex_unlock(&hub_lock);
        if (have) {
            render(sb, &ev);
            continue; /* it may have rendered nothing: look again */
        }
        if (beat) {
            buf_puts(&sb->out, ":thump\n");
            continue;
        }
        return 0;
    }
}

static void sub_close(void *ctx)
{
    struct sub *sb = ctx;
    pthread_mutex_lock(&hub_lock);
    for (struct sub **pp = &subs; *pp; pp = &(*pp)->next) {
        if (*pp == sb) {
            *pp = sb->next;
            break;
        }
    }
    pthread_mutex_unlock(&hub_lock);
    buf_fini(&sb->out);
    free((void *)sb->scopes);
    free(sb);
}

static int open_stream(struct req *req, struct resp *resp, enum stream_kind kind)
{
    struct core *core = req->app;
    if ((kind == STREAM_USER || kind == STREAM_USER_NOTIFICATION) && api_require_user(req, resp))
        return 0;
    const char *tag = NULL;
    if (kind == STREAM_HASHTAG || kind == STREAM_HASHTAG_LOCAL) {
        tag = req_arg(req, "tag");
        if (!tag || !*tag || strlen(tag) > LIMIT_HASHTAG_CHARS * 4) {
            api_invalid(req, resp, "tag is missing or too long");
            return 0;
        }
    }
    struct sub *sb = xcalloc(1, sizeof(*sb));
    sb->core = core;
    sb->kind = kind;
    sb->account = api_account_id(req);
    struct oauth_token *t = api_token(req);
    sb->scopes = xstrdup(t ? t->scopes : "read");
    if (tag) {
        size_t k = 0;
        for (const char *p = tag[0] == '#' ? tag + 1 : tag; *p && k < sizeof(sb->tag) - 1; p++)
            sb->tag[k++] = (*p >= 'A' && *p <= 'Z') ? (char)(*p - 'A' + 'a') : *p;
    }
    buf_init(&sb->out, STREAM_OUT_MAX);
    sb->rs.read = sub_read;
    sb->rs.close = sub_close;
    sb->rs.ctx = sb;
    /* A first comment, so that clients see the stream open at once. */
    buf_puts(&sb->out, ":)\n");
    resp->status = 200;
    resp->content_type = "text/event-stream";
    /* The server fills sb->rs.wake and .handle when the stream starts; the first read
     * then links the subscription into the hub (see sub_read). */
    resp->stream = &sb->rs;
    return 0;
}

static int user(struct req *req, struct resp *resp)
{
    return open_stream(req, resp, STREAM_USER);
}

static int user_notification(struct req *req, struct resp *resp)
{
    return open_stream(req, resp, STREAM_USER_NOTIFICATION);
}

static int public_all(struct req *req, struct resp *resp)
{
    return open_stream(req, resp, STREAM_PUBLIC);
}

static int public_local(struct req *req, struct resp *resp)
{
    return open_stream(req, resp, STREAM_PUBLIC_LOCAL);
}

static int public_remote(struct req *req, struct resp *resp)
{
    return open_stream(req, resp, STREAM_PUBLIC_REMOTE);
}

static int hashtag(struct req *req, struct resp *resp)
{
    return open_stream(req, resp, STREAM_HASHTAG);
}

static int hashtag_local(struct req *req, struct resp *resp)
{
    return open_stream(req, resp, STREAM_HASHTAG_LOCAL);
}

/* GET /api/v1/streaming/health */
static int health(struct req *req, struct resp *resp)
{
    resp_body(req, resp, 200, "text/plain; charset=utf-8", "OK", 2);
    return 0;
}

const struct route api_streaming_routes[] = {
    {"GET", "/api/v1/streaming/health", health, ROUTE_AUTH_NONE, NULL},
    {"GET", "/api/v1/streaming/user", user, ROUTE_AUTH_REQUIRED, "read:statuses"},
    {"GET", "/api/v1/streaming/user/notification", user_notification, ROUTE_AUTH_REQUIRED,
     "read:notifications"},
    {"GET", "/api/v1/streaming/public", public_all, ROUTE_AUTH_OPTIONAL, NULL},
    {"GET", "/api/v1/streaming/public/local", public_local, ROUTE_AUTH_OPTIONAL, NULL},
    {"GET", "/api/v1/streaming/public/remote", public_remote, ROUTE_AUTH_OPTIONAL, NULL},
    {"GET", "/api/v1/streaming/hashtag", hashtag, ROUTE_AUTH_OPTIONAL, NULL},
    {"GET", "/api/v1/streaming/hashtag/local", hashtag_local, ROUTE_AUTH_OPTIONAL, NULL},
};
const size_t api_streaming_routes_count =
    sizeof(api_streaming_routes) / sizeof(api_streaming_routes[0]);
