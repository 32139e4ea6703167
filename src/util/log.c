/*
 * log: logfmt lines on stderr. Each line is written with a single write(2)
 * so lines from several threads never interleave.
 */
#include "util/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "util/err.h"

static enum log_level current_level = LOG_LEVEL_INFO;
static _Thread_local char request_id[32];

static const char *level_names[] = {"error", "warn", "info", "debug"};

void log_set_level(enum log_level level)
{
    current_level = level;
}

enum log_level log_get_level(void)
{
    return current_level;
}

int log_level_parse(const char *s, enum log_level *out)
{
    for (int i = 0; i < 4; i++) {
        if (strcasecmp(s, level_names[i]) == 0) {
            *out = (enum log_level)i;
            return 0;
        }
    }
    return E_INVAL;
}

void log_set_request_id(const char *id)
{
    if (!id) {
        request_id[0] = '\0';
        return;
    }
    snprintf(request_id, sizeof(request_id), "%s", id);
}

static size_t prefix(char *line, size_t cap, enum log_level level, const char *module)
{
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    int n = snprintf(line, cap, "ts=%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ level=%s module=%s",
                     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                     ts.tv_nsec / 1000000, level_names[level], module);
    if (n < 0)
        return 0;
    size_t len = (size_t)n < cap ? (size_t)n : cap - 1;
    if (request_id[0]) {
        n = snprintf(line + len, cap - len, " req=%s", request_id);
        if (n > 0)
            len += (size_t)n < cap - len ? (size_t)n : cap - len - 1;
    }
    return len;
}

static void emit(char *line, size_t len, size_t cap)
{
    if (len >= cap - 1)
        len = cap - 2;
    line[len++] = '\n';
    ssize_t w = write(STDERR_FILENO, line, len);
    (void)w;
}

void log_vwrite(enum log_level level, const char *module, const char *fmt, va_list ap)
{
    if (level > current_level)
        return;
    char line[2048];
    char msg[1536];
    size_t len = prefix(line, sizeof(line), level, module);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    /* Quote the message the logfmt way: escape quotes, backslashes, newlines. */
    size_t cap = sizeof(line) - 2;
    const char *open = " msg=\"";
    for (const char *p = open; *p && len < cap; p++)
        line[len++] = *p;
    for (const char *p = msg; *p && len + 2 < cap; p++) {
        char c = *p;
        if (c == '"' || c == '\\') {
            line[len++] = '\\';
            line[len++] = c;
        } else if (c == '\n') {
            line[len++] = '\\';
            line[len++] = 'n';
        } else if ((unsigned char)c < 0x20) {
            line[len++] = ' ';
        } else {
            line[len++] = c;
        }
    }
    if (len < cap)
        line[len++] = '"';
    emit(line, len, sizeof(line));
}

void log_write(enum log_level level, const char *module, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_vwrite(level, module, fmt, ap);
    va_end(ap);
}

void log_fields(enum log_level level, const char *module, const char *fmt, ...)
{
    if (level > current_level)
        return;
    char line[2048];
    size_t len = prefix(line, sizeof(line), level, module);
    va_list ap;
    va_start(ap, fmt);
    line[len++] = ' ';
    int n = vsnprintf(line + len, sizeof(line) - len - 1, fmt, ap);
    va_end(ap);
    if (n > 0)
        len += (size_t)n < sizeof(line) - len - 1 ? (size_t)n : sizeof(line) - len - 2;
    emit(line, len, sizeof(line));
}

_Noreturn void fatal_at(const char *module, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_vwrite(LOG_LEVEL_ERROR, module, fmt, ap);
    va_end(ap);
    exit(1);
}
