/*
 * Unit tests for core/timeline: the neighborhood timeline (posts made here
 * and by the neighborhood servers' accounts, as the visibility rule lets
 * its viewer see them).
 */
#include <stdio.h>
#include <string.h>

#include "core/status.h"
#include "core/timeline.h"
#include "core/visibility.h"
#include "fixture.h"
#include "t.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"

/* A remote post inserted as federation stores it (local = 0). */
static int64_t remote_post(int64_t author, enum status_visibility vis)
{
    char sql[512];
    int64_t id = id_next();
    snprintf(sql, sizeof(sql),
             "INSERT INTO statuses (id, account_id, uri, local, visibility, content, created_at)"
             " VALUES (%lld, %lld, 'https://x.test/s/%lld', 0, %d, '<p>hi</p>', 0)",
             (long long)id, (long long)author, (long long)id, (int)vis);
    fx_exec(sql);
    return id;
}

static int64_t local_post(int64_t author, enum status_visibility vis)
{
    const char *why = NULL;
    int64_t id = 0;
    struct status_new p = {.text = "hello neighbors", .visibility = vis};
    CHECK_INT(status_create(&fx_core, author, &p, &id, &why), 0);
    return id;
}

static int listed(const int64_t *ids, size_t n, int64_t id)
{
    for (size_t i = 0; i < n; i++)
        if (ids[i] == id)
            return 1;
    return 0;
}

TEST(neighborhood_holds_here_and_the_neighbors)
{
    int64_t alice = fx_user("alice");
    int64_t bob = fx_user("bob");
    int64_t near = fx_remote("near", "N.test");
    int64_t far = fx_remote("far", "far.test");
    fx_exec("INSERT INTO neighborhood_servers (domain, created_at) VALUES ('n.test', 0)");
    int64_t pub = local_post(alice, VIS_PUBLIC);
    int64_t loc = local_post(alice, VIS_LOCAL);
    int64_t nbh = local_post(alice, VIS_NEIGHBORHOOD);
    int64_t unl = local_post(alice, VIS_UNLISTED);
    int64_t fol = local_post(alice, VIS_FOLLOWERS);
    int64_t boost = 0;
    CHECK_INT(status_reblog(&fx_core, bob, pub, &boost), 0);
    int64_t near_pub = remote_post(near, VIS_PUBLIC);
    int64_t near_nbh = remote_post(near, VIS_NEIGHBORHOOD);
    int64_t near_unl = remote_post(near, VIS_UNLISTED);
    int64_t far_pub = remote_post(far, VIS_PUBLIC);

    struct arena *a = arena_new();
    struct db_conn *c;
    CHECK_INT(db_acquire(fx_core.db, DB_READ, &c), 0);
    struct viewer member = {VIEWER_LOCAL, bob, NULL};
    struct page p = {.limit = 40};
    int64_t *ids = NULL;
    size_t n = 0;
    CHECK_INT(timeline_neighborhood(c, a, &member, NULL, &p, &ids, &n), 0);
    CHECK_INT(n, 5);
    CHECK(listed(ids, n, pub) && listed(ids, n, loc) && listed(ids, n, nbh));
    CHECK(listed(ids, n, near_pub) && listed(ids, n, near_nbh));
    CHECK(!listed(ids, n, unl) && !listed(ids, n, fol) && !listed(ids, n, boost));
    CHECK(!listed(ids, n, near_unl) && !listed(ids, n, far_pub));
    /* Newest first. */
    for (size_t i = 1; i < n; i++)
        CHECK(ids[i - 1] > ids[i]);

    /* A visitor sees only the public ones. */
    struct viewer anon = {VIEWER_ANONYMOUS, 0, NULL};
    CHECK_INT(timeline_neighborhood(c, a, &anon, NULL, &p, &ids, &n), 0);
    CHECK_INT(n, 2);
    CHECK(listed(ids, n, pub) && listed(ids, n, near_pub));

    /* Paging, and the local and remote halves. */
    struct page since = {.since_id = near_pub, .limit = 40};
    CHECK_INT(timeline_neighborhood(c, a, &member, NULL, &since, &ids, &n), 0);
    CHECK_INT(n, 1);
    CHECK(n == 1 && ids[0] == near_nbh);
    struct timeline_filter here = {.local_only = 1};
    CHECK_INT(timeline_neighborhood(c, a, &member, &here, &p, &ids, &n), 0);
    CHECK_INT(n, 3);
    struct timeline_filter there = {.remote_only = 1};
    CHECK_INT(timeline_neighborhood(c, a, &member, &there, &p, &ids, &n), 0);
    CHECK_INT(n, 2);
    db_release(c);
    arena_free(a);
}

int main(void)
{
    fx_open();
    RUN(neighborhood_holds_here_and_the_neighbors);
    fx_close();
    return t_done();
}
