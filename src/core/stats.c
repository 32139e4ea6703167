/*
 * stats: stored account counts (see stats.h). The count of statuses
 * follows Mastodon: public, unlisted and followers-only, boosts included,
 * deleted ones not.
 */
#include "core/stats.h"

#include "db/db.h"
#include "util/err.h"

int account_stats_refresh(struct db_conn *c, int64_t account_id)
{
    struct db_stmt *s;
    int rc = db_prepare(
        c,
        "INSERT INTO account_stats (account_id, followers_count, following_count,"
        " statuses_count) SELECT ?,"
        " (SELECT count(*) FROM follows WHERE target_account_id = ? AND accepted = 1),"
        " (SELECT count(*) FROM follows WHERE account_id = ? AND accepted = 1),"
        " (SELECT count(*) FROM statuses WHERE account_id = ? AND visibility IN (0, 1, 2)"
        " AND deleted_at IS NULL)"
        " ON CONFLICT (account_id) DO UPDATE SET followers_count = excluded.followers_count,"
        " following_count = excluded.following_count, statuses_count = excluded.statuses_count",
        &s);
    if (rc)
        return rc;
    for (int i = 1; i <= 4; i++)
        db_bind_i64(s, i, account_id);
    rc = db_step(s);
    db_stmt_done(s);
    return rc < 0 ? rc : 0;
}

int account_stats_one_more(struct db_conn *c, int64_t account_id)
{
    struct db_stmt *s;
    int rc = db_prepare(
        c, "UPDATE account_stats SET statuses_count = statuses_count + 1 WHERE account_id = ?", &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, account_id);
    rc = db_step(s);
    db_stmt_done(s);
    if (rc < 0)
        return rc;
    return db_changes(c) > 0 ? 0 : account_stats_refresh(c, account_id);
}
