/*
 * timeutil: wall-clock time and ISO 8601 formatting and parsing (UTC).
 */
#ifndef HEARTH_UTIL_TIMEUTIL_H
#define HEARTH_UTIL_TIMEUTIL_H

#include <stdint.h>

#define TIME_ISO_MAX 64

/* Milliseconds since the epoch (wall clock). */
int64_t time_now_ms(void);
/* Microseconds from a monotonic clock, for durations. */
int64_t time_mono_us(void);
/* "2026-11-22T09:49:23.000Z" into out; returns out. */
char *time_iso8601(int64_t ms, char out[TIME_ISO_MAX]);
/* Parses ISO 8601 / RFC 3339 ("...Z" or "+hh:mm", optional fraction); 0 or E_INVAL. */
int time_parse_iso8601(const char *s, int64_t *ms);
/*
 * The offset an ISO 8601 time was written in, in minutes east of UTC
 * ("Z": 0, "+01:00": 60): 1 and *minutes, or 0 when it gives none.
 */
int time_iso8601_offset(const char *s, int *minutes);

#endif
