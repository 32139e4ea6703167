/*
 * tag: hashtags and followed hashtags over the database. A name is
 * checked by formatting "#name" with the status formatter, so that the
 * tags one can follow are exactly the tags posts can carry.
 */
#include "core/tag.h"

#include <stdint.h>
#include <string.h>

#include "core/core.h"
#include "core/feed.h"
#include "core/text.h"
#include "core/timeline.h"
#include "core/tx.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"
#include "util/limits.h"
#include "util/timeutil.h"

#define DAY_MS (24LL * 60 * 60 * 1000)

const char *tag_normalize(struct arena *a, const char *name)
{
    if (!name)
        return NULL;
    if (*name == '#')
        name++;
    size_t len = strlen(name);
    /* A name longer than this cannot be a tag: spare the formatter. */
    if (len == 0 || len > 4 * LIMIT_HASHTAG_CHARS)
        return NULL;
    char *src = arena_printf(a, "#%s", name);
    struct text_result r;
    if (text_format(a, src, len + 1, NULL, &r) != 0 || r.n_tags != 1 || strlen(r.tags[0]) != len)
        return NULL;
    return r.tags[0];
}

int tag_history(struct db_conn *c, int64_t tag_id, int64_t now_ms,
                struct tag_day history[TAG_HISTORY_DAYS])
{
    int64_t today = now_ms - now_ms % DAY_MS;
    int64_t first = today - (TAG_HISTORY_DAYS - 1) * DAY_MS;
    for (int i = 0; i < TAG_HISTORY_DAYS; i++)
        history[i] = (struct tag_day){(today - i * DAY_MS) / 1000, 0, 0};
    if (!tag_id)
        return 0;
    /* Status ids are time-ordered: the bound on st.status_id keeps to the tag's recent rows. */
    struct db_stmt *s;
    int rc = db_prepare(c,
                        "SELECT s.created_at / ?, count(*), count(DISTINCT s.account_id)"
                        " FROM status_tags st JOIN statuses s ON s.id = st.status_id"
                        " WHERE st.tag_id = ? AND st.status_id >= ? AND s.created_at >= ?"
                        " AND s.deleted_at IS NULL AND s.reblog_of_id IS NULL"
                        " AND s.visibility IN (0, 1) GROUP BY s.created_at / ?",
                        &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, DAY_MS);
    db_bind_i64(s, 2, tag_id);
    db_bind_i64(s, 3, id_floor(first));
    db_bind_i64(s, 4, first);
    db_bind_i64(s, 5, DAY_MS);
    while ((rc = db_step(s)) == DB_ROW) {
        int64_t k = (today / DAY_MS) - db_col_i64(s, 0);
        if (k >= 0 && k < TAG_HISTORY_DAYS) {
            history[k].uses = db_col_i64(s, 1);
            history[k].accounts = db_col_i64(s, 2);
        }
    }
    db_stmt_done(s);
    return rc < 0 ? rc : 0;
}

int tag_get(struct db_conn *c, struct arena *a, int64_t viewer, const char *name, struct tag **out)
{
    const char *norm = tag_normalize(a, name);
    if (!norm)
        return E_NOTFOUND;
    struct tag *t = arena_zalloc(a, sizeof(*t));
    t->name = norm;
    struct db_stmt *s;
    int rc = db_prepare(c,
                        "SELECT t.id, EXISTS (SELECT 1 FROM followed_tags f WHERE f.tag_id = t.id"
                        " AND f.account_id = ?) FROM tags t WHERE t.name = ?",
                        &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, viewer);
    db_bind_text(s, 2, norm);
    rc = db_step(s);
    if (rc == DB_ROW) {
        t->id = db_col_i64(s, 0);
        t->following = viewer && db_col_i64(s, 1);
    }
    db_stmt_done(s);
    if (rc < 0)
        return rc;
    rc = tag_history(c, t->id, time_now_ms(), t->history);
    if (rc == 0)
        *out = t;
    return rc;
}

static int step_done(struct db_stmt *s)
{
    int rc = db_step(s);
    db_stmt_done(s);
    return rc < 0 ? rc : 0;
}

int tag_follow(const struct core *core, struct arena *a, int64_t account, const char *name,
               struct tag **out)
{
    const char *norm = tag_normalize(a, name);
    if (!norm)
        return E_NOTFOUND;
    struct db_conn *c;
    int rc = core_tx_begin(core, &c);
    if (rc)
        return rc;
    struct db_stmt *s;
    rc = db_prepare(c,
                    "INSERT INTO tags (id, name, created_at) VALUES (?, ?, ?)"
                    " ON CONFLICT (name) DO NOTHING",
                    &s);
    if (rc)
        goto out;
    db_bind_i64(s, 1, id_next());
    db_bind_text(s, 2, norm);
    db_bind_i64(s, 3, time_now_ms());
    if ((rc = step_done(s)))
        goto out;
    rc = db_prepare(c, "SELECT count(*) FROM followed_tags WHERE account_id = ?", &s);
    if (rc)
        goto out;
    db_bind_i64(s, 1, account);
    int64_t have = db_step(s) == DB_ROW ? db_col_i64(s, 0) : 0;
    db_stmt_done(s);
    if (have >= TAG_FOLLOWED_MAX) {
        rc = E_LIMIT;
        goto out;
    }
    rc = db_prepare(c,
                    "INSERT INTO followed_tags (id, account_id, tag_id, created_at)"
                    " SELECT ?, ?, id, ? FROM tags WHERE name = ?"
                    " ON CONFLICT (account_id, tag_id) DO NOTHING",
                    &s);
    if (rc)
        goto out;
    db_bind_i64(s, 1, id_next());
    db_bind_i64(s, 2, account);
    db_bind_i64(s, 3, time_now_ms());
    db_bind_text(s, 4, norm);
    rc = step_done(s);
    if (rc == 0) {
        /* Its recent posts join her home feed (core/feed.h). */
        rc = db_prepare(c, "SELECT id FROM tags WHERE name = ?", &s);
        if (rc == 0) {
            db_bind_text(s, 1, norm);
            int64_t tag_id = db_step(s) == DB_ROW ? db_col_i64(s, 0) : 0;
            db_stmt_done(s);
            if (tag_id)
                rc = feed_follow_tag(c, account, tag_id);
        }
    }
    if (rc == 0 && out)
        rc = tag_get(c, a, account, norm, out);
out:
    return core_tx_end(c, rc);
}

int tag_unfollow(const struct core *core, struct arena *a, int64_t account, const char *name,
                 struct tag **out)
{
    const char *norm = tag_normalize(a, name);
    if (!norm)
        return E_NOTFOUND;
    struct db_conn *c;
    int rc = core_tx_begin(core, &c);
    if (rc)
        return rc;
    struct db_stmt *s;
    rc = db_prepare(c,
                    "DELETE FROM followed_tags WHERE account_id = ?"
                    " AND tag_id IN (SELECT id FROM tags WHERE name = ?)",
                    &s);
    if (rc)
        goto out;
    db_bind_i64(s, 1, account);
    db_bind_text(s, 2, norm);
    rc = step_done(s);
    if (rc == 0 && out)
        rc = tag_get(c, a, account, norm, out);
out:
    return core_tx_end(c, rc);
}

int tag_followed(struct db_conn *c, struct arena *a, int64_t account, const struct page *p,
                 struct tag **out, int64_t **page_ids, size_t *n)
{
    int limit = p->limit <= 0 ? TAG_FOLLOWED_LIMIT_DEFAULT : p->limit;
    if (limit > TAG_FOLLOWED_LIMIT_MAX)
        limit = TAG_FOLLOWED_LIMIT_MAX;
    int asc = p->min_id != 0;
    struct db_stmt *s;
    int rc = db_prepare(c,
                        asc ? "SELECT f.id, t.id, t.name FROM followed_tags f JOIN tags t"
                              " ON t.id = f.tag_id WHERE f.account_id = ? AND f.id < ? AND f.id > ?"
                              " ORDER BY f.id ASC LIMIT ?"
                            : "SELECT f.id, t.id, t.name FROM followed_tags f JOIN tags t"
                              " ON t.id = f.tag_id WHERE f.account_id = ? AND f.id < ? AND f.id > ?"
                              " ORDER BY f.id DESC LIMIT ?",
                        &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, account);
    db_bind_i64(s, 2, p->max_id ? p->max_id : INT64_MAX);
    db_bind_i64(s, 3, asc ? p->min_id : p->since_id);
    db_bind_i64(s, 4, limit);
    struct tag *tags = arena_zalloc(a, (size_t)limit * sizeof(*tags));
    int64_t *pids = arena_alloc(a, (size_t)limit * sizeof(*pids));
    size_t count = 0;
    while (count < (size_t)limit && (rc = db_step(s)) == DB_ROW) {
        /* min_id pages come back oldest first; lists are always newest first. */
        size_t k = asc ? (size_t)limit - 1 - count : count;
        pids[k] = db_col_i64(s, 0);
        tags[k].id = db_col_i64(s, 1);
        tags[k].name = arena_strdup(a, db_col_text(s, 2));
        tags[k].following = 1;
        count++;
    }
    db_stmt_done(s);
    if (rc < 0)
        return rc;
    if (asc) {
        tags += (size_t)limit - count;
        pids += (size_t)limit - count;
    }
    int64_t now = time_now_ms();
    for (size_t i = 0; i < count && rc >= 0; i++)
        rc = tag_history(c, tags[i].id, now, tags[i].history);
    if (rc < 0)
        return rc;
    *out = tags;
    *page_ids = pids;
    *n = count;
    return 0;
}

int tag_home_fits(struct db_conn *c, int64_t account, int64_t status_id)
{
    struct db_stmt *s;
    int rc = db_prepare(c, "SELECT 1 FROM statuses s WHERE s.id = ? AND " TAG_HOME_SQL, &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, status_id);
    db_bind_i64(s, 2, account);
    rc = db_step(s);
    db_stmt_done(s);
    return rc < 0 ? rc : rc == DB_ROW;
}
