/*
 * db_impl: the contract between db.c and a storage backend. Private to
 * src/db/ (and the db unit test, which drives the migration runner with
 * tables of its own).
 *
 * db.c holds everything every backend shares: choosing the backend from the
 * URL, the connection pool (one writer behind a mutex, a pool of readers
 * behind a mutex and condition variable), dispatch of the db.h calls and
 * the migration runner. A backend (db_sqlite.c; later db_pg.c) is a table
 * of functions, struct db_ops, that works on one connection at a time and
 * never locks: db.c guarantees that a connection is used by one thread at a
 * time, from db_acquire() to db_release().
 *
 * Lifetime: a backend's connection struct embeds struct db_conn as its
 * first member and its statement struct embeds struct db_stmt the same
 * way; DB_CONTAINER() gets back from the embedded part to the whole.
 * Statements belong to their connection and die with it (conn_close).
 * Backend state made by init() lives until fini(), after every connection
 * of the database is closed.
 */
#ifndef HEARTH_DB_DB_IMPL_H
#define HEARTH_DB_DB_IMPL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"

struct db_migration;

/* From a pointer to an embedded member back to the struct around it. */
#define DB_CONTAINER(ptr, type, member) ((type *)(void *)((char *)(ptr)-offsetof(type, member)))

/* The backend-neutral head of every connection; set up by db.c. */
struct db_conn {
    const struct db_ops *ops;
    struct db *db;
    int writer;       /* the write connection (also the only one of a shared database) */
    pthread_t holder; /* the thread that acquired it, while held */
    int held;
    int snapshot; /* acquired as DB_SNAPSHOT: a read transaction is open */
};

/* The backend-neutral head of every statement; set up by the backend. */
struct db_stmt {
    const struct db_ops *ops;
    struct db_conn *conn;
};

/* The resolved options handed to a backend (no zero defaults left). */
struct db_settings {
    int readers;
    int busy_timeout_ms;
};

/*
 * A backend. Every function returns 0 or a negative enum err and logs its
 * own failures (module "db"), never bound values. Errors of statements
 * follow db.h: E_EXISTS for unique or primary key violations, E_BUSY for a
 * lock held past the busy timeout, E_DB for the rest.
 */
struct db_ops {
    const char *name; /* what db_backend_name() says */
    /*
     * Checks target (what follows the URL scheme) and sets up the backend's
     * state, owned and released by fini(). *shared = 1 when one connection
     * must serve both modes (an in-memory SQLite database). E_IO when the
     * target cannot be opened or created, with one log line saying why.
     */
    int (*init)(const char *target, const struct db_settings *set, void **state, int *shared);
    void (*fini)(void *state);
    /* Opens a connection (writer: may write; readers are read-only where possible). */
    int (*conn_open)(void *state, int writer, struct db_conn **out);
    /* Finalizes the connection's statements and closes it. */
    void (*conn_close)(struct db_conn *c);
    /* Makes a released connection clean for its next holder: resets
     * statements left unfinished, rolls back an open transaction. */
    void (*conn_reset)(struct db_conn *c);
    int (*exec)(struct db_conn *c, const char *sql);
    int (*begin)(struct db_conn *c);
    int (*commit)(struct db_conn *c);
    void (*rollback)(struct db_conn *c);
    int64_t (*changes)(struct db_conn *c);
    /* *exists = 1 when a table of that name exists. */
    int (*table_exists)(struct db_conn *c, const char *name, int *exists);
    int (*prepare)(struct db_conn *c, const char *sql, struct db_stmt **out);
    int (*bind_i64)(struct db_stmt *s, int idx, int64_t v);
    int (*bind_text)(struct db_stmt *s, int idx, const char *v, size_t n); /* v not NULL */
    int (*bind_blob)(struct db_stmt *s, int idx, const void *v, size_t n);
    int (*bind_null)(struct db_stmt *s, int idx);
    int (*step)(struct db_stmt *s);
    int (*col_is_null)(struct db_stmt *s, int col);
    int64_t (*col_i64)(struct db_stmt *s, int col);
    const char *(*col_text)(struct db_stmt *s, int col);
    const void *(*col_blob)(struct db_stmt *s, int col);
    size_t (*col_bytes)(struct db_stmt *s, int col);
    void (*stmt_done)(struct db_stmt *s);
};

extern const struct db_ops db_sqlite_ops;

/*
 * The migration runner behind db_migrate(), on any table of migrations
 * (n entries, versions increasing and positive; a version is one portable
 * entry or variants of one name, exactly one for the database's backend).
 * Entries for other backends are skipped. Same results as db_migrate(),
 * plus E_INTERNAL when the table breaks that rule.
 */
int db_migrate_table(struct db *db, const struct db_migration *m, int n, int *db_version,
                     int *known);

#endif
