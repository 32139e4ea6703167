/*
 * timeline: the time-ordered lists of statuses (home, public, tag,
 * account, list), each filtered by the visibility rule's SQL form so that a list
 * never holds what its viewer may not see. No ranking: newest first.
 */
#ifndef HEARTH_CORE_TIMELINE_H
#define HEARTH_CORE_TIMELINE_H

#include <stddef.h>
#include <stdint.h>

#include "core/visibility.h"

struct arena;
struct db_conn;

#define TIMELINE_LIMIT_DEFAULT 20
#define TIMELINE_LIMIT_MAX 40

/* Mastodon's paging: max_id, since_id, min_id (0 for none) and a limit. */
struct page {
    int64_t max_id;   /* ids below */
    int64_t since_id; /* ids above, newest first */
    int64_t min_id;   /* ids above, the ones right after min_id */
    int limit;        /* clamped to 1..max; 0 means the default */
};

struct timeline_filter {
    int local_only;      /* public: statuses made here */
    int remote_only;     /* public: statuses from elsewhere */
    int exclude_replies; /* account */
    int exclude_reblogs; /* account */
    int only_media;      /* statuses with media attachments only */
    const char *tagged;  /* account: only statuses with this hashtag (NULL: any) */
};

/*
 * Each returns status ids, newest first, in the arena. The viewer decides
 * what is visible (an anonymous viewer for logged-out requests).
 */
int timeline_home(struct db_conn *c, struct arena *a, const struct viewer *v, const struct page *p,
                  int64_t **ids, size_t *n);
int timeline_public(struct db_conn *c, struct arena *a, const struct viewer *v,
                    const struct timeline_filter *f, const struct page *p, int64_t **ids,
                    size_t *n);
/*
 * The neighborhood: original posts made here or by accounts of the
 * neighborhood servers, at the public, local and neighborhood levels (the
 * rule still decides: local and neighborhood posts only for members).
 * The filter's only_media applies; local_only and remote_only too.
 */
int timeline_neighborhood(struct db_conn *c, struct arena *a, const struct viewer *v,
                          const struct timeline_filter *f, const struct page *p, int64_t **ids,
                          size_t *n);
/* Mastodon's any[], all[] and none[] of a tag timeline, each at most TIMELINE_TAGS_MAX. */
#define TIMELINE_TAGS_MAX 4
struct timeline_tags {
    const char *any[TIMELINE_TAGS_MAX]; /* or one of these */
    size_t n_any;
    const char *all[TIMELINE_TAGS_MAX]; /* and every one of these */
    size_t n_all;
    const char *none[TIMELINE_TAGS_MAX]; /* and none of these */
    size_t n_none;
};
/* Public posts with the tag; more may be NULL. Tag names match case-insensitively. */
int timeline_tag(struct db_conn *c, struct arena *a, const struct viewer *v, const char *tag,
                 const struct timeline_tags *more, const struct timeline_filter *f,
                 const struct page *p, int64_t **ids, size_t *n);
int timeline_account(struct db_conn *c, struct arena *a, const struct viewer *v, int64_t account_id,
                     const struct timeline_filter *f, const struct page *p, int64_t **ids,
                     size_t *n);

/*
 * A list's timeline (the caller checked that the viewer owns the list):
 * its members' posts, with replies as replies_policy says ("followed",
 * "list", "none").
 */
int timeline_list(struct db_conn *c, struct arena *a, const struct viewer *v, int64_t list_id,
                  const char *replies_policy, const struct page *p, int64_t **ids, size_t *n);

/*
 * The viewer's bookmarks and favourites, newest bookmark (favourite)
 * first. Paging is by the bookmark's or favourite's own id; *page_ids (the
 * same length as *ids) holds those for the Link header.
 */
int timeline_bookmarks(struct db_conn *c, struct arena *a, const struct viewer *v,
                       const struct page *p, int64_t **ids, int64_t **page_ids, size_t *n);
int timeline_favourites(struct db_conn *c, struct arena *a, const struct viewer *v,
                        const struct page *p, int64_t **ids, int64_t **page_ids, size_t *n);

#endif
