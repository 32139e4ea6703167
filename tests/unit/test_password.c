/*
 * Unit tests for core/password: argon2id hashes, length rules, generated
 * passwords, and many threads hashing at once through the semaphore.
 */
#include <pthread.h>
#include <string.h>

#include "core/password.h"
#include "t.h"
#include "util/err.h"
#include "util/limits.h"

TEST(hash_and_verify)
{
    char hash[PASSWORD_HASH_MAX];
    const char *why = NULL;
    CHECK_INT(password_hash("correct horse", hash, &why), 0);
    CHECK(strncmp(hash, "$argon2id$", 10) == 0);
    CHECK_INT(password_verify("correct horse", hash), 0);
    CHECK_INT(password_verify("correct horsE", hash), E_AUTH);
    CHECK_INT(password_verify("", hash), E_AUTH);
    /* Not an argon2id string: refused without asking libsodium. */
    CHECK_INT(password_verify("correct horse", "plain"), E_AUTH);
    CHECK_INT(password_verify("correct horse", NULL), E_AUTH);
    /* The same password hashes differently each time (random salt). */
    char again[PASSWORD_HASH_MAX];
    CHECK_INT(password_hash("correct horse", again, &why), 0);
    CHECK(strcmp(hash, again) != 0);
    CHECK_INT(password_verify("correct horse", again), 0);
}

TEST(length_rules)
{
    char hash[PASSWORD_HASH_MAX];
    char pw[LIMIT_PASSWORD_MAX + 2];
    const char *why = NULL;
    CHECK_INT(password_hash("short", hash, &why), E_INVAL);
    CHECK(why && strstr(why, "at least 8"));
    memset(pw, 'p', LIMIT_PASSWORD_MIN - 1);
    pw[LIMIT_PASSWORD_MIN - 1] = '\0';
    CHECK_INT(password_check(pw, &why), E_INVAL);
    pw[LIMIT_PASSWORD_MIN - 1] = 'p';
    pw[LIMIT_PASSWORD_MIN] = '\0';
    CHECK_INT(password_check(pw, &why), 0);
    memset(pw, 'p', LIMIT_PASSWORD_MAX);
    pw[LIMIT_PASSWORD_MAX] = '\0';
    CHECK_INT(password_check(pw, &why), 0);
    pw[LIMIT_PASSWORD_MAX] = 'p';
    pw[LIMIT_PASSWORD_MAX + 1] = '\0';
    why = NULL;
    CHECK_INT(password_hash(pw, hash, &why), E_INVAL);
    CHECK(why && strstr(why, "at most 256"));
}

TEST(generated_passwords)
{
    static const char look_alikes[] = "0O1lI";
    char a[32], b[32];
    password_generate(a, sizeof(a));
    password_generate(b, sizeof(b));
    CHECK_INT((int)strlen(a), 24);
    CHECK(strcmp(a, b) != 0);
    CHECK(strpbrk(a, look_alikes) == NULL);
    const char *why = NULL;
    CHECK_INT(password_check(a, &why), 0);
    char small[18];
    password_generate(small, sizeof(small));
    CHECK_INT((int)strlen(small), 17);
}

struct worker {
    char password[32];
    int ok;
};

static void *hash_in_thread(void *arg)
{
    struct worker *w = arg;
    char hash[PASSWORD_HASH_MAX];
    const char *why = NULL;
    w->ok = password_hash(w->password, hash, &why) == 0 &&
            password_verify(w->password, hash) == 0 &&
            password_verify("something else", hash) == E_AUTH;
    return NULL;
}

TEST(concurrent_hashing_waits_its_turn)
{
    /* More threads than LIMIT_PASSWORD_CONCURRENCY slots: all finish, all correct. */
    enum { N = LIMIT_PASSWORD_CONCURRENCY * 3 };
    pthread_t threads[N];
    struct worker workers[N];
    for (int i = 0; i < N; i++) {
        password_generate(workers[i].password, sizeof(workers[i].password));
        workers[i].ok = 0;
        CHECK_INT(pthread_create(&threads[i], NULL, hash_in_thread, &workers[i]), 0);
    }
    for (int i = 0; i < N; i++) {
        pthread_join(threads[i], NULL);
        CHECK(workers[i].ok);
    }
}

int main(void)
{
    RUN(hash_and_verify);
    RUN(length_rules);
    RUN(generated_passwords);
    RUN(concurrent_hashing_waits_its_turn);
    return t_done();
}
