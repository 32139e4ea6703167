/*
 * httpsig: HTTP message signatures, the two kinds the fediverse uses.
 *
 * Signing: draft-cavage-http-signatures-12 with rsa-sha256 over
 * "(request-target) host date" and "digest" when there is a body, as
 * Mastodon sends it. Verifying: draft-cavage (algorithm rsa-sha256, hs2019
 * or absent; parameters in any order) and RFC 9421 (rsa-v1_5-sha256,
 * ed25519, hmac-sha256; Signature-Input and Signature dictionaries, the
 * first signature whose algorithm and key we can use).
 *
 * The module only checks what the headers say against a key and a body: it
 * does not fetch keys, and it knows nothing of actors. A caller parses the
 * headers (httpsig_parse) to learn the keyId, finds that key, then calls
 * httpsig_verify. Everything returned lives in the caller's arena; keys are
 * heap objects (httpsig_key_free) so they can be cached across requests.
 */
#ifndef HEARTH_AP_HTTPSIG_H
#define HEARTH_AP_HTTPSIG_H

#include <stddef.h>
#include <stdint.h>

struct arena;

#define HTTPSIG_HEADER_MAX 8192 /* bytes of a Signature or Signature-Input header we read */
#define HTTPSIG_SKEW_S 3600     /* Date / created accepted this far from now (Mastodon: 1 h) */
#define HTTPSIG_COVERED_MAX 32  /* components or headers one signature may cover */

struct httpsig_header {
    const char *name; /* any case */
    const char *value;
};

/* A request as it was (or will be) sent. */
struct httpsig_request {
    const char *method;    /* "POST" */
    const char *scheme;    /* "https" or "http" (RFC 9421 @scheme, @target-uri) */
    const char *authority; /* host[:port], lowercase, as in the Host header */
    const char *target;    /* path and query: "/users/a/inbox?x=1" */
    const struct httpsig_header *headers;
    size_t n_headers;
};

enum httpsig_kind { HTTPSIG_CAVAGE = 1, HTTPSIG_RFC9421 = 2 };

enum httpsig_alg {
    HTTPSIG_ALG_UNKNOWN = 0,
    HTTPSIG_ALG_RSA_SHA256,  /* cavage rsa-sha256 / hs2019 with an RSA key; 9421 rsa-v1_5-sha256 */
    HTTPSIG_ALG_ED25519,     /* 9421 ed25519; cavage hs2019 with an Ed25519 key */
    HTTPSIG_ALG_HMAC_SHA256, /* 9421 hmac-sha256 (test vectors only) */
};

/* What a request's signature headers say, before any key is looked at. */
struct httpsig_parsed {
    enum httpsig_kind kind;
    const char *key_id;   /* keyId / keyid: usually "https://host/users/a#main-key" */
    enum httpsig_alg alg; /* from the header; UNKNOWN when absent or hs2019 (the key decides) */
    const char **covered; /* covered components / headers, lowercase, in order */
    size_t n_covered;
    int64_t created;   /* seconds; -1 when absent */
    int64_t expires;   /* seconds; -1 when absent */
    const char *label; /* RFC 9421: the dictionary member used ("sig1") */
    const char *base;  /* the signature base that was (or will be) checked */
    const unsigned char *sig;
    size_t sig_len;
};

/* A key: RSA or Ed25519 (public or private), or an HMAC secret. */
struct httpsig_key;

/*
 * From PEM text (PKCS#8 or PKCS#1 private, SPKI or PKCS#1 public; RSA of
 * 1024 to 8192 bits, or Ed25519). Encrypted keys are refused, never
 * prompted for. 0 or E_INVAL.
 */
int httpsig_key_from_pem(const char *pem, struct httpsig_key **out);
/* From a Multikey publicKeyMultibase ("z6Mk...": base58btc, 0xed01 prefix). 0 or E_INVAL. */
int httpsig_key_from_multibase(const char *multibase, struct httpsig_key **out);
/* A shared secret for hmac-sha256 (copied). */
int httpsig_key_from_secret(const void *secret, size_t len, struct httpsig_key **out);
/* The algorithm a key signs with (RSA_SHA256, ED25519 or HMAC_SHA256). */
enum httpsig_alg httpsig_key_alg(const struct httpsig_key *k);
void httpsig_key_free(struct httpsig_key *k);

/* "SHA-256=<base64>" for a cavage Digest header, into the arena. */
const char *httpsig_digest(struct arena *a, const void *body, size_t len);
/* "sha-256=:<base64>:" for an RFC 9530 Content-Digest header, into the arena. */
const char *httpsig_content_digest(struct arena *a, const void *body, size_t len);

/*
 * Signs r the cavage way: the value of a Signature header, into the arena.
 * Covers "(request-target)" and each header named in headers (lowercase
 * names, space-separated: "host date digest"), which must be present in r
 * ("host" may come from r->authority); a list that names
 * "(request-target)" itself is signed in its own order. key must be
 * private (RSA: rsa-sha256; Ed25519: hs2019). E_INVAL when a covered
 * header is missing, E_INTERNAL when signing fails.
 */
int httpsig_sign_cavage(struct arena *a, const struct httpsig_request *r, const char *key_id,
                        const struct httpsig_key *key, const char *headers, const char **out);

/*
 * Signs r the RFC 9421 way under label: components is the inner list's
 * items as they appear ("\"@method\" \"@target-uri\" \"content-digest\""),
 * params the parameters after it (";created=1618884473;keyid=\"k\""), both
 * copied verbatim into Signature-Input so test vectors reproduce. Out: the
 * Signature-Input and Signature header values. E_INVAL when the member does
 * not parse, covers what r lacks or what we do not support (component
 * parameters, @status, @query-param), or names an alg that is not the key's.
 */
int httpsig_sign_rfc9421(struct arena *a, const struct httpsig_request *r, const char *label,
                         const char *components, const char *params, const struct httpsig_key *key,
                         const char **signature_input, const char **signature);

/*
 * Signs base (any bytes) with key as httpsig_sign_cavage and
 * httpsig_sign_rfc9421 do: RSASSA-PKCS1-v1_5 SHA-256, Ed25519 or
 * HMAC-SHA256 by the key. *out is the base64 signature, in the arena.
 * E_INVAL for a public key, E_INTERNAL when signing fails. For test
 * vectors and for callers that build their own signing string.
 */
int httpsig_sign_base(struct arena *a, const struct httpsig_key *key, const char *base, size_t len,
                      const char **out);

/*
 * Reads the signature headers of r: RFC 9421 (Signature-Input) when
 * present, else cavage (Signature, or Authorization: Signature ...), and
 * builds the signature base. E_AUTH when there is no signature, E_INVAL
 * when it is malformed, over HTTPSIG_HEADER_MAX, has no key id, or covers
 * a header that r does not have. Cavage "headers" defaults to "date".
 * RFC 9421: the first Signature-Input member whose alg we support (or that
 * names none) and that has a Signature value; "@signature-params" is the
 * member serialized as RFC 8941 says, which is its text when the sender
 * serialized it canonically.
 */
int httpsig_parse(struct arena *a, const struct httpsig_request *r, struct httpsig_parsed *out);

/*
 * Checks p (from httpsig_parse of r) with key, at now (seconds):
 * - the signature itself (E_AUTH when it does not verify or the key's
 *   algorithm does not match the one the header names);
 * - freshness: the Date header or created within HTTPSIG_SKEW_S of now,
 *   expires not passed (E_AUTH);
 * - coverage: "(request-target)" or "@method" plus "@target-uri" or
 *   "@path", "host" or "@authority", and "date" or created; and, when body
 *   is not NULL, "digest" or "content-digest" (E_AUTH when missing);
 * - the body against the covered Digest / Content-Digest (SHA-256, and
 *   SHA-512 when that is the one sent; E_INVAL when it does not match).
 */
int httpsig_verify(const struct httpsig_request *r, const struct httpsig_parsed *p,
                   const struct httpsig_key *key, const void *body, size_t body_len, int64_t now);

#endif
