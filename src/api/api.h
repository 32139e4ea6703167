/*
 * api: the Mastodon client API (v1/v2), OAuth 2 and NodeInfo.
 *
 * Handlers take a struct req whose app is the struct core. Authentication
 * happens before a handler runs (api_authenticate, registered with the
 * HTTP server): it checks the bearer token and the route's scope and leaves
 * the token in req->auth. Errors use Mastodon's shape {"error": "..."}
 * and its statuses (401 bad token, 403 scope, 404 unknown or invisible,
 * 422 validation).
 */
#ifndef HEARTH_API_API_H
#define HEARTH_API_API_H

#include <stddef.h>
#include <stdint.h>

#include "util/route.h"

/* The API's route tables, one per handler file. */
extern const struct route api_oauth_routes[];
extern const size_t api_oauth_routes_count;
extern const struct route api_instance_routes[];
extern const size_t api_instance_routes_count;
extern const struct route api_account_routes[];
extern const size_t api_account_routes_count;
extern const struct route api_status_routes[];
extern const size_t api_status_routes_count;
extern const struct route api_me_routes[];
extern const size_t api_me_routes_count;
extern const struct route api_list_routes[];
extern const size_t api_list_routes_count;
extern const struct route api_conversation_routes[];
extern const size_t api_conversation_routes_count;
extern const struct route api_register_routes[];
extern const size_t api_register_routes_count;
extern const struct route api_domain_block_routes[];
extern const size_t api_domain_block_routes_count;
/* admin_domains.c: /api/v1/admin/domain_blocks, domain_allows, /api/v1/instance/domain_blocks */
extern const struct route api_admin_domain_routes[];
extern const size_t api_admin_domain_routes_count;
extern const struct route api_report_routes[];
extern const size_t api_report_routes_count;
extern const struct route api_admin_account_routes[];
extern const size_t api_admin_account_routes_count;
extern const struct route api_admin_report_routes[];
extern const size_t api_admin_report_routes_count;
extern const struct route api_admin_dashboard_routes[];
extern const size_t api_admin_dashboard_routes_count;
/* The profile directory of this server's members (directory.c). */
extern const struct route api_directory_routes[];
extern const size_t api_directory_routes_count;
/* IP, e-mail domain and canonical e-mail blocks; the spam filter's held posts (admin_join.c). */
extern const struct route api_admin_join_routes[];
extern const size_t api_admin_join_routes_count;
extern const struct route api_filter_routes[];
extern const size_t api_filter_routes_count;
extern const struct route api_pin_routes[];
extern const size_t api_pin_routes_count;
extern const struct route api_people_routes[];
extern const size_t api_people_routes_count;
extern const struct route api_event_routes[];
extern const size_t api_event_routes_count;
extern const struct route api_poll_routes[];
extern const size_t api_poll_routes_count;
extern const struct route api_scheduled_routes[];
extern const size_t api_scheduled_routes_count;
extern const struct route api_search_routes[];
extern const size_t api_search_routes_count;
extern const struct route api_streaming_routes[];
extern const size_t api_streaming_routes_count;
extern const struct route api_media_routes[];
extern const size_t api_media_routes_count;

/* Starts and stops the streaming hub (its event listener and heartbeat). */
void api_streaming_start(void);
void api_streaming_stop(void);

/* The route_auth_fn of the API. */
int api_authenticate(struct req *req, const struct route *rt, struct resp *resp);
/* The route_body_limit_fn of the API: media uploads and update_credentials take images. */
size_t api_body_limit(const struct route *rt);
/*
 * The API's rate limits (api/ratelimit.c), run by the HTTP server after
 * authentication for every request (rt NULL when no route matched): adds
 * the X-RateLimit-* headers to API responses, or answers 429 and returns
 * non-zero.
 */
int api_rate_limit(struct req *req, const struct route *rt, struct resp *resp);

#endif
