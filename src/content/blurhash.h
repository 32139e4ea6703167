/*
 * blurhash: the BlurHash encoding of an image (https://blurha.sh), a short
 * text that apps turn into a blurred placeholder while the image loads.
 *
 * The image is 8-bit sRGB, three bytes per pixel. The hash is a DCT of the
 * image in linear light reduced to x by y components (1 to 9 each), the DC
 * term as 24-bit sRGB and the AC terms quantised, written in base 83.
 */
#ifndef HEARTH_CONTENT_BLURHASH_H
#define HEARTH_CONTENT_BLURHASH_H

#include <stddef.h>
#include <stdint.h>

/* Longest hash with its NUL: size flag, maximum, DC, 80 AC terms (9 x 9 components). */
#define BLURHASH_MAX (1 + 1 + 4 + 2 * 80 + 1)

/*
 * Encodes width x height pixels (rgb, stride bytes per row) with x_comp by
 * y_comp components into out (BLURHASH_MAX bytes). 0, or E_INVAL for bad
 * sizes or component counts.
 */
int blurhash_encode(const uint8_t *rgb, int width, int height, size_t stride, int x_comp,
                    int y_comp, char out[BLURHASH_MAX]);

#endif
