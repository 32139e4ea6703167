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

#include "core/domain_policy.h"
#include "core/feed.h"
#include "core/tag.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/timeutil.h"

static int clamp_limit(int limit)
{
    if (limit <= 0)
        return TIMELINE_LIMIT_DEFAULT;
    return limit > TIMELINE_LIMIT_MAX ? TIMELINE_LIMIT_MAX : limit;
}

/*
 * Runs "SELECT s.id FROM <source> ... WHERE <where> AND <visibility> AND
 * lo < id < hi" in id order (descending unless asc), appending at most
 * limit ids to list[*count]. The source is the statuses table, or the
 * home feed of feed_account when that is not 0. bind binds the where
 * clause's parameters from index 1 and returns the next index. With
 * prefs set, a member's own choices apply on top of the rule: accounts she
 * mutes (until the mute expires) or blocks, as authors or as boosted
 * authors, and accounts of servers she blocks, are left out.
 */
typedef int (*bind_fn)(struct db_stmt *s, int i, const void *ctx);

struct query {
    struct db_conn *c;
    struct arena *a;
    const struct viewer *viewer;
    const char *where;
    bind_fn bind;
    const void *ctx;
    int asc;
    int prefs;
    int64_t *list;
    size_t count, limit;
};

static const char *prefs_sql(const struct query *q)
{
    if (!q->prefs || q->viewer->kind != VIEWER_LOCAL)
        return "";
    return " AND NOT EXISTS (SELECT 1 FROM mutes pm WHERE pm.account_id = ?"
           " AND pm.target_account_id IN (s.account_id, v.account_id)"
           " AND (pm.expires_at IS NULL OR pm.expires_at > ?))"
           " AND NOT EXISTS (SELECT 1 FROM blocks pb WHERE pb.account_id = ?"
           " AND pb.target_account_id IN (s.account_id, v.account_id))"
           " AND NOT EXISTS (SELECT 1 FROM accounts pa JOIN account_domain_blocks pd"
           " ON pd.domain = pa.domain WHERE pa.id IN (s.account_id, v.account_id)"
           " AND pd.account_id = ?)";
}

static int query(struct query *q, int64_t feed_account, int64_t lo, int64_t hi)
{
    if (q->count >= q->limit || lo >= hi)
        return 0;
    const char *sql = arena_printf(
        q->a,
        "SELECT s.id FROM %s JOIN statuses v ON v.id = COALESCE(s.reblog_of_id, s.id)"
        " WHERE %s s.deleted_at IS NULL AND %s AND %s%s AND s.id < ? AND s.id > ?"
        " ORDER BY %s %s LIMIT ?",
        feed_account ? "home_feed h JOIN statuses s ON s.id = h.status_id" : "statuses s",
        feed_account ? "h.account_id = ? AND h.status_id < ? AND h.status_id > ? AND" : "",
        q->where, visibility_sql(q->a, q->viewer, "v"), prefs_sql(q),
        /* The feed's own order: sorting by s.id would sort the whole feed first. */
        feed_account ? "h.status_id" : "s.id", q->asc ? "ASC" : "DESC");
    struct db_stmt *s;
    int rc = db_prepare(q->c, sql, &s);
    if (rc)
        return rc;
    int i = 1;
    if (feed_account) {
        db_bind_i64(s, i++, feed_account);
        db_bind_i64(s, i++, hi);
        db_bind_i64(s, i++, lo);
    }
    i = q->bind(s, i, q->ctx);
    i = visibility_sql_bind(s, i, q->viewer);
    if (*prefs_sql(q)) {
        db_bind_i64(s, i++, q->viewer->account_id);
        db_bind_i64(s, i++, time_now_ms());
        db_bind_i64(s, i++, q->viewer->account_id);
        db_bind_i64(s, i++, q->viewer->account_id);
    }
    db_bind_i64(s, i++, hi);
    db_bind_i64(s, i++, lo);
    db_bind_i64(s, i++, (int64_t)(q->limit - q->count));
    while (q->count < q->limit && (rc = db_step(s)) == DB_ROW)
        q->list[q->count++] = db_col_i64(s, 0);
    db_stmt_done(s);
    return rc < 0 ? rc : 0;
}

/* Paging bounds as an open interval lo < id < hi. */
static void bounds(const struct page *p, int64_t *lo, int64_t *hi)
{
    *hi = p->max_id ? p->max_id : INT64_MAX;
    *lo = p->min_id ? p->min_id : p->since_id;
}

/* Lists are always newest first; min_id pages come back oldest first. */
static void finish(struct query *q, int64_t **ids, size_t *n)
{
    if (q->asc) {
        for (size_t k = 0; k < q->count / 2; k++) {
            int64_t t = q->list[k];
            q->list[k] = q->list[q->count - 1 - k];
            q->list[q->count - 1 - k] = t;
        }
    }
    *ids = q->list;
    *n = q->count;
}

static void query_init(struct query *q, struct db_conn *c, struct arena *a,
                       const struct viewer *viewer, const char *where, bind_fn bind,
                       const void *ctx, const struct page *p)
{
    q->c = c;
    q->a = a;
    q->viewer = viewer;
    q->where = where;
    q->bind = bind;
    q->ctx = ctx;
    q->asc = p->min_id != 0;
    q->prefs = 0;
    q->limit = (size_t)clamp_limit(p->limit);
    q->list = arena_alloc(a, q->limit * sizeof(*q->list));
    q->count = 0;
}

static int run(struct db_conn *c, struct arena *a, const struct viewer *viewer, int prefs,
               const char *where, bind_fn bind, const void *ctx, const struct page *p,
               int64_t **ids, size_t *n)
{
    struct query q;
    query_init(&q, c, a, viewer, where, bind, ctx, p);
    q.prefs = prefs;
    int64_t lo, hi;
    bounds(p, &lo, &hi);
    int rc = query(&q, 0, lo, hi);
    if (rc)
        return rc;
    finish(&q, ids, n);
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
    struct db_stmt *s;
    int rc = db_prepare(c, "SELECT 1 FROM lists WHERE account_id = ? AND exclusive = 1", &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, v->account_id);
    h.has_exclusive = db_step(s) == DB_ROW;
    db_stmt_done(s);
    int64_t floor;
    if ((rc = feed_floor(c, v->account_id, &floor)))
        return rc;
    /* Own posts, those of accepted follows (boosts only where show_reblogs), followed tags'. */
    struct query q;
    query_init(&q, c, a, v,
               "(s.account_id = ? OR EXISTS (SELECT 1 FROM follows f WHERE f.account_id = ?"
               " AND f.target_account_id = s.account_id AND f.accepted = 1"
               " AND (s.reblog_of_id IS NULL OR f.show_reblogs = 1)) OR " TAG_HOME_SQL ")"
               " AND (? = 0 OR s.account_id = ? OR NOT EXISTS (SELECT 1 FROM list_accounts xa"
               " JOIN lists xl ON xl.id = xa.list_id WHERE xl.account_id = ? AND xl.exclusive = 1"
               " AND xa.account_id = s.account_id))",
               bind_home, &h, p);
    q.prefs = 1;
    int64_t lo, hi;
    bounds(p, &lo, &hi);
    /* The feed answers above the floor, the statuses table at or below it. */
    int64_t mid = floor < INT64_MAX ? floor + 1 : INT64_MAX;
    int64_t feed_lo = lo > floor ? lo : floor, feed_hi = hi;
    int64_t table_lo = lo, table_hi = !floor ? 0 : hi < mid ? hi : mid;
    if (q.asc) {
        rc = query(&q, 0, table_lo, table_hi);
        if (rc == 0)
            rc = query(&q, v->account_id, feed_lo, feed_hi);
    } else {
        rc = query(&q, v->account_id, feed_lo, feed_hi);
        if (rc == 0)
            rc = query(&q, 0, table_lo, table_hi);
    }
    if (rc)
        return rc;
    finish(&q, ids, n);
    return 0;
}

/*
 * Public timelines leave out the posts of limited (silenced) accounts
 * (accounts.silenced_at, set by the moderators).
 */
#define NOT_SILENCED                                                                               \
    " AND NOT EXISTS (SELECT 1 FROM accounts sa WHERE sa.id = s.account_id"                        \
    " AND sa.silenced_at IS NOT NULL)"

/* The only_media filter: a bound flag, then statuses with an attachment. */
#define ONLY_MEDIA                                                                                 \
    "(? = 0 OR EXISTS (SELECT 1 FROM media_attachments m WHERE m.status_id = s.id"                 \
    " AND m.position >= 0))"

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
    /* A silenced server's posts stay out of public timelines (core/domain_policy.h). */
    return run(c, a, v, 1,
               "s.visibility IN (0, 4) AND s.reblog_of_id IS NULL AND (? = 0 OR s.local = 1)"
               " AND (? = 0 OR s.local = 0) AND " ONLY_MEDIA NOT_SILENCED
               " AND NOT " DOMAIN_POLICY_SILENCED("s.account_id"),
               bind_public, f, p, ids, n);
}

int timeline_neighborhood(struct db_conn *c, struct arena *a, const struct viewer *v,
                          const struct timeline_filter *f, const struct page *p, int64_t **ids,
                          size_t *n)
{
    return run(
        c, a, v, 1,
        "s.visibility IN (0, 4, 5) AND s.reblog_of_id IS NULL AND (s.local = 1 OR EXISTS"
        " (SELECT 1 FROM accounts na JOIN neighborhood_servers nn"
        " ON nn.domain = lower(na.domain) WHERE na.id = s.account_id))"
        " AND (? = 0 OR s.local = 1) AND (? = 0 OR s.local = 0) AND " ONLY_MEDIA NOT_SILENCED,
        bind_public, f, p, ids, n);
}

/* A status with the bound hashtag name. */
#define HAS_TAG                                                                                    \
    " EXISTS (SELECT 1 FROM status_tags st JOIN tags t ON t.id = st.tag_id"                        \
    " WHERE st.status_id = s.id AND t.name = ?)"

struct tag_ctx {
    const char *tags[1 + TIMELINE_TAGS_MAX]; /* the tag, then any[] */
    const char *all[TIMELINE_TAGS_MAX];
    const char *none[TIMELINE_TAGS_MAX];
    const struct timeline_filter *f;
};

static int bind_tag(struct db_stmt *s, int i, const void *ctx)
{
    const struct tag_ctx *t = ctx;
    /* Unused slots hold "": no tag has an empty name. */
    for (size_t k = 0; k < 1 + TIMELINE_TAGS_MAX; k++)
        db_bind_text(s, i++, t->tags[k] ? t->tags[k] : "");
    for (size_t k = 0; k < TIMELINE_TAGS_MAX; k++) {
        db_bind_text(s, i++, t->all[k] ? t->all[k] : "");
        db_bind_text(s, i++, t->all[k] ? t->all[k] : "");
    }
    for (size_t k = 0; k < TIMELINE_TAGS_MAX; k++)
        db_bind_text(s, i++, t->none[k] ? t->none[k] : "");
    return bind_public(s, i, t->f);
}

_Static_assert(TIMELINE_TAGS_MAX == 4, "the tag timeline's SQL has four slots of each kind");

static const char *lower_tag(struct arena *a, const char *tag)
{
    char *lower = arena_strdup(a, tag);
    for (char *q = lower; *q; q++)
        if (*q >= 'A' && *q <= 'Z')
            *q = (char)(*q - 'A' + 'a');
    return lower;
}

int timeline_tag(struct db_conn *c, struct arena *a, const struct viewer *v, const char *tag,
                 const struct timeline_tags *more, const struct timeline_filter *f,
                 const struct page *p, int64_t **ids, size_t *n)
{
    struct tag_ctx ctx = {.f = f};
    ctx.tags[0] = lower_tag(a, tag);
    for (size_t k = 0; more && k < more->n_any && k < TIMELINE_TAGS_MAX; k++)
        ctx.tags[1 + k] = lower_tag(a, more->any[k]);
    for (size_t k = 0; more && k < more->n_all && k < TIMELINE_TAGS_MAX; k++)
        ctx.all[k] = lower_tag(a, more->all[k]);
    for (size_t k = 0; more && k < more->n_none && k < TIMELINE_TAGS_MAX; k++)
        ctx.none[k] = lower_tag(a, more->none[k]);
    return run(c, a, v, 1,
               "s.visibility IN (0, 4, 5) AND s.reblog_of_id IS NULL AND EXISTS (SELECT 1 FROM"
               " status_tags st JOIN tags t ON t.id = st.tag_id WHERE st.status_id = s.id AND"
               " t.name IN (?, ?, ?, ?, ?))"
               " AND (? = '' OR" HAS_TAG ") AND (? = '' OR" HAS_TAG ")"
               " AND (? = '' OR" HAS_TAG ") AND (? = '' OR" HAS_TAG ")"
               " AND NOT EXISTS (SELECT 1 FROM status_tags st JOIN tags t ON t.id = st.tag_id"
               " WHERE st.status_id = s.id AND t.name IN (?, ?, ?, ?))"
               " AND (? = 0 OR s.local = 1) AND (? = 0 OR s.local = 0) AND " ONLY_MEDIA NOT_SILENCED
               " AND NOT " DOMAIN_POLICY_SILENCED("s.account_id"),
               bind_tag, &ctx, p, ids, n);
}

struct account_ctx {
    int64_t account_id;
    const struct timeline_filter *f;
    const char *tagged; /* lowercased, without '#' */
};

static int bind_account(struct db_stmt *s, int i, const void *ctx)
{
    const struct account_ctx *ac = ctx;
    db_bind_i64(s, i++, ac->account_id);
    db_bind_i64(s, i++, ac->f && ac->f->exclude_replies);
    db_bind_i64(s, i++, ac->f && ac->f->exclude_reblogs);
    db_bind_i64(s, i++, ac->f && ac->f->only_media);
    db_bind_text(s, i++, ac->tagged ? ac->tagged : "");
    db_bind_text(s, i++, ac->tagged ? ac->tagged : "");
    return i;
}

int timeline_account(struct db_conn *c, struct arena *a, const struct viewer *v, int64_t account_id,
                     const struct timeline_filter *f, const struct page *p, int64_t **ids,
                     size_t *n)
{
    struct account_ctx ctx = {account_id, f, NULL};
    if (f && f->tagged)
        ctx.tagged = lower_tag(a, f->tagged[0] == '#' ? f->tagged + 1 : f->tagged);
    /* Replies to oneself (threads) stay when replies are excluded, as in Mastodon. */
    return run(c, a, v, 0,
               "s.account_id = ? AND (? = 0 OR s.in_reply_to_id IS NULL OR"
               " s.in_reply_to_account_id = s.account_id) AND (? = 0 OR s.reblog_of_id IS NULL)"
               " AND " ONLY_MEDIA " AND (? = '' OR" HAS_TAG ")",
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
    return run(c, a, v, 1,
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
