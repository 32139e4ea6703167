/*
 * role: what each role may do, decided in one place.
 *
 * A local user has one role: member, moderator, admin or owner
 * (enum user_role, stored in users.role). Permissions are Mastodon's role
 * bit flags, so that the API's Role entity and apps agree with the rule:
 *
 *   member     invite (when the server lets members invite)
 *   moderator  dashboard, audit log, reports, users (warn, limit, suspend),
 *              taxonomies, invites
 *   admin      everything a moderator may, and federation (domain blocks
 *              and allows, neighborhoods), blocks (IP and e-mail), settings,
 *              rules, roles (of moderators and members)
 *   owner      everything (the administrator flag)
 *
 * On top of the flags, an account action or a role change needs the actor
 * to rank above the target (role_may_manage): a moderator cannot suspend
 * an admin, and nobody makes anyone their own rank or above.
 * Every admin API handler, admin page and command asks role_check.
 */
#ifndef HEARTH_CORE_ROLE_H
#define HEARTH_CORE_ROLE_H

#include <stdint.h>

#include "core/account.h"

struct db_conn;

enum permission {
    PERM_ADMINISTRATOR = 0x1,
    PERM_DEVOPS = 0x2,
    PERM_VIEW_AUDIT_LOG = 0x4,
    PERM_VIEW_DASHBOARD = 0x8,
    PERM_MANAGE_REPORTS = 0x10,
    PERM_MANAGE_FEDERATION = 0x20,
    PERM_MANAGE_SETTINGS = 0x40,
    PERM_MANAGE_BLOCKS = 0x80,
    PERM_MANAGE_TAXONOMIES = 0x100,
    PERM_MANAGE_APPEALS = 0x200,
    PERM_MANAGE_USERS = 0x400,
    PERM_MANAGE_INVITES = 0x800,
    PERM_MANAGE_RULES = 0x1000,
    PERM_MANAGE_ANNOUNCEMENTS = 0x2000,
    PERM_MANAGE_CUSTOM_EMOJIS = 0x4000,
    PERM_MANAGE_WEBHOOKS = 0x8000,
    PERM_INVITE_USERS = 0x10000,
    PERM_MANAGE_ROLES = 0x20000,
    PERM_MANAGE_USER_ACCESS = 0x40000,
    PERM_DELETE_USER_DATA = 0x80000,
};

/* The permission flags of a role (the owner's include every flag). */
unsigned role_permissions(enum user_role role);

/* 1 when the role has every flag in perms (the administrator flag has all). */
int role_permits(enum user_role role, unsigned perms);

/*
 * 1 when an actor of role actor may act on an account of role target
 * (account actions, role changes): only on lower ranks. The owner may act
 * on admins; nobody acts on the owner.
 */
int role_may_manage(enum user_role actor, enum user_role target);

/*
 * 1 when actor may give a user the role to: a role below its own, and
 * only with PERM_MANAGE_ROLES.
 */
int role_may_assign(enum user_role actor, enum user_role to);

/*
 * Does the local account have every flag in perms? 0 when it does,
 * E_FORBIDDEN when not (or when it is remote or unknown), E_DB. The role
 * is read from the database each time, so a change applies at once.
 * *role, when not NULL, is set to the account's role (member otherwise).
 */
int role_check(struct db_conn *c, int64_t account_id, unsigned perms, enum user_role *role);

#endif
