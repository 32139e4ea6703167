/*
 * api/me: what belongs to the signed-in member: bookmarks, favourites,
 * markers, preferences, single notifications and their unread count,
 * mutes.
 */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/internal.h"
#include "core/follow.h"
#include "core/marker.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"
#include "util/timeutil.h"

typedef int (*marks_fn)(struct db_conn *c, struct arena *a, const struct viewer *v,
                        const struct page *p, int64_t **ids, int64_t **page_ids, size_t *n);

static int marked(struct req *req, struct resp *resp, marks_fn fn)
{
    if (api_require_user(req, resp))
        return 0;
    struct core *core = req->app;
    struct page p;
    if (api_page(req, resp, &p))
        return 0;
    struct viewer v = api_viewer(req);
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_SNAPSHOT, &c);
    if (rc)
        return api_fail(req, resp, rc);
    int64_t *ids = NULL, *page_ids = NULL;
    size_t n = 0;
    rc = fn(c, req->arena, &v, &p, &ids, &page_ids, &n);
    json_t *arr = rc ? NULL : api_statuses_json(req, c, ids, n);
    db_release(c);
    if (!arr)
        return api_fail(req, resp, rc);
    api_link_header(req, resp, page_ids, n);
    resp_json(req, resp, 200, arr);
    return 0;
}

/* GET /api/v1/bookmarks */
static int bookmarks(struct req *req, struct resp *resp)
{
    return marked(req, resp, timeline_bookmarks);
}

/* GET /api/v1/favourites */
static int favourites(struct req *req, struct resp *resp)
{
    return marked(req, resp, timeline_favourites);
}

static json_t *marker_json(const struct marker *m)
{
    char id[ID_STR_MAX], when[TIME_ISO_MAX];
    return json_pack("{s:s, s:I, s:s}", "last_read_id", id_to_str(m->last_read_id, id), "version",
                     (json_int_t)m->version, "updated_at", time_iso8601(m->updated_at, when));
}

/* GET /api/v1/markers?timeline[]=home&timeline[]=notifications */
static int markers_get(struct req *req, struct resp *resp)
{
    if (api_require_user(req, resp))
        return 0;
    struct core *core = req->app;
    req_arg(req, "timeline[]");
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_READ, &c);
    if (rc)
        return api_fail(req, resp, rc);
    json_t *j = json_object();
    for (size_t i = 0; i < req->n_args; i++) {
        const char *name = req->args[i].name, *tl = req->args[i].value;
        if (strcmp(name, "timeline[]") && strcmp(name, "timeline"))
            continue;
        struct marker m;
        if (marker_timeline_known(tl) && marker_get(c, api_account_id(req), tl, &m) == 0)
            json_object_set_new(j, tl, marker_json(&m));
    }
    db_release(c);
    resp_json(req, resp, 200, j);
    return 0;
}

/* POST /api/v1/markers (home[last_read_id]=..., notifications[last_read_id]=... or JSON) */
static int markers_set(struct req *req, struct resp *resp)
{
    if (api_require_user(req, resp))
        return 0;
    struct core *core = req->app;
    static const char *timelines[] = {"home", "notifications"};
    json_t *body = req_json(req);
    int saved = 0;
    for (size_t i = 0; i < 2; i++) {
        const char *v = NULL;
        json_t *o = body ? json_object_get(body, timelines[i]) : NULL;
        json_t *lr = json_is_object(o) ? json_object_get(o, "last_read_id") : NULL;
        if (json_is_string(lr))
            v = json_string_value(lr);
        else if (json_is_integer(lr))
            v = arena_printf(req->arena, "%lld", (long long)json_integer_value(lr));
        if (!v)
            v = req_arg(req, arena_printf(req->arena, "%s[last_read_id]", timelines[i]));
        if (!v)
            continue;
        int64_t id;
        if (id_from_str(v, &id) != 0) {
            api_invalid(req, resp, "last_read_id must be an id");
            return 0;
        }
        int rc = marker_set(core, api_account_id(req), timelines[i], id);
        if (rc)
            return api_fail(req, resp, rc);
        saved++;
    }
    if (!saved) {
        api_invalid(req, resp, "give home[last_read_id] or notifications[last_read_id]");
        return 0;
    }
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_READ, &c);
    if (rc)
        return api_fail(req, resp, rc);
    json_t *j = json_object();
    for (size_t i = 0; i < 2; i++) {
        struct marker m;
        if (marker_get(c, api_account_id(req), timelines[i], &m) == 0)
            json_object_set_new(j, timelines[i], marker_json(&m));
    }
    db_release(c);
    resp_json(req, resp, 200, j);
    return 0;
}

/* GET /api/v1/preferences */
static int preferences(struct req *req, struct resp *resp)
{
    if (api_require_user(req, resp))
        return 0;
    struct core *core = req->app;
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_READ, &c);
    if (rc)
        return api_fail(req, resp, rc);
    struct db_stmt *s;
    json_t *j = NULL;
    if (db_prepare(c,
                   "SELECT default_visibility, default_sensitive, default_language FROM users"
                   " WHERE account_id = ?",
                   &s) == 0) {
        db_bind_i64(s, 1, api_account_id(req));
        if (db_step(s) == DB_ROW) {
            const char *lang = db_col_text(s, 2);
            j = json_pack("{s:s, s:b, s:o, s:s, s:b, s:b}", "posting:default:visibility",
                          visibility_name((enum status_visibility)db_col_i64(s, 0)),
                          "posting:default:sensitive", (int)db_col_i64(s, 1),
                          "posting:default:language", lang ? json_string(lang) : json_null(),
                          "reading:expand:media", "default", "reading:expand:spoilers", 0,
                          "reading:autoplay:gifs", 0);
        }
        db_stmt_done(s);
    }
    db_release(c);
    if (!j)
        return api_fail(req, resp, E_NOTFOUND);
    resp_json(req, resp, 200, j);
    return 0;
}

/* GET /api/v1/notifications/:id */
static int notification_show(struct req *req, struct resp *resp)
{
    if (api_require_user(req, resp))
        return 0;
    struct core *core = req->app;
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_READ, &c);
    if (rc)
        return api_fail(req, resp, rc);
    struct notification *nt;
    rc = notification_get(c, req->arena, api_account_id(req), api_param_id(req, "id"), &nt);
    json_t *j = rc ? NULL : api_notification_json(req, c, nt);
    db_release(c);
    if (!j)
        return api_fail(req, resp, rc ? rc : E_NOTFOUND);
    resp_json(req, resp, 200, j);
    return 0;
}

/* GET /api/v1/notifications/unread_count: since the notifications marker. */
static int notification_unread(struct req *req, struct resp *resp)
{
    if (api_require_user(req, resp))
        return 0;
    struct core *core = req->app;
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_READ, &c);
    if (rc)
        return api_fail(req, resp, rc);
    struct marker m = {0, 0, 0};
    marker_get(c, api_account_id(req), "notifications", &m);
    int64_t count = 0;
    rc = notification_count(c, api_account_id(req), m.last_read_id, &count);
    db_release(c);
    if (rc)
        return api_fail(req, resp, rc);
    resp_json(req, resp, 200, json_pack("{s:I}", "count", (json_int_t)count));
    return 0;
}

/* POST /api/v1/accounts/:id/mute (notifications, duration in seconds) and /unmute */
static int mute(struct req *req, struct resp *resp)
{
    if (api_require_user(req, resp))
        return 0;
    struct core *core = req->app;
    int64_t id = api_param_id(req, "id");
    int notifications = api_arg_bool(req, "notifications", 1);
    const char *duration = req_arg(req, "duration");
    int64_t expires = 0;
    if (duration && *duration) {
        char *end;
        long long secs = strtoll(duration, &end, 10);
        if (*end || secs < 0) {
            api_invalid(req, resp, "duration must be a number of seconds");
            return 0;
        }
        expires = secs ? time_now_ms() + secs * 1000 : 0;
    }
    if (notifications < 0) {
        api_invalid(req, resp, "notifications must be a boolean");
        return 0;
    }
    int rc = mute_create(core, api_account_id(req), id, notifications, expires);
    if (rc == E_INVAL) {
        api_invalid(req, resp, "you cannot mute yourself");
        return 0;
    }
    if (rc)
        return api_fail(req, resp, rc);
    struct db_conn *c;
    rc = db_acquire(core->db, DB_READ, &c);
    if (rc)
        return api_fail(req, resp, rc);
    json_t *j = api_relationship_json(req, c, api_account_id(req), id);
    db_release(c);
    resp_json(req, resp, 200, j);
    return 0;
}

static int unmute(struct req *req, struct resp *resp)
{
    if (api_require_user(req, resp))
        return 0;
    struct core *core = req->app;
    int64_t id = api_param_id(req, "id");
    int rc = mute_remove(core, api_account_id(req), id);
    if (rc)
        return api_fail(req, resp, rc);
    struct db_conn *c;
    rc = db_acquire(core->db, DB_READ, &c);
    if (rc)
        return api_fail(req, resp, rc);
    json_t *j = api_relationship_json(req, c, api_account_id(req), id);
    db_release(c);
    resp_json(req, resp, 200, j);
    return 0;
}

const struct route api_me_routes[] = {
    {"GET", "/api/v1/bookmarks", bookmarks, ROUTE_AUTH_REQUIRED, "read:bookmarks"},
    {"GET", "/api/v1/favourites", favourites, ROUTE_AUTH_REQUIRED, "read:favourites"},
    {"GET", "/api/v1/markers", markers_get, ROUTE_AUTH_REQUIRED, "read:statuses"},
    {"POST", "/api/v1/markers", markers_set, ROUTE_AUTH_REQUIRED, "write:statuses"},
    {"GET", "/api/v1/preferences", preferences, ROUTE_AUTH_REQUIRED, "read:accounts"},
    {"GET", "/api/v1/notifications/unread_count", notification_unread, ROUTE_AUTH_REQUIRED,
     "read:notifications"},
    {"GET", "/api/v1/notifications/:id", notification_show, ROUTE_AUTH_REQUIRED,
     "read:notifications"},
    {"POST", "/api/v1/accounts/:id/mute", mute, ROUTE_AUTH_REQUIRED, "write:mutes"},
    {"POST", "/api/v1/accounts/:id/unmute", unmute, ROUTE_AUTH_REQUIRED, "write:mutes"},
};
const size_t api_me_routes_count = sizeof(api_me_routes) / sizeof(api_me_routes[0]);
