/*
 * Unit tests for core/moderation (account actions, ranks, warnings, the
 * removal of suspended accounts' data, roles) and the report queue of
 * core/report (assignment, notes, resolution, forwarding).
 */
#include <string.h>

#include "core/audit.h"
#include "core/moderation.h"
#include "core/notification.h"
#include "core/report.h"
#include "core/status.h"
#include "core/timeline.h"
#include "core/visibility.h"
#include "fixture.h"
#include "t.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/timeutil.h"

static int64_t admin, mod, ann, ben, far;

static int64_t post(int64_t author, const char *text)
{
    const char *why = NULL;
    int64_t id = 0;
    struct status_new p = {.text = text, .visibility = VIS_PUBLIC};
    CHECK_INT(status_create(&fx_core, author, &p, &id, &why), 0);
    return id;
}

static int act(int64_t actor, int64_t target, enum moderation_action a, const char *text,
               const char **why)
{
    struct moderation_request r = {
        .actor = actor, .target = target, .action = a, .text = text, .notify = 1};
    return moderation_act(&fx_core, &r, NULL, why);
}

static int in_public(int64_t id)
{
    struct db_conn *c;
    struct arena *a = arena_new();
    db_acquire(fx_core.db, DB_READ, &c);
    struct viewer v = {.kind = VIEWER_LOCAL, .account_id = ben};
    struct page p = {.limit = 40};
    int64_t *ids;
    size_t n = 0;
    int found = 0;
    CHECK_INT(timeline_public(c, a, &v, NULL, &p, &ids, &n), 0);
    for (size_t i = 0; i < n; i++)
        found |= ids[i] == id;
    db_release(c);
    arena_free(a);
    return found;
}

static int may_see(int64_t viewer, int64_t status)
{
    struct db_conn *c;
    db_acquire(fx_core.db, DB_READ, &c);
    struct viewer v = {.kind = viewer ? VIEWER_LOCAL : VIEWER_ANONYMOUS, .account_id = viewer};
    int yes = visibility_may_see(c, &v, status);
    db_release(c);
    return yes;
}

static int64_t count(const char *sql)
{
    struct db_conn *c;
    struct db_stmt *s;
    db_acquire(fx_core.db, DB_READ, &c);
    int64_t n = -1;
    if (db_prepare(c, sql, &s) == 0) {
        if (db_step(s) == DB_ROW)
            n = db_col_i64(s, 0);
        db_stmt_done(s);
    }
    db_release(c);
    return n;
}

TEST(names)
{
    enum moderation_action a;
    CHECK_INT(moderation_action_parse("limit", &a), 0);
    CHECK_INT(a, MOD_SILENCE);
    CHECK_INT(moderation_action_parse("unlimit", &a), 0);
    CHECK_INT(a, MOD_UNSILENCE);
    CHECK_INT(moderation_action_parse("suspend", &a), 0);
    CHECK_STR(moderation_action_name(a), "suspend");
    CHECK_INT(moderation_action_parse("explode", &a), E_INVAL);
    CHECK_INT(moderation_action_parse(NULL, &a), E_INVAL);
}

TEST(warn_leaves_a_warning_and_a_notification)
{
    const char *why;
    int64_t wid = 0;
    struct moderation_request r = {
        .actor = mod, .target = ann, .action = MOD_NONE, .text = "mind the rules", .notify = 1};
    CHECK_INT(moderation_act(&fx_core, &r, &wid, &why), 0);
    CHECK(wid != 0);
    struct db_conn *c;
    struct arena *a = arena_new();
    db_acquire(fx_core.db, DB_READ, &c);
    struct account_warning *w;
    CHECK_INT(moderation_warning_get(c, a, wid, &w), 0);
    CHECK_STR(w->text, "mind the rules");
    CHECK_STR(w->action, "none");
    CHECK_INT(w->moderator_id, mod);
    struct notification_query q = {0};
    struct notification *list;
    size_t n = 0;
    CHECK_INT(notification_list(c, a, ann, &q, &list, &n), 0);
    CHECK_INT(n, 1);
    CHECK_INT(list[0].type, NOTIFY_MODERATION_WARNING);
    CHECK_INT(list[0].ref_id, wid);
    CHECK_STR(notification_type_name(list[0].type), "moderation_warning");
    db_release(c);
    /* A second warning is a second notification (told by its own warning). */
    CHECK_INT(act(mod, ann, MOD_NONE, "again", &why), 0);
    CHECK_INT(count("SELECT count(*) FROM notifications WHERE type = 'moderation_warning'"), 2);
    arena_free(a);
}

TEST(ranks_are_checked)
{
    const char *why = NULL;
    CHECK_INT(act(mod, admin, MOD_SUSPEND, "no", &why), E_FORBIDDEN);
    CHECK(why != NULL);
    CHECK_INT(count("SELECT count(*) FROM accounts WHERE suspended_at IS NOT NULL"), 0);
    /* A refused action leaves no audit entry. */
    CHECK_INT(count("SELECT count(*) FROM audit_log WHERE action = 'account.suspend'"), 0);
    /* Remote accounts have no rank: a moderator may limit one. */
    CHECK_INT(act(mod, far, MOD_SILENCE, "spam", &why), 0);
    CHECK_INT(act(mod, far, MOD_UNSILENCE, NULL, &why), 0);
    /* Logins exist only here. */
    CHECK_INT(act(mod, far, MOD_DISABLE, NULL, &why), E_INVAL);
    CHECK_INT(act(mod, 424242, MOD_NONE, NULL, &why), E_NOTFOUND);
}

TEST(silence_leaves_public_timelines)
{
    const char *why;
    int64_t s = post(ben, "loud");
    CHECK(in_public(s));
    CHECK_INT(act(mod, ben, MOD_SILENCE, "too loud", &why), 0);
    CHECK(!in_public(s));
    CHECK_INT(may_see(ann, s), 1); /* still there when asked for */
    CHECK_INT(act(mod, ben, MOD_UNSILENCE, NULL, &why), 0);
    CHECK(in_public(s));
}

TEST(suspend_hides_and_unsuspend_restores)
{
    const char *why;
    int64_t s = post(ann, "mine");
    CHECK_INT(may_see(ben, s), 1);
    CHECK_INT(act(0, ann, MOD_SUSPEND, "from the shell", &why), 0);
    CHECK_INT(may_see(ben, s), 0);
    CHECK_INT(may_see(0, s), 0);
    CHECK(!in_public(s));
    int64_t id;
    CHECK_INT(user_authenticate(&fx_core, "ann", "correct horse", &id), E_AUTH);
    CHECK_INT(act(0, ann, MOD_UNSUSPEND, NULL, &why), 0);
    CHECK_INT(may_see(ben, s), 1);
    CHECK_INT(user_authenticate(&fx_core, "ann", "correct horse", &id), 0);
    /* The command line is recorded as actor 0. */
    CHECK_INT(count("SELECT count(*) FROM audit_log WHERE action = 'account.suspend'"
                    " AND account_id IS NULL"),
              1);
}

TEST(purge_after_thirty_days)
{
    const char *why;
    int64_t s = post(ben, "soon gone");
    CHECK_INT(act(mod, ben, MOD_SUSPEND, NULL, &why), 0);
    int purged = -1;
    int64_t now = time_now_ms();
    CHECK_INT(moderation_purge_due(&fx_core, now, &purged), 0);
    CHECK_INT(purged, 0); /* kept while the 30 days run */
    CHECK_INT(moderation_purge_due(&fx_core, now + MODERATION_KEEP_MS + 1000, &purged), 0);
    CHECK_INT(purged, 1);
    char sql[128];
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM statuses WHERE id = %lld", (long long)s);
    CHECK_INT(count(sql), 0);
    CHECK_INT(act(mod, ben, MOD_UNSUSPEND, NULL, &why), E_INVAL);
    /* The name stays taken. */
    CHECK_INT(count("SELECT count(*) FROM accounts WHERE username = 'ben'"), 1);
    CHECK_INT(moderation_purge(&fx_core, mod, ann, &why), E_INVAL); /* not suspended */
}

TEST(roles)
{
    const char *why;
    int64_t cal = fx_user("cal");
    CHECK_INT(moderation_set_role(&fx_core, mod, cal, USER_ROLE_MODERATOR, &why), E_FORBIDDEN);
    CHECK_INT(moderation_set_role(&fx_core, admin, cal, USER_ROLE_ADMIN, &why), E_FORBIDDEN);
    CHECK_INT(moderation_set_role(&fx_core, admin, cal, USER_ROLE_MODERATOR, &why), 0);
    struct db_conn *c;
    db_acquire(fx_core.db, DB_READ, &c);
    enum user_role r;
    CHECK_INT(user_role(c, cal, &r), 0);
    CHECK_INT(r, USER_ROLE_MODERATOR);
    db_release(c);
    CHECK_INT(moderation_set_role(&fx_core, admin, far, USER_ROLE_MODERATOR, &why), E_NOTFOUND);
    CHECK_INT(moderation_set_role(&fx_core, 0, cal, USER_ROLE_MEMBER, &why), 0);
}

TEST(report_queue)
{
    struct arena *a = arena_new();
    const char *why;
    int64_t s = post(admin, "reported");
    struct report_new rn = {
        .target = admin, .status_ids = &s, .n_statuses = 1, .comment = "hm", .category = "spam"};
    struct report *rep;
    int64_t cal = fx_user("dee");
    CHECK_INT(report_create(&fx_core, a, cal, &rn, &rep, &why), 0);
    /* Moderators (and up) are told. */
    CHECK_INT(count("SELECT count(*) FROM notifications WHERE type = 'admin.report'"), 2);
    CHECK_INT(report_assign(&fx_core, mod, rep->id, mod), 0);
    CHECK_INT(report_note_add(&fx_core, mod, rep->id, "first look", &why), 0);
    CHECK_INT(report_note_add(&fx_core, mod, rep->id, "", &why), E_INVAL);
    CHECK_INT(report_update(&fx_core, mod, rep->id, "legal", "1,2", &why), 0);
    CHECK_INT(report_update(&fx_core, mod, rep->id, "bogus", NULL, &why), E_INVAL);
    struct db_conn *c;
    db_acquire(fx_core.db, DB_READ, &c);
    struct report *got;
    CHECK_INT(report_get(c, a, rep->id, &got), 0);
    CHECK_INT(got->assigned_to, mod);
    CHECK_INT(got->reporter, cal);
    CHECK_STR(got->category, "legal");
    CHECK_STR(got->rule_ids, "1,2");
    CHECK_INT(got->n_statuses, 1);
    CHECK_INT(got->status_ids[0], s);
    struct report_note *notes;
    size_t n;
    CHECK_INT(report_notes(c, a, rep->id, &notes, &n), 0);
    CHECK_INT(n, 1);
    CHECK_STR(notes[0].content, "first look");
    int64_t open = 0;
    CHECK_INT(report_count_open(c, &open), 0);
    CHECK_INT(open, 1);
    db_release(c);
    /* A local account has no server to forward to. */
    CHECK_INT(report_forward(&fx_core, mod, rep->id, &why), E_INVAL);
    CHECK_INT(report_resolve(&fx_core, mod, rep->id, 1), 0);
    db_acquire(fx_core.db, DB_READ, &c);
    struct report_query q = {.resolved = 0};
    struct report *list;
    CHECK_INT(report_list(c, a, &q, &list, &n), 0);
    CHECK_INT(n, 0);
    q.resolved = 1;
    CHECK_INT(report_list(c, a, &q, &list, &n), 0);
    CHECK_INT(n, 1);
    db_release(c);
    CHECK_INT(report_resolve(&fx_core, mod, rep->id, 0), 0);
    CHECK_INT(report_resolve(&fx_core, mod, 999, 1), E_NOTFOUND);
    CHECK_INT(count("SELECT count(*) FROM audit_log WHERE target_type = 'report'"), 5);
    arena_free(a);
}

TEST(remote_report_forwarded_once)
{
    struct arena *a = arena_new();
    const char *why;
    struct report_new rn = {.target = far, .comment = "spam", .category = "spam"};
    struct report *rep;
    CHECK_INT(report_create(&fx_core, a, admin, &rn, &rep, &why), 0);
    CHECK_INT(report_forward(&fx_core, mod, rep->id, &why), 0);
    CHECK_INT(report_forward(&fx_core, mod, rep->id, &why), 0);
    CHECK_INT(count("SELECT count(*) FROM jobs WHERE kind = 'deliver' AND payload LIKE '%Flag%'"
                    " AND payload LIKE '%as_server%'"),
              1);
    /* A Flag received twice is one report. */
    struct report *in;
    CHECK_INT(report_create_remote(&fx_core, a, far, &(struct report_new){.target = admin},
                                   "https://b.test/flags/1", &in, &why),
              0);
    CHECK_INT(report_create_remote(&fx_core, a, far, &(struct report_new){.target = admin},
                                   "https://b.test/flags/1", &in, &why),
              E_EXISTS);
    arena_free(a);
}

int main(void)
{
    fx_open();
    admin = fx_user("admin");
    mod = fx_user("mod");
    ann = fx_user("ann");
    ben = fx_user("ben");
    far = fx_remote("far", "b.test");
    fx_exec("UPDATE users SET role = 2 WHERE account_id = (SELECT id FROM accounts"
            " WHERE username = 'admin' AND domain IS NULL)");
    fx_exec("UPDATE users SET role = 1 WHERE account_id = (SELECT id FROM accounts"
            " WHERE username = 'mod' AND domain IS NULL)");
    RUN(names);
    RUN(warn_leaves_a_warning_and_a_notification);
    RUN(ranks_are_checked);
    RUN(silence_leaves_public_timelines);
    RUN(suspend_hides_and_unsuspend_restores);
    RUN(purge_after_thirty_days);
    RUN(roles);
    RUN(report_queue);
    RUN(remote_report_forwarded_once);
    fx_close();
    return t_done();
}
