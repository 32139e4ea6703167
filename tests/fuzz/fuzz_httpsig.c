/*
 * fuzz_httpsig: the signature header parser must read any headers without
 * crashing, and either refuse them cleanly (E_AUTH when there is no
 * signature, E_INVAL otherwise) or give a complete result that verifies or
 * fails cleanly with any key. The input is header lines ("Name: value"),
 * the request a POST whose body is the whole input. The first line is also
 * signed as an RFC 9421 component list: when that signs, reading the
 * signature back must give the same base and signature.
 *
 * Lifetime: one arena per input, freed before returning; the keys are made
 * once and kept for the whole run.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ap/httpsig.h"
#include "util/arena.h"
#include "util/err.h"

#define MAX_HEADERS 12
#define NOW 1618884473

static const char ed25519_pem[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF\n"
    "-----END PRIVATE KEY-----\n";
static const char rsa_pem[] = "-----BEGIN PUBLIC KEY-----\n"
                              "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDCFENGw33yGihy92pDjZQhl0C3\n"
                              "6rPJj+CvfSC8+q28hxA161QFNUd13wuCTUcq0Qd2qsBe/2hFyc2DCJJg0h1L78+6\n"
                              "Z4UMR7EOcpfdUE9Hf3m/hs+FUR45uBJeDK1HSFHD8bHKD6kv8FPGfJTotc+2xjJw\n"
                              "oYi+1hqp1fIekaxsyQIDAQAB\n"
                              "-----END PUBLIC KEY-----\n";

static struct httpsig_key *keys[3];

static void init_keys(void)
{
    if (keys[0])
        return;
    if (httpsig_key_from_secret("fuzz-secret", 11, &keys[0]) != 0 ||
        httpsig_key_from_pem(ed25519_pem, &keys[1]) != 0 ||
        httpsig_key_from_pem(rsa_pem, &keys[2]) != 0)
        abort();
}

static void check_parsed(const struct httpsig_parsed *p)
{
    if ((p->kind != HTTPSIG_CAVAGE && p->kind != HTTPSIG_RFC9421) || !p->key_id || !p->base ||
        !p->sig || p->sig_len == 0 || p->n_covered > HTTPSIG_COVERED_MAX ||
        (p->kind == HTTPSIG_RFC9421 && !p->label))
        abort();
    for (size_t i = 0; i < p->n_covered; i++) {
        if (!p->covered[i] || !p->covered[i][0])
            abort();
        for (const char *c = p->covered[i]; *c; c++) {
            if (*c >= 'A' && *c <= 'Z')
                abort();
        }
    }
    if (p->kind == HTTPSIG_CAVAGE && p->n_covered == 0)
        abort();
}

static void check_verify(const struct httpsig_request *r, const struct httpsig_parsed *p,
                         const uint8_t *data, size_t size)
{
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        int rc = httpsig_verify(r, p, keys[i], data, size, NOW);
        if (rc != 0 && rc != E_AUTH && rc != E_INVAL)
            abort();
        rc = httpsig_verify(r, p, keys[i], NULL, 0, NOW);
        if (rc != 0 && rc != E_AUTH && rc != E_INVAL)
            abort();
    }
}

/* Signs the first line as components, then reads the signature back. */
static void round_trip(struct arena *a, struct httpsig_request *r, const char *components)
{
    const char *input = NULL, *sig = NULL, *again = NULL;
    int rc = httpsig_sign_rfc9421(a, r, "sig1", components, ";created=1618884473;keyid=\"k\"",
                                  keys[0], &input, &sig);
    if (rc == E_INVAL)
        return;
    if (rc != 0 || !input || !sig)
        abort();
    struct httpsig_header h[MAX_HEADERS + 2];
    memcpy(h, r->headers, r->n_headers * sizeof(h[0]));
    /* Ours come first, so they are the ones read. */
    struct httpsig_request r2 = *r;
    size_t n = 0;
    h[n++] = (struct httpsig_header){"Signature-Input", input};
    h[n++] = (struct httpsig_header){"Signature", sig};
    for (size_t i = 0; i < r->n_headers; i++) {
        if (strcasecmp(r->headers[i].name, "signature") != 0 &&
            strcasecmp(r->headers[i].name, "signature-input") != 0)
            h[n++] = r->headers[i];
    }
    r2.headers = h;
    r2.n_headers = n;
    struct httpsig_parsed p;
    if (httpsig_parse(a, &r2, &p) != 0 || strcmp(p.label, "sig1") != 0)
        abort();
    check_parsed(&p);
    if (httpsig_sign_base(a, keys[0], p.base, strlen(p.base), &again) != 0 ||
        strlen(again) + 7 != strlen(sig) || strncmp(sig + 6, again, strlen(again)) != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    init_keys();
    struct arena *a = arena_new();
    char *text = arena_strndup(a, (const char *)data, size);
    struct httpsig_header h[MAX_HEADERS];
    struct httpsig_request r = {.method = "POST",
                                .scheme = "https",
                                .authority = "b.test",
                                .target = "/users/bob/inbox?x=1",
                                .headers = h};
    char *first = NULL;
    for (char *line = text; line && *line && r.n_headers < MAX_HEADERS;) {
        char *next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        if (!first)
            first = arena_strdup(a, line);
        char *colon = strchr(line, ':');
        if (colon && colon != line) {
            *colon = '\0';
            h[r.n_headers].name = line;
            h[r.n_headers].value = colon + 1;
            r.n_headers++;
        }
        line = next;
    }

    struct httpsig_parsed p;
    int rc = httpsig_parse(a, &r, &p);
    if (rc == 0) {
        check_parsed(&p);
        check_verify(&r, &p, data, size);
    } else if (rc != E_AUTH && rc != E_INVAL) {
        abort();
    }
    /* A component list naming the signature headers would cover what the round trip replaces. */
    if (first && !strcasestr(first, "signature"))
        round_trip(a, &r, first);

    /* Keys from the same bytes. */
    struct httpsig_key *k = NULL;
    if (httpsig_key_from_multibase(text, &k) == 0 && httpsig_key_alg(k) != HTTPSIG_ALG_ED25519)
        abort();
    httpsig_key_free(k);
    k = NULL;
    if (size > 10 && memcmp(data, "-----BEGIN", 10) == 0 && httpsig_key_from_pem(text, &k) == 0 &&
        httpsig_key_alg(k) == HTTPSIG_ALG_UNKNOWN)
        abort();
    httpsig_key_free(k);
    arena_free(a);
    return 0;
}
