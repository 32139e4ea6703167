/*
 * web: Hearth's own pages and feeds, for browsers and feed readers.
 *
 * Each handler file exports its route table; the HTTP layer serves them
 * like the API's and ActivityPub's. Handlers use the request's arena only,
 * and decide who may see a post with core/visibility like every surface.
 */
#ifndef HEARTH_WEB_WEB_H
#define HEARTH_WEB_WEB_H

#include <stddef.h>

#include "util/route.h"

/*
 * GET /@:name.rss, /@:name.atom      a member's public posts (feed.c)
 * GET /tags/:tag.rss, /tags/:tag.atom  a hashtag's public posts made here
 * Their patterns match only names that end in .rss or .atom: the table
 * goes before the pages' /@:acct and /tags/:tag.
 */
extern const struct route web_feed_routes[];
extern const size_t web_feed_routes_count;

/* Sign in and out. */
extern const struct route web_session_routes[];
extern const size_t web_session_routes_count;
/* Front page, about, profiles, posts, tags, static files (matches /@NAME last). */
extern const struct route web_public_routes[];
extern const size_t web_public_routes_count;

#endif
