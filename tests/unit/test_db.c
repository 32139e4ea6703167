/*
 * Unit tests for src/db: the SQLite backend and the migration runner.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/db.h"
#include "db/migrations.h"
#include "t.h"
#include "util/err.h"
#include "util/log.h"

static char dir[] = "/tmp/hearth-test-db-XXXXXX";

static struct db *open_memory(void)
{
    struct db *db = NULL;
    if (db_open(":memory:", NULL, &db) != 0)
        return NULL;
    struct db_conn *c;
    db_acquire(db, DB_WRITE, &c);
    db_exec(c, "CREATE TABLE t (id BIGINT PRIMARY KEY, name TEXT UNIQUE, data BLOB, n BIGINT)");
    db_release(c);
    return db;
}

TEST(bind_and_read_every_type)
{
    struct db *db = open_memory();
    CHECK(db != NULL);
    struct db_conn *c;
    struct db_stmt *s;
    CHECK_INT(db_acquire(db, DB_WRITE, &c), 0);
    CHECK_INT(db_prepare(c, "INSERT INTO t (id, name, data, n) VALUES (?, ?, ?, ?)", &s), 0);
    db_bind_i64(s, 1, 9007199254740993LL); /* beyond double precision */
    db_bind_text(s, 2, "caf\xc3\xa9 \xf0\x9f\x98\x80");
    db_bind_blob(s, 3, "a\0b", 3);
    db_bind_null(s, 4);
    CHECK_INT(db_step(s), DB_DONE);
    db_stmt_done(s);
    CHECK_INT((int)db_changes(c), 1);
    CHECK_INT(db_prepare(c, "SELECT id, name, data, n FROM t", &s), 0);
    CHECK_INT(db_step(s), DB_ROW);
    CHECK(db_col_i64(s, 0) == 9007199254740993LL);
    CHECK_STR(db_col_text(s, 1), "caf\xc3\xa9 \xf0\x9f\x98\x80");
    CHECK_INT((int)db_col_bytes(s, 2), 3);
    CHECK(memcmp(db_col_blob(s, 2), "a\0b", 3) == 0);
    CHECK(db_col_is_null(s, 3));
    CHECK(db_col_text(s, 3) == NULL);
    CHECK_INT(db_step(s), DB_DONE);
    db_stmt_done(s);
    db_release(c);
    db_close(db);
}

TEST(unique_violation_is_e_exists)
{
    struct db *db = open_memory();
    struct db_conn *c;
    struct db_stmt *s;
    db_acquire(db, DB_WRITE, &c);
    db_prepare(c, "INSERT INTO t (id, name) VALUES (?, ?)", &s);
    db_bind_i64(s, 1, 1);
    db_bind_text(s, 2, "alice");
    CHECK_INT(db_step(s), DB_DONE);
    db_stmt_done(s);
    db_prepare(c, "INSERT INTO t (id, name) VALUES (?, ?)", &s);
    db_bind_i64(s, 1, 2);
    db_bind_text(s, 2, "alice");
    CHECK_INT(db_step(s), E_EXISTS);
    db_stmt_done(s);
    db_prepare(c, "INSERT INTO t (id, name) VALUES (?, ?)", &s);
    db_bind_i64(s, 1, 1);
    db_bind_text(s, 2, "bob");
    CHECK_INT(db_step(s), E_EXISTS);
    db_stmt_done(s);
    db_prepare(c, "SELECT count(*) FROM t", &s);
    CHECK_INT(db_step(s), DB_ROW);
    CHECK_INT(db_col_i64(s, 0), 1);
    db_stmt_done(s);
    /* A syntax error is E_DB, not a crash. */
    CHECK_INT(db_prepare(c, "SELEKT nothing", &s), E_DB);
    db_release(c);
    db_close(db);
}

TEST(statement_cache)
{
    struct db *db = open_memory();
    struct db_conn *c;
    struct db_stmt *a, *b, *other;
    db_acquire(db, DB_READ, &c);
    CHECK_INT(db_prepare(c, "SELECT 1", &a), 0);
    db_stmt_done(a);
    CHECK_INT(db_prepare(c, "SELECT 1", &b), 0);
    CHECK(a == b);
    CHECK_INT(db_prepare(c, "SELECT 2", &other), 0);
    CHECK(other != a);
    db_stmt_done(b);
    db_stmt_done(other);
    db_release(c);
    db_close(db);
}

static int64_t count_rows(struct db *db)
{
    struct db_conn *c;
    struct db_stmt *s;
    int64_t n = -1;
    db_acquire(db, DB_READ, &c);
    db_prepare(c, "SELECT count(*) FROM t", &s);
    if (db_step(s) == DB_ROW)
        n = db_col_i64(s, 0);
    db_stmt_done(s);
    db_release(c);
    return n;
}

static void insert(struct db_conn *c, int64_t id)
{
    struct db_stmt *s;
    db_prepare(c, "INSERT INTO t (id) VALUES (?)", &s);
    db_bind_i64(s, 1, id);
    db_step(s);
    db_stmt_done(s);
}

TEST(transactions)
{
    struct db *db = open_memory();
    struct db_conn *c;
    db_acquire(db, DB_WRITE, &c);
    CHECK_INT(db_begin(c), 0);
    insert(c, 1);
    CHECK_INT(db_commit(c), 0);
    CHECK_INT(db_begin(c), 0);
    insert(c, 2);
    db_rollback(c);
    CHECK_INT(db_begin(c), 0);
    insert(c, 3);
    db_release(c); /* an open transaction is rolled back */
    CHECK_INT(count_rows(db), 1);
    db_close(db);
}

TEST(migrations_from_empty_and_newer_refused)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/mig.db", dir);
    struct db *db;
    CHECK_INT(db_open(path, NULL, &db), 0);
    int found = -1, known = -1, v = -1;
    CHECK_INT(db_migrate(db, &found, &known), 0);
    CHECK_INT(found, 0);
    CHECK_INT(known, db_migrations_count ? db_migrations[db_migrations_count - 1].version : 0);
    CHECK_INT(db_schema_version(db, &v), 0);
    CHECK_INT(v, known);
    struct db_conn *c;
    struct db_stmt *s;
    db_acquire(db, DB_READ, &c);
    db_prepare(c, "SELECT count(*) FROM schema_migrations", &s);
    CHECK_INT(db_step(s), DB_ROW);
    CHECK_INT(db_col_i64(s, 0), db_migrations_count);
    db_stmt_done(s);
    db_release(c);
    /* A second run applies nothing. */
    CHECK_INT(db_migrate(db, &found, &known), 0);
    CHECK_INT(found, known);
    /* A database from a newer Hearth is refused and left as it is. */
    db_acquire(db, DB_WRITE, &c);
    db_exec(c, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (999999, 'x', 0)");
    db_release(c);
    CHECK_INT(db_migrate(db, &found, &known), E_LIMIT);
    CHECK_INT(found, 999999);
    CHECK_INT(db_schema_version(db, &v), 0);
    CHECK_INT(v, 999999);
    db_close(db);
}

TEST(open_errors)
{
    struct db *db = NULL;
    CHECK_INT(db_open("/nonexistent-folder/x.db", NULL, &db), E_IO);
    CHECK_INT(db_open("", NULL, &db), E_INVAL);
    CHECK_INT(db_open("postgres://localhost/x", NULL, &db), E_INVAL);
}

struct reader_arg {
    struct db *db;
    int bad;
};

static void *reader(void *p)
{
    struct reader_arg *ra = p;
    for (int i = 0; i < 200; i++) {
        struct db_conn *c;
        struct db_stmt *s;
        db_acquire(ra->db, DB_READ, &c);
        db_prepare(c, "SELECT count(*), COALESCE(sum(n), 0) FROM t", &s);
        if (db_step(s) != DB_ROW)
            ra->bad++;
        /* Each row is written with n = 1 inside one transaction: counts match. */
        else if (db_col_i64(s, 0) != db_col_i64(s, 1))
            ra->bad++;
        db_stmt_done(s);
        db_release(c);
    }
    return NULL;
}

TEST(readers_beside_the_writer)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/wal.db", dir);
    struct db *db;
    struct db_options opt = {.readers = 3};
    CHECK_INT(db_open(path, &opt, &db), 0);
    struct db_conn *c;
    db_acquire(db, DB_WRITE, &c);
    CHECK_INT(db_exec(c, "CREATE TABLE t (id BIGINT PRIMARY KEY, n BIGINT)"), 0);
    db_release(c);
    pthread_t th[4];
    struct reader_arg args[4];
    for (int i = 0; i < 4; i++) {
        args[i].db = db;
        args[i].bad = 0;
        pthread_create(&th[i], NULL, reader, &args[i]);
    }
    for (int i = 0; i < 300; i++) {
        struct db_stmt *s;
        db_acquire(db, DB_WRITE, &c);
        db_begin(c);
        db_prepare(c, "INSERT INTO t (id, n) VALUES (?, 1)", &s);
        db_bind_i64(s, 1, i);
        CHECK_INT(db_step(s), DB_DONE);
        db_stmt_done(s);
        CHECK_INT(db_commit(c), 0);
        db_release(c);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        CHECK_INT(args[i].bad, 0);
    }
    CHECK_INT(count_rows(db), 300);
    db_close(db);
}

int main(void)
{
    log_set_level(LOG_LEVEL_ERROR);
    if (!mkdtemp(dir))
        return 1;
    RUN(bind_and_read_every_type);
    RUN(unique_violation_is_e_exists);
    RUN(statement_cache);
    RUN(transactions);
    RUN(migrations_from_empty_and_newer_refused);
    RUN(open_errors);
    RUN(readers_beside_the_writer);
    char cmd[600];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return t_done();
}
