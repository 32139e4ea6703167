/*
 * test_search: search over accounts, hashtags and posts, hashtag pages and
 * followed hashtags, on an in-memory database.
 */
#include "t.h"

#include "fixture.h"

#include <string.h>

#include "core/follow.h"
#include "core/search.h"
#include "core/status.h"
#include "core/tag.h"
#include "core/timeline.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/limits.h"

static struct arena *ar;
static int64_t alice, bob, carol, dave, zoe, remote_bob;

static int64_t post(int64_t author, const char *text, enum status_visibility vis)
{
    struct status_new p = {.text = text, .visibility = vis};
    int64_t id = 0;
    const char *why = NULL;
    if (status_create(&fx_core, author, &p, &id, &why) != 0) {
        fprintf(stderr, "cannot post: %s\n", why ? why : "?");
        exit(1);
    }
    return id;
}

static struct viewer as(int64_t account)
{
    struct viewer v = {account ? VIEWER_LOCAL : VIEWER_ANONYMOUS, account, NULL};
    return v;
}

/* Runs a search of one type as viewer; returns the rc, results in *r. */
static int find(int64_t viewer, unsigned types, const char *q, struct search_results *r)
{
    struct search_query sq = {.q = q, .types = types};
    struct viewer v = as(viewer);
    struct db_conn *c;
    const char *why = NULL;
    db_acquire(fx_core.db, DB_READ, &c);
    int rc = search_run(c, ar, &fx_core, &v, &sq, r, &why);
    db_release(c);
    return rc;
}

/* 1 when viewer finds the status by searching q. */
static int finds_status(int64_t viewer, const char *q, int64_t id)
{
    struct search_results r;
    if (find(viewer, SEARCH_STATUSES, q, &r) != 0)
        return -1;
    for (size_t i = 0; i < r.n_statuses; i++)
        if (r.statuses[i] == id)
            return 1;
    return 0;
}

static size_t count_statuses(int64_t viewer, const char *q)
{
    struct search_results r;
    if (find(viewer, SEARCH_STATUSES, q, &r) != 0)
        return (size_t)-1;
    return r.n_statuses;
}

static void setup(void)
{
    fx_open();
    ar = arena_new();
    alice = fx_user("alice");
    bob = fx_user("bob");
    carol = fx_user("carol");
    dave = fx_user("dave");
    zoe = fx_user("zoe");
    remote_bob = fx_remote("bob", "b.test");
    fx_exec("UPDATE accounts SET display_name = 'Zoë Wonderland' WHERE username = 'zoe'");
    fx_exec("UPDATE accounts SET display_name = 'Bobby Remote' WHERE domain = 'b.test'");
    enum follow_state st;
    follow_create(&fx_core, bob, alice, NULL, &st); /* bob follows alice */
    follow_create(&fx_core, alice, remote_bob, NULL, &st);
    follow_accept(&fx_core, remote_bob, alice);
}

TEST(visibility_decides_what_is_found)
{
    int64_t pub = post(alice, "Sourdough starters are alive", VIS_PUBLIC);
    int64_t fol = post(alice, "Sourdough for followers only", VIS_FOLLOWERS);
    int64_t dir = post(alice, "@carol secret sourdough recipe", VIS_DIRECT);
    int64_t loc = post(alice, "Sourdough swap at the library", VIS_LOCAL);

    /* Public: every member. */
    CHECK_INT(finds_status(dave, "sourdough", pub), 1);
    CHECK_INT(finds_status(bob, "SOURDOUGH", pub), 1);
    /* Followers-only: the follower and the author, not others. */
    CHECK_INT(finds_status(bob, "sourdough", fol), 1);
    CHECK_INT(finds_status(alice, "sourdough", fol), 1);
    CHECK_INT(finds_status(dave, "sourdough", fol), 0);
    CHECK_INT(finds_status(carol, "sourdough", fol), 0);
    /* Direct: its participants only. */
    CHECK_INT(finds_status(carol, "sourdough", dir), 1);
    CHECK_INT(finds_status(alice, "sourdough", dir), 1);
    CHECK_INT(finds_status(bob, "sourdough", dir), 0);
    CHECK_INT(finds_status(dave, "secret", dir), 0);
    /* Local-only: members, never anonymous visitors; anonymous find no posts at all. */
    CHECK_INT(finds_status(dave, "library", loc), 1);
    CHECK_INT(finds_status(0, "library", loc), 0);
    CHECK_INT(count_statuses(0, "sourdough"), 0);
    /* Every word must be there. */
    CHECK_INT(finds_status(dave, "sourdough alive", pub), 1);
    CHECK_INT(finds_status(dave, "sourdough dead", pub), 0);
    /* A blocked member finds nothing of the blocker's. */
    CHECK_INT(block_create(&fx_core, alice, dave), 0);
    CHECK_INT(finds_status(dave, "sourdough", pub), 0);
    CHECK_INT(block_remove(&fx_core, alice, dave), 0);
}

TEST(index_follows_edits_and_deletes)
{
    int64_t id = post(bob, "Kombucha brewing notes", VIS_PUBLIC);
    CHECK_INT(finds_status(dave, "kombucha", id), 1);
    struct status_new edit = {
        .text = "Kefir brewing notes", .visibility = VIS_PUBLIC, .spoiler_text = "fermentation"};
    const char *why = NULL;
    CHECK_INT(status_edit(&fx_core, bob, id, &edit, &why), 0);
    CHECK_INT(finds_status(dave, "kombucha", id), 0);
    CHECK_INT(finds_status(dave, "kefir", id), 1);
    /* The content warning is searched too. */
    CHECK_INT(finds_status(dave, "fermentation", id), 1);
    /* Accents and case are folded. */
    int64_t cafe = post(bob, "Le Café Müller opens", VIS_PUBLIC);
    CHECK_INT(finds_status(dave, "cafe muller", cafe), 1);
    /* A deleted post leaves the index (a soft delete, then a real one). */
    CHECK_INT(status_delete(&fx_core, bob, id), 0);
    CHECK_INT(finds_status(dave, "kefir", id), 0);
    CHECK_INT(finds_status(bob, "kefir", id), 0);
    fx_exec("DELETE FROM statuses WHERE text LIKE 'Le Caf%'");
    CHECK_INT(finds_status(dave, "cafe", cafe), 0);
    /* Boosts are not indexed twice: the original is found once. */
    int64_t orig = post(carol, "Zucchini glut again", VIS_PUBLIC);
    int64_t boost = 0;
    CHECK_INT(status_reblog(&fx_core, dave, orig, &boost), 0);
    CHECK_INT(count_statuses(dave, "zucchini"), 1);
}

TEST(hostile_queries_are_plain_words)
{
    int64_t id = post(carol, "NEAR the river: a OR b, \"quoted\" * stars", VIS_PUBLIC);
    const char *queries[] = {"\"",  "*",     "NEAR(",    "a OR",      "\"quoted", "a AND OR NOT",
                             "(((", "x:y",   "^start",   "col:river", "\"\"\"\"", "-river",
                             "+",   "a* b*", "NEAR(a b", "{a b}",     "'",        "\\"};
    for (size_t i = 0; i < sizeof(queries) / sizeof(queries[0]); i++) {
        struct search_results r;
        CHECK_INT(find(dave, SEARCH_ALL, queries[i], &r), 0);
    }
    /* The words of a hostile query still match as words. */
    CHECK_INT(finds_status(dave, "NEAR(", id), 1);
    CHECK_INT(finds_status(dave, "a OR", id), 1);
    CHECK_INT(finds_status(dave, "\"quoted\"", id), 1);
    CHECK_INT(finds_status(dave, "river:", id), 1);
    /* Too long, blank or not UTF-8: refused, not failed. */
    char big[2001];
    memset(big, 'a', 2000);
    big[2000] = '\0';
    struct search_results r;
    CHECK_INT(find(dave, SEARCH_ALL, big, &r), E_INVAL);
    CHECK_INT(find(dave, SEARCH_ALL, "   ", &r), E_INVAL);
    CHECK_INT(find(dave, SEARCH_ALL, "\xff\xfe", &r), E_INVAL);
    /* Many words: the first ones are used, no failure. */
    char many[SEARCH_QUERY_MAX_BYTES];
    size_t o = 0;
    while (o + 3 < sizeof(many)) {
        memcpy(many + o, "ab ", 3);
        o += 3;
    }
    many[o] = '\0';
    CHECK_INT(find(dave, SEARCH_ALL, many, &r), 0);
}

TEST(accounts_ranked)
{
    struct search_results r;
    /* "bob": the exact local acct first, then the followed-or-not rest. */
    CHECK_INT(find(alice, SEARCH_ACCOUNTS, "bob", &r), 0);
    CHECK_INT(r.n_accounts, 2);
    CHECK_INT(r.accounts[0], bob);
    CHECK_INT(r.accounts[1], remote_bob);
    /* The remote acct exactly: it comes first. */
    CHECK_INT(find(dave, SEARCH_ACCOUNTS, "@bob@b.test", &r), 0);
    CHECK(r.n_accounts >= 1);
    CHECK_INT(r.accounts[0], remote_bob);
    /* Our own domain is the local account. */
    CHECK_INT(find(dave, SEARCH_ACCOUNTS, "bob@a.test", &r), 0);
    CHECK(r.n_accounts >= 1);
    CHECK_INT(r.n_accounts ? r.accounts[0] : 0, bob);
    /* Followed accounts before others: alice follows remote bob. */
    CHECK_INT(find(alice, SEARCH_ACCOUNTS, "bo", &r), 0);
    CHECK_INT(r.n_accounts, 2);
    CHECK_INT(r.accounts[0], remote_bob);
    /* following=true keeps only followed accounts. */
    struct search_query sq = {.q = "bo", .following = 1};
    struct viewer v = as(alice);
    struct db_conn *c;
    int64_t *ids;
    size_t n;
    db_acquire(fx_core.db, DB_READ, &c);
    CHECK_INT(search_accounts(c, ar, &fx_core, &v, &sq, &ids, &n), 0);
    CHECK_INT(n, 1);
    CHECK_INT(ids[0], remote_bob);
    /* offset skips. */
    sq.following = 0;
    sq.offset = 1;
    CHECK_INT(search_accounts(c, ar, &fx_core, &v, &sq, &ids, &n), 0);
    CHECK_INT(n, 1);
    db_release(c);
    /* Display-name word prefixes, accents folded. */
    CHECK_INT(find(dave, SEARCH_ACCOUNTS, "wonder", &r), 0);
    CHECK_INT(r.n_accounts, 1);
    CHECK_INT(r.accounts[0], zoe);
    CHECK_INT(find(dave, SEARCH_ACCOUNTS, "zoe won", &r), 0);
    CHECK_INT(r.n_accounts, 1);
    /* A renamed account is found under its new name only. */
    fx_exec("UPDATE accounts SET display_name = 'Zed' WHERE username = 'zoe'");
    CHECK_INT(find(dave, SEARCH_ACCOUNTS, "wonder", &r), 0);
    CHECK_INT(r.n_accounts, 0);
    /* Suspended accounts are not found. */
    fx_exec("UPDATE accounts SET suspended_at = 1 WHERE username = 'zoe'");
    CHECK_INT(find(dave, SEARCH_ACCOUNTS, "zoe", &r), 0);
    CHECK_INT(r.n_accounts, 0);
}

TEST(resolve_finds_known_urls_only)
{
    int64_t id = post(alice, "A post with an address", VIS_PUBLIC);
    char url[256];
    struct search_query sq = {.q = url, .resolve = 1};
    struct viewer v = as(dave);
    struct search_results r;
    const char *why = NULL;
    struct db_conn *c;
    db_acquire(fx_core.db, DB_READ, &c);
    snprintf(url, sizeof(url), "https://a.test/@alice/%lld", (long long)id);
    CHECK_INT(search_run(c, ar, &fx_core, &v, &sq, &r, &why), 0);
    CHECK_INT(r.n_statuses, 1);
    CHECK_INT(r.statuses[0], id);
    CHECK_INT(r.n_accounts, 0);
    snprintf(url, sizeof(url), "https://a.test/users/alice");
    CHECK_INT(search_run(c, ar, &fx_core, &v, &sq, &r, &why), 0);
    CHECK_INT(r.n_accounts, 1);
    CHECK_INT(r.accounts[0], alice);
    snprintf(url, sizeof(url), "https://elsewhere.test/@nobody/1");
    CHECK_INT(search_run(c, ar, &fx_core, &v, &sq, &r, &why), 0);
    CHECK_INT(r.n_accounts + r.n_statuses + r.n_hashtags, 0);
    db_release(c);
}

TEST(hashtags_follow_and_home)
{
    int64_t p1 = post(carol, "Sowing #Tomatoes today", VIS_PUBLIC);
    post(carol, "More #tomatoes and #tomato", VIS_PUBLIC);
    int64_t hidden = post(carol, "Followers see #tomatoes", VIS_FOLLOWERS);
    struct search_results r;
    CHECK_INT(find(0, SEARCH_HASHTAGS, "#toma", &r), 0);
    CHECK_INT(r.n_hashtags, 2);
    CHECK_STR(r.hashtags[0].name, "tomato");
    CHECK_INT(find(0, SEARCH_HASHTAGS, "TOMATOES", &r), 0);
    CHECK_INT(r.n_hashtags, 1);
    CHECK_STR(r.hashtags[0].name, "tomatoes");
    /* Today's use: two public posts by one account (followers-only posts don't count). */
    CHECK_INT(r.hashtags[0].history[0].uses, 2);
    CHECK_INT(r.hashtags[0].history[0].accounts, 1);
    CHECK_INT(r.hashtags[0].history[1].uses, 0);
    CHECK(r.hashtags[0].history[0].day > r.hashtags[0].history[1].day);

    /* dave follows #Tomatoes (any case); carol's public post reaches his home. */
    struct tag *t = NULL;
    CHECK_INT(tag_follow(&fx_core, ar, dave, "Tomatoes", &t), 0);
    CHECK(t && t->following && !strcmp(t->name, "tomatoes"));
    CHECK_INT(tag_follow(&fx_core, ar, dave, "#tomatoes", NULL), 0); /* idempotent */
    struct viewer v = as(dave);
    struct page pg = {0};
    int64_t *ids;
    size_t n;
    struct db_conn *c;
    db_acquire(fx_core.db, DB_READ, &c);
    CHECK_INT(timeline_home(c, ar, &v, &pg, &ids, &n), 0);
    int seen = 0, seen_hidden = 0;
    for (size_t i = 0; i < n; i++) {
        seen += ids[i] == p1;
        seen_hidden += ids[i] == hidden;
    }
    CHECK_INT(seen, 1);
    CHECK_INT(seen_hidden, 0);
    /* The home stream agrees. */
    CHECK_INT(tag_home_fits(c, dave, p1), 1);
    CHECK_INT(tag_home_fits(c, dave, hidden), 0);
    CHECK_INT(tag_home_fits(c, bob, p1), 0);
    /* The followed list, and the tag as dave sees it. */
    struct tag *list;
    int64_t *pids;
    CHECK_INT(tag_followed(c, ar, dave, &pg, &list, &pids, &n), 0);
    CHECK_INT(n, 1);
    CHECK_STR(list[0].name, "tomatoes");
    CHECK_INT(list[0].history[0].uses, 2);
    CHECK_INT(tag_get(c, ar, dave, "TOMATOES", &t), 0);
    CHECK_INT(t->following, 1);
    CHECK_INT(tag_get(c, ar, bob, "tomatoes", &t), 0);
    CHECK_INT(t->following, 0);
    /* A valid name nobody used: id 0; an invalid one: not found. */
    CHECK_INT(tag_get(c, ar, dave, "neverused", &t), 0);
    CHECK_INT(t->id, 0);
    CHECK_INT(tag_get(c, ar, dave, "no way", &t), E_NOTFOUND);
    CHECK_INT(tag_get(c, ar, dave, "123", &t), E_NOTFOUND);
    CHECK_INT(tag_get(c, ar, dave, "", &t), E_NOTFOUND);
    db_release(c);

    /* Following a tag nobody used stores it. */
    CHECK_INT(tag_follow(&fx_core, ar, dave, "brandnew", &t), 0);
    CHECK(t->id != 0);
    CHECK_INT(tag_follow(&fx_core, ar, dave, "not a tag", &t), E_NOTFOUND);

    /* Unfollowed: the post leaves dave's home. */
    CHECK_INT(tag_unfollow(&fx_core, ar, dave, "TOMATOES", &t), 0);
    CHECK_INT(t->following, 0);
    CHECK_INT(tag_unfollow(&fx_core, ar, dave, "tomatoes", NULL), 0);
    db_acquire(fx_core.db, DB_READ, &c);
    CHECK_INT(timeline_home(c, ar, &v, &pg, &ids, &n), 0);
    seen = 0;
    for (size_t i = 0; i < n; i++)
        seen += ids[i] == p1;
    CHECK_INT(seen, 0);
    CHECK_INT(tag_followed(c, ar, dave, &pg, &list, &pids, &n), 0);
    CHECK_INT(n, 1);
    CHECK_STR(list[0].name, "brandnew");
    db_release(c);
}

TEST(statuses_paging)
{
    int64_t ids[5];
    for (int i = 0; i < 5; i++)
        ids[i] = post(dave, "Paging pumpkin post", VIS_PUBLIC);
    struct search_query sq = {.q = "pumpkin", .types = SEARCH_STATUSES, .limit = 2};
    struct viewer v = as(dave);
    struct search_results r;
    const char *why = NULL;
    struct db_conn *c;
    db_acquire(fx_core.db, DB_READ, &c);
    CHECK_INT(search_run(c, ar, &fx_core, &v, &sq, &r, &why), 0);
    CHECK_INT(r.n_statuses, 2);
    CHECK_INT(r.statuses[0], ids[4]);
    CHECK_INT(r.statuses[1], ids[3]);
    sq.max_id = ids[3];
    CHECK_INT(search_run(c, ar, &fx_core, &v, &sq, &r, &why), 0);
    CHECK_INT(r.n_statuses, 2);
    CHECK_INT(r.statuses[0], ids[2]);
    sq.max_id = 0;
    sq.min_id = ids[0];
    CHECK_INT(search_run(c, ar, &fx_core, &v, &sq, &r, &why), 0);
    CHECK_INT(r.n_statuses, 2);
    CHECK_INT(r.statuses[0], ids[2]);
    CHECK_INT(r.statuses[1], ids[1]);
    sq.min_id = 0;
    sq.offset = 4;
    CHECK_INT(search_run(c, ar, &fx_core, &v, &sq, &r, &why), 0);
    CHECK_INT(r.n_statuses, 1);
    CHECK_INT(r.statuses[0], ids[0]);
    /* By one account only. */
    sq.offset = 0;
    sq.account_id = alice;
    CHECK_INT(search_run(c, ar, &fx_core, &v, &sq, &r, &why), 0);
    CHECK_INT(r.n_statuses, 0);
    db_release(c);
}

int main(void)
{
    setup();
    RUN(visibility_decides_what_is_found);
    RUN(index_follows_edits_and_deletes);
    RUN(hostile_queries_are_plain_words);
    RUN(accounts_ranked);
    RUN(resolve_finds_known_urls_only);
    RUN(hashtags_follow_and_home);
    RUN(statuses_paging);
    arena_free(ar);
    fx_close();
    return t_done();
}
