/*
 * db: the one narrow storage interface of Hearth.
 *
 * Only src/db/ includes sqlite3.h or libpq-fe.h. Everything above talks to
 * a struct db (a pool of connections) through these functions, with SQL
 * written so that SQLite and PostgreSQL both accept it:
 *   - placeholders are '?', numbered from 1 left to right (the PostgreSQL
 *     backend rewrites them to $1, $2...);
 *   - ids and times are BIGINT (times in ms since the epoch), booleans are
 *     INTEGER 0/1, text is TEXT; no AUTOINCREMENT, no ROWID, no SQLite-only
 *     functions outside db_sqlite.c; upserts with ON CONFLICT ... DO;
 *   - strings in 'single quotes': "double quotes" name identifiers only
 *     (the SQLite backend refuses them as strings, as PostgreSQL does).
 *
 * Concurrency: one writer and a pool of readers. db_acquire(DB_WRITE)
 * waits for the single write connection; DB_READ takes a reader from the
 * pool (SQLite in WAL mode lets readers run beside the writer). A
 * connection is used by one thread at a time, from acquire to release.
 * An in-memory database (":memory:") has a single connection that serves
 * both modes, one holder at a time.
 *
 * Statements are prepared once per connection and cached by their SQL text:
 * db_prepare() returns the cached statement, owned by the connection. The
 * caller binds, steps, reads columns and must call db_stmt_done() before
 * preparing the same SQL again or releasing the connection. Text returned
 * by db_col_text() is borrowed until the next db_step() or db_stmt_done().
 */
#ifndef HEARTH_DB_DB_H
#define HEARTH_DB_DB_H

#include <stddef.h>
#include <stdint.h>

struct db;
struct db_conn;
struct db_stmt;

enum db_mode {
    DB_READ = 0,
    DB_WRITE = 1,
    /*
     * A reader inside one read transaction until db_release: every query
     * sees the same snapshot, and the backend skips its per-statement
     * lock and change checks. For read-only work that runs many queries
     * (a timeline and its entities); the holder's own writes through other
     * connections are not visible to it.
     */
    DB_SNAPSHOT = 2,
};

/* Results of db_step() besides negative errors. */
enum db_step_result {
    DB_DONE = 0,
    DB_ROW = 1,
};

struct db_options {
    int readers;         /* reader pool size; 0 means 4 */
    int busy_timeout_ms; /* how long to wait on a lock; 0 means 5000 */
};

/*
 * Opens the database named by url: a file path, "sqlite:PATH", or
 * ":memory:". Creates the file if it does not exist (the folder must, and
 * must be writable). opt may be NULL. Returns 0 and an owned *out, or
 * E_INVAL (bad url or options; also a backend missing from this build),
 * E_IO (cannot open or create: one log line names the path and the reason),
 * E_DB.
 */
int db_open(const char *url, const struct db_options *opt, struct db **out);
/* Closes every connection; none may be held. Accepts NULL. */
void db_close(struct db *db);
/* "sqlite" or "postgresql". */
const char *db_backend_name(const struct db *db);

/*
 * Takes a connection; blocks until one is free. Returns 0, E_INVAL (bad
 * mode) or E_DB when the calling thread already holds the connection it
 * asks for (the writer, or the only connection of ":memory:"), which would
 * otherwise wait forever.
 */
int db_acquire(struct db *db, enum db_mode mode, struct db_conn **out);
/*
 * Gives the connection back; a transaction still open is rolled back and
 * statements left without db_stmt_done() are reset (both logged as
 * warnings: they are bugs of the caller). Accepts NULL.
 */
void db_release(struct db_conn *c);

/*
 * The calling thread now works on c, a write connection another thread
 * acquired (core's group commit hands an open transaction from change to
 * change); db_acquire's check against waiting on oneself follows it.
 */
void db_adopt(struct db_conn *c);

/*
 * Transactions. On the write connection db_begin() takes the write lock at
 * once (SQLite: BEGIN IMMEDIATE); on a reader it starts a read transaction
 * (one consistent snapshot across several queries). 0 or E_DB / E_BUSY.
 * db_rollback() does nothing outside a transaction and accepts NULL.
 */
int db_begin(struct db_conn *c);
int db_commit(struct db_conn *c);
void db_rollback(struct db_conn *c);

/* Runs SQL without parameters, possibly several statements (migrations). */
int db_exec(struct db_conn *c, const char *sql);

/*
 * Returns the connection's cached statement for sql (borrowed), which must
 * hold exactly one statement. 0 or E_DB. Asking again for a statement not
 * yet finished with db_stmt_done() resets it (and logs a warning), so one
 * SQL text cannot be iterated twice at once on one connection.
 */
int db_prepare(struct db_conn *c, const char *sql, struct db_stmt **out);
/*
 * Bindings: idx counts from 1; values are copied. text NULL binds SQL NULL;
 * a blob v may be NULL only with n 0 (an empty blob; E_INVAL otherwise).
 * 0 or E_DB.
 */
int db_bind_i64(struct db_stmt *s, int idx, int64_t v);
int db_bind_text(struct db_stmt *s, int idx, const char *v);
int db_bind_textn(struct db_stmt *s, int idx, const char *v, size_t n);
int db_bind_blob(struct db_stmt *s, int idx, const void *v, size_t n);
int db_bind_null(struct db_stmt *s, int idx);
/*
 * Runs or advances the statement: DB_ROW when a row is ready, DB_DONE at
 * the end, E_EXISTS on a unique or primary key violation, E_BUSY when the
 * database stayed locked past the busy timeout, E_DB otherwise (logged).
 */
int db_step(struct db_stmt *s);
/*
 * Id lists of a fixed width, so that the SQL text stays the same whatever
 * the count (one cached statement): "WHERE id IN " DB_IN_LIST, bound with
 * db_bind_id_list(), which binds n ids (n <= DB_IN_WIDTH) from index idx
 * and pads with 0, an id nothing has. Returns the next index.
 */
#define DB_IN_WIDTH 40
#define DB_IN_LIST                                                                                 \
    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"                                 \
    " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
int db_bind_id_list(struct db_stmt *s, int idx, const int64_t *ids, size_t n);
/* Column readers for the current row; col counts from 0. */
int db_col_is_null(struct db_stmt *s, int col);
int64_t db_col_i64(struct db_stmt *s, int col);
/* NULL for SQL NULL; otherwise NUL-terminated, borrowed (see above). */
const char *db_col_text(struct db_stmt *s, int col);
const void *db_col_blob(struct db_stmt *s, int col);
size_t db_col_bytes(struct db_stmt *s, int col);
/* Resets the statement and clears its bindings. Accepts NULL. */
void db_stmt_done(struct db_stmt *s);
/* Rows changed by the last INSERT/UPDATE/DELETE on this connection. */
int64_t db_changes(struct db_conn *c);

/*
 * Applies the compiled-in migrations (src/db/migrations/NNNN_name.sql, or
 * this backend's variant NNNN_name.sqlite.sql / NNNN_name.pg.sql) that the
 * database has not recorded yet, each in its own transaction, and records
 * them in schema_migrations (one row per version, whichever variant ran).
 * *db_version (may be NULL) receives the version found before migrating,
 * *known (may be NULL) the newest version this build knows. Returns 0,
 * E_LIMIT when the database was written by a newer Hearth (nothing is
 * changed then), E_INTERNAL when the compiled-in versions are not strictly
 * increasing (two files with one number, or a pair of variants without
 * this backend's), or E_DB (the failed migration is rolled back, earlier
 * ones stay).
 */
int db_migrate(struct db *db, int *db_version, int *known);
/* The newest version recorded in the database (0 for a new one); changes nothing. */
int db_schema_version(struct db *db, int *version);

#endif
