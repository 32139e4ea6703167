/*
 * Unit tests for util/multipart and its use by req_arg / req_file: forms
 * as browsers, curl and Mastodon apps send them, and malformed bodies that
 * must be refused.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "t.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/limits.h"
#include "util/multipart.h"
#include "util/req.h"

#define CT "multipart/form-data; boundary=XyZ"

static int parse(struct arena *a, const char *ct, const char *body, struct multipart_part **p,
                 size_t *n)
{
    return multipart_parse(a, ct, body, strlen(body), p, n);
}

TEST(boundary_from_content_type)
{
    char b[LIMIT_MULTIPART_BOUNDARY_BYTES + 1];
    CHECK_INT(multipart_boundary("multipart/form-data; boundary=abc", b, sizeof(b)), 0);
    CHECK_STR(b, "abc");
    CHECK_INT(
        multipart_boundary("Multipart/Form-Data;boundary=\"a b:c\"; charset=utf-8", b, sizeof(b)),
        0);
    CHECK_STR(b, "a b:c");
    CHECK_INT(
        multipart_boundary("multipart/form-data; charset=x; boundary=----WebKit1", b, sizeof(b)),
        0);
    CHECK_STR(b, "----WebKit1");
    CHECK_INT(multipart_boundary("multipart/form-data", b, sizeof(b)), E_INVAL);
    CHECK_INT(multipart_boundary("multipart/mixed; boundary=abc", b, sizeof(b)), E_INVAL);
    CHECK_INT(multipart_boundary("multipart/form-datax; boundary=abc", b, sizeof(b)), E_INVAL);
    CHECK_INT(multipart_boundary("multipart/form-data; boundary=", b, sizeof(b)), E_INVAL);
    CHECK_INT(multipart_boundary("multipart/form-data; boundary=\"abc", b, sizeof(b)), E_INVAL);
    CHECK_INT(multipart_boundary("multipart/form-data; boundary=a<b", b, sizeof(b)), E_INVAL);
    CHECK_INT(multipart_boundary("multipart/form-data; boundary=\"ab \"", b, sizeof(b)), E_INVAL);
    char longb[200] = "multipart/form-data; boundary=";
    memset(longb + strlen(longb), 'a', 71);
    CHECK_INT(multipart_boundary(longb, b, sizeof(b)), E_INVAL);
    CHECK_INT(multipart_boundary(NULL, b, sizeof(b)), E_INVAL);
}

TEST(fields_and_files)
{
    struct arena *a = arena_new();
    struct multipart_part *p;
    size_t n;
    const char *body = "preamble to ignore\r\n"
                       "--XyZ\r\n"
                       "Content-Disposition: form-data; name=\"description\"\r\n"
                       "\r\n"
                       "A cat, asleep\r\n"
                       "--XyZ\r\n"
                       "content-disposition: form-data; name=\"file\"; filename=\"c\\\"at.jpg\"\r\n"
                       "Content-Type: image/jpeg\r\n"
                       "\r\n"
                       "\xff\xd8\xff\r\n--Xy\r\n"
                       "--XyZ  \r\n"
                       "Content-Disposition: form-data; name=empty\r\n"
                       "\r\n"
                       "\r\n"
                       "--XyZ--\r\n"
                       "epilogue";
    CHECK_INT(parse(a, CT, body, &p, &n), 0);
    CHECK_INT(n, 3);
    CHECK_STR(p[0].name, "description");
    CHECK(p[0].filename == NULL);
    CHECK_STR(p[0].text, "A cat, asleep");
    CHECK_STR(p[1].name, "file");
    CHECK_STR(p[1].filename, "c\"at.jpg");
    CHECK_STR(p[1].content_type, "image/jpeg");
    CHECK_INT(p[1].len, 9);
    CHECK(memcmp(p[1].data, "\xff\xd8\xff\r\n--Xy", 9) == 0);
    CHECK(p[1].text == NULL);
    CHECK_STR(p[2].name, "empty");
    CHECK_STR(p[2].text, "");
    /* No preamble, no final line break. */
    CHECK_INT(
        parse(a, CT, "--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--XyZ--", &p, &n),
        0);
    CHECK_INT(n, 1);
    CHECK_STR(p[0].text, "1");
    arena_free(a);
}

TEST(malformed_bodies_are_refused)
{
    struct arena *a = arena_new();
    struct multipart_part *p;
    size_t n;
    static const char *const bad[] = {
        "",
        "no delimiter at all",
        "--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\nunterminated",
        "--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--XyZ",
        "--XyZ\r\nContent-Disposition: form-data\r\n\r\n1\r\n--XyZ--",
        "--XyZ\r\nContent-Disposition: form-data; name=\"\"\r\n\r\n1\r\n--XyZ--",
        "--XyZ\r\nContent-Disposition: attachment; name=a\r\n\r\n1\r\n--XyZ--",
        "--XyZ\r\nContent-Type: text/plain\r\n\r\n1\r\n--XyZ--",
        "--XyZ\r\nContent-Disposition: form-data;\r\n name=a\r\n\r\n1\r\n--XyZ--",
        "--XyZ\r\nContent-Disposition: form-data; name=a; name=b\r\n\r\n1\r\n--XyZ--",
        "--XyZ\r\nContent-Disposition: form-data; name=\"a\r\n\r\n1\r\n--XyZ--",
        "--XyZ\r\nContent-Disposition: form-data; name=a\r\nBad Header: x\r\n\r\n1\r\n--XyZ--",
        "--XyZ\r\nContent-Disposition: form-data; name=a\r\nno colon\r\n\r\n1\r\n--XyZ--",
        "--XyZ\r\nContent-Disposition: form-data; name=a\r\nX: \x01\r\n\r\n1\r\n--XyZ--",
        "--XyZ\r\nContent-Disposition: form-data; name=a\nX: y\n\n1\r\n--XyZ--",
        "--XyZjunk\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--XyZ--",
        "--XyZ\r\nContent-Disposition: form-data; name=a\r\nContent-Disposition: form-data; "
        "name=b\r\n\r\n1\r\n--XyZ--",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int rc = parse(a, CT, bad[i], &p, &n);
        if (rc != E_INVAL)
            fprintf(stderr, "case %zu: %d\n", i, rc);
        CHECK_INT(rc, E_INVAL);
    }
    /* A NUL inside a header line. */
    const char nul[] = "--XyZ\r\nContent-Disposition: form-data; name=a\0b\r\n\r\n1\r\n--XyZ--";
    CHECK_INT(multipart_parse(a, CT, nul, sizeof(nul) - 1, &p, &n), E_INVAL);
    CHECK_INT(parse(a, "text/plain", "--XyZ--", &p, &n), E_INVAL);
    arena_free(a);
}

TEST(caps)
{
    struct arena *a = arena_new();
    struct multipart_part *p;
    size_t n;
    /* One part more than allowed. */
    char *body = malloc(64 * (LIMIT_MULTIPART_PARTS + 2));
    size_t o = 0;
    for (int i = 0; i <= LIMIT_MULTIPART_PARTS; i++)
        o += (size_t)snprintf(body + o, 64,
                              "--XyZ\r\nContent-Disposition: form-data; name=f\r\n\r\n"
                              "\r\n");
    memcpy(body + o, "--XyZ--", 8);
    CHECK_INT(parse(a, CT, body, &p, &n), E_LIMIT);
    free(body);
    /* Headers over the cap, a name over the cap. */
    size_t big = LIMIT_MULTIPART_HEADER_BYTES + 100;
    body = malloc(big + 200);
    o = (size_t)snprintf(body, 200, "--XyZ\r\nContent-Disposition: form-data; name=a\r\nX: ");
    memset(body + o, 'x', big);
    o += big;
    memcpy(body + o, "\r\n\r\n1\r\n--XyZ--", 15);
    CHECK_INT(parse(a, CT, body, &p, &n), E_LIMIT);
    o = (size_t)snprintf(body, 200, "--XyZ\r\nContent-Disposition: form-data; name=");
    memset(body + o, 'n', LIMIT_MULTIPART_NAME_BYTES + 1);
    o += LIMIT_MULTIPART_NAME_BYTES + 1;
    memcpy(body + o, "\r\n\r\n1\r\n--XyZ--", 15);
    CHECK_INT(parse(a, CT, body, &p, &n), E_INVAL);
    free(body);
    arena_free(a);
}

static const char *fake_header(void *conn, const char *name)
{
    return strcasecmp(name, "Content-Type") == 0 ? conn : NULL;
}

TEST(req_sees_text_fields_and_files)
{
    struct arena *a = arena_new();
    const char *body = "--XyZ\r\nContent-Disposition: form-data; name=\"media_ids[]\"\r\n\r\n12"
                       "\r\n--XyZ\r\nContent-Disposition: form-data; name=\"media_ids[]\"\r\n\r\n"
                       "34\r\n--XyZ\r\nContent-Disposition: form-data; name=avatar; "
                       "filename=a.png\r\n\r\nPNG!\r\n--XyZ--\r\n";
    struct req r = {.arena = a,
                    .query = "status=from+query&x=1",
                    .body = body,
                    .body_len = strlen(body),
                    .header_fn = fake_header,
                    .conn = (void *)CT};
    CHECK_STR(req_arg(&r, "media_ids[]"), "12");
    CHECK_STR(req_arg(&r, "x"), "1");
    CHECK(req_arg(&r, "avatar") == NULL);
    const struct multipart_part *f = req_file(&r, "avatar");
    CHECK(f != NULL);
    if (f) {
        CHECK_STR(f->filename, "a.png");
        CHECK_INT(f->len, 4);
    }
    CHECK(req_file(&r, "header") == NULL);
    CHECK_INT(r.form_error, 0);
    size_t ids = 0;
    for (size_t i = 0; i < r.n_args; i++)
        ids += strcmp(r.args[i].name, "media_ids[]") == 0;
    CHECK_INT(ids, 2);

    struct req bad = {.arena = a,
                      .query = "",
                      .body = "--XyZ\r\nbroken",
                      .body_len = 13,
                      .header_fn = fake_header,
                      .conn = (void *)CT};
    CHECK(req_arg(&bad, "x") == NULL);
    CHECK(req_file(&bad, "file") == NULL);
    CHECK_INT(bad.form_error, E_INVAL);
    arena_free(a);
}

int main(void)
{
    RUN(boundary_from_content_type);
    RUN(fields_and_files);
    RUN(malformed_bodies_are_refused);
    RUN(caps);
    RUN(req_sees_text_fields_and_files);
    return t_done();
}
