/*
 * access_block: address and e-mail blocks that guard sign-ups and logins,
 * and the counters of failed logins.
 *
 * IP blocks (table ip_blocks) name a network in CIDR form, IPv4 or IPv6
 * (a bare address is a /32 or /128), with Mastodon's severities:
 *   sign_up_requires_approval  sign-ups from there wait for an admin
 *   sign_up_block              sign-ups from there are refused
 *   no_access                  no sign-up, no login, no API use, no member
 *                              pages from there
 * An expired block (expires_at passed) no longer applies. When several
 * match, the strongest applies. Blocks are read from the database on each
 * check (a small table), so the command line's changes apply at once.
 *
 * E-mail domain blocks (email_domain_blocks) refuse sign-ups with an
 * address at the domain or any subdomain of it. Canonical e-mail blocks
 * (canonical_email_blocks) refuse one address in all its spellings: the
 * SHA-256 (hex) of its canonical form, as Mastodon computes it: the whole
 * address in lower case, dots removed from the local part and anything
 * after a "+" in it dropped ("Jo.Doe+x@Mail.example" -> "jodoe@mail.example").
 *
 * Every change writes an audit entry ("ip_block.create", ".update",
 * ".destroy"; "email_domain_block.*"; "canonical_email_block.*") as actor
 * (0: the command line).
 *
 * Failed logins (login_guard_*) are counted in memory per account name and
 * per address, in windows of LOGIN_GUARD_WINDOW_S: after
 * LOGIN_GUARD_FAILURES failures at one name (LOGIN_GUARD_ADDRESS_FAILURES
 * from one address, which a household or a library shares) the next
 * attempt is refused with the seconds to wait, whatever the password. The counters are bounded
 * (util/ratelimit) and shared by the login page and the OAuth password
 * grant; a restart forgets them.
 */
#ifndef HEARTH_CORE_ACCESS_BLOCK_H
#define HEARTH_CORE_ACCESS_BLOCK_H

#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

struct arena;
struct db_conn;

enum ip_severity {
    IP_SEVERITY_NONE = 0,
    IP_SIGN_UP_REQUIRES_APPROVAL = 1,
    IP_SIGN_UP_BLOCK = 2,
    IP_NO_ACCESS = 3,
};

#define IP_BLOCK_TEXT_MAX 64
#define ACCESS_COMMENT_MAX 1000

/* Mastodon's name of a severity ("sign_up_block"); parse: E_INVAL for others. */
const char *ip_severity_name(enum ip_severity s);
int ip_severity_parse(const char *name, enum ip_severity *out);

/*
 * Checks a network or address and writes its canonical CIDR text
 * ("192.0.2.0/24": host bits cleared, "2001:db8::/32") into out. E_INVAL.
 */
int ip_block_canonical(const char *text, char out[IP_BLOCK_TEXT_MAX]);

struct ip_block {
    int64_t id;
    const char *ip; /* canonical CIDR */
    enum ip_severity severity;
    const char *comment;
    int64_t expires_at; /* 0: never */
    int64_t created_at;
    int64_t updated_at;
};

/* Every block, newest first (expired ones too, until removed). */
int ip_block_list(struct db_conn *c, struct arena *a, struct ip_block **out, size_t *n);
int ip_block_get(struct db_conn *c, struct arena *a, int64_t id, struct ip_block **out);
/*
 * Adds a block (expires_in seconds; 0: never). E_INVAL with *why (a bad
 * network, severity or comment), E_EXISTS (that network is blocked
 * already), E_DB.
 */
int ip_block_create(const struct core *core, struct arena *a, int64_t actor, const char *ip,
                    enum ip_severity severity, const char *comment, int64_t expires_in,
                    struct ip_block **out, const char **why);
/*
 * Changes a block: NULL / IP_SEVERITY_NONE / expires_in -1 leave a field
 * (expires_in 0 removes the expiry). Same errors, and E_NOTFOUND.
 */
int ip_block_update(const struct core *core, struct arena *a, int64_t actor, int64_t id,
                    const char *ip, enum ip_severity severity, const char *comment,
                    int64_t expires_in, struct ip_block **out, const char **why);
int ip_block_delete(const struct core *core, int64_t actor, int64_t id);
/* The strongest severity of the unexpired blocks matching address ip (NONE for NULL). */
enum ip_severity ip_block_severity(struct db_conn *c, const char *ip);

struct email_domain_block {
    int64_t id;
    const char *domain;
    int64_t created_at;
};
int email_domain_block_list(struct db_conn *c, struct arena *a, struct email_domain_block **out,
                            size_t *n);
int email_domain_block_get(struct db_conn *c, struct arena *a, int64_t id,
                           struct email_domain_block **out);
/* Adds a domain (lower-cased). E_INVAL with *why, E_EXISTS, E_DB. */
int email_domain_block_create(const struct core *core, struct arena *a, int64_t actor,
                              const char *domain, struct email_domain_block **out,
                              const char **why);
int email_domain_block_delete(const struct core *core, int64_t actor, int64_t id);

/* SHA-256 hex of the canonical form of email into out (65 bytes). E_INVAL without "@". */
int canonical_email_hash(const char *email, char out[65]);

struct canonical_email_block {
    int64_t id;
    const char *hash;
    int64_t created_at;
};
int canonical_email_block_list(struct db_conn *c, struct arena *a,
                               struct canonical_email_block **out, size_t *n);
int canonical_email_block_get(struct db_conn *c, struct arena *a, int64_t id,
                              struct canonical_email_block **out);
/*
 * Blocks an address (email) or a hash given as is (hash: 64 hex digits).
 * E_INVAL with *why, E_EXISTS, E_DB.
 */
int canonical_email_block_create(const struct core *core, struct arena *a, int64_t actor,
                                 const char *email, const char *hash,
                                 struct canonical_email_block **out, const char **why);
int canonical_email_block_delete(const struct core *core, int64_t actor, int64_t id);
/* The blocks matching an address (for /test), in the arena. */
int canonical_email_block_match(struct db_conn *c, struct arena *a, const char *email,
                                struct canonical_email_block **out, size_t *n);

/*
 * Is a sign-up with this address refused? 1 with *why (static text) when
 * its domain (or a parent) or its canonical form is blocked, else 0.
 */
int email_blocked(struct db_conn *c, const char *email, const char **why);

#define LOGIN_GUARD_FAILURES 5          /* per account name */
#define LOGIN_GUARD_ADDRESS_FAILURES 20 /* per address (people share addresses) */
#define LOGIN_GUARD_WINDOW_S 300

/*
 * Before checking a password: the seconds to wait when the login name or
 * the address had its number of failures in the current window,
 * else 0. Always 0 when the server runs without rate limits.
 */
int64_t login_guard_wait(const struct core *core, const char *ip, const char *login);
/* Counts a failed login of login from ip. */
void login_guard_failed(const struct core *core, const char *ip, const char *login);

/*
 * Before a login (the login page, OAuth's password grant and authorize
 * form): 0 to go on; E_FORBIDDEN when ip is under a no_access block;
 * E_BUSY with *wait (seconds) when login_guard_wait says so. The caller
 * reports a wrong password with login_guard_failed.
 */
int access_login_check(const struct core *core, const char *ip, const char *login, int64_t *wait);
/* 1 when ip is under an unexpired no_access block (for API and member page requests). */
int access_denied(const struct core *core, const char *ip);

#endif
