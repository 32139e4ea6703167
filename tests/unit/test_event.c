/*
 * Unit tests for core/event: local events with their companion poll and
 * checks, members' answers (local organizer, remote organizer by Accept,
 * by Join, by poll), answers received and undone, counts, the upcoming
 * list through the visibility rule, the readable time and place, and
 * calendar tokens.
 */
#include <string.h>

#include "core/event.h"
#include "core/follow.h"
#include "core/notification.h"
#include "core/poll.h"
#include "core/status.h"
#include "fixture.h"
#include "t.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/timeutil.h"

#define DAY (24 * 3600 * 1000LL)

static int64_t alice, bob, carol, remote_org;

static int64_t make_event(int64_t author, const char *name, int64_t start, int vis)
{
    struct event_info e;
    event_init(&e);
    e.name = name;
    e.start_at = start;
    e.end_at = start + 3600 * 1000;
    e.has_offset = 1;
    e.utc_offset = 60;
    e.timezone = "Europe/Paris";
    e.location_name = "Library";
    e.locality = "Lyon";
    int64_t id = 0;
    const char *why = NULL;
    int rc = event_create(&fx_core, author, &e, "Bring books", vis, &id, &why);
    if (rc)
        fprintf(stderr, "event_create: %d %s\n", rc, why ? why : "");
    return id;
}

/* A remote event by remote_org, stored as its post and event rows. */
static int64_t remote_event(const char *join_mode)
{
    static int n;
    char sql[512];
    int64_t id = 900000 + ++n;
    snprintf(sql, sizeof(sql),
             "INSERT INTO statuses (id, account_id, uri, url, local, visibility, content,"
             " object_type, created_at) VALUES (%lld, %lld, 'https://r.example/e/%d', NULL, 0, 0,"
             " '<p>x</p>', 'Event', 1)",
             (long long)id, (long long)remote_org, n);
    fx_exec(sql);
    struct event_info e;
    event_init(&e);
    e.status_id = id;
    e.account_id = remote_org;
    e.name = "Remote";
    e.start_at = time_now_ms() + 10 * DAY;
    e.join_mode = join_mode;
    CHECK(event_save(&fx_core, &e) == 0);
    return id;
}

static enum event_rsvp answer_of(int64_t event, int64_t who)
{
    struct db_conn *c;
    enum event_rsvp r = EVENT_RSVP_NONE;
    db_acquire(fx_core.db, DB_READ, &c);
    event_rsvp_get(c, event, who, &r);
    db_release(c);
    return r;
}

static void counts(int64_t event, int64_t *going, int64_t *maybe)
{
    struct db_conn *c;
    db_acquire(fx_core.db, DB_READ, &c);
    event_rsvp_counts(c, event, going, maybe);
    db_release(c);
}

static size_t jobs_of_kind(const char *needle)
{
    struct db_conn *c;
    struct db_stmt *s;
    size_t n = 0;
    db_acquire(fx_core.db, DB_READ, &c);
    if (db_prepare(c, "SELECT payload FROM jobs WHERE kind = 'publish'", &s) == 0) {
        while (db_step(s) == DB_ROW)
            n += strstr(db_col_text(s, 0), needle) != NULL;
        db_stmt_done(s);
    }
    db_release(c);
    return n;
}

TEST(create_checks_and_poll)
{
    struct event_info e;
    event_init(&e);
    int64_t id;
    const char *why;
    e.name = "  ";
    e.start_at = time_now_ms() + DAY;
    CHECK(event_create(&fx_core, alice, &e, NULL, VIS_PUBLIC, &id, &why) == E_INVAL);
    e.name = "Picnic";
    e.end_at = e.start_at - 1;
    CHECK(event_create(&fx_core, alice, &e, NULL, VIS_PUBLIC, &id, &why) == E_INVAL);
    CHECK(strstr(why, "before") != NULL);
    e.start_at = time_now_ms() - 2 * DAY;
    e.end_at = 0;
    CHECK(event_create(&fx_core, alice, &e, NULL, VIS_PUBLIC, &id, &why) == E_INVAL);

    int64_t ev = make_event(alice, "Reading club", time_now_ms() + 3 * DAY, VIS_PUBLIC);
    CHECK(ev != 0);
    struct arena *a = arena_new();
    struct db_conn *c;
    db_acquire(fx_core.db, DB_READ, &c);
    struct event_info *got;
    CHECK(event_get(c, a, ev, &got) == 0);
    CHECK(strcmp(got->name, "Reading club") == 0);
    CHECK(got->poll_status_id != 0);
    CHECK(event_of_poll(c, got->poll_status_id) == ev);
    struct poll *p;
    CHECK(poll_get_by_status(c, a, got->poll_status_id, &p) == 0);
    CHECK(p->n_options == 3 && strcmp(p->options[2].title, "Not going") == 0);
    struct status *st;
    CHECK(status_get(c, a, ev, &st) == 0);
    CHECK(strstr(st->text, "Reading club\n\nWhen: ") == st->text);
    CHECK(strstr(st->text, "(UTC+01:00, Europe/Paris)\nWhere: Library, Lyon\n\nBring books"));
    db_release(c);
    arena_free(a);
}

TEST(when_and_where_text)
{
    struct arena *a = arena_new();
    struct event_info e;
    event_init(&e);
    e.start_at = 1670785200000LL; /* 2022-12-11T19:00Z */
    e.end_at = e.start_at + 2 * 3600 * 1000;
    CHECK(strcmp(event_when_text(a, &e),
                 "Sunday 11 December 2022, 19:00 \u2013 21:00 (UTC+00:00)") == 0);
    e.has_offset = 1;
    e.utc_offset = -300;
    e.timezone = "America/New_York";
    CHECK(strcmp(event_when_text(a, &e),
                 "Sunday 11 December 2022, 14:00 \u2013 16:00 (UTC-05:00, America/New_York)") == 0);
    e.end_at = e.start_at + 26 * 3600 * 1000LL;
    CHECK(strstr(event_when_text(a, &e), "\u2013 Monday 12 December 2022, 16:00") != NULL);
    CHECK(strcmp(event_where_text(a, &e), "") == 0);
    e.location_name = "Hall";
    e.street = "1 Main St";
    e.postal_code = "10001";
    e.locality = "New York";
    e.country = "USA";
    CHECK(strcmp(event_where_text(a, &e), "Hall, 1 Main St, 10001 New York, USA") == 0);
    arena_free(a);
}

TEST(local_answers_counts_and_notifications)
{
    int64_t ev = make_event(alice, "Choir", time_now_ms() + 2 * DAY, VIS_PUBLIC);
    const char *why;
    CHECK(event_rsvp_set(&fx_core, alice, ev, EVENT_RSVP_GOING, -1, &why) == E_INVAL);
    CHECK(event_rsvp_set(&fx_core, bob, ev, EVENT_RSVP_GOING, -1, &why) == 0);
    CHECK(event_rsvp_set(&fx_core, carol, ev, EVENT_RSVP_MAYBE, -1, &why) == 0);
    CHECK(answer_of(ev, bob) == EVENT_RSVP_GOING);
    int64_t going, maybe;
    counts(ev, &going, &maybe);
    CHECK(going == 1 && maybe == 1);
    CHECK(event_rsvp_set(&fx_core, bob, ev, EVENT_RSVP_NONE, -1, &why) == 0);
    counts(ev, &going, &maybe);
    CHECK(going == 0 && maybe == 1);
    /* A remote account answers; its Undo withdraws it. */
    CHECK(event_rsvp_receive(&fx_core, remote_org, ev, EVENT_RSVP_GOING, "https://r.example/a/1",
                             "Accept") == 0);
    counts(ev, &going, &maybe);
    CHECK(going == 1);
    CHECK(event_rsvp_undo(&fx_core, remote_org, "https://r.example/a/1") == 0);
    counts(ev, &going, &maybe);
    CHECK(going == 0);
    /* Not an event: not found. */
    int64_t note;
    struct status_new p = {.text = "plain", .visibility = VIS_PUBLIC};
    CHECK(status_create(&fx_core, alice, &p, &note, &why) == 0);
    CHECK(event_rsvp_set(&fx_core, bob, note, EVENT_RSVP_GOING, -1, &why) == E_NOTFOUND);
    /* A direct event nobody was told of cannot be answered. */
    int64_t hidden = make_event(alice, "Secret", time_now_ms() + DAY, VIS_DIRECT);
    CHECK(event_rsvp_set(&fx_core, bob, hidden, EVENT_RSVP_GOING, -1, &why) == E_NOTFOUND);
}

TEST(remote_answers_queue_activities)
{
    int64_t friendica = remote_event(NULL), mobilizon = remote_event("free");
    const char *why;
    size_t before = jobs_of_kind("\"rsvp\"");
    CHECK(event_rsvp_set(&fx_core, bob, friendica, EVENT_RSVP_MAYBE, -1, &why) == 0);
    CHECK(jobs_of_kind("\"rsvp\"") == before + 1);
    CHECK(event_rsvp_set(&fx_core, bob, friendica, EVENT_RSVP_MAYBE, -1, &why) == 0);
    CHECK(jobs_of_kind("\"rsvp\"") == before + 1); /* the same answer again: nothing sent */
    struct arena *a = arena_new();
    struct db_conn *c;
    struct event_answer ans;
    db_acquire(fx_core.db, DB_READ, &c);
    CHECK(event_answer_get(c, a, friendica, bob, &ans) == 0);
    CHECK(strcmp(ans.type, "TentativeAccept") == 0 && ans.state == EVENT_RSVP_MAYBE);
    db_release(c);
    CHECK(event_rsvp_set(&fx_core, bob, mobilizon, EVENT_RSVP_MAYBE, -1, &why) == E_INVAL);
    CHECK(event_rsvp_set(&fx_core, bob, mobilizon, EVENT_RSVP_GOING, -1, &why) == 0);
    db_acquire(fx_core.db, DB_READ, &c);
    CHECK(event_answer_get(c, a, mobilizon, bob, &ans) == 0);
    CHECK(strcmp(ans.type, "Join") == 0);
    db_release(c);
    /* Withdrawn: the row keeps the Join it withdraws. */
    CHECK(event_rsvp_set(&fx_core, bob, mobilizon, EVENT_RSVP_NONE, -1, &why) == 0);
    db_acquire(fx_core.db, DB_READ, &c);
    CHECK(event_answer_get(c, a, mobilizon, bob, &ans) == 0);
    CHECK(ans.state == EVENT_RSVP_NONE && strcmp(ans.type, "Join") == 0);
    db_release(c);
    arena_free(a);
}

TEST(upcoming_follows_answers_and_visibility)
{
    int64_t now = time_now_ms();
    int64_t soon = make_event(carol, "Soon", now + DAY, VIS_FOLLOWERS);
    int64_t later = make_event(carol, "Later", now + 5 * DAY, VIS_PUBLIC);
    struct viewer v = {.kind = VIEWER_LOCAL, .account_id = bob};
    struct arena *a = arena_new();
    struct db_conn *c;
    int64_t *ids;
    size_t n;
    db_acquire(fx_core.db, DB_READ, &c);
    CHECK(event_upcoming(c, a, &v, now, 40, &ids, &n) == 0);
    for (size_t i = 0; i < n; i++)
        CHECK(ids[i] != soon && ids[i] != later); /* neither followed nor answered */
    db_release(c);
    enum follow_state st;
    CHECK(follow_create(&fx_core, bob, carol, NULL, &st) == 0);
    db_acquire(fx_core.db, DB_READ, &c);
    CHECK(event_upcoming(c, a, &v, now, 40, &ids, &n) == 0);
    size_t i_soon = n, i_later = n;
    for (size_t i = 0; i < n; i++) {
        if (ids[i] == soon)
            i_soon = i;
        if (ids[i] == later)
            i_later = i;
    }
    CHECK(i_soon < i_later && i_later < n); /* soonest first, followers-only seen by a follower */
    /* Once it is over it is no longer upcoming. */
    CHECK(event_upcoming(c, a, &v, now + 2 * DAY, 40, &ids, &n) == 0);
    for (size_t i = 0; i < n; i++)
        CHECK(ids[i] != soon);
    db_release(c);
    arena_free(a);
}

TEST(calendar_tokens)
{
    struct arena *a = arena_new();
    const char *t1, *t2, *got;
    int64_t who;
    CHECK(calendar_token_renew(&fx_core, a, bob, &t1) == 0 && strlen(t1) >= 32);
    CHECK(calendar_token_renew(&fx_core, a, bob, &t2) == 0 && strcmp(t1, t2) != 0);
    struct db_conn *c;
    db_acquire(fx_core.db, DB_READ, &c);
    CHECK(calendar_token_find(c, t1, &who) == E_NOTFOUND);
    CHECK(calendar_token_find(c, t2, &who) == 0 && who == bob);
    CHECK(calendar_token_find(c, "", &who) == E_NOTFOUND);
    CHECK(calendar_token_get(c, a, bob, &got) == 0 && strcmp(got, t2) == 0);
    db_release(c);
    CHECK(calendar_token_revoke(&fx_core, bob) == 0);
    db_acquire(fx_core.db, DB_READ, &c);
    CHECK(calendar_token_find(c, t2, &who) == E_NOTFOUND);
    CHECK(calendar_token_get(c, a, bob, &got) == 0 && got == NULL);
    db_release(c);
    arena_free(a);
}

TEST(rsvp_names)
{
    enum event_rsvp r;
    CHECK(event_rsvp_parse("not_going", &r) == 0 && r == EVENT_RSVP_NOT_GOING);
    CHECK(event_rsvp_parse("none", &r) == 0 && r == EVENT_RSVP_NONE);
    CHECK(event_rsvp_parse("Going", &r) == E_INVAL);
    CHECK(strcmp(event_rsvp_name(EVENT_RSVP_MAYBE), "maybe") == 0);
    CHECK(event_rsvp_name(EVENT_RSVP_NONE) == NULL);
}

int main(void)
{
    fx_open();
    alice = fx_user("alice");
    bob = fx_user("bob");
    carol = fx_user("carol");
    remote_org = fx_remote("org", "r.example");
    RUN(create_checks_and_poll);
    RUN(when_and_where_text);
    RUN(local_answers_counts_and_notifications);
    RUN(remote_answers_queue_activities);
    RUN(upcoming_follows_answers_and_visibility);
    RUN(calendar_tokens);
    RUN(rsvp_names);
    fx_close();
    return t_done();
}
