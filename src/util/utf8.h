/*
 * utf8: validation and counting of UTF-8 text.
 *
 * Valid means well-formed per RFC 3629: no overlong forms, no surrogates,
 * nothing above U+10FFFF. NUL bytes are treated as invalid in text.
 */
#ifndef HEARTH_UTIL_UTF8_H
#define HEARTH_UTIL_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* 1 if s[0..n) is valid UTF-8 text without NUL bytes, 0 otherwise. */
int utf8_valid(const char *s, size_t n);
/* Number of code points in valid UTF-8 text. */
size_t utf8_count(const char *s, size_t n);
/*
 * Decodes one code point at s (at most n bytes); returns its length in
 * bytes, or 0 if the sequence is invalid or truncated.
 */
size_t utf8_decode(const char *s, size_t n, uint32_t *cp);
/* Encodes cp into out (4 bytes room); returns the length, 0 if invalid. */
size_t utf8_encode(uint32_t cp, char *out);

#endif
