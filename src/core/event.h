/*
 * event: posts that happen at a time and a place, and who answers them.
 *
 * An event is a status (of type Event) with a row in `events`: title,
 * start and end (UTC milliseconds), the time zone it was announced in,
 * the place, and what the organizer's server says of participation
 * (Mobilizon's joinMode, counts). Remote events come from ap/ (Mobilizon,
 * Gathio, Friendica, Gancio, Hearth); local ones are made with their
 * status (status_new.event, in the posting transaction).
 *
 * An RSVP is one answer per member and event: going, maybe or not going.
 * How an answer reaches a remote organizer depends on the event:
 *   - EVENT_VIA_JOIN: Mobilizon (joinMode present): Join, and Leave to
 *     withdraw or say "not going"; "maybe" has no Mobilizon form;
 *   - EVENT_VIA_POLL: a companion Question by the organizer replies to the
 *     event (Gathio): the answer is a vote for the matching choice;
 *   - EVENT_VIA_ACCEPT: otherwise (Friendica, Hearth): Accept,
 *     TentativeAccept or Reject of the Event, and Undo to withdraw.
 * Answers to local events arrive from any of these and are recorded with
 * the activity that said them, so that its Undo finds them; the organizer
 * is notified. Who may answer is decided by the visibility rule.
 *
 * Each member may have a calendar feed token: a random secret in the
 * address of her private iCalendar feed; a new one replaces the old.
 * Structs returned come from the caller's arena.
 */
#ifndef HEARTH_CORE_EVENT_H
#define HEARTH_CORE_EVENT_H

#include <stddef.h>
#include <stdint.h>

struct arena;
struct core;
struct db_conn;
struct viewer;

enum event_rsvp {
    EVENT_RSVP_NONE = 0, /* no answer, or withdrawn */
    EVENT_RSVP_GOING = 1,
    EVENT_RSVP_MAYBE = 2,
    EVENT_RSVP_NOT_GOING = 3,
};

enum event_via {
    EVENT_VIA_ACCEPT = 0,
    EVENT_VIA_JOIN,
    EVENT_VIA_POLL,
};

/* "going", "maybe", "not_going"; NULL for EVENT_RSVP_NONE. */
const char *event_rsvp_name(enum event_rsvp r);
/* Parses those names, and "none" or "withdraw" as EVENT_RSVP_NONE. 0 or E_INVAL. */
int event_rsvp_parse(const char *s, enum event_rsvp *out);

struct event_info {
    int64_t status_id;
    int64_t account_id; /* the organizer */
    const char *name;
    int64_t start_at;     /* ms UTC */
    int64_t end_at;       /* ms UTC, 0: none given */
    const char *timezone; /* IANA name or NULL */
    int has_offset;       /* utc_offset is known */
    int utc_offset;       /* minutes east of UTC the times were written in */
    const char *location_name, *street, *locality, *region, *postal_code, *country; /* or NULL */
    const char *latitude, *longitude; /* decimal degrees as text, or NULL */
    const char *url;                  /* or NULL */
    const char *join_mode;            /* Mobilizon's, or NULL */
    int anonymous_participation;      /* -1: not said */
    int64_t participant_count;        /* -1: not said */
    int64_t max_capacity;             /* -1: not said */
    int64_t poll_status_id;           /* the companion Question, 0: none */
};

/* Sets the "not said" markers (-1) and zeroes the rest. */
void event_init(struct event_info *e);

/*
 * Stores (or replaces) the event of status e->status_id in the caller's
 * transaction. The companion poll link is kept when e has none. E_INVAL
 * for a blank name or a start of 0, or an end before the start.
 */
int event_put(struct db_conn *c, const struct event_info *e);
/* event_put in its own write transaction. */
int event_save(const struct core *core, const struct event_info *e);
/* The event of a status: 0, or E_NOTFOUND when the status is not one. No visibility check. */
int event_get(struct db_conn *c, struct arena *a, int64_t status_id, struct event_info **out);
/* The event whose companion Question is poll_status_id: its status id, or 0. */
int64_t event_of_poll(struct db_conn *c, int64_t poll_status_id);
/*
 * poll_status_id (a Question by the organizer replying to the event) is
 * the event's companion poll. E_NOTFOUND when event_id is not an event,
 * E_FORBIDDEN when the authors differ.
 */
int event_link_poll(const struct core *core, int64_t event_id, int64_t poll_status_id);
/* How answers reach the organizer's server (see above). */
enum event_via event_via_of(const struct event_info *e);

/* account's answer to the event (EVENT_RSVP_NONE when none). */
int event_rsvp_get(struct db_conn *c, int64_t status_id, int64_t account, enum event_rsvp *out);

/*
 * member (local) answers the event, or withdraws (EVENT_RSVP_NONE), in the
 * way via says (-1: the event's own, event_via_of; a client may prefer
 * EVENT_VIA_ACCEPT, which Gathio and Hearth also read, to a poll vote). The
 * answer is stored; for a remote organizer, a "rsvp" publish job
 * (core/outbox.h) carries it, or for EVENT_VIA_POLL a vote in the
 * companion poll (poll_vote, which federates it). E_NOTFOUND when the
 * status is not an event the member may see; E_INVAL with *why for her
 * own event, an event that ended, "maybe" to a Mobilizon event, or a
 * poll answer that cannot change (a poll vote cannot be withdrawn).
 * Answering the same again changes nothing.
 */
int event_rsvp_set(const struct core *core, int64_t member, int64_t status_id, enum event_rsvp r,
                   int via, const char **why);

/*
 * account (remote) answered a local event with the activity uri of type:
 * stored (replacing an earlier answer), the organizer notified. r NONE
 * withdraws. E_NOTFOUND when status_id is not a local event the account
 * may see.
 */
int event_rsvp_receive(const struct core *core, int64_t account, int64_t status_id,
                       enum event_rsvp r, const char *uri, const char *type);
/*
 * account undid the activity uri: the answer it made is withdrawn. 0 also
 * when none was found.
 */
int event_rsvp_undo(const struct core *core, int64_t account, const char *uri);

/* The stored answer row, for the activity that federates it. */
struct event_answer {
    enum event_rsvp state; /* NONE: withdrawn */
    const char *uri;       /* the activity that said it (or, withdrawn, the last one) */
    const char *type;      /* its type */
};
/* E_NOTFOUND when the account never answered. */
int event_answer_get(struct db_conn *c, struct arena *a, int64_t status_id, int64_t account,
                     struct event_answer *out);

/* How many answered going and maybe. */
int event_rsvp_counts(struct db_conn *c, int64_t status_id, int64_t *going, int64_t *maybe);
/* Who answered r (at most max, earliest first). */
int event_rsvp_accounts(struct db_conn *c, struct arena *a, int64_t status_id, enum event_rsvp r,
                        size_t max, int64_t **ids, size_t *n);

/*
 * The events a member's calendar lists, soonest first: not ended at now
 * (its end, or its start when it has none, is at or after now), whose
 * status the viewer may see, and which she organizes, whose organizer
 * she follows, or which she answered going or maybe. At most limit.
 */
int event_upcoming(struct db_conn *c, struct arena *a, const struct viewer *v, int64_t now,
                   size_t limit, int64_t **ids, size_t *n);

/*
 * When it is, readably: "Sunday 11 December 2022, 19:00 – 21:00 (UTC+01:00,
 * Europe/Paris)" in the zone it was announced in (UTC when unknown).
 */
const char *event_when_text(struct arena *a, const struct event_info *e);
/* Where it is: name, street, postal code and locality, region, country; "" when nowhere. */
const char *event_where_text(struct arena *a, const struct event_info *e);
/* The time zone's offset as "+01:00" ("+00:00" when unknown). */
const char *event_offset_text(struct arena *a, const struct event_info *e);

/*
 * author (a member) announces an event: a status of type Event whose text
 * is the title, when and where, then the description (for readers that
 * know nothing of events), at visibility vis; and, unless it is direct or
 * starts too soon for a poll, a companion poll replying to it ("Going",
 * "Maybe", "Not going", open until the start or for the longest a poll may
 * last) in which Mastodon users
 * answer. e's status and account ids are ignored. 0 and the event's id;
 * E_INVAL with *why for a blank or long title, a missing start, an end
 * before the start, an event already over, or what status_create refuses.
 */
int event_create(const struct core *core, int64_t author, const struct event_info *e,
                 const char *description, int vis, int64_t *id, const char **why);

/* The member's calendar feed token, or NULL when she has none. */
int calendar_token_get(struct db_conn *c, struct arena *a, int64_t account, const char **token);
/* A new random token for the member (the old one stops working). */
int calendar_token_renew(const struct core *core, struct arena *a, int64_t account,
                         const char **token);
/* The member has no feed any more. */
int calendar_token_revoke(const struct core *core, int64_t account);
/* The member whose token this is: 0, or E_NOTFOUND. */
int calendar_token_find(struct db_conn *c, const char *token, int64_t *account);

#endif
