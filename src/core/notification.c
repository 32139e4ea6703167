/*
 * notification: storage and listing of notifications.
 *
 * Every function works inside the caller's connection, so a notification
 * is stored in the same transaction as the act it reports. Lists come
 * from the caller's arena.
 */
#include "core/notification.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/events.h"
#include "core/visibility.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"
#include "util/timeutil.h"

static const char *type_names[NOTIFY_TYPE_COUNT] = {
    "mention",   "status", "reblog", "follow",     "follow_request",
    "favourite", "poll",   "update", "event_rsvp",
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
    if (to == from && type != NOTIFY_POLL) /* an author is told that her own poll ended */
        return 0;
    int local = 0;
    struct db_stmt *s;
    int rc = is_local_account(c, to, &local);
    if (rc || !local)
        return rc;
    /* Nothing from an account the recipient blocks, or mutes with its notifications. */
    rc = db_prepare(c,
                    "SELECT 1 FROM blocks WHERE account_id = ? AND target_account_id = ?"
                    " UNION ALL SELECT 1 FROM mutes WHERE account_id = ? AND target_account_id = ?"
                    " AND notifications = 1 AND (expires_at IS NULL OR expires_at > ?)",
                    &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, to);
    db_bind_i64(s, 2, from);
    db_bind_i64(s, 3, to);
    db_bind_i64(s, 4, from);
    db_bind_i64(s, 5, time_now_ms());
    rc = db_step(s);
    db_stmt_done(s);
    if (rc != DB_DONE)
        return rc < 0 ? rc : 0;
    if (status_id) {
        struct viewer v = {.kind = VIEWER_LOCAL, .account_id = to};
        rc = visibility_may_see(c, &v, status_id);
        if (rc <= 0)
            return rc;
        /* Nothing about a thread she muted (her own poll's end still comes). */
        if (type != NOTIFY_POLL) {
            rc = db_prepare(c,
                            "SELECT 1 FROM thread_mutes m JOIN statuses s"
                            " ON m.thread_id = COALESCE(s.thread_root_id, s.id)"
                            " WHERE s.id = ? AND m.account_id = ?",
                            &s);
            if (rc)
                return rc;
            db_bind_i64(s, 1, status_id);
            db_bind_i64(s, 2, to);
            rc = db_step(s);
            db_stmt_done(s);
            if (rc != DB_DONE)
                return rc < 0 ? rc : 0;
        }
    }
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
    int64_t nid = id_next();
    db_bind_i64(s, 1, nid);
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
    events_defer(EVENT_NOTIFICATION, nid, to);
    if (created)
        *created = 1;
    return 0;
}

#define NOTIFICATION_COLUMNS                                                                       \
    "id, account_id, from_account_id, type, COALESCE(status_id, 0), created_at"

static void read_row(struct db_stmt *s, struct notification *nt)
{
    nt->id = db_col_i64(s, 0);
    nt->account_id = db_col_i64(s, 1);
    nt->from_account_id = db_col_i64(s, 2);
    if (notification_type_parse(db_col_text(s, 3), &nt->type) != 0)
        nt->type = NOTIFY_MENTION; /* written by this module: only known names */
    nt->status_id = db_col_i64(s, 4);
    nt->created_at = db_col_i64(s, 5);
}

/* Nothing from a server the member blocks (core/domain_block.h). */
#define FROM_UNBLOCKED_DOMAIN                                                                      \
    "NOT EXISTS (SELECT 1 FROM accounts fa JOIN account_domain_blocks fd"                          \
    " ON fd.domain = fa.domain WHERE fa.id = notifications.from_account_id"                        \
    " AND fd.account_id = notifications.account_id)"

int notification_list(struct db_conn *c, struct arena *a, int64_t account_id,
                      const struct notification_query *q, struct notification **out, size_t *n)
{
    int limit = q->limit <= 0 ? 40 : q->limit > 80 ? 80 : q->limit;
    /* Fixed SQL (two variants) so the statement cache stays small: bounds and types are bound. */
    static const char *const sql[2] = {
        "SELECT " NOTIFICATION_COLUMNS " FROM notifications WHERE account_id = ? AND id < ?"
        " AND id > ? AND (? = '' OR ? LIKE '%,' || type || ',%') AND " FROM_UNBLOCKED_DOMAIN
        " ORDER BY id DESC LIMIT ?",
        "SELECT " NOTIFICATION_COLUMNS " FROM notifications WHERE account_id = ? AND id < ?"
        " AND id > ? AND (? = '' OR ? LIKE '%,' || type || ',%') AND " FROM_UNBLOCKED_DOMAIN
        " ORDER BY id ASC LIMIT ?",
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
    int asc = q->min_id != 0;
    struct db_stmt *s;
    int rc = db_prepare(c, sql[asc], &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, account_id);
    db_bind_i64(s, 2, q->max_id ? q->max_id : INT64_MAX);
    db_bind_i64(s, 3, asc ? q->min_id : q->since_id);
    db_bind_text(s, 4, types);
    db_bind_text(s, 5, types);
    db_bind_i64(s, 6, limit);
    struct notification *list = arena_alloc(a, (size_t)limit * sizeof(*list));
    size_t count = 0;
    while (count < (size_t)limit && (rc = db_step(s)) == DB_ROW)
        read_row(s, &list[count++]);
    db_stmt_done(s);
    if (rc < 0)
        return rc;
    /* A min_id page is read oldest first; lists are always newest first. */
    for (size_t i = 0; asc && i < count / 2; i++) {
        struct notification t = list[i];
        list[i] = list[count - 1 - i];
        list[count - 1 - i] = t;
    }
    *out = list;
    *n = count;
    return 0;
}

int notification_get(struct db_conn *c, struct arena *a, int64_t account_id, int64_t id,
                     struct notification **out)
{
    struct db_stmt *s;
    int rc = db_prepare(
        c, "SELECT " NOTIFICATION_COLUMNS " FROM notifications WHERE id = ? AND account_id = ?",
        &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, id);
    db_bind_i64(s, 2, account_id);
    rc = db_step(s);
    if (rc == DB_ROW) {
        *out = arena_zalloc(a, sizeof(**out));
        read_row(s, *out);
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = E_NOTFOUND;
    }
    db_stmt_done(s);
    return rc;
}

int notification_count(struct db_conn *c, int64_t account_id, int64_t since_id, int64_t *count)
{
    struct db_stmt *s;
    int rc =
        db_prepare(c, "SELECT count(*) FROM notifications WHERE account_id = ? AND id > ?", &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, account_id);
    db_bind_i64(s, 2, since_id);
    rc = db_step(s);
    if (rc == DB_ROW) {
        *count = db_col_i64(s, 0);
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = E_DB;
    }
    db_stmt_done(s);
    return rc;
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
