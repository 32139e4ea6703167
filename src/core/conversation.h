/*
 * conversation: direct messages as each member sees them. Every direct
 * status stored here updates, for each local participant (the author and
 * the accounts it mentions), her conversation for its thread: the latest
 * status, the other participants, and whether she has read it (the author
 * has). A member removes a conversation for herself only; a new message
 * in the thread brings it back.
 */
#ifndef HEARTH_CORE_CONVERSATION_H
#define HEARTH_CORE_CONVERSATION_H

#include <stddef.h>
#include <stdint.h>

#include "core/timeline.h"

struct arena;
struct core;
struct db_conn;

#define CONVERSATION_PARTICIPANTS_MAX 64

struct conversation {
    int64_t id;
    int64_t last_status_id;
    int unread;
    int64_t participants[CONVERSATION_PARTICIPANTS_MAX]; /* the others */
    size_t n_participants;
};

/*
 * Records the direct status status_id (by author, in thread thread_id) in
 * its local participants' conversations. Inside the caller's transaction.
 * 0 or E_DB.
 */
int conversation_record(struct db_conn *c, int64_t status_id, int64_t author, int64_t thread_id);

/* The member's conversations, latest message first; paging on last_status_id. */
int conversation_list(struct db_conn *c, struct arena *a, int64_t account, const struct page *p,
                      struct conversation **out, size_t *n);
/* One of the member's conversations; E_NOTFOUND when not hers. */
int conversation_get(struct db_conn *c, struct arena *a, int64_t account, int64_t id,
                     struct conversation **out);
/* Marks it read, or removes it, for the member only. E_NOTFOUND when not hers. */
int conversation_read(const struct core *core, int64_t account, int64_t id);
int conversation_remove(const struct core *core, int64_t account, int64_t id);

#endif
