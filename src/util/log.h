/*
 * log: one logfmt line per event on stderr:
 *   ts=... level=info module=http req=3f2a msg="..."
 *
 * The module is the caller's LOG_MODULE macro (define it before including
 * this header; default "hearth"). The request id is per thread, set by the
 * HTTP layer for the duration of a request. Never log tokens, keys,
 * passwords or full signatures. fatal() is for start-up only: it logs and
 * exits with status 1.
 */
#ifndef HEARTH_UTIL_LOG_H
#define HEARTH_UTIL_LOG_H

#include <stdarg.h>

enum log_level {
    LOG_LEVEL_ERROR = 0,
    LOG_LEVEL_WARN = 1,
    LOG_LEVEL_INFO = 2,
    LOG_LEVEL_DEBUG = 3,
};

#ifndef LOG_MODULE
#define LOG_MODULE "hearth"
#endif

void log_set_level(enum log_level level);
/* Parses "error", "warn", "info", "debug"; 0 or E_INVAL. */
int log_level_parse(const char *s, enum log_level *out);
enum log_level log_get_level(void);
/* Sets this thread's request id (copied, up to 31 bytes); NULL clears it. */
void log_set_request_id(const char *id);

void log_write(enum log_level level, const char *module, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void log_vwrite(enum log_level level, const char *module, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
/* Writes one line made of preformatted logfmt fields (no msg quoting). */
void log_fields(enum log_level level, const char *module, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

_Noreturn void fatal_at(const char *module, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#define log_error(...) log_write(LOG_LEVEL_ERROR, LOG_MODULE, __VA_ARGS__)
#define log_warn(...) log_write(LOG_LEVEL_WARN, LOG_MODULE, __VA_ARGS__)
#define log_info(...) log_write(LOG_LEVEL_INFO, LOG_MODULE, __VA_ARGS__)
#define log_debug(...) log_write(LOG_LEVEL_DEBUG, LOG_MODULE, __VA_ARGS__)
#define fatal(...) fatal_at(LOG_MODULE, __VA_ARGS__)

#endif
