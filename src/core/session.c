/*
 * session: web sessions as tokens of the built-in app (see session.h).
 */
#include "core/session.h"

#include <pthread.h>
#include <string.h>

#include <sodium.h>

#include "core/account.h"
#include "core/core.h"
#include "core/oauth.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"
#define LOG_MODULE "core"
#include "util/log.h"
#include "util/timeutil.h"

#define WEB_CLIENT_ID "hearth-web"
#define WEB_APP_NAME "Hearth web"
#define USE_NOTE_MS (60 * 1000) /* last_used_at is written at most this often */

/* The built-in app's id, made on first use. */
static int web_app(const struct core *core, int64_t *id)
{
    static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    static int64_t known;
    pthread_mutex_lock(&lock);
    if (known) {
        *id = known;
        pthread_mutex_unlock(&lock);
        return 0;
    }
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_WRITE, &c);
    if (rc) {
        pthread_mutex_unlock(&lock);
        return rc;
    }
    struct db_stmt *s;
    rc = db_prepare(c, "SELECT id FROM oauth_apps WHERE client_id = ?", &s);
    if (rc == 0) {
        db_bind_text(s, 1, WEB_CLIENT_ID);
        rc = db_step(s);
        if (rc == DB_ROW)
            known = db_col_i64(s, 0);
        rc = rc < 0 ? rc : 0;
        db_stmt_done(s);
    }
    if (rc == 0 && !known) {
        /* No secret can match this hash: the app is only ever used from here. */
        int64_t nid = id_next();
        rc = db_prepare(c,
                        "INSERT INTO oauth_apps (id, name, website, redirect_uris, scopes,"
                        " client_id, client_secret_hash, created_at)"
                        " VALUES (?, ?, NULL, ?, ?, ?, '-', ?)",
                        &s);
        if (rc == 0) {
            db_bind_i64(s, 1, nid);
            db_bind_text(s, 2, WEB_APP_NAME);
            db_bind_text(s, 3, OAUTH_OOB_URI);
            db_bind_text(s, 4, SESSION_SCOPES);
            db_bind_text(s, 5, WEB_CLIENT_ID);
            db_bind_i64(s, 6, time_now_ms());
            rc = db_step(s);
            db_stmt_done(s);
            rc = rc < 0 ? rc : 0;
            if (rc == 0)
                known = nid;
        }
    }
    db_release(c);
    if (rc == 0)
        *id = known;
    pthread_mutex_unlock(&lock);
    return rc;
}

int session_login(const struct core *core, struct arena *a, const char *login, const char *password,
                  int64_t *account_id, const char **token)
{
    int64_t app = 0, acc = 0;
    int rc = user_authenticate(core, login, password, &acc);
    if (rc)
        return rc == E_DB ? E_DB : E_AUTH;
    rc = web_app(core, &app);
    if (rc == 0)
        rc = oauth_token_create(core, a, app, acc, SESSION_SCOPES, token, NULL);
    if (rc == 0)
        *account_id = acc;
    return rc;
}

int session_lookup(const struct core *core, struct arena *a, const char *token, struct session *out)
{
    if (!token || !*token)
        return E_AUTH;
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_READ, &c);
    if (rc)
        return rc;
    struct oauth_token *t = NULL;
    int64_t last = 0;
    rc = oauth_token_lookup(c, a, token, &t);
    if (rc == 0 && (t->pending || !t->account_id))
        rc = E_AUTH;
    if (rc == 0) {
        struct db_stmt *s;
        rc = db_prepare(c,
                        "SELECT COALESCE(t.last_used_at, t.created_at) FROM oauth_tokens t"
                        " JOIN oauth_apps p ON p.id = t.app_id"
                        " WHERE t.id = ? AND p.client_id = ?",
                        &s);
        if (rc == 0) {
            db_bind_i64(s, 1, t->id);
            db_bind_text(s, 2, WEB_CLIENT_ID);
            rc = db_step(s);
            if (rc == DB_ROW)
                last = db_col_i64(s, 0);
            rc = rc == DB_ROW ? 0 : rc < 0 ? rc : E_AUTH;
            db_stmt_done(s);
        }
    }
    db_release(c);
    if (rc)
        return rc;
    int64_t now = time_now_ms();
    if (now - last > (int64_t)SESSION_IDLE_S * 1000)
        return E_AUTH;
    if (now - last > USE_NOTE_MS && db_acquire(core->db, DB_WRITE, &c) == 0) {
        struct db_stmt *s;
        if (db_prepare(c, "UPDATE oauth_tokens SET last_used_at = ? WHERE id = ?", &s) == 0) {
            db_bind_i64(s, 1, now);
            db_bind_i64(s, 2, t->id);
            if (db_step(s) < 0)
                log_warn("cannot note a session's use");
            db_stmt_done(s);
        }
        db_release(c);
    }
    out->token_id = t->id;
    out->account_id = t->account_id;
    out->created_at = t->created_at;
    return 0;
}

int session_logout(const struct core *core, const char *token)
{
    int64_t app = 0;
    int rc = web_app(core, &app);
    return rc ? rc : oauth_token_revoke(core, app, token ? token : "");
}

const char *session_csrf(struct arena *a, const char *secret)
{
    static const char label[] = "hearth csrf\n";
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, (const unsigned char *)label, sizeof(label) - 1);
    crypto_hash_sha256_update(&st, (const unsigned char *)(secret ? secret : ""),
                              secret ? strlen(secret) : 0);
    crypto_hash_sha256_final(&st, h);
    char text[SESSION_CSRF_LEN + 2];
    sodium_bin2base64(text, sizeof(text), h, sizeof(h), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return arena_strdup(a, text);
}

int session_csrf_ok(const char *secret, const char *given)
{
    if (!secret || !*secret || !given || strlen(given) != SESSION_CSRF_LEN)
        return 0;
    struct arena *a = arena_new();
    const char *want = session_csrf(a, secret);
    int ok = sodium_memcmp(want, given, SESSION_CSRF_LEN) == 0;
    arena_free(a);
    return ok;
}

const char *session_random(struct arena *a)
{
    unsigned char raw[24];
    char text[40];
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2base64(text, sizeof(text), raw, sizeof(raw),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return arena_strdup(a, text);
}

int session_list(struct db_conn *c, struct arena *a, int64_t account_id, struct session_info **out,
                 size_t *n)
{
    struct db_stmt *s;
    int rc = db_prepare(c,
                        "SELECT t.id, p.name, p.website, t.scopes, p.client_id = ?, t.created_at,"
                        " COALESCE(t.last_used_at, 0) FROM oauth_tokens t"
                        " JOIN oauth_apps p ON p.id = t.app_id"
                        " WHERE t.account_id = ? AND t.revoked_at IS NULL"
                        " ORDER BY COALESCE(t.last_used_at, t.created_at) DESC, t.id DESC"
                        " LIMIT 200",
                        &s);
    if (rc)
        return rc;
    db_bind_text(s, 1, WEB_CLIENT_ID);
    db_bind_i64(s, 2, account_id);
    size_t cap = 8, k = 0;
    struct session_info *v = arena_alloc(a, cap * sizeof(*v));
    while ((rc = db_step(s)) == DB_ROW) {
        if (k == cap) {
            struct session_info *w = arena_alloc(a, 2 * cap * sizeof(*v));
            memcpy(w, v, cap * sizeof(*v));
            v = w;
            cap *= 2;
        }
        struct session_info *x = &v[k++];
        x->id = db_col_i64(s, 0);
        x->app_name = arena_strdup(a, db_col_text(s, 1));
        x->app_website = arena_strdup(a, db_col_text(s, 2));
        x->scopes = arena_strdup(a, db_col_text(s, 3));
        x->web = db_col_i64(s, 4) != 0;
        x->created_at = db_col_i64(s, 5);
        x->last_used_at = db_col_i64(s, 6);
    }
    db_stmt_done(s);
    if (rc < 0)
        return rc;
    *out = v;
    *n = k;
    return 0;
}

/* Revokes the member's live tokens: token_id only, or (others) every one but it. */
static int revoke(const struct core *core, int64_t account_id, int64_t token_id, int others)
{
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_WRITE, &c);
    if (rc)
        return rc;
    struct db_stmt *s;
    rc = db_prepare(c,
                    others
                        ? "UPDATE oauth_tokens SET revoked_at = ? WHERE id <> ? AND account_id = ?"
                          " AND revoked_at IS NULL"
                        : "UPDATE oauth_tokens SET revoked_at = ? WHERE id = ? AND account_id = ?"
                          " AND revoked_at IS NULL",
                    &s);
    if (rc == 0) {
        db_bind_i64(s, 1, time_now_ms());
        db_bind_i64(s, 2, token_id);
        db_bind_i64(s, 3, account_id);
        rc = db_step(s);
        db_stmt_done(s);
        rc = rc < 0 ? rc : (others || db_changes(c) > 0) ? 0 : E_NOTFOUND;
    }
    db_release(c);
    return rc;
}

int session_revoke(const struct core *core, int64_t account_id, int64_t token_id)
{
    return revoke(core, account_id, token_id, 0);
}

int session_revoke_others(const struct core *core, int64_t account_id, int64_t keep_token_id)
{
    return revoke(core, account_id, keep_token_id, 1);
}
