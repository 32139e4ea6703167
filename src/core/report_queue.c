/*
 * report_queue: the moderators' side of reports (see report.h): reading
 * and listing them, assignment, notes, resolution and forwarding. Every
 * change is audited in its own transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/account.h"
#include "core/audit.h"
#include "core/core.h"
#include "core/queue.h"
#include "core/report.h"
#include "core/tx.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"
#include "util/limits.h"
#include "util/timeutil.h"
#include "util/utf8.h"

#define REPORT_COLUMNS                                                                             \
    "id, account_id, target_account_id, status_ids, rule_ids, comment, category, forward,"         \
    " COALESCE(action_taken_at, 0), COALESCE(assigned_account_id, 0),"                             \
    " COALESCE(action_taken_by_account_id, 0), COALESCE(forwarded_at, 0),"                         \
    " COALESCE(updated_at, created_at), created_at"

/* A comma-separated id list into an arena array. */
static void parse_ids(struct arena *a, const char *text, const int64_t **out, size_t *n)
{
    size_t cap = 1;
    for (const char *p = text; *p; p++)
        cap += *p == ',';
    int64_t *ids = arena_alloc(a, cap * sizeof(*ids));
    size_t k = 0;
    const char *p = text;
    while (*p) {
        size_t len = strcspn(p, ",");
        char one[ID_STR_MAX];
        if (len && len < sizeof(one)) {
            memcpy(one, p, len);
            one[len] = '\0';
            if (id_from_str(one, &ids[k]) == 0)
                k++;
        }
        p += len;
        if (*p == ',')
            p++;
    }
    *out = ids;
    *n = k;
}

static void read_row(struct arena *a, struct db_stmt *s, struct report *r)
{
    memset(r, 0, sizeof(*r));
    r->id = db_col_i64(s, 0);
    r->reporter = db_col_i64(s, 1);
    r->target = db_col_i64(s, 2);
    parse_ids(a, db_col_text(s, 3) ? db_col_text(s, 3) : "", &r->status_ids, &r->n_statuses);
    r->rule_ids = arena_strdup(a, db_col_text(s, 4) ? db_col_text(s, 4) : "");
    r->comment = arena_strdup(a, db_col_text(s, 5) ? db_col_text(s, 5) : "");
    r->category = arena_strdup(a, db_col_text(s, 6) ? db_col_text(s, 6) : "other");
    r->forward = (int)db_col_i64(s, 7);
    r->action_taken_at = db_col_i64(s, 8);
    r->assigned_to = db_col_i64(s, 9);
    r->action_taken_by = db_col_i64(s, 10);
    r->forwarded_at = db_col_i64(s, 11);
    r->updated_at = db_col_i64(s, 12);
    r->created_at = db_col_i64(s, 13);
}

int report_get(struct db_conn *c, struct arena *a, int64_t id, struct report **out)
{
    struct db_stmt *s;
    int rc = db_prepare(c, "SELECT " REPORT_COLUMNS " FROM reports WHERE id = ?", &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, id);
    rc = db_step(s);
    if (rc == DB_ROW) {
        *out = arena_alloc(a, sizeof(**out));
        read_row(a, s, *out);
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = E_NOTFOUND;
    }
    db_stmt_done(s);
    return rc;
}

int report_list(struct db_conn *c, struct arena *a, const struct report_query *q,
                struct report **out, size_t *n)
{
    int limit = q->limit <= 0 ? 100 : q->limit > 200 ? 200 : q->limit;
    int asc = q->min_id != 0;
    static const char *const sql[2] = {
        "SELECT " REPORT_COLUMNS " FROM reports WHERE id < ? AND id > ?"
        " AND (? < 0 OR (action_taken_at IS NOT NULL) = ?) AND (? = 0 OR account_id = ?)"
        " AND (? = 0 OR target_account_id = ?) ORDER BY id DESC LIMIT ?",
        "SELECT " REPORT_COLUMNS " FROM reports WHERE id < ? AND id > ?"
        " AND (? < 0 OR (action_taken_at IS NOT NULL) = ?) AND (? = 0 OR account_id = ?)"
        " AND (? = 0 OR target_account_id = ?) ORDER BY id ASC LIMIT ?",
    };
    struct db_stmt *s;
    int rc = db_prepare(c, sql[asc], &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, q->max_id ? q->max_id : INT64_MAX);
    db_bind_i64(s, 2, asc ? q->min_id : q->since_id);
    db_bind_i64(s, 3, q->resolved);
    db_bind_i64(s, 4, q->resolved);
    db_bind_i64(s, 5, q->account_id);
    db_bind_i64(s, 6, q->account_id);
    db_bind_i64(s, 7, q->target_account_id);
    db_bind_i64(s, 8, q->target_account_id);
    db_bind_i64(s, 9, limit);
    struct report *list = arena_alloc(a, (size_t)limit * sizeof(*list));
    size_t k = 0;
    while (k < (size_t)limit && (rc = db_step(s)) == DB_ROW)
        read_row(a, s, &list[k++]);
    db_stmt_done(s);
    if (rc < 0)
        return rc;
    for (size_t i = 0; asc && i < k / 2; i++) {
        struct report t = list[i];
        list[i] = list[k - 1 - i];
        list[k - 1 - i] = t;
    }
    *out = list;
    *n = k;
    return 0;
}

int report_count_open(struct db_conn *c, int64_t *n)
{
    struct db_stmt *s;
    int rc = db_prepare(c, "SELECT count(*) FROM reports WHERE action_taken_at IS NULL", &s);
    if (rc)
        return rc;
    rc = db_step(s);
    *n = rc == DB_ROW ? db_col_i64(s, 0) : 0;
    db_stmt_done(s);
    return rc < 0 ? rc : 0;
}

/* The report's target acct, for the audit entry ("" when gone). */
static const char *target_name(struct db_conn *c, struct arena *a, int64_t report)
{
    struct db_stmt *s;
    if (db_prepare(c,
                   "SELECT a.username, a.domain FROM reports r JOIN accounts a"
                   " ON a.id = r.target_account_id WHERE r.id = ?",
                   &s) != 0)
        return "";
    db_bind_i64(s, 1, report);
    const char *name = "";
    if (db_step(s) == DB_ROW) {
        const char *d = db_col_text(s, 1);
        name =
            d ? arena_printf(a, "%s@%s", db_col_text(s, 0), d) : arena_strdup(a, db_col_text(s, 0));
    }
    db_stmt_done(s);
    return name;
}

/* Runs an UPDATE on one report (its id bound last) and audits it. */
static int change(struct db_conn *c, const char *sql, int64_t id, int64_t actor, const char *action,
                  const char *detail)
{
    struct arena *a = arena_new();
    struct db_stmt *s;
    int rc = db_prepare(c, sql, &s);
    if (rc)
        goto out;
    db_bind_i64(s, 1, time_now_ms());
    db_bind_i64(s, 2, id);
    rc = db_step(s);
    db_stmt_done(s);
    if (rc < 0)
        goto out;
    rc = db_changes(c) ? 0 : E_NOTFOUND;
    if (rc == 0)
        rc = audit_add(c, actor, action, "report", id, target_name(c, a, id), detail);
out:
    arena_free(a);
    return rc;
}

int report_assign(const struct core *core, int64_t actor, int64_t id, int64_t assignee)
{
    struct db_conn *c;
    int rc = core_tx_begin(core, &c);
    if (rc)
        return rc;
    char detail[64];
    snprintf(detail, sizeof(detail), "{\"assigned_account_id\":\"%lld\"}", (long long)assignee);
    if (assignee) {
        struct db_stmt *s;
        rc = db_prepare(
            c, "UPDATE reports SET updated_at = ?, assigned_account_id = ? WHERE id = ?", &s);
        if (rc == 0) {
            db_bind_i64(s, 1, time_now_ms());
            db_bind_i64(s, 2, assignee);
            db_bind_i64(s, 3, id);
            rc = db_step(s);
            db_stmt_done(s);
            rc = rc < 0 ? rc : db_changes(c) ? 0 : E_NOTFOUND;
        }
        if (rc == 0) {
            struct arena *a = arena_new();
            rc = audit_add(c, actor, "report.assign", "report", id, target_name(c, a, id), detail);
            arena_free(a);
        }
    } else {
        rc = change(c, "UPDATE reports SET updated_at = ?, assigned_account_id = NULL WHERE id = ?",
                    id, actor, "report.unassign", NULL);
    }
    return core_tx_end(c, rc);
}

int report_resolve_in(struct db_conn *c, int64_t actor, int64_t id, int resolved,
                      const char *action)
{
    json_t *d = json_pack("{s:s}", "action", action ? action : "none");
    char *detail = json_dumps(d, JSON_COMPACT);
    json_decref(d);
    int rc;
    if (resolved) {
        struct db_stmt *s;
        rc = db_prepare(c,
                        "UPDATE reports SET updated_at = ?1, action_taken_at = ?1,"
                        " action_taken_by_account_id = ?2 WHERE id = ?3",
                        &s);
        if (rc == 0) {
            db_bind_i64(s, 1, time_now_ms());
            if (actor)
                db_bind_i64(s, 2, actor);
            else
                db_bind_null(s, 2);
            db_bind_i64(s, 3, id);
            rc = db_step(s);
            db_stmt_done(s);
            rc = rc < 0 ? rc : db_changes(c) ? 0 : E_NOTFOUND;
        }
        if (rc == 0) {
            struct arena *a = arena_new();
            rc = audit_add(c, actor, "report.resolve", "report", id, target_name(c, a, id), detail);
            arena_free(a);
        }
    } else {
        rc = change(c,
                    "UPDATE reports SET updated_at = ?, action_taken_at = NULL,"
                    " action_taken_by_account_id = NULL WHERE id = ?",
                    id, actor, "report.reopen", NULL);
    }
    free(detail);
    return rc;
}

int report_resolve(const struct core *core, int64_t actor, int64_t id, int resolved)
{
    struct db_conn *c;
    int rc = core_tx_begin(core, &c);
    if (rc)
        return rc;
    rc = report_resolve_in(c, actor, id, resolved, "none");
    return core_tx_end(c, rc);
}

int report_update(const struct core *core, int64_t actor, int64_t id, const char *category,
                  const char *rule_ids, const char **why)
{
    *why = NULL;
    static const char *const categories[] = {"spam", "legal", "violation", "other"};
    if (category) {
        int known = 0;
        for (size_t i = 0; i < sizeof(categories) / sizeof(categories[0]); i++)
            known |= !strcmp(category, categories[i]);
        if (!known) {
            *why = "category must be spam, legal, violation or other";
            return E_INVAL;
        }
    }
    if (rule_ids && strspn(rule_ids, "0123456789,") != strlen(rule_ids)) {
        *why = "rule_ids must be rule ids";
        return E_INVAL;
    }
    struct db_conn *c;
    int rc = core_tx_begin(core, &c);
    if (rc)
        return rc;
    struct db_stmt *s;
    rc = db_prepare(c,
                    "UPDATE reports SET updated_at = ?, category = COALESCE(?, category),"
                    " rule_ids = COALESCE(?, rule_ids) WHERE id = ?",
                    &s);
    if (rc == 0) {
        db_bind_i64(s, 1, time_now_ms());
        if (category)
            db_bind_text(s, 2, category);
        else
            db_bind_null(s, 2);
        if (rule_ids)
            db_bind_text(s, 3, rule_ids);
        else
            db_bind_null(s, 3);
        db_bind_i64(s, 4, id);
        rc = db_step(s);
        db_stmt_done(s);
        rc = rc < 0 ? rc : db_changes(c) ? 0 : E_NOTFOUND;
    }
    if (rc == 0) {
        json_t *d = json_pack("{s:s?, s:s?}", "category", category, "rule_ids", rule_ids);
        char *detail = json_dumps(d, JSON_COMPACT);
        json_decref(d);
        struct arena *a = arena_new();
        rc = audit_add(c, actor, "report.update", "report", id, target_name(c, a, id), detail);
        arena_free(a);
        free(detail);
    }
    return core_tx_end(c, rc);
}

int report_note_add(const struct core *core, int64_t actor, int64_t id, const char *content,
                    const char **why)
{
    *why = NULL;
    size_t len = content ? strlen(content) : 0;
    if (!len || !utf8_valid(content, len)) {
        *why = "a note needs UTF-8 text";
        return E_INVAL;
    }
    if (utf8_count(content, len) > LIMIT_REPORT_COMMENT_CHARS) {
        *why = "a note is too long (1000 characters at most)";
        return E_INVAL;
    }
    struct db_conn *c;
    int rc = core_tx_begin(core, &c);
    if (rc)
        return rc;
    struct db_stmt *s;
    rc = db_prepare(c,
                    "INSERT INTO report_notes (id, report_id, account_id, content, created_at)"
                    " SELECT ?, id, ?, ?, ? FROM reports WHERE id = ?",
                    &s);
    if (rc == 0) {
        db_bind_i64(s, 1, id_next());
        if (actor)
            db_bind_i64(s, 2, actor);
        else
            db_bind_null(s, 2);
        db_bind_text(s, 3, content);
        db_bind_i64(s, 4, time_now_ms());
        db_bind_i64(s, 5, id);
        rc = db_step(s);
        db_stmt_done(s);
        rc = rc < 0 ? rc : db_changes(c) ? 0 : E_NOTFOUND;
    }
    if (rc == 0) {
        json_t *d = json_pack("{s:s}", "content", content);
        char *detail = json_dumps(d, JSON_COMPACT);
        json_decref(d);
        struct arena *a = arena_new();
        rc = audit_add(c, actor, "report.note", "report", id, target_name(c, a, id), detail);
        arena_free(a);
        free(detail);
    }
    return core_tx_end(c, rc);
}

int report_notes(struct db_conn *c, struct arena *a, int64_t id, struct report_note **out,
                 size_t *n)
{
    struct db_stmt *s;
    int rc = db_prepare(c,
                        "SELECT id, COALESCE(account_id, 0), content, created_at FROM report_notes"
                        " WHERE report_id = ? ORDER BY id LIMIT 500",
                        &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, id);
    size_t cap = 16, k = 0;
    struct report_note *list = arena_alloc(a, cap * sizeof(*list));
    while ((rc = db_step(s)) == DB_ROW) {
        if (k == cap) {
            struct report_note *more = arena_alloc(a, 2 * cap * sizeof(*list));
            memcpy(more, list, cap * sizeof(*list));
            list = more;
            cap *= 2;
        }
        list[k].id = db_col_i64(s, 0);
        list[k].account_id = db_col_i64(s, 1);
        list[k].content = arena_strdup(a, db_col_text(s, 2));
        list[k].created_at = db_col_i64(s, 3);
        k++;
    }
    db_stmt_done(s);
    if (rc < 0)
        return rc;
    *out = list;
    *n = k;
    return 0;
}

int report_forward_in(struct db_conn *c, struct arena *a, const char *base_url, int64_t actor,
                      int64_t id, const char **why)
{
    *why = NULL;
    struct report *r;
    int rc = report_get(c, a, id, &r);
    if (rc)
        return rc;
    if (r->forwarded_at)
        return 0;
    struct account *target;
    rc = account_get(c, a, r->target, &target);
    if (rc)
        return rc;
    const char *inbox = target->shared_inbox_url ? target->shared_inbox_url : target->inbox_url;
    if (!target->domain || !inbox) {
        *why = target->domain ? "the account's server has no inbox known here"
                              : "a member of this server has no other server to tell";
        return E_INVAL;
    }
    char lane[QUEUE_LANE_MAX];
    if (queue_lane_of(inbox, lane, sizeof(lane)) != 0) {
        *why = "the account's inbox is not a URL";
        return E_INVAL;
    }
    /* Mastodon's Flag: the account and the statuses' URIs, sent by the server itself. */
    json_t *objects = json_array();
    json_array_append_new(objects, json_string(target->uri));
    for (size_t i = 0; i < r->n_statuses; i++) {
        struct db_stmt *s;
        rc = db_prepare(c, "SELECT uri FROM statuses WHERE id = ?", &s);
        if (rc) {
            json_decref(objects);
            return rc;
        }
        db_bind_i64(s, 1, r->status_ids[i]);
        if (db_step(s) == DB_ROW)
            json_array_append_new(objects, json_string(db_col_text(s, 0)));
        db_stmt_done(s);
    }
    char ids[ID_STR_MAX];
    const char *instance = arena_printf(a, "%s/actor", base_url);
    json_t *flag = json_pack(
        "{s:s, s:s, s:s, s:s, s:o, s:s}", "@context", "https://www.w3.org/ns/activitystreams", "id",
        arena_printf(a, "%s/reports/%s", base_url, id_to_str(r->id, ids)), "type", "Flag", "actor",
        instance, "object", objects, "content", r->comment);
    json_t *d = json_pack("{s:s, s:I, s:b, s:o}", "inbox", inbox, "actor", (json_int_t)0,
                          "as_server", 1, "activity", flag);
    /* The delivery job wants the activity as text. */
    char *activity = json_dumps(flag, JSON_COMPACT);
    json_object_set_new(d, "activity", json_string(activity));
    free(activity);
    char *payload = json_dumps(d, JSON_COMPACT);
    json_decref(d);
    rc = queue_add(c, "deliver", lane, payload, NULL, 0);
    free(payload);
    if (rc)
        return rc;
    struct db_stmt *s;
    rc = db_prepare(c, "UPDATE reports SET forwarded_at = ?, forward = 1 WHERE id = ?", &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, time_now_ms());
    db_bind_i64(s, 2, id);
    rc = db_step(s);
    db_stmt_done(s);
    if (rc < 0 || actor < 0)
        return rc < 0 ? rc : 0;
    json_t *dj = json_pack("{s:s}", "domain", lane);
    char *detail = json_dumps(dj, JSON_COMPACT);
    json_decref(dj);
    rc = audit_add(c, actor, "report.forward", "report", id, target->acct, detail);
    free(detail);
    return rc;
}

int report_forward(const struct core *core, int64_t actor, int64_t id, const char **why)
{
    struct db_conn *c;
    int rc = core_tx_begin(core, &c);
    if (rc)
        return rc;
    struct arena *a = arena_new();
    rc = report_forward_in(c, a, core->base_url, actor, id, why);
    arena_free(a);
    return core_tx_end(c, rc);
}
