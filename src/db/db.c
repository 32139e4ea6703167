/*
 * db: the backend-neutral part of the storage layer: schema migrations,
 * written against db.h only so that every backend shares them.
 */
#include "db/db.h"

#include "db/migrations.h"
#include "util/err.h"
#define LOG_MODULE "db"
#include "util/log.h"
#include "util/timeutil.h"

static const char create_migrations_table[] = "CREATE TABLE IF NOT EXISTS schema_migrations ("
                                              " version BIGINT PRIMARY KEY,"
                                              " name TEXT NOT NULL,"
                                              " applied_at BIGINT NOT NULL)";

static int newest_known(void)
{
    int known = 0;
    for (int i = 0; i < db_migrations_count; i++) {
        if (db_migrations[i].version > known)
            known = db_migrations[i].version;
    }
    return known;
}

static int read_version(struct db_conn *c, int *version)
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
        rc = 0;
    }
    db_stmt_done(s);
    return rc;
}

int db_schema_version(struct db *db, int *version)
{
    struct db_conn *c;
    int rc = db_acquire(db, DB_WRITE, &c);
    if (rc)
        return rc;
    rc = db_exec(c, create_migrations_table);
    if (rc == 0)
        rc = read_version(c, version);
    db_release(c);
    return rc;
}

static int is_applied(struct db_conn *c, int version, int *applied)
{
    struct db_stmt *s;
    int rc = db_prepare(c, "SELECT 1 FROM schema_migrations WHERE version = ?", &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, version);
    rc = db_step(s);
    *applied = rc == DB_ROW;
    db_stmt_done(s);
    return rc < 0 ? rc : 0;
}

static int apply(struct db_conn *c, const struct db_migration *m)
{
    int rc = db_begin(c);
    if (rc)
        return rc;
    rc = db_exec(c, m->sql);
    if (rc) {
        log_error("migration %04d_%s failed", m->version, m->name);
        goto out;
    }
    struct db_stmt *s;
    rc = db_prepare(c, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    &s);
    if (rc)
        goto out;
    db_bind_i64(s, 1, m->version);
    db_bind_text(s, 2, m->name);
    db_bind_i64(s, 3, time_now_ms());
    rc = db_step(s);
    db_stmt_done(s);
    if (rc < 0)
        goto out;
    rc = db_commit(c);
    if (rc == 0)
        log_info("applied migration %04d_%s", m->version, m->name);
out:
    if (rc)
        db_rollback(c);
    return rc;
}

int db_migrate(struct db *db, int *db_version, int *known)
{
    struct db_conn *c;
    int found = 0;
    int newest = newest_known();
    if (known)
        *known = newest;
    int rc = db_acquire(db, DB_WRITE, &c);
    if (rc)
        return rc;
    rc = db_exec(c, create_migrations_table);
    if (rc)
        goto out;
    rc = read_version(c, &found);
    if (rc)
        goto out;
    if (db_version)
        *db_version = found;
    if (found > newest) {
        log_error("database schema version %d is newer than this build knows (%d)", found, newest);
        rc = E_LIMIT;
        goto out;
    }
    for (int i = 0; i < db_migrations_count; i++) {
        int applied = 0;
        rc = is_applied(c, db_migrations[i].version, &applied);
        if (rc)
            goto out;
        if (applied)
            continue;
        rc = apply(c, &db_migrations[i]);
        if (rc)
            goto out;
    }
out:
    db_release(c);
    return rc;
}
