/*
 * worker: threads running the durable queue's jobs (see worker.h).
 *
 * Jobs are leased in batches: when no leased job may run, one thread at a
 * time (the refiller) reads the due jobs, leaving out the lanes that have
 * enough leased already, postpones those whose server is unavailable, and
 * leases the rest in one transaction into the ready list, with the lock
 * released meanwhile. Threads take from the ready list the first job whose
 * lane has room (lane_capacity jobs running at once; a heavy lane's jobs,
 * core/queue.h's slow lane, come after the others' and run
 * QUEUE_SLOW_CAPACITY at once). Finished jobs are
 * removed in batches too; a job finished but not yet removed when the
 * process dies simply runs again. Running happens outside the lock, so the
 * threads' network waits overlap.
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

#define PICK_WINDOW 64      /* due jobs looked at per refill */
#define READY_MAX 128       /* jobs leased ahead */
#define DONE_BATCH 32       /* finished jobs removed together */
#define LANE_AHEAD 4        /* a lane's jobs leased ahead: lane_capacity times this */
#define HEAVY_EVERY_MS 2000 /* how often the heavy lanes are looked up */

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
    char heavy[QUEUE_HEAVY_MAX][QUEUE_LANE_MAX]; /* the refiller's: lanes in the slow lane */
    size_t n_heavy;
    int64_t heavy_at;
    struct job ready[READY_MAX]; /* leased, not yet running; strings owned */
    size_t n_ready;
    int refilling;
    int64_t done[DONE_BATCH]; /* finished, not yet removed */
    size_t n_done;
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

static void job_release(struct job *j)
{
    free((char *)j->kind);
    free((char *)j->lane);
    free((char *)j->payload);
}

/* Jobs of lane leased ahead or running. */
static int lane_held(const char *lane)
{
    int k = lane_load(w.slots, w.n_threads, lane);
    for (size_t i = 0; i < w.n_ready; i++)
        if (!strcmp(w.ready[i].lane, lane))
            k++;
    return k;
}

/*
 * Reads due jobs (but those of the lanes in skip) and leases up to room of
 * them, at most per_lane per lane, into out[] (strings owned). Jobs whose
 * server is unavailable are postponed. Runs without the lock. Returns how
 * many were leased, or a negative error.
 */
static int lease_batch(const struct core *core, const char *const *skip, size_t n_skip, size_t room,
                       int per_lane, struct job *out)
{
    struct arena *a = arena_new();
    int64_t now = time_now_ms();
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_READ, &c);
    if (rc) {
        arena_free(a);
        return rc;
    }
    /* The heavy lanes (core/queue.h's fairness rule), looked up every HEAVY_EVERY_MS. */
    if (now - w.heavy_at >= HEAVY_EVERY_MS) {
        const char **heavy;
        size_t n_heavy = 0;
        if (queue_heavy_lanes(c, a, now, &heavy, &n_heavy) == 0) {
            for (size_t i = 0; i < n_heavy; i++) {
                int known = 0;
                for (size_t k = 0; k < w.n_heavy && !known; k++)
                    known = !strcmp(w.heavy[k], heavy[i]);
                if (!known)
                    log_info("lane '%s' is heavy: its jobs go to the slow lane", heavy[i]);
            }
            for (size_t i = 0; i < n_heavy; i++)
                snprintf(w.heavy[i], sizeof(w.heavy[i]), "%s", heavy[i]);
            w.n_heavy = n_heavy;
            w.heavy_at = now;
        }
    }
    const char *heavy[QUEUE_HEAVY_MAX];
    for (size_t i = 0; i < w.n_heavy; i++)
        heavy[i] = w.heavy[i];
    struct job *list = NULL;
    size_t n = 0;
    rc = queue_due_fair(c, a, now, PICK_WINDOW, skip, n_skip, heavy, w.n_heavy, &list, &n);
    /* Each lane's server is looked up once; unavailable ones wait. */
    int64_t *postpone = arena_zalloc(a, (n ? n : 1) * sizeof(*postpone));
    int *take = arena_zalloc(a, (n ? n : 1) * sizeof(*take));
    for (size_t i = 0; rc == 0 && i < n; i++) {
        if (!list[i].lane[0])
            continue;
        int seen = 0;
        for (size_t k = 0; k < i && !seen; k++)
            if (!strcmp(list[k].lane, list[i].lane)) {
                seen = 1;
                postpone[i] = postpone[k];
            }
        if (seen)
            continue;
        int64_t until = 0;
        int ok = queue_domain_available(c, list[i].lane, now, &until);
        if (ok < 0)
            rc = ok;
        else if (ok == 0)
            postpone[i] = until;
    }
    db_release(c);
    size_t n_take = 0;
    int64_t *ids = arena_alloc(a, (n ? n : 1) * sizeof(*ids));
    for (size_t i = 0; rc == 0 && i < n; i++) {
        if (postpone[i]) {
            if (queue_claim(core, list[i].id, now, QUEUE_LEASE_MS) == 0)
                queue_postpone(core, list[i].id, postpone[i]);
            continue;
        }
        if (n_take == room)
            break;
        if (list[i].lane[0]) {
            int same = 0;
            for (size_t k = 0; k < i; k++)
                same += take[k] && !strcmp(list[k].lane, list[i].lane);
            if (same >= per_lane)
                continue;
        }
        take[i] = 1;
        ids[n_take++] = list[i].id;
    }
    int got = 0;
    if (rc == 0 && n_take) {
        int *claimed = arena_zalloc(a, n_take * sizeof(*claimed));
        rc = queue_claim_many(core, ids, n_take, now, QUEUE_LEASE_MS, claimed);
        for (size_t i = 0, t = 0; rc == 0 && i < n; i++) {
            if (!take[i])
                continue;
            if (claimed[t++]) {
                struct job *j = &out[got++];
                *j = list[i];
                j->kind = xstrdup(list[i].kind);
                j->lane = xstrdup(list[i].lane);
                j->payload = xstrdup(list[i].payload);
            }
        }
    }
    arena_free(a);
    return rc ? rc : got;
}

/* Removes the finished jobs noted so far. Called with the lock held; releases it meanwhile. */
static void flush_done(const struct core *core)
{
    if (!w.n_done)
        return;
    int64_t ids[DONE_BATCH];
    size_t n = w.n_done;
    memcpy(ids, w.done, n * sizeof(*ids));
    w.n_done = 0;
    pthread_mutex_unlock(&w.lock);
    int rc = queue_done_many(core, ids, n);
    if (rc)
        log_error("cannot remove %zu finished job(s): %s (they will run again)", n, err_str(rc));
    pthread_mutex_lock(&w.lock);
}

/*
 * Takes a ready job whose lane has room into *out (owned strings): 1, or
 * 0 when none may run. Called with the lock held.
 */
static int take_ready(struct job *out)
{
    /* Other lanes' jobs first; a heavy lane's (slow) run QUEUE_SLOW_CAPACITY at a time. */
    for (int slow = 0; slow < 2; slow++) {
        for (size_t i = 0; i < w.n_ready; i++) {
            struct job *j = &w.ready[i];
            if (j->slow != slow)
                continue;
            int cap = slow ? QUEUE_SLOW_CAPACITY : w.lane_capacity;
            if (j->lane[0] && lane_load(w.slots, w.n_threads, j->lane) >= cap)
                continue;
            *out = *j;
            memmove(&w.ready[i], &w.ready[i + 1], (w.n_ready - i - 1) * sizeof(*j));
            w.n_ready--;
            return 1;
        }
    }
    return 0;
}

/*
 * Leases more jobs into the ready list, unless another thread is at it or
 * the list is full. Called with the lock held; releases it meanwhile.
 * Returns how many were added, or a negative error.
 */
static int refill(const struct core *core)
{
    if (w.refilling || w.n_ready >= READY_MAX)
        return 0;
    w.refilling = 1;
    /* Lanes with enough leased or running are left out of the read. */
    int per_lane = w.lane_capacity * LANE_AHEAD;
    const char *skip[QUEUE_SKIP_MAX];
    size_t n_skip = 0;
    for (size_t i = 0; i < w.n_ready && n_skip < QUEUE_SKIP_MAX; i++) {
        const char *lane = w.ready[i].lane;
        int listed = 0;
        for (size_t k = 0; k < n_skip && !listed; k++)
            listed = !strcmp(skip[k], lane);
        if (!listed && lane[0] && lane_held(lane) >= per_lane)
            skip[n_skip++] = xstrdup(lane);
    }
    size_t room = READY_MAX - w.n_ready;
    struct job *batch = xcalloc(room, sizeof(*batch));
    pthread_mutex_unlock(&w.lock);
    int got = lease_batch(core, skip, n_skip, room, per_lane, batch);
    pthread_mutex_lock(&w.lock);
    for (size_t i = 0; i < n_skip; i++)
        free((char *)skip[i]);
    for (int i = 0; i < got; i++)
        w.ready[w.n_ready++] = batch[i];
    free(batch);
    w.refilling = 0;
    if (got > 0)
        pthread_cond_broadcast(&w.cond);
    return got;
}

static int retryable(int rc)
{
    return rc == E_REMOTE || rc == E_IO || rc == E_BUSY || rc == E_DB;
}

/* Runs a leased job and records how it went. */
static void run_one(const struct core *core, const struct worker_kind *kinds, size_t n_kinds,
                    struct arena *a, const struct job *j, int batch_done)
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
        drc = 0;
        if (batch_done) {
            pthread_mutex_lock(&w.lock);
            w.done[w.n_done++] = j->id;
            if (w.n_done == DONE_BATCH)
                flush_done(core);
            pthread_mutex_unlock(&w.lock);
        } else {
            drc = queue_done(core, j->id);
        }
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
        struct job j;
        if (!take_ready(&j)) {
            int got = refill(w.core);
            if (got < 0)
                log_warn("cannot read the job queue: %s", err_str(got));
            if (got > 0 || take_ready(&j) == 0) {
                if (got > 0)
                    continue;
                /* Nothing to run: finished jobs are removed before waiting. */
                flush_done(w.core);
                if (!__atomic_load_n(&w.woken, __ATOMIC_ACQUIRE) && w.running) {
                    struct timespec ts;
                    clock_gettime(CLOCK_REALTIME, &ts);
                    ts.tv_nsec += WORKER_POLL_MS * 1000000L;
                    if (ts.tv_nsec >= 1000000000L) {
                        ts.tv_sec++;
                        ts.tv_nsec -= 1000000000L;
                    }
                    pthread_cond_timedwait(&w.cond, &w.lock, &ts);
                }
                __atomic_store_n(&w.woken, 0, __ATOMIC_RELEASE);
                continue;
            }
        }
        w.slots[self].busy = 1;
        snprintf(w.slots[self].lane, sizeof(w.slots[self].lane), "%s", j.lane);
        pthread_mutex_unlock(&w.lock);
        struct arena *a = arena_new();
        run_one(w.core, w.kinds, w.n_kinds, a, &j, 1);
        arena_free(a);
        job_release(&j);
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
    w.n_heavy = 0;
    w.heavy_at = 0;
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
    /*
     * Called after every commit that queued a job, often from request
     * threads: it must not wait for the lock a refill may hold. One idle
     * thread is enough to start; a wake lost to a race costs at most
     * WORKER_POLL_MS.
     */
    __atomic_store_n(&w.woken, 1, __ATOMIC_RELEASE);
    pthread_cond_signal(&w.cond);
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
    /* Finished jobs are removed; leased ones are freed for the next start. */
    pthread_mutex_lock(&w.lock);
    flush_done(w.core);
    for (size_t i = 0; i < w.n_ready; i++) {
        queue_postpone(w.core, w.ready[i].id, w.ready[i].run_at);
        job_release(&w.ready[i]);
    }
    w.n_ready = 0;
    pthread_mutex_unlock(&w.lock);
    free(w.threads);
    free(w.slots);
    w.threads = NULL;
    w.slots = NULL;
    w.started = 0;
}

int worker_run_due(const struct core *core, const struct worker_kind *kinds, size_t n_kinds)
{
    int count = 0;
    for (;;) {
        struct job j;
        int got = lease_batch(core, NULL, 0, 1, 1, &j);
        if (got <= 0)
            return got < 0 ? got : count;
        struct arena *a = arena_new();
        run_one(core, kinds, n_kinds, a, &j, 0);
        arena_free(a);
        job_release(&j);
        count++;
    }
}
