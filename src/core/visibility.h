/*
 * visibility: the one rule for who may see a post.
 *
 * Every path that shows a status (API, pages, ActivityPub, feeds, search,
 * streaming) asks this module; nothing else decides. The rule, by level:
 *
 *   public, unlisted  everyone, except accounts the author blocks
 *   followers         the author, accepted followers, mentioned accounts
 *   direct            the author and mentioned accounts
 *   local             the author and signed-in members of this server;
 *                     never anonymous visitors, remote accounts or servers
 *   neighborhood      the author and members of this server; for a post
 *                     made here, also accounts and server actors of the
 *                     neighborhood servers. A neighborhood post received
 *                     from another server is shown only to members here.
 *
 * A blocked viewer sees nothing of the blocker's posts, whatever the level.
 * Nobody sees the posts of a suspended author (accounts.suspended_at: a
 * moderator's suspension, a remote actor's deletion, or every account of a
 * server suspended by core/domain_policy.h), whatever the level.
 * A boost is decided by the status it boosts. Mutes are not part of the
 * rule: a muted account's posts stay visible when asked for directly; it
 * is for lists to leave them out (notification_add does; the home
 * timeline should, with mute_exists' condition in SQL).
 *
 * Three forms: a pure decision over facts (visibility_decide), a database
 * wrapper that gathers the facts (visibility_may_see), and a SQL predicate
 * for list queries (visibility_sql), which unit tests hold to agree with
 * the pure decision.
 */
#ifndef HEARTH_CORE_VISIBILITY_H
#define HEARTH_CORE_VISIBILITY_H

#include <stddef.h>
#include <stdint.h>

struct arena;
struct db_conn;
struct db_stmt;

enum status_visibility {
    VIS_PUBLIC = 0,
    VIS_UNLISTED = 1,
    VIS_FOLLOWERS = 2,
    VIS_DIRECT = 3,
    VIS_LOCAL = 4,
    VIS_NEIGHBORHOOD = 5,
};

/* "public", "unlisted", "private" (followers), "direct", "local", "neighborhood". */
const char *visibility_name(enum status_visibility v);
/*
 * Parses the API's names ("private" and "followers" both mean followers).
 * 0 or E_INVAL.
 */
int visibility_parse(const char *s, enum status_visibility *out);

enum viewer_kind {
    VIEWER_ANONYMOUS = 0, /* a logged-out visitor, or an unsigned fetch */
    VIEWER_LOCAL = 1,     /* a signed-in member of this server */
    VIEWER_REMOTE = 2,    /* a remote account (a signed fetch by that actor) */
    VIEWER_SERVER = 3,    /* a remote server fetching as itself (its instance actor) */
};

struct viewer {
    enum viewer_kind kind;
    int64_t account_id; /* local or remote account; 0 for anonymous and servers */
    const char *domain; /* remote account's (its accounts.domain) or server's domain */
};

/* The facts the rule needs about one (viewer, status) pair. */
struct visibility_facts {
    enum status_visibility visibility;
    int status_local;     /* the status was made on this server */
    int is_author;        /* the viewer wrote it */
    int follows_author;   /* accepted follow from viewer to author */
    int is_mentioned;     /* the viewer is mentioned */
    int blocked;          /* the author blocks the viewer */
    int viewer_neighbor;  /* the viewer's domain is in the neighborhood */
    int author_suspended; /* the author's account is suspended */
    enum viewer_kind viewer;
};

/*
 * The viewer an account is when it acts by itself: a member here
 * (VIEWER_LOCAL) or a remote account (VIEWER_REMOTE with its domain, copied
 * into the arena). 0, E_NOTFOUND or E_DB.
 */
int visibility_viewer_for(struct db_conn *c, struct arena *a, int64_t account_id,
                          struct viewer *out);

/* The pure rule: 1 when the viewer may see the status, 0 otherwise. */
int visibility_decide(const struct visibility_facts *f);

/*
 * May the viewer see the status? Follows reblogs to their original.
 * Returns 1 (yes), 0 (no, including a missing or deleted status), or a
 * negative enum err.
 */
int visibility_may_see(struct db_conn *c, const struct viewer *v, int64_t status_id);

/*
 * visibility_may_see() for many statuses in one query (the SQL form):
 * visible[i] is set to 1 or 0 for ids[i]. n may be anything; the work is
 * done DB_IN_WIDTH ids at a time. 0 or a negative enum err.
 */
int visibility_filter(struct db_conn *c, struct arena *a, const struct viewer *v,
                      const int64_t *ids, size_t n, int *visible);

/*
 * A SQL predicate over a statuses table alias (e.g. "s") that holds exactly
 * for the statuses the viewer may see (not following reblogs: join the
 * original and apply it to that alias). Parameters are written as '?' and
 * bound by visibility_sql_bind() starting at index first; it returns the
 * next free index. The text is allocated from the arena.
 */
const char *visibility_sql(struct arena *a, const struct viewer *v, const char *alias);
int visibility_sql_bind(struct db_stmt *s, int first, const struct viewer *v);

#endif
