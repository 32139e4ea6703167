/*
 * events: a per-thread pending list and a single listener. The pending
 * list is bounded: a transaction that records more than EVENTS_PENDING_MAX
 * events publishes the oldest at once (a listener that renders them later
 * skips what it cannot find).
 */
#include "core/events.h"

#include <stddef.h>

#define EVENTS_PENDING_MAX 256

static event_listener_fn listener;
static void *listener_ctx;

static _Thread_local struct event pending[EVENTS_PENDING_MAX];
static _Thread_local size_t n_pending;

void events_listen(event_listener_fn fn, void *ctx)
{
    listener = fn;
    listener_ctx = ctx;
}

void events_defer(enum event_kind kind, int64_t id, int64_t account_id)
{
    if (!listener)
        return;
    if (n_pending == EVENTS_PENDING_MAX)
        events_flush();
    pending[n_pending].kind = kind;
    pending[n_pending].id = id;
    pending[n_pending].account_id = account_id;
    n_pending++;
}

void events_flush(void)
{
    size_t n = n_pending;
    n_pending = 0;
    for (size_t i = 0; i < n && listener; i++)
        listener(listener_ctx, &pending[i]);
}

void events_discard(void)
{
    n_pending = 0;
}
