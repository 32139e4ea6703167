/*
 * join: how people join the server. The registration mode, invite links,
 * the sign-up decision that every surface (the API's POST
 * /api/v1/accounts, the /signup and /invite pages) goes through, and the
 * server's texts shown to newcomers.
 *
 * Settings owned here (core/setting.h, read on each use):
 *   registrations_mode   open | approval | invite | closed; unset: the
 *                        configuration's `registrations` (closed, open or
 *                        approval)
 *   members_may_invite   "1": members (PERM_INVITE_USERS) make invite
 *                        links too; otherwise only PERM_MANAGE_INVITES
 *   site_extended_description  the code of conduct / longer about text
 *                        (plain text, paragraphs split on blank lines)
 *   site_privacy_policy  the privacy policy (plain text)
 *   site_contact_email   the public contact; unset: hearth.conf's
 *
 * The sign-up rule (join_signup):
 *   - an invite code, when given, must name an invite that is not revoked,
 *     expired or used up; it lets the person in whatever the mode (closed
 *     and invite-only included, as Mastodon's invites do), approved at once
 *     when the invite says autoapprove;
 *   - without one: closed and invite refuse, open lets in at once, approval
 *     lets in pending (a reason is required, for the admins to read);
 *   - an IP block (core/access_block.h) of severity sign_up_block or
 *     no_access refuses; sign_up_requires_approval makes the sign-up
 *     pending even with an invite; an e-mail domain block (the domain or a
 *     parent of it) or a canonical e-mail block refuses;
 *   - at most JOIN_SIGNUPS_PER_HOUR sign-ups from one address an hour.
 * The use of an invite is counted in the transaction that makes the user,
 * so two people racing for its last use cannot both get in.
 */
#ifndef HEARTH_CORE_JOIN_H
#define HEARTH_CORE_JOIN_H

#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

struct arena;
struct db_conn;

enum join_mode {
    JOIN_CLOSED = 0,
    JOIN_OPEN = 1,
    JOIN_APPROVAL = 2,
    JOIN_INVITE = 3,
};

#define JOIN_SIGNUPS_PER_HOUR 10
#define JOIN_INVITE_CODE_CHARS 12
#define JOIN_INVITE_COMMENT_MAX 400
#define JOIN_TEXT_MAX (32 * 1024)

/* The mode now (the setting, else the configuration's). */
enum join_mode join_mode(struct db_conn *c, const struct core *core);
/* "open", "approval", "invite", "closed". */
const char *join_mode_name(enum join_mode m);
/* Parses a mode name; E_INVAL for anything else. */
int join_mode_parse(const char *name, enum join_mode *out);
/*
 * Sets the mode, recording "registrations.update" in the audit log as
 * done by actor (0: the command line). 0 or E_DB.
 */
int join_set_mode(const struct core *core, int64_t actor, enum join_mode m);

/*
 * Sets one of the texts this module owns (site_extended_description,
 * site_privacy_policy, site_contact_email) or members_may_invite ("1" or
 * "0"), with an audit entry "setting.update". E_INVAL for another key,
 * E_LIMIT over JOIN_TEXT_MAX, E_UTF8.
 */
int join_set_text(const struct core *core, int64_t actor, const char *key, const char *value);
/* When key was last set (ms), 0 when never. */
int64_t join_text_updated(struct db_conn *c, const char *key);
/* The text of key ("" when unset; the contact falls back to hearth.conf's), in the arena. */
const char *join_text(struct db_conn *c, struct arena *a, const struct core *core, const char *key);

/*
 * Plain text as HTML: escaped, paragraphs on blank lines, <br> on single
 * newlines. "" for NULL or empty. In the arena.
 */
const char *join_html(struct arena *a, const char *text);

struct invite {
    int64_t id;
    const char *code;
    int64_t account_id;  /* who made it; 0: the command line */
    const char *inviter; /* her username, or "" */
    int max_uses;        /* 0: no limit */
    int uses;
    int64_t expires_at; /* 0: never */
    int autoapprove;
    const char *comment;
    int64_t revoked_at; /* 0: not revoked */
    int64_t created_at;
};

/* Why an invite cannot be used now (static text), or NULL when it can. */
const char *invite_unusable(const struct invite *inv, int64_t now);

/*
 * May account_id make invite links? 0 when she has PERM_MANAGE_INVITES, or
 * PERM_INVITE_USERS while members_may_invite is on; E_FORBIDDEN otherwise.
 */
int invite_may_create(struct db_conn *c, int64_t account_id);

struct invite_new {
    int max_uses;       /* 0: no limit; at most 1000 */
    int64_t expires_in; /* seconds; 0: never; at most a year */
    int autoapprove;
    const char *comment; /* or NULL */
};
/*
 * Makes an invite link for actor (0: the command line, which may always),
 * checked with invite_may_create, with an audit entry "invite.create".
 * E_FORBIDDEN, E_INVAL (with *why), E_DB. *out in the arena.
 */
int invite_create(const struct core *core, struct arena *a, int64_t actor,
                  const struct invite_new *in, struct invite **out, const char **why);
/* An invite by its code (revoked, expired and used-up ones too). E_NOTFOUND. */
int invite_get(struct db_conn *c, struct arena *a, const char *code, struct invite **out);
/*
 * Invites newest first: every one when account_id is 0, else hers. Ended
 * ones (revoked, expired, used up) only with all.
 */
int invite_list(struct db_conn *c, struct arena *a, int64_t account_id, int all,
                struct invite **out, size_t *n);
/*
 * Revokes an invite. Its maker may; so may anyone with
 * PERM_MANAGE_INVITES, and the command line (actor 0). Audit entry
 * "invite.revoke". E_NOTFOUND, E_FORBIDDEN, E_DB.
 */
int invite_revoke(const struct core *core, int64_t actor, int64_t id);

/* Who joined through invites, newest first, for moderators. */
struct invited {
    int64_t account_id;
    const char *username;
    int64_t inviter_id; /* 0: an invite of the command line */
    const char *inviter;
    const char *code;
    int64_t joined_at;
};
int invite_joined(struct db_conn *c, struct arena *a, size_t max, struct invited **out, size_t *n);

/* A sign-up, from the API or the pages. */
struct join_request {
    const char *username;
    const char *email;
    const char *password;
    const char *reason;      /* or NULL */
    const char *locale;      /* or NULL */
    const char *invite_code; /* or NULL / "" */
    const char *ip;          /* the client's address, or NULL */
    int agreement;           /* she accepted the rules */
};

/*
 * Decides and makes a sign-up by the rule above. 0 with the new account
 * and *pending (1: waits for an admin). Refusals: E_FORBIDDEN (closed,
 * invite only, blocked address or e-mail), E_INVAL (a field; *field names
 * it: username, email, password, agreement, reason, invite_code),
 * E_EXISTS (taken), E_LIMIT (too many sign-ups from the address, or a
 * field too long), each with *why (static or in the arena); E_DB.
 */
int join_signup(const struct core *core, struct arena *a, const struct join_request *r,
                int64_t *account_id, int *pending, const char **field, const char **why);

/* A member waiting for approval. */
struct join_pending {
    int64_t account_id;
    const char *username;
    const char *email;
    const char *reason;
    const char *invite_code; /* or NULL */
    int64_t created_at;
};
/* Sign-ups waiting for approval, oldest first (at most max). */
int join_pending_list(struct db_conn *c, struct arena *a, size_t max, struct join_pending **out,
                      size_t *n);
/*
 * Approves (approve 1) or rejects (0: the account is removed) a pending
 * sign-up, as actor (who needs PERM_MANAGE_USERS; 0: the command line).
 * Audit entries "account.approve" / "account.reject". E_NOTFOUND (no such
 * pending sign-up), E_FORBIDDEN, E_DB.
 */
int join_decide(const struct core *core, int64_t actor, int64_t account_id, int approve);

/* One member of the local directory ("who's here"). */
struct join_member {
    int64_t account_id;
    const char *username;
    const char *display_name;
    const char *intro; /* the bio's first line (plain text), or "" */
    int64_t statuses;
    int64_t last_status_at; /* 0: never posted */
    int64_t joined_at;
    int role; /* enum user_role */
};
/*
 * The local directory: approved, enabled, unsuspended members who chose
 * to be discoverable, most recently active first (offset, at most max).
 */
int join_directory(struct db_conn *c, struct arena *a, size_t offset, size_t max,
                   struct join_member **out, size_t *n);
/* The staff: owners, admins and moderators, highest role first. */
int join_staff(struct db_conn *c, struct arena *a, struct join_member **out, size_t *n);

#endif
