/*
 * status: posts and what members do with them.
 *
 * Creating formats the text (core/text.h), stores mentions and hashtags,
 * threads replies, and notifies mentioned members who may see the post.
 * Edits keep the earlier versions; boosts are statuses that point to the
 * boosted one; favourites and bookmarks are rows of their own. Every
 * function that changes something runs in its own write transaction;
 * readers take the caller's connection. Structs come from the caller's
 * arena.
 */
#ifndef HEARTH_CORE_STATUS_H
#define HEARTH_CORE_STATUS_H

#include <stddef.h>
#include <stdint.h>

#include "core/visibility.h"

struct arena;
struct core;
struct db_conn;
struct poll_new;
struct event_info;

struct status {
    int64_t id;
    int64_t account_id;
    const char *uri;
    const char *url;
    int local;
    enum status_visibility visibility;
    const char *text;    /* source text (local posts) */
    const char *content; /* HTML */
    const char *spoiler_text;
    int sensitive;
    const char *language; /* NULL when unknown */
    int64_t in_reply_to_id;
    int64_t in_reply_to_account_id;
    int64_t thread_root_id;
    int64_t reblog_of_id;
    int64_t created_at;
    int64_t edited_at; /* 0 when never edited */
    const char
        *object_type;    /* what its server called it: "Note", "Article", "Video", "Review"... */
    const char *title;   /* an Article's, Page's or Video's name; NULL for most posts */
    const char *summary; /* an Article's or Page's teaser (sanitized HTML), or NULL */
};

/*
 * 1 when a status of object_type is one of the kinds Hearth shows as what
 * they are (Note, Question, Article, Page, Event, Video, Image, Audio);
 * 0 for any other type kept from another server, shown as a card with its
 * type, title, a shortened text and a link to it.
 */
int status_type_known(const char *object_type);
/* 1 when a status of object_type is a long read (Article, Page): folded on timelines. */
int status_type_article(const char *object_type);

struct media_attr;

struct status_new {
    const char *text;
    const char *spoiler_text; /* NULL: none */
    int sensitive;
    const char *language; /* NULL: unknown */
    enum status_visibility visibility;
    int64_t in_reply_to_id;   /* 0: not a reply */
    const int64_t *media_ids; /* create: the author's unattached media, in order */
    size_t n_media;
    /*
     * edit: media_given set means media_ids[0..n_media) become the
     * attachments (her unattached media or the status's own), in order;
     * unset keeps them. media_attrs change descriptions and focus points.
     */
    int media_given;
    const struct media_attr *media_attrs;
    size_t n_media_attrs;

    const struct poll_new *poll;    /* NULL: none (an edit without one removes the poll) */
    const struct event_info *event; /* create: the post is this event (core/event.h), or NULL */
    const char *idempotency;        /* create: the Idempotency-Key, NULL: none */
    int64_t scheduled_id;           /* create: the scheduled status published (core/scheduled.h) */
    int check_only;                 /* create: check everything, store nothing (*id stays 0) */
};

/*
 * author (a local account) posts. The text is formatted with text_format
 * (mentions resolved against known accounts, limit core->max_status_chars
 * counting the content warning too); mentions and tags are stored; a reply
 * records its parent, the parent's author and the thread's root; mentioned
 * local members who may see the post are notified. Returns 0 and the new
 * id; E_INVAL or E_LIMIT with *why (blank text, too long, invalid UTF-8,
 * bad language or visibility, a poll outside the limits of poll_check,
 * media not attachable: core/media.h); text may be blank when media are
 * attached; E_NOTFOUND when replying to a status the author may not see,
 * or when the scheduled status being published is gone; E_FORBIDDEN for a
 * remote author. A poll and the media are stored in the status's
 * transaction, and so is the removal of the scheduled status it publishes.
 * With an idempotency key the author used within LIMIT_IDEMPOTENCY_S for a
 * status that still exists, nothing is made and *id is that status.
 *
 * A reply stays inside the ring of its parent: a reply to a local-only
 * post is local-only unless it is direct (a followers-only reply included:
 * there is no followers-and-local level); a public, unlisted or
 * followers-only reply to a neighborhood post is neighborhood.
 */
int status_create(const struct core *core, int64_t author, const struct status_new *p, int64_t *id,
                  const char **why);
/*
 * Reads one status (deleted ones are E_NOTFOUND). No visibility check:
 * callers showing it to someone ask visibility_may_see first.
 */
int status_get(struct db_conn *c, struct arena *a, int64_t id, struct status **out);
/* The same by its ActivityPub id. */
int status_find_by_uri(struct db_conn *c, struct arena *a, const char *uri, struct status **out);
/* Deletes the author's status and its boosts. E_NOTFOUND when not theirs. */
int status_delete(const struct core *core, int64_t actor, int64_t id);
/*
 * The author edits text, content warning and sensitivity; the previous
 * version is kept (status_history), edited_at set, and members who boosted
 * it are notified ("update"). Mentions and tags follow the new text. The
 * poll follows p->poll (poll_edit: changed choices clear the votes; none
 * removes it).
 */
int status_edit(const struct core *core, int64_t actor, int64_t id, const struct status_new *p,
                const char **why);

struct status_version {
    const char *text;
    const char *content;
    const char *spoiler_text;
    int sensitive;
    int64_t created_at;
    const int64_t *media_ids; /* the attachments it had, in order */
    size_t n_media;
};

/* Every version, oldest first, the current one last. */
int status_history(struct db_conn *c, struct arena *a, int64_t id, struct status_version **out,
                   size_t *n);

/*
 * actor boosts the status. Public and unlisted posts can be boosted, and
 * the author's own followers-only posts; a boost of a local-only or
 * neighborhood post keeps its level. Returns the boost's id (the existing
 * one when boosted already); E_NOTFOUND when invisible, E_FORBIDDEN when
 * the level does not allow it or the actor is remote (remote boosts come
 * in as Announce activities through federation).
 */
int status_reblog(const struct core *core, int64_t actor, int64_t id, int64_t *reblog_id);
int status_unreblog(const struct core *core, int64_t actor, int64_t id);
/*
 * Favourite and bookmark: idempotent; E_NOTFOUND when invisible to the
 * actor (a remote actor, such as the sender of a Like, is judged as a
 * remote account). A favourite notifies the author.
 */
int status_favourite(const struct core *core, int64_t actor, int64_t id);
int status_unfavourite(const struct core *core, int64_t actor, int64_t id);
int status_bookmark(const struct core *core, int64_t actor, int64_t id);
int status_unbookmark(const struct core *core, int64_t actor, int64_t id);

/* Per-viewer facts for one status (for the API's favourited, reblogged...). */
struct status_counts {
    int64_t replies;
    int64_t reblogs;
    int64_t favourites;
    int favourited;
    int reblogged;
    int bookmarked;
    int pinned; /* by the viewer, on her profile (core/pin.h) */
    int muted;  /* the viewer muted its thread (core/pin.h) */
};
int status_counts(struct db_conn *c, int64_t id, int64_t viewer, struct status_counts *out);

/*
 * The columns status_from_row() reads, in its order, for queries that
 * select statuses ("SELECT " STATUS_COLUMNS " FROM statuses ...").
 */
#define STATUS_COLUMNS                                                                             \
    "id, account_id, uri, url, local, visibility, text, content, spoiler_text, sensitive,"         \
    " language, COALESCE(in_reply_to_id, 0), COALESCE(in_reply_to_account_id, 0),"                 \
    " COALESCE(thread_root_id, 0), COALESCE(reblog_of_id, 0), created_at, COALESCE(edited_at, 0)," \
    " object_type, title, summary"
/* The status of the current row, in the arena, from columns 0.. of STATUS_COLUMNS. */
struct status *status_from_row(struct arena *a, struct db_stmt *s);

/*
 * The thread around a status as the viewer may see it: ancestors from the
 * root down, descendants in reply order (depth first, oldest first).
 */
int status_context(struct db_conn *c, struct arena *a, const struct viewer *v, int64_t id,
                   int64_t **ancestors, size_t *n_anc, int64_t **descendants, size_t *n_desc);

/*
 * Replaces the mentions and tags rows of status id (tags: lowercase names,
 * created when new), in the caller's transaction. For core's writers.
 */
int status_store_links(struct db_conn *c, int64_t id, const int64_t *mentions, size_t n_mentions,
                       const char *const *tags, size_t n_tags);

/*
 * After an edit of status id by author, in the caller's transaction: the
 * update event, and a fresh "update" notification for each member who
 * boosted it. For core's writers.
 */
int status_edited(struct db_conn *c, int64_t id, int64_t author);

/* Mentioned account ids and tag names of a status. */
int status_mentions(struct db_conn *c, struct arena *a, int64_t id, int64_t **ids, size_t *n);
int status_tags(struct db_conn *c, struct arena *a, int64_t id, const char ***names, size_t *n);

#endif
