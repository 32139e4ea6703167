/*
 * queue: the durable job queue and remote servers' health (see queue.h).
 */
#include "core/queue.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "core/core.h"
#include "core/tx.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"
#include "util/timeutil.h"

#define BACKOFF_FIRST_MS (30 * 1000)
#define BACKOFF_MAX_MS (12 * 3600 * 1000LL)
#define UNAVAILABLE_FIRST_MS (3600 * 1000LL)
#define UNAVAILABLE_MAX_MS (24 * 3600 * 1000LL)
#define ERROR_MAX 300 /* bytes of last_error kept */

static int step_done(struct db_stmt *s)
{
    int rc = db_step(s);
    db_stmt_done(s);
    return rc < 0 ? rc : 0;
}

static void (*commit_hook)(void);
static __thread int queued_in_tx;

void queue_on_commit(void (*fn)(void))
{
    commit_hook = fn;
}

void queue_tx_ended(int committed)
{
    if (queued_in_tx && committed && commit_hook)
        commit_hook();
    queued_in_tx = 0;
}

int queue_lane_of(const char *url, char *lane, size_t size)
{
    const char *host = strstr(url, "://");
    if (!host)
        return E_INVAL;
    host += 3;
    size_t n = strcspn(host, "/?#");
    if (n == 0 || n >= size)
        return E_INVAL;
    for (size_t i = 0; i < n; i++)
        lane[i] = (char)(host[i] >= 'A' && host[i] <= 'Z' ? host[i] - 'A' + 'a' : host[i]);
    lane[n] = '\0';
    return 0;
}

int queue_add(struct db_conn *c, const char *kind, const char *lane, const char *payload,
              const char *dedupe, int64_t run_at)
{
    if (!kind || !*kind || strlen(kind) >= QUEUE_KIND_MAX || !lane ||
        strlen(lane) >= QUEUE_LANE_MAX || !payload)
        return E_INVAL;
    int64_t now = time_now_ms();
    struct db_stmt *s;
    int rc;
    if (dedupe) {
        rc = db_prepare(c, "SELECT 1 FROM jobs WHERE kind = ? AND dedupe = ?", &s);
        if (rc)
            return rc;
        db_bind_text(s, 1, kind);
        db_bind_text(s, 2, dedupe);
        rc = db_step(s);
        db_stmt_done(s);
        if (rc < 0)
            return rc;
        if (rc == DB_ROW)
            return E_EXISTS;
    }
    rc = db_prepare(c,
                    "INSERT INTO jobs (id, kind, lane, payload, dedupe, run_at, created_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, id_next());
    db_bind_text(s, 2, kind);
    db_bind_text(s, 3, lane);
    db_bind_text(s, 4, payload);
    if (dedupe)
        db_bind_text(s, 5, dedupe);
    else
        db_bind_null(s, 5);
    db_bind_i64(s, 6, run_at > 0 ? run_at : now);
    db_bind_i64(s, 7, now);
    rc = step_done(s);
    if (rc == 0)
        queued_in_tx = 1;
    return rc;
}

static const char *col_dup(struct arena *a, struct db_stmt *s, int col)
{
    const char *t = db_col_text(s, col);
    return t ? arena_strdup(a, t) : NULL;
}

int queue_due(struct db_conn *c, struct arena *a, int64_t now, size_t max, struct job **out,
              size_t *n)
{
    return queue_due_except(c, a, now, max, NULL, 0, out, n);
}

/* A row of "id, kind, lane, payload, attempts, run_at" as a job (strings in the arena). */
static void read_job(struct arena *a, struct db_stmt *s, struct job *j, int slow)
{
    j->id = db_col_i64(s, 0);
    j->kind = col_dup(a, s, 1);
    j->lane = col_dup(a, s, 2);
    j->payload = col_dup(a, s, 3);
    j->attempts = (int)db_col_i64(s, 4);
    j->run_at = db_col_i64(s, 5);
    j->slow = slow;
}

int queue_due_except(struct db_conn *c, struct arena *a, int64_t now, size_t max,
                     const char *const *skip, size_t n_skip, struct job **out, size_t *n)
{
    *n = 0;
    *out = arena_alloc(a, (max ? max : 1) * sizeof(**out));
    if (n_skip > QUEUE_SKIP_MAX)
        n_skip = QUEUE_SKIP_MAX;
    char sql[512 + QUEUE_SKIP_MAX * 2];
    size_t len = (size_t)snprintf(sql, sizeof(sql), "%s",
                                  "SELECT id, kind, lane, payload, attempts, run_at FROM jobs"
                                  " WHERE failed_at IS NULL AND run_at <= ?"
                                  " AND (claimed_until IS NULL OR claimed_until < ?)");
    if (n_skip) {
        len += (size_t)snprintf(sql + len, sizeof(sql) - len, " AND lane NOT IN (?");
        for (size_t i = 1; i < n_skip; i++)
            len += (size_t)snprintf(sql + len, sizeof(sql) - len, ",?");
        len += (size_t)snprintf(sql + len, sizeof(sql) - len, ")");
    }
    snprintf(sql + len, sizeof(sql) - len, " ORDER BY run_at, id LIMIT ?");
    struct db_stmt *s;
    int rc = db_prepare(c, sql, &s);
    if (rc)
        return rc;
    int k = 1;
    db_bind_i64(s, k++, now);
    db_bind_i64(s, k++, now);
    for (size_t i = 0; i < n_skip; i++)
        db_bind_text(s, k++, skip[i]);
    db_bind_i64(s, k, (int64_t)max);
    while (*n < max && (rc = db_step(s)) == DB_ROW) {
        read_job(a, s, &(*out)[(*n)++], 0);
    }
    db_stmt_done(s);
    return rc < 0 ? rc : 0;
}

int queue_lane_heavy(int64_t lane_jobs, int64_t all_jobs)
{
    if (lane_jobs >= QUEUE_HEAVY_ALWAYS)
        return 1;
    return lane_jobs >= QUEUE_HEAVY_MIN && lane_jobs * 100 > all_jobs * QUEUE_HEAVY_SHARE_PCT;
}

int queue_heavy_lanes(struct db_conn *c, struct arena *a, int64_t now, const char ***out, size_t *n)
{
    *n = 0;
    *out = arena_alloc(a, QUEUE_HEAVY_MAX * sizeof(**out));
    struct db_stmt *s;
    int rc = db_prepare(c,
                        "SELECT count(*) FROM jobs WHERE failed_at IS NULL AND run_at <= ?"
                        " AND lane <> ''",
                        &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, now);
    rc = db_step(s);
    int64_t all = rc == DB_ROW ? db_col_i64(s, 0) : 0;
    db_stmt_done(s);
    if (rc < 0)
        return rc;
    if (all < QUEUE_HEAVY_MIN)
        return 0; /* nothing is heavy in a small queue: no grouping */
    rc = db_prepare(c,
                    "SELECT lane, count(*) AS k FROM jobs WHERE failed_at IS NULL AND run_at <= ?"
                    " AND lane <> '' GROUP BY lane HAVING count(*) >= ? ORDER BY k DESC LIMIT ?",
                    &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, now);
    db_bind_i64(s, 2, QUEUE_HEAVY_MIN);
    db_bind_i64(s, 3, QUEUE_HEAVY_MAX);
    while ((rc = db_step(s)) == DB_ROW && *n < QUEUE_HEAVY_MAX) {
        if (queue_lane_heavy(db_col_i64(s, 1), all))
            (*out)[(*n)++] = col_dup(a, s, 0);
    }
    db_stmt_done(s);
    return rc < 0 ? rc : 0;
}

int queue_due_fair(struct db_conn *c, struct arena *a, int64_t now, size_t max,
                   const char *const *skip, size_t n_skip, const char *const *heavy, size_t n_heavy,
                   struct job **out, size_t *n)
{
    /* First every other lane: the heavy ones join the lanes skipped. */
    const char *both[QUEUE_SKIP_MAX];
    size_t n_both = 0;
    for (size_t i = 0; i < n_skip && n_both < QUEUE_SKIP_MAX; i++)
        both[n_both++] = skip[i];
    for (size_t i = 0; i < n_heavy && n_both < QUEUE_SKIP_MAX; i++)
        both[n_both++] = heavy[i];
    struct job *first;
    size_t n_first = 0;
    int rc = queue_due_except(c, a, now, max, both, n_both, &first, &n_first);
    if (rc)
        return rc;
    size_t cap = max + n_heavy * QUEUE_SLOW_AHEAD;
    *out = arena_alloc(a, (cap ? cap : 1) * sizeof(**out));
    memcpy(*out, first, n_first * sizeof(*first));
    *n = n_first;
    /* Then a few of each heavy lane (not skipped by the caller), for the slow lane. */
    for (size_t h = 0; h < n_heavy && *n < max + n_heavy * QUEUE_SLOW_AHEAD; h++) {
        int skipped = 0;
        for (size_t i = 0; i < n_skip && !skipped; i++)
            skipped = !strcmp(skip[i], heavy[h]);
        if (skipped)
            continue;
        struct db_stmt *s;
        rc = db_prepare(c,
                        "SELECT id, kind, lane, payload, attempts, run_at FROM jobs"
                        " WHERE failed_at IS NULL AND run_at <= ? AND lane = ?"
                        " AND (claimed_until IS NULL OR claimed_until < ?)"
                        " ORDER BY run_at, id LIMIT ?",
                        &s);
        if (rc)
            return rc;
        db_bind_i64(s, 1, now);
        db_bind_text(s, 2, heavy[h]);
        db_bind_i64(s, 3, now);
        db_bind_i64(s, 4, QUEUE_SLOW_AHEAD);
        while ((rc = db_step(s)) == DB_ROW) {
            read_job(a, s, &(*out)[(*n)++], 1);
        }
        db_stmt_done(s);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* Runs one statement binding (i64, i64[, i64]) in its own transaction; *changed gets the row count.
 */
static int write_one(const struct core *core, const char *sql, const int64_t *args, int n_args,
                     int64_t *changed)
{
    struct db_conn *c = NULL;
    int rc = core_tx_begin(core, &c);
    if (rc)
        goto out;
    struct db_stmt *s;
    rc = db_prepare(c, sql, &s);
    if (rc)
        goto out;
    for (int i = 0; i < n_args; i++)
        db_bind_i64(s, i + 1, args[i]);
    rc = step_done(s);
    if (rc == 0 && changed)
        *changed = db_changes(c);
out:
    return core_tx_end(c, rc);
}

int queue_claim(const struct core *core, int64_t id, int64_t now, int64_t lease_ms)
{
    int64_t args[] = {now + lease_ms, id, now};
    int64_t changed = 0;
    int rc = write_one(core,
                       "UPDATE jobs SET claimed_until = ? WHERE id = ? AND failed_at IS NULL"
                       " AND (claimed_until IS NULL OR claimed_until < ?)",
                       args, 3, &changed);
    if (rc)
        return rc;
    return changed == 1 ? 0 : E_BUSY;
}

int queue_claim_many(const struct core *core, const int64_t *ids, size_t n, int64_t now,
                     int64_t lease_ms, int *claimed)
{
    struct db_conn *c = NULL;
    int rc = core_tx_begin(core, &c);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        struct db_stmt *s;
        claimed[i] = 0;
        rc = db_prepare(c,
                        "UPDATE jobs SET claimed_until = ? WHERE id = ? AND failed_at IS NULL"
                        " AND (claimed_until IS NULL OR claimed_until < ?)",
                        &s);
        if (rc)
            break;
        db_bind_i64(s, 1, now + lease_ms);
        db_bind_i64(s, 2, ids[i]);
        db_bind_i64(s, 3, now);
        rc = step_done(s);
        if (rc == 0)
            claimed[i] = db_changes(c) == 1;
    }
    if (c == NULL)
        return rc;
    return core_tx_end(c, rc);
}

int queue_done_many(const struct core *core, const int64_t *ids, size_t n)
{
    struct db_conn *c = NULL;
    int rc = core_tx_begin(core, &c);
    if (rc)
        return rc;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        struct db_stmt *s;
        rc = db_prepare(c, "DELETE FROM jobs WHERE id = ?", &s);
        if (rc)
            break;
        db_bind_i64(s, 1, ids[i]);
        rc = step_done(s);
    }
    return core_tx_end(c, rc);
}

int queue_done(const struct core *core, int64_t id)
{
    int64_t args[] = {id};
    return write_one(core, "DELETE FROM jobs WHERE id = ?", args, 1, NULL);
}

int queue_postpone(const struct core *core, int64_t id, int64_t until)
{
    int64_t args[] = {until, id};
    return write_one(core, "UPDATE jobs SET run_at = ?, claimed_until = NULL WHERE id = ?", args, 2,
                     NULL);
}

int64_t queue_backoff_ms(int attempts)
{
    if (attempts < 1)
        attempts = 1;
    int64_t ms = BACKOFF_FIRST_MS;
    for (int i = 1; i < attempts && ms < BACKOFF_MAX_MS; i++)
        ms *= 2;
    if (ms > BACKOFF_MAX_MS)
        ms = BACKOFF_MAX_MS;
    /* Jitter spreads the retries of a fan-out that failed at once. */
    return ms + (int64_t)randombytes_uniform((uint32_t)(ms / 10 + 1));
}

int queue_failed(const struct core *core, const struct job *j, const char *error, int permanent,
                 int64_t now)
{
    int attempts = j->attempts + 1;
    int give_up = permanent || attempts >= QUEUE_MAX_ATTEMPTS;
    char err[ERROR_MAX];
    size_t len = error ? strlen(error) : 0;
    if (len >= sizeof(err))
        len = sizeof(err) - 1;
    memcpy(err, error ? error : "", len);
    err[len] = '\0';
    struct db_conn *c = NULL;
    int rc = core_tx_begin(core, &c);
    if (rc)
        goto out;
    struct db_stmt *s;
    rc = db_prepare(c,
                    "UPDATE jobs SET attempts = ?, run_at = ?, claimed_until = NULL,"
                    " last_error = ?, failed_at = ? WHERE id = ?",
                    &s);
    if (rc)
        goto out;
    db_bind_i64(s, 1, attempts);
    db_bind_i64(s, 2, now + (give_up ? 0 : queue_backoff_ms(attempts)));
    db_bind_text(s, 3, err);
    if (give_up)
        db_bind_i64(s, 4, now);
    else
        db_bind_null(s, 4);
    db_bind_i64(s, 5, j->id);
    rc = step_done(s);
out:
    return core_tx_end(c, rc);
}

int queue_domain_success(const struct core *core, const char *domain)
{
    /* Most servers never failed: a read tells, and no write is needed. */
    struct db_conn *c = NULL;
    int rc = db_acquire(core->db, DB_READ, &c);
    if (rc)
        return rc;
    struct db_stmt *s;
    rc = db_prepare(c, "SELECT 1 FROM domain_health WHERE domain = ?", &s);
    if (rc == 0) {
        db_bind_text(s, 1, domain);
        rc = db_step(s);
        db_stmt_done(s);
    }
    db_release(c);
    if (rc < 0 || rc == DB_DONE)
        return rc < 0 ? rc : 0;
    c = NULL;
    rc = core_tx_begin(core, &c);
    if (rc)
        goto out;
    rc = db_prepare(c, "DELETE FROM domain_health WHERE domain = ?", &s);
    if (rc)
        goto out;
    db_bind_text(s, 1, domain);
    rc = step_done(s);
out:
    return core_tx_end(c, rc);
}

int queue_domain_failure(const struct core *core, const char *domain, int64_t now)
{
    struct db_conn *c = NULL;
    int rc = core_tx_begin(core, &c);
    if (rc)
        goto out;
    struct db_stmt *s;
    rc = db_prepare(c,
                    "INSERT INTO domain_health (domain, failures, last_failure_at)"
                    " VALUES (?, 1, ?) ON CONFLICT (domain) DO UPDATE SET"
                    " failures = domain_health.failures + 1,"
                    " last_failure_at = excluded.last_failure_at RETURNING failures",
                    &s);
    if (rc)
        goto out;
    db_bind_text(s, 1, domain);
    db_bind_i64(s, 2, now);
    rc = db_step(s);
    int64_t failures = rc == DB_ROW ? db_col_i64(s, 0) : 0;
    db_stmt_done(s);
    if (rc < 0)
        goto out;
    rc = 0;
    if (failures >= QUEUE_DOMAIN_FAILURES) {
        int64_t wait = UNAVAILABLE_FIRST_MS;
        for (int64_t k = QUEUE_DOMAIN_FAILURES; k < failures && wait < UNAVAILABLE_MAX_MS; k++)
            wait *= 2;
        if (wait > UNAVAILABLE_MAX_MS)
            wait = UNAVAILABLE_MAX_MS;
        rc = db_prepare(c, "UPDATE domain_health SET unavailable_until = ? WHERE domain = ?", &s);
        if (rc)
            goto out;
        db_bind_i64(s, 1, now + wait);
        db_bind_text(s, 2, domain);
        rc = step_done(s);
    }
out:
    return core_tx_end(c, rc);
}

int queue_domain_available(struct db_conn *c, const char *domain, int64_t now, int64_t *until)
{
    struct db_stmt *s;
    int rc = db_prepare(c, "SELECT unavailable_until FROM domain_health WHERE domain = ?", &s);
    if (rc)
        return rc;
    db_bind_text(s, 1, domain);
    rc = db_step(s);
    int64_t t = rc == DB_ROW ? db_col_i64(s, 0) : 0;
    db_stmt_done(s);
    if (rc < 0)
        return rc;
    if (t > now) {
        *until = t;
        return 0;
    }
    return 1;
}

int queue_stats(struct db_conn *c, struct queue_stats *out)
{
    struct db_stmt *s;
    int rc = db_prepare(c,
                        "SELECT COALESCE(SUM(CASE WHEN failed_at IS NULL THEN 1 ELSE 0 END), 0),"
                        " COALESCE(SUM(CASE WHEN failed_at IS NULL THEN 0 ELSE 1 END), 0)"
                        " FROM jobs",
                        &s);
    if (rc)
        return rc;
    rc = db_step(s);
    out->waiting = rc == DB_ROW ? db_col_i64(s, 0) : 0;
    out->failed = rc == DB_ROW ? db_col_i64(s, 1) : 0;
    db_stmt_done(s);
    return rc < 0 ? rc : 0;
}

int queue_prune(const struct core *core, int64_t now)
{
    struct db_conn *c = NULL;
    int rc = core_tx_begin(core, &c);
    if (rc)
        return rc;
    struct db_stmt *s;
    rc = db_prepare(c, "DELETE FROM inbox_seen WHERE created_at < ?", &s);
    if (rc == 0) {
        db_bind_i64(s, 1, now - 7 * 24 * 3600 * 1000LL);
        rc = step_done(s);
    }
    if (rc == 0)
        rc = db_prepare(c, "DELETE FROM jobs WHERE failed_at IS NOT NULL AND failed_at < ?", &s);
    if (rc == 0) {
        db_bind_i64(s, 1, now - 30 * 24 * 3600 * 1000LL);
        rc = step_done(s);
    }
    return core_tx_end(c, rc);
}

int queue_release_leases(const struct core *core, int64_t *freed)
{
    struct db_conn *c = NULL;
    int rc = core_tx_begin(core, &c);
    if (rc)
        return rc;
    struct db_stmt *s;
    rc = db_prepare(c, "UPDATE jobs SET claimed_until = NULL WHERE claimed_until IS NOT NULL", &s);
    if (rc == 0) {
        rc = step_done(s);
        *freed = rc == 0 ? db_changes(c) : 0;
    }
    return core_tx_end(c, rc);
}

/*
 * Arrivals wait in a list for the receiving thread, which takes all that
 * are waiting, commits them in one transaction and tells each.
 */
static struct {
    pthread_mutex_t lock;
    pthread_cond_t cond; /* arrivals are waiting, or the thread must stop */
    struct queue_arrival *head, **tail;
    const struct core *core;
    pthread_t thread;
    int running;
    int stopping;
} arrivals = {.lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER};

/* Records and queues every arrival of list in one transaction; sets each rc. */
static void commit_arrivals(const struct core *core, struct queue_arrival *list)
{
    struct db_conn *c = NULL;
    int rc = core_tx_begin(core, &c);
    int64_t now = time_now_ms();
    for (struct queue_arrival *x = list; rc == 0 && x; x = x->next) {
        struct db_stmt *s;
        rc = db_prepare(c,
                        "INSERT INTO inbox_seen (uri, created_at) VALUES (?, ?)"
                        " ON CONFLICT (uri) DO NOTHING",
                        &s);
        if (rc)
            break;
        db_bind_text(s, 1, x->id);
        db_bind_i64(s, 2, now);
        rc = step_done(s);
        if (rc)
            break;
        x->rc = db_changes(c) > 0 ? queue_add(c, x->kind, x->lane, x->payload, NULL, 0) : E_EXISTS;
        if (x->rc != 0 && x->rc != E_EXISTS)
            rc = x->rc;
    }
    if (c)
        rc = core_tx_end(c, rc);
    for (struct queue_arrival *x = list; rc && x; x = x->next)
        x->rc = rc;
}

static void *receiver(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&arrivals.lock);
    for (;;) {
        while (!arrivals.head && !arrivals.stopping)
            pthread_cond_wait(&arrivals.cond, &arrivals.lock);
        if (!arrivals.head)
            break; /* stopping, and nothing left */
        struct queue_arrival *batch = arrivals.head;
        arrivals.head = NULL;
        arrivals.tail = &arrivals.head;
        const struct core *core = arrivals.core;
        pthread_mutex_unlock(&arrivals.lock);
        commit_arrivals(core, batch);
        while (batch) {
            struct queue_arrival *next = batch->next; /* done may free it */
            batch->done(batch);
            batch = next;
        }
        pthread_mutex_lock(&arrivals.lock);
    }
    pthread_mutex_unlock(&arrivals.lock);
    return NULL;
}

void queue_receive_start(const struct core *core, struct queue_arrival *x)
{
    x->next = NULL;
    x->rc = 0;
    pthread_mutex_lock(&arrivals.lock);
    if (!arrivals.running) {
        arrivals.core = core;
        arrivals.stopping = 0;
        arrivals.running = pthread_create(&arrivals.thread, NULL, receiver, NULL) == 0;
        if (!arrivals.running) {
            pthread_mutex_unlock(&arrivals.lock);
            x->rc = E_NOMEM;
            x->done(x);
            return;
        }
    }
    if (!arrivals.tail)
        arrivals.tail = &arrivals.head;
    *arrivals.tail = x;
    arrivals.tail = &x->next;
    pthread_cond_broadcast(&arrivals.cond);
    pthread_mutex_unlock(&arrivals.lock);
}

void queue_receive_stop(void)
{
    pthread_mutex_lock(&arrivals.lock);
    if (!arrivals.running) {
        pthread_mutex_unlock(&arrivals.lock);
        return;
    }
    arrivals.stopping = 1;
    pthread_cond_broadcast(&arrivals.cond);
    pthread_mutex_unlock(&arrivals.lock);
    pthread_join(arrivals.thread, NULL);
    pthread_mutex_lock(&arrivals.lock);
    arrivals.running = 0;
    arrivals.stopping = 0;
    pthread_mutex_unlock(&arrivals.lock);
}

/* A waiting caller of queue_receive. */
struct waiter {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int done;
};

static void waiter_done(struct queue_arrival *x)
{
    struct waiter *w = x->ctx;
    pthread_mutex_lock(&w->lock);
    w->done = 1;
    pthread_cond_signal(&w->cond);
    pthread_mutex_unlock(&w->lock);
}

int queue_receive(const struct core *core, const char *activity_id, const char *kind,
                  const char *lane, const char *payload)
{
    struct waiter w = {.lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER};
    struct queue_arrival x = {.id = activity_id,
                              .kind = kind,
                              .lane = lane,
                              .payload = payload,
                              .done = waiter_done,
                              .ctx = &w};
    queue_receive_start(core, &x);
    pthread_mutex_lock(&w.lock);
    while (!w.done)
        pthread_cond_wait(&w.cond, &w.lock);
    pthread_mutex_unlock(&w.lock);
    return x.rc;
}
