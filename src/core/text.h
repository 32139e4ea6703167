/*
 * text: turns the plain text of a post into safe HTML, as Mastodon does.
 *
 * Plain text in, HTML out: every character is escaped (& < > " '); http(s)
 * URLs become links (shown shortened: "https://" and "www." hidden, 30 code
 * points visible); @user and @user@domain[:port] mentions become profile
 * links when the caller's resolver knows the account; #hashtags become tag
 * links; blank lines separate paragraphs (<p>), single newlines become
 * <br />. \r\n and \r count as \n; leading and trailing whitespace is
 * dropped first (Mastodon strips a post's text).
 *
 * Length is counted in code points (not grapheme clusters), a URL counting
 * LIMIT_URL_CHARS whatever its length and a mention written with a domain
 * counting as its @user part only (as Mastodon counts).
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
 * not listed in the result. username is as written; domain is as written
 * (with ":port" when given), or NULL for a local account. Called at most
 * once per distinct (username, domain), compared case-insensitively, and
 * never when the text is refused for its length.
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
    const struct text_mention *mentions; /* known accounts, distinct, by first appearance */
    size_t n_mentions;
    const char *const *tags; /* distinct, ASCII-lowercased, without '#', in order */
    size_t n_tags;
    size_t chars; /* the counted length */
};

/*
 * Formats src[0..len) (opt may be NULL: no links for mentions, relative tag
 * links). Returns 0, E_UTF8 (invalid UTF-8 or a NUL byte), E_LIMIT (src
 * longer than LIMIT_STATUS_BYTES; or longer than opt->max_chars, out->chars
 * still set; or more than LIMIT_MENTIONS distinct known mentions or
 * LIMIT_HASHTAGS distinct tags; or HTML larger than 64 x LIMIT_STATUS_BYTES).
 * On failure out->html is "" and no mentions or tags are listed.
 */
int text_format(struct arena *a, const char *src, size_t len, const struct text_options *opt,
                struct text_result *out);

#endif
