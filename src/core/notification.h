/*
 * notification: what members are told (mentions, follows, boosts...).
 *
 * Only local accounts receive notifications. Nobody is notified of their
 * own acts (but they are told that their own poll ended), nor of a status
 * they may not see (the visibility rule), nor twice of the same act.
 * Structs returned come from the caller's arena.
 */
#ifndef HEARTH_CORE_NOTIFICATION_H
#define HEARTH_CORE_NOTIFICATION_H

#include <stddef.h>
#include <stdint.h>

struct arena;
struct core;
struct db_conn;

enum notification_type {
    NOTIFY_MENTION = 0,
    NOTIFY_STATUS,
    NOTIFY_REBLOG,
    NOTIFY_FOLLOW,
    NOTIFY_FOLLOW_REQUEST,
    NOTIFY_FAVOURITE,
    NOTIFY_POLL,
    NOTIFY_UPDATE,
    NOTIFY_EVENT_RSVP, /* "event_rsvp": someone answered the member's event (core/event.h) */
    NOTIFY_TYPE_COUNT
};

struct notification {
    int64_t id;
    int64_t account_id;      /* who is told */
    int64_t from_account_id; /* who did it */
    enum notification_type type;
    int64_t status_id; /* 0 when none */
    int64_t created_at;
};

/* Mastodon's names: "mention", "status", "reblog", "follow", ... */
const char *notification_type_name(enum notification_type t);
/* 0 or E_INVAL. */
int notification_type_parse(const char *s, enum notification_type *out);

/*
 * Records a notification inside the caller's connection (and transaction).
 * Does nothing (returns 0) for a remote recipient, a self-notification
 * (but "poll": an author's own poll ended), a duplicate, an actor the
 * recipient blocks or mutes with notifications, or a status the recipient
 * may not see. *created (may be NULL) says whether one was made.
 */
int notification_add(struct db_conn *c, int64_t to, int64_t from, enum notification_type type,
                     int64_t status_id, int *created);

struct notification_query {
    int64_t max_id;   /* only ids below, 0: no bound */
    int64_t since_id; /* only ids above, 0: no bound */
    int64_t min_id;   /* only ids above, the oldest first, 0: no bound */
    int limit;        /* 1..80, 0 means 40 */
    unsigned types;   /* bit mask of 1 << type to include; 0 means all */
};

/*
 * Lists an account's notifications, newest first. With min_id, the page is
 * the notifications right after min_id (still returned newest first).
 */
int notification_list(struct db_conn *c, struct arena *a, int64_t account_id,
                      const struct notification_query *q, struct notification **out, size_t *n);
/* One notification of the account. 0, E_NOTFOUND (also another's), E_DB. */
int notification_get(struct db_conn *c, struct arena *a, int64_t account_id, int64_t id,
                     struct notification **out);
/* How many notifications the account has with ids above since_id (a read marker; 0: all). */
int notification_count(struct db_conn *c, int64_t account_id, int64_t since_id, int64_t *count);
/* Removes one notification of the account. 0 or E_NOTFOUND. */
int notification_dismiss(struct db_conn *c, int64_t account_id, int64_t id);
/* Removes all of the account's notifications. */
int notification_clear(struct db_conn *c, int64_t account_id);

#endif
