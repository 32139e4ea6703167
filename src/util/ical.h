/*
 * ical: iCalendar (RFC 5545) text, written into a caller's buf.
 *
 * Every line ends in CRLF and is folded so that no line is longer than
 * 75 octets (a continuation starts with one space, and a UTF-8 sequence
 * is never split). TEXT values escape backslash, semicolon, comma and
 * newlines (RFC 5545 3.3.11); times are written in UTC ("...Z"), which needs no
 * VTIMEZONE. Functions return 0 or E_LIMIT when
 * the buf's cap is reached (the buf then holds a partial calendar).
 */
#ifndef HEARTH_UTIL_ICAL_H
#define HEARTH_UTIL_ICAL_H

#include <stdint.h>

struct buf;

/* Writes "NAME[;PARAMS]:VALUE" with VALUE as given (already a valid value), folded. */
int ical_line(struct buf *b, const char *name, const char *params, const char *value);
/* Writes a TEXT property: value escaped, folded; control characters but newlines dropped. */
int ical_text(struct buf *b, const char *name, const char *value);
/* Writes a DATE-TIME property in UTC: "NAME:20221211T190000Z". */
int ical_utc(struct buf *b, const char *name, int64_t ms);
/* Escapes a TEXT value into out (no folding): for tests and parameters. */
int ical_escape(struct buf *out, const char *value);

#endif
