/*
 * follow: follows, requests and blocks over the database.
 */
#include "core/follow.h"

#include <stdint.h>

#include "core/core.h"
#include "core/notification.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"
#include "util/timeutil.h"

/* Runs one statement with two id parameters; returns db_step's result. */
static int exec2(struct db_conn *c, const char *sql, int64_t a, int64_t b)
{
    struct db_stmt *s;
    int rc = db_prepare(c, sql, &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, a);
    db_bind_i64(s, 2, b);
    rc = db_step(s);
    db_stmt_done(s);
    return rc;
}

int block_exists(struct db_conn *c, int64_t blocker, int64_t target)
{
    int rc = exec2(c, "SELECT 1 FROM blocks WHERE account_id = ? AND target_account_id = ?",
                   blocker, target);
    return rc < 0 ? rc : rc == DB_ROW;
}

int follow_state(struct db_conn *c, int64_t follower, int64_t target, enum follow_state *state)
{
    struct db_stmt *s;
    int rc = db_prepare(c,
                        "SELECT accepted FROM follows WHERE account_id = ? AND"
                        " target_account_id = ?",
                        &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, follower);
    db_bind_i64(s, 2, target);
    rc = db_step(s);
    *state = rc == DB_ROW ? (db_col_i64(s, 0) ? FOLLOW_ACCEPTED : FOLLOW_PENDING) : FOLLOW_NONE;
    db_stmt_done(s);
    return rc < 0 ? rc : 0;
}

static int account_locked(struct db_conn *c, int64_t id, int *locked)
{
    struct db_stmt *s;
    int rc = db_prepare(c, "SELECT locked FROM accounts WHERE id = ?", &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, id);
    rc = db_step(s);
    if (rc == DB_ROW) {
        *locked = (int)db_col_i64(s, 0);
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = E_NOTFOUND;
    }
    db_stmt_done(s);
    return rc;
}

/* Opens a write transaction; on success the caller must finish with tx_end. */
static int tx_start(const struct core *core, struct db_conn **c)
{
    int rc = db_acquire(core->db, DB_WRITE, c);
    if (rc)
        return rc;
    rc = db_begin(*c);
    if (rc) {
        db_release(*c);
        *c = NULL;
    }
    return rc;
}

static int tx_end(struct db_conn *c, int rc)
{
    if (rc == 0)
        rc = db_commit(c);
    if (rc)
        db_rollback(c);
    db_release(c);
    return rc;
}

int follow_create(const struct core *core, int64_t follower, int64_t target,
                  const struct follow_options *opt, enum follow_state *state)
{
    if (follower == target)
        return E_INVAL;
    struct db_conn *c;
    int rc = tx_start(core, &c);
    if (rc)
        return rc;
    int locked = 0, ignored = 0;
    rc = account_locked(c, follower, &ignored);
    if (rc == 0)
        rc = account_locked(c, target, &locked);
    if (rc)
        goto out;
    int b1 = block_exists(c, target, follower), b2 = block_exists(c, follower, target);
    if (b1 < 0 || b2 < 0) {
        rc = b1 < 0 ? b1 : b2;
        goto out;
    }
    if (b1 || b2) {
        rc = E_FORBIDDEN;
        goto out;
    }
    int show_reblogs = opt ? opt->show_reblogs : 1;
    int notify = opt ? opt->notify : 0;
    enum follow_state existing;
    rc = follow_state(c, follower, target, &existing);
    if (rc)
        goto out;
    struct db_stmt *s;
    if (existing != FOLLOW_NONE) {
        rc = db_prepare(c,
                        "UPDATE follows SET show_reblogs = ?, notify = ? WHERE account_id = ?"
                        " AND target_account_id = ?",
                        &s);
        if (rc)
            goto out;
        db_bind_i64(s, 1, show_reblogs);
        db_bind_i64(s, 2, notify);
        db_bind_i64(s, 3, follower);
        db_bind_i64(s, 4, target);
        rc = db_step(s);
        db_stmt_done(s);
        rc = rc < 0 ? rc : 0;
        *state = existing;
        goto out;
    }
    rc = db_prepare(c,
                    "INSERT INTO follows (id, account_id, target_account_id, accepted,"
                    " show_reblogs, notify, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    &s);
    if (rc)
        goto out;
    db_bind_i64(s, 1, id_next());
    db_bind_i64(s, 2, follower);
    db_bind_i64(s, 3, target);
    db_bind_i64(s, 4, !locked);
    db_bind_i64(s, 5, show_reblogs);
    db_bind_i64(s, 6, notify);
    db_bind_i64(s, 7, time_now_ms());
    rc = db_step(s);
    db_stmt_done(s);
    if (rc < 0)
        goto out;
    *state = locked ? FOLLOW_PENDING : FOLLOW_ACCEPTED;
    rc = notification_add(c, target, follower, locked ? NOTIFY_FOLLOW_REQUEST : NOTIFY_FOLLOW, 0,
                          NULL);
out:
    return tx_end(c, rc);
}

int follow_accept(const struct core *core, int64_t target, int64_t follower)
{
    struct db_conn *c;
    int rc = tx_start(core, &c);
    if (rc)
        return rc;
    rc = exec2(c,
               "UPDATE follows SET accepted = 1 WHERE target_account_id = ? AND account_id = ?"
               " AND accepted = 0",
               target, follower);
    if (rc >= 0)
        rc = db_changes(c) ? 0 : E_NOTFOUND;
    if (rc == 0)
        rc = exec2(c,
                   "DELETE FROM notifications WHERE account_id = ? AND from_account_id = ?"
                   " AND type = 'follow_request'",
                   target, follower);
    if (rc >= 0)
        rc = notification_add(c, target, follower, NOTIFY_FOLLOW, 0, NULL);
    return tx_end(c, rc < 0 ? rc : 0);
}

int follow_reject(const struct core *core, int64_t target, int64_t follower)
{
    struct db_conn *c;
    int rc = tx_start(core, &c);
    if (rc)
        return rc;
    rc = exec2(c,
               "DELETE FROM follows WHERE target_account_id = ? AND account_id = ?"
               " AND accepted = 0",
               target, follower);
    if (rc >= 0)
        rc = db_changes(c) ? 0 : E_NOTFOUND;
    if (rc == 0)
        rc = exec2(c,
                   "DELETE FROM notifications WHERE account_id = ? AND from_account_id = ?"
                   " AND type = 'follow_request'",
                   target, follower);
    return tx_end(c, rc < 0 ? rc : 0);
}

int follow_remove(const struct core *core, int64_t follower, int64_t target)
{
    struct db_conn *c;
    int rc = tx_start(core, &c);
    if (rc)
        return rc;
    rc = exec2(c, "DELETE FROM follows WHERE account_id = ? AND target_account_id = ?", follower,
               target);
    if (rc >= 0)
        rc = exec2(c,
                   "DELETE FROM notifications WHERE account_id = ? AND from_account_id = ?"
                   " AND type = 'follow_request'",
                   target, follower);
    return tx_end(c, rc < 0 ? rc : 0);
}

static int list_ids(struct db_conn *c, struct arena *a, const char *sql, int64_t account_id,
                    int64_t max_id, int limit, int64_t **ids, size_t *n)
{
    if (limit <= 0 || limit > 80)
        limit = 40;
    struct db_stmt *s;
    int rc = db_prepare(c, sql, &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, account_id);
    db_bind_i64(s, 2, max_id ? max_id : INT64_MAX);
    db_bind_i64(s, 3, limit);
    int64_t *list = arena_alloc(a, (size_t)limit * 2 * sizeof(*list));
    size_t count = 0;
    while ((rc = db_step(s)) == DB_ROW && count < (size_t)limit) {
        list[count++] = db_col_i64(s, 0);
    }
    db_stmt_done(s);
    if (rc < 0)
        return rc;
    *ids = list;
    *n = count;
    return 0;
}

int follow_list_followers(struct db_conn *c, struct arena *a, int64_t account_id, int64_t max_id,
                          int limit, int64_t **ids, size_t *n)
{
    return list_ids(c, a,
                    "SELECT account_id FROM follows WHERE target_account_id = ? AND accepted = 1"
                    " AND id < ? ORDER BY id DESC LIMIT ?",
                    account_id, max_id, limit, ids, n);
}

int follow_list_following(struct db_conn *c, struct arena *a, int64_t account_id, int64_t max_id,
                          int limit, int64_t **ids, size_t *n)
{
    return list_ids(c, a,
                    "SELECT target_account_id FROM follows WHERE account_id = ? AND accepted = 1"
                    " AND id < ? ORDER BY id DESC LIMIT ?",
                    account_id, max_id, limit, ids, n);
}

int follow_list_requests(struct db_conn *c, struct arena *a, int64_t account_id, int64_t **ids,
                         size_t *n)
{
    return list_ids(c, a,
                    "SELECT account_id FROM follows WHERE target_account_id = ? AND accepted = 0"
                    " AND id < ? ORDER BY id DESC LIMIT ?",
                    account_id, 0, 80, ids, n);
}

int block_create(const struct core *core, int64_t blocker, int64_t target)
{
    if (blocker == target)
        return E_INVAL;
    struct db_conn *c;
    int rc = tx_start(core, &c);
    if (rc)
        return rc;
    struct db_stmt *s;
    rc = db_prepare(c,
                    "INSERT INTO blocks (id, account_id, target_account_id, created_at)"
                    " VALUES (?, ?, ?, ?) ON CONFLICT (account_id, target_account_id) DO NOTHING",
                    &s);
    if (rc)
        goto out;
    db_bind_i64(s, 1, id_next());
    db_bind_i64(s, 2, blocker);
    db_bind_i64(s, 3, target);
    db_bind_i64(s, 4, time_now_ms());
    rc = db_step(s);
    db_stmt_done(s);
    if (rc >= 0)
        rc = exec2(c, "DELETE FROM follows WHERE account_id = ? AND target_account_id = ?", blocker,
                   target);
    if (rc >= 0)
        rc = exec2(c, "DELETE FROM follows WHERE account_id = ? AND target_account_id = ?", target,
                   blocker);
    if (rc >= 0)
        rc = exec2(c, "DELETE FROM notifications WHERE account_id = ? AND from_account_id = ?",
                   blocker, target);
out:
    return tx_end(c, rc < 0 ? rc : 0);
}

int block_remove(const struct core *core, int64_t blocker, int64_t target)
{
    struct db_conn *c;
    int rc = tx_start(core, &c);
    if (rc)
        return rc;
    rc = exec2(c, "DELETE FROM blocks WHERE account_id = ? AND target_account_id = ?", blocker,
               target);
    return tx_end(c, rc < 0 ? rc : 0);
}
