/*
 * sanitize: remote HTML re-serialized from an allowlist.
 *
 * The input is first made valid UTF-8 (invalid sequences and NUL become
 * U+FFFD, other C0 controls but tab, newline and CR are dropped) so that
 * libxml2 never guesses another encoding. It is then parsed as the
 * content of a <div> with libxml2's HTML parser, which decodes entities
 * and repairs broken nesting. The tree is walked without recursion and
 * written out again with our own escaping; nothing the parser produced is
 * copied out raw. The same walk renders plain text for sanitize_text().
 *
 * Lifetime: the libxml2 document and the scratch buffers live only inside
 * one call; the result is malloc'd and handed to the caller's arena with
 * arena_defer(), so it lives until arena_free().
 */
#include "content/sanitize.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/mem.h"
#include "util/utf8.h"

/* Output is at most ~6x the input ('"' becomes &quot;); the cap is a backstop. */
#define SANITIZE_MAX_OUTPUT (8 * SANITIZE_MAX_INPUT + 4096)
#define SANITIZE_MAX_TEXT_NEWLINES 2

static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */
static const char wrap_open[] = "<div>";
static const char wrap_close[] = "</div>";

enum kind {
    K_UNKNOWN, /* tag dropped, content kept */
    K_DROP,    /* tag and content dropped */
    K_ALLOWED, /* written with its allowed attributes */
    K_VOID,    /* allowed, no content and no end tag (br hr) */
    K_IMG,     /* void; only with allow_images and a good src */
    K_A,       /* allowed only with a good href, never inside another a */
};

struct element {
    const char *name;
    enum kind kind;
};

/* Sorted by name for bsearch. */
static const struct element elements[] = {
    {"a", K_A},
    {"abbr", K_ALLOWED},
    {"applet", K_DROP},
    {"b", K_ALLOWED},
    {"blockquote", K_ALLOWED},
    {"br", K_VOID},
    {"caption", K_ALLOWED},
    {"cite", K_ALLOWED},
    {"code", K_ALLOWED},
    {"dd", K_ALLOWED},
    {"del", K_ALLOWED},
    {"dl", K_ALLOWED},
    {"dt", K_ALLOWED},
    {"em", K_ALLOWED},
    /* Void in HTML5, but libxml2 2.9 nests what follows inside it: keep that text. */
    {"embed", K_UNKNOWN},
    {"figcaption", K_ALLOWED},
    {"figure", K_ALLOWED},
    {"frame", K_DROP},
    {"frameset", K_DROP},
    {"h1", K_ALLOWED},
    {"h2", K_ALLOWED},
    {"h3", K_ALLOWED},
    {"h4", K_ALLOWED},
    {"h5", K_ALLOWED},
    {"h6", K_ALLOWED},
    {"head", K_DROP},
    {"hr", K_VOID},
    {"i", K_ALLOWED},
    {"iframe", K_DROP},
    {"img", K_IMG},
    {"ins", K_ALLOWED},
    {"kbd", K_ALLOWED},
    {"li", K_ALLOWED},
    {"mark", K_ALLOWED},
    {"math", K_DROP},
    {"noembed", K_DROP},
    {"noframes", K_DROP},
    {"noscript", K_DROP},
    {"object", K_DROP},
    {"ol", K_ALLOWED},
    {"p", K_ALLOWED},
    {"pre", K_ALLOWED},
    {"q", K_ALLOWED},
    {"s", K_ALLOWED},
    {"script", K_DROP},
    {"small", K_ALLOWED},
    {"span", K_ALLOWED},
    {"strong", K_ALLOWED},
    {"style", K_DROP},
    {"sub", K_ALLOWED},
    {"sup", K_ALLOWED},
    {"svg", K_DROP},
    {"table", K_ALLOWED},
    {"tbody", K_ALLOWED},
    {"td", K_ALLOWED},
    {"template", K_DROP},
    {"tfoot", K_ALLOWED},
    {"th", K_ALLOWED},
    {"thead", K_ALLOWED},
    {"title", K_DROP},
    {"tr", K_ALLOWED},
    {"u", K_ALLOWED},
    {"ul", K_ALLOWED},
};

/* Elements whose end is a paragraph break in plain text. */
static const char *const text_blocks[] = {
    "address", "article",    "aside",   "blockquote", "caption", "dd",   "div", "dl",
    "dt",      "figcaption", "figure",  "footer",     "h1",      "h2",   "h3",  "h4",
    "h5",      "h6",         "header",  "hr",         "li",      "main", "nav", "ol",
    "p",       "pre",        "section", "table",      "tr",      "ul",
};

static const char *const href_schemes[] = {"http", "https", "mailto", "xmpp", "gemini", "web+ap"};
static const char *const src_schemes[] = {"http", "https"};
static const char *const class_names[] = {"mention", "hashtag", "ellipsis", "invisible",
                                          "quote-inline"};
static const char *const class_prefixes[] = {"h-", "p-", "u-", "dt-", "e-"};

struct walker {
    struct buf out;
    struct buf scratch; /* one attribute value at a time */
    int text_mode;      /* 1: plain text for sanitize_text() */
    int allow_images;
    int depth;   /* elements open in the output */
    int in_link; /* an <a> is open in the output */
    int err;     /* first append error (E_LIMIT) */
};

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void init_libxml(void)
{
    xmlInitParser();
}

static int cmp_element(const void *key, const void *elem)
{
    return strcmp(key, ((const struct element *)elem)->name);
}

static enum kind element_kind(const char *name)
{
    const struct element *e = bsearch(name, elements, sizeof(elements) / sizeof(elements[0]),
                                      sizeof(elements[0]), cmp_element);
    return e ? e->kind : K_UNKNOWN;
}

static int in_list(const char *s, size_t n, const char *const *list, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        if (strlen(list[i]) == n && memcmp(s, list[i], n) == 0)
            return 1;
    }
    return 0;
}

static int is_text_block(const char *name)
{
    return in_list(name, strlen(name), text_blocks, sizeof(text_blocks) / sizeof(text_blocks[0]));
}

static void put(struct walker *w, const char *s, size_t n)
{
    if (w->err == 0 && n > 0)
        w->err = buf_append(&w->out, s, n);
}

static void puts_(struct walker *w, const char *s)
{
    put(w, s, strlen(s));
}

enum escape {
    ESC_NONE, /* plain text, and the parser's input */
    ESC_TEXT, /* & < > */
    ESC_ATTR, /* & < > " */
};

/*
 * Appends s[0..n) as valid UTF-8: invalid sequences and NUL become U+FFFD,
 * other C0 controls but tab, newline and CR are dropped; then escaped.
 */
static void put_text(struct walker *w, struct buf *dst, const char *s, size_t n, enum escape esc)
{
    size_t run = 0; /* start of the pending run of bytes copied as they are */
    size_t i = 0;
    while (i < n && w->err == 0) {
        unsigned char c = (unsigned char)s[i];
        const char *subst = NULL;
        size_t len = 1;
        if (c >= 0x80) {
            uint32_t cp;
            len = utf8_decode(s + i, n - i, &cp);
            if (len == 0) {
                subst = replacement;
                len = 1;
            }
        } else if (c == 0) {
            subst = replacement;
        } else if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
            subst = "";
        } else if (esc != ESC_NONE && c == '&') {
            subst = "&amp;";
        } else if (esc != ESC_NONE && c == '<') {
            subst = "&lt;";
        } else if (esc != ESC_NONE && c == '>') {
            subst = "&gt;";
        } else if (esc == ESC_ATTR && c == '"') {
            subst = "&quot;";
        }
        if (subst) {
            w->err = buf_append(dst, s + run, i - run);
            if (w->err == 0)
                w->err = buf_append(dst, subst, strlen(subst));
            run = i + len;
        }
        i += len;
    }
    if (w->err == 0)
        w->err = buf_append(dst, s + run, n - run);
}

/* Writes ` name="value"` with value escaped. */
static void put_attr(struct walker *w, const char *name, const char *value, size_t n)
{
    puts_(w, " ");
    puts_(w, name);
    puts_(w, "=\"");
    put_text(w, &w->out, value, n, ESC_ATTR);
    puts_(w, "\"");
}

static int is_c0_or_space(unsigned char c)
{
    return c <= 0x20;
}

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/*
 * Leaves in w->scratch the URL a browser would see for the attribute value
 * v (leading and trailing C0 controls and spaces trimmed, tabs and
 * newlines removed anywhere, as the URL standard does), and returns 1 if
 * it is absolute with one of the schemes. http and https also need "//"
 * and a host. Relative URLs never pass: remote content has no base here.
 */
static int url_ok(struct walker *w, const char *v, const char *const *schemes, size_t n_schemes)
{
    size_t n = strlen(v);
    while (n > 0 && is_c0_or_space((unsigned char)v[0])) {
        v++;
        n--;
    }
    while (n > 0 && is_c0_or_space((unsigned char)v[n - 1]))
        n--;
    buf_reset(&w->scratch);
    for (size_t i = 0; i < n; i++) {
        if (v[i] == '\t' || v[i] == '\n' || v[i] == '\r')
            continue;
        if (buf_putc(&w->scratch, v[i]) != 0)
            return 0;
    }
    const char *u = buf_cstr(&w->scratch);
    char scheme[16];
    size_t k = 0;
    for (;; k++) {
        int c = (unsigned char)u[k];
        if (c == ':')
            break;
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                 (k > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'));
        if (!ok || k + 1 >= sizeof(scheme))
            return 0;
        scheme[k] = (char)lower(c);
    }
    if (k == 0)
        return 0;
    scheme[k] = '\0';
    if (!in_list(scheme, k, schemes, n_schemes))
        return 0;
    if (strcmp(scheme, "http") == 0 || strcmp(scheme, "https") == 0) {
        const char *rest = u + k + 1;
        if (rest[0] != '/' || rest[1] != '/')
            return 0;
        char h = rest[2];
        if (h == '\0' || h == '/' || h == '\\' || h == '?' || h == '#')
            return 0;
    }
    return 1;
}

static const char *attr_value(xmlNode *n, const char *name)
{
    for (xmlAttr *at = n->properties; at; at = at->next) {
        if (at->name && strcmp((const char *)at->name, name) == 0) {
            /* The HTML parser gives a value one text child, or none when it is empty. */
            xmlNode *t = at->children;
            return t && t->type == XML_TEXT_NODE && t->content ? (const char *)t->content : "";
        }
    }
    return NULL;
}

static int class_token_ok(const char *t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = t[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_'))
            return 0;
    }
    if (in_list(t, n, class_names, sizeof(class_names) / sizeof(class_names[0])))
        return 1;
    for (size_t i = 0; i < sizeof(class_prefixes) / sizeof(class_prefixes[0]); i++) {
        size_t pl = strlen(class_prefixes[i]);
        if (n > pl && memcmp(t, class_prefixes[i], pl) == 0)
            return 1;
    }
    return 0;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* Writes class="..." with only the allowed tokens, or nothing if none is. */
static void put_class(struct walker *w, const char *v)
{
    if (!v)
        return;
    buf_reset(&w->scratch);
    const char *p = v;
    while (*p) {
        while (*p && is_space(*p))
            p++;
        const char *start = p;
        while (*p && !is_space(*p))
            p++;
        size_t n = (size_t)(p - start);
        if (n > 0 && class_token_ok(start, n)) {
            if (w->scratch.len > 0 && buf_putc(&w->scratch, ' ') != 0)
                return;
            if (buf_append(&w->scratch, start, n) != 0)
                return;
        }
    }
    if (w->scratch.len > 0)
        put_attr(w, "class", w->scratch.data, w->scratch.len);
}

/* An integer of at most max_digits digits, optionally negative. */
static int int_ok(const char *v, int allow_minus, size_t max_digits)
{
    if (!v)
        return 0;
    if (allow_minus && *v == '-')
        v++;
    size_t n = strlen(v);
    if (n == 0 || n > max_digits)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i] < '0' || v[i] > '9')
            return 0;
    }
    return 1;
}

static void put_int_attr(struct walker *w, xmlNode *n, const char *name, int allow_minus,
                         size_t max_digits)
{
    const char *v = attr_value(n, name);
    if (int_ok(v, allow_minus, max_digits))
        put_attr(w, name, v, strlen(v));
}

static void put_translate(struct walker *w, xmlNode *n)
{
    const char *v = attr_value(n, "translate");
    if (!v)
        return;
    if (strcasecmp(v, "no") == 0)
        puts_(w, " translate=\"no\"");
    else if (strcasecmp(v, "yes") == 0)
        puts_(w, " translate=\"yes\"");
}

/* rel is forced; a peer's rel="tag" (hashtags, microformats rel-tag) is kept in front. */
static void put_rel(struct walker *w, xmlNode *n)
{
    const char *v = attr_value(n, "rel");
    int tag = 0;
    const char *p = v ? v : "";
    while (*p) {
        while (*p && is_space(*p))
            p++;
        const char *start = p;
        while (*p && !is_space(*p))
            p++;
        if (p - start == 3 && strncasecmp(start, "tag", 3) == 0)
            tag = 1;
    }
    puts_(w, tag ? " rel=\"tag nofollow noopener noreferrer\""
                 : " rel=\"nofollow noopener noreferrer\"");
    puts_(w, " target=\"_blank\"");
}

static void put_plain_attr(struct walker *w, xmlNode *n, const char *name)
{
    const char *v = attr_value(n, name);
    if (v)
        put_attr(w, name, v, strlen(v));
}

/* Counts the newlines in the buffer's trailing whitespace and cuts that whitespace off. */
static int trim_trailing_space(struct walker *w)
{
    int newlines = 0;
    while (w->out.len > 0 && is_space(w->out.data[w->out.len - 1])) {
        if (w->out.data[w->out.len - 1] == '\n')
            newlines++;
        w->out.len--;
    }
    if (w->out.data)
        w->out.data[w->out.len] = '\0';
    return newlines;
}

/* Plain text: a line break (br adds one, a block end makes two), never more than two. */
static void text_break(struct walker *w, int block)
{
    if (w->out.len == 0)
        return;
    int have = trim_trailing_space(w);
    int want = block ? SANITIZE_MAX_TEXT_NEWLINES : have + 1;
    if (want < have)
        want = have;
    if (want > SANITIZE_MAX_TEXT_NEWLINES)
        want = SANITIZE_MAX_TEXT_NEWLINES;
    for (int i = 0; i < want; i++)
        puts_(w, "\n");
}

static void text_node(struct walker *w, const char *s)
{
    size_t n = strlen(s);
    if (!w->text_mode) {
        put_text(w, &w->out, s, n, ESC_TEXT);
        return;
    }
    /* After a break (or at the start) the source's own indentation is noise. */
    if (w->out.len == 0 || w->out.data[w->out.len - 1] == '\n') {
        while (n > 0 && is_space(*s)) {
            s++;
            n--;
        }
    }
    put_text(w, &w->out, s, n, ESC_NONE);
}

/*
 * Enters element n: writes its start tag if it is kept. Returns 1 to walk
 * its children. n->_private marks an element whose end tag is owed.
 */
static int enter_element(struct walker *w, xmlNode *n)
{
    const char *name = (const char *)n->name;
    enum kind k = name ? element_kind(name) : K_UNKNOWN;
    n->_private = NULL;
    if (k == K_DROP)
        return 0;
    if (w->text_mode) {
        if (name && strcmp(name, "br") == 0)
            text_break(w, 0);
        return 1;
    }
    switch (k) {
    case K_DROP:
    case K_UNKNOWN:
        return 1;
    case K_VOID:
        puts_(w, "<");
        puts_(w, name);
        puts_(w, ">");
        return 1;
    case K_IMG: {
        const char *src = attr_value(n, "src");
        if (!w->allow_images || !src ||
            !url_ok(w, src, src_schemes, sizeof(src_schemes) / sizeof(src_schemes[0])))
            return 1;
        puts_(w, "<img");
        put_attr(w, "src", w->scratch.data, w->scratch.len);
        put_plain_attr(w, n, "alt");
        put_plain_attr(w, n, "title");
        put_int_attr(w, n, "width", 0, 5);
        put_int_attr(w, n, "height", 0, 5);
        puts_(w, ">");
        return 1;
    }
    case K_A: {
        const char *href = attr_value(n, "href");
        if (w->in_link || w->depth >= SANITIZE_MAX_DEPTH || !href ||
            !url_ok(w, href, href_schemes, sizeof(href_schemes) / sizeof(href_schemes[0])))
            return 1;
        puts_(w, "<a");
        put_attr(w, "href", w->scratch.data, w->scratch.len);
        put_class(w, attr_value(n, "class"));
        put_plain_attr(w, n, "title");
        put_translate(w, n);
        put_rel(w, n);
        puts_(w, ">");
        w->in_link = 1;
        break;
    }
    case K_ALLOWED:
        if (w->depth >= SANITIZE_MAX_DEPTH)
            return 1;
        puts_(w, "<");
        puts_(w, name);
        if (strcmp(name, "span") == 0) {
            put_class(w, attr_value(n, "class"));
            put_translate(w, n);
        } else if (strcmp(name, "p") == 0) {
            put_class(w, attr_value(n, "class"));
        } else if (strcmp(name, "ol") == 0) {
            put_int_attr(w, n, "start", 1, 9);
            if (attr_value(n, "reversed"))
                puts_(w, " reversed");
        } else if (strcmp(name, "li") == 0) {
            put_int_attr(w, n, "value", 1, 9);
        } else if (strcmp(name, "td") == 0 || strcmp(name, "th") == 0) {
            put_int_attr(w, n, "colspan", 0, 3);
            put_int_attr(w, n, "rowspan", 0, 3);
        } else if (strcmp(name, "abbr") == 0) {
            put_plain_attr(w, n, "title");
        }
        puts_(w, ">");
        break;
    }
    w->depth++;
    n->_private = n;
    return 1;
}

static void leave_element(struct walker *w, xmlNode *n)
{
    const char *name = (const char *)n->name;
    if (w->text_mode) {
        if (name && is_text_block(name))
            text_break(w, 1);
        return;
    }
    if (n->_private != n)
        return;
    n->_private = NULL;
    puts_(w, "</");
    puts_(w, name);
    puts_(w, ">");
    w->depth--;
    if (strcmp(name, "a") == 0)
        w->in_link = 0;
}

/* Returns 1 to walk n's children. */
static int enter(struct walker *w, xmlNode *n)
{
    switch (n->type) {
    case XML_ELEMENT_NODE:
        return enter_element(w, n);
    case XML_TEXT_NODE:
        if (n->content)
            text_node(w, (const char *)n->content);
        return 0;
    default:
        /* Comments, processing instructions, CDATA, doctypes, entities: dropped. */
        return 0;
    }
}

/* Walks the siblings from first on, depth first, without recursion. */
static void walk(struct walker *w, xmlNode *first)
{
    xmlNode *top = first ? first->parent : NULL;
    xmlNode *n = first;
    while (n && w->err == 0) {
        if (enter(w, n) && n->children) {
            n = n->children;
            continue;
        }
        for (;;) {
            if (n->type == XML_ELEMENT_NODE)
                leave_element(w, n);
            if (n->next) {
                n = n->next;
                break;
            }
            n = n->parent;
            if (n == top || n == NULL) {
                n = NULL;
                break;
            }
        }
    }
}

/*
 * The pre-pass. libxml2 2.9 stops building the tree past 256 open
 * elements (everything after is lost), and without that stop its end-tag
 * search is quadratic in the nesting. So before parsing, a small
 * tokenizer follows the open elements roughly as libxml2 does (end tags
 * pop to a match, unless an element of higher end priority is in the
 * way; libxml2's empty elements never open) and drops start tags past
 * FLAT_DEPTH, with an end tag for each dropped one; the text stays.
 * Script and style, and the elements dropped with their content, are cut
 * out whole there. It also removes what browsers read as comments (<!--,
 * <!x, <?x, CDATA), which libxml2 2.9 would keep as text or end elsewhere.
 * Its guesses decide only what text survives, never what is safe: the
 * walker checks every node anyway.
 */
#define FLAT_DEPTH 128
#define FLAT_NAME 16

struct flat {
    const char *s;
    size_t n;
    struct buf *out;
    int depth;
    size_t excess; /* start tags dropped past FLAT_DEPTH and not yet ended */
    char names[FLAT_DEPTH][FLAT_NAME];
    int err;
};

/* libxml2 2.9's empty elements (html40ElementTable). */
static const char *const flat_void[] = {"area", "base",  "basefont", "br",   "col",  "frame", "hr",
                                        "img",  "input", "isindex",  "link", "meta", "param"};
/* Start tags that close an open element of the same name. */
static const char *const flat_self_close[] = {"a", "dd", "dt", "li", "option",
                                              "p", "td", "th", "tr"};
/* Start tags that close an open p. */
static const char *const flat_p_close[] = {"address",  "article", "blockquote", "div",   "dl",
                                           "fieldset", "footer",  "form",       "h1",    "h2",
                                           "h3",       "h4",      "h5",         "h6",    "header",
                                           "ol",       "pre",     "section",    "table", "ul"};
/* Never popped: libxml2 ignores their end tags when it ignored their start. */
static const char *const flat_never_pop[] = {"body", "head", "html"};

static int flat_in(const char *name, const char *const *list, size_t count)
{
    return in_list(name, strlen(name), list, count);
}

#define FLAT_IN(name, list) flat_in(name, list, sizeof(list) / sizeof(list[0]))

static int is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_name_char(char c)
{
    return is_alpha(c) || (c >= '0' && c <= '9') || c == ':' || c == '-' || c == '_' || c == '.';
}

/* libxml2's htmlGetEndPriority: an end tag does not close past a higher one. */
static int end_priority(const char *name)
{
    static const struct {
        const char *name;
        int priority;
    } table[] = {{"div", 150},   {"td", 160},    {"th", 160},    {"tr", 170},
                 {"thead", 180}, {"tbody", 180}, {"tfoot", 180}, {"table", 190},
                 {"head", 200},  {"body", 200},  {"html", 220}};
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        if (strcmp(name, table[i].name) == 0)
            return table[i].priority;
    }
    return 100;
}

static void flat_put(struct flat *f, size_t from, size_t to)
{
    if (f->err == 0 && to > from)
        f->err = buf_append(f->out, f->s + from, to - from);
}

/* Reads the tag name at i (lowercased, cut to FLAT_NAME - 1); returns the index after it. */
static size_t flat_name(const struct flat *f, size_t i, char name[FLAT_NAME])
{
    size_t k = 0;
    while (i < f->n && is_name_char(f->s[i])) {
        if (k + 1 < FLAT_NAME)
            name[k++] = (char)lower((unsigned char)f->s[i]);
        i++;
    }
    name[k] = '\0';
    return i;
}

/* From inside a tag, the index after its '>' (quoted attribute values skipped), or n. */
static size_t flat_tag_end(const struct flat *f, size_t i)
{
    while (i < f->n) {
        char c = f->s[i];
        if (c == '>')
            return i + 1;
        if (c == '=') {
            i++;
            while (i < f->n && is_space(f->s[i]))
                i++;
            if (i < f->n && (f->s[i] == '"' || f->s[i] == '\'')) {
                const char *q = memchr(f->s + i + 1, f->s[i], f->n - i - 1);
                if (!q)
                    return f->n;
                i = (size_t)(q - f->s) + 1;
            }
            continue;
        }
        i++;
    }
    return f->n;
}

/* The index of "</name" (case-insensitive) at or after i, or n. */
static size_t flat_find_end_tag(const struct flat *f, size_t i, const char *name)
{
    size_t len = strlen(name);
    while (i < f->n) {
        const char *lt = memchr(f->s + i, '<', f->n - i);
        if (!lt)
            return f->n;
        i = (size_t)(lt - f->s);
        if (i + 2 + len <= f->n && f->s[i + 1] == '/' &&
            strncasecmp(f->s + i + 2, name, len) == 0 &&
            (i + 2 + len == f->n || !is_name_char(f->s[i + 2 + len])))
            return i;
        i++;
    }
    return f->n;
}

/* Skips an element with its content from after its start tag; returns the index after it. */
static size_t flat_skip_element(const struct flat *f, size_t i, const char *name)
{
    if (strcmp(name, "script") == 0 || strcmp(name, "style") == 0) {
        i = flat_find_end_tag(f, i, name);
        return i < f->n ? flat_tag_end(f, i + 2) : f->n;
    }
    int open = 1;
    while (i < f->n) {
        const char *lt = memchr(f->s + i, '<', f->n - i);
        if (!lt)
            return f->n;
        i = (size_t)(lt - f->s) + 1;
        int end = i < f->n && f->s[i] == '/';
        if (end)
            i++;
        if (i >= f->n || !is_alpha(f->s[i]))
            continue;
        char tag[FLAT_NAME];
        i = flat_name(f, i, tag);
        i = flat_tag_end(f, i);
        if (strcmp(tag, name) == 0)
            open += end ? -1 : 1;
        if (open == 0)
            return i;
    }
    return f->n;
}

/* The index after a comment or bogus comment starting at i ("<!" or "<?"), as browsers end them. */
static size_t flat_comment_end(const struct flat *f, size_t i)
{
    if (i + 4 <= f->n && memcmp(f->s + i, "<!--", 4) == 0) {
        size_t j = i + 4;
        if (j < f->n && f->s[j] == '>')
            return j + 1;
        if (j + 1 < f->n && f->s[j] == '-' && f->s[j + 1] == '>')
            return j + 2;
        for (; j + 2 < f->n; j++) {
            if (f->s[j] == '-' && f->s[j + 1] == '-' && f->s[j + 2] == '>')
                return j + 3;
            if (j + 3 < f->n && memcmp(f->s + j, "--!>", 4) == 0)
                return j + 4;
        }
        return f->n;
    }
    const char *gt = memchr(f->s + i, '>', f->n - i);
    return gt ? (size_t)(gt - f->s) + 1 : f->n;
}

static void flat_start_tag(struct flat *f, size_t lt, size_t *pos)
{
    char name[FLAT_NAME];
    size_t i = flat_name(f, lt + 1, name);
    size_t end = flat_tag_end(f, i);
    *pos = end;
    int is_void = FLAT_IN(name, flat_void);
    if (!is_void && f->depth > 0 && strcmp(f->names[f->depth - 1], name) == 0 &&
        FLAT_IN(name, flat_self_close))
        f->depth--;
    else if (!is_void && f->depth > 0 && strcmp(f->names[f->depth - 1], "p") == 0 &&
             FLAT_IN(name, flat_p_close))
        f->depth--;
    if (!is_void && f->depth >= FLAT_DEPTH) {
        if (element_kind(name) == K_DROP)
            *pos = flat_skip_element(f, end, name);
        else
            f->excess++;
        return;
    }
    flat_put(f, lt, end);
    if (is_void || strcmp(name, "html") == 0)
        return;
    memcpy(f->names[f->depth++], name, FLAT_NAME);
    if (strcmp(name, "script") == 0 || strcmp(name, "style") == 0) {
        /* Raw text: copied up to its end tag, never read as markup. */
        size_t close = flat_find_end_tag(f, end, name);
        flat_put(f, end, close);
        *pos = close;
    }
}

static void flat_end_tag(struct flat *f, size_t lt, size_t *pos)
{
    char name[FLAT_NAME];
    size_t i = flat_name(f, lt + 2, name);
    size_t end = flat_tag_end(f, i);
    *pos = end;
    if (f->excess > 0) {
        f->excess--;
        return;
    }
    flat_put(f, lt, end);
    if (FLAT_IN(name, flat_never_pop))
        return;
    int priority = end_priority(name);
    for (int d = f->depth - 1; d >= 0; d--) {
        if (strcmp(f->names[d], name) == 0) {
            f->depth = d;
            return;
        }
        if (end_priority(f->names[d]) > priority)
            return;
    }
}

static int flatten(struct buf *out, const char *s, size_t n)
{
    struct flat *f = xcalloc(1, sizeof(*f));
    f->s = s;
    f->n = n;
    f->out = out;
    size_t i = 0;
    while (i < n && f->err == 0) {
        const char *lt = memchr(s + i, '<', n - i);
        size_t j = lt ? (size_t)(lt - s) : n;
        flat_put(f, i, j);
        if (j + 1 >= n) {
            flat_put(f, j, n);
            break;
        }
        char c = s[j + 1];
        if (c == '!' || c == '?')
            i = flat_comment_end(f, j);
        else if (c == '/' && j + 2 < n && is_alpha(s[j + 2]))
            flat_end_tag(f, j, &i);
        else if (c == '/' && j + 2 < n)
            i = flat_comment_end(f, j); /* "</>" and "</ x>": bogus comments */
        else if (is_alpha(c))
            flat_start_tag(f, j, &i);
        else {
            flat_put(f, j, j + 1);
            i = j + 1;
        }
    }
    int rc = f->err;
    free(f);
    return rc;
}

/*
 * Builds the parser's input in pre: html made valid UTF-8 (invalid
 * sequences and NUL become U+FFFD, C0 controls but tab, newline and CR
 * are dropped), flattened, inside the wrapper element.
 */
static int prepare_input(struct walker *w, struct buf *pre, const char *html, size_t len)
{
    struct buf clean;
    buf_init(&clean, SANITIZE_MAX_INPUT * 3);
    put_text(w, &clean, html, len, ESC_NONE);
    int rc = w->err;
    if (rc == 0)
        rc = buf_append(pre, wrap_open, strlen(wrap_open));
    if (rc == 0 && clean.len > 0)
        rc = flatten(pre, clean.data, clean.len);
    if (rc == 0)
        rc = buf_append(pre, wrap_close, strlen(wrap_close));
    buf_fini(&clean);
    return rc;
}

static int run(struct arena *a, const char *html, size_t len, int text_mode, int allow_images,
               const char **out)
{
    *out = "";
    if (len > SANITIZE_MAX_INPUT)
        return E_LIMIT;
    if (len == 0 || !html)
        return 0;
    pthread_once(&init_once, init_libxml);

    struct walker w = {.text_mode = text_mode, .allow_images = allow_images};
    struct buf pre;
    htmlDocPtr doc = NULL;
    int rc;
    buf_init(&w.out, SANITIZE_MAX_OUTPUT);
    buf_init(&w.scratch, SANITIZE_MAX_INPUT * 2);
    buf_init(&pre, SANITIZE_MAX_INPUT * 3 + 64);

    rc = prepare_input(&w, &pre, html, len);
    if (rc != 0)
        goto out;
    int opts = HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET | HTML_PARSE_NOIMPLIED |
               HTML_PARSE_NODEFDTD | HTML_PARSE_IGNORE_ENC | HTML_PARSE_COMPACT;
    doc = htmlReadMemory(pre.data, (int)pre.len, NULL, "UTF-8", opts);
    if (doc)
        walk(&w, doc->children);
    rc = w.err;
    if (rc != 0)
        goto out;
    if (text_mode)
        trim_trailing_space(&w);
    if (w.out.len == 0)
        goto out;
    size_t skip = 0;
    while (text_mode && is_space(w.out.data[skip]))
        skip++;
    char *owned = buf_steal(&w.out);
    arena_defer(a, free, owned);
    *out = owned + skip;
out:
    if (doc)
        xmlFreeDoc(doc);
    buf_fini(&pre);
    buf_fini(&w.scratch);
    buf_fini(&w.out);
    return rc;
}

int sanitize_html(struct arena *a, const char *html, size_t len, const struct sanitize_options *opt,
                  const char **out)
{
    return run(a, html, len, 0, opt ? opt->allow_images : 0, out);
}

int sanitize_text(struct arena *a, const char *html, size_t len, const char **out)
{
    return run(a, html, len, 1, 0, out);
}
