/*
 * poll: storage of polls and votes, voting, and the end of polls.
 *
 * Counts are kept on the rows (poll_options.votes_count and
 * polls.voters_count) and changed in the voting transaction, so reading a
 * poll never counts votes.
 */
#include "core/poll.h"

#include <ctype.h>
#include <string.h>

#include "core/account.h"
#include "core/core.h"
#include "core/notification.h"
#include "core/outbox.h"
#include "core/tx.h"
#include "core/visibility.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"
#include "util/limits.h"
#define LOG_MODULE "core"
#include "util/log.h"
#include "util/timeutil.h"
#include "util/utf8.h"

#define CLOSE_BATCH 100 /* polls closed per poll_close_due call */

static int step_done(struct db_stmt *s)
{
    int rc = db_step(s);
    db_stmt_done(s);
    return rc < 0 ? rc : 0;
}

int poll_min_seconds(const struct core *core)
{
    return core->min_poll_seconds > 0 ? core->min_poll_seconds : LIMIT_POLL_EXPIRY_MIN_S;
}

static int blank(const char *s)
{
    for (; *s; s++)
        if (!isspace((unsigned char)*s))
            return 0;
    return 1;
}

int poll_check(const struct core *core, const struct poll_new *p, const char **why)
{
    if (p->n_options < LIMIT_POLL_OPTIONS_MIN) {
        *why = "poll options must have at least 2 choices";
        return E_INVAL;
    }
    if (p->n_options > LIMIT_POLL_OPTIONS) {
        *why = "poll options can't have more than 4 choices";
        return E_INVAL;
    }
    for (size_t i = 0; i < p->n_options; i++) {
        const char *o = p->options[i];
        size_t n = o ? strlen(o) : 0;
        if (!o || blank(o)) {
            *why = "poll options can't be blank";
            return E_INVAL;
        }
        if (!utf8_valid(o, n)) {
            *why = "poll options must be valid UTF-8";
            return E_INVAL;
        }
        if (utf8_count(o, n) > LIMIT_POLL_OPTION_CHARS) {
            *why = "poll options can't be longer than 50 characters";
            return E_INVAL;
        }
        for (size_t j = 0; j < i; j++) {
            if (!strcmp(o, p->options[j])) {
                *why = "poll options must not repeat a choice";
                return E_INVAL;
            }
        }
    }
    if (p->expires_in < poll_min_seconds(core)) {
        *why = "poll expires_in is too short";
        return E_INVAL;
    }
    if (p->expires_in > LIMIT_POLL_EXPIRY_MAX_S) {
        *why = "poll expires_in is too long";
        return E_INVAL;
    }
    return 0;
}

/* The end of a poll: a remote poll's own (or none), else expires_in from now. */
static void bind_end(struct db_stmt *s, int col, const struct poll_new *p, int64_t now)
{
    if (!p->remote)
        db_bind_i64(s, col, now + p->expires_in * 1000);
    else if (p->ends_at > 0)
        db_bind_i64(s, col, p->ends_at);
    else
        db_bind_null(s, col);
}

static int insert_options(struct db_conn *c, int64_t poll_id, const struct poll_new *p)
{
    for (size_t i = 0; i < p->n_options; i++) {
        struct db_stmt *s;
        int rc = db_prepare(c,
                            "INSERT INTO poll_options (poll_id, position, title, votes_count)"
                            " VALUES (?, ?, ?, ?)",
                            &s);
        if (rc)
            return rc;
        db_bind_i64(s, 1, poll_id);
        db_bind_i64(s, 2, (int64_t)i);
        db_bind_text(s, 3, p->options[i]);
        db_bind_i64(s, 4, p->counts && p->counts[i] > 0 ? p->counts[i] : 0);
        if ((rc = step_done(s)))
            return rc;
    }
    return 0;
}

int poll_insert(struct db_conn *c, int64_t status_id, int64_t author, const struct poll_new *p,
                int64_t now)
{
    struct db_stmt *s;
    int64_t id = id_next();
    int rc = db_prepare(c,
                        "INSERT INTO polls (id, status_id, account_id, multiple, hide_totals,"
                        " expires_at, voters_count, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, id);
    db_bind_i64(s, 2, status_id);
    db_bind_i64(s, 3, author);
    db_bind_i64(s, 4, p->multiple != 0);
    db_bind_i64(s, 5, p->hide_totals != 0);
    bind_end(s, 6, p, now);
    db_bind_i64(s, 7, p->voters_count > 0 ? p->voters_count : 0);
    db_bind_i64(s, 8, now);
    if ((rc = step_done(s)))
        return rc;
    return insert_options(c, id, p);
}

static int run1(struct db_conn *c, const char *sql, int64_t id)
{
    struct db_stmt *s;
    int rc = db_prepare(c, sql, &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, id);
    return step_done(s);
}

/* A remote poll's counts as its server sent them: they replace the stored ones. */
static int remote_counts(struct db_conn *c, int64_t poll_id, const struct poll_new *p)
{
    struct db_stmt *s;
    int rc;
    for (size_t i = 0; p->counts && i < p->n_options; i++) {
        if ((rc = db_prepare(c,
                             "UPDATE poll_options SET votes_count = ? WHERE poll_id = ?"
                             " AND position = ?",
                             &s)))
            return rc;
        db_bind_i64(s, 1, p->counts[i] > 0 ? p->counts[i] : 0);
        db_bind_i64(s, 2, poll_id);
        db_bind_i64(s, 3, (int64_t)i);
        if ((rc = step_done(s)))
            return rc;
    }
    if ((rc = db_prepare(c, "UPDATE polls SET voters_count = ? WHERE id = ?", &s)))
        return rc;
    db_bind_i64(s, 1, p->voters_count > 0 ? p->voters_count : 0);
    db_bind_i64(s, 2, poll_id);
    return step_done(s);
}

int poll_edit(struct db_conn *c, int64_t status_id, int64_t author, const struct poll_new *p,
              int64_t now)
{
    struct arena *a = arena_new();
    struct poll *old = NULL;
    int rc = poll_get_by_status(c, a, status_id, &old);
    if (rc == E_NOTFOUND) {
        rc = p ? poll_insert(c, status_id, author, p, now) : 0;
        goto out;
    }
    if (rc)
        goto out;
    if (!p) {
        rc = run1(c, "DELETE FROM polls WHERE id = ?", old->id);
        goto out;
    }
    int changed = old->n_options != p->n_options || !old->multiple != !p->multiple;
    for (size_t i = 0; !changed && i < p->n_options; i++)
        changed = strcmp(old->options[i].title, p->options[i]) != 0;
    struct db_stmt *s;
    rc = db_prepare(c,
                    "UPDATE polls SET multiple = ?, hide_totals = ?, expires_at = ?,"
                    " closed_at = CASE WHEN ? THEN closed_at ELSE NULL END WHERE id = ?",
                    &s);
    if (rc)
        goto out;
    db_bind_i64(s, 1, p->multiple != 0);
    db_bind_i64(s, 2, p->hide_totals != 0);
    bind_end(s, 3, p, now);
    /* A remote poll that has ended stays announced when its counts come again. */
    db_bind_i64(s, 4, p->remote && p->ends_at > 0 && p->ends_at <= now && !changed);
    db_bind_i64(s, 5, old->id);
    if ((rc = step_done(s)))
        goto out;
    if (!changed) {
        if (p->remote)
            rc = remote_counts(c, old->id, p);
        goto out;
    }
    /* New choices: the old votes no longer mean anything. */
    if ((rc = run1(c, "DELETE FROM poll_votes WHERE poll_id = ?", old->id)) ||
        (rc = run1(c, "DELETE FROM poll_options WHERE poll_id = ?", old->id)) ||
        (rc = run1(c, "UPDATE polls SET voters_count = 0 WHERE id = ?", old->id)))
        goto out;
    rc = insert_options(c, old->id, p);
    if (rc == 0 && p->remote)
        rc = remote_counts(c, old->id, p);
out:
    arena_free(a);
    return rc;
}

static int fetch_poll(struct db_conn *c, struct arena *a, const char *sql, int64_t key,
                      struct poll **out)
{
    struct db_stmt *s;
    int rc = db_prepare(c, sql, &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, key);
    rc = db_step(s);
    if (rc != DB_ROW) {
        db_stmt_done(s);
        return rc == DB_DONE ? E_NOTFOUND : rc;
    }
    struct poll *p = arena_zalloc(a, sizeof(*p));
    p->id = db_col_i64(s, 0);
    p->status_id = db_col_i64(s, 1);
    p->account_id = db_col_i64(s, 2);
    p->multiple = (int)db_col_i64(s, 3);
    p->hide_totals = (int)db_col_i64(s, 4);
    p->expires_at = db_col_i64(s, 5);
    p->voters_count = db_col_i64(s, 6);
    db_stmt_done(s);
    rc = db_prepare(c,
                    "SELECT title, votes_count FROM poll_options WHERE poll_id = ?"
                    " ORDER BY position LIMIT ?",
                    &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, p->id);
    db_bind_i64(s, 2, LIMIT_POLL_OPTIONS_REMOTE);
    p->options = arena_zalloc(a, LIMIT_POLL_OPTIONS_REMOTE * sizeof(*p->options));
    while (p->n_options < LIMIT_POLL_OPTIONS_REMOTE && (rc = db_step(s)) == DB_ROW) {
        struct poll_option *o = &p->options[p->n_options++];
        o->title = arena_strdup(a, db_col_text(s, 0) ? db_col_text(s, 0) : "");
        o->votes_count = db_col_i64(s, 1);
        p->votes_count += o->votes_count;
    }
    db_stmt_done(s);
    if (rc < 0)
        return rc;
    *out = p;
    return 0;
}

#define POLL_COLUMNS                                                                               \
    "SELECT id, status_id, account_id, multiple, hide_totals, COALESCE(expires_at, 0),"            \
    " voters_count FROM polls"

int poll_get(struct db_conn *c, struct arena *a, int64_t id, struct poll **out)
{
    return fetch_poll(c, a, POLL_COLUMNS " WHERE id = ?", id, out);
}

int poll_get_by_status(struct db_conn *c, struct arena *a, int64_t status_id, struct poll **out)
{
    return fetch_poll(c, a, POLL_COLUMNS " WHERE status_id = ?", status_id, out);
}

int poll_expired(const struct poll *p, int64_t now)
{
    return p->expires_at != 0 && p->expires_at <= now;
}

int poll_totals_hidden(const struct poll *p, int64_t viewer, int64_t now)
{
    return p->hide_totals && !poll_expired(p, now) && viewer != p->account_id;
}

int poll_own_votes(struct db_conn *c, struct arena *a, int64_t poll_id, int64_t account,
                   int **choices, size_t *n)
{
    struct db_stmt *s;
    *n = 0;
    *choices = arena_zalloc(a, LIMIT_POLL_OPTIONS_REMOTE * sizeof(**choices));
    int rc = db_prepare(c,
                        "SELECT choice FROM poll_votes WHERE poll_id = ? AND account_id = ?"
                        " ORDER BY choice LIMIT ?",
                        &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, poll_id);
    db_bind_i64(s, 2, account);
    db_bind_i64(s, 3, LIMIT_POLL_OPTIONS_REMOTE);
    while (*n < LIMIT_POLL_OPTIONS_REMOTE && (rc = db_step(s)) == DB_ROW)
        (*choices)[(*n)++] = (int)db_col_i64(s, 0);
    db_stmt_done(s);
    return rc < 0 ? rc : 0;
}

/* Checks the choices against the poll; marks the distinct ones in pick[]. */
static int check_choices(const struct poll *p, const int *choices, size_t n,
                         int pick[LIMIT_POLL_OPTIONS_REMOTE], size_t *distinct, const char **why)
{
    *distinct = 0;
    if (n == 0) {
        *why = "choices can't be blank";
        return E_INVAL;
    }
    for (size_t i = 0; i < n; i++) {
        if (choices[i] < 0 || (size_t)choices[i] >= p->n_options) {
            *why = "choices: the chosen option does not exist";
            return E_INVAL;
        }
        if (!pick[choices[i]])
            (*distinct)++;
        pick[choices[i]] = 1;
    }
    if (!p->multiple && *distinct > 1) {
        *why = "choices: this poll allows only one choice";
        return E_INVAL;
    }
    return 0;
}

/*
 * A member's vote in a remote poll is told to its author's server: one
 * "vote" publish job per choice (the Create of a Note named as the choice).
 */
static int federate_vote(struct db_conn *c, struct arena *a, const struct poll *p, int64_t voter,
                         const int *pick)
{
    struct account *author, *me;
    int rc = account_get(c, a, p->account_id, &author);
    if (rc || !author->domain)
        return rc == E_NOTFOUND ? 0 : rc;
    if ((rc = account_get(c, a, voter, &me)) || me->domain)
        return rc;
    for (int i = 0; i < LIMIT_POLL_OPTIONS && rc == 0; i++)
        if (pick[i])
            rc = outbox_add(c, OUTBOX_VOTE, voter, p->status_id, arena_printf(a, "%d", i));
    return rc;
}

int poll_vote(const struct core *core, int64_t voter, int64_t poll_id, const int *choices, size_t n,
              const char **why)
{
    struct arena *a = arena_new();
    struct db_conn *c = NULL;
    *why = NULL;
    int rc = core_tx_begin(core, &c);
    if (rc)
        goto out;
    struct poll *p;
    rc = poll_get(c, a, poll_id, &p);
    if (rc)
        goto out;
    struct viewer v = {.kind = VIEWER_LOCAL, .account_id = voter};
    rc = visibility_may_see(c, &v, p->status_id);
    if (rc <= 0) {
        rc = rc < 0 ? rc : E_NOTFOUND;
        goto out;
    }
    int64_t now = time_now_ms();
    if (poll_expired(p, now)) {
        *why = "The poll has already ended";
        rc = E_INVAL;
        goto out;
    }
    if (p->account_id == voter) {
        *why = "you cannot vote in your own poll";
        rc = E_INVAL;
        goto out;
    }
    int pick[LIMIT_POLL_OPTIONS_REMOTE] = {0};
    size_t distinct;
    if ((rc = check_choices(p, choices, n, pick, &distinct, why)))
        goto out;
    int *mine;
    size_t n_mine;
    if ((rc = poll_own_votes(c, a, poll_id, voter, &mine, &n_mine)))
        goto out;
    int again = n_mine > 0 && !p->multiple;
    for (size_t i = 0; i < n_mine && !again; i++)
        again = pick[mine[i]];
    if (again) {
        *why = "You have already voted on this poll";
        rc = E_INVAL;
        goto out;
    }
    struct db_stmt *s;
    for (int i = 0; i < LIMIT_POLL_OPTIONS_REMOTE && rc == 0; i++) {
        if (!pick[i])
            continue;
        rc = db_prepare(c,
                        "INSERT INTO poll_votes (id, poll_id, account_id, choice, created_at)"
                        " VALUES (?, ?, ?, ?, ?)",
                        &s);
        if (rc)
            break;
        db_bind_i64(s, 1, id_next());
        db_bind_i64(s, 2, poll_id);
        db_bind_i64(s, 3, voter);
        db_bind_i64(s, 4, i);
        db_bind_i64(s, 5, now);
        if ((rc = step_done(s)))
            break;
        rc = db_prepare(c,
                        "UPDATE poll_options SET votes_count = votes_count + 1"
                        " WHERE poll_id = ? AND position = ?",
                        &s);
        if (rc)
            break;
        db_bind_i64(s, 1, poll_id);
        db_bind_i64(s, 2, i);
        rc = step_done(s);
    }
    if (rc == 0 && n_mine == 0)
        rc = run1(c, "UPDATE polls SET voters_count = voters_count + 1 WHERE id = ?", poll_id);
    if (rc == 0)
        rc = federate_vote(c, a, p, voter, pick);
out:
    rc = core_tx_end(c, rc);
    arena_free(a);
    return rc;
}

/* Closes one poll and tells its author and voters; nothing when closed already. */
static int close_one(const struct core *core, int64_t id, int64_t now, int *closed)
{
    struct arena *a = arena_new();
    struct db_conn *c = NULL;
    *closed = 0;
    int rc = core_tx_begin(core, &c);
    if (rc)
        goto out;
    struct poll *p;
    rc = poll_get(c, a, id, &p);
    if (rc)
        goto out;
    struct db_stmt *s;
    rc = db_prepare(c, "UPDATE polls SET closed_at = ? WHERE id = ? AND closed_at IS NULL", &s);
    if (rc)
        goto out;
    db_bind_i64(s, 1, now);
    db_bind_i64(s, 2, id);
    if ((rc = step_done(s)) || db_changes(c) != 1)
        goto out;
    *closed = 1;
    rc = notification_add(c, p->account_id, p->account_id, NOTIFY_POLL, p->status_id, NULL);
    if (rc)
        goto out;
    /* Voters are gathered first: notification_add runs statements of its own. */
    int64_t *voters = NULL;
    size_t nv = 0, cap = 0;
    rc = db_prepare(c, "SELECT DISTINCT account_id FROM poll_votes WHERE poll_id = ?", &s);
    if (rc)
        goto out;
    db_bind_i64(s, 1, id);
    while ((rc = db_step(s)) == DB_ROW) {
        if (nv == cap) {
            cap = cap ? cap * 2 : 16;
            int64_t *grown = arena_alloc(a, cap * sizeof(*grown));
            if (nv)
                memcpy(grown, voters, nv * sizeof(*voters));
            voters = grown;
        }
        voters[nv++] = db_col_i64(s, 0);
    }
    db_stmt_done(s);
    if (rc < 0)
        goto out;
    rc = 0;
    for (size_t i = 0; i < nv && rc == 0; i++)
        rc = notification_add(c, voters[i], p->account_id, NOTIFY_POLL, p->status_id, NULL);
out:
    rc = core_tx_end(c, rc);
    arena_free(a);
    return rc;
}

int poll_close_due(const struct core *core, int64_t now, size_t *closed)
{
    struct db_conn *c;
    int64_t ids[CLOSE_BATCH];
    size_t n = 0, done = 0;
    if (closed)
        *closed = 0;
    int rc = db_acquire(core->db, DB_READ, &c);
    if (rc)
        return rc;
    struct db_stmt *s;
    rc = db_prepare(c,
                    "SELECT id FROM polls WHERE closed_at IS NULL AND expires_at <= ?"
                    " ORDER BY expires_at LIMIT ?",
                    &s);
    if (rc == 0) {
        db_bind_i64(s, 1, now);
        db_bind_i64(s, 2, CLOSE_BATCH);
        while (n < CLOSE_BATCH && (rc = db_step(s)) == DB_ROW)
            ids[n++] = db_col_i64(s, 0);
        db_stmt_done(s);
        rc = rc < 0 ? rc : 0;
    }
    db_release(c);
    for (size_t i = 0; i < n && rc == 0; i++) {
        int one = 0;
        rc = close_one(core, ids[i], now, &one);
        if (rc == E_NOTFOUND) /* deleted meanwhile */
            rc = 0;
        done += (size_t)one;
    }
    if (closed)
        *closed = done;
    return rc;
}
