/*
 * feed: the home feeds, written when statuses and follows change (fan-out
 * on write) so that reading a member's home timeline walks one index.
 *
 * A feed holds, for each local member, ids of statuses her home timeline
 * may show: her own, and those of the accounts she follows. It is an
 * accelerator, never the rule: the home timeline still checks follows,
 * lists and visibility for every entry it reads, so a stale entry can only
 * cost a wasted row. Above a member's floor her feed is complete; at or
 * below it the timeline reads the statuses table instead (timeline.c).
 * Every function here runs inside the caller's write transaction.
 */
#ifndef HEARTH_CORE_FEED_H
#define HEARTH_CORE_FEED_H

#include <stdint.h>

struct db_conn;

/* Entries a feed keeps; older ones are trimmed (and the floor raised). */
#define FEED_MAX 800
/* Statuses of a newly followed account copied into the follower's feed. */
#define FEED_BACKFILL 400

/*
 * Adds a new status (or boost) by author to the feeds of the author, when
 * she is a member here, of her local followers, and of the members who
 * follow one of its hashtags (store the tags first). Boosts go to every
 * follower: whether she shows them is decided when home is read, so that
 * turning boosts back on shows them. 0 or E_DB.
 */
int feed_push(struct db_conn *c, int64_t status_id, int64_t author);

/*
 * follower now follows target (accepted): when follower is a member here,
 * target's latest statuses join her feed. 0 or E_DB.
 */
int feed_follow(struct db_conn *c, int64_t follower, int64_t target);

/* The member now follows a hashtag: its latest statuses join her feed. 0 or E_DB. */
int feed_follow_tag(struct db_conn *c, int64_t account, int64_t tag_id);

/* follower stopped following target: target's statuses leave her feed. 0 or E_DB. */
int feed_unfollow(struct db_conn *c, int64_t follower, int64_t target);

/* The member's floor (0 when her feed is complete). 0 or E_DB. */
int feed_floor(struct db_conn *c, int64_t account, int64_t *floor);

#endif
