/*
 * oauth: apps, authorization codes, access tokens and scopes (OAuth 2 as
 * the Mastodon client API uses it).
 *
 * Secrets, codes and tokens are random 256-bit values shown to the client
 * once; only their SHA-256 is stored. Codes live ten minutes and are
 * single use; a PKCE S256 challenge, when given, must be answered.
 * Strings returned are allocated from the caller's arena.
 */
#ifndef HEARTH_CORE_OAUTH_H
#define HEARTH_CORE_OAUTH_H

#include <stdint.h>

struct arena;
struct core;
struct db_conn;

#define OAUTH_OOB_URI "urn:ietf:wg:oauth:2.0:oob"

struct oauth_app {
    int64_t id;
    const char *name;
    const char *website;
    const char *redirect_uris; /* newline-separated */
    const char *scopes;        /* space-separated */
    const char *client_id;
    const char *client_secret; /* clear text: only right after creation */
};

struct oauth_token {
    int64_t id;
    int64_t app_id;
    int64_t account_id; /* 0 for an app token (client credentials) */
    const char *scopes;
    int64_t created_at;
    int pending; /* the account signed up and waits for approval */
};

/*
 * Normalizes a space- or plus-separated scope list ("read write:statuses")
 * into the arena, each scope checked against the known ones; empty means
 * "read". 0 or E_INVAL with the unknown scope in *bad.
 */
int oauth_scopes_parse(struct arena *a, const char *text, const char **out, const char **bad);
/* 1 when the granted scopes include (or imply) every scope of required. */
int oauth_scopes_cover(const char *granted, const char *required);

/*
 * Registers an app. redirect_uris are newline- or space-separated absolute
 * URIs (or the out-of-band URN). 0, or E_INVAL with *why.
 */
int oauth_app_create(const struct core *core, struct arena *a, const char *name,
                     const char *website, const char *redirect_uris, const char *scopes,
                     struct oauth_app **out, const char **why);
/* By client id; with secret non-NULL, E_AUTH unless it matches. */
int oauth_app_find(struct db_conn *c, struct arena *a, const char *client_id, const char *secret,
                   struct oauth_app **out);
int oauth_app_get(struct db_conn *c, struct arena *a, int64_t id, struct oauth_app **out);
/* 1 when uri is one of the app's registered redirect URIs. */
int oauth_app_redirect_ok(const struct oauth_app *app, const char *uri);

/* Issues a single-use code for account (after login and consent). */
int oauth_code_create(const struct core *core, struct arena *a, int64_t app_id, int64_t account_id,
                      const char *scopes, const char *redirect_uri, const char *code_challenge,
                      const char **code);
/*
 * Redeems a code: it must belong to the app, match the redirect URI, be
 * unexpired and (with PKCE) match the verifier. Returns the account and
 * scopes; E_AUTH otherwise. The code is gone either way.
 */
int oauth_code_redeem(const struct core *core, struct arena *a, int64_t app_id, const char *code,
                      const char *redirect_uri, const char *verifier, int64_t *account_id,
                      const char **scopes);

/* Issues an access token (and a refresh token when refresh is non-NULL). */
int oauth_token_create(const struct core *core, struct arena *a, int64_t app_id, int64_t account_id,
                       const char *scopes, const char **token, const char **refresh);
/* Finds a live token. 0, or E_AUTH when unknown or revoked. */
int oauth_token_lookup(struct db_conn *c, struct arena *a, const char *token,
                       struct oauth_token **out);
/* Exchanges a refresh token for a new pair; the old pair is revoked. */
int oauth_token_refresh(const struct core *core, struct arena *a, int64_t app_id,
                        const char *refresh, const char **token, const char **new_refresh,
                        const char **scopes);
/* Revokes the app's token (access or refresh); revoking an unknown token is not an error. */
int oauth_token_revoke(const struct core *core, int64_t app_id, const char *token);

#endif
