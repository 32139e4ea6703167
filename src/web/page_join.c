/*
 * web/page_join: joining on the pages, and getting to know the place.
 *
 *   GET /signup, POST /signup   the sign-up form: username, e-mail,
 *                               password, the rules to accept, a reason
 *                               when the admins approve newcomers, the
 *                               invite code when joining is by invitation
 *   GET /invite/CODE            an invite link: the server, its rules, who
 *                               invited, and the sign-up form (410 when the
 *                               invite was revoked, expired or used up)
 *   GET /welcome                for members: the rules, the admins and
 *                               moderators, who invited her, the newest
 *                               members, a link to everyone
 *   GET /directory              who's here: each member's one-line intro
 *                               and recent activity
 *   GET /privacy                the privacy policy
 *   GET /invites, POST /invites, POST /invites/ID/revoke
 *                               a member's own invite links, when she may
 *                               make them
 * What may happen is decided by core/join (the mode, invites, blocks);
 * a refused sign-up shows the form again with the reason (422, or 403 for
 * a block, 429 over the limit) and what was typed (never the password).
 */
#include <string.h>

#include "core/account.h"
#include "core/core.h"
#include "core/join.h"
#include "core/rule.h"
#include "core/session.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"
#include "util/route.h"
#include "util/timeutil.h"
#include "web/internal.h"

#define DIRECTORY_PAGE 40

json_t *web_rules_view(struct web_ctx *w, struct db_conn *c)
{
    json_t *arr = json_array();
    struct rule *v;
    size_t n = 0;
    if (rule_list(c, w->req->arena, &v, &n) != 0)
        return arr;
    for (size_t i = 0; i < n; i++) {
        char id[ID_STR_MAX];
        json_array_append_new(arr, json_pack("{s:s, s:i, s:s, s:s}", "id", id_to_str(v[i].id, id),
                                             "position", v[i].position, "text", v[i].text, "hint",
                                             v[i].hint));
    }
    return arr;
}

void web_join_view(struct web_ctx *w, struct db_conn *c, json_t *d)
{
    enum join_mode m = join_mode(c, w->core);
    json_object_set_new(d, "registrations_open", json_boolean(m == JOIN_OPEN));
    json_object_set_new(d, "registrations_approval", json_boolean(m == JOIN_APPROVAL));
    json_object_set_new(d, "registrations_invite", json_boolean(m == JOIN_INVITE));
    json_object_set_new(d, "registrations_closed", json_boolean(m == JOIN_CLOSED));
    json_object_set_new(d, "may_sign_up", json_boolean(m != JOIN_CLOSED));
    json_t *rules = web_rules_view(w, c);
    json_object_set_new(d, "has_rules", json_boolean(json_array_size(rules) > 0));
    json_object_set_new(d, "rules", rules);
    struct arena *a = w->req->arena;
    const char *conduct = join_text(c, a, w->core, "site_extended_description");
    if (*conduct)
        json_object_set_new(d, "conduct_html", json_string(join_html(a, conduct)));
    json_object_set_new(d, "has_privacy",
                        json_boolean(*join_text(c, a, w->core, "site_privacy_policy") != '\0'));
    json_object_set_new(d, "contact_email",
                        json_string(join_text(c, a, w->core, "site_contact_email")));
}

/* The members list for templates: account view, intro, posts, last post, role. */
static json_t *members_view(struct web_ctx *w, struct db_conn *c, const struct join_member *v,
                            size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *acc = web_account_view_id(w, c, v[i].account_id);
        if (!acc)
            continue;
        json_object_set_new(acc, "intro", json_string(v[i].intro));
        json_object_set_new(acc, "posts", json_integer(v[i].statuses));
        if (v[i].last_status_at)
            json_object_set_new(acc, "last_post",
                                json_string(web_time_text(w, v[i].last_status_at)));
        json_object_set_new(acc, "joined", json_string(web_time_text(w, v[i].joined_at)));
        if (v[i].role >= USER_ROLE_MODERATOR)
            json_object_set_new(acc, "role", json_string(user_role_name(v[i].role)));
        json_array_append_new(arr, acc);
    }
    return arr;
}

/* What the sign-up form shows: the fields as typed, the rules, the mode's extra fields. */
struct signup_state {
    const char *username, *email, *reason, *invite_code;
    const char *message;
    const char *field;
    int agreement;
};

static void signup_form(struct web_ctx *w, int status, const struct invite *inv,
                        const struct signup_state *st)
{
    web_visitor_form(w);
    struct db_conn *c;
    int rc = db_acquire(w->core->db, DB_READ, &c);
    if (rc) {
        web_fail(w, rc);
        return;
    }
    json_t *d = json_object();
    web_join_view(w, c, d);
    enum join_mode m = join_mode(c, w->core);
    db_release(c);
    json_object_set_new(d, "username", json_string(st && st->username ? st->username : ""));
    json_object_set_new(d, "email", json_string(st && st->email ? st->email : ""));
    json_object_set_new(d, "reason", json_string(st && st->reason ? st->reason : ""));
    json_object_set_new(d, "agreement", json_boolean(st && st->agreement));
    if (st && st->message)
        json_object_set_new(d, "message", json_string(st->message));
    if (inv) {
        json_object_set_new(d, "invite_code", json_string(inv->code));
        json_object_set_new(d, "invited", json_true());
        if (*inv->inviter)
            json_object_set_new(d, "inviter",
                                json_pack("{s:s, s:s}", "username", inv->inviter, "url",
                                          arena_printf(w->req->arena, "/@%s", inv->inviter)));
    } else {
        json_object_set_new(d, "invite_code",
                            json_string(st && st->invite_code ? st->invite_code : ""));
        json_object_set_new(d, "ask_invite", json_boolean(m == JOIN_INVITE || m == JOIN_CLOSED));
    }
    int approval = m == JOIN_APPROVAL && (!inv || !inv->autoapprove);
    json_object_set_new(d, "ask_reason", json_boolean(approval));
    json_object_set_new(d, "closed", json_boolean(!inv && m == JOIN_CLOSED));
    web_page(w, status, "signup", "Sign up", d);
}

static int signup_page(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    web_begin(req, resp, &w);
    if (w.me) {
        web_redirect(&w, "/welcome");
        return 0;
    }
    struct signup_state st = {.invite_code = req_arg(req, "invite_code")};
    signup_form(&w, 200, NULL, &st);
    return 0;
}

/* The invite of a code, or NULL (and the page answered) when it cannot be used. */
static struct invite *usable_invite(struct web_ctx *w, const char *code)
{
    struct db_conn *c;
    int rc = db_acquire(w->core->db, DB_READ, &c);
    if (rc) {
        web_fail(w, rc);
        return NULL;
    }
    struct invite *inv = NULL;
    rc = invite_get(c, w->req->arena, code, &inv);
    db_release(c);
    if (rc == E_NOTFOUND) {
        web_error(w, 404,
                  "This invite link is not valid. Ask the person who sent it for a new one.");
        return NULL;
    }
    if (rc) {
        web_fail(w, rc);
        return NULL;
    }
    const char *why = invite_unusable(inv, time_now_ms());
    if (why) {
        web_error(
            w, 410,
            arena_printf(w->req->arena, "%s. Ask the person who sent it for a new one.", why));
        return NULL;
    }
    return inv;
}

static int invite_page(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    web_begin(req, resp, &w);
    struct invite *inv = usable_invite(&w, req_param(req, "code"));
    if (!inv)
        return 0;
    signup_form(&w, 200, inv, NULL);
    return 0;
}

static int signup_post(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    web_begin(req, resp, &w);
    if (web_check_form(&w))
        return 0;
    struct signup_state st = {.username = req_arg(req, "username"),
                              .email = req_arg(req, "email"),
                              .reason = req_arg(req, "reason"),
                              .invite_code = req_arg(req, "invite_code"),
                              .agreement = web_form_checked(req, "agreement")};
    struct invite *inv = NULL;
    if (st.invite_code && *st.invite_code) {
        struct db_conn *c;
        if (db_acquire(w.core->db, DB_READ, &c) == 0) {
            if (invite_get(c, req->arena, st.invite_code, &inv) != 0)
                inv = NULL;
            db_release(c);
        }
    }
    const char *password = req_arg(req, "password");
    const char *confirm = req_arg(req, "password_confirmation");
    if (!st.username || !*st.username || !st.email || !*st.email || !password || !*password) {
        st.message = "Choose a username, and give your e-mail address and a password.";
        signup_form(&w, 422, inv, &st);
        return 0;
    }
    if (confirm && strcmp(confirm, password)) {
        st.message = "The two passwords are not the same.";
        signup_form(&w, 422, inv, &st);
        return 0;
    }
    struct join_request jr = {.username = st.username,
                              .email = st.email,
                              .password = password,
                              .reason = st.reason,
                              .invite_code = st.invite_code,
                              .ip = req->remote,
                              .agreement = st.agreement};
    int64_t id = 0;
    int pending = 0;
    const char *field = NULL, *why = NULL;
    int rc = join_signup(w.core, req->arena, &jr, &id, &pending, &field, &why);
    if (rc && why) {
        st.message = why;
        st.field = field;
        int status = rc == E_FORBIDDEN ? 403 : rc == E_LIMIT && !field ? 429 : 422;
        signup_form(&w, status, inv, &st);
        return 0;
    }
    if (rc) {
        web_fail(&w, rc);
        return 0;
    }
    if (pending) {
        json_t *d = json_object();
        json_object_set_new(d, "username", json_string(st.username));
        web_page(&w, 200, "signup_pending", "Thank you", d);
        return 0;
    }
    /* In at once: she is logged in and welcomed. */
    int64_t account = 0;
    const char *token = NULL;
    if (session_login(w.core, req->arena, st.username, password, &account, &token) == 0) {
        web_set_cookie(&w, SESSION_COOKIE, token, SESSION_IDLE_S);
        web_redirect(&w, "/welcome");
    } else {
        web_redirect(&w, "/login?return_to=/welcome");
    }
    return 0;
}

static int welcome_page(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    web_begin(req, resp, &w);
    if (web_need_member(&w))
        return 0;
    struct db_conn *c;
    int rc = db_acquire(w.core->db, DB_READ, &c);
    if (rc)
        return web_fail(&w, rc), 0;
    json_t *d = json_object();
    web_join_view(&w, c, d);
    struct join_member *v;
    size_t n = 0;
    if (join_staff(c, req->arena, &v, &n) == 0)
        json_object_set_new(d, "staff", members_view(&w, c, v, n));
    if (join_directory(c, req->arena, 0, 6, &v, &n) == 0)
        json_object_set_new(d, "people", members_view(&w, c, v, n));
    struct db_stmt *s;
    if (db_prepare(c,
                   "SELECT b.username FROM users u JOIN invites i ON i.id = u.invite_id"
                   " JOIN accounts b ON b.id = i.account_id WHERE u.account_id = ?",
                   &s) == 0) {
        db_bind_i64(s, 1, w.me->id);
        if (db_step(s) == DB_ROW) {
            const char *name = db_col_text(s, 0);
            json_object_set_new(d, "inviter",
                                json_pack("{s:s, s:s}", "username", name, "url",
                                          arena_printf(req->arena, "/@%s", name)));
        }
        db_stmt_done(s);
    }
    db_release(c);
    web_page(&w, 200, "welcome", "Welcome", d);
    return 0;
}

static int directory_page(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    web_begin(req, resp, &w);
    int64_t offset = 0;
    const char *o = req_arg(req, "offset");
    if (o && (id_from_str(o, &offset) != 0 || offset > 100000))
        offset = 0;
    struct db_conn *c;
    int rc = db_acquire(w.core->db, DB_READ, &c);
    if (rc)
        return web_fail(&w, rc), 0;
    struct join_member *v;
    size_t n = 0;
    rc = join_directory(c, req->arena, (size_t)offset, DIRECTORY_PAGE, &v, &n);
    if (rc) {
        db_release(c);
        return web_fail(&w, rc), 0;
    }
    json_t *d = json_object();
    json_object_set_new(d, "people", members_view(&w, c, v, n));
    db_release(c);
    if (n == DIRECTORY_PAGE)
        json_object_set_new(d, "more_url",
                            json_string(arena_printf(req->arena, "/directory?offset=%lld",
                                                     (long long)offset + DIRECTORY_PAGE)));
    web_page(&w, 200, "directory", "Who's here", d);
    return 0;
}

static int privacy_page(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    web_begin(req, resp, &w);
    struct db_conn *c;
    int rc = db_acquire(w.core->db, DB_READ, &c);
    if (rc)
        return web_fail(&w, rc), 0;
    const char *text = join_text(c, req->arena, w.core, "site_privacy_policy");
    db_release(c);
    json_t *d = json_object();
    if (*text)
        json_object_set_new(d, "policy_html", json_string(join_html(req->arena, text)));
    web_page(&w, 200, "privacy", "Privacy policy", d);
    return 0;
}

/* ---- a member's own invites ---- */

json_t *web_invites_view(struct web_ctx *w, const struct invite *v, size_t n, const char *base)
{
    json_t *arr = json_array();
    int64_t now = time_now_ms();
    for (size_t i = 0; i < n; i++) {
        char id[ID_STR_MAX];
        const char *ended = invite_unusable(&v[i], now);
        json_t *o = json_pack(
            "{s:s, s:s, s:s, s:i, s:s, s:s, s:b, s:s}", "id", id_to_str(v[i].id, id), "code",
            v[i].code, "url", web_url(w, arena_printf(w->req->arena, "/invite/%s", v[i].code)),
            "uses", v[i].uses, "max_uses",
            v[i].max_uses ? arena_printf(w->req->arena, "%d", v[i].max_uses) : "no limit",
            "expires", v[i].expires_at ? web_time_text(w, v[i].expires_at) : "never", "usable",
            !ended, "inviter", *v[i].inviter ? v[i].inviter : "the command line");
        json_object_set_new(
            o, "revoke_action",
            json_string(arena_printf(w->req->arena, "%s/%s/revoke", base, id_to_str(v[i].id, id))));
        if (ended)
            json_object_set_new(o, "ended", json_string(ended));
        if (*v[i].comment)
            json_object_set_new(o, "comment", json_string(v[i].comment));
        json_array_append_new(arr, o);
    }
    return arr;
}

int web_invite_form(struct web_ctx *w, struct invite **out, const char **why)
{
    struct invite_new in = {.autoapprove = 1};
    const char *uses = req_arg(w->req, "max_uses");
    const char *expires = req_arg(w->req, "expires_in");
    int64_t v = 0;
    if (uses && *uses && (id_from_str(uses, &v) != 0 || v > 1000)) {
        *why = "The number of uses must be a number up to 1000.";
        return E_INVAL;
    }
    in.max_uses = (int)v;
    v = 0;
    if (expires && *expires && id_from_str(expires, &v) != 0) {
        *why = "Choose when the link expires.";
        return E_INVAL;
    }
    in.expires_in = v;
    in.comment = req_arg(w->req, "comment");
    /* Only those who manage invites choose that newcomers wait for approval. */
    if (req_arg(w->req, "autoapprove_sent"))
        in.autoapprove = web_form_checked(w->req, "autoapprove");
    return invite_create(w->core, w->req->arena, w->me->id, &in, out, why);
}

static void invites_answer(struct web_ctx *w, int status, const char *message)
{
    struct db_conn *c;
    int rc = db_acquire(w->core->db, DB_READ, &c);
    if (rc) {
        web_fail(w, rc);
        return;
    }
    if (invite_may_create(c, w->me->id) != 0) {
        db_release(c);
        json_t *d = json_pack("{s:b}", "not_allowed", 1);
        web_page(w, status, "invites", "Invite people", d);
        return;
    }
    struct invite *v;
    size_t n = 0;
    rc = invite_list(c, w->req->arena, w->me->id, 1, &v, &n);
    db_release(c);
    if (rc) {
        web_fail(w, rc);
        return;
    }
    json_t *d = json_object();
    json_object_set_new(d, "invites", web_invites_view(w, v, n, "/invites"));
    if (message)
        json_object_set_new(d, "message", json_string(message));
    if (req_arg(w->req, "created"))
        json_object_set_new(d, "created", json_true());
    web_page(w, status, "invites", "Invite people", d);
}

static int invites_page(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    web_begin(req, resp, &w);
    if (web_need_member(&w))
        return 0;
    invites_answer(&w, 200, NULL);
    return 0;
}

static int invites_post(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    if (web_begin_form(req, resp, &w))
        return 0;
    struct invite *inv;
    const char *why = NULL;
    int rc = web_invite_form(&w, &inv, &why);
    if (rc == E_FORBIDDEN) {
        web_error(&w, 403, "Only the admins and moderators make invite links on this server.");
        return 0;
    }
    if (rc == E_INVAL && why) {
        invites_answer(&w, 422, why);
        return 0;
    }
    if (rc) {
        web_fail(&w, rc);
        return 0;
    }
    web_redirect(&w, "/invites?created=1");
    return 0;
}

static int invites_revoke(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    if (web_begin_form(req, resp, &w))
        return 0;
    int64_t id = 0;
    id_from_str(req_param(req, "id"), &id);
    int rc = invite_revoke(w.core, w.me->id, id);
    if (rc) {
        web_fail(&w, rc);
        return 0;
    }
    web_redirect(&w, web_return_to(&w, "/invites"));
    return 0;
}

const struct route web_join_routes[] = {
    {"GET", "/signup", signup_page, ROUTE_AUTH_NONE, NULL},
    {"POST", "/signup", signup_post, ROUTE_AUTH_NONE, NULL},
    {"GET", "/invite/:code", invite_page, ROUTE_AUTH_NONE, NULL},
    {"GET", "/welcome", welcome_page, ROUTE_AUTH_NONE, NULL},
    {"GET", "/directory", directory_page, ROUTE_AUTH_NONE, NULL},
    {"GET", "/privacy", privacy_page, ROUTE_AUTH_NONE, NULL},
    {"GET", "/invites", invites_page, ROUTE_AUTH_NONE, NULL},
    {"POST", "/invites", invites_post, ROUTE_AUTH_NONE, NULL},
    {"POST", "/invites/:id/revoke", invites_revoke, ROUTE_AUTH_NONE, NULL},
};
const size_t web_join_routes_count = sizeof(web_join_routes) / sizeof(web_join_routes[0]);
