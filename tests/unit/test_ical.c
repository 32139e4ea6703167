/*
 * test_ical: the iCalendar writer (util/ical.h): CRLF line ends, folding
 * at 75 octets without splitting a UTF-8 character, TEXT escaping and
 * UTC times.
 */
#include <stdlib.h>
#include <string.h>

#include "t.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/ical.h"

/* Every physical line of b: ends in CRLF, at most 75 octets, continuation lines start with a space.
 */
static int lines_ok(const char *s, size_t n)
{
    size_t start = 0;
    for (size_t i = 0; i + 1 < n; i++) {
        if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r'))
            return 0;
        if (s[i] == '\r') {
            if (s[i + 1] != '\n' || i - start > 75)
                return 0;
            start = i + 2;
        }
    }
    return n >= 2 && s[n - 2] == '\r' && s[n - 1] == '\n';
}

/* The logical text of b: CRLF + space removed (unfolded). */
static char *unfold(const char *s, size_t n)
{
    char *out = malloc(n + 1);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\r' && i + 2 < n && s[i + 1] == '\n' && s[i + 2] == ' ') {
            i += 2;
            continue;
        }
        out[o++] = s[i];
    }
    out[o] = '\0';
    return out;
}

TEST(escaping)
{
    struct buf b;
    buf_init(&b, 0);
    CHECK(ical_text(&b, "SUMMARY", "Dance, music; and a \\ backslash\nnext line") == 0);
    CHECK(strcmp(buf_cstr(&b), "SUMMARY:Dance\\, music\\; and a \\\\ backslash\\nnext line\r\n") ==
          0);
    buf_reset(&b);
    CHECK(ical_text(&b, "DESCRIPTION", "a\r\nb\rc\td\x01") == 0);
    CHECK(strcmp(buf_cstr(&b), "DESCRIPTION:a\\nb\\nc d\r\n") == 0);
    buf_fini(&b);
}

TEST(folding_ascii)
{
    struct buf b;
    buf_init(&b, 0);
    char text[301];
    memset(text, 'x', 300);
    text[300] = '\0';
    CHECK(ical_text(&b, "DESCRIPTION", text) == 0);
    CHECK(lines_ok(b.data, b.len));
    /* The first line is exactly 75 octets: "DESCRIPTION:" and 63 x. */
    CHECK(strncmp(b.data + 75, "\r\n ", 3) == 0);
    char *u = unfold(b.data, b.len);
    CHECK(strncmp(u, "DESCRIPTION:", 12) == 0);
    CHECK(strlen(u) == 12 + 300 + 2);
    free(u);
    buf_fini(&b);
}

TEST(folding_utf8)
{
    struct buf b;
    buf_init(&b, 0);
    /* 100 "é" (2 octets each): a fold never lands between the two octets. */
    char text[201];
    for (int i = 0; i < 100; i++)
        memcpy(text + 2 * i, "\xc3\xa9", 2);
    text[200] = '\0';
    CHECK(ical_text(&b, "SUMMARY", text) == 0);
    CHECK(lines_ok(b.data, b.len));
    for (size_t i = 0; i + 2 < b.len; i++)
        if (b.data[i] == '\r')
            CHECK((unsigned char)b.data[i + 3] !=
                  0xa9); /* the next line starts on a whole character */
    char *u = unfold(b.data, b.len);
    CHECK(strncmp(u + 8, text, 200) == 0);
    free(u);
    buf_fini(&b);
}

TEST(short_line_untouched)
{
    struct buf b;
    buf_init(&b, 0);
    CHECK(ical_line(&b, "BEGIN", NULL, "VCALENDAR") == 0);
    CHECK(ical_line(&b, "GEO", NULL, "50.6688162;-3.5377398") == 0);
    CHECK(strcmp(buf_cstr(&b), "BEGIN:VCALENDAR\r\nGEO:50.6688162;-3.5377398\r\n") == 0);
    buf_fini(&b);
}

TEST(times_in_utc)
{
    struct buf b;
    buf_init(&b, 0);
    CHECK(ical_utc(&b, "DTSTART", 1670785200000LL) == 0); /* 2022-12-11T19:00:00Z */
    CHECK(strcmp(buf_cstr(&b), "DTSTART:20221211T190000Z\r\n") == 0);
    buf_fini(&b);
}

TEST(cap_is_reported)
{
    struct buf b;
    buf_init(&b, 16);
    CHECK(ical_text(&b, "SUMMARY", "far more than sixteen bytes of text") == E_LIMIT);
    buf_fini(&b);
}

int main(void)
{
    RUN(escaping);
    RUN(folding_ascii);
    RUN(folding_utf8);
    RUN(short_line_untouched);
    RUN(times_in_utc);
    RUN(cap_is_reported);
    return t_done();
}
