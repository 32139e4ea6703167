/*
 * db: the backend-neutral part of the storage layer.
 *
 * Chooses the backend from the URL, keeps the connection pool, forwards
 * every db.h call to the backend's function table (db_impl.h) and runs the
 * schema migrations. Nothing here knows SQLite or PostgreSQL; the SQL in
 * this file is the portable kind described in db.h.
 *
 * Pool: one write connection and a stack of free readers, both behind one
 * mutex; db_acquire() waits on a condition variable until what it asks for
 * is free. The writer is a flag under that mutex rather than a mutex held
 * from acquire to release, so that a connection may be released by another
 * thread than the one that took it, and so that a thread asking again for
 * the writer it holds gets an error instead of waiting forever.
 *
 * Lifetime: struct db owns its connections and the backend state; they all
 * go in db_close(), when no connection may be held any more.
 */
#include "db/db.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "db/db_impl.h"
#include "db/migrations.h"
#include "util/err.h"
#define LOG_MODULE "db"
#include "util/log.h"
#include "util/mem.h"
#include "util/timeutil.h"

#define DB_READERS_DEFAULT 12
#define DB_READERS_MAX 64
#define DB_BUSY_TIMEOUT_DEFAULT_MS 5000

struct db {
    const struct db_ops *ops;
    void *state; /* the backend's, released by ops->fini */
    int shared;  /* one connection (the writer) serves both modes */
    pthread_mutex_t lock;
    pthread_cond_t writer_cond; /* signalled when the writer is given back */
    pthread_cond_t reader_cond; /* signalled when a reader is given back */
    struct db_conn *writer;
    struct db_conn **readers; /* every reader, n_readers of them */
    int n_readers;
    struct db_conn **free_readers; /* a stack of the readers not held */
    int n_free;
};

/* Backends in this build, by URL prefix. */
static const struct {
    const char *prefix;
    int keep_prefix; /* the backend takes the whole URL, not what follows the prefix */
    const struct db_ops *ops;
} backends[] = {
    {"sqlite:", 0, &db_sqlite_ops},
};

/* Schemes known to Hearth whose backend this build lacks. */
static const char *const absent_schemes[] = {"postgres://", "postgresql://"};

static int starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Finds the backend for url; a URL without a scheme is a SQLite file. */
static int pick_backend(const char *url, const struct db_ops **ops, const char **target)
{
    for (size_t i = 0; i < sizeof(backends) / sizeof(backends[0]); i++) {
        if (starts_with(url, backends[i].prefix)) {
            *ops = backends[i].ops;
            *target = backends[i].keep_prefix ? url : url + strlen(backends[i].prefix);
            return 0;
        }
    }
    for (size_t i = 0; i < sizeof(absent_schemes) / sizeof(absent_schemes[0]); i++) {
        if (starts_with(url, absent_schemes[i])) {
            log_error("the PostgreSQL backend is not part of this build");
            return E_INVAL;
        }
    }
    const char *scheme_end = strstr(url, "://");
    if (scheme_end) {
        /* Only the scheme: the rest of a URL may hold a password. */
        log_error("unknown database URL scheme %.*s", (int)(scheme_end - url), url);
        return E_INVAL;
    }
    *ops = backends[0].ops;
    *target = url;
    return 0;
}

static int settings_from(const struct db_options *opt, struct db_settings *set)
{
    set->readers = opt && opt->readers ? opt->readers : DB_READERS_DEFAULT;
    set->busy_timeout_ms =
        opt && opt->busy_timeout_ms ? opt->busy_timeout_ms : DB_BUSY_TIMEOUT_DEFAULT_MS;
    if (set->readers < 1 || set->readers > DB_READERS_MAX) {
        log_error("reader pool size %d is outside 1..%d", set->readers, DB_READERS_MAX);
        return E_INVAL;
    }
    if (set->busy_timeout_ms < 0) {
        log_error("busy timeout %d ms is negative", set->busy_timeout_ms);
        return E_INVAL;
    }
    return 0;
}

static int conn_open(struct db *db, int writer, struct db_conn **out)
{
    int rc = db->ops->conn_open(db->state, writer, out);
    if (rc)
        return rc;
    (*out)->ops = db->ops;
    (*out)->db = db;
    (*out)->writer = writer;
    (*out)->held = 0;
    return 0;
}

int db_open(const char *url, const struct db_options *opt, struct db **out)
{
    const struct db_ops *ops = NULL;
    const char *target = NULL;
    struct db_settings set;
    struct db *db = NULL;
    int rc;

    *out = NULL;
    if (!url || !*url)
        return E_INVAL;
    rc = pick_backend(url, &ops, &target);
    if (rc)
        return rc;
    if (!*target) {
        log_error("database URL %s names no database", url);
        return E_INVAL;
    }
    rc = settings_from(opt, &set);
    if (rc)
        return rc;
    db = xcalloc(1, sizeof(*db));
    db->ops = ops;
    pthread_mutex_init(&db->lock, NULL);
    pthread_cond_init(&db->writer_cond, NULL);
    pthread_cond_init(&db->reader_cond, NULL);
    rc = ops->init(target, &set, &db->state, &db->shared);
    if (rc)
        goto out;
    /* The writer first: it creates the file and switches it to WAL for the readers. */
    rc = conn_open(db, 1, &db->writer);
    if (rc)
        goto out;
    if (!db->shared) {
        db->readers = xcalloc((size_t)set.readers, sizeof(*db->readers));
        db->free_readers = xcalloc((size_t)set.readers, sizeof(*db->free_readers));
        for (int i = 0; i < set.readers; i++) {
            rc = conn_open(db, 0, &db->readers[i]);
            if (rc)
                goto out;
            db->n_readers++;
            db->free_readers[db->n_free++] = db->readers[i];
        }
    }
out:
    if (rc) {
        db_close(db);
        return rc;
    }
    *out = db;
    return 0;
}

void db_close(struct db *db)
{
    if (!db)
        return;
    int held = db->writer && db->writer->held ? 1 : 0;
    for (int i = 0; i < db->n_readers; i++)
        held += db->readers[i]->held;
    if (held)
        log_error("closing the database while %d connection(s) are still held", held);
    /* Readers first: the writer, closing last, checkpoints and removes the WAL. */
    for (int i = 0; i < db->n_readers; i++)
        db->ops->conn_close(db->readers[i]);
    if (db->writer)
        db->ops->conn_close(db->writer);
    if (db->state)
        db->ops->fini(db->state);
    free(db->readers);
    free(db->free_readers);
    pthread_cond_destroy(&db->reader_cond);
    pthread_cond_destroy(&db->writer_cond);
    pthread_mutex_destroy(&db->lock);
    free(db);
}

const char *db_backend_name(const struct db *db)
{
    return db->ops->name;
}

int db_acquire(struct db *db, enum db_mode mode, struct db_conn **out)
{
    struct db_conn *c = NULL;
    int rc = 0;

    *out = NULL;
    if (mode != DB_READ && mode != DB_WRITE && mode != DB_SNAPSHOT) {
        log_error("db_acquire: invalid mode %d", (int)mode);
        return E_INVAL;
    }
    pthread_mutex_lock(&db->lock);
    if (mode == DB_WRITE || db->shared) {
        if (db->writer->held && pthread_equal(db->writer->holder, pthread_self())) {
            log_error("this thread already holds the %s connection: waiting would never end",
                      db->shared ? "only" : "write");
            rc = E_DB;
            goto out;
        }
        while (db->writer->held)
            pthread_cond_wait(&db->writer_cond, &db->lock);
        c = db->writer;
    } else {
        while (db->n_free == 0)
            pthread_cond_wait(&db->reader_cond, &db->lock);
        c = db->free_readers[--db->n_free];
    }
    c->held = 1;
    c->holder = pthread_self();
    *out = c;
out:
    pthread_mutex_unlock(&db->lock);
    /* A shared (in-memory) database's one connection also writes: no snapshot there. */
    if (c && mode == DB_SNAPSHOT && !c->writer) {
        rc = c->ops->begin(c);
        if (rc) {
            db_release(c);
            *out = NULL;
            return rc;
        }
        c->snapshot = 1;
    }
    return rc;
}

void db_release(struct db_conn *c)
{
    if (!c)
        return;
    struct db *db = c->db;
    pthread_mutex_lock(&db->lock);
    int held = c->held;
    pthread_mutex_unlock(&db->lock);
    if (!held) {
        log_error("db_release: the connection is not held (released twice?)");
        return;
    }
    /* Cleaned outside the lock: a rollback may take a while. */
    if (c->snapshot) {
        c->snapshot = 0;
        c->ops->rollback(c); /* nothing was written: ending the read is all it does */
    }
    c->ops->conn_reset(c);
    pthread_mutex_lock(&db->lock);
    c->held = 0;
    if (c->writer) {
        pthread_cond_signal(&db->writer_cond);
    } else {
        db->free_readers[db->n_free++] = c;
        pthread_cond_signal(&db->reader_cond);
    }
    pthread_mutex_unlock(&db->lock);
}

void db_adopt(struct db_conn *c)
{
    pthread_mutex_lock(&c->db->lock);
    c->holder = pthread_self();
    pthread_mutex_unlock(&c->db->lock);
}

int db_begin(struct db_conn *c)
{
    return c->ops->begin(c);
}

int db_commit(struct db_conn *c)
{
    return c->ops->commit(c);
}

void db_rollback(struct db_conn *c)
{
    if (c)
        c->ops->rollback(c);
}

int db_exec(struct db_conn *c, const char *sql)
{
    return c->ops->exec(c, sql);
}

int db_prepare(struct db_conn *c, const char *sql, struct db_stmt **out)
{
    return c->ops->prepare(c, sql, out);
}

int db_bind_i64(struct db_stmt *s, int idx, int64_t v)
{
    return s->ops->bind_i64(s, idx, v);
}

int db_bind_id_list(struct db_stmt *s, int idx, const int64_t *ids, size_t n)
{
    for (size_t k = 0; k < DB_IN_WIDTH; k++)
        s->ops->bind_i64(s, idx++, k < n ? ids[k] : 0);
    return idx;
}

int db_bind_text(struct db_stmt *s, int idx, const char *v)
{
    if (!v)
        return s->ops->bind_null(s, idx);
    return s->ops->bind_text(s, idx, v, strlen(v));
}

int db_bind_textn(struct db_stmt *s, int idx, const char *v, size_t n)
{
    if (!v)
        return s->ops->bind_null(s, idx);
    return s->ops->bind_text(s, idx, v, n);
}

int db_bind_blob(struct db_stmt *s, int idx, const void *v, size_t n)
{
    if (!v) {
        if (n) {
            log_error("db_bind_blob: NULL data of %zu bytes", n);
            return E_INVAL;
        }
        v = "";
    }
    return s->ops->bind_blob(s, idx, v, n);
}

int db_bind_null(struct db_stmt *s, int idx)
{
    return s->ops->bind_null(s, idx);
}

int db_step(struct db_stmt *s)
{
    return s->ops->step(s);
}

int db_col_is_null(struct db_stmt *s, int col)
{
    return s->ops->col_is_null(s, col);
}

int64_t db_col_i64(struct db_stmt *s, int col)
{
    return s->ops->col_i64(s, col);
}

const char *db_col_text(struct db_stmt *s, int col)
{
    return s->ops->col_text(s, col);
}

const void *db_col_blob(struct db_stmt *s, int col)
{
    return s->ops->col_blob(s, col);
}

size_t db_col_bytes(struct db_stmt *s, int col)
{
    return s->ops->col_bytes(s, col);
}

void db_stmt_done(struct db_stmt *s)
{
    if (s)
        s->ops->stmt_done(s);
}

int64_t db_changes(struct db_conn *c)
{
    return c->ops->changes(c);
}

/* Migrations. */

static const char create_migrations_table[] = "CREATE TABLE IF NOT EXISTS schema_migrations ("
                                              " version BIGINT PRIMARY KEY,"
                                              " name TEXT NOT NULL,"
                                              " applied_at BIGINT NOT NULL)";

/* 1 when migration m runs on the named backend (portable ones run everywhere). */
static int applies(const struct db_migration *m, const char *backend)
{
    return !m->backend || strcmp(m->backend, backend) == 0;
}

/*
 * The table must be in strictly increasing version order, each version
 * either one portable migration or variants of one name of which exactly
 * one is this backend's: two files with one number, or a pair missing
 * this backend's variant, are bugs.
 */
static int check_migrations(const struct db_migration *m, int n, const char *backend, int *newest)
{
    int prev = 0;
    for (int i = 0; i < n;) {
        int j = i, mine = 0, portable = 0, ok = m[i].version > prev;
        for (; j < n && m[j].version == m[i].version; j++) {
            ok = ok && m[j].name && m[j].sql && m[i].name && !strcmp(m[j].name, m[i].name);
            mine += applies(&m[j], backend);
            portable += !m[j].backend;
        }
        if (!ok || mine != 1 || (portable && j - i > 1)) {
            log_error("compiled-in migration %04d_%s is out of order, duplicated, empty or"
                      " has no %s variant",
                      m[i].version, m[i].name ? m[i].name : "?", backend);
            return E_INTERNAL;
        }
        prev = m[i].version;
        i = j;
    }
    *newest = prev;
    return 0;
}

static int read_max_version(struct db_conn *c, int *version)
{
    struct db_stmt *s;
    int rc = db_prepare(c, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", &s);
    if (rc)
        return rc;
    rc = db_step(s);
    if (rc == DB_ROW) {
        *version = (int)db_col_i64(s, 0);
        rc = 0;
    } else if (rc == DB_DONE) {
        *version = 0;
    }
    db_stmt_done(s);
    return rc;
}

static int is_recorded(struct db_conn *c, int version, int *recorded)
{
    struct db_stmt *s;
    int rc = db_prepare(c, "SELECT 1 FROM schema_migrations WHERE version = ?", &s);
    if (rc)
        return rc;
    rc = db_bind_i64(s, 1, version);
    if (rc == 0)
        rc = db_step(s);
    *recorded = rc == DB_ROW;
    db_stmt_done(s);
    return rc < 0 ? rc : 0;
}

/*
 * Creates schema_migrations when missing and reads the newest recorded
 * version, in one transaction rolled back when the database is newer than
 * this build: such a database is left exactly as it was.
 */
static int open_history(struct db_conn *c, int newest, int *found)
{
    int rc = db_begin(c);
    if (rc)
        return rc;
    rc = db_exec(c, create_migrations_table);
    if (rc)
        goto out;
    rc = read_max_version(c, found);
    if (rc)
        goto out;
    if (*found > newest) {
        log_error("database schema version %d is newer than this build knows (%d): refusing it",
                  *found, newest);
        rc = E_LIMIT;
        goto out;
    }
    rc = db_commit(c);
out:
    if (rc)
        db_rollback(c);
    return rc;
}

/*
 * Applies one migration and records it in the same transaction. *applied
 * is 0 when the database had it already (another process may have applied
 * it since this one looked: the check is repeated under the write lock).
 */
static int apply_one(struct db_conn *c, const struct db_migration *m, int *applied)
{
    struct db_stmt *s;
    int recorded = 0;
    *applied = 0;
    int rc = db_begin(c);
    if (rc)
        return rc;
    rc = is_recorded(c, m->version, &recorded);
    if (rc || recorded)
        goto out;
    rc = db_exec(c, m->sql);
    if (rc) {
        log_error("migration %04d_%s failed: nothing of it was applied", m->version, m->name);
        goto out;
    }
    rc = db_prepare(c, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    &s);
    if (rc)
        goto out;
    rc = db_bind_i64(s, 1, m->version);
    if (rc == 0)
        rc = db_bind_text(s, 2, m->name);
    if (rc == 0)
        rc = db_bind_i64(s, 3, time_now_ms());
    if (rc == 0)
        rc = db_step(s);
    db_stmt_done(s);
    if (rc < 0)
        goto out;
    rc = db_commit(c);
    if (rc == 0) {
        *applied = 1;
        log_info("applied migration %04d_%s", m->version, m->name);
    }
out:
    if (rc || recorded)
        db_rollback(c);
    return rc;
}

int db_migrate_table(struct db *db, const struct db_migration *m, int n, int *db_version,
                     int *known)
{
    struct db_conn *c = NULL;
    int newest = 0, found = 0, count = 0;
    int rc = check_migrations(m, n, db_backend_name(db), &newest);
    if (rc)
        return rc;
    if (known)
        *known = newest;
    rc = db_acquire(db, DB_WRITE, &c);
    if (rc)
        return rc;
    rc = open_history(c, newest, &found);
    if (rc && rc != E_LIMIT)
        goto out;
    if (db_version)
        *db_version = found;
    if (rc)
        goto out;
    for (int i = 0; i < n; i++) {
        int applied = 0;
        if (!applies(&m[i], db_backend_name(db)))
            continue;
        rc = apply_one(c, &m[i], &applied);
        if (rc)
            goto out;
        count += applied;
    }
    if (count)
        log_info("schema now at version %d (%d migration(s) applied)", newest, count);
out:
    db_release(c);
    return rc;
}

int db_migrate(struct db *db, int *db_version, int *known)
{
    return db_migrate_table(db, db_migrations, db_migrations_count, db_version, known);
}

int db_schema_version(struct db *db, int *version)
{
    struct db_conn *c;
    int exists = 0, found = 0;
    int rc = db_acquire(db, DB_READ, &c);
    if (rc)
        return rc;
    rc = c->ops->table_exists(c, "schema_migrations", &exists);
    if (rc == 0 && exists)
        rc = read_max_version(c, &found);
    if (rc == 0)
        *version = found;
    db_release(c);
    return rc;
}
