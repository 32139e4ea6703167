/*
 * poll: polls attached to statuses, their votes, and their end.
 *
 * A poll is made with its status, inside the status's transaction
 * (status_create calls poll_insert), and changes with it (status_edit
 * calls poll_edit: new options or a new multiple flag clear the votes, as
 * Mastodon does; an edit without a poll removes it). Voting runs in its
 * own write transaction and asks the visibility rule first. When a poll
 * ends, its author and every local voter are told once with a "poll"
 * notification, by poll_close_due, which the timer (jobs/timer.h) runs.
 * Structs returned come from the caller's arena.
 */
#ifndef HEARTH_CORE_POLL_H
#define HEARTH_CORE_POLL_H

#include <stddef.h>
#include <stdint.h>

struct arena;
struct core;
struct db_conn;

/* A poll as a post asks for it. Borrowed strings. */
struct poll_new {
    const char **options; /* the choices' titles, in order */
    size_t n_options;
    int64_t expires_in; /* seconds from now */
    int multiple;       /* voters may pick several choices */
    int hide_totals;    /* counts hidden from others than the author until the end */
    /*
     * Another server's poll (a Question): its end is ends_at (ms; 0: it
     * never ends) instead of expires_in, and the counts are that server's,
     * counts[i] votes for choice i (NULL: 0) and voters_count voters, stored
     * as they are (they replace the stored counts on every update).
     */
    int remote;
    int64_t ends_at;
    const int64_t *counts;
    int64_t voters_count;
};

struct poll_option {
    const char *title;
    int64_t votes_count;
};

struct poll {
    int64_t id;
    int64_t status_id;
    int64_t account_id; /* the author */
    int64_t expires_at; /* milliseconds; 0: never ends */
    int multiple;
    int hide_totals;
    int64_t votes_count; /* votes over every choice */
    int64_t voters_count;
    struct poll_option *options;
    size_t n_options;
};

/*
 * Checks a poll against the limits (util/limits.h): 2 to
 * LIMIT_POLL_OPTIONS distinct, non-blank choices of at most
 * LIMIT_POLL_OPTION_CHARS characters each, and a duration from
 * core->min_poll_seconds (LIMIT_POLL_EXPIRY_MIN_S when 0) to
 * LIMIT_POLL_EXPIRY_MAX_S. 0, or E_INVAL with *why naming the field.
 */
int poll_check(const struct core *core, const struct poll_new *p, const char **why);
/* The shortest duration this server accepts, in seconds. */
int poll_min_seconds(const struct core *core);

/*
 * Stores a checked poll on status_id (author: its author), ending
 * expires_in seconds after now (ms). Runs in the caller's transaction.
 */
int poll_insert(struct db_conn *c, int64_t status_id, int64_t author, const struct poll_new *p,
                int64_t now);
/*
 * Applies an edit of the status to its poll, in the caller's transaction:
 * p NULL removes the poll; otherwise the poll is made or updated (its end
 * becomes now + expires_in, or a remote poll's ends_at), and its votes are
 * cleared when the choices or the multiple flag change. A remote poll's
 * counts then replace the stored ones.
 */
int poll_edit(struct db_conn *c, int64_t status_id, int64_t author, const struct poll_new *p,
              int64_t now);

/*
 * One poll, by its id or by its status. 0 or E_NOTFOUND. No visibility
 * check. At most LIMIT_POLL_OPTIONS_REMOTE choices (another server's poll
 * may have more than the LIMIT_POLL_OPTIONS a member may make).
 */
int poll_get(struct db_conn *c, struct arena *a, int64_t id, struct poll **out);
int poll_get_by_status(struct db_conn *c, struct arena *a, int64_t status_id, struct poll **out);
/* 1 when the poll has ended at now (ms). */
int poll_expired(const struct poll *p, int64_t now);
/*
 * 1 when the counts of a poll that hides its totals are hidden from viewer
 * (an account id, 0 for a visitor) at now: from everyone but the author
 * until the poll ends.
 */
int poll_totals_hidden(const struct poll *p, int64_t viewer, int64_t now);
/* The choices account voted for, ascending (*n 0 when none). */
int poll_own_votes(struct db_conn *c, struct arena *a, int64_t poll_id, int64_t account,
                   int **choices, size_t *n);

/*
 * voter (a local member) votes for choices (0-based indexes; repeats
 * count once). E_NOTFOUND when there is no such poll or the voter may not
 * see its status; E_INVAL with *why when the poll has ended, the voter is
 * its author, a choice is out of range, several choices are given to a
 * single-choice poll, or the voter already voted (for a multiple-choice
 * poll: already voted for one of these choices).
 */
int poll_vote(const struct core *core, int64_t voter, int64_t poll_id, const int *choices, size_t n,
              const char **why);

/*
 * Closes every poll that ended at or before now (ms) and was not closed
 * yet: its author and each local voter get one "poll" notification. Safe
 * to run again and from several places: a poll is announced once.
 * *closed (may be NULL) counts the polls closed.
 */
int poll_close_due(const struct core *core, int64_t now, size_t *closed);

#endif
