/*
 * audit: writes and reads the audit_log table (audit.h).
 */
#include "core/audit.h"

#include <string.h>

#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"
#include "util/timeutil.h"

#define AUDIT_PAGE_MAX 200
#define AUDIT_PAGE_DEFAULT 40

int audit_add(struct db_conn *c, int64_t actor, const char *action, const char *target_type,
              int64_t target_id, const char *target, const char *detail)
{
    if (!action || !*action || !target_type || !*target_type)
        return E_INVAL;
    struct db_stmt *s;
    int rc = db_prepare(c,
                        "INSERT INTO audit_log (id, account_id, action, target_type, target_id,"
                        " target, detail, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        &s);
    if (rc)
        return rc;
    int64_t now = time_now_ms();
    db_bind_i64(s, 1, id_next());
    if (actor > 0)
        db_bind_i64(s, 2, actor);
    else
        db_bind_null(s, 2);
    db_bind_text(s, 3, action);
    db_bind_text(s, 4, target_type);
    if (target_id)
        db_bind_i64(s, 5, target_id);
    else
        db_bind_null(s, 5);
    db_bind_text(s, 6, target ? target : "");
    db_bind_text(s, 7, detail && *detail ? detail : "{}");
    db_bind_i64(s, 8, now);
    rc = db_step(s);
    db_stmt_done(s);
    return rc == DB_DONE ? 0 : E_DB;
}

int audit_list(struct db_conn *c, struct arena *a, int64_t actor, const char *prefix,
               const struct page *p, struct audit_entry **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    int limit = p && p->limit > 0 ? p->limit : AUDIT_PAGE_DEFAULT;
    if (limit > AUDIT_PAGE_MAX)
        limit = AUDIT_PAGE_MAX;
    int asc = p && p->min_id && !p->max_id && !p->since_id;
    const char *sql = arena_printf(
        a,
        "SELECT id, COALESCE(account_id, 0), action, target_type, COALESCE(target_id, 0),"
        " target, detail, created_at FROM audit_log WHERE (? = 0 OR id < ?) AND (? = 0 OR id > ?)"
        " AND (? = 0 OR (? = -1 AND account_id IS NULL) OR account_id = ?)"
        " AND (? = '' OR action = ? OR substr(action, 1, length(?) + 1) = ? || '.')"
        " ORDER BY id %s LIMIT ?",
        asc ? "ASC" : "DESC");
    struct db_stmt *s;
    int rc = db_prepare(c, sql, &s);
    if (rc)
        return rc;
    int64_t max = p ? p->max_id : 0;
    int64_t min = p ? (asc ? p->min_id : p->since_id) : 0;
    const char *pre = prefix ? prefix : "";
    int i = 1;
    db_bind_i64(s, i++, max);
    db_bind_i64(s, i++, max);
    db_bind_i64(s, i++, min);
    db_bind_i64(s, i++, min);
    db_bind_i64(s, i++, actor);
    db_bind_i64(s, i++, actor);
    db_bind_i64(s, i++, actor);
    for (int k = 0; k < 4; k++)
        db_bind_text(s, i++, pre);
    db_bind_i64(s, i++, limit);
    struct audit_entry *v = arena_alloc(a, (size_t)limit * sizeof(*v));
    size_t k = 0;
    while ((rc = db_step(s)) == DB_ROW && k < (size_t)limit) {
        struct audit_entry *e = &v[k++];
        e->id = db_col_i64(s, 0);
        e->account_id = db_col_i64(s, 1);
        e->action = arena_strdup(a, db_col_text(s, 2));
        e->target_type = arena_strdup(a, db_col_text(s, 3));
        e->target_id = db_col_i64(s, 4);
        e->target = arena_strdup(a, db_col_text(s, 5));
        e->detail = arena_strdup(a, db_col_text(s, 6));
        e->created_at = db_col_i64(s, 7);
    }
    db_stmt_done(s);
    if (rc != DB_DONE && rc != DB_ROW)
        return E_DB;
    /* Pages read upwards (min_id) are answered newest first too. */
    for (size_t lo = 0, hi = k; asc && hi > lo + 1; lo++, hi--) {
        struct audit_entry t = v[lo];
        v[lo] = v[hi - 1];
        v[hi - 1] = t;
    }
    *out = v;
    *n = k;
    return 0;
}
