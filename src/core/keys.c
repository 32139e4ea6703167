/*
 * keys: RSA key generation with OpenSSL 3's EVP interface.
 *
 * The PEM text is copied out of OpenSSL's memory BIOs into owned strings;
 * the BIO holding the private key is a secure-memory one, cleared when
 * freed.
 */
#include "core/keys.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "core/core.h"
#include "core/tx.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/timeutil.h"
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

static int read_instance(struct db_conn *c, struct arena *a, const char **priv, const char **pub)
{
    struct db_stmt *s;
    int rc =
        db_prepare(c, "SELECT private_key_pem, public_key_pem FROM instance_keys WHERE id = 1", &s);
    if (rc)
        return rc;
    rc = db_step(s);
    if (rc == DB_ROW) {
        *priv = arena_strdup(a, db_col_text(s, 0));
        *pub = arena_strdup(a, db_col_text(s, 1));
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = E_NOTFOUND;
    }
    db_stmt_done(s);
    return rc;
}

int keys_instance(const struct core *core, struct arena *a, const char **private_pem,
                  const char **public_pem)
{
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_READ, &c);
    if (rc)
        return rc;
    rc = read_instance(c, a, private_pem, public_pem);
    db_release(c);
    if (rc != E_NOTFOUND)
        return rc;
    /* One thread makes the pair; the others wait for it rather than make their own. */
    static pthread_mutex_t making = PTHREAD_MUTEX_INITIALIZER;
    pthread_mutex_lock(&making);
    rc = db_acquire(core->db, DB_READ, &c);
    if (rc == 0) {
        rc = read_instance(c, a, private_pem, public_pem);
        db_release(c);
    }
    if (rc != E_NOTFOUND) {
        pthread_mutex_unlock(&making);
        return rc;
    }
    char *priv = NULL, *pub = NULL;
    if ((rc = keys_generate_rsa(&priv, &pub))) {
        pthread_mutex_unlock(&making);
        return rc;
    }
    rc = core_tx_begin(core, &c);
    if (rc == 0) {
        struct db_stmt *s;
        /* Two threads may race here: the first pair stored wins. */
        rc = db_prepare(c,
                        "INSERT INTO instance_keys (id, private_key_pem, public_key_pem,"
                        " created_at) VALUES (1, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
                        &s);
        if (rc == 0) {
            db_bind_text(s, 1, priv);
            db_bind_text(s, 2, pub);
            db_bind_i64(s, 3, time_now_ms());
            rc = db_step(s);
            db_stmt_done(s);
            rc = rc < 0 ? rc : 0;
        }
        if (rc == 0)
            rc = read_instance(c, a, private_pem, public_pem);
        rc = core_tx_end(c, rc);
    }
    pthread_mutex_unlock(&making);
    explicit_bzero(priv, strlen(priv));
    free(priv);
    free(pub);
    return rc;
}
