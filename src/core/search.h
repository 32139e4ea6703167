/*
 * search: accounts, hashtags and posts matching a query.
 *
 * Accounts (local and known remote, not suspended, none blocked either
 * way) match by word prefixes of their acct and display name, case and
 * accents folded; the exact acct comes first, then accounts the searcher
 * follows, then the best matches. Hashtags match by name prefix, the exact
 * name first. Posts match every word of the query (as words, never as
 * search syntax) in their text or content warning, newest first; only a
 * signed-in member searches posts, and only among those the visibility
 * rule lets her see (visibility_sql).
 *
 * A URL with resolve set looks up the account or post it names among those
 * this server knows (federation will fetch unknown ones later); so does a
 * user@domain query for accounts. The full-text parts use the FTS5 tables
 * of migration 0008 (SQLite). Results come from the caller's arena.
 */
#ifndef HEARTH_CORE_SEARCH_H
#define HEARTH_CORE_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include "core/visibility.h"

struct arena;
struct core;
struct db_conn;
struct tag;

enum search_type {
    SEARCH_ACCOUNTS = 1,
    SEARCH_HASHTAGS = 2,
    SEARCH_STATUSES = 4,
    SEARCH_ALL = 7,
};

#define SEARCH_LIMIT_DEFAULT 20
#define SEARCH_LIMIT_MAX 40
#define SEARCH_ACCOUNTS_LIMIT_MAX 80
#define SEARCH_QUERY_MAX_BYTES 1000 /* longer queries are refused */
#define SEARCH_TERMS_MAX 16         /* words past this are ignored */

struct search_query {
    const char *q;
    unsigned types;         /* SEARCH_* bits; 0 means all */
    int resolve;            /* look up a URL (or user@domain) the query names */
    int following;          /* accounts: only those the searcher follows */
    int64_t account_id;     /* statuses: only this account's; 0 for anyone's */
    int exclude_unreviewed; /* hashtags: Hearth has no tag review, every tag counts as reviewed */
    int64_t max_id;         /* statuses: ids below */
    int64_t min_id;         /* statuses: the ids right after */
    int limit;              /* per type; 0 means the default */
    int offset;             /* per type */
};

struct search_results {
    int64_t *accounts;
    size_t n_accounts;
    int64_t *statuses;
    size_t n_statuses;
    struct tag *hashtags;
    size_t n_hashtags;
};

/*
 * Checks a query's text: E_INVAL with *why when it is empty, not UTF-8 or
 * longer than SEARCH_QUERY_MAX_BYTES.
 */
int search_check(const char *q, const char **why);

/*
 * With resolve, what a query names elsewhere is learned first: a URL (the
 * actor or post it is), or user@domain / @user@domain (a remote account,
 * unless it is known already), through core->resolver (nothing happens
 * when core has none). Only for signed-in members (the caller checks);
 * runs outside any transaction and may take as long as a fetch. Failures
 * only mean that nothing new is found. Temporary strings come from a.
 */
void search_resolve(const struct core *core, struct arena *a, const char *q);

/*
 * Runs a search for viewer v (anonymous: accounts and hashtags only).
 * limit is clamped to 1..SEARCH_LIMIT_MAX (default SEARCH_LIMIT_DEFAULT).
 * 0, E_INVAL with *why (see search_check), E_DB.
 */
int search_run(struct db_conn *c, struct arena *a, const struct core *core, const struct viewer *v,
               const struct search_query *q, struct search_results *out, const char **why);

/*
 * Accounts only (q->q, resolve, following, limit, offset), limit clamped to
 * 1..SEARCH_ACCOUNTS_LIMIT_MAX (0: SEARCH_LIMIT_DEFAULT). Ids in rank order.
 */
int search_accounts(struct db_conn *c, struct arena *a, const struct core *core,
                    const struct viewer *v, const struct search_query *q, int64_t **ids, size_t *n);

#endif
