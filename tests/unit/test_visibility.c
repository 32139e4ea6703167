/*
 * Unit tests for core/visibility: every level against every kind of
 * viewer, through the database rule and the SQL predicate, which must agree.
 */
#include <string.h>

#include "core/follow.h"
#include "core/status.h"
#include "core/visibility.h"
#include "fixture.h"
#include "t.h"
#include "util/arena.h"
#include "util/err.h"

enum { N_LEVELS = 6 };

struct who {
    const char *name;
    struct viewer v;
    /* Expected access to alice's post at each level: public, unlisted, followers,
     * direct, local, neighborhood. */
    int expect[N_LEVELS];
};

static int64_t posts[N_LEVELS];

static int sql_sees(const struct viewer *v, int64_t status_id)
{
    struct arena *a = arena_new();
    struct db_conn *c;
    struct db_stmt *s;
    db_acquire(fx_core.db, DB_READ, &c);
    const char *sql = arena_printf(a, "SELECT s.id FROM statuses s WHERE %s AND s.id = ?",
                                   visibility_sql(a, v, "s"));
    int seen = -1;
    if (db_prepare(c, sql, &s) == 0) {
        int i = visibility_sql_bind(s, 1, v);
        db_bind_i64(s, i, status_id);
        seen = db_step(s) == DB_ROW;
        db_stmt_done(s);
    }
    db_release(c);
    arena_free(a);
    return seen;
}

static int rule_sees(const struct viewer *v, int64_t status_id)
{
    struct db_conn *c;
    db_acquire(fx_core.db, DB_READ, &c);
    int r = visibility_may_see(c, v, status_id);
    db_release(c);
    return r;
}

TEST(every_level_every_viewer)
{
    struct core *core = &fx_core;
    int64_t alice = fx_user("alice");
    int64_t bob = fx_user("bob");         /* accepted follower */
    int64_t carol = fx_user("carol");     /* pending follower */
    int64_t dave = fx_user("dave");       /* member, not following */
    int64_t erin = fx_user("erin");       /* mentioned */
    int64_t mallory = fx_user("mallory"); /* blocked by alice, though following */
    int64_t rf = fx_remote("rf", "r.test");
    int64_t rn = fx_remote("rn", "r.test");
    int64_t nb = fx_remote("nb", "n.test");
    fx_exec("INSERT INTO neighborhood_servers (domain, created_at) VALUES ('n.test', 0)");
    enum follow_state st;
    CHECK_INT(follow_create(core, bob, alice, NULL, &st), 0);
    CHECK_INT(st, FOLLOW_ACCEPTED);
    CHECK_INT(follow_create(core, rf, alice, NULL, &st), 0);
    CHECK_INT(follow_create(core, mallory, alice, NULL, &st), 0);
    fx_exec("UPDATE accounts SET locked = 1 WHERE username = 'alice'");
    CHECK_INT(follow_create(core, carol, alice, NULL, &st), 0);
    CHECK_INT(st, FOLLOW_PENDING);
    CHECK_INT(block_create(core, alice, mallory), 0);
    for (int level = 0; level < N_LEVELS; level++) {
        const char *why = NULL;
        struct status_new p = {.text = "hello @erin and friends", .visibility = level};
        CHECK_INT(status_create(core, alice, &p, &posts[level], &why), 0);
    }
    struct who viewers[] = {
        {"anonymous", {VIEWER_ANONYMOUS, 0, NULL}, {1, 1, 0, 0, 0, 0}},
        {"author", {VIEWER_LOCAL, alice, NULL}, {1, 1, 1, 1, 1, 1}},
        {"follower", {VIEWER_LOCAL, bob, NULL}, {1, 1, 1, 0, 1, 1}},
        {"pending", {VIEWER_LOCAL, carol, NULL}, {1, 1, 0, 0, 1, 1}},
        {"member", {VIEWER_LOCAL, dave, NULL}, {1, 1, 0, 0, 1, 1}},
        {"mentioned", {VIEWER_LOCAL, erin, NULL}, {1, 1, 1, 1, 1, 1}},
        {"blocked", {VIEWER_LOCAL, mallory, NULL}, {0, 0, 0, 0, 0, 0}},
        {"remote follower", {VIEWER_REMOTE, rf, "r.test"}, {1, 1, 1, 0, 0, 0}},
        {"remote stranger", {VIEWER_REMOTE, rn, "r.test"}, {1, 1, 0, 0, 0, 0}},
        {"neighbor account", {VIEWER_REMOTE, nb, "n.test"}, {1, 1, 0, 0, 0, 1}},
        {"neighbor server", {VIEWER_SERVER, 0, "n.test"}, {1, 1, 0, 0, 0, 1}},
        {"other server", {VIEWER_SERVER, 0, "x.test"}, {1, 1, 0, 0, 0, 0}},
    };
    for (size_t w = 0; w < sizeof(viewers) / sizeof(viewers[0]); w++) {
        for (int level = 0; level < N_LEVELS; level++) {
            int rule = rule_sees(&viewers[w].v, posts[level]);
            int sql = sql_sees(&viewers[w].v, posts[level]);
            if (rule != viewers[w].expect[level] || sql != viewers[w].expect[level]) {
                fprintf(stderr, "  %s on %s: rule %d, sql %d, expected %d\n", viewers[w].name,
                        visibility_name(level), rule, sql, viewers[w].expect[level]);
                t_cur_failed = 1;
            }
        }
    }
}

TEST(remote_neighborhood_post_only_for_members_here)
{
    /* A neighborhood post that arrived from another server: members here, nobody else. */
    fx_exec("INSERT INTO statuses (id, account_id, uri, local, visibility, content, created_at)"
            " SELECT 42, id, 'https://n.test/s/42', 0, 5, '<p>hi</p>', 0 FROM accounts"
            " WHERE username = 'nb'");
    struct db_conn *c;
    struct arena *a = arena_new();
    db_acquire(fx_core.db, DB_READ, &c);
    struct account *dave, *rn, *nb;
    CHECK_INT(account_find_local(c, a, "dave", &dave), 0);
    CHECK_INT(account_find(c, a, "rn", "r.test", "a.test", &rn), 0);
    CHECK_INT(account_find(c, a, "nb", "n.test", "a.test", &nb), 0);
    db_release(c);
    struct viewer member = {VIEWER_LOCAL, dave->id, NULL};
    struct viewer author = {VIEWER_REMOTE, nb->id, "n.test"};
    struct viewer stranger = {VIEWER_REMOTE, rn->id, "r.test"};
    struct viewer server = {VIEWER_SERVER, 0, "n.test"};
    struct viewer anon = {VIEWER_ANONYMOUS, 0, NULL};
    CHECK_INT(rule_sees(&member, 42), 1);
    CHECK_INT(sql_sees(&member, 42), 1);
    CHECK_INT(rule_sees(&author, 42), 1);
    CHECK_INT(sql_sees(&author, 42), 1);
    CHECK_INT(rule_sees(&stranger, 42), 0);
    CHECK_INT(sql_sees(&stranger, 42), 0);
    CHECK_INT(rule_sees(&server, 42), 0);
    CHECK_INT(sql_sees(&server, 42), 0);
    CHECK_INT(rule_sees(&anon, 42), 0);
    CHECK_INT(sql_sees(&anon, 42), 0);
    arena_free(a);
}

TEST(boosts_follow_the_original)
{
    struct db_conn *c;
    struct arena *a = arena_new();
    db_acquire(fx_core.db, DB_READ, &c);
    struct account *bob, *dave;
    account_find_local(c, a, "bob", &bob);
    account_find_local(c, a, "dave", &dave);
    db_release(c);
    int64_t boost = 0;
    /* bob boosts alice's public post: anonymous visitors see the boost. */
    CHECK_INT(status_reblog(&fx_core, bob->id, posts[VIS_PUBLIC], &boost), 0);
    struct viewer anon = {VIEWER_ANONYMOUS, 0, NULL};
    CHECK_INT(rule_sees(&anon, boost), 1);
    /* Followers-only and direct posts of others cannot be boosted. */
    int64_t none = 0;
    CHECK_INT(status_reblog(&fx_core, bob->id, posts[VIS_FOLLOWERS], &none), E_FORBIDDEN);
    CHECK_INT(status_reblog(&fx_core, dave->id, posts[VIS_FOLLOWERS], &none), E_NOTFOUND);
    CHECK_INT(status_reblog(&fx_core, bob->id, posts[VIS_DIRECT], &none), E_NOTFOUND);
    /* A boost of a local-only post stays local-only. */
    int64_t local_boost = 0;
    CHECK_INT(status_reblog(&fx_core, bob->id, posts[VIS_LOCAL], &local_boost), 0);
    CHECK_INT(rule_sees(&anon, local_boost), 0);
    struct viewer member = {VIEWER_LOCAL, dave->id, NULL};
    CHECK_INT(rule_sees(&member, local_boost), 1);
    arena_free(a);
}

TEST(pure_rule_table)
{
    struct visibility_facts f;
    memset(&f, 0, sizeof(f));
    f.visibility = VIS_LOCAL;
    f.viewer = VIEWER_REMOTE;
    f.follows_author = 1;
    f.is_mentioned = 1;
    CHECK_INT(visibility_decide(&f), 0); /* local never leaves, even to a mentioned follower */
    f.visibility = VIS_NEIGHBORHOOD;
    f.viewer_neighbor = 1;
    f.status_local = 1;
    CHECK_INT(visibility_decide(&f), 1);
    f.blocked = 1;
    CHECK_INT(visibility_decide(&f), 0);
    enum status_visibility v;
    CHECK_INT(visibility_parse("private", &v), 0);
    CHECK_INT(v, VIS_FOLLOWERS);
    CHECK_INT(visibility_parse("neighborhood", &v), 0);
    CHECK_INT(v, VIS_NEIGHBORHOOD);
    CHECK_INT(visibility_parse("everyone", &v), E_INVAL);
    CHECK_STR(visibility_name(VIS_LOCAL), "local");
}

int main(void)
{
    fx_open();
    RUN(every_level_every_viewer);
    RUN(remote_neighborhood_post_only_for_members_here);
    RUN(boosts_follow_the_original);
    RUN(pure_rule_table);
    fx_close();
    return t_done();
}
