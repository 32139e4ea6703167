/*
 * pin: pinned statuses, endorsed accounts and private notes (see pin.h).
 */
#include "core/pin.h"

#include <string.h>

#include "core/core.h"
#include "core/people.h"
#include "core/status.h"
#include "core/tx.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"
#include "util/limits.h"
#include "util/timeutil.h"
#include "util/utf8.h"

static int exec_ids(struct db_conn *c, const char *sql, int64_t a, int64_t b)
{
    struct db_stmt *s;
    int rc = db_prepare(c, sql, &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, a);
    db_bind_i64(s, 2, b);
    rc = db_step(s);
    db_stmt_done(s);
    return rc < 0 ? rc : 0;
}

static int64_t count_pins(struct db_conn *c, int64_t actor)
{
    struct db_stmt *s;
    int64_t n = 0;
    if (db_prepare(c, "SELECT count(*) FROM status_pins WHERE account_id = ?", &s) != 0)
        return 0;
    db_bind_i64(s, 1, actor);
    if (db_step(s) == DB_ROW)
        n = db_col_i64(s, 0);
    db_stmt_done(s);
    return n;
}

int pin_status(const struct core *core, int64_t actor, int64_t status_id, const char **why)
{
    struct arena *a = arena_new();
    struct db_conn *c = NULL;
    *why = NULL;
    int rc = core_tx_begin(core, &c);
    if (rc)
        goto out;
    struct status *st;
    rc = status_get(c, a, status_id, &st);
    if (rc == 0 && st->account_id != actor)
        rc = E_NOTFOUND;
    if (rc)
        goto out;
    if (st->visibility == VIS_DIRECT || st->reblog_of_id) {
        *why = st->reblog_of_id ? "a boost cannot be pinned" : "a direct message cannot be pinned";
        rc = E_INVAL;
        goto out;
    }
    struct db_stmt *s;
    rc = db_prepare(c, "SELECT 1 FROM status_pins WHERE account_id = ? AND status_id = ?", &s);
    if (rc)
        goto out;
    db_bind_i64(s, 1, actor);
    db_bind_i64(s, 2, status_id);
    int already = db_step(s) == DB_ROW;
    db_stmt_done(s);
    if (already)
        goto out;
    if (count_pins(c, actor) >= LIMIT_STATUS_PINS) {
        *why = "you have already pinned the maximum number of posts";
        rc = E_LIMIT;
        goto out;
    }
    rc = db_prepare(c,
                    "INSERT INTO status_pins (id, account_id, status_id, created_at)"
                    " VALUES (?, ?, ?, ?)",
                    &s);
    if (rc)
        goto out;
    db_bind_i64(s, 1, id_next());
    db_bind_i64(s, 2, actor);
    db_bind_i64(s, 3, status_id);
    db_bind_i64(s, 4, time_now_ms());
    rc = db_step(s);
    db_stmt_done(s);
    rc = rc < 0 ? rc : 0;
out:
    rc = core_tx_end(c, rc);
    arena_free(a);
    return rc;
}

int pin_status_remove(const struct core *core, int64_t actor, int64_t status_id)
{
    struct arena *a = arena_new();
    struct db_conn *c = NULL;
    int rc = core_tx_begin(core, &c);
    if (rc)
        goto out;
    struct status *st;
    rc = status_get(c, a, status_id, &st);
    if (rc == 0 && st->account_id != actor)
        rc = E_NOTFOUND;
    if (rc == 0)
        rc = exec_ids(c, "DELETE FROM status_pins WHERE account_id = ? AND status_id = ?", actor,
                      status_id);
out:
    rc = core_tx_end(c, rc);
    arena_free(a);
    return rc;
}

int pin_statuses(struct db_conn *c, struct arena *a, const struct viewer *v, int64_t account_id,
                 int64_t **ids, size_t *n)
{
    const char *sql = arena_printf(a,
                                   "SELECT s.id FROM status_pins p JOIN statuses s ON"
                                   " s.id = p.status_id WHERE p.account_id = ? AND %s"
                                   " ORDER BY p.id DESC LIMIT ?",
                                   visibility_sql(a, v, "s"));
    struct db_stmt *s;
    int rc = db_prepare(c, sql, &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, account_id);
    int i = visibility_sql_bind(s, 2, v);
    db_bind_i64(s, i, LIMIT_STATUS_PINS);
    int64_t *list = arena_alloc(a, LIMIT_STATUS_PINS * sizeof(*list));
    size_t count = 0;
    while (count < LIMIT_STATUS_PINS && (rc = db_step(s)) == DB_ROW)
        list[count++] = db_col_i64(s, 0);
    db_stmt_done(s);
    if (rc < 0)
        return rc;
    *ids = list;
    *n = count;
    return 0;
}

int pin_account(const struct core *core, int64_t actor, int64_t target)
{
    if (actor == target)
        return E_INVAL;
    struct db_conn *c = NULL;
    int rc = core_tx_begin(core, &c);
    if (rc)
        goto out;
    enum follow_state st;
    rc = follow_state(c, actor, target, &st);
    if (rc)
        goto out;
    if (st != FOLLOW_ACCEPTED) {
        rc = E_FORBIDDEN;
        goto out;
    }
    struct db_stmt *s;
    rc = db_prepare(c,
                    "INSERT INTO account_pins (id, account_id, target_account_id, created_at)"
                    " VALUES (?, ?, ?, ?) ON CONFLICT (account_id, target_account_id) DO NOTHING",
                    &s);
    if (rc)
        goto out;
    db_bind_i64(s, 1, id_next());
    db_bind_i64(s, 2, actor);
    db_bind_i64(s, 3, target);
    db_bind_i64(s, 4, time_now_ms());
    rc = db_step(s);
    db_stmt_done(s);
    rc = rc < 0 ? rc : 0;
out:
    return core_tx_end(c, rc);
}

int pin_account_remove(const struct core *core, int64_t actor, int64_t target)
{
    struct db_conn *c = NULL;
    int rc = core_tx_begin(core, &c);
    if (rc == 0)
        rc = exec_ids(c, "DELETE FROM account_pins WHERE account_id = ? AND target_account_id = ?",
                      actor, target);
    return core_tx_end(c, rc);
}

int pin_accounts(struct db_conn *c, struct arena *a, int64_t account_id,
                 const struct follow_page *p, struct follow_item **out, size_t *n)
{
    static const char *const sql[2] = {
        "SELECT id, target_account_id FROM account_pins WHERE account_id = ?"
        " AND id < ? AND id > ? ORDER BY id DESC LIMIT ?",
        "SELECT id, target_account_id FROM account_pins WHERE account_id = ?"
        " AND id < ? AND id > ? ORDER BY id ASC LIMIT ?",
    };
    return people_list(c, a, sql, account_id, NULL, p, out, n);
}

int pin_note_set(const struct core *core, int64_t actor, int64_t target, const char *comment)
{
    if (!comment)
        comment = "";
    if (!utf8_valid(comment, strlen(comment)))
        return E_INVAL;
    if (utf8_count(comment, strlen(comment)) > LIMIT_ACCOUNT_NOTE_CHARS)
        return E_LIMIT;
    struct db_conn *c = NULL;
    int rc = core_tx_begin(core, &c);
    if (rc)
        goto out;
    struct db_stmt *s;
    if (!*comment) {
        rc = exec_ids(c, "DELETE FROM account_notes WHERE account_id = ? AND target_account_id = ?",
                      actor, target);
        goto out;
    }
    rc = db_prepare(c,
                    "INSERT INTO account_notes (account_id, target_account_id, comment, updated_at)"
                    " VALUES (?, ?, ?, ?) ON CONFLICT (account_id, target_account_id)"
                    " DO UPDATE SET comment = excluded.comment, updated_at = excluded.updated_at",
                    &s);
    if (rc)
        goto out;
    db_bind_i64(s, 1, actor);
    db_bind_i64(s, 2, target);
    db_bind_text(s, 3, comment);
    db_bind_i64(s, 4, time_now_ms());
    rc = db_step(s);
    db_stmt_done(s);
    rc = rc < 0 ? rc : 0;
out:
    return core_tx_end(c, rc);
}

int pin_relationship(struct db_conn *c, struct arena *a, int64_t me, int64_t other, int *endorsed,
                     const char **note)
{
    struct db_stmt *s;
    *endorsed = 0;
    *note = "";
    int rc = db_prepare(c,
                        "SELECT EXISTS (SELECT 1 FROM account_pins WHERE account_id = ?"
                        " AND target_account_id = ?), (SELECT comment FROM account_notes"
                        " WHERE account_id = ? AND target_account_id = ?)",
                        &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, me);
    db_bind_i64(s, 2, other);
    db_bind_i64(s, 3, me);
    db_bind_i64(s, 4, other);
    rc = db_step(s);
    if (rc == DB_ROW) {
        *endorsed = (int)db_col_i64(s, 0);
        const char *t = db_col_text(s, 1);
        *note = t ? arena_strdup(a, t) : "";
    }
    db_stmt_done(s);
    return rc < 0 ? rc : 0;
}

int pin_thread_mute(const struct core *core, int64_t actor, int64_t status_id, int mute)
{
    struct arena *a = arena_new();
    struct db_conn *c = NULL;
    int rc = core_tx_begin(core, &c);
    if (rc)
        goto out;
    struct viewer v = {.kind = VIEWER_LOCAL, .account_id = actor};
    rc = visibility_may_see(c, &v, status_id);
    if (rc <= 0) {
        rc = rc < 0 ? rc : E_NOTFOUND;
        goto out;
    }
    struct status *st;
    rc = status_get(c, a, status_id, &st);
    if (rc)
        goto out;
    int64_t thread = st->thread_root_id ? st->thread_root_id : st->id;
    /* Only a thread she is in: she wrote in it, or was mentioned in it. */
    struct db_stmt *s;
    rc = db_prepare(c,
                    "SELECT 1 FROM statuses t WHERE COALESCE(t.thread_root_id, t.id) = ?"
                    " AND (t.account_id = ? OR EXISTS (SELECT 1 FROM mentions m"
                    " WHERE m.status_id = t.id AND m.account_id = ?)) LIMIT 1",
                    &s);
    if (rc)
        goto out;
    db_bind_i64(s, 1, thread);
    db_bind_i64(s, 2, actor);
    db_bind_i64(s, 3, actor);
    int part = db_step(s) == DB_ROW;
    db_stmt_done(s);
    if (!part) {
        rc = E_FORBIDDEN;
        goto out;
    }
    rc = db_prepare(c,
                    mute ? "INSERT INTO thread_mutes (account_id, thread_id, created_at)"
                           " VALUES (?, ?, ?) ON CONFLICT (account_id, thread_id) DO NOTHING"
                         : "DELETE FROM thread_mutes WHERE account_id = ? AND thread_id = ?"
                           " AND ? >= 0",
                    &s);
    if (rc)
        goto out;
    db_bind_i64(s, 1, actor);
    db_bind_i64(s, 2, thread);
    db_bind_i64(s, 3, time_now_ms());
    rc = db_step(s);
    db_stmt_done(s);
    rc = rc < 0 ? rc : 0;
out:
    rc = core_tx_end(c, rc);
    arena_free(a);
    return rc;
}
