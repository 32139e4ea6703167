/*
 * spam: the filter for the common spam wave, and the queue of what it held.
 *
 * The rule (spam_check), for a new post arriving from another server:
 * its author is "unknown" when no member here follows it (accepted
 * follows), and it was first seen here less than SPAM_NEW_DAYS days ago;
 * the post is held when its author is unknown, it carries a link (an <a>
 * that is not a mention or a hashtag), and it either mentions
 * SPAM_MENTIONS or more members here or mentions a member who does not
 * follow its author. A reply in a thread a member took part in is not
 * exempt: the wave's messages are replies too.
 *
 * A held post is not stored: the verified activity waits in
 * held_activities (no notification, no timeline, no conversation) until a
 * moderator (PERM_MANAGE_REPORTS) releases it, which queues it again as an
 * "inbox" job marked released (processed as if it had just arrived, past
 * the filter), or deletes it. Both write an audit entry
 * ("held_status.release", "held_status.destroy").
 */
#ifndef HEARTH_CORE_SPAM_H
#define HEARTH_CORE_SPAM_H

#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

struct arena;
struct db_conn;

#define SPAM_MENTIONS 3
#define SPAM_NEW_DAYS 7

/*
 * Should a new post by remote account author, mentioning accounts
 * mentions[0..n) and with sanitized HTML content, be held? 0 with *hold
 * (1: yes) and *reason (static text); E_DB.
 */
int spam_check(const struct core *core, int64_t author, const int64_t *mentions, size_t n,
               const char *content, int *hold, const char **reason);

/*
 * Holds an activity (its JSON text) for a moderator: signer is the verified
 * sender, object_uri the post's id (a second copy is held once). 0, E_DB.
 */
int spam_hold(const struct core *core, int64_t signer, const char *object_uri, const char *activity,
              const char *reason);

struct held_activity {
    int64_t id;
    int64_t account_id;
    const char *acct; /* user@domain of the sender */
    const char *object_uri;
    const char *activity;
    const char *text; /* the post's text, plain, for the moderator to judge */
    const char *reason;
    int64_t created_at;
};
/* Held activities, oldest first (at most max). */
int spam_list(struct db_conn *c, struct arena *a, size_t max, struct held_activity **out,
              size_t *n);
/* Releases (release 1) or deletes (0) a held activity. E_NOTFOUND, E_DB. */
int spam_decide(const struct core *core, int64_t actor, int64_t id, int release);

#endif
