/*
 * tag: hashtags by name, their use over the last days, and the hashtags a
 * member follows (whose posts join her home timeline).
 *
 * Names are compared as status_tags stores them: without '#', ASCII
 * lowercased, other characters kept (core/text.h). A name is valid when
 * the status formatter would take "#name" as exactly that hashtag. Structs
 * and strings come from the caller's arena.
 */
#ifndef HEARTH_CORE_TAG_H
#define HEARTH_CORE_TAG_H

#include <stddef.h>
#include <stdint.h>

struct arena;
struct core;
struct db_conn;
struct page;

#define TAG_HISTORY_DAYS 7
#define TAG_FOLLOWED_LIMIT_DEFAULT 100
#define TAG_FOLLOWED_LIMIT_MAX 200

/* One day of a tag's use: public and unlisted posts, and their distinct authors. */
struct tag_day {
    int64_t day; /* UTC midnight, seconds since the epoch */
    int64_t uses;
    int64_t accounts;
};

struct tag {
    int64_t id; /* 0 for a valid name no post has used yet */
    const char *name;
    int following;                            /* the viewer follows it */
    struct tag_day history[TAG_HISTORY_DAYS]; /* today first */
};

/*
 * The normal form of a name ("#Cats" -> "cats"), in the arena, or NULL
 * when it is not a valid hashtag name.
 */
const char *tag_normalize(struct arena *a, const char *name);

/*
 * A tag by name with its history and, for viewer (0: anonymous), whether
 * she follows it. A valid name that is not stored yet gives a tag with id
 * 0 and an empty history. E_NOTFOUND for an invalid name; E_DB.
 */
int tag_get(struct db_conn *c, struct arena *a, int64_t viewer, const char *name, struct tag **out);

/* Fills a stored tag's history (id 0: all zeros) for the days up to now_ms. */
int tag_history(struct db_conn *c, int64_t tag_id, int64_t now_ms,
                struct tag_day history[TAG_HISTORY_DAYS]);

/*
 * Follows or unfollows a tag by name for a member; both are idempotent.
 * Following stores the tag when no post has used it yet. The tag, as
 * tag_get gives it afterwards, in *out (may be NULL). E_NOTFOUND for an
 * invalid name; E_LIMIT past TAG_FOLLOWED_MAX; E_DB.
 */
#define TAG_FOLLOWED_MAX 1000
int tag_follow(const struct core *core, struct arena *a, int64_t account, const char *name,
               struct tag **out);
int tag_unfollow(const struct core *core, struct arena *a, int64_t account, const char *name,
                 struct tag **out);

/*
 * The tags a member follows, newest follow first, paged by the follow's
 * id (*page_ids, the same length, for the Link header). The page's limit
 * defaults to 100, at most 200.
 */
int tag_followed(struct db_conn *c, struct arena *a, int64_t account, const struct page *p,
                 struct tag **out, int64_t **page_ids, size_t *n);

/*
 * A SQL predicate over a statuses alias "s" for the home timeline: the
 * post is an original public, local or neighborhood post carrying a tag
 * the member follows (the visibility rule is still applied around it).
 * One '?' parameter: the member's account id.
 */
#define TAG_HOME_SQL                                                                               \
    "(s.reblog_of_id IS NULL AND s.visibility IN (0, 4, 5) AND EXISTS (SELECT 1 FROM"              \
    " followed_tags ft JOIN status_tags fst ON fst.tag_id = ft.tag_id WHERE ft.account_id = ?"     \
    " AND fst.status_id = s.id))"

/*
 * 1 when the status belongs in the member's home for a tag she follows
 * (TAG_HOME_SQL holds for it), 0 when not, or a negative enum err. For the
 * home stream, which must agree with the home timeline.
 */
int tag_home_fits(struct db_conn *c, int64_t account, int64_t status_id);

#endif
