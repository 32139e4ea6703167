/*
 * tmpl: the template renderer (the language is described in web/tmpl.h).
 *
 * A template is parsed into a flat array of nodes: text, variable (escaped
 * or raw), partial, and sections whose children are the nodes up to their
 * end index. Names are split at parse time into NUL-terminated keys, and
 * partials are resolved to their index in the compiled-in table, so a
 * render does no parsing, no lookup by template name and no allocation: it
 * walks the nodes with a context stack made of frames on the C stack and
 * appends straight to the caller's buf.
 *
 * Lifetime: the compiled-in templates are all parsed once, on the first
 * call that needs them (pthread_once), into trees kept for the life of the
 * process and shared read-only by every thread; a template that does not
 * parse is logged then and keeps its error. tmpl_render_text parses into a
 * tree that lives for that call only.
 */
#include "web/tmpl.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/err.h"
#include "util/mem.h"
#include "web/tmpl_embed.h"

#define LOG_MODULE "web"
#include "util/log.h"

/* Partials nested deeper than this fail with E_LIMIT (so recursion ends). */
#define TMPL_PARTIAL_DEPTH 16
/* Sections nested deeper than this in one template are a template error. */
#define TMPL_SECTION_DEPTH 64

enum tmpl_kind {
    TMPL_TEXT,
    TMPL_VAR,      /* {{name}}, escaped */
    TMPL_RAW,      /* {{{name}}} */
    TMPL_SECTION,  /* {{#name}} */
    TMPL_INVERTED, /* {{^name}} */
    TMPL_PARTIAL,  /* {{> name}} */
};

struct tmpl_node {
    enum tmpl_kind kind;
    /*
     * TEXT: text[0..len). VAR, RAW, SECTION, INVERTED: nkeys keys, one after
     * the other in key (each NUL-terminated); no keys means {{.}}.
     */
    const char *text;
    size_t len;
    const char *key;
    size_t nkeys;
    /* SECTION, INVERTED: index of the node after the section's last child. */
    size_t end;
    /* PARTIAL: index in tmpl_sources. */
    size_t partial;
};

struct tmpl_tree {
    struct tmpl_node *nodes; /* owned */
    size_t n, alloc;
    char *keys; /* owned: every node's keys */
    int rc;     /* 0, or why the template cannot be rendered */
    const char *why;
    int line;
};

/* One level of the context stack: a frame on the C stack of the render. */
struct tmpl_ctx {
    json_t *value; /* borrowed */
    const struct tmpl_ctx *up;
};

/* ---- parsing ---- */

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static int is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
}

static const char *find2(const char *p, const char *end, char c)
{
    while (p + 1 < end) {
        const char *q = memchr(p, c, (size_t)(end - p - 1));
        if (!q)
            return NULL;
        if (q[1] == c)
            return q;
        p = q + 1;
    }
    return NULL;
}

static int count_lines(const char *p, const char *end)
{
    int n = 0;
    while (p < end) {
        const char *q = memchr(p, '\n', (size_t)(end - p));
        if (!q)
            break;
        n++;
        p = q + 1;
    }
    return n;
}

static size_t add_node(struct tmpl_tree *t, enum tmpl_kind kind)
{
    if (t->n == t->alloc) {
        t->alloc = t->alloc ? t->alloc * 2 : 16;
        t->nodes = xrealloc(t->nodes, t->alloc * sizeof(*t->nodes));
    }
    struct tmpl_node *nd = &t->nodes[t->n];
    memset(nd, 0, sizeof(*nd));
    nd->kind = kind;
    return t->n++;
}

/*
 * Checks the name s[0..n) ("." or keys joined by dots) and copies it into
 * the tree's key pool at *pool, split into NUL-terminated keys.
 */
static int parse_name(const char *s, size_t n, char **pool, struct tmpl_node *nd, const char **why)
{
    if (n == 0) {
        *why = "a tag without a name";
        return E_INVAL;
    }
    if (n == 1 && s[0] == '.') {
        nd->key = NULL;
        nd->nkeys = 0;
        return 0;
    }
    char *out = *pool;
    size_t nkeys = 1, keylen = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '.') {
            if (keylen == 0 || i + 1 == n) {
                *why = "an empty key in a dotted name";
                return E_INVAL;
            }
            out[i] = '\0';
            nkeys++;
            keylen = 0;
        } else if (is_name_char(s[i])) {
            out[i] = s[i];
            keylen++;
        } else {
            *why = "a name with a character other than letters, digits, _ - and .";
            return E_INVAL;
        }
    }
    out[n] = '\0';
    nd->key = out;
    nd->nkeys = nkeys;
    *pool = out + n + 1;
    return 0;
}

static int find_source(const char *name, size_t n, size_t *idx)
{
    for (size_t i = 0; i < tmpl_sources_count; i++) {
        if (strlen(tmpl_sources[i].name) == n && memcmp(tmpl_sources[i].name, name, n) == 0) {
            *idx = i;
            return 0;
        }
    }
    return E_NOTFOUND;
}

/*
 * Parses src[0..len) into t (zeroed by the caller). On failure t->rc, t->why
 * and t->line (1-based) say what and where; the tree is then only fit for
 * tree_fini.
 */
static void parse(struct tmpl_tree *t, const char *src, size_t len)
{
    struct {
        size_t node;
        const char *name;
        size_t n;
        int line;
    } open[TMPL_SECTION_DEPTH];
    size_t nopen = 0;
    const char *p = src, *end = src + len;
    int line = 1;

    /* Every name is shorter than its tag, so the pool never runs out. */
    t->keys = xmalloc(len + 1);
    char *pool = t->keys;
    t->rc = 0;
    while (p < end) {
        const char *tag = find2(p, end, '{');
        const char *text_end = tag ? tag : end;
        if (text_end > p) {
            size_t i = add_node(t, TMPL_TEXT);
            t->nodes[i].text = p;
            t->nodes[i].len = (size_t)(text_end - p);
            line += count_lines(p, text_end);
        }
        if (!tag)
            break;
        t->line = line;
        const char *in, *in_end, *close;
        int triple = tag + 2 < end && tag[2] == '{';
        if (triple) {
            in = tag + 3;
            close = find2(in, end, '}');
            if (!close || close + 2 >= end || close[2] != '}') {
                t->rc = E_INVAL;
                t->why = "{{{ without }}}";
                return;
            }
            p = close + 3;
        } else {
            in = tag + 2;
            close = find2(in, end, '}');
            if (!close) {
                t->rc = E_INVAL;
                t->why = "{{ without }}";
                return;
            }
            p = close + 2;
        }
        line += count_lines(tag, p);
        in_end = close;
        while (in < in_end && is_space(*in))
            in++;
        while (in_end > in && is_space(in_end[-1]))
            in_end--;
        char sigil = in < in_end && !triple ? *in : 0;
        if (sigil == '!')
            continue;
        if (sigil == '#' || sigil == '^' || sigil == '/' || sigil == '>') {
            in++;
            while (in < in_end && is_space(*in))
                in++;
        } else if (in < in_end && !triple && !is_name_char(*in) && *in != '.') {
            t->rc = E_INVAL;
            t->why = "an unknown kind of tag";
            return;
        }
        size_t n = (size_t)(in_end - in);
        if (sigil == '/') {
            if (nopen == 0) {
                t->rc = E_INVAL;
                t->why = "a {{/name}} that closes no section";
                return;
            }
            nopen--;
            if (open[nopen].n != n || memcmp(open[nopen].name, in, n) != 0) {
                t->rc = E_INVAL;
                t->why = "a {{/name}} that does not match the open section";
                return;
            }
            t->nodes[open[nopen].node].end = t->n;
            continue;
        }
        if (sigil == '>') {
            size_t i = add_node(t, TMPL_PARTIAL);
            if (n == 0) {
                t->rc = E_INVAL;
                t->why = "a tag without a name";
                return;
            }
            if (find_source(in, n, &t->nodes[i].partial) != 0) {
                t->rc = E_NOTFOUND;
                t->why = "a partial that is not a template";
                return;
            }
            continue;
        }
        enum tmpl_kind kind = triple         ? TMPL_RAW
                              : sigil == '#' ? TMPL_SECTION
                              : sigil == '^' ? TMPL_INVERTED
                                             : TMPL_VAR;
        size_t i = add_node(t, kind);
        t->rc = parse_name(in, n, &pool, &t->nodes[i], &t->why);
        if (t->rc)
            return;
        if (kind == TMPL_SECTION || kind == TMPL_INVERTED) {
            if (nopen == TMPL_SECTION_DEPTH) {
                t->rc = E_INVAL;
                t->why = "sections nested too deep";
                return;
            }
            open[nopen].node = i;
            open[nopen].name = in;
            open[nopen].n = n;
            open[nopen].line = t->line;
            nopen++;
        }
    }
    if (nopen > 0) {
        t->rc = E_INVAL;
        t->why = "a section that is never closed";
        t->line = open[nopen - 1].line;
    }
}

static void tree_fini(struct tmpl_tree *t)
{
    free(t->nodes);
    free(t->keys);
}

/* ---- the compiled-in templates ---- */

static pthread_once_t trees_once = PTHREAD_ONCE_INIT;
static struct tmpl_tree *trees; /* owned for the life of the process */

static void trees_init(void)
{
    trees = xcalloc(tmpl_sources_count ? tmpl_sources_count : 1, sizeof(*trees));
    for (size_t i = 0; i < tmpl_sources_count; i++) {
        parse(&trees[i], tmpl_sources[i].text, tmpl_sources[i].len);
        if (trees[i].rc)
            log_error("template %s.html, line %d: %s", tmpl_sources[i].name, trees[i].line,
                      trees[i].why);
    }
}

/* ---- rendering ---- */

static int truthy(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
    case JSON_TRUE:
        return 1;
    case JSON_ARRAY:
        return json_array_size(v) > 0;
    case JSON_STRING:
        return json_string_length(v) > 0;
    case JSON_INTEGER:
        return json_integer_value(v) != 0;
    case JSON_REAL:
        return json_real_value(v) != 0.0;
    case JSON_FALSE:
    case JSON_NULL:
        return 0;
    }
    return 0;
}

/* The value a node names, or NULL when it is missing. */
static json_t *lookup(const struct tmpl_node *nd, const struct tmpl_ctx *ctx)
{
    if (nd->nkeys == 0)
        return ctx->value;
    const char *key = nd->key;
    json_t *v = NULL;
    for (const struct tmpl_ctx *c = ctx; c; c = c->up) {
        if (json_is_object(c->value)) {
            v = json_object_get(c->value, key);
            if (v)
                break;
        }
    }
    for (size_t i = 1; i < nd->nkeys && v; i++) {
        key += strlen(key) + 1;
        v = json_is_object(v) ? json_object_get(v, key) : NULL;
    }
    return v;
}

static const char *const escapes[256] = {
    ['&'] = "&amp;",
    ['<'] = "&lt;",
    ['>'] = "&gt;",
    ['"'] = "&quot;",
    ['\''] = "&#39;",
    /* A NUL is no HTML character: browsers show U+FFFD for it, so do it here. */
    ['\0'] = "\xEF\xBF\xBD",
};

static int escape_n(struct buf *out, const char *s, size_t n)
{
    const char *run = s, *end = s + n;
    for (const char *p = s; p < end; p++) {
        const char *e = escapes[(unsigned char)*p];
        if (!e)
            continue;
        int rc = buf_append(out, run, (size_t)(p - run));
        if (rc == 0)
            rc = buf_puts(out, e);
        if (rc)
            return rc;
        run = p + 1;
    }
    return buf_append(out, run, (size_t)(end - run));
}

static int put_value(struct buf *out, json_t *v, int raw)
{
    char num[64];
    int n;
    switch (json_typeof(v)) {
    case JSON_STRING:
        if (raw)
            return buf_append(out, json_string_value(v), json_string_length(v));
        return escape_n(out, json_string_value(v), json_string_length(v));
    case JSON_INTEGER:
        n = snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        return buf_append(out, num, (size_t)n);
    case JSON_REAL:
        n = snprintf(num, sizeof(num), "%g", json_real_value(v));
        return buf_append(out, num, (size_t)n);
    case JSON_TRUE:
        return buf_append(out, "true", 4);
    case JSON_FALSE:
    case JSON_NULL:
    case JSON_OBJECT:
    case JSON_ARRAY:
        return 0;
    }
    return 0;
}

static int render_nodes(struct buf *out, const struct tmpl_tree *t, size_t from, size_t to,
                        const struct tmpl_ctx *ctx, int depth, const char **why);

static int render_section(struct buf *out, const struct tmpl_tree *t, size_t i,
                          const struct tmpl_ctx *ctx, int depth, const char **why)
{
    const struct tmpl_node *nd = &t->nodes[i];
    json_t *v = lookup(nd, ctx);
    int yes = v && truthy(v);
    if (nd->kind == TMPL_INVERTED) {
        if (yes)
            return 0;
        return render_nodes(out, t, i + 1, nd->end, ctx, depth, why);
    }
    if (!yes)
        return 0;
    struct tmpl_ctx inner = {.value = v, .up = ctx};
    if (!json_is_array(v))
        return render_nodes(out, t, i + 1, nd->end, &inner, depth, why);
    size_t k;
    json_t *el;
    json_array_foreach(v, k, el)
    {
        inner.value = el;
        int rc = render_nodes(out, t, i + 1, nd->end, &inner, depth, why);
        if (rc)
            return rc;
    }
    return 0;
}

static int render_nodes(struct buf *out, const struct tmpl_tree *t, size_t from, size_t to,
                        const struct tmpl_ctx *ctx, int depth, const char **why)
{
    int rc = 0;
    for (size_t i = from; i < to && rc == 0; i++) {
        const struct tmpl_node *nd = &t->nodes[i];
        switch (nd->kind) {
        case TMPL_TEXT:
            rc = buf_append(out, nd->text, nd->len);
            break;
        case TMPL_VAR:
        case TMPL_RAW: {
            json_t *v = lookup(nd, ctx);
            if (v)
                rc = put_value(out, v, nd->kind == TMPL_RAW);
            break;
        }
        case TMPL_SECTION:
        case TMPL_INVERTED:
            rc = render_section(out, t, i, ctx, depth, why);
            i = nd->end - 1;
            break;
        case TMPL_PARTIAL: {
            const struct tmpl_tree *p = &trees[nd->partial];
            if (p->rc) {
                *why = p->why;
                rc = p->rc;
            } else if (depth >= TMPL_PARTIAL_DEPTH) {
                rc = E_LIMIT;
            } else {
                rc = render_nodes(out, p, 0, p->n, ctx, depth + 1, why);
            }
            break;
        }
        }
    }
    return rc;
}

/* Renders t; on failure out is left as it was. */
static int render_tree(struct buf *out, const struct tmpl_tree *t, json_t *data, const char **why)
{
    struct tmpl_ctx top = {.value = data, .up = NULL};
    size_t start = out->len;
    int rc = render_nodes(out, t, 0, t->n, &top, 0, why);
    if (rc && out->data) {
        out->len = start;
        out->data[start] = '\0';
    }
    return rc;
}

int tmpl_render(struct buf *out, const char *name, json_t *data)
{
    size_t idx;
    if (!name || find_source(name, strlen(name), &idx) != 0)
        return E_NOTFOUND;
    pthread_once(&trees_once, trees_init);
    const struct tmpl_tree *t = &trees[idx];
    if (t->rc)
        return t->rc;
    const char *why = NULL;
    return render_tree(out, t, data, &why);
}

int tmpl_render_text(struct buf *out, const char *src, size_t len, json_t *data, const char **why)
{
    const char *w = NULL;
    struct tmpl_tree t = {0};
    pthread_once(&trees_once, trees_init);
    parse(&t, src, len);
    int rc = t.rc;
    if (rc)
        w = t.why;
    else
        rc = render_tree(out, &t, data, &w);
    tree_fini(&t);
    if (why)
        *why = rc == E_INVAL || rc == E_NOTFOUND ? w : NULL;
    return rc;
}

int tmpl_escape(struct buf *out, const char *s)
{
    if (!s)
        return 0;
    size_t start = out->len;
    int rc = escape_n(out, s, strlen(s));
    if (rc && out->data) {
        out->len = start;
        out->data[start] = '\0';
    }
    return rc;
}

const struct tmpl_asset *tmpl_asset(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < tmpl_assets_count; i++) {
        if (strcmp(tmpl_assets[i].name, name) == 0)
            return &tmpl_assets[i];
    }
    return NULL;
}
