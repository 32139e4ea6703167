/*
 * tx: begin/commit/rollback around core changes, with their events, and
 * group commit.
 *
 * Writers queue for the one write connection. When a writer finishes its
 * change while others are waiting, it does not commit: it hands the open
 * transaction to the next writer, whose change goes into the same
 * transaction under a savepoint of its own, and so on; the last one of
 * the group commits for all, and every member returns only once that
 * commit is done (or failed, for all of them). A change that fails is
 * rolled back to its savepoint alone. Under load, many small changes (an
 * incoming post each, a delivery each) share one commit; a writer alone
 * commits at once, as before.
 */
#include "core/tx.h"

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"
#include "core/events.h"
#include "core/queue.h"
#include "db/db.h"
#include "util/err.h"
#define LOG_MODULE "core"
#include "util/log.h"

#define GROUP_MAX 64   /* changes sharing one commit at most */
#define GROUP_RCS 1024 /* commits remembered for members still to wake */

static struct {
    pthread_mutex_t lock;
    pthread_cond_t turn;  /* a writer may start */
    pthread_cond_t done;  /* a group's commit is done */
    struct db_conn *open; /* the group's transaction, when one is open */
    int busy;             /* a member is working in it now */
    int waiting;          /* writers waiting to start */
    int members;          /* changes in the open group so far */
    uint64_t group;       /* the open (or next) group's number */
    uint64_t committed;   /* the last group whose commit is done */
    int rcs[GROUP_RCS];   /* how the latest groups' commits went, by number */
} g = {.lock = PTHREAD_MUTEX_INITIALIZER,
       .turn = PTHREAD_COND_INITIALIZER,
       .done = PTHREAD_COND_INITIALIZER};

static __thread uint64_t my_group;
static __thread int in_change;

int core_tx_begin(const struct core *core, struct db_conn **c)
{
    if (in_change) {
        /* Waiting for one's own transaction would never end. */
        log_error("a change began inside another change of the same thread");
        *c = NULL;
        return E_DB;
    }
    pthread_mutex_lock(&g.lock);
    g.waiting++;
    while (g.busy || (g.open && g.members >= GROUP_MAX))
        pthread_cond_wait(&g.turn, &g.lock);
    g.waiting--;
    int rc = 0;
    if (!g.open) {
        struct db_conn *w;
        g.busy = 1;
        pthread_mutex_unlock(&g.lock);
        rc = db_acquire(core->db, DB_WRITE, &w);
        if (rc == 0) {
            rc = db_begin(w);
            if (rc)
                db_release(w);
        }
        pthread_mutex_lock(&g.lock);
        if (rc) {
            g.busy = 0;
            pthread_cond_signal(&g.turn);
            pthread_mutex_unlock(&g.lock);
            *c = NULL;
            return rc;
        }
        g.open = w;
        g.members = 0;
        g.group++;
    }
    g.busy = 1;
    g.members++;
    my_group = g.group;
    *c = g.open;
    pthread_mutex_unlock(&g.lock);
    in_change = 1;
    db_adopt(*c);
    events_discard();
    rc = db_exec(*c, "SAVEPOINT change");
    if (rc) {
        /* Nothing of this change exists: end it as a failure. */
        core_tx_end(*c, rc);
        *c = NULL;
    }
    return rc;
}

int core_tx_end(struct db_conn *c, int rc)
{
    if (!c)
        return rc ? rc : 0;
    in_change = 0;
    if (rc == 0)
        rc = db_exec(c, "RELEASE change");
    if (rc) {
        db_exec(c, "ROLLBACK TO change");
        db_exec(c, "RELEASE change");
    }
    pthread_mutex_lock(&g.lock);
    uint64_t mine = my_group;
    g.busy = 0;
    if (g.waiting > 0 && g.members < GROUP_MAX) {
        /* Someone's change joins this transaction; the last one commits. */
        pthread_cond_signal(&g.turn);
        while (g.committed < mine)
            pthread_cond_wait(&g.done, &g.lock);
    } else {
        struct db_conn *w = g.open;
        g.busy = 1; /* nobody starts until the commit is done */
        pthread_mutex_unlock(&g.lock);
        int crc = db_commit(w);
        if (crc)
            db_rollback(w);
        db_release(w);
        pthread_mutex_lock(&g.lock);
        g.open = NULL;
        g.busy = 0;
        g.committed = mine;
        g.rcs[mine % GROUP_RCS] = crc;
        pthread_cond_broadcast(&g.done);
        pthread_cond_signal(&g.turn);
    }
    int group_rc = g.rcs[mine % GROUP_RCS];
    pthread_mutex_unlock(&g.lock);
    if (rc == 0)
        rc = group_rc;
    queue_tx_ended(rc == 0);
    if (rc == 0)
        events_flush();
    else
        events_discard();
    return rc;
}
