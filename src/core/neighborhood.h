/*
 * neighborhood: the servers whose admins agreed to trust each other.
 *
 * Each side adds the other (mutual consent): a neighborhood post made here
 * is delivered to every neighbor's shared inbox and may be fetched by them
 * (core/visibility decides that); a neighborhood post from another server
 * is taken in only while that server is in this server's neighborhood
 * (neighborhood_accepts). Removing a server also drops the neighborhood
 * posts it sent here, so that they are no longer shown to anyone.
 *
 * Domains are stored as domain_normalize gives them (host[:port]). The
 * table is read on each use: a change from the command line or the admin
 * page applies to a running server at once. Every change is written to the
 * audit log (actor 0: the command line).
 *
 * The audience a neighborhood post is addressed to is this server's
 * collection NEIGHBORHOOD_PATH (FEDERATION.md).
 */
#ifndef HEARTH_CORE_NEIGHBORHOOD_H
#define HEARTH_CORE_NEIGHBORHOOD_H

#include <stddef.h>
#include <stdint.h>

struct arena;
struct core;
struct db_conn;

#define NEIGHBORHOOD_PATH "/actor/neighborhood"
#define NEIGHBORHOOD_MAX 200 /* servers in a neighborhood */

struct neighbor {
    const char *domain;
    int64_t created_at;
};

/*
 * Adds a server (idempotent: *added is 0 when it was there already).
 * E_INVAL with *why for no server name or this server's own, E_LIMIT past
 * NEIGHBORHOOD_MAX; E_DB. actor is who did it (0: the command line).
 */
int neighborhood_add(const struct core *core, int64_t actor, const char *domain, int *added,
                     const char **why);
/*
 * Removes a server and deletes the neighborhood posts it sent (their count
 * in *dropped, when not NULL). E_NOTFOUND when it was not a neighbor.
 */
int neighborhood_remove(const struct core *core, int64_t actor, const char *domain,
                        int64_t *dropped, const char **why);
/* The neighbors, oldest first, in the arena. */
int neighborhood_list(struct db_conn *c, struct arena *a, struct neighbor **out, size_t *n);
/* 1 when domain (any case) is a neighbor, 0 when not, or E_DB. */
int neighborhood_has(struct db_conn *c, const char *domain);
/*
 * The URL of a server's audience collection (base_url NEIGHBORHOOD_PATH)
 * and the test: 1 when url is that collection on the server of actor_uri
 * (same scheme, host and port), else 0.
 */
const char *neighborhood_audience(struct arena *a, const char *base_url);
int neighborhood_is_audience_of(struct arena *a, const char *url, const char *actor_uri);

#endif
