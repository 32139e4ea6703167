/*
 * web/page_calendar: events on Hearth's pages.
 *
 *   GET  /calendar                    the member's upcoming events, her answers, her feed address
 *   POST /calendar/feed               a new feed address (the old one stops working)
 *   POST /calendar/feed/revoke        no feed address any more
 *   GET  /calendar/:token.ics         the private iCalendar feed (404 for a wrong token)
 *   GET  /@ACCT/ID/event.ics          one event as iCalendar ("add to calendar")
 *   POST /events/ID/rsvp              field rsvp: going, maybe, not_going, none
 *   GET  /events/new, POST /events    the form that announces an event
 *
 * and web_event_view, the event block of a post (render.c). Who may see an
 * event is the visibility rule's, asked through web_status_views or
 * visibility_may_see on every path; the feed sees what its member would.
 * Everything lives in the request's arena.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "content/sanitize.h"
#include "core/account.h"
#include "core/core.h"
#include "core/event.h"
#include "core/status.h"
#include "core/visibility.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/ical.h"
#include "util/id.h"
#include "util/route.h"
#include "util/timeutil.h"
#include "web/internal.h"

#define CALENDAR_MAX 100          /* events in the page and the feed */
#define ICS_MAX (4 * 1024 * 1024) /* bytes of one calendar */
#define ATTENDEES_SHOWN 80

static const char *rsvp_label(enum event_rsvp r)
{
    return r == EVENT_RSVP_GOING       ? "Going"
           : r == EVENT_RSVP_MAYBE     ? "Maybe"
           : r == EVENT_RSVP_NOT_GOING ? "Not going"
                                       : NULL;
}

static json_t *names_of(struct web_ctx *w, struct db_conn *c, const int64_t *ids, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *acc = web_account_view_id(w, c, ids[i]);
        if (acc)
            json_array_append_new(arr, acc);
    }
    return arr;
}

json_t *web_event_view(struct web_ctx *w, struct db_conn *c, const struct status *st,
                       const struct account *author)
{
    struct arena *a = w->req->arena;
    struct event_info *e;
    if (event_get(c, a, st->id, &e) != 0)
        return NULL;
    json_t *j = json_object();
    char iso[TIME_ISO_MAX];
    json_object_set_new(j, "id", json_string(arena_printf(a, "%lld", (long long)st->id)));
    json_object_set_new(j, "name", json_string(e->name));
    json_object_set_new(j, "start_iso", json_string(time_iso8601(e->start_at, iso)));
    json_object_set_new(j, "when_text", json_string(event_when_text(a, e)));
    const char *where = event_where_text(a, e);
    if (*where)
        json_object_set_new(j, "where_text", json_string(where));
    if (e->latitude && e->longitude)
        json_object_set_new(j, "map_url",
                            json_string(arena_printf(
                                a, "https://www.openstreetmap.org/?mlat=%s&mlon=%s#map=16/%s/%s",
                                e->latitude, e->longitude, e->latitude, e->longitude)));
    const char *page = web_safe_url(e->url);
    if (page && !st->local)
        json_object_set_new(j, "event_url", json_string(page));
    json_object_set_new(j, "ics_url",
                        json_string(arena_printf(a, "%s/%lld/event.ics",
                                                 web_account_path(w, author), (long long)st->id)));
    int64_t going = 0, maybe = 0;
    event_rsvp_counts(c, st->id, &going, &maybe);
    if (e->participant_count > going)
        going = e->participant_count;
    json_object_set_new(j, "going_count", json_integer(going));
    json_object_set_new(j, "maybe_count", json_integer(maybe));
    int ended = (e->end_at ? e->end_at : e->start_at) < time_now_ms();
    if (ended)
        json_object_set_new(j, "ended", json_true());
    if (w->me && w->me->id == e->account_id) {
        int64_t *ids;
        size_t n;
        json_t *att = json_object();
        if (event_rsvp_accounts(c, a, st->id, EVENT_RSVP_GOING, ATTENDEES_SHOWN, &ids, &n) == 0)
            json_object_set_new(att, "going", names_of(w, c, ids, n));
        if (event_rsvp_accounts(c, a, st->id, EVENT_RSVP_MAYBE, ATTENDEES_SHOWN, &ids, &n) == 0)
            json_object_set_new(att, "maybe", names_of(w, c, ids, n));
        json_object_set_new(j, "attendees", att);
    } else if (w->me && !ended) {
        enum event_rsvp mine = EVENT_RSVP_NONE;
        event_rsvp_get(c, st->id, w->me->id, &mine);
        const char *label = rsvp_label(mine);
        if (label)
            json_object_set_new(j, "rsvp_text", json_string(label));
        if (mine != EVENT_RSVP_NONE && event_via_of(e) == EVENT_VIA_POLL)
            return j; /* a vote in the event's poll is final: no buttons */
        json_t *choices = json_array();
        const char *names[] = {"going", "maybe", "not_going"};
        for (int i = 0; i < 3; i++) {
            enum event_rsvp r = (enum event_rsvp)(i + 1);
            if (r == EVENT_RSVP_MAYBE && event_via_of(e) == EVENT_VIA_JOIN)
                continue; /* Mobilizon has no "maybe" */
            json_array_append_new(choices, json_pack("{s:s, s:s, s:b}", "value", names[i], "label",
                                                     rsvp_label(r), "chosen", mine == r));
        }
        json_object_set_new(j, "choices", choices);
        if (mine != EVENT_RSVP_NONE && event_via_of(e) != EVENT_VIA_POLL)
            json_object_set_new(j, "can_withdraw", json_true());
        json_object_set_new(j, "can_rsvp", json_true());
    }
    return j;
}

/* One VEVENT of the status st (author's), whose event is e. */
static int ics_event(struct web_ctx *w, struct buf *b, const struct status *st,
                     const struct account *author, const struct event_info *e, int64_t now)
{
    struct arena *a = w->req->arena;
    const char *text = "";
    if (st->content && sanitize_text(a, st->content, strlen(st->content), &text) != 0)
        text = "";
    const char *url =
        st->local || !web_safe_url(e->url)
            ? web_url(w, arena_printf(a, "%s/%lld", web_account_path(w, author), (long long)st->id))
            : e->url;
    int rc = 0;
    rc = rc ? rc : ical_line(b, "BEGIN", NULL, "VEVENT");
    rc = rc ? rc : ical_text(b, "UID", st->uri);
    rc = rc ? rc : ical_utc(b, "DTSTAMP", now);
    rc = rc ? rc : ical_utc(b, "DTSTART", e->start_at);
    if (e->end_at)
        rc = rc ? rc : ical_utc(b, "DTEND", e->end_at);
    rc = rc ? rc : ical_text(b, "SUMMARY", e->name);
    const char *where = event_where_text(a, e);
    if (*where)
        rc = rc ? rc : ical_text(b, "LOCATION", where);
    if (e->latitude && e->longitude)
        rc = rc ? rc
                : ical_line(b, "GEO", NULL, arena_printf(a, "%s;%s", e->latitude, e->longitude));
    if (*text)
        rc = rc ? rc : ical_text(b, "DESCRIPTION", text);
    if (url)
        rc = rc ? rc : ical_line(b, "URL", NULL, url);
    return rc;
}

/* Writes VCALENDAR with the events of ids that the viewer may see. */
static int ics_calendar(struct web_ctx *w, struct db_conn *c, const struct viewer *v,
                        const int64_t *ids, size_t n, const char *name, struct buf *b)
{
    struct arena *a = w->req->arena;
    int rc = ical_line(b, "BEGIN", NULL, "VCALENDAR");
    rc = rc ? rc : ical_line(b, "VERSION", NULL, "2.0");
    rc = rc ? rc : ical_text(b, "PRODID", "-//Hearth//Events//EN");
    rc = rc ? rc : ical_line(b, "CALSCALE", NULL, "GREGORIAN");
    rc = rc ? rc : ical_line(b, "METHOD", NULL, "PUBLISH");
    if (name)
        rc = rc ? rc : ical_text(b, "X-WR-CALNAME", name);
    int64_t now = time_now_ms();
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (visibility_may_see(c, v, ids[i]) != 1)
            continue;
        struct status *st;
        struct account *author;
        struct event_info *e;
        if (status_get(c, a, ids[i], &st) || account_get(c, a, st->account_id, &author) ||
            event_get(c, a, ids[i], &e))
            continue;
        rc = ics_event(w, b, st, author, e, now);
        rc = rc ? rc : ical_line(b, "END", NULL, "VEVENT");
    }
    rc = rc ? rc : ical_line(b, "END", NULL, "VCALENDAR");
    return rc;
}

static void ics_answer(struct web_ctx *w, struct buf *b, const char *filename, int private_feed)
{
    resp_body(w->req, w->resp, 200, "text/calendar; charset=utf-8", b->data ? b->data : "", b->len);
    if (filename)
        resp_header_add(w->req, w->resp, "Content-Disposition",
                        arena_printf(w->req->arena, "attachment; filename=\"%s\"", filename));
    resp_header_add(w->req, w->resp, "Cache-Control",
                    private_feed || w->me ? "private, no-store" : "public, max-age=300");
}

/* GET /@ACCT/ID/event.ics */
static int event_ics(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    web_begin(req, resp, &w);
    int64_t id = 0;
    const char *ids = req_param(req, "id");
    if (!ids || id_from_str(ids, &id) != 0)
        return web_fail(&w, E_NOTFOUND), 0;
    struct db_conn *c;
    int rc = db_acquire(w.core->db, DB_READ, &c);
    if (rc)
        return web_fail(&w, rc), 0;
    struct status *st;
    struct account *author;
    struct event_info *e;
    rc = visibility_may_see(c, &w.viewer, id) == 1 ? 0 : E_NOTFOUND;
    if (rc == 0)
        rc = status_get(c, req->arena, id, &st);
    if (rc == 0)
        rc = account_get(c, req->arena, st->account_id, &author);
    if (rc == 0)
        rc = event_get(c, req->arena, id, &e);
    /* The address must name the event's organizer, as the post's page does. */
    const char *acct = req_param(req, "acct");
    if (rc == 0 && strcasecmp(web_account_path(&w, author) + 2, acct ? acct : "") != 0)
        rc = E_NOTFOUND;
    struct buf b;
    buf_init(&b, ICS_MAX);
    if (rc == 0)
        rc = ics_calendar(&w, c, &w.viewer, &id, 1, NULL, &b);
    db_release(c);
    if (rc == 0)
        ics_answer(&w, &b, arena_printf(req->arena, "event-%lld.ics", (long long)id), 0);
    else
        web_fail(&w, rc);
    buf_fini(&b);
    return 0;
}

/* GET /calendar/:token.ics: the member's calendar for her phone, without a session. */
static int calendar_feed(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    web_begin(req, resp, &w);
    struct db_conn *c;
    int rc = db_acquire(w.core->db, DB_READ, &c);
    if (rc)
        return web_fail(&w, rc), 0;
    int64_t member;
    struct account *acc;
    rc = calendar_token_find(c, req_param(req, "token"), &member);
    if (rc == 0)
        rc = account_get(c, req->arena, member, &acc);
    if (rc == 0 && (acc->domain || acc->suspended_at))
        rc = E_NOTFOUND;
    struct buf b;
    buf_init(&b, ICS_MAX);
    if (rc == 0) {
        struct viewer v = {.kind = VIEWER_LOCAL, .account_id = member};
        int64_t *ids;
        size_t n;
        rc = event_upcoming(c, req->arena, &v, time_now_ms(), CALENDAR_MAX, &ids, &n);
        if (rc == 0)
            rc = ics_calendar(&w, c, &v, ids, n,
                              arena_printf(req->arena, "Hearth: @%s", acc->username), &b);
    }
    db_release(c);
    if (rc == 0)
        ics_answer(&w, &b, NULL, 1);
    else
        web_fail(&w, rc == E_INVAL ? E_NOTFOUND : rc);
    buf_fini(&b);
    return 0;
}

/* GET /calendar */
static int calendar_page(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    web_begin(req, resp, &w);
    if (web_need_member(&w))
        return 0;
    struct db_conn *c;
    int rc = db_acquire(w.core->db, DB_SNAPSHOT, &c);
    if (rc)
        return web_fail(&w, rc), 0;
    int64_t *ids;
    size_t n;
    const char *token = NULL;
    rc = event_upcoming(c, req->arena, &w.viewer, time_now_ms(), CALENDAR_MAX, &ids, &n);
    json_t *statuses = rc ? NULL : web_status_views(&w, c, ids, n);
    if (rc == 0)
        rc = calendar_token_get(c, req->arena, w.me->id, &token);
    db_release(c);
    if (rc) {
        json_decref(statuses);
        return web_fail(&w, rc), 0;
    }
    json_t *d = json_object();
    json_object_set_new(d, "statuses", statuses);
    if (token)
        json_object_set_new(
            d, "feed_url",
            json_string(web_url(&w, arena_printf(req->arena, "/calendar/%s.ics", token))));
    web_page(&w, 200, "calendar", "Calendar", d);
    return 0;
}

/* POST /calendar/feed and /calendar/feed/revoke */
static int calendar_feed_change(struct req *req, struct resp *resp, int renew)
{
    struct web_ctx w;
    if (web_begin_form(req, resp, &w))
        return 0;
    const char *token;
    int rc = renew ? calendar_token_renew(w.core, req->arena, w.me->id, &token)
                   : calendar_token_revoke(w.core, w.me->id);
    if (rc)
        return web_fail(&w, rc), 0;
    web_redirect(&w, "/calendar");
    return 0;
}

static int calendar_feed_new(struct req *req, struct resp *resp)
{
    return calendar_feed_change(req, resp, 1);
}

static int calendar_feed_revoke(struct req *req, struct resp *resp)
{
    return calendar_feed_change(req, resp, 0);
}

/* POST /events/:id/rsvp */
static int rsvp_form(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    if (web_begin_form(req, resp, &w))
        return 0;
    int64_t id = 0;
    const char *ids = req_param(req, "id");
    enum event_rsvp r;
    if (!ids || id_from_str(ids, &id) != 0)
        return web_fail(&w, E_NOTFOUND), 0;
    if (event_rsvp_parse(req_arg(req, "rsvp"), &r) != 0)
        return web_error(&w, 422, "Choose going, maybe or not going."), 0;
    const char *why = NULL;
    int rc = event_rsvp_set(w.core, w.me->id, id, r, -1, &why);
    if (rc == E_INVAL && why)
        return web_error(&w, 422, why), 0;
    if (rc)
        return web_fail(&w, rc), 0;
    web_redirect(&w, web_return_to(&w, "/calendar"));
    return 0;
}

static json_t *form_data(struct web_ctx *w, const char *error)
{
    json_t *d = json_object();
    const char *fields[] = {"name",        "start",         "end",        "utc_offset",
                            "timezone",    "location_name", "street",     "locality",
                            "postal_code", "country",       "description"};
    for (size_t i = 0; i < sizeof(fields) / sizeof(*fields); i++) {
        const char *v = req_arg(w->req, fields[i]);
        if (v)
            json_object_set_new(d, fields[i], json_string(v));
    }
    if (!req_arg(w->req, "utc_offset"))
        json_object_set_new(d, "utc_offset", json_string("+00:00"));
    if (error)
        json_object_set_new(d, "error", json_string(error));
    enum status_visibility vis = VIS_PUBLIC;
    const char *vs = req_arg(w->req, "visibility");
    if (vs)
        visibility_parse(vs, &vis);
    json_object_set_new(d, "visibility_options", web_visibility_options(vis, 0));
    return d;
}

/* GET /events/new */
static int event_new_page(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    web_begin(req, resp, &w);
    if (web_need_member(&w))
        return 0;
    web_page(&w, 200, "event_new", "New event", form_data(&w, NULL));
    return 0;
}

/*
 * A datetime-local value ("2026-12-20T19:00") in the offset "+01:00": the
 * instant, or 0 when either does not parse.
 */
static int64_t local_time(struct arena *a, const char *value, const char *offset, int *minutes)
{
    if (!value || !*value || !offset || !*offset)
        return 0;
    size_t n = strlen(value);
    const char *iso = arena_printf(a, "%s%s%s", value, n == 16 ? ":00" : "", offset);
    int64_t ms;
    if (time_parse_iso8601(iso, &ms) != 0 || !time_iso8601_offset(iso, minutes))
        return 0;
    return ms;
}

/* POST /events */
static int event_create_form(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    if (web_begin_form(req, resp, &w))
        return 0;
    struct event_info e;
    event_init(&e);
    const char *offset = req_arg(req, "utc_offset");
    e.name = req_arg(req, "name");
    e.start_at = local_time(req->arena, req_arg(req, "start"), offset, &e.utc_offset);
    e.has_offset = e.start_at != 0;
    int ignored;
    const char *end = req_arg(req, "end");
    if (end && *end && !(e.end_at = local_time(req->arena, end, offset, &ignored)))
        return web_page(&w, 422, "event_new", "New event",
                        form_data(&w, "The end is not a date and time.")),
               0;
    if (!e.start_at)
        return web_page(&w, 422, "event_new", "New event",
                        form_data(&w, "Give the start as a date and time, and a UTC offset such "
                                      "as +01:00.")),
               0;
    const char *opt[] = {"timezone", "location_name", "street",
                         "locality", "postal_code",   "country"};
    const char **dst[] = {&e.timezone, &e.location_name, &e.street,
                          &e.locality, &e.postal_code,   &e.country};
    for (size_t i = 0; i < 6; i++) {
        const char *v = req_arg(req, opt[i]);
        *dst[i] = v && *v ? v : NULL;
    }
    enum status_visibility vis = VIS_PUBLIC;
    const char *vs = req_arg(req, "visibility");
    if (vs && visibility_parse(vs, &vis) != 0)
        return web_page(&w, 422, "event_new", "New event",
                        form_data(&w, "Choose who may see the event.")),
               0;
    int64_t id;
    const char *why = NULL;
    int rc = event_create(w.core, w.me->id, &e, req_arg(req, "description"), vis, &id, &why);
    if ((rc == E_INVAL || rc == E_LIMIT) && why)
        return web_page(&w, 422, "event_new", "New event", form_data(&w, why)), 0;
    if (rc)
        return web_fail(&w, rc), 0;
    web_redirect(&w, arena_printf(req->arena, "/@%s/%lld", w.me->username, (long long)id));
    return 0;
}

const struct route web_calendar_routes[] = {
    {"GET", "/calendar", calendar_page, ROUTE_AUTH_NONE, NULL},
    {"POST", "/calendar/feed", calendar_feed_new, ROUTE_AUTH_NONE, NULL},
    {"POST", "/calendar/feed/revoke", calendar_feed_revoke, ROUTE_AUTH_NONE, NULL},
    {"GET", "/calendar/:token.ics", calendar_feed, ROUTE_AUTH_NONE, NULL},
    {"GET", "/@:acct/:id/event.ics", event_ics, ROUTE_AUTH_NONE, NULL},
    {"POST", "/events/:id/rsvp", rsvp_form, ROUTE_AUTH_NONE, NULL},
    {"GET", "/events/new", event_new_page, ROUTE_AUTH_NONE, NULL},
    {"POST", "/events", event_create_form, ROUTE_AUTH_NONE, NULL},
};
const size_t web_calendar_routes_count =
    sizeof(web_calendar_routes) / sizeof(web_calendar_routes[0]);
