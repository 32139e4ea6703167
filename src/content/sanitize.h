/*
 * sanitize: remote HTML made safe to store and show.
 *
 * The input (a post's content, a bio, a field value, an article) is parsed
 * with libxml2's HTML parser, never trusted as text, and re-serialized
 * from an allowlist with our own escaping: unknown elements are dropped
 * but their text kept (script, style, iframe, object, embed, template,
 * svg, math, head, title: dropped with their content); only allowlisted
 * attributes survive; href and src only with http, https (and for href
 * mailto, xmpp, gemini, web+ap); class only with the microformats and
 * Mastodon names peers use (h-*, p-*, u-*, dt-*, e-*, mention, hashtag,
 * ellipsis, invisible, quote-inline); links get rel="nofollow noopener
 * noreferrer" and target="_blank". Entities are decoded by the parser and
 * re-escaped on output. Nesting is capped at SANITIZE_MAX_DEPTH; the
 * output is valid UTF-8 (invalid sequences in the input become U+FFFD).
 *
 * Allowed elements: p br span a del ins pre code kbd em strong b i u s
 * mark small abbr (title) q cite ul ol li dl dt dd blockquote h1-h6 sup
 * sub hr figure figcaption, tables for articles (table caption thead
 * tbody tfoot tr th td, colspan and rowspan) and img (only when
 * allow_images).
 */
#ifndef HEARTH_CONTENT_SANITIZE_H
#define HEARTH_CONTENT_SANITIZE_H

#include <stddef.h>

struct arena;

#define SANITIZE_MAX_DEPTH 64           /* elements nested deeper are flattened to text */
#define SANITIZE_MAX_INPUT (512 * 1024) /* bytes of HTML accepted */

struct sanitize_options {
    int allow_images; /* 1: keep <img src alt title width height> (articles) */
};

/*
 * Sanitizes len bytes of html into *out (arena memory, NUL-terminated).
 * opt may be NULL. E_LIMIT over SANITIZE_MAX_INPUT; 0 otherwise (any
 * input, however broken, gives some safe output, possibly empty).
 */
int sanitize_html(struct arena *a, const char *html, size_t len, const struct sanitize_options *opt,
                  const char **out);

/*
 * The text of sanitized html for search and notifications: tags dropped,
 * <br> and block ends as newlines, entities decoded. Arena memory.
 */
int sanitize_text(struct arena *a, const char *html, size_t len, const char **out);

#endif
