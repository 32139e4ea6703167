/*
 * api/internal: helpers shared by the API's handler files (not used
 * outside src/api/). JSON values built here are owned by the caller
 * (jansson's new-reference rule); everything else lives in req->arena.
 */
#ifndef HEARTH_API_INTERNAL_H
#define HEARTH_API_INTERNAL_H

#include <stdint.h>

#include <jansson.h>

#include "core/account.h"
#include "core/core.h"
#include "core/notification.h"
#include "core/oauth.h"
#include "core/status.h"
#include "core/timeline.h"
#include "core/visibility.h"
#include "util/req.h"

#define API_MASTODON_VERSION "4.3.0"
#define API_HEARTH_VERSION "0.1.0"

/*
 * Prepares a bare request for rendering entities outside an HTTP request
 * (streaming): arena a, the core, and the viewer account (0: anonymous)
 * with its scopes.
 */
void api_req_for(struct req *req, struct arena *a, struct core *core, int64_t account_id,
                 const char *scopes);

/*
 * The first value of Sec-WebSocket-Protocol (where WebSocket clients may
 * send their token), in the arena; NULL when absent.
 */
const char *api_ws_protocol_token(struct req *req);
/* The token of the request, or NULL when none was sent. */
struct oauth_token *api_token(struct req *req);
/* The signed-in account's id, 0 when none. */
int64_t api_account_id(struct req *req);
/* The viewer for the visibility rule: local member or anonymous. */
struct viewer api_viewer(struct req *req);
/*
 * Answers 401/422 and returns non-zero unless a user token was sent
 * (handlers that need "me" call it first).
 */
int api_require_user(struct req *req, struct resp *resp);
/*
 * For the admin API: answers 401/422 like api_require_user, or 403 "This
 * action is not allowed" unless the signed-in user's role has every flag
 * in perms (core/role.h), and returns non-zero. *role, when not NULL, is
 * set to the user's role.
 */
int api_require_permission(struct req *req, struct resp *resp, unsigned perms,
                           enum user_role *role);

/* Parses an id path parameter; 0 when malformed. */
int64_t api_param_id(struct req *req, const char *name);
/*
 * Reads a boolean argument ("true", "1", "on", "True"...): 1, 0, or def
 * when absent. -1 when present but not a boolean.
 */
int api_arg_bool(struct req *req, const char *name, int def);
/*
 * The values of an array argument, as forms send it ("name[]", repeated)
 * or as JSON does (an array of strings "name"): at most max of them into
 * out, their count in *n. Non-zero (and a 422 naming the field in resp)
 * when there are more than max or a JSON item is not a string.
 */
int api_arg_strings(struct req *req, struct resp *resp, const char *name, const char **out,
                    size_t max, size_t *n);
/* Reads the paging arguments; non-zero (and a 422 in resp) when malformed. */
int api_page(struct req *req, struct resp *resp, struct page *p);
/* Adds a Link header for a list of ids (newest first) returned for this request. */
void api_link_header(struct req *req, struct resp *resp, const int64_t *ids, size_t n);

struct follow_item;
/*
 * Answers a paged list of accounts (core/people.h): the Account entities
 * and the Link header over the linking rows' ids, or the error rc. Releases
 * c in every case.
 */
int api_people_answer(struct req *req, struct resp *resp, struct db_conn *c, int rc,
                      const struct follow_item *items, size_t n);

/* Mastodon's validation error: 422 {"error": "Validation failed: ..."}. */
void api_invalid(struct req *req, struct resp *resp, const char *why);
/* Maps a core error to a Mastodon answer (404 "Record not found", 403...). */
int api_fail(struct req *req, struct resp *resp, int err);

/* Entities (jansson, owned by the caller). NULL when the object is missing. */
json_t *api_account_json(struct req *req, struct db_conn *c, const struct account *acc);
json_t *api_account_json_id(struct req *req, struct db_conn *c, int64_t id);
/* The signed-in account with its "source" (verify_credentials). */
json_t *api_credential_account_json(struct req *req, struct db_conn *c, int64_t id);
json_t *api_status_json(struct req *req, struct db_conn *c, int64_t id);
json_t *api_statuses_json(struct req *req, struct db_conn *c, const int64_t *ids, size_t n);
json_t *api_notification_json(struct req *req, struct db_conn *c, const struct notification *nt);
json_t *api_relationship_json(struct req *req, struct db_conn *c, int64_t me, int64_t other);
/* Mastodon's Role entity of a role (its permissions are core/role.h's flags). */
json_t *api_role_json(struct req *req, enum user_role role);
/* Mastodon's Admin::Account entity (admin_accounts.c); JSON null when unknown. */
json_t *api_admin_account_json(struct req *req, struct db_conn *c, int64_t id);
/* The AccountWarning entity of an account warning (admin_accounts.c); JSON null when gone. */
json_t *api_account_warning_json(struct req *req, struct db_conn *c, int64_t id);
/* The Report entity (as its reporter sees it) of a report (admin_reports.c); null when gone. */
json_t *api_report_json(struct req *req, struct db_conn *c, int64_t id);
struct conversation;
/* The Conversation entity (conversations.c); its last status as the viewer sees it. */
json_t *api_conversation_json(struct req *req, struct db_conn *c, const struct conversation *cv);
/* Answers 200 with the status as the viewer sees it (404 when she may not). */
int api_status_answer(struct req *req, struct resp *resp, int64_t id);
/* Answers 200 with the signed-in member's Relationship to other. */
int api_relationship_answer(struct req *req, struct resp *resp, int64_t other);
/*
 * The FilterResults of a status shown in req->filter_context for the
 * viewer (an empty array when none, or no context); *hide is set when a
 * matching filter hides it (filters.c).
 */
json_t *api_status_filtered(struct req *req, struct db_conn *c, int64_t status_id, const char *text,
                            const char *spoiler, int *hide);

/* The Poll of a status as the viewer sees it; NULL when it has none or is invisible (polls.c). */
/*
 * The "event" object of a Status (api/events.c): title, times, time zone,
 * place, counts and the viewer's answer; NULL when the status is not an
 * event. No visibility check (the status's entity made it).
 */
json_t *api_event_json(struct req *req, struct db_conn *c, int64_t status_id);
json_t *api_status_poll_json(struct req *req, struct db_conn *c, int64_t status_id);

struct poll_new;
/*
 * Reads poll[options][], poll[expires_in], poll[multiple] and
 * poll[hide_totals] (form) or {"poll": {...}} (JSON) into the arena: *out
 * is NULL when no poll was sent. Non-zero (422 answered) when malformed.
 */
int api_read_poll(struct req *req, struct resp *resp, const struct poll_new **out);
/* Answers POST /api/v1/statuses with scheduled_at: the ScheduledStatus (scheduled.c). */
int api_status_schedule(struct req *req, struct resp *resp, const struct status_new *p, int64_t at);

/* A status's media_attachments (MediaAttachment entities, in order; [] when none). */
json_t *api_status_media_json(struct req *req, struct db_conn *c, int64_t status_id);
/* MediaAttachment entities of the given attachments, in order (those still stored). */
json_t *api_media_ids_json(struct req *req, struct db_conn *c, const int64_t *ids, size_t n);
/*
 * Stores the avatar and header file parts of update_credentials, if sent.
 * Non-zero when it answered (422 for a refused image, 400 for a bad form).
 */
int api_media_profile_images(struct req *req, struct resp *resp);

#endif
