/*
 * api/events: Hearth's event extension of the Mastodon API.
 *
 *   GET  /api/v1/hearth/events                 (read:statuses) upcoming events
 *   POST /api/v1/hearth/events                 (write:statuses) announce an event
 *   POST /api/v1/hearth/events/:id/rsvp        (write:statuses) answer or withdraw
 *   GET  /api/v1/hearth/events/:id/attendees   (read:statuses) who answered
 *
 * and the "event" object of a Status (api_event_json), null for posts
 * that are not events. docs/API.md describes the fields. Who may see an
 * event is the visibility rule's: every handler renders statuses through
 * the entities, which ask it.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "api/api.h"
#include "api/internal.h"
#include "core/account.h"
#include "core/core.h"
#include "core/event.h"
#include "core/visibility.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/timeutil.h"

#define EVENTS_LIMIT_DEFAULT 20
#define EVENTS_LIMIT_MAX 40
#define ATTENDEES_MAX 80

static json_t *opt_str(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *time_or_null(int64_t ms)
{
    char t[TIME_ISO_MAX];
    return ms ? json_string(time_iso8601(ms, t)) : json_null();
}

static const char *via_name(enum event_via v)
{
    return v == EVENT_VIA_JOIN ? "join" : v == EVENT_VIA_POLL ? "poll" : "accept";
}

json_t *api_event_json(struct req *req, struct db_conn *c, int64_t status_id)
{
    struct core *core = req->app;
    struct event_info *e;
    if (event_get(c, req->arena, status_id, &e) != 0)
        return NULL;
    json_t *loc = json_null();
    if (e->location_name || e->street || e->locality || e->country || e->latitude) {
        loc = json_object();
        json_object_set_new(loc, "name", opt_str(e->location_name));
        json_object_set_new(loc, "street", opt_str(e->street));
        json_object_set_new(loc, "locality", opt_str(e->locality));
        json_object_set_new(loc, "region", opt_str(e->region));
        json_object_set_new(loc, "postal_code", opt_str(e->postal_code));
        json_object_set_new(loc, "country", opt_str(e->country));
        json_object_set_new(loc, "latitude",
                            e->latitude ? json_real(strtod(e->latitude, NULL)) : json_null());
        json_object_set_new(loc, "longitude",
                            e->longitude ? json_real(strtod(e->longitude, NULL)) : json_null());
    }
    int64_t going = 0, maybe = 0;
    event_rsvp_counts(c, status_id, &going, &maybe);
    enum event_rsvp mine = EVENT_RSVP_NONE;
    int64_t me = api_account_id(req);
    if (me)
        event_rsvp_get(c, status_id, me, &mine);
    struct account *org;
    const char *ics = NULL;
    if (account_get(c, req->arena, e->account_id, &org) == 0)
        ics = arena_printf(req->arena, "%s/@%s/%lld/event.ics", core->base_url, org->acct,
                           (long long)status_id);
    const char *rsvp = event_rsvp_name(mine);
    json_t *j = json_object();
    json_object_set_new(j, "name", json_string(e->name));
    json_object_set_new(j, "start_time", time_or_null(e->start_at));
    json_object_set_new(j, "end_time", time_or_null(e->end_at));
    json_object_set_new(j, "timezone", opt_str(e->timezone));
    json_object_set_new(j, "utc_offset", json_string(event_offset_text(req->arena, e)));
    json_object_set_new(j, "location", loc);
    json_object_set_new(j, "url", opt_str(e->url));
    json_object_set_new(j, "join_mode", opt_str(e->join_mode));
    json_object_set_new(j, "anonymous_participation",
                        e->anonymous_participation < 0 ? json_null()
                                                       : json_boolean(e->anonymous_participation));
    json_object_set_new(j, "participants_count",
                        json_integer(e->participant_count >= 0 && e->participant_count > going
                                         ? e->participant_count
                                         : going));
    json_object_set_new(j, "maximum_attendee_capacity",
                        e->max_capacity > 0 ? json_integer(e->max_capacity) : json_null());
    json_object_set_new(j, "going_count", json_integer(going));
    json_object_set_new(j, "maybe_count", json_integer(maybe));
    json_object_set_new(j, "rsvp", rsvp ? json_string(rsvp) : json_null());
    json_object_set_new(j, "rsvp_via", json_string(via_name(event_via_of(e))));
    json_object_set_new(j, "ics_url", opt_str(ics));
    return j;
}

/* GET /api/v1/hearth/events */
static int events_upcoming(struct req *req, struct resp *resp)
{
    if (api_require_user(req, resp))
        return 0;
    struct core *core = req->app;
    size_t limit = EVENTS_LIMIT_DEFAULT;
    const char *l = req_arg(req, "limit");
    if (l) {
        char *end;
        long v = strtol(l, &end, 10);
        if (*end || v < 1) {
            api_invalid(req, resp, "limit must be a positive number");
            return 0;
        }
        limit = v > EVENTS_LIMIT_MAX ? EVENTS_LIMIT_MAX : (size_t)v;
    }
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_SNAPSHOT, &c);
    if (rc)
        return api_fail(req, resp, rc);
    struct viewer v = api_viewer(req);
    int64_t *ids;
    size_t n;
    rc = event_upcoming(c, req->arena, &v, time_now_ms(), limit, &ids, &n);
    json_t *j = rc ? NULL : api_statuses_json(req, c, ids, n);
    db_release(c);
    if (rc)
        return api_fail(req, resp, rc);
    resp_json(req, resp, 200, j);
    return 0;
}

/* An optional text argument: NULL when absent or blank. */
static const char *text_arg(struct req *req, const char *name)
{
    const char *s = req_arg(req, name);
    return s && *s ? s : NULL;
}

/* POST /api/v1/hearth/events */
static int event_post(struct req *req, struct resp *resp)
{
    if (api_require_user(req, resp))
        return 0;
    struct core *core = req->app;
    struct event_info e;
    event_init(&e);
    e.name = req_arg(req, "name");
    const char *start = text_arg(req, "start_time"), *end = text_arg(req, "end_time");
    if (!start || time_parse_iso8601(start, &e.start_at) != 0) {
        api_invalid(req, resp, "start_time must be an ISO 8601 time with its offset");
        return 0;
    }
    if (end && time_parse_iso8601(end, &e.end_at) != 0) {
        api_invalid(req, resp, "end_time must be an ISO 8601 time with its offset");
        return 0;
    }
    e.has_offset = time_iso8601_offset(start, &e.utc_offset);
    e.timezone = text_arg(req, "timezone");
    e.location_name = text_arg(req, "location_name");
    e.street = text_arg(req, "street");
    e.locality = text_arg(req, "locality");
    e.region = text_arg(req, "region");
    e.postal_code = text_arg(req, "postal_code");
    e.country = text_arg(req, "country");
    const char *lat = text_arg(req, "latitude"), *lon = text_arg(req, "longitude");
    if (lat || lon) {
        char *e1 = NULL, *e2 = NULL;
        double la = lat ? strtod(lat, &e1) : 100, lo = lon ? strtod(lon, &e2) : 200;
        if (!lat || !lon || *e1 || *e2 || !(la >= -90 && la <= 90) || !(lo >= -180 && lo <= 180)) {
            api_invalid(req, resp, "latitude and longitude must be given together, in degrees");
            return 0;
        }
        e.latitude = arena_printf(req->arena, "%.7f", la);
        e.longitude = arena_printf(req->arena, "%.7f", lo);
    }
    enum status_visibility vis = VIS_PUBLIC;
    const char *vs = text_arg(req, "visibility");
    if (vs && visibility_parse(vs, &vis) != 0) {
        api_invalid(req, resp, "visibility is not a known level");
        return 0;
    }
    int64_t id;
    const char *why = NULL;
    int rc =
        event_create(core, api_account_id(req), &e, req_arg(req, "description"), vis, &id, &why);
    if ((rc == E_INVAL || rc == E_LIMIT) && why) {
        api_invalid(req, resp, why);
        return 0;
    }
    if (rc)
        return api_fail(req, resp, rc);
    return api_status_answer(req, resp, id);
}

/* POST /api/v1/hearth/events/:id/rsvp */
static int event_rsvp(struct req *req, struct resp *resp)
{
    if (api_require_user(req, resp))
        return 0;
    struct core *core = req->app;
    enum event_rsvp r;
    if (event_rsvp_parse(req_arg(req, "rsvp"), &r) != 0) {
        api_invalid(req, resp, "rsvp must be going, maybe, not_going or none");
        return 0;
    }
    int via = -1;
    const char *vs = text_arg(req, "via");
    if (vs) {
        for (int i = EVENT_VIA_ACCEPT; i <= EVENT_VIA_POLL; i++)
            if (strcmp(vs, via_name((enum event_via)i)) == 0)
                via = i;
        if (via < 0) {
            api_invalid(req, resp, "via must be accept, join or poll");
            return 0;
        }
    }
    int64_t id = api_param_id(req, "id");
    const char *why = NULL;
    int rc = event_rsvp_set(core, api_account_id(req), id, r, via, &why);
    if (rc == E_INVAL && why) {
        api_invalid(req, resp, why);
        return 0;
    }
    if (rc)
        return api_fail(req, resp, rc);
    return api_status_answer(req, resp, id);
}

static json_t *accounts_of(struct req *req, struct db_conn *c, const int64_t *ids, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *acc = api_account_json_id(req, c, ids[i]);
        if (acc)
            json_array_append_new(arr, acc);
    }
    return arr;
}

/* GET /api/v1/hearth/events/:id/attendees: counts for all who may see it, names for the organizer.
 */
static int event_attendees(struct req *req, struct resp *resp)
{
    struct core *core = req->app;
    int64_t id = api_param_id(req, "id");
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_SNAPSHOT, &c);
    if (rc)
        return api_fail(req, resp, rc);
    struct viewer v = api_viewer(req);
    struct event_info *e;
    json_t *j = NULL;
    rc = visibility_may_see(c, &v, id);
    if (rc == 0)
        rc = E_NOTFOUND;
    if (rc > 0)
        rc = event_get(c, req->arena, id, &e);
    if (rc == 0) {
        int64_t going, maybe;
        rc = event_rsvp_counts(c, id, &going, &maybe);
        j = json_pack("{s:I, s:I}", "going_count", (json_int_t)going, "maybe_count",
                      (json_int_t)maybe);
        int64_t *ids;
        size_t n;
        if (rc == 0 && v.account_id == e->account_id) {
            if ((rc = event_rsvp_accounts(c, req->arena, id, EVENT_RSVP_GOING, ATTENDEES_MAX, &ids,
                                          &n)) == 0)
                json_object_set_new(j, "going", accounts_of(req, c, ids, n));
            if (rc == 0 && (rc = event_rsvp_accounts(c, req->arena, id, EVENT_RSVP_MAYBE,
                                                     ATTENDEES_MAX, &ids, &n)) == 0)
                json_object_set_new(j, "maybe", accounts_of(req, c, ids, n));
        }
    }
    db_release(c);
    if (rc) {
        json_decref(j);
        return api_fail(req, resp, rc);
    }
    resp_json(req, resp, 200, j);
    return 0;
}

const struct route api_event_routes[] = {
    {"GET", "/api/v1/hearth/events", events_upcoming, ROUTE_AUTH_REQUIRED, "read:statuses"},
    {"POST", "/api/v1/hearth/events", event_post, ROUTE_AUTH_REQUIRED, "write:statuses"},
    {"POST", "/api/v1/hearth/events/:id/rsvp", event_rsvp, ROUTE_AUTH_REQUIRED, "write:statuses"},
    {"GET", "/api/v1/hearth/events/:id/attendees", event_attendees, ROUTE_AUTH_OPTIONAL, NULL},
};
const size_t api_event_routes_count = sizeof(api_event_routes) / sizeof(api_event_routes[0]);
