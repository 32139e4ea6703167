/*
 * api/admin_domains: the admin API for server-wide domain moderation
 * (core/domain_policy.h), in Mastodon's shapes:
 *
 *   GET    /api/v1/admin/domain_blocks            Admin::DomainBlock list (Link paging)
 *   GET    /api/v1/admin/domain_blocks/impact     ?domain=: Hearth's impact report
 *   GET    /api/v1/admin/domain_blocks/:id
 *   POST   /api/v1/admin/domain_blocks            domain, severity, reject_media,
 *          reject_reports, private_comment, public_comment, obfuscate
 *          (422 for a bad domain, or an existing block: existing_domain_block)
 *   PUT    /api/v1/admin/domain_blocks/:id        the same fields but domain
 *   DELETE /api/v1/admin/domain_blocks/:id
 *   GET, POST /api/v1/admin/domain_allows, GET, DELETE /api/v1/admin/domain_allows/:id
 *   GET    /api/v1/instance/domain_blocks         the public list, as the
 *          domain_blocks_visibility setting allows (404 otherwise)
 *
 * Admin endpoints need PERM_MANAGE_FEDERATION and their admin scopes.
 */
#include <string.h>

#include "api/api.h"
#include "api/internal.h"
#include "core/core.h"
#include "core/domain_policy.h"
#include "core/role.h"
#include "core/setting.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"
#include "util/timeutil.h"

static json_t *iso(int64_t ms)
{
    char t[TIME_ISO_MAX];
    return json_string(time_iso8601(ms, t));
}

static json_t *text_or_null(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}

static json_t *block_json(struct req *req, const struct domain_block_rule *r)
{
    char id[ID_STR_MAX];
    return json_pack("{s:s, s:s, s:s, s:o, s:s, s:b, s:b, s:o, s:o, s:b}", "id",
                     id_to_str(r->id, id), "domain", r->domain, "digest",
                     domain_policy_digest(req->arena, r->domain), "created_at", iso(r->created_at),
                     "severity", domain_severity_name(r->severity), "reject_media", r->reject_media,
                     "reject_reports", r->reject_reports, "private_comment",
                     text_or_null(r->private_comment), "public_comment",
                     text_or_null(r->public_comment), "obfuscate", r->obfuscate);
}

static json_t *allow_json(const struct domain_block_rule *r)
{
    char id[ID_STR_MAX];
    return json_pack("{s:s, s:s, s:o}", "id", id_to_str(r->id, id), "domain", r->domain,
                     "created_at", iso(r->created_at));
}

static int require(struct req *req, struct resp *resp)
{
    return api_require_permission(req, resp, PERM_MANAGE_FEDERATION, NULL);
}

static int list(struct req *req, struct resp *resp, int allows)
{
    if (require(req, resp))
        return 0;
    struct page p;
    if (api_page(req, resp, &p))
        return 0;
    struct core *core = req->app;
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_SNAPSHOT, &c);
    if (rc)
        return api_fail(req, resp, rc);
    struct domain_block_rule *rows;
    size_t n;
    rc = allows ? domain_policy_allow_list(c, req->arena, &p, &rows, &n)
                : domain_policy_block_list(c, req->arena, &p, &rows, &n);
    db_release(c);
    if (rc)
        return api_fail(req, resp, rc);
    json_t *arr = json_array();
    int64_t *ids = arena_alloc(req->arena, (n ? n : 1) * sizeof(*ids));
    for (size_t i = 0; i < n; i++) {
        ids[i] = rows[i].id;
        json_array_append_new(arr, allows ? allow_json(&rows[i]) : block_json(req, &rows[i]));
    }
    api_link_header(req, resp, ids, n);
    resp_json(req, resp, 200, arr);
    return 0;
}

/* GET /api/v1/admin/domain_blocks */
static int blocks(struct req *req, struct resp *resp)
{
    return list(req, resp, 0);
}

/* GET /api/v1/admin/domain_allows */
static int allows(struct req *req, struct resp *resp)
{
    return list(req, resp, 1);
}

static int get_one(struct req *req, struct resp *resp, int allow)
{
    if (require(req, resp))
        return 0;
    int64_t id = api_param_id(req, "id");
    struct core *core = req->app;
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_READ, &c);
    if (rc)
        return api_fail(req, resp, rc);
    struct domain_block_rule r;
    rc = !id     ? E_NOTFOUND
         : allow ? domain_policy_allow_get(c, req->arena, id, &r)
                 : domain_policy_block_get(c, req->arena, id, NULL, &r);
    db_release(c);
    if (rc == E_NOTFOUND) {
        resp_error(req, resp, 404, "Record not found");
        return 0;
    }
    if (rc)
        return api_fail(req, resp, rc);
    resp_json(req, resp, 200, allow ? allow_json(&r) : block_json(req, &r));
    return 0;
}

/* GET /api/v1/admin/domain_blocks/:id */
static int block_get(struct req *req, struct resp *resp)
{
    return get_one(req, resp, 0);
}

/* GET /api/v1/admin/domain_allows/:id */
static int allow_get(struct req *req, struct resp *resp)
{
    return get_one(req, resp, 1);
}

/*
 * Reads the block's fields over base (the stored block for PUT, defaults
 * for POST). Non-zero when it answered 422.
 */
static int read_rule(struct req *req, struct resp *resp, struct domain_block_rule *r)
{
    const char *sev = req_arg(req, "severity");
    if (sev && *sev && domain_severity_parse(sev, &r->severity) != 0) {
        api_invalid(req, resp, "Validation failed: Severity is not included in the list");
        return 1;
    }
    static const char *const flags[] = {"reject_media", "reject_reports", "obfuscate"};
    int *dest[] = {&r->reject_media, &r->reject_reports, &r->obfuscate};
    for (size_t i = 0; i < 3; i++) {
        int v = api_arg_bool(req, flags[i], *dest[i]);
        if (v < 0) {
            api_invalid(
                req, resp,
                arena_printf(req->arena, "Validation failed: %s is not a boolean", flags[i]));
            return 1;
        }
        *dest[i] = v;
    }
    const char *pc = req_arg(req, "private_comment");
    const char *pub = req_arg(req, "public_comment");
    if (pc)
        r->private_comment = pc;
    if (pub)
        r->public_comment = pub;
    return 0;
}

/* Answers a core refusal: 422 with the reason, 404, or the error. */
static int refused(struct req *req, struct resp *resp, int rc, const char *why)
{
    if ((rc == E_INVAL || rc == E_LIMIT || rc == E_UTF8) && why) {
        api_invalid(req, resp, arena_printf(req->arena, "Validation failed: %s", why));
        return 0;
    }
    if (rc == E_NOTFOUND) {
        resp_error(req, resp, 404, "Record not found");
        return 0;
    }
    return api_fail(req, resp, rc);
}

/* POST /api/v1/admin/domain_blocks */
static int block_create(struct req *req, struct resp *resp)
{
    enum user_role role;
    if (api_require_permission(req, resp, PERM_MANAGE_FEDERATION, &role))
        return 0;
    struct domain_block_rule r = {.severity = DOMAIN_SILENCE,
                                  .domain = req_arg(req, "domain"),
                                  .private_comment = "",
                                  .public_comment = ""};
    if (!r.domain || !*r.domain) {
        api_invalid(req, resp, "Validation failed: Domain can't be blank");
        return 0;
    }
    if (read_rule(req, resp, &r))
        return 0;
    struct core *core = req->app;
    const char *why = NULL;
    int64_t id = 0;
    int rc = domain_policy_block_add(core, api_account_id(req), &r, &id, &why);
    if (rc == E_EXISTS) {
        /* Mastodon names the block in the way. */
        struct db_conn *c;
        struct domain_block_rule have;
        json_t *body = json_pack("{s:s}", "error", "Validation failed: Domain is already blocked");
        if (db_acquire(core->db, DB_READ, &c) == 0) {
            if (domain_policy_block_get(c, req->arena, id, NULL, &have) == 0)
                json_object_set_new(body, "existing_domain_block", block_json(req, &have));
            db_release(c);
        }
        resp_json(req, resp, 422, body);
        return 0;
    }
    if (rc)
        return refused(req, resp, rc, why);
    struct db_conn *c;
    if ((rc = db_acquire(core->db, DB_READ, &c)))
        return api_fail(req, resp, rc);
    struct domain_block_rule made;
    rc = domain_policy_block_get(c, req->arena, id, NULL, &made);
    db_release(c);
    if (rc)
        return api_fail(req, resp, rc);
    resp_json(req, resp, 200, block_json(req, &made));
    return 0;
}

/* PUT /api/v1/admin/domain_blocks/:id */
static int block_update(struct req *req, struct resp *resp)
{
    if (require(req, resp))
        return 0;
    int64_t id = api_param_id(req, "id");
    struct core *core = req->app;
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_READ, &c);
    if (rc)
        return api_fail(req, resp, rc);
    struct domain_block_rule r;
    rc = id ? domain_policy_block_get(c, req->arena, id, NULL, &r) : E_NOTFOUND;
    db_release(c);
    if (rc)
        return refused(req, resp, rc, NULL);
    if (read_rule(req, resp, &r))
        return 0;
    const char *why = NULL;
    rc = domain_policy_block_update(core, api_account_id(req), id, &r, &why);
    if (rc)
        return refused(req, resp, rc, why);
    if ((rc = db_acquire(core->db, DB_READ, &c)))
        return api_fail(req, resp, rc);
    rc = domain_policy_block_get(c, req->arena, id, NULL, &r);
    db_release(c);
    if (rc)
        return api_fail(req, resp, rc);
    resp_json(req, resp, 200, block_json(req, &r));
    return 0;
}

/* DELETE /api/v1/admin/domain_blocks/:id and /api/v1/admin/domain_allows/:id */
static int remove_one(struct req *req, struct resp *resp, int allow)
{
    if (require(req, resp))
        return 0;
    int64_t id = api_param_id(req, "id");
    const char *why = NULL;
    int rc = !id     ? E_NOTFOUND
             : allow ? domain_policy_allow_remove(req->app, api_account_id(req), id, NULL, &why)
                     : domain_policy_block_remove(req->app, api_account_id(req), id, NULL, &why);
    if (rc)
        return refused(req, resp, rc, NULL);
    resp_json(req, resp, 200, json_object());
    return 0;
}

static int block_delete(struct req *req, struct resp *resp)
{
    return remove_one(req, resp, 0);
}

static int allow_delete(struct req *req, struct resp *resp)
{
    return remove_one(req, resp, 1);
}

/* POST /api/v1/admin/domain_allows: an existing allow is answered as made (Mastodon does). */
static int allow_create(struct req *req, struct resp *resp)
{
    if (require(req, resp))
        return 0;
    const char *domain = req_arg(req, "domain");
    if (!domain || !*domain) {
        api_invalid(req, resp, "Validation failed: Domain can't be blank");
        return 0;
    }
    struct core *core = req->app;
    const char *why = NULL;
    int64_t id = 0;
    int rc = domain_policy_allow_add(core, api_account_id(req), domain, &id, &why);
    if (rc && rc != E_EXISTS)
        return refused(req, resp, rc, why);
    struct db_conn *c;
    if ((rc = db_acquire(core->db, DB_READ, &c)))
        return api_fail(req, resp, rc);
    struct domain_block_rule r;
    rc = domain_policy_allow_get(c, req->arena, id, &r);
    db_release(c);
    if (rc)
        return api_fail(req, resp, rc);
    resp_json(req, resp, 200, allow_json(&r));
    return 0;
}

/* GET /api/v1/admin/domain_blocks/impact?domain= */
static int impact(struct req *req, struct resp *resp)
{
    if (require(req, resp))
        return 0;
    struct core *core = req->app;
    const char *why = NULL;
    const char *domain = domain_policy_normalize(req->arena, core, req_arg(req, "domain"), &why);
    if (!domain) {
        api_invalid(req, resp, arena_printf(req->arena, "Validation failed: %s", why));
        return 0;
    }
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_SNAPSHOT, &c);
    if (rc)
        return api_fail(req, resp, rc);
    json_t *report = NULL;
    rc = domain_policy_impact(c, req->arena, domain, &report);
    db_release(c);
    if (rc)
        return api_fail(req, resp, rc);
    resp_json(req, resp, 200, report);
    return 0;
}

/* GET /api/v1/instance/domain_blocks */
static int instance_blocks(struct req *req, struct resp *resp)
{
    struct core *core = req->app;
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_SNAPSHOT, &c);
    if (rc)
        return api_fail(req, resp, rc);
    const char *shown = "";
    setting_get(c, req->arena, "domain_blocks_visibility", "", &shown);
    if (!shown || !(!strcmp(shown, "all") || (!strcmp(shown, "users") && api_account_id(req)))) {
        db_release(c);
        resp_error(req, resp, 404, "Record not found");
        return 0;
    }
    json_t *arr = json_array();
    struct domain_block_rule *rows;
    size_t n = 0;
    rc = domain_policy_list_all(c, req->arena, 0, &rows, &n);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const struct domain_block_rule *r = &rows[i];
        if (r->severity == DOMAIN_NOOP && !r->reject_media)
            continue; /* nothing members would notice */
        json_t *b = json_pack("{s:s, s:s, s:s}", "domain", domain_policy_public_name(req->arena, r),
                              "digest", domain_policy_digest(req->arena, r->domain), "severity",
                              domain_severity_name(r->severity));
        if (*r->public_comment)
            json_object_set_new(b, "comment", json_string(r->public_comment));
        json_array_append_new(arr, b);
    }
    db_release(c);
    if (rc) {
        json_decref(arr);
        return api_fail(req, resp, rc);
    }
    resp_json(req, resp, 200, arr);
    return 0;
}

const struct route api_admin_domain_routes[] = {
    {"GET", "/api/v1/admin/domain_blocks", blocks, ROUTE_AUTH_REQUIRED, "admin:read:domain_blocks"},
    {"GET", "/api/v1/admin/domain_blocks/impact", impact, ROUTE_AUTH_REQUIRED,
     "admin:read:domain_blocks"},
    {"GET", "/api/v1/admin/domain_blocks/:id", block_get, ROUTE_AUTH_REQUIRED,
     "admin:read:domain_blocks"},
    {"POST", "/api/v1/admin/domain_blocks", block_create, ROUTE_AUTH_REQUIRED,
     "admin:write:domain_blocks"},
    {"PUT", "/api/v1/admin/domain_blocks/:id", block_update, ROUTE_AUTH_REQUIRED,
     "admin:write:domain_blocks"},
    {"DELETE", "/api/v1/admin/domain_blocks/:id", block_delete, ROUTE_AUTH_REQUIRED,
     "admin:write:domain_blocks"},
    {"GET", "/api/v1/admin/domain_allows", allows, ROUTE_AUTH_REQUIRED, "admin:read:domain_allows"},
    {"GET", "/api/v1/admin/domain_allows/:id", allow_get, ROUTE_AUTH_REQUIRED,
     "admin:read:domain_allows"},
    {"POST", "/api/v1/admin/domain_allows", allow_create, ROUTE_AUTH_REQUIRED,
     "admin:write:domain_allows"},
    {"DELETE", "/api/v1/admin/domain_allows/:id", allow_delete, ROUTE_AUTH_REQUIRED,
     "admin:write:domain_allows"},
    {"GET", "/api/v1/instance/domain_blocks", instance_blocks, ROUTE_AUTH_OPTIONAL, NULL},
};
const size_t api_admin_domain_routes_count =
    sizeof(api_admin_domain_routes) / sizeof(api_admin_domain_routes[0]);
