/*
 * sanitize_check: an independent reader of sanitize_html() output, shared
 * by tests/unit/test_sanitize.c and tests/fuzz/fuzz_sanitize.c. It accepts
 * only what the contract allows: valid UTF-8; the allowlisted elements,
 * balanced and nested at most SANITIZE_MAX_DEPTH deep, never <a> in <a>;
 * per element only its allowed attributes, double-quoted; href and src
 * with an allowed scheme; class tokens from the allowed names; rel and
 * target as forced; text and values where '&' only starts &amp; &lt; &gt;
 * or &quot;, '<' and '>' never appear raw (nor '"' in values).
 *
 * Lifetime: no allocation; sanitize_check_html() returns a static reason.
 */
#ifndef HEARTH_TESTS_SANITIZE_CHECK_H
#define HEARTH_TESTS_SANITIZE_CHECK_H

#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "content/sanitize.h"
#include "util/utf8.h"

struct sanitize_check_elem {
    const char *name;
    int is_void;
    const char *attrs[7];
};

static const struct sanitize_check_elem sanitize_check_elems[] = {
    {"a", 0, {"href", "class", "title", "translate", "rel", "target"}},
    {"abbr", 0, {"title"}},
    {"b", 0, {0}},
    {"blockquote", 0, {0}},
    {"br", 1, {0}},
    {"caption", 0, {0}},
    {"cite", 0, {0}},
    {"code", 0, {0}},
    {"dd", 0, {0}},
    {"del", 0, {0}},
    {"dl", 0, {0}},
    {"dt", 0, {0}},
    {"em", 0, {0}},
    {"figcaption", 0, {0}},
    {"figure", 0, {0}},
    {"h1", 0, {0}},
    {"h2", 0, {0}},
    {"h3", 0, {0}},
    {"h4", 0, {0}},
    {"h5", 0, {0}},
    {"h6", 0, {0}},
    {"hr", 1, {0}},
    {"i", 0, {0}},
    {"img", 1, {"src", "alt", "title", "width", "height"}},
    {"ins", 0, {0}},
    {"kbd", 0, {0}},
    {"li", 0, {"value"}},
    {"mark", 0, {0}},
    {"ol", 0, {"start", "reversed"}},
    {"p", 0, {"class"}},
    {"pre", 0, {0}},
    {"q", 0, {0}},
    {"s", 0, {0}},
    {"small", 0, {0}},
    {"span", 0, {"class", "translate"}},
    {"strong", 0, {0}},
    {"sub", 0, {0}},
    {"sup", 0, {0}},
    {"table", 0, {0}},
    {"tbody", 0, {0}},
    {"td", 0, {"colspan", "rowspan"}},
    {"tfoot", 0, {0}},
    {"th", 0, {"colspan", "rowspan"}},
    {"thead", 0, {0}},
    {"tr", 0, {0}},
    {"u", 0, {0}},
    {"ul", 0, {0}},
};

static const struct sanitize_check_elem *sanitize_check_elem(const char *name, size_t n)
{
    for (size_t i = 0; i < sizeof(sanitize_check_elems) / sizeof(sanitize_check_elems[0]); i++) {
        if (strlen(sanitize_check_elems[i].name) == n &&
            memcmp(sanitize_check_elems[i].name, name, n) == 0)
            return &sanitize_check_elems[i];
    }
    return NULL;
}

/* '&' must start one of the four entities the sanitizer writes. */
static int sanitize_check_amp(const char *p)
{
    return strncmp(p, "&amp;", 5) == 0 || strncmp(p, "&lt;", 4) == 0 ||
           strncmp(p, "&gt;", 4) == 0 || strncmp(p, "&quot;", 6) == 0;
}

/* Allowed tokens separated by single spaces. */
static int sanitize_check_class(const char *v, size_t n)
{
    static const char *const names[] = {"mention", "hashtag", "ellipsis", "invisible",
                                        "quote-inline"};
    static const char *const prefixes[] = {"h-", "p-", "u-", "dt-", "e-"};
    size_t i = 0;
    for (;;) {
        size_t start = i;
        while (i < n && v[i] != ' ')
            i++;
        size_t len = i - start;
        int ok = 0;
        for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++)
            ok |= strlen(names[k]) == len && memcmp(v + start, names[k], len) == 0;
        for (size_t k = 0; k < sizeof(prefixes) / sizeof(prefixes[0]); k++)
            ok |= len > strlen(prefixes[k]) &&
                  memcmp(v + start, prefixes[k], strlen(prefixes[k])) == 0;
        if (!ok)
            return 0;
        if (i == n)
            return 1;
        i++;
    }
}

static int sanitize_check_digits(const char *v, size_t n, int minus)
{
    size_t i = minus && n > 0 && v[0] == '-' ? 1 : 0;
    if (i == n)
        return 0;
    for (; i < n; i++) {
        if (v[i] < '0' || v[i] > '9')
            return 0;
    }
    return 1;
}

static int sanitize_check_url(const char *v, size_t n, int is_src)
{
    static const char *const href[] = {
        "http://", "https://", "mailto:", "xmpp:", "gemini:", "web+ap:"};
    size_t count = is_src ? 2 : sizeof(href) / sizeof(href[0]);
    for (size_t i = 0; i < count; i++) {
        size_t len = strlen(href[i]);
        if (n >= len && strncasecmp(v, href[i], len) == 0)
            return !(len > 6 && n == len); /* http(s):// needs a host */
    }
    return 0;
}

static const char *sanitize_check_value(const char *elem, const char *name, const char *v, size_t n)
{
    if (strcmp(name, "href") == 0 || strcmp(name, "src") == 0)
        return sanitize_check_url(v, n, name[0] == 's') ? NULL : "bad url";
    if (strcmp(name, "class") == 0)
        return sanitize_check_class(v, n) ? NULL : "bad class";
    if (strcmp(name, "rel") == 0) {
        if ((n == 28 && memcmp(v, "nofollow noopener noreferrer", 28) == 0) ||
            (n == 32 && memcmp(v, "tag nofollow noopener noreferrer", 32) == 0))
            return NULL;
        return "bad rel";
    }
    if (strcmp(name, "target") == 0)
        return n == 6 && memcmp(v, "_blank", 6) == 0 ? NULL : "bad target";
    if (strcmp(name, "translate") == 0)
        return (n == 2 && memcmp(v, "no", 2) == 0) || (n == 3 && memcmp(v, "yes", 3) == 0)
                   ? NULL
                   : "bad translate";
    if (strcmp(name, "width") == 0 || strcmp(name, "height") == 0)
        return sanitize_check_digits(v, n, 0) && n <= 5 ? NULL : "bad size";
    if (strcmp(name, "colspan") == 0 || strcmp(name, "rowspan") == 0)
        return sanitize_check_digits(v, n, 0) && n <= 3 ? NULL : "bad span";
    if (strcmp(name, "start") == 0 || strcmp(name, "value") == 0)
        return sanitize_check_digits(v, n, 1) && n <= 10 ? NULL : "bad number";
    (void)elem;
    return NULL;
}

/* NULL if html is acceptable sanitizer output, or why not. */
static const char *sanitize_check_html(const char *html, int allow_images)
{
    const struct sanitize_check_elem *stack[SANITIZE_MAX_DEPTH];
    int depth = 0, in_a = 0;
    size_t n = strlen(html);
    if (n > 0 && !utf8_valid(html, n))
        return "invalid UTF-8";
    const char *p = html;
    while (*p) {
        if (*p == '>')
            return "raw > in text";
        if (*p == '&' && !sanitize_check_amp(p))
            return "raw & in text";
        if (*p != '<') {
            p++;
            continue;
        }
        p++;
        int end = *p == '/';
        if (end)
            p++;
        size_t len = strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789");
        const struct sanitize_check_elem *e = sanitize_check_elem(p, len);
        if (!e)
            return "element not allowed";
        p += len;
        if (end) {
            if (*p != '>')
                return "end tag with attributes";
            p++;
            if (depth == 0 || stack[depth - 1] != e)
                return "unbalanced end tag";
            depth--;
            if (e->name[0] == 'a' && e->name[1] == '\0')
                in_a = 0;
            continue;
        }
        if (strcmp(e->name, "img") == 0 && !allow_images)
            return "img without allow_images";
        if (strcmp(e->name, "a") == 0) {
            if (in_a)
                return "a inside a";
            if (strncmp(p, " href=\"", 7) != 0)
                return "a without href first";
            in_a = 1;
        }
        if (strcmp(e->name, "img") == 0 && strncmp(p, " src=\"", 6) != 0)
            return "img without src first";
        while (*p == ' ') {
            p++;
            size_t an = strspn(p, "abcdefghijklmnopqrstuvwxyz");
            char name[16];
            if (an == 0 || an >= sizeof(name))
                return "bad attribute name";
            memcpy(name, p, an);
            name[an] = '\0';
            int known = 0;
            for (size_t k = 0; k < 7 && e->attrs[k]; k++)
                known |= strcmp(e->attrs[k], name) == 0;
            if (!known)
                return "attribute not allowed";
            p += an;
            if (strcmp(name, "reversed") == 0)
                continue;
            if (p[0] != '=' || p[1] != '"')
                return "attribute not double-quoted";
            p += 2;
            const char *v = p;
            while (*p && *p != '"') {
                if (*p == '<' || *p == '>')
                    return "raw < or > in attribute";
                if (*p == '&' && !sanitize_check_amp(p))
                    return "raw & in attribute";
                p++;
            }
            if (*p != '"')
                return "unterminated attribute";
            const char *why = sanitize_check_value(e->name, name, v, (size_t)(p - v));
            if (why)
                return why;
            p++;
        }
        if (*p != '>')
            return "bad tag end";
        p++;
        if (!e->is_void) {
            if (depth >= SANITIZE_MAX_DEPTH)
                return "nested too deep";
            stack[depth++] = e;
        }
    }
    return depth == 0 ? NULL : "element left open";
}

/* NULL if text is acceptable sanitize_text() output, or why not. */
static const char *sanitize_check_text(const char *text)
{
    size_t n = strlen(text);
    if (n == 0)
        return NULL;
    if (!utf8_valid(text, n))
        return "invalid UTF-8";
    if (strchr(" \t\r\n\f", text[0]) || strchr(" \t\r\n\f", text[n - 1]))
        return "not trimmed";
    return NULL;
}

#endif
