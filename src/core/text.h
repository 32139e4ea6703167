/*
 * text: turns the plain text of a post into safe HTML.
 *
 * Plain text in, HTML out: every character is escaped; http(s) URLs
 * become links; @user and @user@domain mentions become profile links when
 * the caller's resolver knows the account; #hashtags become tag links;
 * blank lines separate paragraphs (<p>), single newlines become <br>.
 * Length is counted in code points, a URL counting as LIMIT_URL_CHARS and a
 * remote mention as its @user part only (as Mastodon counts).
 *
 * Everything returned is allocated from the caller's arena.
 */
#ifndef HEARTH_CORE_TEXT_H
#define HEARTH_CORE_TEXT_H

#include <stddef.h>

struct arena;

struct text_mention {
    const char *username; /* as written, without '@' */
    const char *domain;   /* NULL for a local account (no domain, or our own domain) */
    const char *url;      /* profile URL given by the resolver */
};

/*
 * Returns the profile URL of an account (allocated from a), or NULL when
 * no such account is known; an unknown mention stays plain text and is
 * not listed in the result.
 */
typedef const char *(*text_mention_resolver_fn)(void *ctx, struct arena *a, const char *username,
                                                const char *domain);

struct text_options {
    const char *base_url;                     /* for tag links: BASE/tags/NAME */
    const char *local_domain;                 /* @user@local_domain counts as local */
    int max_chars;                            /* 0: no limit */
    text_mention_resolver_fn resolve_mention; /* may be NULL: no mention links */
    void *resolver_ctx;
};

struct text_result {
    const char *html;                    /* "" for empty text */
    const struct text_mention *mentions; /* distinct, in order of first appearance */
    size_t n_mentions;
    const char *const *tags; /* distinct, lowercased, without '#', in order */
    size_t n_tags;
    size_t chars; /* the counted length */
};

/*
 * Formats src[0..len). Returns 0, E_UTF8 (invalid UTF-8 or a NUL byte),
 * E_LIMIT (longer than opt->max_chars; out->chars is still set), or
 * E_LIMIT when more than LIMIT_MENTIONS mentions or LIMIT_HASHTAGS tags.
 */
int text_format(struct arena *a, const char *src, size_t len, const struct text_options *opt,
                struct text_result *out);

#endif
