/*
 * people: paged lists of accounts, each item an (id of the row that links
 * them, account) pair so that Mastodon's max_id/since_id/min_id paging
 * runs on the linking rows: who blocks or mutes whom, who boosted or
 * favourited a status (follows use the same lists, in follow.c).
 */
#ifndef HEARTH_CORE_PEOPLE_H
#define HEARTH_CORE_PEOPLE_H

#include <stddef.h>
#include <stdint.h>

#include "core/follow.h"
#include "core/visibility.h"

struct arena;
struct db_conn;

/*
 * Runs a listing query pair: sql[0] pages newest first (max_id, since_id),
 * sql[1] oldest first after min_id; both select (row id, account id) and
 * bind the owner id, then now when now is not NULL, then the upper and
 * lower bounds and the limit. The result is always newest first.
 */
int people_list(struct db_conn *c, struct arena *a, const char *const sql[2], int64_t owner,
                const int64_t *now, const struct follow_page *p, struct follow_item **out,
                size_t *n);

/* The accounts account blocks, and those it mutes now (an expired mute is over). */
int people_blocked(struct db_conn *c, struct arena *a, int64_t account_id,
                   const struct follow_page *p, struct follow_item **out, size_t *n);
int people_muted(struct db_conn *c, struct arena *a, int64_t account_id,
                 const struct follow_page *p, struct follow_item **out, size_t *n);

/*
 * Who boosted and who favourited a status: E_NOTFOUND unless the viewer
 * may see it (core/visibility.h).
 */
int people_reblogged_by(struct db_conn *c, struct arena *a, const struct viewer *v,
                        int64_t status_id, const struct follow_page *p, struct follow_item **out,
                        size_t *n);
int people_favourited_by(struct db_conn *c, struct arena *a, const struct viewer *v,
                         int64_t status_id, const struct follow_page *p, struct follow_item **out,
                         size_t *n);

#endif
