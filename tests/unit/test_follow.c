/*
 * Unit tests for core/follow: follows, requests, blocks and their
 * notifications.
 */
#include "core/follow.h"
#include "core/notification.h"
#include "core/status.h"
#include "core/visibility.h"
#include "fixture.h"
#include "t.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/timeutil.h"

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

TEST(remote_target_waits_for_accept)
{
    int64_t far = fx_remote("far", "r.test");
    enum follow_state st;
    struct follow_options opt = {.uri = "https://a.test/follows/1"};
    CHECK_INT(follow_create(&fx_core, bob, far, &opt, &st), 0);
    CHECK_INT(st, FOLLOW_PENDING);
    CHECK_INT(follow_accept(&fx_core, far, bob), 0); /* the remote server's Accept */
    CHECK_INT(state_of(bob, far), FOLLOW_ACCEPTED);
    /* A remote follower of an unlocked member is accepted at once and notifies. */
    int64_t fan = fx_remote("fan", "r.test");
    CHECK_INT(follow_create(&fx_core, fan, bob, NULL, &st), 0);
    CHECK_INT(st, FOLLOW_ACCEPTED);
    CHECK(has_notification(bob, fan, NOTIFY_FOLLOW));
    /* bob removes the remote follower. */
    CHECK_INT(follow_remove_follower(&fx_core, bob, fan), 0);
    CHECK_INT(state_of(fan, bob), FOLLOW_NONE);
}

TEST(relationship_facts)
{
    int64_t p = fx_user("pat"), q = fx_user("quin");
    struct relationship r;
    struct db_conn *c;
    db_acquire(fx_core.db, DB_READ, &c);
    CHECK_INT(follow_relationship(c, p, q, &r), 0);
    db_release(c);
    CHECK(!r.following && !r.followed_by && !r.requested && !r.blocking && !r.muting);
    enum follow_state st;
    struct follow_options opt = {.hide_reblogs = 1, .notify = 1};
    CHECK_INT(follow_create(&fx_core, p, q, &opt, &st), 0);
    fx_exec("UPDATE accounts SET locked = 1 WHERE username = 'pat'");
    CHECK_INT(follow_create(&fx_core, q, p, NULL, &st), 0);
    CHECK_INT(st, FOLLOW_PENDING);
    CHECK_INT(mute_create(&fx_core, p, q, 0, 0), 0);
    db_acquire(fx_core.db, DB_READ, &c);
    CHECK_INT(follow_relationship(c, p, q, &r), 0);
    CHECK_INT(r.following, 1);
    CHECK_INT(r.showing_reblogs, 0);
    CHECK_INT(r.notifying, 1);
    CHECK_INT(r.requested, 0);
    CHECK_INT(r.followed_by, 0);
    CHECK_INT(r.requested_by, 1);
    CHECK_INT(r.muting, 1);
    CHECK_INT(r.muting_notifications, 0);
    CHECK_INT(r.blocking, 0);
    CHECK_INT(follow_relationship(c, q, p, &r), 0);
    CHECK_INT(r.following, 0);
    CHECK_INT(r.requested, 1);
    CHECK_INT(r.followed_by, 1);
    CHECK_INT(r.muting, 0);
    db_release(c);
    /* Following again changes the options, not the state. */
    opt.hide_reblogs = 0;
    opt.notify = 0;
    CHECK_INT(follow_create(&fx_core, p, q, &opt, &st), 0);
    CHECK_INT(st, FOLLOW_ACCEPTED);
    CHECK_INT(block_create(&fx_core, q, p), 0);
    db_acquire(fx_core.db, DB_READ, &c);
    CHECK_INT(follow_relationship(c, p, q, &r), 0);
    CHECK_INT(r.following, 0); /* the block ended it */
    CHECK_INT(r.requested_by, 0);
    CHECK_INT(r.blocked_by, 1);
    CHECK_INT(r.blocking, 0);
    db_release(c);
}

TEST(mutes)
{
    struct db_conn *c;
    int notif = -1;
    CHECK_INT(mute_create(&fx_core, alice, alice, 1, 0), E_INVAL);
    CHECK_INT(mute_create(&fx_core, alice, 987654321, 1, 0), E_NOTFOUND);
    CHECK_INT(mute_create(&fx_core, alice, bob, 1, 0), 0);
    db_acquire(fx_core.db, DB_READ, &c);
    CHECK_INT(mute_exists(c, alice, bob, &notif), 1);
    CHECK_INT(notif, 1);
    CHECK_INT(mute_exists(c, bob, alice, &notif), 0);
    CHECK_INT(notif, 0);
    db_release(c);
    /* Muting again updates; an expiry in the past ends it. */
    CHECK_INT(mute_create(&fx_core, alice, bob, 0, time_now_ms() - 1), 0);
    db_acquire(fx_core.db, DB_READ, &c);
    CHECK_INT(mute_exists(c, alice, bob, NULL), 0);
    db_release(c);
    CHECK_INT(mute_create(&fx_core, alice, bob, 0, time_now_ms() + 60000), 0);
    db_acquire(fx_core.db, DB_READ, &c);
    CHECK_INT(mute_exists(c, alice, bob, &notif), 1);
    CHECK_INT(notif, 0);
    db_release(c);
    CHECK_INT(mute_remove(&fx_core, alice, bob), 0);
    db_acquire(fx_core.db, DB_READ, &c);
    CHECK_INT(mute_exists(c, alice, bob, NULL), 0);
    db_release(c);
}

TEST(follower_paging)
{
    int64_t star = fx_user("star");
    int64_t fans[5];
    enum follow_state st;
    for (int i = 0; i < 5; i++) {
        char name[16];
        snprintf(name, sizeof(name), "fan%d", i);
        fans[i] = fx_user(name);
        CHECK_INT(follow_create(&fx_core, fans[i], star, NULL, &st), 0);
    }
    struct arena *a = arena_new();
    struct db_conn *c;
    struct follow_item *all, *page;
    size_t n;
    db_acquire(fx_core.db, DB_READ, &c);
    CHECK_INT(follow_list_followers(c, a, star, NULL, &all, &n), 0);
    CHECK_INT((int)n, 5);
    if (n == 5) {
        CHECK(all[0].account_id == fans[4] && all[4].account_id == fans[0]); /* newest first */
        struct follow_page p = {.limit = 2};
        CHECK_INT(follow_list_followers(c, a, star, &p, &page, &n), 0);
        CHECK(n == 2 && page[0].follow_id == all[0].follow_id);
        p.max_id = page[1].follow_id;
        CHECK_INT(follow_list_followers(c, a, star, &p, &page, &n), 0);
        CHECK(n == 2 && page[0].account_id == fans[2] && page[1].account_id == fans[1]);
        p = (struct follow_page){.min_id = all[4].follow_id, .limit = 2};
        CHECK_INT(follow_list_followers(c, a, star, &p, &page, &n), 0);
        CHECK(n == 2 && page[0].account_id == fans[2] && page[1].account_id == fans[1]);
        p = (struct follow_page){.since_id = all[2].follow_id};
        CHECK_INT(follow_list_followers(c, a, star, &p, &page, &n), 0);
        CHECK(n == 2 && page[0].account_id == fans[4] && page[1].account_id == fans[3]);
    }
    CHECK_INT(follow_list_following(c, a, fans[0], NULL, &page, &n), 0);
    CHECK(n == 1 && page[0].account_id == star);
    db_release(c);
    arena_free(a);
}

TEST(block_hides_posts)
{
    int64_t shy = fx_user("shy"), nosy = fx_user("nosy");
    const char *why = NULL;
    int64_t sid = 0;
    struct status_new p = {.text = "for everyone", .visibility = VIS_PUBLIC};
    CHECK_INT(status_create(&fx_core, shy, &p, &sid, &why), 0);
    struct viewer v = {VIEWER_LOCAL, nosy, NULL};
    struct db_conn *c;
    db_acquire(fx_core.db, DB_READ, &c);
    CHECK_INT(visibility_may_see(c, &v, sid), 1);
    db_release(c);
    CHECK_INT(block_create(&fx_core, shy, nosy), 0);
    CHECK_INT(block_create(&fx_core, shy, nosy), 0); /* idempotent */
    db_acquire(fx_core.db, DB_READ, &c);
    CHECK_INT(block_exists(c, shy, nosy), 1);
    CHECK_INT(block_exists(c, nosy, shy), 0);
    CHECK_INT(visibility_may_see(c, &v, sid), 0);
    db_release(c);
    CHECK_INT(status_favourite(&fx_core, nosy, sid), E_NOTFOUND);
    CHECK_INT(block_create(&fx_core, shy, 987654321), E_NOTFOUND);
    CHECK_INT(block_remove(&fx_core, shy, nosy), 0);
    db_acquire(fx_core.db, DB_READ, &c);
    CHECK_INT(visibility_may_see(c, &v, sid), 1);
    db_release(c);
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
    RUN(remote_target_waits_for_accept);
    RUN(relationship_facts);
    RUN(mutes);
    RUN(follower_paging);
    RUN(block_hides_posts);
    fx_close();
    return t_done();
}
