/*
 * json_out: a compact JSON writer for jansson trees (see json_out.h).
 * Strings are escaped as jansson escapes them: quote, backslash and the
 * control characters below 0x20 (with the short forms \b \f \n \r \t),
 * nothing else; jansson strings are valid UTF-8, written as they are.
 */
#include "util/json_out.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

struct out {
    char *p;
    size_t len, cap;
};

static void reserve(struct out *o, size_t n)
{
    if (o->len + n <= o->cap)
        return;
    /* Pages of entities run to tens of kilobytes: start big, grow rarely. */
    size_t cap = o->cap ? o->cap : 65536;
    while (cap < o->len + n)
        cap *= 2;
    o->p = xrealloc(o->p, cap);
    o->cap = cap;
}

static void put(struct out *o, const char *s, size_t n)
{
    reserve(o, n);
    memcpy(o->p + o->len, s, n);
    o->len += n;
}

static void putc1(struct out *o, char c)
{
    reserve(o, 1);
    o->p[o->len++] = c;
}

/* 1 for the bytes a JSON string must escape. */
static const unsigned char needs_escape[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,         1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1 /* " */, ['\\'] = 1,
};

static void put_string(struct out *o, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    putc1(o, '"');
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (!needs_escape[ch])
            continue;
        put(o, s + run, i - run);
        run = i + 1;
        char e[6] = {'\\', 0, 0, 0, 0, 0};
        size_t el = 2;
        switch (ch) {
        case '"':
            e[1] = '"';
            break;
        case '\\':
            e[1] = '\\';
            break;
        case '\b':
            e[1] = 'b';
            break;
        case '\f':
            e[1] = 'f';
            break;
        case '\n':
            e[1] = 'n';
            break;
        case '\r':
            e[1] = 'r';
            break;
        case '\t':
            e[1] = 't';
            break;
        default:
            e[1] = 'u';
            e[2] = '0';
            e[3] = '0';
            e[4] = hex[ch >> 4];
            e[5] = hex[ch & 15];
            el = 6;
        }
        put(o, e, el);
    }
    put(o, s + run, n - run);
    putc1(o, '"');
}

static void put_integer(struct out *o, json_int_t v)
{
    char tmp[24];
    size_t i = sizeof(tmp);
    /* Unsigned arithmetic: the most negative value has no positive twin. */
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do {
        tmp[--i] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        tmp[--i] = '-';
    put(o, tmp + i, sizeof(tmp) - i);
}

static int put_real(struct out *o, double d)
{
    if (!isfinite(d))
        return -1;
    char tmp[40];
    int n = snprintf(tmp, sizeof(tmp), "%.17g", d);
    if (n <= 0 || (size_t)n >= sizeof(tmp))
        return -1;
    /* As jansson writes an exponent: no '+', no leading zeros ("1e300", "1e-5"). */
    char *e = strchr(tmp, 'e');
    if (e) {
        char *digits = e + 1, *w;
        if (*digits == '-')
            digits++;
        w = digits;
        char *r = digits;
        if (*r == '+') {
            w = e + 1;
            r++;
        }
        while (*r == '0' && r[1])
            r++;
        memmove(w, r, strlen(r) + 1);
        n = (int)strlen(tmp);
    }
    put(o, tmp, (size_t)n);
    /* jansson keeps a real looking like one: "1.0", not "1". */
    if (!strpbrk(tmp, ".eE"))
        put(o, ".0", 2);
    return 0;
}

static int put_value(struct out *o, const json_t *j, int depth)
{
    if (depth > JSON_OUT_DEPTH_MAX)
        return -1;
    switch (json_typeof(j)) {
    case JSON_OBJECT: {
        putc1(o, '{');
        int first = 1;
        /* jansson iterates in insertion order, as json_dumps writes. */
        for (void *it = json_object_iter((json_t *)j); it;
             it = json_object_iter_next((json_t *)j, it)) {
            if (!first)
                putc1(o, ',');
            first = 0;
            const char *key = json_object_iter_key(it);
            put_string(o, key, strlen(key));
            putc1(o, ':');
            if (put_value(o, json_object_iter_value(it), depth + 1))
                return -1;
        }
        putc1(o, '}');
        return 0;
    }
    case JSON_ARRAY: {
        putc1(o, '[');
        size_t n = json_array_size(j);
        for (size_t i = 0; i < n; i++) {
            if (i)
                putc1(o, ',');
            if (put_value(o, json_array_get(j, i), depth + 1))
                return -1;
        }
        putc1(o, ']');
        return 0;
    }
    case JSON_STRING:
        put_string(o, json_string_value(j), json_string_length(j));
        return 0;
    case JSON_INTEGER:
        put_integer(o, json_integer_value(j));
        return 0;
    case JSON_REAL:
        return put_real(o, json_real_value(j));
    case JSON_TRUE:
        put(o, "true", 4);
        return 0;
    case JSON_FALSE:
        put(o, "false", 5);
        return 0;
    case JSON_NULL:
        put(o, "null", 4);
        return 0;
    }
    return -1;
}

char *json_out(const json_t *j, size_t *len)
{
    struct out o = {0};
    if (!j || put_value(&o, j, 0)) {
        free(o.p);
        return NULL;
    }
    putc1(&o, '\0');
    if (len)
        *len = o.len - 1;
    return o.p;
}
