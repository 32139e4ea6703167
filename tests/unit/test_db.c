/*
 * Unit tests for src/db: the pool and dispatch (db.c), the SQLite backend
 * (db_sqlite.c) and the migration runner, on in-memory databases and on
 * files in a temporary folder removed at the end.
 *
 * The tests make their own tables and never depend on the contents of
 * src/db/migrations/: what the compiled-in migrations should record is read
 * from db_migrations[]. The runner itself is also driven with small tables
 * of its own through db_migrate_table() (db_impl.h, private to src/db/ and
 * this test). Some checks use SQLite-only SQL (PRAGMA, sqlite_master): they
 * test the SQLite backend.
 */
#include <ftw.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "db/db.h"
#include "db/db_impl.h"
#include "db/migrations.h"
#include "t.h"
#include "util/err.h"
#include "util/log.h"
#include "util/timeutil.h"

static char dir[] = "/tmp/hearth-test-db-XXXXXX";

static void path_in_dir(char *out, size_t n, const char *name)
{
    snprintf(out, n, "%s/%s", dir, name);
}

static struct db *open_memory(void)
{
    struct db *db = NULL;
    struct db_conn *c;
    if (db_open(":memory:", NULL, &db) != 0)
        return NULL;
    db_acquire(db, DB_WRITE, &c);
    db_exec(c, "CREATE TABLE t (id BIGINT PRIMARY KEY, name TEXT UNIQUE, data BLOB, n BIGINT)");
    db_release(c);
    return db;
}

/* The single integer a query without parameters returns; -999 on failure. */
static int64_t query_i64(struct db_conn *c, const char *sql)
{
    struct db_stmt *s;
    int64_t v = -999;
    if (db_prepare(c, sql, &s) != 0)
        return v;
    if (db_step(s) == DB_ROW)
        v = db_col_i64(s, 0);
    db_stmt_done(s);
    return v;
}

static int64_t query_db(struct db *db, enum db_mode mode, const char *sql)
{
    struct db_conn *c;
    if (db_acquire(db, mode, &c) != 0)
        return -999;
    int64_t v = query_i64(c, sql);
    db_release(c);
    return v;
}

static int insert_row(struct db_conn *c, int64_t id, const char *name)
{
    struct db_stmt *s;
    int rc = db_prepare(c, "INSERT INTO t (id, name, n) VALUES (?, ?, 1)", &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, id);
    db_bind_text(s, 2, name);
    rc = db_step(s);
    db_stmt_done(s);
    return rc;
}

TEST(open_memory_and_file)
{
    struct db *db = NULL;
    struct db_conn *c;
    char path[512], url[600];

    CHECK_INT(db_open(":memory:", NULL, &db), 0);
    CHECK_STR(db_backend_name(db), "sqlite");
    db_close(db);
    db_close(NULL);

    /* A file, through the sqlite: scheme: created, written, closed, read back. */
    path_in_dir(path, sizeof(path), "plain.db");
    snprintf(url, sizeof(url), "sqlite:%s", path);
    CHECK_INT(db_open(url, NULL, &db), 0);
    CHECK_INT(db_acquire(db, DB_WRITE, &c), 0);
    CHECK_INT(db_exec(c, "CREATE TABLE t (id BIGINT PRIMARY KEY, name TEXT UNIQUE, n BIGINT);"
                         " INSERT INTO t (id, name, n) VALUES (1, 'one', 1);"
                         " INSERT INTO t (id, name, n) VALUES (2, 'two', 1)"),
              0);
    db_release(c);
    db_close(db);
    CHECK(access(path, F_OK) == 0);
    /* A plain path names the same file. */
    CHECK_INT(db_open(path, NULL, &db), 0);
    CHECK_INT(query_db(db, DB_READ, "SELECT count(*) FROM t"), 2);
    db_close(db);

    /* Bad URLs and options. */
    CHECK_INT(db_open("", NULL, &db), E_INVAL);
    CHECK(db == NULL);
    CHECK_INT(db_open(NULL, NULL, &db), E_INVAL);
    CHECK_INT(db_open("sqlite:", NULL, &db), E_INVAL);
    CHECK_INT(db_open("postgres://u:secret@localhost/x", NULL, &db), E_INVAL);
    CHECK_INT(db_open("postgresql://localhost/x", NULL, &db), E_INVAL);
    CHECK_INT(db_open("mysql://localhost/x", NULL, &db), E_INVAL);
    struct db_options bad = {.readers = -1};
    CHECK_INT(db_open(":memory:", &bad, &db), E_INVAL);
    bad = (struct db_options){.readers = 1000};
    CHECK_INT(db_open(":memory:", &bad, &db), E_INVAL);
    bad = (struct db_options){.busy_timeout_ms = -5};
    CHECK_INT(db_open(":memory:", &bad, &db), E_INVAL);
    CHECK(db == NULL);
}

TEST(file_settings_and_read_only_readers)
{
    char path[512];
    struct db *db;
    struct db_conn *c;
    struct db_stmt *s;
    struct db_options opt = {.readers = 2, .busy_timeout_ms = 1234};

    path_in_dir(path, sizeof(path), "settings.db");
    CHECK_INT(db_open(path, &opt, &db), 0);
    CHECK_INT(db_acquire(db, DB_WRITE, &c), 0);
    CHECK_INT(db_exec(c, "CREATE TABLE t (id BIGINT PRIMARY KEY, name TEXT UNIQUE, n BIGINT)"), 0);
    CHECK_INT(query_i64(c, "PRAGMA synchronous"), 1); /* NORMAL */
    CHECK_INT(query_i64(c, "PRAGMA foreign_keys"), 1);
    CHECK_INT(query_i64(c, "PRAGMA busy_timeout"), 1234);
    db_release(c);

    CHECK_INT(db_acquire(db, DB_READ, &c), 0);
    CHECK_INT(db_prepare(c, "PRAGMA journal_mode", &s), 0);
    CHECK_INT(db_step(s), DB_ROW);
    CHECK_STR(db_col_text(s, 0), "wal");
    db_stmt_done(s);
    CHECK_INT(query_i64(c, "PRAGMA busy_timeout"), 1234);
    /* Readers are read-only: a write through one fails and changes nothing. */
    CHECK_INT(insert_row(c, 1, "sneaky"), E_DB);
    CHECK_INT(db_exec(c, "DELETE FROM t"), E_DB);
    db_release(c);
    CHECK_INT(query_db(db, DB_WRITE, "SELECT count(*) FROM t"), 0);
    db_close(db);
}

TEST(bind_and_read_every_type)
{
    static const char utf8[] = "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e "
                               "\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d \xf0\x9f\x98\x80";
    struct db *db = open_memory();
    struct db_conn *c;
    struct db_stmt *s;
    CHECK(db != NULL);
    CHECK_INT(db_acquire(db, DB_WRITE, &c), 0);
    CHECK_INT(db_prepare(c, "INSERT INTO t (id, name, data, n) VALUES (?, ?, ?, ?)", &s), 0);

    /* Row 1: every type, values beyond double precision and with NUL bytes. */
    CHECK_INT(db_bind_i64(s, 1, 9007199254740993LL), 0);
    CHECK_INT(db_bind_text(s, 2, utf8), 0);
    CHECK_INT(db_bind_blob(s, 3, "a\0b", 3), 0);
    CHECK_INT(db_bind_null(s, 4), 0);
    CHECK_INT(db_step(s), DB_DONE);
    db_stmt_done(s);
    CHECK_INT(db_changes(c), 1);
    /* Row 2: the extremes; textn takes only its n bytes; NULL text is SQL NULL. */
    CHECK_INT(db_prepare(c, "INSERT INTO t (id, name, data, n) VALUES (?, ?, ?, ?)", &s), 0);
    CHECK_INT(db_bind_i64(s, 1, INT64_MIN), 0);
    CHECK_INT(db_bind_textn(s, 2, "caf\xc3\xa9-and-more", 5), 0);
    CHECK_INT(db_bind_blob(s, 3, NULL, 0), 0); /* an empty blob, not NULL */
    CHECK_INT(db_bind_i64(s, 4, INT64_MAX), 0);
    CHECK_INT(db_step(s), DB_DONE);
    db_stmt_done(s);
    /* Row 3: NULL through the text binders. */
    CHECK_INT(db_prepare(c, "INSERT INTO t (id, name, data, n) VALUES (?, ?, ?, ?)", &s), 0);
    CHECK_INT(db_bind_i64(s, 1, 0), 0);
    CHECK_INT(db_bind_text(s, 2, NULL), 0);
    CHECK_INT(db_bind_textn(s, 3, NULL, 4), 0);
    CHECK_INT(db_bind_i64(s, 4, -1), 0);
    /* Misuse is an error, not a crash. */
    CHECK_INT(db_bind_blob(s, 3, NULL, 4), E_INVAL);
    CHECK_INT(db_bind_i64(s, 5, 1), E_DB);
    CHECK_INT(db_step(s), DB_DONE);
    db_stmt_done(s);

    CHECK_INT(db_prepare(c, "SELECT id, name, data, n FROM t ORDER BY id DESC", &s), 0);
    CHECK_INT(db_step(s), DB_ROW);
    CHECK(db_col_i64(s, 0) == 9007199254740993LL);
    CHECK_STR(db_col_text(s, 1), utf8);
    CHECK_INT(db_col_bytes(s, 1), strlen(utf8));
    CHECK_INT(db_col_bytes(s, 2), 3);
    CHECK(db_col_blob(s, 2) && memcmp(db_col_blob(s, 2), "a\0b", 3) == 0);
    CHECK(db_col_is_null(s, 3));
    CHECK(db_col_text(s, 3) == NULL);
    CHECK(!db_col_is_null(s, 0));

    CHECK_INT(db_step(s), DB_ROW);
    CHECK_INT(db_col_i64(s, 0), 0);
    CHECK(db_col_is_null(s, 1));
    CHECK(db_col_text(s, 1) == NULL);
    CHECK(db_col_is_null(s, 2));
    CHECK_INT(db_col_i64(s, 3), -1);
    CHECK_STR(db_col_text(s, 3), "-1"); /* numbers read as text */

    CHECK_INT(db_step(s), DB_ROW);
    CHECK(db_col_i64(s, 0) == INT64_MIN);
    CHECK_STR(db_col_text(s, 1), "caf\xc3\xa9");
    CHECK(!db_col_is_null(s, 2));
    CHECK_INT(db_col_bytes(s, 2), 0);
    CHECK(db_col_i64(s, 3) == INT64_MAX);
    CHECK_INT(db_step(s), DB_DONE);
    db_stmt_done(s);

    /* Text is compared byte for byte: a UTF-8 key finds its row. */
    CHECK_INT(db_prepare(c, "SELECT n FROM t WHERE name = ?", &s), 0);
    CHECK_INT(db_bind_text(s, 1, utf8), 0);
    CHECK_INT(db_step(s), DB_ROW);
    CHECK(db_col_is_null(s, 0));
    db_stmt_done(s);
    db_release(c);
    db_close(db);
}

TEST(constraint_and_sql_errors)
{
    struct db *db = open_memory();
    struct db_conn *c;
    struct db_stmt *s;
    CHECK_INT(db_acquire(db, DB_WRITE, &c), 0);
    CHECK_INT(insert_row(c, 1, "alice"), DB_DONE);
    /* Unique column, then primary key: E_EXISTS, and the row is not there. */
    CHECK_INT(insert_row(c, 2, "alice"), E_EXISTS);
    CHECK_INT(insert_row(c, 1, "bob"), E_EXISTS);
    CHECK_INT(query_i64(c, "SELECT count(*) FROM t"), 1);
    CHECK_INT(query_i64(c, "SELECT count(*) FROM t WHERE id = 2 OR name = 'bob'"), 0);
    /* The statement and the connection go on working. */
    CHECK_INT(insert_row(c, 2, "bob"), DB_DONE);
    CHECK_INT(db_changes(c), 1);
    /* Inside a transaction, a violation undoes only its own statement. */
    CHECK_INT(db_begin(c), 0);
    CHECK_INT(insert_row(c, 3, "carol"), DB_DONE);
    CHECK_INT(insert_row(c, 4, "carol"), E_EXISTS);
    CHECK_INT(db_commit(c), 0);
    CHECK_INT(query_i64(c, "SELECT count(*) FROM t"), 3);
    /* An upsert is no error. */
    CHECK_INT(db_prepare(c,
                         "INSERT INTO t (id, name, n) VALUES (?, ?, 1)"
                         " ON CONFLICT (id) DO UPDATE SET n = t.n + 1",
                         &s),
              0);
    db_bind_i64(s, 1, 1);
    db_bind_text(s, 2, "alice");
    CHECK_INT(db_step(s), DB_DONE);
    db_stmt_done(s);
    CHECK_INT(query_i64(c, "SELECT n FROM t WHERE id = 1"), 2);

    /* Foreign keys are enforced, and their violation is not E_EXISTS. */
    CHECK_INT(db_exec(c, "CREATE TABLE child (id BIGINT PRIMARY KEY,"
                         " parent BIGINT NOT NULL REFERENCES t (id))"),
              0);
    CHECK_INT(db_prepare(c, "INSERT INTO child (id, parent) VALUES (?, ?)", &s), 0);
    db_bind_i64(s, 1, 1);
    db_bind_i64(s, 2, 99);
    CHECK_INT(db_step(s), E_DB);
    db_stmt_done(s);
    CHECK_INT(query_i64(c, "SELECT count(*) FROM child"), 0);
    /* NOT NULL is E_DB too. */
    CHECK_INT(db_prepare(c, "INSERT INTO child (id, parent) VALUES (?, ?)", &s), 0);
    db_bind_i64(s, 1, 1);
    db_bind_null(s, 2);
    CHECK_INT(db_step(s), E_DB);
    db_stmt_done(s);

    /* Bad SQL: syntax, a double-quoted string (an identifier, as in PostgreSQL), two
     * statements where one is expected, no statement at all. */
    CHECK_INT(db_prepare(c, "SELEKT nothing", &s), E_DB);
    CHECK(s == NULL);
    CHECK_INT(db_prepare(c, "SELECT count(*) FROM t WHERE name = \"alice\"", &s), E_DB);
    CHECK_INT(db_prepare(c, "SELECT 1; SELECT 2", &s), E_DB);
    CHECK_INT(db_prepare(c, "  ", &s), E_DB);
    CHECK_INT(db_prepare(c, "SELECT 1;  ", &s), 0);
    db_stmt_done(s);
    CHECK_INT(db_exec(c, "CREATE TABLE t (x BIGINT)"), E_DB);
    /* COMMIT without a transaction fails; a rollback without one does nothing. */
    CHECK_INT(db_commit(c), E_DB);
    db_rollback(c);
    db_rollback(NULL);
    CHECK_INT(query_i64(c, "SELECT count(*) FROM t"), 3);
    db_release(c);
    db_close(db);
}

TEST(statement_cache)
{
    struct db *db = open_memory();
    struct db_conn *c;
    struct db_stmt *a, *b, *other;
    char sql[64];
    struct db_stmt *many[300];

    CHECK_INT(db_acquire(db, DB_READ, &c), 0);
    CHECK_INT(db_prepare(c, "SELECT 1", &a), 0);
    CHECK_INT(db_step(a), DB_ROW);
    db_stmt_done(a);
    CHECK_INT(db_prepare(c, "SELECT 1", &b), 0);
    CHECK(a == b);
    CHECK_INT(db_prepare(c, "SELECT 2", &other), 0);
    CHECK(other != a);
    db_stmt_done(b);
    db_stmt_done(other);
    db_stmt_done(NULL);

    /* db_stmt_done() clears the bindings. */
    CHECK_INT(db_prepare(c, "SELECT ?", &a), 0);
    db_bind_i64(a, 1, 5);
    CHECK_INT(db_step(a), DB_ROW);
    CHECK_INT(db_col_i64(a, 0), 5);
    db_stmt_done(a);
    CHECK_INT(db_prepare(c, "SELECT ?", &b), 0);
    CHECK(a == b);
    CHECK_INT(db_step(b), DB_ROW);
    CHECK(db_col_is_null(b, 0));
    db_stmt_done(b);

    /* Many statements: the cache grows and still finds each one. */
    for (int i = 0; i < 300; i++) {
        snprintf(sql, sizeof(sql), "SELECT %d", i);
        CHECK_INT(db_prepare(c, sql, &many[i]), 0);
        db_stmt_done(many[i]);
    }
    for (int i = 0; i < 300; i++) {
        snprintf(sql, sizeof(sql), "SELECT %d", i);
        CHECK_INT(db_prepare(c, sql, &a), 0);
        CHECK(a == many[i]);
        CHECK_INT(db_step(a), DB_ROW);
        CHECK_INT(db_col_i64(a, 0), i);
        db_stmt_done(a);
    }
    /* Statements made before the growth are still valid. */
    CHECK_INT(db_prepare(c, "SELECT 1", &a), 0);
    CHECK_INT(db_step(a), DB_ROW);
    CHECK_INT(db_col_i64(a, 0), 1);
    db_stmt_done(a);

    /* Asked again before db_stmt_done(): the same statement, reset, still usable. */
    CHECK_INT(db_prepare(c, "SELECT ?", &a), 0);
    db_bind_i64(a, 1, 7);
    CHECK_INT(db_step(a), DB_ROW);
    CHECK_INT(db_prepare(c, "SELECT ?", &b), 0);
    CHECK(a == b);
    db_bind_i64(b, 1, 8);
    CHECK_INT(db_step(b), DB_ROW);
    CHECK_INT(db_col_i64(b, 0), 8);
    db_stmt_done(b);
    db_release(c);
    db_close(db);
}

TEST(statements_belong_to_their_connection)
{
    char path[512];
    struct db *db;
    struct db_conn *w, *r;
    struct db_stmt *a, *b;
    struct db_options opt = {.readers = 1};
    path_in_dir(path, sizeof(path), "conns.db");
    CHECK_INT(db_open(path, &opt, &db), 0);
    CHECK_INT(db_acquire(db, DB_WRITE, &w), 0);
    CHECK_INT(db_acquire(db, DB_READ, &r), 0);
    CHECK(w != r);
    CHECK_INT(db_prepare(w, "SELECT 42", &a), 0);
    CHECK_INT(db_prepare(r, "SELECT 42", &b), 0);
    CHECK(a != b);
    CHECK_INT(db_step(a), DB_ROW);
    CHECK_INT(db_step(b), DB_ROW);
    CHECK_INT(db_col_i64(a, 0), 42);
    CHECK_INT(db_col_i64(b, 0), 42);
    db_stmt_done(a);
    db_stmt_done(b);
    db_release(r);
    db_release(w);
    db_close(db);
}

TEST(transactions)
{
    struct db *db = open_memory();
    struct db_conn *c;
    CHECK_INT(db_acquire(db, DB_WRITE, &c), 0);
    CHECK_INT(db_begin(c), 0);
    CHECK_INT(insert_row(c, 1, "committed"), DB_DONE);
    CHECK_INT(db_commit(c), 0);
    CHECK_INT(db_begin(c), 0);
    CHECK_INT(insert_row(c, 2, "rolled back"), DB_DONE);
    CHECK_INT(query_i64(c, "SELECT count(*) FROM t"), 2); /* visible inside */
    db_rollback(c);
    CHECK_INT(query_i64(c, "SELECT count(*) FROM t"), 1);
    /* A transaction cannot nest. */
    CHECK_INT(db_begin(c), 0);
    CHECK_INT(db_begin(c), E_DB);
    db_rollback(c);
    /* Released inside a transaction: rolled back. */
    CHECK_INT(db_begin(c), 0);
    CHECK_INT(insert_row(c, 3, "abandoned"), DB_DONE);
    db_release(c);
    CHECK_INT(query_db(db, DB_READ, "SELECT count(*) FROM t"), 1);
    CHECK_INT(query_db(db, DB_READ, "SELECT count(*) FROM t WHERE id = 3"), 0);
    /* The next holder can begin again. */
    CHECK_INT(db_acquire(db, DB_WRITE, &c), 0);
    CHECK_INT(db_begin(c), 0);
    CHECK_INT(insert_row(c, 4, "later"), DB_DONE);
    CHECK_INT(db_commit(c), 0);
    db_release(c);
    CHECK_INT(query_db(db, DB_READ, "SELECT count(*) FROM t"), 2);
    db_close(db);
}

TEST(release_resets_unfinished_statements)
{
    struct db *db = open_memory();
    struct db_conn *c;
    struct db_stmt *s;
    CHECK_INT(db_acquire(db, DB_WRITE, &c), 0);
    for (int i = 1; i <= 3; i++)
        insert_row(c, i, NULL);
    /* Stepped once and abandoned; another bound and never stepped. */
    CHECK_INT(db_prepare(c, "SELECT id FROM t ORDER BY id", &s), 0);
    CHECK_INT(db_step(s), DB_ROW);
    CHECK_INT(db_step(s), DB_ROW);
    CHECK_INT(db_col_i64(s, 0), 2);
    CHECK_INT(db_prepare(c, "SELECT ? + 1", &s), 0);
    db_bind_i64(s, 1, 41);
    db_release(c);

    CHECK_INT(db_acquire(db, DB_WRITE, &c), 0);
    CHECK_INT(db_prepare(c, "SELECT id FROM t ORDER BY id", &s), 0);
    CHECK_INT(db_step(s), DB_ROW);
    CHECK_INT(db_col_i64(s, 0), 1); /* from the start again */
    db_stmt_done(s);
    CHECK_INT(db_prepare(c, "SELECT ? + 1", &s), 0);
    CHECK_INT(db_step(s), DB_ROW);
    CHECK(db_col_is_null(s, 0)); /* the binding is gone */
    db_stmt_done(s);
    /* Nothing left open: the writer can take its lock. */
    CHECK_INT(db_begin(c), 0);
    CHECK_INT(db_commit(c), 0);
    db_release(c);
    db_release(NULL);
    db_close(db);
}

/*
 * The compiled-in migrations that run on SQLite, in order: the portable
 * ones and the .sqlite.sql variants (at most max).
 */
static int sqlite_migrations(const struct db_migration **out, int max)
{
    int k = 0;
    for (int i = 0; i < db_migrations_count && k < max; i++)
        if (!db_migrations[i].backend || !strcmp(db_migrations[i].backend, "sqlite"))
            out[k++] = &db_migrations[i];
    return k;
}

/* Rows of schema_migrations in version order, checked against the compiled-in table. */
static void check_recorded(struct db *db, int64_t t0, int64_t t1, int64_t *applied_at)
{
    struct db_conn *c;
    struct db_stmt *s;
    const struct db_migration *mine[256];
    int n = sqlite_migrations(mine, 256);
    int i = 0;
    CHECK_INT(db_acquire(db, DB_READ, &c), 0);
    CHECK_INT(db_prepare(c,
                         "SELECT version, name, applied_at FROM schema_migrations"
                         " ORDER BY version",
                         &s),
              0);
    while (db_step(s) == DB_ROW) {
        if (i >= n) {
            CHECK(!"more rows than compiled-in migrations");
            break;
        }
        CHECK_INT(db_col_i64(s, 0), mine[i]->version);
        CHECK_STR(db_col_text(s, 1), mine[i]->name);
        CHECK(db_col_i64(s, 2) >= t0 && db_col_i64(s, 2) <= t1);
        applied_at[i] = db_col_i64(s, 2);
        i++;
    }
    db_stmt_done(s);
    db_release(c);
    CHECK_INT(i, n);
}

TEST(migrations_from_empty_then_nothing)
{
    char path[512];
    struct db *db;
    int found = -1, known = -1, v = -1;
    const struct db_migration *mine[256];
    int n = sqlite_migrations(mine, 256);
    int64_t first[256], second[256];
    int newest = n ? mine[n - 1]->version : 0;

    CHECK(db_migrations_count < 256);
    if (db_migrations_count >= 256)
        return;

    /* The table always ends with its marker. */
    CHECK_INT(db_migrations[db_migrations_count].version, 0);
    CHECK(db_migrations[db_migrations_count].sql == NULL);

    path_in_dir(path, sizeof(path), "mig.db");
    CHECK_INT(db_open(path, NULL, &db), 0);
    /* A new database is at version 0, and asking does not create anything. */
    CHECK_INT(db_schema_version(db, &v), 0);
    CHECK_INT(v, 0);
    CHECK_INT(query_db(db, DB_READ, "SELECT count(*) FROM sqlite_master"), 0);

    int64_t t0 = time_now_ms();
    CHECK_INT(db_migrate(db, &found, &known), 0);
    int64_t t1 = time_now_ms();
    CHECK_INT(found, 0);
    CHECK_INT(known, newest);
    CHECK_INT(db_schema_version(db, &v), 0);
    CHECK_INT(v, newest);
    check_recorded(db, t0, t1, first);

    /* A second run applies nothing: the same rows, the same times. */
    found = known = -1;
    CHECK_INT(db_migrate(db, &found, &known), 0);
    CHECK_INT(found, newest);
    CHECK_INT(known, newest);
    check_recorded(db, t0, t1, second);
    for (int i = 0; i < n; i++)
        CHECK(first[i] == second[i]);
    CHECK_INT(db_migrate(db, NULL, NULL), 0);
    db_close(db);

    /* Reopened, the file still knows its version. */
    CHECK_INT(db_open(path, NULL, &db), 0);
    CHECK_INT(db_schema_version(db, &v), 0);
    CHECK_INT(v, newest);
    db_close(db);

    /* The same on an in-memory database. */
    CHECK_INT(db_open(":memory:", NULL, &db), 0);
    CHECK_INT(db_migrate(db, &found, &known), 0);
    CHECK_INT(found, 0);
    CHECK_INT(query_db(db, DB_READ, "SELECT count(*) FROM schema_migrations"), n);
    db_close(db);
}

/* Every schema object's name and SQL, in one string, to compare before and after. */
static void schema_text(struct db *db, char *out, size_t n)
{
    struct db_conn *c;
    struct db_stmt *s;
    size_t len = 0;
    out[0] = '\0';
    db_acquire(db, DB_READ, &c);
    db_prepare(c, "SELECT name, COALESCE(sql, '') FROM sqlite_master ORDER BY name", &s);
    while (db_step(s) == DB_ROW && len < n) {
        int w = snprintf(out + len, n - len, "%s:%s;", db_col_text(s, 0), db_col_text(s, 1));
        if (w < 0)
            break;
        len += (size_t)w;
    }
    db_stmt_done(s);
    db_release(c);
}

TEST(newer_database_refused_unchanged)
{
    char path[512], before[4096], after[4096];
    struct db *db;
    struct db_conn *c;
    int found = -1, known = -1, v = -1;

    /* Only a history claiming a version from the future, nothing else. */
    path_in_dir(path, sizeof(path), "future.db");
    CHECK_INT(db_open(path, NULL, &db), 0);
    CHECK_INT(db_acquire(db, DB_WRITE, &c), 0);
    CHECK_INT(db_exec(c, "CREATE TABLE schema_migrations (version BIGINT PRIMARY KEY,"
                         " name TEXT NOT NULL, applied_at BIGINT NOT NULL);"
                         " INSERT INTO schema_migrations VALUES (999999, 'future', 7)"),
              0);
    db_release(c);
    schema_text(db, before, sizeof(before));

    CHECK_INT(db_migrate(db, &found, &known), E_LIMIT);
    CHECK_INT(found, 999999);
    CHECK_INT(known, db_migrations_count ? db_migrations[db_migrations_count - 1].version : 0);
    schema_text(db, after, sizeof(after));
    CHECK_STR(after, before);
    CHECK_INT(query_db(db, DB_READ, "SELECT count(*) FROM schema_migrations"), 1);
    CHECK_INT(query_db(db, DB_READ, "SELECT applied_at FROM schema_migrations"), 7);
    CHECK_INT(db_schema_version(db, &v), 0);
    CHECK_INT(v, 999999);
    /* Refused every time, and the writer is free afterwards. */
    CHECK_INT(db_migrate(db, NULL, NULL), E_LIMIT);
    CHECK_INT(query_db(db, DB_WRITE, "SELECT count(*) FROM schema_migrations"), 1);
    db_close(db);

    /* A database already migrated, then touched by a newer Hearth. */
    CHECK_INT(db_open(":memory:", NULL, &db), 0);
    CHECK_INT(db_migrate(db, NULL, NULL), 0);
    CHECK_INT(db_acquire(db, DB_WRITE, &c), 0);
    CHECK_INT(db_exec(c, "INSERT INTO schema_migrations VALUES (999999, 'future', 7)"), 0);
    db_release(c);
    schema_text(db, before, sizeof(before));
    CHECK_INT(db_migrate(db, &found, NULL), E_LIMIT);
    CHECK_INT(found, 999999);
    schema_text(db, after, sizeof(after));
    CHECK_STR(after, before);
    const struct db_migration *mine[256];
    CHECK_INT(query_db(db, DB_READ, "SELECT count(*) FROM schema_migrations"),
              sqlite_migrations(mine, 256) + 1);
    db_close(db);
}

/* Ids declared BIGINT PRIMARY KEY become SQLite rowids: no second index to walk. */
TEST(ids_are_rowids_in_sqlite)
{
    struct db *db;
    CHECK_INT(db_open(":memory:", NULL, &db), 0);
    CHECK_INT(db_migrate(db, NULL, NULL), 0);
    CHECK_INT(query_db(db, DB_READ,
                       "SELECT count(*) FROM sqlite_master WHERE name = 'statuses'"
                       " AND sql LIKE '%id INTEGER PRIMARY KEY%'"),
              1);
    /* Only the uri's unique index is automatic; none for the id. */
    CHECK_INT(query_db(db, DB_READ,
                       "SELECT count(*) FROM sqlite_master WHERE tbl_name = 'statuses'"
                       " AND name LIKE 'sqlite_autoindex%'"),
              1);
    /* The PostgreSQL spelling is what the migrations keep. */
    CHECK(strstr(db_migrations[0].sql, "BIGINT PRIMARY KEY") != NULL);
    db_close(db);
}

TEST(migration_runner_on_its_own_tables)
{
    struct db *db;
    struct db_conn *c;
    int found = -1, known = -1;
    const struct db_migration two[] = {
        {1, "one", "CREATE TABLE a (x BIGINT PRIMARY KEY);\n", NULL},
        {2, "two", "CREATE TABLE b (y BIGINT);\nINSERT INTO b (y) VALUES (1);\n", NULL},
    };
    const struct db_migration broken[] = {
        two[0],
        two[1],
        {3, "three", "CREATE TABLE c (z BIGINT);\nINSERT INTO nowhere (z) VALUES (1);\n", NULL},
        {4, "four", "CREATE TABLE d (w BIGINT);\n", NULL},
    };
    const struct db_migration fixed[] = {
        two[0],
        two[1],
        {3, "three", "CREATE TABLE c (z BIGINT);\nINSERT INTO c (z) VALUES (1);\n", NULL},
        {4, "four", "CREATE TABLE d (w BIGINT);\n", NULL},
    };
    const struct db_migration dup[] = {two[0], {1, "again", "CREATE TABLE e (v BIGINT);", NULL}};
    const struct db_migration unordered[] = {two[1], two[0]};

    CHECK_INT(db_open(":memory:", NULL, &db), 0);
    CHECK_INT(db_migrate_table(db, two, 2, &found, &known), 0);
    CHECK_INT(found, 0);
    CHECK_INT(known, 2);
    CHECK_INT(query_db(db, DB_READ, "SELECT count(*) FROM b"), 1);

    /* A failing migration is rolled back whole; the ones before it stay. */
    CHECK_INT(db_migrate_table(db, broken, 4, &found, &known), E_DB);
    CHECK_INT(found, 2);
    CHECK_INT(known, 4);
    CHECK_INT(query_db(db, DB_READ, "SELECT count(*) FROM sqlite_master WHERE name = 'c'"), 0);
    CHECK_INT(query_db(db, DB_READ, "SELECT count(*) FROM sqlite_master WHERE name = 'd'"), 0);
    CHECK_INT(query_db(db, DB_READ, "SELECT MAX(version) FROM schema_migrations"), 2);
    CHECK_INT(db_migrate_table(db, fixed, 4, &found, NULL), 0);
    CHECK_INT(found, 2);
    CHECK_INT(query_db(db, DB_READ, "SELECT count(*) FROM c"), 1);
    CHECK_INT(query_db(db, DB_READ, "SELECT count(*) FROM schema_migrations"), 4);
    CHECK_INT(query_db(db, DB_READ, "SELECT count(*) FROM b"), 1); /* not applied twice */

    /* A version missing in the middle of the history is applied. */
    CHECK_INT(db_acquire(db, DB_WRITE, &c), 0);
    CHECK_INT(db_exec(c, "DROP TABLE b; DELETE FROM schema_migrations WHERE version = 2"), 0);
    db_release(c);
    CHECK_INT(db_migrate_table(db, fixed, 4, &found, NULL), 0);
    CHECK_INT(found, 4);
    CHECK_INT(query_db(db, DB_READ, "SELECT count(*) FROM b"), 1);
    CHECK_INT(query_db(db, DB_READ, "SELECT count(*) FROM schema_migrations"), 4);

    /* A build whose table is malformed changes nothing. */
    CHECK_INT(db_migrate_table(db, dup, 2, NULL, NULL), E_INTERNAL);
    CHECK_INT(db_migrate_table(db, unordered, 2, NULL, NULL), E_INTERNAL);
    CHECK_INT(query_db(db, DB_READ, "SELECT count(*) FROM sqlite_master WHERE name = 'e'"), 0);
    /* An empty table is fine: version 0 known, nothing to do. */
    CHECK_INT(db_migrate_table(db, fixed, 0, &found, &known), E_LIMIT);
    CHECK_INT(known, 0);
    db_close(db);

    CHECK_INT(db_open(":memory:", NULL, &db), 0);
    CHECK_INT(db_migrate_table(db, fixed, 0, &found, &known), 0);
    CHECK_INT(found, 0);
    CHECK_INT(known, 0);
    db_close(db);
}

TEST(migration_variants)
{
    struct db *db;
    int found = -1, known = -1;
    const struct db_migration one = {1, "one", "CREATE TABLE a (x BIGINT PRIMARY KEY);\n", NULL};
    const struct db_migration words_pg = {
        2, "words", "CREATE TABLE w (x BIGINT);\nCREATE TABLE w_pg (v tsvector);\n", "postgresql"};
    const struct db_migration words_sqlite = {
        2, "words", "CREATE TABLE w (x BIGINT);\nCREATE VIRTUAL TABLE w_fts USING fts5(t);\n",
        "sqlite"};
    const struct db_migration three = {3, "three", "CREATE TABLE c (z BIGINT);\n", NULL};
    const struct db_migration pair[] = {one, words_pg, words_sqlite, three};
    const struct db_migration no_sqlite[] = {one, words_pg, three};
    const struct db_migration two_sqlite[] = {one, words_sqlite, words_sqlite};
    const struct db_migration with_portable[] = {
        one, words_sqlite, {2, "words", "CREATE TABLE p (x BIGINT);\n", NULL}};
    const struct db_migration renamed[] = {
        one, words_pg, {2, "other", "CREATE TABLE w (x BIGINT);\n", "sqlite"}};

    /* A pair's SQLite variant runs; the other is skipped; one version, one row. */
    CHECK_INT(db_open(":memory:", NULL, &db), 0);
    CHECK_INT(db_migrate_table(db, pair, 4, &found, &known), 0);
    CHECK_INT(found, 0);
    CHECK_INT(known, 3);
    CHECK_INT(query_db(db, DB_READ, "SELECT count(*) FROM sqlite_master WHERE name = 'w_fts'"), 1);
    CHECK_INT(query_db(db, DB_READ, "SELECT count(*) FROM sqlite_master WHERE name = 'w_pg'"), 0);
    CHECK_INT(query_db(db, DB_READ, "SELECT count(*) FROM schema_migrations"), 3);
    CHECK_INT(
        query_db(db, DB_READ,
                 "SELECT count(*) FROM schema_migrations WHERE version = 2 AND name = 'words'"),
        1);
    /* Again: nothing to do. */
    CHECK_INT(db_migrate_table(db, pair, 4, &found, &known), 0);
    CHECK_INT(found, 3);
    CHECK_INT(query_db(db, DB_READ, "SELECT count(*) FROM schema_migrations"), 3);
    db_close(db);

    /* Tables that would leave a hole or run two files for one version change nothing. */
    CHECK_INT(db_open(":memory:", NULL, &db), 0);
    CHECK_INT(db_migrate_table(db, no_sqlite, 3, NULL, NULL), E_INTERNAL);
    CHECK_INT(db_migrate_table(db, two_sqlite, 3, NULL, NULL), E_INTERNAL);
    CHECK_INT(db_migrate_table(db, with_portable, 3, NULL, NULL), E_INTERNAL);
    CHECK_INT(db_migrate_table(db, renamed, 3, NULL, NULL), E_INTERNAL);
    CHECK_INT(query_db(db, DB_READ, "SELECT count(*) FROM sqlite_master WHERE name = 'a'"), 0);
    db_close(db);
}

/* A database from before 0008_search gets its existing posts and accounts indexed. */
TEST(search_migration_backfills)
{
    struct db *db;
    struct db_conn *c;
    int before = 0;
    while (before < db_migrations_count && db_migrations[before].version < 8)
        before++;
    CHECK_INT(db_open(":memory:", NULL, &db), 0);
    CHECK_INT(db_migrate_table(db, db_migrations, before, NULL, NULL), 0);
    CHECK_INT(db_acquire(db, DB_WRITE, &c), 0);
    CHECK_INT(db_exec(c,
                      "INSERT INTO accounts (id, username, acct_key, display_name, uri,"
                      " created_at, updated_at) VALUES (1, 'ana', 'ana', 'Ana Lísa', 'u1', 0, 0);"
                      " INSERT INTO statuses (id, account_id, uri, local, visibility, text,"
                      " created_at) VALUES (10, 1, 's10', 1, 0, 'old harvest notes', 0),"
                      " (11, 1, 's11', 1, 0, 'deleted harvest', 0);"
                      " UPDATE statuses SET deleted_at = 5 WHERE id = 11"),
              0);
    db_release(c);
    CHECK_INT(db_migrate(db, NULL, NULL), 0);
    CHECK_INT(
        query_db(db, DB_READ, "SELECT rowid FROM statuses_fts WHERE statuses_fts MATCH 'harvest'"),
        10);
    CHECK_INT(query_db(db, DB_READ, "SELECT count(*) FROM statuses_fts"), 1);
    CHECK_INT(
        query_db(db, DB_READ, "SELECT rowid FROM accounts_fts WHERE accounts_fts MATCH 'lisa'"), 1);
    db_close(db);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

TEST(open_errors)
{
    struct db *db = NULL;
    char path[512], sub[512];
    FILE *f;

    CHECK_INT(db_open("/nonexistent-folder/x.db", NULL, &db), E_IO);
    CHECK(db == NULL);
    path_in_dir(path, sizeof(path), "missing/x.db");
    CHECK_INT(db_open(path, NULL, &db), E_IO);
    /* A file where the folder should be. */
    path_in_dir(sub, sizeof(sub), "afile");
    f = fopen(sub, "w");
    CHECK(f != NULL);
    if (f)
        fclose(f);
    path_in_dir(path, sizeof(path), "afile/x.db");
    CHECK_INT(db_open(path, NULL, &db), E_IO);
    /* A folder where the file should be. */
    CHECK_INT(db_open(dir, NULL, &db), E_IO);
    /* A file system nobody may create files on, root included. */
    CHECK_INT(db_open("/proc/hearth-test.db", NULL, &db), E_IO);
    /* A folder without write permission (root ignores permissions: skipped for it). */
    if (geteuid() != 0) {
        path_in_dir(sub, sizeof(sub), "readonly");
        CHECK_INT(mkdir(sub, 0555), 0);
        path_in_dir(path, sizeof(path), "readonly/x.db");
        CHECK_INT(db_open(path, NULL, &db), E_IO);
        CHECK(access(path, F_OK) != 0);
        chmod(sub, 0755);
    }
    /* A file that is not a database. */
    path_in_dir(path, sizeof(path), "garbage.db");
    f = fopen(path, "w");
    CHECK(f != NULL);
    if (f) {
        for (int i = 0; i < 200; i++)
            fputs("not a database at all ", f);
        fclose(f);
    }
    CHECK_INT(db_open(path, NULL, &db), E_DB);
    CHECK(db == NULL);
}

TEST(busy_is_e_busy)
{
    char path[512];
    struct db *one, *two;
    struct db_conn *a, *b;
    struct db_options quick = {.readers = 1, .busy_timeout_ms = 50};
    /* Two handles on one file: as two processes would be. */
    path_in_dir(path, sizeof(path), "busy.db");
    CHECK_INT(db_open(path, NULL, &one), 0);
    CHECK_INT(db_open(path, &quick, &two), 0);
    CHECK_INT(db_acquire(one, DB_WRITE, &a), 0);
    CHECK_INT(db_exec(a, "CREATE TABLE t (id BIGINT PRIMARY KEY, name TEXT UNIQUE, n BIGINT)"), 0);
    CHECK_INT(db_begin(a), 0); /* IMMEDIATE: the write lock is taken now */
    CHECK_INT(db_acquire(two, DB_WRITE, &b), 0);
    int64_t t0 = time_mono_us();
    CHECK_INT(db_begin(b), E_BUSY);
    CHECK(time_mono_us() - t0 >= 40 * 1000); /* it waited for the busy timeout */
    CHECK_INT(insert_row(b, 1, "x"), E_BUSY);
    /* Readers of the other handle are not blocked. */
    CHECK_INT(query_db(two, DB_READ, "SELECT count(*) FROM t"), 0);
    CHECK_INT(insert_row(a, 1, "first"), DB_DONE);
    CHECK_INT(db_commit(a), 0);
    CHECK_INT(db_begin(b), 0);
    CHECK_INT(insert_row(b, 2, "second"), DB_DONE);
    CHECK_INT(db_commit(b), 0);
    db_release(b);
    db_release(a);
    CHECK_INT(query_db(one, DB_READ, "SELECT count(*) FROM t"), 2);
    db_close(two);
    db_close(one);
}

TEST(wal_snapshot_while_writing)
{
    char path[512];
    struct db *db;
    struct db_conn *r, *w;
    path_in_dir(path, sizeof(path), "snap.db");
    CHECK_INT(db_open(path, NULL, &db), 0);
    CHECK_INT(db_acquire(db, DB_WRITE, &w), 0);
    CHECK_INT(db_exec(w, "CREATE TABLE t (id BIGINT PRIMARY KEY, name TEXT UNIQUE, n BIGINT)"), 0);
    db_release(w);
    /* A reader holds a snapshot open... */
    CHECK_INT(db_acquire(db, DB_READ, &r), 0);
    CHECK_INT(db_begin(r), 0);
    CHECK_INT(query_i64(r, "SELECT count(*) FROM t"), 0);
    /* ...while the writer commits, which only WAL allows without waiting. */
    CHECK_INT(db_acquire(db, DB_WRITE, &w), 0);
    CHECK_INT(db_begin(w), 0);
    CHECK_INT(insert_row(w, 1, "new"), DB_DONE);
    CHECK_INT(query_i64(r, "SELECT count(*) FROM t"), 0); /* uncommitted: invisible */
    CHECK_INT(db_commit(w), 0);
    db_release(w);
    CHECK_INT(query_i64(r, "SELECT count(*) FROM t"), 0); /* same snapshot */
    CHECK_INT(db_commit(r), 0);
    CHECK_INT(query_i64(r, "SELECT count(*) FROM t"), 1);
    db_release(r);
    db_close(db);
}

struct hold_arg {
    struct db *db;
    enum db_mode mode;
    atomic_int got;
};

static void *take_and_give(void *p)
{
    struct hold_arg *h = p;
    struct db_conn *c;
    if (db_acquire(h->db, h->mode, &c) == 0) {
        atomic_store(&h->got, 1);
        db_release(c);
    } else {
        atomic_store(&h->got, -1);
    }
    return NULL;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Another thread asking for c's kind of connection waits until c is released. */
static void check_waits(struct db *db, enum db_mode mode, struct db_conn *c)
{
    pthread_t th;
    struct hold_arg h = {.db = db, .mode = mode};
    atomic_init(&h.got, 0);
    CHECK_INT(pthread_create(&th, NULL, take_and_give, &h), 0);
    sleep_ms(100);
    CHECK_INT(atomic_load(&h.got), 0);
    db_release(c);
    pthread_join(th, NULL);
    CHECK_INT(atomic_load(&h.got), 1);
}

TEST(pool_waits_and_self_deadlock)
{
    char path[512];
    struct db *db;
    struct db_conn *c, *d;
    struct db_options one_reader = {.readers = 1};

    /* In memory: one connection for both modes. */
    CHECK_INT(db_open(":memory:", NULL, &db), 0);
    CHECK_INT(db_acquire(db, DB_READ, &c), 0);
    CHECK_INT(db_acquire(db, DB_WRITE, &d), E_DB); /* would wait forever */
    CHECK(d == NULL);
    CHECK_INT(db_acquire(db, DB_READ, &d), E_DB);
    check_waits(db, DB_READ, c);
    CHECK_INT(db_acquire(db, DB_WRITE, &c), 0);
    check_waits(db, DB_READ, c);
    db_close(db);

    /* A file: one writer, one reader here. */
    path_in_dir(path, sizeof(path), "pool.db");
    CHECK_INT(db_open(path, &one_reader, &db), 0);
    CHECK_INT(db_acquire(db, DB_WRITE, &c), 0);
    CHECK_INT(db_acquire(db, DB_WRITE, &d), E_DB);
    CHECK_INT(db_acquire(db, DB_READ, &d), 0); /* a reader beside one's own writer is fine */
    check_waits(db, DB_WRITE, c);
    check_waits(db, DB_READ, d);
    db_close(db);
}

struct reader_arg {
    struct db *db;
    atomic_int *stop;
    int reads;
    int bad;
};

static void *reader(void *p)
{
    struct reader_arg *ra = p;
    int64_t last = 0;
    while (!atomic_load(ra->stop) || ra->reads < 50) {
        struct db_conn *c;
        struct db_stmt *s = NULL;
        if (db_acquire(ra->db, DB_READ, &c) != 0) {
            ra->bad++;
            break;
        }
        /* One snapshot for two queries: they must agree. */
        if (db_begin(c) != 0)
            ra->bad++;
        int64_t count = query_i64(c, "SELECT count(*) FROM t");
        if (db_prepare(c, "SELECT COALESCE(SUM(n), 0), COALESCE(MAX(id), -1) FROM t", &s) != 0) {
            ra->bad++;
        } else if (db_step(s) != DB_ROW) {
            ra->bad++;
        } else {
            /* Rows come in committed pairs, each with n = 1 and ids 0, 1, 2... */
            if (count % 2 != 0 || db_col_i64(s, 0) != count || db_col_i64(s, 1) != count - 1)
                ra->bad++;
            if (count < last) /* time never goes backwards */
                ra->bad++;
            last = count;
        }
        db_stmt_done(s);
        if (db_commit(c) != 0)
            ra->bad++;
        db_release(c);
        ra->reads++;
    }
    return NULL;
}

TEST(readers_beside_the_writer)
{
    enum { READERS = 4, PAIRS = 200 };
    char path[512];
    struct db *db;
    struct db_conn *c;
    struct db_options opt = {.readers = 3}; /* fewer than the threads: some wait */
    pthread_t th[READERS];
    struct reader_arg args[READERS];
    atomic_int stop;

    atomic_init(&stop, 0);
    path_in_dir(path, sizeof(path), "wal.db");
    CHECK_INT(db_open(path, &opt, &db), 0);
    CHECK_INT(db_acquire(db, DB_WRITE, &c), 0);
    CHECK_INT(db_exec(c, "CREATE TABLE t (id BIGINT PRIMARY KEY, name TEXT UNIQUE, n BIGINT)"), 0);
    db_release(c);
    for (int i = 0; i < READERS; i++) {
        args[i] = (struct reader_arg){.db = db, .stop = &stop};
        CHECK_INT(pthread_create(&th[i], NULL, reader, &args[i]), 0);
    }
    for (int i = 0; i < PAIRS; i++) {
        CHECK_INT(db_acquire(db, DB_WRITE, &c), 0);
        CHECK_INT(db_begin(c), 0);
        CHECK_INT(insert_row(c, 2 * i, NULL), DB_DONE);
        CHECK_INT(insert_row(c, 2 * i + 1, NULL), DB_DONE);
        CHECK_INT(db_commit(c), 0);
        db_release(c);
    }
    atomic_store(&stop, 1);
    for (int i = 0; i < READERS; i++) {
        pthread_join(th[i], NULL);
        CHECK_INT(args[i].bad, 0);
        CHECK(args[i].reads >= 50);
    }
    CHECK_INT(query_db(db, DB_READ, "SELECT count(*) FROM t"), 2 * PAIRS);
    db_close(db);
}

int main(void)
{
    log_set_level(LOG_LEVEL_ERROR);
    if (!mkdtemp(dir))
        return 1;
    RUN(open_memory_and_file);
    RUN(file_settings_and_read_only_readers);
    RUN(bind_and_read_every_type);
    RUN(constraint_and_sql_errors);
    RUN(statement_cache);
    RUN(statements_belong_to_their_connection);
    RUN(transactions);
    RUN(release_resets_unfinished_statements);
    RUN(migrations_from_empty_then_nothing);
    RUN(newer_database_refused_unchanged);
    RUN(ids_are_rowids_in_sqlite);
    RUN(migration_runner_on_its_own_tables);
    RUN(migration_variants);
    RUN(search_migration_backfills);
    RUN(open_errors);
    RUN(busy_is_e_busy);
    RUN(wal_snapshot_while_writing);
    RUN(pool_waits_and_self_deadlock);
    RUN(readers_beside_the_writer);
    if (nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return t_done();
}
