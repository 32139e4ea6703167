/*
 * outbox: what local members do that other servers must hear of.
 *
 * A core change that federates (a post, an edit, a boost, a follow...)
 * calls outbox_add inside its own transaction: a "publish" job joins the
 * durable queue (core/queue.h) and commits with the change, so neither is
 * lost. The job, run later by the ActivityPub side, builds the activity
 * and queues one signed delivery per inbox. Recipients are decided here,
 * in core, from the same facts as the visibility rule: local-only posts
 * never leave; followers-only posts go to the servers of the author's
 * followers and to those mentioned; direct posts only to those mentioned;
 * neighborhood posts only to the neighborhood servers.
 *
 * Deletions carry what the job cannot read any more (the object's id and
 * its recipients), taken before the row goes.
 */
#ifndef HEARTH_CORE_OUTBOX_H
#define HEARTH_CORE_OUTBOX_H

#include <stddef.h>
#include <stdint.h>

struct arena;
struct db_conn;
struct status;

enum outbox_event {
    OUTBOX_CREATE = 1,   /* object: a status (a boost becomes an Announce) */
    OUTBOX_UPDATE,       /* object: the edited status */
    OUTBOX_DELETE,       /* uri: the deleted status (or boost: Undo Announce); inboxes given */
    OUTBOX_LIKE,         /* object: a remote status */
    OUTBOX_UNDO_LIKE,    /* object: a remote status */
    OUTBOX_FOLLOW,       /* object: a remote account; uri: the Follow's id */
    OUTBOX_UNDO_FOLLOW,  /* object: a remote account; uri: the Follow's id */
    OUTBOX_ACCEPT,       /* object: a remote follower; uri: its Follow's id */
    OUTBOX_REJECT,       /* object: a remote follower; uri: its Follow's id */
    OUTBOX_BLOCK,        /* object: a remote account */
    OUTBOX_UNDO_BLOCK,   /* object: a remote account */
    OUTBOX_UPDATE_ACTOR, /* the actor's profile changed */
    OUTBOX_RSVP,         /* object: a remote event; the actor's answer as stored (core/event.h) */
    OUTBOX_VOTE,         /* object: a remote poll's status; uri: the choice's index, in digits */
};

/* The event's name in job payloads ("create", "undo_follow"...). */
const char *outbox_event_name(enum outbox_event ev);
/* The event of a name, or 0. */
enum outbox_event outbox_event_parse(const char *name);

/*
 * Queues a publish job in the caller's transaction: actor (a local
 * account) did ev to object; uri when the event needs one (see above),
 * else NULL. 0 or E_DB.
 */
int outbox_add(struct db_conn *c, enum outbox_event ev, int64_t actor, int64_t object,
               const char *uri);

/*
 * The inboxes a status of author goes to, as its visibility says, one per
 * server (shared inboxes where known), into the arena. Remote servers
 * only; none for a local-only post.
 */
int outbox_status_inboxes(struct db_conn *c, struct arena *a, const struct status *st,
                          const char ***out, size_t *n);

/* The inboxes of the servers of actor's remote followers, one per server. */
int outbox_follower_inboxes(struct db_conn *c, struct arena *a, int64_t actor, const char ***out,
                            size_t *n);

/*
 * Queues the publish job of a deletion before the status row goes: the
 * Delete (or, for a boost, the Undo of the Announce) reaches everyone the
 * status reached. Does nothing for local-only posts. 0 or E_DB.
 */
int outbox_add_delete(struct db_conn *c, struct arena *a, const struct status *st);

#endif
