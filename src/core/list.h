/*
 * list: a member's lists of accounts she follows.
 *
 * Only the owner sees or changes a list; another member's list is
 * E_NOTFOUND. Accounts join a list only while the owner follows them
 * (Mastodon's rule); unfollowing does not remove them, but their posts
 * then show only as far as the visibility rule allows. Structs come from
 * the caller's arena.
 */
#ifndef HEARTH_CORE_LIST_H
#define HEARTH_CORE_LIST_H

#include <stddef.h>
#include <stdint.h>

struct arena;
struct core;
struct db_conn;

#define LIST_TITLE_MAX 255
#define LIST_MAX_PER_ACCOUNT 100
#define LIST_MAX_MEMBERS 1000

struct list {
    int64_t id;
    int64_t account_id;
    const char *title;
    const char *replies_policy; /* "followed", "list" or "none" */
    int exclusive;
};

/* 1 for a known replies policy. */
int list_policy_known(const char *policy);
/* Creates a list. E_INVAL (title empty or too long, unknown policy) with *why; E_LIMIT. */
int list_create(const struct core *core, struct arena *a, int64_t owner, const char *title,
                const char *replies_policy, int exclusive, struct list **out, const char **why);
/* Changes a list; NULL or -1 leaves a field. */
int list_update(const struct core *core, int64_t owner, int64_t id, const char *title,
                const char *replies_policy, int exclusive, const char **why);
int list_delete(const struct core *core, int64_t owner, int64_t id);
int list_get(struct db_conn *c, struct arena *a, int64_t owner, int64_t id, struct list **out);
/* The owner's lists, oldest first. */
int list_all(struct db_conn *c, struct arena *a, int64_t owner, struct list **out, size_t *n);
/* The owner's lists that hold account. */
int list_containing(struct db_conn *c, struct arena *a, int64_t owner, int64_t account,
                    struct list **out, size_t *n);
/*
 * Adds accounts (which the owner must follow: E_FORBIDDEN otherwise, and
 * nothing is added) or removes them.
 */
int list_add(const struct core *core, int64_t owner, int64_t id, const int64_t *accounts, size_t n);
int list_remove(const struct core *core, int64_t owner, int64_t id, const int64_t *accounts,
                size_t n);
/* Member account ids, in the order they joined (max_id paging by account id, 0: none). */
int list_members(struct db_conn *c, struct arena *a, int64_t owner, int64_t id, int limit,
                 int64_t **out, size_t *n);

#endif
