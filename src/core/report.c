/*
 * report: members' reports (see report.h).
 */
#include "core/report.h"

#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "core/notification.h"
#include "core/status.h"
#include "core/tx.h"
#include "core/visibility.h"
#include "db/db.h"
#include "util/arena.h"
#include "core/rule.h"
#include "util/err.h"
#include "util/id.h"
#include "util/limits.h"
#include "util/timeutil.h"
#include "util/utf8.h"

static int check(const struct report_new *r, int64_t reporter, const char **why)
{
    static const char *const categories[] = {"spam", "legal", "violation", "other"};
    const char *cat = r->category && *r->category ? r->category : "other";
    int known = 0;
    for (size_t i = 0; i < sizeof(categories) / sizeof(categories[0]); i++)
        known |= !strcmp(cat, categories[i]);
    if (!known) {
        *why = "category must be spam, legal, violation or other";
        return E_INVAL;
    }
    if (r->target == reporter) {
        *why = "you cannot report yourself";
        return E_INVAL;
    }
    const char *comment = r->comment ? r->comment : "";
    if (!utf8_valid(comment, strlen(comment))) {
        *why = "comment must be UTF-8 text";
        return E_INVAL;
    }
    if (utf8_count(comment, strlen(comment)) > LIMIT_REPORT_COMMENT_CHARS) {
        *why = "comment is too long (1000 characters at most)";
        return E_LIMIT;
    }
    if (r->n_statuses > LIMIT_REPORT_STATUSES) {
        *why = "too many statuses in one report";
        return E_LIMIT;
    }
    return 0;
}

/* Tells every moderator (and admin, owner) of a new report. */
static int notify_moderators(struct db_conn *c, int64_t reporter, int64_t report)
{
    struct db_stmt *s;
    int rc = db_prepare(c,
                        "SELECT u.account_id FROM users u JOIN accounts a ON a.id = u.account_id"
                        " WHERE u.role >= 1 AND u.disabled = 0 AND a.suspended_at IS NULL",
                        &s);
    if (rc)
        return rc;
    int64_t ids[64];
    size_t n = 0;
    while (n < 64 && (rc = db_step(s)) == DB_ROW)
        ids[n++] = db_col_i64(s, 0);
    db_stmt_done(s);
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < n; i++) {
        rc = notification_add_ref(c, ids[i], reporter, NOTIFY_ADMIN_REPORT, report, NULL);
        if (rc)
            return rc;
    }
    return 0;
}

static int create(const struct core *core, struct arena *a, int64_t reporter,
                  const struct report_new *r, const char *uri, struct report **out,
                  const char **why)
{
    *why = NULL;
    int rc = check(r, reporter, why);
    if (rc)
        return rc;
    struct db_conn *c = NULL;
    rc = core_tx_begin(core, &c);
    if (rc)
        goto out;
    struct db_stmt *s;
    rc = db_prepare(c, "SELECT 1 FROM accounts WHERE id = ?", &s);
    if (rc)
        goto out;
    db_bind_i64(s, 1, r->target);
    int exists = db_step(s) == DB_ROW;
    db_stmt_done(s);
    if (!exists) {
        rc = E_NOTFOUND;
        goto out;
    }
    /* Only the account's own statuses, and only those the reporter may see. */
    struct viewer v = {.kind = VIEWER_LOCAL, .account_id = reporter};
    size_t cap = r->n_statuses * (ID_STR_MAX + 1) + 1, used = 0;
    char *list = arena_alloc(a, cap);
    list[0] = '\0';
    for (size_t i = 0; i < r->n_statuses; i++) {
        struct status *st;
        rc = status_get(c, a, r->status_ids[i], &st);
        if (rc == 0 && st->account_id != r->target)
            rc = E_NOTFOUND;
        if (rc == 0 && !uri && visibility_may_see(c, &v, st->id) != 1)
            rc = E_NOTFOUND;
        if (rc) {
            *why = "a status is not one of the account's or cannot be seen";
            goto out;
        }
        char one[ID_STR_MAX];
        used += (size_t)snprintf(list + used, cap - used, "%s%s", used ? "," : "",
                                 id_to_str(st->id, one));
    }
    /* The rules it names must be the server's; naming any makes it a violation. */
    char *rules = arena_alloc(a, r->n_rules * (ID_STR_MAX + 1) + 1);
    size_t rused = 0;
    rules[0] = '\0';
    for (size_t i = 0; i < r->n_rules; i++) {
        if (!rule_exists(c, r->rule_ids[i])) {
            *why = "rule_ids must name the server's rules";
            rc = E_INVAL;
            goto out;
        }
        char one[ID_STR_MAX];
        rused += (size_t)snprintf(rules + rused, r->n_rules * (ID_STR_MAX + 1) + 1 - rused, "%s%s",
                                  rused ? "," : "", id_to_str(r->rule_ids[i], one));
    }
    struct report *rep = arena_zalloc(a, sizeof(*rep));
    rep->id = id_next();
    rep->target = r->target;
    rep->category = arena_strdup(a, r->n_rules                    ? "violation"
                                    : r->category && *r->category ? r->category
                                                                  : "other");
    rep->rule_ids = rules;
    rep->comment = arena_strdup(a, r->comment ? r->comment : "");
    rep->forward = r->forward != 0;
    rep->created_at = time_now_ms();
    rep->status_ids = r->status_ids;
    rep->n_statuses = r->n_statuses;
    rc = db_prepare(c,
                    "INSERT INTO reports (id, account_id, target_account_id, status_ids, comment,"
                    " category, forward, created_at, updated_at, uri, rule_ids)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    &s);
    if (rc)
        goto out;
    db_bind_i64(s, 1, rep->id);
    db_bind_i64(s, 2, reporter);
    db_bind_i64(s, 3, rep->target);
    db_bind_text(s, 4, list);
    db_bind_text(s, 5, rep->comment);
    db_bind_text(s, 6, rep->category);
    db_bind_i64(s, 7, rep->forward);
    db_bind_i64(s, 8, rep->created_at);
    db_bind_i64(s, 9, rep->created_at);
    if (uri)
        db_bind_text(s, 10, uri);
    else
        db_bind_null(s, 10);
    db_bind_text(s, 11, rules);
    rc = db_step(s);
    db_stmt_done(s);
    rc = rc < 0 ? rc : 0;
    if (rc == 0)
        rc = notify_moderators(c, reporter, rep->id);
    /* A member asked to tell the reported account's server: forward it now. */
    if (rc == 0 && !uri && rep->forward) {
        const char *fwhy;
        int frc = report_forward_in(c, a, core->base_url, -1, rep->id, &fwhy);
        if (frc && frc != E_INVAL)
            rc = frc; /* a local account has no server to tell: nothing to forward */
    }
    if (rc == 0) {
        rep->reporter = reporter;
        rep->updated_at = rep->created_at;
        *out = rep;
    }
out:
    return core_tx_end(c, rc);
}

int report_create(const struct core *core, struct arena *a, int64_t reporter,
                  const struct report_new *r, struct report **out, const char **why)
{
    return create(core, a, reporter, r, NULL, out, why);
}

int report_create_remote(const struct core *core, struct arena *a, int64_t reporter,
                         const struct report_new *r, const char *uri, struct report **out,
                         const char **why)
{
    if (!uri || !*uri) {
        *why = "a Flag needs an id";
        return E_INVAL;
    }
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_READ, &c);
    if (rc)
        return rc;
    struct db_stmt *s;
    rc = db_prepare(c, "SELECT 1 FROM reports WHERE uri = ?", &s);
    if (rc == 0) {
        db_bind_text(s, 1, uri);
        rc = db_step(s) == DB_ROW ? E_EXISTS : 0;
        db_stmt_done(s);
    }
    db_release(c);
    if (rc)
        return rc;
    return create(core, a, reporter, r, uri, out, why);
}
