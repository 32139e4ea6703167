/*
 * Unit tests for content/blurhash: reference values for flat colours,
 * the layout of the hash, and what its components say about an image.
 */
#include <stdlib.h>
#include <string.h>

#include "content/blurhash.h"
#include "t.h"
#include "util/err.h"

static const char digits83[] =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~";

static long decode83(const char *s, int n)
{
    long v = 0;
    for (int i = 0; i < n; i++)
        v = v * 83 + (long)(strchr(digits83, s[i]) - digits83);
    return v;
}

static uint8_t *flat(int w, int h, uint8_t r, uint8_t g, uint8_t b)
{
    uint8_t *px = malloc((size_t)w * h * 3);
    for (int i = 0; i < w * h; i++) {
        px[3 * i] = r;
        px[3 * i + 1] = g;
        px[3 * i + 2] = b;
    }
    return px;
}

TEST(flat_colours_match_the_reference)
{
    char out[BLURHASH_MAX];
    uint8_t *white = flat(8, 6, 255, 255, 255);
    CHECK_INT(blurhash_encode(white, 8, 6, 8 * 3, 1, 1, out), 0);
    CHECK_STR(out, "00TSUA"); /* the well-known hash of plain white */
    uint8_t *black = flat(8, 6, 0, 0, 0);
    CHECK_INT(blurhash_encode(black, 8, 6, 8 * 3, 1, 1, out), 0);
    CHECK_STR(out, "000000");
    /* The DC term is the average colour as 24-bit sRGB. */
    uint8_t *red = flat(3, 3, 255, 0, 0);
    CHECK_INT(blurhash_encode(red, 3, 3, 3 * 3, 1, 1, out), 0);
    CHECK_INT(decode83(out + 2, 4), 0xff0000);
    free(white);
    free(black);
    free(red);
}

TEST(layout_and_components)
{
    char out[BLURHASH_MAX];
    /* Left half black, right half white: a strong horizontal component. */
    int w = 16, h = 8;
    uint8_t *px = flat(w, h, 0, 0, 0);
    for (int y = 0; y < h; y++)
        memset(px + ((size_t)y * w + w / 2) * 3, 255, (size_t)w / 2 * 3);
    CHECK_INT(blurhash_encode(px, w, h, (size_t)w * 3, 4, 3, out), 0);
    CHECK_INT(strlen(out), 4 + 2 + 2 * 11);
    CHECK_INT(out[0], digits83[3 + 2 * 9]); /* size flag */
    long dc = decode83(out + 2, 4);
    int grey = (int)(dc >> 16);
    /* The average of black and white in linear light is a light grey. */
    CHECK(grey > 180 && grey < 195);
    CHECK_INT(dc & 0xff, grey);
    /* First horizontal AC: the cosine is positive on the dark left, so it is negative. */
    long ac = decode83(out + 6, 2);
    CHECK(ac / (19 * 19) < 9);
    /* Grey in, grey out: every AC has equal red, green and blue. */
    for (int k = 0; k < 11; k++) {
        long v = decode83(out + 6 + 2 * k, 2);
        CHECK_INT(v / (19 * 19), v % 19);
        CHECK_INT(v / 19 % 19, v % 19);
    }
    /* A stride wider than the row is honoured. */
    uint8_t *padded = calloc((size_t)h, (size_t)w * 3 + 5);
    for (int y = 0; y < h; y++)
        memcpy(padded + (size_t)y * (w * 3 + 5), px + (size_t)y * w * 3, (size_t)w * 3);
    char again[BLURHASH_MAX];
    CHECK_INT(blurhash_encode(padded, w, h, (size_t)w * 3 + 5, 4, 3, again), 0);
    CHECK_STR(again, out);
    free(padded);
    free(px);
}

TEST(bad_arguments)
{
    char out[BLURHASH_MAX];
    uint8_t px[3] = {1, 2, 3};
    CHECK_INT(blurhash_encode(px, 0, 1, 3, 4, 3, out), E_INVAL);
    CHECK_INT(blurhash_encode(px, 1, 1, 3, 10, 3, out), E_INVAL);
    CHECK_INT(blurhash_encode(px, 1, 1, 3, 4, 0, out), E_INVAL);
    CHECK_INT(blurhash_encode(px, 1, 1, 2, 4, 3, out), E_INVAL);
    CHECK_STR(out, "");
    /* The longest hash fits. */
    uint8_t *big = flat(9, 9, 10, 200, 30);
    CHECK_INT(blurhash_encode(big, 9, 9, 27, 9, 9, out), 0);
    CHECK_INT(strlen(out), BLURHASH_MAX - 1);
    free(big);
}

int main(void)
{
    RUN(flat_colours_match_the_reference);
    RUN(layout_and_components);
    RUN(bad_arguments);
    return t_done();
}
