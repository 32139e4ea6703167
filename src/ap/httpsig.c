/*
 * httpsig: HTTP message signatures, draft-cavage-http-signatures-12 and
 * RFC 9421, over OpenSSL 3's EVP interface.
 *
 * Parsing reads the signature headers of a request into a struct
 * httpsig_parsed whose strings all live in the caller's arena; the
 * signature base is built at the same time, so verifying is only the key
 * check, the coverage and freshness rules and the body digest. RFC 9421
 * headers are read with a small RFC 8941 structured-field parser (items,
 * inner lists, parameters, dictionaries), and "@signature-params" is the
 * canonical serialization of the member, which is the member's text itself
 * whenever the sender serialized it canonically as RFC 8941 asks.
 *
 * Keys are heap objects holding an EVP_PKEY (RSA or Ed25519) or an HMAC
 * secret, cleared when freed. Nothing here keeps state between calls.
 */
#include "ap/httpsig.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/decoder.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/mem.h"

#define HS_MEMBERS_MAX 16       /* members of a Signature-Input or Signature dictionary */
#define HS_PARAMS_MAX 16        /* parameters on one item or inner list */
#define HS_BASE_MAX (64 * 1024) /* bytes of a signature base */
#define HS_PEM_MAX (16 * 1024)  /* bytes of PEM text we read */
#define HS_MULTIBASE_MAX 128    /* characters of a publicKeyMultibase */
#define HS_RSA_MIN_BITS 1024    /* the draft-cavage test key has 1024 */
#define HS_RSA_MAX_BITS 8192    /* larger keys only cost us time */
#define HS_DIGEST_MAX 64        /* SHA-512 */

struct httpsig_key {
    enum httpsig_alg alg;
    EVP_PKEY *pkey;        /* RSA or Ed25519; NULL for HMAC */
    int has_private;       /* pkey can sign */
    unsigned char *secret; /* HMAC, owned, cleared when freed */
    size_t secret_len;
};

/* ---- characters ---- */

static int is_ows(char c)
{
    return c == ' ' || c == '\t';
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int is_lcalpha(char c)
{
    return c >= 'a' && c <= 'z';
}

static int is_alpha(char c)
{
    return is_lcalpha(c) || (c >= 'A' && c <= 'Z');
}

static char to_lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static int is_tchar(char c)
{
    return is_alpha(c) || is_digit(c) || (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static int is_b64char(char c)
{
    return is_alpha(c) || is_digit(c) || c == '+' || c == '/';
}

/* A byte that would let a value forge another line of a signature base. */
static int has_ctl(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x20 && c != '\t') || c == 0x7f)
            return 1;
    }
    return 0;
}

static char *lower_dup(struct arena *a, const char *s, size_t n)
{
    char *out = arena_strndup(a, s, n);
    for (size_t i = 0; i < n; i++)
        out[i] = to_lower(out[i]);
    return out;
}

/* ---- base64 ---- */

static char *b64_encode(struct arena *a, const unsigned char *p, size_t n)
{
    char *out = arena_alloc(a, 4 * ((n + 2) / 3) + 1);
    EVP_EncodeBlock((unsigned char *)out, p, (int)n);
    return out;
}

/*
 * Strict standard base64: only the alphabet, padding only at the end (it
 * may be left out). EVP_DecodeBlock counts padding as zero bytes, so the
 * length comes out of the text instead.
 */
static int b64_decode(struct arena *a, const char *s, size_t n, unsigned char **out,
                      size_t *out_len)
{
    size_t m = n;
    while (m > 0 && s[m - 1] == '=')
        m--;
    if (n - m > 2 || (n != m && n % 4 != 0) || m % 4 == 1 || n > HTTPSIG_HEADER_MAX)
        return E_INVAL;
    for (size_t i = 0; i < m; i++) {
        if (!is_b64char(s[i]))
            return E_INVAL;
    }
    size_t padded = (m + 3) / 4 * 4;
    char *text = arena_alloc(a, padded + 1);
    memcpy(text, s, m);
    memset(text + m, '=', padded - m);
    text[padded] = '\0';
    unsigned char *bin = arena_alloc(a, padded / 4 * 3 + 1);
    int got = padded ? EVP_DecodeBlock(bin, (const unsigned char *)text, (int)padded) : 0;
    if (got < 0)
        return E_INVAL;
    *out = bin;
    *out_len = (size_t)got - (padded - m);
    return 0;
}

/* ---- the request ---- */

/*
 * Every value of header name in r, trimmed, joined with ", " (in order):
 * *out NULL when r has none. E_INVAL when a value holds control characters
 * or the whole passes max bytes.
 */
static int header_join(struct arena *a, const struct httpsig_request *r, const char *name,
                       size_t max, const char **out)
{
    struct buf b;
    int rc = 0, found = 0;
    *out = NULL;
    buf_init(&b, max);
    for (size_t i = 0; i < r->n_headers; i++) {
        const struct httpsig_header *h = &r->headers[i];
        if (!h->name || !h->value || strcasecmp(h->name, name) != 0)
            continue;
        const char *v = h->value;
        size_t n = strlen(v);
        while (n > 0 && is_ows(*v)) {
            v++;
            n--;
        }
        while (n > 0 && is_ows(v[n - 1]))
            n--;
        if (has_ctl(v, n) || (found && buf_append(&b, ", ", 2) != 0) || buf_append(&b, v, n) != 0) {
            rc = E_INVAL;
            goto out;
        }
        found = 1;
    }
    if (found)
        *out = arena_strdup(a, buf_cstr(&b));
out:
    buf_fini(&b);
    return rc;
}

/* The authority, lowercase: r->authority, else the Host header. NULL when neither. */
static const char *authority_of(struct arena *a, const struct httpsig_request *r)
{
    const char *auth = r->authority;
    if (!auth || !*auth) {
        if (header_join(a, r, "host", HTTPSIG_HEADER_MAX, &auth) != 0)
            return NULL;
    }
    if (!auth || !*auth || has_ctl(auth, strlen(auth)))
        return NULL;
    return lower_dup(a, auth, strlen(auth));
}

/* A covered header's value; "host" falls back on the authority. E_INVAL when absent. */
static int field_value(struct arena *a, const struct httpsig_request *r, const char *name,
                       const char **out)
{
    int rc = header_join(a, r, name, HS_BASE_MAX, out);
    if (rc != 0)
        return rc;
    if (!*out && strcmp(name, "host") == 0)
        *out = authority_of(a, r);
    return *out ? 0 : E_INVAL;
}

/* ---- RFC 8941 structured fields ---- */

enum sf_type { SF_INT = 1, SF_DEC, SF_STR, SF_TOKEN, SF_BYTES, SF_BOOL };

struct sf_bare {
    enum sf_type type;
    int64_t num;          /* INT and BOOL; DEC in thousandths */
    const char *str;      /* STR (unescaped) and TOKEN, NUL-terminated */
    unsigned char *bytes; /* BYTES */
    size_t len;           /* of str or bytes */
};

struct sf_param {
    const char *key;
    struct sf_bare val;
};

struct sf_item {
    struct sf_bare val;
    struct sf_param *params;
    size_t n_params;
};

struct sf_member {
    const char *key;
    int is_list;
    struct sf_item item; /* when not a list */
    struct sf_item *items;
    size_t n_items;
    struct sf_param *params; /* of the inner list */
    size_t n_params;
};

struct sf_parser {
    struct arena *a;
    const char *p;
    const char *end;
};

static int sf_at(const struct sf_parser *ps, char c)
{
    return ps->p < ps->end && *ps->p == c;
}

static int sf_key(struct sf_parser *ps, const char **out)
{
    const char *s = ps->p;
    if (ps->p >= ps->end || !(is_lcalpha(*ps->p) || *ps->p == '*'))
        return E_INVAL;
    ps->p++;
    while (ps->p < ps->end && (is_lcalpha(*ps->p) || is_digit(*ps->p) || *ps->p == '_' ||
                               *ps->p == '-' || *ps->p == '.' || *ps->p == '*'))
        ps->p++;
    *out = arena_strndup(ps->a, s, (size_t)(ps->p - s));
    return 0;
}

static int sf_number(struct sf_parser *ps, struct sf_bare *v)
{
    int neg = 0, digits = 0;
    int64_t ip = 0;
    if (sf_at(ps, '-')) {
        neg = 1;
        ps->p++;
    }
    if (ps->p >= ps->end || !is_digit(*ps->p))
        return E_INVAL;
    while (ps->p < ps->end && is_digit(*ps->p)) {
        if (++digits > 15)
            return E_INVAL;
        ip = ip * 10 + (*ps->p++ - '0');
    }
    if (!sf_at(ps, '.')) {
        v->type = SF_INT;
        v->num = neg ? -ip : ip;
        return 0;
    }
    if (digits > 12)
        return E_INVAL;
    ps->p++;
    int64_t frac = 0;
    int fd = 0;
    while (ps->p < ps->end && is_digit(*ps->p)) {
        if (++fd > 3)
            return E_INVAL;
        frac = frac * 10 + (*ps->p++ - '0');
    }
    if (fd == 0)
        return E_INVAL;
    for (; fd < 3; fd++)
        frac *= 10;
    v->type = SF_DEC;
    v->num = (neg ? -1 : 1) * (ip * 1000 + frac);
    return 0;
}

static int sf_string(struct sf_parser *ps, struct sf_bare *v)
{
    char *out = arena_alloc(ps->a, (size_t)(ps->end - ps->p) + 1);
    size_t n = 0;
    ps->p++; /* the opening quote */
    while (ps->p < ps->end) {
        char c = *ps->p++;
        if (c == '\\') {
            if (ps->p >= ps->end || (*ps->p != '"' && *ps->p != '\\'))
                return E_INVAL;
            out[n++] = *ps->p++;
        } else if (c == '"') {
            out[n] = '\0';
            v->type = SF_STR;
            v->str = out;
            v->len = n;
            return 0;
        } else if ((unsigned char)c < 0x20 || (unsigned char)c > 0x7e) {
            return E_INVAL;
        } else {
            out[n++] = c;
        }
    }
    return E_INVAL;
}

static int sf_token(struct sf_parser *ps, struct sf_bare *v)
{
    const char *s = ps->p++;
    while (ps->p < ps->end && (is_tchar(*ps->p) || *ps->p == ':' || *ps->p == '/'))
        ps->p++;
    v->type = SF_TOKEN;
    v->len = (size_t)(ps->p - s);
    v->str = arena_strndup(ps->a, s, v->len);
    return 0;
}

static int sf_bytes(struct sf_parser *ps, struct sf_bare *v)
{
    const char *s = ++ps->p;
    while (ps->p < ps->end && *ps->p != ':') {
        if (!is_b64char(*ps->p) && *ps->p != '=')
            return E_INVAL;
        ps->p++;
    }
    if (ps->p >= ps->end)
        return E_INVAL;
    int rc = b64_decode(ps->a, s, (size_t)(ps->p - s), &v->bytes, &v->len);
    ps->p++;
    v->type = SF_BYTES;
    return rc;
}

static int sf_bare_item(struct sf_parser *ps, struct sf_bare *v)
{
    memset(v, 0, sizeof(*v));
    if (ps->p >= ps->end)
        return E_INVAL;
    char c = *ps->p;
    if (c == '-' || is_digit(c))
        return sf_number(ps, v);
    if (c == '"')
        return sf_string(ps, v);
    if (is_alpha(c) || c == '*')
        return sf_token(ps, v);
    if (c == ':')
        return sf_bytes(ps, v);
    if (c == '?' && ps->end - ps->p >= 2 && (ps->p[1] == '0' || ps->p[1] == '1')) {
        v->type = SF_BOOL;
        v->num = ps->p[1] == '1';
        ps->p += 2;
        return 0;
    }
    return E_INVAL;
}

static int sf_params(struct sf_parser *ps, struct sf_param **out, size_t *n_out)
{
    struct sf_param tmp[HS_PARAMS_MAX];
    size_t n = 0;
    while (sf_at(ps, ';')) {
        ps->p++;
        while (sf_at(ps, ' '))
            ps->p++;
        struct sf_param prm = {.val = {.type = SF_BOOL, .num = 1}};
        int rc = sf_key(ps, &prm.key);
        if (rc == 0 && sf_at(ps, '=')) {
            ps->p++;
            rc = sf_bare_item(ps, &prm.val);
        }
        if (rc != 0)
            return rc;
        size_t i = 0;
        while (i < n && strcmp(tmp[i].key, prm.key) != 0)
            i++;
        if (i == n) {
            if (n == HS_PARAMS_MAX)
                return E_INVAL;
            n++;
        }
        tmp[i] = prm;
    }
    *out = n ? arena_alloc(ps->a, n * sizeof(**out)) : NULL;
    if (n)
        memcpy(*out, tmp, n * sizeof(**out));
    *n_out = n;
    return 0;
}

static int sf_item(struct sf_parser *ps, struct sf_item *it)
{
    int rc = sf_bare_item(ps, &it->val);
    return rc ? rc : sf_params(ps, &it->params, &it->n_params);
}

static int sf_inner_list(struct sf_parser *ps, struct sf_member *m)
{
    struct sf_item tmp[HTTPSIG_COVERED_MAX];
    size_t n = 0;
    ps->p++; /* '(' */
    while (ps->p < ps->end) {
        while (sf_at(ps, ' '))
            ps->p++;
        if (sf_at(ps, ')')) {
            ps->p++;
            m->is_list = 1;
            m->n_items = n;
            m->items = n ? arena_alloc(ps->a, n * sizeof(*m->items)) : NULL;
            if (n)
                memcpy(m->items, tmp, n * sizeof(*m->items));
            return sf_params(ps, &m->params, &m->n_params);
        }
        if (n == HTTPSIG_COVERED_MAX)
            return E_INVAL;
        int rc = sf_item(ps, &tmp[n++]);
        if (rc != 0)
            return rc;
        if (ps->p < ps->end && *ps->p != ' ' && *ps->p != ')')
            return E_INVAL;
    }
    return E_INVAL;
}

/* An RFC 8941 dictionary; a repeated key overwrites the earlier value in place. */
static int sf_dictionary(struct arena *a, const char *s, size_t len, struct sf_member **out,
                         size_t *n_out)
{
    struct sf_parser ps = {a, s, s + len};
    struct sf_member tmp[HS_MEMBERS_MAX];
    size_t n = 0;
    while (ps.p < ps.end && is_ows(*ps.p))
        ps.p++;
    while (ps.p < ps.end) {
        struct sf_member m;
        memset(&m, 0, sizeof(m));
        int rc = sf_key(&ps, &m.key);
        if (rc == 0 && sf_at(&ps, '=')) {
            ps.p++;
            rc = sf_at(&ps, '(') ? sf_inner_list(&ps, &m) : sf_item(&ps, &m.item);
        } else if (rc == 0) {
            m.item.val.type = SF_BOOL;
            m.item.val.num = 1;
            rc = sf_params(&ps, &m.item.params, &m.item.n_params);
        }
        if (rc != 0)
            return rc;
        size_t i = 0;
        while (i < n && strcmp(tmp[i].key, m.key) != 0)
            i++;
        if (i == n) {
            if (n == HS_MEMBERS_MAX)
                return E_INVAL;
            n++;
        }
        tmp[i] = m;
        while (ps.p < ps.end && is_ows(*ps.p))
            ps.p++;
        if (ps.p >= ps.end)
            break;
        if (*ps.p != ',')
            return E_INVAL;
        ps.p++;
        while (ps.p < ps.end && is_ows(*ps.p))
            ps.p++;
        if (ps.p >= ps.end)
            return E_INVAL; /* a trailing comma */
    }
    *out = n ? arena_alloc(a, n * sizeof(**out)) : NULL;
    if (n)
        memcpy(*out, tmp, n * sizeof(**out));
    *n_out = n;
    return 0;
}

static int sf_ser_bare(struct buf *b, const struct sf_bare *v)
{
    switch (v->type) {
    case SF_INT:
        return buf_printf(b, "%lld", (long long)v->num);
    case SF_DEC: {
        long long x = v->num < 0 ? -v->num : v->num;
        char frac[8];
        snprintf(frac, sizeof(frac), "%03lld", x % 1000);
        for (int i = 2; i > 0 && frac[i] == '0'; i--)
            frac[i] = '\0';
        return buf_printf(b, "%s%lld.%s", v->num < 0 ? "-" : "", x / 1000, frac);
    }
    case SF_STR: {
        int rc = buf_putc(b, '"');
        for (size_t i = 0; rc == 0 && i < v->len; i++) {
            if (v->str[i] == '"' || v->str[i] == '\\')
                rc = buf_putc(b, '\\');
            if (rc == 0)
                rc = buf_putc(b, v->str[i]);
        }
        return rc ? rc : buf_putc(b, '"');
    }
    case SF_TOKEN:
        return buf_puts(b, v->str);
    case SF_BYTES: {
        char *text = xmalloc(4 * ((v->len + 2) / 3) + 1);
        EVP_EncodeBlock((unsigned char *)text, v->bytes, (int)v->len);
        int rc = buf_printf(b, ":%s:", text);
        free(text);
        return rc;
    }
    case SF_BOOL:
        return buf_puts(b, v->num ? "?1" : "?0");
    }
    return E_INVAL;
}

static int sf_ser_params(struct buf *b, const struct sf_param *p, size_t n)
{
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        rc = buf_printf(b, ";%s", p[i].key);
        if (rc == 0 && !(p[i].val.type == SF_BOOL && p[i].val.num == 1))
            rc = buf_putc(b, '=') ? E_LIMIT : sf_ser_bare(b, &p[i].val);
    }
    return rc;
}

static int sf_ser_inner_list(struct buf *b, const struct sf_member *m)
{
    int rc = buf_putc(b, '(');
    for (size_t i = 0; rc == 0 && i < m->n_items; i++) {
        if (i > 0)
            rc = buf_putc(b, ' ');
        if (rc == 0)
            rc = sf_ser_bare(b, &m->items[i].val);
        if (rc == 0)
            rc = sf_ser_params(b, m->items[i].params, m->items[i].n_params);
    }
    if (rc == 0)
        rc = buf_putc(b, ')');
    return rc ? rc : sf_ser_params(b, m->params, m->n_params);
}

/* ---- keys ---- */

static int no_password(char *buf, int size, int rwflag, void *u)
{
    (void)buf;
    (void)size;
    (void)rwflag;
    (void)u;
    return -1; /* an encrypted key is refused, never prompted for */
}

/* Steals pk. */
static int key_from_pkey(EVP_PKEY *pk, int has_private, struct httpsig_key **out)
{
    enum httpsig_alg alg = HTTPSIG_ALG_UNKNOWN;
    if (EVP_PKEY_is_a(pk, "RSA")) {
        int bits = EVP_PKEY_get_bits(pk);
        if (bits >= HS_RSA_MIN_BITS && bits <= HS_RSA_MAX_BITS)
            alg = HTTPSIG_ALG_RSA_SHA256;
    } else if (EVP_PKEY_is_a(pk, "ED25519")) {
        alg = HTTPSIG_ALG_ED25519;
    }
    if (alg == HTTPSIG_ALG_UNKNOWN) {
        EVP_PKEY_free(pk);
        return E_INVAL;
    }
    struct httpsig_key *k = xcalloc(1, sizeof(*k));
    k->alg = alg;
    k->pkey = pk;
    k->has_private = has_private;
    *out = k;
    return 0;
}

int httpsig_key_from_pem(const char *pem, struct httpsig_key **out)
{
    *out = NULL;
    size_t len = pem ? strnlen(pem, HS_PEM_MAX + 1) : 0;
    if (len == 0 || len > HS_PEM_MAX)
        return E_INVAL;
    /* A public key is not offered to the private-key decoders: they are slow to fail. */
    int has_private = strstr(pem, "PRIVATE KEY-----") != NULL;
    BIO *b = NULL;
    EVP_PKEY *pk = NULL;
    if (has_private) {
        b = BIO_new_mem_buf(pem, (int)len);
        pk = b ? PEM_read_bio_PrivateKey(b, NULL, no_password, NULL) : NULL;
        BIO_free(b);
    }
    if (!pk) {
        has_private = 0;
        b = BIO_new_mem_buf(pem, (int)len);
        pk = b ? PEM_read_bio_PUBKEY(b, NULL, no_password, NULL) : NULL;
        BIO_free(b);
    }
    if (!pk) {
        /* "BEGIN RSA PUBLIC KEY" (PKCS#1), as RFC 9421's test-key-rsa is written. */
        OSSL_DECODER_CTX *dc = OSSL_DECODER_CTX_new_for_pkey(&pk, "PEM", "type-specific", "RSA",
                                                             EVP_PKEY_PUBLIC_KEY, NULL, NULL);
        b = BIO_new_mem_buf(pem, (int)len);
        if (!dc || !b || OSSL_DECODER_from_bio(dc, b) != 1)
            pk = NULL;
        BIO_free(b);
        OSSL_DECODER_CTX_free(dc);
    }
    ERR_clear_error();
    return pk ? key_from_pkey(pk, has_private, out) : E_INVAL;
}

static const char b58_alphabet[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/* base58btc (big-endian, leading '1's are zero bytes) into out[cap]. */
static int b58_decode(const char *s, unsigned char *out, size_t cap, size_t *out_len)
{
    unsigned char num[HS_MULTIBASE_MAX];
    size_t zeros = 0, len = 0;
    memset(num, 0, sizeof(num));
    while (s[zeros] == '1')
        zeros++;
    for (const char *c = s + zeros; *c; c++) {
        const char *pos = strchr(b58_alphabet, *c);
        if (!pos)
            return E_INVAL;
        unsigned carry = (unsigned)(pos - b58_alphabet);
        size_t i = 0;
        for (; i < len || carry; i++) {
            if (i >= sizeof(num))
                return E_INVAL;
            carry += 58u * num[sizeof(num) - 1 - i];
            num[sizeof(num) - 1 - i] = (unsigned char)(carry & 0xff);
            carry >>= 8;
        }
        len = i;
    }
    if (zeros + len > cap)
        return E_INVAL;
    memset(out, 0, zeros);
    memcpy(out + zeros, num + sizeof(num) - len, len);
    *out_len = zeros + len;
    return 0;
}

int httpsig_key_from_multibase(const char *multibase, struct httpsig_key **out)
{
    unsigned char raw[HS_MULTIBASE_MAX];
    size_t n = 0;
    *out = NULL;
    if (!multibase || multibase[0] != 'z' ||
        strnlen(multibase, HS_MULTIBASE_MAX) >= HS_MULTIBASE_MAX)
        return E_INVAL;
    /* multicodec ed25519-pub is the varint 0xed 0x01, then the 32-byte key. */
    if (b58_decode(multibase + 1, raw, sizeof(raw), &n) != 0 || n != 34 || raw[0] != 0xed ||
        raw[1] != 0x01)
        return E_INVAL;
    EVP_PKEY *pk = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, raw + 2, 32);
    if (!pk) {
        ERR_clear_error();
        return E_INVAL;
    }
    return key_from_pkey(pk, 0, out);
}

int httpsig_key_from_secret(const void *secret, size_t len, struct httpsig_key **out)
{
    *out = NULL;
    if (!secret || len == 0 || len > 1024)
        return E_INVAL;
    struct httpsig_key *k = xcalloc(1, sizeof(*k));
    k->alg = HTTPSIG_ALG_HMAC_SHA256;
    k->secret = xmalloc(len);
    memcpy(k->secret, secret, len);
    k->secret_len = len;
    *out = k;
    return 0;
}

enum httpsig_alg httpsig_key_alg(const struct httpsig_key *k)
{
    return k ? k->alg : HTTPSIG_ALG_UNKNOWN;
}

void httpsig_key_free(struct httpsig_key *k)
{
    if (!k)
        return;
    EVP_PKEY_free(k->pkey);
    if (k->secret) {
        OPENSSL_cleanse(k->secret, k->secret_len);
        free(k->secret);
    }
    free(k);
}

/* ---- signing and checking bytes ---- */

static int hmac_sha256(const struct httpsig_key *k, const void *data, size_t len,
                       unsigned char out[32])
{
    unsigned int n = 0;
    if (!HMAC(EVP_sha256(), k->secret, (int)k->secret_len, data, len, out, &n) || n != 32) {
        ERR_clear_error();
        return E_INTERNAL;
    }
    return 0;
}

/* The raw signature of data with key, into the arena. */
static int sign_bytes(struct arena *a, const struct httpsig_key *k, const char *data, size_t len,
                      unsigned char **sig, size_t *sig_len)
{
    if (k->alg == HTTPSIG_ALG_HMAC_SHA256) {
        *sig = arena_alloc(a, 32);
        *sig_len = 32;
        return hmac_sha256(k, data, len, *sig);
    }
    if (!k->has_private)
        return E_INVAL;
    int rc = E_INTERNAL;
    size_t n = 0;
    const EVP_MD *md = k->alg == HTTPSIG_ALG_RSA_SHA256 ? EVP_sha256() : NULL;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (!ctx || EVP_DigestSignInit(ctx, NULL, md, NULL, k->pkey) != 1 ||
        EVP_DigestSign(ctx, NULL, &n, (const unsigned char *)data, len) != 1)
        goto out;
    *sig = arena_alloc(a, n);
    if (EVP_DigestSign(ctx, *sig, &n, (const unsigned char *)data, len) != 1)
        goto out;
    *sig_len = n;
    rc = 0;
out:
    EVP_MD_CTX_free(ctx);
    ERR_clear_error();
    return rc;
}

/* 0 when sig is key's signature of data, else E_AUTH. */
static int check_bytes(const struct httpsig_key *k, const char *data, size_t len,
                       const unsigned char *sig, size_t sig_len)
{
    if (k->alg == HTTPSIG_ALG_HMAC_SHA256) {
        unsigned char mac[32];
        if (hmac_sha256(k, data, len, mac) != 0)
            return E_INTERNAL;
        return sig_len == 32 && CRYPTO_memcmp(mac, sig, 32) == 0 ? 0 : E_AUTH;
    }
    const EVP_MD *md = k->alg == HTTPSIG_ALG_RSA_SHA256 ? EVP_sha256() : NULL;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int ok = ctx && EVP_DigestVerifyInit(ctx, NULL, md, NULL, k->pkey) == 1 &&
             EVP_DigestVerify(ctx, sig, sig_len, (const unsigned char *)data, len) == 1;
    EVP_MD_CTX_free(ctx);
    ERR_clear_error();
    return ok ? 0 : E_AUTH;
}

int httpsig_sign_base(struct arena *a, const struct httpsig_key *key, const char *base, size_t len,
                      const char **out)
{
    unsigned char *sig = NULL;
    size_t n = 0;
    *out = NULL;
    if (!a || !key || !base)
        return E_INVAL;
    int rc = sign_bytes(a, key, base, len, &sig, &n);
    if (rc == 0)
        *out = b64_encode(a, sig, n);
    return rc;
}

/* ---- digests ---- */

static const char *digest_header(struct arena *a, const void *body, size_t len, const char *pre,
                                 const char *post)
{
    unsigned char md[HS_DIGEST_MAX];
    unsigned int n = 0;
    if (EVP_Digest(len ? body : "", len, md, &n, EVP_sha256(), NULL) != 1)
        return NULL;
    return arena_printf(a, "%s%s%s", pre, b64_encode(a, md, n), post);
}

const char *httpsig_digest(struct arena *a, const void *body, size_t len)
{
    return digest_header(a, body, len, "SHA-256=", "");
}

const char *httpsig_content_digest(struct arena *a, const void *body, size_t len)
{
    return digest_header(a, body, len, "sha-256=:", ":");
}

/* A digest algorithm by its name in Digest or Content-Digest ("SHA-256", "sha-512"). */
static const EVP_MD *digest_md(const char *name, size_t n)
{
    if (n == 7 && strncasecmp(name, "sha-256", 7) == 0)
        return EVP_sha256();
    if (n == 7 && strncasecmp(name, "sha-512", 7) == 0)
        return EVP_sha512();
    return NULL;
}

/* 0 when want is md's digest of body; E_INVAL when not. */
static int digest_matches(const EVP_MD *md, const void *body, size_t len, const unsigned char *want,
                          size_t want_len)
{
    unsigned char got[HS_DIGEST_MAX];
    unsigned int n = 0;
    if (EVP_Digest(len ? body : "", len, got, &n, md, NULL) != 1)
        return E_INTERNAL;
    return want_len == n && CRYPTO_memcmp(got, want, n) == 0 ? 0 : E_INVAL;
}

/* RFC 3230 Digest: "SHA-256=<b64>[, SHA-512=<b64>]"; every one we know must match, one at least. */
static int check_digest(struct arena *a, const char *value, const void *body, size_t len)
{
    int checked = 0;
    const char *p = value;
    while (*p) {
        const char *end = strchr(p, ',');
        if (!end)
            end = p + strlen(p);
        const char *s = p;
        while (s < end && is_ows(*s))
            s++;
        const char *eq = memchr(s, '=', (size_t)(end - s));
        if (eq) {
            const char *v = eq + 1, *ve = end;
            while (ve > v && is_ows(ve[-1]))
                ve--;
            const EVP_MD *md = digest_md(s, (size_t)(eq - s));
            unsigned char *want = NULL;
            size_t want_len = 0;
            if (md) {
                if (b64_decode(a, v, (size_t)(ve - v), &want, &want_len) != 0 ||
                    digest_matches(md, body, len, want, want_len) != 0)
                    return E_INVAL;
                checked++;
            }
        }
        p = *end ? end + 1 : end;
    }
    return checked ? 0 : E_INVAL;
}

/* RFC 9530 Content-Digest: a dictionary of byte sequences. */
static int check_content_digest(struct arena *a, const char *value, const void *body, size_t len)
{
    struct sf_member *m = NULL;
    size_t n = 0;
    int checked = 0;
    if (sf_dictionary(a, value, strlen(value), &m, &n) != 0)
        return E_INVAL;
    for (size_t i = 0; i < n; i++) {
        const EVP_MD *md = digest_md(m[i].key, strlen(m[i].key));
        if (!md)
            continue;
        if (m[i].is_list || m[i].item.val.type != SF_BYTES ||
            digest_matches(md, body, len, m[i].item.val.bytes, m[i].item.val.len) != 0)
            return E_INVAL;
        checked++;
    }
    return checked ? 0 : E_INVAL;
}

/* ---- dates ---- */

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int read_num(const char **p, int min_digits, int max_digits, int *out)
{
    int v = 0, n = 0;
    while (n < max_digits && is_digit(**p)) {
        v = v * 10 + (*(*p)++ - '0');
        n++;
    }
    *out = v;
    return n >= min_digits ? 0 : E_INVAL;
}

static int expect(const char **p, const char *lit)
{
    size_t n = strlen(lit);
    if (strncmp(*p, lit, n) != 0)
        return E_INVAL;
    *p += n;
    return 0;
}

/* IMF-fixdate, "Sun, 06 Nov 1994 08:49:37 GMT" (RFC 9110 section 5.6.7), to seconds. */
static int parse_http_date(const char *s, int64_t *out)
{
    static const char days[] = "MonTueWedThuFriSatSun";
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    static const int month_days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int day, year, hh, mm, ss, mon = -1;
    const char *p = s;
    if (strnlen(s, 4) < 4)
        return E_INVAL;
    for (int i = 0; i < 7; i++) {
        if (strncmp(p, days + 3 * i, 3) == 0)
            mon = 0;
    }
    if (mon != 0)
        return E_INVAL;
    p += 3;
    mon = -1;
    if (expect(&p, ", ") || read_num(&p, 1, 2, &day) || expect(&p, " "))
        return E_INVAL;
    for (int i = 0; i < 12; i++) {
        if (strncmp(p, months + 3 * i, 3) == 0)
            mon = i;
    }
    if (mon < 0)
        return E_INVAL;
    p += 3;
    if (expect(&p, " ") || read_num(&p, 4, 4, &year) || expect(&p, " ") ||
        read_num(&p, 2, 2, &hh) || expect(&p, ":") || read_num(&p, 2, 2, &mm) || expect(&p, ":") ||
        read_num(&p, 2, 2, &ss) || expect(&p, " GMT") || *p != '\0')
        return E_INVAL;
    if (day < 1 || day > month_days[mon] || hh > 23 || mm > 59 || ss > 60)
        return E_INVAL;
    *out = days_from_civil(year, mon + 1, day) * 86400 + hh * 3600 + mm * 60 + ss;
    return 0;
}

/* ---- draft-cavage ---- */

struct cavage_fields {
    const char *key_id, *algorithm, *headers, *signature, *created, *expires;
};

/* keyId="...",algorithm="...",headers="...",signature="..." in any order; no repeats. */
static int cavage_fields(struct arena *a, const char *s, struct cavage_fields *f)
{
    const char *p = s;
    memset(f, 0, sizeof(*f));
    for (;;) {
        while (is_ows(*p))
            p++;
        if (!*p)
            break;
        const char *name = p;
        while (is_alpha(*p) || is_digit(*p) || *p == '-' || *p == '_')
            p++;
        size_t name_len = (size_t)(p - name);
        while (is_ows(*p))
            p++;
        if (name_len == 0 || *p != '=')
            return E_INVAL;
        p++;
        while (is_ows(*p))
            p++;
        char *val;
        if (*p == '"') {
            const char *v = ++p;
            char *w = val = arena_alloc(a, strlen(v) + 1);
            while (*p && *p != '"') {
                if (*p == '\\' && p[1])
                    p++;
                *w++ = *p++;
            }
            if (*p != '"')
                return E_INVAL;
            p++;
            *w = '\0';
        } else {
            const char *v = p;
            while (*p && *p != ',' && !is_ows(*p) && *p != '"')
                p++;
            if (p == v)
                return E_INVAL;
            val = arena_strndup(a, v, (size_t)(p - v));
        }
        if (has_ctl(val, strlen(val)))
            return E_INVAL;
        static const char *const names[] = {"keyid",     "algorithm", "headers",
                                            "signature", "created",   "expires"};
        const char **slots[] = {&f->key_id,    &f->algorithm, &f->headers,
                                &f->signature, &f->created,   &f->expires};
        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
            if (strlen(names[i]) == name_len && strncasecmp(name, names[i], name_len) == 0) {
                if (*slots[i])
                    return E_INVAL; /* draft 12: a repeated parameter is an error */
                *slots[i] = val;
            }
        }
        while (is_ows(*p))
            p++;
        if (!*p)
            break;
        if (*p != ',')
            return E_INVAL;
        p++;
    }
    return f->key_id && f->signature ? 0 : E_INVAL;
}

/* A Unix time as cavage writes it: digits, and for expires a fraction, dropped. */
static int cavage_time(const char *s, int frac_ok, int64_t *out)
{
    int64_t v = 0;
    int n = 0;
    for (; is_digit(*s); s++) {
        if (++n > 15)
            return E_INVAL;
        v = v * 10 + (*s - '0');
    }
    if (n == 0)
        return E_INVAL;
    if (*s == '.' && frac_ok && is_digit(s[1])) {
        for (s++; is_digit(*s); s++)
            ;
    }
    if (*s)
        return E_INVAL;
    *out = v;
    return 0;
}

/* Splits a headers list ("(request-target) host date") into lowercase names. */
static int cavage_names(struct arena *a, const char *list, const char ***out, size_t *n_out)
{
    const char *tmp[HTTPSIG_COVERED_MAX];
    size_t n = 0;
    const char *p = list;
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
            p++;
        if (!*p)
            break;
        const char *s = p;
        while (*p && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
            p++;
        size_t len = (size_t)(p - s);
        char *name = lower_dup(a, s, len);
        int pseudo = name[0] == '(' && len > 2 && name[len - 1] == ')';
        for (size_t i = pseudo; i < len - pseudo; i++) {
            if (!is_tchar(name[i]))
                return E_INVAL;
        }
        if (n == HTTPSIG_COVERED_MAX)
            return E_INVAL;
        tmp[n++] = name;
    }
    if (n == 0)
        return E_INVAL; /* draft 12: an empty list is an error */
    *out = arena_alloc(a, n * sizeof(**out));
    memcpy(*out, tmp, n * sizeof(**out));
    *n_out = n;
    return 0;
}

/* The cavage signing string: "name: value" lines joined by "\n". */
static int cavage_base(struct arena *a, const struct httpsig_request *r, const char **names,
                       size_t n, const char *created, const char *expires, const char **out)
{
    struct buf b;
    int rc = 0;
    buf_init(&b, HS_BASE_MAX);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const char *name = names[i], *value = NULL;
        if (strcmp(name, "(request-target)") == 0) {
            if (!r->method || !r->target || !*r->method || has_ctl(r->target, strlen(r->target)))
                rc = E_INVAL;
            else
                value =
                    arena_printf(a, "%s %s", lower_dup(a, r->method, strlen(r->method)), r->target);
        } else if (strcmp(name, "(created)") == 0) {
            value = created;
        } else if (strcmp(name, "(expires)") == 0) {
            value = expires;
        } else if (name[0] == '(') {
            rc = E_INVAL;
        } else {
            rc = field_value(a, r, name, &value);
        }
        if (rc == 0 && !value)
            rc = E_INVAL;
        if (rc == 0 &&
            ((i > 0 && buf_putc(&b, '\n') != 0) || buf_printf(&b, "%s: %s", name, value) != 0))
            rc = E_INVAL;
    }
    if (rc == 0)
        *out = arena_strdup(a, buf_cstr(&b));
    buf_fini(&b);
    return rc;
}

static enum httpsig_alg cavage_alg(const char *s, int *ok)
{
    *ok = 1;
    if (!s || strcasecmp(s, "hs2019") == 0)
        return HTTPSIG_ALG_UNKNOWN;
    if (strcasecmp(s, "rsa-sha256") == 0)
        return HTTPSIG_ALG_RSA_SHA256;
    if (strcasecmp(s, "ed25519") == 0)
        return HTTPSIG_ALG_ED25519;
    if (strcasecmp(s, "hmac-sha256") == 0)
        return HTTPSIG_ALG_HMAC_SHA256;
    *ok = 0;
    return HTTPSIG_ALG_UNKNOWN;
}

static int parse_cavage(struct arena *a, const struct httpsig_request *r, const char *value,
                        struct httpsig_parsed *out)
{
    struct cavage_fields f;
    int ok = 0;
    int rc = cavage_fields(a, value, &f);
    if (rc != 0)
        return rc;
    out->kind = HTTPSIG_CAVAGE;
    out->key_id = f.key_id;
    out->alg = cavage_alg(f.algorithm, &ok);
    if (!ok || (f.created && cavage_time(f.created, 0, &out->created) != 0) ||
        (f.expires && cavage_time(f.expires, 1, &out->expires) != 0))
        return E_INVAL;
    /* Earlier drafts, and every fediverse server, sign "date" when headers is absent. */
    rc = cavage_names(a, f.headers ? f.headers : "date", &out->covered, &out->n_covered);
    if (rc == 0)
        rc = cavage_base(a, r, out->covered, out->n_covered, f.created, f.expires, &out->base);
    if (rc == 0)
        rc = b64_decode(a, f.signature, strlen(f.signature), (unsigned char **)&out->sig,
                        &out->sig_len);
    if (rc == 0 && out->sig_len == 0)
        rc = E_INVAL;
    return rc;
}

int httpsig_sign_cavage(struct arena *a, const struct httpsig_request *r, const char *key_id,
                        const struct httpsig_key *key, const char *headers, const char **out)
{
    const char **names = NULL;
    size_t n = 0;
    const char *base = NULL, *sig = NULL;
    *out = NULL;
    if (!a || !r || !key || !key_id || !*key_id || has_ctl(key_id, strlen(key_id)) ||
        strpbrk(key_id, "\"\\"))
        return E_INVAL;
    if (!headers)
        headers = "";
    /* "(request-target)" leads unless the list places it itself. */
    const char *list = strstr(headers, "(request-target)")
                           ? headers
                           : arena_printf(a, "(request-target) %s", headers);
    int rc = cavage_names(a, list, &names, &n);
    if (rc == 0)
        rc = cavage_base(a, r, names, n, NULL, NULL, &base);
    if (rc == 0)
        rc = httpsig_sign_base(a, key, base, strlen(base), &sig);
    if (rc != 0)
        return rc == E_INVAL ? E_INVAL : E_INTERNAL;
    const char *alg = key->alg == HTTPSIG_ALG_RSA_SHA256 ? "rsa-sha256"
                      : key->alg == HTTPSIG_ALG_ED25519  ? "hs2019"
                                                         : "hmac-sha256";
    struct buf joined;
    buf_init(&joined, HTTPSIG_HEADER_MAX);
    for (size_t i = 0; i < n; i++)
        buf_printf(&joined, "%s%s", i ? " " : "", names[i]);
    *out = arena_printf(a, "keyId=\"%s\",algorithm=\"%s\",headers=\"%s\",signature=\"%s\"", key_id,
                        alg, buf_cstr(&joined), sig);
    buf_fini(&joined);
    return 0;
}

/* ---- RFC 9421 ---- */

static enum httpsig_alg rfc9421_alg(const char *s, int *ok)
{
    *ok = 1;
    if (strcmp(s, "rsa-v1_5-sha256") == 0)
        return HTTPSIG_ALG_RSA_SHA256;
    if (strcmp(s, "ed25519") == 0)
        return HTTPSIG_ALG_ED25519;
    if (strcmp(s, "hmac-sha256") == 0)
        return HTTPSIG_ALG_HMAC_SHA256;
    *ok = 0;
    return HTTPSIG_ALG_UNKNOWN;
}

static const struct sf_param *find_param(const struct sf_member *m, const char *key)
{
    for (size_t i = 0; i < m->n_params; i++) {
        if (strcmp(m->params[i].key, key) == 0)
            return &m->params[i];
    }
    return NULL;
}

/* The value of a derived component ("@method") or a header field (section 2.1 and 2.2). */
static int component_value(struct arena *a, const struct httpsig_request *r, const char *name,
                           const char **out)
{
    *out = NULL;
    if (name[0] != '@')
        return field_value(a, r, name, out);
    const char *target = r->target;
    const char *q = target ? strchr(target, '?') : NULL;
    if (strcmp(name, "@method") == 0) {
        *out = r->method;
    } else if (strcmp(name, "@authority") == 0) {
        *out = authority_of(a, r);
    } else if (strcmp(name, "@scheme") == 0) {
        *out = r->scheme ? lower_dup(a, r->scheme, strlen(r->scheme)) : NULL;
    } else if (strcmp(name, "@target-uri") == 0) {
        const char *auth = authority_of(a, r);
        if (r->scheme && auth && target)
            *out = arena_printf(a, "%s://%s%s", lower_dup(a, r->scheme, strlen(r->scheme)), auth,
                                target);
    } else if (strcmp(name, "@request-target") == 0) {
        *out = target;
    } else if (strcmp(name, "@path") == 0) {
        size_t n = target ? (q ? (size_t)(q - target) : strlen(target)) : 0;
        if (target)
            *out = n ? arena_strndup(a, target, n) : "/"; /* an empty path is "/" */
    } else if (strcmp(name, "@query") == 0) {
        if (target)
            *out = q ? q : "?";
    } else {
        return E_INVAL; /* @status is for responses; @query-param needs parameters */
    }
    if (!*out || !**out || has_ctl(*out, strlen(*out)))
        return E_INVAL;
    return 0;
}

/* The signature base of member m (section 2.5), and its parameters into out. */
static int rfc9421_base(struct arena *a, const struct httpsig_request *r, const struct sf_member *m,
                        struct httpsig_parsed *out)
{
    struct buf b;
    int rc = 0, ok = 1;
    if (!m->is_list)
        return E_INVAL;
    for (size_t i = 0; i < m->n_params; i++) {
        const struct sf_param *p = &m->params[i];
        const struct sf_bare *v = &p->val;
        if (strcmp(p->key, "created") == 0 || strcmp(p->key, "expires") == 0) {
            if (v->type != SF_INT || v->num < 0)
                return E_INVAL;
            *(p->key[0] == 'c' ? &out->created : &out->expires) = v->num;
        } else if (strcmp(p->key, "keyid") == 0 || strcmp(p->key, "alg") == 0 ||
                   strcmp(p->key, "nonce") == 0 || strcmp(p->key, "tag") == 0) {
            if (v->type != SF_STR)
                return E_INVAL;
            if (p->key[0] == 'k')
                out->key_id = v->str;
            else if (p->key[0] == 'a')
                out->alg = rfc9421_alg(v->str, &ok);
        }
    }
    if (!ok)
        return E_INVAL;
    out->covered = arena_alloc(a, (m->n_items ? m->n_items : 1) * sizeof(*out->covered));
    out->n_covered = m->n_items;
    buf_init(&b, HS_BASE_MAX);
    for (size_t i = 0; rc == 0 && i < m->n_items; i++) {
        const struct sf_item *it = &m->items[i];
        const char *name = it->val.str, *value = NULL;
        /* Component parameters (sf, key, bs, req, tr, name) are not supported. */
        if (it->val.type != SF_STR || it->n_params || it->val.len == 0 ||
            strcmp(name, "@signature-params") == 0) {
            rc = E_INVAL;
            break;
        }
        for (size_t j = name[0] == '@'; j < it->val.len; j++) {
            if (!is_tchar(name[j]) || (name[j] >= 'A' && name[j] <= 'Z'))
                rc = E_INVAL;
        }
        for (size_t j = 0; rc == 0 && j < i; j++) {
            if (strcmp(out->covered[j], name) == 0)
                rc = E_INVAL; /* section 2.5: a component covered twice is an error */
        }
        if (rc == 0)
            rc = component_value(a, r, name, &value);
        if (rc == 0 && buf_printf(&b, "\"%s\": %s\n", name, value) != 0)
            rc = E_INVAL;
        out->covered[i] = name;
    }
    if (rc == 0 && (buf_puts(&b, "\"@signature-params\": ") != 0 || sf_ser_inner_list(&b, m) != 0))
        rc = E_INVAL;
    if (rc == 0) {
        out->base = arena_strdup(a, buf_cstr(&b));
        out->label = m->key;
    }
    buf_fini(&b);
    return rc;
}

static int parse_rfc9421(struct arena *a, const struct httpsig_request *r, const char *input,
                         struct httpsig_parsed *out)
{
    struct sf_member *in = NULL, *sigs = NULL;
    size_t n_in = 0, n_sigs = 0;
    const char *sig_value = NULL;
    int rc = header_join(a, r, "signature", HTTPSIG_HEADER_MAX, &sig_value);
    if (rc != 0 || !sig_value || sf_dictionary(a, input, strlen(input), &in, &n_in) != 0 ||
        sf_dictionary(a, sig_value, strlen(sig_value), &sigs, &n_sigs) != 0)
        return E_INVAL;
    out->kind = HTTPSIG_RFC9421;
    /* The first signature with an algorithm we know (or none named) and a value. */
    for (size_t i = 0; i < n_in; i++) {
        const struct sf_param *alg = find_param(&in[i], "alg");
        int ok = 1;
        if (!in[i].is_list)
            return E_INVAL;
        if (alg && alg->val.type == SF_STR)
            rfc9421_alg(alg->val.str, &ok);
        if (!ok)
            continue;
        const struct sf_member *s = NULL;
        for (size_t j = 0; j < n_sigs && !s; j++) {
            if (strcmp(sigs[j].key, in[i].key) == 0)
                s = &sigs[j];
        }
        if (!s)
            continue;
        if (s->is_list || s->item.val.type != SF_BYTES || s->item.val.len == 0)
            return E_INVAL;
        rc = rfc9421_base(a, r, &in[i], out);
        if (rc == 0 && !out->key_id)
            rc = E_INVAL; /* a signature we cannot find the key of */
        out->sig = s->item.val.bytes;
        out->sig_len = s->item.val.len;
        return rc;
    }
    return E_INVAL;
}

int httpsig_sign_rfc9421(struct arena *a, const struct httpsig_request *r, const char *label,
                         const char *components, const char *params, const struct httpsig_key *key,
                         const char **signature_input, const char **signature)
{
    struct sf_member *m = NULL;
    size_t n = 0;
    struct httpsig_parsed p;
    const char *sig = NULL;
    *signature_input = NULL;
    *signature = NULL;
    if (!a || !r || !label || !key)
        return E_INVAL;
    memset(&p, 0, sizeof(p));
    p.created = p.expires = -1;
    const char *member =
        arena_printf(a, "%s=(%s)%s", label, components ? components : "", params ? params : "");
    if (strlen(member) > HTTPSIG_HEADER_MAX ||
        sf_dictionary(a, member, strlen(member), &m, &n) != 0 || n != 1 ||
        strcmp(m[0].key, label) != 0)
        return E_INVAL;
    int rc = rfc9421_base(a, r, &m[0], &p);
    if (rc != 0)
        return rc;
    if (p.alg != HTTPSIG_ALG_UNKNOWN && p.alg != key->alg)
        return E_INVAL;
    rc = httpsig_sign_base(a, key, p.base, strlen(p.base), &sig);
    if (rc != 0)
        return rc == E_INVAL ? E_INVAL : E_INTERNAL;
    *signature_input = member;
    *signature = arena_printf(a, "%s=:%s:", label, sig);
    return 0;
}

/* ---- reading and checking ---- */

int httpsig_parse(struct arena *a, const struct httpsig_request *r, struct httpsig_parsed *out)
{
    const char *input = NULL, *value = NULL;
    memset(out, 0, sizeof(*out));
    out->created = out->expires = -1;
    if (!a || !r || (r->n_headers && !r->headers))
        return E_INVAL;
    int rc = header_join(a, r, "signature-input", HTTPSIG_HEADER_MAX, &input);
    if (rc != 0)
        return rc;
    if (input)
        return parse_rfc9421(a, r, input, out);
    rc = header_join(a, r, "signature", HTTPSIG_HEADER_MAX, &value);
    if (rc != 0)
        return rc;
    if (!value) {
        const char *auth = NULL;
        rc = header_join(a, r, "authorization", HTTPSIG_HEADER_MAX, &auth);
        if (rc != 0)
            return rc;
        if (auth && strncasecmp(auth, "Signature", 9) == 0 && is_ows(auth[9]))
            value = auth + 10;
    }
    return value ? parse_cavage(a, r, value, out) : E_AUTH;
}

static int covers(const struct httpsig_parsed *p, const char *name)
{
    for (size_t i = 0; i < p->n_covered; i++) {
        if (p->covered[i] && strcmp(p->covered[i], name) == 0)
            return 1;
    }
    return 0;
}

int httpsig_verify(const struct httpsig_request *r, const struct httpsig_parsed *p,
                   const struct httpsig_key *key, const void *body, size_t body_len, int64_t now)
{
    if (!r || !p || !key || !p->base || !p->sig || p->sig_len == 0)
        return E_INVAL;
    if (p->alg != HTTPSIG_ALG_UNKNOWN && p->alg != key->alg)
        return E_AUTH;
    /* Coverage: what was sent, to whom, when, and with which body. */
    int rfc = p->kind == HTTPSIG_RFC9421;
    int target = covers(p, "(request-target)") ||
                 (covers(p, "@method") &&
                  (covers(p, "@target-uri") || covers(p, "@path") || covers(p, "@request-target")));
    int host = covers(p, "host") || covers(p, "@authority") || covers(p, "@target-uri");
    int created = p->created >= 0 && (rfc || covers(p, "(created)"));
    int date = covers(p, "date");
    if (!target || !host || !(date || created))
        return E_AUTH;
    if (body && !covers(p, "digest") && !covers(p, "content-digest"))
        return E_AUTH;
    /* Freshness. */
    if (created && (p->created > now + HTTPSIG_SKEW_S || p->created < now - HTTPSIG_SKEW_S))
        return E_AUTH;
    if (p->expires >= 0 && now > p->expires)
        return E_AUTH;
    struct arena *a = arena_new();
    const char *value = NULL;
    int64_t t = 0;
    int rc = 0;
    if (date &&
        (header_join(a, r, "date", HTTPSIG_HEADER_MAX, &value) != 0 || !value ||
         parse_http_date(value, &t) != 0 || t > now + HTTPSIG_SKEW_S || t < now - HTTPSIG_SKEW_S)) {
        rc = E_AUTH;
        goto out;
    }
    rc = check_bytes(key, p->base, strlen(p->base), p->sig, p->sig_len);
    if (rc != 0 || !body)
        goto out;
    /* The body against every digest the signature covers. */
    if (covers(p, "digest")) {
        if (header_join(a, r, "digest", HTTPSIG_HEADER_MAX, &value) != 0 || !value ||
            check_digest(a, value, body, body_len) != 0) {
            rc = E_INVAL;
            goto out;
        }
    }
    if (covers(p, "content-digest")) {
        if (header_join(a, r, "content-digest", HTTPSIG_HEADER_MAX, &value) != 0 || !value ||
            check_content_digest(a, value, body, body_len) != 0)
            rc = E_INVAL;
    }
out:
    arena_free(a);
    return rc;
}
