/*
 * filter: a member's filters (Mastodon's v2): groups of keywords and
 * statuses with contexts, an action and an expiry. filter_load() gathers a
 * member's live filters once per request; filter_match() then tells, for
 * each status shown in a context, which filters match it and how. Keyword
 * matching ignores ASCII case; whole_word keywords match only between word
 * boundaries (anything that is not a letter or digit; bytes of non-ASCII
 * characters count as letters). Only the owner sees or changes a filter:
 * another member's is E_NOTFOUND.
 */
#ifndef HEARTH_CORE_FILTER_H
#define HEARTH_CORE_FILTER_H

#include <stddef.h>
#include <stdint.h>

struct arena;
struct core;
struct db_conn;

#define FILTER_MAX 100          /* filters per member */
#define FILTER_KEYWORDS_MAX 100 /* keywords per filter */
#define FILTER_TITLE_MAX 256
#define FILTER_KEYWORD_MAX 512

enum filter_context {
    FILTER_HOME = 1,
    FILTER_NOTIFICATIONS = 2,
    FILTER_PUBLIC = 4,
    FILTER_THREAD = 8,
    FILTER_ACCOUNT = 16,
};

struct filter_keyword {
    int64_t id;
    int64_t filter_id;
    const char *keyword;
    int whole_word;
};

struct filter_status {
    int64_t id;
    int64_t filter_id;
    int64_t status_id;
};

struct filter {
    int64_t id;
    const char *title;
    unsigned contexts;  /* enum filter_context bits */
    const char *action; /* "warn", "hide" or "blur" */
    int64_t expires_at; /* 0: never */
    struct filter_keyword *keywords;
    size_t n_keywords;
    struct filter_status *statuses;
    size_t n_statuses;
};

/* What a new or changed filter says; keywords to add, ids to remove. */
struct filter_input {
    const char *title;  /* NULL: unchanged (required to create) */
    unsigned contexts;  /* 0: unchanged (required to create) */
    const char *action; /* NULL: unchanged ("warn" to create) */
    int64_t expires_in; /* seconds; 0: unchanged (never, to create); -1: never */
    const char **add_keywords;
    const int *add_whole_word;
    size_t n_add;
    const int64_t *destroy_keywords; /* keyword ids to remove */
    size_t n_destroy;
};

/* Parses "home", "public"... into a bit; 0 when unknown. */
unsigned filter_context_parse(const char *name);
/* Mastodon's names for the bits set in contexts, in order. */
size_t filter_context_names(unsigned contexts, const char **out);

/* Creates or changes a filter. E_INVAL (with *why) for bad input, E_LIMIT past the caps. */
int filter_create(const struct core *core, int64_t account, const struct filter_input *in,
                  int64_t *id, const char **why);
int filter_update(const struct core *core, int64_t account, int64_t id,
                  const struct filter_input *in, const char **why);
int filter_delete(const struct core *core, int64_t account, int64_t id);

/* One filter (with expired ones) or all of the member's, with keywords and statuses. */
int filter_get(struct db_conn *c, struct arena *a, int64_t account, int64_t id,
               struct filter **out);
int filter_list(struct db_conn *c, struct arena *a, int64_t account, struct filter **out,
                size_t *n);

/* Keywords and statuses on their own; each checks that the filter is the member's. */
int filter_keyword_add(const struct core *core, int64_t account, int64_t filter_id,
                       const char *keyword, int whole_word, int64_t *id, const char **why);
int filter_keyword_update(const struct core *core, int64_t account, int64_t id, const char *keyword,
                          int whole_word, const char **why);
int filter_keyword_delete(const struct core *core, int64_t account, int64_t id);
int filter_keyword_get(struct db_conn *c, struct arena *a, int64_t account, int64_t id,
                       struct filter_keyword **out);
int filter_status_add(const struct core *core, int64_t account, int64_t filter_id,
                      int64_t status_id, int64_t *id);
int filter_status_delete(const struct core *core, int64_t account, int64_t id);
int filter_status_get(struct db_conn *c, struct arena *a, int64_t account, int64_t id,
                      struct filter_status **out);

/* The member's live (unexpired) filters, for matching. */
int filter_load(struct db_conn *c, struct arena *a, int64_t account, struct filter **out,
                size_t *n);

/*
 * Which of filters match the status (its text and content warning, or
 * its id) in context: matched[i] is 1 for each, keyword[i] the first
 * keyword that matched (NULL for a status match). Returns how many matched.
 */
size_t filter_match(const struct filter *filters, size_t n, unsigned context, int64_t status_id,
                    const char *text, const char *spoiler, int *matched, const char **keyword);

#endif
