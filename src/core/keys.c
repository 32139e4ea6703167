/*
 * keys: RSA key generation with OpenSSL 3's EVP interface.
 *
 * The PEM text is copied out of OpenSSL's memory BIOs into owned strings;
 * the BIO holding the private key is a secure-memory one, cleared when
 * freed.
 */
#include "core/keys.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "util/err.h"
#define LOG_MODULE "core"
#include "util/log.h"
#include "util/mem.h"

static char *bio_text(BIO *b)
{
    char *data = NULL;
    long n = BIO_get_mem_data(b, &data);
    return n > 0 ? xstrndup(data, (size_t)n) : NULL;
}

int keys_generate_rsa(char **private_pem, char **public_pem)
{
    int rc = E_INTERNAL;
    EVP_PKEY *key = EVP_RSA_gen(2048);
    BIO *priv = BIO_new(BIO_s_secmem()); /* cleared when freed */
    BIO *pub = BIO_new(BIO_s_mem());
    *private_pem = NULL;
    *public_pem = NULL;
    if (!key || !priv || !pub) {
        log_error("RSA key generation failed");
        goto out;
    }
    if (!PEM_write_bio_PrivateKey(priv, key, NULL, NULL, 0, NULL, NULL) ||
        !PEM_write_bio_PUBKEY(pub, key)) {
        log_error("cannot write PEM keys");
        goto out;
    }
    *private_pem = bio_text(priv);
    *public_pem = bio_text(pub);
    if (*private_pem && *public_pem)
        rc = 0;
out:
    if (rc) {
        if (*private_pem)
            explicit_bzero(*private_pem, strlen(*private_pem));
        free(*private_pem);
        free(*public_pem);
        *private_pem = *public_pem = NULL;
    }
    BIO_free(priv);
    BIO_free(pub);
    EVP_PKEY_free(key);
    return rc;
}
