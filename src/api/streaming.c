/*
 * api/streaming: the streaming API, over server-sent events
 * (/api/v1/streaming/user, /public, /public/local, /public/remote,
 * /hashtag, /hashtag/local, /list, /neighborhood, /health) and over a WebSocket
 * (/api/v1/streaming, several streams on one connection).
 *
 * A hub keeps one subscription per open connection; a subscription holds
 * the connection's channels (one for an SSE stream; any number, up to
 * STREAM_CHANNELS_MAX, changed by "subscribe" and "unsubscribe" messages,
 * for a WebSocket). Core events (published after their transaction
 * commits) are queued on every subscription and the connection is woken;
 * its reader then renders each event once for its own viewer, through the
 * same entities and visibility rule as every other path, and writes it
 * for each channel it belongs to, in the surface's format (SSE lines, or
 * Mastodon's WebSocket JSON {"stream": [...], "event": ..., "payload":
 * "<JSON as a string>"}). SSE streams get a heartbeat comment every
 * STREAM_HEARTBEAT_S seconds; WebSocket pings are the server's business
 * (http/ws.c). Neither surface holds a thread while idle.
 *
 * Lifetime: a subscription is created by the route handler, joins the hub
 * at its connection's first read (when the server has set its wake
 * handle) and is freed by the connection's close callback; the hub lock
 * guards the list and every queue, and wake is only ever called under it.
 * Channels are touched only by the connection's own reader.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "api/api.h"
#include "api/internal.h"
#include "core/conversation.h"
#include "core/events.h"
#include "core/list.h"
#include "core/timeline.h"
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
#define STREAM_CHANNELS_MAX 16
#define STREAM_TAG_MAX (LIMIT_HASHTAG_CHARS * 4)

enum stream_kind {
    STREAM_USER,
    STREAM_USER_NOTIFICATION,
    STREAM_PUBLIC,
    STREAM_PUBLIC_LOCAL,
    STREAM_PUBLIC_REMOTE,
    STREAM_HASHTAG,
    STREAM_HASHTAG_LOCAL,
    STREAM_LIST,
    STREAM_DIRECT,
    STREAM_NEIGHBORHOOD,
};

/* Mastodon's stream names. */
static const char *const kind_names[] = {
    [STREAM_USER] = "user",
    [STREAM_USER_NOTIFICATION] = "user:notification",
    [STREAM_PUBLIC] = "public",
    [STREAM_PUBLIC_LOCAL] = "public:local",
    [STREAM_PUBLIC_REMOTE] = "public:remote",
    [STREAM_HASHTAG] = "hashtag",
    [STREAM_HASHTAG_LOCAL] = "hashtag:local",
    [STREAM_LIST] = "list",
    [STREAM_DIRECT] = "direct",
    [STREAM_NEIGHBORHOOD] = "neighborhood",
};

/* One stream a connection listens to. */
struct channel {
    enum stream_kind kind;
    char *tag;    /* hashtag streams: the tag, lowercased, without '#' (owned) */
    char *arg;    /* the stream name's second part: the tag as given, or the list id (owned) */
    int64_t list; /* list streams */
};

struct sub {
    struct sub *next;
    struct core *core;
    int64_t account; /* the viewer */
    char *scopes;
    int notifications; /* the token may read notifications */
    int websocket;
    struct channel chans[STREAM_CHANNELS_MAX];
    size_t n_chans;
    struct event queue[STREAM_QUEUE];
    size_t head, count;
    int heartbeat_due;
    struct resp_stream rs; /* SSE */
    struct resp_ws ws;     /* WebSocket */
    struct buf out;        /* SSE: rendered bytes; WebSocket: messages, one per line */
    size_t sent;           /* bytes of out already handed to the server */
    int linked;            /* in the hub's list (from the first read on) */
};

static pthread_mutex_t hub_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t hub_cond = PTHREAD_COND_INITIALIZER;
static struct sub *subs;
static pthread_t heartbeat_thread;
static int running;

static void wake(struct sub *sb)
{
    if (sb->websocket && sb->ws.wake)
        sb->ws.wake(sb->ws.handle);
    else if (!sb->websocket && sb->rs.wake)
        sb->rs.wake(sb->rs.handle);
}

static void on_event(void *ctx, const struct event *ev)
{
    (void)ctx;
    pthread_mutex_lock(&hub_lock);
    for (struct sub *sb = subs; sb; sb = sb->next) {
        if ((ev->kind == EVENT_NOTIFICATION || ev->kind == EVENT_CONVERSATION ||
             ev->kind == EVENT_FILTERS_CHANGED) &&
            ev->account_id != sb->account)
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
            if (sb->websocket)
                continue; /* WebSocket pings are the server's */
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

static struct sub *sub_new(struct req *req, int websocket)
{
    struct sub *sb = xcalloc(1, sizeof(*sb));
    sb->core = req->app;
    sb->account = api_account_id(req);
    struct oauth_token *t = api_token(req);
    sb->scopes = xstrdup(t ? t->scopes : "read");
    sb->notifications = sb->account && oauth_scopes_cover(sb->scopes, "read:notifications");
    sb->websocket = websocket;
    buf_init(&sb->out, STREAM_OUT_MAX);
    return sb;
}

static void sub_free(struct sub *sb)
{
    pthread_mutex_lock(&hub_lock);
    for (struct sub **pp = &subs; *pp; pp = &(*pp)->next) {
        if (*pp == sb) {
            *pp = sb->next;
            break;
        }
    }
    pthread_mutex_unlock(&hub_lock);
    for (size_t i = 0; i < sb->n_chans; i++) {
        free(sb->chans[i].tag);
        free(sb->chans[i].arg);
    }
    buf_fini(&sb->out);
    free(sb->scopes);
    free(sb);
}

/* Joins the hub on the first read, once the server has set the wake handle. */
static void sub_link(struct sub *sb)
{
    if (sb->linked)
        return;
    pthread_mutex_lock(&hub_lock);
    sb->next = subs;
    subs = sb;
    sb->linked = 1;
    pthread_mutex_unlock(&hub_lock);
}

/* Why a subscription was refused: an HTTP-like status and Mastodon's message. */
struct refusal {
    int status;
    const char *error;
};

static int refuse(struct refusal *r, int status, const char *error)
{
    r->status = status;
    r->error = error;
    return E_INVAL;
}

static int kind_from_name(const char *name, enum stream_kind *out)
{
    for (size_t i = 0; name && i < sizeof(kind_names) / sizeof(kind_names[0]); i++) {
        if (!strcmp(name, kind_names[i])) {
            *out = (enum stream_kind)i;
            return 0;
        }
    }
    return E_NOTFOUND;
}

/* The channel as a subscription would name it (tag lowercased, list parsed). */
static int channel_parse(struct sub *sb, enum stream_kind kind, const char *tag, const char *list,
                         struct channel *ch, struct refusal *why)
{
    memset(ch, 0, sizeof(*ch));
    ch->kind = kind;
    const char *scope = kind == STREAM_USER_NOTIFICATION ? "read:notifications" : "read:statuses";
    if (!oauth_scopes_cover(sb->scopes, scope))
        return refuse(why, 403, "This action is outside the authorized scopes");
    if ((kind == STREAM_USER || kind == STREAM_USER_NOTIFICATION || kind == STREAM_LIST ||
         kind == STREAM_DIRECT) &&
        !sb->account)
        return refuse(why, 401, "The access token is invalid");
    if (kind == STREAM_HASHTAG || kind == STREAM_HASHTAG_LOCAL) {
        if (tag && tag[0] == '#')
            tag++;
        if (!tag || !*tag)
            return refuse(why, 400, "Missing tag name parameter");
        if (strlen(tag) > STREAM_TAG_MAX)
            return refuse(why, 400, "tag is too long");
        ch->arg = xstrdup(tag);
        ch->tag = xstrdup(tag);
        for (char *p = ch->tag; *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p - 'A' + 'a');
    }
    if (kind == STREAM_LIST) {
        if (!list || !*list)
            return refuse(why, 400, "Missing list name parameter");
        if (id_from_str(list, &ch->list) != 0)
            return refuse(why, 404, "Record not found");
        struct arena *a = arena_new();
        struct db_conn *c;
        struct list *l;
        int rc = db_acquire(sb->core->db, DB_READ, &c);
        if (rc == 0) {
            rc = list_get(c, a, sb->account, ch->list, &l);
            db_release(c);
        }
        arena_free(a);
        if (rc)
            return refuse(why, rc == E_NOTFOUND ? 404 : 503,
                          rc == E_NOTFOUND ? "Record not found" : "database unavailable");
        ch->arg = xstrdup(list);
    }
    return 0;
}

static void channel_fini(struct channel *ch)
{
    free(ch->tag);
    free(ch->arg);
    memset(ch, 0, sizeof(*ch));
}

static int channel_same(const struct channel *a, const struct channel *b)
{
    if (a->kind != b->kind || a->list != b->list)
        return 0;
    return !a->tag || !b->tag || !strcmp(a->tag, b->tag);
}

/* Adds a channel (nothing when already there). 0, or E_INVAL with the refusal in why. */
static int subscribe(struct sub *sb, const char *stream, const char *tag, const char *list,
                     struct refusal *why)
{
    enum stream_kind kind;
    struct channel ch;
    if (kind_from_name(stream, &kind) != 0)
        return refuse(why, 400, "Unknown stream type");
    int rc = channel_parse(sb, kind, tag, list, &ch, why);
    if (rc)
        goto fail;
    for (size_t i = 0; i < sb->n_chans; i++)
        if (channel_same(&sb->chans[i], &ch))
            goto fail;
    if (sb->n_chans == STREAM_CHANNELS_MAX) {
        rc = refuse(why, 400, "Too many subscriptions on this connection");
        goto fail;
    }
    sb->chans[sb->n_chans++] = ch;
    return 0;
fail:
    channel_fini(&ch);
    return rc;
}

/* Removes a channel (nothing when absent). */
static int unsubscribe(struct sub *sb, const char *stream, const char *tag, const char *list,
                       struct refusal *why)
{
    enum stream_kind kind;
    if (kind_from_name(stream, &kind) != 0)
        return refuse(why, 400, "Unknown stream type");
    struct channel ch = {.kind = kind};
    if (tag && tag[0] == '#')
        tag++;
    if (tag && (kind == STREAM_HASHTAG || kind == STREAM_HASHTAG_LOCAL)) {
        ch.tag = xstrdup(tag);
        for (char *p = ch.tag; *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p - 'A' + 'a');
    }
    if (list && kind == STREAM_LIST && id_from_str(list, &ch.list) != 0)
        ch.list = -1;
    for (size_t i = 0; i < sb->n_chans;) {
        struct channel *c = &sb->chans[i];
        int same = c->kind == kind && (kind != STREAM_LIST || !list || c->list == ch.list) &&
                   (!ch.tag || !strcmp(c->tag, ch.tag));
        if (same) {
            channel_fini(c);
            sb->chans[i] = sb->chans[--sb->n_chans];
            memset(&sb->chans[sb->n_chans], 0, sizeof(sb->chans[0]));
        } else {
            i++;
        }
    }
    channel_fini(&ch);
    return 0;
}

/*
 * Would the channel's timeline show this status to the viewer? The
 * timeline's own query over a window of one id, so that a stream shows
 * exactly what a reload would: the visibility rule, follows, lists,
 * boosts turned off, and the viewer's mutes and blocks.
 */
static int status_fits(struct sub *sb, const struct channel *ch, struct db_conn *c, struct arena *a,
                       const struct viewer *v, const struct status *st)
{
    struct page p = {.max_id = st->id + 1, .since_id = st->id - 1, .limit = 1};
    struct timeline_filter f;
    memset(&f, 0, sizeof(f));
    int64_t *ids = NULL;
    size_t n = 0;
    int rc = E_NOTFOUND;
    switch (ch->kind) {
    case STREAM_USER:
        rc = timeline_home(c, a, v, &p, &ids, &n);
        break;
    case STREAM_PUBLIC:
    case STREAM_PUBLIC_LOCAL:
    case STREAM_PUBLIC_REMOTE:
        f.local_only = ch->kind == STREAM_PUBLIC_LOCAL;
        f.remote_only = ch->kind == STREAM_PUBLIC_REMOTE;
        rc = timeline_public(c, a, v, &f, &p, &ids, &n);
        break;
    case STREAM_NEIGHBORHOOD:
        rc = timeline_neighborhood(c, a, v, &f, &p, &ids, &n);
        break;
    case STREAM_HASHTAG:
    case STREAM_HASHTAG_LOCAL:
        f.local_only = ch->kind == STREAM_HASHTAG_LOCAL;
        rc = timeline_tag(c, a, v, ch->tag, NULL, &f, &p, &ids, &n);
        break;
    case STREAM_LIST: {
        struct list *l;
        rc = list_get(c, a, sb->account, ch->list, &l);
        if (rc == 0)
            rc = timeline_list(c, a, v, l->id, l->replies_policy, &p, &ids, &n);
        break;
    }
    case STREAM_USER_NOTIFICATION:
    case STREAM_DIRECT:
        break;
    }
    return rc == 0 && n == 1 && ids[0] == st->id;
}

/* Appends one event for one channel in the surface's format. */
static void emit(struct sub *sb, const struct channel *ch, const char *name, const char *payload)
{
    int rc;
    if (!sb->websocket) {
        /* An event without payload reads "undefined" over SSE, as Mastodon writes it. */
        rc = buf_printf(&sb->out, "event: %s\ndata: %s\n\n", name, payload ? payload : "undefined");
    } else {
        json_t *stream = json_pack("[s]", kind_names[ch->kind]);
        if (ch->arg)
            json_array_append_new(stream, json_string(ch->arg));
        json_t *j = json_pack("{s:o, s:s}", "stream", stream, "event", name);
        if (j && payload) /* WebSocket messages of events without payload have no member */
            json_object_set_new(j, "payload", json_string(payload));
        char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
        json_decref(j);
        /* Compact JSON never holds a raw newline: it separates messages in out. */
        rc = text ? buf_printf(&sb->out, "%s\n", text) : E_NOMEM;
        free(text);
    }
    if (rc)
        log_warn("streaming event too large to send");
}

/* A WebSocket error message, Mastodon's shape {"error": ..., "status": ...}. */
static void notice(struct sub *sb, int status, const char *error)
{
    json_t *j = json_pack("{s:s, s:i}", "error", error, "status", status);
    char *text = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    if (text && buf_printf(&sb->out, "%s\n", text) != 0)
        log_warn("streaming notice dropped");
    free(text);
}

/* Which filters apply to a channel's statuses: home ones on the home and list streams. */
static const char *channel_context(enum stream_kind k)
{
    return k == STREAM_USER || k == STREAM_LIST ? "home" : "public";
}

/* Compact text of an entity (consumed); NULL when there is none. */
static char *dump(json_t *j)
{
    char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    return text;
}

/* Renders one event for the subscription's viewer, once per channel it belongs to. */
static void render(struct sub *sb, const struct event *ev)
{
    char idbuf[ID_STR_MAX];
    if (ev->kind == EVENT_STATUS_DELETE) {
        /* The row is gone: every timeline stream hears the id, as Mastodon does. */
        for (size_t i = 0; i < sb->n_chans; i++)
            if (sb->chans[i].kind != STREAM_USER_NOTIFICATION && sb->chans[i].kind != STREAM_DIRECT)
                emit(sb, &sb->chans[i], "delete", id_to_str(ev->id, idbuf));
        return;
    }
    if (ev->kind == EVENT_FILTERS_CHANGED) {
        for (size_t i = 0; i < sb->n_chans; i++)
            if (sb->chans[i].kind == STREAM_USER)
                emit(sb, &sb->chans[i], "filters_changed", NULL);
        return;
    }
    if (sb->n_chans == 0 || (ev->kind == EVENT_NOTIFICATION && !sb->notifications))
        return;
    struct arena *a = arena_new();
    struct req req;
    api_req_for(&req, a, sb->core, sb->account, sb->scopes);
    struct db_conn *c;
    if (db_acquire(sb->core->db, DB_READ, &c) != 0) {
        arena_free(a);
        return;
    }
    if (ev->kind == EVENT_NOTIFICATION) {
        struct notification *nt;
        char *text = NULL;
        req.filter_context = "notifications";
        if (notification_get(c, a, sb->account, ev->id, &nt) == 0)
            text = dump(api_notification_json(&req, c, nt));
        for (size_t i = 0; text && i < sb->n_chans; i++) {
            enum stream_kind k = sb->chans[i].kind;
            if (k == STREAM_USER || k == STREAM_USER_NOTIFICATION)
                emit(sb, &sb->chans[i], "notification", text);
        }
        free(text);
    } else if (ev->kind == EVENT_CONVERSATION) {
        struct conversation *cv;
        char *text = NULL;
        if (conversation_get(c, a, sb->account, ev->id, &cv) == 0)
            text = dump(api_conversation_json(&req, c, cv));
        for (size_t i = 0; text && i < sb->n_chans; i++)
            if (sb->chans[i].kind == STREAM_DIRECT)
                emit(sb, &sb->chans[i], "conversation", text);
        free(text);
    } else {
        const char *name = ev->kind == EVENT_STATUS_UPDATE ? "status.update" : "update";
        struct viewer v = api_viewer(&req);
        struct status *st;
        /* Built at most once per filter context, on the first channel that wants it. */
        char *text[2] = {NULL, NULL};
        int built[2] = {0, 0};
        if (status_get(c, a, ev->id, &st) == 0) {
            for (size_t i = 0; i < sb->n_chans; i++) {
                if (!status_fits(sb, &sb->chans[i], c, a, &v, st))
                    continue;
                const char *context = channel_context(sb->chans[i].kind);
                int k = strcmp(context, "home") != 0;
                if (!built[k]) {
                    struct req r;
                    api_req_for(&r, a, sb->core, sb->account, sb->scopes);
                    r.filter_context = context;
                    text[k] = dump(api_status_json(&r, c, ev->id));
                    built[k] = 1;
                }
                if (text[k]) /* NULL: not for this viewer, or hidden by her filters */
                    emit(sb, &sb->chans[i], name, text[k]);
            }
        }
        free(text[0]);
        free(text[1]);
    }
    db_release(c);
    arena_free(a);
}

/* Takes the next queued event (1), a due heartbeat (2), or nothing (0). */
static int take(struct sub *sb, struct event *ev)
{
    int got = 0;
    pthread_mutex_lock(&hub_lock);
    if (sb->count) {
        *ev = sb->queue[sb->head];
        sb->head = (sb->head + 1) % STREAM_QUEUE;
        sb->count--;
        got = 1;
    } else if (sb->heartbeat_due) {
        sb->heartbeat_due = 0;
        got = 2;
    }
    pthread_mutex_unlock(&hub_lock);
    return got;
}

/* resp_stream.read of an SSE stream. */
static long sse_read(void *ctx, char *buf, size_t max)
{
    struct sub *sb = ctx;
    sub_link(sb);
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
        int got = take(sb, &ev);
        if (got == 1)
            render(sb, &ev); /* it may render nothing: look again */
        else if (got == 2)
            buf_puts(&sb->out, ":thump\n");
        else
            return 0;
    }
}

static void sub_close(void *ctx)
{
    sub_free(ctx);
}

/* resp_ws.next: one message per line of out. */
static int ws_next(void *ctx, const char **msg, size_t *len)
{
    struct sub *sb = ctx;
    sub_link(sb);
    for (;;) {
        if (sb->sent < sb->out.len) {
            const char *start = sb->out.data + sb->sent;
            const char *nl = memchr(start, '\n', sb->out.len - sb->sent);
            size_t n = nl ? (size_t)(nl - start) : sb->out.len - sb->sent;
            sb->sent += n + (nl ? 1 : 0);
            *msg = start;
            *len = n;
            return 1;
        }
        /* Everything handed out was sent (the server copies a message before asking again). */
        buf_reset(&sb->out);
        sb->sent = 0;
        struct event ev;
        if (take(sb, &ev) != 1)
            return 0;
        render(sb, &ev);
    }
}

/* A string member, or a number written as text (list ids), or NULL. */
static const char *json_text(json_t *obj, const char *key, char *num, size_t size)
{
    json_t *v = json_object_get(obj, key);
    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_integer(v)) {
        snprintf(num, size, "%lld", (long long)json_integer_value(v));
        return num;
    }
    return NULL;
}

/* resp_ws.message: {"type": "subscribe" | "unsubscribe", "stream": ..., "tag"/"list": ...}. */
static void ws_message(void *ctx, const char *text, size_t len)
{
    struct sub *sb = ctx;
    json_error_t jerr;
    json_t *j = json_loadb(text, len, 0, &jerr);
    if (!json_is_object(j)) {
        notice(sb, 400, "Invalid JSON message");
        json_decref(j);
        return;
    }
    char num[32];
    const char *type = json_text(j, "type", num, sizeof(num));
    const char *stream = json_text(j, "stream", num, sizeof(num));
    const char *tag = json_text(j, "tag", num, sizeof(num));
    const char *list = json_text(j, "list", num, sizeof(num));
    struct refusal why = {0, NULL};
    int rc = 0;
    if (type && !strcmp(type, "subscribe"))
        rc = subscribe(sb, stream, tag, list, &why);
    else if (type && !strcmp(type, "unsubscribe"))
        rc = unsubscribe(sb, stream, tag, list, &why);
    else
        rc = refuse(&why, 400, "Unknown message type");
    if (rc)
        notice(sb, why.status, why.error);
    json_decref(j);
}

static int open_stream(struct req *req, struct resp *resp, enum stream_kind kind)
{
    if ((kind == STREAM_USER || kind == STREAM_USER_NOTIFICATION || kind == STREAM_LIST ||
         kind == STREAM_DIRECT) &&
        api_require_user(req, resp))
        return 0;
    const char *tag = req_arg(req, "tag");
    if ((kind == STREAM_HASHTAG || kind == STREAM_HASHTAG_LOCAL) &&
        (!tag || !*tag || strlen(tag) > STREAM_TAG_MAX)) {
        api_invalid(req, resp, "tag is missing or too long");
        return 0;
    }
    const char *list = req_arg(req, "list");
    if (kind == STREAM_LIST && (!list || !*list)) {
        api_invalid(req, resp, "list is missing");
        return 0;
    }
    struct sub *sb = sub_new(req, 0);
    struct refusal why;
    if (subscribe(sb, kind_names[kind], tag, list, &why) != 0) {
        sub_free(sb);
        resp_error(req, resp, why.status, why.error);
        return 0;
    }
    sb->rs.read = sse_read;
    sb->rs.close = sub_close;
    sb->rs.ctx = sb;
    /* A first comment, so that clients see the stream open at once. */
    buf_puts(&sb->out, ":)\n");
    resp->status = 200;
    resp->content_type = "text/event-stream";
    /* The server fills sb->rs.wake and .handle when the stream starts; the first read
     * then links the subscription into the hub (see sub_link). */
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

static int list_stream(struct req *req, struct resp *resp)
{
    return open_stream(req, resp, STREAM_LIST);
}

static int direct(struct req *req, struct resp *resp)
{
    return open_stream(req, resp, STREAM_DIRECT);
}

static int neighborhood(struct req *req, struct resp *resp)
{
    return open_stream(req, resp, STREAM_NEIGHBORHOOD);
}

/*
 * GET /api/v1/streaming with "Upgrade: websocket": one WebSocket for any
 * number of streams. Like Mastodon, a user token is required (header,
 * access_token or Sec-WebSocket-Protocol, which is echoed), with read,
 * read:statuses or read:notifications; a first stream may be named by the
 * stream (tag, list) parameters. Without the upgrade it answers 404, which
 * tells clients the streaming API is on this host.
 */
static int websocket(struct req *req, struct resp *resp)
{
    const char *up = req_header(req, "Upgrade");
    if (!up || strcasecmp(up, "websocket")) {
        resp_error(req, resp, 404, "Record not found");
        return 0;
    }
    if (api_require_user(req, resp))
        return 0;
    const char *scopes = api_token(req)->scopes;
    if (!oauth_scopes_cover(scopes, "read:statuses") &&
        !oauth_scopes_cover(scopes, "read:notifications")) {
        resp_error(req, resp, 403, "This action is outside the authorized scopes");
        return 0;
    }
    struct sub *sb = sub_new(req, 1);
    const char *stream = req_arg(req, "stream");
    struct refusal why;
    if (stream && subscribe(sb, stream, req_arg(req, "tag"), req_arg(req, "list"), &why) != 0)
        notice(sb, why.status, why.error); /* Mastodon answers on the socket */
    sb->ws.message = ws_message;
    sb->ws.next = ws_next;
    sb->ws.close = sub_close;
    sb->ws.ctx = sb;
    sb->ws.protocol = api_ws_protocol_token(req);
    resp->status = 101;
    resp->ws = &sb->ws;
    return 0;
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
    {"GET", "/api/v1/streaming/list", list_stream, ROUTE_AUTH_REQUIRED, "read:statuses"},
    {"GET", "/api/v1/streaming/direct", direct, ROUTE_AUTH_REQUIRED, "read:statuses"},
    {"GET", "/api/v1/streaming/neighborhood", neighborhood, ROUTE_AUTH_OPTIONAL, NULL},
    {"GET", "/api/v1/streaming", websocket, ROUTE_AUTH_OPTIONAL, NULL},
};
const size_t api_streaming_routes_count =
    sizeof(api_streaming_routes) / sizeof(api_streaming_routes[0]);
