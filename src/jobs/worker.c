/*
 * worker: threads running the durable queue's jobs (see worker.h).
 *
 * Picking is serialized by one mutex: a thread reads the due jobs, skips
 * those whose lane is full or whose server is unavailable (postponing
 * them), and leases the first it may run; leasing is also safe between
 * processes, as queue_claim only takes a free job. Running happens outside
 * the mutex, so the threads' network waits overlap.
 */
#include "jobs/worker.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "core/core.h"
#include "core/queue.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/mem.h"
#define LOG_MODULE "jobs"
#include "util/log.h"
#include "util/timeutil.h"

#define PICK_WINDOW 32 /* due jobs looked at per pick */

struct slot {
    int busy;
    char lane[QUEUE_LANE_MAX];
};

static struct {
    const struct core *core;
    const struct worker_kind *kinds;
    size_t n_kinds;
    int lane_capacity;
    int n_threads;
    pthread_t *threads;
    struct slot *slots;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int running;
    int woken;
    int started;
} w = {.lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER};

/* Jobs of lane running now, in slots[0..n). */
static int lane_load(const struct slot *slots, int n, const char *lane)
{
    int k = 0;
    for (int i = 0; i < n; i++)
        if (slots[i].busy && !strcmp(slots[i].lane, lane))
            k++;
    return k;
}

/*
 * Leases one job that may run now into *out (strings in a): 1 when one
 * was taken, 0 when none may run, or a negative error. slots/n_slots are
 * the lanes running now; lane_capacity caps a remote lane.
 */
static int pick(const struct core *core, struct arena *a, const struct slot *slots, int n_slots,
                int lane_capacity, struct job *out)
{
    int64_t now = time_now_ms();
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_READ, &c);
    if (rc)
        return rc;
    struct job *list = NULL;
    size_t n = 0;
    rc = queue_due(c, a, now, PICK_WINDOW, &list, &n);
    /* Which lanes' servers are unavailable is read on the same connection. */
    int64_t *postpone = arena_alloc(a, (n ? n : 1) * sizeof(*postpone));
    for (size_t i = 0; rc == 0 && i < n; i++) {
        postpone[i] = 0;
        if (!list[i].lane[0])
            continue;
        int64_t until = 0;
        int ok = queue_domain_available(c, list[i].lane, now, &until);
        if (ok < 0)
            rc = ok;
        else if (ok == 0)
            postpone[i] = until;
    }
    db_release(c);
    if (rc)
        return rc;
    for (size_t i = 0; i < n; i++) {
        struct job *j = &list[i];
        if (postpone[i]) {
            if (queue_claim(core, j->id, now, QUEUE_LEASE_MS) == 0)
                queue_postpone(core, j->id, postpone[i]);
            continue;
        }
        if (j->lane[0] && lane_load(slots, n_slots, j->lane) >= lane_capacity)
            continue;
        rc = queue_claim(core, j->id, now, QUEUE_LEASE_MS);
        if (rc == E_BUSY)
            continue; /* another worker took it */
        if (rc)
            return rc;
        *out = *j;
        return 1;
    }
    return 0;
}

static int retryable(int rc)
{
    return rc == E_REMOTE || rc == E_IO || rc == E_BUSY || rc == E_DB;
}

/* Runs a leased job and records how it went. */
static void run_one(const struct core *core, const struct worker_kind *kinds, size_t n_kinds,
                    struct arena *a, const struct job *j)
{
    const struct worker_kind *k = NULL;
    for (size_t i = 0; i < n_kinds && !k; i++)
        if (!strcmp(kinds[i].kind, j->kind))
            k = &kinds[i];
    const char *why = NULL;
    int rc = k ? k->run(core, a, j, &why) : E_INVAL;
    if (!k)
        why = "no handler for this kind of job";
    int64_t now = time_now_ms();
    int drc;
    if (rc == 0) {
        drc = queue_done(core, j->id);
    } else {
        const char *text = why ? why : err_str(rc);
        if (retryable(rc))
            log_info("job %lld (%s, lane '%s') failed, will retry: %s", (long long)j->id, j->kind,
                     j->lane, text);
        else
            log_warn("job %lld (%s, lane '%s') given up: %s", (long long)j->id, j->kind, j->lane,
                     text);
        drc = queue_failed(core, j, text, !retryable(rc), now);
    }
    if (drc)
        log_error("job %lld: cannot record its outcome: %s (its lease will run out)",
                  (long long)j->id, err_str(drc));
}

static void *thread_main(void *arg)
{
    int self = (int)(intptr_t)arg;
    pthread_mutex_lock(&w.lock);
    while (w.running) {
        struct arena *a = arena_new();
        struct job j;
        int got = pick(w.core, a, w.slots, w.n_threads, w.lane_capacity, &j);
        if (got != 1) {
            if (got < 0)
                log_warn("cannot read the job queue: %s", err_str(got));
            arena_free(a);
            if (!w.woken) {
                struct timespec ts;
                clock_gettime(CLOCK_REALTIME, &ts);
                ts.tv_nsec += WORKER_POLL_MS * 1000000L;
                if (ts.tv_nsec >= 1000000000L) {
                    ts.tv_sec++;
                    ts.tv_nsec -= 1000000000L;
                }
                pthread_cond_timedwait(&w.cond, &w.lock, &ts);
            }
            w.woken = 0;
            continue;
        }
        w.slots[self].busy = 1;
        snprintf(w.slots[self].lane, sizeof(w.slots[self].lane), "%s", j.lane);
        pthread_mutex_unlock(&w.lock);
        run_one(w.core, w.kinds, w.n_kinds, a, &j);
        arena_free(a);
        pthread_mutex_lock(&w.lock);
        w.slots[self].busy = 0;
        /* A lane slot freed: a waiting job of that lane may go now. */
        pthread_cond_signal(&w.cond);
    }
    pthread_mutex_unlock(&w.lock);
    return NULL;
}

int worker_start(const struct core *core, const struct worker_kind *kinds, size_t n_kinds,
                 const struct worker_options *opt)
{
    w.core = core;
    w.kinds = kinds;
    w.n_kinds = n_kinds;
    w.n_threads = opt && opt->threads > 0 ? opt->threads : 8;
    w.lane_capacity = opt && opt->lane_capacity > 0 ? opt->lane_capacity : 2;
    w.threads = xcalloc((size_t)w.n_threads, sizeof(*w.threads));
    w.slots = xcalloc((size_t)w.n_threads, sizeof(*w.slots));
    w.running = 1;
    w.woken = 0;
    for (int i = 0; i < w.n_threads; i++) {
        int rc = pthread_create(&w.threads[i], NULL, thread_main, (void *)(intptr_t)i);
        if (rc) {
            log_error("cannot start a job thread: %s", strerror(rc));
            w.n_threads = i;
            worker_stop();
            return E_INTERNAL;
        }
    }
    w.started = 1;
    return 0;
}

void worker_wake(void)
{
    pthread_mutex_lock(&w.lock);
    w.woken = 1;
    pthread_cond_broadcast(&w.cond);
    pthread_mutex_unlock(&w.lock);
}

void worker_stop(void)
{
    if (!w.threads)
        return;
    pthread_mutex_lock(&w.lock);
    w.running = 0;
    pthread_cond_broadcast(&w.cond);
    pthread_mutex_unlock(&w.lock);
    for (int i = 0; i < w.n_threads; i++)
        pthread_join(w.threads[i], NULL);
    free(w.threads);
    free(w.slots);
    w.threads = NULL;
    w.slots = NULL;
    w.started = 0;
}

int worker_run_due(const struct core *core, const struct worker_kind *kinds, size_t n_kinds)
{
    struct slot none = {0};
    int count = 0;
    for (;;) {
        struct arena *a = arena_new();
        struct job j;
        int got = pick(core, a, &none, 1, 1, &j);
        if (got != 1) {
            arena_free(a);
            return got < 0 ? got : count;
        }
        run_one(core, kinds, n_kinds, a, &j);
        arena_free(a);
        count++;
    }
}
