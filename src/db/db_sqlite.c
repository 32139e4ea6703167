/*
 * db_sqlite: the embedded SQLite backend behind db.h.
 *
 * One write connection behind a mutex and a pool of read-only connections
 * (WAL lets them read beside the writer). A connection is held by one thread
 * at a time, so connections are opened with SQLITE_OPEN_NOMUTEX. Each
 * connection caches its prepared statements in a small open-addressing
 * table keyed by SQL text; statements live until the database is closed.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "db/db.h"
#include "util/err.h"
#define LOG_MODULE "db"
#include "util/log.h"
#include "util/mem.h"

#define STMT_CACHE_SLOTS 256 /* power of two; more distinct statements than this is a bug */

struct db_stmt {
    sqlite3_stmt *st;
    struct db_conn *conn;
    char *sql;
};

struct db_conn {
    struct db *db;
    sqlite3 *h;
    int writer;
    int in_use;
    struct db_stmt *cache[STMT_CACHE_SLOTS];
};

struct db {
    char *path;
    int memory;
    struct db_conn *writer;
    struct db_conn **readers;
    int n_readers;
    pthread_mutex_t write_lock;
    pthread_mutex_t pool_lock;
    pthread_cond_t pool_cond;
};

static uint64_t hash_sql(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

static void conn_close(struct db_conn *c)
{
    if (!c)
        return;
    for (int i = 0; i < STMT_CACHE_SLOTS; i++) {
        if (c->cache[i]) {
            sqlite3_finalize(c->cache[i]->st);
            free(c->cache[i]->sql);
            free(c->cache[i]);
        }
    }
    sqlite3_close_v2(c->h);
    free(c);
}

static int conn_open(struct db *db, int writer, int busy_ms, struct db_conn **out)
{
    int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI;
    if (writer || db->memory)
        flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    else
        flags |= SQLITE_OPEN_READONLY;
    struct db_conn *c = xcalloc(1, sizeof(*c));
    c->db = db;
    c->writer = writer;
    int rc = sqlite3_open_v2(db->path, &c->h, flags, NULL);
    if (rc != SQLITE_OK) {
        log_error("cannot open %s: %s", db->path, c->h ? sqlite3_errmsg(c->h) : "no memory");
        conn_close(c);
        return E_IO;
    }
    sqlite3_extended_result_codes(c->h, 1);
    sqlite3_busy_timeout(c->h, busy_ms);
    const char *pragmas = writer ? "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                                   " PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;"
                                 : "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;";
    char *msg = NULL;
    rc = sqlite3_exec(c->h, pragmas, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        log_error("cannot set up %s: %s", db->path, msg ? msg : sqlite3_errstr(rc));
        sqlite3_free(msg);
        conn_close(c);
        return (rc & 0xff) == SQLITE_CANTOPEN || (rc & 0xff) == SQLITE_READONLY ? E_IO : E_DB;
    }
    *out = c;
    return 0;
}

int db_open(const char *url, const struct db_options *opt, struct db **out)
{
    if (!url || !*url)
        return E_INVAL;
    if (!strncmp(url, "sqlite:", 7))
        url += 7;
    if (!strncmp(url, "postgres://", 11) || !strncmp(url, "postgresql://", 13)) {
        log_error("the PostgreSQL backend is not part of this build");
        return E_INVAL;
    }
    struct db *db = xcalloc(1, sizeof(*db));
    db->path = xstrdup(url);
    db->memory = !strcmp(url, ":memory:");
    pthread_mutex_init(&db->write_lock, NULL);
    pthread_mutex_init(&db->pool_lock, NULL);
    pthread_cond_init(&db->pool_cond, NULL);
    int busy = opt && opt->busy_timeout_ms > 0 ? opt->busy_timeout_ms : 5000;
    int n = opt && opt->readers > 0 ? opt->readers : 4;
    int rc = 0;
    if (!db->memory) {
        /* A clear reason for the common failure: the folder is missing or not writable. */
        char *dir = xstrdup(url);
        char *slash = strrchr(dir, '/');
        if (slash)
            *(slash == dir ? slash + 1 : slash) = '\0';
        else
            dir[0] = '.', dir[1] = '\0';
        struct stat st;
        if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
            log_error("cannot open %s: folder %s does not exist", url, dir);
            rc = E_IO;
        } else if (access(dir, W_OK | X_OK) != 0) {
            log_error("cannot open %s: folder %s is not writable", url, dir);
            rc = E_IO;
        }
        free(dir);
        if (rc)
            goto fail;
    }
    rc = conn_open(db, 1, busy, &db->writer);
    if (rc)
        goto fail;
    if (!db->memory) {
        db->readers = xcalloc((size_t)n, sizeof(*db->readers));
        for (int i = 0; i < n; i++) {
            rc = conn_open(db, 0, busy, &db->readers[i]);
            if (rc)
                goto fail;
            db->n_readers++;
        }
    }
    *out = db;
    return 0;
fail:
    db_close(db);
    return rc;
}

void db_close(struct db *db)
{
    if (!db)
        return;
    for (int i = 0; i < db->n_readers; i++)
        conn_close(db->readers[i]);
    free(db->readers);
    conn_close(db->writer);
    pthread_mutex_destroy(&db->write_lock);
    pthread_mutex_destroy(&db->pool_lock);
    pthread_cond_destroy(&db->pool_cond);
    free(db->path);
    free(db);
}

const char *db_backend_name(const struct db *db)
{
    (void)db;
    return "sqlite";
}

int db_acquire(struct db *db, enum db_mode mode, struct db_conn **out)
{
    if (mode == DB_WRITE || db->memory) {
        pthread_mutex_lock(&db->write_lock);
        db->writer->in_use = 1;
        *out = db->writer;
        return 0;
    }
    pthread_mutex_lock(&db->pool_lock);
    for (;;) {
        for (int i = 0; i < db->n_readers; i++) {
            if (!db->readers[i]->in_use) {
                db->readers[i]->in_use = 1;
                pthread_mutex_unlock(&db->pool_lock);
                *out = db->readers[i];
                return 0;
            }
        }
        pthread_cond_wait(&db->pool_cond, &db->pool_lock);
    }
}

void db_release(struct db_conn *c)
{
    if (!c)
        return;
    /* Leave the connection clean for its next holder. */
    for (int i = 0; i < STMT_CACHE_SLOTS; i++) {
        if (c->cache[i])
            sqlite3_reset(c->cache[i]->st);
    }
    if (!sqlite3_get_autocommit(c->h)) {
        log_warn("connection released inside a transaction: rolling back");
        sqlite3_exec(c->h, "ROLLBACK", NULL, NULL, NULL);
    }
    struct db *db = c->db;
    if (c == db->writer) {
        c->in_use = 0;
        pthread_mutex_unlock(&db->write_lock);
        return;
    }
    pthread_mutex_lock(&db->pool_lock);
    c->in_use = 0;
    pthread_cond_signal(&db->pool_cond);
    pthread_mutex_unlock(&db->pool_lock);
}

static int map_rc(sqlite3 *h, int rc, const char *what)
{
    switch (rc) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
        return E_EXISTS;
    default:
        break;
    }
    switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        log_warn("%s: database busy: %s", what, sqlite3_errmsg(h));
        return E_BUSY;
    default:
        log_error("%s: %s", what, sqlite3_errmsg(h));
        return E_DB;
    }
}

int db_exec(struct db_conn *c, const char *sql)
{
    char *msg = NULL;
    int rc = sqlite3_exec(c->h, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        int e = map_rc(c->h, sqlite3_extended_errcode(c->h), "exec");
        sqlite3_free(msg);
        return e;
    }
    return 0;
}

int db_begin(struct db_conn *c)
{
    return db_exec(c, c->writer ? "BEGIN IMMEDIATE" : "BEGIN");
}

int db_commit(struct db_conn *c)
{
    return db_exec(c, "COMMIT");
}

void db_rollback(struct db_conn *c)
{
    if (!sqlite3_get_autocommit(c->h))
        sqlite3_exec(c->h, "ROLLBACK", NULL, NULL, NULL);
}

int db_prepare(struct db_conn *c, const char *sql, struct db_stmt **out)
{
    uint64_t h = hash_sql(sql);
    size_t slot = (size_t)h & (STMT_CACHE_SLOTS - 1);
    for (int probe = 0; probe < STMT_CACHE_SLOTS; probe++) {
        struct db_stmt *s = c->cache[slot];
        if (!s)
            break;
        if (!strcmp(s->sql, sql)) {
            *out = s;
            return 0;
        }
        slot = (slot + 1) & (STMT_CACHE_SLOTS - 1);
    }
    if (c->cache[slot]) {
        log_error("statement cache full (%d statements)", STMT_CACHE_SLOTS);
        return E_DB;
    }
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v3(c->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
    if (rc != SQLITE_OK)
        return map_rc(c->h, rc, "prepare");
    struct db_stmt *s = xcalloc(1, sizeof(*s));
    s->st = st;
    s->conn = c;
    s->sql = xstrdup(sql);
    c->cache[slot] = s;
    *out = s;
    return 0;
}

static int bind_rc(struct db_stmt *s, int rc)
{
    if (rc == SQLITE_OK)
        return 0;
    return map_rc(s->conn->h, rc, "bind");
}

int db_bind_i64(struct db_stmt *s, int idx, int64_t v)
{
    return bind_rc(s, sqlite3_bind_int64(s->st, idx, v));
}

int db_bind_text(struct db_stmt *s, int idx, const char *v)
{
    if (!v)
        return db_bind_null(s, idx);
    return bind_rc(s, sqlite3_bind_text(s->st, idx, v, -1, SQLITE_TRANSIENT));
}

int db_bind_textn(struct db_stmt *s, int idx, const char *v, size_t n)
{
    if (!v)
        return db_bind_null(s, idx);
    return bind_rc(s, sqlite3_bind_text64(s->st, idx, v, n, SQLITE_TRANSIENT, SQLITE_UTF8));
}

int db_bind_blob(struct db_stmt *s, int idx, const void *v, size_t n)
{
    return bind_rc(s, sqlite3_bind_blob64(s->st, idx, v ? v : "", n, SQLITE_TRANSIENT));
}

int db_bind_null(struct db_stmt *s, int idx)
{
    return bind_rc(s, sqlite3_bind_null(s->st, idx));
}

int db_step(struct db_stmt *s)
{
    int rc = sqlite3_step(s->st);
    if (rc == SQLITE_ROW)
        return DB_ROW;
    if (rc == SQLITE_DONE)
        return DB_DONE;
    return map_rc(s->conn->h, sqlite3_extended_errcode(s->conn->h), "step");
}

int db_col_is_null(struct db_stmt *s, int col)
{
    return sqlite3_column_type(s->st, col) == SQLITE_NULL;
}

int64_t db_col_i64(struct db_stmt *s, int col)
{
    return sqlite3_column_int64(s->st, col);
}

const char *db_col_text(struct db_stmt *s, int col)
{
    return (const char *)sqlite3_column_text(s->st, col);
}

const void *db_col_blob(struct db_stmt *s, int col)
{
    return sqlite3_column_blob(s->st, col);
}

size_t db_col_bytes(struct db_stmt *s, int col)
{
    return (size_t)sqlite3_column_bytes(s->st, col);
}

void db_stmt_done(struct db_stmt *s)
{
    if (!s)
        return;
    sqlite3_reset(s->st);
    sqlite3_clear_bindings(s->st);
}

int64_t db_changes(struct db_conn *c)
{
    return sqlite3_changes64(c->h);
}
