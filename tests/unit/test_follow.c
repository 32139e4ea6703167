/*
 * Unit tests for core/follow: follows, requests, blocks and their
 * notifications.
 */
#include "core/follow.h"
#include "core/notification.h"
#include "fixture.h"
#include "t.h"
#include "util/arena.h"
#include "util/err.h"

static int64_t alice, bob, carol, locked;

static enum follow_state state_of(int64_t follower, int64_t target)
{
    struct db_conn *c;
    enum follow_state st = FOLLOW_NONE;
    db_acquire(fx_core.db, DB_READ, &c);
    follow_state(c, follower, target, &st);
    db_release(c);
    return st;
}

static int has_notification(int64_t to, int64_t from, enum notification_type type)
{
    struct arena *a = arena_new();
    struct db_conn *c;
    struct notification *list;
    size_t n = 0;
    int found = 0;
    struct notification_query q = {.types = 1u << type};
    db_acquire(fx_core.db, DB_READ, &c);
    notification_list(c, a, to, &q, &list, &n);
    db_release(c);
    for (size_t i = 0; i < n; i++)
        found |= list[i].from_account_id == from;
    arena_free(a);
    return found;
}

TEST(follow_unlocked_is_accepted)
{
    enum follow_state st;
    CHECK_INT(follow_create(&fx_core, bob, alice, NULL, &st), 0);
    CHECK_INT(st, FOLLOW_ACCEPTED);
    CHECK_INT(state_of(bob, alice), FOLLOW_ACCEPTED);
    CHECK(has_notification(alice, bob, NOTIFY_FOLLOW));
    /* Following again keeps the follow and makes no second notification. */
    CHECK_INT(follow_create(&fx_core, bob, alice, NULL, &st), 0);
    CHECK_INT(st, FOLLOW_ACCEPTED);
    struct arena *a = arena_new();
    struct db_conn *c;
    struct follow_item *items;
    size_t n;
    db_acquire(fx_core.db, DB_READ, &c);
    CHECK_INT(follow_list_followers(c, a, alice, NULL, &items, &n), 0);
    CHECK(n == 1 && items[0].account_id == bob);
    CHECK_INT(follow_list_following(c, a, bob, NULL, &items, &n), 0);
    CHECK(n == 1 && items[0].account_id == alice);
    db_release(c);
    arena_free(a);
    CHECK_INT(follow_create(&fx_core, bob, bob, NULL, &st), E_INVAL);
    CHECK_INT(follow_create(&fx_core, bob, 999, NULL, &st), E_NOTFOUND);
}

TEST(locked_account_requests)
{
    enum follow_state st;
    CHECK_INT(follow_create(&fx_core, bob, locked, NULL, &st), 0);
    CHECK_INT(st, FOLLOW_PENDING);
    CHECK(has_notification(locked, bob, NOTIFY_FOLLOW_REQUEST));
    CHECK_INT(follow_create(&fx_core, carol, locked, NULL, &st), 0);
    struct arena *a = arena_new();
    struct db_conn *c;
    struct follow_item *items;
    size_t n;
    db_acquire(fx_core.db, DB_READ, &c);
    CHECK_INT(follow_list_requests(c, a, locked, NULL, &items, &n), 0);
    CHECK_INT((int)n, 2);
    CHECK_INT(follow_list_followers(c, a, locked, NULL, &items, &n), 0);
    CHECK_INT((int)n, 0);
    db_release(c);
    arena_free(a);
    CHECK_INT(follow_accept(&fx_core, locked, bob), 0);
    CHECK_INT(state_of(bob, locked), FOLLOW_ACCEPTED);
    CHECK(!has_notification(locked, bob, NOTIFY_FOLLOW_REQUEST));
    CHECK(!has_notification(locked, bob, NOTIFY_FOLLOW)); /* as Mastodon: no second notice */
    CHECK_INT(follow_reject(&fx_core, locked, carol), 0);
    CHECK_INT(state_of(carol, locked), FOLLOW_NONE);
    CHECK_INT(follow_accept(&fx_core, locked, carol), E_NOTFOUND);
    CHECK_INT(follow_reject(&fx_core, locked, bob), E_NOTFOUND); /* already accepted */
}

TEST(unfollow)
{
    enum follow_state st;
    CHECK_INT(follow_create(&fx_core, carol, alice, NULL, &st), 0);
    CHECK_INT(follow_remove(&fx_core, carol, alice), 0);
    CHECK_INT(state_of(carol, alice), FOLLOW_NONE);
    CHECK_INT(follow_remove(&fx_core, carol, alice), 0);
}

TEST(block_severs_and_refuses)
{
    enum follow_state st;
    CHECK_INT(follow_create(&fx_core, carol, alice, NULL, &st), 0);
    CHECK_INT(follow_create(&fx_core, alice, carol, NULL, &st), 0);
    CHECK_INT(block_create(&fx_core, alice, carol), 0);
    CHECK_INT(state_of(carol, alice), FOLLOW_NONE);
    CHECK_INT(state_of(alice, carol), FOLLOW_NONE);
    CHECK_INT(follow_create(&fx_core, carol, alice, NULL, &st), E_FORBIDDEN);
    CHECK_INT(follow_create(&fx_core, alice, carol, NULL, &st), E_FORBIDDEN);
    CHECK(!has_notification(alice, carol, NOTIFY_FOLLOW));
    CHECK_INT(block_create(&fx_core, alice, alice), E_INVAL);
    CHECK_INT(block_remove(&fx_core, alice, carol), 0);
    CHECK_INT(follow_create(&fx_core, carol, alice, NULL, &st), 0);
}

int main(void)
{
    fx_open();
    alice = fx_user("alice");
    bob = fx_user("bob");
    carol = fx_user("carol");
    locked = fx_user("locked");
    fx_exec("UPDATE accounts SET locked = 1 WHERE username = 'locked'");
    RUN(follow_unlocked_is_accepted);
    RUN(locked_account_requests);
    RUN(unfollow);
    RUN(block_severs_and_refuses);
    fx_close();
    return t_done();
}
