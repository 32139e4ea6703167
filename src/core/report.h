/*
 * report: members' reports about accounts, kept for the moderators (the
 * report queue and its actions belong to the moderation tools). A report
 * names an account, optionally some of its statuses that the reporter may
 * see, a category (spam, legal, violation, other) and a comment.
 */
#ifndef HEARTH_CORE_REPORT_H
#define HEARTH_CORE_REPORT_H

#include <stddef.h>
#include <stdint.h>

struct arena;
struct core;

struct report_new {
    int64_t target;            /* the account reported */
    const int64_t *status_ids; /* its statuses, as the reporter sees them */
    size_t n_statuses;
    const char *comment;     /* NULL: none */
    const char *category;    /* NULL: "other" */
    int forward;             /* ask to forward to a remote account's server */
    const int64_t *rule_ids; /* the server's rules it breaks (core/rule.h): category violation */
    size_t n_rules;
};

struct report {
    int64_t id;
    int64_t target;
    const char *category;
    const char *comment;
    int forward;
    int64_t created_at;
    const int64_t *status_ids;
    size_t n_statuses;
    const int64_t *rule_ids;
    size_t n_rules;
};

/*
 * Files a report. E_NOTFOUND for an unknown account or a status that is
 * not the account's or not visible to the reporter; E_INVAL (with *why)
 * for oneself, an unknown category, a rule id that names none of the
 * server's rules (with rules the category is "violation") or text that is
 * not UTF-8; E_LIMIT (with *why) for a comment or
 * list too long. *out is the stored report, in the arena.
 */
int report_create(const struct core *core, struct arena *a, int64_t reporter,
                  const struct report_new *r, struct report **out, const char **why);

#endif
