/*
 * feed: home feeds (see feed.h). Trimming is spread out: each push trims
 * about one recipient in FEED_TRIM_ODDS, chosen by a hash of the pair, so
 * a feed grows past FEED_MAX by a few dozen entries at most and no single
 * post pays for every follower's trim.
 */
#include "core/feed.h"

#include <stdint.h>
#include <stdlib.h>

#include "db/db.h"
#include "util/err.h"
#include "util/mem.h"

#define FEED_TRIM_ODDS 32

static int step_done(struct db_stmt *s)
{
    int rc = db_step(s);
    db_stmt_done(s);
    return rc < 0 ? rc : 0;
}

int feed_floor(struct db_conn *c, int64_t account, int64_t *floor)
{
    struct db_stmt *s;
    *floor = 0;
    int rc = db_prepare(c, "SELECT floor_id FROM home_feed_floors WHERE account_id = ?", &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, account);
    rc = db_step(s);
    if (rc == DB_ROW)
        *floor = db_col_i64(s, 0);
    db_stmt_done(s);
    return rc < 0 ? rc : 0;
}

/* Raises the floor to at least id. */
static int raise_floor(struct db_conn *c, int64_t account, int64_t id)
{
    struct db_stmt *s;
    int rc = db_prepare(c,
                        "INSERT INTO home_feed_floors (account_id, floor_id) VALUES (?, ?)"
                        " ON CONFLICT (account_id) DO UPDATE SET floor_id = excluded.floor_id"
                        " WHERE excluded.floor_id > home_feed_floors.floor_id",
                        &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, account);
    db_bind_i64(s, 2, id);
    return step_done(s);
}

static int insert(struct db_conn *c, int64_t account, int64_t status_id)
{
    struct db_stmt *s;
    int rc = db_prepare(c,
                        "INSERT INTO home_feed (account_id, status_id) VALUES (?, ?)"
                        " ON CONFLICT DO NOTHING",
                        &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, account);
    db_bind_i64(s, 2, status_id);
    return step_done(s);
}

/* Keeps the newest FEED_MAX entries; the floor rises to the newest one dropped. */
static int trim(struct db_conn *c, int64_t account)
{
    struct db_stmt *s;
    int rc = db_prepare(c,
                        "SELECT status_id FROM home_feed WHERE account_id = ?"
                        " ORDER BY status_id DESC LIMIT 1 OFFSET ?",
                        &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, account);
    db_bind_i64(s, 2, FEED_MAX);
    int64_t cut = 0;
    rc = db_step(s);
    if (rc == DB_ROW)
        cut = db_col_i64(s, 0);
    db_stmt_done(s);
    if (rc < 0 || !cut)
        return rc < 0 ? rc : 0;
    rc = db_prepare(c, "DELETE FROM home_feed WHERE account_id = ? AND status_id <= ?", &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, account);
    db_bind_i64(s, 2, cut);
    rc = step_done(s);
    return rc ? rc : raise_floor(c, account, cut);
}

static int should_trim(int64_t account, int64_t status_id)
{
    uint64_t h = ((uint64_t)account * 0x9E3779B97F4A7C15u) ^ ((uint64_t)status_id >> 16);
    h ^= h >> 29;
    h *= 0xBF58476D1CE4E5B9u;
    h ^= h >> 32;
    return h % FEED_TRIM_ODDS == 0;
}

static int push_one(struct db_conn *c, int64_t account, int64_t status_id)
{
    int rc = insert(c, account, status_id);
    if (rc == 0 && should_trim(account, status_id))
        rc = trim(c, account);
    return rc;
}

int feed_push(struct db_conn *c, int64_t status_id, int64_t author)
{
    struct db_stmt *s;
    int rc = db_prepare(c,
                        "SELECT f.account_id FROM follows f JOIN users u ON u.account_id ="
                        " f.account_id WHERE f.target_account_id = ? AND f.accepted = 1"
                        " UNION SELECT account_id FROM users WHERE account_id = ?"
                        " UNION SELECT ft.account_id FROM followed_tags ft JOIN status_tags st"
                        " ON st.tag_id = ft.tag_id WHERE st.status_id = ?",
                        &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, author);
    db_bind_i64(s, 2, author);
    db_bind_i64(s, 3, status_id);
    /* Collected first: the inserts below need the connection's other statements. */
    int64_t *to = NULL;
    size_t n = 0, cap = 0;
    while ((rc = db_step(s)) == DB_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            to = xrealloc(to, cap * sizeof(*to));
        }
        to[n++] = db_col_i64(s, 0);
    }
    db_stmt_done(s);
    for (size_t i = 0; rc >= 0 && i < n; i++)
        rc = push_one(c, to[i], status_id);
    free(to);
    return rc < 0 ? rc : 0;
}

static int is_member(struct db_conn *c, int64_t account, int *member)
{
    struct db_stmt *s;
    int rc = db_prepare(c, "SELECT 1 FROM users WHERE account_id = ?", &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, account);
    rc = db_step(s);
    *member = rc == DB_ROW;
    db_stmt_done(s);
    return rc < 0 ? rc : 0;
}

/*
 * Copies into a member's feed the newest FEED_BACKFILL statuses that sql
 * selects (binding source, then the floor, then the count) above her
 * floor; when there were more, her floor rises over the rest.
 */
static int backfill(struct db_conn *c, int64_t account, const char *sql, int64_t source)
{
    int member = 0;
    int64_t floor = 0;
    int rc = is_member(c, account, &member);
    if (rc || !member)
        return rc;
    if ((rc = feed_floor(c, account, &floor)))
        return rc;
    struct db_stmt *s;
    rc = db_prepare(c, sql, &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, source);
    db_bind_i64(s, 2, floor);
    db_bind_i64(s, 3, FEED_BACKFILL + 1);
    int64_t ids[FEED_BACKFILL + 1];
    size_t n = 0;
    while (n < FEED_BACKFILL + 1 && (rc = db_step(s)) == DB_ROW)
        ids[n++] = db_col_i64(s, 0);
    db_stmt_done(s);
    if (rc < 0)
        return rc;
    if (n == FEED_BACKFILL + 1) {
        n--;
        if ((rc = raise_floor(c, account, ids[n])))
            return rc;
    }
    for (size_t i = 0; i < n; i++)
        if ((rc = insert(c, account, ids[i])))
            return rc;
    return trim(c, account);
}

int feed_follow(struct db_conn *c, int64_t follower, int64_t target)
{
    return backfill(c, follower,
                    "SELECT id FROM statuses WHERE account_id = ? AND id > ?"
                    " AND deleted_at IS NULL ORDER BY id DESC LIMIT ?",
                    target);
}

int feed_follow_tag(struct db_conn *c, int64_t account, int64_t tag_id)
{
    return backfill(c, account,
                    "SELECT st.status_id FROM status_tags st WHERE st.tag_id = ?"
                    " AND st.status_id > ? ORDER BY st.status_id DESC LIMIT ?",
                    tag_id);
}

int feed_unfollow(struct db_conn *c, int64_t follower, int64_t target)
{
    struct db_stmt *s;
    if (follower == target)
        return 0; /* her own posts stay */
    int rc = db_prepare(c,
                        "DELETE FROM home_feed WHERE account_id = ? AND status_id IN"
                        " (SELECT id FROM statuses WHERE account_id = ?)"
                        /* Posts with a hashtag she follows stay for that. */
                        " AND NOT EXISTS (SELECT 1 FROM status_tags st JOIN followed_tags ft"
                        " ON ft.tag_id = st.tag_id WHERE ft.account_id = ?"
                        " AND st.status_id = home_feed.status_id)",
                        &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, follower);
    db_bind_i64(s, 2, target);
    db_bind_i64(s, 3, follower);
    return step_done(s);
}
