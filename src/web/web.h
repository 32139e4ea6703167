/*
 * web: Hearth's own pages (server-rendered HTML; docs/WEB.md lists the
 * addresses). Each page file has a route table; http/routes puts them
 * in the server's table, after the API's and ActivityPub's.
 */
#ifndef HEARTH_WEB_WEB_H
#define HEARTH_WEB_WEB_H

#include <stddef.h>

#include "util/route.h"

/* Sign in and out. */
extern const struct route web_session_routes[];
extern const size_t web_session_routes_count;
/* Search: accounts, hashtags, posts. */
extern const struct route web_search_routes[];
extern const size_t web_search_routes_count;
/* Saved posts: bookmarks and favourites. */
extern const struct route web_saved_routes[];
extern const size_t web_saved_routes_count;
/* Lists: their timelines, members and the forms that change them. */
extern const struct route web_list_routes[];
extern const size_t web_list_routes_count;
/* Front page, about, profiles, posts, tags, static files (matches /@NAME last). */
extern const struct route web_public_routes[];
extern const size_t web_public_routes_count;

#endif
