/*
 * search: queries over the FTS5 indexes of migration 0008 (SQLite) and
 * the tags table. User text reaches FTS5 only as quoted strings (quotes
 * doubled), so no input is search syntax and none can make a query fail;
 * every SQL text is fixed and everything varying is bound.
 */
#include "core/search.h"

#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "core/account.h"
#include "core/core.h"
#include "core/status.h"
#include "core/tag.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"
#include "util/utf8.h"

static int is_space(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == '\v';
}

int search_check(const char *q, const char **why)
{
    size_t n = q ? strlen(q) : 0;
    size_t i = 0;
    while (i < n && is_space(q[i]))
        i++;
    if (i == n) {
        *why = "q can't be blank";
        return E_INVAL;
    }
    if (n > SEARCH_QUERY_MAX_BYTES) {
        *why = "q is too long";
        return E_INVAL;
    }
    if (!utf8_valid(q, n)) {
        *why = "q must be UTF-8 text";
        return E_INVAL;
    }
    return 0;
}

/*
 * The words of q as an FTS5 expression that matches rows holding all of
 * them: each word a quoted string, '*' after each when prefix is set.
 * NULL when q has no word.
 */
static const char *fts_expr(struct arena *a, const char *q, int prefix)
{
    size_t len = strlen(q);
    char *out = arena_alloc(a, 2 * len + 4 * SEARCH_TERMS_MAX + 1);
    size_t o = 0;
    int terms = 0;
    const char *p = q;
    while (*p && terms < SEARCH_TERMS_MAX) {
        while (is_space(*p))
            p++;
        if (!*p)
            break;
        if (terms)
            out[o++] = ' ';
        out[o++] = '"';
        for (; *p && !is_space(*p); p++) {
            if (*p == '"')
                out[o++] = '"';
            out[o++] = *p;
        }
        out[o++] = '"';
        if (prefix)
            out[o++] = '*';
        terms++;
    }
    out[o] = '\0';
    return terms ? out : NULL;
}

static const char *trim(struct arena *a, const char *q)
{
    while (is_space(*q))
        q++;
    size_t n = strlen(q);
    while (n && is_space(q[n - 1]))
        n--;
    return arena_strndup(a, q, n);
}

static int is_url(const char *q)
{
    return !strncmp(q, "https://", 8) || !strncmp(q, "http://", 7);
}

/* The account or status id a known URL names: its ActivityPub id, or a local profile or post page.
 */
static int resolve_url(struct db_conn *c, struct arena *a, const struct core *core, const char *q,
                       int64_t *account, int64_t *status)
{
    *account = *status = 0;
    struct account *acc;
    struct status *st;
    int rc = account_find_by_uri(c, a, q, &acc);
    if (rc == 0)
        *account = acc->id;
    if (rc && rc != E_NOTFOUND)
        return rc;
    rc = status_find_by_uri(c, a, q, &st);
    if (rc == 0)
        *status = st->id;
    if (rc && rc != E_NOTFOUND)
        return rc;
    /* Local pages: BASE/@user and BASE/@user/ID. */
    size_t bl = strlen(core->base_url);
    if (*account || *status || strncmp(q, core->base_url, bl) || strncmp(q + bl, "/@", 2))
        return 0;
    const char *user = q + bl + 2;
    const char *slash = strchr(user, '/');
    char *name = arena_strndup(a, user, slash ? (size_t)(slash - user) : strlen(user));
    rc = account_find_local(c, a, name, &acc);
    if (rc == E_NOTFOUND || rc == E_INVAL)
        return 0;
    if (rc)
        return rc;
    if (!slash) {
        *account = acc->id;
        return 0;
    }
    int64_t sid = 0;
    if (id_from_str(slash + 1, &sid) == 0 && status_get(c, a, sid, &st) == 0 &&
        st->account_id == acc->id)
        *status = sid;
    return 0;
}

static int64_t *one_id(struct arena *a, int64_t id, size_t *n)
{
    int64_t *ids = arena_alloc(a, sizeof(*ids));
    ids[0] = id;
    *n = id != 0;
    return ids;
}

/*
 * The acct a query names, for the exact match: without '@' in front, our
 * own domain dropped, ASCII lowercased (as accounts.acct_key is).
 */
static char *acct_key(struct arena *a, const struct core *core, const char *q)
{
    if (*q == '@')
        q++;
    char *key = arena_strdup(a, q);
    for (char *p = key; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    char *at = strchr(key, '@');
    if (at && core->domain && !strcasecmp(at + 1, core->domain))
        *at = '\0';
    return key;
}

static int clamp(int limit, int def, int max)
{
    if (limit <= 0)
        return def;
    return limit > max ? max : limit;
}

static int collect(struct db_stmt *s, struct arena *a, int limit, int64_t **ids, size_t *n)
{
    int64_t *list = arena_alloc(a, (size_t)limit * sizeof(*list));
    size_t count = 0;
    int rc = 0;
    while (count < (size_t)limit && (rc = db_step(s)) == DB_ROW)
        list[count++] = db_col_i64(s, 0);
    db_stmt_done(s);
    if (count < (size_t)limit && rc < 0)
        return rc;
    *ids = list;
    *n = count;
    return 0;
}

void search_resolve(const struct core *core, struct arena *a, const char *q)
{
    if (!core->resolver || !q)
        return;
    while (*q == ' ')
        q++;
    if (is_url(q)) {
        core->resolver->url(core, q);
        return;
    }
    if (*q == '@')
        q++;
    const char *at = strchr(q, '@');
    if (!at || at == q || !at[1] || strchr(at + 1, '@') || strchr(q, ' '))
        return;
    char *user = arena_strndup(a, q, (size_t)(at - q));
    const char *domain = at + 1;
    if (strcasecmp(domain, core->domain) == 0)
        return;
    struct db_conn *c;
    if (db_acquire(core->db, DB_READ, &c) != 0)
        return;
    struct account *acc;
    int known = account_find(c, a, user, domain, core->domain, &acc) == 0;
    db_release(c);
    if (!known)
        core->resolver->account(core, user, domain);
}

int search_accounts(struct db_conn *c, struct arena *a, const struct core *core,
                    const struct viewer *v, const struct search_query *q, int64_t **ids, size_t *n)
{
    int limit = clamp(q->limit, SEARCH_LIMIT_DEFAULT, SEARCH_ACCOUNTS_LIMIT_MAX);
    int64_t me = v->kind == VIEWER_LOCAL ? v->account_id : 0;
    const char *text = trim(a, q->q ? q->q : "");
    *ids = NULL;
    *n = 0;
    if (q->resolve && is_url(text)) {
        int64_t acc = 0, st = 0;
        int rc = resolve_url(c, a, core, text, &acc, &st);
        if (rc == 0)
            *ids = one_id(a, acc, n);
        return rc;
    }
    char *key = acct_key(a, core, text);
    /* "alice@our.domain" is searched as "alice", which is how local accounts are indexed. */
    const char *expr = fts_expr(a, key, 1);
    if (!expr || (q->following && !me))
        return 0;
    struct db_stmt *s;
    int rc = db_prepare(
        c,
        "SELECT a.id FROM accounts_fts JOIN accounts a ON a.id = accounts_fts.rowid"
        " WHERE accounts_fts MATCH ? AND a.suspended_at IS NULL"
        " AND NOT EXISTS (SELECT 1 FROM blocks b WHERE (b.account_id = a.id"
        " AND b.target_account_id = ?) OR (b.account_id = ? AND b.target_account_id = a.id))"
        " AND (? = 0 OR EXISTS (SELECT 1 FROM follows fw WHERE fw.account_id = ?"
        " AND fw.target_account_id = a.id AND fw.accepted = 1))"
        " ORDER BY a.acct_key = ? DESC, EXISTS (SELECT 1 FROM follows fo WHERE fo.account_id = ?"
        " AND fo.target_account_id = a.id AND fo.accepted = 1) DESC, accounts_fts.rank, a.id"
        " LIMIT ? OFFSET ?",
        &s);
    if (rc)
        return rc;
    int i = 1;
    db_bind_text(s, i++, expr);
    db_bind_i64(s, i++, me);
    db_bind_i64(s, i++, me);
    db_bind_i64(s, i++, q->following);
    db_bind_i64(s, i++, me);
    db_bind_text(s, i++, key);
    db_bind_i64(s, i++, me);
    db_bind_i64(s, i++, limit);
    db_bind_i64(s, i++, q->offset > 0 ? q->offset : 0);
    return collect(s, a, limit, ids, n);
}

/* Tags whose name starts with the query's (as a tag name), the exact one first. */
static int search_hashtags(struct db_conn *c, struct arena *a, const struct viewer *v,
                           const char *text, int limit, int offset, struct tag **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    const char *name = tag_normalize(a, text);
    if (!name)
        return 0;
    /* [name, name with its last byte raised): every name that starts with it, on the index. */
    char *upper = arena_strdup(a, name);
    upper[strlen(upper) - 1]++;
    struct db_stmt *s;
    int rc = db_prepare(c,
                        "SELECT id, name FROM tags WHERE name >= ? AND name < ?"
                        " ORDER BY name = ? DESC, length(name), name LIMIT ? OFFSET ?",
                        &s);
    if (rc)
        return rc;
    db_bind_text(s, 1, name);
    db_bind_text(s, 2, upper);
    db_bind_text(s, 3, name);
    db_bind_i64(s, 4, limit);
    db_bind_i64(s, 5, offset);
    struct tag *tags = arena_zalloc(a, (size_t)limit * sizeof(*tags));
    size_t count = 0;
    while (count < (size_t)limit && (rc = db_step(s)) == DB_ROW) {
        tags[count].id = db_col_i64(s, 0);
        tags[count].name = arena_strdup(a, db_col_text(s, 1));
        count++;
    }
    db_stmt_done(s);
    if (rc < 0 && count < (size_t)limit)
        return rc;
    int64_t me = v->kind == VIEWER_LOCAL ? v->account_id : 0;
    for (size_t k = 0; k < count; k++) {
        struct tag *t;
        rc = tag_get(c, a, me, tags[k].name, &t);
        if (rc)
            return rc;
        tags[k] = *t;
    }
    *out = tags;
    *n = count;
    return 0;
}

/* Posts holding every word, newest first, among those the member may see. */
static int search_statuses(struct db_conn *c, struct arena *a, const struct viewer *v,
                           const struct search_query *q, const char *text, int limit, int64_t **ids,
                           size_t *n)
{
    *ids = NULL;
    *n = 0;
    const char *expr = fts_expr(a, text, 0);
    if (!expr || v->kind != VIEWER_LOCAL)
        return 0;
    int asc = q->min_id != 0;
    const char *sql = arena_printf(
        a,
        "SELECT s.id FROM statuses_fts JOIN statuses s ON s.id = statuses_fts.rowid"
        " WHERE statuses_fts MATCH ? AND statuses_fts.rowid < ? AND statuses_fts.rowid > ?"
        " AND (? = 0 OR s.account_id = ?) AND %s ORDER BY statuses_fts.rowid %s LIMIT ? OFFSET ?",
        visibility_sql(a, v, "s"), asc ? "ASC" : "DESC");
    struct db_stmt *s;
    int rc = db_prepare(c, sql, &s);
    if (rc)
        return rc;
    int i = 1;
    db_bind_text(s, i++, expr);
    db_bind_i64(s, i++, q->max_id ? q->max_id : INT64_MAX);
    db_bind_i64(s, i++, q->min_id);
    db_bind_i64(s, i++, q->account_id);
    db_bind_i64(s, i++, q->account_id);
    i = visibility_sql_bind(s, i, v);
    db_bind_i64(s, i++, limit);
    db_bind_i64(s, i++, q->offset > 0 ? q->offset : 0);
    rc = collect(s, a, limit, ids, n);
    if (rc == 0 && asc) {
        /* min_id pages come back oldest first; results are always newest first. */
        int64_t *l = *ids;
        for (size_t k = 0; k < *n / 2; k++) {
            int64_t t = l[k];
            l[k] = l[*n - 1 - k];
            l[*n - 1 - k] = t;
        }
    }
    return rc;
}

int search_run(struct db_conn *c, struct arena *a, const struct core *core, const struct viewer *v,
               const struct search_query *q, struct search_results *out, const char **why)
{
    memset(out, 0, sizeof(*out));
    int rc = search_check(q->q, why);
    if (rc)
        return rc;
    unsigned types = q->types ? q->types : SEARCH_ALL;
    int limit = clamp(q->limit, SEARCH_LIMIT_DEFAULT, SEARCH_LIMIT_MAX);
    int offset = q->offset > 0 ? q->offset : 0;
    const char *text = trim(a, q->q);
    if (q->resolve && is_url(text)) {
        /* A URL names one thing: only what it resolves to is found. */
        int64_t acc = 0, st = 0;
        rc = resolve_url(c, a, core, text, &acc, &st);
        if (rc)
            return rc;
        if (types & SEARCH_ACCOUNTS)
            out->accounts = one_id(a, acc, &out->n_accounts);
        if ((types & SEARCH_STATUSES) && st) {
            rc = visibility_may_see(c, v, st);
            if (rc < 0)
                return rc;
            out->statuses = one_id(a, rc == 1 ? st : 0, &out->n_statuses);
        }
        return 0;
    }
    if (types & SEARCH_ACCOUNTS) {
        struct search_query aq = *q;
        aq.limit = limit;
        aq.offset = offset;
        rc = search_accounts(c, a, core, v, &aq, &out->accounts, &out->n_accounts);
        if (rc)
            return rc;
    }
    if (types & SEARCH_HASHTAGS) {
        rc = search_hashtags(c, a, v, text, limit, offset, &out->hashtags, &out->n_hashtags);
        if (rc)
            return rc;
    }
    if (types & SEARCH_STATUSES) {
        struct search_query sq = *q;
        sq.offset = offset;
        rc = search_statuses(c, a, v, &sq, text, limit, &out->statuses, &out->n_statuses);
        if (rc)
            return rc;
    }
    return 0;
}
