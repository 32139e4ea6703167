/*
 * Unit tests for core/outbox: which inboxes each level reaches, and the
 * publish jobs members' actions queue (and the ones they must not).
 */
#include <stdlib.h>

#include "core/follow.h"
#include "core/outbox.h"
#include "core/status.h"
#include "fixture.h"
#include "t.h"
#include "util/arena.h"
#include "util/err.h"

static int64_t alice, bob, far1, far2, far3, lone;

static int64_t post(int64_t author, enum status_visibility vis, const char *text)
{
    struct status_new p = {.text = text, .visibility = vis};
    int64_t id = 0;
    const char *why;
    if (status_create(&fx_core, author, &p, &id, &why) != 0)
        fprintf(stderr, "post failed: %s\n", why ? why : "?");
    return id;
}

/* The inboxes status id reaches, sorted into one comma-joined string. */
static char *inboxes(int64_t id)
{
    static char out[2048];
    struct arena *a = arena_new();
    struct db_conn *c;
    struct status *st;
    const char **v = NULL;
    size_t n = 0;
    db_acquire(fx_core.db, DB_READ, &c);
    if (status_get(c, a, id, &st) == 0)
        outbox_status_inboxes(c, a, st, &v, &n);
    db_release(c);
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            if (strcmp(v[j], v[i]) < 0) {
                const char *t = v[i];
                v[i] = v[j];
                v[j] = t;
            }
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        strncat(out, i ? "," : "", sizeof(out) - strlen(out) - 1);
        strncat(out, v[i], sizeof(out) - strlen(out) - 1);
    }
    arena_free(a);
    return out;
}

static int64_t publish_jobs(void)
{
    struct db_conn *c;
    struct db_stmt *s;
    int64_t n = -1;
    db_acquire(fx_core.db, DB_READ, &c);
    if (db_prepare(c, "SELECT count(*) FROM jobs WHERE kind = 'publish'", &s) == 0) {
        if (db_step(s) == DB_ROW)
            n = db_col_i64(s, 0);
        db_stmt_done(s);
    }
    db_release(c);
    return n;
}

TEST(levels_reach_the_right_inboxes)
{
    /* far1 and far2 share a server with a shared inbox; far3 has only its own. */
    int64_t pub = post(alice, VIS_PUBLIC, "hello");
    CHECK_STR(inboxes(pub), "https://one.test/inbox,https://two.test/users/far3");
    int64_t unl = post(alice, VIS_UNLISTED, "quietly");
    CHECK_STR(inboxes(unl), "https://one.test/inbox,https://two.test/users/far3");
    int64_t fol = post(alice, VIS_FOLLOWERS, "friends only");
    CHECK_STR(inboxes(fol), "https://one.test/inbox,https://two.test/users/far3");
    /* Direct: only the mentioned, even when others follow. */
    int64_t dm = post(alice, VIS_DIRECT, "@lone@three.test psst");
    CHECK_STR(inboxes(dm), "https://three.test/users/lone");
    /* A mention in a public post adds its server. */
    int64_t men = post(alice, VIS_PUBLIC, "hi @lone@three.test");
    CHECK_STR(inboxes(men),
              "https://one.test/inbox,https://three.test/users/lone,https://two.test/users/far3");
    /* Local-only goes nowhere, and its creation queues nothing. */
    int64_t before = publish_jobs();
    int64_t loc = post(alice, VIS_LOCAL, "just us");
    CHECK_STR(inboxes(loc), "");
    CHECK_INT(publish_jobs(), before);
    /* A member without remote followers reaches nobody. */
    int64_t quiet = post(bob, VIS_PUBLIC, "no one far away");
    CHECK_STR(inboxes(quiet), "");
}

TEST(actions_queue_publish_jobs)
{
    int64_t before = publish_jobs();
    int64_t id = post(alice, VIS_PUBLIC, "to be liked");
    CHECK_INT(publish_jobs(), before + 1);
    /* Likes of a local post stay here; a follow of a local member too. */
    CHECK_INT(status_favourite(&fx_core, bob, id), 0);
    enum follow_state st;
    CHECK_INT(follow_create(&fx_core, bob, alice, NULL, &st), 0);
    CHECK_INT(publish_jobs(), before + 1);
    /* A follow of a remote account is a Follow to send; its undo too. */
    CHECK_INT(follow_create(&fx_core, bob, lone, NULL, &st), 0);
    CHECK_INT(st, FOLLOW_PENDING);
    CHECK_INT(publish_jobs(), before + 2);
    CHECK_INT(follow_remove(&fx_core, bob, lone), 0);
    CHECK_INT(publish_jobs(), before + 3);
    /* A remote follow of an unlocked member is accepted: an Accept to send. */
    struct follow_options fo = {.uri = "https://three.test/follows/1"};
    CHECK_INT(follow_create(&fx_core, lone, bob, &fo, &st), 0);
    CHECK_INT(st, FOLLOW_ACCEPTED);
    CHECK_INT(publish_jobs(), before + 4);
    /* Deleting a post queues its Delete, with the inboxes taken before it goes. */
    CHECK_INT(status_delete(&fx_core, alice, id), 0);
    CHECK_INT(publish_jobs(), before + 5);
    struct db_conn *c;
    struct db_stmt *s;
    db_acquire(fx_core.db, DB_READ, &c);
    CHECK_INT(db_prepare(c,
                         "SELECT count(*) FROM jobs WHERE kind = 'publish' AND payload LIKE"
                         " '%\"ev\":\"delete\"%one.test/inbox%'",
                         &s),
              0);
    CHECK_INT(db_step(s), DB_ROW);
    CHECK_INT(db_col_i64(s, 0), 1);
    db_stmt_done(s);
    db_release(c);
}

int main(void)
{
    fx_open();
    alice = fx_user("alice");
    bob = fx_user("bob");
    far1 = fx_remote("far1", "one.test");
    far2 = fx_remote("far2", "one.test");
    far3 = fx_remote("far3", "two.test");
    lone = fx_remote("lone", "three.test");
    fx_exec("UPDATE accounts SET shared_inbox_url = 'https://one.test/inbox'"
            " WHERE domain = 'one.test'");
    /* The three follow alice (their Follows were accepted). */
    enum follow_state st;
    follow_create(&fx_core, far1, alice, NULL, &st);
    follow_create(&fx_core, far2, alice, NULL, &st);
    follow_create(&fx_core, far3, alice, NULL, &st);
    RUN(levels_reach_the_right_inboxes);
    RUN(actions_queue_publish_jobs);
    fx_close();
    return t_done();
}
