/*
 * worker: the threads that run the durable queue's jobs (core/queue.h).
 *
 * A fixed number of threads each take one due job at a time: lease it,
 * run the handler of its kind, then remove it (success) or leave it for a
 * later try (failure). Lanes keep one remote server from taking every
 * thread: at most lane_capacity jobs of one lane run at once, so a slow
 * or huge server delays only its own jobs. A job whose server is marked
 * unavailable waits for it without being run. Idle threads look for due
 * jobs every WORKER_POLL_MS, or at once after worker_wake().
 *
 * worker_start and worker_stop are called once each by main; the worker
 * borrows the core and the kinds table until worker_stop returns. Jobs
 * under way when it stops finish first; jobs leased by a worker that died
 * run again after their lease.
 */
#ifndef HEARTH_JOBS_WORKER_H
#define HEARTH_JOBS_WORKER_H

#include <stddef.h>

struct arena;
struct core;
struct job;

#define WORKER_POLL_MS 200

/*
 * Runs one job. Returns 0 when it is done; E_REMOTE, E_IO or E_BUSY for a
 * failure worth retrying (the remote server was down, slow or refused for
 * now); any other error gives the job up. *why, when set, is kept with
 * the job for the operator (arena memory).
 */
typedef int (*worker_job_fn)(const struct core *core, struct arena *a, const struct job *j,
                             const char **why);

struct worker_kind {
    const char *kind;
    worker_job_fn run;
};

struct worker_options {
    int threads;       /* 0: 8 */
    int lane_capacity; /* jobs of one remote lane at once; 0: 2 (the local lane "" is not capped) */
};

/* Starts the threads. 0, or E_INTERNAL when a thread cannot be created (none left running). */
int worker_start(const struct core *core, const struct worker_kind *kinds, size_t n_kinds,
                 const struct worker_options *opt);
/* Asks the threads to look for jobs now (after a commit that queued some). Safe when stopped. */
void worker_wake(void);
/* Stops taking jobs, lets the running ones finish, and joins the threads. Safe if not started. */
void worker_stop(void);

/*
 * Runs every job due now, one by one in the calling thread, with the same
 * lanes, handlers and bookkeeping (for tests and the command line).
 * Returns how many jobs were run, or a negative error.
 */
int worker_run_due(const struct core *core, const struct worker_kind *kinds, size_t n_kinds);

#endif
