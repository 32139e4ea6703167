/*
 * text: the plain-text formatter for posts and profile notes, after
 * Mastodon's TextFormatter (entities) and Rails' simple_format (paragraphs).
 *
 * The source is validated, its line ends normalized to \n and its
 * surrounding ASCII whitespace stripped (Mastodon strips a status' text
 * before it counts or formats it), into a copy in the arena. Then two passes
 * run over that copy with one entity scanner, so they always agree on where
 * links, mentions and hashtags are: the first pass only counts, so that an
 * over-long text is refused before the mention resolver is ever called; the
 * second writes the HTML into a capped buf.
 *
 * Lifetime: everything in the result is arena memory. The HTML is the buf's
 * heap block, handed to the arena with arena_defer(free) on success and
 * freed on failure; nothing else comes from the heap.
 */
#include "core/text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/limits.h"
#include "util/utf8.h"

/* Code points of a link shown after its "https://www." prefix (Mastodon: 30). */
#define TEXT_URL_DISPLAY_CHARS 30
/* Worst legitimate case is ~2.5 MB (64 KiB of repeated "@a " mentions). */
#define TEXT_HTML_MAX_BYTES (64 * (size_t)LIMIT_STATUS_BYTES)
#define TEXT_PORT_DIGITS 5
#define TEXT_MENTION_BUCKETS 256

enum ent_kind {
    ENT_URL = 1,
    ENT_MENTION = 2,
    ENT_TAG = 3,
};

/* An entity found at some offset of the text. */
struct ent {
    enum ent_kind kind;
    size_t len;  /* bytes, from the scheme, '@' or '#' on */
    size_t ulen; /* mention: username bytes after '@'; tag: name bytes after '#' */
    size_t dlen; /* mention: domain bytes after the second '@', 0 when none */
};

/* A mention met during formatting, resolved once (memo keyed case-insensitively). */
struct cand {
    struct cand *next;
    uint32_t hash;
    const char *username;
    const char *domain; /* NULL: local */
    const char *url;    /* NULL: unknown account */
};

struct fmt {
    struct arena *a;
    const struct text_options *opt;
    struct buf out;
    int rc; /* first failure: E_LIMIT */
    struct cand *buckets[TEXT_MENTION_BUCKETS];
    struct text_mention mentions[LIMIT_MENTIONS];
    size_t n_mentions;
    const char *tags[LIMIT_HASHTAGS];
    size_t n_tags;
};

struct cp_range {
    uint32_t lo, hi;
};

/*
 * Non-ASCII code points that are not letters or digits: spaces, punctuation,
 * symbols, emoji, private use, variation selectors. Everything else outside
 * ASCII counts as a letter (close enough to Ruby's [[:word:]] for hashtags
 * and word boundaries). Sorted, for a binary search.
 */
static const struct cp_range not_letters[] = {
    {0x0080, 0x00BF}, {0x00D7, 0x00D7}, {0x00F7, 0x00F7},   {0x037E, 0x037E},   {0x0387, 0x0387},
    {0x055A, 0x055F}, {0x0589, 0x058A}, {0x05BE, 0x05BE},   {0x05C0, 0x05C0},   {0x05C3, 0x05C3},
    {0x05C6, 0x05C6}, {0x05F3, 0x05F4}, {0x060C, 0x060D},   {0x061B, 0x061B},   {0x061D, 0x061F},
    {0x066A, 0x066D}, {0x06D4, 0x06D4}, {0x0964, 0x0965},   {0x0970, 0x0970},   {0x0E4F, 0x0E4F},
    {0x0E5A, 0x0E5B}, {0x104A, 0x104F}, {0x10FB, 0x10FB},   {0x1360, 0x1368},   {0x166D, 0x166E},
    {0x1680, 0x1680}, {0x17D4, 0x17D6}, {0x17D8, 0x17DA},   {0x1800, 0x180A},   {0x180E, 0x180E},
    {0x2000, 0x2BFF}, {0x2E00, 0x2E7F}, {0x3000, 0x3004},   {0x3008, 0x3020},   {0x3030, 0x3030},
    {0x3036, 0x3037}, {0x303D, 0x303F}, {0xE000, 0xF8FF},   {0xFD3E, 0xFD3F},   {0xFE00, 0xFE1F},
    {0xFE30, 0xFE6F}, {0xFEFF, 0xFEFF}, {0xFF00, 0xFF0F},   {0xFF1A, 0xFF20},   {0xFF3B, 0xFF40},
    {0xFF5B, 0xFF65}, {0xFFF0, 0xFFFF}, {0x1F000, 0x1FBFF}, {0xE0000, 0xE01EF}, {0xF0000, 0x10FFFF},
};

static int is_digit(uint32_t c)
{
    return c >= '0' && c <= '9';
}

static int is_alnum(uint32_t c)
{
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_ascii_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

static int in_ranges(uint32_t c, const struct cp_range *r, size_t n)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c < r[mid].lo)
            hi = mid;
        else if (c > r[mid].hi)
            lo = mid + 1;
        else
            return 1;
    }
    return 0;
}

/* A word character: ASCII letter, digit or '_', or a non-ASCII letter or digit. */
static int is_word(uint32_t c)
{
    if (c < 0x80)
        return is_alnum(c) || c == '_';
    return !in_ranges(c, not_letters, sizeof(not_letters) / sizeof(not_letters[0]));
}

static int is_space_cp(uint32_t c)
{
    return (c < 0x80 && is_ascii_space((char)c)) || c == 0x85 || c == 0xA0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
           c == 0x205F || c == 0x3000;
}

/* twitter-text's latin_accents: a mention followed by one of them is no mention. */
static int is_latin_accent(uint32_t c)
{
    return (c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7) || c == 0x253 || c == 0x254 ||
           c == 0x256 || c == 0x257 || c == 0x259 || c == 0x25B || c == 0x263 || c == 0x268 ||
           c == 0x26F || c == 0x272 || c == 0x289 || c == 0x28B || c == 0x2BB ||
           (c >= 0x300 && c <= 0x36F) || (c >= 0x1E00 && c <= 0x1EFF);
}

/* The code point at s[i] (valid text); its length in *k. */
static uint32_t cp_at(const char *s, size_t n, size_t i, size_t *k)
{
    uint32_t c = 0;
    *k = utf8_decode(s + i, n - i, &c);
    if (*k == 0) {
        *k = 1;
        c = 0xFFFD;
    }
    return c;
}

/* The code point before s[i], 0 at the start of the text. */
static uint32_t cp_before(const char *s, size_t i)
{
    if (i == 0)
        return 0;
    size_t j = i - 1;
    while (j > 0 && ((unsigned char)s[j] & 0xC0) == 0x80)
        j--;
    uint32_t c = 0;
    if (utf8_decode(s + j, i - j, &c) == 0)
        return 0xFFFD;
    return c;
}

/*
 * An http(s) URL at s[i]. It ends before whitespace, '<', '>', '"', a
 * ')' that closes nothing opened inside it, or non-ASCII punctuation or
 * symbols; trailing sentence punctuation is left out. Returns its length.
 */
static size_t scan_url(const char *s, size_t n, size_t i)
{
    /* twitter-text's valid_url_preceding_chars */
    uint32_t prev = cp_before(s, i);
    if (is_alnum(prev) || prev == '@' || prev == '$' || prev == '#' || prev == 0xFF20 ||
        prev == 0xFF03 || (prev >= 0x202A && prev <= 0x202E))
        return 0;
    size_t p = i;
    if (n - i >= 8 && !strncasecmp(s + i, "https://", 8))
        p += 8;
    else if (n - i >= 7 && !strncasecmp(s + i, "http://", 7))
        p += 7;
    else
        return 0;
    size_t host = p, k;
    if (p >= n)
        return 0;
    uint32_t first = cp_at(s, n, p, &k);
    if (first < 0x80 ? !is_alnum(first) : !is_word(first))
        return 0;
    int depth = 0;
    while (p < n) {
        uint32_t c = cp_at(s, n, p, &k);
        if (c < 0x80) {
            if (c <= ' ' || c == 0x7F || c == '<' || c == '>' || c == '"')
                break;
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                if (depth == 0)
                    break;
                depth--;
            }
        } else if (!is_word(c)) {
            break;
        }
        p += k;
    }
    while (p > host && memchr(".,;:!?'", s[p - 1], 7))
        p--;
    return p - i;
}

/* [A-Za-z0-9_]+ ([.-]+ [A-Za-z0-9_]+)* from s[p]: the end, or p when none. */
static size_t scan_name(const char *s, size_t n, size_t p)
{
    size_t q = p, end = p;
    for (;;) {
        size_t chunk = q;
        while (q < n && (is_alnum((unsigned char)s[q]) || s[q] == '_'))
            q++;
        if (q == chunk)
            break;
        end = q;
        while (q < n && (s[q] == '.' || s[q] == '-'))
            q++;
        if (q == end)
            break;
    }
    return end;
}

/* A mention at s[i] ('@'): @user or @user@domain[:port]. Returns its length. */
static size_t scan_mention(const char *s, size_t n, size_t i, struct ent *e)
{
    uint32_t prev = cp_before(s, i);
    if (is_word(prev) || prev == '@' || prev == '/' || prev == '=')
        return 0;
    size_t p = scan_name(s, n, i + 1);
    if (p == i + 1)
        return 0;
    e->ulen = p - i - 1;
    e->dlen = 0;
    if (p < n && s[p] == '@') {
        size_t d = p + 1;
        size_t q = scan_name(s, n, d);
        if (q > d) {
            if (q + 1 < n && s[q] == ':' && is_digit((unsigned char)s[q + 1])) {
                size_t r = q + 1;
                while (r < n && is_digit((unsigned char)s[r]))
                    r++;
                if (r - q - 1 <= TEXT_PORT_DIGITS &&
                    !(r < n && (is_alnum((unsigned char)s[r]) || s[r] == '_')))
                    q = r;
            }
            if (q - d > LIMIT_DOMAIN_CHARS + 1 + TEXT_PORT_DIGITS)
                return 0;
            e->dlen = q - d;
            p = q;
        }
    }
    /* As Mastodon (twitter-text's end_mention_match): "@a@", "@a://", "@aé" are no mentions. */
    if (p < n) {
        size_t k;
        uint32_t c = cp_at(s, n, p, &k);
        if (c == '@' || c == 0xFF20 || is_latin_accent(c) ||
            (n - p >= 3 && !memcmp(s + p, "://", 3)))
            return 0;
    }
    return p - i;
}

/*
 * A hashtag at s[i] ('#'): word characters, at least one of them not a
 * digit nor '_', at most LIMIT_HASHTAG_CHARS code points. Returns its length.
 */
static size_t scan_tag(const char *s, size_t n, size_t i, struct ent *e)
{
    uint32_t prev = cp_before(s, i);
    if (is_word(prev) || prev == '=' || prev == '/' || prev == ')')
        return 0;
    size_t p = i + 1, cps = 0;
    int letter = 0;
    while (p < n) {
        size_t k;
        uint32_t c = cp_at(s, n, p, &k);
        if (!is_word(c))
            break;
        if (c >= 0x80 || (c != '_' && !is_digit(c)))
            letter = 1;
        p += k;
        cps++;
    }
    if (!letter || cps > LIMIT_HASHTAG_CHARS)
        return 0;
    e->ulen = p - i - 1;
    return p - i;
}

/* The entity starting at s[i], if any (both passes go through here). */
static int scan_entity(const char *s, size_t n, size_t i, struct ent *e)
{
    memset(e, 0, sizeof(*e));
    switch (s[i]) {
    case 'h':
    case 'H':
        e->kind = ENT_URL;
        e->len = scan_url(s, n, i);
        break;
    case '@':
        e->kind = ENT_MENTION;
        e->len = scan_mention(s, n, i, e);
        break;
    case '#':
        e->kind = ENT_TAG;
        e->len = scan_tag(s, n, i, e);
        break;
    default:
        return 0;
    }
    return e->len != 0;
}

/* Pass 1: code points, a URL counting LIMIT_URL_CHARS, "@user@domain" as "@user". */
static size_t count_chars(const char *s, size_t n)
{
    size_t chars = utf8_count(s, n);
    size_t i = 0;
    while (i < n) {
        struct ent e;
        if (!scan_entity(s, n, i, &e)) {
            i++;
            continue;
        }
        if (e.kind == ENT_URL) {
            chars -= utf8_count(s + i, e.len);
            chars += LIMIT_URL_CHARS;
        } else if (e.kind == ENT_MENTION && e.dlen) {
            chars -= e.dlen + 1;
        }
        i += e.len;
    }
    return chars;
}

static void put(struct fmt *f, const char *s, size_t n)
{
    if (f->rc == 0 && buf_append(&f->out, s, n) != 0)
        f->rc = E_LIMIT;
}

static void put_str(struct fmt *f, const char *s)
{
    put(f, s, strlen(s));
}

/* HTML-escapes s[0..n) (text and attribute values alike). */
static void put_esc(struct fmt *f, const char *s, size_t n)
{
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        const char *rep = NULL;
        switch (s[i]) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '"':
            rep = "&quot;";
            break;
        case '\'':
            rep = "&#39;";
            break;
        default:
            break;
        }
        if (!rep)
            continue;
        put(f, s + run, i - run);
        put_str(f, rep);
        run = i + 1;
    }
    put(f, s + run, n - run);
}

static void emit_url(struct fmt *f, const char *u, size_t len)
{
    /* Mastodon's URL_PREFIX_REGEX, \Ahttps?://(www\.)? (case-sensitive) */
    size_t prefix = 0;
    if (len >= 8 && !memcmp(u, "https://", 8))
        prefix = 8;
    else if (len >= 7 && !memcmp(u, "http://", 7))
        prefix = 7;
    if (prefix && len - prefix >= 4 && !memcmp(u + prefix, "www.", 4))
        prefix += 4;
    size_t vis = prefix;
    for (size_t cps = 0; vis < len && cps < TEXT_URL_DISPLAY_CHARS; cps++) {
        size_t k;
        cp_at(u, len, vis, &k);
        vis += k;
    }
    put_str(f, "<a href=\"");
    put_esc(f, u, len);
    put_str(f, "\" target=\"_blank\" rel=\"nofollow noopener noreferrer\" translate=\"no\">"
               "<span class=\"invisible\">");
    put_esc(f, u, prefix);
    put_str(f, vis < len ? "</span><span class=\"ellipsis\">" : "</span><span class=\"\">");
    put_esc(f, u + prefix, vis - prefix);
    put_str(f, "</span><span class=\"invisible\">");
    put_esc(f, u + vis, len - vis);
    put_str(f, "</span></a>");
}

static uint32_t hash_lower(uint32_t h, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c - 'A' + 'a');
        h = (h ^ c) * 16777619u; /* FNV-1a */
    }
    return h;
}

static int same_nocase(const char *a, const char *b, size_t blen)
{
    return strlen(a) == blen && strncasecmp(a, b, blen) == 0;
}

/*
 * The profile URL for a mention, NULL when unknown. The resolver runs once
 * per distinct (username, domain); each known one is listed once.
 */
static const char *resolve(struct fmt *f, const char *user, size_t ulen, const char *dom,
                           size_t dlen)
{
    const struct text_options *opt = f->opt;
    if (!opt->resolve_mention)
        return NULL;
    if (dlen && opt->local_domain && same_nocase(opt->local_domain, dom, dlen))
        dlen = 0;
    uint32_t h = hash_lower(2166136261u, user, ulen);
    h = hash_lower(h, "@", 1);
    h = hash_lower(h, dom, dlen);
    struct cand **bucket = &f->buckets[h % TEXT_MENTION_BUCKETS];
    for (struct cand *c = *bucket; c; c = c->next) {
        if (c->hash == h && same_nocase(c->username, user, ulen) &&
            (c->domain ? dlen && same_nocase(c->domain, dom, dlen) : !dlen))
            return c->url;
    }
    struct cand *c = arena_zalloc(f->a, sizeof(*c));
    c->hash = h;
    c->username = arena_strndup(f->a, user, ulen);
    c->domain = dlen ? arena_strndup(f->a, dom, dlen) : NULL;
    c->url = opt->resolve_mention(opt->resolver_ctx, f->a, c->username, c->domain);
    c->next = *bucket;
    *bucket = c;
    if (c->url) {
        if (f->n_mentions == LIMIT_MENTIONS) {
            f->rc = E_LIMIT;
        } else {
            struct text_mention *m = &f->mentions[f->n_mentions++];
            m->username = c->username;
            m->domain = c->domain;
            m->url = c->url;
        }
    }
    return c->url;
}

static void emit_mention(struct fmt *f, const char *m, const struct ent *e)
{
    const char *user = m + 1;
    const char *dom = e->dlen ? user + e->ulen + 1 : NULL;
    const char *url = resolve(f, user, e->ulen, dom, e->dlen);
    if (!url) {
        put_esc(f, m, e->len);
        return;
    }
    put_str(f, "<span class=\"h-card\" translate=\"no\"><a href=\"");
    put_esc(f, url, strlen(url));
    put_str(f, "\" class=\"u-url mention\">@<span>");
    put_esc(f, user, e->ulen);
    put_str(f, "</span></a></span>");
}

/*
 * ASCII lowercase only, non-ASCII bytes kept: the rule every tag lookup
 * elsewhere applies too (Mastodon also folds other scripts and NFKC).
 */
static char *tag_lower(struct arena *a, const char *t, size_t len)
{
    char *out = arena_strndup(a, t, len);
    for (char *q = out; *q; q++) {
        if (*q >= 'A' && *q <= 'Z')
            *q = (char)(*q - 'A' + 'a');
    }
    return out;
}

static void emit_tag(struct fmt *f, const char *t, size_t len)
{
    char *lower = tag_lower(f->a, t, len);
    int seen = 0;
    for (size_t k = 0; k < f->n_tags && !seen; k++)
        seen = strcmp(f->tags[k], lower) == 0;
    if (!seen) {
        if (f->n_tags == LIMIT_HASHTAGS)
            f->rc = E_LIMIT;
        else
            f->tags[f->n_tags++] = lower;
    }
    const char *base = f->opt->base_url ? f->opt->base_url : "";
    size_t blen = strlen(base);
    if (blen && base[blen - 1] == '/')
        blen--;
    put_str(f, "<a href=\"");
    put_esc(f, base, blen);
    put_str(f, "/tags/");
    put_esc(f, lower, len);
    put_str(f, "\" class=\"mention hashtag\" rel=\"tag\">#<span>");
    put_esc(f, t, len);
    put_str(f, "</span></a>");
}

/* Pass 2: paragraphs split on blank lines, <br /> for single newlines, entities. */
static void format_text(struct fmt *f, const char *s, size_t n)
{
    put_str(f, "<p>");
    size_t i = 0, run = 0;
    while (i < n && f->rc == 0) {
        char c = s[i];
        if (c == '\n') {
            put_esc(f, s + run, i - run);
            size_t k = i;
            while (k < n && s[k] == '\n')
                k++;
            put_str(f, k - i > 1 ? "</p><p>" : "<br />");
            i = run = k;
            continue;
        }
        struct ent e;
        if ((c == 'h' || c == 'H' || c == '@' || c == '#') && scan_entity(s, n, i, &e)) {
            put_esc(f, s + run, i - run);
            if (e.kind == ENT_URL)
                emit_url(f, s + i, e.len);
            else if (e.kind == ENT_MENTION)
                emit_mention(f, s + i, &e);
            else
                emit_tag(f, s + i + 1, e.ulen);
            i = run = i + e.len;
            continue;
        }
        i++;
    }
    put_esc(f, s + run, n - run);
    put_str(f, "</p>");
}

int text_format(struct arena *a, const char *src, size_t len, const struct text_options *opt,
                struct text_result *out)
{
    static const struct text_options no_options;
    memset(out, 0, sizeof(*out));
    out->html = "";
    if (!opt)
        opt = &no_options;
    if (len > LIMIT_STATUS_BYTES)
        return E_LIMIT;
    if (len && !utf8_valid(src, len))
        return E_UTF8;

    /* \r\n and a lone \r become \n; surrounding ASCII whitespace goes. */
    char *text = arena_alloc(a, len + 1);
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (src[i] == '\r' && i + 1 < len && src[i + 1] == '\n')
            continue;
        text[n++] = src[i] == '\r' ? '\n' : src[i];
    }
    size_t b = 0;
    while (b < n && is_ascii_space(text[b]))
        b++;
    while (n > b && is_ascii_space(text[n - 1]))
        n--;
    const char *s = text + b;
    n -= b;

    /* Blank text (Unicode spaces too, as Rails' blank?) formats to "". */
    int blank = 1;
    for (size_t i = 0, k; i < n && blank; i += k)
        blank = is_space_cp(cp_at(s, n, i, &k));
    if (blank)
        return 0;

    out->chars = count_chars(s, n);
    if (opt->max_chars > 0 && out->chars > (size_t)opt->max_chars)
        return E_LIMIT;

    struct fmt *f = arena_zalloc(a, sizeof(*f));
    f->a = a;
    f->opt = opt;
    buf_init(&f->out, TEXT_HTML_MAX_BYTES);
    format_text(f, s, n);
    if (f->rc) {
        buf_fini(&f->out);
        return f->rc;
    }
    char *html = buf_steal(&f->out);
    arena_defer(a, free, html);
    out->html = html;
    out->mentions = f->mentions;
    out->n_mentions = f->n_mentions;
    out->tags = f->tags;
    out->n_tags = f->n_tags;
    return 0;
}
