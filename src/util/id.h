/*
 * id: 64-bit time-ordered identifiers, serialized as decimal strings.
 *
 * Layout (as Mastodon's snowflake ids): the high 48 bits are milliseconds
 * since the Unix epoch, the low 16 bits a per-process sequence started at a
 * random value. Ids made later sort higher; ids made in the same
 * millisecond are distinct and increasing within one process. Thread-safe.
 */
#ifndef HEARTH_UTIL_ID_H
#define HEARTH_UTIL_ID_H

#include <stddef.h>
#include <stdint.h>

#define ID_STR_MAX 21 /* 20 digits and a NUL */

/* A new id for "now". */
int64_t id_next(void);
/* A new id for the given time (ms since the epoch), e.g. a remote post's date. */
int64_t id_for_time(int64_t ms);
/* The smallest id at a time: a bound for "since" queries. */
int64_t id_floor(int64_t ms);
/* The time part of an id, in ms since the epoch. */
int64_t id_time_ms(int64_t id);
/* Writes the decimal form into out (ID_STR_MAX bytes); returns out. */
char *id_to_str(int64_t id, char out[ID_STR_MAX]);
/* Parses a positive decimal id; 0 or E_INVAL (empty, sign, junk, overflow). */
int id_from_str(const char *s, int64_t *out);

#endif
