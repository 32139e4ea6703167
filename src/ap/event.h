/*
 * ap/event: ActivityPub events (Event objects from Mobilizon, Gathio,
 * Friendica, Gancio and Hearth) and their RSVPs, for the rest of ap/.
 *
 * In: an Event's time, place and participation fields into core/event.h;
 * a Gathio-style Question replying to its author's event becomes the
 * event's companion poll; Join, Leave, Accept, TentativeAccept and Reject
 * of a local event (and their Undo), and votes in local polls (a Note
 * named as a choice, replying to the Question), are recorded.
 * Out: a local event as an Event object (with the Note fields Mastodon
 * reads, so that its users see a post with a link), and the activities of
 * a member's answer (Join/Leave, Accept/TentativeAccept/Reject/Undo) or
 * poll vote (Create of a Note named as the choice), sent to the
 * organizer's or poll author's inbox.
 */
#ifndef HEARTH_AP_EVENT_H
#define HEARTH_AP_EVENT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct account;
struct arena;
struct core;
struct db_conn;
struct event_info;
struct status;

/*
 * Reads an Event object's fields into e (strings borrowed from obj or
 * the arena). E_INVAL when obj is not an Event with a name and a
 * startTime that parses.
 */
int ap_event_read(struct arena *a, json_t *obj, struct event_info *e);

/*
 * The content of a stored post from obj: for an Event, its "When" and
 * "Where" (escaped here) follow the title's paragraph, so that apps that
 * know nothing of events show them; other objects' content unchanged.
 */
const char *ap_event_content(struct arena *a, json_t *obj, const char *content);

/*
 * After a post by author from obj was stored (status id): an Event's
 * row is written; a Question replying to the author's own event is
 * linked as its companion poll. 0 when nothing applies.
 */
int ap_event_stored(const struct core *core, struct arena *a, json_t *obj,
                    const struct account *author, int64_t id);

/*
 * An incoming activity that answers a local event or votes in a local
 * poll: done, and *handled set. *handled 0 leaves the activity to the
 * usual processing (a follow's Accept, an ordinary reply...).
 */
int ap_event_inbox(const struct core *core, struct arena *a, const struct account *signer,
                   json_t *act, int *handled);

/* A local event's status as an ActivityPub object: obj (a Note) gets the Event's fields. */
void ap_event_object(const struct core *core, struct arena *a, struct db_conn *c,
                     const struct status *st, json_t *obj);

/*
 * The activity of a "rsvp" or "vote" publish job (ev: OUTBOX_RSVP,
 * OUTBOX_VOTE) and the inbox it goes to; *activity NULL when there is
 * nothing to send.
 */
int ap_event_build(const struct core *core, struct arena *a, struct db_conn *c, int ev,
                   const struct account *actor, int64_t object, const char *uri, json_t **activity,
                   const char ***inboxes, size_t *n);

#endif
