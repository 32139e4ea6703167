/*
 * session: members signed in through Hearth's own pages, and the list of
 * everything that holds a member's access (Settings > Sessions).
 *
 * A web session is an access token of the built-in app "Hearth web" (made
 * on first use), kept by the browser in an HttpOnly cookie: the same token
 * table as apps' tokens, so one list shows both, one revocation ends
 * either, and the streaming API accepts the cookie's token for the live
 * updates. A session unused for SESSION_IDLE_S ends by itself. Strings
 * come from the caller's arena.
 */
#ifndef HEARTH_CORE_SESSION_H
#define HEARTH_CORE_SESSION_H

#include <stddef.h>
#include <stdint.h>

struct arena;
struct core;
struct db_conn;

#define SESSION_COOKIE "hearth_session"
#define SESSION_IDLE_S (30 * 24 * 3600)
#define SESSION_SCOPES "read write follow push"
#define SESSION_CSRF_LEN 43 /* characters of a CSRF token */

struct session {
    int64_t token_id;
    int64_t account_id;
    int64_t created_at;
};

/*
 * Signs in: login is a username or an email. 0 with the account and the
 * new session's token (the cookie's value); E_AUTH for a wrong login or
 * password, a pending, disabled or suspended member (one answer for all,
 * as user_authenticate gives).
 */
int session_login(const struct core *core, struct arena *a, const char *login, const char *password,
                  int64_t *account_id, const char **token);
/*
 * The live session of token. 0; E_AUTH when unknown, revoked, not a web
 * session, idle too long, or its member is suspended or not approved.
 * Notes the use (at most once a minute; harmless if that write fails).
 */
int session_lookup(const struct core *core, struct arena *a, const char *token,
                   struct session *out);
/* Ends the session of token (an unknown token is not an error). */
int session_logout(const struct core *core, const char *token);

/*
 * The CSRF token that goes with secret (a session's token, or a signed-out
 * visitor's random cookie): derived, so nothing is stored. In the arena.
 */
const char *session_csrf(struct arena *a, const char *secret);
/* 1 when given is the CSRF token of secret (constant time), 0 otherwise. */
int session_csrf_ok(const char *secret, const char *given);
/* A fresh random secret for a signed-out visitor's CSRF cookie, in the arena. */
const char *session_random(struct arena *a);

/* One token that gives access to a member's account. */
struct session_info {
    int64_t id;
    const char *app_name;
    const char *app_website; /* NULL when none */
    const char *scopes;
    int web; /* a session of Hearth's own pages */
    int64_t created_at;
    int64_t last_used_at; /* 0 when never noted */
};
/* The member's live tokens, the most recently used first. */
int session_list(struct db_conn *c, struct arena *a, int64_t account_id, struct session_info **out,
                 size_t *n);
/* Revokes one of the member's tokens. 0, E_NOTFOUND (not hers, or gone), E_DB. */
int session_revoke(const struct core *core, int64_t account_id, int64_t token_id);
/* Revokes every live token of the member but keep_token_id (after a new password). 0, E_DB. */
int session_revoke_others(const struct core *core, int64_t account_id, int64_t keep_token_id);

#endif
