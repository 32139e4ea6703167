/*
 * ap/internal: what the ActivityPub handler files share (not for other
 * modules): content negotiation, answering with ActivityStreams JSON, and
 * statuses as objects and activities.
 */
#ifndef HEARTH_AP_INTERNAL_H
#define HEARTH_AP_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>

#include "util/req.h"

struct account;
struct arena;
struct core;
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

/* body (stolen) with the @context Hearth's documents use put first: a new reference. */
json_t *ap_with_context(json_t *body);

/* 200 with body (stolen) as application/activity+json, with its @context added. */
void ap_answer(struct req *req, struct resp *resp, json_t *body);

/* Answers a core error as ActivityPub servers expect (404 with a JSON body, 503...). */
void ap_fail(struct req *req, struct resp *resp, int rc);

/* A local account as its actor document (Person, or Service for bots). New reference. */
json_t *ap_actor_json(const struct core *core, struct arena *a, struct db_conn *c,
                      const struct account *acc);

/*
 * The status as an ActivityStreams object (Note), addressed as its
 * visibility says: public to Public and cc followers, unlisted the other
 * way round, followers-only to followers, direct to those it mentions;
 * mentions and hashtags as tags, attachments as Documents. The caller has
 * checked that the fetcher may see it. Returns a new reference, or NULL
 * when a row it needs is gone.
 */
json_t *ap_note_json(const struct core *core, struct arena *a, struct db_conn *c,
                     const struct status *st, const struct account *author);

/*
 * The activity that published the status: Create of its Note, or
 * Announce of the boosted object for a boost. New reference, or NULL.
 */
json_t *ap_activity_json(const struct core *core, struct arena *a, struct db_conn *c,
                         const struct status *st, const struct account *author);

/* A local actor's signing key (the key borrowed from a process-wide cache or the arena). */
struct httpsig_key;
struct ap_signer {
    const char *key_id; /* "https://here/users/alice#main-key" */
    const struct httpsig_key *key;
};

/* The signer of a local account. E_NOTFOUND for a remote one, E_INTERNAL for a broken key. */
int ap_signer_for(const struct core *core, struct arena *a, int64_t account_id,
                  struct ap_signer *out);

/* The server's own signer (its instance actor, /actor). */
int ap_signer_instance(const struct core *core, struct arena *a, struct ap_signer *out);

/*
 * A fetch_sign_fn (util/fetch.h) with a struct ap_signer as ctx: adds Date,
 * Digest (with a body) and a draft-cavage Signature over "(request-target)
 * host date [digest]".
 */
int ap_sign_hop(void *ctx, struct arena *a, const char *method, const char *url, const void *body,
                size_t body_len, const char **headers, size_t *n_headers);

/* Splits an http(s) URL: scheme, host[:port] lowercased, path with query. E_INVAL otherwise. */
int ap_url_split(struct arena *a, const char *url, const char **scheme, const char **authority,
                 const char **target);

/* An IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"), in the arena. */
const char *ap_http_date(struct arena *a, time_t t);

/*
 * Verifies the request's HTTP signature (draft-cavage or RFC 9421, with
 * the body's digest when there is a body) against its key's owner, an
 * actor fetched when unknown and fetched again once when the signature
 * does not verify. 0 and *signer; E_AUTH (*why says why), E_FORBIDDEN
 * (a suspended signer), E_NOTFOUND (the signer is gone or unknown).
 */
int ap_verify_request(struct req *req, struct account **signer, const char **why);

/*
 * Parses an ActivityStreams document: a JSON object no deeper than
 * LIMIT_JSON_DEPTH (E_LIMIT), else E_INVAL. The tree belongs to the arena.
 */
int ap_parse_json(struct arena *a, const char *body, size_t len, json_t **out);

/*
 * GETs url as ActivityStreams (redirects followed) into *out (the arena
 * owns it); *final_url (may be NULL) is the URL that answered. E_NOTFOUND
 * for 404 and 410, E_REMOTE for other failures, and fetch_do's errors.
 */
int ap_fetch_json(const struct core *core, struct arena *a, const char *url, json_t **out,
                  const char **final_url);

/* The id of a member that is an id, an object with one, or a list of them (the first). */
const char *ap_id_of(json_t *v);

/* 1 when both URLs have the same host and port. */
int ap_same_host(struct arena *a, const char *u1, const char *u2);

/*
 * Stores an actor document served from served_from (NULL: trusted, e.g.
 * embedded in a signed activity of that actor): its id must be on that
 * host, as its inbox (E_FORBIDDEN otherwise). 0 and the account id.
 */
int ap_actor_store(const struct core *core, struct arena *a, json_t *doc, const char *served_from,
                   int64_t *id);

/* The account of actor uri, fetched and stored when unknown here or when refresh is set. */
int ap_actor_resolve(const struct core *core, struct arena *a, const char *uri, int refresh,
                     struct account **out);

/* user@domain through WebFinger, then its actor (ap_actor_resolve). */
int ap_webfinger_resolve(const struct core *core, struct arena *a, const char *user,
                         const char *domain, struct account **out);

/*
 * ap/object_in.c: another server's object read into the parts of a post
 * (for ap/process.c). Strings returned live in the arena.
 */
struct poll_new;
struct remote_media;

enum ap_in_kind {
    AP_IN_NOT_POST = 0, /* activities, actors, collections, Tombstone, ChatMessage, Link... */
    AP_IN_KNOWN = 1,    /* Note, Question, Article, Page, Event, Video, Image, Audio */
    AP_IN_OTHER = 2,    /* any other type (Review, Recipe...): kept as a card */
};
/* What an object of this type is to Hearth. */
int ap_in_post_kind(const char *type);
/*
 * The object's content (or first contentMap entry) as safe HTML: HTML
 * sanitized (an Article's or Page's images kept), Markdown and plain text
 * (mediaType text/markdown, text/plain) made into paragraphs and links.
 * "" when there is none.
 */
const char *ap_in_body(struct arena *a, json_t *obj, const char *type);
/* title (plain text) as the heading that starts an article's content. */
const char *ap_in_heading(struct arena *a, const char *title);
/* The page a url value points to: a string, or the text/html Link of a list. NULL if none. */
const char *ap_in_page_url(json_t *url);
/* Plain text of html cut to about max bytes on a word boundary, with "…" when cut. */
const char *ap_in_excerpt(struct arena *a, const char *html, size_t max);
/*
 * The teaser of a long article without a summary: the start of body's
 * text as a paragraph; NULL when body is short enough to show whole.
 */
const char *ap_in_teaser(struct arena *a, const char *body);
/*
 * The content of an object of a type Hearth does not know: its type and
 * name, its summary or content shortened to plain text, and a link to
 * link (its url or id), as sanitized HTML.
 */
const char *ap_in_card(struct arena *a, json_t *obj, const char *type, const char *link);
/*
 * A Video's, Audio's or Image's own file (the object is the media): the
 * best file to show in a browser among its url Links (and the files
 * nested in a playlist Link's tags, as PeerTube sends them): video/mp4
 * before webm, audio/mpeg or ogg first, the tallest up to 720 lines,
 * nothing over 1 GiB while something smaller exists; the icon, image or
 * preview as a video's or sound's poster. An Image with attachments has
 * them instead. 1 and *m filled, or 0 when there is nothing to show.
 */
int ap_in_own_media(struct arena *a, json_t *obj, const char *type, struct remote_media *m);
/* A paragraph that links to href (an http(s) URL), as sanitized HTML. */
const char *ap_in_link(struct arena *a, const char *href);
/* The picture of an icon, image or preview value (the widest up to 1280 pixels), or NULL. */
const char *ap_in_poster(json_t *v);
/*
 * A Question's poll: oneOf (single choice) or anyOf (multiple), at most
 * LIMIT_POLL_OPTIONS_REMOTE choices with their counts (replies.totalItems),
 * votersCount, the end from closed (a time, or true: now) or endTime
 * (none: it never ends). NULL when it has no usable choice.
 */
struct poll_new *ap_in_poll(struct arena *a, json_t *obj);

#endif
