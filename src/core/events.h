/*
 * events: what happened, told to whoever listens (the streaming API).
 *
 * Core functions record events while their transaction runs
 * (events_defer); the transaction helper publishes them once it commits
 * (events_flush) or drops them when it rolls back (events_discard), so a
 * listener never hears of a row it cannot read yet. Events carry ids only:
 * each listener renders them for its own viewer, through the visibility
 * rule. The pending list is per thread.
 */
#ifndef HEARTH_CORE_EVENTS_H
#define HEARTH_CORE_EVENTS_H

#include <stdint.h>

enum event_kind {
    EVENT_STATUS_NEW = 0,      /* id: status; account: its author */
    EVENT_STATUS_UPDATE = 1,   /* id: status; account: its author */
    EVENT_STATUS_DELETE = 2,   /* id: status; account: its author */
    EVENT_NOTIFICATION = 3,    /* id: notification; account: who is told */
    EVENT_CONVERSATION = 4,    /* id: conversation; account: the member whose it is */
    EVENT_FILTERS_CHANGED = 5, /* id: 0; account: the member whose filters changed */
};

struct event {
    enum event_kind kind;
    int64_t id;
    int64_t account_id;
};

typedef void (*event_listener_fn)(void *ctx, const struct event *ev);

/* Sets the one listener of the process (NULL to remove). Not thread-safe: call at start-up. */
void events_listen(event_listener_fn fn, void *ctx);
/* Records an event of the current thread's transaction. */
void events_defer(enum event_kind kind, int64_t id, int64_t account_id);
/* Publishes this thread's recorded events, in order. */
void events_flush(void);
/* Forgets this thread's recorded events. */
void events_discard(void);

#endif
