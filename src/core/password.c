/*
 * password: argon2id via libsodium, behind a counting semaphore.
 */
#include "core/password.h"

#include <pthread.h>
#include <semaphore.h>
#include <string.h>

#include <sodium.h>

#include "util/err.h"
#include "util/limits.h"

static sem_t slots;
static pthread_once_t slots_once = PTHREAD_ONCE_INIT;

static void slots_init(void)
{
    sem_init(&slots, 0, LIMIT_PASSWORD_CONCURRENCY);
}

static void slot_take(void)
{
    pthread_once(&slots_once, slots_init);
    while (sem_wait(&slots) != 0) {
    }
}

static void slot_give(void)
{
    sem_post(&slots);
}

int password_check(const char *password, const char **why)
{
    size_t n = strlen(password);
    if (n < LIMIT_PASSWORD_MIN) {
        *why = "password must be at least 8 characters";
        return E_INVAL;
    }
    if (n > LIMIT_PASSWORD_MAX) {
        *why = "password must be at most 256 characters";
        return E_INVAL;
    }
    return 0;
}

int password_hash(const char *password, char out[PASSWORD_HASH_MAX], const char **why)
{
    int rc = password_check(password, why);
    if (rc)
        return rc;
    _Static_assert(crypto_pwhash_STRBYTES <= PASSWORD_HASH_MAX, "hash buffer too small");
    slot_take();
    int r =
        crypto_pwhash_str_alg(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13);
    slot_give();
    if (r != 0) {
        *why = "not enough memory to hash the password";
        return E_NOMEM;
    }
    return 0;
}

int password_verify(const char *password, const char *hash)
{
    if (!hash || strncmp(hash, "$argon2id$", 10) != 0)
        return E_AUTH;
    slot_take();
    int r = crypto_pwhash_str_verify(hash, password, strlen(password));
    slot_give();
    return r == 0 ? 0 : E_AUTH;
}

void password_generate(char *out, size_t size)
{
    /* No look-alikes (0/O, 1/l/I): people copy these by hand. */
    static const char alphabet[] = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    size_t len = size - 1;
    if (len > 24)
        len = 24;
    for (size_t i = 0; i < len; i++)
        out[i] = alphabet[randombytes_uniform((uint32_t)(sizeof(alphabet) - 1))];
    out[len] = '\0';
}
