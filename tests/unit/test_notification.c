/*
 * Unit tests for core/notification: when a notification is made and when
 * not, listing with paging and type filters, get, count, dismiss, clear.
 */
#include <string.h>

#include "core/follow.h"
#include "core/notification.h"
#include "core/status.h"
#include "fixture.h"
#include "t.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/timeutil.h"

static int64_t alice, bob, carol, dave, remote;

static int64_t post(int64_t author, const char *text, enum status_visibility vis)
{
    const char *why = NULL;
    int64_t id = 0;
    struct status_new p = {.text = text, .visibility = vis};
    if (status_create(&fx_core, author, &p, &id, &why) != 0)
        fprintf(stderr, "post failed: %s\n", why ? why : "?");
    return id;
}

/* notification_add in its own write connection; returns rc, *created set. */
static int add(int64_t to, int64_t from, enum notification_type type, int64_t status_id,
               int *created)
{
    struct db_conn *c;
    db_acquire(fx_core.db, DB_WRITE, &c);
    int rc = notification_add(c, to, from, type, status_id, created);
    db_release(c);
    return rc;
}

static size_t list(int64_t account, const struct notification_query *q, struct arena *a,
                   struct notification **out)
{
    struct db_conn *c;
    size_t n = 0;
    db_acquire(fx_core.db, DB_READ, &c);
    if (notification_list(c, a, account, q, out, &n) != 0)
        n = 0;
    db_release(c);
    return n;
}

TEST(made_only_when_it_should_be)
{
    int created = -1;
    int64_t pub = post(alice, "hello", VIS_PUBLIC);
    CHECK_INT(add(alice, bob, NOTIFY_FAVOURITE, pub, &created), 0);
    CHECK_INT(created, 1);
    /* Twice the same act: one notification. */
    CHECK_INT(add(alice, bob, NOTIFY_FAVOURITE, pub, &created), 0);
    CHECK_INT(created, 0);
    CHECK_INT(add(alice, bob, NOTIFY_FOLLOW, 0, &created), 0);
    CHECK_INT(created, 1);
    CHECK_INT(add(alice, bob, NOTIFY_FOLLOW, 0, &created), 0);
    CHECK_INT(created, 0);
    /* Not to oneself, not to a remote account. */
    CHECK_INT(add(alice, alice, NOTIFY_FAVOURITE, pub, &created), 0);
    CHECK_INT(created, 0);
    CHECK_INT(add(remote, alice, NOTIFY_FOLLOW, 0, &created), 0);
    CHECK_INT(created, 0);
    /* Not about a status the recipient may not see. */
    int64_t dm = post(alice, "@bob secret", VIS_DIRECT);
    CHECK_INT(add(carol, alice, NOTIFY_UPDATE, dm, &created), 0);
    CHECK_INT(created, 0);
    int64_t local = post(alice, "members only", VIS_LOCAL);
    CHECK_INT(add(carol, alice, NOTIFY_UPDATE, local, &created), 0);
    CHECK_INT(created, 1);
}

TEST(blocks_and_mutes_silence)
{
    int created = -1;
    /* dave blocks carol: nothing from her. */
    CHECK_INT(block_create(&fx_core, dave, carol), 0);
    CHECK_INT(add(dave, carol, NOTIFY_FOLLOW, 0, &created), 0);
    CHECK_INT(created, 0);
    /* A mention by a blocked account makes no notification either. */
    post(carol, "hey @dave", VIS_PUBLIC);
    struct arena *a = arena_new();
    struct notification *nt;
    struct notification_query q = {.types = 1u << NOTIFY_MENTION};
    CHECK_INT((int)list(dave, &q, a, &nt), 0);
    /* dave mutes bob with notifications: silence; a mute without them: notified. */
    CHECK_INT(mute_create(&fx_core, dave, bob, 1, 0), 0);
    CHECK_INT(add(dave, bob, NOTIFY_FOLLOW, 0, &created), 0);
    CHECK_INT(created, 0);
    CHECK_INT(mute_create(&fx_core, dave, bob, 0, 0), 0);
    CHECK_INT(add(dave, bob, NOTIFY_FOLLOW, 0, &created), 0);
    CHECK_INT(created, 1);
    /* An expired mute silences nothing. */
    CHECK_INT(mute_create(&fx_core, dave, alice, 1, time_now_ms() - 1000), 0);
    CHECK_INT(add(dave, alice, NOTIFY_FOLLOW, 0, &created), 0);
    CHECK_INT(created, 1);
    arena_free(a);
}

TEST(listing_paging_and_types)
{
    /* A fresh member, to count exactly: bob favourites five of her posts and carol
     * follows her, six notifications. */
    int64_t erin = fx_user("erin");
    int64_t ids[5];
    for (int i = 0; i < 5; i++) {
        ids[i] = post(erin, "post", VIS_PUBLIC);
        CHECK_INT(status_favourite(&fx_core, bob, ids[i]), 0);
    }
    enum follow_state st;
    CHECK_INT(follow_create(&fx_core, carol, erin, NULL, &st), 0);
    struct arena *a = arena_new();
    struct notification *all, *page;
    struct notification_query q = {0};
    size_t n = list(erin, &q, a, &all);
    CHECK_INT((int)n, 6);
    if (n != 6)
        goto out;
    CHECK_INT(all[0].type, NOTIFY_FOLLOW); /* newest first */
    CHECK(all[0].from_account_id == carol && all[0].status_id == 0);
    CHECK_INT(all[1].type, NOTIFY_FAVOURITE);
    CHECK(all[1].status_id == ids[4] && all[5].status_id == ids[0]);
    for (size_t i = 1; i < n; i++)
        CHECK(all[i - 1].id > all[i].id);
    /* limit and max_id walk down. */
    q.limit = 2;
    CHECK_INT((int)list(erin, &q, a, &page), 2);
    CHECK(page[0].id == all[0].id && page[1].id == all[1].id);
    q.max_id = page[1].id;
    CHECK_INT((int)list(erin, &q, a, &page), 2);
    CHECK(page[0].id == all[2].id && page[1].id == all[3].id);
    /* since_id: the newest above it; min_id: the ones right after it, newest first. */
    q = (struct notification_query){.since_id = all[4].id, .limit = 2};
    CHECK_INT((int)list(erin, &q, a, &page), 2);
    CHECK(page[0].id == all[0].id && page[1].id == all[1].id);
    q = (struct notification_query){.min_id = all[4].id, .limit = 2};
    CHECK_INT((int)list(erin, &q, a, &page), 2);
    CHECK(page[0].id == all[2].id && page[1].id == all[3].id);
    /* Types. */
    q = (struct notification_query){.types = 1u << NOTIFY_FOLLOW};
    CHECK_INT((int)list(erin, &q, a, &page), 1);
    q.types = (1u << NOTIFY_FOLLOW) | (1u << NOTIFY_FAVOURITE);
    CHECK_INT((int)list(erin, &q, a, &page), 6);
    q.types = 1u << NOTIFY_MENTION;
    CHECK_INT((int)list(erin, &q, a, &page), 0);
    /* get, count, dismiss, clear. */
    struct db_conn *c;
    struct notification *one;
    int64_t count = -1;
    db_acquire(fx_core.db, DB_WRITE, &c);
    CHECK_INT(notification_get(c, a, erin, all[2].id, &one), 0);
    CHECK(one->id == all[2].id && one->type == NOTIFY_FAVOURITE && one->status_id == ids[3]);
    CHECK_INT(notification_get(c, a, bob, all[2].id, &one), E_NOTFOUND); /* not bob's */
    CHECK_INT(notification_count(c, erin, 0, &count), 0);
    CHECK_INT(count, 6);
    CHECK_INT(notification_count(c, erin, all[2].id, &count), 0);
    CHECK_INT(count, 2);
    CHECK_INT(notification_dismiss(c, bob, all[0].id), E_NOTFOUND);
    CHECK_INT(notification_dismiss(c, erin, all[0].id), 0);
    CHECK_INT(notification_dismiss(c, erin, all[0].id), E_NOTFOUND);
    CHECK_INT(notification_count(c, erin, 0, &count), 0);
    CHECK_INT(count, 5);
    CHECK_INT(notification_clear(c, erin), 0);
    CHECK_INT(notification_count(c, erin, 0, &count), 0);
    CHECK_INT(count, 0);
    db_release(c);
out:
    arena_free(a);
}

TEST(type_names)
{
    enum notification_type t;
    for (int i = 0; i < NOTIFY_TYPE_COUNT; i++) {
        CHECK_INT(notification_type_parse(notification_type_name((enum notification_type)i), &t),
                  0);
        CHECK_INT(t, i);
    }
    CHECK_STR(notification_type_name(NOTIFY_FOLLOW_REQUEST), "follow_request");
    CHECK_INT(notification_type_parse("admin.sign_up", &t), 0);
    CHECK_INT(t, NOTIFY_ADMIN_SIGN_UP);
    CHECK_STR(notification_type_name(NOTIFY_ADMIN_REPORT), "admin.report");
    CHECK_STR(notification_type_name(NOTIFY_MODERATION_WARNING), "moderation_warning");
    CHECK_INT(notification_type_parse("admin.nonsense", &t), E_INVAL);
}

int main(void)
{
    fx_open();
    alice = fx_user("alice");
    bob = fx_user("bob");
    carol = fx_user("carol");
    dave = fx_user("dave");
    remote = fx_remote("rem", "r.test");
    RUN(made_only_when_it_should_be);
    RUN(blocks_and_mutes_silence);
    RUN(listing_paging_and_types);
    RUN(type_names);
    fx_close();
    return t_done();
}
