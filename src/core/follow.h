/*
 * follow: follows, follow requests, blocks and mutes between accounts.
 *
 * A follow of an unlocked local account is accepted at once and notifies
 * "follow"; of a locked account it waits as a request and notifies
 * "follow_request" until the target accepts or rejects it. A follow of a
 * remote account always waits until its server answers with an Accept
 * (federation then calls follow_accept). A block removes the follows both
 * ways and hides the blocker's posts from the blocked (core/visibility.h).
 * A mute hides nothing from the rule; it stops notifications from the
 * muted account (when asked) and is for timelines to filter.
 *
 * Functions taking a struct core run in their own write transaction;
 * those taking a struct db_conn run inside the caller's connection.
 * Lists are allocated from the caller's arena.
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

/* Options of a follow; a zeroed struct (or NULL) means Mastodon's defaults. */
struct follow_options {
    int hide_reblogs; /* leave the followed account's boosts out of home */
    int notify;       /* notify of every post */
    const char *uri;  /* the Follow activity's id (federation); NULL for none */
    int as_request;   /* a request even to an unlocked member (a silenced server's follow) */
};

/*
 * follower follows target. Returns 0 and the resulting state (an existing
 * follow or request keeps its state and gets the new options); E_INVAL for
 * oneself, E_FORBIDDEN when either blocks the other, E_NOTFOUND for a
 * missing account.
 */
int follow_create(const struct core *core, int64_t follower, int64_t target,
                  const struct follow_options *opt, enum follow_state *state);
/*
 * The target accepts a pending request (or the remote target's server
 * sent Accept): the follow_request notification goes away. 0 or
 * E_NOTFOUND when there is no pending request.
 */
int follow_accept(const struct core *core, int64_t target, int64_t follower);
/* The target rejects a pending request. 0 or E_NOTFOUND. */
int follow_reject(const struct core *core, int64_t target, int64_t follower);
/* follower unfollows target or withdraws a request (0 also when there is none). */
int follow_remove(const struct core *core, int64_t follower, int64_t target);
/* account removes follower from its followers (0 also when not following). */
int follow_remove_follower(const struct core *core, int64_t account, int64_t follower);
/* The state of follower -> target. */
int follow_state(struct db_conn *c, int64_t follower, int64_t target, enum follow_state *state);

/* Paging over follows by the follow's id (Mastodon's Link header ids). */
#define FOLLOW_LIMIT_DEFAULT 40
#define FOLLOW_LIMIT_MAX 80

struct follow_page {
    int64_t max_id;   /* follows older than this; 0: no bound */
    int64_t since_id; /* follows newer than this, newest first; 0: no bound */
    int64_t min_id;   /* the follows right after this one; 0: no bound */
    int limit;        /* 1..80; 0 means 40 */
};

struct follow_item {
    int64_t follow_id;  /* for paging */
    int64_t account_id; /* the other account */
};

/*
 * Accepted followers of account_id, accounts it follows (accepted), and
 * pending requests to it: newest follow first. p may be NULL.
 */
int follow_list_followers(struct db_conn *c, struct arena *a, int64_t account_id,
                          const struct follow_page *p, struct follow_item **out, size_t *n);
int follow_list_following(struct db_conn *c, struct arena *a, int64_t account_id,
                          const struct follow_page *p, struct follow_item **out, size_t *n);
int follow_list_requests(struct db_conn *c, struct arena *a, int64_t account_id,
                         const struct follow_page *p, struct follow_item **out, size_t *n);

/*
 * Accounts that me follows and that follow target (both accepted), up to
 * limit, newest follow first: Mastodon's familiar followers.
 */
int follow_familiar(struct db_conn *c, struct arena *a, int64_t me, int64_t target, int limit,
                    int64_t **ids, size_t *n);

/* What me knows of other (Mastodon's Relationship entity). */
struct relationship {
    int following;       /* me follows other (accepted) */
    int showing_reblogs; /* ...and shows its boosts */
    int notifying;       /* ...and is notified of its posts */
    int requested;       /* me asked to follow other, pending */
    int followed_by;     /* other follows me (accepted) */
    int requested_by;    /* other asked to follow me, pending */
    int blocking;
    int blocked_by;
    int muting;
    int muting_notifications;
};
int follow_relationship(struct db_conn *c, int64_t me, int64_t other, struct relationship *out);

/*
 * blocker blocks target: removes follows and requests both ways and the
 * notifications the blocker had from target. E_INVAL for oneself,
 * E_NOTFOUND for a missing account. Idempotent.
 */
int block_create(const struct core *core, int64_t blocker, int64_t target);
int block_remove(const struct core *core, int64_t blocker, int64_t target);
/* 1 when blocker blocks target, 0 when not, or a negative error. */
int block_exists(struct db_conn *c, int64_t blocker, int64_t target);

/*
 * account mutes target; notifications says whether the mute also stops
 * notifications from target; expires_at (ms, 0 for never) ends it.
 * Muting again updates both. E_INVAL for oneself, E_NOTFOUND for a
 * missing account.
 */
int mute_create(const struct core *core, int64_t account, int64_t target, int notifications,
                int64_t expires_at);
int mute_remove(const struct core *core, int64_t account, int64_t target);
/*
 * 1 when account mutes target now (an expired mute does not count), 0
 * when not, or a negative error. *notifications (may be NULL) says whether
 * the mute covers notifications.
 */
int mute_exists(struct db_conn *c, int64_t account, int64_t target, int *notifications);

#endif
