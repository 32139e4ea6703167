/*
 * Unit tests for core/scheduled, core/idempotency and jobs/timer:
 * scheduling checks and limits, listing and paging, rescheduling,
 * cancelling, publication at the time (once), repeated Idempotency-Keys,
 * and a timer that stops at once.
 */
#include <string.h>
#include <unistd.h>

#include "core/idempotency.h"
#include "core/poll.h"
#include "core/scheduled.h"
#include "core/status.h"
#include "fixture.h"
#include "jobs/timer.h"
#include "t.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/limits.h"
#include "util/timeutil.h"

#define MIN_MS (60 * (int64_t)1000)

static int64_t alice, bob;

static int64_t schedule(int64_t author, const char *text, int64_t at, const char **why)
{
    struct status_new p = {.text = text, .visibility = VIS_UNLISTED};
    int64_t id = 0;
    const char *ignored;
    if (scheduled_create(&fx_core, author, &p, at, 7, &id, why ? why : &ignored) != 0)
        return 0;
    return id;
}

static size_t count(const char *sql)
{
    struct db_conn *c;
    struct db_stmt *s;
    size_t n = 0;
    db_acquire(fx_core.db, DB_READ, &c);
    if (db_prepare(c, sql, &s) == 0) {
        if (db_step(s) == DB_ROW)
            n = (size_t)db_col_i64(s, 0);
        db_stmt_done(s);
    }
    db_release(c);
    return n;
}

TEST(scheduling_checks)
{
    const char *why = NULL;
    int64_t now = time_now_ms();
    /* Five minutes ahead at least, by default. */
    CHECK_INT(schedule(alice, "soon", now + 4 * MIN_MS, &why), 0);
    CHECK(why && strstr(why, "scheduled_at"));
    CHECK(schedule(alice, "later", now + 6 * MIN_MS, &why) > 0);
    /* The post itself is checked now, not at publication. */
    CHECK_INT(schedule(alice, "   ", now + 60 * MIN_MS, &why), 0);
    CHECK(why && strstr(why, "blank"));
    const char *one[] = {"x"};
    struct poll_new bad = {
        .options = one, .n_options = 1, .expires_in = 600, .multiple = 0, .hide_totals = 0};
    struct status_new p = {.text = "poll", .poll = &bad};
    int64_t id = 0;
    CHECK_INT(scheduled_create(&fx_core, alice, &p, now + 60 * MIN_MS, 0, &id, &why), E_INVAL);
    /* The minimum follows the configuration. */
    fx_core.min_schedule_seconds = 2;
    CHECK(schedule(alice, "quick", now + 3000, &why) > 0);
    CHECK_INT(schedule(alice, "too quick", now + 1000, &why), 0);
    fx_core.min_schedule_seconds = 0;
    fx_exec("DELETE FROM scheduled_statuses");
}

TEST(daily_limit)
{
    int64_t day = time_now_ms() + 2 * 86400 * 1000;
    day -= day % (86400 * 1000);
    const char *why = NULL;
    for (int i = 0; i < LIMIT_SCHEDULED_DAILY; i++)
        CHECK(schedule(bob, "daily", day + i * MIN_MS, &why) > 0);
    CHECK_INT(schedule(bob, "one too many", day + 3600 * 1000, &why), 0);
    CHECK(why && strstr(why, "25"));
    /* Another day is fine. */
    CHECK(schedule(bob, "next day", day + 86400 * 1000 + MIN_MS, &why) > 0);
    fx_exec("DELETE FROM scheduled_statuses");
}

TEST(list_get_reschedule_cancel)
{
    struct arena *a = arena_new();
    int64_t at = time_now_ms() + 60 * MIN_MS;
    int64_t ids[3];
    for (int i = 0; i < 3; i++)
        ids[i] = schedule(alice, "list me", at + i * MIN_MS, NULL);
    int64_t theirs = schedule(bob, "not yours", at, NULL);
    struct db_conn *c;
    struct scheduled_status *list, *one;
    size_t n = 0;
    struct page pg = {.limit = 2};
    db_acquire(fx_core.db, DB_READ, &c);
    CHECK_INT(scheduled_list(c, a, alice, &pg, &list, &n), 0);
    CHECK_INT(n, 2);
    CHECK_INT(list[0].id, ids[2]);
    CHECK_INT(list[1].id, ids[1]);
    struct page next = {.max_id = ids[1]};
    CHECK_INT(scheduled_list(c, a, alice, &next, &list, &n), 0);
    CHECK_INT(n, 1);
    CHECK_INT(list[0].id, ids[0]);
    struct page prev = {.min_id = ids[0], .limit = 1};
    CHECK_INT(scheduled_list(c, a, alice, &prev, &list, &n), 0);
    CHECK_INT(n, 1);
    CHECK_INT(list[0].id, ids[1]);
    CHECK_INT(scheduled_get(c, a, alice, ids[0], &one), 0);
    CHECK_INT(one->scheduled_at, at);
    CHECK(strstr(one->params, "\"text\":\"list me\"") != NULL);
    CHECK(strstr(one->params, "\"visibility\":\"unlisted\"") != NULL);
    CHECK(strstr(one->params, "\"application_id\":7") != NULL);
    CHECK_INT(scheduled_get(c, a, alice, theirs, &one), E_NOTFOUND);
    db_release(c);

    const char *why = NULL;
    CHECK_INT(scheduled_reschedule(&fx_core, alice, ids[0], at + 90 * MIN_MS, &why), 0);
    CHECK_INT(scheduled_reschedule(&fx_core, alice, ids[0], time_now_ms(), &why), E_INVAL);
    CHECK_INT(scheduled_reschedule(&fx_core, alice, theirs, at + 90 * MIN_MS, &why), E_NOTFOUND);
    db_acquire(fx_core.db, DB_READ, &c);
    CHECK_INT(scheduled_get(c, a, alice, ids[0], &one), 0);
    db_release(c);
    CHECK_INT(one->scheduled_at, at + 90 * MIN_MS);

    CHECK_INT(scheduled_cancel(&fx_core, bob, ids[0]), E_NOTFOUND);
    CHECK_INT(scheduled_cancel(&fx_core, alice, ids[0]), 0);
    CHECK_INT(scheduled_cancel(&fx_core, alice, ids[0]), E_NOTFOUND);
    fx_exec("DELETE FROM scheduled_statuses");
    arena_free(a);
}

TEST(published_at_its_time_once)
{
    struct arena *a = arena_new();
    const char *opts[] = {"yes", "no"};
    struct poll_new poll = {
        .options = opts, .n_options = 2, .expires_in = 600, .multiple = 1, .hide_totals = 0};
    struct status_new p = {
        .text = "from the past", .visibility = VIS_FOLLOWERS, .poll = &poll, .language = "en"};
    int64_t sid = 0, later = 0;
    const char *why = NULL;
    CHECK_INT(scheduled_create(&fx_core, alice, &p, time_now_ms() + 10 * MIN_MS, 0, &sid, &why), 0);
    CHECK_INT(scheduled_create(&fx_core, alice, &p, time_now_ms() + 20 * MIN_MS, 0, &later, &why),
              0);
    size_t before = count("SELECT count(*) FROM statuses");
    size_t published = 99;
    CHECK_INT(scheduled_publish_due(&fx_core, time_now_ms(), &published), 0);
    CHECK_INT(published, 0);
    /* Ten minutes later. */
    CHECK_INT(scheduled_publish_due(&fx_core, time_now_ms() + 11 * MIN_MS, &published), 0);
    CHECK_INT(published, 1);
    CHECK_INT(count("SELECT count(*) FROM statuses"), before + 1);
    CHECK_INT(count("SELECT count(*) FROM scheduled_statuses"), 1);
    CHECK_INT(scheduled_publish_due(&fx_core, time_now_ms() + 11 * MIN_MS, &published), 0);
    CHECK_INT(published, 0);
    /* The status is the scheduled post, poll and all. */
    struct db_conn *c;
    struct db_stmt *s;
    int64_t id = 0;
    db_acquire(fx_core.db, DB_READ, &c);
    if (db_prepare(c, "SELECT max(id) FROM statuses", &s) == 0) {
        if (db_step(s) == DB_ROW)
            id = db_col_i64(s, 0);
        db_stmt_done(s);
    }
    struct status *st = NULL;
    struct poll *pl = NULL;
    CHECK_INT(status_get(c, a, id, &st), 0);
    CHECK_INT(poll_get_by_status(c, a, id, &pl), 0);
    db_release(c);
    if (st && pl) {
        CHECK_STR(st->text, "from the past");
        CHECK_INT(st->visibility, VIS_FOLLOWERS);
        CHECK_STR(st->language, "en");
        CHECK_INT(pl->n_options, 2);
        CHECK(pl->multiple);
    }
    fx_exec("DELETE FROM scheduled_statuses");
    arena_free(a);
}

TEST(unpostable_is_dropped)
{
    struct status_new parent = {.text = "parent"};
    int64_t pid = 0, sid = 0;
    const char *why = NULL;
    CHECK_INT(status_create(&fx_core, bob, &parent, &pid, &why), 0);
    struct status_new reply = {.text = "reply", .in_reply_to_id = pid};
    CHECK_INT(scheduled_create(&fx_core, alice, &reply, time_now_ms() + 10 * MIN_MS, 0, &sid, &why),
              0);
    CHECK_INT(status_delete(&fx_core, bob, pid), 0);
    size_t before = count("SELECT count(*) FROM statuses");
    size_t published = 99;
    log_set_level(LOG_LEVEL_ERROR); /* the drop is a warning */
    CHECK_INT(scheduled_publish_due(&fx_core, time_now_ms() + 11 * MIN_MS, &published), 0);
    CHECK_INT(published, 0);
    CHECK_INT(count("SELECT count(*) FROM statuses"), before);
    CHECK_INT(count("SELECT count(*) FROM scheduled_statuses"), 0);
}

TEST(idempotency_keys)
{
    struct status_new p = {.text = "once", .idempotency = "k1"};
    int64_t a1 = 0, a2 = 0, a3 = 0, b1 = 0;
    const char *why = NULL;
    CHECK_INT(status_create(&fx_core, alice, &p, &a1, &why), 0);
    CHECK_INT(status_create(&fx_core, alice, &p, &a2, &why), 0);
    CHECK(a1 > 0);
    CHECK_INT(a2, a1);
    CHECK_INT(status_create(&fx_core, bob, &p, &b1, &why), 0);
    CHECK(b1 != a1);
    /* After an hour the key is forgotten. */
    fx_exec("UPDATE idempotency_keys SET created_at = created_at - 3601000");
    CHECK_INT(status_create(&fx_core, alice, &p, &a3, &why), 0);
    CHECK(a3 != a1);
    /* A deleted status is not given back. */
    int64_t a4 = 0;
    CHECK_INT(status_delete(&fx_core, alice, a3), 0);
    CHECK_INT(status_create(&fx_core, alice, &p, &a4, &why), 0);
    CHECK(a4 != a3);
    /* Pruning forgets only old keys. */
    fx_exec("UPDATE idempotency_keys SET created_at = 5 WHERE account_id IN"
            " (SELECT id FROM accounts WHERE username = 'bob')");
    CHECK_INT(idempotency_prune(&fx_core, time_now_ms()), 0);
    CHECK_INT(count("SELECT count(*) FROM idempotency_keys"), 1);
    /* Scheduling remembers keys of its own. */
    int64_t s1 = 0, s2 = 0;
    int64_t at = time_now_ms() + 30 * MIN_MS;
    CHECK_INT(scheduled_create(&fx_core, alice, &p, at, 0, &s1, &why), 0);
    CHECK_INT(scheduled_create(&fx_core, alice, &p, at, 0, &s2, &why), 0);
    CHECK_INT(s2, s1);
    CHECK_INT(count("SELECT count(*) FROM scheduled_statuses"), 1);
    fx_exec("DELETE FROM scheduled_statuses");
}

TEST(timer_runs_and_stops_at_once)
{
    int64_t sid = 0;
    const char *why = NULL;
    struct status_new p = {.text = "by the timer"};
    CHECK_INT(scheduled_create(&fx_core, alice, &p, time_now_ms() + 10 * MIN_MS, 0, &sid, &why), 0);
    fx_exec("UPDATE scheduled_statuses SET scheduled_at = 1000");
    size_t before = count("SELECT count(*) FROM statuses");
    CHECK_INT(timer_start(&fx_core), 0);
    int64_t deadline = time_mono_us() + 5 * 1000 * 1000;
    while (count("SELECT count(*) FROM scheduled_statuses") && time_mono_us() < deadline)
        usleep(20 * 1000);
    int64_t t0 = time_mono_us();
    timer_stop();
    CHECK(time_mono_us() - t0 < 500 * 1000); /* no waiting out the second */
    CHECK_INT(count("SELECT count(*) FROM scheduled_statuses"), 0);
    CHECK_INT(count("SELECT count(*) FROM statuses"), before + 1);
    timer_stop(); /* twice is harmless */
}

int main(void)
{
    fx_open();
    alice = fx_user("alice");
    bob = fx_user("bob");
    RUN(scheduling_checks);
    RUN(daily_limit);
    RUN(list_get_reschedule_cancel);
    RUN(published_at_its_time_once);
    RUN(unpostable_is_dropped);
    RUN(idempotency_keys);
    RUN(timer_runs_and_stops_at_once);
    fx_close();
    return t_done();
}
