/*
 * web/page_admin_domains: the admin area's domain moderation
 * (core/domain_policy.h), for users whose role has
 * PERM_MANAGE_FEDERATION (others get 403):
 *
 *   GET  /admin/domains                      blocks, scheduled blocks, allows,
 *                                            the federation mode, the forms
 *   POST /admin/domains                      block: domain, severity, reject_media,
 *                                            reject_reports, private_comment,
 *                                            public_comment, obfuscate
 *   POST /admin/domains/:id/update           the same fields but domain
 *   POST /admin/domains/:id/delete           unblock
 *   POST /admin/domains/allow                domain; /admin/domains/allow/:id/delete
 *   POST /admin/domains/mode                 mode (blocklist, allowlist)
 *   GET  /admin/domains/export.csv           Mastodon's CSV
 *   POST /admin/domains/import               multipart file "csv" (or field "csv"):
 *                                            a preview of what will be added; with
 *                                            confirm=1, the import (all or nothing)
 *   GET  /admin/domains/impact?domain=       the impact report, with the forms:
 *   POST /admin/domains/notify               domain, text: a direct message to each
 *                                            member the report names
 *   POST /admin/domains/schedule             domain, severity, the flags, at (a date
 *                                            and time, UTC)
 *   POST /admin/domains/scheduled/:id/cancel
 *
 * Forms answer 303 to the page with ?done=..., or the page again with the
 * reason (422).
 */
#include <string.h>

#include "core/core.h"
#include "core/domain_policy.h"
#include "core/role.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"
#include "util/multipart.h"
#include "util/route.h"
#include "util/timeutil.h"
#include "web/internal.h"

/* 0 when the signed-in member may manage federation; else answers (login, 403) and 1. */
static int gate(struct web_ctx *w, int form)
{
    if (form ? web_begin_form(w->req, w->resp, w) : (web_begin(w->req, w->resp, w), 0))
        return 1;
    if (web_need_member(w))
        return 1;
    struct db_conn *c;
    int rc = db_acquire(w->core->db, DB_READ, &c);
    if (rc == 0) {
        rc = role_check(c, w->me->id, PERM_MANAGE_FEDERATION, NULL);
        db_release(c);
    }
    if (rc == E_FORBIDDEN) {
        web_error(w, 403, "Only the server's admins manage other servers.");
        return 1;
    }
    if (rc) {
        web_fail(w, rc);
        return 1;
    }
    return 0;
}

static const char *severity_label(enum domain_severity s)
{
    return s == DOMAIN_SUSPEND ? "suspend" : s == DOMAIN_SILENCE ? "limit" : "none";
}

static json_t *severity_options(enum domain_severity current)
{
    json_t *arr = json_array();
    static const enum domain_severity all[] = {DOMAIN_SUSPEND, DOMAIN_SILENCE, DOMAIN_NOOP};
    for (size_t i = 0; i < 3; i++)
        json_array_append_new(
            arr, json_pack("{s:s, s:s, s:b}", "value", domain_severity_name(all[i]), "label",
                           severity_label(all[i]), "selected", all[i] == current));
    return arr;
}

static json_t *rule_view(struct arena *a, const struct domain_block_rule *r)
{
    char when[TIME_ISO_MAX];
    json_t *v =
        json_pack("{s:s, s:s, s:s, s:b, s:b, s:s, s:s, s:b, s:s, s:o}", "id",
                  arena_printf(a, "%lld", (long long)r->id), "domain", r->domain, "severity",
                  severity_label(r->severity), "reject_media", r->reject_media, "reject_reports",
                  r->reject_reports, "private_comment", r->private_comment, "public_comment",
                  r->public_comment, "obfuscate", r->obfuscate, "created_at",
                  time_iso8601(r->created_at, when), "severities", severity_options(r->severity));
    if (r->run_at)
        json_object_set_new(v, "run_at", json_string(time_iso8601(r->run_at, when)));
    return v;
}

/* The domains page, with message shown as an alert (422) or a status. */
static int domains_page(struct web_ctx *w, int status, const char *message)
{
    struct arena *a = w->req->arena;
    struct db_conn *c;
    int rc = db_acquire(w->core->db, DB_SNAPSHOT, &c);
    if (rc)
        return web_fail(w, rc), 0;
    json_t *blocks = json_array(), *allows = json_array(), *scheduled = json_array();
    for (int allow = 0; rc == 0 && allow < 2; allow++) {
        struct domain_block_rule *rows;
        size_t n = 0;
        rc = domain_policy_list_all(c, a, allow, &rows, &n);
        for (size_t i = 0; rc == 0 && i < n; i++)
            json_array_append_new(allow ? allows : blocks, rule_view(a, &rows[i]));
    }
    struct domain_block_rule *sched = NULL;
    size_t n_sched = 0;
    if (rc == 0)
        rc = domain_policy_scheduled_list(c, a, &sched, &n_sched);
    for (size_t i = 0; rc == 0 && i < n_sched; i++)
        json_array_append_new(scheduled, rule_view(a, &sched[i]));
    const char *mode = rc == 0 ? domain_policy_mode(c, a) : "blocklist";
    db_release(c);
    if (rc) {
        json_decref(blocks);
        json_decref(allows);
        json_decref(scheduled);
        return web_fail(w, rc), 0;
    }
    const char *done = req_arg(w->req, "done");
    json_t *data = json_pack(
        "{s:o, s:o, s:o, s:b, s:b, s:b, s:b, s:o}", "blocks", blocks, "allows", allows, "scheduled",
        scheduled, "has_blocks", json_array_size(blocks) > 0, "has_allows",
        json_array_size(allows) > 0, "has_scheduled", json_array_size(scheduled) > 0, "allowlist",
        !strcmp(mode, "allowlist"), "severities", severity_options(DOMAIN_SUSPEND));
    json_object_set_new(data, "mode", json_string(mode));
    if (message)
        json_object_set_new(data, "message", json_string(message));
    if (done && *done)
        json_object_set_new(data, "done", json_string(done));
    web_page(w, status, "admin_domains", "Other servers", data);
    return 0;
}

/* GET /admin/domains */
static int domains(struct req *req, struct resp *resp)
{
    struct web_ctx w = {.req = req, .resp = resp};
    if (gate(&w, 0))
        return 0;
    return domains_page(&w, 200, NULL);
}

static int64_t param_id(struct req *req)
{
    int64_t id = 0;
    const char *s = req_param(req, "id");
    return s && id_from_str(s, &id) == 0 ? id : 0;
}

static const char *field(struct req *req, const char *name)
{
    const char *v = req_arg(req, name);
    return v ? v : "";
}

/* The rule the form describes over r; 0, or E_INVAL with *why. */
static int read_form(struct req *req, struct domain_block_rule *r, const char **why)
{
    const char *sev = req_arg(req, "severity");
    if (sev && *sev && domain_severity_parse(sev, &r->severity) != 0) {
        *why = "Choose suspend, limit or none.";
        return E_INVAL;
    }
    r->reject_media = web_form_checked(req, "reject_media");
    r->reject_reports = web_form_checked(req, "reject_reports");
    r->obfuscate = web_form_checked(req, "obfuscate");
    r->private_comment = field(req, "private_comment");
    r->public_comment = field(req, "public_comment");
    return 0;
}

static const char *failure(int rc, const char *why)
{
    if (why)
        return why;
    return rc == E_NOTFOUND ? "No such domain here." : err_str(rc);
}

/* POST /admin/domains */
static int block(struct req *req, struct resp *resp)
{
    struct web_ctx w = {.req = req, .resp = resp};
    if (gate(&w, 1))
        return 0;
    struct domain_block_rule r = {.domain = field(req, "domain"), .severity = DOMAIN_SUSPEND};
    const char *why = NULL;
    int rc = read_form(req, &r, &why);
    if (rc == 0)
        rc = domain_policy_block_add(w.core, w.me->id, &r, NULL, &why);
    if (rc == E_EXISTS)
        why = "That domain is blocked already: change its block below.";
    if (rc == E_INVAL || rc == E_EXISTS)
        return domains_page(&w, 422, failure(rc, why));
    if (rc)
        return web_fail(&w, rc), 0;
    web_redirect(&w, "/admin/domains?done=blocked");
    return 0;
}

/* POST /admin/domains/:id/update */
static int update(struct req *req, struct resp *resp)
{
    struct web_ctx w = {.req = req, .resp = resp};
    if (gate(&w, 1))
        return 0;
    struct domain_block_rule r = {.severity = DOMAIN_SUSPEND};
    const char *why = NULL;
    int rc = read_form(req, &r, &why);
    if (rc == 0)
        rc = domain_policy_block_update(w.core, w.me->id, param_id(req), &r, &why);
    if (rc == E_INVAL || rc == E_NOTFOUND)
        return domains_page(&w, rc == E_NOTFOUND ? 404 : 422, failure(rc, why));
    if (rc)
        return web_fail(&w, rc), 0;
    web_redirect(&w, "/admin/domains?done=changed");
    return 0;
}

/* POST /admin/domains/:id/delete */
static int unblock(struct req *req, struct resp *resp)
{
    struct web_ctx w = {.req = req, .resp = resp};
    if (gate(&w, 1))
        return 0;
    const char *why = NULL;
    int64_t id = param_id(req);
    int rc = id ? domain_policy_block_remove(w.core, w.me->id, id, NULL, &why) : E_NOTFOUND;
    if (rc == E_NOTFOUND)
        return domains_page(&w, 404, failure(rc, why));
    if (rc)
        return web_fail(&w, rc), 0;
    web_redirect(&w, "/admin/domains?done=unblocked");
    return 0;
}

/* POST /admin/domains/allow */
static int allow(struct req *req, struct resp *resp)
{
    struct web_ctx w = {.req = req, .resp = resp};
    if (gate(&w, 1))
        return 0;
    const char *why = NULL;
    int rc = domain_policy_allow_add(w.core, w.me->id, field(req, "domain"), NULL, &why);
    if (rc == E_INVAL)
        return domains_page(&w, 422, failure(rc, why));
    if (rc && rc != E_EXISTS)
        return web_fail(&w, rc), 0;
    web_redirect(&w, "/admin/domains?done=allowed");
    return 0;
}

/* POST /admin/domains/allow/:id/delete */
static int disallow(struct req *req, struct resp *resp)
{
    struct web_ctx w = {.req = req, .resp = resp};
    if (gate(&w, 1))
        return 0;
    const char *why = NULL;
    int64_t id = param_id(req);
    int rc = id ? domain_policy_allow_remove(w.core, w.me->id, id, NULL, &why) : E_NOTFOUND;
    if (rc == E_NOTFOUND)
        return domains_page(&w, 404, failure(rc, why));
    if (rc)
        return web_fail(&w, rc), 0;
    web_redirect(&w, "/admin/domains?done=removed");
    return 0;
}

/* POST /admin/domains/mode */
static int mode(struct req *req, struct resp *resp)
{
    struct web_ctx w = {.req = req, .resp = resp};
    if (gate(&w, 1))
        return 0;
    int rc = domain_policy_set_mode(w.core, w.me->id, field(req, "mode"));
    if (rc == E_INVAL)
        return domains_page(&w, 422, "Choose blocklist or allowlist.");
    if (rc)
        return web_fail(&w, rc), 0;
    web_redirect(&w, "/admin/domains?done=mode");
    return 0;
}

/* GET /admin/domains/export.csv */
static int export_csv(struct req *req, struct resp *resp)
{
    struct web_ctx w = {.req = req, .resp = resp};
    if (gate(&w, 0))
        return 0;
    struct db_conn *c;
    const char *csv = NULL;
    int rc = db_acquire(w.core->db, DB_SNAPSHOT, &c);
    if (rc == 0) {
        rc = domain_policy_export_csv(c, req->arena, &csv);
        db_release(c);
    }
    if (rc)
        return web_fail(&w, rc), 0;
    resp_header_add(req, resp, "Content-Disposition", "attachment; filename=\"domain_blocks.csv\"");
    resp_header_add(req, resp, "Cache-Control", "private, no-store");
    resp_body(req, resp, 200, "text/csv; charset=utf-8", csv, strlen(csv));
    return 0;
}

/* POST /admin/domains/import */
static int import_csv(struct req *req, struct resp *resp)
{
    struct web_ctx w = {.req = req, .resp = resp};
    if (gate(&w, 1))
        return 0;
    const struct multipart_part *file = req_file(req, "csv");
    const char *text = file ? arena_strndup(req->arena, file->data, file->len) : field(req, "csv");
    size_t len = strlen(text);
    if (!len)
        return domains_page(&w, 422, "Choose a CSV file of domain blocks.");
    const char *why = NULL;
    if (web_form_checked(req, "confirm")) {
        int added = 0;
        int rc = domain_policy_import_csv(w.core, w.me->id, text, len, &added, &why);
        if (rc == E_INVAL || rc == E_LIMIT)
            return domains_page(&w, 422, arena_printf(req->arena, "Nothing imported: %s", why));
        if (rc)
            return web_fail(&w, rc), 0;
        web_redirect(&w, arena_printf(req->arena, "/admin/domains?done=imported-%d", added));
        return 0;
    }
    struct db_conn *c;
    int rc = db_acquire(w.core->db, DB_READ, &c);
    if (rc)
        return web_fail(&w, rc), 0;
    struct domain_block_rule *rows;
    size_t n;
    rc = domain_policy_parse_csv(c, req->arena, w.core, text, len, &rows, &n, &why);
    db_release(c);
    if (rc == E_INVAL || rc == E_LIMIT)
        return domains_page(&w, 422, arena_printf(req->arena, "Nothing imported: %s", why));
    if (rc)
        return web_fail(&w, rc), 0;
    json_t *added = json_array(), *kept = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(rows[i].id == -1 ? kept : added, rule_view(req->arena, &rows[i]));
    json_t *data =
        json_pack("{s:o, s:o, s:b, s:b, s:s}", "added", added, "kept", kept, "has_added",
                  json_array_size(added) > 0, "has_kept", json_array_size(kept) > 0, "csv", text);
    web_page(&w, 200, "admin_domain_import", "Import domain blocks", data);
    return 0;
}

/* The impact page for domain, with message (an alert) when not NULL. */
static int impact_page(struct web_ctx *w, int status, const char *domain, const char *message)
{
    struct arena *a = w->req->arena;
    const char *why = NULL;
    const char *d = domain_policy_normalize(a, w->core, domain, &why);
    if (!d)
        return domains_page(w, 422, why);
    struct db_conn *c;
    json_t *report = NULL;
    int rc = db_acquire(w->core->db, DB_SNAPSHOT, &c);
    if (rc == 0) {
        rc = domain_policy_impact(c, a, d, &report);
        db_release(c);
    }
    if (rc)
        return web_fail(w, rc), 0;
    /* Each member's first account row carries her name (a table with row groups). */
    size_t i, k;
    json_t *m, *acc;
    json_array_foreach(json_object_get(report, "members"), i, m)
    {
        json_t *accounts = json_object_get(m, "accounts");
        json_object_set_new(m, "rows", json_integer((json_int_t)json_array_size(accounts)));
        json_array_foreach(accounts, k, acc)
        {
            if (k == 0) {
                json_object_set(acc, "member_name", json_object_get(m, "username"));
                json_object_set(acc, "member_rows", json_object_get(m, "rows"));
            }
            const char *last = json_string_value(json_object_get(acc, "last_status_at"));
            json_object_set_new(acc, "last_post",
                                json_string(last ? arena_strndup(a, last, 10) : "never"));
        }
    }
    json_object_set_new(report, "has_members",
                        json_boolean(json_array_size(json_object_get(report, "members")) > 0));
    json_object_set_new(report, "severities", severity_options(DOMAIN_SUSPEND));
    const char *done = req_arg(w->req, "done");
    if (done && *done)
        json_object_set_new(report, "done", json_string(done));
    if (message)
        json_object_set_new(report, "message", json_string(message));
    web_page(w, status, "admin_domain_impact", arena_printf(a, "Blocking %s", d), report);
    return 0;
}

/* GET /admin/domains/impact?domain= */
static int impact(struct req *req, struct resp *resp)
{
    struct web_ctx w = {.req = req, .resp = resp};
    if (gate(&w, 0))
        return 0;
    return impact_page(&w, 200, field(req, "domain"), NULL);
}

/* POST /admin/domains/notify */
static int notify(struct req *req, struct resp *resp)
{
    struct web_ctx w = {.req = req, .resp = resp};
    if (gate(&w, 1))
        return 0;
    const char *domain = field(req, "domain");
    int sent = 0;
    const char *why = NULL;
    int rc = domain_policy_notify_members(w.core, w.me->id, w.me->id, domain, field(req, "text"),
                                          &sent, &why);
    if (rc == E_INVAL || rc == E_LIMIT)
        return impact_page(&w, 422, domain, why ? why : "The message cannot be sent.");
    if (rc)
        return web_fail(&w, rc), 0;
    web_redirect(&w, arena_printf(req->arena, "/admin/domains/impact?domain=%s&done=told-%d",
                                  domain_policy_normalize(req->arena, w.core, domain, &why), sent));
    return 0;
}

/* POST /admin/domains/schedule */
static int schedule(struct req *req, struct resp *resp)
{
    struct web_ctx w = {.req = req, .resp = resp};
    if (gate(&w, 1))
        return 0;
    const char *domain = field(req, "domain");
    struct domain_block_rule r = {.domain = domain, .severity = DOMAIN_SUSPEND};
    const char *why = NULL;
    int rc = read_form(req, &r, &why);
    /* A datetime-local field ("2026-12-24T12:00", taken as UTC) or a full ISO 8601 date. */
    const char *at = field(req, "at");
    const char *iso = strlen(at) == 16 ? arena_printf(req->arena, "%s:00Z", at) : at;
    if (rc == 0 && time_parse_iso8601(iso, &r.run_at) != 0) {
        why = "Give the date and time of the block.";
        rc = E_INVAL;
    }
    if (rc == 0)
        rc = domain_policy_schedule(w.core, w.me->id, &r, NULL, &why);
    if (rc == E_EXISTS)
        why = "That domain is blocked or scheduled already.";
    if (rc == E_INVAL || rc == E_EXISTS)
        return impact_page(&w, 422, domain, why);
    if (rc)
        return web_fail(&w, rc), 0;
    web_redirect(&w, "/admin/domains?done=scheduled");
    return 0;
}

/* POST /admin/domains/scheduled/:id/cancel */
static int cancel(struct req *req, struct resp *resp)
{
    struct web_ctx w = {.req = req, .resp = resp};
    if (gate(&w, 1))
        return 0;
    int64_t id = param_id(req);
    int rc = id ? domain_policy_schedule_cancel(w.core, w.me->id, id) : E_NOTFOUND;
    if (rc == E_NOTFOUND)
        return domains_page(&w, 404, "No such scheduled block.");
    if (rc)
        return web_fail(&w, rc), 0;
    web_redirect(&w, "/admin/domains?done=cancelled");
    return 0;
}

const struct route web_admin_domain_routes[] = {
    {"GET", "/admin/domains", domains, ROUTE_AUTH_NONE, NULL},
    {"POST", "/admin/domains", block, ROUTE_AUTH_NONE, NULL},
    {"GET", "/admin/domains/export.csv", export_csv, ROUTE_AUTH_NONE, NULL},
    {"POST", "/admin/domains/import", import_csv, ROUTE_AUTH_NONE, NULL},
    {"GET", "/admin/domains/impact", impact, ROUTE_AUTH_NONE, NULL},
    {"POST", "/admin/domains/notify", notify, ROUTE_AUTH_NONE, NULL},
    {"POST", "/admin/domains/schedule", schedule, ROUTE_AUTH_NONE, NULL},
    {"POST", "/admin/domains/mode", mode, ROUTE_AUTH_NONE, NULL},
    {"POST", "/admin/domains/allow", allow, ROUTE_AUTH_NONE, NULL},
    {"POST", "/admin/domains/allow/:id/delete", disallow, ROUTE_AUTH_NONE, NULL},
    {"POST", "/admin/domains/scheduled/:id/cancel", cancel, ROUTE_AUTH_NONE, NULL},
    {"POST", "/admin/domains/:id/update", update, ROUTE_AUTH_NONE, NULL},
    {"POST", "/admin/domains/:id/delete", unblock, ROUTE_AUTH_NONE, NULL},
};
const size_t web_admin_domain_routes_count =
    sizeof(web_admin_domain_routes) / sizeof(web_admin_domain_routes[0]);
