/*
 * tmpl: the HTML template renderer of Hearth's own pages.
 *
 * Templates are files in src/web/templates/ (NAME.html), compiled into the
 * binary at build time together with the static files of src/web/static/
 * (tools/embed-assets.sh); nothing is read from disk at run time. Each
 * template is parsed once, on first use, into a tree shared by every thread.
 *
 * The language is a small Mustache:
 *   {{name}}          the value, HTML-escaped (& < > " ' all escaped, so it
 *                     is safe in text and in quoted attributes); numbers
 *                     printed as numbers, true as "true", false, null and
 *                     missing values as nothing
 *   {{a.b.c}}         a dotted path: a looked up through the context stack
 *                     (innermost first), then b and c inside it
 *   {{.}}             the current element (inside a section over a list)
 *   {{{name}}}        the value unescaped: only for HTML that Hearth made
 *                     or that went through content/sanitize (post bodies,
 *                     formatted bios); data builders put nothing else there
 *   {{#name}}..{{/name}}  a section: over each element of a non-empty array
 *                     (each pushed on the context stack); once, with the
 *                     object pushed, for an object; once for any other
 *                     truthy value (a non-empty string, a non-zero number,
 *                     true); not at all for false, null, missing, "", 0
 *                     and [] (an empty object is truthy)
 *   {{^name}}..{{/name}}  an inverted section: once when name is falsy
 *   {{> other}}       the template other.html, rendered with the current
 *                     context stack (partials may nest, at most 16 deep)
 *   {{! comment }}    nothing
 * Whitespace inside the braces is ignored. Anything else between {{ and }}
 * is a template error, found when the template is parsed.
 *
 * Details: names are letters, digits, _ and -, joined by dots; an object or
 * array in {{name}} prints nothing; a section over a truthy scalar pushes it
 * (so {{.}} inside prints it); sections nest at most 64 deep in one
 * template; text outside tags, newlines included, is copied as it is (no
 * Mustache standalone-line trimming), and there is no way to write a
 * literal {{. A partial naming no template is found at parse time too.
 */
#ifndef HEARTH_WEB_TMPL_H
#define HEARTH_WEB_TMPL_H

#include <stddef.h>

#include <jansson.h>

struct buf;

/*
 * Appends template name (without ".html") rendered with data (borrowed;
 * any JSON value, normally an object) to out. 0; E_NOTFOUND for an unknown
 * template or partial; E_INVAL for a template that does not parse (logged
 * once with the template's name and line); E_LIMIT when out reaches its cap
 * or partials nest too deep. On failure out is left as it was.
 */
int tmpl_render(struct buf *out, const char *name, json_t *data);

/*
 * Parses template text src[0..len) and renders it with data, for tests and
 * the fuzzer: partials resolve to the compiled-in templates. Same results
 * as tmpl_render; *why (static) says what is wrong when E_INVAL (and
 * names the problem when E_NOTFOUND); NULL otherwise. why may be NULL.
 */
int tmpl_render_text(struct buf *out, const char *src, size_t len, json_t *data, const char **why);

/* Appends s (NUL-terminated, may be NULL) HTML-escaped as {{name}} does: 0 or E_LIMIT. */
int tmpl_escape(struct buf *out, const char *s);

/*
 * A compiled-in static file (src/web/static/NAME): its bytes, length, MIME
 * type and a short hash of its content (for cache-busting URLs such as
 * /static/style.css?v=HASH). NULL when there is no such file.
 */
struct tmpl_asset {
    const char *name;
    const unsigned char *data;
    size_t len;
    const char *type;
    const char *hash;
};
const struct tmpl_asset *tmpl_asset(const char *name);

#endif
