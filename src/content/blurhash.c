/*
 * blurhash: encoder. The cost is width x height x components: callers
 * hand it a small preview (Hearth uses its 640-pixel thumbnail shrunk to
 * at most 64 pixels a side), never the original.
 */
#include "content/blurhash.h"

#include <math.h>
#include <string.h>

#include "util/err.h"

static const char digits83[] =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~";

static char *put83(char *p, long value, int length)
{
    for (int i = length - 1; i >= 0; i--) {
        p[i] = digits83[value % 83];
        value /= 83;
    }
    return p + length;
}

static double srgb_to_linear(uint8_t v)
{
    double c = v / 255.0;
    return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

static long linear_to_srgb(double v)
{
    if (v < 0)
        v = 0;
    if (v > 1)
        v = 1;
    if (v <= 0.0031308)
        return (long)(v * 12.92 * 255 + 0.5);
    return (long)((1.055 * pow(v, 1 / 2.4) - 0.055) * 255 + 0.5);
}

static double sign_pow(double v, double e)
{
    return copysign(pow(fabs(v), e), v);
}

static long quantise_ac(double v, double max)
{
    long q = (long)floor(sign_pow(v / max, 0.5) * 9 + 9.5);
    return q < 0 ? 0 : q > 18 ? 18 : q;
}

int blurhash_encode(const uint8_t *rgb, int width, int height, size_t stride, int x_comp,
                    int y_comp, char out[BLURHASH_MAX])
{
    out[0] = '\0';
    if (width < 1 || height < 1 || x_comp < 1 || x_comp > 9 || y_comp < 1 || y_comp > 9 ||
        stride < (size_t)width * 3)
        return E_INVAL;
    double linear[256], factors[81][3];
    for (int v = 0; v < 256; v++)
        linear[v] = srgb_to_linear((uint8_t)v);
    for (int j = 0; j < y_comp; j++) {
        for (int i = 0; i < x_comp; i++) {
            double r = 0, g = 0, b = 0;
            for (int y = 0; y < height; y++) {
                double by = cos(M_PI * j * y / height);
                const uint8_t *row = rgb + (size_t)y * stride;
                for (int x = 0; x < width; x++) {
                    double basis = cos(M_PI * i * x / width) * by;
                    r += basis * linear[row[3 * x]];
                    g += basis * linear[row[3 * x + 1]];
                    b += basis * linear[row[3 * x + 2]];
                }
            }
            double scale = (i == 0 && j == 0 ? 1.0 : 2.0) / ((double)width * height);
            double *f = factors[j * x_comp + i];
            f[0] = r * scale;
            f[1] = g * scale;
            f[2] = b * scale;
        }
    }
    int n_ac = x_comp * y_comp - 1;
    char *p = out;
    p = put83(p, (x_comp - 1) + (y_comp - 1) * 9, 1);
    double max_value = 1;
    if (n_ac > 0) {
        double actual = 0;
        for (int k = 1; k <= n_ac; k++) {
            for (int c = 0; c < 3; c++) {
                if (fabs(factors[k][c]) > actual)
                    actual = fabs(factors[k][c]);
            }
        }
        long qmax = (long)floor(actual * 166 - 0.5);
        qmax = qmax < 0 ? 0 : qmax > 82 ? 82 : qmax;
        max_value = (qmax + 1) / 166.0;
        p = put83(p, qmax, 1);
    } else {
        p = put83(p, 0, 1);
    }
    long dc = (linear_to_srgb(factors[0][0]) << 16) + (linear_to_srgb(factors[0][1]) << 8) +
              linear_to_srgb(factors[0][2]);
    p = put83(p, dc, 4);
    for (int k = 1; k <= n_ac; k++) {
        long v = quantise_ac(factors[k][0], max_value) * 19 * 19 +
                 quantise_ac(factors[k][1], max_value) * 19 + quantise_ac(factors[k][2], max_value);
        p = put83(p, v, 2);
    }
    *p = '\0';
    return 0;
}
