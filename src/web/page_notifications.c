/*
 * web/page_notifications: the member's notifications (GET /notifications),
 * newest first, PAGE_ITEMS at a time with ?max_id= for older ones; each
 * says who did what, with the post's card when there is one. As in the
 * client API, a notification whose post the member may no longer see is
 * left out. ?fragment=1&since_id=ID answers only the newer items, without
 * the layout, for static/hearth.js.
 */
#include <string.h>

#include "core/core.h"
#include "core/marker.h"
#include "core/follow.h"
#include "core/notification.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"
#include "util/route.h"
#include "util/timeutil.h"
#include "web/internal.h"
#include "web/web.h"

#define PAGE_ITEMS 20

/* What the sentence after the actor's name says. */
static const char *what(const struct notification *nt, int64_t me)
{
    switch (nt->type) {
    case NOTIFY_MENTION:
        return "mentioned you";
    case NOTIFY_STATUS:
        return "posted";
    case NOTIFY_REBLOG:
        return "boosted your post";
    case NOTIFY_FOLLOW:
        return "followed you";
    case NOTIFY_FOLLOW_REQUEST:
        return "asked to follow you";
    case NOTIFY_FAVOURITE:
        return "favourited your post";
    case NOTIFY_POLL:
        return nt->from_account_id == me ? "Your poll has ended"
                                         : "— the poll you voted in has ended";
    case NOTIFY_UPDATE:
        return "edited a post you boosted";
    case NOTIFY_EVENT_RSVP:
        return "answered your event";
    case NOTIFY_TYPE_COUNT:
        break;
    }
    return "";
}

static int64_t arg_id(struct req *req, const char *name)
{
    int64_t id = 0;
    const char *s = req_arg(req, name);
    if (!s || id_from_str(s, &id) != 0)
        return 0;
    return id;
}

/* The card among views (web_status_views' list) for status id, or NULL. */
static json_t *card_of(json_t *views, int64_t id)
{
    char text[ID_STR_MAX];
    id_to_str(id, text);
    size_t i;
    json_t *v;
    json_array_foreach(views, i, v)
    {
        const char *key = json_string_value(json_object_get(v, "boost_id"));
        if (!key)
            key = json_string_value(json_object_get(v, "id"));
        if (key && !strcmp(key, text))
            return v;
    }
    return NULL;
}

static json_t *items(struct web_ctx *w, struct db_conn *c, const struct notification *list,
                     size_t n)
{
    struct arena *a = w->req->arena;
    int64_t *sids = arena_alloc(a, (n + 1) * sizeof(*sids));
    size_t ns = 0;
    for (size_t i = 0; i < n; i++)
        if (list[i].status_id)
            sids[ns++] = list[i].status_id;
    json_t *views = web_status_views(w, c, sids, ns);
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        const struct notification *nt = &list[i];
        json_t *card = NULL;
        if (nt->status_id) {
            card = card_of(views, nt->status_id);
            if (!card)
                continue; /* she may no longer see the post */
        }
        json_t *from = web_account_view_id(w, c, nt->from_account_id);
        if (!from)
            continue;
        char idt[ID_STR_MAX], iso[TIME_ISO_MAX];
        json_t *j = json_object();
        json_object_set_new(j, "nid", json_string(id_to_str(nt->id, idt)));
        json_object_set_new(j, "kind", json_string(notification_type_name(nt->type)));
        json_object_set_new(j, "from", from);
        json_object_set_new(j, "text", json_string(what(nt, w->me->id)));
        json_object_set_new(j, "when_iso", json_string(time_iso8601(nt->created_at, iso)));
        json_object_set_new(j, "when_text", json_string(web_time_text(w, nt->created_at)));
        if (nt->from_account_id == w->me->id)
            json_object_set_new(j, "self", json_true()); /* her own poll ended */
        if (nt->type == NOTIFY_FOLLOW_REQUEST)
            json_object_set_new(j, "is_request", json_true());
        if (card) {
            /* One post may be in several notifications: its card's ids are told apart. */
            json_object_set_new(j, "card_prefix", json_string(arena_printf(a, "n%s-", idt)));
            json_object_set(j, "status", card);
        }
        json_array_append_new(arr, j);
    }
    json_decref(views);
    return arr;
}

static int notifications(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    web_begin(req, resp, &w);
    w.filter_context = "notifications";
    if (web_need_member(&w))
        return 0;
    int fragment = web_is_fragment(req);
    struct notification_query q = {.max_id = arg_id(req, "max_id"), .limit = PAGE_ITEMS};
    if (fragment)
        q.since_id = arg_id(req, "since_id");
    struct db_conn *c;
    int rc = db_acquire(w.core->db, DB_SNAPSHOT, &c);
    if (rc)
        return web_fail(&w, rc), 0;
    struct notification *list = NULL;
    size_t n = 0;
    rc = notification_list(c, req->arena, w.me->id, &q, &list, &n);
    struct marker read = {0};
    if (marker_get(c, w.me->id, "notifications", &read) != 0)
        read.last_read_id = 0;
    json_t *d = json_object();
    if (rc == 0)
        json_object_set_new(d, "notifications", items(&w, c, list, n));
    struct follow_item *reqs = NULL;
    size_t nr = 0;
    struct follow_page fp = {.limit = 1};
    if (rc == 0 && !fragment && follow_list_requests(c, req->arena, w.me->id, &fp, &reqs, &nr) == 0)
        json_object_set_new(d, "has_requests", json_boolean(nr > 0));
    db_release(c);
    if (rc) {
        json_decref(d);
        return web_fail(&w, rc), 0;
    }
    /* She sees the newest ones: they are read (the marker apps share). */
    if (n && !q.max_id && list[0].id > read.last_read_id)
        marker_set(w.core, w.me->id, "notifications", list[0].id);
    if (fragment) {
        json_object_set_new(d, "here", json_string("/notifications"));
        web_page(&w, 200, "notification_list", NULL, d);
        return 0;
    }
    json_object_set_new(d, "paged", json_boolean(q.max_id != 0));
    /* Paging follows the notifications read, shown or not. */
    if (n == PAGE_ITEMS)
        json_object_set_new(d, "older_url",
                            json_string(arena_printf(req->arena, "/notifications?max_id=%lld",
                                                     (long long)list[n - 1].id)));
    web_page(&w, 200, "notifications", "Notifications", d);
    return 0;
}

const struct route web_notification_routes[] = {
    {"GET", "/notifications", notifications, ROUTE_AUTH_NONE, NULL},
};
const size_t web_notification_routes_count =
    sizeof(web_notification_routes) / sizeof(web_notification_routes[0]);
