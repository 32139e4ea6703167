/*
 * stats: the counts an Account entity shows (followers, following,
 * statuses), stored per account so that pages of entities read them
 * instead of counting. Every change to an account's follows or statuses
 * calls account_stats_refresh() for each account it touches, inside the
 * same transaction; the refresh recounts from the source tables, so a
 * missed call is corrected by the next one and counts never drift.
 */
#ifndef HEARTH_CORE_STATS_H
#define HEARTH_CORE_STATS_H

#include <stdint.h>

struct db_conn;

/* Recounts and stores the account's numbers. 0 or E_DB. */
int account_stats_refresh(struct db_conn *c, int64_t account_id);

/*
 * One status more for the account (a new post of a level that counts):
 * added to the stored count when there is one, recounted otherwise. For
 * the busiest writer, incoming posts, where a recount per post costs more
 * than the post. 0 or E_DB.
 */
int account_stats_one_more(struct db_conn *c, int64_t account_id);

#endif
