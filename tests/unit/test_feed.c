/*
 * Unit tests for core/feed: the home timeline read from the feeds (above
 * each member's floor) must be exactly the home timeline read from the
 * statuses table, page after page, whatever happened before: posts of every
 * visibility, boosts with and without show_reblogs, follows, locked
 * accounts, unfollows, blocks, followed hashtags, trims past FEED_MAX and
 * backfills that raise the floor. And the stored account counts (core/stats) must equal
 * a recount after the same history, deletes and undone boosts included.
 */
#include <stdlib.h>
#include <string.h>

#include "core/feed.h"
#include "core/follow.h"
#include "core/status.h"
#include "core/tag.h"
#include "core/timeline.h"
#include "fixture.h"
#include "t.h"
#include "util/arena.h"
#include "util/err.h"

#define MEMBERS 5
#define LONG_LIST 4000

static int64_t members[MEMBERS];
static int64_t posts[LONG_LIST];
static size_t n_posts;

static int64_t post(int64_t author, enum status_visibility vis)
{
    static const char *texts[] = {"a post", "a post about #gardens", "on #bees and #gardens"};
    const char *why = NULL;
    int64_t id = 0;
    struct status_new p = {.text = texts[rand() % 3], .visibility = vis};
    if (status_create(&fx_core, author, &p, &id, &why) != 0)
        return 0;
    if (n_posts < LONG_LIST)
        posts[n_posts++] = id;
    return id;
}

static int64_t floor_of(int64_t account)
{
    struct db_conn *c;
    int64_t f = 0;
    db_acquire(fx_core.db, DB_READ, &c);
    feed_floor(c, account, &f);
    db_release(c);
    return f;
}

static void set_floor(int64_t account, int64_t floor)
{
    char sql[200];
    snprintf(sql, sizeof(sql),
             "DELETE FROM home_feed_floors WHERE account_id = %lld;"
             " INSERT INTO home_feed_floors VALUES (%lld, %lld)",
             (long long)account, (long long)account, (long long)floor);
    fx_exec(sql);
}

/* The whole home timeline, paged by max_id (or by min_id when asc), newest first. */
static size_t read_home(int64_t account, int asc, int64_t *out, size_t max)
{
    struct viewer v = {.kind = VIEWER_LOCAL, .account_id = account};
    size_t total = 0;
    struct page p = {.limit = 40, .min_id = asc ? 1 : 0};
    for (;;) {
        struct arena *a = arena_new();
        struct db_conn *c;
        int64_t *ids;
        size_t n = 0;
        db_acquire(fx_core.db, DB_READ, &c);
        int rc = timeline_home(c, a, &v, &p, &ids, &n);
        db_release(c);
        if (rc || n == 0) {
            arena_free(a);
            break;
        }
        if (asc) {
            /* A min_id page is newest first; the next page starts after its newest. */
            for (size_t i = 0; i < n && total < max; i++)
                out[total++] = ids[n - 1 - i];
            p.min_id = ids[0];
        } else {
            for (size_t i = 0; i < n && total < max; i++)
                out[total++] = ids[i];
            p.max_id = ids[n - 1];
        }
        arena_free(a);
        if (total >= max)
            break;
    }
    if (asc) {
        for (size_t k = 0; k < total / 2; k++) {
            int64_t t = out[k];
            out[k] = out[total - 1 - k];
            out[total - 1 - k] = t;
        }
    }
    return total;
}

/* Feed-backed home equals table-only home, paging both ways. */
static void check_same(int64_t account)
{
    static int64_t via_feed[LONG_LIST], via_table[LONG_LIST], asc[LONG_LIST];
    int64_t floor = floor_of(account);
    size_t nf = read_home(account, 0, via_feed, LONG_LIST);
    size_t na = read_home(account, 1, asc, LONG_LIST);
    set_floor(account, INT64_MAX - 1);
    size_t nt = read_home(account, 0, via_table, LONG_LIST);
    set_floor(account, floor);
    CHECK_INT(nf, nt);
    CHECK_INT(na, nt);
    size_t bad = 0;
    if (getenv("FEED_DEBUG") && nf != nt) {
        fprintf(stderr, "account %lld floor %lld\n", (long long)account, (long long)floor);
        for (size_t i = 0, j = 0; i < nt && j < 10; i++) {
            int found = 0;
            for (size_t k = 0; k < nf; k++)
                found |= via_feed[k] == via_table[i];
            if (!found) {
                struct db_conn *c;
                struct db_stmt *st;
                db_acquire(fx_core.db, DB_READ, &c);
                db_prepare(c,
                           "SELECT account_id, reblog_of_id IS NOT NULL, visibility, (SELECT"
                           " count(*) FROM home_feed WHERE status_id = s.id) FROM statuses s"
                           " WHERE id = ?",
                           &st);
                db_bind_i64(st, 1, via_table[i]);
                db_step(st);
                fprintf(stderr,
                        "  missing %lld (index %zu) author %lld boost %lld vis %lld feeds %lld\n",
                        (long long)via_table[i], i, (long long)db_col_i64(st, 0),
                        (long long)db_col_i64(st, 1), (long long)db_col_i64(st, 2),
                        (long long)db_col_i64(st, 3));
                db_stmt_done(st);
                db_release(c);
                j++;
            }
        }
    }
    for (size_t i = 0; i < nf && i < nt; i++)
        bad += via_feed[i] != via_table[i];
    for (size_t i = 0; i < na && i < nt; i++)
        bad += asc[i] != via_table[i];
    CHECK_INT(bad, 0);
}

static int follow(int64_t a, int64_t b, int hide_reblogs)
{
    enum follow_state st;
    struct follow_options o = {.hide_reblogs = hide_reblogs};
    return follow_create(&fx_core, a, b, &o, &st);
}

TEST(feed_matches_table_after_random_history)
{
    srand(7);
    for (int step = 0; step < 3000; step++) {
        int64_t who = members[rand() % MEMBERS], other = members[rand() % MEMBERS];
        int op = rand() % 100;
        if (op < 70) {
            post(who, (enum status_visibility)(rand() % 6));
        } else if (op < 78 && n_posts) {
            int64_t r;
            status_reblog(&fx_core, who, posts[rand() % n_posts], &r);
        } else if (op < 79 && n_posts) {
            status_unreblog(&fx_core, who, posts[rand() % n_posts]);
        } else if (op < 80 && n_posts) {
            size_t k = (size_t)rand() % n_posts;
            status_delete(&fx_core, who, posts[k]);
        } else if (op < 90) {
            follow(who, other, rand() % 4 == 0);
            follow_accept(&fx_core, other, who); /* locked accounts accept at once */
        } else if (op < 92) {
            struct arena *a = arena_new();
            if (rand() % 3)
                tag_follow(&fx_core, a, who, rand() % 2 ? "gardens" : "bees", NULL);
            else
                tag_unfollow(&fx_core, a, who, rand() % 2 ? "gardens" : "bees", NULL);
            arena_free(a);
        } else if (op < 97) {
            follow_remove(&fx_core, who, other);
        } else if (op < 99) {
            block_create(&fx_core, who, other);
        } else {
            block_remove(&fx_core, who, other);
        }
    }
    /* Last: a boosted post deleted by its author takes the boost from the booster's count. */
    block_remove(&fx_core, members[0], members[1]);
    block_remove(&fx_core, members[1], members[0]);
    int64_t boosted = post(members[0], VIS_PUBLIC), r = 0;
    CHECK_INT(status_reblog(&fx_core, members[1], boosted, &r), 0);
    CHECK_INT(status_delete(&fx_core, members[0], boosted), 0);
    for (int i = 0; i < MEMBERS; i++)
        check_same(members[i]);
}

TEST(stored_counts_equal_a_recount)
{
    struct db_conn *c;
    struct db_stmt *s;
    db_acquire(fx_core.db, DB_READ, &c);
    CHECK_INT(db_prepare(c,
                         "SELECT count(*) FROM accounts a LEFT JOIN account_stats st"
                         " ON st.account_id = a.id WHERE COALESCE(st.followers_count, 0) !="
                         " (SELECT count(*) FROM follows WHERE target_account_id = a.id"
                         " AND accepted = 1) OR COALESCE(st.following_count, 0) !="
                         " (SELECT count(*) FROM follows WHERE account_id = a.id AND accepted = 1)"
                         " OR COALESCE(st.statuses_count, 0) != (SELECT count(*) FROM statuses"
                         " WHERE account_id = a.id AND visibility IN (0, 1, 2)"
                         " AND deleted_at IS NULL)",
                         &s),
              0);
    CHECK(db_step(s) == DB_ROW);
    CHECK_INT(db_col_i64(s, 0), 0);
    db_stmt_done(s);
    db_prepare(c, "SELECT count(*) FROM account_stats WHERE statuses_count > 0", &s);
    db_step(s);
    CHECK_INT(db_col_i64(s, 0), MEMBERS);
    db_stmt_done(s);
    db_release(c);
}

TEST(trim_keeps_feeds_bounded_and_raises_the_floor)
{
    /* 3,000 steps of mostly posts among 5 members overflow FEED_MAX. */
    int raised = 0;
    for (int i = 0; i < MEMBERS; i++)
        raised += floor_of(members[i]) > 0;
    CHECK(raised > 0);
    struct db_conn *c;
    struct db_stmt *s;
    db_acquire(fx_core.db, DB_READ, &c);
    db_prepare(c, "SELECT MAX(n) FROM (SELECT count(*) AS n FROM home_feed GROUP BY account_id)",
               &s);
    CHECK(db_step(s) == DB_ROW);
    int64_t biggest = db_col_i64(s, 0);
    db_stmt_done(s);
    db_release(c);
    CHECK(biggest > 0);
    CHECK(biggest <= FEED_MAX + 200);
}

TEST(backfill_of_a_big_account_raises_the_floor)
{
    int64_t newcomer = fx_user("newcomer");
    int64_t prolific = fx_user("prolific");
    for (int i = 0; i < FEED_BACKFILL + 50; i++)
        post(prolific, VIS_PUBLIC);
    CHECK_INT(floor_of(newcomer), 0);
    CHECK_INT(follow(newcomer, prolific, 0), 0);
    CHECK(floor_of(newcomer) > 0);
    check_same(newcomer);
    /* Unfollowing empties the feed of her posts; home is then her own posts only. */
    CHECK_INT(follow_remove(&fx_core, newcomer, prolific), 0);
    check_same(newcomer);
    int64_t mine = post(newcomer, VIS_FOLLOWERS);
    int64_t got[4];
    CHECK_INT(read_home(newcomer, 0, got, 4), 1);
    CHECK_INT(got[0], mine);
}

TEST(a_new_post_reaches_followers_feeds_at_once)
{
    int64_t reader = fx_user("reader"), writer = fx_user("writer");
    CHECK_INT(follow(reader, writer, 0), 0);
    int64_t id = post(writer, VIS_FOLLOWERS);
    int64_t got[4];
    CHECK_INT(read_home(reader, 0, got, 4), 1);
    CHECK_INT(got[0], id);
    CHECK_INT(floor_of(reader), 0);
}

int main(void)
{
    fx_open();
    const char *names[MEMBERS] = {"ann", "ben", "cat", "dan", "eve"};
    for (int i = 0; i < MEMBERS; i++)
        members[i] = fx_user(names[i]);
    fx_exec("UPDATE accounts SET locked = 1 WHERE username = 'dan'");
    RUN(feed_matches_table_after_random_history);
    RUN(stored_counts_equal_a_recount);
    RUN(trim_keeps_feeds_bounded_and_raises_the_floor);
    RUN(backfill_of_a_big_account_raises_the_floor);
    RUN(a_new_post_reaches_followers_feeds_at_once);
    fx_close();
    return t_done();
}
