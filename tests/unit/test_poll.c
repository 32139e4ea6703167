/*
 * Unit tests for core/poll: limits, creation with a status, voting (the
 * visibility rule, own polls, repeats, choices), edits, and the end of a
 * poll with its notifications.
 */
#include <string.h>

#include "core/follow.h"
#include "core/notification.h"
#include "core/poll.h"
#include "core/remote.h"
#include "core/status.h"
#include "fixture.h"
#include "t.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/timeutil.h"

static int64_t alice, bob, carol, dave;

static const char *two[] = {"tea", "coffee"};

static int64_t post_poll(int64_t author, enum status_visibility vis, const char **options, size_t n,
                         int multiple, int hide_totals)
{
    struct poll_new poll = {.options = options,
                            .n_options = n,
                            .expires_in = 3600,
                            .multiple = multiple,
                            .hide_totals = hide_totals};
    struct status_new p = {.text = "which?", .visibility = vis, .poll = &poll};
    const char *why = NULL;
    int64_t id = 0;
    if (status_create(&fx_core, author, &p, &id, &why) != 0)
        fprintf(stderr, "post failed: %s\n", why ? why : "?");
    return id;
}

/* The poll of a status, read into a. */
static struct poll *poll_of(struct arena *a, int64_t status_id)
{
    struct db_conn *c;
    struct poll *p = NULL;
    db_acquire(fx_core.db, DB_READ, &c);
    if (poll_get_by_status(c, a, status_id, &p) != 0)
        p = NULL;
    db_release(c);
    return p;
}

static int vote(int64_t voter, int64_t poll_id, const int *choices, size_t n, const char **why)
{
    const char *ignored;
    return poll_vote(&fx_core, voter, poll_id, choices, n, why ? why : &ignored);
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

static int check(const char **options, size_t n, int64_t expires_in, const char **why)
{
    struct poll_new p = {.options = options,
                         .n_options = n,
                         .expires_in = expires_in,
                         .multiple = 0,
                         .hide_totals = 0};
    return poll_check(&fx_core, &p, why);
}

TEST(limits)
{
    const char *why = NULL;
    const char *one[] = {"alone"};
    const char *five[] = {"a", "b", "c", "d", "e"};
    const char *four[] = {"a", "b", "c", "d"};
    const char *same[] = {"x", "x"};
    const char *blank[] = {"x", "  "};
    char long51[52], wide50[101];
    memset(long51, 'a', 51);
    long51[51] = '\0';
    for (int i = 0; i < 50; i++)
        memcpy(wide50 + 2 * i, "\xc3\xa9", 2); /* 50 characters, 100 bytes */
    wide50[100] = '\0';
    const char *too_long[] = {long51, "b"};
    const char *wide[] = {wide50, "b"};
    CHECK_INT(check(two, 2, 300, &why), 0);
    CHECK_INT(check(four, 4, 300, &why), 0);
    CHECK_INT(check(wide, 2, 300, &why), 0);
    CHECK_INT(check(one, 1, 300, &why), E_INVAL);
    CHECK(why && strstr(why, "poll options"));
    CHECK_INT(check(five, 5, 300, &why), E_INVAL);
    CHECK_INT(check(too_long, 2, 300, &why), E_INVAL);
    CHECK_INT(check(same, 2, 300, &why), E_INVAL);
    CHECK_INT(check(blank, 2, 300, &why), E_INVAL);
    /* Durations: 5 minutes to a month by default; the minimum follows the configuration. */
    CHECK_INT(check(two, 2, 299, &why), E_INVAL);
    CHECK(why && strstr(why, "expires_in"));
    CHECK_INT(check(two, 2, 2629746, &why), 0);
    CHECK_INT(check(two, 2, 2629747, &why), E_INVAL);
    fx_core.min_poll_seconds = 10;
    CHECK_INT(check(two, 2, 10, &why), 0);
    CHECK_INT(check(two, 2, 9, &why), E_INVAL);
    CHECK_INT(poll_min_seconds(&fx_core), 10);
    fx_core.min_poll_seconds = 0;
    CHECK_INT(poll_min_seconds(&fx_core), 300);
    /* A post with a bad poll is not made at all. */
    struct poll_new bad = {
        .options = one, .n_options = 1, .expires_in = 300, .multiple = 0, .hide_totals = 0};
    struct status_new p = {.text = "poll?", .poll = &bad};
    int64_t id = 0;
    CHECK_INT(status_create(&fx_core, alice, &p, &id, &why), E_INVAL);
    CHECK_INT(id, 0);
}

TEST(hidden_totals)
{
    struct poll p = {.account_id = 7, .hide_totals = 1, .expires_at = 1000};
    CHECK_INT(poll_totals_hidden(&p, 8, 999), 1);  /* a voter, before the end */
    CHECK_INT(poll_totals_hidden(&p, 0, 999), 1);  /* a visitor */
    CHECK_INT(poll_totals_hidden(&p, 7, 999), 0);  /* the author */
    CHECK_INT(poll_totals_hidden(&p, 8, 1000), 0); /* ended */
    p.hide_totals = 0;
    CHECK_INT(poll_totals_hidden(&p, 8, 999), 0);
}

TEST(created_with_status)
{
    struct arena *a = arena_new();
    int64_t before = time_now_ms();
    int64_t st = post_poll(alice, VIS_PUBLIC, two, 2, 0, 0);
    struct poll *p = poll_of(a, st);
    CHECK(p != NULL);
    if (p) {
        CHECK_INT(p->status_id, st);
        CHECK_INT(p->account_id, alice);
        CHECK_INT(p->n_options, 2);
        CHECK_STR(p->options[0].title, "tea");
        CHECK_STR(p->options[1].title, "coffee");
        CHECK_INT(p->votes_count, 0);
        CHECK(p->expires_at >= before + 3600 * 1000 && p->expires_at <= time_now_ms() + 3600000);
        CHECK(!poll_expired(p, time_now_ms()));
        CHECK(poll_expired(p, p->expires_at));
    }
    /* A post without a poll has none; a check-only post stores nothing. */
    struct status_new plain = {.text = "just text"};
    const char *why;
    int64_t id = 0;
    CHECK_INT(status_create(&fx_core, alice, &plain, &id, &why), 0);
    CHECK(poll_of(a, id) == NULL);
    struct poll_new pn = {
        .options = two, .n_options = 2, .expires_in = 600, .multiple = 0, .hide_totals = 0};
    struct status_new dry = {.text = "dry run", .poll = &pn, .check_only = 1};
    int64_t none = 0;
    CHECK_INT(status_create(&fx_core, alice, &dry, &none, &why), 0);
    CHECK_INT(none, 0);
    arena_free(a);
}

TEST(voting)
{
    struct arena *a = arena_new();
    int64_t st = post_poll(alice, VIS_PUBLIC, two, 2, 0, 0);
    struct poll *p = poll_of(a, st);
    if (!p) {
        CHECK(p != NULL);
        arena_free(a);
        return;
    }
    const char *why = NULL;
    int c1[] = {1}, c0[] = {0}, both[] = {0, 1}, out[] = {2}, neg[] = {-1};
    CHECK_INT(vote(bob, p->id, c1, 1, &why), 0);
    /* Once only, on a single-choice poll, whatever the choice. */
    CHECK_INT(vote(bob, p->id, c0, 1, &why), E_INVAL);
    CHECK_STR(why, "You have already voted on this poll");
    CHECK_INT(vote(bob, p->id, c1, 1, &why), E_INVAL);
    /* Not on one's own poll; choices in range, one of them. */
    CHECK_INT(vote(alice, p->id, c0, 1, &why), E_INVAL);
    CHECK_INT(vote(carol, p->id, out, 1, &why), E_INVAL);
    CHECK_INT(vote(carol, p->id, neg, 1, &why), E_INVAL);
    CHECK_INT(vote(carol, p->id, both, 2, &why), E_INVAL);
    CHECK_INT(vote(carol, p->id, both, 0, &why), E_INVAL);
    /* A repeated choice counts once. */
    int twice[] = {0, 0};
    CHECK_INT(vote(carol, p->id, twice, 2, &why), 0);
    CHECK_INT(vote(dave, 123456789, c0, 1, &why), E_NOTFOUND);
    p = poll_of(a, st);
    CHECK_INT(p->options[0].votes_count, 1);
    CHECK_INT(p->options[1].votes_count, 1);
    CHECK_INT(p->votes_count, 2);
    CHECK_INT(p->voters_count, 2);
    struct db_conn *c;
    int *mine;
    size_t n = 0;
    db_acquire(fx_core.db, DB_READ, &c);
    CHECK_INT(poll_own_votes(c, a, p->id, bob, &mine, &n), 0);
    CHECK_INT(n, 1);
    CHECK_INT(n ? mine[0] : -1, 1);
    CHECK_INT(poll_own_votes(c, a, p->id, dave, &mine, &n), 0);
    CHECK_INT(n, 0);
    db_release(c);
    arena_free(a);
}

TEST(multiple_choice)
{
    struct arena *a = arena_new();
    const char *days[] = {"mon", "tue", "wed"};
    int64_t st = post_poll(alice, VIS_PUBLIC, days, 3, 1, 0);
    struct poll *p = poll_of(a, st);
    const char *why = NULL;
    int first[] = {0, 2}, again[] = {2, 1}, more[] = {1};
    CHECK_INT(vote(bob, p->id, first, 2, &why), 0);
    CHECK_INT(vote(bob, p->id, again, 2, &why), E_INVAL); /* 2 was chosen already */
    CHECK_INT(vote(bob, p->id, more, 1, &why), 0);
    CHECK_INT(vote(carol, p->id, more, 1, &why), 0);
    p = poll_of(a, st);
    CHECK_INT(p->votes_count, 4);
    CHECK_INT(p->voters_count, 2);
    CHECK_INT(p->options[1].votes_count, 2);
    CHECK(p->multiple);
    arena_free(a);
}

TEST(visibility_decides_who_votes)
{
    struct arena *a = arena_new();
    /* dave follows alice; carol does not. */
    enum follow_state state;
    struct follow_options opt = {0};
    CHECK_INT(follow_create(&fx_core, dave, alice, &opt, &state), 0);
    int64_t st = post_poll(alice, VIS_FOLLOWERS, two, 2, 0, 0);
    struct poll *p = poll_of(a, st);
    int c0[] = {0};
    const char *why = NULL;
    CHECK_INT(vote(carol, p->id, c0, 1, &why), E_NOTFOUND);
    CHECK_INT(vote(dave, p->id, c0, 1, &why), 0);
    /* Blocked: nothing to see, nothing to vote on. */
    int64_t pub = post_poll(alice, VIS_PUBLIC, two, 2, 0, 0);
    struct poll *pp = poll_of(a, pub);
    fx_exec("INSERT INTO blocks (id, account_id, target_account_id, created_at)"
            " SELECT 900001, a.id, b.id, 0 FROM accounts a, accounts b"
            " WHERE a.username = 'alice' AND b.username = 'carol'");
    CHECK_INT(vote(carol, pp->id, c0, 1, &why), E_NOTFOUND);
    fx_exec("DELETE FROM blocks WHERE id = 900001");
    arena_free(a);
}

TEST(edits)
{
    struct arena *a = arena_new();
    int64_t st = post_poll(alice, VIS_PUBLIC, two, 2, 0, 0);
    struct poll *p = poll_of(a, st);
    int64_t pid = p->id;
    int c0[] = {0};
    CHECK_INT(vote(bob, pid, c0, 1, NULL), 0);
    const char *why = NULL;
    /* Same choices, longer: the votes stay. */
    struct poll_new same = {
        .options = two, .n_options = 2, .expires_in = 7200, .multiple = 0, .hide_totals = 1};
    struct status_new e1 = {.text = "which one?", .poll = &same};
    CHECK_INT(status_edit(&fx_core, alice, st, &e1, &why), 0);
    p = poll_of(a, st);
    CHECK_INT(p->id, pid);
    CHECK_INT(p->votes_count, 1);
    CHECK(p->hide_totals);
    CHECK(p->expires_at > time_now_ms() + 7000 * 1000);
    /* Other choices: the votes go, and bob may vote again. */
    const char *other[] = {"tea", "water", "juice"};
    struct poll_new changed = {
        .options = other, .n_options = 3, .expires_in = 3600, .multiple = 0, .hide_totals = 0};
    struct status_new e2 = {.text = "which one?", .poll = &changed};
    CHECK_INT(status_edit(&fx_core, alice, st, &e2, &why), 0);
    p = poll_of(a, st);
    CHECK_INT(p->n_options, 3);
    CHECK_STR(p->options[2].title, "juice");
    CHECK_INT(p->votes_count, 0);
    CHECK_INT(p->voters_count, 0);
    CHECK_INT(vote(bob, pid, c0, 1, NULL), 0);
    /* A bad poll refuses the edit; no poll removes it. */
    const char *one[] = {"x"};
    struct poll_new bad = {
        .options = one, .n_options = 1, .expires_in = 3600, .multiple = 0, .hide_totals = 0};
    struct status_new e3 = {.text = "changed", .poll = &bad};
    CHECK_INT(status_edit(&fx_core, alice, st, &e3, &why), E_INVAL);
    CHECK(poll_of(a, st) != NULL);
    struct status_new e4 = {.text = "no poll"};
    CHECK_INT(status_edit(&fx_core, alice, st, &e4, &why), 0);
    CHECK(poll_of(a, st) == NULL);
    /* And an edit may add one. */
    struct status_new e5 = {.text = "poll again", .poll = &same};
    CHECK_INT(status_edit(&fx_core, alice, st, &e5, &why), 0);
    CHECK(poll_of(a, st) != NULL);
    arena_free(a);
}

TEST(end_notifies_author_and_voters_once)
{
    struct arena *a = arena_new();
    fx_exec("UPDATE polls SET closed_at = 1"); /* earlier tests' polls are not part of this */
    int64_t st = post_poll(carol, VIS_PUBLIC, two, 2, 0, 0);
    struct poll *p = poll_of(a, st);
    int c0[] = {0}, c1[] = {1};
    CHECK_INT(vote(alice, p->id, c0, 1, NULL), 0);
    CHECK_INT(vote(dave, p->id, c1, 1, NULL), 0);
    size_t before_carol = count_notifications(carol, NOTIFY_POLL);
    size_t before_alice = count_notifications(alice, NOTIFY_POLL);
    size_t before_bob = count_notifications(bob, NOTIFY_POLL);
    size_t closed = 99;
    CHECK_INT(poll_close_due(&fx_core, time_now_ms(), &closed), 0);
    CHECK_INT(closed, 0); /* not ended yet */
    CHECK_INT(count_notifications(carol, NOTIFY_POLL), before_carol);
    /* It ends: no more votes, everyone who took part is told. */
    fx_exec("UPDATE polls SET expires_at = 1000 WHERE closed_at IS NULL");
    const char *why = NULL;
    CHECK_INT(vote(bob, p->id, c0, 1, &why), E_INVAL);
    CHECK_STR(why, "The poll has already ended");
    CHECK_INT(poll_close_due(&fx_core, time_now_ms(), &closed), 0);
    CHECK_INT(closed, 1);
    CHECK_INT(count_notifications(carol, NOTIFY_POLL), before_carol + 1);
    CHECK_INT(count_notifications(alice, NOTIFY_POLL), before_alice + 1);
    CHECK_INT(count_notifications(dave, NOTIFY_POLL), 1);
    CHECK_INT(count_notifications(bob, NOTIFY_POLL), before_bob); /* did not vote */
    /* Once. */
    CHECK_INT(poll_close_due(&fx_core, time_now_ms(), &closed), 0);
    CHECK_INT(closed, 0);
    CHECK_INT(count_notifications(carol, NOTIFY_POLL), before_carol + 1);
    CHECK_INT(count_notifications(dave, NOTIFY_POLL), 1);
    /* The notification is from the author, about the status. */
    struct db_conn *c;
    struct notification *list;
    size_t n = 0;
    struct notification_query q = {.types = 1u << NOTIFY_POLL};
    db_acquire(fx_core.db, DB_READ, &c);
    CHECK_INT(notification_list(c, a, dave, &q, &list, &n), 0);
    db_release(c);
    CHECK_INT(n, 1);
    if (n) {
        CHECK_INT(list[0].from_account_id, carol);
        CHECK_INT(list[0].status_id, st);
    }
    /* A poll whose status is deleted closes quietly. */
    int64_t gone = post_poll(bob, VIS_PUBLIC, two, 2, 0, 0);
    CHECK_INT(status_delete(&fx_core, bob, gone), 0);
    CHECK(poll_of(a, gone) == NULL);
    arena_free(a);
}

/* Another server's poll: its choices beyond the local limit, its counts, its end, its updates. */
TEST(remote_counts)
{
    struct arena *a = arena_new();
    int64_t far = fx_remote("asker", "far.example");
    static const char *six[] = {"a", "b", "c", "d", "e", "f"};
    int64_t counts[] = {7, 5, 0, 0, 0, 2};
    int64_t ends = time_now_ms() + 3600 * 1000;
    struct poll_new pn = {.options = six,
                          .n_options = 6,
                          .remote = 1,
                          .ends_at = ends,
                          .counts = counts,
                          .voters_count = 14};
    struct remote_status rs = {.uri = "https://far.example/q/1",
                               .url = "https://far.example/q/1",
                               .account_id = far,
                               .visibility = VIS_PUBLIC,
                               .content = "<p>which?</p>",
                               .spoiler_text = "",
                               .object_type = "Question",
                               .created_at = time_now_ms() - 1000,
                               .poll = &pn};
    int64_t st = 0;
    CHECK_INT(remote_status_create(&fx_core, &rs, &st), 0);
    struct poll *p = poll_of(a, st);
    CHECK(p != NULL);
    if (!p)
        goto out;
    CHECK_INT(p->n_options, 6);
    CHECK_INT(p->options[0].votes_count, 7);
    CHECK_INT(p->options[5].votes_count, 2);
    CHECK_INT(p->votes_count, 14);
    CHECK_INT(p->voters_count, 14);
    CHECK_INT(p->expires_at, ends);
    /* A member votes for a choice past the fourth. */
    int last = 5;
    CHECK_INT(vote(dave, p->id, &last, 1, NULL), 0);
    /* The server sends new counts: they replace the stored ones, and it is not an edit. */
    int64_t later[] = {9, 6, 1, 0, 0, 3};
    pn.counts = later;
    pn.voters_count = 19;
    CHECK_INT(remote_status_update(&fx_core, &rs), 0);
    p = poll_of(a, st);
    CHECK_INT(p->options[0].votes_count, 9);
    CHECK_INT(p->options[5].votes_count, 3);
    CHECK_INT(p->voters_count, 19);
    struct db_conn *c;
    struct status *row = NULL;
    db_acquire(fx_core.db, DB_READ, &c);
    CHECK_INT(status_get(c, a, st, &row), 0);
    db_release(c);
    CHECK(row && row->edited_at == 0);
    CHECK(row && row->object_type && strcmp(row->object_type, "Question") == 0);
    /* It ended there: it has ended here, at that time; a poll without an end never ends. */
    pn.ends_at = time_now_ms() - 60 * 1000;
    CHECK_INT(remote_status_update(&fx_core, &rs), 0);
    p = poll_of(a, st);
    CHECK(poll_expired(p, time_now_ms()));
    CHECK_INT(p->expires_at, pn.ends_at);
    pn.ends_at = 0;
    CHECK_INT(remote_status_update(&fx_core, &rs), 0);
    p = poll_of(a, st);
    CHECK_INT(p->expires_at, 0);
    CHECK(!poll_expired(p, time_now_ms()));
out:
    arena_free(a);
}

int main(void)
{
    fx_open();
    alice = fx_user("alice");
    bob = fx_user("bob");
    carol = fx_user("carol");
    dave = fx_user("dave");
    RUN(limits);
    RUN(hidden_totals);
    RUN(created_with_status);
    RUN(voting);
    RUN(multiple_choice);
    RUN(visibility_decides_who_votes);
    RUN(edits);
    RUN(end_notifies_author_and_voters_once);
    RUN(remote_counts);
    fx_close();
    return t_done();
}
