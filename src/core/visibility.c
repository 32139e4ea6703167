/*
 * visibility: the rule, its fact gathering and its SQL form. Keep the three
 * in step: tests/unit/test_visibility.c checks the SQL against the pure
 * decision for every level and every kind of viewer.
 */
#include "core/visibility.h"

#include <string.h>

#include "core/neighborhood.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"

const char *visibility_name(enum status_visibility v)
{
    switch (v) {
    case VIS_PUBLIC:
        return "public";
    case VIS_UNLISTED:
        return "unlisted";
    case VIS_FOLLOWERS:
        return "private";
    case VIS_DIRECT:
        return "direct";
    case VIS_LOCAL:
        return "local";
    case VIS_NEIGHBORHOOD:
        return "neighborhood";
    }
    return "direct";
}

int visibility_parse(const char *s, enum status_visibility *out)
{
    static const struct {
        const char *name;
        enum status_visibility v;
    } names[] = {
        {"public", VIS_PUBLIC},
        {"unlisted", VIS_UNLISTED},
        {"private", VIS_FOLLOWERS},
        {"followers", VIS_FOLLOWERS},
        {"direct", VIS_DIRECT},
        {"local", VIS_LOCAL},
        {"neighborhood", VIS_NEIGHBORHOOD},
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (!strcmp(s, names[i].name)) {
            *out = names[i].v;
            return 0;
        }
    }
    return E_INVAL;
}

int visibility_viewer_for(struct db_conn *c, struct arena *a, int64_t account_id,
                          struct viewer *out)
{
    struct db_stmt *s;
    int rc = db_prepare(c, "SELECT domain FROM accounts WHERE id = ?", &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, account_id);
    rc = db_step(s);
    if (rc == DB_ROW) {
        const char *domain = db_col_text(s, 0);
        out->kind = domain ? VIEWER_REMOTE : VIEWER_LOCAL;
        out->account_id = account_id;
        out->domain = domain ? arena_strdup(a, domain) : NULL;
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = E_NOTFOUND;
    }
    db_stmt_done(s);
    return rc;
}

int visibility_decide(const struct visibility_facts *f)
{
    int has_account = f->viewer == VIEWER_LOCAL || f->viewer == VIEWER_REMOTE;
    if (has_account && f->blocked)
        return 0;
    if (has_account && f->is_author)
        return 1;
    switch (f->visibility) {
    case VIS_PUBLIC:
    case VIS_UNLISTED:
        return 1;
    case VIS_FOLLOWERS:
        return has_account && (f->follows_author || f->is_mentioned);
    case VIS_DIRECT:
        return has_account && f->is_mentioned;
    case VIS_LOCAL:
        return f->viewer == VIEWER_LOCAL;
    case VIS_NEIGHBORHOOD:
        if (f->viewer == VIEWER_LOCAL)
            return 1;
        return f->status_local && f->viewer_neighbor &&
               (f->viewer == VIEWER_REMOTE || f->viewer == VIEWER_SERVER);
    }
    return 0;
}

static int query_flag(struct db_conn *c, const char *sql, int64_t a, int64_t b, int *out)
{
    struct db_stmt *s;
    int rc = db_prepare(c, sql, &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, a);
    db_bind_i64(s, 2, b);
    rc = db_step(s);
    *out = rc == DB_ROW;
    db_stmt_done(s);
    return rc < 0 ? rc : 0;
}

int visibility_may_see(struct db_conn *c, const struct viewer *v, int64_t status_id)
{
    struct db_stmt *s;
    int rc = db_prepare(c,
                        "SELECT COALESCE(o.id, s.id), COALESCE(o.account_id, s.account_id),"
                        " COALESCE(o.visibility, s.visibility), COALESCE(o.local, s.local),"
                        " s.deleted_at IS NOT NULL OR o.deleted_at IS NOT NULL"
                        " FROM statuses s LEFT JOIN statuses o ON o.id = s.reblog_of_id"
                        " WHERE s.id = ?",
                        &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, status_id);
    rc = db_step(s);
    if (rc != DB_ROW) {
        db_stmt_done(s);
        return rc < 0 ? rc : 0;
    }
    int64_t id = db_col_i64(s, 0);
    int64_t author = db_col_i64(s, 1);
    struct visibility_facts f = {
        .visibility = (enum status_visibility)db_col_i64(s, 2),
        .status_local = (int)db_col_i64(s, 3),
        .viewer = v->kind,
    };
    int deleted = (int)db_col_i64(s, 4);
    db_stmt_done(s);
    if (deleted)
        return 0;
    /* A boost of something the viewer may not see is itself invisible. */
    if (v->kind == VIEWER_LOCAL || v->kind == VIEWER_REMOTE) {
        int64_t me = v->account_id;
        f.is_author = author == me;
        rc = query_flag(c,
                        "SELECT 1 FROM follows WHERE account_id = ? AND target_account_id = ?"
                        " AND accepted = 1",
                        me, author, &f.follows_author);
        if (rc == 0)
            rc = query_flag(c, "SELECT 1 FROM mentions WHERE account_id = ? AND status_id = ?", me,
                            id, &f.is_mentioned);
        if (rc == 0)
            rc =
                query_flag(c, "SELECT 1 FROM blocks WHERE target_account_id = ? AND account_id = ?",
                           me, author, &f.blocked);
        if (rc)
            return rc;
    }
    if (v->kind == VIEWER_REMOTE || v->kind == VIEWER_SERVER) {
        rc = neighborhood_has(c, v->domain);
        f.viewer_neighbor = rc > 0;
        rc = rc < 0 ? rc : 0;
        if (rc)
            return rc;
    }
    return visibility_decide(&f);
}

const char *visibility_sql(struct arena *a, const struct viewer *v, const char *t)
{
    switch (v->kind) {
    case VIEWER_LOCAL:
        return arena_printf(
            a,
            "(%s.deleted_at IS NULL"
            " AND NOT EXISTS (SELECT 1 FROM blocks vb WHERE vb.account_id = %s.account_id"
            " AND vb.target_account_id = ?)"
            " AND (%s.account_id = ? OR %s.visibility IN (0, 1, 4, 5)"
            " OR (%s.visibility = 2 AND EXISTS (SELECT 1 FROM follows vf WHERE vf.account_id = ?"
            " AND vf.target_account_id = %s.account_id AND vf.accepted = 1))"
            " OR (%s.visibility IN (2, 3) AND EXISTS (SELECT 1 FROM mentions vm"
            " WHERE vm.status_id = %s.id AND vm.account_id = ?))))",
            t, t, t, t, t, t, t, t);
    case VIEWER_REMOTE:
        return arena_printf(
            a,
            "(%s.deleted_at IS NULL"
            " AND NOT EXISTS (SELECT 1 FROM blocks vb WHERE vb.account_id = %s.account_id"
            " AND vb.target_account_id = ?)"
            " AND (%s.account_id = ? OR %s.visibility IN (0, 1)"
            " OR (%s.visibility = 2 AND EXISTS (SELECT 1 FROM follows vf WHERE vf.account_id = ?"
            " AND vf.target_account_id = %s.account_id AND vf.accepted = 1))"
            " OR (%s.visibility IN (2, 3) AND EXISTS (SELECT 1 FROM mentions vm"
            " WHERE vm.status_id = %s.id AND vm.account_id = ?))"
            " OR (%s.visibility = 5 AND %s.local = 1 AND EXISTS (SELECT 1 FROM"
            " neighborhood_servers vn WHERE vn.domain = lower(?)))))",
            t, t, t, t, t, t, t, t, t, t);
    case VIEWER_SERVER:
        return arena_printf(a,
                            "(%s.deleted_at IS NULL AND (%s.visibility IN (0, 1)"
                            " OR (%s.visibility = 5 AND %s.local = 1 AND EXISTS (SELECT 1 FROM"
                            " neighborhood_servers vn WHERE vn.domain = lower(?)))))",
                            t, t, t, t);
    case VIEWER_ANONYMOUS:
    default:
        return arena_printf(a, "(%s.deleted_at IS NULL AND %s.visibility IN (0, 1))", t, t);
    }
}

int visibility_sql_bind(struct db_stmt *s, int i, const struct viewer *v)
{
    switch (v->kind) {
    case VIEWER_LOCAL:
        for (int k = 0; k < 4; k++)
            db_bind_i64(s, i++, v->account_id);
        return i;
    case VIEWER_REMOTE:
        for (int k = 0; k < 4; k++)
            db_bind_i64(s, i++, v->account_id);
        db_bind_text(s, i++, v->domain ? v->domain : "");
        return i;
    case VIEWER_SERVER:
        db_bind_text(s, i++, v->domain ? v->domain : "");
        return i;
    case VIEWER_ANONYMOUS:
    default:
        return i;
    }
}

int visibility_filter(struct db_conn *c, struct arena *a, const struct viewer *v,
                      const int64_t *ids, size_t n, int *visible)
{
    const char *sql = arena_printf(
        a,
        "SELECT s.id FROM statuses s JOIN statuses v ON v.id = COALESCE(s.reblog_of_id, s.id)"
        " WHERE s.id IN " DB_IN_LIST " AND s.deleted_at IS NULL AND %s",
        visibility_sql(a, v, "v"));
    for (size_t i = 0; i < n; i++)
        visible[i] = 0;
    for (size_t off = 0; off < n; off += DB_IN_WIDTH) {
        size_t k = n - off < DB_IN_WIDTH ? n - off : DB_IN_WIDTH;
        struct db_stmt *s;
        int rc = db_prepare(c, sql, &s);
        if (rc)
            return rc;
        int i = db_bind_id_list(s, 1, ids + off, k);
        visibility_sql_bind(s, i, v);
        while ((rc = db_step(s)) == DB_ROW) {
            int64_t id = db_col_i64(s, 0);
            for (size_t j = off; j < off + k; j++)
                if (ids[j] == id)
                    visible[j] = 1;
        }
        db_stmt_done(s);
        if (rc < 0)
            return rc;
    }
    return 0;
}
