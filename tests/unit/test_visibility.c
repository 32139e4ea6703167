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
#include "util/id.h"

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
    /* The batch form must agree, wherever the status sits in a list. */
    int64_t ids[DB_IN_WIDTH + 3];
    int visible[DB_IN_WIDTH + 3];
    for (size_t k = 0; k < DB_IN_WIDTH + 3; k++)
        ids[k] = k % 7 == 3 ? status_id : (int64_t)k + 1000000;
    if (visibility_filter(c, a, v, ids, DB_IN_WIDTH + 3, visible) != 0)
        seen = -2;
    for (size_t k = 0; k < DB_IN_WIDTH + 3; k++)
        if (visible[k] != (ids[k] == status_id ? seen : 0))
            seen = -3;
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

TEST(viewer_for_an_account)
{
    struct arena *a = arena_new();
    struct db_conn *c;
    struct viewer v;
    int64_t member = fx_user("vmember");
    int64_t far = fx_remote("vfar", "Far.test");
    db_acquire(fx_core.db, DB_READ, &c);
    CHECK_INT(visibility_viewer_for(c, a, member, &v), 0);
    CHECK(v.kind == VIEWER_LOCAL && v.account_id == member && v.domain == NULL);
    CHECK_INT(visibility_viewer_for(c, a, far, &v), 0);
    CHECK(v.kind == VIEWER_REMOTE && v.account_id == far);
    CHECK_STR(v.domain, "far.test");
    CHECK_INT(visibility_viewer_for(c, a, 987654321, &v), E_NOTFOUND);
    db_release(c);
    arena_free(a);
}

/*
 * The matrix: every combination of facts that the database can hold is
 * built as real rows (a fresh viewer and a fresh status each), and the pure
 * rule, the database rule and the SQL predicate must give the same answer.
 */
static int64_t mx_account(const char *domain)
{
    char sql[512];
    int64_t id = id_next();
    if (domain)
        snprintf(
            sql, sizeof(sql),
            "INSERT INTO accounts (id, username, domain, acct_key, uri, created_at, updated_at)"
            " VALUES (%lld, 'm%lld', '%s', 'm%lld@%s', 'https://%s/m/%lld', 0, 0)",
            (long long)id, (long long)id, domain, (long long)id, domain, domain, (long long)id);
    else
        snprintf(sql, sizeof(sql),
                 "INSERT INTO accounts (id, username, acct_key, uri, created_at, updated_at)"
                 " VALUES (%lld, 'm%lld', 'm%lld', 'https://a.test/users/m%lld', 0, 0)",
                 (long long)id, (long long)id, (long long)id, (long long)id);
    fx_exec(sql);
    return id;
}

static int64_t mx_status(int64_t author, int local, int vis)
{
    char sql[512];
    int64_t id = id_next();
    snprintf(sql, sizeof(sql),
             "INSERT INTO statuses (id, account_id, uri, local, visibility, created_at)"
             " VALUES (%lld, %lld, 'https://x.test/s/%lld', %d, %d, 0)",
             (long long)id, (long long)author, (long long)id, local, vis);
    fx_exec(sql);
    return id;
}

/* Inserts a follow, a mention or a block row. */
static void mx_follow(int64_t follower, int64_t target, int accepted)
{
    char sql[256];
    snprintf(sql, sizeof(sql),
             "INSERT INTO follows (id, account_id, target_account_id, accepted, created_at)"
             " VALUES (%lld, %lld, %lld, %d, 0)",
             (long long)id_next(), (long long)follower, (long long)target, accepted);
    fx_exec(sql);
}

static void mx_mention(int64_t status_id, int64_t account_id)
{
    char sql[256];
    snprintf(sql, sizeof(sql), "INSERT INTO mentions (status_id, account_id) VALUES (%lld, %lld)",
             (long long)status_id, (long long)account_id);
    fx_exec(sql);
}

static void mx_block(int64_t blocker, int64_t target)
{
    char sql[256];
    snprintf(sql, sizeof(sql),
             "INSERT INTO blocks (id, account_id, target_account_id, created_at)"
             " VALUES (%lld, %lld, %lld, 0)",
             (long long)id_next(), (long long)blocker, (long long)target);
    fx_exec(sql);
}

static const char *kind_name(int kind)
{
    static const char *names[] = {"anonymous", "local", "remote", "server"};
    return names[kind];
}

TEST(sql_and_rule_agree_on_every_combination)
{
    fx_exec("INSERT INTO neighborhood_servers (domain, created_at) VALUES ('nb.test', 0)"
            " ON CONFLICT (domain) DO NOTHING");
    int64_t local_author = mx_account(NULL);
    int64_t remote_author = mx_account("ra.test");
    int checked = 0, seen = 0;
    for (int kind = VIEWER_ANONYMOUS; kind <= VIEWER_SERVER; kind++) {
        int has_account = kind == VIEWER_LOCAL || kind == VIEWER_REMOTE;
        int remote_side = kind == VIEWER_REMOTE || kind == VIEWER_SERVER;
        for (int combo = 0; combo < 2 * 6 * 2 * 3 * 2 * 2 * 2; combo++) {
            int x = combo;
            int status_local = x % 2;
            x /= 2;
            int vis = x % 6;
            x /= 6;
            int is_author = x % 2;
            x /= 2;
            int follow = x % 3; /* none, pending, accepted */
            x /= 3;
            int mentioned = x % 2;
            x /= 2;
            int blocked = x % 2;
            x /= 2;
            int neighbor = x % 2;
            /*
             * Skip what cannot exist: facts about an account for viewers
             * without one, a neighborhood for local viewers, following or
             * blocking oneself, a member here writing a remote status or a
             * remote account writing a local one.
             */
            if (!has_account && (is_author || follow || mentioned || blocked))
                continue;
            if (!remote_side && neighbor)
                continue;
            if (is_author && (follow || blocked))
                continue;
            if (is_author && kind == VIEWER_LOCAL && !status_local)
                continue;
            if (is_author && kind == VIEWER_REMOTE && status_local)
                continue;
            const char *domain = neighbor ? "nb.test" : "far.test";
            int64_t viewer_id = 0;
            if (has_account)
                viewer_id = mx_account(kind == VIEWER_LOCAL ? NULL : domain);
            int64_t author = is_author ? viewer_id : status_local ? local_author : remote_author;
            int64_t sid = mx_status(author, status_local, vis);
            if (follow)
                mx_follow(viewer_id, author, follow == 2);
            if (mentioned)
                mx_mention(sid, viewer_id);
            if (blocked)
                mx_block(author, viewer_id);
            struct visibility_facts f = {
                .visibility = (enum status_visibility)vis,
                .status_local = status_local,
                .is_author = is_author,
                .follows_author = follow == 2,
                .is_mentioned = mentioned,
                .blocked = blocked,
                .viewer_neighbor = neighbor,
                .viewer = (enum viewer_kind)kind,
            };
            struct viewer v = {(enum viewer_kind)kind, viewer_id, remote_side ? domain : NULL};
            int pure = visibility_decide(&f);
            int rule = rule_sees(&v, sid);
            int sql = sql_sees(&v, sid);
            if (pure != rule || pure != sql) {
                fprintf(stderr,
                        "  %s viewer, %s %s status, author %d, follow %d, mentioned %d,"
                        " blocked %d, neighbor %d: pure %d, rule %d, sql %d\n",
                        kind_name(kind), status_local ? "local" : "remote", visibility_name(vis),
                        is_author, follow, mentioned, blocked, neighbor, pure, rule, sql);
                t_cur_failed = 1;
            }
            seen += pure;
            checked++;
        }
    }
    CHECK_INT(checked, 504); /* 12 anonymous, 156 local, 312 remote, 24 server */
    CHECK(seen > 0 && seen < checked);
}

int main(void)
{
    fx_open();
    RUN(every_level_every_viewer);
    RUN(remote_neighborhood_post_only_for_members_here);
    RUN(boosts_follow_the_original);
    RUN(pure_rule_table);
    RUN(viewer_for_an_account);
    RUN(sql_and_rule_agree_on_every_combination);
    fx_close();
    return t_done();
}
