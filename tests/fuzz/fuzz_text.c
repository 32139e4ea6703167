/*
 * fuzz_text: the post formatter must turn any bytes into valid UTF-8 HTML
 * whose only tags are the ones it emits itself, or refuse them cleanly.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/text.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/utf8.h"

static const char *resolve(void *ctx, struct arena *a, const char *user, const char *domain)
{
    (void)ctx;
    if (!strcasecmp(user, "alice") || (domain && !strcasecmp(user, "zoe")))
        return arena_printf(a, "https://a.test/@%s\"<x>", user);
    return NULL;
}

static const char *allowed[] = {"p>", "/p>", "br />", "a href=", "/a>", "span", "/span>"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena *a = arena_new();
    struct text_options opt = {.base_url = "https://a.test",
                               .local_domain = "a.test",
                               .max_chars = 500,
                               .resolve_mention = resolve};
    struct text_result res;
    int rc = text_format(a, (const char *)data, size, &opt, &res);
    if (rc == 0) {
        size_t n = strlen(res.html);
        if (!utf8_valid(res.html, n) && n > 0)
            abort();
        for (const char *p = strchr(res.html, '<'); p; p = strchr(p + 1, '<')) {
            int ok = 0;
            for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
                ok |= strncmp(p + 1, allowed[i], strlen(allowed[i])) == 0;
            if (!ok)
                abort();
        }
        if (res.chars > 500)
            abort();
    } else if (rc != E_UTF8 && rc != E_LIMIT) {
        abort();
    }
    arena_free(a);
    return 0;
}
