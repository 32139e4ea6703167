/*
 * json_out: writes a jansson tree as compact JSON text, byte for byte what
 * json_dumps(j, JSON_COMPACT) writes, several times faster: runs of plain
 * string bytes are copied whole and integers are formatted by hand. The
 * API's pages are mostly strings, and their serialization was the largest
 * single cost of a timeline request.
 */
#ifndef HEARTH_UTIL_JSON_OUT_H
#define HEARTH_UTIL_JSON_OUT_H

#include <stddef.h>

#include <jansson.h>

/* Nesting deeper than this is refused (NULL). */
#define JSON_OUT_DEPTH_MAX 64

/*
 * The text of j (borrowed), NUL-terminated, in a heap block the caller
 * frees; its length in *len. NULL (and nothing to free) when j is NULL,
 * nests too deep, or holds a real that is not finite.
 */
char *json_out(const json_t *j, size_t *len);

#endif
