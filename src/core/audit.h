/*
 * audit: the log of every moderator action (the admin's audit log).
 *
 * Each entry says who acted (an account, or 0 for the command line), the
 * action ("domain_block.create", "account.suspend", "report.resolve"...:
 * a subject and a verb), what it acted on (a type such as "account",
 * "domain", "report", "ip_block", with its id when it has one and a
 * readable name: an acct, a domain), and details as a JSON object text.
 * Entries are written in the transaction of the action they record, so
 * an action and its entry commit together.
 */
#ifndef HEARTH_CORE_AUDIT_H
#define HEARTH_CORE_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "core/timeline.h"

struct arena;
struct db_conn;

struct audit_entry {
    int64_t id;
    int64_t account_id; /* who acted; 0: the command line */
    const char *action;
    const char *target_type;
    int64_t target_id; /* 0 when the target has no id */
    const char *target;
    const char *detail; /* a JSON object text */
    int64_t created_at;
};

/*
 * Records an action in the caller's transaction on c. detail is a JSON
 * object text or NULL ("{}"). 0, E_INVAL (empty action or type), E_DB.
 */
int audit_add(struct db_conn *c, int64_t actor, const char *action, const char *target_type,
              int64_t target_id, const char *target, const char *detail);

/*
 * Entries newest first, paged on their ids; by one actor when actor is
 * not 0 (-1: the command line), of one action prefix ("domain_block")
 * when prefix is not NULL. Allocated from the arena.
 */
int audit_list(struct db_conn *c, struct arena *a, int64_t actor, const char *prefix,
               const struct page *p, struct audit_entry **out, size_t *n);

#endif
