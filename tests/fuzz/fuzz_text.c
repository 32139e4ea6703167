/*
 * fuzz_text: the post formatter must turn any bytes into valid UTF-8 HTML
 * whose only tags are the ones it emits itself, with every '&' starting an
 * entity it wrote, or refuse them cleanly with E_UTF8 or E_LIMIT.
 *
 * Lifetime: one arena per input, freed before returning.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/text.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/limits.h"
#include "util/utf8.h"

/* Knows alice (local) and zoe anywhere; URLs with markup test attribute escaping. */
static const char *resolve(void *ctx, struct arena *a, const char *user, const char *domain)
{
    (void)ctx;
    if (!domain && !strcasecmp(user, "alice"))
        return "https://a.test/@alice";
    if (!strcasecmp(user, "zoe"))
        return arena_printf(a, "https://%s/@zoe?a=1&b=\"<x>'", domain ? domain : "a.test");
    return NULL;
}

static const char *const tags_ok[] = {"p>", "/p>", "br />", "a ", "/a>", "span", "/span>"};
static const char *const entities_ok[] = {"amp;", "lt;", "gt;", "quot;", "#39;"};

static int starts_with_one(const char *p, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (strncmp(p, list[i], strlen(list[i])) == 0)
            return 1;
    }
    return 0;
}

static size_t count(const char *s, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(s, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

static void check_html(const char *html)
{
    size_t n = strlen(html);
    if (!utf8_valid(html, n) && n > 0)
        abort();
    for (const char *p = strchr(html, '<'); p; p = strchr(p + 1, '<')) {
        if (!starts_with_one(p + 1, tags_ok, sizeof(tags_ok) / sizeof(tags_ok[0])))
            abort();
    }
    for (const char *p = strchr(html, '&'); p; p = strchr(p + 1, '&')) {
        if (!starts_with_one(p + 1, entities_ok, sizeof(entities_ok) / sizeof(entities_ok[0])))
            abort();
    }
    if (count(html, "<p>") != count(html, "</p>") || count(html, "<a ") != count(html, "</a>") ||
        count(html, "<span") != count(html, "</span>"))
        abort();
    if (n > 0 && (strncmp(html, "<p>", 3) != 0 || strcmp(html + n - 4, "</p>") != 0))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena *a = arena_new();
    struct text_options opt = {.base_url = "https://a.test",
                               .local_domain = "a.test",
                               .max_chars = 0,
                               .resolve_mention = resolve};
    struct text_result res;
    int rc = text_format(a, (const char *)data, size, &opt, &res);
    if (rc == 0) {
        check_html(res.html);
        if (res.n_mentions > LIMIT_MENTIONS || res.n_tags > LIMIT_HASHTAGS)
            abort();
        for (size_t i = 0; i < res.n_tags; i++) {
            for (const char *p = res.tags[i]; *p; p++) {
                if (*p >= 'A' && *p <= 'Z')
                    abort();
            }
            for (size_t j = 0; j < i; j++) {
                if (strcmp(res.tags[i], res.tags[j]) == 0)
                    abort();
            }
        }
        /* The length check agrees with the count: one less is refused, as counted. */
        if (res.chars > 0) {
            size_t chars = res.chars;
            opt.max_chars = (int)chars - 1;
            if (opt.max_chars > 0) {
                rc = text_format(a, (const char *)data, size, &opt, &res);
                if (rc != E_LIMIT || res.chars != chars || res.html[0] != '\0')
                    abort();
            }
        }
    } else if (rc == E_UTF8 || rc == E_LIMIT) {
        if (res.html[0] != '\0' || res.n_mentions != 0 || res.n_tags != 0)
            abort();
        if (rc == E_UTF8 && size <= LIMIT_STATUS_BYTES && utf8_valid((const char *)data, size))
            abort();
    } else {
        abort();
    }
    arena_free(a);
    return 0;
}
