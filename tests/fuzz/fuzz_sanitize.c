/*
 * fuzz_sanitize: any bytes through the HTML sanitizer must give output that
 * the independent checker of sanitize_check.h accepts (valid UTF-8, only
 * allowlisted elements, attributes and URL schemes, balanced, escaped,
 * nested at most SANITIZE_MAX_DEPTH deep), and a plain-text rendering that
 * is valid UTF-8 and trimmed; only inputs over SANITIZE_MAX_INPUT may be
 * refused, with E_LIMIT and "". The first byte's low bit turns images on.
 *
 * Lifetime: one arena per input, freed before returning.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "content/sanitize.h"
#include "sanitize_check.h"
#include "util/arena.h"
#include "util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena *a = arena_new();
    struct sanitize_options opt = {.allow_images = size > 0 && (data[0] & 1)};
    const char *out = NULL;
    int rc = sanitize_html(a, (const char *)data, size, &opt, &out);
    if (!out)
        abort();
    if (rc == 0) {
        if (sanitize_check_html(out, opt.allow_images))
            abort();
    } else if (rc != E_LIMIT || size <= SANITIZE_MAX_INPUT || out[0] != '\0') {
        abort();
    }
    const char *txt = NULL;
    rc = sanitize_text(a, (const char *)data, size, &txt);
    if (!txt)
        abort();
    if (rc == 0) {
        if (sanitize_check_text(txt))
            abort();
    } else if (rc != E_LIMIT || size <= SANITIZE_MAX_INPUT || txt[0] != '\0') {
        abort();
    }
    arena_free(a);
    return 0;
}
