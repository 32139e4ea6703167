/*
 * web/page_settings: a member's settings (GET and POST /settings/profile,
 * /settings/preferences, /settings/password; GET /settings/sessions and
 * POST /settings/sessions/ID/revoke).
 *
 * Each form changes what the client API's update_credentials changes,
 * through the same core calls, in one transaction: a refused field
 * changes nothing and the form comes back filled in with the reason
 * (422). A profile change is sent to other servers (an Update of the
 * actor). A new password logs out every other session and app, as a
 * member who changes it because it leaked would want.
 */
#include <string.h>

#include "core/account.h"
#include "core/core.h"
#include "core/media.h"
#include "core/outbox.h"
#include "core/session.h"
#include "core/tx.h"
#include "core/visibility.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"
#include "util/limits.h"
#define LOG_MODULE "web"
#include "util/log.h"
#include "util/multipart.h"
#include "util/route.h"
#include "web/internal.h"
#include "web/web.h"

#define SESSIONS_MAX 200 /* tokens listed on the sessions page */

static const struct {
    const char *path;
    const char *label;
} tabs[] = {
    {"/settings/profile", "Profile"},
    {"/settings/preferences", "Preferences"},
    {"/settings/password", "Password"},
    {"/settings/sessions", "Sessions and apps"},
};

/* Starts a settings page to show: 0 to go on, 1 when answered (signed out). */
static int begin(struct req *req, struct resp *resp, struct web_ctx *w)
{
    web_begin(req, resp, w);
    return web_need_member(w);
}

/* Shows settings page name (its tab: path) with data; message/notice when given. */
static void show(struct web_ctx *w, int status, const char *name, const char *path,
                 const char *title, json_t *d, const char *message, const char *notice)
{
    json_t *t = json_array();
    for (size_t i = 0; i < sizeof(tabs) / sizeof(tabs[0]); i++)
        json_array_append_new(t, json_pack("{s:s, s:s, s:b}", "path", tabs[i].path, "label",
                                           tabs[i].label, "current", !strcmp(tabs[i].path, path)));
    json_object_set_new(d, "tabs", t);
    json_object_set_new(d, "heading", json_string(title));
    if (message)
        json_object_set_new(d, "message", json_string(message));
    if (notice)
        json_object_set_new(d, "notice", json_string(notice));
    web_page(w, status, name, title, d);
}

/* "?saved=1" after a change that went through. */
static const char *saved_notice(struct web_ctx *w, const char *what)
{
    const char *saved = req_arg(w->req, "saved");
    return saved && !strcmp(saved, "1") ? what : NULL;
}

/* ---- profile ---- */

/* The profile form: from what was sent (sent = 1) or from what is stored. */
static void profile_form(struct web_ctx *w, int status, int sent, const char *message)
{
    struct req *req = w->req;
    json_t *d = json_object();
    struct db_conn *c;
    if (db_acquire(w->core->db, DB_READ, &c) != 0)
        return web_fail(w, E_DB);
    struct account *acc = NULL;
    struct account_source src;
    int rc = account_get(c, req->arena, w->me->id, &acc);
    if (rc == 0)
        rc = account_profile_source(c, req->arena, w->me->id, &src);
    const char *avatar = NULL, *header = NULL;
    if (rc == 0)
        media_profile_urls(w->core, c, req->arena, w->me->id, &avatar, &header);
    db_release(c);
    if (rc) {
        json_decref(d);
        return web_fail(w, rc);
    }
    const char *dn = sent ? req_arg(req, "display_name") : acc->display_name;
    const char *note = sent ? req_arg(req, "note") : src.note;
    json_object_set_new(d, "display_name", json_string(dn ? dn : ""));
    json_object_set_new(d, "note", json_string(note ? note : ""));
    json_object_set_new(d, "locked",
                        json_boolean(sent ? web_form_checked(req, "locked") : acc->locked));
    json_object_set_new(d, "bot", json_boolean(sent ? web_form_checked(req, "bot") : acc->bot));
    if (avatar)
        json_object_set_new(d, "avatar_url", json_string(avatar));
    if (header)
        json_object_set_new(d, "header_url", json_string(header));
    json_t *fields = json_array();
    for (int i = 0; i < LIMIT_FIELDS; i++) {
        const char *name = NULL, *value = NULL;
        if (sent) {
            name = req_arg(req, arena_printf(req->arena, "fields_attributes[%d][name]", i));
            value = req_arg(req, arena_printf(req->arena, "fields_attributes[%d][value]", i));
        } else if ((size_t)i < src.n_fields) {
            name = src.field_names[i];
            value = src.field_values[i];
        }
        json_array_append_new(fields, json_pack("{s:i, s:i, s:s, s:s}", "i", i, "n", i + 1, "name",
                                                name ? name : "", "value", value ? value : ""));
    }
    json_object_set_new(d, "fields", fields);
    json_object_set_new(d, "profile_url", json_string(web_account_path(w, w->me)));
    show(w, status, "settings_profile", "/settings/profile", "Profile", d, message,
         saved_notice(w, "Profile saved."));
}

static int profile_page(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    if (begin(req, resp, &w))
        return 0;
    profile_form(&w, 200, 0, NULL);
    return 0;
}

static int profile_post(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    if (web_begin_form(req, resp, &w))
        return 0;
    if (req->form_error) {
        web_error(&w, 400, "The form could not be read. Please try again.");
        return 0;
    }
    const char *names[LIMIT_FIELDS], *values[LIMIT_FIELDS];
    for (int i = 0; i < LIMIT_FIELDS; i++) {
        const char *nm = req_arg(req, arena_printf(req->arena, "fields_attributes[%d][name]", i));
        const char *vl = req_arg(req, arena_printf(req->arena, "fields_attributes[%d][value]", i));
        names[i] = nm ? nm : "";
        values[i] = vl ? vl : "";
    }
    const char *why = NULL;
    /* The images first: each is its own change, refused before anything else is. */
    static const char *const parts[] = {"avatar", "header"};
    for (int i = 0; i < 2; i++) {
        const struct multipart_part *f = req_file(req, parts[i]);
        if (!f || !f->len)
            continue;
        int rc = media_set_profile_image(w.core, req->arena, w.me->id, i, f->data, f->len, &why);
        if (rc) {
            if ((rc == E_INVAL || rc == E_LIMIT) && why) {
                profile_form(&w, 422, 1,
                             arena_printf(req->arena, "The %s was refused: %s.",
                                          i ? "header image" : "avatar", why));
                return 0;
            }
            return web_fail(&w, rc), 0;
        }
    }
    struct db_conn *c = NULL;
    int rc = core_tx_begin(w.core, &c);
    if (rc == 0)
        rc = account_update_profile(c, w.me->id, req_arg(req, "display_name"), req_arg(req, "note"),
                                    web_form_checked(req, "locked"), web_form_checked(req, "bot"),
                                    &why);
    if (rc == 0)
        rc = account_set_fields(c, w.me->id, names, values, LIMIT_FIELDS, &why);
    if (rc == 0)
        rc = outbox_add(c, OUTBOX_UPDATE_ACTOR, w.me->id, 0, NULL);
    if (c)
        rc = core_tx_end(c, rc);
    if (rc == E_INVAL && why) {
        profile_form(&w, 422, 1, arena_printf(req->arena, "Nothing was saved: %s.", why));
        return 0;
    }
    if (rc)
        return web_fail(&w, rc), 0;
    web_redirect(&w, "/settings/profile?saved=1");
    return 0;
}

/* ---- preferences ---- */

static void preferences_form(struct web_ctx *w, int status, const char *message)
{
    struct db_conn *c;
    if (db_acquire(w->core->db, DB_READ, &c) != 0)
        return web_fail(w, E_DB);
    struct user *u = NULL;
    struct account *acc = NULL;
    int feed = 1;
    int rc = user_get(c, w->req->arena, w->me->id, &u);
    if (rc == 0)
        rc = account_get(c, w->req->arena, w->me->id, &acc);
    if (rc == 0)
        rc = account_feed_enabled(c, w->me->id, &feed);
    db_release(c);
    if (rc)
        return web_fail(w, rc);
    json_t *d = json_object();
    json_t *vis = web_visibility_options((enum status_visibility)u->default_visibility, 0);
    json_object_set_new(d, "visibilities", vis);
    json_object_set_new(d, "sensitive", json_boolean(u->default_sensitive));
    json_object_set_new(d, "discoverable", json_boolean(acc->discoverable));
    json_object_set_new(d, "feed", json_boolean(feed));
    json_object_set_new(
        d, "feed_url",
        json_string(arena_printf(w->req->arena, "%s.rss", web_account_path(w, w->me))));
    show(w, status, "settings_preferences", "/settings/preferences", "Preferences", d, message,
         saved_notice(w, "Preferences saved."));
}

static int preferences_page(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    if (begin(req, resp, &w))
        return 0;
    preferences_form(&w, 200, NULL);
    return 0;
}

static int preferences_post(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    if (web_begin_form(req, resp, &w))
        return 0;
    const char *privacy = req_arg(req, "default_visibility");
    enum status_visibility v;
    if (privacy && *privacy && (visibility_parse(privacy, &v) != 0 || v == VIS_DIRECT)) {
        preferences_form(&w, 422, "Choose the usual audience of your posts from the list.");
        return 0;
    }
    const char *why = NULL;
    struct db_conn *c = NULL;
    int rc = core_tx_begin(w.core, &c);
    if (rc == 0)
        rc = user_update_defaults(c, w.me->id, privacy && *privacy ? privacy : NULL,
                                  web_form_checked(req, "sensitive"), NULL,
                                  web_form_checked(req, "discoverable"), &why);
    if (rc == 0)
        rc = outbox_add(c, OUTBOX_UPDATE_ACTOR, w.me->id, 0, NULL);
    if (c)
        rc = core_tx_end(c, rc);
    if (rc == 0)
        rc = account_feed_set(w.core, w.me->id, web_form_checked(req, "feed"));
    if (rc == E_INVAL && why) {
        preferences_form(&w, 422, arena_printf(req->arena, "Nothing was saved: %s.", why));
        return 0;
    }
    if (rc)
        return web_fail(&w, rc), 0;
    web_redirect(&w, "/settings/preferences?saved=1");
    return 0;
}

/* ---- password ---- */

static void password_form(struct web_ctx *w, int status, const char *message)
{
    show(w, status, "settings_password", "/settings/password", "Password", json_object(), message,
         saved_notice(w, "Password changed. Your other sessions and apps were logged out."));
}

static int password_page(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    if (begin(req, resp, &w))
        return 0;
    password_form(&w, 200, NULL);
    return 0;
}

static int password_post(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    if (web_begin_form(req, resp, &w))
        return 0;
    const char *current = req_arg(req, "current_password");
    const char *pw = req_arg(req, "password");
    const char *again = req_arg(req, "password_confirmation");
    if (!current || !*current || !pw || !*pw || !again) {
        password_form(&w, 422, "Fill in your current password and the new one twice.");
        return 0;
    }
    int64_t who = 0;
    int rc = user_authenticate(w.core, w.user->username, current, &who);
    if (rc == E_AUTH || (rc == 0 && who != w.me->id)) {
        password_form(&w, 422, "Your current password is not right.");
        return 0;
    }
    if (rc)
        return web_fail(&w, rc), 0;
    if (strcmp(pw, again)) {
        password_form(&w, 422, "The new password and its confirmation differ.");
        return 0;
    }
    const char *why = NULL;
    rc = user_set_password(w.core, w.user->username, pw, &why);
    if (rc == E_INVAL && why) {
        password_form(&w, 422, arena_printf(req->arena, "The password was not changed: %s.", why));
        return 0;
    }
    if (rc)
        return web_fail(&w, rc), 0;
    /* Her other sessions and apps end; a failure here does not undo the new password. */
    if (session_revoke_others(w.core, w.me->id, w.session.token_id) != 0)
        log_warn("other sessions of account %lld were not revoked", (long long)w.me->id);
    web_redirect(&w, "/settings/password?saved=1");
    return 0;
}

/* ---- sessions and apps ---- */

static int sessions_page(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    if (begin(req, resp, &w))
        return 0;
    struct db_conn *c;
    int rc = db_acquire(w.core->db, DB_READ, &c);
    if (rc)
        return web_fail(&w, rc), 0;
    struct session_info *list = NULL;
    size_t n = 0;
    rc = session_list(c, req->arena, w.me->id, &list, &n);
    db_release(c);
    if (rc)
        return web_fail(&w, rc), 0;
    json_t *web = json_array(), *apps = json_array();
    for (size_t i = 0; i < n && i < SESSIONS_MAX; i++) {
        const struct session_info *s = &list[i];
        json_t *v = json_pack("{s:s, s:s, s:s, s:s, s:b}", "id",
                              arena_printf(req->arena, "%lld", (long long)s->id), "name",
                              s->app_name ? s->app_name : "", "scopes", s->scopes ? s->scopes : "",
                              "created_text", web_time_text(&w, s->created_at), "current",
                              s->id == w.session.token_id);
        if (s->last_used_at)
            json_object_set_new(v, "used_text", json_string(web_time_text(&w, s->last_used_at)));
        const char *site = s->app_website ? web_safe_url(s->app_website) : NULL;
        if (site)
            json_object_set_new(v, "website", json_string(site));
        json_array_append_new(s->web ? web : apps, v);
    }
    json_t *d = json_object();
    json_object_set_new(d, "has_apps", json_boolean(json_array_size(apps) > 0));
    json_object_set_new(d, "sessions", web);
    json_object_set_new(d, "apps", apps);
    show(&w, 200, "settings_sessions", "/settings/sessions", "Sessions and apps", d, NULL,
         saved_notice(&w, "Access revoked."));
    return 0;
}

static int session_revoke_post(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    if (web_begin_form(req, resp, &w))
        return 0;
    int64_t id = 0;
    const char *s = req_param(req, "id");
    if (!s || id_from_str(s, &id) != 0)
        return web_fail(&w, E_NOTFOUND), 0;
    int rc = session_revoke(w.core, w.me->id, id);
    if (rc)
        return web_fail(&w, rc), 0;
    if (id == w.session.token_id) {
        /* She ended the session she is using: she is logged out. */
        web_set_cookie(&w, SESSION_COOKIE, NULL, 0);
        web_redirect(&w, "/login");
        return 0;
    }
    web_redirect(&w, "/settings/sessions?saved=1");
    return 0;
}

const struct route web_settings_routes[] = {
    {"GET", "/settings/profile", profile_page, ROUTE_AUTH_NONE, NULL},
    {"POST", "/settings/profile", profile_post, ROUTE_AUTH_NONE, NULL},
    {"GET", "/settings/preferences", preferences_page, ROUTE_AUTH_NONE, NULL},
    {"POST", "/settings/preferences", preferences_post, ROUTE_AUTH_NONE, NULL},
    {"GET", "/settings/password", password_page, ROUTE_AUTH_NONE, NULL},
    {"POST", "/settings/password", password_post, ROUTE_AUTH_NONE, NULL},
    {"GET", "/settings/sessions", sessions_page, ROUTE_AUTH_NONE, NULL},
    {"POST", "/settings/sessions/:id/revoke", session_revoke_post, ROUTE_AUTH_NONE, NULL},
};
const size_t web_settings_routes_count =
    sizeof(web_settings_routes) / sizeof(web_settings_routes[0]);
