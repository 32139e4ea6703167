/*
 * web/page_admin_join: /admin/join, where the staff decide who comes in.
 *
 *   GET  /admin/join                          the page; each section only for
 *                                             those whose role permits it
 *   POST /admin/join/mode                     registrations_mode,
 *                                             members_may_invite (MANAGE_SETTINGS)
 *   POST /admin/join/texts                    conduct, privacy policy, contact
 *                                             (MANAGE_SETTINGS)
 *   POST /admin/join/pending/ID/approve|reject  (MANAGE_USERS)
 *   POST /admin/join/invites, .../ID/revoke   (MANAGE_INVITES)
 *   POST /admin/join/rules, .../ID, .../ID/up|down|delete  (MANAGE_RULES)
 *   POST /admin/join/ip_blocks, .../ID/delete (MANAGE_BLOCKS)
 *   POST /admin/join/email_domain_blocks, .../ID/delete (MANAGE_BLOCKS)
 *   POST /admin/join/canonical_email_blocks, .../ID/delete (MANAGE_BLOCKS)
 *   POST /admin/join/held/ID/release|delete   (MANAGE_REPORTS)
 * The page needs one of those permissions (403 for members); each form
 * asks role_check for its own. Every change is written to the audit log by
 * core. A refused form shows the page again with the reason (422).
 */
#include <string.h>

#include "core/access_block.h"
#include "core/join.h"
#include "core/role.h"
#include "core/rule.h"
#include "core/setting.h"
#include "core/spam.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"
#include "util/route.h"
#include "util/timeutil.h"
#include "web/internal.h"

/* Does the signed-in member have perms? */
static int may(struct web_ctx *w, unsigned perms)
{
    struct db_conn *c;
    if (!w->me || db_acquire(w->core->db, DB_READ, &c) != 0)
        return 0;
    int ok = role_check(c, w->me->id, perms, NULL) == 0;
    db_release(c);
    return ok;
}

/* 1 when the member may see the page at all (has one of the sections' permissions). */
static int may_any(struct web_ctx *w)
{
    static const unsigned each[] = {PERM_MANAGE_SETTINGS, PERM_MANAGE_USERS,  PERM_MANAGE_INVITES,
                                    PERM_MANAGE_RULES,    PERM_MANAGE_BLOCKS, PERM_MANAGE_REPORTS};
    for (size_t i = 0; i < sizeof(each) / sizeof(each[0]); i++)
        if (may(w, each[i]))
            return 1;
    return 0;
}

static const char *id_text(struct web_ctx *w, int64_t id)
{
    char buf[ID_STR_MAX];
    return arena_strdup(w->req->arena, id_to_str(id, buf));
}

static json_t *mode_options(enum join_mode m)
{
    static const struct {
        enum join_mode mode;
        const char *label;
    } opts[] = {{JOIN_OPEN, "Open: anyone may sign up"},
                {JOIN_APPROVAL, "Approval: the staff approve each sign-up"},
                {JOIN_INVITE, "Invite only: an invite link is needed"},
                {JOIN_CLOSED, "Closed: nobody signs up"}};
    json_t *arr = json_array();
    for (size_t i = 0; i < 4; i++)
        json_array_append_new(arr,
                              json_pack("{s:s, s:s, s:b}", "value", join_mode_name(opts[i].mode),
                                        "label", opts[i].label, "selected", opts[i].mode == m));
    return arr;
}

static void section_settings(struct web_ctx *w, struct db_conn *c, json_t *d)
{
    struct arena *a = w->req->arena;
    json_t *s = json_object();
    json_object_set_new(s, "modes", mode_options(join_mode(c, w->core)));
    json_object_set_new(s, "members_may_invite",
                        json_boolean(setting_get_int(c, "members_may_invite", 0) == 1));
    json_object_set_new(s, "conduct",
                        json_string(join_text(c, a, w->core, "site_extended_description")));
    json_object_set_new(s, "privacy", json_string(join_text(c, a, w->core, "site_privacy_policy")));
    json_object_set_new(s, "contact", json_string(join_text(c, a, w->core, "site_contact_email")));
    json_object_set_new(d, "settings", s);
}

static void section_pending(struct web_ctx *w, struct db_conn *c, json_t *d)
{
    struct join_pending *v;
    size_t n = 0;
    json_t *arr = json_array();
    if (join_pending_list(c, w->req->arena, 100, &v, &n) == 0)
        for (size_t i = 0; i < n; i++)
            json_array_append_new(
                arr, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "id", id_text(w, v[i].account_id),
                               "username", v[i].username, "email", v[i].email, "reason",
                               v[i].reason, "invite_code", v[i].invite_code ? v[i].invite_code : "",
                               "when", web_time_text(w, v[i].created_at)));
    json_object_set_new(d, "pending", arr);
    json_object_set_new(d, "show_pending", json_true());
}

static void section_invites(struct web_ctx *w, struct db_conn *c, json_t *d)
{
    struct invite *v;
    size_t n = 0;
    if (invite_list(c, w->req->arena, 0, 1, &v, &n) == 0)
        json_object_set_new(d, "invites", web_invites_view(w, v, n, "/admin/join/invites"));
    struct invited *j;
    size_t nj = 0;
    json_t *arr = json_array();
    if (invite_joined(c, w->req->arena, 50, &j, &nj) == 0)
        for (size_t i = 0; i < nj; i++)
            json_array_append_new(
                arr, json_pack("{s:s, s:s, s:s, s:s}", "username", j[i].username, "inviter",
                               *j[i].inviter ? j[i].inviter : "the command line", "code", j[i].code,
                               "when", web_time_text(w, j[i].joined_at)));
    json_object_set_new(d, "joined", arr);
    json_object_set_new(d, "show_invites", json_true());
}

static void section_rules(struct web_ctx *w, struct db_conn *c, json_t *d)
{
    json_object_set_new(d, "rules", web_rules_view(w, c));
    json_object_set_new(d, "show_rules", json_true());
}

static void section_blocks(struct web_ctx *w, struct db_conn *c, json_t *d)
{
    struct arena *a = w->req->arena;
    struct ip_block *ip;
    size_t n = 0;
    json_t *arr = json_array();
    int64_t now = time_now_ms();
    if (ip_block_list(c, a, &ip, &n) == 0)
        for (size_t i = 0; i < n; i++)
            json_array_append_new(
                arr, json_pack("{s:s, s:s, s:s, s:s, s:s, s:b}", "id", id_text(w, ip[i].id), "ip",
                               ip[i].ip, "severity", ip_severity_name(ip[i].severity), "comment",
                               ip[i].comment, "expires",
                               ip[i].expires_at ? web_time_text(w, ip[i].expires_at) : "never",
                               "expired", ip[i].expires_at && ip[i].expires_at <= now));
    json_object_set_new(d, "ip_blocks", arr);
    struct email_domain_block *e;
    arr = json_array();
    if (email_domain_block_list(c, a, &e, &n) == 0)
        for (size_t i = 0; i < n; i++)
            json_array_append_new(
                arr, json_pack("{s:s, s:s}", "id", id_text(w, e[i].id), "domain", e[i].domain));
    json_object_set_new(d, "email_domain_blocks", arr);
    struct canonical_email_block *ce;
    arr = json_array();
    if (canonical_email_block_list(c, a, &ce, &n) == 0)
        for (size_t i = 0; i < n; i++)
            json_array_append_new(
                arr, json_pack("{s:s, s:s}", "id", id_text(w, ce[i].id), "hash", ce[i].hash));
    json_object_set_new(d, "canonical_email_blocks", arr);
    json_object_set_new(d, "show_blocks", json_true());
}

static void section_held(struct web_ctx *w, struct db_conn *c, json_t *d)
{
    struct held_activity *v;
    size_t n = 0;
    json_t *arr = json_array();
    if (spam_list(c, w->req->arena, 100, &v, &n) == 0)
        for (size_t i = 0; i < n; i++)
            json_array_append_new(
                arr, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "id", id_text(w, v[i].id), "acct",
                               v[i].acct, "text", v[i].text, "reason", v[i].reason, "uri",
                               web_safe_url(v[i].object_uri) ? v[i].object_uri : "", "when",
                               web_time_text(w, v[i].created_at)));
    json_object_set_new(d, "held", arr);
    json_object_set_new(d, "show_held", json_true());
}

static void admin_page(struct web_ctx *w, int status, const char *message)
{
    if (!may_any(w)) {
        web_error(w, 403, "This page is for the admins and moderators.");
        return;
    }
    struct db_conn *c;
    int rc = db_acquire(w->core->db, DB_READ, &c);
    if (rc) {
        web_fail(w, rc);
        return;
    }
    json_t *d = json_object();
    if (message)
        json_object_set_new(d, "message", json_string(message));
    if (req_arg(w->req, "saved"))
        json_object_set_new(d, "saved", json_true());
    if (may(w, PERM_MANAGE_SETTINGS))
        section_settings(w, c, d);
    if (may(w, PERM_MANAGE_USERS))
        section_pending(w, c, d);
    if (may(w, PERM_MANAGE_INVITES))
        section_invites(w, c, d);
    if (may(w, PERM_MANAGE_RULES))
        section_rules(w, c, d);
    if (may(w, PERM_MANAGE_BLOCKS))
        section_blocks(w, c, d);
    if (may(w, PERM_MANAGE_REPORTS))
        section_held(w, c, d);
    db_release(c);
    web_page(w, status, "admin_join", "Joining", d);
}

static int join_get(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    web_begin(req, resp, &w);
    if (web_need_member(&w))
        return 0;
    admin_page(&w, 200, NULL);
    return 0;
}

/* Starts an admin form: a member's form, and the permission. 0 to go on. */
static int begin(struct req *req, struct resp *resp, struct web_ctx *w, unsigned perms)
{
    if (web_begin_form(req, resp, w))
        return 1;
    if (!may(w, perms)) {
        web_error(w, 403, "You are not allowed to do that.");
        return 1;
    }
    return 0;
}

/* The answer to a form: back to the page, or the page with the reason. */
static int done(struct web_ctx *w, int rc, const char *why)
{
    if (rc == 0) {
        web_redirect(w, "/admin/join?saved=1");
        return 0;
    }
    if ((rc == E_INVAL || rc == E_EXISTS || rc == E_LIMIT || rc == E_UTF8) && why) {
        admin_page(w, 422, why);
        return 0;
    }
    if (rc == E_INVAL || rc == E_UTF8 || rc == E_LIMIT) {
        admin_page(w, 422, "That is not something this form takes.");
        return 0;
    }
    web_fail(w, rc);
    return 0;
}

static int64_t param_id(struct req *req)
{
    int64_t id = 0;
    id_from_str(req_param(req, "id"), &id);
    return id;
}

static int mode_post(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    if (begin(req, resp, &w, PERM_MANAGE_SETTINGS))
        return 0;
    enum join_mode m;
    if (join_mode_parse(req_arg(req, "registrations_mode"), &m) != 0)
        return done(&w, E_INVAL, "Choose how people join.");
    int rc = join_set_mode(w.core, w.me->id, m);
    if (rc == 0)
        rc = join_set_text(w.core, w.me->id, "members_may_invite",
                           web_form_checked(req, "members_may_invite") ? "1" : "0");
    return done(&w, rc, NULL);
}

static int texts_post(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    if (begin(req, resp, &w, PERM_MANAGE_SETTINGS))
        return 0;
    static const char *const fields[][2] = {{"conduct", "site_extended_description"},
                                            {"privacy", "site_privacy_policy"},
                                            {"contact", "site_contact_email"}};
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < 3; i++) {
        const char *v = req_arg(req, fields[i][0]);
        if (v)
            rc = join_set_text(w.core, w.me->id, fields[i][1], v);
    }
    return done(&w, rc, rc == E_LIMIT ? "A text is too long (at most 32 KB)." : NULL);
}

static int pending_decide(struct req *req, struct resp *resp, int approve)
{
    struct web_ctx w;
    if (begin(req, resp, &w, PERM_MANAGE_USERS))
        return 0;
    return done(&w, join_decide(w.core, w.me->id, param_id(req), approve), NULL);
}

static int pending_approve(struct req *req, struct resp *resp)
{
    return pending_decide(req, resp, 1);
}

static int pending_reject(struct req *req, struct resp *resp)
{
    return pending_decide(req, resp, 0);
}

static int invite_post(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    if (begin(req, resp, &w, PERM_MANAGE_INVITES))
        return 0;
    struct invite *inv;
    const char *why = NULL;
    int rc = web_invite_form(&w, &inv, &why);
    return done(&w, rc, why);
}

static int invite_revoke_post(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    if (begin(req, resp, &w, PERM_MANAGE_INVITES))
        return 0;
    return done(&w, invite_revoke(w.core, w.me->id, param_id(req)), NULL);
}

static int rule_add_post(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    if (begin(req, resp, &w, PERM_MANAGE_RULES))
        return 0;
    int64_t id;
    const char *why = NULL;
    int rc = rule_add(w.core, w.me->id, req_arg(req, "text"), req_arg(req, "hint"), &id, &why);
    return done(&w, rc, why);
}

static int rule_edit_post(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    if (begin(req, resp, &w, PERM_MANAGE_RULES))
        return 0;
    const char *why = NULL;
    int rc = rule_update(w.core, w.me->id, param_id(req), req_arg(req, "text"),
                         req_arg(req, "hint"), &why);
    return done(&w, rc, why);
}

static int rule_move_post(struct req *req, struct resp *resp, int delta)
{
    struct web_ctx w;
    if (begin(req, resp, &w, PERM_MANAGE_RULES))
        return 0;
    return done(&w, rule_move(w.core, w.me->id, param_id(req), delta, 0), NULL);
}

static int rule_up(struct req *req, struct resp *resp)
{
    return rule_move_post(req, resp, -1);
}

static int rule_down(struct req *req, struct resp *resp)
{
    return rule_move_post(req, resp, 1);
}

static int rule_delete_post(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    if (begin(req, resp, &w, PERM_MANAGE_RULES))
        return 0;
    return done(&w, rule_delete(w.core, w.me->id, param_id(req)), NULL);
}

static int ip_block_post(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    if (begin(req, resp, &w, PERM_MANAGE_BLOCKS))
        return 0;
    enum ip_severity sev = IP_SEVERITY_NONE;
    if (ip_severity_parse(req_arg(req, "severity"), &sev) != 0)
        return done(&w, E_INVAL, "Choose what the block does.");
    int64_t expires = 0;
    const char *e = req_arg(req, "expires_in");
    if (e && *e && id_from_str(e, &expires) != 0)
        return done(&w, E_INVAL, "Choose when the block ends.");
    struct ip_block *b;
    const char *why = NULL;
    int rc = ip_block_create(w.core, req->arena, w.me->id, req_arg(req, "ip"), sev,
                             req_arg(req, "comment"), expires, &b, &why);
    return done(&w, rc, why);
}

static int ip_block_delete_post(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    if (begin(req, resp, &w, PERM_MANAGE_BLOCKS))
        return 0;
    return done(&w, ip_block_delete(w.core, w.me->id, param_id(req)), NULL);
}

static int email_block_post(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    if (begin(req, resp, &w, PERM_MANAGE_BLOCKS))
        return 0;
    struct email_domain_block *b;
    const char *why = NULL;
    int rc =
        email_domain_block_create(w.core, req->arena, w.me->id, req_arg(req, "domain"), &b, &why);
    return done(&w, rc, why);
}

static int email_block_delete_post(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    if (begin(req, resp, &w, PERM_MANAGE_BLOCKS))
        return 0;
    return done(&w, email_domain_block_delete(w.core, w.me->id, param_id(req)), NULL);
}

static int canonical_block_post(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    if (begin(req, resp, &w, PERM_MANAGE_BLOCKS))
        return 0;
    struct canonical_email_block *b;
    const char *why = NULL;
    int rc = canonical_email_block_create(w.core, req->arena, w.me->id, req_arg(req, "email"), NULL,
                                          &b, &why);
    return done(&w, rc, why);
}

static int canonical_block_delete_post(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    if (begin(req, resp, &w, PERM_MANAGE_BLOCKS))
        return 0;
    return done(&w, canonical_email_block_delete(w.core, w.me->id, param_id(req)), NULL);
}

static int held_decide(struct req *req, struct resp *resp, int release)
{
    struct web_ctx w;
    if (begin(req, resp, &w, PERM_MANAGE_REPORTS))
        return 0;
    return done(&w, spam_decide(w.core, w.me->id, param_id(req), release), NULL);
}

static int held_release(struct req *req, struct resp *resp)
{
    return held_decide(req, resp, 1);
}

static int held_delete(struct req *req, struct resp *resp)
{
    return held_decide(req, resp, 0);
}

#define N ROUTE_AUTH_NONE
const struct route web_admin_join_routes[] = {
    {"GET", "/admin/join", join_get, N, NULL},
    {"POST", "/admin/join/mode", mode_post, N, NULL},
    {"POST", "/admin/join/texts", texts_post, N, NULL},
    {"POST", "/admin/join/pending/:id/approve", pending_approve, N, NULL},
    {"POST", "/admin/join/pending/:id/reject", pending_reject, N, NULL},
    {"POST", "/admin/join/invites", invite_post, N, NULL},
    {"POST", "/admin/join/invites/:id/revoke", invite_revoke_post, N, NULL},
    {"POST", "/admin/join/rules", rule_add_post, N, NULL},
    {"POST", "/admin/join/rules/:id", rule_edit_post, N, NULL},
    {"POST", "/admin/join/rules/:id/up", rule_up, N, NULL},
    {"POST", "/admin/join/rules/:id/down", rule_down, N, NULL},
    {"POST", "/admin/join/rules/:id/delete", rule_delete_post, N, NULL},
    {"POST", "/admin/join/ip_blocks", ip_block_post, N, NULL},
    {"POST", "/admin/join/ip_blocks/:id/delete", ip_block_delete_post, N, NULL},
    {"POST", "/admin/join/email_domain_blocks", email_block_post, N, NULL},
    {"POST", "/admin/join/email_domain_blocks/:id/delete", email_block_delete_post, N, NULL},
    {"POST", "/admin/join/canonical_email_blocks", canonical_block_post, N, NULL},
    {"POST", "/admin/join/canonical_email_blocks/:id/delete", canonical_block_delete_post, N, NULL},
    {"POST", "/admin/join/held/:id/release", held_release, N, NULL},
    {"POST", "/admin/join/held/:id/delete", held_delete, N, NULL},
};
#undef N
const size_t web_admin_join_routes_count =
    sizeof(web_admin_join_routes) / sizeof(web_admin_join_routes[0]);
