/*
 * people: paged account lists (see people.h).
 */
#include "core/people.h"

#include <stdint.h>

#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/timeutil.h"

int people_list(struct db_conn *c, struct arena *a, const char *const sql[2], int64_t owner,
                const int64_t *now, const struct follow_page *p, struct follow_item **out,
                size_t *n)
{
    static const struct follow_page none = {0};
    if (!p)
        p = &none;
    int limit = p->limit <= 0                 ? FOLLOW_LIMIT_DEFAULT
                : p->limit > FOLLOW_LIMIT_MAX ? FOLLOW_LIMIT_MAX
                                              : p->limit;
    int asc = p->min_id != 0;
    struct db_stmt *s;
    int rc = db_prepare(c, sql[asc], &s);
    if (rc)
        return rc;
    int at = 1;
    db_bind_i64(s, at++, owner);
    if (now)
        db_bind_i64(s, at++, *now);
    db_bind_i64(s, at++, p->max_id ? p->max_id : INT64_MAX);
    db_bind_i64(s, at++, asc ? p->min_id : p->since_id);
    db_bind_i64(s, at++, limit);
    struct follow_item *list = arena_alloc(a, (size_t)limit * sizeof(*list));
    size_t count = 0;
    while (count < (size_t)limit && (rc = db_step(s)) == DB_ROW) {
        list[count].follow_id = db_col_i64(s, 0);
        list[count].account_id = db_col_i64(s, 1);
        count++;
    }
    db_stmt_done(s);
    if (rc < 0)
        return rc;
    for (size_t i = 0; asc && i < count / 2; i++) {
        struct follow_item t = list[i];
        list[i] = list[count - 1 - i];
        list[count - 1 - i] = t;
    }
    *out = list;
    *n = count;
    return 0;
}

int people_blocked(struct db_conn *c, struct arena *a, int64_t account_id,
                   const struct follow_page *p, struct follow_item **out, size_t *n)
{
    static const char *const sql[2] = {
        "SELECT id, target_account_id FROM blocks WHERE account_id = ?"
        " AND id < ? AND id > ? ORDER BY id DESC LIMIT ?",
        "SELECT id, target_account_id FROM blocks WHERE account_id = ?"
        " AND id < ? AND id > ? ORDER BY id ASC LIMIT ?",
    };
    return people_list(c, a, sql, account_id, NULL, p, out, n);
}

int people_muted(struct db_conn *c, struct arena *a, int64_t account_id,
                 const struct follow_page *p, struct follow_item **out, size_t *n)
{
    static const char *const sql[2] = {
        "SELECT id, target_account_id FROM mutes WHERE account_id = ?"
        " AND (expires_at IS NULL OR expires_at > ?) AND id < ? AND id > ?"
        " ORDER BY id DESC LIMIT ?",
        "SELECT id, target_account_id FROM mutes WHERE account_id = ?"
        " AND (expires_at IS NULL OR expires_at > ?) AND id < ? AND id > ?"
        " ORDER BY id ASC LIMIT ?",
    };
    int64_t now = time_now_ms();
    return people_list(c, a, sql, account_id, &now, p, out, n);
}

static int of_visible(struct db_conn *c, struct arena *a, const struct viewer *v,
                      const char *const sql[2], int64_t status_id, const struct follow_page *p,
                      struct follow_item **out, size_t *n)
{
    int rc = visibility_may_see(c, v, status_id);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return E_NOTFOUND;
    return people_list(c, a, sql, status_id, NULL, p, out, n);
}

int people_reblogged_by(struct db_conn *c, struct arena *a, const struct viewer *v,
                        int64_t status_id, const struct follow_page *p, struct follow_item **out,
                        size_t *n)
{
    static const char *const sql[2] = {
        "SELECT id, account_id FROM statuses WHERE reblog_of_id = ? AND deleted_at IS NULL"
        " AND id < ? AND id > ? ORDER BY id DESC LIMIT ?",
        "SELECT id, account_id FROM statuses WHERE reblog_of_id = ? AND deleted_at IS NULL"
        " AND id < ? AND id > ? ORDER BY id ASC LIMIT ?",
    };
    return of_visible(c, a, v, sql, status_id, p, out, n);
}

int people_favourited_by(struct db_conn *c, struct arena *a, const struct viewer *v,
                         int64_t status_id, const struct follow_page *p, struct follow_item **out,
                         size_t *n)
{
    static const char *const sql[2] = {
        "SELECT id, account_id FROM favourites WHERE status_id = ?"
        " AND id < ? AND id > ? ORDER BY id DESC LIMIT ?",
        "SELECT id, account_id FROM favourites WHERE status_id = ?"
        " AND id < ? AND id > ? ORDER BY id ASC LIMIT ?",
    };
    return of_visible(c, a, v, sql, status_id, p, out, n);
}
