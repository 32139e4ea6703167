/*
 * account: accounts and local users over the database.
 */
#include "core/account.h"
#include "core/notification.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>
#include <sodium.h>

#include "core/core.h"
#include "core/setting.h"
#include "core/tx.h"
#include "core/keys.h"
#include "core/password.h"
#include "core/text.h"
#include "core/visibility.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"
#include "util/limits.h"
#define LOG_MODULE "core"
#include "util/log.h"
#include "util/timeutil.h"
#include "util/utf8.h"

/*
 * Names that paths of the web pages, the API and federation use, and
 * names people would mistake for the server speaking. "admin" is allowed:
 * the first admin is usually called that.
 */
static const char *reserved_names[] = {
    "about",         "abuse",  "accounts", "actor",      "api",          "auth",
    "explore",       "feeds",  "hearth",   "home",       "inbox",        "instance",
    "local",         "login",  "logout",   "media",      "neighborhood", "nodeinfo",
    "notifications", "oauth",  "outbox",   "postmaster", "public",       "relay",
    "root",          "search", "settings", "share",      "signup",       "static",
    "statuses",      "system", "tags",     "users",      "webfinger",    "webmaster",
    "well_known",
};

const char *user_role_name(enum user_role role)
{
    switch (role) {
    case USER_ROLE_OWNER:
        return "owner";
    case USER_ROLE_ADMIN:
        return "admin";
    case USER_ROLE_MODERATOR:
        return "moderator";
    default:
        return "member";
    }
}

static char *lower_dup(struct arena *a, const char *s)
{
    char *p = arena_strdup(a, s);
    for (char *q = p; *q; q++)
        *q = (char)tolower((unsigned char)*q);
    return p;
}

static const char *col_dup(struct arena *a, struct db_stmt *s, int col)
{
    const char *t = db_col_text(s, col);
    return t ? arena_strdup(a, t) : NULL;
}

struct account *account_from_row(struct arena *a, struct db_stmt *s)
{
    struct account *acc = arena_zalloc(a, sizeof(*acc));
    acc->id = db_col_i64(s, 0);
    acc->username = col_dup(a, s, 1);
    acc->domain = col_dup(a, s, 2);
    acc->display_name = col_dup(a, s, 3);
    acc->note = col_dup(a, s, 4);
    acc->fields = col_dup(a, s, 5);
    acc->uri = col_dup(a, s, 6);
    acc->url = col_dup(a, s, 7);
    acc->inbox_url = col_dup(a, s, 8);
    acc->shared_inbox_url = col_dup(a, s, 9);
    acc->public_key_pem = col_dup(a, s, 10);
    acc->actor_type = col_dup(a, s, 11);
    acc->locked = (int)db_col_i64(s, 12);
    acc->bot = (int)db_col_i64(s, 13);
    acc->discoverable = (int)db_col_i64(s, 14);
    acc->created_at = db_col_i64(s, 15);
    acc->updated_at = db_col_i64(s, 16);
    acc->suspended_at = db_col_i64(s, 17);
    acc->ed25519_public = col_dup(a, s, 18);
    acc->ed25519_key_id = col_dup(a, s, 19);
    acc->moved_to_uri = col_dup(a, s, 20);
    acc->acct = acc->domain ? arena_printf(a, "%s@%s", acc->username, acc->domain) : acc->username;
    return acc;
}

/* Runs a prepared account query with one text or id parameter. */
static int fetch_one(struct db_conn *c, struct arena *a, const char *sql, const char *text,
                     int64_t id, struct account **out)
{
    struct db_stmt *s;
    int rc = db_prepare(c, sql, &s);
    if (rc)
        return rc;
    if (text)
        db_bind_text(s, 1, text);
    else
        db_bind_i64(s, 1, id);
    rc = db_step(s);
    if (rc == DB_ROW) {
        *out = account_from_row(a, s);
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = E_NOTFOUND;
    }
    db_stmt_done(s);
    return rc;
}

int account_get(struct db_conn *c, struct arena *a, int64_t id, struct account **out)
{
    return fetch_one(c, a, "SELECT " ACCOUNT_COLUMNS " FROM accounts WHERE id = ?", NULL, id, out);
}

int account_find_by_uri(struct db_conn *c, struct arena *a, const char *uri, struct account **out)
{
    return fetch_one(c, a, "SELECT " ACCOUNT_COLUMNS " FROM accounts WHERE uri = ?", uri, 0, out);
}

int account_find(struct db_conn *c, struct arena *a, const char *username, const char *domain,
                 const char *local_domain, struct account **out)
{
    const char *key;
    if (!domain || !*domain || (local_domain && !strcasecmp(domain, local_domain)))
        key = lower_dup(a, username);
    else
        key = lower_dup(a, arena_printf(a, "%s@%s", username, domain));
    return fetch_one(c, a, "SELECT " ACCOUNT_COLUMNS " FROM accounts WHERE acct_key = ?", key, 0,
                     out);
}

int account_find_local(struct db_conn *c, struct arena *a, const char *username,
                       struct account **out)
{
    return account_find(c, a, username, NULL, NULL, out);
}

int account_check_username(const char *username, const char **why)
{
    size_t n = strlen(username);
    if (n == 0 || n > LIMIT_USERNAME_CHARS) {
        *why = "username must be 1 to 30 characters";
        return E_INVAL;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)username[i];
        if (!(isalnum(ch) || ch == '_') || ch >= 0x80) {
            *why = "username may contain only letters, digits and underscores";
            return E_INVAL;
        }
    }
    for (size_t i = 0; i < sizeof(reserved_names) / sizeof(reserved_names[0]); i++) {
        if (!strcasecmp(username, reserved_names[i])) {
            *why = "username is reserved";
            return E_INVAL;
        }
    }
    return 0;
}

static int check_email(const char *email, const char **why)
{
    const char *at = strchr(email, '@');
    size_t n = strlen(email);
    if (!at || at == email || strchr(at + 1, '@') || !strchr(at + 1, '.') || n > 254 ||
        at[1] == '.' || email[n - 1] == '.') {
        *why = "email is not a valid address";
        return E_INVAL;
    }
    for (const char *p = email; *p; p++) {
        if ((unsigned char)*p <= ' ' || *p == '<' || *p == '>' || *p == ',' || *p == '"') {
            *why = "email is not a valid address";
            return E_INVAL;
        }
    }
    return 0;
}

/* 1 when the key exists in the table's unique column, 0 when not, or a negative error. */
static int exists(struct db_conn *c, const char *sql, const char *key)
{
    struct db_stmt *s;
    int rc = db_prepare(c, sql, &s);
    if (rc)
        return rc;
    db_bind_text(s, 1, key);
    rc = db_step(s);
    db_stmt_done(s);
    return rc < 0 ? rc : rc == DB_ROW;
}

/* E_EXISTS with *why when the username or the email (lowercased keys) is taken. */
static int check_taken(struct db_conn *c, const char *ukey, const char *ekey, const char **why)
{
    int rc = exists(c, "SELECT 1 FROM accounts WHERE acct_key = ?", ukey);
    if (rc > 0) {
        *why = "username is already taken";
        return E_EXISTS;
    }
    if (rc == 0)
        rc = exists(c, "SELECT 1 FROM users WHERE email_key = ?", ekey);
    if (rc > 0) {
        *why = "email is already in use";
        return E_EXISTS;
    }
    return rc;
}

/* An "admin.sign_up" notification to every member who may approve one. */
static int notify_staff_sign_up(struct db_conn *c, int64_t id)
{
    struct db_stmt *s;
    int rc = db_prepare(c, "SELECT account_id FROM users WHERE role >= 1 AND disabled = 0", &s);
    if (rc)
        return rc;
    int64_t staff[64];
    size_t n = 0;
    while (n < 64 && (rc = db_step(s)) == DB_ROW)
        staff[n++] = db_col_i64(s, 0);
    db_stmt_done(s);
    for (size_t i = 0; rc >= 0 && i < n; i++)
        rc = notification_add_ref(c, staff[i], id, NOTIFY_ADMIN_SIGN_UP, id, NULL);
    return rc < 0 ? rc : 0;
}

static int create_user(const struct core *core, const char *username, const char *email,
                       const char *password, enum user_role role, const struct user_signup *su,
                       int64_t *account_id, const char **why)
{
    char hash[PASSWORD_HASH_MAX];
    char *priv = NULL, *pub = NULL;
    struct db_conn *c = NULL;
    struct arena *a = arena_new();
    *why = NULL;
    int rc = account_check_username(username, why);
    if (rc)
        goto out;
    rc = check_email(email, why);
    if (rc)
        goto out;
    rc = password_check(password, why);
    if (rc)
        goto out;
    if ((unsigned)role > USER_ROLE_OWNER) {
        *why = "role is not one of member, moderator, admin, owner";
        rc = E_INVAL;
        goto out;
    }
    const char *ukey = lower_dup(a, username);
    const char *ekey = lower_dup(a, email);
    /* Refuse a taken name before the slow part (hash, keys); checked again below. */
    rc = db_acquire(core->db, DB_READ, &c);
    if (rc)
        goto out;
    rc = check_taken(c, ukey, ekey, why);
    db_release(c);
    c = NULL;
    if (rc)
        goto out;
    rc = password_hash(password, hash, why);
    if (rc)
        goto out;
    rc = keys_generate_rsa(&priv, &pub);
    if (rc) {
        *why = "could not make a key pair";
        goto out;
    }
    rc = db_acquire(core->db, DB_WRITE, &c);
    if (rc) {
        c = NULL;
        goto out;
    }
    rc = db_begin(c);
    if (rc) {
        db_release(c);
        c = NULL;
        goto out;
    }
    rc = check_taken(c, ukey, ekey, why);
    if (rc)
        goto out;
    int64_t id = id_next();
    int64_t now = time_now_ms();
    const char *base = core->base_url;
    struct db_stmt *s;
    rc = db_prepare(c,
                    "INSERT INTO accounts (id, username, domain, acct_key, uri, url, inbox_url,"
                    " shared_inbox_url, outbox_url, followers_url, following_url, public_key_pem,"
                    " private_key_pem, created_at, updated_at)"
                    " VALUES (?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    &s);
    if (rc)
        goto out;
    db_bind_i64(s, 1, id);
    db_bind_text(s, 2, username);
    db_bind_text(s, 3, ukey);
    db_bind_text(s, 4, arena_printf(a, "%s/users/%s", base, username));
    db_bind_text(s, 5, arena_printf(a, "%s/@%s", base, username));
    db_bind_text(s, 6, arena_printf(a, "%s/users/%s/inbox", base, username));
    db_bind_text(s, 7, arena_printf(a, "%s/inbox", base));
    db_bind_text(s, 8, arena_printf(a, "%s/users/%s/outbox", base, username));
    db_bind_text(s, 9, arena_printf(a, "%s/users/%s/followers", base, username));
    db_bind_text(s, 10, arena_printf(a, "%s/users/%s/following", base, username));
    db_bind_text(s, 11, pub);
    db_bind_text(s, 12, priv);
    db_bind_i64(s, 13, now);
    db_bind_i64(s, 14, now);
    rc = db_step(s);
    db_stmt_done(s);
    if (rc < 0) {
        if (rc == E_EXISTS)
            *why = "username is already taken";
        goto out;
    }
    if (su && su->invite_id) {
        /* The invite's use, counted only while it can still be used. */
        rc = db_prepare(c,
                        "UPDATE invites SET uses = uses + 1 WHERE id = ? AND revoked_at IS NULL"
                        " AND (max_uses IS NULL OR uses < max_uses)"
                        " AND (expires_at IS NULL OR expires_at > ?)",
                        &s);
        if (rc)
            goto out;
        db_bind_i64(s, 1, su->invite_id);
        db_bind_i64(s, 2, now);
        rc = db_step(s);
        db_stmt_done(s);
        if (rc < 0)
            goto out;
        if (db_changes(c) != 1) {
            *why = "invite_code is no longer valid";
            rc = E_LIMIT;
            goto out;
        }
    }
    rc = db_prepare(c,
                    "INSERT INTO users (account_id, email, email_key, password_hash, role,"
                    " created_at, approved, locale, signup_reason, invite_id, default_visibility)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, COALESCE((SELECT CAST(value AS INTEGER)"
                    " FROM server_settings WHERE key = '" SETTING_DEFAULT_VISIBILITY "'), 0))",
                    &s);
    if (rc)
        goto out;
    db_bind_i64(s, 1, id);
    db_bind_text(s, 2, email);
    db_bind_text(s, 3, ekey);
    db_bind_text(s, 4, hash);
    db_bind_i64(s, 5, role);
    db_bind_i64(s, 6, now);
    db_bind_i64(s, 7, !(su && su->pending));
    db_bind_text(s, 8, su && su->locale && *su->locale ? su->locale : "en");
    db_bind_text(s, 9, su ? su->reason : NULL);
    if (su && su->invite_id)
        db_bind_i64(s, 10, su->invite_id);
    else
        db_bind_null(s, 10);
    rc = db_step(s);
    db_stmt_done(s);
    if (rc < 0) {
        if (rc == E_EXISTS)
            *why = "email is already in use";
        goto out;
    }
    /* The moderators are told of a sign-up that waits for them (admin.sign_up). */
    if (su && su->pending)
        rc = notify_staff_sign_up(c, id);
    if (rc)
        goto out;
    rc = db_commit(c);
    if (rc == 0) {
        *account_id = id;
        log_info("created local account %s (%s)", username, user_role_name(role));
    }
out:
    if (c) {
        if (rc)
            db_rollback(c);
        db_release(c);
    }
    if (priv) {
        explicit_bzero(priv, strlen(priv));
        free(priv);
    }
    free(pub);
    arena_free(a);
    return rc;
}

int user_create(const struct core *core, const char *username, const char *email,
                const char *password, enum user_role role, int64_t *account_id, const char **why)
{
    return create_user(core, username, email, password, role, NULL, account_id, why);
}

int user_register(const struct core *core, const char *username, const char *email,
                  const char *password, const struct user_signup *su, int64_t *account_id,
                  const char **why)
{
    return create_user(core, username, email, password, USER_ROLE_MEMBER, su, account_id, why);
}

int user_approve(const struct core *core, const char *username)
{
    struct arena *a = arena_new();
    struct db_conn *c = NULL;
    int rc = core_tx_begin(core, &c);
    if (rc)
        goto out;
    struct db_stmt *s;
    rc = db_prepare(c,
                    "UPDATE users SET approved = 1 WHERE account_id ="
                    " (SELECT id FROM accounts WHERE acct_key = ? AND domain IS NULL)",
                    &s);
    if (rc)
        goto out;
    db_bind_text(s, 1, lower_dup(a, username));
    rc = db_step(s);
    db_stmt_done(s);
    if (rc >= 0)
        rc = db_changes(c) ? 0 : E_NOTFOUND;
out:
    rc = core_tx_end(c, rc);
    arena_free(a);
    return rc;
}

int user_set_password(const struct core *core, const char *username, const char *password,
                      const char **why)
{
    char hash[PASSWORD_HASH_MAX];
    struct arena *a = arena_new();
    struct db_conn *c = NULL;
    *why = NULL;
    int rc = password_hash(password, hash, why);
    if (rc)
        goto out;
    rc = db_acquire(core->db, DB_WRITE, &c);
    if (rc) {
        c = NULL;
        goto out;
    }
    struct db_stmt *s;
    rc = db_prepare(c,
                    "UPDATE users SET password_hash = ? WHERE account_id ="
                    " (SELECT id FROM accounts WHERE acct_key = ? AND domain IS NULL)",
                    &s);
    if (rc)
        goto out;
    db_bind_text(s, 1, hash);
    db_bind_text(s, 2, lower_dup(a, username));
    rc = db_step(s);
    db_stmt_done(s);
    if (rc >= 0)
        rc = db_changes(c) == 1 ? 0 : E_NOTFOUND;
out:
    if (c)
        db_release(c);
    sodium_memzero(hash, sizeof(hash));
    arena_free(a);
    return rc;
}

int user_list(const struct core *core, struct arena *a, struct user_info **out, size_t *n)
{
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_READ, &c);
    if (rc)
        return rc;
    struct db_stmt *s;
    size_t count = 0, cap = 16;
    struct user_info *list = arena_alloc(a, cap * sizeof(*list));
    rc = db_prepare(c,
                    "SELECT a.id, a.username, u.email, u.role, u.created_at FROM users u"
                    " JOIN accounts a ON a.id = u.account_id ORDER BY a.id",
                    &s);
    if (rc)
        goto out;
    while ((rc = db_step(s)) == DB_ROW) {
        if (count == cap) {
            struct user_info *bigger = arena_alloc(a, cap * 2 * sizeof(*list));
            memcpy(bigger, list, cap * sizeof(*list));
            list = bigger;
            cap *= 2;
        }
        list[count].account_id = db_col_i64(s, 0);
        list[count].username = col_dup(a, s, 1);
        list[count].email = col_dup(a, s, 2);
        list[count].role = (enum user_role)db_col_i64(s, 3);
        list[count].created_at = db_col_i64(s, 4);
        count++;
    }
    db_stmt_done(s);
    if (rc == DB_DONE) {
        rc = 0;
        *out = list;
        *n = count;
    }
out:
    db_release(c);
    return rc;
}

int user_authenticate(const struct core *core, const char *login, const char *password,
                      int64_t *account_id)
{
    struct arena *a = arena_new();
    struct db_conn *c;
    char *hash = NULL;
    int64_t id = 0;
    int rc = db_acquire(core->db, DB_READ, &c);
    if (rc)
        goto out;
    struct db_stmt *s;
    rc = db_prepare(c,
                    "SELECT u.account_id, u.password_hash FROM users u JOIN accounts a"
                    " ON a.id = u.account_id WHERE (u.email_key = ? OR a.acct_key = ?)"
                    " AND u.disabled = 0 AND u.approved = 1 AND a.suspended_at IS NULL",
                    &s);
    if (rc == 0) {
        const char *key = lower_dup(a, login);
        db_bind_text(s, 1, key);
        db_bind_text(s, 2, key);
        if (db_step(s) == DB_ROW) {
            id = db_col_i64(s, 0);
            hash = arena_strdup(a, db_col_text(s, 1));
        }
        db_stmt_done(s);
    }
    db_release(c);
    if (!hash) {
        /* Spend the same time as a real check, so timing does not reveal unknown logins. */
        static const char dummy[] = "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$"
                                    "Cq5nRZDqN0eYc9hBN1bAbWvZx3iuGJtMyBh2Nn0Kb1E";
        password_verify(password, dummy);
        rc = E_AUTH;
        goto out;
    }
    rc = password_verify(password, hash);
    if (rc == 0)
        *account_id = id;
out:
    arena_free(a);
    return rc;
}

int user_role(struct db_conn *c, int64_t account_id, enum user_role *role)
{
    struct db_stmt *s;
    int rc = db_prepare(c, "SELECT role FROM users WHERE account_id = ?", &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, account_id);
    rc = db_step(s);
    if (rc == DB_ROW) {
        *role = (enum user_role)db_col_i64(s, 0);
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = E_NOTFOUND;
    }
    db_stmt_done(s);
    return rc;
}

int user_get(struct db_conn *c, struct arena *a, int64_t account_id, struct user **out)
{
    struct db_stmt *s;
    int rc = db_prepare(c,
                        "SELECT u.account_id, a.username, u.email, u.role, u.approved, u.confirmed,"
                        " u.disabled, u.locale, u.default_visibility, u.default_sensitive,"
                        " u.default_language, u.created_at, COALESCE(u.last_login_at, 0)"
                        " FROM users u JOIN accounts a ON a.id = u.account_id"
                        " WHERE u.account_id = ?",
                        &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, account_id);
    rc = db_step(s);
    if (rc == DB_ROW) {
        struct user *u = arena_zalloc(a, sizeof(*u));
        u->account_id = db_col_i64(s, 0);
        u->username = col_dup(a, s, 1);
        u->email = col_dup(a, s, 2);
        u->role = (enum user_role)db_col_i64(s, 3);
        u->approved = (int)db_col_i64(s, 4);
        u->confirmed = (int)db_col_i64(s, 5);
        u->disabled = (int)db_col_i64(s, 6);
        u->locale = col_dup(a, s, 7);
        u->default_visibility = (int)db_col_i64(s, 8);
        u->default_sensitive = (int)db_col_i64(s, 9);
        u->default_language = col_dup(a, s, 10);
        u->created_at = db_col_i64(s, 11);
        u->last_login_at = db_col_i64(s, 12);
        *out = u;
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = E_NOTFOUND;
    }
    db_stmt_done(s);
    return rc;
}

int account_counts(struct db_conn *c, int64_t id, struct account_counts *out)
{
    struct db_stmt *s;
    *out = (struct account_counts){0};
    int rc =
        db_prepare(c,
                   "SELECT (SELECT count(*) FROM statuses WHERE account_id = ?"
                   " AND deleted_at IS NULL),"
                   " (SELECT count(*) FROM follows WHERE target_account_id = ? AND accepted = 1),"
                   " (SELECT count(*) FROM follows WHERE account_id = ? AND accepted = 1),"
                   " (SELECT COALESCE(last_status_at, 0) FROM accounts WHERE id = ?)",
                   &s);
    if (rc)
        return rc;
    for (int i = 1; i <= 4; i++)
        db_bind_i64(s, i, id);
    rc = db_step(s);
    if (rc == DB_ROW) {
        out->statuses = db_col_i64(s, 0);
        out->followers = db_col_i64(s, 1);
        out->following = db_col_i64(s, 2);
        out->last_status_at = db_col_i64(s, 3);
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = E_DB;
    }
    db_stmt_done(s);
    return rc;
}

int account_update_profile(struct db_conn *c, int64_t id, const char *display_name,
                           const char *note, int locked, int bot, const char **why)
{
    struct arena *a = arena_new();
    int rc = 0;
    const char *note_html = NULL;
    if (display_name) {
        size_t n = strlen(display_name);
        if (!utf8_valid(display_name, n)) {
            *why = "display_name is not valid UTF-8";
            rc = E_INVAL;
            goto out;
        }
        if (utf8_count(display_name, n) > LIMIT_DISPLAY_NAME_CHARS) {
            *why = "display_name is longer than 100 characters";
            rc = E_INVAL;
            goto out;
        }
    }
    if (note) {
        /*
         * Tag links need the server's base URL: a local account's uri is
         * always BASE/users/NAME (user_create), so it is read from there.
         */
        struct account *acc;
        rc = account_get(c, a, id, &acc);
        if (rc == 0 && acc->domain)
            rc = E_NOTFOUND;
        if (rc)
            goto out;
        const char *cut = strstr(acc->uri, "/users/");
        struct text_options opt = {
            .base_url = cut ? arena_strndup(a, acc->uri, (size_t)(cut - acc->uri)) : NULL,
            .max_chars = LIMIT_NOTE_CHARS,
        };
        struct text_result res;
        rc = text_format(a, note, strlen(note), &opt, &res);
        if (rc) {
            *why = rc == E_UTF8 ? "note is not valid UTF-8" : "note is longer than 500 characters";
            rc = E_INVAL;
            goto out;
        }
        note_html = res.html;
    }
    struct db_stmt *s;
    rc = db_prepare(c,
                    "UPDATE accounts SET display_name = COALESCE(?, display_name),"
                    " note_source = COALESCE(?, note_source), note = COALESCE(?, note),"
                    " locked = CASE WHEN ? < 0 THEN locked ELSE ? END,"
                    " bot = CASE WHEN ? < 0 THEN bot ELSE ? END, updated_at = ?"
                    " WHERE id = ? AND domain IS NULL",
                    &s);
    if (rc)
        goto out;
    db_bind_text(s, 1, display_name);
    db_bind_text(s, 2, note);
    db_bind_text(s, 3, note_html);
    db_bind_i64(s, 4, locked);
    db_bind_i64(s, 5, locked);
    db_bind_i64(s, 6, bot);
    db_bind_i64(s, 7, bot);
    db_bind_i64(s, 8, time_now_ms());
    db_bind_i64(s, 9, id);
    rc = db_step(s);
    db_stmt_done(s);
    if (rc >= 0)
        rc = db_changes(c) == 1 ? 0 : E_NOTFOUND;
out:
    arena_free(a);
    return rc;
}

int account_upsert_remote(struct db_conn *c, const struct account_remote *r, int64_t *id)
{
    if (!r->uri || !r->username || !r->domain || !*r->uri || !*r->username || !*r->domain)
        return E_INVAL;
    struct arena *a = arena_new();
    int64_t now = time_now_ms();
    int rc;
    struct db_stmt *s;
    const char *key = lower_dup(a, arena_printf(a, "%s@%s", r->username, r->domain));
    rc = db_prepare(
        c,
        "INSERT INTO accounts (id, username, domain, acct_key, display_name, note, uri,"
        " url, inbox_url, shared_inbox_url, outbox_url, followers_url, following_url,"
        " public_key_pem, actor_type, locked, bot, discoverable, created_at,"
        " updated_at, ed25519_public, ed25519_key_id, also_known_as)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (uri) DO UPDATE SET username = excluded.username,"
        " acct_key = excluded.acct_key, display_name = excluded.display_name,"
        " note = excluded.note, url = excluded.url, inbox_url = excluded.inbox_url,"
        " shared_inbox_url = excluded.shared_inbox_url,"
        " outbox_url = excluded.outbox_url, followers_url = excluded.followers_url,"
        " following_url = excluded.following_url,"
        " public_key_pem = excluded.public_key_pem, actor_type = excluded.actor_type,"
        " locked = excluded.locked, bot = excluded.bot,"
        " discoverable = excluded.discoverable, updated_at = excluded.updated_at,"
        " ed25519_public = excluded.ed25519_public, ed25519_key_id = excluded.ed25519_key_id,"
        " also_known_as = excluded.also_known_as",
        &s);
    if (rc)
        goto out;
    db_bind_i64(s, 1, id_next());
    db_bind_text(s, 2, r->username);
    db_bind_text(s, 3, lower_dup(a, r->domain));
    db_bind_text(s, 4, key);
    db_bind_text(s, 5, r->display_name ? r->display_name : "");
    db_bind_text(s, 6, r->note ? r->note : "");
    db_bind_text(s, 7, r->uri);
    db_bind_text(s, 8, r->url);
    db_bind_text(s, 9, r->inbox_url);
    db_bind_text(s, 10, r->shared_inbox_url);
    db_bind_text(s, 11, r->outbox_url);
    db_bind_text(s, 12, r->followers_url);
    db_bind_text(s, 13, r->following_url);
    db_bind_text(s, 14, r->public_key_pem);
    db_bind_text(s, 15, r->actor_type ? r->actor_type : "Person");
    db_bind_i64(s, 16, r->locked);
    db_bind_i64(s, 17, r->bot);
    db_bind_i64(s, 18, r->discoverable);
    db_bind_i64(s, 19, now);
    db_bind_i64(s, 20, now);
    db_bind_text(s, 21, r->ed25519_public);
    db_bind_text(s, 22, r->ed25519_key_id);
    db_bind_text(s, 23, r->also_known_as);
    rc = db_step(s);
    db_stmt_done(s);
    if (rc < 0)
        goto out;
    rc = db_prepare(c, "SELECT id FROM accounts WHERE uri = ?", &s);
    if (rc)
        goto out;
    db_bind_text(s, 1, r->uri);
    rc = db_step(s) == DB_ROW ? 0 : E_DB;
    if (rc == 0)
        *id = db_col_i64(s, 0);
    db_stmt_done(s);
out:
    arena_free(a);
    return rc;
}

int user_update_defaults(struct db_conn *c, int64_t id, const char *privacy, int sensitive,
                         const char *language, int discoverable, const char **why)
{
    int vis = -1;
    if (privacy) {
        enum status_visibility v;
        if (visibility_parse(privacy, &v) != 0) {
            *why = "source[privacy] is not a visibility level";
            return E_INVAL;
        }
        vis = (int)v;
    }
    if (language && *language) {
        size_t n = strlen(language);
        int ok = n >= 2 && n <= 3;
        for (size_t i = 0; i < n && ok; i++)
            ok = language[i] >= 'a' && language[i] <= 'z';
        if (!ok) {
            *why = "source[language] must be an ISO 639 code such as \"en\"";
            return E_INVAL;
        }
    }
    struct db_stmt *s;
    int rc = db_prepare(c,
                        "UPDATE users SET default_visibility = CASE WHEN ? < 0 THEN"
                        " default_visibility ELSE ? END, default_sensitive = CASE WHEN ? < 0 THEN"
                        " default_sensitive ELSE ? END, default_language = CASE WHEN ? = 0 THEN"
                        " default_language WHEN ? = '' THEN NULL ELSE ? END WHERE account_id = ?",
                        &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, vis);
    db_bind_i64(s, 2, vis);
    db_bind_i64(s, 3, sensitive);
    db_bind_i64(s, 4, sensitive > 0);
    db_bind_i64(s, 5, language != NULL);
    db_bind_text(s, 6, language ? language : "");
    db_bind_text(s, 7, language ? language : "");
    db_bind_i64(s, 8, id);
    rc = db_step(s);
    db_stmt_done(s);
    if (rc < 0)
        return rc;
    if (!db_changes(c))
        return E_NOTFOUND;
    if (discoverable >= 0) {
        rc = db_prepare(c, "UPDATE accounts SET discoverable = ? WHERE id = ?", &s);
        if (rc)
            return rc;
        db_bind_i64(s, 1, discoverable > 0);
        db_bind_i64(s, 2, id);
        rc = db_step(s);
        db_stmt_done(s);
        if (rc < 0)
            return rc;
    }
    return 0;
}

int account_profile_source(struct db_conn *c, struct arena *a, int64_t id,
                           struct account_source *out)
{
    memset(out, 0, sizeof(*out));
    struct db_stmt *s;
    int rc = db_prepare(
        c, "SELECT note_source, fields FROM accounts WHERE id = ? AND domain IS NULL", &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, id);
    rc = db_step(s);
    if (rc != DB_ROW) {
        db_stmt_done(s);
        return rc < 0 ? rc : E_NOTFOUND;
    }
    const char *note = db_col_text(s, 0);
    out->note = arena_strdup(a, note ? note : "");
    const char *fields = db_col_text(s, 1);
    json_error_t err;
    json_t *arr = json_loads(fields ? fields : "[]", 0, &err);
    db_stmt_done(s);
    size_t i;
    json_t *f;
    json_array_foreach(arr, i, f)
    {
        if (out->n_fields == LIMIT_FIELDS)
            break;
        const char *name = json_string_value(json_object_get(f, "name"));
        const char *value = json_string_value(json_object_get(f, "source"));
        if (!value)
            value = json_string_value(json_object_get(f, "value"));
        out->field_names[out->n_fields] = arena_strdup(a, name ? name : "");
        out->field_values[out->n_fields] = arena_strdup(a, value ? value : "");
        out->n_fields++;
    }
    json_decref(arr);
    return 0;
}

int account_set_fields(struct db_conn *c, int64_t id, const char *const *names,
                       const char *const *values, size_t n, const char **why)
{
    if (n > LIMIT_FIELDS) {
        *why = "at most 4 profile fields";
        return E_INVAL;
    }
    struct arena *a = arena_new();
    json_t *arr = json_array();
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        size_t nl = strlen(names[i]), vl = strlen(values[i]);
        if (!utf8_valid(names[i], nl) || !utf8_valid(values[i], vl) ||
            utf8_count(names[i], nl) > 255 || utf8_count(values[i], vl) > 2047) {
            *why = "a profile field is too long or not valid text";
            rc = E_INVAL;
            goto out;
        }
        if (nl == 0 && vl == 0)
            continue;
        /* The value gets links like a post; the formatter wraps it in <p>, which fields omit. */
        struct text_options opt = {0};
        struct text_result res;
        rc = text_format(a, values[i], vl, &opt, &res);
        if (rc) {
            *why = "a profile field is too long or not valid text";
            rc = E_INVAL;
            goto out;
        }
        const char *html = res.html;
        size_t hl = strlen(html);
        if (hl >= 7 && !strncmp(html, "<p>", 3) && !strcmp(html + hl - 4, "</p>"))
            html = arena_strndup(a, html + 3, hl - 7);
        json_array_append_new(arr, json_pack("{s:s, s:s, s:n, s:s}", "name", names[i], "value",
                                             html, "verified_at", "source", values[i]));
    }
    char *text = json_dumps(arr, JSON_COMPACT);
    struct db_stmt *s;
    rc = db_prepare(c, "UPDATE accounts SET fields = ? WHERE id = ? AND domain IS NULL", &s);
    if (rc == 0) {
        db_bind_text(s, 1, text ? text : "[]");
        db_bind_i64(s, 2, id);
        rc = db_step(s);
        db_stmt_done(s);
        rc = rc < 0 ? rc : (db_changes(c) ? 0 : E_NOTFOUND);
    }
    free(text);
out:
    json_decref(arr);
    arena_free(a);
    return rc;
}

int account_set_moved(const struct core *core, int64_t account, const char *target_uri)
{
    struct db_conn *c = NULL;
    int rc = core_tx_begin(core, &c);
    if (rc == 0) {
        struct db_stmt *s;
        rc = db_prepare(c,
                        "UPDATE accounts SET moved_to_uri = ?, updated_at = ? WHERE id = ?"
                        " AND domain IS NOT NULL",
                        &s);
        if (rc == 0) {
            db_bind_text(s, 1, target_uri);
            db_bind_i64(s, 2, time_now_ms());
            db_bind_i64(s, 3, account);
            rc = db_step(s);
            db_stmt_done(s);
            rc = rc < 0 ? rc : 0;
        }
    }
    return core_tx_end(c, rc);
}

/* base58btc of n bytes (the Bitcoin alphabet), into the arena. */
static const char *base58(struct arena *a, const unsigned char *in, size_t n)
{
    static const char alphabet[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    size_t cap = n * 138 / 100 + 2;
    unsigned char *digits = arena_zalloc(a, cap);
    size_t len = 0, zeros = 0;
    while (zeros < n && in[zeros] == 0)
        zeros++;
    for (size_t i = zeros; i < n; i++) {
        unsigned carry = in[i];
        for (size_t j = 0; j < len; j++) {
            carry += (unsigned)digits[j] << 8;
            digits[j] = (unsigned char)(carry % 58);
            carry /= 58;
        }
        while (carry) {
            digits[len++] = (unsigned char)(carry % 58);
            carry /= 58;
        }
    }
    char *out = arena_alloc(a, zeros + len + 1);
    size_t k = 0;
    for (size_t i = 0; i < zeros; i++)
        out[k++] = '1';
    for (size_t i = 0; i < len; i++)
        out[k++] = alphabet[digits[len - 1 - i]];
    out[k] = '\0';
    return out;
}

int account_ed25519(const struct core *core, struct arena *a, int64_t account,
                    const char **multibase)
{
    struct db_conn *c = NULL;
    int rc = core_tx_begin(core, &c);
    if (rc)
        return rc;
    struct db_stmt *s;
    rc = db_prepare(c, "SELECT ed25519_public, domain IS NULL FROM accounts WHERE id = ?", &s);
    if (rc)
        goto out;
    db_bind_i64(s, 1, account);
    rc = db_step(s);
    if (rc != DB_ROW || !db_col_i64(s, 1)) {
        db_stmt_done(s);
        rc = rc < 0 ? rc : E_NOTFOUND;
        goto out;
    }
    const char *have = db_col_text(s, 0);
    *multibase = have ? arena_strdup(a, have) : NULL;
    db_stmt_done(s);
    rc = 0;
    if (*multibase)
        goto out;
    unsigned char pk[crypto_sign_PUBLICKEYBYTES + 2], sk[crypto_sign_SECRETKEYBYTES];
    /* The multicodec prefix of an Ed25519 public key (0xed, varint) comes first. */
    pk[0] = 0xed;
    pk[1] = 0x01;
    crypto_sign_keypair(pk + 2, sk);
    char
        sk64[sodium_base64_ENCODED_LEN(crypto_sign_SECRETKEYBYTES, sodium_base64_VARIANT_ORIGINAL)];
    sodium_bin2base64(sk64, sizeof(sk64), sk, sizeof(sk), sodium_base64_VARIANT_ORIGINAL);
    sodium_memzero(sk, sizeof(sk));
    *multibase = arena_printf(a, "z%s", base58(a, pk, sizeof(pk)));
    rc = db_prepare(c, "UPDATE accounts SET ed25519_public = ?, ed25519_private = ? WHERE id = ?",
                    &s);
    if (rc == 0) {
        db_bind_text(s, 1, *multibase);
        db_bind_text(s, 2, sk64);
        db_bind_i64(s, 3, account);
        rc = db_step(s);
        db_stmt_done(s);
        rc = rc < 0 ? rc : 0;
    }
    sodium_memzero(sk64, sizeof(sk64));
out:
    return core_tx_end(c, rc);
}

int account_feed_enabled(struct db_conn *c, int64_t account_id, int *enabled)
{
    struct db_stmt *s;
    int rc =
        db_prepare(c, "SELECT feed_disabled FROM accounts WHERE id = ? AND domain IS NULL", &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, account_id);
    rc = db_step(s);
    if (rc == DB_ROW) {
        *enabled = db_col_i64(s, 0) == 0;
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = E_NOTFOUND;
    }
    db_stmt_done(s);
    return rc;
}

int account_feed_set(const struct core *core, int64_t account_id, int enabled)
{
    struct db_conn *c = NULL;
    int rc = core_tx_begin(core, &c);
    if (rc == 0) {
        struct db_stmt *s;
        rc = db_prepare(c, "UPDATE accounts SET feed_disabled = ? WHERE id = ? AND domain IS NULL",
                        &s);
        if (rc == 0) {
            db_bind_i64(s, 1, enabled ? 0 : 1);
            db_bind_i64(s, 2, account_id);
            rc = db_step(s);
            db_stmt_done(s);
            if (rc >= 0)
                rc = db_changes(c) == 1 ? 0 : E_NOTFOUND;
        }
    }
    return core_tx_end(c, rc);
}
