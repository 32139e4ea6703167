/*
 * Unit tests for core/queue and jobs/worker: jobs added in a transaction,
 * leases that run out, retries with backoff, giving up, unavailable
 * servers, and worker threads that keep each lane within its capacity.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/queue.h"
#include "core/tx.h"
#include "fixture.h"
#include "jobs/worker.h"
#include "t.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/timeutil.h"

static int add(const char *kind, const char *lane, const char *payload, const char *dedupe)
{
    struct db_conn *c;
    int rc = core_tx_begin(&fx_core, &c);
    if (rc == 0)
        rc = queue_add(c, kind, lane, payload, dedupe, 0);
    return core_tx_end(c, rc);
}

static size_t due(int64_t now, struct job **out, struct arena *a)
{
    struct db_conn *c;
    size_t n = 0;
    if (db_acquire(fx_core.db, DB_READ, &c) != 0)
        return 0;
    queue_due(c, a, now, 100, out, &n);
    db_release(c);
    return n;
}

static void clear(void)
{
    struct db_conn *c;
    if (core_tx_begin(&fx_core, &c) == 0) {
        db_exec(c, "DELETE FROM jobs");
        db_exec(c, "DELETE FROM domain_health");
    }
    core_tx_end(c, 0);
}

TEST(add_claim_done)
{
    clear();
    struct arena *a = arena_new();
    CHECK(add("deliver", "b.test", "{\"n\":1}", NULL) == 0);
    struct job *list;
    int64_t now = time_now_ms();
    CHECK(due(now, &list, a) == 1);
    CHECK(!strcmp(list[0].kind, "deliver") && !strcmp(list[0].lane, "b.test"));
    CHECK(!strcmp(list[0].payload, "{\"n\":1}") && list[0].attempts == 0);
    CHECK(queue_claim(&fx_core, list[0].id, now, 1000) == 0);
    /* Leased: nobody else takes it, and it is not due for others. */
    CHECK(queue_claim(&fx_core, list[0].id, now, 1000) == E_BUSY);
    CHECK(due(now + 10, &list, a) == 0);
    /* The lease runs out (its worker died): it is due again and can be taken. */
    CHECK(due(now + 1001, &list, a) == 1);
    CHECK(queue_claim(&fx_core, list[0].id, now + 1001, 1000) == 0);
    CHECK(queue_done(&fx_core, list[0].id) == 0);
    CHECK(due(now + 5000, &list, a) == 0);
    arena_free(a);
}

TEST(dedupe_and_caps)
{
    clear();
    CHECK(add("inbox", "", "{}", "https://b.test/activities/1") == 0);
    CHECK(add("inbox", "", "{}", "https://b.test/activities/1") == E_EXISTS);
    CHECK(add("deliver", "", "{}", "https://b.test/activities/1") == 0); /* another kind */
    char lane[QUEUE_LANE_MAX + 10];
    memset(lane, 'x', sizeof(lane) - 1);
    lane[sizeof(lane) - 1] = '\0';
    CHECK(add("deliver", lane, "{}", NULL) == E_INVAL);
    CHECK(add("", "", "{}", NULL) == E_INVAL);
}

TEST(backoff_grows_to_days)
{
    int64_t prev = 0, total = 0;
    for (int i = 1; i < QUEUE_MAX_ATTEMPTS; i++) {
        int64_t ms = queue_backoff_ms(i);
        CHECK(ms >= prev * 9 / 10); /* grows (jitter aside) */
        CHECK(ms <= 12 * 3600 * 1000LL * 11 / 10);
        prev = ms;
        total += ms;
    }
    CHECK(queue_backoff_ms(1) >= 30000 && queue_backoff_ms(1) <= 33001);
    CHECK(total > 4 * 86400 * 1000LL && total < 7 * 86400 * 1000LL);
}

TEST(failures_retry_then_give_up)
{
    clear();
    struct arena *a = arena_new();
    CHECK(add("deliver", "b.test", "{}", NULL) == 0);
    struct job *list;
    int64_t now = time_now_ms();
    CHECK(due(now, &list, a) == 1);
    struct job j = list[0];
    CHECK(queue_claim(&fx_core, j.id, now, 1000) == 0);
    CHECK(queue_failed(&fx_core, &j, "connection refused", 0, now) == 0);
    /* Not due until its backoff has passed, and then with one attempt counted. */
    CHECK(due(now + 29000, &list, a) == 0);
    CHECK(due(now + 34000, &list, a) == 1 && list[0].attempts == 1);
    /* The last allowed failure gives it up: never due again, counted as failed. */
    j = list[0];
    j.attempts = QUEUE_MAX_ATTEMPTS - 1;
    CHECK(queue_failed(&fx_core, &j, "still refused", 0, now) == 0);
    CHECK(due(now + 30 * 86400 * 1000LL, &list, a) == 0);
    struct db_conn *c;
    struct queue_stats st = {0};
    db_acquire(fx_core.db, DB_READ, &c);
    queue_stats(c, &st);
    db_release(c);
    CHECK(st.failed == 1 && st.waiting == 0);
    /* A permanent failure gives up at once. */
    CHECK(add("deliver", "b.test", "{}", NULL) == 0);
    /* Due from the time it was added (which a slow build may put well after now). */
    int64_t added = time_now_ms();
    CHECK(due(added + 1, &list, a) == 1);
    CHECK(queue_failed(&fx_core, &list[0], "410 Gone", 1, added) == 0);
    CHECK(due(now + 30 * 86400 * 1000LL, &list, a) == 0);
    arena_free(a);
}

TEST(unavailable_servers)
{
    clear();
    int64_t now = time_now_ms(), until = 0;
    struct db_conn *c;
    for (int i = 1; i < QUEUE_DOMAIN_FAILURES; i++)
        CHECK(queue_domain_failure(&fx_core, "slow.test", now) == 0);
    db_acquire(fx_core.db, DB_READ, &c);
    CHECK(queue_domain_available(c, "slow.test", now, &until) == 1);
    db_release(c);
    CHECK(queue_domain_failure(&fx_core, "slow.test", now) == 0);
    db_acquire(fx_core.db, DB_READ, &c);
    CHECK(queue_domain_available(c, "slow.test", now, &until) == 0);
    CHECK(until >= now + 3600 * 1000LL - 10 && until <= now + 3600 * 1000LL + 10);
    CHECK(queue_domain_available(c, "other.test", now, &until) == 1);
    db_release(c);
    CHECK(queue_domain_success(&fx_core, "slow.test") == 0);
    db_acquire(fx_core.db, DB_READ, &c);
    CHECK(queue_domain_available(c, "slow.test", now, &until) == 1);
    db_release(c);
}

static int runs;

static int count_job(const struct core *core, struct arena *a, const struct job *j,
                     const char **why)
{
    (void)core;
    (void)a;
    runs++;
    if (!strcmp(j->payload, "\"fail\"")) {
        *why = "the peer answered 503";
        return E_REMOTE;
    }
    if (!strcmp(j->payload, "\"bad\""))
        return E_INVAL;
    return 0;
}

static const struct worker_kind kinds[] = {{"count", count_job}};

TEST(run_due_applies_outcomes)
{
    clear();
    runs = 0;
    CHECK(add("count", "b.test", "\"ok\"", NULL) == 0);
    CHECK(add("count", "b.test", "\"fail\"", NULL) == 0);
    CHECK(add("count", "", "\"bad\"", NULL) == 0);
    CHECK(add("mystery", "", "{}", NULL) == 0);
    /* A job for a server marked unavailable waits without running. */
    for (int i = 0; i < QUEUE_DOMAIN_FAILURES; i++)
        queue_domain_failure(&fx_core, "down.test", time_now_ms());
    CHECK(add("count", "down.test", "\"ok\"", NULL) == 0);
    int n = worker_run_due(&fx_core, kinds, 1);
    CHECK(n == 4);
    CHECK(runs == 3);
    struct db_conn *c;
    struct queue_stats st = {0};
    db_acquire(fx_core.db, DB_READ, &c);
    queue_stats(c, &st);
    db_release(c);
    /* Waiting: the retried one and the postponed one; failed: the bad and the unknown. */
    CHECK(st.waiting == 2 && st.failed == 2);
    CHECK(worker_run_due(&fx_core, kinds, 1) == 0);
}

/* Threads: every job runs once, and a lane never has more than its capacity at once. */
static pthread_mutex_t track_lock = PTHREAD_MUTEX_INITIALIZER;
static int in_lane[4], max_in_lane[4], done_jobs;

static int slow_job(const struct core *core, struct arena *a, const struct job *j, const char **why)
{
    (void)core;
    (void)a;
    (void)why;
    int lane = j->lane[0] ? j->lane[0] - 'a' : 3;
    pthread_mutex_lock(&track_lock);
    in_lane[lane]++;
    if (in_lane[lane] > max_in_lane[lane])
        max_in_lane[lane] = in_lane[lane];
    pthread_mutex_unlock(&track_lock);
    usleep(3000);
    pthread_mutex_lock(&track_lock);
    in_lane[lane]--;
    done_jobs++;
    pthread_mutex_unlock(&track_lock);
    return 0;
}

static const struct worker_kind slow_kinds[] = {{"slow", slow_job}};

TEST(threads_respect_lanes)
{
    clear();
    const char *lanes[] = {"a.test", "b.test", "c.test", ""};
    for (int i = 0; i < 60; i++)
        CHECK(add("slow", lanes[i % 4], "{}", NULL) == 0);
    struct worker_options opt = {.threads = 6, .lane_capacity = 2};
    CHECK(worker_start(&fx_core, slow_kinds, 1, &opt) == 0);
    worker_wake();
    for (int i = 0; i < 1000; i++) {
        pthread_mutex_lock(&track_lock);
        int d = done_jobs;
        pthread_mutex_unlock(&track_lock);
        if (d == 60)
            break;
        usleep(10000);
    }
    worker_stop();
    CHECK(done_jobs == 60);
    for (int i = 0; i < 3; i++)
        CHECK(max_in_lane[i] >= 1 && max_in_lane[i] <= 2);
    struct db_conn *c;
    struct queue_stats st = {1, 1};
    db_acquire(fx_core.db, DB_READ, &c);
    queue_stats(c, &st);
    db_release(c);
    CHECK(st.waiting == 0 && st.failed == 0);
}

/*
 * Fairness: one huge server's backlog ahead of three small servers' jobs.
 * Read in plain order, the window is all the huge server's; read fairly,
 * the small ones come first and the huge one's follow, marked slow.
 */
TEST(heavy_lane_goes_last)
{
    clear();
    CHECK(queue_lane_heavy(QUEUE_HEAVY_ALWAYS, QUEUE_HEAVY_ALWAYS * 10) == 1);
    CHECK(queue_lane_heavy(QUEUE_HEAVY_MIN - 1, QUEUE_HEAVY_MIN) == 0);
    CHECK(queue_lane_heavy(60, 100) == 1);
    CHECK(queue_lane_heavy(60, 200) == 0);
    for (int i = 0; i < 300; i++)
        CHECK(add("deliver", "huge.test", "{}", NULL) == 0);
    const char *small[] = {"s1.test", "s2.test", "s3.test"};
    for (int i = 0; i < 9; i++)
        CHECK(add("deliver", small[i % 3], "{}", NULL) == 0);
    struct arena *a = arena_new();
    struct db_conn *c;
    CHECK(db_acquire(fx_core.db, DB_READ, &c) == 0);
    int64_t now = time_now_ms() + 1;
    struct job *plain;
    size_t n_plain = 0;
    CHECK(queue_due(c, a, now, 16, &plain, &n_plain) == 0);
    size_t huge_plain = 0;
    for (size_t i = 0; i < n_plain; i++)
        huge_plain += !strcmp(plain[i].lane, "huge.test");
    CHECK(n_plain == 16 && huge_plain == 16); /* the starvation the rule prevents */
    const char **heavy;
    size_t n_heavy = 0;
    CHECK(queue_heavy_lanes(c, a, now, &heavy, &n_heavy) == 0);
    CHECK(n_heavy == 1 && !strcmp(heavy[0], "huge.test"));
    struct job *fair;
    size_t n_fair = 0;
    CHECK(queue_due_fair(c, a, now, 16, NULL, 0, heavy, n_heavy, &fair, &n_fair) == 0);
    CHECK(n_fair == 9 + QUEUE_SLOW_AHEAD);
    for (size_t i = 0; i < n_fair && i < 9; i++)
        CHECK(strcmp(fair[i].lane, "huge.test") != 0 && !fair[i].slow);
    for (size_t i = 9; i < n_fair; i++)
        CHECK(!strcmp(fair[i].lane, "huge.test") && fair[i].slow);
    /* A small queue has no heavy lane. */
    db_release(c);
    clear();
    for (int i = 0; i < 20; i++)
        CHECK(add("deliver", "only.test", "{}", NULL) == 0);
    CHECK(db_acquire(fx_core.db, DB_READ, &c) == 0);
    CHECK(queue_heavy_lanes(c, a, time_now_ms() + 1, &heavy, &n_heavy) == 0);
    CHECK(n_heavy == 0);
    db_release(c);
    arena_free(a);
}

/* Workers: the small servers' jobs finish long before the huge backlog, which runs one at a time.
 */
static int huge_in, huge_max, huge_done, small_done, huge_done_when_small_finished;

static int fair_job(const struct core *core, struct arena *a, const struct job *j, const char **why)
{
    (void)core;
    (void)a;
    (void)why;
    int huge = !strcmp(j->lane, "huge.test");
    pthread_mutex_lock(&track_lock);
    if (huge && ++huge_in > huge_max)
        huge_max = huge_in;
    pthread_mutex_unlock(&track_lock);
    usleep(2000);
    pthread_mutex_lock(&track_lock);
    if (huge) {
        huge_in--;
        huge_done++;
    } else if (++small_done == 12) {
        huge_done_when_small_finished = huge_done;
    }
    pthread_mutex_unlock(&track_lock);
    return 0;
}

static const struct worker_kind fair_kinds[] = {{"fair", fair_job}};

TEST(workers_keep_small_lanes_flowing)
{
    clear();
    for (int i = 0; i < 200; i++)
        CHECK(add("fair", "huge.test", "{}", NULL) == 0);
    const char *small[] = {"s1.test", "s2.test", "s3.test", "s4.test"};
    for (int i = 0; i < 12; i++)
        CHECK(add("fair", small[i % 4], "{}", NULL) == 0);
    struct worker_options opt = {.threads = 4, .lane_capacity = 2};
    CHECK(worker_start(&fx_core, fair_kinds, 1, &opt) == 0);
    worker_wake();
    for (int i = 0; i < 2000; i++) {
        pthread_mutex_lock(&track_lock);
        int d = huge_done + small_done;
        pthread_mutex_unlock(&track_lock);
        if (d == 212)
            break;
        usleep(5000);
    }
    worker_stop();
    CHECK(small_done == 12 && huge_done == 200);
    CHECK(huge_max == QUEUE_SLOW_CAPACITY);
    /* Without the rule the 12 would wait behind the 200 queued before them. */
    CHECK(huge_done_when_small_finished < 40);
    fprintf(stderr, "fairness: the small servers' 12 jobs were done after %d of the huge one's\n",
            huge_done_when_small_finished);
}

int main(void)
{
    /* A file, not memory: the worker's threads each take their own connection. */
    char path[] = "/tmp/hearth-test-queue-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return 1;
    close(fd);
    log_set_level(LOG_LEVEL_ERROR);
    fx_core.base_url = "https://a.test";
    fx_core.domain = "a.test";
    if (db_open(path, NULL, &fx_core.db) != 0 || db_migrate(fx_core.db, NULL, NULL) != 0) {
        fprintf(stderr, "cannot open the test database\n");
        unlink(path);
        return 1;
    }
    RUN(add_claim_done);
    RUN(dedupe_and_caps);
    RUN(backoff_grows_to_days);
    RUN(failures_retry_then_give_up);
    RUN(unavailable_servers);
    RUN(run_due_applies_outcomes);
    RUN(threads_respect_lanes);
    RUN(heavy_lane_goes_last);
    RUN(workers_keep_small_lanes_flowing);
    fx_close();
    unlink(path);
    char side[sizeof(path) + 8];
    snprintf(side, sizeof(side), "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof(side), "%s-shm", path);
    unlink(side);
    return t_done();
}
