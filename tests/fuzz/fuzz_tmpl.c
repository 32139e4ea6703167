/*
 * fuzz_tmpl: any bytes given to the template renderer as template text
 * either render or are refused cleanly (E_INVAL with a reason, E_NOTFOUND,
 * E_LIMIT), and a render never lets a data value through unescaped unless
 * the template asks for it with {{{ }}}.
 *
 * Checked on each input that renders:
 *   - without "{{" the output is the input itself;
 *   - without {{{ and without < > " ' & in the template, the output holds
 *     none of < > " ' and each & starts one of the five escapes (the data
 *     is full of them);
 *   - valid UTF-8 in gives valid UTF-8 out;
 *   - the same render again gives the same bytes, and into a buf with one
 *     byte too little room it fails with E_LIMIT, leaving the buf as it was.
 *
 * Lifetime: the data is built on the first input and kept for the run; each
 * input's bufs are freed before returning.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/err.h"
#include "util/utf8.h"
#include "web/tmpl.h"

/* Sections over a list of three, nested n deep, repeat 3^n times: keep n small. */
#define MAX_SECTIONS 8
#define OUT_CAP (1 << 20)

static json_t *data;

static const char data_json[] =
    "{\"s\": \"<q> & \\\"quoted\\\" 'single'\", \"n\": 42, \"neg\": -7, \"r\": 1.5,"
    " \"t\": true, \"f\": false, \"z\": null, \"e\": \"\", \"zero\": 0,"
    " \"l\": [\"x<\", 2, {\"s\": \"in>\", \"l\": []}, null], \"l0\": [],"
    " \"o\": {\"s\": \"o&\", \"l\": [\"'\"], \"o\": {\"s\": \"\\\"deep\"}},"
    " \"title\": \"<title>\", \"message\": \"&message;\", \"child\": false,"
    " \"label\": \"<label>\", \"owner\": \"'owner'\"}";

static const char *const entities[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&#39;"};

static int has(const char *s, size_t n, const char *needle)
{
    return memmem(s, n, needle, strlen(needle)) != NULL;
}

static void check_escaped(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '<' || s[i] == '>' || s[i] == '"' || s[i] == '\'')
            abort();
        if (s[i] == '&') {
            int ok = 0;
            for (size_t k = 0; k < sizeof(entities) / sizeof(entities[0]); k++) {
                size_t m = strlen(entities[k]);
                if (n - i >= m && memcmp(s + i, entities[k], m) == 0)
                    ok = 1;
            }
            if (!ok)
                abort();
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *bytes, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *bytes, size_t size)
{
    const char *src = size ? (const char *)bytes : "";
    if (!data) {
        json_error_t jerr;
        data = json_loads(data_json, 0, &jerr);
        if (!data)
            abort();
    }
    size_t sections = 0;
    for (size_t i = 0; i < size; i++)
        sections += src[i] == '#';
    if (sections > MAX_SECTIONS)
        return 0;

    struct buf out, again;
    buf_init(&out, OUT_CAP);
    buf_init(&again, OUT_CAP);
    const char *why = "unset";
    int rc = tmpl_render_text(&out, src, size, data, &why);
    if (rc == 0) {
        if (why != NULL)
            abort();
        if (!has(src, size, "{{") && (out.len != size || memcmp(buf_cstr(&out), src, size) != 0))
            abort();
        if (!has(src, size, "{{{") && !memchr(src, '<', size) && !memchr(src, '>', size) &&
            !memchr(src, '"', size) && !memchr(src, '\'', size) && !memchr(src, '&', size))
            check_escaped(buf_cstr(&out), out.len);
        if (utf8_valid(src, size) && !utf8_valid(buf_cstr(&out), out.len))
            abort();
        if (tmpl_render_text(&again, src, size, data, NULL) != 0 || again.len != out.len ||
            (out.len && memcmp(again.data, out.data, out.len) != 0))
            abort();
        if (out.len > 0) {
            struct buf small;
            buf_init(&small, out.len);
            buf_putc(&small, 'x');
            if (tmpl_render_text(&small, src, size, data, NULL) != E_LIMIT || small.len != 1 ||
                small.data[0] != 'x' || small.data[1] != '\0')
                abort();
            buf_fini(&small);
        }
    } else if (rc == E_INVAL || rc == E_NOTFOUND) {
        if (!why || out.len != 0)
            abort();
    } else if (rc == E_LIMIT) {
        if (why != NULL || out.len != 0)
            abort();
    } else {
        abort();
    }
    buf_fini(&out);
    buf_fini(&again);
    return 0;
}
