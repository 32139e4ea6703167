/*
 * rule: the server's rules, an ordered list (server_rules), each a short
 * text with an optional hint. Shown on the front and about pages, at
 * sign-up (to be accepted), in /api/v1/instance and /api/v1/instance/rules,
 * and named by reports (rule_ids). Editing needs PERM_MANAGE_RULES (the
 * callers check it); every change writes an audit entry ("rule.create",
 * "rule.update", "rule.destroy") as actor (0: the command line).
 */
#ifndef HEARTH_CORE_RULE_H
#define HEARTH_CORE_RULE_H

#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

struct arena;
struct db_conn;

#define RULE_TEXT_MAX 1000 /* characters, as Mastodon's rules */
#define RULE_HINT_MAX 2000
#define RULES_MAX 100

struct rule {
    int64_t id;
    int position; /* 1, 2, ... in the order shown */
    const char *text;
    const char *hint; /* "" when none */
    int64_t created_at;
    int64_t updated_at;
};

/* Every rule in order. */
int rule_list(struct db_conn *c, struct arena *a, struct rule **out, size_t *n);
/* 1 when a rule with that id exists, else 0. */
int rule_exists(struct db_conn *c, int64_t id);
/*
 * Adds a rule at the end. E_INVAL with *why (empty or too long, not
 * UTF-8), E_LIMIT (RULES_MAX rules already), E_DB.
 */
int rule_add(const struct core *core, int64_t actor, const char *text, const char *hint,
             int64_t *id, const char **why);
/* Changes a rule's text and hint (hint NULL: kept). Same errors, and E_NOTFOUND. */
int rule_update(const struct core *core, int64_t actor, int64_t id, const char *text,
                const char *hint, const char **why);
/*
 * Moves a rule one place up (delta -1) or down (+1), or to a position
 * (delta 0, position 1..n). E_NOTFOUND, E_INVAL.
 */
int rule_move(const struct core *core, int64_t actor, int64_t id, int delta, int position);
int rule_delete(const struct core *core, int64_t actor, int64_t id);

#endif
