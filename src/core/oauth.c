/*
 * oauth: storage and checks for apps, codes and tokens.
 */
#include "core/oauth.h"

#include <ctype.h>
#include <string.h>

#include <sodium.h>

#include "core/core.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/id.h"
#include "util/timeutil.h"

#define CODE_LIFETIME_MS (10 * 60 * 1000)

/* Every scope the Mastodon API knows, plus the three umbrella scopes. */
static const char *known_scopes[] = {
    "read",
    "write",
    "follow",
    "push",
    "profile",
    "admin:read",
    "admin:write",
    "read:accounts",
    "read:blocks",
    "read:bookmarks",
    "read:favourites",
    "read:filters",
    "read:follows",
    "read:lists",
    "read:mutes",
    "read:notifications",
    "read:search",
    "read:statuses",
    "write:accounts",
    "write:blocks",
    "write:bookmarks",
    "write:conversations",
    "write:favourites",
    "write:filters",
    "write:follows",
    "write:lists",
    "write:media",
    "write:mutes",
    "write:notifications",
    "write:reports",
    "write:statuses",
    "admin:read:accounts",
    "admin:read:reports",
    "admin:read:domain_allows",
    "admin:read:domain_blocks",
    "admin:read:ip_blocks",
    "admin:read:email_domain_blocks",
    "admin:read:canonical_email_blocks",
    "admin:write:accounts",
    "admin:write:reports",
    "admin:write:domain_allows",
    "admin:write:domain_blocks",
    "admin:write:ip_blocks",
    "admin:write:email_domain_blocks",
    "admin:write:canonical_email_blocks",
};

static int scope_known(const char *s, size_t n)
{
    for (size_t i = 0; i < sizeof(known_scopes) / sizeof(known_scopes[0]); i++) {
        if (strlen(known_scopes[i]) == n && !strncmp(known_scopes[i], s, n))
            return 1;
    }
    return 0;
}

int oauth_scopes_parse(struct arena *a, const char *text, const char **out, const char **bad)
{
    struct buf b;
    buf_init(&b, 4096);
    const char *p = text ? text : "";
    int rc = 0;
    while (*p) {
        while (*p == ' ' || *p == '+' || *p == ',')
            p++;
        const char *start = p;
        while (*p && *p != ' ' && *p != '+' && *p != ',')
            p++;
        size_t n = (size_t)(p - start);
        if (!n)
            continue;
        if (!scope_known(start, n)) {
            *bad = arena_strndup(a, start, n);
            rc = E_INVAL;
            goto out;
        }
        if (b.len)
            buf_putc(&b, ' ');
        if (buf_append(&b, start, n)) {
            rc = E_INVAL;
            *bad = "(too many scopes)";
            goto out;
        }
    }
    *out = arena_strdup(a, b.len ? buf_cstr(&b) : "read");
out:
    buf_fini(&b);
    return rc;
}

/* Does one granted scope imply the required one? */
static int implies(const char *g, size_t gn, const char *r, size_t rn)
{
    if (gn == rn && !strncmp(g, r, gn))
        return 1;
    /* "read" covers "read:x", "admin:read" covers "admin:read:x". */
    if (rn > gn && !strncmp(g, r, gn) && r[gn] == ':')
        return 1;
    /* The legacy "follow" scope covers follows, blocks and mutes. */
    if (gn == 6 && !strncmp(g, "follow", 6)) {
        static const char *covered[] = {"read:follows", "write:follows", "read:blocks",
                                        "write:blocks", "read:mutes",    "write:mutes"};
        for (size_t i = 0; i < sizeof(covered) / sizeof(covered[0]); i++) {
            if (strlen(covered[i]) == rn && !strncmp(covered[i], r, rn))
                return 1;
        }
    }
    /* "profile" is the narrow scope of verify_credentials. */
    return 0;
}

int oauth_scopes_cover(const char *granted, const char *required)
{
    const char *r = required;
    while (*r) {
        while (*r == ' ')
            r++;
        const char *rs = r;
        while (*r && *r != ' ')
            r++;
        size_t rn = (size_t)(r - rs);
        if (!rn)
            continue;
        int ok = 0;
        const char *g = granted;
        while (*g && !ok) {
            while (*g == ' ')
                g++;
            const char *gs = g;
            while (*g && *g != ' ')
                g++;
            if (g > gs)
                ok = implies(gs, (size_t)(g - gs), rs, rn);
        }
        if (!ok)
            return 0;
    }
    return 1;
}

static const char *random_token(struct arena *a)
{
    unsigned char raw[32];
    char text[64];
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2base64(text, sizeof(text), raw, sizeof(raw),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return arena_strdup(a, text);
}

static const char *hash_hex(struct arena *a, const char *secret)
{
    unsigned char h[crypto_hash_sha256_BYTES];
    char hex[crypto_hash_sha256_BYTES * 2 + 1];
    crypto_hash_sha256(h, (const unsigned char *)secret, strlen(secret));
    sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
    return arena_strdup(a, hex);
}

static int check_redirects(struct arena *a, const char *text, const char **out, const char **why)
{
    struct buf b;
    buf_init(&b, 4096);
    const char *p = text ? text : "";
    int rc = 0;
    while (*p) {
        while (*p && isspace((unsigned char)*p))
            p++;
        const char *start = p;
        while (*p && !isspace((unsigned char)*p))
            p++;
        size_t n = (size_t)(p - start);
        if (!n)
            continue;
        const char *colon = memchr(start, ':', n);
        /* An absolute URI: a scheme, then something. */
        int ok = colon && colon > start && (size_t)(colon - start) + 1 < n;
        for (const char *q = start; ok && q < colon; q++)
            ok = isalnum((unsigned char)*q) || *q == '+' || *q == '-' || *q == '.';
        if (ok && !strncmp(start, "javascript:", 11))
            ok = 0;
        if (!ok) {
            *why = "redirect_uris must be absolute URIs";
            rc = E_INVAL;
            goto out;
        }
        if (b.len)
            buf_putc(&b, '\n');
        if (buf_append(&b, start, n)) {
            *why = "redirect_uris is too long";
            rc = E_INVAL;
            goto out;
        }
    }
    if (!b.len) {
        *why = "redirect_uris can't be blank";
        rc = E_INVAL;
        goto out;
    }
    *out = arena_strdup(a, buf_cstr(&b));
out:
    buf_fini(&b);
    return rc;
}

int oauth_app_create(const struct core *core, struct arena *a, const char *name,
                     const char *website, const char *redirect_uris, const char *scopes,
                     struct oauth_app **out, const char **why)
{
    if (!name || !*name) {
        *why = "client_name can't be blank";
        return E_INVAL;
    }
    if (strlen(name) > 200 || (website && strlen(website) > 2000)) {
        *why = "client_name or website is too long";
        return E_INVAL;
    }
    const char *uris, *norm, *bad = NULL;
    int rc = check_redirects(a, redirect_uris, &uris, why);
    if (rc)
        return rc;
    if (oauth_scopes_parse(a, scopes, &norm, &bad)) {
        *why = arena_printf(a, "scopes: unknown scope %s", bad);
        return E_INVAL;
    }
    struct oauth_app *app = arena_zalloc(a, sizeof(*app));
    app->id = id_next();
    app->name = name;
    app->website = website;
    app->redirect_uris = uris;
    app->scopes = norm;
    app->client_id = random_token(a);
    app->client_secret = random_token(a);
    struct db_conn *c;
    rc = db_acquire(core->db, DB_WRITE, &c);
    if (rc)
        return rc;
    struct db_stmt *s;
    rc = db_prepare(c,
                    "INSERT INTO oauth_apps (id, name, website, redirect_uris, scopes, client_id,"
                    " client_secret_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    &s);
    if (rc == 0) {
        db_bind_i64(s, 1, app->id);
        db_bind_text(s, 2, name);
        db_bind_text(s, 3, website && *website ? website : NULL);
        db_bind_text(s, 4, uris);
        db_bind_text(s, 5, norm);
        db_bind_text(s, 6, app->client_id);
        db_bind_text(s, 7, hash_hex(a, app->client_secret));
        db_bind_i64(s, 8, time_now_ms());
        rc = db_step(s);
        db_stmt_done(s);
        rc = rc < 0 ? rc : 0;
    }
    db_release(c);
    if (rc == 0)
        *out = app;
    return rc;
}

static int read_app(struct db_conn *c, struct arena *a, const char *sql, const char *key,
                    int64_t id, const char *secret, struct oauth_app **out)
{
    struct db_stmt *s;
    int rc = db_prepare(c, sql, &s);
    if (rc)
        return rc;
    if (key)
        db_bind_text(s, 1, key);
    else
        db_bind_i64(s, 1, id);
    rc = db_step(s);
    if (rc != DB_ROW) {
        db_stmt_done(s);
        return rc < 0 ? rc : E_NOTFOUND;
    }
    struct oauth_app *app = arena_zalloc(a, sizeof(*app));
    app->id = db_col_i64(s, 0);
    app->name = arena_strdup(a, db_col_text(s, 1));
    app->website = arena_strdup(a, db_col_text(s, 2));
    app->redirect_uris = arena_strdup(a, db_col_text(s, 3));
    app->scopes = arena_strdup(a, db_col_text(s, 4));
    app->client_id = arena_strdup(a, db_col_text(s, 5));
    const char *stored = arena_strdup(a, db_col_text(s, 6));
    db_stmt_done(s);
    if (secret) {
        const char *h = hash_hex(a, secret);
        if (strlen(h) != strlen(stored) || sodium_memcmp(h, stored, strlen(h)) != 0)
            return E_AUTH;
    }
    *out = app;
    return 0;
}

int oauth_app_find(struct db_conn *c, struct arena *a, const char *client_id, const char *secret,
                   struct oauth_app **out)
{
    return read_app(c, a,
                    "SELECT id, name, website, redirect_uris, scopes, client_id,"
                    " client_secret_hash FROM oauth_apps WHERE client_id = ?",
                    client_id, 0, secret, out);
}

int oauth_app_get(struct db_conn *c, struct arena *a, int64_t id, struct oauth_app **out)
{
    return read_app(c, a,
                    "SELECT id, name, website, redirect_uris, scopes, client_id,"
                    " client_secret_hash FROM oauth_apps WHERE id = ?",
                    NULL, id, NULL, out);
}

int oauth_app_redirect_ok(const struct oauth_app *app, const char *uri)
{
    size_t n = strlen(uri);
    const char *p = app->redirect_uris;
    while (*p) {
        const char *end = strchr(p, '\n');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == n && !strncmp(p, uri, n))
            return 1;
        if (!end)
            break;
        p = end + 1;
    }
    return 0;
}

int oauth_code_create(const struct core *core, struct arena *a, int64_t app_id, int64_t account_id,
                      const char *scopes, const char *redirect_uri, const char *code_challenge,
                      const char **code)
{
    const char *clear = random_token(a);
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_WRITE, &c);
    if (rc)
        return rc;
    struct db_stmt *s;
    rc = db_prepare(c,
                    "INSERT INTO oauth_codes (code_hash, app_id, account_id, scopes, redirect_uri,"
                    " code_challenge, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    &s);
    if (rc == 0) {
        db_bind_text(s, 1, hash_hex(a, clear));
        db_bind_i64(s, 2, app_id);
        db_bind_i64(s, 3, account_id);
        db_bind_text(s, 4, scopes);
        db_bind_text(s, 5, redirect_uri);
        db_bind_text(s, 6, code_challenge && *code_challenge ? code_challenge : NULL);
        db_bind_i64(s, 7, time_now_ms() + CODE_LIFETIME_MS);
        rc = db_step(s);
        db_stmt_done(s);
        rc = rc < 0 ? rc : 0;
    }
    db_release(c);
    if (rc == 0)
        *code = clear;
    return rc;
}

/* BASE64URL(SHA256(verifier)) == challenge, compared in constant time. */
static int pkce_ok(const char *verifier, const char *challenge)
{
    if (!verifier)
        return 0;
    size_t n = strlen(verifier);
    if (n < 43 || n > 128)
        return 0;
    unsigned char h[crypto_hash_sha256_BYTES];
    char b64[64];
    crypto_hash_sha256(h, (const unsigned char *)verifier, n);
    sodium_bin2base64(b64, sizeof(b64), h, sizeof(h), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return strlen(b64) == strlen(challenge) && sodium_memcmp(b64, challenge, strlen(b64)) == 0;
}

int oauth_code_redeem(const struct core *core, struct arena *a, int64_t app_id, const char *code,
                      const char *redirect_uri, const char *verifier, int64_t *account_id,
                      const char **scopes)
{
    const char *h = hash_hex(a, code ? code : "");
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_WRITE, &c);
    if (rc)
        return rc;
    struct db_stmt *s;
    rc = db_prepare(c,
                    "SELECT app_id, account_id, scopes, redirect_uri, code_challenge, expires_at"
                    " FROM oauth_codes WHERE code_hash = ?",
                    &s);
    if (rc)
        goto out;
    db_bind_text(s, 1, h);
    rc = db_step(s);
    if (rc != DB_ROW) {
        db_stmt_done(s);
        rc = rc < 0 ? rc : E_AUTH;
        goto out;
    }
    int64_t code_app = db_col_i64(s, 0);
    int64_t acc = db_col_i64(s, 1);
    const char *sc = arena_strdup(a, db_col_text(s, 2));
    const char *ruri = arena_strdup(a, db_col_text(s, 3));
    const char *challenge = arena_strdup(a, db_col_text(s, 4));
    int64_t expires = db_col_i64(s, 5);
    db_stmt_done(s);
    /* Single use: the code is deleted whatever happens next. */
    rc = db_prepare(c, "DELETE FROM oauth_codes WHERE code_hash = ? OR expires_at < ?", &s);
    if (rc)
        goto out;
    db_bind_text(s, 1, h);
    db_bind_i64(s, 2, time_now_ms());
    db_step(s);
    db_stmt_done(s);
    rc = E_AUTH;
    if (code_app != app_id || expires < time_now_ms())
        goto out;
    if (!redirect_uri || strcmp(redirect_uri, ruri) != 0)
        goto out;
    if (challenge && !pkce_ok(verifier, challenge))
        goto out;
    *account_id = acc;
    *scopes = sc;
    rc = 0;
out:
    db_release(c);
    return rc;
}

int oauth_token_create(const struct core *core, struct arena *a, int64_t app_id, int64_t account_id,
                       const char *scopes, const char **token, const char **refresh)
{
    const char *t = random_token(a);
    const char *r = refresh ? random_token(a) : NULL;
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_WRITE, &c);
    if (rc)
        return rc;
    struct db_stmt *s;
    rc = db_prepare(c,
                    "INSERT INTO oauth_tokens (id, token_hash, refresh_hash, app_id, account_id,"
                    " scopes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    &s);
    if (rc == 0) {
        db_bind_i64(s, 1, id_next());
        db_bind_text(s, 2, hash_hex(a, t));
        db_bind_text(s, 3, r ? hash_hex(a, r) : NULL);
        db_bind_i64(s, 4, app_id);
        if (account_id)
            db_bind_i64(s, 5, account_id);
        else
            db_bind_null(s, 5);
        db_bind_text(s, 6, scopes);
        db_bind_i64(s, 7, time_now_ms());
        rc = db_step(s);
        db_stmt_done(s);
        rc = rc < 0 ? rc : 0;
    }
    db_release(c);
    if (rc == 0) {
        *token = t;
        if (refresh)
            *refresh = r;
    }
    return rc;
}

int oauth_token_lookup(struct db_conn *c, struct arena *a, const char *token,
                       struct oauth_token **out)
{
    struct db_stmt *s;
    int rc = db_prepare(c,
                        "SELECT t.id, t.app_id, COALESCE(t.account_id, 0), t.scopes, t.created_at,"
                        " COALESCE((SELECT 1 - u.approved FROM users u"
                        " WHERE u.account_id = t.account_id), 0)"
                        " FROM oauth_tokens t LEFT JOIN accounts ac ON ac.id = t.account_id"
                        " WHERE t.token_hash = ? AND t.revoked_at IS NULL"
                        " AND ac.suspended_at IS NULL",
                        &s);
    if (rc)
        return rc;
    db_bind_text(s, 1, hash_hex(a, token));
    rc = db_step(s);
    if (rc == DB_ROW) {
        struct oauth_token *t = arena_zalloc(a, sizeof(*t));
        t->id = db_col_i64(s, 0);
        t->app_id = db_col_i64(s, 1);
        t->account_id = db_col_i64(s, 2);
        t->scopes = arena_strdup(a, db_col_text(s, 3));
        t->created_at = db_col_i64(s, 4);
        t->pending = (int)db_col_i64(s, 5);
        *out = t;
        rc = 0;
    } else {
        rc = rc < 0 ? rc : E_AUTH;
    }
    db_stmt_done(s);
    return rc;
}

int oauth_token_refresh(const struct core *core, struct arena *a, int64_t app_id,
                        const char *refresh, const char **token, const char **new_refresh,
                        const char **scopes)
{
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_READ, &c);
    if (rc)
        return rc;
    struct db_stmt *s;
    int64_t account = 0;
    const char *sc = NULL;
    rc = db_prepare(c,
                    "SELECT COALESCE(account_id, 0), scopes FROM oauth_tokens WHERE"
                    " refresh_hash = ? AND app_id = ? AND revoked_at IS NULL",
                    &s);
    if (rc == 0) {
        db_bind_text(s, 1, hash_hex(a, refresh ? refresh : ""));
        db_bind_i64(s, 2, app_id);
        rc = db_step(s);
        if (rc == DB_ROW) {
            account = db_col_i64(s, 0);
            sc = arena_strdup(a, db_col_text(s, 1));
            rc = 0;
        } else {
            rc = rc < 0 ? rc : E_AUTH;
        }
        db_stmt_done(s);
    }
    db_release(c);
    if (rc)
        return rc;
    rc = oauth_token_revoke(core, app_id, refresh);
    if (rc == 0)
        rc = oauth_token_create(core, a, app_id, account, sc, token, new_refresh);
    if (rc == 0)
        *scopes = sc;
    return rc;
}

int oauth_token_revoke(const struct core *core, int64_t app_id, const char *token)
{
    struct arena *a = arena_new();
    const char *h = hash_hex(a, token ? token : "");
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_WRITE, &c);
    if (rc)
        goto out;
    struct db_stmt *s;
    rc = db_prepare(c,
                    "UPDATE oauth_tokens SET revoked_at = ? WHERE (token_hash = ? OR"
                    " refresh_hash = ?) AND app_id = ? AND revoked_at IS NULL",
                    &s);
    if (rc == 0) {
        db_bind_i64(s, 1, time_now_ms());
        db_bind_text(s, 2, h);
        db_bind_text(s, 3, h);
        db_bind_i64(s, 4, app_id);
        rc = db_step(s);
        db_stmt_done(s);
        rc = rc < 0 ? rc : 0;
    }
    db_release(c);
out:
    arena_free(a);
    return rc;
}
