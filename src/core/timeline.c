/*
 * timeline: one query shape for every list. The visibility predicate is
 * applied to the boosted status (alias v) for boosts and to the status
 * itself (also v) otherwise; paging bounds are always bound, with
 * sentinels for "none", so the SQL text of each list is fixed per viewer
 * kind and the statement cache stays small.
 */
#include "core/timeline.h"

#include <stdint.h>
#include <string.h>

#include "core/tag.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"

static int clamp_limit(int limit)
{
    if (limit <= 0)
        return TIMELINE_LIMIT_DEFAULT;
    return limit > TIMELINE_LIMIT_MAX ? TIMELINE_LIMIT_MAX : limit;
}

/*
 * Runs "SELECT s.id FROM statuses s JOIN statuses v ... WHERE <where> AND
 * <visibility> AND paging". bind_where binds the where clause's parameters
 * from index 1 and returns the next index.
 */
typedef int (*bind_fn)(struct db_stmt *s, int i, const void *ctx);

static int run(struct db_conn *c, struct arena *a, const struct viewer *viewer, const char *where,
               bind_fn bind, const void *ctx, const struct page *p, int64_t **ids, size_t *n)
{
    int limit = clamp_limit(p->limit);
    int asc = p->min_id != 0;
    const char *sql = arena_printf(
        a,
        "SELECT s.id FROM statuses s JOIN statuses v ON v.id = COALESCE(s.reblog_of_id, s.id)"
        " WHERE s.deleted_at IS NULL AND %s AND %s AND s.id < ? AND s.id > ?"
        " ORDER BY s.id %s LIMIT ?",
        where, visibility_sql(a, viewer, "v"), asc ? "ASC" : "DESC");
    struct db_stmt *s;
    int rc = db_prepare(c, sql, &s);
    if (rc)
        return rc;
    int i = bind(s, 1, ctx);
    i = visibility_sql_bind(s, i, viewer);
    db_bind_i64(s, i++, p->max_id ? p->max_id : INT64_MAX);
    db_bind_i64(s, i++, asc ? p->min_id : p->since_id);
    db_bind_i64(s, i++, limit);
    int64_t *list = arena_alloc(a, (size_t)limit * sizeof(*list));
    size_t count = 0;
    while (count < (size_t)limit && (rc = db_step(s)) == DB_ROW)
        list[count++] = db_col_i64(s, 0);
    db_stmt_done(s);
    if (rc < 0)
        return rc;
    if (asc) {
        /* min_id pages come back oldest first; lists are always newest first. */
        for (size_t k = 0; k < count / 2; k++) {
            int64_t t = list[k];
            list[k] = list[count - 1 - k];
            list[count - 1 - k] = t;
        }
    }
    *ids = list;
    *n = count;
    return 0;
}

struct home_ctx {
    int64_t me;
    int has_exclusive; /* the viewer has an exclusive list: members leave home */
};

static int bind_home(struct db_stmt *s, int i, const void *ctx)
{
    const struct home_ctx *h = ctx;
    db_bind_i64(s, i++, h->me);
    db_bind_i64(s, i++, h->me);
    db_bind_i64(s, i++, h->me); /* TAG_HOME_SQL */
    db_bind_i64(s, i++, h->has_exclusive);
    db_bind_i64(s, i++, h->me);
    db_bind_i64(s, i++, h->me);
    return i;
}

int timeline_home(struct db_conn *c, struct arena *a, const struct viewer *v, const struct page *p,
                  int64_t **ids, size_t *n)
{
    if (v->kind != VIEWER_LOCAL)
        return E_AUTH;
    struct home_ctx h = {v->account_id, 0};
    struct db_stmt *q;
    int rc = db_prepare(c, "SELECT 1 FROM lists WHERE account_id = ? AND exclusive = 1", &q);
    if (rc)
        return rc;
    db_bind_i64(q, 1, v->account_id);
    h.has_exclusive = db_step(q) == DB_ROW;
    db_stmt_done(q);
    /* Own posts, those of accepted follows (boosts only where show_reblogs), followed tags'. */
    return run(c, a, v,
               "(s.account_id = ? OR EXISTS (SELECT 1 FROM follows f WHERE f.account_id = ?"
               " AND f.target_account_id = s.account_id AND f.accepted = 1"
               " AND (s.reblog_of_id IS NULL OR f.show_reblogs = 1)) OR " TAG_HOME_SQL ")"
               " AND (? = 0 OR s.account_id = ? OR NOT EXISTS (SELECT 1 FROM list_accounts xa"
               " JOIN lists xl ON xl.id = xa.list_id WHERE xl.account_id = ? AND xl.exclusive = 1"
               " AND xa.account_id = s.account_id))",
               bind_home, &h, p, ids, n);
}

static int bind_public(struct db_stmt *s, int i, const void *ctx)
{
    const struct timeline_filter *f = ctx;
    db_bind_i64(s, i++, f && f->local_only);
    db_bind_i64(s, i++, f && f->remote_only);
    db_bind_i64(s, i++, f && f->only_media);
    return i;
}

int timeline_public(struct db_conn *c, struct arena *a, const struct viewer *v,
                    const struct timeline_filter *f, const struct page *p, int64_t **ids, size_t *n)
{
    return run(c, a, v,
               "s.visibility IN (0, 4) AND s.reblog_of_id IS NULL AND (? = 0 OR s.local = 1)"
               " AND (? = 0 OR s.local = 0) AND ? = 0",
               bind_public, f, p, ids, n);
}

struct tag_ctx {
    const char *tag;
    const struct timeline_filter *f;
};

static int bind_tag(struct db_stmt *s, int i, const void *ctx)
{
    const struct tag_ctx *t = ctx;
    db_bind_text(s, i++, t->tag);
    return bind_public(s, i, t->f);
}

int timeline_tag(struct db_conn *c, struct arena *a, const struct viewer *v, const char *tag,
                 const struct timeline_filter *f, const struct page *p, int64_t **ids, size_t *n)
{
    char *lower = arena_strdup(a, tag);
    for (char *q = lower; *q; q++)
        if (*q >= 'A' && *q <= 'Z')
            *q = (char)(*q - 'A' + 'a');
    struct tag_ctx ctx = {lower, f};
    return run(c, a, v,
               "s.visibility IN (0, 4, 5) AND s.reblog_of_id IS NULL AND EXISTS (SELECT 1 FROM"
               " status_tags st JOIN tags t ON t.id = st.tag_id WHERE st.status_id = s.id AND"
               " t.name = ?) AND (? = 0 OR s.local = 1) AND (? = 0 OR s.local = 0) AND ? = 0",
               bind_tag, &ctx, p, ids, n);
}

struct account_ctx {
    int64_t account_id;
    const struct timeline_filter *f;
};

static int bind_account(struct db_stmt *s, int i, const void *ctx)
{
    const struct account_ctx *ac = ctx;
    db_bind_i64(s, i++, ac->account_id);
    db_bind_i64(s, i++, ac->f && ac->f->exclude_replies);
    db_bind_i64(s, i++, ac->f && ac->f->exclude_reblogs);
    db_bind_i64(s, i++, ac->f && ac->f->only_media);
    return i;
}

int timeline_account(struct db_conn *c, struct arena *a, const struct viewer *v, int64_t account_id,
                     const struct timeline_filter *f, const struct page *p, int64_t **ids,
                     size_t *n)
{
    struct account_ctx ctx = {account_id, f};
    /* Replies to oneself (threads) stay when replies are excluded, as in Mastodon. */
    return run(c, a, v,
               "s.account_id = ? AND (? = 0 OR s.in_reply_to_id IS NULL OR"
               " s.in_reply_to_account_id = s.account_id) AND (? = 0 OR s.reblog_of_id IS NULL)"
               " AND ? = 0",
               bind_account, &ctx, p, ids, n);
}

/* Bookmarks and favourites share one shape: (row id, status id) of the viewer. */
static int marks(struct db_conn *c, struct arena *a, const struct viewer *v, const char *table,
                 const struct page *p, int64_t **ids, int64_t **page_ids, size_t *n)
{
    if (v->kind != VIEWER_LOCAL)
        return E_AUTH;
    int limit = clamp_limit(p->limit);
    int asc = p->min_id != 0;
    const char *sql = arena_printf(
        a,
        "SELECT m.id, s.id FROM %s m JOIN statuses s ON s.id = m.status_id"
        " WHERE m.account_id = ? AND %s AND m.id < ? AND m.id > ? ORDER BY m.id %s LIMIT ?",
        table, visibility_sql(a, v, "s"), asc ? "ASC" : "DESC");
    struct db_stmt *s;
    int rc = db_prepare(c, sql, &s);
    if (rc)
        return rc;
    int i = 1;
    db_bind_i64(s, i++, v->account_id);
    i = visibility_sql_bind(s, i, v);
    db_bind_i64(s, i++, p->max_id ? p->max_id : INT64_MAX);
    db_bind_i64(s, i++, asc ? p->min_id : p->since_id);
    db_bind_i64(s, i++, limit);
    int64_t *pl = arena_alloc(a, (size_t)limit * sizeof(*pl));
    int64_t *sl = arena_alloc(a, (size_t)limit * sizeof(*sl));
    size_t count = 0;
    while (count < (size_t)limit && (rc = db_step(s)) == DB_ROW) {
        pl[count] = db_col_i64(s, 0);
        sl[count] = db_col_i64(s, 1);
        count++;
    }
    db_stmt_done(s);
    if (rc < 0)
        return rc;
    if (asc) {
        for (size_t k = 0; k < count / 2; k++) {
            int64_t t = pl[k];
            pl[k] = pl[count - 1 - k];
            pl[count - 1 - k] = t;
            t = sl[k];
            sl[k] = sl[count - 1 - k];
            sl[count - 1 - k] = t;
        }
    }
    *ids = sl;
    *page_ids = pl;
    *n = count;
    return 0;
}

int timeline_bookmarks(struct db_conn *c, struct arena *a, const struct viewer *v,
                       const struct page *p, int64_t **ids, int64_t **page_ids, size_t *n)
{
    return marks(c, a, v, "bookmarks", p, ids, page_ids, n);
}

int timeline_favourites(struct db_conn *c, struct arena *a, const struct viewer *v,
                        const struct page *p, int64_t **ids, int64_t **page_ids, size_t *n)
{
    return marks(c, a, v, "favourites", p, ids, page_ids, n);
}

struct list_ctx {
    int64_t list_id;
    int64_t viewer;
    int policy; /* 0 followed, 1 list, 2 none */
};

static int bind_list(struct db_stmt *s, int i, const void *ctx)
{
    const struct list_ctx *l = ctx;
    db_bind_i64(s, i++, l->list_id);
    db_bind_i64(s, i++, l->policy);
    db_bind_i64(s, i++, l->viewer);
    db_bind_i64(s, i++, l->policy);
    db_bind_i64(s, i++, l->list_id);
    db_bind_i64(s, i++, l->policy);
    db_bind_i64(s, i++, l->viewer);
    return i;
}

int timeline_list(struct db_conn *c, struct arena *a, const struct viewer *v, int64_t list_id,
                  const char *replies_policy, const struct page *p, int64_t **ids, size_t *n)
{
    if (v->kind != VIEWER_LOCAL)
        return E_AUTH;
    struct list_ctx ctx = {list_id, v->account_id, 1};
    if (replies_policy && !strcmp(replies_policy, "followed"))
        ctx.policy = 0;
    else if (replies_policy && !strcmp(replies_policy, "none"))
        ctx.policy = 2;
    /* Members' posts; replies as the list's policy says (a thread of one's own always shows). */
    return run(c, a, v,
               "EXISTS (SELECT 1 FROM list_accounts la WHERE la.list_id = ?"
               " AND la.account_id = s.account_id)"
               " AND (s.in_reply_to_id IS NULL OR s.in_reply_to_account_id = s.account_id"
               " OR (? != 2 AND s.in_reply_to_account_id = ?)"
               " OR (? = 1 AND EXISTS (SELECT 1 FROM list_accounts lr WHERE lr.list_id = ?"
               " AND lr.account_id = s.in_reply_to_account_id))"
               " OR (? = 0 AND EXISTS (SELECT 1 FROM follows fr WHERE fr.account_id = ?"
               " AND fr.target_account_id = s.in_reply_to_account_id AND fr.accepted = 1)))",
               bind_list, &ctx, p, ids, n);
}
