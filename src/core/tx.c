/*
 * tx: begin/commit/rollback around core changes, with their events.
 */
#include "core/tx.h"

#include <stddef.h>

#include "core/core.h"
#include "core/events.h"
#include "core/queue.h"
#include "db/db.h"

int core_tx_begin(const struct core *core, struct db_conn **c)
{
    int rc = db_acquire(core->db, DB_WRITE, c);
    if (rc)
        return rc;
    events_discard();
    rc = db_begin(*c);
    if (rc) {
        db_release(*c);
        *c = NULL;
    }
    return rc;
}

int core_tx_end(struct db_conn *c, int rc)
{
    if (rc == 0)
        rc = db_commit(c);
    if (rc)
        db_rollback(c);
    db_release(c);
    queue_tx_ended(rc == 0);
    if (rc == 0)
        events_flush();
    else
        events_discard();
    return rc;
}
