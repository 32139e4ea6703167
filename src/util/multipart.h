/*
 * multipart: a strict parser for multipart/form-data bodies (RFC 7578).
 *
 * The boundary comes from the Content-Type header. Each part must carry a
 * Content-Disposition of form-data with a name; a filename makes it a file.
 * The number of parts, the size of each part's headers, names, file names
 * and the boundary are capped (util/limits.h). Malformed input is refused
 * with an error, never guessed at.
 *
 * Lifetime: names, file names and content types are copied into the arena;
 * a part's data points into the body, which must outlive the parts. Text
 * data is also available NUL-terminated (copied) through text.
 */
#ifndef HEARTH_UTIL_MULTIPART_H
#define HEARTH_UTIL_MULTIPART_H

#include <stddef.h>

struct arena;

struct multipart_part {
    const char *name;         /* the form field's name, never empty */
    const char *filename;     /* NULL for a plain field; may be "" for a file */
    const char *content_type; /* as sent, NULL when absent */
    const char *data;         /* borrowed from the body */
    size_t len;
    const char *text; /* NUL-terminated copy of data for plain fields, NULL for files */
};

/*
 * Reads the boundary parameter of a multipart/form-data Content-Type into
 * out (out_size bytes). 0, or E_INVAL when the type is not
 * multipart/form-data or the boundary is missing, too long or has
 * characters RFC 2046 does not allow.
 */
int multipart_boundary(const char *content_type, char *out, size_t out_size);

/*
 * Parses body (len bytes) with the boundary of content_type into *parts
 * (arena memory, *n entries, in order). 0; E_INVAL for a malformed body or
 * Content-Type; E_LIMIT when a cap is passed.
 */
int multipart_parse(struct arena *a, const char *content_type, const char *body, size_t len,
                    struct multipart_part **parts, size_t *n);

#endif
