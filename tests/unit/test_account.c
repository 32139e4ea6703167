/*
 * Unit tests for core/account, core/password and core/keys.
 */
#include <string.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "core/keys.h"
#include "core/password.h"
#include "fixture.h"
#include "t.h"
#include "util/arena.h"
#include "util/err.h"

TEST(password_hash_and_verify)
{
    char hash[PASSWORD_HASH_MAX];
    const char *why = NULL;
    CHECK_INT(password_hash("correct horse", hash, &why), 0);
    CHECK(strncmp(hash, "$argon2id$", 10) == 0);
    CHECK_INT(password_verify("correct horse", hash), 0);
    CHECK_INT(password_verify("correct horsE", hash), E_AUTH);
    CHECK_INT(password_verify("correct horse", "plain"), E_AUTH);
    CHECK_INT(password_hash("short", hash, &why), E_INVAL);
    CHECK(why && strstr(why, "at least 8"));
    char pw[32];
    password_generate(pw, sizeof(pw));
    CHECK_INT((int)strlen(pw), 24);
    char pw2[32];
    password_generate(pw2, sizeof(pw2));
    CHECK(strcmp(pw, pw2) != 0);
}

TEST(keys_are_parseable_pem)
{
    char *priv = NULL, *pub = NULL;
    CHECK_INT(keys_generate_rsa(&priv, &pub), 0);
    CHECK(priv && strstr(priv, "-----BEGIN PRIVATE KEY-----"));
    CHECK(pub && strstr(pub, "-----BEGIN PUBLIC KEY-----"));
    BIO *b = BIO_new_mem_buf(pub, -1);
    EVP_PKEY *k = PEM_read_bio_PUBKEY(b, NULL, NULL, NULL);
    CHECK(k != NULL);
    if (k)
        CHECK_INT(EVP_PKEY_get_bits(k), 2048);
    EVP_PKEY_free(k);
    BIO_free(b);
    free(priv);
    free(pub);
}

TEST(user_create_validates_each_field)
{
    int64_t id = 0;
    const char *why = NULL;
    CHECK_INT(user_create(&fx_core, "alice", "alice@example.org", "correct horse", USER_ROLE_ADMIN,
                          &id, &why),
              0);
    CHECK(id > 0);
    int64_t other;
    CHECK_INT(user_create(&fx_core, "ALICE", "x@example.org", "correct horse", USER_ROLE_MEMBER,
                          &other, &why),
              E_EXISTS);
    CHECK(why && strstr(why, "username"));
    CHECK_INT(user_create(&fx_core, "bob", "Alice@Example.org", "correct horse", USER_ROLE_MEMBER,
                          &other, &why),
              E_EXISTS);
    CHECK(why && strstr(why, "email"));
    CHECK_INT(user_create(&fx_core, "bad-name", "b@example.org", "correct horse", USER_ROLE_MEMBER,
                          &other, &why),
              E_INVAL);
    CHECK(why && strstr(why, "username"));
    CHECK_INT(user_create(&fx_core, "api", "b@example.org", "correct horse", USER_ROLE_MEMBER,
                          &other, &why),
              E_INVAL);
    CHECK(why && strstr(why, "reserved"));
    CHECK_INT(
        user_create(&fx_core, "b", "not-an-email", "correct horse", USER_ROLE_MEMBER, &other, &why),
        E_INVAL);
    CHECK(why && strstr(why, "email"));
    CHECK_INT(user_create(&fx_core, "b", "b@example.org", "short", USER_ROLE_MEMBER, &other, &why),
              E_INVAL);
    CHECK(why && strstr(why, "password"));
    char long_name[40];
    memset(long_name, 'x', 31);
    long_name[31] = '\0';
    CHECK_INT(user_create(&fx_core, long_name, "b@example.org", "correct horse", USER_ROLE_MEMBER,
                          &other, &why),
              E_INVAL);
    /* Nothing of the failed attempts was stored. */
    struct arena *a = arena_new();
    struct user_info *users;
    size_t n;
    CHECK_INT(user_list(&fx_core, a, &users, &n), 0);
    CHECK_INT((int)n, 1);
    CHECK_STR(users[0].username, "alice");
    CHECK_INT(users[0].role, USER_ROLE_ADMIN);
    struct db_conn *c;
    struct account *acc;
    db_acquire(fx_core.db, DB_READ, &c);
    CHECK_INT(account_find_local(c, a, "Alice", &acc), 0);
    CHECK_STR(acc->uri, "https://a.test/users/alice");
    CHECK_STR(acc->url, "https://a.test/@alice");
    CHECK(acc->domain == NULL);
    CHECK(acc->public_key_pem && strstr(acc->public_key_pem, "PUBLIC KEY"));
    CHECK_INT(account_find(c, a, "alice", "A.TEST", "a.test", &acc), 0);
    CHECK_INT(account_find(c, a, "nobody", NULL, "a.test", &acc), E_NOTFOUND);
    db_release(c);
    arena_free(a);
}

TEST(authenticate_and_change_password)
{
    int64_t id = 0;
    CHECK_INT(user_authenticate(&fx_core, "alice", "correct horse", &id), 0);
    CHECK(id > 0);
    CHECK_INT(user_authenticate(&fx_core, "ALICE@example.org", "correct horse", &id), 0);
    CHECK_INT(user_authenticate(&fx_core, "alice", "wrong horse", &id), E_AUTH);
    CHECK_INT(user_authenticate(&fx_core, "nobody", "correct horse", &id), E_AUTH);
    const char *why = NULL;
    CHECK_INT(user_set_password(&fx_core, "alice", "battery staple", &why), 0);
    CHECK_INT(user_authenticate(&fx_core, "alice", "correct horse", &id), E_AUTH);
    CHECK_INT(user_authenticate(&fx_core, "alice", "battery staple", &id), 0);
    CHECK_INT(user_set_password(&fx_core, "nobody", "battery staple", &why), E_NOTFOUND);
    CHECK_INT(user_set_password(&fx_core, "alice", "tiny", &why), E_INVAL);
}

TEST(profile_update)
{
    struct arena *a = arena_new();
    struct db_conn *c;
    struct account *acc;
    const char *why = NULL;
    db_acquire(fx_core.db, DB_WRITE, &c);
    account_find_local(c, a, "alice", &acc);
    CHECK_INT(
        account_update_profile(c, acc->id, "Alice <3", "I like <b>tea</b>\n\n#tea", 1, -1, &why),
        0);
    CHECK_INT(account_get(c, a, acc->id, &acc), 0);
    CHECK_STR(acc->display_name, "Alice <3");
    CHECK(strstr(acc->note, "&lt;b&gt;tea&lt;/b&gt;") != NULL);
    CHECK_INT(acc->locked, 1);
    CHECK_INT(acc->bot, 0);
    char long_name[120];
    memset(long_name, 'n', 101);
    long_name[101] = '\0';
    CHECK_INT(account_update_profile(c, acc->id, long_name, NULL, -1, -1, &why), E_INVAL);
    CHECK(why && strstr(why, "display_name"));
    CHECK_INT(account_update_profile(c, acc->id, "bad \xc0\xaf", NULL, -1, -1, &why), E_INVAL);
    db_release(c);
    arena_free(a);
}

TEST(remote_upsert)
{
    struct db_conn *c;
    struct arena *a = arena_new();
    struct account_remote r = {.uri = "https://r.test/users/zoe",
                               .username = "zoe",
                               .domain = "R.test",
                               .display_name = "Zoe",
                               .inbox_url = "https://r.test/users/zoe/inbox"};
    int64_t id1 = 0, id2 = 0;
    db_acquire(fx_core.db, DB_WRITE, &c);
    CHECK_INT(account_upsert_remote(c, &r, &id1), 0);
    r.display_name = "Zoe Z";
    CHECK_INT(account_upsert_remote(c, &r, &id2), 0);
    CHECK(id1 == id2);
    struct account *acc;
    CHECK_INT(account_find(c, a, "zoe", "r.test", "a.test", &acc), 0);
    CHECK_STR(acc->display_name, "Zoe Z");
    CHECK_STR(acc->acct, "zoe@r.test");
    r.uri = "";
    CHECK_INT(account_upsert_remote(c, &r, &id1), E_INVAL);
    db_release(c);
    arena_free(a);
}

int main(void)
{
    fx_open();
    RUN(password_hash_and_verify);
    RUN(keys_are_parseable_pem);
    RUN(user_create_validates_each_field);
    RUN(authenticate_and_change_password);
    RUN(profile_update);
    RUN(remote_upsert);
    fx_close();
    return t_done();
}
