/*
 * scheduled: statuses a member schedules for later.
 *
 * A scheduled status keeps the post's parameters as JSON (Mastodon's
 * ScheduledStatus params: text, poll, sensitive, spoiler_text, visibility,
 * language, in_reply_to_id, idempotency, application_id...) and is checked
 * like a post when scheduled (status_create with check_only). When its
 * time comes, scheduled_publish_due (run by the timer, jobs/timer.h)
 * posts it through status_create, which removes the scheduled row in the
 * post's own transaction, so a status is published once. Structs come from
 * the caller's arena.
 */
#ifndef HEARTH_CORE_SCHEDULED_H
#define HEARTH_CORE_SCHEDULED_H

#include <stddef.h>
#include <stdint.h>

#include "core/status.h"
#include "core/timeline.h"

struct arena;
struct core;
struct db_conn;

struct scheduled_status {
    int64_t id;
    int64_t account_id;
    int64_t scheduled_at; /* milliseconds */
    const char *params;   /* JSON object text */
};

/* How far ahead a post must be scheduled, in seconds (core->min_schedule_seconds). */
int scheduled_min_seconds(const struct core *core);

/*
 * author schedules the post p for at (ms), from the OAuth app app_id (0:
 * none). p is checked as status_create would check it; at must be at least
 * scheduled_min_seconds after now; an author has at most
 * LIMIT_SCHEDULED_TOTAL scheduled posts, and LIMIT_SCHEDULED_DAILY on one
 * (UTC) day. With p->idempotency, a key already used within the hour gives
 * back the first scheduled status. Returns 0 and *id; E_INVAL or E_LIMIT
 * with *why; the errors of status_create.
 */
int scheduled_create(const struct core *core, int64_t author, const struct status_new *p,
                     int64_t at, int64_t app_id, int64_t *id, const char **why);
/* One of the account's scheduled statuses. 0 or E_NOTFOUND (also another's). */
int scheduled_get(struct db_conn *c, struct arena *a, int64_t account, int64_t id,
                  struct scheduled_status **out);
/*
 * The account's scheduled statuses, newest id first, paged by id
 * (max_id, since_id, min_id; limit 20 by default, at most 40).
 */
int scheduled_list(struct db_conn *c, struct arena *a, int64_t account, const struct page *p,
                   struct scheduled_status **out, size_t *n);
/* Moves one to at (checked as in scheduled_create). E_NOTFOUND, E_INVAL or E_LIMIT + why. */
int scheduled_reschedule(const struct core *core, int64_t account, int64_t id, int64_t at,
                         const char **why);
/* Cancels one. 0 or E_NOTFOUND. */
int scheduled_cancel(const struct core *core, int64_t account, int64_t id);
/*
 * Removes a scheduled status of account inside the caller's transaction
 * (status_create does, when it publishes one). 0 or E_NOTFOUND when it is
 * gone already.
 */
int scheduled_take(struct db_conn *c, int64_t account, int64_t id);

/*
 * Publishes every scheduled status whose time is at or before now (ms).
 * A post that can no longer be made (its reply target is gone, the text
 * no longer fits the limits) is dropped with a warning in the log.
 * *published (may be NULL) counts the posts made.
 */
int scheduled_publish_due(const struct core *core, int64_t now, size_t *published);

#endif
