/*
 * Unit tests for core/role (who may do what) and core/audit (the log of
 * moderator actions).
 */
#include <string.h>

#include "core/audit.h"
#include "core/role.h"
#include "core/setting.h"
#include "fixture.h"
#include "t.h"
#include "util/arena.h"
#include "util/err.h"

TEST(permissions_by_role)
{
    CHECK(role_permits(USER_ROLE_MEMBER, PERM_INVITE_USERS));
    CHECK(!role_permits(USER_ROLE_MEMBER, PERM_MANAGE_REPORTS));
    CHECK(role_permits(USER_ROLE_MODERATOR, PERM_MANAGE_REPORTS | PERM_MANAGE_USERS));
    CHECK(role_permits(USER_ROLE_MODERATOR, PERM_VIEW_AUDIT_LOG));
    CHECK(!role_permits(USER_ROLE_MODERATOR, PERM_MANAGE_FEDERATION));
    CHECK(!role_permits(USER_ROLE_MODERATOR, PERM_MANAGE_ROLES));
    CHECK(role_permits(USER_ROLE_ADMIN, PERM_MANAGE_FEDERATION | PERM_MANAGE_BLOCKS));
    CHECK(!role_permits(USER_ROLE_ADMIN, PERM_ADMINISTRATOR));
    CHECK(role_permits(USER_ROLE_OWNER, PERM_ADMINISTRATOR | PERM_MANAGE_ROLES));
    CHECK(role_permissions(USER_ROLE_OWNER) & PERM_ADMINISTRATOR);
}

TEST(ranks)
{
    CHECK(role_may_manage(USER_ROLE_MODERATOR, USER_ROLE_MEMBER));
    CHECK(!role_may_manage(USER_ROLE_MODERATOR, USER_ROLE_MODERATOR));
    CHECK(!role_may_manage(USER_ROLE_MODERATOR, USER_ROLE_ADMIN));
    CHECK(role_may_manage(USER_ROLE_OWNER, USER_ROLE_ADMIN));
    CHECK(!role_may_manage(USER_ROLE_OWNER, USER_ROLE_OWNER));
    CHECK(!role_may_manage(USER_ROLE_MEMBER, USER_ROLE_MEMBER));
    /* Moderators cannot change roles at all; admins give lower roles only. */
    CHECK(!role_may_assign(USER_ROLE_MODERATOR, USER_ROLE_MEMBER));
    CHECK(role_may_assign(USER_ROLE_ADMIN, USER_ROLE_MODERATOR));
    CHECK(!role_may_assign(USER_ROLE_ADMIN, USER_ROLE_ADMIN));
    CHECK(role_may_assign(USER_ROLE_OWNER, USER_ROLE_ADMIN));
    CHECK(!role_may_assign(USER_ROLE_OWNER, USER_ROLE_OWNER));
}

TEST(check_reads_the_database)
{
    int64_t mod = fx_user("mod"), plain = fx_user("plain"), far = fx_remote("far", "b.test");
    fx_exec("UPDATE users SET role = 1 WHERE account_id = (SELECT id FROM accounts WHERE username "
            "= 'mod' AND domain IS NULL)");
    struct db_conn *c;
    db_acquire(fx_core.db, DB_READ, &c);
    enum user_role r = USER_ROLE_OWNER;
    CHECK_INT(role_check(c, mod, PERM_MANAGE_REPORTS, &r), 0);
    CHECK_INT(r, USER_ROLE_MODERATOR);
    CHECK_INT(role_check(c, mod, PERM_MANAGE_FEDERATION, NULL), E_FORBIDDEN);
    CHECK_INT(role_check(c, plain, PERM_MANAGE_REPORTS, &r), E_FORBIDDEN);
    CHECK_INT(r, USER_ROLE_MEMBER);
    CHECK_INT(role_check(c, far, PERM_INVITE_USERS, NULL), E_FORBIDDEN);
    CHECK_INT(role_check(c, 0, PERM_INVITE_USERS, NULL), E_FORBIDDEN);
    db_release(c);
}

TEST(audit_log)
{
    int64_t admin = fx_user("boss");
    struct db_conn *c;
    db_acquire(fx_core.db, DB_WRITE, &c);
    CHECK_INT(audit_add(c, admin, "domain_block.create", "domain", 0, "bad.example",
                        "{\"severity\":\"suspend\"}"),
              0);
    CHECK_INT(audit_add(c, 0, "account.suspend", "account", admin, "boss", NULL), 0);
    CHECK_INT(audit_add(c, admin, "domain_blocks.x", "domain", 0, "other.example", NULL), 0);
    CHECK_INT(audit_add(c, admin, "", "domain", 0, "x", NULL), E_INVAL);
    db_release(c);
    struct arena *a = arena_new();
    struct audit_entry *e;
    size_t n;
    db_acquire(fx_core.db, DB_READ, &c);
    CHECK_INT(audit_list(c, a, 0, NULL, NULL, &e, &n), 0);
    CHECK_INT(n, 3);
    CHECK_STR(e[0].action, "domain_blocks.x"); /* newest first */
    CHECK_INT(audit_list(c, a, 0, "domain_block", NULL, &e, &n), 0);
    CHECK_INT(n, 1); /* the prefix is a whole subject, not a string prefix */
    CHECK_STR(e[0].target, "bad.example");
    CHECK_INT(e[0].account_id, admin);
    CHECK(strstr(e[0].detail, "suspend") != NULL);
    CHECK_INT(audit_list(c, a, -1, NULL, NULL, &e, &n), 0);
    CHECK_INT(n, 1);
    CHECK_STR(e[0].action, "account.suspend");
    CHECK_INT(e[0].account_id, 0);
    struct page p = {.limit = 1};
    CHECK_INT(audit_list(c, a, 0, NULL, &p, &e, &n), 0);
    CHECK_INT(n, 1);
    p.max_id = e[0].id;
    p.limit = 5;
    CHECK_INT(audit_list(c, a, 0, NULL, &p, &e, &n), 0);
    CHECK_INT(n, 2);
    db_release(c);
    arena_free(a);
}

TEST(settings)
{
    struct db_conn *c;
    struct arena *a = arena_new();
    const char *v;
    db_acquire(fx_core.db, DB_WRITE, &c);
    CHECK_INT(setting_get(c, a, "registrations_mode", "open", &v), 0);
    CHECK_STR(v, "open");
    CHECK_INT(setting_set(c, "registrations_mode", "invite"), 0);
    CHECK_INT(setting_set(c, "registrations_mode", "approval"), 0);
    CHECK_INT(setting_get(c, a, "registrations_mode", "open", &v), 0);
    CHECK_STR(v, "approval");
    CHECK_INT(setting_set(c, "max", "12"), 0);
    CHECK_INT(setting_get_int(c, "max", 3), 12);
    CHECK_INT(setting_set(c, "max", "12x"), 0);
    CHECK_INT(setting_get_int(c, "max", 3), 3);
    CHECK_INT(setting_set(c, "max", NULL), 0);
    CHECK_INT(setting_get_int(c, "max", 4), 4);
    CHECK_INT(setting_set(c, "", "x"), E_INVAL);
    CHECK_INT(setting_set(c, "bad", "\xff"), E_UTF8);
    db_release(c);
    arena_free(a);
}

int main(void)
{
    fx_open();
    RUN(permissions_by_role);
    RUN(ranks);
    RUN(check_reads_the_database);
    RUN(audit_log);
    RUN(settings);
    fx_close();
    return t_done();
}
