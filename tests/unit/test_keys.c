/*
 * Unit tests for core/keys: RSA-2048 pairs in PEM that OpenSSL reads back,
 * and a signature made with the private key checks with the public one.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "core/keys.h"
#include "t.h"

static EVP_PKEY *read_pem(const char *pem, int private)
{
    BIO *b = BIO_new_mem_buf(pem, -1);
    EVP_PKEY *k = private ? PEM_read_bio_PrivateKey(b, NULL, NULL, NULL)
                          : PEM_read_bio_PUBKEY(b, NULL, NULL, NULL);
    BIO_free(b);
    return k;
}

TEST(pem_is_parseable)
{
    char *priv = NULL, *pub = NULL;
    CHECK_INT(keys_generate_rsa(&priv, &pub), 0);
    CHECK(priv && strncmp(priv, "-----BEGIN PRIVATE KEY-----\n", 28) == 0);
    CHECK(pub && strncmp(pub, "-----BEGIN PUBLIC KEY-----\n", 27) == 0);
    EVP_PKEY *sk = priv ? read_pem(priv, 1) : NULL;
    EVP_PKEY *pk = pub ? read_pem(pub, 0) : NULL;
    CHECK(sk != NULL);
    CHECK(pk != NULL);
    if (sk && pk) {
        CHECK_INT(EVP_PKEY_get_bits(pk), 2048);
        CHECK(EVP_PKEY_is_a(pk, "RSA"));
        CHECK_INT(EVP_PKEY_eq(sk, pk), 1); /* the public half of the private key */
    }
    /* RSASSA-PKCS1-v1_5 with SHA-256, as HTTP signatures use it. */
    static const char msg[] = "(request-target): post /inbox";
    unsigned char sig[512];
    size_t sig_len = sizeof(sig);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int signed_ok =
        sk && EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, sk) == 1 &&
        EVP_DigestSign(ctx, sig, &sig_len, (const unsigned char *)msg, sizeof(msg) - 1) == 1;
    CHECK(signed_ok);
    EVP_MD_CTX_free(ctx);
    if (signed_ok && pk) {
        ctx = EVP_MD_CTX_new();
        CHECK_INT(EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, pk), 1);
        CHECK_INT(EVP_DigestVerify(ctx, sig, sig_len, (const unsigned char *)msg, sizeof(msg) - 1),
                  1);
        EVP_MD_CTX_free(ctx);
    }
    EVP_PKEY_free(sk);
    EVP_PKEY_free(pk);
    free(priv);
    free(pub);
}

TEST(every_pair_is_new)
{
    char *p1 = NULL, *q1 = NULL, *p2 = NULL, *q2 = NULL;
    CHECK_INT(keys_generate_rsa(&p1, &q1), 0);
    CHECK_INT(keys_generate_rsa(&p2, &q2), 0);
    CHECK(p1 && p2 && strcmp(p1, p2) != 0);
    CHECK(q1 && q2 && strcmp(q1, q2) != 0);
    free(p1);
    free(q1);
    free(p2);
    free(q2);
}

int main(void)
{
    RUN(pem_is_parseable);
    RUN(every_pair_is_new);
    return t_done();
}
