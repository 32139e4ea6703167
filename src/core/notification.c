/*
 * notification: storage and listing of notifications.
 */
#include "core/notification.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/visibility.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"
#include "util/timeutil.h"

static const char *type_names[NOTIFY_TYPE_COUNT] = {
    "mention", "status", "reblog", "follow", "follow_request", "favourite", "poll", "update",
};

const char *notification_type_name(enum notification_type t)
{
    return t < NOTIFY_TYPE_COUNT ? type_names[t] : "mention";
}

int notification_type_parse(const char *s, enum notification_type *out)
{
    for (int i = 0; i < NOTIFY_TYPE_COUNT; i++) {
        if (!strcmp(s, type_names[i])) {
            *out = (enum notification_type)i;
            return 0;
        }
    }
    return E_INVAL;
}

static int is_local_account(struct db_conn *c, int64_t id, int *local)
{
    struct db_stmt *s;
    int rc = db_prepare(c, "SELECT domain IS NULL FROM accounts WHERE id = ?", &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, id);
    rc = db_step(s);
    *local = rc == DB_ROW && db_col_i64(s, 0);
    db_stmt_done(s);
    return rc < 0 ? rc : 0;
}

int notification_add(struct db_conn *c, int64_t to, int64_t from, enum notification_type type,
                     int64_t status_id, int *created)
{
    if (created)
        *created = 0;
    if (to == from)
        return 0;
    int local = 0;
    int rc = is_local_account(c, to, &local);
    if (rc || !local)
        return rc;
    if (status_id) {
        struct viewer v = {.kind = VIEWER_LOCAL, .account_id = to};
        rc = visibility_may_see(c, &v, status_id);
        if (rc <= 0)
            return rc;
    }
    struct db_stmt *s;
    /* The UNIQUE constraint does not see NULL status ids as equal: check first. */
    rc = db_prepare(c,
                    "SELECT 1 FROM notifications WHERE account_id = ? AND from_account_id = ?"
                    " AND type = ? AND COALESCE(status_id, 0) = ?",
                    &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, to);
    db_bind_i64(s, 2, from);
    db_bind_text(s, 3, notification_type_name(type));
    db_bind_i64(s, 4, status_id);
    rc = db_step(s);
    db_stmt_done(s);
    if (rc == DB_ROW)
        return 0;
    if (rc < 0)
        return rc;
    rc = db_prepare(c,
                    "INSERT INTO notifications (id, account_id, from_account_id, type, status_id,"
                    " created_at) VALUES (?, ?, ?, ?, ?, ?)",
                    &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, id_next());
    db_bind_i64(s, 2, to);
    db_bind_i64(s, 3, from);
    db_bind_text(s, 4, notification_type_name(type));
    if (status_id)
        db_bind_i64(s, 5, status_id);
    else
        db_bind_null(s, 5);
    db_bind_i64(s, 6, time_now_ms());
    rc = db_step(s);
    db_stmt_done(s);
    if (rc == E_EXISTS)
        return 0;
    if (rc < 0)
        return rc;
    if (created)
        *created = 1;
    return 0;
}

int notification_list(struct db_conn *c, struct arena *a, int64_t account_id,
                      const struct notification_query *q, struct notification **out, size_t *n)
{
    int limit = q->limit <= 0 ? 40 : q->limit > 80 ? 80 : q->limit;
    /* Fixed SQL (two variants) so the statement cache stays small: bounds and types are bound. */
    static const char *const sql[2] = {
        "SELECT id, account_id, from_account_id, type, COALESCE(status_id, 0), created_at"
        " FROM notifications WHERE account_id = ? AND id < ? AND id > ?"
        " AND (? = '' OR ? LIKE '%,' || type || ',%') ORDER BY id DESC LIMIT ?",
        "SELECT id, account_id, from_account_id, type, COALESCE(status_id, 0), created_at"
        " FROM notifications WHERE account_id = ? AND id < ? AND id > ?"
        " AND (? = '' OR ? LIKE '%,' || type || ',%') ORDER BY id ASC LIMIT ?",
    };
    char types[160] = "";
    if (q->types) {
        size_t used = 0;
        for (int t = 0; t < NOTIFY_TYPE_COUNT; t++) {
            if (q->types & (1u << t))
                used += (size_t)snprintf(types + used, sizeof(types) - used, ",%s", type_names[t]);
        }
        snprintf(types + used, sizeof(types) - used, ",");
    }
    int64_t lower = q->min_id ? q->min_id : q->since_id;
    struct db_stmt *s;
    int rc = db_prepare(c, sql[q->min_id ? 1 : 0], &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, account_id);
    db_bind_i64(s, 2, q->max_id ? q->max_id : INT64_MAX);
    db_bind_i64(s, 3, lower);
    db_bind_text(s, 4, types);
    db_bind_text(s, 5, types);
    db_bind_i64(s, 6, limit);
    struct notification *list = arena_alloc(a, (size_t)limit * sizeof(*list));
    size_t count = 0;
    while ((rc = db_step(s)) == DB_ROW) {
        struct notification *nt = &list[count++];
        nt->id = db_col_i64(s, 0);
        nt->account_id = db_col_i64(s, 1);
        nt->from_account_id = db_col_i64(s, 2);
        notification_type_parse(db_col_text(s, 3), &nt->type);
        nt->status_id = db_col_i64(s, 4);
        nt->created_at = db_col_i64(s, 5);
    }
    db_stmt_done(s);
    if (rc < 0)
        return rc;
    *out = list;
    *n = count;
    return 0;
}

int notification_dismiss(struct db_conn *c, int64_t account_id, int64_t id)
{
    struct db_stmt *s;
    int rc = db_prepare(c, "DELETE FROM notifications WHERE id = ? AND account_id = ?", &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, id);
    db_bind_i64(s, 2, account_id);
    rc = db_step(s);
    db_stmt_done(s);
    if (rc < 0)
        return rc;
    return db_changes(c) ? 0 : E_NOTFOUND;
}

int notification_clear(struct db_conn *c, int64_t account_id)
{
    struct db_stmt *s;
    int rc = db_prepare(c, "DELETE FROM notifications WHERE account_id = ?", &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, account_id);
    rc = db_step(s);
    db_stmt_done(s);
    return rc < 0 ? rc : 0;
}
