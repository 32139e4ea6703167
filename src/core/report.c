/*
 * report: members' reports (see report.h).
 */
#include "core/report.h"

#include <stdio.h>
#include <string.h>

#include "core/core.h"
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

int report_create(const struct core *core, struct arena *a, int64_t reporter,
                  const struct report_new *r, struct report **out, const char **why)
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
        if (rc == 0 && visibility_may_see(c, &v, st->id) != 1)
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
    rep->rule_ids = r->rule_ids;
    rep->n_rules = r->n_rules;
    rep->comment = arena_strdup(a, r->comment ? r->comment : "");
    rep->forward = r->forward != 0;
    rep->created_at = time_now_ms();
    rep->status_ids = r->status_ids;
    rep->n_statuses = r->n_statuses;
    rc = db_prepare(c,
                    "INSERT INTO reports (id, account_id, target_account_id, status_ids, comment,"
                    " category, forward, created_at, rule_ids) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
    db_bind_text(s, 9, rules);
    rc = db_step(s);
    db_stmt_done(s);
    rc = rc < 0 ? rc : 0;
    if (rc == 0)
        *out = rep;
out:
    return core_tx_end(c, rc);
}
