/*
 * remote: what other servers' actors post, stored as statuses of their
 * accounts so that every reader (timelines, threads, notifications,
 * search, streaming) treats them like local ones, through the same
 * visibility rule.
 *
 * The ActivityPub side has checked the signature, the origin of the
 * object and sanitized its HTML before calling here; core trusts the
 * struct, not the network. Each function runs its own write transaction
 * and is idempotent: a repeated Create, Announce or Delete changes
 * nothing and says so (E_EXISTS or 0).
 */
#ifndef HEARTH_CORE_REMOTE_H
#define HEARTH_CORE_REMOTE_H

#include <stddef.h>
#include <stdint.h>

#include "core/visibility.h"

struct core;
struct poll_new;

/* An attachment of a remote post: referenced by URL, not stored. */
struct remote_media {
    const char *url;
    const char *type;         /* "image", "video", "gifv", "audio" or "unknown" */
    const char *content_type; /* "image/jpeg"..., or "" */
    const char *description;  /* or NULL */
    const char *blurhash;     /* or NULL */
    const char
        *preview_url;  /* a video's or audio's poster image (fetched as its preview), or NULL */
    int width, height; /* 0 when unknown */
};

struct remote_status {
    const char *uri;
    const char *url;
    int64_t account_id; /* the author (a remote account) */
    enum status_visibility visibility;
    const char *content;      /* sanitized HTML */
    const char *spoiler_text; /* or "" */
    int sensitive;
    const char *language;        /* or NULL */
    const char *object_type;     /* "Note", "Question", "Article", ... or any other type kept */
    const char *title;           /* the object's name (Article, Page, Video...), or NULL */
    const char *summary;         /* an Article's or Page's teaser (sanitized HTML), or NULL */
    int64_t in_reply_to_id;      /* the parent when known here, else 0 */
    const char *in_reply_to_uri; /* the parent's id, known or not (NULL: not a reply) */
    int64_t created_at;
    int64_t edited_at;       /* 0 when never */
    const int64_t *mentions; /* accounts mentioned (local and remote) */
    size_t n_mentions;
    const char *const *tags; /* lowercase names without '#' */
    size_t n_tags;
    const struct remote_media *media;
    size_t n_media;
    const struct poll_new *poll; /* a Question's choices (poll->remote set), or NULL */
};

/*
 * Stores a new remote post: its mentions, tags and attachments (at most
 * LIMIT_MEDIA_REMOTE; images and the posters of videos get a preview job),
 * its poll with the counts its server sent; it joins
 * the home feeds of the author's local followers and of the members
 * following its tags; mentioned members who may see it are notified;
 * direct posts join conversations. Returns 0 and the id, or E_EXISTS and
 * the id of the post already stored under that uri; E_INVAL for a missing
 * uri, author or content.
 */
int remote_status_create(const struct core *core, const struct remote_status *rs, int64_t *id);

/*
 * The author edited it: the previous version joins the history, the new
 * text, title, summary, mentions, tags and attachments replace the old,
 * members who boosted it are notified. E_NOTFOUND when no post of that
 * author has that uri; 0 without change when edited_at is not newer than
 * stored, or when it is not given and the text is the same. A poll's
 * counts (and end) are refreshed in every case: servers send an Update
 * of a Question when its votes change.
 */
int remote_status_update(const struct core *core, const struct remote_status *rs);

/*
 * author deleted the post (or withdrew the boost) with that uri: it goes,
 * with its boosts, favourites and notifications. 0 also when it is not
 * known (nothing to do); E_FORBIDDEN when it belongs to someone else.
 */
int remote_status_delete(const struct core *core, int64_t author, const char *uri);

/*
 * actor boosted status (known here) with the Announce uri at created_at:
 * the boost joins the home feeds of actor's followers and notifies a
 * local author. E_EXISTS (id set) when stored already; E_FORBIDDEN for a
 * status that may not be boosted (followers-only of another, direct, or
 * local-only).
 */
int remote_boost_create(const struct core *core, int64_t actor, int64_t status_id, const char *uri,
                        int64_t created_at, int64_t *id);

/*
 * The actor's server deleted it: its posts, boosts, follows and
 * favourites go; the account row stays, suspended, so that its uri
 * cannot be taken over. 0 also when nothing was left.
 */
int remote_account_delete(const struct core *core, int64_t account);

#endif
