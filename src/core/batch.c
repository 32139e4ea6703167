/*
 * batch: page loaders (see batch.h). Each runs one fixed SQL text per
 * DB_IN_WIDTH ids, so the statement cache keeps one statement per loader.
 */
#include "core/batch.h"

#include <string.h>

#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/limits.h"

static size_t index_of(const int64_t *ids, size_t n, int64_t id)
{
    for (size_t i = 0; i < n; i++)
        if (ids[i] == id)
            return i;
    return n;
}

int batch_statuses(struct db_conn *c, struct arena *a, int64_t viewer, const int64_t *ids, size_t n,
                   struct status **statuses, struct status_counts *counts)
{
    memset(statuses, 0, n * sizeof(*statuses));
    memset(counts, 0, n * sizeof(*counts));
    for (size_t off = 0; off < n; off += DB_IN_WIDTH) {
        size_t k = n - off < DB_IN_WIDTH ? n - off : DB_IN_WIDTH;
        struct db_stmt *s;
        int rc = db_prepare(c,
                            "SELECT " STATUS_COLUMNS ","
                            " (SELECT count(*) FROM statuses r WHERE r.in_reply_to_id = statuses.id"
                            " AND r.deleted_at IS NULL),"
                            " (SELECT count(*) FROM statuses b WHERE b.reblog_of_id = statuses.id"
                            " AND b.deleted_at IS NULL),"
                            " (SELECT count(*) FROM favourites f WHERE f.status_id = statuses.id),"
                            " EXISTS (SELECT 1 FROM favourites f WHERE f.status_id = statuses.id"
                            " AND f.account_id = ?),"
                            " EXISTS (SELECT 1 FROM statuses b WHERE b.reblog_of_id = statuses.id"
                            " AND b.account_id = ? AND b.deleted_at IS NULL),"
                            " EXISTS (SELECT 1 FROM bookmarks m WHERE m.status_id = statuses.id"
                            " AND m.account_id = ?),"
                            " EXISTS (SELECT 1 FROM status_pins p WHERE p.status_id = statuses.id"
                            " AND p.account_id = ?),"
                            " EXISTS (SELECT 1 FROM thread_mutes tm WHERE tm.account_id = ?"
                            " AND tm.thread_id = COALESCE(statuses.thread_root_id, statuses.id))"
                            " FROM statuses WHERE id IN " DB_IN_LIST " AND deleted_at IS NULL",
                            &s);
        if (rc)
            return rc;
        for (int v = 1; v <= 5; v++)
            db_bind_i64(s, v, viewer);
        db_bind_id_list(s, 6, ids + off, k);
        while ((rc = db_step(s)) == DB_ROW) {
            size_t i = off + index_of(ids + off, k, db_col_i64(s, 0));
            if (i >= off + k)
                continue;
            statuses[i] = status_from_row(a, s);
            counts[i].replies = db_col_i64(s, 20);
            counts[i].reblogs = db_col_i64(s, 21);
            counts[i].favourites = db_col_i64(s, 22);
            counts[i].favourited = (int)db_col_i64(s, 23);
            counts[i].reblogged = (int)db_col_i64(s, 24);
            counts[i].bookmarked = (int)db_col_i64(s, 25);
            counts[i].pinned = (int)db_col_i64(s, 26);
            counts[i].muted = (int)db_col_i64(s, 27);
            /* The same id twice in ids: both slots get the row. */
            for (size_t j = i + 1; j < off + k; j++)
                if (ids[j] == ids[i]) {
                    statuses[j] = statuses[i];
                    counts[j] = counts[i];
                }
        }
        db_stmt_done(s);
        if (rc < 0)
            return rc;
    }
    return 0;
}

int batch_extras(struct db_conn *c, const int64_t *ids, size_t n, int *has_media, int *has_poll)
{
    memset(has_media, 0, n * sizeof(*has_media));
    memset(has_poll, 0, n * sizeof(*has_poll));
    for (size_t off = 0; off < n; off += DB_IN_WIDTH) {
        size_t k = n - off < DB_IN_WIDTH ? n - off : DB_IN_WIDTH;
        struct db_stmt *s;
        int rc =
            db_prepare(c,
                       "SELECT DISTINCT status_id, 0 FROM media_attachments"
                       " WHERE status_id IN " DB_IN_LIST " AND position >= 0"
                       " UNION ALL SELECT status_id, 1 FROM polls WHERE status_id IN " DB_IN_LIST,
                       &s);
        if (rc)
            return rc;
        int at = db_bind_id_list(s, 1, ids + off, k);
        db_bind_id_list(s, at, ids + off, k);
        while ((rc = db_step(s)) == DB_ROW) {
            int64_t id = db_col_i64(s, 0);
            int poll = (int)db_col_i64(s, 1);
            for (size_t j = off; j < off + k; j++)
                if (ids[j] == id)
                    (poll ? has_poll : has_media)[j] = 1;
        }
        db_stmt_done(s);
        if (rc < 0)
            return rc;
    }
    return 0;
}

int batch_accounts(struct db_conn *c, struct arena *a, const int64_t *ids, size_t n,
                   struct account **accounts, struct account_stats *stats)
{
    memset(accounts, 0, n * sizeof(*accounts));
    memset(stats, 0, n * sizeof(*stats));
    for (size_t off = 0; off < n; off += DB_IN_WIDTH) {
        size_t k = n - off < DB_IN_WIDTH ? n - off : DB_IN_WIDTH;
        struct db_stmt *s;
        int rc =
            db_prepare(c,
                       "SELECT " ACCOUNT_COLUMNS ","
                       " COALESCE(st.followers_count, 0), COALESCE(st.following_count, 0),"
                       " COALESCE(st.statuses_count, 0), COALESCE(last_status_at, 0), avatar_ref,"
                       " header_ref"
                       " FROM accounts LEFT JOIN account_stats st ON st.account_id = accounts.id"
                       " WHERE id IN " DB_IN_LIST,
                       &s);
        if (rc)
            return rc;
        db_bind_id_list(s, 1, ids + off, k);
        while ((rc = db_step(s)) == DB_ROW) {
            size_t i = off + index_of(ids + off, k, db_col_i64(s, 0));
            if (i >= off + k)
                continue;
            accounts[i] = account_from_row(a, s);
            stats[i].followers = db_col_i64(s, ACCOUNT_NCOLUMNS);
            stats[i].following = db_col_i64(s, ACCOUNT_NCOLUMNS + 1);
            stats[i].statuses = db_col_i64(s, ACCOUNT_NCOLUMNS + 2);
            stats[i].last_status_at = db_col_i64(s, ACCOUNT_NCOLUMNS + 3);
            const char *t = db_col_text(s, ACCOUNT_NCOLUMNS + 4);
            stats[i].avatar_ref = t ? arena_strdup(a, t) : NULL;
            t = db_col_text(s, ACCOUNT_NCOLUMNS + 5);
            stats[i].header_ref = t ? arena_strdup(a, t) : NULL;
            for (size_t j = i + 1; j < off + k; j++)
                if (ids[j] == ids[i]) {
                    accounts[j] = accounts[i];
                    stats[j] = stats[i];
                }
        }
        db_stmt_done(s);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* Runs a pairs query (status_id, then an id or a text) over ids. */
static int pairs(struct db_conn *c, struct arena *a, const char *sql, const int64_t *ids, size_t n,
                 size_t per_status, int64_t **status_ids, int64_t **values, const char ***texts,
                 size_t *count)
{
    size_t cap = n * per_status, got = 0;
    int64_t *sids = arena_alloc(a, (cap ? cap : 1) * sizeof(*sids));
    int64_t *vals = values ? arena_alloc(a, (cap ? cap : 1) * sizeof(*vals)) : NULL;
    const char **txt = texts ? arena_alloc(a, (cap ? cap : 1) * sizeof(*txt)) : NULL;
    for (size_t off = 0; off < n; off += DB_IN_WIDTH) {
        size_t k = n - off < DB_IN_WIDTH ? n - off : DB_IN_WIDTH;
        struct db_stmt *s;
        int rc = db_prepare(c, sql, &s);
        if (rc)
            return rc;
        db_bind_id_list(s, 1, ids + off, k);
        int64_t last = 0;
        size_t run = 0;
        while ((rc = db_step(s)) == DB_ROW && got < cap) {
            int64_t sid = db_col_i64(s, 0);
            run = sid == last ? run + 1 : 1;
            last = sid;
            if (run > per_status)
                continue;
            sids[got] = sid;
            if (vals)
                vals[got] = db_col_i64(s, 1);
            if (txt) {
                const char *t = db_col_text(s, 1);
                txt[got] = arena_strdup(a, t ? t : "");
            }
            got++;
        }
        db_stmt_done(s);
        if (rc < 0)
            return rc;
    }
    *status_ids = sids;
    if (values)
        *values = vals;
    if (texts)
        *texts = txt;
    *count = got;
    return 0;
}

int batch_mentions(struct db_conn *c, struct arena *a, const int64_t *ids, size_t n,
                   int64_t **status_ids, int64_t **account_ids, size_t *count)
{
    return pairs(c, a,
                 "SELECT status_id, account_id FROM mentions WHERE status_id IN " DB_IN_LIST
                 " ORDER BY status_id",
                 ids, n, LIMIT_MENTIONS, status_ids, account_ids, NULL, count);
}

int batch_tags(struct db_conn *c, struct arena *a, const int64_t *ids, size_t n,
               int64_t **status_ids, const char ***names, size_t *count)
{
    return pairs(c, a,
                 "SELECT st.status_id, t.name FROM status_tags st JOIN tags t ON t.id = st.tag_id"
                 " WHERE st.status_id IN " DB_IN_LIST " ORDER BY st.status_id, t.name",
                 ids, n, LIMIT_HASHTAGS, status_ids, NULL, names, count);
}
