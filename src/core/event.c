/*
 * event: events, their answers and calendar tokens (see event.h).
 */
#include "core/event.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/account.h"
#include "core/core.h"
#include "core/notification.h"
#include "core/outbox.h"
#include "core/poll.h"
#include "core/session.h"
#include "core/status.h"
#include "core/tx.h"
#include "core/visibility.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"
#include "util/limits.h"
#include "util/timeutil.h"
#include "util/utf8.h"

static const char *const rsvp_names[] = {NULL, "going", "maybe", "not_going"};

const char *event_rsvp_name(enum event_rsvp r)
{
    return (unsigned)r < 4 ? rsvp_names[r] : NULL;
}

int event_rsvp_parse(const char *s, enum event_rsvp *out)
{
    if (!s)
        return E_INVAL;
    for (int i = 1; i < 4; i++)
        if (strcmp(s, rsvp_names[i]) == 0) {
            *out = (enum event_rsvp)i;
            return 0;
        }
    if (strcmp(s, "none") == 0 || strcmp(s, "withdraw") == 0) {
        *out = EVENT_RSVP_NONE;
        return 0;
    }
    return E_INVAL;
}

void event_init(struct event_info *e)
{
    memset(e, 0, sizeof(*e));
    e->anonymous_participation = -1;
    e->participant_count = -1;
    e->max_capacity = -1;
}

static int step_done(struct db_stmt *s)
{
    int rc = db_step(s);
    db_stmt_done(s);
    return rc < 0 ? rc : 0;
}

static void bind_opt_text(struct db_stmt *s, int i, const char *v)
{
    if (v && *v)
        db_bind_text(s, i, v);
    else
        db_bind_null(s, i);
}

static void bind_opt_i64(struct db_stmt *s, int i, int64_t v, int64_t none)
{
    if (v == none)
        db_bind_null(s, i);
    else
        db_bind_i64(s, i, v);
}

int event_put(struct db_conn *c, const struct event_info *e)
{
    if (!e->name || !*e->name || !e->start_at || (e->end_at && e->end_at < e->start_at) ||
        !e->status_id || !e->account_id)
        return E_INVAL;
    struct db_stmt *s;
    int rc = db_prepare(
        c,
        "INSERT INTO events (status_id, account_id, name, start_at, end_at, timezone, utc_offset,"
        " location_name, street, locality, region, postal_code, country, latitude, longitude, url,"
        " join_mode, anonymous_participation, participant_count, max_capacity, poll_status_id,"
        " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (status_id) DO UPDATE SET name = excluded.name,"
        " start_at = excluded.start_at, end_at = excluded.end_at, timezone = excluded.timezone,"
        " utc_offset = excluded.utc_offset, location_name = excluded.location_name,"
        " street = excluded.street, locality = excluded.locality, region = excluded.region,"
        " postal_code = excluded.postal_code, country = excluded.country,"
        " latitude = excluded.latitude, longitude = excluded.longitude, url = excluded.url,"
        " join_mode = excluded.join_mode,"
        " anonymous_participation = excluded.anonymous_participation,"
        " participant_count = excluded.participant_count, max_capacity = excluded.max_capacity,"
        " poll_status_id = COALESCE(excluded.poll_status_id, events.poll_status_id),"
        " updated_at = excluded.updated_at",
        &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, e->status_id);
    db_bind_i64(s, 2, e->account_id);
    db_bind_text(s, 3, e->name);
    db_bind_i64(s, 4, e->start_at);
    bind_opt_i64(s, 5, e->end_at, 0);
    bind_opt_text(s, 6, e->timezone);
    if (e->has_offset)
        db_bind_i64(s, 7, e->utc_offset);
    else
        db_bind_null(s, 7);
    bind_opt_text(s, 8, e->location_name);
    bind_opt_text(s, 9, e->street);
    bind_opt_text(s, 10, e->locality);
    bind_opt_text(s, 11, e->region);
    bind_opt_text(s, 12, e->postal_code);
    bind_opt_text(s, 13, e->country);
    bind_opt_text(s, 14, e->latitude);
    bind_opt_text(s, 15, e->longitude);
    bind_opt_text(s, 16, e->url);
    bind_opt_text(s, 17, e->join_mode);
    bind_opt_i64(s, 18, e->anonymous_participation, -1);
    bind_opt_i64(s, 19, e->participant_count, -1);
    bind_opt_i64(s, 20, e->max_capacity, -1);
    bind_opt_i64(s, 21, e->poll_status_id, 0);
    db_bind_i64(s, 22, time_now_ms());
    return step_done(s);
}

int event_save(const struct core *core, const struct event_info *e)
{
    struct db_conn *c;
    int rc = core_tx_begin(core, &c);
    if (rc)
        return rc;
    rc = event_put(c, e);
    return core_tx_end(c, rc);
}

static const char *col_text(struct arena *a, struct db_stmt *s, int i)
{
    const char *v = db_col_is_null(s, i) ? NULL : db_col_text(s, i);
    return v ? arena_strdup(a, v) : NULL;
}

int event_get(struct db_conn *c, struct arena *a, int64_t status_id, struct event_info **out)
{
    struct db_stmt *s;
    int rc = db_prepare(
        c,
        "SELECT status_id, account_id, name, start_at, end_at, timezone, utc_offset, location_name,"
        " street, locality, region, postal_code, country, latitude, longitude, url, join_mode,"
        " anonymous_participation, participant_count, max_capacity, poll_status_id FROM events"
        " WHERE status_id = ?",
        &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, status_id);
    rc = db_step(s);
    if (rc != DB_ROW) {
        db_stmt_done(s);
        return rc < 0 ? rc : E_NOTFOUND;
    }
    struct event_info *e = arena_alloc(a, sizeof(*e));
    event_init(e);
    e->status_id = db_col_i64(s, 0);
    e->account_id = db_col_i64(s, 1);
    e->name = col_text(a, s, 2);
    e->start_at = db_col_i64(s, 3);
    e->end_at = db_col_is_null(s, 4) ? 0 : db_col_i64(s, 4);
    e->timezone = col_text(a, s, 5);
    e->has_offset = !db_col_is_null(s, 6);
    e->utc_offset = e->has_offset ? (int)db_col_i64(s, 6) : 0;
    e->location_name = col_text(a, s, 7);
    e->street = col_text(a, s, 8);
    e->locality = col_text(a, s, 9);
    e->region = col_text(a, s, 10);
    e->postal_code = col_text(a, s, 11);
    e->country = col_text(a, s, 12);
    e->latitude = col_text(a, s, 13);
    e->longitude = col_text(a, s, 14);
    e->url = col_text(a, s, 15);
    e->join_mode = col_text(a, s, 16);
    e->anonymous_participation = db_col_is_null(s, 17) ? -1 : (int)db_col_i64(s, 17);
    e->participant_count = db_col_is_null(s, 18) ? -1 : db_col_i64(s, 18);
    e->max_capacity = db_col_is_null(s, 19) ? -1 : db_col_i64(s, 19);
    e->poll_status_id = db_col_is_null(s, 20) ? 0 : db_col_i64(s, 20);
    db_stmt_done(s);
    *out = e;
    return 0;
}

int64_t event_of_poll(struct db_conn *c, int64_t poll_status_id)
{
    struct db_stmt *s;
    if (!poll_status_id ||
        db_prepare(c, "SELECT status_id FROM events WHERE poll_status_id = ?", &s) != 0)
        return 0;
    db_bind_i64(s, 1, poll_status_id);
    int64_t id = db_step(s) == DB_ROW ? db_col_i64(s, 0) : 0;
    db_stmt_done(s);
    return id;
}

static int64_t status_author(struct db_conn *c, int64_t id)
{
    struct db_stmt *s;
    if (db_prepare(c, "SELECT account_id FROM statuses WHERE id = ? AND deleted_at IS NULL", &s))
        return 0;
    db_bind_i64(s, 1, id);
    int64_t author = db_step(s) == DB_ROW ? db_col_i64(s, 0) : 0;
    db_stmt_done(s);
    return author;
}

int event_link_poll(const struct core *core, int64_t event_id, int64_t poll_status_id)
{
    struct db_conn *c;
    int rc = core_tx_begin(core, &c);
    if (rc)
        return rc;
    struct db_stmt *s;
    int64_t organizer = 0;
    if ((rc = db_prepare(c, "SELECT account_id FROM events WHERE status_id = ?", &s)) == 0) {
        db_bind_i64(s, 1, event_id);
        organizer = db_step(s) == DB_ROW ? db_col_i64(s, 0) : 0;
        db_stmt_done(s);
        if (!organizer)
            rc = E_NOTFOUND;
        else if (status_author(c, poll_status_id) != organizer)
            rc = E_FORBIDDEN;
    }
    if (rc == 0 &&
        (rc = db_prepare(c, "UPDATE events SET poll_status_id = ? WHERE status_id = ?", &s)) == 0) {
        db_bind_i64(s, 1, poll_status_id);
        db_bind_i64(s, 2, event_id);
        rc = step_done(s);
    }
    return core_tx_end(c, rc);
}

enum event_via event_via_of(const struct event_info *e)
{
    if (e->join_mode)
        return EVENT_VIA_JOIN;
    if (e->poll_status_id)
        return EVENT_VIA_POLL;
    return EVENT_VIA_ACCEPT;
}

int event_answer_get(struct db_conn *c, struct arena *a, int64_t status_id, int64_t account,
                     struct event_answer *out)
{
    struct db_stmt *s;
    int rc = db_prepare(c,
                        "SELECT state, activity_uri, activity_type FROM event_rsvps"
                        " WHERE status_id = ? AND account_id = ?",
                        &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, status_id);
    db_bind_i64(s, 2, account);
    rc = db_step(s);
    if (rc != DB_ROW) {
        db_stmt_done(s);
        return rc < 0 ? rc : E_NOTFOUND;
    }
    out->state = (enum event_rsvp)db_col_i64(s, 0);
    out->uri = col_text(a, s, 1);
    out->type = col_text(a, s, 2);
    db_stmt_done(s);
    return 0;
}

int event_rsvp_get(struct db_conn *c, int64_t status_id, int64_t account, enum event_rsvp *out)
{
    struct db_stmt *s;
    *out = EVENT_RSVP_NONE;
    int rc =
        db_prepare(c, "SELECT state FROM event_rsvps WHERE status_id = ? AND account_id = ?", &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, status_id);
    db_bind_i64(s, 2, account);
    rc = db_step(s);
    if (rc == DB_ROW)
        *out = (enum event_rsvp)db_col_i64(s, 0);
    db_stmt_done(s);
    return rc < 0 ? rc : 0;
}

/* Stores an answer row (state NONE keeps the row, withdrawn, with its last activity). */
static int answer_put(struct db_conn *c, int64_t status_id, int64_t account, enum event_rsvp r,
                      const char *uri, const char *type)
{
    struct db_stmt *s;
    int rc = db_prepare(
        c,
        "INSERT INTO event_rsvps (status_id, account_id, state, activity_uri, activity_type,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (status_id, account_id) DO UPDATE SET"
        " state = excluded.state,"
        " activity_uri = COALESCE(excluded.activity_uri, event_rsvps.activity_uri),"
        " activity_type = COALESCE(excluded.activity_type, event_rsvps.activity_type),"
        " created_at = excluded.created_at",
        &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, status_id);
    db_bind_i64(s, 2, account);
    db_bind_i64(s, 3, r);
    bind_opt_text(s, 4, uri);
    bind_opt_text(s, 5, type);
    db_bind_i64(s, 6, time_now_ms());
    return step_done(s);
}

/* The choice of a companion poll that says r: "Yes, I'm going", "Maybe", "No"... or -1. */
static int poll_choice_for(const struct poll *p, enum event_rsvp r)
{
    static const char *const going[] = {"going", "yes", "attend", "accept", "i'll be there"};
    static const char *const maybe[] = {"maybe", "tentative", "perhaps", "interested"};
    static const char *const no[] = {"not going", "no", "can't", "cannot", "decline"};
    const char *const *words = r == EVENT_RSVP_GOING ? going : r == EVENT_RSVP_MAYBE ? maybe : no;
    size_t nw = r == EVENT_RSVP_GOING   ? sizeof(going) / sizeof(*going)
                : r == EVENT_RSVP_MAYBE ? sizeof(maybe) / sizeof(*maybe)
                                        : sizeof(no) / sizeof(*no);
    /* "No" is a prefix of "Not going": look at the start of each title, longest words first. */
    for (size_t w = 0; w < nw; w++)
        for (size_t i = 0; i < p->n_options; i++)
            if (strncasecmp(p->options[i].title, words[w], strlen(words[w])) == 0) {
                if (r == EVENT_RSVP_GOING && strncasecmp(p->options[i].title, "no", 2) == 0)
                    continue;
                return (int)i;
            }
    return -1;
}

static int event_ended(const struct event_info *e, int64_t now)
{
    return (e->end_at ? e->end_at : e->start_at) < now;
}

int event_rsvp_set(const struct core *core, int64_t member, int64_t status_id, enum event_rsvp r,
                   int via, const char **why)
{
    struct arena *a = arena_new();
    struct db_conn *c = NULL;
    *why = NULL;
    int vote_choice = -1;
    int64_t vote_poll = 0;
    int rc = core_tx_begin(core, &c);
    if (rc)
        goto out;
    struct event_info *e;
    if ((rc = event_get(c, a, status_id, &e)))
        goto out;
    struct viewer v = {.kind = VIEWER_LOCAL, .account_id = member};
    rc = visibility_may_see(c, &v, status_id);
    if (rc <= 0) {
        rc = rc < 0 ? rc : E_NOTFOUND;
        goto out;
    }
    rc = 0;
    if (e->account_id == member) {
        *why = "You organize this event";
        rc = E_INVAL;
        goto out;
    }
    if (event_ended(e, time_now_ms())) {
        *why = "The event has already ended";
        rc = E_INVAL;
        goto out;
    }
    struct event_answer prev = {.state = EVENT_RSVP_NONE};
    rc = event_answer_get(c, a, status_id, member, &prev);
    if (rc && rc != E_NOTFOUND)
        goto out;
    rc = 0;
    if (prev.state == r)
        goto out; /* the same answer again */
    struct account *org;
    if ((rc = account_get(c, a, e->account_id, &org)))
        goto out;
    if (!org->domain) {
        rc = answer_put(c, status_id, member, r, NULL, NULL);
        if (rc == 0 && r != EVENT_RSVP_NONE)
            rc = notification_add(c, e->account_id, member, NOTIFY_EVENT_RSVP, status_id, NULL);
        goto out;
    }
    struct account *me;
    if ((rc = account_get(c, a, member, &me)))
        goto out;
    const char *uri = NULL, *type = NULL;
    if (via < 0 || (via == EVENT_VIA_POLL && !e->poll_status_id))
        via = (int)event_via_of(e);
    switch ((enum event_via)via) {
    case EVENT_VIA_JOIN:
        if (r == EVENT_RSVP_MAYBE) {
            *why = "This event takes going or not going";
            rc = E_INVAL;
            goto out;
        }
        if (r == EVENT_RSVP_GOING) {
            type = "Join";
        } else if (prev.state != EVENT_RSVP_GOING) {
            /* Nothing was said to the organizer: "not going" is kept here only. */
            rc = answer_put(c, status_id, member, r, NULL, NULL);
            goto out;
        }
        break;
    case EVENT_VIA_POLL: {
        if (prev.state != EVENT_RSVP_NONE || r == EVENT_RSVP_NONE) {
            *why = "This event's answers are votes in its poll, which cannot be changed";
            rc = E_INVAL;
            goto out;
        }
        struct poll *p;
        if ((rc = poll_get_by_status(c, a, e->poll_status_id, &p)))
            goto out;
        vote_choice = poll_choice_for(p, r);
        vote_poll = p->id;
        if (vote_choice < 0) {
            *why = "The event's poll has no choice for this answer";
            rc = E_INVAL;
            goto out;
        }
        rc = answer_put(c, status_id, member, r, NULL, "vote");
        goto out; /* the vote itself is cast below, in its own transaction */
    }
    case EVENT_VIA_ACCEPT:
        type = r == EVENT_RSVP_GOING       ? "Accept"
               : r == EVENT_RSVP_MAYBE     ? "TentativeAccept"
               : r == EVENT_RSVP_NOT_GOING ? "Reject"
                                           : NULL;
        break;
    }
    if (type)
        uri = arena_printf(a, "%s#rsvps/%lld/%lld", me->uri, (long long)status_id,
                           (long long)id_next());
    rc = answer_put(c, status_id, member, r, uri, type);
    if (rc == 0)
        rc = outbox_add(c, OUTBOX_RSVP, member, status_id, NULL);
out:
    rc = core_tx_end(c, rc);
    if (rc == 0 && vote_poll) {
        rc = poll_vote(core, member, vote_poll, &vote_choice, 1, why);
        if (rc) {
            /* The vote was refused: the answer is not kept either. */
            struct db_conn *w;
            if (core_tx_begin(core, &w) == 0) {
                struct db_stmt *s;
                int rc2 = db_prepare(
                    w, "DELETE FROM event_rsvps WHERE status_id = ? AND account_id = ?", &s);
                if (rc2 == 0) {
                    db_bind_i64(s, 1, status_id);
                    db_bind_i64(s, 2, member);
                    rc2 = step_done(s);
                }
                core_tx_end(w, rc2);
            }
        }
    }
    arena_free(a);
    return rc;
}

int event_rsvp_receive(const struct core *core, int64_t account, int64_t status_id,
                       enum event_rsvp r, const char *uri, const char *type)
{
    struct arena *a = arena_new();
    struct db_conn *c = NULL;
    int rc = core_tx_begin(core, &c);
    if (rc)
        goto out;
    struct event_info *e;
    struct account *who, *org;
    if ((rc = event_get(c, a, status_id, &e)) || (rc = account_get(c, a, account, &who)) ||
        (rc = account_get(c, a, e->account_id, &org)))
        goto out;
    if (org->domain) {
        rc = E_NOTFOUND; /* answers to remote events are the organizer's server's to count */
        goto out;
    }
    struct viewer v = {.kind = who->domain ? VIEWER_REMOTE : VIEWER_LOCAL,
                       .account_id = account,
                       .domain = who->domain};
    rc = visibility_may_see(c, &v, status_id);
    if (rc <= 0) {
        rc = rc < 0 ? rc : E_NOTFOUND;
        goto out;
    }
    enum event_rsvp prev;
    if ((rc = event_rsvp_get(c, status_id, account, &prev)))
        goto out;
    rc = answer_put(c, status_id, account, r, uri, type);
    if (rc == 0 && r != EVENT_RSVP_NONE && r != prev)
        rc = notification_add(c, e->account_id, account, NOTIFY_EVENT_RSVP, status_id, NULL);
out:
    rc = core_tx_end(c, rc);
    arena_free(a);
    return rc;
}

int event_rsvp_undo(const struct core *core, int64_t account, const char *uri)
{
    if (!uri)
        return 0;
    struct db_conn *c;
    int rc = core_tx_begin(core, &c);
    if (rc)
        return rc;
    struct db_stmt *s;
    if ((rc = db_prepare(
             c, "UPDATE event_rsvps SET state = 0 WHERE account_id = ? AND activity_uri = ?",
             &s)) == 0) {
        db_bind_i64(s, 1, account);
        db_bind_text(s, 2, uri);
        rc = step_done(s);
    }
    return core_tx_end(c, rc);
}

int event_rsvp_counts(struct db_conn *c, int64_t status_id, int64_t *going, int64_t *maybe)
{
    struct db_stmt *s;
    *going = *maybe = 0;
    int rc = db_prepare(c,
                        "SELECT state, COUNT(*) FROM event_rsvps WHERE status_id = ?"
                        " AND state IN (1, 2) GROUP BY state",
                        &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, status_id);
    while ((rc = db_step(s)) == DB_ROW) {
        if (db_col_i64(s, 0) == EVENT_RSVP_GOING)
            *going = db_col_i64(s, 1);
        else
            *maybe = db_col_i64(s, 1);
    }
    db_stmt_done(s);
    return rc < 0 ? rc : 0;
}

int event_rsvp_accounts(struct db_conn *c, struct arena *a, int64_t status_id, enum event_rsvp r,
                        size_t max, int64_t **ids, size_t *n)
{
    struct db_stmt *s;
    *n = 0;
    *ids = arena_alloc(a, (max ? max : 1) * sizeof(**ids));
    int rc = db_prepare(c,
                        "SELECT account_id FROM event_rsvps WHERE status_id = ? AND state = ?"
                        " ORDER BY created_at, account_id LIMIT ?",
                        &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, status_id);
    db_bind_i64(s, 2, r);
    db_bind_i64(s, 3, (int64_t)max);
    while ((rc = db_step(s)) == DB_ROW && *n < max)
        (*ids)[(*n)++] = db_col_i64(s, 0);
    db_stmt_done(s);
    return rc < 0 ? rc : 0;
}

int event_upcoming(struct db_conn *c, struct arena *a, const struct viewer *v, int64_t now,
                   size_t limit, int64_t **ids, size_t *n)
{
    *n = 0;
    *ids = arena_alloc(a, (limit ? limit : 1) * sizeof(**ids));
    const char *sql = arena_printf(
        a,
        "SELECT e.status_id FROM events e JOIN statuses s ON s.id = e.status_id"
        " WHERE COALESCE(e.end_at, e.start_at) >= ? AND s.deleted_at IS NULL"
        " AND (e.account_id = ? OR e.account_id IN (SELECT target_account_id FROM follows"
        " WHERE account_id = ? AND accepted = 1) OR e.status_id IN (SELECT status_id FROM"
        " event_rsvps WHERE account_id = ? AND state IN (1, 2))) AND %s"
        " ORDER BY e.start_at, e.status_id LIMIT ?",
        visibility_sql(a, v, "s"));
    struct db_stmt *s;
    int rc = db_prepare(c, sql, &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, now);
    db_bind_i64(s, 2, v->account_id);
    db_bind_i64(s, 3, v->account_id);
    db_bind_i64(s, 4, v->account_id);
    int next = visibility_sql_bind(s, 5, v);
    db_bind_i64(s, next, (int64_t)limit);
    while ((rc = db_step(s)) == DB_ROW && *n < limit)
        (*ids)[(*n)++] = db_col_i64(s, 0);
    db_stmt_done(s);
    return rc < 0 ? rc : 0;
}

int calendar_token_get(struct db_conn *c, struct arena *a, int64_t account, const char **token)
{
    struct db_stmt *s;
    *token = NULL;
    int rc = db_prepare(c, "SELECT token FROM calendar_tokens WHERE account_id = ?", &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, account);
    rc = db_step(s);
    if (rc == DB_ROW)
        *token = arena_strdup(a, db_col_text(s, 0));
    db_stmt_done(s);
    return rc < 0 ? rc : 0;
}

int calendar_token_renew(const struct core *core, struct arena *a, int64_t account,
                         const char **token)
{
    struct db_conn *c;
    int rc = core_tx_begin(core, &c);
    if (rc)
        return rc;
    const char *t = session_random(a);
    struct db_stmt *s;
    if ((rc = db_prepare(c,
                         "INSERT INTO calendar_tokens (account_id, token, created_at)"
                         " VALUES (?, ?, ?) ON CONFLICT (account_id) DO UPDATE SET"
                         " token = excluded.token, created_at = excluded.created_at",
                         &s)) == 0) {
        db_bind_i64(s, 1, account);
        db_bind_text(s, 2, t);
        db_bind_i64(s, 3, time_now_ms());
        rc = step_done(s);
    }
    rc = core_tx_end(c, rc);
    *token = rc == 0 ? t : NULL;
    return rc;
}

int calendar_token_revoke(const struct core *core, int64_t account)
{
    struct db_conn *c;
    int rc = core_tx_begin(core, &c);
    if (rc)
        return rc;
    struct db_stmt *s;
    if ((rc = db_prepare(c, "DELETE FROM calendar_tokens WHERE account_id = ?", &s)) == 0) {
        db_bind_i64(s, 1, account);
        rc = step_done(s);
    }
    return core_tx_end(c, rc);
}

int calendar_token_find(struct db_conn *c, const char *token, int64_t *account)
{
    struct db_stmt *s;
    *account = 0;
    if (!token || !*token)
        return E_NOTFOUND;
    int rc = db_prepare(c, "SELECT account_id FROM calendar_tokens WHERE token = ?", &s);
    if (rc)
        return rc;
    db_bind_text(s, 1, token);
    rc = db_step(s);
    if (rc == DB_ROW)
        *account = db_col_i64(s, 0);
    db_stmt_done(s);
    return rc < 0 ? rc : *account ? 0 : E_NOTFOUND;
}

const char *event_offset_text(struct arena *a, const struct event_info *e)
{
    int off = e->has_offset ? e->utc_offset : 0;
    int m = off < 0 ? -off : off;
    return arena_printf(a, "%c%02d:%02d", off < 0 ? '-' : '+', m / 60, m % 60);
}

/* The wall time of ms in the event's offset. */
static void wall(const struct event_info *e, int64_t ms, struct tm *tm)
{
    time_t t = (time_t)((ms + (int64_t)(e->has_offset ? e->utc_offset : 0) * 60000) / 1000);
    gmtime_r(&t, tm);
}

const char *event_when_text(struct arena *a, const struct event_info *e)
{
    char day[64], start[16], end[80] = "";
    struct tm tm, te;
    wall(e, e->start_at, &tm);
    strftime(day, sizeof(day), "%A %-d %B %Y", &tm);
    strftime(start, sizeof(start), "%H:%M", &tm);
    if (e->end_at) {
        wall(e, e->end_at, &te);
        char t[64];
        if (te.tm_year == tm.tm_year && te.tm_yday == tm.tm_yday)
            strftime(t, sizeof(t), "%H:%M", &te);
        else
            strftime(t, sizeof(t), "%A %-d %B %Y, %H:%M", &te);
        snprintf(end, sizeof(end), " \u2013 %s", t);
    }
    const char *zone = arena_printf(a, "UTC%s", event_offset_text(a, e));
    if (e->timezone && *e->timezone)
        zone = arena_printf(a, "%s, %s", zone, e->timezone);
    return arena_printf(a, "%s, %s%s (%s)", day, start, end, zone);
}

const char *event_where_text(struct arena *a, const struct event_info *e)
{
    const char *parts[6] = {e->location_name, e->street, NULL, e->region, e->country, NULL};
    if (e->postal_code && e->locality)
        parts[2] = arena_printf(a, "%s %s", e->postal_code, e->locality);
    else
        parts[2] = e->locality ? e->locality : e->postal_code;
    const char *out = "";
    for (size_t i = 0; i < 5; i++) {
        if (!parts[i] || !*parts[i])
            continue;
        /* A street that repeats the place's name is said once. */
        if (i > 0 && *out && strstr(out, parts[i]))
            continue;
        out = *out ? arena_printf(a, "%s, %s", out, parts[i]) : parts[i];
    }
    return out;
}

#define EVENT_NAME_MAX 200 /* characters of a title */

int event_create(const struct core *core, int64_t author, const struct event_info *e,
                 const char *description, int vis, int64_t *id, const char **why)
{
    *id = 0;
    *why = NULL;
    if (!e->name || !*e->name || strspn(e->name, " \t\r\n") == strlen(e->name)) {
        *why = "name can't be blank";
        return E_INVAL;
    }
    if (utf8_count(e->name, strlen(e->name)) > EVENT_NAME_MAX) {
        *why = "name is too long (200 characters at most)";
        return E_INVAL;
    }
    if (!e->start_at) {
        *why = "start_time is missing or not an ISO 8601 time";
        return E_INVAL;
    }
    if (e->end_at && e->end_at < e->start_at) {
        *why = "end_time is before start_time";
        return E_INVAL;
    }
    int64_t now = time_now_ms();
    if ((e->end_at ? e->end_at : e->start_at) < now) {
        *why = "The event would already be over";
        return E_INVAL;
    }
    struct arena *a = arena_new();
    const char *where = event_where_text(a, e);
    const char *text = arena_printf(a, "%s\n\nWhen: %s%s%s", e->name, event_when_text(a, e),
                                    *where ? "\nWhere: " : "", where);
    if (description && *description)
        text = arena_printf(a, "%s\n\n%s", text, description);
    struct status_new p = {.text = text, .visibility = (enum status_visibility)vis, .event = e};
    int rc = status_create(core, author, &p, id, why);
    if (rc || vis == VIS_DIRECT)
        goto out;
    /* The companion poll, open until the event starts, or as long as a poll may last. */
    int64_t left = (e->start_at - now) / 1000;
    if (left < poll_min_seconds(core))
        goto out;
    if (left > LIMIT_POLL_EXPIRY_MAX_S)
        left = LIMIT_POLL_EXPIRY_MAX_S;
    const char *options[] = {"Going", "Maybe", "Not going"};
    struct poll_new poll = {.options = options, .n_options = 3, .expires_in = left};
    struct status_new q = {.text = arena_printf(a, "Will you attend? %s", e->name),
                           .visibility = (enum status_visibility)vis,
                           .in_reply_to_id = *id,
                           .poll = &poll};
    int64_t qid;
    const char *qwhy;
    if (status_create(core, author, &q, &qid, &qwhy) == 0)
        rc = event_link_poll(core, *id, qid);
out:
    arena_free(a);
    return rc;
}
