/*
 * domain_block: a member's own blocks of whole servers (Mastodon's
 * /api/v1/domain_blocks). A blocked server's accounts leave her
 * timelines (timeline.c applies it with mutes and blocks) and
 * notifications, and stop following her. Not the visibility rule: it hides
 * nothing from anyone else. Domains are stored lower-cased.
 */
#ifndef HEARTH_CORE_DOMAIN_BLOCK_H
#define HEARTH_CORE_DOMAIN_BLOCK_H

#include <stddef.h>
#include <stdint.h>

#include "core/timeline.h"

struct arena;
struct core;
struct db_conn;

#define DOMAIN_BLOCK_MAX 1000 /* per member */

/*
 * A server's name as Hearth stores it: lower-cased host[:port] (IDNs as
 * sent, in UTF-8), trimmed, in the arena; NULL with *why for something
 * that is no server name, or this server's own. For every table keyed by
 * domain (members' blocks, the neighborhood, the server's blocks).
 */
const char *domain_normalize(struct arena *a, const struct core *core, const char *domain,
                             const char **why);

/*
 * Blocks (idempotent) or unblocks a domain. E_INVAL with *why for something
 * that is no domain, or this server's own; E_LIMIT past DOMAIN_BLOCK_MAX.
 */
int domain_block_add(const struct core *core, int64_t account, const char *domain,
                     const char **why);
int domain_block_remove(const struct core *core, int64_t account, const char *domain,
                        const char **why);
/* The member's blocked domains, newest first, paged on the blocks' ids. */
int domain_block_list(struct db_conn *c, struct arena *a, int64_t account, const struct page *p,
                      const char ***domains, int64_t **page_ids, size_t *n);
/* 1 when the member blocks other's server, 0 when not (or local), or an error. */
int domain_block_covers(struct db_conn *c, int64_t account, int64_t other);

#endif
