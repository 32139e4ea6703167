/*
 * Unit tests for core/account: local users (creation and its errors,
 * passwords, listing), profiles, counts and remote accounts.
 */
#include <string.h>

#include "core/follow.h"
#include "core/status.h"
#include "fixture.h"
#include "t.h"
#include "util/arena.h"
#include "util/err.h"

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
    CHECK(strstr(acc->note, "href=\"https://a.test/tags/tea\"") != NULL);
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

TEST(usernames)
{
    const char *why = NULL;
    CHECK_INT(account_check_username("admin", &why), 0); /* the first admin's usual name */
    CHECK_INT(account_check_username("Some_Body_42", &why), 0);
    CHECK_INT(account_check_username("", &why), E_INVAL);
    CHECK_INT(account_check_username("dot.ted", &why), E_INVAL);
    CHECK_INT(account_check_username("caf\xc3\xa9", &why), E_INVAL);
    CHECK_INT(account_check_username("Users", &why), E_INVAL);
    CHECK(why && strstr(why, "reserved"));
    CHECK_INT(account_check_username("inbox", &why), E_INVAL);
    CHECK_INT(account_check_username("oauth", &why), E_INVAL);
    /* A new name keeps its case; a name differing only in case is taken. */
    int64_t id = 0;
    CHECK_INT(user_create(&fx_core, "Admin", "root@example.org", "correct horse", USER_ROLE_OWNER,
                          &id, &why),
              0);
    int64_t other = 0;
    why = NULL;
    CHECK_INT(user_create(&fx_core, "aDMIN", "x2@example.org", "correct horse", USER_ROLE_MEMBER,
                          &other, &why),
              E_EXISTS);
    CHECK_STR(why, "username is already taken");
    struct arena *a = arena_new();
    struct db_conn *c;
    struct user *u;
    db_acquire(fx_core.db, DB_READ, &c);
    CHECK_INT(user_get(c, a, id, &u), 0);
    CHECK_STR(u->username, "Admin");
    CHECK_STR(u->email, "root@example.org");
    CHECK_INT(u->role, USER_ROLE_OWNER);
    CHECK_INT(u->approved, 1);
    CHECK_INT(u->disabled, 0);
    CHECK_STR(u->locale, "en");
    CHECK_INT(u->default_visibility, VIS_PUBLIC);
    enum user_role role;
    CHECK_INT(user_role(c, id, &role), 0);
    CHECK_INT(role, USER_ROLE_OWNER);
    CHECK_STR(user_role_name(role), "owner");
    db_release(c);
    arena_free(a);
}

TEST(emails)
{
    static const char *bad[] = {"plain",    "@example.org",    "a@b",       "a@@b.org", "a@.b.org",
                                "a@b.org.", "a b@example.org", "<a@b.org>", "a,b@c.org"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int64_t id = 0;
        const char *why = NULL;
        int rc = user_create(&fx_core, "emailtest", bad[i], "correct horse", USER_ROLE_MEMBER, &id,
                             &why);
        if (rc != E_INVAL || !why || !strstr(why, "email")) {
            fprintf(stderr, "  accepted bad email %s\n", bad[i]);
            t_cur_failed = 1;
        }
    }
    int64_t id = 0;
    const char *why = NULL;
    CHECK_INT(user_create(&fx_core, "emailtest", "First.Last+tag@Sub.Example.org", "correct horse",
                          USER_ROLE_MEMBER, &id, &why),
              0);
    CHECK_INT(user_create(&fx_core, "emailtest2", "first.last+TAG@sub.example.ORG", "correct horse",
                          USER_ROLE_MEMBER, &id, &why),
              E_EXISTS);
    CHECK_STR(why, "email is already in use");
}

TEST(counts)
{
    struct arena *a = arena_new();
    struct db_conn *c;
    struct account *alice, *root;
    db_acquire(fx_core.db, DB_READ, &c);
    CHECK_INT(account_find_local(c, a, "alice", &alice), 0);
    CHECK_INT(account_find_local(c, a, "admin", &root), 0);
    db_release(c);
    enum follow_state st;
    CHECK_INT(follow_create(&fx_core, root->id, alice->id, NULL, &st), 0);
    CHECK_INT(st, FOLLOW_PENDING); /* alice locked her account in profile_update */
    CHECK_INT(follow_create(&fx_core, alice->id, root->id, NULL, &st), 0);
    int64_t sid;
    const char *why;
    struct status_new p = {.text = "counting", .visibility = VIS_PUBLIC};
    CHECK_INT(status_create(&fx_core, alice->id, &p, &sid, &why), 0);
    CHECK_INT(status_create(&fx_core, alice->id, &p, &sid, &why), 0);
    struct account_counts n;
    db_acquire(fx_core.db, DB_READ, &c);
    CHECK_INT(account_counts(c, alice->id, &n), 0);
    CHECK_INT(n.statuses, 2);
    CHECK_INT(n.followers, 0); /* a pending request does not count */
    CHECK_INT(n.following, 1);
    CHECK(n.last_status_at > 0);
    CHECK_INT(account_counts(c, root->id, &n), 0);
    CHECK_INT(n.statuses, 0);
    CHECK_INT(n.followers, 1);
    CHECK_INT(n.last_status_at, 0);
    db_release(c);
    arena_free(a);
}

TEST(remote_accounts_are_not_users)
{
    int64_t rid = fx_remote("visitor", "r.test");
    struct arena *a = arena_new();
    struct db_conn *c;
    struct user *u;
    enum user_role role;
    db_acquire(fx_core.db, DB_WRITE, &c);
    CHECK_INT(user_get(c, a, rid, &u), E_NOTFOUND);
    CHECK_INT(user_role(c, rid, &role), E_NOTFOUND);
    const char *why = NULL;
    CHECK_INT(account_update_profile(c, rid, "Hijack", NULL, -1, -1, &why), E_NOTFOUND);
    /* Another actor claiming the same username@domain is refused. */
    struct account_remote r = {
        .uri = "https://r.test/other/visitor", .username = "Visitor", .domain = "r.test"};
    int64_t id = 0;
    CHECK_INT(account_upsert_remote(c, &r, &id), E_EXISTS);
    struct account *acc;
    CHECK_INT(account_find_by_uri(c, a, "https://r.test/users/visitor", &acc), 0);
    CHECK(acc->id == rid);
    CHECK_STR(acc->acct, "visitor@r.test");
    db_release(c);
    /* A remote account cannot log in, nor have a password set. */
    CHECK_INT(user_set_password(&fx_core, "visitor@r.test", "correct horse", &why), E_NOTFOUND);
    arena_free(a);
}

TEST(feed_switch)
{
    int64_t id = fx_user("feeder");
    int64_t rid = fx_remote("feeder", "feeds.test");
    struct db_conn *c;
    int on = -1;
    db_acquire(fx_core.db, DB_READ, &c);
    CHECK_INT(account_feed_enabled(c, id, &on), 0);
    CHECK_INT(on, 1);
    CHECK_INT(account_feed_enabled(c, rid, &on), E_NOTFOUND);
    CHECK_INT(account_feed_enabled(c, 999999, &on), E_NOTFOUND);
    db_release(c);
    CHECK_INT(account_feed_set(&fx_core, id, 0), 0);
    CHECK_INT(account_feed_set(&fx_core, id, 0), 0); /* again: no change, no error */
    db_acquire(fx_core.db, DB_READ, &c);
    CHECK_INT(account_feed_enabled(c, id, &on), 0);
    CHECK_INT(on, 0);
    db_release(c);
    CHECK_INT(account_feed_set(&fx_core, id, 1), 0);
    db_acquire(fx_core.db, DB_READ, &c);
    CHECK_INT(account_feed_enabled(c, id, &on), 0);
    CHECK_INT(on, 1);
    db_release(c);
    CHECK_INT(account_feed_set(&fx_core, rid, 0), E_NOTFOUND);
    CHECK_INT(account_feed_set(&fx_core, 999999, 0), E_NOTFOUND);
}

int main(void)
{
    fx_open();
    RUN(user_create_validates_each_field);
    RUN(authenticate_and_change_password);
    RUN(profile_update);
    RUN(remote_upsert);
    RUN(usernames);
    RUN(emails);
    RUN(counts);
    RUN(remote_accounts_are_not_users);
    RUN(feed_switch);
    fx_close();
    return t_done();
}
