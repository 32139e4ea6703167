/*
 * pin: what a member puts forward on her profile, what she keeps for
 * herself about others, and the threads she muted. Pinned statuses (her own, not direct messages,
 * not boosts, at most LIMIT_STATUS_PINS), endorsed accounts (only accounts
 * she follows, as Mastodon), and private notes about accounts (seen by
 * her alone). Every change is idempotent.
 */
#ifndef HEARTH_CORE_PIN_H
#define HEARTH_CORE_PIN_H

#include <stddef.h>
#include <stdint.h>

#include "core/follow.h"
#include "core/timeline.h"
#include "core/visibility.h"

struct arena;
struct core;
struct db_conn;

/*
 * Pins the actor's own status: E_NOTFOUND when it is not hers (or gone),
 * E_INVAL with *why for a direct message or a boost, E_LIMIT with *why past
 * LIMIT_STATUS_PINS.
 */
int pin_status(const struct core *core, int64_t actor, int64_t status_id, const char **why);
int pin_status_remove(const struct core *core, int64_t actor, int64_t status_id);

/* The account's pinned statuses the viewer may see, last pinned first. */
int pin_statuses(struct db_conn *c, struct arena *a, const struct viewer *v, int64_t account_id,
                 int64_t **ids, size_t *n);

/*
 * Endorses (features) target on the actor's profile: E_FORBIDDEN unless
 * the actor follows target, E_INVAL for herself.
 */
int pin_account(const struct core *core, int64_t actor, int64_t target);
int pin_account_remove(const struct core *core, int64_t actor, int64_t target);
/* The accounts the member endorses, newest first (follow_id: the endorsement's id). */
int pin_accounts(struct db_conn *c, struct arena *a, int64_t account_id,
                 const struct follow_page *p, struct follow_item **out, size_t *n);

/*
 * Mutes (or unmutes) the thread of a status the actor may see and takes
 * part in (wrote in it or is mentioned in it): no more notifications from
 * it. E_NOTFOUND when she may not see it, E_FORBIDDEN when not hers.
 */
int pin_thread_mute(const struct core *core, int64_t actor, int64_t status_id, int mute);

/* Sets (or, with "", removes) the actor's note about target. E_LIMIT past the limit. */
int pin_note_set(const struct core *core, int64_t actor, int64_t target, const char *comment);

/* endorsed (1 or 0) and the note ("" when none, in the arena) of me about other. */
int pin_relationship(struct db_conn *c, struct arena *a, int64_t me, int64_t other, int *endorsed,
                     const char **note);

#endif
