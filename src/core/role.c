/*
 * role: the permission table and its checks (role.h).
 */
#include "core/role.h"

#include "util/err.h"

#define MODERATOR_PERMS                                                                            \
    (PERM_VIEW_DASHBOARD | PERM_VIEW_AUDIT_LOG | PERM_MANAGE_REPORTS | PERM_MANAGE_USERS |         \
     PERM_MANAGE_TAXONOMIES | PERM_MANAGE_INVITES | PERM_INVITE_USERS)
#define ADMIN_PERMS                                                                                \
    (MODERATOR_PERMS | PERM_DEVOPS | PERM_MANAGE_FEDERATION | PERM_MANAGE_SETTINGS |               \
     PERM_MANAGE_BLOCKS | PERM_MANAGE_APPEALS | PERM_MANAGE_RULES | PERM_MANAGE_ANNOUNCEMENTS |    \
     PERM_MANAGE_CUSTOM_EMOJIS | PERM_MANAGE_WEBHOOKS | PERM_MANAGE_ROLES |                        \
     PERM_MANAGE_USER_ACCESS | PERM_DELETE_USER_DATA)
#define ALL_PERMS (ADMIN_PERMS | PERM_ADMINISTRATOR)

unsigned role_permissions(enum user_role role)
{
    switch (role) {
    case USER_ROLE_OWNER:
        return ALL_PERMS;
    case USER_ROLE_ADMIN:
        return ADMIN_PERMS;
    case USER_ROLE_MODERATOR:
        return MODERATOR_PERMS;
    default:
        return PERM_INVITE_USERS;
    }
}

int role_permits(enum user_role role, unsigned perms)
{
    unsigned have = role_permissions(role);
    if (have & PERM_ADMINISTRATOR)
        return 1;
    return (have & perms) == perms;
}

int role_may_manage(enum user_role actor, enum user_role target)
{
    if (target == USER_ROLE_OWNER)
        return 0;
    return actor > target && role_permits(actor, PERM_MANAGE_USERS);
}

int role_may_assign(enum user_role actor, enum user_role to)
{
    return to < actor && to >= USER_ROLE_MEMBER && role_permits(actor, PERM_MANAGE_ROLES);
}

int role_check(struct db_conn *c, int64_t account_id, unsigned perms, enum user_role *role)
{
    enum user_role r = USER_ROLE_MEMBER;
    if (role)
        *role = r;
    if (account_id <= 0)
        return E_FORBIDDEN;
    int rc = user_role(c, account_id, &r);
    if (rc == E_NOTFOUND)
        return E_FORBIDDEN;
    if (rc)
        return rc;
    if (role)
        *role = r;
    return role_permits(r, perms) ? 0 : E_FORBIDDEN;
}
