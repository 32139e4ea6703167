/*
 * fuzz_multipart: any bytes as a multipart/form-data body (and, when the
 * input starts with a "Content-Type: ...\n" line, any Content-Type) must
 * parse into parts that lie inside the body and respect every cap, or be
 * refused with E_INVAL or E_LIMIT.
 *
 * Lifetime: one arena per input, freed before returning.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/err.h"
#include "util/limits.h"
#include "util/multipart.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena *a = arena_new();
    const char *body = (const char *)data;
    const char *ct = "multipart/form-data; boundary=XyZ";
    static const char prefix[] = "Content-Type: ";
    if (size > sizeof(prefix) && !memcmp(data, prefix, sizeof(prefix) - 1)) {
        const uint8_t *nl = memchr(data, '\n', size);
        if (nl) {
            size_t n = (size_t)(nl - data) - (sizeof(prefix) - 1);
            ct = arena_strndup(a, body + sizeof(prefix) - 1, n);
            body = (const char *)nl + 1;
            size -= (size_t)(nl + 1 - data);
        }
    }
    /* A private copy, so that reading past the body is caught by ASan. */
    char *copy = malloc(size ? size : 1);
    memcpy(copy, body, size);
    struct multipart_part *parts;
    size_t n;
    int rc = multipart_parse(a, ct, copy, size, &parts, &n);
    if (rc == 0) {
        if (n > LIMIT_MULTIPART_PARTS)
            abort();
        for (size_t i = 0; i < n; i++) {
            const struct multipart_part *p = &parts[i];
            size_t nl = strlen(p->name);
            if (nl == 0 || nl > LIMIT_MULTIPART_NAME_BYTES)
                abort();
            if (p->filename && strlen(p->filename) > LIMIT_MULTIPART_FILENAME_BYTES)
                abort();
            if (p->data < copy || p->data + p->len > copy + size)
                abort();
            if (!p->filename && (!p->text || strlen(p->text) > p->len))
                abort();
            if (p->filename && p->text)
                abort();
        }
    } else if (rc != E_INVAL && rc != E_LIMIT) {
        abort();
    }
    free(copy);
    arena_free(a);
    return 0;
}
