/*
 * follow: follows, follow requests, blocks and mutes between accounts.
 *
 * A follow of an unlocked account is accepted at once and notifies
 * "follow"; of a locked account it waits as a request and notifies
 * "follow_request" until the target accepts or rejects it. A block removes
 * the follows both ways and hides the blocker's posts from the blocked.
 * Each function runs in its own transaction on the core's database.
 */
#ifndef HEARTH_CORE_FOLLOW_H
#define HEARTH_CORE_FOLLOW_H

#include <stddef.h>
#include <stdint.h>

struct arena;
struct core;
struct db_conn;

enum follow_state {
    FOLLOW_NONE = 0,
    FOLLOW_PENDING = 1,
    FOLLOW_ACCEPTED = 2,
};

struct follow_options {
    int show_reblogs; /* 1 by default */
    int notify;       /* notify of every post */
};

/*
 * follower follows target. Returns 0 and the resulting state (an existing
 * follow keeps its state, its options updated); E_INVAL for oneself,
 * E_FORBIDDEN when either blocks the other, E_NOTFOUND for a missing
 * account.
 */
int follow_create(const struct core *core, int64_t follower, int64_t target,
                  const struct follow_options *opt, enum follow_state *state);
/* The target accepts or rejects a pending request. 0 or E_NOTFOUND. */
int follow_accept(const struct core *core, int64_t target, int64_t follower);
int follow_reject(const struct core *core, int64_t target, int64_t follower);
/* Ends a follow or withdraws a request (no error when there is none). */
int follow_remove(const struct core *core, int64_t follower, int64_t target);
/* The state of follower -> target, inside the caller's connection. */
int follow_state(struct db_conn *c, int64_t follower, int64_t target, enum follow_state *state);

/* Accepted followers (or followed accounts), newest follow first, by follow id. */
int follow_list_followers(struct db_conn *c, struct arena *a, int64_t account_id, int64_t max_id,
                          int limit, int64_t **ids, size_t *n);
int follow_list_following(struct db_conn *c, struct arena *a, int64_t account_id, int64_t max_id,
                          int limit, int64_t **ids, size_t *n);
/* Pending requests to account_id (follower ids), oldest first. */
int follow_list_requests(struct db_conn *c, struct arena *a, int64_t account_id, int64_t **ids,
                         size_t *n);

/* blocker blocks target: removes follows both ways. E_INVAL for oneself. */
int block_create(const struct core *core, int64_t blocker, int64_t target);
int block_remove(const struct core *core, int64_t blocker, int64_t target);
/* 1 when blocker blocks target, 0 when not, or a negative error. */
int block_exists(struct db_conn *c, int64_t blocker, int64_t target);

#endif
