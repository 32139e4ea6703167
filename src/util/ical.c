/*
 * ical: iCalendar lines, escaped and folded (see ical.h).
 */
#include "util/ical.h"

#include <string.h>
#include <time.h>

#include "util/buf.h"
#include "util/err.h"

#define ICAL_FOLD 75 /* octets per line, CRLF not counted */

/* Appends the logical line s (n bytes) folded, then CRLF. */
static int put_folded(struct buf *b, const char *s, size_t n)
{
    size_t col = 0;
    for (size_t i = 0; i < n;) {
        size_t len = 1;
        unsigned char ch = (unsigned char)s[i];
        if (ch >= 0xF0)
            len = 4;
        else if (ch >= 0xE0)
            len = 3;
        else if (ch >= 0xC0)
            len = 2;
        if (i + len > n)
            len = n - i;
        if (col + len > ICAL_FOLD) {
            if (buf_append(b, "\r\n ", 3))
                return E_LIMIT;
            col = 1; /* the space counts */
        }
        if (buf_append(b, s + i, len))
            return E_LIMIT;
        col += len;
        i += len;
    }
    return buf_append(b, "\r\n", 2) ? E_LIMIT : 0;
}

int ical_escape(struct buf *out, const char *value)
{
    for (const char *p = value ? value : ""; *p; p++) {
        unsigned char ch = (unsigned char)*p;
        int rc = 0;
        if (ch == '\\' || ch == ';' || ch == ',') {
            char e[2] = {'\\', (char)ch};
            rc = buf_append(out, e, 2);
        } else if (ch == '\r') {
            if (p[1] != '\n')
                rc = buf_append(out, "\\n", 2);
        } else if (ch == '\n') {
            rc = buf_append(out, "\\n", 2);
        } else if (ch < 0x20 || ch == 0x7f) {
            if (ch == '\t')
                rc = buf_putc(out, ' ');
        } else {
            rc = buf_putc(out, (char)ch);
        }
        if (rc)
            return E_LIMIT;
    }
    return 0;
}

static int put_line(struct buf *b, const char *name, const char *params, const char *value,
                    int escape)
{
    struct buf line;
    buf_init(&line, 1 << 20);
    int rc = buf_puts(&line, name) ? E_LIMIT : 0;
    if (!rc && params && *params)
        rc = buf_putc(&line, ';') || buf_puts(&line, params) ? E_LIMIT : 0;
    if (!rc)
        rc = buf_putc(&line, ':') ? E_LIMIT : 0;
    if (!rc)
        rc = escape ? ical_escape(&line, value)
                    : (buf_puts(&line, value ? value : "") ? E_LIMIT : 0);
    if (!rc)
        rc = put_folded(b, buf_cstr(&line), line.len);
    buf_fini(&line);
    return rc;
}

int ical_line(struct buf *b, const char *name, const char *params, const char *value)
{
    return put_line(b, name, params, value, 0);
}

int ical_text(struct buf *b, const char *name, const char *value)
{
    return put_line(b, name, NULL, value, 1);
}

static void fmt_time(int64_t ms, int utc, char out[32])
{
    time_t t = (time_t)(ms / 1000);
    if (ms < 0 && ms % 1000)
        t--;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, utc ? "%Y%m%dT%H%M%SZ" : "%Y%m%dT%H%M%S", &tm);
}

int ical_utc(struct buf *b, const char *name, int64_t ms)
{
    char v[32];
    fmt_time(ms, 1, v);
    return put_line(b, name, NULL, v, 0);
}
