/*
 * timeutil: clocks and ISO 8601.
 */
#include "util/timeutil.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util/err.h"

int64_t time_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t time_mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

char *time_iso8601(int64_t ms, char out[TIME_ISO_MAX])
{
    time_t secs = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    snprintf(out, TIME_ISO_MAX, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ms % 1000));
    return out;
}

static int digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9')
            return E_INVAL;
        v = v * 10 + (c - '0');
    }
    *p += n;
    *out = v;
    return 0;
}

int time_parse_iso8601(const char *s, int64_t *ms)
{
    const char *p = s;
    int y, mo, d, h, mi, sec, frac = 0;
    if (digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) || *p++ != '-' || digits(&p, 2, &d))
        return E_INVAL;
    if (*p != 'T' && *p != 't' && *p != ' ')
        return E_INVAL;
    p++;
    if (digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi) || *p++ != ':' ||
        digits(&p, 2, &sec))
        return E_INVAL;
    if (*p == '.') {
        p++;
        int n = 0;
        while (*p >= '0' && *p <= '9') {
            if (n < 3)
                frac = frac * 10 + (*p - '0');
            n++;
            p++;
        }
        if (n == 0)
            return E_INVAL;
        for (; n < 3; n++)
            frac *= 10;
    }
    int offset = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int sign = *p == '-' ? -1 : 1;
        int oh, om;
        p++;
        if (digits(&p, 2, &oh))
            return E_INVAL;
        if (*p == ':')
            p++;
        if (digits(&p, 2, &om))
            return E_INVAL;
        offset = sign * (oh * 60 + om);
    } else {
        return E_INVAL;
    }
    if (*p != '\0')
        return E_INVAL;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
        return E_INVAL;
    struct tm tm;
    memset(&tm, 0, sizeof(tm));
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    time_t t = timegm(&tm);
    *ms = ((int64_t)t - (int64_t)offset * 60) * 1000 + frac;
    return 0;
}

int time_iso8601_offset(const char *s, int *minutes)
{
    const char *t = s ? strchr(s, 'T') : NULL;
    if (!t)
        return 0;
    size_t n = strlen(t);
    if (n && (t[n - 1] == 'Z' || t[n - 1] == 'z')) {
        *minutes = 0;
        return 1;
    }
    const char *sign = strrchr(t, '+');
    if (!sign)
        sign = strrchr(t, '-');
    if (!sign || strlen(sign) < 3)
        return 0;
    const char *p = sign + 1;
    if (p[0] < '0' || p[0] > '9' || p[1] < '0' || p[1] > '9')
        return 0;
    int h = (p[0] - '0') * 10 + (p[1] - '0'), m = 0;
    p += 2;
    if (*p == ':')
        p++;
    if (p[0] >= '0' && p[0] <= '9' && p[1] >= '0' && p[1] <= '9')
        m = (p[0] - '0') * 10 + (p[1] - '0');
    if (h > 18 || m > 59)
        return 0;
    *minutes = (*sign == '-' ? -1 : 1) * (h * 60 + m);
    return 1;
}
