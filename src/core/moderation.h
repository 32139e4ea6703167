/*
 * moderation: what moderators do to accounts, local and remote.
 *
 * Every action has a reason (text), may resolve a report, is written in
 * the audit log (core/audit.h) in its own transaction, and, when the
 * account is a member here and the action is one Mastodon warns of, leaves
 * her an account warning (table account_warnings) and a
 * "moderation_warning" notification carrying the moderator's text.
 *
 *   none        a warning only
 *   sensitive   her media are shown as sensitive (accounts.sensitized_at;
 *               the posts she has now are marked sensitive)
 *   disable     a member cannot log in; her tokens are revoked
 *   silence     limited: her posts stay out of public timelines and her
 *               notifications reach only her followers (accounts.silenced_at;
 *               core/timeline.c and core/notification.c apply it)
 *   suspend     the account and its posts are hidden everywhere (the
 *               visibility rule), a member cannot log in and her tokens
 *               are revoked, and the servers of her remote followers get a
 *               Delete of her actor. Her data is kept MODERATION_KEEP_MS
 *               (30 days), then removed by moderation_purge_due; an
 *               unsuspend before then restores everything.
 *   unsensitive, enable, unsilence, unsuspend   undo the above
 *   approve, reject   a pending sign-up: let her in, or remove the account
 *
 * Ranks: an actor acts only on lower ranks (role_may_manage); the command
 * line (actor 0) acts as the owner. Permission flags are the caller's
 * business (role_check), as each surface answers its own way.
 */
#ifndef HEARTH_CORE_MODERATION_H
#define HEARTH_CORE_MODERATION_H

#include <stddef.h>
#include <stdint.h>

struct arena;
struct core;
struct db_conn;

/* How long a suspended account's data is kept before it is removed. */
#define MODERATION_KEEP_MS (30LL * 24 * 3600 * 1000)

enum moderation_action {
    MOD_NONE = 0,
    MOD_SENSITIVE,
    MOD_DISABLE,
    MOD_SILENCE,
    MOD_SUSPEND,
    MOD_UNSENSITIVE,
    MOD_ENABLE,
    MOD_UNSILENCE,
    MOD_UNSUSPEND,
    MOD_APPROVE,
    MOD_REJECT,
    MOD_ACTION_COUNT
};

/* "none", "sensitive", "disable", "silence", "suspend", "unsensitive", ... */
const char *moderation_action_name(enum moderation_action a);
/* 0 or E_INVAL. "limit" is taken for "silence", "unlimit" for "unsilence". */
int moderation_action_parse(const char *s, enum moderation_action *out);

struct moderation_request {
    int64_t actor;  /* the moderator's account; 0: the command line */
    int64_t target; /* the account acted on */
    enum moderation_action action;
    const char *text;  /* the reason, shown to the member; NULL: none */
    int64_t report_id; /* a report this action resolves; 0: none */
    int notify;        /* leave a local member the warning (the API's send_email_notification) */
};

/*
 * Carries out an action in one transaction with its audit entry (and the
 * report's resolution). 0; E_NOTFOUND (no such account or report);
 * E_FORBIDDEN with *why (the target ranks as high as the actor); E_INVAL
 * with *why (disable/approve/reject of a remote account, approve/reject of
 * an approved member, unsuspend after the data was removed, text not
 * UTF-8 or over 5000 bytes); E_DB. *warning_id (may be NULL) is the
 * account warning left, or 0.
 */
int moderation_act(const struct core *core, const struct moderation_request *r, int64_t *warning_id,
                   const char **why);

/*
 * Removes a suspended account's data now (the API's DELETE
 * /api/v1/admin/accounts/:id): statuses, follows, media, notifications,
 * tokens; the account row stays (suspended, purged) so that its name is not
 * taken again. Audited as "account.delete_data". E_INVAL with *why when
 * the account is not suspended; E_FORBIDDEN (rank); E_NOTFOUND.
 */
int moderation_purge(const struct core *core, int64_t actor, int64_t target, const char **why);

/*
 * For the timer: purges accounts suspended more than MODERATION_KEEP_MS
 * before now (a few at a time). *purged (may be NULL) says how many.
 */
int moderation_purge_due(const struct core *core, int64_t now, int *purged);

/*
 * Marks a new or edited status sensitive when it has media and its author
 * was marked sensitive (MOD_SENSITIVE), in the caller's transaction.
 * Called by core/status and core/remote once the media are attached.
 */
int moderation_apply_sensitized(struct db_conn *c, int64_t status_id);

/* What a member was told (Mastodon's AccountWarning). */
struct account_warning {
    int64_t id;
    int64_t account_id;
    int64_t moderator_id; /* 0: the command line */
    const char *action;   /* Mastodon's: none, disable, sensitive, silence, suspend */
    const char *text;
    int64_t report_id; /* 0: none */
    int64_t created_at;
};

/* One warning, in a. 0, E_NOTFOUND, E_DB. */
int moderation_warning_get(struct db_conn *c, struct arena *a, int64_t id,
                           struct account_warning **out);
/* An account's warnings, newest first (at most max). */
int moderation_warning_list(struct db_conn *c, struct arena *a, int64_t account_id, size_t max,
                            struct account_warning **out, size_t *n);

/* An account's moderation state, for the admin API and pages. */
struct moderation_state {
    int64_t suspended_at, silenced_at, sensitized_at, purged_at; /* 0: not */
    int local;
    int has_user; /* local: the fields below are read */
    int approved, disabled, confirmed;
    int role; /* enum user_role */
    const char *email;
    int64_t last_login_at;
};
/* 0, E_NOTFOUND, E_DB. Strings in a. */
int moderation_state(struct db_conn *c, struct arena *a, int64_t account_id,
                     struct moderation_state *out);

/*
 * Gives a member a role (core/role.h): actor must have PERM_MANAGE_ROLES,
 * outrank the member (role_may_manage) and may give only roles below its
 * own (role_may_assign); actor 0 (the command line) is the owner.
 * Audited as "account.change_role". E_FORBIDDEN with *why, E_NOTFOUND
 * (no such member), E_DB.
 */
int moderation_set_role(const struct core *core, int64_t actor, int64_t target, int role,
                        const char **why);

/* Which accounts the moderators list (the admin API's filters). */
struct moderation_account_query {
    int origin;         /* 0 any, 1 local, 2 remote */
    const char *status; /* "", active, pending, disabled, silenced, suspended, sensitized */
    int staff;          /* moderators and up only */
    const char *username, *display_name; /* "": any; else contained, ignoring case */
    const char *by_domain;               /* "": any; else that domain */
    const char *email;                   /* "": any; else contained */
    const char *ip; /* "": any; Hearth keeps no addresses, so any other value matches nobody */
    int64_t max_id, since_id;
    int limit; /* 1..200, 0 means 100 */
};
/* Account ids, newest first, in a. A NULL string field counts as "". */
int moderation_accounts(struct db_conn *c, struct arena *a,
                        const struct moderation_account_query *q, int64_t **ids, size_t *n);

/* The admin overview's numbers. */
struct moderation_numbers {
    int64_t pending;      /* sign-ups waiting for approval */
    int64_t open_reports; /* reports not resolved */
    int64_t members;      /* local users, approved, not suspended */
    int64_t active_week;  /* members who posted, logged in or signed in to an app in 7 days */
};
int moderation_numbers(struct db_conn *c, int64_t now, struct moderation_numbers *out);

#endif
