/*
 * Unit tests for core/status and core/notification: posting, threads,
 * edits, deletes, favourites, bookmarks and the notifications they make.
 */
#include <string.h>

#include "core/follow.h"
#include "core/notification.h"
#include "core/status.h"
#include "fixture.h"
#include "t.h"
#include "util/arena.h"
#include "util/err.h"

static int64_t alice, bob, carol, remote;

static int64_t post(int64_t author, const char *text, enum status_visibility vis, int64_t reply)
{
    const char *why = NULL;
    int64_t id = 0;
    struct status_new p = {.text = text, .visibility = vis, .in_reply_to_id = reply};
    int rc = status_create(&fx_core, author, &p, &id, &why);
    if (rc) {
        fprintf(stderr, "post failed: %d %s\n", rc, why ? why : "");
        return 0;
    }
    return id;
}

static size_t count_notifications(int64_t account, enum notification_type type)
{
    struct arena *a = arena_new();
    struct db_conn *c;
    struct notification *list;
    size_t n = 0;
    struct notification_query q = {.types = 1u << type};
    db_acquire(fx_core.db, DB_READ, &c);
    notification_list(c, a, account, &q, &list, &n);
    db_release(c);
    arena_free(a);
    return n;
}

static struct status *get(struct arena *a, int64_t id)
{
    struct db_conn *c;
    struct status *st = NULL;
    db_acquire(fx_core.db, DB_READ, &c);
    if (status_get(c, a, id, &st) != 0)
        st = NULL;
    db_release(c);
    return st;
}

TEST(create_formats_mentions_and_tags)
{
    struct arena *a = arena_new();
    int64_t id =
        post(alice, "Hi @bob and @rem@r.test, see #Hearth #hearth https://x.test/", VIS_PUBLIC, 0);
    CHECK(id > 0);
    struct status *st = get(a, id);
    CHECK(st != NULL);
    if (!st)
        return;
    CHECK(strstr(st->content, "href=\"https://a.test/@bob\"") != NULL);
    CHECK(strstr(st->content, "href=\"https://r.test/users/rem\"") != NULL);
    CHECK(strstr(st->content, "href=\"https://a.test/tags/hearth\"") != NULL);
    CHECK_STR(st->uri, arena_printf(a, "https://a.test/users/alice/statuses/%lld", (long long)id));
    CHECK_INT(st->local, 1);
    struct db_conn *c;
    db_acquire(fx_core.db, DB_READ, &c);
    int64_t *ids;
    size_t n;
    CHECK_INT(status_mentions(c, a, id, &ids, &n), 0);
    CHECK_INT((int)n, 2);
    const char **tags;
    CHECK_INT(status_tags(c, a, id, &tags, &n), 0);
    CHECK_INT((int)n, 1);
    CHECK_STR(tags[0], "hearth");
    db_release(c);
    /* bob is told; the remote account is not (it has no notifications here). */
    CHECK_INT((int)count_notifications(bob, NOTIFY_MENTION), 1);
    CHECK_INT((int)count_notifications(remote, NOTIFY_MENTION), 0);
    arena_free(a);
}

TEST(validation_errors)
{
    const char *why = NULL;
    int64_t id;
    struct status_new p = {.text = "   ", .visibility = VIS_PUBLIC};
    CHECK_INT(status_create(&fx_core, alice, &p, &id, &why), E_INVAL);
    CHECK(why && strstr(why, "blank"));
    char long_text[700];
    memset(long_text, 'a', sizeof(long_text) - 1);
    long_text[sizeof(long_text) - 1] = '\0';
    p.text = long_text;
    CHECK_INT(status_create(&fx_core, alice, &p, &id, &why), E_LIMIT);
    CHECK(why && strstr(why, "too long"));
    p.text = "bad \xff bytes";
    CHECK_INT(status_create(&fx_core, alice, &p, &id, &why), E_INVAL);
    CHECK(why && strstr(why, "UTF-8"));
    p.text = "fine";
    p.language = "English";
    CHECK_INT(status_create(&fx_core, alice, &p, &id, &why), E_INVAL);
    CHECK(why && strstr(why, "language"));
    /* 480 letters and a long URL fit: the URL counts 23. */
    char fits[600];
    memset(fits, 'b', 470);
    memcpy(fits + 470, " https://example.org/a/very/long/path/that/goes/on", 51);
    p.text = fits;
    p.language = NULL;
    CHECK_INT(status_create(&fx_core, alice, &p, &id, &why), 0);
    /* The content warning counts toward the limit. */
    char cw[40];
    memset(cw, 'c', 39);
    cw[39] = '\0';
    p.spoiler_text = cw;
    CHECK_INT(status_create(&fx_core, alice, &p, &id, &why), E_LIMIT);
}

TEST(replies_thread_and_stay_in_their_ring)
{
    struct arena *a = arena_new();
    int64_t root = post(alice, "root", VIS_PUBLIC, 0);
    int64_t r1 = post(bob, "@alice first", VIS_PUBLIC, root);
    int64_t r2 = post(alice, "@bob second", VIS_PUBLIC, r1);
    int64_t r3 = post(carol, "third", VIS_PUBLIC, root);
    struct status *st = get(a, r2);
    CHECK(st && st->in_reply_to_id == r1 && st->thread_root_id == root);
    CHECK(st && st->in_reply_to_account_id == bob);
    struct viewer v = {VIEWER_ANONYMOUS, 0, NULL};
    struct db_conn *c;
    int64_t *anc, *desc;
    size_t na, nd;
    db_acquire(fx_core.db, DB_READ, &c);
    CHECK_INT(status_context(c, a, &v, r2, &anc, &na, &desc, &nd), 0);
    CHECK_INT((int)na, 2);
    CHECK(na == 2 && anc[0] == root && anc[1] == r1);
    CHECK_INT(status_context(c, a, &v, root, &anc, &na, &desc, &nd), 0);
    CHECK_INT((int)nd, 3);
    CHECK(nd == 3 && desc[0] == r1 && desc[1] == r2 && desc[2] == r3);
    db_release(c);
    /* A reply to a local-only post is local-only. */
    int64_t local = post(alice, "members only", VIS_LOCAL, 0);
    int64_t reply = post(bob, "agreed", VIS_PUBLIC, local);
    st = get(a, reply);
    CHECK(st && st->visibility == VIS_LOCAL);
    /* Replying to what one may not see fails as if it did not exist. */
    int64_t secret = post(alice, "@carol psst", VIS_DIRECT, 0);
    const char *why = NULL;
    int64_t id;
    struct status_new p = {.text = "nosy", .visibility = VIS_PUBLIC, .in_reply_to_id = secret};
    CHECK_INT(status_create(&fx_core, bob, &p, &id, &why), E_NOTFOUND);
    p.in_reply_to_id = 12345;
    CHECK_INT(status_create(&fx_core, bob, &p, &id, &why), E_NOTFOUND);
    arena_free(a);
}

TEST(edit_keeps_history)
{
    struct arena *a = arena_new();
    int64_t id = post(alice, "first version", VIS_PUBLIC, 0);
    int64_t boost;
    CHECK_INT(status_reblog(&fx_core, bob, id, &boost), 0);
    const char *why = NULL;
    struct status_new p = {.text = "second version #edited", .spoiler_text = "cw"};
    CHECK_INT(status_edit(&fx_core, alice, id, &p, &why), 0);
    p.text = "third version";
    p.spoiler_text = NULL;
    CHECK_INT(status_edit(&fx_core, alice, id, &p, &why), 0);
    CHECK_INT(status_edit(&fx_core, bob, id, &p, &why), E_NOTFOUND);
    struct status *st = get(a, id);
    CHECK(st && st->edited_at > 0);
    CHECK(st && strstr(st->content, "third version"));
    struct db_conn *c;
    struct status_version *v;
    size_t n = 0;
    db_acquire(fx_core.db, DB_READ, &c);
    CHECK_INT(status_history(c, a, id, &v, &n), 0);
    db_release(c);
    CHECK_INT((int)n, 3);
    if (n == 3) {
        CHECK(strstr(v[0].content, "first version") != NULL);
        CHECK(strstr(v[1].content, "second version") != NULL);
        CHECK_STR(v[1].spoiler_text, "cw");
        CHECK(v[0].created_at <= v[1].created_at && v[1].created_at <= v[2].created_at);
    }
    /* bob, who boosted it, is told once per edit (the latest replaces the older). */
    CHECK_INT((int)count_notifications(bob, NOTIFY_UPDATE), 1);
    arena_free(a);
}

TEST(favourites_bookmarks_and_notifications)
{
    int64_t id = post(alice, "like me", VIS_PUBLIC, 0);
    size_t before = count_notifications(alice, NOTIFY_FAVOURITE);
    CHECK_INT(status_favourite(&fx_core, bob, id), 0);
    CHECK_INT(status_favourite(&fx_core, bob, id), 0);   /* idempotent */
    CHECK_INT(status_favourite(&fx_core, alice, id), 0); /* no self-notification */
    CHECK_INT((int)count_notifications(alice, NOTIFY_FAVOURITE), (int)before + 1);
    CHECK_INT(status_bookmark(&fx_core, carol, id), 0);
    struct db_conn *c;
    struct status_counts sc;
    db_acquire(fx_core.db, DB_READ, &c);
    CHECK_INT(status_counts(c, id, bob, &sc), 0);
    CHECK_INT((int)sc.favourites, 2);
    CHECK_INT(sc.favourited, 1);
    CHECK_INT(sc.bookmarked, 0);
    CHECK_INT(status_counts(c, id, carol, &sc), 0);
    CHECK_INT(sc.bookmarked, 1);
    db_release(c);
    CHECK_INT(status_unfavourite(&fx_core, bob, id), 0);
    CHECK_INT((int)count_notifications(alice, NOTIFY_FAVOURITE), (int)before);
    /* A post one may not see cannot be favourited or bookmarked. */
    int64_t dm = post(alice, "@bob just you", VIS_DIRECT, 0);
    CHECK_INT(status_favourite(&fx_core, carol, dm), E_NOTFOUND);
    CHECK_INT(status_bookmark(&fx_core, carol, dm), E_NOTFOUND);
    CHECK_INT(status_bookmark(&fx_core, bob, dm), 0);
}

TEST(no_notification_for_invisible_mention)
{
    /* A followers-only post mentioning a non-follower does reach her (mentioned), but a
     * mention inside a reply to a post she cannot see is never made. */
    size_t before = count_notifications(carol, NOTIFY_MENTION);
    post(alice, "@carol followers-only but you are mentioned", VIS_FOLLOWERS, 0);
    CHECK_INT((int)count_notifications(carol, NOTIFY_MENTION), (int)before + 1);
    post(alice, "talking about @carol", VIS_PUBLIC, 0);
    CHECK_INT((int)count_notifications(carol, NOTIFY_MENTION), (int)before + 2);
}

TEST(delete_removes_everything_attached)
{
    int64_t id = post(alice, "short-lived @bob", VIS_PUBLIC, 0);
    int64_t boost;
    CHECK_INT(status_reblog(&fx_core, carol, id, &boost), 0);
    CHECK_INT(status_favourite(&fx_core, bob, id), 0);
    CHECK_INT(status_delete(&fx_core, bob, id), E_NOTFOUND); /* not bob's */
    CHECK_INT(status_delete(&fx_core, alice, id), 0);
    struct arena *a = arena_new();
    CHECK(get(a, id) == NULL);
    CHECK(get(a, boost) == NULL);
    struct db_conn *c;
    struct db_stmt *s;
    db_acquire(fx_core.db, DB_READ, &c);
    db_prepare(c, "SELECT count(*) FROM notifications WHERE status_id = ?", &s);
    db_bind_i64(s, 1, id);
    CHECK_INT(db_step(s), DB_ROW);
    CHECK_INT(db_col_i64(s, 0), 0);
    db_stmt_done(s);
    db_release(c);
    arena_free(a);
}

TEST(ids_follow_creation_order)
{
    int64_t prev = 0;
    for (int i = 0; i < 20; i++) {
        int64_t id = post(carol, "tick", VIS_PUBLIC, 0);
        CHECK(id > prev);
        prev = id;
    }
}

static int sees(const struct viewer *v, int64_t id)
{
    struct db_conn *c;
    db_acquire(fx_core.db, DB_READ, &c);
    int r = visibility_may_see(c, v, id);
    db_release(c);
    return r;
}

TEST(replies_keep_the_ring)
{
    struct arena *a = arena_new();
    int64_t hood = post(alice, "neighbors only", VIS_NEIGHBORHOOD, 0);
    static const struct {
        enum status_visibility asked, got;
    } hood_cases[] = {
        {VIS_PUBLIC, VIS_NEIGHBORHOOD},
        {VIS_UNLISTED, VIS_NEIGHBORHOOD},
        {VIS_FOLLOWERS, VIS_NEIGHBORHOOD},
        {VIS_DIRECT, VIS_DIRECT},
        {VIS_LOCAL, VIS_LOCAL},
        {VIS_NEIGHBORHOOD, VIS_NEIGHBORHOOD},
    };
    for (size_t i = 0; i < sizeof(hood_cases) / sizeof(hood_cases[0]); i++) {
        struct status *st = get(a, post(bob, "@alice re", hood_cases[i].asked, hood));
        CHECK(st && st->visibility == hood_cases[i].got);
    }
    int64_t local = post(alice, "members only", VIS_LOCAL, 0);
    static const struct {
        enum status_visibility asked, got;
    } local_cases[] = {
        {VIS_PUBLIC, VIS_LOCAL},  {VIS_UNLISTED, VIS_LOCAL}, {VIS_FOLLOWERS, VIS_LOCAL},
        {VIS_DIRECT, VIS_DIRECT}, {VIS_LOCAL, VIS_LOCAL},    {VIS_NEIGHBORHOOD, VIS_LOCAL},
    };
    for (size_t i = 0; i < sizeof(local_cases) / sizeof(local_cases[0]); i++) {
        struct status *st = get(a, post(bob, "@alice re", local_cases[i].asked, local));
        CHECK(st && st->visibility == local_cases[i].got);
    }
    /* Deeper in a local thread the ring still holds. */
    int64_t r1 = post(bob, "level one", VIS_LOCAL, local);
    struct status *st = get(a, post(carol, "level two", VIS_PUBLIC, r1));
    CHECK(st && st->visibility == VIS_LOCAL && st->thread_root_id == local);
    /* Bad visibility values and boosts as parents are refused. */
    const char *why = NULL;
    int64_t id;
    struct status_new p = {.text = "x", .visibility = (enum status_visibility)9};
    CHECK_INT(status_create(&fx_core, bob, &p, &id, &why), E_INVAL);
    CHECK(why && strstr(why, "visibility"));
    int64_t pub = post(alice, "boost me", VIS_PUBLIC, 0), boost = 0;
    CHECK_INT(status_reblog(&fx_core, carol, pub, &boost), 0);
    p = (struct status_new){.text = "re", .visibility = VIS_PUBLIC, .in_reply_to_id = boost};
    CHECK_INT(status_create(&fx_core, bob, &p, &id, &why), E_INVAL);
    /* Only local accounts post here. */
    p.in_reply_to_id = 0;
    CHECK_INT(status_create(&fx_core, remote, &p, &id, &why), E_FORBIDDEN);
    arena_free(a);
}

TEST(boost_rules)
{
    struct arena *a = arena_new();
    fx_exec("INSERT INTO neighborhood_servers (domain, created_at) VALUES ('n.test', 0)"
            " ON CONFLICT (domain) DO NOTHING");
    struct viewer neighbor = {VIEWER_SERVER, 0, "n.test"};
    struct viewer anon = {VIEWER_ANONYMOUS, 0, NULL};
    /* A neighborhood post's boost keeps the level and follows the original. */
    int64_t hood = post(alice, "hood", VIS_NEIGHBORHOOD, 0), boost = 0, again = 0;
    CHECK_INT(status_reblog(&fx_core, bob, hood, &boost), 0);
    struct status *st = get(a, boost);
    CHECK(st && st->visibility == VIS_NEIGHBORHOOD && st->reblog_of_id == hood);
    CHECK_INT(sees(&neighbor, boost), 1);
    CHECK_INT(sees(&anon, boost), 0);
    /* Boosting twice gives the same boost, and one notification. */
    CHECK_INT(status_reblog(&fx_core, bob, hood, &again), 0);
    CHECK(again == boost);
    CHECK_INT(status_reblog(&fx_core, bob, boost, &again), 0); /* a boost of the boost */
    CHECK(again == boost);
    size_t reblogs = count_notifications(alice, NOTIFY_REBLOG);
    CHECK(reblogs >= 1);
    /* Undo: the boost and its notification go. */
    CHECK_INT(status_unreblog(&fx_core, bob, hood), 0);
    CHECK(get(a, boost) == NULL);
    CHECK_INT((int)count_notifications(alice, NOTIFY_REBLOG), (int)reblogs - 1);
    /* The author may boost her own followers-only post; others may not. */
    int64_t fo = post(alice, "followers", VIS_FOLLOWERS, 0);
    CHECK_INT(status_reblog(&fx_core, alice, fo, &boost), 0);
    CHECK_INT(status_reblog(&fx_core, bob, fo, &boost), E_FORBIDDEN);
    /* A neighborhood post that came from elsewhere, boosted here, stays with members. */
    int64_t nb = fx_remote("nbr", "n.test");
    char sql[256];
    snprintf(sql, sizeof(sql),
             "INSERT INTO statuses (id, account_id, uri, local, visibility, created_at)"
             " VALUES (4242, %lld, 'https://n.test/s/4242', 0, 5, 0)",
             (long long)nb);
    fx_exec(sql);
    CHECK_INT(status_reblog(&fx_core, bob, 4242, &boost), 0);
    CHECK_INT(sees(&neighbor, boost), 0);
    struct viewer member = {VIEWER_LOCAL, carol, NULL};
    CHECK_INT(sees(&member, boost), 1);
    arena_free(a);
}

TEST(remote_actors_are_judged_as_remote)
{
    int64_t far = fx_remote("liker", "far.test");
    int64_t local = post(alice, "members only", VIS_LOCAL, 0);
    int64_t pub = post(alice, "for all", VIS_PUBLIC, 0), boost = 0;
    size_t before = count_notifications(alice, NOTIFY_FAVOURITE);
    CHECK_INT(status_favourite(&fx_core, far, local), E_NOTFOUND);
    CHECK_INT(status_favourite(&fx_core, far, pub), 0);
    CHECK_INT((int)count_notifications(alice, NOTIFY_FAVOURITE), (int)before + 1);
    CHECK_INT(status_reblog(&fx_core, far, pub, &boost), E_FORBIDDEN);
}

TEST(bookmarks_and_lookup)
{
    struct arena *a = arena_new();
    int64_t id = post(alice, "keep me", VIS_PUBLIC, 0);
    struct db_conn *c;
    struct status_counts sc;
    CHECK_INT(status_bookmark(&fx_core, bob, id), 0);
    CHECK_INT(status_bookmark(&fx_core, bob, id), 0);
    db_acquire(fx_core.db, DB_READ, &c);
    CHECK_INT(status_counts(c, id, bob, &sc), 0);
    CHECK_INT(sc.bookmarked, 1);
    db_release(c);
    CHECK_INT(status_unbookmark(&fx_core, bob, id), 0);
    CHECK_INT(status_unbookmark(&fx_core, bob, id), 0);
    struct status *st = get(a, id), *found;
    db_acquire(fx_core.db, DB_READ, &c);
    CHECK_INT(status_counts(c, id, bob, &sc), 0);
    CHECK_INT(sc.bookmarked, 0);
    CHECK_INT(status_find_by_uri(c, a, st->uri, &found), 0);
    CHECK(found->id == id);
    CHECK_INT(status_find_by_uri(c, a, "https://a.test/nothing", &found), E_NOTFOUND);
    db_release(c);
    arena_free(a);
}

TEST(edit_rules)
{
    struct arena *a = arena_new();
    int64_t id = post(alice, "plain", VIS_FOLLOWERS, 0);
    const char *why = NULL;
    size_t before = count_notifications(carol, NOTIFY_MENTION);
    /* A mention added by an edit reaches the new reader. */
    struct status_new p = {.text = "plain, now with @carol", .visibility = VIS_PUBLIC};
    CHECK_INT(status_edit(&fx_core, alice, id, &p, &why), 0);
    CHECK_INT((int)count_notifications(carol, NOTIFY_MENTION), (int)before + 1);
    struct status *st = get(a, id);
    CHECK(st && st->visibility == VIS_FOLLOWERS); /* an edit never changes the level */
    /* A failed edit changes nothing. */
    p.text = "  ";
    CHECK_INT(status_edit(&fx_core, alice, id, &p, &why), E_INVAL);
    struct db_conn *c;
    struct status_version *v;
    size_t n = 0;
    db_acquire(fx_core.db, DB_READ, &c);
    CHECK_INT(status_history(c, a, id, &v, &n), 0);
    db_release(c);
    CHECK_INT((int)n, 2);
    /* A boost is not edited. */
    int64_t pub = post(carol, "boostable", VIS_PUBLIC, 0), boost = 0;
    CHECK_INT(status_reblog(&fx_core, alice, pub, &boost), 0);
    p.text = "changed";
    CHECK_INT(status_edit(&fx_core, alice, boost, &p, &why), E_FORBIDDEN);
    arena_free(a);
}

TEST(context_hides_what_the_viewer_may_not_see)
{
    struct arena *a = arena_new();
    int64_t root = post(alice, "thread", VIS_PUBLIC, 0);
    int64_t secret = post(bob, "@carol between us", VIS_DIRECT, root);
    int64_t under = post(carol, "@bob sure", VIS_PUBLIC, secret);
    int64_t open = post(carol, "hello all", VIS_PUBLIC, root);
    struct viewer anon = {VIEWER_ANONYMOUS, 0, NULL};
    struct viewer mentioned = {VIEWER_LOCAL, carol, NULL};
    struct db_conn *c;
    int64_t *anc, *desc;
    size_t na, nd;
    db_acquire(fx_core.db, DB_READ, &c);
    CHECK_INT(status_context(c, a, &anon, root, &anc, &na, &desc, &nd), 0);
    CHECK(na == 0 && nd == 1 && desc[0] == open);
    CHECK_INT(status_context(c, a, &mentioned, root, &anc, &na, &desc, &nd), 0);
    CHECK(nd == 3 && desc[0] == secret && desc[1] == under && desc[2] == open);
    /* Ancestors skip what is hidden; a hidden status has no context at all. */
    CHECK_INT(status_context(c, a, &anon, under, &anc, &na, &desc, &nd), 0);
    CHECK(na == 1 && anc[0] == root);
    CHECK_INT(status_context(c, a, &anon, secret, &anc, &na, &desc, &nd), E_NOTFOUND);
    db_release(c);
    arena_free(a);
}

TEST(no_mention_notification_across_a_block)
{
    int64_t grumpy = fx_user("grumpy");
    CHECK_INT(block_create(&fx_core, grumpy, bob), 0);
    post(bob, "hi @grumpy", VIS_PUBLIC, 0);
    CHECK_INT((int)count_notifications(grumpy, NOTIFY_MENTION), 0);
    post(alice, "hi @grumpy", VIS_PUBLIC, 0);
    CHECK_INT((int)count_notifications(grumpy, NOTIFY_MENTION), 1);
}

int main(void)
{
    fx_open();
    alice = fx_user("alice");
    bob = fx_user("bob");
    carol = fx_user("carol");
    remote = fx_remote("rem", "r.test");
    enum follow_state st;
    follow_create(&fx_core, bob, alice, NULL, &st);
    RUN(create_formats_mentions_and_tags);
    RUN(validation_errors);
    RUN(replies_thread_and_stay_in_their_ring);
    RUN(edit_keeps_history);
    RUN(favourites_bookmarks_and_notifications);
    RUN(no_notification_for_invisible_mention);
    RUN(delete_removes_everything_attached);
    RUN(ids_follow_creation_order);
    RUN(replies_keep_the_ring);
    RUN(boost_rules);
    RUN(remote_actors_are_judged_as_remote);
    RUN(bookmarks_and_lookup);
    RUN(edit_rules);
    RUN(context_hides_what_the_viewer_may_not_see);
    RUN(no_mention_notification_across_a_block);
    fx_close();
    return t_done();
}
