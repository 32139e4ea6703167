/*
 * batch: what rendering a page of statuses needs, loaded for the whole
 * page in a few queries instead of a few per status: the statuses with
 * their counts and the viewer's flags, their authors with their counts,
 * mentions and tags. Whether the viewer may see each status is not decided
 * here: that is visibility_filter() (core/visibility.h), which callers ask
 * first. Every function accepts any n and works DB_IN_WIDTH ids at a time;
 * results come from the caller's arena.
 */
#ifndef HEARTH_CORE_BATCH_H
#define HEARTH_CORE_BATCH_H

#include <stddef.h>
#include <stdint.h>

#include "core/account.h"
#include "core/status.h"

struct arena;
struct db_conn;

/* The numbers an Account entity shows. */
struct account_stats {
    int64_t followers;
    int64_t following;
    int64_t statuses; /* public, unlisted and followers-only, not deleted */
    int64_t last_status_at;
    const char *avatar_ref; /* stored profile images (core/media.h media_ref_url), or NULL */
    const char *header_ref;
};

/*
 * statuses[i] and counts[i] for ids[i]: NULL (and zero counts) when the
 * status is missing or deleted. viewer is the account whose favourited,
 * reblogged and bookmarked flags are read (0: none). 0 or E_DB.
 */
int batch_statuses(struct db_conn *c, struct arena *a, int64_t viewer, const int64_t *ids, size_t n,
                   struct status **statuses, struct status_counts *counts);

/*
 * has_media[i] and has_poll[i] set to 1 for the statuses ids[i] that have
 * media attachments or a poll, so that only those are loaded one by one.
 * 0 or E_DB.
 */
int batch_extras(struct db_conn *c, const int64_t *ids, size_t n, int *has_media, int *has_poll);

/* accounts[i] and stats[i] for ids[i]: NULL when missing. 0 or E_DB. */
int batch_accounts(struct db_conn *c, struct arena *a, const int64_t *ids, size_t n,
                   struct account **accounts, struct account_stats *stats);

/*
 * The mentions of the statuses as pairs (status_ids[k], account_ids[k]),
 * at most LIMIT_MENTIONS per status. 0 or E_DB.
 */
int batch_mentions(struct db_conn *c, struct arena *a, const int64_t *ids, size_t n,
                   int64_t **status_ids, int64_t **account_ids, size_t *count);

/* The tags of the statuses as pairs (status_ids[k], names[k]), by name. 0 or E_DB. */
int batch_tags(struct db_conn *c, struct arena *a, const int64_t *ids, size_t n,
               int64_t **status_ids, const char ***names, size_t *count);

#endif
