/*
 * moderation: account actions, their warnings, roles and the removal of
 * suspended accounts' data (see moderation.h). Each action is one write
 * transaction with its audit entry.
 */
#include "core/moderation.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/account.h"
#include "core/audit.h"
#include "core/core.h"
#include "core/notification.h"
#include "core/outbox.h"
#include "core/queue.h"
#include "core/report.h"
#include "core/role.h"
#include "core/tx.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"
#include "util/timeutil.h"
#include "util/utf8.h"

#define TEXT_MAX 5000

static const char *const action_names[MOD_ACTION_COUNT] = {
    "none",   "sensitive", "disable",   "silence", "suspend", "unsensitive",
    "enable", "unsilence", "unsuspend", "approve", "reject",
};

const char *moderation_action_name(enum moderation_action a)
{
    return a < MOD_ACTION_COUNT ? action_names[a] : "none";
}

int moderation_action_parse(const char *s, enum moderation_action *out)
{
    if (!s)
        return E_INVAL;
    if (!strcmp(s, "limit"))
        s = "silence";
    else if (!strcmp(s, "unlimit"))
        s = "unsilence";
    for (int i = 0; i < MOD_ACTION_COUNT; i++) {
        if (!strcmp(s, action_names[i])) {
            *out = (enum moderation_action)i;
            return 0;
        }
    }
    return E_INVAL;
}

int moderation_state(struct db_conn *c, struct arena *a, int64_t account_id,
                     struct moderation_state *out)
{
    memset(out, 0, sizeof(*out));
    struct db_stmt *s;
    int rc = db_prepare(c,
                        "SELECT COALESCE(a.suspended_at, 0), COALESCE(a.silenced_at, 0),"
                        " COALESCE(a.sensitized_at, 0), COALESCE(a.purged_at, 0),"
                        " a.domain IS NULL, u.account_id IS NOT NULL, COALESCE(u.approved, 1),"
                        " COALESCE(u.disabled, 0), COALESCE(u.confirmed, 1), COALESCE(u.role, 0),"
                        " u.email, COALESCE(u.last_login_at, 0)"
                        " FROM accounts a LEFT JOIN users u ON u.account_id = a.id WHERE a.id = ?",
                        &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, account_id);
    rc = db_step(s);
    if (rc == DB_ROW) {
        out->suspended_at = db_col_i64(s, 0);
        out->silenced_at = db_col_i64(s, 1);
        out->sensitized_at = db_col_i64(s, 2);
        out->purged_at = db_col_i64(s, 3);
        out->local = (int)db_col_i64(s, 4);
        out->has_user = (int)db_col_i64(s, 5);
        out->approved = (int)db_col_i64(s, 6);
        out->disabled = (int)db_col_i64(s, 7);
        out->confirmed = (int)db_col_i64(s, 8);
        out->role = (int)db_col_i64(s, 9);
        out->email = db_col_text(s, 10) ? arena_strdup(a, db_col_text(s, 10)) : NULL;
        out->last_login_at = db_col_i64(s, 11);
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = E_NOTFOUND;
    }
    db_stmt_done(s);
    return rc;
}

/* Runs one statement binding the account id (as ?1) and the time (?2). */
static int exec_id(struct db_conn *c, const char *sql, int64_t id, int64_t now)
{
    struct db_stmt *s;
    int rc = db_prepare(c, sql, &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, id);
    db_bind_i64(s, 2, now);
    rc = db_step(s);
    db_stmt_done(s);
    return rc < 0 ? rc : 0;
}

/* The actor's rank (the command line is the owner) against the target's. */
static int check_rank(struct db_conn *c, int64_t actor, const struct moderation_state *st,
                      const char **why)
{
    if (!st->has_user)
        return 0;
    enum user_role mine = USER_ROLE_OWNER;
    if (actor) {
        int rc = user_role(c, actor, &mine);
        if (rc == E_NOTFOUND)
            mine = USER_ROLE_MEMBER;
        else if (rc)
            return rc;
    }
    if (!role_may_manage(mine, (enum user_role)st->role)) {
        *why = "you may act only on accounts of a lower role than yours";
        return E_FORBIDDEN;
    }
    return 0;
}

/*
 * A suspended member's actor is deleted on the servers of her remote
 * followers: one Delete each, signed with her key, in this transaction.
 */
static int send_actor_delete(struct db_conn *c, struct arena *a, const struct account *acc)
{
    const char **inboxes;
    size_t n;
    int rc = outbox_follower_inboxes(c, a, acc->id, &inboxes, &n);
    if (rc || !n)
        return rc;
    json_t *act = json_pack("{s:s, s:s, s:s, s:s, s:s, s:[s]}", "@context",
                            "https://www.w3.org/ns/activitystreams", "id",
                            arena_printf(a, "%s#delete-%lld", acc->uri, (long long)time_now_ms()),
                            "type", "Delete", "actor", acc->uri, "object", acc->uri, "to",
                            "https://www.w3.org/ns/activitystreams#Public");
    char *text = json_dumps(act, JSON_COMPACT);
    json_decref(act);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        char lane[QUEUE_LANE_MAX];
        if (queue_lane_of(inboxes[i], lane, sizeof(lane)) != 0)
            continue;
        json_t *d = json_pack("{s:s, s:I, s:s}", "inbox", inboxes[i], "actor", (json_int_t)acc->id,
                              "activity", text);
        char *payload = json_dumps(d, JSON_COMPACT);
        json_decref(d);
        rc = queue_add(c, "deliver", lane, payload, NULL, 0);
        free(payload);
    }
    free(text);
    return rc;
}

/* Mastodon's AccountWarning action for what was done; NULL: nothing to warn of. */
static const char *warning_action(enum moderation_action act)
{
    switch (act) {
    case MOD_NONE:
        return "none";
    case MOD_SENSITIVE:
        return "sensitive";
    case MOD_DISABLE:
        return "disable";
    case MOD_SILENCE:
        return "silence";
    case MOD_SUSPEND:
        return "suspend";
    default:
        return NULL;
    }
}

static int leave_warning(struct db_conn *c, const struct moderation_request *r, const char *action,
                         int64_t *warning_id)
{
    struct db_stmt *s;
    int rc = db_prepare(c,
                        "INSERT INTO account_warnings (id, account_id, moderator_id, action, text,"
                        " report_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        &s);
    if (rc)
        return rc;
    int64_t id = id_next();
    db_bind_i64(s, 1, id);
    db_bind_i64(s, 2, r->target);
    if (r->actor)
        db_bind_i64(s, 3, r->actor);
    else
        db_bind_null(s, 3);
    db_bind_text(s, 4, action);
    db_bind_text(s, 5, r->text ? r->text : "");
    if (r->report_id)
        db_bind_i64(s, 6, r->report_id);
    else
        db_bind_null(s, 6);
    db_bind_i64(s, 7, time_now_ms());
    rc = db_step(s);
    db_stmt_done(s);
    if (rc < 0)
        return rc;
    *warning_id = id;
    /* From the moderator; from the account itself when the command line acted. */
    return notification_add_ref(c, r->target, r->actor ? r->actor : r->target,
                                NOTIFY_MODERATION_WARNING, id, NULL);
}

static int apply(struct db_conn *c, struct arena *a, const struct moderation_request *r,
                 const struct account *acc, const struct moderation_state *st, const char **why)
{
    int64_t now = time_now_ms(), id = r->target;
    int local_only = r->action == MOD_DISABLE || r->action == MOD_ENABLE ||
                     r->action == MOD_APPROVE || r->action == MOD_REJECT;
    if (local_only && !st->has_user) {
        *why = "only a member of this server has a login";
        return E_INVAL;
    }
    int rc = 0;
    switch (r->action) {
    case MOD_NONE:
        return 0;
    case MOD_SENSITIVE:
        rc = exec_id(c, "UPDATE accounts SET sensitized_at = ?2 WHERE id = ?1", id, now);
        if (rc == 0)
            rc = exec_id(c,
                         "UPDATE statuses SET sensitive = 1 WHERE account_id = ?1 AND ?2 > 0"
                         " AND EXISTS (SELECT 1 FROM media_attachments m"
                         " WHERE m.status_id = statuses.id)",
                         id, now);
        return rc;
    case MOD_UNSENSITIVE:
        return exec_id(c, "UPDATE accounts SET sensitized_at = NULL WHERE id = ?1 AND ?2 > 0", id,
                       now);
    case MOD_SILENCE:
        return exec_id(c, "UPDATE accounts SET silenced_at = ?2 WHERE id = ?1", id, now);
    case MOD_UNSILENCE:
        return exec_id(c, "UPDATE accounts SET silenced_at = NULL WHERE id = ?1 AND ?2 > 0", id,
                       now);
    case MOD_DISABLE:
        rc = exec_id(c, "UPDATE users SET disabled = 1 WHERE account_id = ?1 AND ?2 > 0", id, now);
        if (rc == 0)
            rc = exec_id(c,
                         "UPDATE oauth_tokens SET revoked_at = ?2 WHERE account_id = ?1"
                         " AND revoked_at IS NULL",
                         id, now);
        return rc;
    case MOD_ENABLE:
        return exec_id(c, "UPDATE users SET disabled = 0 WHERE account_id = ?1 AND ?2 > 0", id,
                       now);
    case MOD_SUSPEND:
        if (st->suspended_at)
            return 0;
        rc = exec_id(c, "UPDATE accounts SET suspended_at = ?2 WHERE id = ?1", id, now);
        if (rc == 0 && st->local)
            rc = exec_id(c,
                         "UPDATE oauth_tokens SET revoked_at = ?2 WHERE account_id = ?1"
                         " AND revoked_at IS NULL",
                         id, now);
        if (rc == 0 && st->local)
            rc = send_actor_delete(c, a, acc);
        return rc;
    case MOD_UNSUSPEND:
        if (st->purged_at) {
            *why = "the account's data was removed after its suspension";
            return E_INVAL;
        }
        return exec_id(c, "UPDATE accounts SET suspended_at = NULL WHERE id = ?1 AND ?2 > 0", id,
                       now);
    case MOD_APPROVE:
        if (st->approved) {
            *why = "the account is not waiting for approval";
            return E_INVAL;
        }
        return exec_id(c, "UPDATE users SET approved = 1 WHERE account_id = ?1 AND ?2 > 0", id,
                       now);
    case MOD_REJECT:
        if (st->approved) {
            *why = "the account is not waiting for approval";
            return E_INVAL;
        }
        return exec_id(c, "DELETE FROM accounts WHERE id = ?1 AND ?2 > 0", id, now);
    default:
        *why = "unknown action";
        return E_INVAL;
    }
}

int moderation_act(const struct core *core, const struct moderation_request *r, int64_t *warning_id,
                   const char **why)
{
    *why = NULL;
    if (warning_id)
        *warning_id = 0;
    const char *text = r->text ? r->text : "";
    if (!utf8_valid(text, strlen(text)) || strlen(text) > TEXT_MAX) {
        *why = "text must be UTF-8, 5000 bytes at most";
        return E_INVAL;
    }
    struct arena *a = arena_new();
    struct db_conn *c = NULL;
    int rc = core_tx_begin(core, &c);
    if (rc)
        goto out;
    struct account *acc;
    struct moderation_state st;
    rc = account_get(c, a, r->target, &acc);
    if (rc == 0)
        rc = moderation_state(c, a, r->target, &st);
    if (rc == 0)
        rc = check_rank(c, r->actor, &st, why);
    if (rc == 0 && r->report_id) {
        struct report *rep;
        rc = report_get(c, a, r->report_id, &rep);
    }
    if (rc)
        goto out;
    rc = apply(c, a, r, acc, &st, why);
    if (rc)
        goto out;
    int64_t wid = 0;
    const char *wa = warning_action(r->action);
    if (wa && st.local && r->action != MOD_REJECT && (r->notify || r->action == MOD_NONE)) {
        rc = leave_warning(c, r, wa, &wid);
        if (rc)
            goto out;
    }
    json_t *d = json_pack("{s:s, s:I}", "text", text, "report_id", (json_int_t)r->report_id);
    if (wid)
        json_object_set_new(d, "warning_id", json_integer(wid));
    char *detail = json_dumps(d, JSON_COMPACT);
    json_decref(d);
    rc = audit_add(c, r->actor, arena_printf(a, "account.%s", moderation_action_name(r->action)),
                   "account", r->action == MOD_REJECT ? 0 : r->target, acc->acct, detail);
    free(detail);
    if (rc == 0 && r->report_id)
        rc = report_resolve_in(c, r->actor, r->report_id, 1, moderation_action_name(r->action));
    if (rc == 0 && warning_id)
        *warning_id = wid;
out:
    rc = c ? core_tx_end(c, rc) : rc;
    arena_free(a);
    return rc;
}

/* Removes a suspended account's data in the caller's transaction. */
static int purge_in(struct db_conn *c, int64_t id, int64_t now)
{
    static const char *const steps[] = {
        "DELETE FROM statuses WHERE account_id = ?1 AND ?2 > 0",
        "DELETE FROM follows WHERE (account_id = ?1 OR target_account_id = ?1) AND ?2 > 0",
        "DELETE FROM notifications WHERE (account_id = ?1 OR from_account_id = ?1) AND ?2 > 0",
        "DELETE FROM media_attachments WHERE account_id = ?1 AND ?2 > 0",
        "DELETE FROM oauth_tokens WHERE account_id = ?1 AND ?2 > 0",
        "UPDATE accounts SET display_name = '', note = '', note_source = '', fields = '[]',"
        " avatar_ref = NULL, header_ref = NULL, purged_at = ?2 WHERE id = ?1",
    };
    for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
        int rc = exec_id(c, steps[i], id, now);
        if (rc)
            return rc;
    }
    return 0;
}

int moderation_purge(const struct core *core, int64_t actor, int64_t target, const char **why)
{
    *why = NULL;
    struct arena *a = arena_new();
    struct db_conn *c = NULL;
    int rc = core_tx_begin(core, &c);
    if (rc)
        goto out;
    struct account *acc;
    struct moderation_state st;
    rc = account_get(c, a, target, &acc);
    if (rc == 0)
        rc = moderation_state(c, a, target, &st);
    if (rc == 0)
        rc = check_rank(c, actor, &st, why);
    if (rc == 0 && !st.suspended_at) {
        *why = "only a suspended account's data can be removed";
        rc = E_INVAL;
    }
    if (rc == 0)
        rc = purge_in(c, target, time_now_ms());
    if (rc == 0)
        rc = audit_add(c, actor, "account.delete_data", "account", target, acc->acct, NULL);
out:
    rc = c ? core_tx_end(c, rc) : rc;
    arena_free(a);
    return rc;
}

int moderation_purge_due(const struct core *core, int64_t now, int *purged)
{
    if (purged)
        *purged = 0;
    struct db_conn *c;
    int rc = core_tx_begin(core, &c);
    if (rc)
        return rc;
    struct db_stmt *s;
    rc = db_prepare(c,
                    "SELECT id FROM accounts WHERE suspended_at IS NOT NULL AND suspended_at < ?"
                    " AND purged_at IS NULL LIMIT 10",
                    &s);
    int64_t ids[10];
    size_t n = 0;
    if (rc == 0) {
        db_bind_i64(s, 1, now - MODERATION_KEEP_MS);
        while (n < 10 && (rc = db_step(s)) == DB_ROW)
            ids[n++] = db_col_i64(s, 0);
        db_stmt_done(s);
        rc = rc < 0 ? rc : 0;
    }
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = purge_in(c, ids[i], now);
    if (rc == 0 && purged)
        *purged = (int)n;
    return core_tx_end(c, rc);
}

static void warning_row(struct arena *a, struct db_stmt *s, struct account_warning *w)
{
    w->id = db_col_i64(s, 0);
    w->account_id = db_col_i64(s, 1);
    w->moderator_id = db_col_i64(s, 2);
    w->action = arena_strdup(a, db_col_text(s, 3));
    w->text = arena_strdup(a, db_col_text(s, 4));
    w->report_id = db_col_i64(s, 5);
    w->created_at = db_col_i64(s, 6);
}

#define WARNING_COLUMNS                                                                            \
    "id, account_id, COALESCE(moderator_id, 0), action, text, COALESCE(report_id, 0), created_at"

int moderation_warning_get(struct db_conn *c, struct arena *a, int64_t id,
                           struct account_warning **out)
{
    struct db_stmt *s;
    int rc = db_prepare(c, "SELECT " WARNING_COLUMNS " FROM account_warnings WHERE id = ?", &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, id);
    rc = db_step(s);
    if (rc == DB_ROW) {
        *out = arena_zalloc(a, sizeof(**out));
        warning_row(a, s, *out);
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = E_NOTFOUND;
    }
    db_stmt_done(s);
    return rc;
}

int moderation_warning_list(struct db_conn *c, struct arena *a, int64_t account_id, size_t max,
                            struct account_warning **out, size_t *n)
{
    struct db_stmt *s;
    int rc = db_prepare(c,
                        "SELECT " WARNING_COLUMNS " FROM account_warnings WHERE account_id = ?"
                        " ORDER BY id DESC LIMIT ?",
                        &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, account_id);
    db_bind_i64(s, 2, (int64_t)max);
    struct account_warning *list = arena_alloc(a, (max ? max : 1) * sizeof(*list));
    size_t k = 0;
    while (k < max && (rc = db_step(s)) == DB_ROW)
        warning_row(a, s, &list[k++]);
    db_stmt_done(s);
    if (rc < 0)
        return rc;
    *out = list;
    *n = k;
    return 0;
}

int moderation_set_role(const struct core *core, int64_t actor, int64_t target, int role,
                        const char **why)
{
    *why = NULL;
    if (role < USER_ROLE_MEMBER || role > USER_ROLE_OWNER) {
        *why = "unknown role";
        return E_INVAL;
    }
    struct arena *a = arena_new();
    struct db_conn *c = NULL;
    int rc = core_tx_begin(core, &c);
    if (rc)
        goto out;
    enum user_role mine = USER_ROLE_OWNER, theirs;
    if (actor) {
        rc = role_check(c, actor, PERM_MANAGE_ROLES, &mine);
        if (rc == E_FORBIDDEN)
            *why = "your role may not change roles";
        if (rc)
            goto out;
    }
    rc = user_role(c, target, &theirs);
    if (rc)
        goto out;
    if (!role_may_manage(mine, theirs) || (actor && !role_may_assign(mine, (enum user_role)role)) ||
        (!actor && role == USER_ROLE_OWNER && theirs != USER_ROLE_OWNER)) {
        *why = "you may give only roles below yours, to members below you";
        rc = E_FORBIDDEN;
        goto out;
    }
    rc = exec_id(c, "UPDATE users SET role = ?2 WHERE account_id = ?1", target, role);
    struct account *acc;
    if (rc == 0)
        rc = account_get(c, a, target, &acc);
    if (rc == 0) {
        json_t *d = json_pack("{s:s, s:s}", "from", user_role_name(theirs), "to",
                              user_role_name((enum user_role)role));
        char *detail = json_dumps(d, JSON_COMPACT);
        json_decref(d);
        rc = audit_add(c, actor, "account.change_role", "account", target, acc->acct, detail);
        free(detail);
    }
out:
    rc = c ? core_tx_end(c, rc) : rc;
    arena_free(a);
    return rc;
}

static int64_t scalar(struct db_conn *c, const char *sql, int64_t arg, int *rc)
{
    struct db_stmt *s;
    int64_t v = 0;
    if (*rc)
        return 0;
    *rc = db_prepare(c, sql, &s);
    if (*rc)
        return 0;
    db_bind_i64(s, 1, arg);
    int step = db_step(s);
    if (step == DB_ROW)
        v = db_col_i64(s, 0);
    else if (step < 0)
        *rc = step;
    db_stmt_done(s);
    return v;
}

int moderation_numbers(struct db_conn *c, int64_t now, struct moderation_numbers *out)
{
    int rc = 0;
    out->pending = scalar(c, "SELECT count(*) FROM users WHERE approved = 0 AND ? >= 0", 0, &rc);
    out->open_reports =
        scalar(c, "SELECT count(*) FROM reports WHERE action_taken_at IS NULL AND ? >= 0", 0, &rc);
    out->members = scalar(c,
                          "SELECT count(*) FROM users u JOIN accounts a ON a.id = u.account_id"
                          " WHERE u.approved = 1 AND a.suspended_at IS NULL AND ? >= 0",
                          0, &rc);
    out->active_week =
        scalar(c,
               "SELECT count(*) FROM (SELECT account_id FROM statuses WHERE local = 1"
               " AND created_at >= ?1 UNION SELECT account_id FROM users WHERE last_login_at >= ?1"
               " UNION SELECT account_id FROM oauth_tokens WHERE account_id IS NOT NULL"
               " AND created_at >= ?1)",
               now - 7LL * 24 * 3600 * 1000, &rc);
    return rc;
}

static const char *or_empty(const char *s)
{
    return s ? s : "";
}

int moderation_accounts(struct db_conn *c, struct arena *a,
                        const struct moderation_account_query *q, int64_t **ids, size_t *n)
{
    int limit = q->limit <= 0 ? 100 : q->limit > 200 ? 200 : q->limit;
    struct db_stmt *s;
    int rc = db_prepare(
        c,
        "SELECT a.id FROM accounts a LEFT JOIN users u ON u.account_id = a.id"
        " WHERE a.id < ?1 AND a.id > ?2 AND a.actor_type <> 'Application'"
        " AND (?3 = 0 OR (?3 = 1 AND a.domain IS NULL) OR (?3 = 2 AND a.domain IS NOT NULL))"
        " AND (?4 = '' OR (?4 = 'active' AND a.suspended_at IS NULL"
        " AND COALESCE(u.disabled, 0) = 0 AND COALESCE(u.approved, 1) = 1)"
        " OR (?4 = 'pending' AND u.approved = 0) OR (?4 = 'disabled' AND u.disabled = 1)"
        " OR (?4 = 'silenced' AND a.silenced_at IS NOT NULL)"
        " OR (?4 = 'suspended' AND a.suspended_at IS NOT NULL)"
        " OR (?4 = 'sensitized' AND a.sensitized_at IS NOT NULL))"
        " AND (?5 = 0 OR u.role >= 1)"
        " AND (?6 = '' OR instr(lower(a.username), lower(?6)) > 0)"
        " AND (?7 = '' OR instr(lower(a.display_name), lower(?7)) > 0)"
        " AND (?8 = '' OR lower(a.domain) = lower(?8))"
        " AND (?9 = '' OR instr(lower(u.email), lower(?9)) > 0)"
        " AND ?10 = ''"
        " ORDER BY a.id DESC LIMIT ?11",
        &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, q->max_id ? q->max_id : INT64_MAX);
    db_bind_i64(s, 2, q->since_id);
    db_bind_i64(s, 3, q->origin);
    db_bind_text(s, 4, or_empty(q->status));
    db_bind_i64(s, 5, q->staff);
    db_bind_text(s, 6, or_empty(q->username));
    db_bind_text(s, 7, or_empty(q->display_name));
    db_bind_text(s, 8, or_empty(q->by_domain));
    db_bind_text(s, 9, or_empty(q->email));
    db_bind_text(s, 10, or_empty(q->ip));
    db_bind_i64(s, 11, limit);
    int64_t *list = arena_alloc(a, (size_t)limit * sizeof(*list));
    size_t k = 0;
    while (k < (size_t)limit && (rc = db_step(s)) == DB_ROW)
        list[k++] = db_col_i64(s, 0);
    db_stmt_done(s);
    if (rc < 0)
        return rc;
    *ids = list;
    *n = k;
    return 0;
}

int moderation_apply_sensitized(struct db_conn *c, int64_t status_id)
{
    return exec_id(c,
                   "UPDATE statuses SET sensitive = 1 WHERE id = ?1 AND ?2 >= 0 AND sensitive = 0"
                   " AND EXISTS (SELECT 1 FROM media_attachments m WHERE m.status_id = ?1)"
                   " AND EXISTS (SELECT 1 FROM accounts a WHERE a.id = statuses.account_id"
                   " AND a.sensitized_at IS NOT NULL)",
                   status_id, 0);
}
