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
/* page_admin_domains.c: /admin/domains (domain blocks and allows, the impact report) */
extern const struct route web_admin_domain_routes[];
extern const size_t web_admin_domain_routes_count;
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
/* Search: accounts, hashtags, posts. */
extern const struct route web_search_routes[];
extern const size_t web_search_routes_count;
/* Saved posts: bookmarks and favourites. */
extern const struct route web_calendar_routes[];
extern const size_t web_calendar_routes_count;
extern const struct route web_saved_routes[];
extern const size_t web_saved_routes_count;
/* Lists: their timelines, members and the forms that change them. */
extern const struct route web_admin_routes[];
extern const size_t web_admin_routes_count;
extern const struct route web_admin_report_routes[];
extern const size_t web_admin_report_routes_count;
extern const struct route web_admin_account_routes[];
extern const size_t web_admin_account_routes_count;
extern const struct route web_list_routes[];
extern const size_t web_list_routes_count;
/* The composer: GET /compose, POST /statuses, POST /statuses/ID/edit (before the actions). */
extern const struct route web_compose_routes[];
extern const size_t web_compose_routes_count;
/* Settings: profile, preferences, password, sessions and apps. */
extern const struct route web_settings_routes[];
extern const size_t web_settings_routes_count;
/* Joining: /signup, /invite/CODE, /welcome, /directory, /privacy, /invites (page_join.c). */
extern const struct route web_join_routes[];
extern const size_t web_join_routes_count;
/* /admin/join: mode, pending sign-ups, invites, rules, texts, blocks, held posts. */
extern const struct route web_admin_join_routes[];
extern const size_t web_admin_join_routes_count;
/* Front page, about, profiles, posts, tags, static files (matches /@NAME last). */
extern const struct route web_admin_neighborhood_routes[];
extern const size_t web_admin_neighborhood_routes_count;
extern const struct route web_public_routes[];
extern const size_t web_public_routes_count;

/*
 * The body limit of the pages' upload forms (the composer, the profile
 * settings), for http's body_limit; 0 for every other route.
 */
size_t web_body_limit(const struct route *rt);

#endif
