/*
 * ap: ActivityPub as other servers see Hearth.
 *
 * Discovery (WebFinger), actor documents and their collections, and
 * statuses as ActivityStreams objects. Each route table is served by the
 * HTTP layer like the API's; handlers use the request's arena only.
 *
 * Every object goes through the same visibility rule as the API: a fetch
 * is an anonymous viewer until signed fetches are verified, so only public
 * and unlisted statuses are served, and local-only ones never.
 */
#ifndef HEARTH_AP_AP_H
#define HEARTH_AP_AP_H

#include <stddef.h>

#include "util/route.h"

/* GET /.well-known/webfinger */
extern const struct route ap_webfinger_routes[];
extern const size_t ap_webfinger_routes_count;

/* /users/:name (the actor), its collections, and its statuses as objects. */
extern const struct route ap_actor_routes[];
extern const size_t ap_actor_routes_count;

/* POST /inbox and /users/:name/inbox */
extern const struct route ap_inbox_routes[];
extern const size_t ap_inbox_routes_count;

/*
 * Job handlers (jobs/worker.h's worker_job_fn), registered by main:
 *   "inbox"    does what a verified incoming activity says (ap/process.c)
 *   "publish"  builds a member's activity and queues its deliveries
 *   "deliver"  signs and POSTs one activity to one inbox
 *   "media"    fetches a remote post's image (size-capped) and stores its preview
 */
struct arena;
struct core;
struct job;
int ap_job_inbox(const struct core *core, struct arena *a, const struct job *job, const char **why);
int ap_job_publish(const struct core *core, struct arena *a, const struct job *job,
                   const char **why);
int ap_job_deliver(const struct core *core, struct arena *a, const struct job *job,
                   const char **why);
int ap_job_media(const struct core *core, struct arena *a, const struct job *job, const char **why);

/*
 * Learns what a search names, for core->resolver: the remote account
 * user@domain (WebFinger), or the actor or post at url (fetched from its
 * origin). 0 when it is stored now.
 */
int ap_resolve_account(const struct core *core, const char *user, const char *domain);
int ap_resolve_url(const struct core *core, const char *url);

/* Frees the signing keys kept for the life of the process (at exit). */
void ap_sign_fini(void);

#endif
