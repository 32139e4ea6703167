/*
 * marker: read positions in their own small table.
 */
#include "core/marker.h"

#include <string.h>

#include "core/core.h"
#include "core/tx.h"
#include "db/db.h"
#include "util/err.h"
#include "util/timeutil.h"

int marker_timeline_known(const char *timeline)
{
    return timeline && (!strcmp(timeline, "home") || !strcmp(timeline, "notifications"));
}

int marker_get(struct db_conn *c, int64_t account_id, const char *timeline, struct marker *out)
{
    struct db_stmt *s;
    int rc = db_prepare(c,
                        "SELECT last_read_id, version, updated_at FROM markers WHERE account_id = ?"
                        " AND timeline = ?",
                        &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, account_id);
    db_bind_text(s, 2, timeline);
    rc = db_step(s);
    if (rc == DB_ROW) {
        out->last_read_id = db_col_i64(s, 0);
        out->version = db_col_i64(s, 1);
        out->updated_at = db_col_i64(s, 2);
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = E_NOTFOUND;
    }
    db_stmt_done(s);
    return rc;
}

int marker_set(const struct core *core, int64_t account_id, const char *timeline,
               int64_t last_read_id)
{
    if (!marker_timeline_known(timeline))
        return E_INVAL;
    struct db_conn *c;
    int rc = core_tx_begin(core, &c);
    if (rc)
        return rc;
    struct db_stmt *s;
    rc = db_prepare(c,
                    "INSERT INTO markers (account_id, timeline, last_read_id, version, updated_at)"
                    " VALUES (?, ?, ?, 1, ?) ON CONFLICT (account_id, timeline) DO UPDATE SET"
                    " last_read_id = excluded.last_read_id, version = markers.version + 1,"
                    " updated_at = excluded.updated_at",
                    &s);
    if (rc == 0) {
        db_bind_i64(s, 1, account_id);
        db_bind_text(s, 2, timeline);
        db_bind_i64(s, 3, last_read_id);
        db_bind_i64(s, 4, time_now_ms());
        rc = db_step(s);
        db_stmt_done(s);
        rc = rc < 0 ? rc : 0;
    }
    return core_tx_end(c, rc);
}
