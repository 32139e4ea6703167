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
/* The member's timelines: /home, /local, /neighborhood, /federated. */
extern const struct route web_timeline_routes[];
extern const size_t web_timeline_routes_count;
/* The member's notifications. */
extern const struct route web_notification_routes[];
extern const size_t web_notification_routes_count;
/* Acting on posts and accounts, follow requests (/@NAME/ACTION: before the public routes). */
extern const struct route web_action_routes[];
extern const size_t web_action_routes_count;
/* Front page, about, profiles, posts, tags, static files (matches /@NAME last). */
extern const struct route web_public_routes[];
extern const size_t web_public_routes_count;

#endif
