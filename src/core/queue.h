/*
 * queue: the durable job queue and what it knows of remote servers' health.
 *
 * A job is a row (migration 0018_jobs): a kind, a lane (the remote domain
 * it talks to, or "" for local work), a JSON payload, and when it may run.
 * Jobs are added inside the transaction of the change that calls for them
 * (a post and its deliveries commit together), so a crash loses neither.
 * Workers (jobs/worker.h) lease a job for a while before running it; a
 * lease that runs out, because its worker died, frees the job again: every
 * job runs at least once, and handlers are written to be run twice safely.
 *
 * A failed attempt is retried after an exponential backoff (30 s, then
 * doubling, at most 12 h between tries, for about five days), then given
 * up and kept with failed_at for the operator. A server that fails many
 * times in a row is marked unavailable for a while: jobs of its lane wait
 * for it without spending attempts, and one success forgets its failures.
 *
 * Functions taking a core run their own short write transaction; those
 * taking a connection run on the caller's.
 */
#ifndef HEARTH_CORE_QUEUE_H
#define HEARTH_CORE_QUEUE_H

#include <stddef.h>
#include <stdint.h>

struct arena;
struct core;
struct db_conn;

#define QUEUE_MAX_ATTEMPTS 20          /* about five days of retries */
#define QUEUE_LEASE_MS (5 * 60 * 1000) /* a running job's lease */
#define QUEUE_DOMAIN_FAILURES 8        /* failures in a row that make a server unavailable */
#define QUEUE_KIND_MAX 32              /* bytes of a kind name */
#define QUEUE_LANE_MAX 260             /* bytes of a lane (a domain with its port) */

struct job {
    int64_t id;
    const char *kind;
    const char *lane;
    const char *payload;
    int attempts; /* failed attempts so far */
    int64_t run_at;
    int slow; /* of a heavy lane: runs in the slow lane (queue_due_fair) */
};

/*
 * Adds a job in the caller's transaction on c, to run at run_at (ms; 0:
 * now). With dedupe set, a job of that kind and key is queued at most once
 * until it is done: E_EXISTS for a second one. E_INVAL for a kind or lane
 * over its cap; E_DB.
 */
int queue_add(struct db_conn *c, const char *kind, const char *lane, const char *payload,
              const char *dedupe, int64_t run_at);

/*
 * The lane of a URL: its host (and port), lowercased, into lane (size
 * bytes). E_INVAL when the URL has no host or it does not fit.
 */
int queue_lane_of(const char *url, char *lane, size_t size);

/*
 * The hook told, on the committing thread, when a transaction that queued
 * jobs commits (main sets it once, at start-up, to wake the workers).
 */
void queue_on_commit(void (*fn)(void));
/* For core_tx_end: calls the hook when this thread's transaction queued jobs and committed. */
void queue_tx_ended(int committed);

/*
 * An activity arrived: unless its id was received before (inbox_seen,
 * kept a week), the id is recorded and a job queued, durably, before
 * this returns: 0, or E_EXISTS for a repeat. Arrivals are committed in
 * batches by one receiving thread (started with the first arrival), so a
 * busy inbox costs one commit per batch rather than per activity.
 */
int queue_receive(const struct core *core, const char *activity_id, const char *kind,
                  const char *lane, const char *payload);

/*
 * queue_receive without waiting: the caller fills id, kind, lane, payload,
 * done and ctx (all living until done is called) and the arrival is
 * queued for the receiving thread, which calls done(arrival) once, when
 * the arrival is durable (rc 0), a repeat (rc E_EXISTS) or failed (rc
 * E_DB...). done runs on the receiving thread: it must be short.
 */
struct queue_arrival {
    const char *id, *kind, *lane, *payload;
    void (*done)(struct queue_arrival *arrival);
    void *ctx;
    int rc;
    struct queue_arrival *next; /* the queue's own */
};
void queue_receive_start(const struct core *core, struct queue_arrival *arrival);
/*
 * Stops the receiving thread once the arrivals queued so far are committed
 * (call it after the HTTP server stopped); harmless when it never started.
 */
void queue_receive_stop(void);

/*
 * Up to max jobs due at now (not given up, lease free or run out), the
 * longest waiting first, into the arena. Reading only: take each with
 * queue_claim before running it.
 */
int queue_due(struct db_conn *c, struct arena *a, int64_t now, size_t max, struct job **out,
              size_t *n);

/* The same, leaving out the jobs of the lanes in skip (at most QUEUE_SKIP_MAX: busy ones). */
#define QUEUE_SKIP_MAX 64
int queue_due_except(struct db_conn *c, struct arena *a, int64_t now, size_t max,
                     const char *const *skip, size_t n_skip, struct job **out, size_t *n);

/*
 * Fairness between servers (quality of service). A lane is heavy when it
 * holds far more of the due work than the others: at least
 * QUEUE_HEAVY_ALWAYS due jobs, or at least QUEUE_HEAVY_MIN and more than
 * QUEUE_HEAVY_SHARE_PCT percent of all due jobs of remote lanes (a huge
 * server that receives or sends in bulk). A heavy lane's jobs go to the
 * slow lane: they are read after every other lane's (at most
 * QUEUE_SLOW_AHEAD of each heavy lane per read), and the workers run at
 * most QUEUE_SLOW_CAPACITY of them at once (jobs/worker.c), so the
 * community's normal traffic keeps flowing past a backlog.
 */
#define QUEUE_HEAVY_ALWAYS 500
#define QUEUE_HEAVY_MIN 50
#define QUEUE_HEAVY_SHARE_PCT 50
#define QUEUE_SLOW_AHEAD 2
#define QUEUE_SLOW_CAPACITY 1
#define QUEUE_HEAVY_MAX 8 /* heavy lanes looked at */

/* The rule: 1 when a lane with lane_jobs of all_jobs due remote jobs is heavy. */
int queue_lane_heavy(int64_t lane_jobs, int64_t all_jobs);
/*
 * The heavy lanes at now (at most QUEUE_HEAVY_MAX, the largest first),
 * lane names in the arena. 0 or E_DB.
 */
int queue_heavy_lanes(struct db_conn *c, struct arena *a, int64_t now, const char ***out,
                      size_t *n);
/*
 * queue_due_except with the heavy lanes read last: up to max due jobs of
 * the other lanes (but those in skip), the longest waiting first, then at
 * most QUEUE_SLOW_AHEAD of each heavy lane with slow set.
 */
int queue_due_fair(struct db_conn *c, struct arena *a, int64_t now, size_t max,
                   const char *const *skip, size_t n_skip, const char *const *heavy, size_t n_heavy,
                   struct job **out, size_t *n);

/* Leases job id until now + lease_ms if it is still free: 0, or E_BUSY when another took it. */
int queue_claim(const struct core *core, int64_t id, int64_t now, int64_t lease_ms);

/*
 * Frees every lease: called once at start by a server that is the only
 * one running on its database (SQLite, held by the lock file), so that
 * jobs its previous process was running when it died run again now
 * rather than when their leases run out. Returns how many were freed.
 */
int queue_release_leases(const struct core *core, int64_t *freed);

/* The job succeeded: it is removed. */
int queue_done(const struct core *core, int64_t id);

/*
 * queue_claim and queue_done for many jobs in one transaction each (a
 * worker leases a batch, and removes finished jobs in batches: a job
 * finished but not yet removed when the process dies runs again, which
 * every handler allows). claimed[i] says whether ids[i] was leased.
 */
int queue_claim_many(const struct core *core, const int64_t *ids, size_t n, int64_t now,
                     int64_t lease_ms, int *claimed);
int queue_done_many(const struct core *core, const int64_t *ids, size_t n);

/*
 * An attempt failed with error (a short text for the operator): the job
 * runs again after queue_backoff_ms, or is given up when permanent is set
 * or it has failed QUEUE_MAX_ATTEMPTS times.
 */
int queue_failed(const struct core *core, const struct job *j, const char *error, int permanent,
                 int64_t now);

/* The job waits until until (ms), its attempts unchanged, and its lease is released. */
int queue_postpone(const struct core *core, int64_t id, int64_t until);

/* How long to wait after the attempts-th failure (1 = the first), with up to 10% jitter. */
int64_t queue_backoff_ms(int attempts);

/* A remote server answered well: its failures are forgotten. */
int queue_domain_success(const struct core *core, const char *domain);
/*
 * A remote server failed (refused, timed out, answered 5xx): after
 * QUEUE_DOMAIN_FAILURES in a row it is unavailable for an hour, doubling
 * with each further failure up to a day.
 */
int queue_domain_failure(const struct core *core, const char *domain, int64_t now);
/*
 * 1 when the server may be contacted at now, 0 when it is unavailable
 * (until then in *until), or a negative error.
 */
int queue_domain_available(struct db_conn *c, const char *domain, int64_t now, int64_t *until);

/*
 * Forgets what is old: ids of received activities after a week (a repeat
 * that late is processed again, harmlessly), jobs given up after a month.
 */
int queue_prune(const struct core *core, int64_t now);

struct queue_stats {
    int64_t waiting; /* due or scheduled, not given up */
    int64_t failed;  /* given up */
};
int queue_stats(struct db_conn *c, struct queue_stats *out);

#endif
