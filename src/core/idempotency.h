/*
 * idempotency: the Idempotency-Key memory of status creation.
 *
 * A member who sends the same Idempotency-Key twice within
 * LIMIT_IDEMPOTENCY_S gets what the first request made instead of a
 * second post. Keys are stored as SHA-256 hashes, per account and per kind
 * (a status, or a scheduled status). Lookups and stores run in the
 * caller's transaction, so that the check and the creation are one step.
 */
#ifndef HEARTH_CORE_IDEMPOTENCY_H
#define HEARTH_CORE_IDEMPOTENCY_H

#include <stdint.h>

struct core;
struct db_conn;

enum idempotency_kind {
    IDEMPOTENCY_STATUS = 0,
    IDEMPOTENCY_SCHEDULED = 1,
};

/*
 * The id made for (account, kind, key) less than LIMIT_IDEMPOTENCY_S
 * before now (ms): 0 and *id, or E_NOTFOUND.
 */
int idempotency_find(struct db_conn *c, int64_t account, enum idempotency_kind kind,
                     const char *key, int64_t now, int64_t *id);
/* Remembers that key made id at now (replacing an expired memory of it). */
int idempotency_store(struct db_conn *c, int64_t account, enum idempotency_kind kind,
                      const char *key, int64_t id, int64_t now);
/* Forgets keys older than LIMIT_IDEMPOTENCY_S (the timer runs it). */
int idempotency_prune(const struct core *core, int64_t now);

#endif
