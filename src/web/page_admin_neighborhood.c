/*
 * web/page_admin_neighborhood: the admin's page for the trust rings.
 *
 *   GET  /admin/neighborhood          the neighborhood's servers, the
 *                                     posting levels' settings
 *   POST /admin/neighborhood          add (domain) or remove (remove=DOMAIN)
 *   POST /admin/neighborhood/posting  the level new members start with and
 *                                     whether every post stays here
 *
 * The neighborhood needs PERM_MANAGE_FEDERATION, the posting settings
 * PERM_MANAGE_SETTINGS (core/role.h). Changes go through
 * core/neighborhood and core/setting, which the command line uses too,
 * and are in the audit log.
 */
#include <stdio.h>
#include <string.h>

#include "core/audit.h"
#include "core/core.h"
#include "core/neighborhood.h"
#include "core/role.h"
#include "core/setting.h"
#include "core/tx.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "web/internal.h"
#include "web/web.h"

static void show(struct web_ctx *w, int status, const char *message, const char *typed)
{
    struct db_conn *c;
    if (db_acquire(w->core->db, DB_READ, &c) != 0)
        return web_fail(w, E_DB);
    struct neighbor *v = NULL;
    size_t n = 0;
    int rc = neighborhood_list(c, w->req->arena, &v, &n);
    int64_t def = setting_get_int(c, SETTING_DEFAULT_VISIBILITY, VIS_PUBLIC);
    int force = setting_get_int(c, SETTING_FORCE_LOCAL, 0) == 1;
    db_release(c);
    if (rc)
        return web_fail(w, rc);
    json_t *d = json_object();
    json_t *servers = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(servers, json_pack("{s:s, s:s}", "domain", v[i].domain, "since",
                                                 web_time_text(w, v[i].created_at)));
    json_object_set_new(d, "servers", servers);
    json_object_set_new(d, "empty", json_boolean(n == 0));
    json_object_set_new(d, "domain", json_string(w->core->domain));
    json_object_set_new(
        d, "visibilities",
        web_visibility_options(
            def >= 0 && def <= VIS_NEIGHBORHOOD ? (enum status_visibility)def : VIS_PUBLIC, 0));
    json_object_set_new(d, "force_local", json_boolean(force));
    if (typed)
        json_object_set_new(d, "typed", json_string(typed));
    if (message)
        json_object_set_new(d, "message", json_string(message));
    const char *done = req_arg(w->req, "saved");
    if (done && !strcmp(done, "1"))
        json_object_set_new(d, "notice", json_string("Saved."));
    web_page(w, status, "admin_neighborhood", "Neighborhood", d);
}

static int page(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    web_begin(req, resp, &w);
    if (web_need_permission(&w, PERM_MANAGE_FEDERATION))
        return 0;
    show(&w, 200, NULL, NULL);
    return 0;
}

static int change(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    if (web_begin_form(req, resp, &w) || web_need_permission(&w, PERM_MANAGE_FEDERATION))
        return 0;
    const char *remove = req_arg(req, "remove");
    const char *domain = req_arg(req, "domain");
    const char *why = NULL;
    int rc;
    if (remove && *remove) {
        int64_t dropped = 0;
        rc = neighborhood_remove(w.core, w.me->id, remove, &dropped, &why);
    } else {
        int added = 0;
        rc = neighborhood_add(w.core, w.me->id, domain, &added, &why);
    }
    if ((rc == E_INVAL || rc == E_LIMIT || rc == E_NOTFOUND) && why) {
        show(&w, 422, arena_printf(req->arena, "Nothing was changed: %s.", why), domain);
        return 0;
    }
    if (rc)
        return web_fail(&w, rc), 0;
    web_redirect(&w, "/admin/neighborhood?saved=1");
    return 0;
}

static int posting(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    if (web_begin_form(req, resp, &w) || web_need_permission(&w, PERM_MANAGE_SETTINGS))
        return 0;
    const char *level = req_arg(req, "default_visibility");
    enum status_visibility v = VIS_PUBLIC;
    if (level && *level && (visibility_parse(level, &v) != 0 || v == VIS_DIRECT)) {
        show(&w, 422, "Choose the level new members start with from the list.", NULL);
        return 0;
    }
    int force = web_form_checked(req, "force_local");
    char num[8];
    snprintf(num, sizeof(num), "%d", (int)v);
    struct db_conn *c = NULL;
    int rc = core_tx_begin(w.core, &c);
    if (rc == 0)
        rc = setting_set(c, SETTING_DEFAULT_VISIBILITY, num);
    if (rc == 0)
        rc = setting_set(c, SETTING_FORCE_LOCAL, force ? "1" : NULL);
    if (rc == 0)
        rc =
            audit_add(c, w.me->id, "setting.update", "setting", 0, "posting",
                      arena_printf(req->arena, "{\"default_visibility\":\"%s\",\"force_local\":%s}",
                                   visibility_name(v), force ? "true" : "false"));
    if (c)
        rc = core_tx_end(c, rc);
    if (rc)
        return web_fail(&w, rc), 0;
    web_redirect(&w, "/admin/neighborhood?saved=1");
    return 0;
}

const struct route web_admin_neighborhood_routes[] = {
    {"GET", "/admin/neighborhood", page, ROUTE_AUTH_NONE, NULL},
    {"POST", "/admin/neighborhood", change, ROUTE_AUTH_NONE, NULL},
    {"POST", "/admin/neighborhood/posting", posting, ROUTE_AUTH_NONE, NULL},
};
const size_t web_admin_neighborhood_routes_count =
    sizeof(web_admin_neighborhood_routes) / sizeof(web_admin_neighborhood_routes[0]);
