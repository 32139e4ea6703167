/*
 * ap/event: Event objects and RSVPs in and out (see event.h).
 *
 * How peers answer events, as their code reads them: Mobilizon takes a
 * Join of the Event (and Leave to withdraw); Friendica reads Accept,
 * TentativeAccept and Reject of the Event as attending, maybe and not
 * attending, and Undo of them as withdrawn; Gathio counts a vote in its
 * "Will you attend?" Question, and an Accept of the Event as a yes.
 */
#include "ap/event.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ap/internal.h"
#include "core/account.h"
#include "core/core.h"
#include "core/event.h"
#include "core/outbox.h"
#include "core/poll.h"
#include "core/status.h"
#include "core/visibility.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/timeutil.h"

#define EVENT_TEXT_MAX 1000 /* bytes of a place's name or address part kept */

/* A short string field, or NULL when absent, blank or too long. */
static const char *field(json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    if (!s || !*s || strlen(s) > EVENT_TEXT_MAX)
        return NULL;
    return s;
}

static int http_url(const char *u)
{
    return u && (strncasecmp(u, "https://", 8) == 0 || strncasecmp(u, "http://", 7) == 0);
}

/* A coordinate (number or numeric string) within ±limit, as text; NULL when not one. */
static const char *coordinate(struct arena *a, json_t *v, double limit)
{
    double d;
    if (json_is_number(v)) {
        d = json_number_value(v);
    } else if (json_is_string(v)) {
        char *end;
        d = strtod(json_string_value(v), &end);
        if (end == json_string_value(v) || *end)
            return NULL;
    } else {
        return NULL;
    }
    if (!(d >= -limit && d <= limit))
        return NULL;
    return arena_printf(a, "%.7f", d);
}

static void read_place(struct arena *a, json_t *loc, struct event_info *e)
{
    if (json_is_array(loc))
        loc = json_array_get(loc, 0);
    if (json_is_string(loc)) {
        const char *s = json_string_value(loc);
        e->location_name = *s && strlen(s) <= EVENT_TEXT_MAX ? s : NULL;
        return;
    }
    if (!json_is_object(loc))
        return;
    e->location_name = field(loc, "name");
    json_t *addr = json_object_get(loc, "address");
    if (json_is_string(addr)) {
        e->street = field(loc, "address");
    } else if (json_is_object(addr)) {
        e->street = field(addr, "streetAddress");
        e->locality = field(addr, "addressLocality");
        e->region = field(addr, "addressRegion");
        e->postal_code = field(addr, "postalCode");
        e->country = field(addr, "addressCountry");
    }
    e->latitude = coordinate(a, json_object_get(loc, "latitude"), 90);
    e->longitude = coordinate(a, json_object_get(loc, "longitude"), 180);
    if (!e->latitude || !e->longitude)
        e->latitude = e->longitude = NULL;
}

int ap_event_read(struct arena *a, json_t *obj, struct event_info *e)
{
    event_init(e);
    const char *type = json_string_value(json_object_get(obj, "type"));
    const char *name = field(obj, "name");
    const char *start = json_string_value(json_object_get(obj, "startTime"));
    if (!type || strcmp(type, "Event") != 0 || !name || !start ||
        time_parse_iso8601(start, &e->start_at) != 0 || !e->start_at)
        return E_INVAL;
    e->name = name;
    const char *end = json_string_value(json_object_get(obj, "endTime"));
    if (end && (time_parse_iso8601(end, &e->end_at) != 0 || e->end_at < e->start_at))
        e->end_at = 0;
    e->timezone = field(obj, "timezone");
    e->has_offset = time_iso8601_offset(start, &e->utc_offset);
    read_place(a, json_object_get(obj, "location"), e);
    const char *url = ap_id_of(json_object_get(obj, "url"));
    if (json_is_array(json_object_get(obj, "url")))
        url = ap_id_of(json_array_get(json_object_get(obj, "url"), 0));
    e->url = http_url(url) ? url : NULL;
    e->join_mode = field(obj, "joinMode");
    json_t *anon = json_object_get(obj, "anonymousParticipationEnabled");
    if (json_is_boolean(anon))
        e->anonymous_participation = json_is_true(anon);
    json_t *pc = json_object_get(obj, "participantCount");
    if (json_is_integer(pc) && json_integer_value(pc) >= 0)
        e->participant_count = json_integer_value(pc);
    json_t *cap = json_object_get(obj, "maximumAttendeeCapacity");
    if (json_is_integer(cap) && json_integer_value(cap) >= 0)
        e->max_capacity = json_integer_value(cap);
    return 0;
}

/* text escaped for HTML, into the arena. */
static const char *html_escape(struct arena *a, const char *s)
{
    size_t n = 0;
    for (const char *p = s; *p; p++)
        n += *p == '&' ? 5 : *p == '<' || *p == '>' ? 4 : *p == '"' ? 6 : 1;
    char *out = arena_alloc(a, n + 1), *o = out;
    for (const char *p = s; *p; p++) {
        const char *r = *p == '&'   ? "&amp;"
                        : *p == '<' ? "&lt;"
                        : *p == '>' ? "&gt;"
                        : *p == '"' ? "&quot;"
                                    : NULL;
        if (r) {
            memcpy(o, r, strlen(r));
            o += strlen(r);
        } else {
            *o++ = *p;
        }
    }
    *o = '\0';
    return out;
}

static const char *summary_html(struct arena *a, json_t *obj)
{
    struct event_info e;
    if (ap_event_read(a, obj, &e) != 0)
        return "";
    const char *where = event_where_text(a, &e);
    const char *html = arena_printf(a, "<p>When: %s", html_escape(a, event_when_text(a, &e)));
    if (*where)
        html = arena_printf(a, "%s<br>Where: %s", html, html_escape(a, where));
    return arena_printf(a, "%s</p>", html);
}

const char *ap_event_content(struct arena *a, json_t *obj, const char *content)
{
    const char *when = summary_html(a, obj);
    if (!*when)
        return content;
    /* After the title's paragraph, which read_object puts first. */
    const char *title_end = content ? strstr(content, "</p>") : NULL;
    if (!title_end)
        return arena_printf(a, "%s%s", when, content ? content : "");
    size_t n = (size_t)(title_end - content) + 4;
    return arena_printf(a, "%.*s%s%s", (int)n, content, when, content + n);
}

static int64_t status_id_by_uri(struct db_conn *c, struct arena *a, const char *uri,
                                struct status **st)
{
    struct status *s;
    if (!uri || status_find_by_uri(c, a, uri, &s) != 0)
        return 0;
    if (st)
        *st = s;
    return s->id;
}

int ap_event_stored(const struct core *core, struct arena *a, json_t *obj,
                    const struct account *author, int64_t id)
{
    const char *type = json_string_value(json_object_get(obj, "type"));
    const char *uri = json_string_value(json_object_get(obj, "id"));
    if (!type || (strcmp(type, "Event") != 0 && strcmp(type, "Question") != 0))
        return 0;
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_READ, &c);
    if (rc)
        return rc;
    if (!id)
        id = status_id_by_uri(c, a, uri, NULL);
    int64_t parent = 0;
    struct status *pst = NULL;
    if (strcmp(type, "Question") == 0)
        parent = status_id_by_uri(c, a, ap_id_of(json_object_get(obj, "inReplyTo")), &pst);
    db_release(c);
    if (!id)
        return 0;
    if (strcmp(type, "Event") == 0) {
        struct event_info e;
        if (ap_event_read(a, obj, &e) != 0)
            return 0; /* an Event without a time is kept as a post only */
        e.status_id = id;
        e.account_id = author->id;
        rc = event_save(core, &e);
        if (rc)
            return rc == E_INVAL ? 0 : rc;
        /* The organizer's poll may have come first (deliveries run side by side): link it. */
        int64_t poll = 0;
        if (db_acquire(core->db, DB_READ, &c) == 0) {
            struct db_stmt *s;
            if (db_prepare(c,
                           "SELECT s.id FROM statuses s JOIN polls p ON p.status_id = s.id"
                           " WHERE s.in_reply_to_id = ? AND s.account_id = ? ORDER BY s.id"
                           " LIMIT 1",
                           &s) == 0) {
                db_bind_i64(s, 1, id);
                db_bind_i64(s, 2, author->id);
                poll = db_step(s) == DB_ROW ? db_col_i64(s, 0) : 0;
                db_stmt_done(s);
            }
            db_release(c);
        }
        if (poll) {
            rc = event_link_poll(core, id, poll);
            return rc == E_NOTFOUND || rc == E_FORBIDDEN ? 0 : rc;
        }
        return 0;
    }
    if (!parent || pst->account_id != author->id)
        return 0;
    rc = event_link_poll(core, parent, id);
    return rc == E_NOTFOUND || rc == E_FORBIDDEN ? 0 : rc;
}

static int answer_type(const char *t, enum event_rsvp *r)
{
    if (!t)
        return 0;
    if (!strcmp(t, "Join") || !strcmp(t, "Accept"))
        *r = EVENT_RSVP_GOING;
    else if (!strcmp(t, "TentativeAccept"))
        *r = EVENT_RSVP_MAYBE;
    else if (!strcmp(t, "Reject"))
        *r = EVENT_RSVP_NOT_GOING;
    else if (!strcmp(t, "Leave"))
        *r = EVENT_RSVP_NONE;
    else
        return 0;
    return 1;
}

/* The local event (a status made here with an events row) named by uri: its id, or 0. */
static int64_t local_event(const struct core *core, struct arena *a, const char *uri)
{
    struct db_conn *c;
    if (!uri || db_acquire(core->db, DB_READ, &c) != 0)
        return 0;
    struct status *st;
    struct event_info *e;
    int64_t id = 0;
    if (status_find_by_uri(c, a, uri, &st) == 0 && st->local && event_get(c, a, st->id, &e) == 0)
        id = st->id;
    db_release(c);
    return id;
}

/* A vote: a Note named as a choice of a local Question it replies to, with no text. */
static int on_vote(const struct core *core, struct arena *a, const struct account *signer,
                   json_t *note, int *handled)
{
    const char *name = json_string_value(json_object_get(note, "name"));
    const char *reply = ap_id_of(json_object_get(note, "inReplyTo"));
    const char *content = json_string_value(json_object_get(note, "content"));
    const char *author = ap_id_of(json_object_get(note, "attributedTo"));
    if (!name || !reply || (content && *content) || !author || strcmp(author, signer->uri) != 0)
        return 0;
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_READ, &c);
    if (rc)
        return rc;
    struct status *st;
    struct poll *p = NULL;
    /* The voter must be one who may see the poll, as a remote account (never local-only). */
    struct viewer v = {.kind = VIEWER_REMOTE, .account_id = signer->id, .domain = signer->domain};
    if (status_find_by_uri(c, a, reply, &st) == 0 && st->local &&
        visibility_may_see(c, &v, st->id) == 1 && poll_get_by_status(c, a, st->id, &p) != 0)
        p = NULL;
    db_release(c);
    if (!p)
        return 0;
    *handled = 1;
    int choice = -1;
    for (size_t i = 0; i < p->n_options; i++)
        if (strcmp(p->options[i].title, name) == 0)
            choice = (int)i;
    if (choice < 0)
        return 0;
    const char *why;
    /* Counted, and for an event's poll recorded as the answer (event_poll_voted). */
    rc = poll_vote(core, signer->id, p->id, &choice, 1, &why);
    return rc == E_INVAL || rc == E_NOTFOUND ? 0 : rc; /* ended, voted already: nothing */
}

int ap_event_inbox(const struct core *core, struct arena *a, const struct account *signer,
                   json_t *act, int *handled)
{
    *handled = 0;
    const char *type = json_string_value(json_object_get(act, "type"));
    json_t *obj = json_object_get(act, "object");
    const char *id = json_string_value(json_object_get(act, "id"));
    enum event_rsvp r;
    if (!type)
        return 0;
    if (!strcmp(type, "Create")) {
        const char *ot = json_string_value(json_object_get(obj, "type"));
        return ot && !strcmp(ot, "Note") ? on_vote(core, a, signer, obj, handled) : 0;
    }
    if (answer_type(type, &r)) {
        int64_t ev = local_event(core, a, ap_id_of(obj));
        if (!ev)
            return 0; /* an Accept of a Follow, or of something not ours */
        *handled = 1;
        int rc = event_rsvp_receive(core, signer->id, ev, r, id, type);
        return rc == E_NOTFOUND ? 0 : rc;
    }
    if (!strcmp(type, "Undo")) {
        const char *inner = json_string_value(json_object_get(obj, "type"));
        if (!inner || !answer_type(inner, &r) ||
            !local_event(core, a, ap_id_of(json_object_get(obj, "object"))))
            return 0;
        const char *actor = ap_id_of(json_object_get(obj, "actor"));
        if (actor && strcmp(actor, signer->uri) != 0)
            return 0;
        *handled = 1;
        return event_rsvp_undo(core, signer->id, ap_id_of(obj));
    }
    return 0;
}

void ap_event_object(const struct core *core, struct arena *a, struct db_conn *c,
                     const struct status *st, json_t *obj)
{
    (void)core;
    struct event_info *e;
    if (event_get(c, a, st->id, &e) != 0)
        return;
    char t[TIME_ISO_MAX];
    json_object_set_new(obj, "type", json_string("Event"));
    json_object_set_new(obj, "name", json_string(e->name));
    json_object_set_new(obj, "startTime", json_string(time_iso8601(e->start_at, t)));
    if (e->end_at)
        json_object_set_new(obj, "endTime", json_string(time_iso8601(e->end_at, t)));
    if (e->timezone)
        json_object_set_new(obj, "timezone", json_string(e->timezone));
    const char *where = event_where_text(a, e);
    if (*where) {
        json_t *place = json_pack("{s:s, s:s}", "type", "Place", "name",
                                  e->location_name ? e->location_name : where);
        json_t *addr = json_pack("{s:s}", "type", "PostalAddress");
        const char *keys[] = {"streetAddress", "addressLocality", "addressRegion", "postalCode",
                              "addressCountry"};
        const char *vals[] = {e->street, e->locality, e->region, e->postal_code, e->country};
        int any = 0;
        for (size_t i = 0; i < 5; i++)
            if (vals[i]) {
                json_object_set_new(addr, keys[i], json_string(vals[i]));
                any = 1;
            }
        if (any)
            json_object_set_new(place, "address", addr);
        else
            json_decref(addr);
        if (e->latitude && e->longitude) {
            json_object_set_new(place, "latitude", json_real(strtod(e->latitude, NULL)));
            json_object_set_new(place, "longitude", json_real(strtod(e->longitude, NULL)));
        }
        json_object_set_new(obj, "location", place);
    }
}

static void one_inbox(struct arena *a, const struct account *to, const char ***inboxes, size_t *n)
{
    const char *inbox = to->inbox_url ? to->inbox_url : to->shared_inbox_url;
    if (!inbox)
        return;
    *inboxes = arena_alloc(a, sizeof(**inboxes));
    (*inboxes)[0] = inbox;
    *n = 1;
}

int ap_event_build(const struct core *core, struct arena *a, struct db_conn *c, int ev,
                   const struct account *actor, int64_t object, const char *uri, json_t **activity,
                   const char ***inboxes, size_t *n)
{
    (void)core;
    *activity = NULL;
    *n = 0;
    struct status *st;
    struct account *to;
    int rc = status_get(c, a, object, &st);
    if (rc == 0)
        rc = account_get(c, a, st->account_id, &to);
    if (rc)
        return rc == E_NOTFOUND ? 0 : rc;
    if (!to->domain)
        return 0;
    if (ev == OUTBOX_VOTE) {
        struct poll *p;
        char *end;
        long choice = uri ? strtol(uri, &end, 10) : -1;
        if (poll_get_by_status(c, a, st->id, &p) != 0 || choice < 0 ||
            (size_t)choice >= p->n_options)
            return 0;
        const char *id = arena_printf(a, "%s#votes/%lld/%ld", actor->uri, (long long)p->id, choice);
        char t[TIME_ISO_MAX];
        json_t *note =
            json_pack("{s:s, s:s, s:s, s:s, s:s, s:[s], s:s}", "id", id, "type", "Note", "name",
                      p->options[choice].title, "attributedTo", actor->uri, "inReplyTo", st->uri,
                      "to", to->uri, "published", time_iso8601(time_now_ms(), t));
        *activity =
            json_pack("{s:s, s:s, s:s, s:[s], s:o}", "id", arena_printf(a, "%s/activity", id),
                      "type", "Create", "actor", actor->uri, "to", to->uri, "object", note);
        one_inbox(a, to, inboxes, n);
        return 0;
    }
    if (ev != OUTBOX_RSVP)
        return 0;
    struct event_info *e;
    struct event_answer ans;
    if (event_get(c, a, st->id, &e) != 0 || event_answer_get(c, a, st->id, actor->id, &ans) != 0 ||
        !ans.uri || !ans.type)
        return 0;
    if (event_via_of(e) == EVENT_VIA_JOIN && ans.state != EVENT_RSVP_GOING) {
        *activity =
            json_pack("{s:s, s:s, s:s, s:s, s:[s]}", "id", arena_printf(a, "%s/leave", ans.uri),
                      "type", "Leave", "actor", actor->uri, "object", st->uri, "to", to->uri);
    } else if (ans.state != EVENT_RSVP_NONE) {
        *activity = json_pack("{s:s, s:s, s:s, s:s, s:[s]}", "id", ans.uri, "type", ans.type,
                              "actor", actor->uri, "object", st->uri, "to", to->uri);
    } else {
        json_t *said = json_pack("{s:s, s:s, s:s, s:s}", "id", ans.uri, "type", ans.type, "actor",
                                 actor->uri, "object", st->uri);
        *activity =
            json_pack("{s:s, s:s, s:s, s:[s], s:o}", "id", arena_printf(a, "%s/undo", ans.uri),
                      "type", "Undo", "actor", actor->uri, "to", to->uri, "object", said);
    }
    one_inbox(a, to, inboxes, n);
    return 0;
}
