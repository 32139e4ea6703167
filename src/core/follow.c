/*
 * follow: follows, requests, blocks and mutes over the database.
 *
 * Every change runs in one write transaction (tx_start/tx_end) so that a
 * follow and its notification, or a block and the follows it removes, are
 * stored together or not at all. Nothing here allocates beyond the
 * caller's arena.
 */
#include "core/follow.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/core.h"
#include "core/events.h"
#include "core/feed.h"
#include "core/outbox.h"
#include "core/stats.h"
#include "core/tx.h"
#include "core/notification.h"
#include "core/people.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"
#include "util/mem.h"
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

/* Both sides' stored counts after a follow between them changed. */
static int refresh_pair(struct db_conn *c, int64_t a, int64_t b)
{
    int rc = account_stats_refresh(c, a);
    return rc ? rc : account_stats_refresh(c, b);
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

/* Whether an account exists, is locked, and is local. E_NOTFOUND when missing. */
static int account_facts(struct db_conn *c, int64_t id, int *locked, int *local)
{
    struct db_stmt *s;
    int rc = db_prepare(c, "SELECT locked, domain IS NULL FROM accounts WHERE id = ?", &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, id);
    rc = db_step(s);
    if (rc == DB_ROW) {
        *locked = (int)db_col_i64(s, 0);
        *local = (int)db_col_i64(s, 1);
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = E_NOTFOUND;
    }
    db_stmt_done(s);
    return rc;
}

/* E_NOTFOUND unless both accounts exist. */
static int both_exist(struct db_conn *c, int64_t a, int64_t b)
{
    int locked, local;
    int rc = account_facts(c, a, &locked, &local);
    return rc ? rc : account_facts(c, b, &locked, &local);
}

/*
 * Queues ev from actor to object when actor is a member here and object
 * is on another server (the only case another server must hear of). uri
 * NULL reads the follow's own id (follower actor or object, as ev says).
 */
static int federate(struct db_conn *c, enum outbox_event ev, int64_t actor, int64_t object,
                    const char *uri)
{
    int locked, actor_local, object_local;
    if (account_facts(c, actor, &locked, &actor_local) != 0 ||
        account_facts(c, object, &locked, &object_local) != 0 || !actor_local || object_local)
        return 0;
    if (uri)
        return outbox_add(c, ev, actor, object, uri);
    /* Accept and Reject answer the follower's Follow; Undo withdraws ours. */
    int64_t follower = ev == OUTBOX_ACCEPT || ev == OUTBOX_REJECT ? object : actor;
    int64_t target = follower == object ? actor : object;
    struct db_stmt *s;
    int rc =
        db_prepare(c, "SELECT uri FROM follows WHERE account_id = ? AND target_account_id = ?", &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, follower);
    db_bind_i64(s, 2, target);
    rc = db_step(s);
    char *found = rc == DB_ROW && db_col_text(s, 0) ? xstrdup(db_col_text(s, 0)) : NULL;
    db_stmt_done(s);
    if (rc < 0)
        return rc;
    rc = found ? outbox_add(c, ev, actor, object, found) : 0;
    free(found);
    return rc;
}

int follow_create(const struct core *core, int64_t follower, int64_t target,
                  const struct follow_options *opt, enum follow_state *state)
{
    static const struct follow_options defaults = {0};
    struct db_conn *c = NULL;
    int locked = 0, target_local = 0, ignored = 0;
    int rc = E_INVAL;
    if (follower == target)
        goto out;
    if (!opt)
        opt = &defaults;
    rc = core_tx_begin(core, &c);
    if (rc)
        goto out;
    rc = account_facts(c, follower, &ignored, &ignored);
    if (rc == 0)
        rc = account_facts(c, target, &locked, &target_local);
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
    enum follow_state existing;
    rc = follow_state(c, follower, target, &existing);
    if (rc)
        goto out;
    struct db_stmt *s;
    if (existing != FOLLOW_NONE) {
        rc = db_prepare(c,
                        "UPDATE follows SET show_reblogs = ?, notify = ?, uri = COALESCE(?, uri)"
                        " WHERE account_id = ? AND target_account_id = ?",
                        &s);
        if (rc)
            goto out;
        db_bind_i64(s, 1, !opt->hide_reblogs);
        db_bind_i64(s, 2, opt->notify != 0);
        db_bind_text(s, 3, opt->uri);
        db_bind_i64(s, 4, follower);
        db_bind_i64(s, 5, target);
        rc = db_step(s);
        db_stmt_done(s);
        rc = rc < 0 ? rc : 0;
        *state = existing;
        goto out;
    }
    /* A remote account's server decides; its Accept arrives later. */
    int pending = locked || !target_local || (opt && opt->as_request);
    int64_t fid = id_next();
    const char *uri = opt->uri;
    char own_uri[512];
    if (!uri && !target_local) {
        snprintf(own_uri, sizeof(own_uri), "%s/follows/%lld", core->base_url, (long long)fid);
        uri = own_uri;
    }
    rc = db_prepare(c,
                    "INSERT INTO follows (id, account_id, target_account_id, accepted,"
                    " show_reblogs, notify, uri, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    &s);
    if (rc)
        goto out;
    db_bind_i64(s, 1, fid);
    db_bind_i64(s, 2, follower);
    db_bind_i64(s, 3, target);
    db_bind_i64(s, 4, !pending);
    db_bind_i64(s, 5, !opt->hide_reblogs);
    db_bind_i64(s, 6, opt->notify != 0);
    db_bind_text(s, 7, uri);
    db_bind_i64(s, 8, time_now_ms());
    rc = db_step(s);
    db_stmt_done(s);
    if (rc < 0)
        goto out;
    *state = pending ? FOLLOW_PENDING : FOLLOW_ACCEPTED;
    if (!pending &&
        ((rc = feed_follow(c, follower, target)) || (rc = refresh_pair(c, follower, target))))
        goto out;
    rc = notification_add(c, target, follower, pending ? NOTIFY_FOLLOW_REQUEST : NOTIFY_FOLLOW, 0,
                          NULL);
    if (rc == 0)
        rc = federate(c, OUTBOX_FOLLOW, follower, target, uri);
    /* A remote follower of an unlocked member is accepted at once: tell her server. */
    if (rc == 0 && !pending)
        rc = federate(c, OUTBOX_ACCEPT, target, follower, uri);
out:
    return core_tx_end(c, rc);
}

/* Drops the follow_request notification target had from follower. */
static int drop_request_notification(struct db_conn *c, int64_t target, int64_t follower)
{
    int rc = exec2(c,
                   "DELETE FROM notifications WHERE account_id = ? AND from_account_id = ?"
                   " AND type = 'follow_request'",
                   target, follower);
    return rc < 0 ? rc : 0;
}

int follow_accept(const struct core *core, int64_t target, int64_t follower)
{
    struct db_conn *c = NULL;
    int rc = core_tx_begin(core, &c);
    if (rc)
        goto out;
    rc = exec2(c,
               "UPDATE follows SET accepted = 1 WHERE target_account_id = ? AND account_id = ?"
               " AND accepted = 0",
               target, follower);
    if (rc < 0)
        goto out;
    if (!db_changes(c)) {
        rc = E_NOTFOUND;
        goto out;
    }
    rc = drop_request_notification(c, target, follower);
    if (rc == 0)
        rc = feed_follow(c, follower, target);
    if (rc == 0)
        rc = refresh_pair(c, follower, target);
    if (rc == 0)
        rc = federate(c, OUTBOX_ACCEPT, target, follower, NULL);
out:
    return core_tx_end(c, rc);
}

int follow_reject(const struct core *core, int64_t target, int64_t follower)
{
    struct db_conn *c = NULL;
    int rc = core_tx_begin(core, &c);
    if (rc)
        goto out;
    rc = federate(c, OUTBOX_REJECT, target, follower, NULL);
    if (rc)
        goto out;
    rc = exec2(c,
               "DELETE FROM follows WHERE target_account_id = ? AND account_id = ?"
               " AND accepted = 0",
               target, follower);
    if (rc < 0)
        goto out;
    rc = db_changes(c) ? drop_request_notification(c, target, follower) : E_NOTFOUND;
out:
    return core_tx_end(c, rc);
}

/* Removes follower -> target; queues the Undo (or, as_reject, the Reject) first. */
static int remove_follow(const struct core *core, int64_t follower, int64_t target, int as_reject)
{
    struct db_conn *c = NULL;
    int rc = core_tx_begin(core, &c);
    if (rc)
        goto out;
    rc = as_reject ? federate(c, OUTBOX_REJECT, target, follower, NULL)
                   : federate(c, OUTBOX_UNDO_FOLLOW, follower, target, NULL);
    if (rc)
        goto out;
    rc = exec2(c, "DELETE FROM follows WHERE account_id = ? AND target_account_id = ?", follower,
               target);
    if (rc < 0)
        goto out;
    rc = drop_request_notification(c, target, follower);
    if (rc == 0)
        rc = feed_unfollow(c, follower, target);
    if (rc == 0)
        rc = refresh_pair(c, follower, target);
out:
    return core_tx_end(c, rc);
}

int follow_remove(const struct core *core, int64_t follower, int64_t target)
{
    return remove_follow(core, follower, target, 0);
}

int follow_remove_follower(const struct core *core, int64_t account, int64_t follower)
{
    return remove_follow(core, follower, account, 1);
}

/*
 * Runs one of the listing queries: sql[0] pages newest first (max_id,
 * since_id), sql[1] oldest first after min_id; the result is always newest
 * first.
 */
static int list_follows(struct db_conn *c, struct arena *a, const char *const sql[2],
                        int64_t account_id, const struct follow_page *p, struct follow_item **out,
                        size_t *n)
{
    return people_list(c, a, sql, account_id, NULL, p, out, n);
}

int follow_list_followers(struct db_conn *c, struct arena *a, int64_t account_id,
                          const struct follow_page *p, struct follow_item **out, size_t *n)
{
    static const char *const sql[2] = {
        "SELECT id, account_id FROM follows WHERE target_account_id = ? AND accepted = 1"
        " AND id < ? AND id > ? ORDER BY id DESC LIMIT ?",
        "SELECT id, account_id FROM follows WHERE target_account_id = ? AND accepted = 1"
        " AND id < ? AND id > ? ORDER BY id ASC LIMIT ?",
    };
    return list_follows(c, a, sql, account_id, p, out, n);
}

int follow_list_following(struct db_conn *c, struct arena *a, int64_t account_id,
                          const struct follow_page *p, struct follow_item **out, size_t *n)
{
    static const char *const sql[2] = {
        "SELECT id, target_account_id FROM follows WHERE account_id = ? AND accepted = 1"
        " AND id < ? AND id > ? ORDER BY id DESC LIMIT ?",
        "SELECT id, target_account_id FROM follows WHERE account_id = ? AND accepted = 1"
        " AND id < ? AND id > ? ORDER BY id ASC LIMIT ?",
    };
    return list_follows(c, a, sql, account_id, p, out, n);
}

int follow_list_requests(struct db_conn *c, struct arena *a, int64_t account_id,
                         const struct follow_page *p, struct follow_item **out, size_t *n)
{
    static const char *const sql[2] = {
        "SELECT id, account_id FROM follows WHERE target_account_id = ? AND accepted = 0"
        " AND id < ? AND id > ? ORDER BY id DESC LIMIT ?",
        "SELECT id, account_id FROM follows WHERE target_account_id = ? AND accepted = 0"
        " AND id < ? AND id > ? ORDER BY id ASC LIMIT ?",
    };
    return list_follows(c, a, sql, account_id, p, out, n);
}

int follow_relationship(struct db_conn *c, int64_t me, int64_t other, struct relationship *out)
{
    struct db_stmt *s;
    *out = (struct relationship){0};
    /* One row: me's follow of other, other's follow of me, blocks and the mute. */
    int rc = db_prepare(
        c,
        "SELECT (SELECT accepted FROM follows WHERE account_id = ? AND target_account_id = ?),"
        " (SELECT show_reblogs FROM follows WHERE account_id = ? AND target_account_id = ?),"
        " (SELECT notify FROM follows WHERE account_id = ? AND target_account_id = ?),"
        " (SELECT accepted FROM follows WHERE account_id = ? AND target_account_id = ?),"
        " EXISTS (SELECT 1 FROM blocks WHERE account_id = ? AND target_account_id = ?),"
        " EXISTS (SELECT 1 FROM blocks WHERE account_id = ? AND target_account_id = ?),"
        " (SELECT notifications FROM mutes WHERE account_id = ? AND target_account_id = ?"
        " AND (expires_at IS NULL OR expires_at > ?))",
        &s);
    if (rc)
        return rc;
    int64_t pairs[7][2] = {{me, other}, {me, other}, {me, other}, {other, me},
                           {me, other}, {other, me}, {me, other}};
    int i = 1;
    for (int k = 0; k < 7; k++) {
        db_bind_i64(s, i++, pairs[k][0]);
        db_bind_i64(s, i++, pairs[k][1]);
    }
    db_bind_i64(s, i, time_now_ms());
    rc = db_step(s);
    if (rc == DB_ROW) {
        int mine = !db_col_is_null(s, 0), theirs = !db_col_is_null(s, 3);
        out->following = mine && db_col_i64(s, 0);
        out->requested = mine && !db_col_i64(s, 0);
        out->showing_reblogs = mine && db_col_i64(s, 1);
        out->notifying = mine && db_col_i64(s, 2);
        out->followed_by = theirs && db_col_i64(s, 3);
        out->requested_by = theirs && !db_col_i64(s, 3);
        out->blocking = (int)db_col_i64(s, 4);
        out->blocked_by = (int)db_col_i64(s, 5);
        out->muting = !db_col_is_null(s, 6);
        out->muting_notifications = out->muting && db_col_i64(s, 6);
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = E_DB;
    }
    db_stmt_done(s);
    return rc;
}

int block_create(const struct core *core, int64_t blocker, int64_t target)
{
    struct db_conn *c = NULL;
    int rc = E_INVAL;
    if (blocker == target)
        goto out;
    rc = core_tx_begin(core, &c);
    if (rc)
        goto out;
    rc = both_exist(c, blocker, target);
    if (rc)
        goto out;
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
    if (rc >= 0)
        rc = feed_unfollow(c, blocker, target);
    if (rc >= 0)
        rc = feed_unfollow(c, target, blocker);
    if (rc >= 0)
        rc = refresh_pair(c, blocker, target);
    if (rc >= 0)
        rc = federate(c, OUTBOX_BLOCK, blocker, target, "");
    rc = rc < 0 ? rc : 0;
out:
    return core_tx_end(c, rc);
}

int block_remove(const struct core *core, int64_t blocker, int64_t target)
{
    struct db_conn *c = NULL;
    int rc = core_tx_begin(core, &c);
    if (rc)
        goto out;
    rc = exec2(c, "DELETE FROM blocks WHERE account_id = ? AND target_account_id = ?", blocker,
               target);
    if (rc >= 0 && db_changes(c) > 0)
        rc = federate(c, OUTBOX_UNDO_BLOCK, blocker, target, "");
    rc = rc < 0 ? rc : 0;
out:
    return core_tx_end(c, rc);
}

int mute_create(const struct core *core, int64_t account, int64_t target, int notifications,
                int64_t expires_at)
{
    struct db_conn *c = NULL;
    int rc = E_INVAL;
    if (account == target)
        goto out;
    rc = core_tx_begin(core, &c);
    if (rc)
        goto out;
    rc = both_exist(c, account, target);
    if (rc)
        goto out;
    struct db_stmt *s;
    rc = db_prepare(c,
                    "INSERT INTO mutes (id, account_id, target_account_id, notifications,"
                    " expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (account_id, target_account_id) DO UPDATE SET"
                    " notifications = excluded.notifications, expires_at = excluded.expires_at",
                    &s);
    if (rc)
        goto out;
    db_bind_i64(s, 1, id_next());
    db_bind_i64(s, 2, account);
    db_bind_i64(s, 3, target);
    db_bind_i64(s, 4, notifications != 0);
    if (expires_at > 0)
        db_bind_i64(s, 5, expires_at);
    else
        db_bind_null(s, 5);
    db_bind_i64(s, 6, time_now_ms());
    rc = db_step(s);
    db_stmt_done(s);
    rc = rc < 0 ? rc : 0;
out:
    return core_tx_end(c, rc);
}

int mute_remove(const struct core *core, int64_t account, int64_t target)
{
    struct db_conn *c = NULL;
    int rc = core_tx_begin(core, &c);
    if (rc)
        goto out;
    rc = exec2(c, "DELETE FROM mutes WHERE account_id = ? AND target_account_id = ?", account,
               target);
    rc = rc < 0 ? rc : 0;
out:
    return core_tx_end(c, rc);
}

int mute_exists(struct db_conn *c, int64_t account, int64_t target, int *notifications)
{
    struct db_stmt *s;
    int rc = db_prepare(c,
                        "SELECT notifications FROM mutes WHERE account_id = ? AND"
                        " target_account_id = ? AND (expires_at IS NULL OR expires_at > ?)",
                        &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, account);
    db_bind_i64(s, 2, target);
    db_bind_i64(s, 3, time_now_ms());
    rc = db_step(s);
    int found = rc == DB_ROW;
    if (notifications)
        *notifications = found && db_col_i64(s, 0);
    db_stmt_done(s);
    return rc < 0 ? rc : found;
}

int follow_familiar(struct db_conn *c, struct arena *a, int64_t me, int64_t target, int limit,
                    int64_t **ids, size_t *n)
{
    if (limit <= 0 || limit > 80)
        limit = 40;
    struct db_stmt *s;
    int rc = db_prepare(c,
                        "SELECT f1.target_account_id FROM follows f1 JOIN follows f2"
                        " ON f2.account_id = f1.target_account_id AND f2.target_account_id = ?"
                        " AND f2.accepted = 1 WHERE f1.account_id = ? AND f1.accepted = 1"
                        " ORDER BY f1.id DESC LIMIT ?",
                        &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, target);
    db_bind_i64(s, 2, me);
    db_bind_i64(s, 3, limit);
    int64_t *arr = arena_alloc(a, (size_t)limit * sizeof(*arr));
    size_t count = 0;
    while (count < (size_t)limit && (rc = db_step(s)) == DB_ROW)
        arr[count++] = db_col_i64(s, 0);
    db_stmt_done(s);
    if (rc < 0)
        return rc;
    *ids = arr;
    *n = count;
    return 0;
}
