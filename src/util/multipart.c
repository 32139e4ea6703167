/*
 * multipart: multipart/form-data parsing. The body is scanned once for
 * the delimiter "\r\n--boundary" (memmem); each part's header block is
 * read line by line under a byte cap, and only Content-Disposition and
 * Content-Type are interpreted. Anything RFC 7578 does not allow in a form
 * (folded headers, control characters, a part without a name, a missing
 * closing delimiter) is an error.
 */
#include "util/multipart.h"

#include <string.h>
#include <strings.h>

#include "util/arena.h"
#include "util/err.h"
#include "util/limits.h"

#define FORM_DATA "multipart/form-data"

/* RFC 2046 bchars, the space excluded (allowed only inside, checked apart). */
static int is_bchar(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           strchr("'()+_,-./:=?", c) != NULL;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t';
}

/*
 * Reads the next "; key=value" parameter of a header value at *p (a
 * NUL-terminated string) into key and value (arena copies; value unquoted).
 * Returns 1 when one was read, 0 at the end, E_INVAL when malformed.
 */
static int next_param(struct arena *a, const char **p, char **key, char **value)
{
    const char *s = *p;
    while (is_space(*s))
        s++;
    if (!*s)
        return 0;
    if (*s != ';')
        return E_INVAL;
    s++;
    while (is_space(*s))
        s++;
    const char *k = s;
    while (*s && *s != '=' && *s != ';' && !is_space(*s))
        s++;
    if (s == k || *s != '=')
        return E_INVAL;
    *key = arena_strndup(a, k, (size_t)(s - k));
    s++;
    if (*s == '"') {
        s++;
        size_t cap = strlen(s) + 1, o = 0;
        char *v = arena_alloc(a, cap);
        while (*s && *s != '"') {
            if (*s == '\\' && s[1])
                s++;
            v[o++] = *s++;
        }
        if (*s != '"')
            return E_INVAL; /* unterminated quoted string */
        s++;
        v[o] = '\0';
        *value = v;
    } else {
        const char *v = s;
        while (*s && *s != ';' && !is_space(*s))
            s++;
        *value = arena_strndup(a, v, (size_t)(s - v));
    }
    *p = s;
    return 1;
}

/* Skips "type/subtype" (case-insensitive) at the start of s; NULL when it differs. */
static const char *skip_type(const char *s, const char *type)
{
    size_t n = strlen(type);
    if (strncasecmp(s, type, n) != 0)
        return NULL;
    if (s[n] && s[n] != ';' && !is_space(s[n]))
        return NULL;
    return s + n;
}

int multipart_boundary(const char *content_type, char *out, size_t out_size)
{
    if (!content_type)
        return E_INVAL;
    const char *p = skip_type(content_type, FORM_DATA);
    if (!p)
        return E_INVAL;
    /* Parameters are parsed in a scratch arena: the header is small and capped. */
    struct arena *a = arena_new();
    int rc = E_INVAL, r;
    char *key, *value;
    while ((r = next_param(a, &p, &key, &value)) == 1) {
        if (strcasecmp(key, "boundary") != 0)
            continue;
        size_t n = strlen(value);
        if (n == 0 || n > LIMIT_MULTIPART_BOUNDARY_BYTES || n >= out_size || value[n - 1] == ' ') {
            rc = E_INVAL;
            goto out;
        }
        for (size_t i = 0; i < n; i++) {
            if (!is_bchar(value[i]) && value[i] != ' ') {
                rc = E_INVAL;
                goto out;
            }
        }
        memcpy(out, value, n + 1);
        rc = 0;
    }
    if (r < 0)
        rc = E_INVAL;
out:
    arena_free(a);
    return rc;
}

/* A header line may hold tabs but no other control character (and no NUL). */
static int line_ok(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x20 && c != '\t') || c == 0x7f)
            return 0;
    }
    return 1;
}

/* A name or file name: not empty (names), capped, no control characters. */
static int label_ok(const char *s, size_t max, int may_be_empty)
{
    size_t n = strlen(s);
    if ((n == 0 && !may_be_empty) || n > max)
        return 0;
    return line_ok(s, n);
}

/* Interprets Content-Disposition: form-data; name="..."[; filename="..."]. */
static int parse_disposition(struct arena *a, const char *v, struct multipart_part *part)
{
    const char *p = skip_type(v, "form-data");
    if (!p)
        return E_INVAL;
    char *key, *value;
    int r;
    while ((r = next_param(a, &p, &key, &value)) == 1) {
        if (!strcasecmp(key, "name")) {
            if (part->name || !label_ok(value, LIMIT_MULTIPART_NAME_BYTES, 0))
                return E_INVAL;
            part->name = value;
        } else if (!strcasecmp(key, "filename")) {
            if (part->filename || !label_ok(value, LIMIT_MULTIPART_FILENAME_BYTES, 1))
                return E_INVAL;
            part->filename = value;
        }
        /* Other parameters (filename*, size...) carry nothing a form needs. */
    }
    if (r < 0 || !part->name)
        return E_INVAL;
    return 0;
}

/*
 * Reads the header block of a part starting at body[*pos] (just after the
 * delimiter's line break) up to and including its empty line.
 */
static int parse_headers(struct arena *a, const char *body, size_t len, size_t *pos,
                         struct multipart_part *part)
{
    size_t start = *pos, at = *pos;
    int have_disposition = 0;
    for (;;) {
        const char *rest = body + at;
        size_t avail = len - at;
        const char *crlf = memmem(rest, avail, "\r\n", 2);
        if (!crlf)
            return E_INVAL;
        size_t n = (size_t)(crlf - rest);
        if (at + n + 2 - start > LIMIT_MULTIPART_HEADER_BYTES)
            return E_LIMIT;
        at += n + 2;
        if (n == 0)
            break; /* the empty line ends the headers */
        if (!line_ok(rest, n) || is_space(rest[0]))
            return E_INVAL; /* control characters, or an obsolete folded line */
        const char *colon = memchr(rest, ':', n);
        if (!colon || colon == rest)
            return E_INVAL;
        size_t name_len = (size_t)(colon - rest);
        for (size_t i = 0; i < name_len; i++) {
            if (is_space(rest[i]))
                return E_INVAL;
        }
        const char *v = colon + 1;
        const char *vend = rest + n;
        while (v < vend && is_space(*v))
            v++;
        while (vend > v && is_space(vend[-1]))
            vend--;
        char *value = arena_strndup(a, v, (size_t)(vend - v));
        if (name_len == 19 && !strncasecmp(rest, "Content-Disposition", 19)) {
            if (have_disposition)
                return E_INVAL;
            have_disposition = 1;
            int rc = parse_disposition(a, value, part);
            if (rc)
                return rc;
        } else if (name_len == 12 && !strncasecmp(rest, "Content-Type", 12)) {
            if (part->content_type || !*value)
                return E_INVAL;
            part->content_type = value;
        }
    }
    if (!have_disposition)
        return E_INVAL;
    *pos = at;
    return 0;
}

int multipart_parse(struct arena *a, const char *content_type, const char *body, size_t len,
                    struct multipart_part **parts, size_t *n)
{
    char boundary[LIMIT_MULTIPART_BOUNDARY_BYTES + 1];
    *parts = NULL;
    *n = 0;
    int rc = multipart_boundary(content_type, boundary, sizeof(boundary));
    if (rc)
        return rc;
    /* The delimiter is CRLF "--" boundary; the first one may open the body without CRLF. */
    char delim[LIMIT_MULTIPART_BOUNDARY_BYTES + 5];
    size_t blen = strlen(boundary);
    memcpy(delim, "\r\n--", 4);
    memcpy(delim + 4, boundary, blen);
    size_t dlen = blen + 4;
    size_t pos;
    if (len >= dlen - 2 && !memcmp(body, delim + 2, dlen - 2)) {
        pos = dlen - 2;
    } else {
        /* A preamble before the first delimiter is allowed and ignored. */
        const char *d = memmem(body, len, delim, dlen);
        if (!d)
            return E_INVAL;
        pos = (size_t)(d - body) + dlen;
    }
    struct multipart_part *list =
        arena_alloc(a, LIMIT_MULTIPART_PARTS * sizeof(struct multipart_part));
    size_t count = 0;
    for (;;) {
        if (len - pos >= 2 && body[pos] == '-' && body[pos + 1] == '-')
            break; /* the close delimiter; an epilogue after it is ignored */
        while (pos < len && is_space(body[pos]))
            pos++; /* transport padding */
        if (len - pos < 2 || body[pos] != '\r' || body[pos + 1] != '\n')
            return E_INVAL;
        pos += 2;
        if (count == LIMIT_MULTIPART_PARTS)
            return E_LIMIT;
        struct multipart_part *part = &list[count];
        memset(part, 0, sizeof(*part));
        rc = parse_headers(a, body, len, &pos, part);
        if (rc)
            return rc;
        const char *end = memmem(body + pos, len - pos, delim, dlen);
        if (!end)
            return E_INVAL; /* no delimiter closes this part */
        part->data = body + pos;
        part->len = (size_t)(end - (body + pos));
        if (!part->filename)
            part->text = arena_strndup(a, part->data, part->len);
        count++;
        pos = (size_t)(end - body) + dlen;
    }
    *parts = list;
    *n = count;
    return 0;
}
