/*
 * list: lists and their members over the database.
 */
#include "core/list.h"

#include <string.h>

#include "core/core.h"
#include "core/tx.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"
#include "util/timeutil.h"
#include "util/utf8.h"

#define LIST_COLUMNS "id, account_id, title, replies_policy, exclusive"

int list_policy_known(const char *policy)
{
    return policy &&
           (!strcmp(policy, "followed") || !strcmp(policy, "list") || !strcmp(policy, "none"));
}

static int check_fields(const char *title, const char *policy, const char **why)
{
    if (title) {
        size_t n = strlen(title);
        if (n == 0 || !utf8_valid(title, n) || utf8_count(title, n) > LIST_TITLE_MAX) {
            *why = "title must be 1 to 255 characters of text";
            return E_INVAL;
        }
    }
    if (policy && !list_policy_known(policy)) {
        *why = "replies_policy must be followed, list or none";
        return E_INVAL;
    }
    return 0;
}

static struct list *read_list(struct arena *a, struct db_stmt *s)
{
    struct list *l = arena_zalloc(a, sizeof(*l));
    l->id = db_col_i64(s, 0);
    l->account_id = db_col_i64(s, 1);
    l->title = arena_strdup(a, db_col_text(s, 2));
    l->replies_policy = arena_strdup(a, db_col_text(s, 3));
    l->exclusive = (int)db_col_i64(s, 4);
    return l;
}

int list_get(struct db_conn *c, struct arena *a, int64_t owner, int64_t id, struct list **out)
{
    struct db_stmt *s;
    int rc =
        db_prepare(c, "SELECT " LIST_COLUMNS " FROM lists WHERE id = ? AND account_id = ?", &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, id);
    db_bind_i64(s, 2, owner);
    rc = db_step(s);
    if (rc == DB_ROW) {
        *out = read_list(a, s);
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = E_NOTFOUND;
    }
    db_stmt_done(s);
    return rc;
}

static int read_lists(struct db_conn *c, struct arena *a, const char *sql, int64_t owner,
                      int64_t account, struct list **out, size_t *n)
{
    struct db_stmt *s;
    int rc = db_prepare(c, sql, &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, owner);
    if (account)
        db_bind_i64(s, 2, account);
    struct list *arr = arena_alloc(a, LIST_MAX_PER_ACCOUNT * sizeof(*arr));
    size_t count = 0;
    while (count < LIST_MAX_PER_ACCOUNT && (rc = db_step(s)) == DB_ROW)
        arr[count++] = *read_list(a, s);
    db_stmt_done(s);
    if (rc < 0)
        return rc;
    *out = arr;
    *n = count;
    return 0;
}

int list_all(struct db_conn *c, struct arena *a, int64_t owner, struct list **out, size_t *n)
{
    return read_lists(c, a, "SELECT " LIST_COLUMNS " FROM lists WHERE account_id = ? ORDER BY id",
                      owner, 0, out, n);
}

int list_containing(struct db_conn *c, struct arena *a, int64_t owner, int64_t account,
                    struct list **out, size_t *n)
{
    return read_lists(c, a,
                      "SELECT " LIST_COLUMNS " FROM lists WHERE account_id = ? AND id IN"
                      " (SELECT list_id FROM list_accounts WHERE account_id = ?) ORDER BY id",
                      owner, account, out, n);
}

int list_create(const struct core *core, struct arena *a, int64_t owner, const char *title,
                const char *replies_policy, int exclusive, struct list **out, const char **why)
{
    if (!title) {
        *why = "title can't be blank";
        return E_INVAL;
    }
    int rc = check_fields(title, replies_policy, why);
    if (rc)
        return rc;
    struct db_conn *c;
    rc = core_tx_begin(core, &c);
    if (rc)
        return rc;
    struct db_stmt *s;
    rc = db_prepare(c, "SELECT count(*) FROM lists WHERE account_id = ?", &s);
    if (rc)
        goto out;
    db_bind_i64(s, 1, owner);
    int64_t have = db_step(s) == DB_ROW ? db_col_i64(s, 0) : 0;
    db_stmt_done(s);
    if (have >= LIST_MAX_PER_ACCOUNT) {
        *why = "too many lists";
        rc = E_LIMIT;
        goto out;
    }
    struct list *l = arena_zalloc(a, sizeof(*l));
    l->id = id_next();
    l->account_id = owner;
    l->title = arena_strdup(a, title);
    l->replies_policy = arena_strdup(a, replies_policy ? replies_policy : "list");
    l->exclusive = exclusive > 0;
    rc = db_prepare(c,
                    "INSERT INTO lists (id, account_id, title, replies_policy, exclusive,"
                    " created_at) VALUES (?, ?, ?, ?, ?, ?)",
                    &s);
    if (rc)
        goto out;
    db_bind_i64(s, 1, l->id);
    db_bind_i64(s, 2, owner);
    db_bind_text(s, 3, l->title);
    db_bind_text(s, 4, l->replies_policy);
    db_bind_i64(s, 5, l->exclusive);
    db_bind_i64(s, 6, time_now_ms());
    rc = db_step(s);
    db_stmt_done(s);
    rc = rc < 0 ? rc : 0;
    if (rc == 0)
        *out = l;
out:
    return core_tx_end(c, rc);
}

int list_update(const struct core *core, int64_t owner, int64_t id, const char *title,
                const char *replies_policy, int exclusive, const char **why)
{
    int rc = check_fields(title, replies_policy, why);
    if (rc)
        return rc;
    struct db_conn *c;
    rc = core_tx_begin(core, &c);
    if (rc)
        return rc;
    struct db_stmt *s;
    rc = db_prepare(c,
                    "UPDATE lists SET title = COALESCE(?, title),"
                    " replies_policy = COALESCE(?, replies_policy),"
                    " exclusive = CASE WHEN ? < 0 THEN exclusive ELSE ? END"
                    " WHERE id = ? AND account_id = ?",
                    &s);
    if (rc == 0) {
        db_bind_text(s, 1, title);
        db_bind_text(s, 2, replies_policy);
        db_bind_i64(s, 3, exclusive);
        db_bind_i64(s, 4, exclusive > 0);
        db_bind_i64(s, 5, id);
        db_bind_i64(s, 6, owner);
        rc = db_step(s);
        db_stmt_done(s);
        if (rc >= 0)
            rc = db_changes(c) ? 0 : E_NOTFOUND;
    }
    return core_tx_end(c, rc);
}

int list_delete(const struct core *core, int64_t owner, int64_t id)
{
    struct db_conn *c;
    int rc = core_tx_begin(core, &c);
    if (rc)
        return rc;
    struct db_stmt *s;
    rc = db_prepare(c, "DELETE FROM lists WHERE id = ? AND account_id = ?", &s);
    if (rc == 0) {
        db_bind_i64(s, 1, id);
        db_bind_i64(s, 2, owner);
        rc = db_step(s);
        db_stmt_done(s);
        if (rc >= 0)
            rc = db_changes(c) ? 0 : E_NOTFOUND;
    }
    return core_tx_end(c, rc);
}

/* 1 when owner owns list id. */
static int owns(struct db_conn *c, int64_t owner, int64_t id)
{
    struct db_stmt *s;
    if (db_prepare(c, "SELECT 1 FROM lists WHERE id = ? AND account_id = ?", &s) != 0)
        return 0;
    db_bind_i64(s, 1, id);
    db_bind_i64(s, 2, owner);
    int yes = db_step(s) == DB_ROW;
    db_stmt_done(s);
    return yes;
}

int list_add(const struct core *core, int64_t owner, int64_t id, const int64_t *accounts, size_t n)
{
    struct db_conn *c;
    int rc = core_tx_begin(core, &c);
    if (rc)
        return rc;
    if (!owns(c, owner, id)) {
        rc = E_NOTFOUND;
        goto out;
    }
    for (size_t i = 0; i < n && rc == 0; i++) {
        struct db_stmt *s;
        rc = db_prepare(c,
                        "SELECT 1 FROM follows WHERE account_id = ? AND target_account_id = ?"
                        " AND accepted = 1",
                        &s);
        if (rc)
            break;
        db_bind_i64(s, 1, owner);
        db_bind_i64(s, 2, accounts[i]);
        int follows = db_step(s) == DB_ROW;
        db_stmt_done(s);
        if (!follows) {
            rc = E_FORBIDDEN;
            break;
        }
        rc = db_prepare(c,
                        "INSERT INTO list_accounts (list_id, account_id, created_at)"
                        " VALUES (?, ?, ?) ON CONFLICT (list_id, account_id) DO NOTHING",
                        &s);
        if (rc)
            break;
        db_bind_i64(s, 1, id);
        db_bind_i64(s, 2, accounts[i]);
        db_bind_i64(s, 3, time_now_ms());
        rc = db_step(s);
        db_stmt_done(s);
        rc = rc < 0 ? rc : 0;
    }
    if (rc == 0) {
        struct db_stmt *s;
        rc = db_prepare(c, "SELECT count(*) FROM list_accounts WHERE list_id = ?", &s);
        if (rc == 0) {
            db_bind_i64(s, 1, id);
            if (db_step(s) == DB_ROW && db_col_i64(s, 0) > LIST_MAX_MEMBERS)
                rc = E_LIMIT;
            db_stmt_done(s);
        }
    }
out:
    return core_tx_end(c, rc);
}

int list_remove(const struct core *core, int64_t owner, int64_t id, const int64_t *accounts,
                size_t n)
{
    struct db_conn *c;
    int rc = core_tx_begin(core, &c);
    if (rc)
        return rc;
    if (!owns(c, owner, id)) {
        rc = E_NOTFOUND;
        goto out;
    }
    for (size_t i = 0; i < n && rc == 0; i++) {
        struct db_stmt *s;
        rc = db_prepare(c, "DELETE FROM list_accounts WHERE list_id = ? AND account_id = ?", &s);
        if (rc)
            break;
        db_bind_i64(s, 1, id);
        db_bind_i64(s, 2, accounts[i]);
        rc = db_step(s);
        db_stmt_done(s);
        rc = rc < 0 ? rc : 0;
    }
out:
    return core_tx_end(c, rc);
}

int list_members(struct db_conn *c, struct arena *a, int64_t owner, int64_t id, int limit,
                 int64_t **out, size_t *n)
{
    if (!owns(c, owner, id))
        return E_NOTFOUND;
    if (limit <= 0 || limit > 80)
        limit = limit == 0 ? 40 : 80;
    struct db_stmt *s;
    int rc = db_prepare(c,
                        "SELECT account_id FROM list_accounts WHERE list_id = ? ORDER BY"
                        " created_at, account_id LIMIT ?",
                        &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, id);
    db_bind_i64(s, 2, limit);
    int64_t *arr = arena_alloc(a, (size_t)limit * sizeof(*arr));
    size_t count = 0;
    while (count < (size_t)limit && (rc = db_step(s)) == DB_ROW)
        arr[count++] = db_col_i64(s, 0);
    db_stmt_done(s);
    if (rc < 0)
        return rc;
    *out = arr;
    *n = count;
    return 0;
}
