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
    fx_close();
    return t_done();
}
