/*
 * account: accounts (local and remote) and local users.
 *
 * An account is anyone who can post: a member here (domain NULL) or an
 * actor on another server. A user is the login of a local account: email,
 * password hash, role. Structs returned are allocated from the caller's
 * arena. Functions taking a struct db_conn run inside the caller's
 * connection (and transaction); those taking only the struct core open
 * their own.
 */
#ifndef HEARTH_CORE_ACCOUNT_H
#define HEARTH_CORE_ACCOUNT_H

#include <stddef.h>
#include <stdint.h>

#include "util/limits.h"

struct arena;
struct core;
struct db_conn;
struct db_stmt;

enum user_role {
    USER_ROLE_MEMBER = 0,
    USER_ROLE_MODERATOR = 1,
    USER_ROLE_ADMIN = 2,
    USER_ROLE_OWNER = 3,
};

struct account {
    int64_t id;
    const char *username;
    const char *domain; /* NULL for a local account */
    const char *acct;   /* "alice" or "bob@social.example" */
    const char *display_name;
    const char *note;   /* HTML */
    const char *fields; /* JSON array text */
    const char *uri;
    const char *url;
    const char *inbox_url;
    const char *shared_inbox_url;
    const char *public_key_pem;
    const char *actor_type;
    int locked;
    int bot;
    int discoverable;
    int64_t created_at;
    int64_t updated_at;
    int64_t suspended_at;       /* 0 when not suspended */
    const char *ed25519_public; /* Multikey publicKeyMultibase, or NULL */
    const char *ed25519_key_id; /* remote: that key's id, or NULL */
    const char *moved_to_uri;   /* the actor it moved to (Move), or NULL */
};

struct user_info {
    int64_t account_id;
    const char *username;
    const char *email;
    enum user_role role;
    int64_t created_at;
};

/* A local user's login and preferences. */
struct user {
    int64_t account_id;
    const char *username;
    const char *email;
    enum user_role role;
    int approved;
    int confirmed;
    int disabled;
    const char *locale;
    int default_visibility; /* enum status_visibility */
    int default_sensitive;
    const char *default_language; /* NULL when unset */
    int64_t created_at;
    int64_t last_login_at; /* 0 when never */
};

/* Counts shown on a profile. */
struct account_counts {
    int64_t statuses; /* including boosts, as Mastodon counts */
    int64_t followers;
    int64_t following;
    int64_t last_status_at; /* ms; 0 when it never posted */
};

/* "member", "moderator", "admin" or "owner". */
const char *user_role_name(enum user_role role);

/* By id. 0 or E_NOTFOUND, E_DB. */
int account_get(struct db_conn *c, struct arena *a, int64_t id, struct account **out);

/* The columns account_from_row() reads, in its order. */
#define ACCOUNT_COLUMNS                                                                            \
    "id, username, domain, display_name, note, fields, uri, url, inbox_url, shared_inbox_url,"     \
    " public_key_pem, actor_type, locked, bot, discoverable, created_at, updated_at,"              \
    " COALESCE(suspended_at, 0), ed25519_public, ed25519_key_id, moved_to_uri"
/* How many columns ACCOUNT_COLUMNS names: a query's own columns follow. */
#define ACCOUNT_NCOLUMNS 21
/* The account of the current row, in the arena, from columns 0.. of ACCOUNT_COLUMNS. */
struct account *account_from_row(struct arena *a, struct db_stmt *s);
/* A local account by username (case-insensitive). */
int account_find_local(struct db_conn *c, struct arena *a, const char *username,
                       struct account **out);
/*
 * An account by username and domain (NULL or our own domain for local;
 * case-insensitive). local_domain is the server's domain.
 */
int account_find(struct db_conn *c, struct arena *a, const char *username, const char *domain,
                 const char *local_domain, struct account **out);
/* By actor URI. */
int account_find_by_uri(struct db_conn *c, struct arena *a, const char *uri, struct account **out);

/*
 * Checks a username for a new local account: ASCII letters, digits and
 * "_", 1 to
 * LIMIT_USERNAME_CHARS, not reserved. 0 or E_INVAL with *why.
 */
int account_check_username(const char *username, const char **why);

/*
 * Creates a local account and its user in one transaction: validates the
 * username, the email (syntax, case-insensitively unique) and the password
 * (LIMIT_PASSWORD_MIN..MAX bytes), hashes it (argon2id), makes the RSA key
 * pair, and sets uri BASE/users/NAME and url BASE/@NAME. Returns 0 and the
 * account id, or E_INVAL / E_EXISTS with *why (static text) naming the
 * field ("username is already taken"), E_DB (*why NULL then). The
 * username keeps the case it was given; uniqueness ignores case.
 */
int user_create(const struct core *core, const char *username, const char *email,
                const char *password, enum user_role role, int64_t *account_id, const char **why);
/* How a person signed up through the API (user_register). */
struct user_signup {
    int pending;        /* the admins approve her first: she cannot log in until then */
    const char *reason; /* why she wants to join (approval mode), or NULL */
    const char *locale; /* "en" when NULL or empty */
    int64_t invite_id;  /* the invite she came with (core/join.h), or 0 */
};
/*
 * A sign-up: a member account, approved at once unless su->pending (a
 * pending user cannot log in: user_authenticate refuses her as it refuses
 * a wrong password). Same checks and errors as user_create. With an
 * invite, its use is counted in the same transaction: E_LIMIT (*why says
 * so) when it was revoked, expired or used up meanwhile.
 */
int user_register(const struct core *core, const char *username, const char *email,
                  const char *password, const struct user_signup *su, int64_t *account_id,
                  const char **why);
/* Approves a pending sign-up. 0, E_NOTFOUND (no such local user), E_DB. */
int user_approve(const struct core *core, const char *username);
/* Sets a local user's password. 0, E_NOTFOUND, E_INVAL (with *why), E_DB. */
int user_set_password(const struct core *core, const char *username, const char *password,
                      const char **why);
/* Every local user, oldest first. */
int user_list(const struct core *core, struct arena *a, struct user_info **out, size_t *n);
/*
 * Checks a login: login is a username or an email. 0 and the account id
 * when the password matches an enabled user, E_AUTH otherwise (the same
 * answer for an unknown login, to not reveal which exist).
 */
int user_authenticate(const struct core *core, const char *login, const char *password,
                      int64_t *account_id);
/* The role of a local account's user; E_NOTFOUND for remote accounts. */
int user_role(struct db_conn *c, int64_t account_id, enum user_role *role);
/* The user of a local account; E_NOTFOUND for remote accounts. */
int user_get(struct db_conn *c, struct arena *a, int64_t account_id, struct user **out);
/* Statuses, followers and following of an account (accepted follows only). */
int account_counts(struct db_conn *c, int64_t id, struct account_counts *out);

/*
 * Updates a local account's profile. NULL leaves a field unchanged; the
 * note is plain text (at most LIMIT_NOTE_CHARS), stored as given and as
 * HTML made by text_format (escaped, links and hashtags linked). locked
 * and bot are -1 to leave them. 0, E_INVAL (too long, bad UTF-8, with
 * *why), E_NOTFOUND (no such local account), E_DB.
 */
int account_update_profile(struct db_conn *c, int64_t id, const char *display_name,
                           const char *note, int locked, int bot, const char **why);

/*
 * A local user's posting defaults and discoverability. NULL or -1 leaves a
 * field; language "" clears it. E_INVAL with *why for a level or language
 * that is not one.
 */
int user_update_defaults(struct db_conn *c, int64_t id, const char *privacy, int sensitive,
                         const char *language, int discoverable, const char **why);

/*
 * Replaces a local account's profile fields: up to LIMIT_FIELDS name/value
 * pairs of plain text (names up to 255, values up to 2,047 characters);
 * values are stored as escaped HTML with links. E_INVAL with *why.
 */
int account_set_fields(struct db_conn *c, int64_t id, const char *const *names,
                       const char *const *values, size_t n, const char **why);

/* What a member typed for her profile, for her to change it (source). */
struct account_source {
    const char *note; /* the bio as typed ("" when none) */
    const char *field_names[LIMIT_FIELDS];
    const char *field_values[LIMIT_FIELDS]; /* as typed (older fields: their stored value) */
    size_t n_fields;
};
/* A local account's source, in a. E_NOTFOUND for a remote or unknown account, E_DB. */
int account_profile_source(struct db_conn *c, struct arena *a, int64_t id,
                           struct account_source *out);

/* What federation knows of a remote actor. */
struct account_remote {
    const char *uri;
    const char *username;
    const char *domain;
    const char *display_name;
    const char *note; /* sanitized HTML */
    const char *url;
    const char *inbox_url;
    const char *shared_inbox_url;
    const char *outbox_url;
    const char *followers_url;
    const char *following_url;
    const char *public_key_pem;
    const char *actor_type;
    int locked;
    int bot;
    int discoverable;
    const char *ed25519_public; /* from a Multikey in assertionMethod, or NULL */
    const char *ed25519_key_id;
    const char *also_known_as; /* JSON array text, or NULL */
};

/*
 * Inserts or updates a remote account, keyed by its URI. Returns 0 and the
 * account id; E_INVAL when a required field (uri, username, domain) is
 * missing; E_EXISTS when another actor holds username@domain.
 */
int account_upsert_remote(struct db_conn *c, const struct account_remote *r, int64_t *id);

/* A remote account said it moved to target (a Move the ActivityPub side checked). */
int account_set_moved(const struct core *core, int64_t account, const char *target_uri);

/*
 * A member's Ed25519 key as a Multikey publicKeyMultibase ("z6Mk...",
 * arena), made and stored on first use. E_NOTFOUND for remote accounts.
 */
int account_ed25519(const struct core *core, struct arena *a, int64_t account,
                    const char **multibase);

/*
 * Whether a member's public posts are offered as RSS and Atom feeds (she
 * may turn that off; on by default). *enabled is 1 or 0. E_NOTFOUND for a
 * remote or unknown account, E_DB.
 */
int account_feed_enabled(struct db_conn *c, int64_t account_id, int *enabled);
/*
 * Turns a member's feeds on (enabled 1) or off (0), in its own write
 * transaction. E_NOTFOUND for a remote or unknown account, E_DB.
 */
int account_feed_set(const struct core *core, int64_t account_id, int enabled);

#endif
