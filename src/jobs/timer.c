/*
 * timer: a thread that ticks once a second until it is told to stop.
 *
 * The stop flag and the condition variable live under one mutex; the
 * thread sleeps on the condition with a deadline, so timer_stop wakes it
 * at once instead of waiting out the second.
 */
#include "jobs/timer.h"

#include <pthread.h>
#include <stdint.h>
#include <time.h>

#include "core/core.h"
#include "core/idempotency.h"
#include "core/moderation.h"
#include "core/poll.h"
#include "core/queue.h"
#include "core/scheduled.h"
#include "util/err.h"
#define LOG_MODULE "jobs"
#include "util/log.h"
#include "util/timeutil.h"

#define TICK_MS 1000
#define PRUNE_EVERY_MS 60000 /* how often old idempotency keys are removed */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake;
static pthread_t thread;
static int running;
static int stopping;
static int64_t last_prune;

void timer_run_due(const struct core *core)
{
    int64_t now = time_now_ms();
    size_t n = 0;
    int rc = poll_close_due(core, now, &n);
    if (rc)
        log_warn("closing ended polls failed: %s", err_str(rc));
    else if (n)
        log_debug("%zu poll(s) ended", n);
    rc = scheduled_publish_due(core, now, &n);
    if (rc)
        log_warn("publishing scheduled statuses failed: %s", err_str(rc));
    else if (n)
        log_info("%zu scheduled status(es) published", n);
    if (now - last_prune >= PRUNE_EVERY_MS) {
        last_prune = now;
        rc = idempotency_prune(core, now);
        if (rc)
            log_warn("forgetting old idempotency keys failed: %s", err_str(rc));
        rc = queue_prune(core, now);
        if (rc)
            log_warn("forgetting old activity ids and jobs failed: %s", err_str(rc));
        int purged = 0;
        rc = moderation_purge_due(core, now, &purged);
        if (rc)
            log_warn("removing suspended accounts' data failed: %s", err_str(rc));
        else if (purged)
            log_info("%d suspended account(s) removed after 30 days", purged);
    }
}

static void *timer_main(void *arg)
{
    const struct core *core = arg;
    pthread_mutex_lock(&lock);
    while (!stopping) {
        pthread_mutex_unlock(&lock);
        timer_run_due(core);
        pthread_mutex_lock(&lock);
        if (stopping)
            break;
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_sec += TICK_MS / 1000;
        /* Sleeps out the tick unless timer_stop signals; spurious wake-ups just tick early. */
        pthread_cond_timedwait(&wake, &lock, &until);
    }
    pthread_mutex_unlock(&lock);
    return NULL;
}

int timer_start(const struct core *core)
{
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&wake, &attr);
    pthread_condattr_destroy(&attr);
    stopping = 0;
    last_prune = 0;
    if (pthread_create(&thread, NULL, timer_main, (void *)core) != 0) {
        pthread_cond_destroy(&wake);
        return E_INTERNAL;
    }
    running = 1;
    return 0;
}

void timer_stop(void)
{
    if (!running)
        return;
    pthread_mutex_lock(&lock);
    stopping = 1;
    pthread_cond_signal(&wake);
    pthread_mutex_unlock(&lock);
    pthread_join(thread, NULL);
    pthread_cond_destroy(&wake);
    running = 0;
}
