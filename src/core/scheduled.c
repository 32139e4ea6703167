/*
 * scheduled: scheduled statuses stored with their parameters as JSON, and
 * their publication.
 */
#include "core/scheduled.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/core.h"
#include "core/idempotency.h"
#include "core/poll.h"
#include "core/tx.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"
#include "util/limits.h"
#define LOG_MODULE "core"
#include "util/log.h"
#include "util/timeutil.h"

#define DAY_MS (86400 * (int64_t)1000)
#define PUBLISH_BATCH 50 /* scheduled statuses published per call */

int scheduled_min_seconds(const struct core *core)
{
    return core->min_schedule_seconds > 0 ? core->min_schedule_seconds : LIMIT_SCHEDULE_MIN_S;
}

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

/* Mastodon's params object for a post (poll included). */
static json_t *params_json(const struct status_new *p, int64_t app_id)
{
    json_t *poll = json_null();
    if (p->poll) {
        json_t *opts = json_array();
        for (size_t i = 0; i < p->poll->n_options; i++)
            json_array_append_new(opts, json_string(p->poll->options[i]));
        poll = json_pack("{s:o, s:I, s:b, s:b}", "options", opts, "expires_in",
                         (json_int_t)p->poll->expires_in, "multiple", p->poll->multiple != 0,
                         "hide_totals", p->poll->hide_totals != 0);
    }
    json_t *j = json_object();
    json_object_set_new(j, "text", json_string(p->text ? p->text : ""));
    json_object_set_new(j, "poll", poll);
    json_object_set_new(j, "media_ids", json_null());
    json_object_set_new(j, "sensitive", json_boolean(p->sensitive));
    json_object_set_new(j, "spoiler_text", str_or_null(p->spoiler_text));
    json_object_set_new(j, "visibility", json_string(visibility_name(p->visibility)));
    json_object_set_new(j, "language", str_or_null(p->language));
    json_object_set_new(j, "scheduled_at", json_null());
    json_object_set_new(j, "idempotency", str_or_null(p->idempotency));
    json_object_set_new(j, "with_rate_limit", json_false());
    json_object_set_new(j, "in_reply_to_id",
                        p->in_reply_to_id ? json_integer(p->in_reply_to_id) : json_null());
    json_object_set_new(j, "application_id", json_integer(app_id));
    return j;
}

static const char *opt_str(struct arena *a, json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_string(v) ? arena_strdup(a, json_string_value(v)) : NULL;
}

/* Reads stored params back into a post (strings in a). 0 or E_INVAL. */
static int params_parse(struct arena *a, const char *text, struct status_new *p,
                        struct poll_new *poll)
{
    memset(p, 0, sizeof(*p));
    json_error_t err;
    json_t *j = json_loads(text, 0, &err);
    int rc = E_INVAL;
    if (!json_is_object(j))
        goto out;
    p->text = opt_str(a, j, "text");
    p->spoiler_text = opt_str(a, j, "spoiler_text");
    p->language = opt_str(a, j, "language");
    p->sensitive = json_is_true(json_object_get(j, "sensitive"));
    const char *vis = opt_str(a, j, "visibility");
    if (!vis || visibility_parse(vis, &p->visibility) != 0)
        goto out;
    json_t *reply = json_object_get(j, "in_reply_to_id");
    p->in_reply_to_id = json_is_integer(reply) ? json_integer_value(reply) : 0;
    json_t *pj = json_object_get(j, "poll");
    if (json_is_object(pj)) {
        json_t *opts = json_object_get(pj, "options");
        size_t n = json_array_size(opts);
        if (n > LIMIT_POLL_OPTIONS)
            goto out;
        memset(poll, 0, sizeof(*poll));
        poll->options = arena_zalloc(a, (n + 1) * sizeof(*poll->options));
        for (size_t i = 0; i < n; i++) {
            json_t *o = json_array_get(opts, i);
            poll->options[i] = arena_strdup(a, json_is_string(o) ? json_string_value(o) : "");
        }
        poll->n_options = n;
        poll->expires_in = json_integer_value(json_object_get(pj, "expires_in"));
        poll->multiple = json_is_true(json_object_get(pj, "multiple"));
        poll->hide_totals = json_is_true(json_object_get(pj, "hide_totals"));
        p->poll = poll;
    }
    rc = 0;
out:
    json_decref(j);
    return rc;
}

/* How many of the account's scheduled statuses fall in [from, to), the one moved aside. */
static int count_between(struct db_conn *c, int64_t account, int64_t from, int64_t to,
                         int64_t except, int64_t *n)
{
    struct db_stmt *s;
    int rc = db_prepare(c,
                        "SELECT count(*) FROM scheduled_statuses WHERE account_id = ?"
                        " AND scheduled_at >= ? AND scheduled_at < ? AND id <> ?",
                        &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, account);
    db_bind_i64(s, 2, from);
    db_bind_i64(s, 3, to);
    db_bind_i64(s, 4, except);
    rc = db_step(s);
    *n = rc == DB_ROW ? db_col_i64(s, 0) : 0;
    db_stmt_done(s);
    return rc < 0 ? rc : 0;
}

/* The time and count checks shared by scheduling and rescheduling (except: the one moved). */
static int check_when(const struct core *core, struct db_conn *c, int64_t account, int64_t at,
                      int64_t except, const char **why)
{
    int min = scheduled_min_seconds(core);
    if (at < time_now_ms() + (int64_t)min * 1000) {
        *why = min == LIMIT_SCHEDULE_MIN_S
                   ? "scheduled_at must be at least 5 minutes in the future"
                   : "scheduled_at is too soon: the scheduled date must be further in the future";
        return E_INVAL;
    }
    int64_t total, daily;
    int64_t day = at - at % DAY_MS;
    int rc = count_between(c, account, INT64_MIN, INT64_MAX, except, &total);
    if (rc == 0)
        rc = count_between(c, account, day, day + DAY_MS, except, &daily);
    if (rc)
        return rc;
    if (total >= LIMIT_SCHEDULED_TOTAL) {
        *why = "scheduled_at: you already have 300 scheduled posts";
        return E_LIMIT;
    }
    if (daily >= LIMIT_SCHEDULED_DAILY) {
        *why = "scheduled_at: you already have 25 posts scheduled on that day";
        return E_LIMIT;
    }
    return 0;
}

/* Runs sql with (id, account) bound; DB_ROW, DB_DONE or an error. */
static int step_id_account(struct db_conn *c, const char *sql, int64_t id, int64_t account)
{
    struct db_stmt *s;
    int rc = db_prepare(c, sql, &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, id);
    db_bind_i64(s, 2, account);
    rc = db_step(s);
    db_stmt_done(s);
    return rc;
}

static int exists(struct db_conn *c, int64_t account, int64_t id)
{
    int rc = step_id_account(c, "SELECT 1 FROM scheduled_statuses WHERE id = ? AND account_id = ?",
                             id, account);
    return rc < 0 ? rc : rc == DB_ROW;
}

int scheduled_create(const struct core *core, int64_t author, const struct status_new *p,
                     int64_t at, int64_t app_id, int64_t *id, const char **why)
{
    *why = NULL;
    struct status_new check = *p;
    check.check_only = 1;
    int64_t unused = 0;
    int rc = status_create(core, author, &check, &unused, why);
    if (rc)
        return rc;
    struct db_conn *c = NULL;
    rc = core_tx_begin(core, &c);
    if (rc)
        return rc;
    int64_t now = time_now_ms();
    int64_t prev = 0;
    if (p->idempotency &&
        idempotency_find(c, author, IDEMPOTENCY_SCHEDULED, p->idempotency, now, &prev) == 0 &&
        exists(c, author, prev) == 1) {
        *id = prev;
        goto out;
    }
    if ((rc = check_when(core, c, author, at, 0, why)))
        goto out;
    json_t *params = params_json(p, app_id);
    char *text = json_dumps(params, JSON_COMPACT);
    json_decref(params);
    int64_t sid = id_next();
    struct db_stmt *s;
    rc = db_prepare(c,
                    "INSERT INTO scheduled_statuses (id, account_id, scheduled_at, params,"
                    " created_at) VALUES (?, ?, ?, ?, ?)",
                    &s);
    if (rc == 0) {
        db_bind_i64(s, 1, sid);
        db_bind_i64(s, 2, author);
        db_bind_i64(s, 3, at);
        db_bind_text(s, 4, text);
        db_bind_i64(s, 5, now);
        rc = db_step(s);
        db_stmt_done(s);
        rc = rc < 0 ? rc : 0;
    }
    free(text);
    if (rc == 0 && p->idempotency)
        rc = idempotency_store(c, author, IDEMPOTENCY_SCHEDULED, p->idempotency, sid, now);
    if (rc == 0)
        *id = sid;
out:
    return core_tx_end(c, rc);
}

static struct scheduled_status *read_row(struct arena *a, struct db_stmt *s,
                                         struct scheduled_status *out)
{
    out->id = db_col_i64(s, 0);
    out->account_id = db_col_i64(s, 1);
    out->scheduled_at = db_col_i64(s, 2);
    out->params = arena_strdup(a, db_col_text(s, 3) ? db_col_text(s, 3) : "{}");
    return out;
}

int scheduled_get(struct db_conn *c, struct arena *a, int64_t account, int64_t id,
                  struct scheduled_status **out)
{
    struct db_stmt *s;
    int rc = db_prepare(c,
                        "SELECT id, account_id, scheduled_at, params FROM scheduled_statuses"
                        " WHERE id = ? AND account_id = ?",
                        &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, id);
    db_bind_i64(s, 2, account);
    rc = db_step(s);
    if (rc == DB_ROW) {
        *out = read_row(a, s, arena_zalloc(a, sizeof(**out)));
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = E_NOTFOUND;
    }
    db_stmt_done(s);
    return rc;
}

int scheduled_list(struct db_conn *c, struct arena *a, int64_t account, const struct page *p,
                   struct scheduled_status **out, size_t *n)
{
    int limit = p->limit <= 0 ? 20 : p->limit > 40 ? 40 : p->limit;
    int asc = p->min_id != 0;
    struct db_stmt *s;
    int rc = db_prepare(c,
                        asc ? "SELECT id, account_id, scheduled_at, params FROM scheduled_statuses"
                              " WHERE account_id = ? AND id < ? AND id > ? ORDER BY id ASC LIMIT ?"
                            : "SELECT id, account_id, scheduled_at, params FROM scheduled_statuses"
                              " WHERE account_id = ? AND id < ? AND id > ? ORDER BY id DESC"
                              " LIMIT ?",
                        &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, account);
    db_bind_i64(s, 2, p->max_id ? p->max_id : INT64_MAX);
    db_bind_i64(s, 3, asc ? p->min_id : p->since_id);
    db_bind_i64(s, 4, limit);
    struct scheduled_status *list = arena_zalloc(a, (size_t)limit * sizeof(*list));
    size_t count = 0;
    while (count < (size_t)limit && (rc = db_step(s)) == DB_ROW)
        read_row(a, s, &list[count++]);
    db_stmt_done(s);
    if (rc < 0)
        return rc;
    /* min_id pages are read oldest first; lists are always newest first. */
    for (size_t k = 0; asc && k < count / 2; k++) {
        struct scheduled_status t = list[k];
        list[k] = list[count - 1 - k];
        list[count - 1 - k] = t;
    }
    *out = list;
    *n = count;
    return 0;
}

int scheduled_reschedule(const struct core *core, int64_t account, int64_t id, int64_t at,
                         const char **why)
{
    struct db_conn *c = NULL;
    *why = NULL;
    int rc = core_tx_begin(core, &c);
    if (rc)
        return rc;
    rc = exists(c, account, id);
    if (rc == 0)
        rc = E_NOTFOUND;
    if (rc < 0)
        goto out;
    if ((rc = check_when(core, c, account, at, id, why)))
        goto out;
    struct db_stmt *s;
    rc = db_prepare(c, "UPDATE scheduled_statuses SET scheduled_at = ? WHERE id = ?", &s);
    if (rc)
        goto out;
    db_bind_i64(s, 1, at);
    db_bind_i64(s, 2, id);
    rc = db_step(s);
    db_stmt_done(s);
    rc = rc < 0 ? rc : 0;
out:
    return core_tx_end(c, rc);
}

int scheduled_take(struct db_conn *c, int64_t account, int64_t id)
{
    int rc = step_id_account(c, "DELETE FROM scheduled_statuses WHERE id = ? AND account_id = ?",
                             id, account);
    if (rc < 0)
        return rc;
    return db_changes(c) == 1 ? 0 : E_NOTFOUND;
}

int scheduled_cancel(const struct core *core, int64_t account, int64_t id)
{
    struct db_conn *c = NULL;
    int rc = core_tx_begin(core, &c);
    if (rc)
        return rc;
    return core_tx_end(c, scheduled_take(c, account, id));
}

/* Publishes one due scheduled status; drops it when it can no longer be posted. */
static int publish_one(const struct core *core, struct arena *a, const struct scheduled_status *ss,
                       int *published)
{
    struct status_new p;
    struct poll_new poll;
    const char *why = NULL;
    int64_t id = 0;
    *published = 0;
    int rc = params_parse(a, ss->params, &p, &poll);
    if (rc == 0) {
        p.scheduled_id = ss->id;
        rc = status_create(core, ss->account_id, &p, &id, &why);
    }
    if (rc == 0) {
        *published = 1;
        return 0;
    }
    if (rc != E_INVAL && rc != E_LIMIT && rc != E_NOTFOUND && rc != E_FORBIDDEN)
        return rc; /* the database failed: try again on the next run */
    log_warn("scheduled status %lld of account %lld cannot be posted (%s): dropped",
             (long long)ss->id, (long long)ss->account_id, why ? why : err_str(rc));
    rc = scheduled_cancel(core, ss->account_id, ss->id);
    return rc == E_NOTFOUND ? 0 : rc;
}

int scheduled_publish_due(const struct core *core, int64_t now, size_t *published)
{
    struct arena *a = arena_new();
    struct db_conn *c;
    size_t n = 0, done = 0;
    struct scheduled_status *due = arena_zalloc(a, PUBLISH_BATCH * sizeof(*due));
    int rc = db_acquire(core->db, DB_READ, &c);
    if (rc)
        goto out;
    struct db_stmt *s;
    rc = db_prepare(c,
                    "SELECT id, account_id, scheduled_at, params FROM scheduled_statuses"
                    " WHERE scheduled_at <= ? ORDER BY scheduled_at, id LIMIT ?",
                    &s);
    if (rc == 0) {
        db_bind_i64(s, 1, now);
        db_bind_i64(s, 2, PUBLISH_BATCH);
        while (n < PUBLISH_BATCH && (rc = db_step(s)) == DB_ROW)
            read_row(a, s, &due[n++]);
        db_stmt_done(s);
        rc = rc < 0 ? rc : 0;
    }
    db_release(c);
    for (size_t i = 0; i < n && rc == 0; i++) {
        int one = 0;
        rc = publish_one(core, a, &due[i], &one);
        done += (size_t)one;
    }
out:
    if (published)
        *published = done;
    arena_free(a);
    return rc;
}
