/*
 * db_sqlite: the embedded SQLite backend behind db.h (see db_impl.h).
 *
 * A file database gets one read-write connection (the writer) and a pool
 * of read-only ones; the writer switches the file to WAL so that readers
 * read beside it, with synchronous=NORMAL, foreign keys on and a busy
 * timeout. ":memory:" is one connection serving both modes (a second
 * connection would see a different, empty database). db.c hands each
 * connection to one thread at a time, so connections are opened with
 * SQLITE_OPEN_NOMUTEX and this file takes no locks.
 *
 * Each connection caches its prepared statements in an open-addressing
 * hash table keyed by SQL text, and keeps a list of the statements bound or
 * stepped since their last db_stmt_done() so that a release can reset the
 * ones a caller left unfinished.
 *
 * Lifetime: statements are owned by their connection and finalized when it
 * closes; sqlite3 objects never leave this file. Text and blobs read from
 * columns are SQLite's, valid until the next step or reset.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "db/db_impl.h"
#include "util/err.h"
#define LOG_MODULE "db"
#include "util/log.h"
#include "util/mem.h"

#define SQ_CACHE_INITIAL 64 /* slots in a new statement cache; a power of two */
#define SQ_CACHE_MAX 2048   /* statements per connection: more means SQL text is not fixed */
#define SQ_LOG_SQL 120      /* bytes of SQL text quoted in a log line */

struct sq_state {
    char *path;
    int memory;
    int busy_timeout_ms;
};

struct sq_stmt {
    struct db_stmt base;
    sqlite3_stmt *st;
    char *sql; /* owned copy: the cache key */
    uint64_t hash;
    int active; /* bound or stepped since the last reset */
    struct sq_stmt *next_active;
};

struct sq_conn {
    struct db_conn base;
    sqlite3 *h;
    const struct sq_state *state;
    struct sq_stmt **slots; /* cap slots, linear probing, at most 3/4 full */
    size_t cap;
    size_t count;
    struct sq_stmt *active; /* the statements to reset on release */
};

static struct sq_conn *conn_of(struct db_conn *c)
{
    return DB_CONTAINER(c, struct sq_conn, base);
}

static struct sq_stmt *stmt_of(struct db_stmt *s)
{
    return DB_CONTAINER(s, struct sq_stmt, base);
}

/*
 * Maps an (extended) result code to enum err and logs it. The message is
 * SQLite's (it names tables, columns and constraints, never values); sql,
 * when given, is fixed statement text whose values are all bound.
 */
static int sq_error(struct sq_conn *c, int rc, const char *what, const char *sql)
{
    const char *msg = c->h ? sqlite3_errmsg(c->h) : sqlite3_errstr(rc);
    switch (rc) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
    case SQLITE_CONSTRAINT_ROWID:
        /* An answer, not a failure: the caller decides what it means. */
        log_debug("%s: %s", what, msg);
        return E_EXISTS;
    default:
        break;
    }
    switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        log_warn("%s: database busy: %s", what, msg);
        return E_BUSY;
    default:
        break;
    }
    if (sql)
        log_error("%s: %s (code %d) in: %.*s", what, msg, rc, SQ_LOG_SQL, sql);
    else
        log_error("%s: %s (code %d)", what, msg, rc);
    return E_DB;
}

static uint64_t hash_sql(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

/* The slot holding sql, or the empty slot where it belongs. */
static struct sq_stmt **cache_slot(struct sq_conn *c, const char *sql, uint64_t h)
{
    size_t mask = c->cap - 1;
    for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
        struct sq_stmt *s = c->slots[i];
        if (!s || (s->hash == h && strcmp(s->sql, sql) == 0))
            return &c->slots[i];
    }
}

static void cache_grow(struct sq_conn *c)
{
    struct sq_stmt **old = c->slots;
    size_t old_cap = c->cap;
    c->cap *= 2;
    c->slots = xcalloc(c->cap, sizeof(*c->slots));
    for (size_t i = 0; i < old_cap; i++) {
        if (old[i])
            *cache_slot(c, old[i]->sql, old[i]->hash) = old[i];
    }
    free(old);
}

static void mark_active(struct sq_stmt *s)
{
    if (s->active)
        return;
    struct sq_conn *c = conn_of(s->base.conn);
    s->active = 1;
    s->next_active = c->active;
    c->active = s;
}

/* Resets the statement, clears its bindings and takes it off the active list. */
static void stmt_reset(struct sq_stmt *s)
{
    sqlite3_reset(s->st);
    sqlite3_clear_bindings(s->st);
    if (!s->active)
        return;
    struct sq_conn *c = conn_of(s->base.conn);
    for (struct sq_stmt **p = &c->active; *p; p = &(*p)->next_active) {
        if (*p == s) {
            *p = s->next_active;
            break;
        }
    }
    s->active = 0;
    s->next_active = NULL;
}

/* The folder must exist and be writable: SQLite creates the -wal and -shm files there. */
static int check_folder(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? xstrndup(path, slash == path ? 1 : (size_t)(slash - path)) : xstrdup(".");
    struct stat st;
    int rc = 0;
    if (stat(dir, &st) != 0) {
        int e = errno;
        log_error("cannot open database %s: folder %s %s", path, dir,
                  e == ENOENT ? "does not exist" : strerror(e));
        rc = E_IO;
    } else if (!S_ISDIR(st.st_mode)) {
        log_error("cannot open database %s: %s is not a folder", path, dir);
        rc = E_IO;
    } else if (access(dir, W_OK | X_OK) != 0) {
        log_error("cannot open database %s: folder %s is not writable (%s)", path, dir,
                  strerror(errno));
        rc = E_IO;
    }
    free(dir);
    return rc;
}

static int sq_init(const char *target, const struct db_settings *set, void **state, int *shared)
{
    if (!sqlite3_threadsafe()) {
        log_error("this SQLite library was built without thread support");
        return E_DB;
    }
    int memory = strcmp(target, ":memory:") == 0;
    if (!memory) {
        int rc = check_folder(target);
        if (rc)
            return rc;
    }
    struct sq_state *st = xcalloc(1, sizeof(*st));
    st->path = xstrdup(target);
    st->memory = memory;
    st->busy_timeout_ms = set->busy_timeout_ms;
    *state = st;
    *shared = memory;
    return 0;
}

static void sq_fini(void *state)
{
    struct sq_state *st = state;
    if (!st)
        return;
    free(st->path);
    free(st);
}

static void sq_conn_close(struct db_conn *base)
{
    struct sq_conn *c = conn_of(base);
    for (size_t i = 0; i < c->cap; i++) {
        struct sq_stmt *s = c->slots[i];
        if (!s)
            continue;
        sqlite3_finalize(s->st);
        free(s->sql);
        free(s);
    }
    free(c->slots);
    if (c->h && sqlite3_close(c->h) != SQLITE_OK) {
        log_error("closing %s: %s", c->state->path, sqlite3_errmsg(c->h));
        sqlite3_close_v2(c->h);
    }
    free(c);
}

/* Failures while the file is first read or written: the open's own errors. */
static int setup_error(struct sq_conn *c, int rc)
{
    const char *path = c->state->path;
    switch (rc & 0xff) {
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_IOERR:
    case SQLITE_FULL: {
        int sys = sqlite3_system_errno(c->h);
        log_error("cannot open database %s: %s%s%s", path, sqlite3_errmsg(c->h), sys ? ": " : "",
                  sys ? strerror(sys) : "");
        return E_IO;
    }
    case SQLITE_NOTADB:
        log_error("cannot open database %s: the file is not a SQLite database", path);
        return E_DB;
    default:
        return sq_error(c, rc, "opening the database", NULL);
    }
}

static int setup(struct sq_conn *c, int writer)
{
    sqlite3_stmt *st = NULL;
    int rc = SQLITE_OK, e = 0;
    if (writer) {
        rc = sqlite3_prepare_v2(c->h, "PRAGMA journal_mode=WAL", -1, &st, NULL);
        if (rc == SQLITE_OK)
            rc = sqlite3_step(st);
        if (rc != SQLITE_ROW)
            goto out;
        const char *mode = (const char *)sqlite3_column_text(st, 0);
        if (!c->state->memory && (!mode || strcmp(mode, "wal") != 0))
            log_warn("database %s stays in journal mode %s, not WAL: readers will wait for writes",
                     c->state->path, mode ? mode : "?");
        sqlite3_finalize(st);
        st = NULL;
        rc = sqlite3_exec(c->h, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL);
        if (rc != SQLITE_OK)
            goto out;
    }
    /* 8 MB of page cache per connection: hot timeline pages stay in memory. */
    rc = sqlite3_exec(c->h,
                      "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY; PRAGMA cache_size=-8000",
                      NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        goto out;
    /* An existing file that the OS lets us read only: writes would fail later, less clearly. */
    if (writer && sqlite3_db_readonly(c->h, "main") == 1) {
        log_error("cannot open database %s: the file is read-only", c->state->path);
        e = E_IO;
    }
out:
    /* Read the error before finalizing: that would reset it. */
    if (rc != SQLITE_OK && rc != SQLITE_ROW)
        e = setup_error(c, sqlite3_extended_errcode(c->h));
    sqlite3_finalize(st);
    return e;
}

static int sq_conn_open(void *state, int writer, struct db_conn **out)
{
    const struct sq_state *st = state;
    int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_PRIVATECACHE;
    flags |= writer ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY;
    struct sq_conn *c = xcalloc(1, sizeof(*c));
    c->state = st;
    c->cap = SQ_CACHE_INITIAL;
    c->slots = xcalloc(c->cap, sizeof(*c->slots));
    int rc = sqlite3_open_v2(st->path, &c->h, flags, NULL);
    if (rc != SQLITE_OK) {
        int sys = c->h ? sqlite3_system_errno(c->h) : 0;
        log_error("cannot open database %s: %s%s%s", st->path,
                  c->h ? sqlite3_errmsg(c->h) : sqlite3_errstr(rc), sys ? ": " : "",
                  sys ? strerror(sys) : "");
        rc = E_IO;
        goto out;
    }
    sqlite3_extended_result_codes(c->h, 1);
    sqlite3_busy_timeout(c->h, st->busy_timeout_ms);
    /* As in PostgreSQL, "x" is an identifier and never a string. */
    sqlite3_db_config(c->h, SQLITE_DBCONFIG_DQS_DML, 0, (int *)NULL);
    sqlite3_db_config(c->h, SQLITE_DBCONFIG_DQS_DDL, 0, (int *)NULL);
    sqlite3_db_config(c->h, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL);
    rc = setup(c, writer);
out:
    if (rc) {
        sq_conn_close(&c->base);
        return rc;
    }
    *out = &c->base;
    return 0;
}

static void sq_conn_reset(struct db_conn *base)
{
    struct sq_conn *c = conn_of(base);
    while (c->active) {
        log_warn("statement left unfinished at release: %.*s", SQ_LOG_SQL, c->active->sql);
        stmt_reset(c->active);
    }
    if (!sqlite3_get_autocommit(c->h)) {
        log_warn("connection released inside a transaction: rolled back");
        if (sqlite3_exec(c->h, "ROLLBACK", NULL, NULL, NULL) != SQLITE_OK)
            log_error("rollback at release: %s", sqlite3_errmsg(c->h));
    }
}

/*
 * Portable schemas declare ids "BIGINT PRIMARY KEY". In SQLite only
 * "INTEGER PRIMARY KEY" makes the column the table's rowid; any other
 * spelling keeps a hidden rowid beside a separate unique index, so every
 * lookup by id walks two b-trees. Both hold 64-bit integers, so the
 * spelling is SQLite's own business: it is rewritten here. Returns owned.
 */
static char *sqlite_dialect(const char *sql)
{
    static const char from[] = "BIGINT PRIMARY KEY", to[] = "INTEGER PRIMARY KEY";
    size_t n = 0;
    for (const char *p = strstr(sql, from); p; p = strstr(p + 1, from))
        n++;
    size_t len = strlen(sql);
    char *out = xmalloc(len + n * (sizeof(to) - sizeof(from)) + 1);
    char *w = out;
    const char *r = sql;
    for (const char *p = strstr(r, from); p; p = strstr(r, from)) {
        memcpy(w, r, (size_t)(p - r));
        w += p - r;
        memcpy(w, to, sizeof(to) - 1);
        w += sizeof(to) - 1;
        r = p + sizeof(from) - 1;
    }
    memcpy(w, r, strlen(r) + 1);
    return out;
}

static int sq_exec(struct db_conn *base, const char *sql)
{
    struct sq_conn *c = conn_of(base);
    char *local = sqlite_dialect(sql);
    /* The SQL is not logged: unlike prepared statements it may hold literal values. */
    int rc = sqlite3_exec(c->h, local, NULL, NULL, NULL);
    free(local);
    if (rc != SQLITE_OK)
        return sq_error(c, sqlite3_extended_errcode(c->h), "exec", NULL);
    return 0;
}

static int sq_begin(struct db_conn *base)
{
    struct sq_conn *c = conn_of(base);
    /* IMMEDIATE takes the write lock now, so a transaction never fails half-way to upgrade it. */
    const char *sql = base->writer ? "BEGIN IMMEDIATE" : "BEGIN";
    if (sqlite3_exec(c->h, sql, NULL, NULL, NULL) != SQLITE_OK)
        return sq_error(c, sqlite3_extended_errcode(c->h), "begin", NULL);
    return 0;
}

static int sq_commit(struct db_conn *base)
{
    struct sq_conn *c = conn_of(base);
    if (sqlite3_exec(c->h, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        return sq_error(c, sqlite3_extended_errcode(c->h), "commit", NULL);
    return 0;
}

static void sq_rollback(struct db_conn *base)
{
    struct sq_conn *c = conn_of(base);
    if (sqlite3_get_autocommit(c->h))
        return;
    if (sqlite3_exec(c->h, "ROLLBACK", NULL, NULL, NULL) != SQLITE_OK)
        log_error("rollback: %s", sqlite3_errmsg(c->h));
}

static int64_t sq_changes(struct db_conn *base)
{
    return sqlite3_changes64(conn_of(base)->h);
}

/* Nothing but white space and semicolons may follow the one statement. */
static int only_blank(const char *s)
{
    for (; *s; s++) {
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r' && *s != ';')
            return 0;
    }
    return 1;
}

static int sq_prepare(struct db_conn *base, const char *sql, struct db_stmt **out)
{
    struct sq_conn *c = conn_of(base);
    uint64_t h = hash_sql(sql);
    struct sq_stmt **slot = cache_slot(c, sql, h);
    sqlite3_stmt *st = NULL;
    const char *tail = NULL;
    int rc;

    *out = NULL;
    if (*slot) {
        if ((*slot)->active) {
            /* A broken contract (db.h): leave the statement usable rather than misused. */
            log_warn("statement prepared again before db_stmt_done: %.*s", SQ_LOG_SQL, sql);
            stmt_reset(*slot);
        }
        *out = &(*slot)->base;
        return 0;
    }
    if (c->count >= SQ_CACHE_MAX) {
        log_error("statement cache full (%d statements): is SQL text built at run time? %.*s",
                  SQ_CACHE_MAX, SQ_LOG_SQL, sql);
        return E_DB;
    }
    rc = sqlite3_prepare_v3(c->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, &tail);
    if (rc != SQLITE_OK)
        return sq_error(c, rc, "prepare", sql);
    if (!st || (tail && !only_blank(tail))) {
        log_error("prepare: expected exactly one statement in: %.*s", SQ_LOG_SQL, sql);
        sqlite3_finalize(st);
        return E_DB;
    }
    struct sq_stmt *s = xcalloc(1, sizeof(*s));
    s->base.ops = &db_sqlite_ops;
    s->base.conn = base;
    s->st = st;
    s->sql = xstrdup(sql);
    s->hash = h;
    if ((c->count + 1) * 4 > c->cap * 3) {
        cache_grow(c);
        slot = cache_slot(c, sql, h);
    }
    *slot = s;
    c->count++;
    *out = &s->base;
    return 0;
}

static int bind_result(struct sq_stmt *s, int rc)
{
    if (rc == SQLITE_OK)
        return 0;
    return sq_error(conn_of(s->base.conn), rc, "bind", s->sql);
}

static int sq_bind_i64(struct db_stmt *base, int idx, int64_t v)
{
    struct sq_stmt *s = stmt_of(base);
    mark_active(s);
    return bind_result(s, sqlite3_bind_int64(s->st, idx, v));
}

static int sq_bind_text(struct db_stmt *base, int idx, const char *v, size_t n)
{
    struct sq_stmt *s = stmt_of(base);
    mark_active(s);
    return bind_result(s, sqlite3_bind_text64(s->st, idx, v, n, SQLITE_TRANSIENT, SQLITE_UTF8));
}

static int sq_bind_blob(struct db_stmt *base, int idx, const void *v, size_t n)
{
    struct sq_stmt *s = stmt_of(base);
    mark_active(s);
    return bind_result(s, sqlite3_bind_blob64(s->st, idx, v, n, SQLITE_TRANSIENT));
}

static int sq_bind_null(struct db_stmt *base, int idx)
{
    struct sq_stmt *s = stmt_of(base);
    mark_active(s);
    return bind_result(s, sqlite3_bind_null(s->st, idx));
}

static int sq_step(struct db_stmt *base)
{
    struct sq_stmt *s = stmt_of(base);
    mark_active(s);
    int rc = sqlite3_step(s->st);
    if (rc == SQLITE_ROW)
        return DB_ROW;
    if (rc == SQLITE_DONE)
        return DB_DONE;
    return sq_error(conn_of(base->conn), rc, "step", s->sql);
}

static int sq_col_is_null(struct db_stmt *base, int col)
{
    return sqlite3_column_type(stmt_of(base)->st, col) == SQLITE_NULL;
}

static int64_t sq_col_i64(struct db_stmt *base, int col)
{
    return sqlite3_column_int64(stmt_of(base)->st, col);
}

static const char *sq_col_text(struct db_stmt *base, int col)
{
    return (const char *)sqlite3_column_text(stmt_of(base)->st, col);
}

static const void *sq_col_blob(struct db_stmt *base, int col)
{
    return sqlite3_column_blob(stmt_of(base)->st, col);
}

static size_t sq_col_bytes(struct db_stmt *base, int col)
{
    return (size_t)sqlite3_column_bytes(stmt_of(base)->st, col);
}

static void sq_stmt_done(struct db_stmt *base)
{
    stmt_reset(stmt_of(base));
}

static int sq_table_exists(struct db_conn *c, const char *name, int *exists)
{
    struct db_stmt *s;
    int rc = sq_prepare(c, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", &s);
    if (rc)
        return rc;
    rc = sq_bind_text(s, 1, name, strlen(name));
    if (rc == 0)
        rc = sq_step(s);
    *exists = rc == DB_ROW;
    sq_stmt_done(s);
    return rc < 0 ? rc : 0;
}

const struct db_ops db_sqlite_ops = {
    .name = "sqlite",
    .init = sq_init,
    .fini = sq_fini,
    .conn_open = sq_conn_open,
    .conn_close = sq_conn_close,
    .conn_reset = sq_conn_reset,
    .exec = sq_exec,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .changes = sq_changes,
    .table_exists = sq_table_exists,
    .prepare = sq_prepare,
    .bind_i64 = sq_bind_i64,
    .bind_text = sq_bind_text,
    .bind_blob = sq_bind_blob,
    .bind_null = sq_bind_null,
    .step = sq_step,
    .col_is_null = sq_col_is_null,
    .col_i64 = sq_col_i64,
    .col_text = sq_col_text,
    .col_blob = sq_col_blob,
    .col_bytes = sq_col_bytes,
    .stmt_done = sq_stmt_done,
};
