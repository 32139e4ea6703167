/*
 * Unit tests for src/util: arena, buf caps, utf8, ids, time.
 */
#include <stdlib.h>
#include <string.h>

#include "t.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/id.h"
#include "util/json_out.h"
#include "util/timeutil.h"
#include "util/utf8.h"

static int released;

static void count_release(void *p)
{
    released += *(int *)p;
}

TEST(arena_alloc_and_defer)
{
    struct arena *a = arena_new();
    char *s = arena_strdup(a, "hello");
    CHECK_STR(s, "hello");
    CHECK(arena_strdup(a, NULL) == NULL);
    CHECK_STR(arena_strndup(a, "abcdef", 3), "abc");
    CHECK_STR(arena_printf(a, "%d-%s", 42, "x"), "42-x");
    /* Many small and a few large allocations stay valid and aligned. */
    char *ptrs[1000];
    for (int i = 0; i < 1000; i++) {
        ptrs[i] = arena_alloc(a, (size_t)(i % 50) + 1);
        CHECK(((uintptr_t)ptrs[i] % 16) == 0);
        memset(ptrs[i], i & 0xff, (size_t)(i % 50) + 1);
    }
    char *big = arena_zalloc(a, 100000);
    CHECK(big[99999] == 0);
    for (int i = 0; i < 1000; i++)
        CHECK(ptrs[i][0] == (char)(i & 0xff));
    CHECK(arena_used(a) >= 100000);
    int *one = arena_alloc(a, sizeof(int));
    *one = 1;
    int *ten = arena_alloc(a, sizeof(int));
    *ten = 10;
    released = 0;
    arena_defer(a, count_release, one);
    arena_defer(a, count_release, ten);
    arena_free(a);
    CHECK_INT(released, 11);
    arena_free(NULL);
}

TEST(buf_cap_refuses_and_keeps_content)
{
    struct buf b;
    buf_init(&b, 10);
    CHECK_STR(buf_cstr(&b), "");
    CHECK_INT(buf_puts(&b, "12345"), 0);
    CHECK_INT(buf_printf(&b, "%d", 678), 0);
    CHECK_STR(buf_cstr(&b), "12345678");
    CHECK_INT(buf_puts(&b, "abc"), E_LIMIT);
    CHECK_STR(buf_cstr(&b), "12345678");
    CHECK_INT(buf_printf(&b, "%s", "xyz"), E_LIMIT);
    CHECK_INT((int)b.len, 8);
    CHECK_INT(buf_puts(&b, "ab"), 0);
    CHECK_INT(buf_putc(&b, 'c'), E_LIMIT);
    CHECK_INT((int)b.len, 10);
    char *s = buf_steal(&b);
    CHECK_STR(s, "12345678ab");
    free(s);
    CHECK_STR(buf_cstr(&b), "");
    buf_fini(&b);
}

TEST(buf_grows_past_initial_size)
{
    struct buf b;
    buf_init(&b, 0);
    for (int i = 0; i < 10000; i++)
        CHECK_INT(buf_putc(&b, (char)('a' + i % 26)), 0);
    CHECK_INT((int)b.len, 10000);
    CHECK(b.data[9999] == (char)('a' + 9999 % 26));
    CHECK(b.data[10000] == '\0');
    buf_reset(&b);
    CHECK_INT((int)b.len, 0);
    buf_fini(&b);
}

TEST(utf8_validation)
{
    CHECK(utf8_valid("hello", 5));
    CHECK(utf8_valid("caf\xc3\xa9", 5));
    CHECK(utf8_valid("\xf0\x9f\x98\x80", 4));  /* emoji */
    CHECK(!utf8_valid("\xc0\xaf", 2));         /* overlong '/' */
    CHECK(!utf8_valid("\xe0\x80\xaf", 3));     /* overlong */
    CHECK(!utf8_valid("\xed\xa0\x80", 3));     /* surrogate */
    CHECK(!utf8_valid("\xf4\x90\x80\x80", 4)); /* above U+10FFFF */
    CHECK(!utf8_valid("\xc3", 1));             /* truncated */
    CHECK(!utf8_valid("a\0b", 3));             /* NUL */
    CHECK(!utf8_valid("\xff", 1));
    CHECK_INT((int)utf8_count("caf\xc3\xa9 \xf0\x9f\x98\x80", 10), 6);
    char out[4];
    CHECK_INT((int)utf8_encode(0x1F600, out), 4);
    CHECK(memcmp(out, "\xf0\x9f\x98\x80", 4) == 0);
    CHECK_INT((int)utf8_encode(0xD800, out), 0);
}

TEST(ids_are_time_ordered_and_unique)
{
    int64_t prev = id_next();
    for (int i = 0; i < 100000; i++) {
        int64_t id = id_next();
        CHECK(id > prev);
        if (id <= prev)
            break;
        prev = id;
    }
    int64_t t = time_now_ms();
    int64_t id = id_next();
    CHECK(id_time_ms(id) >= t - 1000 && id_time_ms(id) <= t + 1000);
    /* An older timestamp always sorts below a newer one. */
    CHECK(id_for_time(1000000) < id_floor(1000001));
    CHECK(id_floor(5000) <= id_for_time(5000));
    char s[ID_STR_MAX];
    int64_t back = 0;
    CHECK_INT(id_from_str(id_to_str(id, s), &back), 0);
    CHECK(back == id);
    CHECK_INT(id_from_str("", &back), E_INVAL);
    CHECK_INT(id_from_str("-5", &back), E_INVAL);
    CHECK_INT(id_from_str("12a", &back), E_INVAL);
    CHECK_INT(id_from_str("99999999999999999999", &back), E_INVAL);
    CHECK_INT(id_from_str("9223372036854775807", &back), 0);
    CHECK_INT(id_from_str("9223372036854775808", &back), E_INVAL);
}

TEST(time_iso8601_roundtrip)
{
    char s[TIME_ISO_MAX];
    CHECK_STR(time_iso8601(0, s), "1970-01-01T00:00:00.000Z");
    CHECK_STR(time_iso8601(1795340963123LL, s), "2026-11-22T09:49:23.123Z");
    int64_t ms = 0;
    CHECK_INT(time_parse_iso8601("2026-11-22T09:49:23.123Z", &ms), 0);
    CHECK(ms == 1795340963123LL);
    CHECK_INT(time_parse_iso8601("2026-11-22T10:49:23+01:00", &ms), 0);
    CHECK(ms == 1795340963000LL);
    CHECK_INT(time_parse_iso8601("2026-11-22", &ms), E_INVAL);
    CHECK_INT(time_parse_iso8601("2026-13-22T00:00:00Z", &ms), E_INVAL);
    CHECK_INT(time_parse_iso8601("2026-11-22T00:00:00Zjunk", &ms), E_INVAL);
}

/* json_out writes exactly what json_dumps(JSON_COMPACT) writes. */
static int same_as_jansson(json_t *j)
{
    size_t len = 0;
    char *ours = json_out(j, &len);
    char *theirs = json_dumps(j, JSON_COMPACT);
    int same = ours && theirs && !strcmp(ours, theirs) && len == strlen(theirs);
    if (!same)
        fprintf(stderr, "  json_out %s\n  jansson  %s\n", ours ? ours : "(null)",
                theirs ? theirs : "(null)");
    free(ours);
    free(theirs);
    json_decref(j);
    return same;
}

TEST(json_out_matches_jansson)
{
    CHECK(same_as_jansson(json_object()));
    CHECK(same_as_jansson(json_array()));
    CHECK(same_as_jansson(json_pack("{s:i, s:I, s:I, s:I}", "a", 0, "b", (json_int_t)-1, "c",
                                    (json_int_t)INT64_MAX, "d", (json_int_t)INT64_MIN)));
    CHECK(same_as_jansson(
        json_pack("[b, b, n, f, f, f, f, f]", 1, 0, 1.0, 0.1, -2.5e300, 1e-7, 123456789.0e5)));
    CHECK(same_as_jansson(json_pack("{s:s, s:s, s:s}", "quote\"key", "back\\slash and \"quotes\"",
                                    "ctl", "\x01\b\f\n\r\t\x1f end", "utf8",
                                    "caf\xc3\xa9 \xe2\x80\xa8 \xf0\x9f\x94\xa5 </p>")));
    CHECK(same_as_jansson(json_pack("{s:[{s:[]}, {}, [[[i]]]], s:o}", "nested", "x", 1, "o",
                                    json_stringn("nul\0inside", 11))));
    /* Insertion order survives, as json_dumps keeps it. */
    json_t *o = json_object();
    for (int i = 0; i < 100; i++) {
        char k[16];
        snprintf(k, sizeof(k), "k%d", (i * 37) % 100);
        json_object_set_new(o, k, json_integer(i));
    }
    CHECK(same_as_jansson(o));
    /* Too deep, NULL and non-finite are refused. */
    json_t *deep = json_array();
    for (int i = 0; i < JSON_OUT_DEPTH_MAX + 2; i++) {
        json_t *up = json_array();
        json_array_append_new(up, deep);
        deep = up;
    }
    CHECK(json_out(deep, NULL) == NULL);
    json_decref(deep);
    CHECK(json_out(NULL, NULL) == NULL);
}

int main(void)
{
    RUN(arena_alloc_and_defer);
    RUN(buf_cap_refuses_and_keeps_content);
    RUN(buf_grows_past_initial_size);
    RUN(utf8_validation);
    RUN(ids_are_time_ordered_and_unique);
    RUN(time_iso8601_roundtrip);
    RUN(json_out_matches_jansson);
    return t_done();
}
