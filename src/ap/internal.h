/*
 * ap/internal: what the ActivityPub handler files share (not for other
 * modules): content negotiation, answering with ActivityStreams JSON, and
 * statuses as objects and activities.
 */
#ifndef HEARTH_AP_INTERNAL_H
#define HEARTH_AP_INTERNAL_H

#include <jansson.h>

#include "util/req.h"

struct account;
struct db_conn;
struct status;

#define AP_PUBLIC "https://www.w3.org/ns/activitystreams#Public"
#define AP_CONTENT_TYPE "application/activity+json; charset=utf-8"

/*
 * Does the request ask for ActivityStreams (Accept: application/activity+json,
 * or application/ld+json with or without the ActivityStreams profile)?
 * Anything else is a browser, shown the HTML page instead.
 */
int ap_wants_json(struct req *req);

/* 200 with body (stolen) as application/activity+json, with its @context added. */
void ap_answer(struct req *req, struct resp *resp, json_t *body);

/* Answers a core error as ActivityPub servers expect (404 with a JSON body, 503...). */
void ap_fail(struct req *req, struct resp *resp, int rc);

/*
 * The status as an ActivityStreams object (Note), addressed as its
 * visibility says: public to Public and cc followers, unlisted the other
 * way round, followers-only to followers, direct to those it mentions;
 * mentions and hashtags as tags, attachments as Documents. The caller has
 * checked that the fetcher may see it. Returns a new reference, or NULL
 * when a row it needs is gone.
 */
json_t *ap_note_json(struct req *req, struct db_conn *c, const struct status *st,
                     const struct account *author);

/*
 * The activity that published the status: Create of its Note, or
 * Announce of the boosted object for a boost. New reference, or NULL.
 */
json_t *ap_activity_json(struct req *req, struct db_conn *c, const struct status *st,
                         const struct account *author);

#endif
