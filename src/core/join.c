/*
 * join: registration modes, invites, sign-ups, the pending queue, the
 * directory and the texts newcomers read (join.h).
 *
 * Nothing is cached: the mode, the invites and the blocks are read from
 * the database on each use, so a change from the command line applies to
 * a running server at once. The per-address sign-up counter lives in a
 * fixed table in memory for the life of the process.
 */
#include "core/join.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "core/access_block.h"
#include "core/account.h"
#include "core/audit.h"
#include "core/role.h"
#include "core/setting.h"
#include "core/tx.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"
#include "util/limits.h"
#include "util/ratelimit.h"
#include "util/timeutil.h"
#include "util/utf8.h"

#define SIGNUP_BUCKETS 1024

static struct ratelimit_bucket signup_buckets[SIGNUP_BUCKETS];
static struct ratelimit signup_table;
static pthread_once_t signup_once = PTHREAD_ONCE_INIT;

static void signup_table_init(void)
{
    ratelimit_init(&signup_table, signup_buckets, SIGNUP_BUCKETS);
}

static const char *const mode_names[] = {"closed", "open", "approval", "invite"};

const char *join_mode_name(enum join_mode m)
{
    return (unsigned)m < 4 ? mode_names[m] : "closed";
}

int join_mode_parse(const char *name, enum join_mode *out)
{
    for (int i = 0; name && i < 4; i++)
        if (!strcmp(name, mode_names[i])) {
            *out = (enum join_mode)i;
            return 0;
        }
    return E_INVAL;
}

enum join_mode join_mode(struct db_conn *c, const struct core *core)
{
    struct arena *a = arena_new();
    const char *v = NULL;
    setting_get(c, a, "registrations_mode", core->registrations, &v);
    enum join_mode m = JOIN_CLOSED;
    if (join_mode_parse(v, &m) != 0)
        m = JOIN_CLOSED;
    arena_free(a);
    return m;
}

int join_set_mode(const struct core *core, int64_t actor, enum join_mode m)
{
    struct db_conn *c;
    int rc = core_tx_begin(core, &c);
    if (rc)
        return rc;
    rc = setting_set(c, "registrations_mode", join_mode_name(m));
    if (rc == 0) {
        char detail[64];
        snprintf(detail, sizeof(detail), "{\"mode\":\"%s\"}", join_mode_name(m));
        rc =
            audit_add(c, actor, "registrations.update", "setting", 0, "registrations_mode", detail);
    }
    return core_tx_end(c, rc);
}

static const char *const text_keys[] = {"site_extended_description", "site_privacy_policy",
                                        "site_contact_email", "members_may_invite"};

int join_set_text(const struct core *core, int64_t actor, const char *key, const char *value)
{
    int known = 0;
    for (size_t i = 0; i < sizeof(text_keys) / sizeof(text_keys[0]); i++)
        known |= !strcmp(key, text_keys[i]);
    if (!known)
        return E_INVAL;
    if (value && strlen(value) > JOIN_TEXT_MAX)
        return E_LIMIT;
    if (value && !utf8_valid(value, strlen(value)))
        return E_UTF8;
    struct db_conn *c;
    int rc = core_tx_begin(core, &c);
    if (rc)
        return rc;
    rc = setting_set(c, key, value && *value ? value : NULL);
    if (rc == 0)
        rc = audit_add(c, actor, "setting.update", "setting", 0, key, NULL);
    return core_tx_end(c, rc);
}

const char *join_text(struct db_conn *c, struct arena *a, const struct core *core, const char *key)
{
    const char *def = "";
    if (!strcmp(key, "site_contact_email") && core->contact_email)
        def = core->contact_email;
    const char *v = def;
    setting_get(c, a, key, def, &v);
    return v ? v : "";
}

int64_t join_text_updated(struct db_conn *c, const char *key)
{
    struct db_stmt *s;
    if (db_prepare(c, "SELECT updated_at FROM server_settings WHERE key = ?", &s))
        return 0;
    db_bind_text(s, 1, key);
    int64_t t = db_step(s) == DB_ROW ? db_col_i64(s, 0) : 0;
    db_stmt_done(s);
    return t;
}

const char *join_html(struct arena *a, const char *text)
{
    if (!text || !*text)
        return "";
    size_t n = strlen(text);
    char *out = arena_alloc(a, n * 6 + 16);
    size_t k = 0;
    memcpy(out, "<p>", 3);
    k = 3;
    for (size_t i = 0; i < n; i++) {
        char ch = text[i];
        if (ch == '\r')
            continue;
        if (ch == '\n') {
            size_t j = i + 1;
            while (j < n && text[j] == '\r')
                j++;
            if (j < n && text[j] == '\n') {
                while (j < n && (text[j] == '\n' || text[j] == '\r'))
                    j++;
                if (j < n) {
                    memcpy(out + k, "</p><p>", 7);
                    k += 7;
                }
                i = j - 1;
            } else if (j < n) {
                memcpy(out + k, "<br>", 4);
                k += 4;
            }
            continue;
        }
        const char *esc = ch == '&'    ? "&amp;"
                          : ch == '<'  ? "&lt;"
                          : ch == '>'  ? "&gt;"
                          : ch == '"'  ? "&quot;"
                          : ch == '\'' ? "&#39;"
                                       : NULL;
        if (esc) {
            memcpy(out + k, esc, strlen(esc));
            k += strlen(esc);
        } else {
            out[k++] = ch;
        }
    }
    memcpy(out + k, "</p>", 5);
    return out;
}

/* ---- invites ---- */

const char *invite_unusable(const struct invite *inv, int64_t now)
{
    if (inv->revoked_at)
        return "This invite was revoked";
    if (inv->expires_at && inv->expires_at <= now)
        return "This invite has expired";
    if (inv->max_uses && inv->uses >= inv->max_uses)
        return "This invite has been used up";
    return NULL;
}

int invite_may_create(struct db_conn *c, int64_t account_id)
{
    if (role_check(c, account_id, PERM_MANAGE_INVITES, NULL) == 0)
        return 0;
    if (setting_get_int(c, "members_may_invite", 0) == 1 &&
        role_check(c, account_id, PERM_INVITE_USERS, NULL) == 0)
        return 0;
    return E_FORBIDDEN;
}

#define INVITE_COLUMNS                                                                             \
    "i.id, i.code, i.account_id, coalesce(a.username, ''), coalesce(i.max_uses, 0), i.uses,"       \
    " coalesce(i.expires_at, 0), i.autoapprove, i.comment, coalesce(i.revoked_at, 0),"             \
    " i.created_at FROM invites i LEFT JOIN accounts a ON a.id = i.account_id"

static void invite_from_row(struct arena *a, struct db_stmt *s, struct invite *v)
{
    v->id = db_col_i64(s, 0);
    v->code = arena_strdup(a, db_col_text(s, 1));
    v->account_id = db_col_is_null(s, 2) ? 0 : db_col_i64(s, 2);
    v->inviter = arena_strdup(a, db_col_text(s, 3));
    v->max_uses = (int)db_col_i64(s, 4);
    v->uses = (int)db_col_i64(s, 5);
    v->expires_at = db_col_i64(s, 6);
    v->autoapprove = (int)db_col_i64(s, 7);
    v->comment = arena_strdup(a, db_col_text(s, 8));
    v->revoked_at = db_col_i64(s, 9);
    v->created_at = db_col_i64(s, 10);
}

/* A code of JOIN_INVITE_CODE_CHARS letters and digits (no look-alikes). */
static void new_code(char *out)
{
    static const char alphabet[] = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    for (int i = 0; i < JOIN_INVITE_CODE_CHARS; i++)
        out[i] = alphabet[randombytes_uniform(sizeof(alphabet) - 1)];
    out[JOIN_INVITE_CODE_CHARS] = '\0';
}

int invite_create(const struct core *core, struct arena *a, int64_t actor,
                  const struct invite_new *in, struct invite **out, const char **why)
{
    *why = NULL;
    if (in->max_uses < 0 || in->max_uses > 1000) {
        *why = "max_uses must be between 1 and 1000 (or none)";
        return E_INVAL;
    }
    if (in->expires_in < 0 || in->expires_in > 366LL * 24 * 3600) {
        *why = "expires_in must be at most a year";
        return E_INVAL;
    }
    const char *comment = in->comment ? in->comment : "";
    if (strlen(comment) > JOIN_INVITE_COMMENT_MAX || !utf8_valid(comment, strlen(comment))) {
        *why = "comment is too long or not text";
        return E_INVAL;
    }
    struct db_conn *c;
    int rc = core_tx_begin(core, &c);
    if (rc)
        return rc;
    if (actor && (rc = invite_may_create(c, actor)) != 0)
        return core_tx_end(c, rc);
    struct invite *v = arena_zalloc(a, sizeof(*v));
    char code[JOIN_INVITE_CODE_CHARS + 1];
    new_code(code);
    int64_t now = time_now_ms();
    v->id = id_next();
    v->code = arena_strdup(a, code);
    v->account_id = actor;
    v->inviter = "";
    v->max_uses = in->max_uses;
    v->expires_at = in->expires_in ? now + in->expires_in * 1000 : 0;
    v->autoapprove = in->autoapprove;
    v->comment = arena_strdup(a, comment);
    v->created_at = now;
    struct db_stmt *s;
    rc = db_prepare(c,
                    "INSERT INTO invites (id, code, account_id, max_uses, expires_at, autoapprove,"
                    " comment, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    &s);
    if (rc)
        return core_tx_end(c, rc);
    db_bind_i64(s, 1, v->id);
    db_bind_text(s, 2, v->code);
    if (actor)
        db_bind_i64(s, 3, actor);
    else
        db_bind_null(s, 3);
    if (v->max_uses)
        db_bind_i64(s, 4, v->max_uses);
    else
        db_bind_null(s, 4);
    if (v->expires_at)
        db_bind_i64(s, 5, v->expires_at);
    else
        db_bind_null(s, 5);
    db_bind_i64(s, 6, v->autoapprove);
    db_bind_text(s, 7, v->comment);
    db_bind_i64(s, 8, now);
    rc = db_step(s);
    db_stmt_done(s);
    if (rc >= 0) {
        const char *detail = arena_printf(a, "{\"max_uses\":%d,\"expires_at\":%lld}", v->max_uses,
                                          (long long)v->expires_at);
        rc = audit_add(c, actor, "invite.create", "invite", v->id, v->code, detail);
    }
    rc = core_tx_end(c, rc < 0 ? rc : 0);
    if (rc == 0)
        *out = v;
    return rc;
}

int invite_get(struct db_conn *c, struct arena *a, const char *code, struct invite **out)
{
    struct db_stmt *s;
    int rc = db_prepare(c, "SELECT " INVITE_COLUMNS " WHERE i.code = ?", &s);
    if (rc)
        return rc;
    db_bind_text(s, 1, code ? code : "");
    rc = db_step(s);
    if (rc == DB_ROW) {
        *out = arena_zalloc(a, sizeof(**out));
        invite_from_row(a, s, *out);
        rc = 0;
    } else {
        rc = rc == DB_DONE ? E_NOTFOUND : E_DB;
    }
    db_stmt_done(s);
    return rc;
}

int invite_list(struct db_conn *c, struct arena *a, int64_t account_id, int all,
                struct invite **out, size_t *n)
{
    struct db_stmt *s;
    int rc = db_prepare(c,
                        "SELECT " INVITE_COLUMNS " WHERE (? = 0 OR i.account_id = ?)"
                        " AND (? = 1 OR (i.revoked_at IS NULL"
                        " AND (i.expires_at IS NULL OR i.expires_at > ?)"
                        " AND (i.max_uses IS NULL OR i.uses < i.max_uses)))"
                        " ORDER BY i.id DESC LIMIT 200",
                        &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, account_id);
    db_bind_i64(s, 2, account_id);
    db_bind_i64(s, 3, all ? 1 : 0);
    db_bind_i64(s, 4, time_now_ms());
    size_t cap = 16, k = 0;
    struct invite *v = arena_alloc(a, cap * sizeof(*v));
    while ((rc = db_step(s)) == DB_ROW) {
        if (k == cap) {
            struct invite *bigger = arena_alloc(a, 2 * cap * sizeof(*v));
            memcpy(bigger, v, cap * sizeof(*v));
            v = bigger;
            cap *= 2;
        }
        invite_from_row(a, s, &v[k++]);
    }
    db_stmt_done(s);
    *out = v;
    *n = k;
    return rc == DB_DONE ? 0 : E_DB;
}

int invite_revoke(const struct core *core, int64_t actor, int64_t id)
{
    struct db_conn *c;
    int rc = core_tx_begin(core, &c);
    if (rc)
        return rc;
    struct db_stmt *s;
    rc = db_prepare(c, "SELECT account_id, code FROM invites WHERE id = ?", &s);
    if (rc)
        return core_tx_end(c, rc);
    db_bind_i64(s, 1, id);
    rc = db_step(s);
    int64_t maker = 0;
    char code[JOIN_INVITE_CODE_CHARS + 8] = "";
    if (rc == DB_ROW) {
        maker = db_col_is_null(s, 0) ? 0 : db_col_i64(s, 0);
        snprintf(code, sizeof(code), "%s", db_col_text(s, 1));
        rc = 0;
    } else {
        rc = rc == DB_DONE ? E_NOTFOUND : E_DB;
    }
    db_stmt_done(s);
    if (rc == 0 && actor && maker != actor && role_check(c, actor, PERM_MANAGE_INVITES, NULL))
        rc = E_FORBIDDEN;
    if (rc == 0)
        rc = db_prepare(c, "UPDATE invites SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                        &s);
    if (rc == 0) {
        db_bind_i64(s, 1, time_now_ms());
        db_bind_i64(s, 2, id);
        rc = db_step(s);
        db_stmt_done(s);
        rc = rc < 0 ? rc : 0;
    }
    if (rc == 0)
        rc = audit_add(c, actor, "invite.revoke", "invite", id, code, NULL);
    return core_tx_end(c, rc);
}

int invite_joined(struct db_conn *c, struct arena *a, size_t max, struct invited **out, size_t *n)
{
    struct db_stmt *s;
    int rc = db_prepare(c,
                        "SELECT u.account_id, a.username, coalesce(i.account_id, 0),"
                        " coalesce(b.username, ''), i.code, u.created_at FROM users u"
                        " JOIN accounts a ON a.id = u.account_id"
                        " JOIN invites i ON i.id = u.invite_id"
                        " LEFT JOIN accounts b ON b.id = i.account_id"
                        " ORDER BY u.created_at DESC LIMIT ?",
                        &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, (int64_t)max);
    struct invited *v = arena_alloc(a, (max ? max : 1) * sizeof(*v));
    size_t k = 0;
    while (k < max && (rc = db_step(s)) == DB_ROW) {
        v[k].account_id = db_col_i64(s, 0);
        v[k].username = arena_strdup(a, db_col_text(s, 1));
        v[k].inviter_id = db_col_i64(s, 2);
        v[k].inviter = arena_strdup(a, db_col_text(s, 3));
        v[k].code = arena_strdup(a, db_col_text(s, 4));
        v[k].joined_at = db_col_i64(s, 5);
        k++;
    }
    db_stmt_done(s);
    *out = v;
    *n = k;
    return rc < 0 ? E_DB : 0;
}

/* ---- sign-ups ---- */

/* Counts a sign-up attempt from ip: 1 when over JOIN_SIGNUPS_PER_HOUR. */
static int signup_over_limit(const struct core *core, const char *ip)
{
    if (!core->rate_limit || !ip)
        return 0;
    pthread_once(&signup_once, signup_table_init);
    char key[96];
    int n = snprintf(key, sizeof(key), "signup %s", ip);
    struct ratelimit_result r;
    ratelimit_hit(&signup_table, key, (size_t)n < sizeof(key) ? (size_t)n : sizeof(key) - 1,
                  JOIN_SIGNUPS_PER_HOUR, 3600 * 1000, time_now_ms(), &r);
    return r.exceeded;
}

int join_signup(const struct core *core, struct arena *a, const struct join_request *r,
                int64_t *account_id, int *pending, const char **field, const char **why)
{
    *field = NULL;
    *why = NULL;
    *pending = 0;
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_READ, &c);
    if (rc)
        return rc;
    enum join_mode mode = join_mode(c, core);
    enum ip_severity sev = ip_block_severity(c, r->ip);
    struct invite *inv = NULL;
    int has_code = r->invite_code && *r->invite_code;
    if (has_code) {
        rc = invite_get(c, a, r->invite_code, &inv);
        if (rc == E_NOTFOUND) {
            *field = "invite_code";
            *why = "This invite code is not valid";
            rc = E_INVAL;
        } else if (rc == 0 && invite_unusable(inv, time_now_ms())) {
            *field = "invite_code";
            *why = invite_unusable(inv, time_now_ms());
            rc = E_INVAL;
        }
    }
    const char *email_why = NULL;
    if (rc == 0 && r->email && email_blocked(c, r->email, &email_why)) {
        *field = "email";
        *why = email_why;
        rc = E_FORBIDDEN;
    }
    db_release(c);
    if (rc)
        return rc;
    if (sev == IP_SIGN_UP_BLOCK || sev == IP_NO_ACCESS) {
        *why = "Sign-ups are not accepted from your network";
        return E_FORBIDDEN;
    }
    if (!inv && mode == JOIN_CLOSED) {
        *why = "Registrations are closed on this server";
        return E_FORBIDDEN;
    }
    if (!inv && mode == JOIN_INVITE) {
        *field = "invite_code";
        *why = "This server accepts new members by invitation only";
        return E_FORBIDDEN;
    }
    if (!r->agreement) {
        *field = "agreement";
        *why = "The server's rules must be accepted";
        return E_INVAL;
    }
    int approval = inv ? (!inv->autoapprove && mode == JOIN_APPROVAL) : mode == JOIN_APPROVAL;
    if (sev == IP_SIGN_UP_REQUIRES_APPROVAL)
        approval = 1;
    const char *reason = r->reason && *r->reason ? r->reason : NULL;
    if (reason && strlen(reason) > LIMIT_SIGNUP_REASON_BYTES) {
        *field = "reason";
        *why = "reason is too long";
        return E_LIMIT;
    }
    if (approval && !inv && mode == JOIN_APPROVAL && !reason) {
        *field = "reason";
        *why = "reason can't be blank: tell the admins why you want to join";
        return E_INVAL;
    }
    if (signup_over_limit(core, r->ip)) {
        *why = "Too many sign-ups from your address; try again in an hour";
        return E_LIMIT;
    }
    struct user_signup su = {
        .pending = approval, .reason = reason, .locale = r->locale, .invite_id = inv ? inv->id : 0};
    rc = user_register(core, r->username, r->email, r->password, &su, account_id, why);
    if (rc && *why) {
        *field = !strncmp(*why, "email", 5)         ? "email"
                 : !strncmp(*why, "password", 8)    ? "password"
                 : !strncmp(*why, "invite_code", 9) ? "invite_code"
                                                    : "username";
    }
    if (rc == 0)
        *pending = approval;
    return rc;
}

int join_pending_list(struct db_conn *c, struct arena *a, size_t max, struct join_pending **out,
                      size_t *n)
{
    struct db_stmt *s;
    int rc = db_prepare(c,
                        "SELECT u.account_id, a.username, u.email, coalesce(u.signup_reason, ''),"
                        " i.code, u.created_at FROM users u JOIN accounts a ON a.id = u.account_id"
                        " LEFT JOIN invites i ON i.id = u.invite_id"
                        " WHERE u.approved = 0 ORDER BY u.created_at LIMIT ?",
                        &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, (int64_t)max);
    struct join_pending *v = arena_alloc(a, (max ? max : 1) * sizeof(*v));
    size_t k = 0;
    while (k < max && (rc = db_step(s)) == DB_ROW) {
        v[k].account_id = db_col_i64(s, 0);
        v[k].username = arena_strdup(a, db_col_text(s, 1));
        v[k].email = arena_strdup(a, db_col_text(s, 2));
        v[k].reason = arena_strdup(a, db_col_text(s, 3));
        v[k].invite_code = db_col_is_null(s, 4) ? NULL : arena_strdup(a, db_col_text(s, 4));
        v[k].created_at = db_col_i64(s, 5);
        k++;
    }
    db_stmt_done(s);
    *out = v;
    *n = k;
    return rc < 0 ? E_DB : 0;
}

int join_decide(const struct core *core, int64_t actor, int64_t account_id, int approve)
{
    struct db_conn *c;
    int rc = core_tx_begin(core, &c);
    if (rc)
        return rc;
    if (actor && (rc = role_check(c, actor, PERM_MANAGE_USERS, NULL)) != 0)
        return core_tx_end(c, rc);
    struct db_stmt *s;
    rc = db_prepare(c,
                    "SELECT a.username FROM users u JOIN accounts a ON a.id = u.account_id"
                    " WHERE u.account_id = ? AND u.approved = 0",
                    &s);
    if (rc)
        return core_tx_end(c, rc);
    db_bind_i64(s, 1, account_id);
    rc = db_step(s);
    char name[LIMIT_USERNAME_CHARS * 4 + 1] = "";
    if (rc == DB_ROW)
        snprintf(name, sizeof(name), "%s", db_col_text(s, 0));
    db_stmt_done(s);
    if (rc != DB_ROW)
        return core_tx_end(c, rc == DB_DONE ? E_NOTFOUND : E_DB);
    rc = db_prepare(c,
                    approve ? "UPDATE users SET approved = 1 WHERE account_id = ?"
                            : "DELETE FROM accounts WHERE id = ?",
                    &s);
    if (rc)
        return core_tx_end(c, rc);
    db_bind_i64(s, 1, account_id);
    rc = db_step(s);
    db_stmt_done(s);
    if (rc >= 0)
        rc = audit_add(c, actor, approve ? "account.approve" : "account.reject", "account",
                       account_id, name, NULL);
    return core_tx_end(c, rc < 0 ? rc : 0);
}

/* ---- who's here ---- */

/* The first line of a bio, as plain text (the source text members typed). */
static const char *first_line(struct arena *a, const char *note)
{
    if (!note)
        return "";
    while (*note == '\n' || *note == '\r' || *note == ' ')
        note++;
    size_t n = strcspn(note, "\r\n");
    if (n > 200) {
        n = 200;
        while (n > 0 && ((unsigned char)note[n] & 0xC0) == 0x80)
            n--;
    }
    return arena_strndup(a, note, n);
}

#define MEMBER_COLUMNS                                                                             \
    "a.id, a.username, a.display_name, a.note_source, coalesce(a.last_status_at, 0),"              \
    " u.created_at, u.role,"                                                                       \
    " (SELECT count(*) FROM statuses s WHERE s.account_id = a.id AND s.deleted_at IS NULL"         \
    " AND s.reblog_of_id IS NULL)"                                                                 \
    " FROM users u JOIN accounts a ON a.id = u.account_id"

static int members(struct db_stmt *s, struct arena *a, size_t max, struct join_member **out,
                   size_t *n)
{
    struct join_member *v = arena_alloc(a, (max ? max : 1) * sizeof(*v));
    size_t k = 0;
    int rc = 0;
    while (k < max && (rc = db_step(s)) == DB_ROW) {
        v[k].account_id = db_col_i64(s, 0);
        v[k].username = arena_strdup(a, db_col_text(s, 1));
        v[k].display_name = arena_strdup(a, db_col_text(s, 2));
        v[k].intro = first_line(a, db_col_text(s, 3));
        v[k].last_status_at = db_col_i64(s, 4);
        v[k].joined_at = db_col_i64(s, 5);
        v[k].role = (int)db_col_i64(s, 6);
        v[k].statuses = db_col_i64(s, 7);
        k++;
    }
    db_stmt_done(s);
    *out = v;
    *n = k;
    return rc < 0 ? E_DB : 0;
}

int join_directory(struct db_conn *c, struct arena *a, size_t offset, size_t max,
                   struct join_member **out, size_t *n)
{
    struct db_stmt *s;
    int rc = db_prepare(c,
                        "SELECT " MEMBER_COLUMNS
                        " WHERE u.approved = 1 AND u.disabled = 0 AND a.suspended_at IS NULL"
                        " AND a.discoverable = 1"
                        " ORDER BY coalesce(a.last_status_at, u.created_at) DESC, a.id"
                        " LIMIT ? OFFSET ?",
                        &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, (int64_t)max);
    db_bind_i64(s, 2, (int64_t)offset);
    return members(s, a, max, out, n);
}

int join_staff(struct db_conn *c, struct arena *a, struct join_member **out, size_t *n)
{
    struct db_stmt *s;
    int rc = db_prepare(c,
                        "SELECT " MEMBER_COLUMNS
                        " WHERE u.role >= 1 AND u.disabled = 0 AND a.suspended_at IS NULL"
                        " ORDER BY u.role DESC, a.id LIMIT 50",
                        &s);
    if (rc)
        return rc;
    return members(s, a, 50, out, n);
}
