/*
 * text: the plain-text formatter for posts and profile notes.
 *
 * One pass over each paragraph: at every position it tries a link, a
 * mention and a hashtag, in that order, and otherwise copies one escaped
 * character. Output goes into a capped buf and is copied into the caller's
 * arena at the end; the buf is freed before returning, so nothing outlives
 * the call but arena memory.
 */
#include "core/text.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/limits.h"
#include "util/utf8.h"

#define DISPLAY_URL_CHARS 30
#define MAX_MENTIONS_SEEN (LIMIT_MENTIONS + 1)
#define MAX_TAGS_SEEN (LIMIT_HASHTAGS + 1)

struct fmt {
    struct arena *a;
    const struct text_options *opt;
    struct buf out;
    struct text_mention mentions[MAX_MENTIONS_SEEN];
    size_t n_mentions;
    const char *tags[MAX_TAGS_SEEN];
    size_t n_tags;
    int too_many;
    size_t discount; /* code points not counted: long URLs, remote mention domains */
};

static int is_word_byte(unsigned char c)
{
    return isalnum(c) || c == '_';
}

static void put_escaped(struct buf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        switch (s[i]) {
        case '&':
            buf_puts(b, "&amp;");
            break;
        case '<':
            buf_puts(b, "&lt;");
            break;
        case '>':
            buf_puts(b, "&gt;");
            break;
        case '"':
            buf_puts(b, "&quot;");
            break;
        case '\'':
            buf_puts(b, "&#39;");
            break;
        default:
            buf_putc(b, s[i]);
        }
    }
}

/* Is the code point at s a letter or digit for hashtags (non-ASCII)? */
static int is_tag_codepoint(uint32_t cp)
{
    if (cp < 0x80)
        return isalnum((int)cp) || cp == '_';
    if (cp == 0xA0 || (cp >= 0x2000 && cp <= 0x206F) || (cp >= 0x3000 && cp <= 0x303F) ||
        (cp >= 0xFF00 && cp <= 0xFF0F) || (cp >= 0xFF1A && cp <= 0xFF20) ||
        (cp >= 0xFF3B && cp <= 0xFF40) || (cp >= 0xFF5B && cp <= 0xFF65) ||
        (cp >= 0x00A1 && cp <= 0x00BF) || cp == 0x00D7 || cp == 0x00F7 ||
        (cp >= 0x1F000 && cp <= 0x1FAFF) || (cp >= 0x2190 && cp <= 0x2BFF) || cp == 0xFE0F ||
        cp == 0x200D)
        return 0;
    return 1;
}

/* Length of an http(s) URL at s[0..n), 0 when there is none. */
static size_t scan_url(const char *s, size_t n)
{
    size_t start;
    if (n >= 8 && !strncasecmp(s, "https://", 8))
        start = 8;
    else if (n >= 7 && !strncasecmp(s, "http://", 7))
        start = 7;
    else
        return 0;
    size_t i = start;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c <= ' ' || c == '<' || c == '>' || c == '"' || c == 0x7f)
            break;
        i++;
    }
    /* Trailing punctuation belongs to the sentence, an unbalanced ')' too. */
    for (;;) {
        if (i <= start)
            return 0;
        char last = s[i - 1];
        if (strchr(".,;:!?'", last)) {
            i--;
            continue;
        }
        if (last == ')') {
            int open = 0, close = 0;
            for (size_t k = start; k < i; k++) {
                open += s[k] == '(';
                close += s[k] == ')';
            }
            if (close > open) {
                i--;
                continue;
            }
        }
        break;
    }
    /* A host must follow the scheme. */
    if (!isalnum((unsigned char)s[start]) && (unsigned char)s[start] < 0x80)
        return 0;
    return i;
}

static void emit_url(struct fmt *f, const char *s, size_t len)
{
    size_t prefix = !strncasecmp(s, "https://", 8) ? 8 : 7;
    if (len - prefix >= 4 && !strncasecmp(s + prefix, "www.", 4))
        prefix += 4;
    /* The visible part: the first 30 code points after the prefix. */
    size_t vis_end = prefix, cps = 0;
    while (vis_end < len && cps < DISPLAY_URL_CHARS) {
        uint32_t cp;
        size_t k = utf8_decode(s + vis_end, len - vis_end, &cp);
        vis_end += k ? k : 1;
        cps++;
    }
    int cut = vis_end < len;
    buf_puts(&f->out, "<a href=\"");
    put_escaped(&f->out, s, len);
    buf_puts(&f->out, "\" target=\"_blank\" rel=\"nofollow noopener noreferrer\" translate=\"no\">"
                      "<span class=\"invisible\">");
    put_escaped(&f->out, s, prefix);
    buf_puts(&f->out, cut ? "</span><span class=\"ellipsis\">" : "</span><span class=\"\">");
    put_escaped(&f->out, s + prefix, vis_end - prefix);
    buf_puts(&f->out, "</span><span class=\"invisible\">");
    put_escaped(&f->out, s + vis_end, len - vis_end);
    buf_puts(&f->out, "</span></a>");
    size_t url_cps = utf8_count(s, len);
    if (url_cps > LIMIT_URL_CHARS)
        f->discount += url_cps - LIMIT_URL_CHARS;
}

/*
 * Scans a mention at s ('@' at s[0]). Returns its length, with the username
 * and domain spans, or 0 when it is not one.
 */
static size_t scan_mention(const char *s, size_t n, size_t *ulen, const char **dom, size_t *dlen)
{
    size_t i = 1;
    while (i < n &&
           (is_word_byte((unsigned char)s[i]) ||
            ((s[i] == '.' || s[i] == '-') && i + 1 < n && is_word_byte((unsigned char)s[i + 1]))))
        i++;
    if (i == 1)
        return 0;
    *ulen = i - 1;
    *dom = NULL;
    *dlen = 0;
    if (i + 1 < n && s[i] == '@' && isalnum((unsigned char)s[i + 1])) {
        size_t d = i + 1, k = d;
        while (k < n && (isalnum((unsigned char)s[k]) || s[k] == '.' || s[k] == '-'))
            k++;
        while (k > d && (s[k - 1] == '.' || s[k - 1] == '-'))
            k--;
        /* An optional port: only digits, and something after the colon. */
        if (k + 1 < n && s[k] == ':' && isdigit((unsigned char)s[k + 1])) {
            size_t p = k + 1;
            while (p < n && isdigit((unsigned char)s[p]) && p - k <= 5)
                p++;
            if (p == n || !is_word_byte((unsigned char)s[p]))
                k = p;
        }
        /* A domain needs a dot or a port (user@localhost is not a mention target). */
        if (memchr(s + d, '.', k - d) || memchr(s + d, ':', k - d)) {
            *dom = s + d;
            *dlen = k - d;
            i = k;
        }
    }
    /* "@alice@" or "@alice." followed by a word char is not a clean mention end. */
    return i;
}

static int mention_seen(struct fmt *f, const char *user, const char *domain)
{
    for (size_t k = 0; k < f->n_mentions; k++) {
        const struct text_mention *m = &f->mentions[k];
        if (!strcasecmp(m->username, user) &&
            ((!m->domain && !domain) || (m->domain && domain && !strcasecmp(m->domain, domain))))
            return 1;
    }
    return 0;
}

static void emit_mention(struct fmt *f, const char *s, size_t len, size_t ulen, const char *dom,
                         size_t dlen)
{
    const char *user = arena_strndup(f->a, s + 1, ulen);
    const char *domain = dom ? arena_strndup(f->a, dom, dlen) : NULL;
    if (domain && f->opt->local_domain && !strcasecmp(domain, f->opt->local_domain))
        domain = NULL;
    if (dom)
        f->discount += utf8_count(dom, dlen) + 1; /* "@domain" is not counted */
    const char *url = NULL;
    if (f->opt->resolve_mention)
        url = f->opt->resolve_mention(f->opt->resolver_ctx, f->a, user, domain);
    if (!url) {
        put_escaped(&f->out, s, len);
        return;
    }
    if (!mention_seen(f, user, domain)) {
        if (f->n_mentions >= LIMIT_MENTIONS) {
            f->too_many = 1;
        } else {
            struct text_mention *m = &f->mentions[f->n_mentions++];
            m->username = user;
            m->domain = domain;
            m->url = url;
        }
    }
    buf_puts(&f->out, "<span class=\"h-card\" translate=\"no\"><a href=\"");
    put_escaped(&f->out, url, strlen(url));
    buf_puts(&f->out, "\" class=\"u-url mention\">@<span>");
    put_escaped(&f->out, user, ulen);
    buf_puts(&f->out, "</span></a></span>");
}

/* Length of a hashtag's name after '#' at s[0], 0 when none. */
static size_t scan_tag(const char *s, size_t n)
{
    size_t i = 1, cps = 0;
    int non_digit = 0;
    while (i < n) {
        uint32_t cp;
        size_t k = utf8_decode(s + i, n - i, &cp);
        if (!k || !is_tag_codepoint(cp))
            break;
        if (!(cp >= '0' && cp <= '9'))
            non_digit = 1;
        i += k;
        cps++;
    }
    if (cps == 0 || cps > LIMIT_HASHTAG_CHARS || !non_digit)
        return 0;
    return i - 1;
}

static void emit_tag(struct fmt *f, const char *name, size_t len)
{
    char *lower = arena_strndup(f->a, name, len);
    for (char *p = lower; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    int seen = 0;
    for (size_t k = 0; k < f->n_tags; k++)
        seen |= !strcmp(f->tags[k], lower);
    if (!seen) {
        if (f->n_tags >= LIMIT_HASHTAGS)
            f->too_many = 1;
        else
            f->tags[f->n_tags++] = lower;
    }
    buf_puts(&f->out, "<a href=\"");
    const char *base = f->opt->base_url ? f->opt->base_url : "";
    put_escaped(&f->out, base, strlen(base));
    buf_puts(&f->out, "/tags/");
    put_escaped(&f->out, lower, strlen(lower));
    buf_puts(&f->out, "\" class=\"mention hashtag\" rel=\"tag\">#<span>");
    put_escaped(&f->out, name, len);
    buf_puts(&f->out, "</span></a>");
}

static void format_paragraph(struct fmt *f, const char *s, size_t n)
{
    buf_puts(&f->out, "<p>");
    size_t i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        unsigned char prev = i ? (unsigned char)s[i - 1] : ' ';
        if ((c == 'h' || c == 'H') && !is_word_byte(prev)) {
            size_t len = scan_url(s + i, n - i);
            if (len) {
                emit_url(f, s + i, len);
                i += len;
                continue;
            }
        }
        if (c == '@' && !is_word_byte(prev) && prev != '@' && prev != '/' && prev != '.') {
            size_t ulen, dlen;
            const char *dom;
            size_t len = scan_mention(s + i, n - i, &ulen, &dom, &dlen);
            if (len) {
                emit_mention(f, s + i, len, ulen, dom, dlen);
                i += len;
                continue;
            }
        }
        if (c == '#' && !is_word_byte(prev) && prev != '&' && prev < 0x80) {
            size_t len = scan_tag(s + i, n - i);
            if (len) {
                emit_tag(f, s + i + 1, len);
                i += len + 1;
                continue;
            }
        }
        if (c == '\n') {
            buf_puts(&f->out, "<br />");
            i++;
            continue;
        }
        put_escaped(&f->out, s + i, 1);
        i++;
    }
    buf_puts(&f->out, "</p>");
}

int text_format(struct arena *a, const char *src, size_t len, const struct text_options *opt,
                struct text_result *out)
{
    memset(out, 0, sizeof(*out));
    out->html = "";
    if (len > LIMIT_STATUS_BYTES)
        return E_LIMIT;
    if (!utf8_valid(src, len))
        return E_UTF8;
    /* Normalize line ends: \r\n and lone \r become \n. */
    char *text = arena_alloc(a, len + 1);
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (src[i] == '\r') {
            text[n++] = '\n';
            if (i + 1 < len && src[i + 1] == '\n')
                i++;
        } else {
            text[n++] = src[i];
        }
    }
    text[n] = '\0';
    struct fmt *f = arena_zalloc(a, sizeof(*f));
    f->a = a;
    f->opt = opt;
    buf_init(&f->out, LIMIT_STATUS_BYTES * 16);
    /* Paragraphs are separated by blank lines; leading and trailing blank lines go. */
    size_t i = 0;
    while (i < n) {
        while (i < n && text[i] == '\n')
            i++;
        if (i >= n)
            break;
        size_t start = i;
        while (i < n && !(text[i] == '\n' && i + 1 < n && text[i + 1] == '\n'))
            i++;
        size_t end = i;
        while (end > start && text[end - 1] == '\n')
            end--;
        int blank = 1;
        for (size_t k = start; k < end; k++)
            blank &= isspace((unsigned char)text[k]) != 0;
        if (!blank)
            format_paragraph(f, text + start, end - start);
    }
    size_t total = utf8_count(text, n);
    out->chars = total > f->discount ? total - f->discount : 0;
    int rc = 0;
    if (f->too_many)
        rc = E_LIMIT;
    else if (opt->max_chars > 0 && out->chars > (size_t)opt->max_chars)
        rc = E_LIMIT;
    if (rc == 0) {
        out->html = arena_strndup(a, buf_cstr(&f->out), f->out.len);
        struct text_mention *ms = arena_alloc(a, (f->n_mentions + 1) * sizeof(*ms));
        memcpy(ms, f->mentions, f->n_mentions * sizeof(*ms));
        out->mentions = ms;
        out->n_mentions = f->n_mentions;
        const char **ts = arena_alloc(a, (f->n_tags + 1) * sizeof(*ts));
        memcpy(ts, f->tags, f->n_tags * sizeof(*ts));
        out->tags = ts;
        out->n_tags = f->n_tags;
    }
    buf_fini(&f->out);
    return rc;
}
