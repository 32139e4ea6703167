/*
 * rule: the server's ordered rules (rule.h). Positions are kept dense
 * (1..n) by every change, inside its transaction.
 */
#include "core/rule.h"

#include <string.h>

#include "core/audit.h"
#include "core/tx.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"
#include "util/timeutil.h"
#include "util/utf8.h"

int rule_list(struct db_conn *c, struct arena *a, struct rule **out, size_t *n)
{
    struct db_stmt *s;
    int rc = db_prepare(c,
                        "SELECT id, position, text, hint, created_at, updated_at FROM server_rules"
                        " ORDER BY position, id LIMIT 100",
                        &s);
    if (rc)
        return rc;
    struct rule *v = arena_alloc(a, RULES_MAX * sizeof(*v));
    size_t k = 0;
    while (k < RULES_MAX && (rc = db_step(s)) == DB_ROW) {
        v[k].id = db_col_i64(s, 0);
        v[k].position = (int)k + 1;
        v[k].text = arena_strdup(a, db_col_text(s, 2));
        v[k].hint = arena_strdup(a, db_col_text(s, 3));
        v[k].created_at = db_col_i64(s, 4);
        v[k].updated_at = db_col_i64(s, 5);
        k++;
    }
    db_stmt_done(s);
    *out = v;
    *n = k;
    return rc < 0 ? E_DB : 0;
}

int rule_exists(struct db_conn *c, int64_t id)
{
    struct db_stmt *s;
    if (db_prepare(c, "SELECT 1 FROM server_rules WHERE id = ?", &s))
        return 0;
    db_bind_i64(s, 1, id);
    int found = db_step(s) == DB_ROW;
    db_stmt_done(s);
    return found;
}

static int check_text(const char *text, const char *hint, const char **why)
{
    if (!text || !*text) {
        *why = "text can't be blank";
        return E_INVAL;
    }
    if (!utf8_valid(text, strlen(text)) || (hint && !utf8_valid(hint, strlen(hint)))) {
        *why = "text is not valid UTF-8";
        return E_INVAL;
    }
    if (utf8_count(text, strlen(text)) > RULE_TEXT_MAX) {
        *why = "text is too long (at most 1000 characters)";
        return E_INVAL;
    }
    if (hint && utf8_count(hint, strlen(hint)) > RULE_HINT_MAX) {
        *why = "hint is too long (at most 2000 characters)";
        return E_INVAL;
    }
    return 0;
}

/* Rewrites the positions 1..n in order, with id placed at position pos (0: where it is). */
static int renumber(struct db_conn *c, int64_t id, int pos)
{
    struct arena *a = arena_new();
    struct rule *v;
    size_t n;
    int rc = rule_list(c, a, &v, &n);
    int64_t order[RULES_MAX];
    size_t k = 0, at = SIZE_MAX;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        if (v[i].id == id && pos > 0)
            continue;
        order[k++] = v[i].id;
    }
    if (rc == 0 && pos > 0) {
        at = (size_t)pos - 1 < k ? (size_t)pos - 1 : k;
        memmove(order + at + 1, order + at, (k - at) * sizeof(order[0]));
        order[at] = id;
        k++;
    }
    struct db_stmt *s;
    for (size_t i = 0; rc == 0 && i < k; i++) {
        rc = db_prepare(c, "UPDATE server_rules SET position = ? WHERE id = ?", &s);
        if (rc)
            break;
        db_bind_i64(s, 1, (int64_t)i + 1);
        db_bind_i64(s, 2, order[i]);
        rc = db_step(s) < 0 ? E_DB : 0;
        db_stmt_done(s);
    }
    arena_free(a);
    return rc;
}

int rule_add(const struct core *core, int64_t actor, const char *text, const char *hint,
             int64_t *id, const char **why)
{
    *why = NULL;
    int rc = check_text(text, hint, why);
    if (rc)
        return rc;
    struct db_conn *c;
    rc = core_tx_begin(core, &c);
    if (rc)
        return rc;
    struct db_stmt *s;
    rc = db_prepare(c, "SELECT count(*) FROM server_rules", &s);
    if (rc)
        return core_tx_end(c, rc);
    int64_t count = db_step(s) == DB_ROW ? db_col_i64(s, 0) : 0;
    db_stmt_done(s);
    if (count >= RULES_MAX) {
        *why = "a server has at most 100 rules";
        return core_tx_end(c, E_LIMIT);
    }
    int64_t now = time_now_ms();
    *id = id_next();
    rc = db_prepare(c,
                    "INSERT INTO server_rules (id, position, text, hint, created_at, updated_at)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    &s);
    if (rc)
        return core_tx_end(c, rc);
    db_bind_i64(s, 1, *id);
    db_bind_i64(s, 2, count + 1);
    db_bind_text(s, 3, text);
    db_bind_text(s, 4, hint ? hint : "");
    db_bind_i64(s, 5, now);
    db_bind_i64(s, 6, now);
    rc = db_step(s) < 0 ? E_DB : 0;
    db_stmt_done(s);
    if (rc == 0)
        rc = audit_add(c, actor, "rule.create", "rule", *id, text, NULL);
    return core_tx_end(c, rc);
}

int rule_update(const struct core *core, int64_t actor, int64_t id, const char *text,
                const char *hint, const char **why)
{
    *why = NULL;
    int rc = check_text(text, hint, why);
    if (rc)
        return rc;
    struct db_conn *c;
    rc = core_tx_begin(core, &c);
    if (rc)
        return rc;
    struct db_stmt *s;
    rc = db_prepare(c,
                    "UPDATE server_rules SET text = ?, hint = coalesce(?, hint), updated_at = ?"
                    " WHERE id = ?",
                    &s);
    if (rc)
        return core_tx_end(c, rc);
    db_bind_text(s, 1, text);
    if (hint)
        db_bind_text(s, 2, hint);
    else
        db_bind_null(s, 2);
    db_bind_i64(s, 3, time_now_ms());
    db_bind_i64(s, 4, id);
    rc = db_step(s) < 0 ? E_DB : 0;
    db_stmt_done(s);
    if (rc == 0 && db_changes(c) != 1)
        rc = E_NOTFOUND;
    if (rc == 0)
        rc = audit_add(c, actor, "rule.update", "rule", id, text, NULL);
    return core_tx_end(c, rc);
}

int rule_move(const struct core *core, int64_t actor, int64_t id, int delta, int position)
{
    struct db_conn *c;
    int rc = core_tx_begin(core, &c);
    if (rc)
        return rc;
    struct arena *a = arena_new();
    struct rule *v;
    size_t n;
    rc = rule_list(c, a, &v, &n);
    int at = 0;
    for (size_t i = 0; rc == 0 && i < n; i++)
        if (v[i].id == id)
            at = (int)i + 1;
    if (rc == 0 && !at)
        rc = E_NOTFOUND;
    int to = delta ? at + delta : position;
    if (rc == 0 && (to < 1 || to > (int)n))
        rc = delta ? 0 : E_INVAL; /* the first cannot go up: nothing to do */
    else if (rc == 0) {
        rc = renumber(c, id, to);
        if (rc == 0) {
            const char *detail = arena_printf(a, "{\"position\":%d}", to);
            rc = audit_add(c, actor, "rule.update", "rule", id, v[at - 1].text, detail);
        }
    }
    arena_free(a);
    return core_tx_end(c, rc);
}

int rule_delete(const struct core *core, int64_t actor, int64_t id)
{
    struct db_conn *c;
    int rc = core_tx_begin(core, &c);
    if (rc)
        return rc;
    struct db_stmt *s;
    rc = db_prepare(c, "SELECT text FROM server_rules WHERE id = ?", &s);
    if (rc)
        return core_tx_end(c, rc);
    db_bind_i64(s, 1, id);
    struct arena *a = arena_new();
    const char *text = "";
    rc = db_step(s);
    if (rc == DB_ROW)
        text = arena_strdup(a, db_col_text(s, 0));
    db_stmt_done(s);
    if (rc != DB_ROW) {
        arena_free(a);
        return core_tx_end(c, rc == DB_DONE ? E_NOTFOUND : E_DB);
    }
    rc = db_prepare(c, "DELETE FROM server_rules WHERE id = ?", &s);
    if (rc)
        return core_tx_end(c, rc);
    db_bind_i64(s, 1, id);
    rc = db_step(s) < 0 ? E_DB : 0;
    db_stmt_done(s);
    if (rc == 0)
        rc = renumber(c, 0, 0);
    if (rc == 0)
        rc = audit_add(c, actor, "rule.destroy", "rule", id, text, NULL);
    arena_free(a);
    return core_tx_end(c, rc);
}
