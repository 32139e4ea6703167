/*
 * Unit tests for ap/httpsig: the deterministic vectors of RFC 9421
 * (B.2.5 hmac-sha256, B.2.6 ed25519) and draft-cavage-http-signatures-12
 * (C.1, C.2, C.3 with its test RSA key) reproduced byte for byte, round
 * trips with fresh keys, the verifier's refusals (tampered body, wrong key,
 * stale Date, uncovered digest), hostile headers, multibase keys, and a
 * cross-check with python3-httpsig when it is installed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "ap/httpsig.h"
#include "core/keys.h"
#include "t.h"
#include "util/arena.h"
#include "util/err.h"

/* ---- a request to sign or check ---- */

struct fx {
    struct httpsig_header h[16];
    struct httpsig_request r;
};

static void fx_init(struct fx *f, const char *method, const char *authority, const char *target)
{
    memset(f, 0, sizeof(*f));
    f->r.method = method;
    f->r.scheme = "https";
    f->r.authority = authority;
    f->r.target = target;
    f->r.headers = f->h;
}

static void fx_add(struct fx *f, const char *name, const char *value)
{
    if (f->r.n_headers < sizeof(f->h) / sizeof(f->h[0])) {
        f->h[f->r.n_headers].name = name;
        f->h[f->r.n_headers].value = value;
        f->r.n_headers++;
    }
}

/* Replaces the first header called name (or adds it). */
static void fx_set(struct fx *f, const char *name, const char *value)
{
    for (size_t i = 0; i < f->r.n_headers; i++) {
        if (strcmp(f->h[i].name, name) == 0) {
            f->h[i].value = value;
            return;
        }
    }
    fx_add(f, name, value);
}

static const char *http_date(struct arena *a, time_t t)
{
    struct tm tm;
    char out[64];
    gmtime_r(&t, &tm);
    strftime(out, sizeof(out), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return arena_strdup(a, out);
}

/* ---- RFC 9421 Appendix B ---- */

static const char body_hello[] = "{\"hello\": \"world\"}";

/* B.1.4 test-key-ed25519. */
static const char ed25519_private_pem[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF\n"
    "-----END PRIVATE KEY-----\n";
static const char ed25519_public_pem[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MCowBQYDK2VwAyEAJrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=\n"
    "-----END PUBLIC KEY-----\n";
/* The same public key as a Multikey: base58btc of 0xed 0x01 and its 32 bytes. */
static const char ed25519_multibase[] = "z6Mkh4LmfP1ev9MNPGr7JbEbtD6BD4fsu1duEj83PMCs3xHG";

/* B.1.5 test-shared-secret, base64. */
static const char shared_secret_b64[] =
    "uzvJfB4u3N0Jy4T7NZ75MDVcr8zSTInedJtkgcu46YW4XByzNJjxBdtjUkdJPBtbmHhIDi6pcl8jsasjlTMtDQ==";

/* B.1.1 test-key-rsa, public half, PKCS#1. */
static const char rsa_rfc_public_pem[] =
    "-----BEGIN RSA PUBLIC KEY-----\n"
    "MIIBCgKCAQEAhAKYdtoeoy8zcAcR874L8cnZxKzAGwd7v36APp7Pv6Q2jdsPBRrw\n"
    "WEBnez6d0UDKDwGbc6nxfEXAy5mbhgajzrw3MOEt8uA5txSKobBpKDeBLOsdJKFq\n"
    "MGmXCQvEG7YemcxDTRPxAleIAgYYRjTSd/QBwVW9OwNFhekro3RtlinV0a75jfZg\n"
    "kne/YiktSvLG34lw2zqXBDTC5NHROUqGTlML4PlNZS5Ri2U4aCNx2rUPRcKIlE0P\n"
    "uKxI4T+HIaFpv8+rdV6eUgOrB2xeI1dSFFn/nnv5OoZJEIB+VmuKn3DCUcCZSFlQ\n"
    "PSXSfBDiUGhwOw76WuSSsf1D4b/vLoJ10wIDAQAB\n"
    "-----END RSA PUBLIC KEY-----\n";

#define RFC_CREATED 1618884473

/* The test-request of section B.2. */
static void rfc_request(struct fx *f)
{
    fx_init(f, "POST", "example.com", "/foo?param=Value&Pet=dog");
    fx_add(f, "Host", "example.com");
    fx_add(f, "Date", "Tue, 20 Apr 2021 02:07:55 GMT");
    fx_add(f, "Content-Type", "application/json");
    fx_add(f, "Content-Digest",
           "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnr"
           "IiYllu7BNNyealdVLvRwEmTHWXvJwew==:");
    fx_add(f, "Content-Length", "18");
}

static struct httpsig_key *shared_secret_key(void)
{
    unsigned char raw[96];
    struct httpsig_key *k = NULL;
    int n = EVP_DecodeBlock(raw, (const unsigned char *)shared_secret_b64,
                            (int)strlen(shared_secret_b64));
    CHECK_INT(n, 66); /* 64 bytes and two of padding */
    CHECK_INT(httpsig_key_from_secret(raw, 64, &k), 0);
    return k;
}

TEST(rfc9421_b25_hmac_sha256)
{
    struct arena *a = arena_new();
    struct httpsig_key *k = shared_secret_key();
    struct fx f;
    const char *input = NULL, *sig = NULL, *again = NULL;
    rfc_request(&f);
    CHECK_INT(httpsig_key_alg(k), HTTPSIG_ALG_HMAC_SHA256);
    CHECK_INT(httpsig_sign_rfc9421(a, &f.r, "sig-b25", "\"date\" \"@authority\" \"content-type\"",
                                   ";created=1618884473;keyid=\"test-shared-secret\"", k, &input,
                                   &sig),
              0);
    CHECK_STR(input, "sig-b25=(\"date\" \"@authority\" \"content-type\")"
                     ";created=1618884473;keyid=\"test-shared-secret\"");
    CHECK_STR(sig, "sig-b25=:pxcQw6G3AjtMBQjwo8XzkZf/bws5LelbaMk5rGIGtE8=:");

    /* Read back: the base of the RFC, and the MAC recomputed over it is the one sent. */
    struct httpsig_parsed p;
    fx_add(&f, "Signature-Input", input);
    fx_add(&f, "Signature", sig);
    CHECK_INT(httpsig_parse(a, &f.r, &p), 0);
    CHECK_INT(p.kind, HTTPSIG_RFC9421);
    CHECK_STR(p.label, "sig-b25");
    CHECK_STR(p.key_id, "test-shared-secret");
    CHECK_INT(p.alg, HTTPSIG_ALG_UNKNOWN);
    CHECK_INT(p.created, RFC_CREATED);
    CHECK_INT(p.expires, -1);
    CHECK_INT(p.n_covered, 3);
    if (p.n_covered == 3) {
        CHECK_STR(p.covered[0], "date");
        CHECK_STR(p.covered[1], "@authority");
        CHECK_STR(p.covered[2], "content-type");
    }
    CHECK_STR(p.base, "\"date\": Tue, 20 Apr 2021 02:07:55 GMT\n"
                      "\"@authority\": example.com\n"
                      "\"content-type\": application/json\n"
                      "\"@signature-params\": (\"date\" \"@authority\" \"content-type\")"
                      ";created=1618884473;keyid=\"test-shared-secret\"");
    CHECK_INT(p.sig_len, 32);
    CHECK_INT(httpsig_sign_base(a, k, p.base, strlen(p.base), &again), 0);
    CHECK_STR(again, "pxcQw6G3AjtMBQjwo8XzkZf/bws5LelbaMk5rGIGtE8=");
    /* It does not say what was requested, so the fediverse rules refuse it. */
    CHECK_INT(httpsig_verify(&f.r, &p, k, NULL, 0, RFC_CREATED), E_AUTH);
    httpsig_key_free(k);
    arena_free(a);
}

static const char b26_components[] =
    "\"date\" \"@method\" \"@path\" \"@authority\" \"content-type\" \"content-length\"";
static const char b26_input[] =
    "sig-b26=(\"date\" \"@method\" \"@path\" \"@authority\" \"content-type\" \"content-length\")"
    ";created=1618884473;keyid=\"test-key-ed25519\"";
static const char b26_signature[] = "sig-b26=:wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1"
                                    "u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==:";

TEST(rfc9421_b26_ed25519)
{
    struct arena *a = arena_new();
    struct httpsig_key *sk = NULL, *pk = NULL, *mk = NULL;
    struct fx f;
    const char *input = NULL, *sig = NULL;
    rfc_request(&f);
    CHECK_INT(httpsig_key_from_pem(ed25519_private_pem, &sk), 0);
    CHECK_INT(httpsig_key_from_pem(ed25519_public_pem, &pk), 0);
    CHECK_INT(httpsig_key_from_multibase(ed25519_multibase, &mk), 0);
    CHECK_INT(httpsig_key_alg(sk), HTTPSIG_ALG_ED25519);
    CHECK_INT(httpsig_key_alg(pk), HTTPSIG_ALG_ED25519);
    CHECK_INT(httpsig_key_alg(mk), HTTPSIG_ALG_ED25519);
    if (!sk || !pk || !mk)
        goto out;
    CHECK_INT(httpsig_sign_rfc9421(a, &f.r, "sig-b26", b26_components,
                                   ";created=1618884473;keyid=\"test-key-ed25519\"", sk, &input,
                                   &sig),
              0);
    CHECK_STR(input, b26_input);
    CHECK_STR(sig, b26_signature);

    /* The RFC's headers as a verifier gets them. */
    struct httpsig_parsed p;
    fx_add(&f, "Signature-Input", b26_input);
    fx_add(&f, "Signature", b26_signature);
    CHECK_INT(httpsig_parse(a, &f.r, &p), 0);
    CHECK_STR(p.base, "\"date\": Tue, 20 Apr 2021 02:07:55 GMT\n"
                      "\"@method\": POST\n"
                      "\"@path\": /foo\n"
                      "\"@authority\": example.com\n"
                      "\"content-type\": application/json\n"
                      "\"content-length\": 18\n"
                      "\"@signature-params\": (\"date\" \"@method\" \"@path\" \"@authority\" "
                      "\"content-type\" \"content-length\");created=1618884473"
                      ";keyid=\"test-key-ed25519\"");
    CHECK_INT(p.sig_len, 64);
    CHECK_INT(httpsig_verify(&f.r, &p, pk, NULL, 0, RFC_CREATED), 0);
    CHECK_INT(httpsig_verify(&f.r, &p, mk, NULL, 0, RFC_CREATED + 60), 0);
    CHECK_INT(httpsig_verify(&f.r, &p, sk, NULL, 0, RFC_CREATED), 0);
    /* Changed in transit: a covered header, or the path. */
    fx_set(&f, "Content-Type", "text/plain");
    CHECK_INT(httpsig_parse(a, &f.r, &p), 0);
    CHECK_INT(httpsig_verify(&f.r, &p, pk, NULL, 0, RFC_CREATED), E_AUTH);
    fx_set(&f, "Content-Type", "application/json");
    f.r.target = "/bar?param=Value&Pet=dog";
    CHECK_INT(httpsig_parse(a, &f.r, &p), 0);
    CHECK_INT(httpsig_verify(&f.r, &p, pk, NULL, 0, RFC_CREATED), E_AUTH);
out:
    httpsig_key_free(sk);
    httpsig_key_free(pk);
    httpsig_key_free(mk);
    arena_free(a);
}

TEST(rfc9421_round_trip_rsa_content_digest)
{
    struct arena *a = arena_new();
    char *priv = NULL, *pub = NULL;
    struct httpsig_key *sk = NULL, *pk = NULL;
    struct fx f;
    const char *input = NULL, *sig = NULL;
    time_t now = time(NULL);
    CHECK_INT(keys_generate_rsa(&priv, &pub), 0);
    CHECK_INT(httpsig_key_from_pem(priv, &sk), 0);
    CHECK_INT(httpsig_key_from_pem(pub, &pk), 0);
    if (!sk || !pk)
        goto out;
    fx_init(&f, "POST", "b.test", "/users/bob/inbox");
    fx_add(&f, "Host", "b.test");
    fx_add(&f, "Content-Digest", httpsig_content_digest(a, body_hello, strlen(body_hello)));
    CHECK_STR(f.h[1].value, "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:");
    const char *params = arena_printf(a,
                                      ";created=%lld;keyid=\"https://a.test/users/al#main-key\""
                                      ";alg=\"rsa-v1_5-sha256\"",
                                      (long long)now);
    CHECK_INT(httpsig_sign_rfc9421(a, &f.r, "sig1",
                                   "\"@method\" \"@target-uri\" \"content-digest\"", params, sk,
                                   &input, &sig),
              0);
    /* A signature we cannot use comes first; the verifier takes the next one. */
    fx_add(&f, "Signature-Input",
           arena_printf(a, "sig0=(\"@method\");created=1;keyid=\"x\";alg=\"rsa-pss-sha512\", %s",
                        input));
    fx_add(&f, "Signature", arena_printf(a, "sig0=:AAAA:, %s", sig));
    struct httpsig_parsed p;
    CHECK_INT(httpsig_parse(a, &f.r, &p), 0);
    CHECK_STR(p.label, "sig1");
    CHECK_STR(p.key_id, "https://a.test/users/al#main-key");
    CHECK_INT(p.alg, HTTPSIG_ALG_RSA_SHA256);
    CHECK_INT(httpsig_verify(&f.r, &p, pk, body_hello, strlen(body_hello), now), 0);
    CHECK_INT(httpsig_verify(&f.r, &p, pk, "{\"hello\": \"World\"}", 18, now), E_INVAL);
    CHECK_INT(httpsig_verify(&f.r, &p, pk, body_hello, strlen(body_hello), now + 7200), E_AUTH);
    /* The header names rsa-v1_5-sha256: an Ed25519 key does not do. */
    struct httpsig_key *ek = NULL;
    CHECK_INT(httpsig_key_from_pem(ed25519_public_pem, &ek), 0);
    CHECK_INT(httpsig_verify(&f.r, &p, ek, body_hello, strlen(body_hello), now), E_AUTH);
    httpsig_key_free(ek);
    /* And the SHA-512 Content-Digest of the RFC's request checks too. */
    struct fx g;
    rfc_request(&g);
    CHECK_INT(httpsig_sign_rfc9421(a, &g.r, "sig1",
                                   "\"@method\" \"@target-uri\" \"content-digest\" \"date\"",
                                   ";created=1618884473;keyid=\"k\"", sk, &input, &sig),
              0);
    fx_add(&g, "Signature-Input", input);
    fx_add(&g, "Signature", sig);
    CHECK_INT(httpsig_parse(a, &g.r, &p), 0);
    CHECK(p.base &&
          strstr(p.base, "\"@target-uri\": https://example.com/foo?param=Value&Pet=dog\n"));
    CHECK_INT(httpsig_verify(&g.r, &p, pk, body_hello, strlen(body_hello), RFC_CREATED), 0);
    CHECK_INT(httpsig_verify(&g.r, &p, pk, "{}", 2, RFC_CREATED), E_INVAL);
out:
    httpsig_key_free(sk);
    httpsig_key_free(pk);
    free(priv);
    free(pub);
    arena_free(a);
}

TEST(rfc9421_derived_components)
{
    struct arena *a = arena_new();
    struct httpsig_key *k = shared_secret_key();
    struct fx f;
    const char *input = NULL, *sig = NULL;
    struct httpsig_parsed p;
    fx_init(&f, "GET", "Example.COM:8443", "/a/b?x=1&y=%20");
    f.r.scheme = "HTTPS";
    CHECK_INT(httpsig_sign_rfc9421(a, &f.r, "s",
                                   "\"@method\" \"@target-uri\" \"@authority\" \"@scheme\" "
                                   "\"@request-target\" \"@path\" \"@query\"",
                                   ";keyid=\"k\";nonce=\"n\";tag=\"t\";expires=99", k, &input,
                                   &sig),
              0);
    fx_add(&f, "Signature-Input", input);
    fx_add(&f, "Signature", sig);
    CHECK_INT(httpsig_parse(a, &f.r, &p), 0);
    CHECK_STR(p.base, "\"@method\": GET\n"
                      "\"@target-uri\": https://example.com:8443/a/b?x=1&y=%20\n"
                      "\"@authority\": example.com:8443\n"
                      "\"@scheme\": https\n"
                      "\"@request-target\": /a/b?x=1&y=%20\n"
                      "\"@path\": /a/b\n"
                      "\"@query\": ?x=1&y=%20\n"
                      "\"@signature-params\": (\"@method\" \"@target-uri\" \"@authority\" "
                      "\"@scheme\" \"@request-target\" \"@path\" \"@query\")"
                      ";keyid=\"k\";nonce=\"n\";tag=\"t\";expires=99");
    CHECK_INT(p.expires, 99);
    /* No query: "?"; and several lines of one header are joined with ", ". */
    fx_init(&f, "GET", "example.com", "/");
    fx_add(&f, "X-A", " one ");
    fx_add(&f, "x-a", "two\t");
    CHECK_INT(
        httpsig_sign_rfc9421(a, &f.r, "s", "\"@query\" \"x-a\"", ";keyid=\"k\"", k, &input, &sig),
        0);
    fx_add(&f, "Signature-Input", input);
    fx_add(&f, "Signature", sig);
    CHECK_INT(httpsig_parse(a, &f.r, &p), 0);
    CHECK_STR(p.base, "\"@query\": ?\n\"x-a\": one, two\n"
                      "\"@signature-params\": (\"@query\" \"x-a\");keyid=\"k\"");
    /* Not supported, or not allowed: E_INVAL. */
    static const char *const bad[] = {"\"@status\"",
                                      "\"@query-param\";name=\"x\"",
                                      "\"x-a\";sf",
                                      "\"X-A\"",
                                      "\"x-a\" \"x-a\"",
                                      "\"@signature-params\"",
                                      "\"missing-header\"",
                                      "x-a",
                                      "\"\"",
                                      "\"@method\" \"@nope\""};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int rc = httpsig_sign_rfc9421(a, &f.r, "s", bad[i], ";keyid=\"k\"", k, &input, &sig);
        if (rc != E_INVAL)
            fprintf(stderr, "components %s: %d\n", bad[i], rc);
        CHECK_INT(rc, E_INVAL);
    }
    CHECK_INT(
        httpsig_sign_rfc9421(a, &f.r, "s", "\"@method\"", ";alg=\"ed25519\"", k, &input, &sig),
        E_INVAL);
    CHECK_INT(httpsig_sign_rfc9421(a, &f.r, "S", "\"@method\"", "", k, &input, &sig), E_INVAL);
    httpsig_key_free(k);
    arena_free(a);
}

/* ---- draft-cavage-http-signatures-12 Appendix C ---- */

static const char cavage_private_pem[] =
    "-----BEGIN RSA PRIVATE KEY-----\n"
    "MIICXgIBAAKBgQDCFENGw33yGihy92pDjZQhl0C36rPJj+CvfSC8+q28hxA161QF\n"
    "NUd13wuCTUcq0Qd2qsBe/2hFyc2DCJJg0h1L78+6Z4UMR7EOcpfdUE9Hf3m/hs+F\n"
    "UR45uBJeDK1HSFHD8bHKD6kv8FPGfJTotc+2xjJwoYi+1hqp1fIekaxsyQIDAQAB\n"
    "AoGBAJR8ZkCUvx5kzv+utdl7T5MnordT1TvoXXJGXK7ZZ+UuvMNUCdN2QPc4sBiA\n"
    "QWvLw1cSKt5DsKZ8UETpYPy8pPYnnDEz2dDYiaew9+xEpubyeW2oH4Zx71wqBtOK\n"
    "kqwrXa/pzdpiucRRjk6vE6YY7EBBs/g7uanVpGibOVAEsqH1AkEA7DkjVH28WDUg\n"
    "f1nqvfn2Kj6CT7nIcE3jGJsZZ7zlZmBmHFDONMLUrXR/Zm3pR5m0tCmBqa5RK95u\n"
    "412jt1dPIwJBANJT3v8pnkth48bQo/fKel6uEYyboRtA5/uHuHkZ6FQF7OUkGogc\n"
    "mSJluOdc5t6hI1VsLn0QZEjQZMEOWr+wKSMCQQCC4kXJEsHAve77oP6HtG/IiEn7\n"
    "kpyUXRNvFsDE0czpJJBvL/aRFUJxuRK91jhjC68sA7NsKMGg5OXb5I5Jj36xAkEA\n"
    "gIT7aFOYBFwGgQAQkWNKLvySgKbAZRTeLBacpHMuQdl1DfdntvAyqpAZ0lY0RKmW\n"
    "G6aFKaqQfOXKCyWoUiVknQJAXrlgySFci/2ueKlIE1QqIiLSZ8V8OlpFLRnb1pzI\n"
    "7U1yQXnTAEFYM560yJlzUpOb1V4cScGd365tiSMvxLOvTA==\n"
    "-----END RSA PRIVATE KEY-----\n";
static const char cavage_public_pem[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDCFENGw33yGihy92pDjZQhl0C3\n"
    "6rPJj+CvfSC8+q28hxA161QFNUd13wuCTUcq0Qd2qsBe/2hFyc2DCJJg0h1L78+6\n"
    "Z4UMR7EOcpfdUE9Hf3m/hs+FUR45uBJeDK1HSFHD8bHKD6kv8FPGfJTotc+2xjJw\n"
    "oYi+1hqp1fIekaxsyQIDAQAB\n"
    "-----END PUBLIC KEY-----\n";

#define CAVAGE_NOW 1388957500 /* Sun, 05 Jan 2014 21:31:40 GMT */

static const char c1_sig[] = "SjWJWbWN7i0wzBvtPl8rbASWz5xQW6mcJmn+ibttBqtifLN7Sazz6m79cNfwwb8DMJ5"
                             "cou1s7uEGKKCs+FLEEaDV5lp7q25WqS+lavg7T8hc0GppauB6hbgEKTwblDHYGEtbG"
                             "mtdHgVCk9SuS13F0hZ8FD0k/5OxEPXe5WozsbM=";
static const char c2_sig[] = "qdx+H7PHHDZgy4y/Ahn9Tny9V3GP6YgBPyUXMmoxWtLbHpUnXS2mg2+SbrQDMCJypxB"
                             "LSPQR2aAjn7ndmw2iicw3HMbe8VfEdKFYRqzic+efkb3nndiv/x1xSHDJWeSWkx3But"
                             "lYSuBskLu6kd9Fswtemr3lgdDEmn04swr2Os0=";
static const char c3_sig[] = "vSdrb+dS3EceC9bcwHSo4MlyKS59iFIrhgYkz8+oVLEEzmYZZvRs8rgOp+63LEM3v+M"
                             "FHB32NfpB2bEKBIvB1q52LaEUHFv120V01IL+TAD48XaERZFukWgHoBTLMhYS2Gb51g"
                             "WxpeIq8knRmPnYePbF5MOkR0Zkly4zKH7s1dE=";

/* The request of Appendix C. */
static void cavage_request(struct fx *f)
{
    fx_init(f, "POST", "example.com", "/foo?param=value&pet=dog");
    fx_add(f, "Host", "example.com");
    fx_add(f, "Date", "Sun, 05 Jan 2014 21:31:40 GMT");
    fx_add(f, "Content-Type", "application/json");
    fx_add(f, "Digest", "SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=");
    fx_add(f, "Content-Length", "18");
}

TEST(cavage_keys)
{
    struct httpsig_key *k = NULL;
    CHECK_INT(httpsig_key_from_pem(cavage_private_pem, &k), 0); /* PKCS#1, 1024 bits */
    CHECK_INT(httpsig_key_alg(k), HTTPSIG_ALG_RSA_SHA256);
    httpsig_key_free(k);
    k = NULL;
    CHECK_INT(httpsig_key_from_pem(rsa_rfc_public_pem, &k), 0); /* "BEGIN RSA PUBLIC KEY" */
    CHECK_INT(httpsig_key_alg(k), HTTPSIG_ALG_RSA_SHA256);
    httpsig_key_free(k);
    static const char *const bad[] = {
        "", "garbage", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
        "-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        k = (struct httpsig_key *)1;
        CHECK_INT(httpsig_key_from_pem(bad[i], &k), E_INVAL);
        CHECK(k == NULL);
    }
    CHECK_INT(httpsig_key_from_pem(NULL, &k), E_INVAL);
    CHECK_INT(httpsig_key_from_secret("", 0, &k), E_INVAL);
    httpsig_key_free(NULL);
}

TEST(cavage_c1_default)
{
    struct arena *a = arena_new();
    struct httpsig_key *sk = NULL, *pk = NULL;
    struct fx f;
    struct httpsig_parsed p;
    const char *sig = NULL;
    CHECK_INT(httpsig_key_from_pem(cavage_private_pem, &sk), 0);
    CHECK_INT(httpsig_key_from_pem(cavage_public_pem, &pk), 0);
    cavage_request(&f);
    fx_add(&f, "Authorization",
           arena_printf(a, "Signature keyId=\"Test\",algorithm=\"rsa-sha256\",signature=\"%s\"",
                        c1_sig));
    CHECK_INT(httpsig_parse(a, &f.r, &p), 0);
    CHECK_INT(p.kind, HTTPSIG_CAVAGE);
    CHECK_STR(p.key_id, "Test");
    CHECK_INT(p.alg, HTTPSIG_ALG_RSA_SHA256);
    CHECK_INT(p.n_covered, 1);
    CHECK_STR(p.n_covered ? p.covered[0] : NULL, "date");
    CHECK_STR(p.base, "date: Sun, 05 Jan 2014 21:31:40 GMT");
    CHECK_INT(p.sig_len, 128);
    if (sk && p.base) {
        CHECK_INT(httpsig_sign_base(a, sk, p.base, strlen(p.base), &sig), 0);
        CHECK_STR(sig, c1_sig);
    }
    /* Only the date is signed: not enough for us. */
    if (pk)
        CHECK_INT(httpsig_verify(&f.r, &p, pk, NULL, 0, CAVAGE_NOW), E_AUTH);
    /* The same as a Signature header. */
    f.r.n_headers--;
    fx_add(&f, "Signature",
           arena_printf(a, "keyId=\"Test\",algorithm=\"rsa-sha256\",signature=\"%s\"", c1_sig));
    CHECK_INT(httpsig_parse(a, &f.r, &p), 0);
    CHECK_STR(p.base, "date: Sun, 05 Jan 2014 21:31:40 GMT");
    httpsig_key_free(sk);
    httpsig_key_free(pk);
    arena_free(a);
}

TEST(cavage_c2_basic)
{
    struct arena *a = arena_new();
    struct httpsig_key *sk = NULL, *pk = NULL;
    struct fx f;
    struct httpsig_parsed p;
    const char *sig = NULL;
    CHECK_INT(httpsig_key_from_pem(cavage_private_pem, &sk), 0);
    CHECK_INT(httpsig_key_from_pem(cavage_public_pem, &pk), 0);
    if (!sk || !pk)
        goto out;
    cavage_request(&f);
    CHECK_INT(httpsig_sign_cavage(a, &f.r, "Test", sk, "host date", &sig), 0);
    CHECK_STR(sig, arena_printf(a,
                                "keyId=\"Test\",algorithm=\"rsa-sha256\","
                                "headers=\"(request-target) host date\",signature=\"%s\"",
                                c2_sig));
    fx_add(&f, "Signature", sig);
    CHECK_INT(httpsig_parse(a, &f.r, &p), 0);
    CHECK_STR(p.base, "(request-target): post /foo?param=value&pet=dog\n"
                      "host: example.com\n"
                      "date: Sun, 05 Jan 2014 21:31:40 GMT");
    CHECK_INT(httpsig_verify(&f.r, &p, pk, NULL, 0, CAVAGE_NOW), 0);
    /* hs2019: the key decides. */
    f.h[f.r.n_headers - 1].value =
        arena_printf(a,
                     "keyId=\"Test\",algorithm=\"hs2019\",headers=\"(request-target) host date\","
                     "signature=\"%s\"",
                     c2_sig);
    CHECK_INT(httpsig_parse(a, &f.r, &p), 0);
    CHECK_INT(p.alg, HTTPSIG_ALG_UNKNOWN);
    CHECK_INT(httpsig_verify(&f.r, &p, pk, NULL, 0, CAVAGE_NOW), 0);
    /* The draft's own Authorization form, spread over lines as it prints it. */
    f.r.n_headers--;
    fx_add(&f, "Authorization",
           arena_printf(a,
                        "Signature keyId=\"Test\",algorithm=\"rsa-sha256\",\t"
                        "headers=\"(request-target) host date\", signature=\"%s\"",
                        c2_sig));
    CHECK_INT(httpsig_parse(a, &f.r, &p), 0);
    CHECK_INT(httpsig_verify(&f.r, &p, pk, NULL, 0, CAVAGE_NOW), 0);
out:
    httpsig_key_free(sk);
    httpsig_key_free(pk);
    arena_free(a);
}

TEST(cavage_c3_all_headers)
{
    struct arena *a = arena_new();
    struct httpsig_key *sk = NULL, *pk = NULL;
    struct fx f;
    struct httpsig_parsed p;
    const char *sig = NULL;
    CHECK_INT(httpsig_key_from_pem(cavage_private_pem, &sk), 0);
    CHECK_INT(httpsig_key_from_pem(cavage_public_pem, &pk), 0);
    if (!sk || !pk)
        goto out;
    cavage_request(&f);
    CHECK_STR(httpsig_digest(a, body_hello, strlen(body_hello)),
              "SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=");
    CHECK_INT(httpsig_sign_cavage(a, &f.r, "Test", sk,
                                  "host date content-type digest content-length", &sig),
              0);
    CHECK_STR(sig, arena_printf(a,
                                "keyId=\"Test\",algorithm=\"rsa-sha256\",headers=\"(request-target)"
                                " host date content-type digest content-length\",signature=\"%s\"",
                                c3_sig));
    fx_add(&f, "Signature", sig);
    CHECK_INT(httpsig_parse(a, &f.r, &p), 0);
    CHECK_STR(p.base, "(request-target): post /foo?param=value&pet=dog\n"
                      "host: example.com\n"
                      "date: Sun, 05 Jan 2014 21:31:40 GMT\n"
                      "content-type: application/json\n"
                      "digest: SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=\n"
                      "content-length: 18");
    CHECK_INT(httpsig_verify(&f.r, &p, pk, body_hello, strlen(body_hello), CAVAGE_NOW), 0);
    CHECK_INT(httpsig_verify(&f.r, &p, pk, "{\"hello\": \"w0rld\"}", 18, CAVAGE_NOW), E_INVAL);
    /* Parameters in another order, headers after signature. */
    f.h[f.r.n_headers - 1].value =
        arena_printf(a,
                     "signature=\"%s\", headers=\"(request-target) host date content-type digest "
                     "content-length\" ,algorithm=\"rsa-sha256\",keyId=\"Test\"",
                     c3_sig);
    CHECK_INT(httpsig_parse(a, &f.r, &p), 0);
    CHECK_STR(p.key_id, "Test");
    CHECK_INT(httpsig_verify(&f.r, &p, pk, body_hello, strlen(body_hello), CAVAGE_NOW), 0);
out:
    httpsig_key_free(sk);
    httpsig_key_free(pk);
    arena_free(a);
}

/* ---- round trips and refusals ---- */

TEST(cavage_round_trip_fresh_key)
{
    struct arena *a = arena_new();
    char *priv = NULL, *pub = NULL, *priv2 = NULL, *pub2 = NULL;
    struct httpsig_key *sk = NULL, *pk = NULL, *other = NULL;
    struct fx f;
    struct httpsig_parsed p;
    const char *sig = NULL;
    time_t now = time(NULL);
    CHECK_INT(keys_generate_rsa(&priv, &pub), 0);
    CHECK_INT(keys_generate_rsa(&priv2, &pub2), 0);
    CHECK_INT(httpsig_key_from_pem(priv, &sk), 0);
    CHECK_INT(httpsig_key_from_pem(pub, &pk), 0);
    CHECK_INT(httpsig_key_from_pem(pub2, &other), 0);
    if (!sk || !pk || !other)
        goto out;
    fx_init(&f, "POST", "b.test", "/users/bob/inbox");
    fx_add(&f, "Host", "b.test");
    fx_add(&f, "Date", http_date(a, now));
    fx_add(&f, "Digest", httpsig_digest(a, body_hello, strlen(body_hello)));
    fx_add(&f, "Content-Type", "application/activity+json");
    CHECK_INT(httpsig_sign_cavage(a, &f.r, "https://a.test/users/al#main-key", sk,
                                  "host date digest", &sig),
              0);
    fx_add(&f, "Signature", sig);
    CHECK_INT(httpsig_parse(a, &f.r, &p), 0);
    CHECK_STR(p.key_id, "https://a.test/users/al#main-key");
    CHECK_INT(httpsig_verify(&f.r, &p, pk, body_hello, strlen(body_hello), now), 0);
    CHECK_INT(httpsig_verify(&f.r, &p, sk, body_hello, strlen(body_hello), now + 600), 0);
    /* Tampered body, wrong key, stale or future Date. */
    CHECK_INT(httpsig_verify(&f.r, &p, pk, "{\"hello\": \"there\"}", 18, now), E_INVAL);
    CHECK_INT(httpsig_verify(&f.r, &p, other, body_hello, strlen(body_hello), now), E_AUTH);
    CHECK_INT(httpsig_verify(&f.r, &p, pk, body_hello, strlen(body_hello), now + 7200), E_AUTH);
    CHECK_INT(httpsig_verify(&f.r, &p, pk, body_hello, strlen(body_hello), now - 7200), E_AUTH);
    /* A Date two hours old, signed as it is. */
    struct fx g = f;
    g.r.headers = g.h;
    g.r.n_headers--;
    fx_set(&g, "Date", http_date(a, now - 7200));
    CHECK_INT(httpsig_sign_cavage(a, &g.r, "k", sk, "host date digest", &sig), 0);
    fx_add(&g, "Signature", sig);
    CHECK_INT(httpsig_parse(a, &g.r, &p), 0);
    CHECK_INT(httpsig_verify(&g.r, &p, pk, body_hello, strlen(body_hello), now), E_AUTH);
    /* A date we cannot read. */
    fx_set(&g, "Date", "yesterday");
    CHECK_INT(httpsig_sign_cavage(a, &g.r, "k", sk, "host date digest", &sig), 0);
    g.h[g.r.n_headers - 1].value = sig;
    CHECK_INT(httpsig_parse(a, &g.r, &p), 0);
    CHECK_INT(httpsig_verify(&g.r, &p, pk, body_hello, strlen(body_hello), now), E_AUTH);
    /* A POST with a body whose digest is not signed. */
    g = f;
    g.r.headers = g.h;
    g.r.n_headers--;
    CHECK_INT(httpsig_sign_cavage(a, &g.r, "k", sk, "host date", &sig), 0);
    fx_add(&g, "Signature", sig);
    CHECK_INT(httpsig_parse(a, &g.r, &p), 0);
    CHECK_INT(httpsig_verify(&g.r, &p, pk, body_hello, strlen(body_hello), now), E_AUTH);
    CHECK_INT(httpsig_verify(&g.r, &p, pk, NULL, 0, now), 0); /* fine for a GET */
    /* Neither host nor the target. */
    g.r.n_headers--;
    CHECK_INT(httpsig_sign_cavage(a, &g.r, "k", sk, "(request-target) date", &sig), 0);
    fx_add(&g, "Signature", sig);
    CHECK_INT(httpsig_parse(a, &g.r, &p), 0);
    CHECK_INT(httpsig_verify(&g.r, &p, pk, NULL, 0, now), E_AUTH);
    /* Signing: a missing header, a key that cannot sign, a bad key id. */
    CHECK_INT(httpsig_sign_cavage(a, &f.r, "k", sk, "host date accept", &sig), E_INVAL);
    CHECK_INT(httpsig_sign_cavage(a, &f.r, "k", pk, "host date", &sig), E_INVAL);
    CHECK_INT(httpsig_sign_cavage(a, &f.r, "k\"", sk, "host date", &sig), E_INVAL);
out:
    httpsig_key_free(sk);
    httpsig_key_free(pk);
    httpsig_key_free(other);
    free(priv);
    free(pub);
    free(priv2);
    free(pub2);
    arena_free(a);
}

TEST(cavage_ed25519_hs2019)
{
    struct arena *a = arena_new();
    struct httpsig_key *sk = NULL, *pk = NULL, *rk = NULL;
    struct fx f;
    struct httpsig_parsed p;
    const char *sig = NULL;
    time_t now = time(NULL);
    CHECK_INT(httpsig_key_from_pem(ed25519_private_pem, &sk), 0);
    CHECK_INT(httpsig_key_from_multibase(ed25519_multibase, &pk), 0);
    CHECK_INT(httpsig_key_from_pem(cavage_public_pem, &rk), 0);
    if (!sk || !pk || !rk)
        goto out;
    fx_init(&f, "GET", "b.test", "/users/bob");
    fx_add(&f, "Host", "b.test");
    fx_add(&f, "Date", http_date(a, now));
    CHECK_INT(
        httpsig_sign_cavage(a, &f.r, "https://a.test/users/al#ed25519-key", sk, "host date", &sig),
        0);
    CHECK(sig && strstr(sig, "algorithm=\"hs2019\""));
    fx_add(&f, "Signature", sig);
    CHECK_INT(httpsig_parse(a, &f.r, &p), 0);
    CHECK_INT(p.alg, HTTPSIG_ALG_UNKNOWN);
    CHECK_INT(httpsig_verify(&f.r, &p, pk, NULL, 0, now), 0);
    CHECK_INT(httpsig_verify(&f.r, &p, rk, NULL, 0, now), E_AUTH);
    /* The header says rsa-sha256, the key is Ed25519. */
    const char *named = strstr(sig, "signature=");
    f.h[f.r.n_headers - 1].value =
        arena_printf(a,
                     "keyId=\"k\",algorithm=\"rsa-sha256\",headers=\"(request-target) host "
                     "date\",%s",
                     named ? named : "");
    CHECK_INT(httpsig_parse(a, &f.r, &p), 0);
    CHECK_INT(httpsig_verify(&f.r, &p, pk, NULL, 0, now), E_AUTH);
out:
    httpsig_key_free(sk);
    httpsig_key_free(pk);
    httpsig_key_free(rk);
    arena_free(a);
}

TEST(cavage_created_expires)
{
    struct arena *a = arena_new();
    struct httpsig_key *k = shared_secret_key();
    struct fx f;
    struct httpsig_parsed p;
    const char *sig = NULL;
    time_t now = time(NULL);
    fx_init(&f, "POST", "b.test", "/inbox");
    fx_add(&f, "Host", "b.test");
    fx_add(&f, "Digest", httpsig_digest(a, "", 0));
#define CREATED_FMT                                                                                \
    "keyId=\"k\",algorithm=\"hs2019\",created=%lld,expires=%lld.5,"                                \
    "headers=\"(request-target) (created) (expires) host digest\",signature=\"%s\""
    fx_add(&f, "Signature",
           arena_printf(a, CREATED_FMT, (long long)now, (long long)now + 300, "AAAA"));
    CHECK_INT(httpsig_parse(a, &f.r, &p), 0);
    CHECK_STR(p.base, arena_printf(a,
                                   "(request-target): post /inbox\n(created): %lld\n"
                                   "(expires): %lld.5\nhost: b.test\ndigest: %s",
                                   (long long)now, (long long)now + 300, f.h[1].value));
    CHECK_INT(p.created, now);
    CHECK_INT(p.expires, now + 300);
    if (p.base)
        CHECK_INT(httpsig_sign_base(a, k, p.base, strlen(p.base), &sig), 0);
    f.h[2].value = arena_printf(a, CREATED_FMT, (long long)now, (long long)now + 300, sig);
    CHECK_INT(httpsig_parse(a, &f.r, &p), 0);
    CHECK_INT(httpsig_verify(&f.r, &p, k, "", 0, now), 0);
    CHECK_INT(httpsig_verify(&f.r, &p, k, "", 0, now + 301), E_AUTH); /* expired */
    CHECK_INT(httpsig_verify(&f.r, &p, k, "x", 1, now), E_INVAL);
    /* (created) without a created parameter, an unknown pseudo-header. */
    f.h[2].value = "keyId=\"k\",headers=\"(request-target) (created)\",signature=\"AAAA\"";
    CHECK_INT(httpsig_parse(a, &f.r, &p), E_INVAL);
    f.h[2].value = "keyId=\"k\",headers=\"(request-target) (other)\",signature=\"AAAA\"";
    CHECK_INT(httpsig_parse(a, &f.r, &p), E_INVAL);
    httpsig_key_free(k);
    arena_free(a);
#undef CREATED_FMT
}

TEST(hostile_headers)
{
    struct arena *a = arena_new();
    struct fx f;
    struct httpsig_parsed p;
    fx_init(&f, "POST", "b.test", "/inbox");
    fx_add(&f, "Host", "b.test");
    fx_add(&f, "Date", "Sun, 05 Jan 2014 21:31:40 GMT");
    /* No signature at all, or another scheme. */
    CHECK_INT(httpsig_parse(a, &f.r, &p), E_AUTH);
    fx_add(&f, "Authorization", "Bearer abc");
    CHECK_INT(httpsig_parse(a, &f.r, &p), E_AUTH);
    f.r.n_headers--;
    /* Over HTTPSIG_HEADER_MAX. */
    size_t big = HTTPSIG_HEADER_MAX + 100;
    char *huge = arena_alloc(a, big + 1);
    memset(huge, 'A', big);
    memcpy(huge, "keyId=\"k\",signature=\"", 22);
    huge[big - 1] = '"';
    huge[big] = '\0';
    fx_add(&f, "Signature", huge);
    CHECK_INT(httpsig_parse(a, &f.r, &p), E_INVAL);
    static const char *const cavage_bad[] = {
        "",
        "garbage",
        "keyId=\"k\"",
        "signature=\"AAAA\"",
        "keyId=\"k\",signature=\"AAAA",
        "keyId=\"k\",signature=\"AAAA\",keyId=\"j\"",
        "keyId=\"k\",signature=\"A!AA\"",
        "keyId=\"k\",signature=\"\"",
        "keyId=\"k\",signature=\"AAAA\",headers=\"\"",
        "keyId=\"k\",signature=\"AAAA\",headers=\"host x-missing\"",
        "keyId=\"k\",signature=\"AAAA\",algorithm=\"rsa-sha1\"",
        "keyId=\"k\",signature=\"AAAA\",created=soon,headers=\"date\"",
        "keyId=\"k\",signature=\"AAAA\",,",
        "keyId=\"k\" signature=\"AAAA\"",
        "=\"k\",signature=\"AAAA\"",
        "keyId=\"k\x01\",signature=\"AAAA\"",
        "keyId=\"k\",signature=\"AAAA\",headers=\"ho\\\"st\"",
        "keyId=\"k\",signature=\"AAAAA\"",
        "keyId=\"k\",signature=\"AA=A\"",
    };
    for (size_t i = 0; i < sizeof(cavage_bad) / sizeof(cavage_bad[0]); i++) {
        f.h[2].value = cavage_bad[i];
        int rc = httpsig_parse(a, &f.r, &p);
        if (rc != E_INVAL)
            fprintf(stderr, "Signature: %s -> %d\n", cavage_bad[i], rc);
        CHECK_INT(rc, E_INVAL);
    }
    /* A Signature-Input means RFC 9421. */
    f.h[2].name = "Signature-Input";
    fx_add(&f, "Signature", "sig1=:AAAA:");
    static const char *const input_bad[] = {
        "",
        "sig1",
        "sig1=(\"@method\"",
        "sig1=(\"@method\")",           /* no keyid */
        "sig1=\"@method\";keyid=\"k\"", /* not an inner list */
        "sig1=(@method);keyid=\"k\"",   /* a token, not a string */
        "sig1=(\"@method\");keyid=k",   /* keyid must be a string */
        "sig1=(\"@method\");created=\"1\";keyid=\"k\"",
        "sig1=(\"@method\");created=-1;keyid=\"k\"",
        "sig1=(\"@method\");keyid=\"k\",",
        "sig1=(\"@method\")x;keyid=\"k\"",
        "Sig1=(\"@method\");keyid=\"k\"",
        "sig2=(\"@method\");keyid=\"k\"", /* no Signature member of that name */
        "sig1=(\"@method\");keyid=\"k\";alg=\"rsa-pss-sha512\"",
        "sig1=(\"@method\"\"@path\");keyid=\"k\"",
        "sig1=(\"@method\");keyid=\"k\\x\"",
        "sig1=(\"@method\");created=1234567890123456;keyid=\"k\"",
        "sig1=(\"date\" \"date\");keyid=\"k\"",
    };
    for (size_t i = 0; i < sizeof(input_bad) / sizeof(input_bad[0]); i++) {
        f.h[2].value = input_bad[i];
        int rc = httpsig_parse(a, &f.r, &p);
        if (rc != E_INVAL)
            fprintf(stderr, "Signature-Input: %s -> %d\n", input_bad[i], rc);
        CHECK_INT(rc, E_INVAL);
    }
    f.h[2].value = "sig1=(\"@method\");keyid=\"k\"";
    static const char *const sig_bad[] = {"sig1=AAAA", "sig1=:A:",      "sig1=:AAAA",
                                          "sig1=::",   "sig1=(:AAAA:)", "sig1=:AA!A:"};
    for (size_t i = 0; i < sizeof(sig_bad) / sizeof(sig_bad[0]); i++) {
        f.h[3].value = sig_bad[i];
        int rc = httpsig_parse(a, &f.r, &p);
        if (rc != E_INVAL)
            fprintf(stderr, "Signature: %s -> %d\n", sig_bad[i], rc);
        CHECK_INT(rc, E_INVAL);
    }
    f.r.n_headers--;
    CHECK_INT(httpsig_parse(a, &f.r, &p), E_INVAL); /* Signature-Input alone */
    /* Header values that would forge a line of the base. */
    fx_init(&f, "POST", "b.test", "/inbox");
    fx_add(&f, "Host", "b.test\ndate: x");
    fx_add(&f, "Signature", "keyId=\"k\",signature=\"AAAA\",headers=\"host\"");
    CHECK_INT(httpsig_parse(a, &f.r, &p), E_INVAL);
    arena_free(a);
}

TEST(multibase_keys)
{
    struct httpsig_key *k = NULL;
    CHECK_INT(httpsig_key_from_multibase(ed25519_multibase, &k), 0);
    CHECK_INT(httpsig_key_alg(k), HTTPSIG_ALG_ED25519);
    httpsig_key_free(k);
    static const char *const bad[] = {
        "",
        "z",
        "6Mkh4LmfP1ev9MNPGr7JbEbtD6BD4fsu1duEj83PMCs3xHG",   /* no multibase prefix */
        "f6Mkh4LmfP1ev9MNPGr7JbEbtD6BD4fsu1duEj83PMCs3xHG",  /* not base58btc */
        "z6Mkh4LmfP1ev9MNPGr7JbEbtD6BD4fsu1duEj83PMCs3xH0",  /* '0' is not base58 */
        "z6Mkh4LmfP1ev9MNPGr7JbEbtD6BD4fsu1duEj83PMCs3xH",   /* 33 bytes */
        "z6Mkh4LmfP1ev9MNPGr7JbEbtD6BD4fsu1duEj83PMCs3xHGG", /* 35 bytes */
        "zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169", /* a P-256 key (0x1200) */
        "z11111111111111111111111111111111111111111111111111111111111111111111111111111111111111111"
        "11111111111111111111111111111111111111111111111111111111111111111",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        k = NULL;
        int rc = httpsig_key_from_multibase(bad[i], &k);
        if (rc != E_INVAL)
            fprintf(stderr, "multibase %s -> %d\n", bad[i], rc);
        CHECK_INT(rc, E_INVAL);
        CHECK(k == NULL);
        httpsig_key_free(k);
    }
    CHECK_INT(httpsig_key_from_multibase(NULL, &k), E_INVAL);
}

TEST(digests)
{
    struct arena *a = arena_new();
    CHECK_STR(httpsig_digest(a, "", 0), "SHA-256=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
    CHECK_STR(httpsig_content_digest(a, "", 0),
              "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:");
    arena_free(a);
}

/* ---- python3-httpsig ---- */

static const char py_script[] =
    "import os, sys\n"
    "try:\n"
    "    import httpsig\n"
    "except ImportError:\n"
    "    sys.exit(77)\n"
    "e = os.environ\n"
    "key = open(e['HS_KEY']).read()\n"
    "names = ['(request-target)', 'host', 'date', 'digest']\n"
    "h = {'Host': e['HS_HOST'], 'Date': e['HS_DATE'], 'Digest': e['HS_DIGEST']}\n"
    "if sys.argv[1] == 'sign':\n"
    "    s = httpsig.HeaderSigner('https://py.test/users/p#main-key', key,\n"
    "                             algorithm='rsa-sha256', headers=names)\n"
    "    print(s.sign(h, method='POST', path=e['HS_PATH'])['authorization'])\n"
    "else:\n"
    "    h['Signature'] = e['HS_SIG']\n"
    "    v = httpsig.HeaderVerifier(h, key, required_headers=names, method='POST',\n"
    "                               path=e['HS_PATH'], sign_header='signature')\n"
    "    print('ok' if v.verify() else 'bad')\n";

/* Runs the script with mode; its first line of output into out. The exit status, or -1. */
static int run_python(const char *script, const char *mode, char *out, size_t cap)
{
    char cmd[512];
    snprintf(cmd, sizeof(cmd), "/usr/bin/python3 %s %s 2>&1", script, mode);
    FILE *p = popen(cmd, "r");
    if (!p)
        return -1;
    out[0] = '\0';
    if (fgets(out, (int)cap, p))
        out[strcspn(out, "\r\n")] = '\0';
    char rest[256];
    while (fgets(rest, sizeof(rest), p))
        ;
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int write_temp(char *path, const char *text)
{
    int fd = mkstemp(path);
    if (fd < 0)
        return -1;
    size_t n = strlen(text);
    int ok = write(fd, text, n) == (ssize_t)n;
    close(fd);
    return ok ? 0 : -1;
}

TEST(python_httpsig_cross_check)
{
    if (access("/usr/bin/python3", X_OK) != 0) {
        fprintf(stderr, "skip python_httpsig_cross_check: no /usr/bin/python3\n");
        return;
    }
    struct arena *a = arena_new();
    char *priv = NULL, *pub = NULL;
    struct httpsig_key *sk = NULL, *pk = NULL;
    char script[] = "/tmp/hearth-httpsig-py-XXXXXX", keyfile[] = "/tmp/hearth-httpsig-key-XXXXXX";
    char line[4096];
    int have_script = 0, have_key = 0;
    time_t now = time(NULL);
    CHECK_INT(keys_generate_rsa(&priv, &pub), 0);
    CHECK_INT(httpsig_key_from_pem(priv, &sk), 0);
    CHECK_INT(httpsig_key_from_pem(pub, &pk), 0);
    have_script = write_temp(script, py_script) == 0;
    have_key = priv && write_temp(keyfile, priv) == 0;
    CHECK(have_script && have_key);
    if (!sk || !pk || !have_script || !have_key)
        goto out;
    struct fx f;
    fx_init(&f, "POST", "b.test", "/users/bob/inbox?x=1");
    fx_add(&f, "Host", "b.test");
    fx_add(&f, "Date", http_date(a, now));
    fx_add(&f, "Digest", httpsig_digest(a, body_hello, strlen(body_hello)));
    setenv("HS_KEY", keyfile, 1);
    setenv("HS_HOST", f.h[0].value, 1);
    setenv("HS_DATE", f.h[1].value, 1);
    setenv("HS_DIGEST", f.h[2].value, 1);
    setenv("HS_PATH", f.r.target, 1);

    /* Python signs (Authorization: Signature ...), we verify. */
    int st = run_python(script, "sign", line, sizeof(line));
    if (st == 77) {
        fprintf(stderr, "skip python_httpsig_cross_check: python3-httpsig is not installed\n");
        goto out;
    }
    CHECK_INT(st, 0);
    if (st != 0) {
        fprintf(stderr, "python: %s\n", line);
        goto out;
    }
    struct httpsig_parsed p;
    fx_add(&f, "Authorization", arena_strdup(a, line));
    CHECK_INT(httpsig_parse(a, &f.r, &p), 0);
    CHECK_STR(p.key_id, "https://py.test/users/p#main-key");
    CHECK_INT(httpsig_verify(&f.r, &p, pk, body_hello, strlen(body_hello), now), 0);
    f.r.n_headers--;

    /* We sign, Python verifies (with the public key). */
    const char *sig = NULL;
    CHECK_INT(httpsig_sign_cavage(a, &f.r, "https://a.test/users/al#main-key", sk,
                                  "host date digest", &sig),
              0);
    FILE *kf = fopen(keyfile, "w");
    if (kf) {
        fputs(pub, kf);
        fclose(kf);
    }
    setenv("HS_SIG", sig ? sig : "", 1);
    st = run_python(script, "verify", line, sizeof(line));
    CHECK_INT(st, 0);
    CHECK_STR(line, "ok");
    /* And Python refuses what we did not sign. */
    setenv("HS_PATH", "/users/eve/inbox", 1);
    st = run_python(script, "verify", line, sizeof(line));
    CHECK_INT(st, 0);
    CHECK_STR(line, "bad");
out:
    if (have_script)
        unlink(script);
    if (have_key)
        unlink(keyfile);
    httpsig_key_free(sk);
    httpsig_key_free(pk);
    free(priv);
    free(pub);
    arena_free(a);
}

int main(void)
{
    RUN(rfc9421_b25_hmac_sha256);
    RUN(rfc9421_b26_ed25519);
    RUN(rfc9421_round_trip_rsa_content_digest);
    RUN(rfc9421_derived_components);
    RUN(cavage_keys);
    RUN(cavage_c1_default);
    RUN(cavage_c2_basic);
    RUN(cavage_c3_all_headers);
    RUN(cavage_round_trip_fresh_key);
    RUN(cavage_ed25519_hs2019);
    RUN(cavage_created_expires);
    RUN(hostile_headers);
    RUN(multibase_keys);
    RUN(digests);
    RUN(python_httpsig_cross_check);
    arena_thread_release();
    return t_done();
}
