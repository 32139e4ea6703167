/*
 * api/admin_join: the admin API for who may join, in Mastodon's shapes:
 *   /api/v1/admin/ip_blocks               IpBlock (ip, severity, comment,
 *                                         expires_in) GET, POST, PUT, DELETE
 *   /api/v1/admin/email_domain_blocks     EmailDomainBlock GET, POST, DELETE
 *   /api/v1/admin/canonical_email_blocks  CanonicalEmailBlock GET, POST,
 *                                         DELETE, POST /test {email}
 * all needing PERM_MANAGE_BLOCKS and the admin:read/write:... scope of
 * each, and Hearth's extension for the spam filter's queue:
 *   GET /api/v1/admin/held_statuses, POST .../:id/release, DELETE .../:id
 * (PERM_MANAGE_REPORTS, admin:read:reports / admin:write:reports).
 * Every change is recorded in the audit log by core.
 */
#include <string.h>

#include "api/api.h"
#include "api/internal.h"
#include "core/access_block.h"
#include "core/role.h"
#include "core/spam.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"
#include "util/timeutil.h"

static const char *iso(struct req *req, int64_t ms)
{
    char buf[TIME_ISO_MAX];
    return arena_strdup(req->arena, time_iso8601(ms, buf));
}

static const char *id_text(struct req *req, int64_t id)
{
    char buf[ID_STR_MAX];
    return arena_strdup(req->arena, id_to_str(id, buf));
}

/* Reads an optional non-negative integer argument; -1 when absent, -2 when malformed. */
static int64_t arg_seconds(struct req *req, const char *name)
{
    const char *v = req_arg(req, name);
    if (!v || !*v)
        return -1;
    int64_t n;
    if (id_from_str(v, &n) != 0 || n < 0)
        return -2;
    return n;
}

/* Answers a refused change: 422 with the reason, or the error's answer. */
static int refused(struct req *req, struct resp *resp, int rc, const char *why)
{
    if ((rc == E_INVAL || rc == E_EXISTS || rc == E_LIMIT) && why) {
        api_invalid(req, resp, why);
        return 0;
    }
    return api_fail(req, resp, rc);
}

/* ---- IP blocks ---- */

static json_t *ip_block_json(struct req *req, const struct ip_block *b)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:o}", "id", id_text(req, b->id), "ip", b->ip,
                     "severity", ip_severity_name(b->severity), "comment", b->comment, "created_at",
                     iso(req, b->created_at), "expires_at",
                     b->expires_at ? json_string(iso(req, b->expires_at)) : json_null());
}

static int ip_blocks_index(struct req *req, struct resp *resp)
{
    if (api_require_permission(req, resp, PERM_MANAGE_BLOCKS, NULL))
        return 0;
    struct core *core = req->app;
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_READ, &c);
    if (rc)
        return api_fail(req, resp, rc);
    struct ip_block *v;
    size_t n = 0;
    rc = ip_block_list(c, req->arena, &v, &n);
    db_release(c);
    if (rc)
        return api_fail(req, resp, rc);
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, ip_block_json(req, &v[i]));
    resp_json(req, resp, 200, arr);
    return 0;
}

static int ip_blocks_show(struct req *req, struct resp *resp)
{
    if (api_require_permission(req, resp, PERM_MANAGE_BLOCKS, NULL))
        return 0;
    struct core *core = req->app;
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_READ, &c);
    if (rc)
        return api_fail(req, resp, rc);
    struct ip_block *b = NULL;
    rc = ip_block_get(c, req->arena, api_param_id(req, "id"), &b);
    db_release(c);
    if (rc)
        return api_fail(req, resp, rc);
    resp_json(req, resp, 200, ip_block_json(req, b));
    return 0;
}

/* The severity argument: IP_SEVERITY_NONE when absent; non-zero (422 answered) when unknown. */
static int read_severity(struct req *req, struct resp *resp, enum ip_severity *out)
{
    *out = IP_SEVERITY_NONE;
    const char *v = req_arg(req, "severity");
    if (!v)
        return 0;
    if (ip_severity_parse(v, out)) {
        api_invalid(req, resp,
                    "severity must be sign_up_requires_approval, sign_up_block or no_access");
        return 1;
    }
    return 0;
}

static int ip_blocks_create(struct req *req, struct resp *resp)
{
    if (api_require_permission(req, resp, PERM_MANAGE_BLOCKS, NULL))
        return 0;
    enum ip_severity sev;
    if (read_severity(req, resp, &sev))
        return 0;
    if (sev == IP_SEVERITY_NONE) {
        api_invalid(req, resp, "severity can't be blank");
        return 0;
    }
    int64_t expires = arg_seconds(req, "expires_in");
    if (expires == -2) {
        api_invalid(req, resp, "expires_in must be a number of seconds");
        return 0;
    }
    struct ip_block *b = NULL;
    const char *why = NULL;
    int rc = ip_block_create(req->app, req->arena, api_account_id(req), req_arg(req, "ip"), sev,
                             req_arg(req, "comment"), expires < 0 ? 0 : expires, &b, &why);
    if (rc)
        return refused(req, resp, rc, why);
    resp_json(req, resp, 200, ip_block_json(req, b));
    return 0;
}

static int ip_blocks_update(struct req *req, struct resp *resp)
{
    if (api_require_permission(req, resp, PERM_MANAGE_BLOCKS, NULL))
        return 0;
    enum ip_severity sev;
    if (read_severity(req, resp, &sev))
        return 0;
    int64_t expires = arg_seconds(req, "expires_in");
    if (expires == -2) {
        api_invalid(req, resp, "expires_in must be a number of seconds");
        return 0;
    }
    struct ip_block *b = NULL;
    const char *why = NULL;
    int rc = ip_block_update(req->app, req->arena, api_account_id(req), api_param_id(req, "id"),
                             req_arg(req, "ip"), sev, req_arg(req, "comment"), expires, &b, &why);
    if (rc)
        return refused(req, resp, rc, why);
    resp_json(req, resp, 200, ip_block_json(req, b));
    return 0;
}

static int ip_blocks_delete(struct req *req, struct resp *resp)
{
    if (api_require_permission(req, resp, PERM_MANAGE_BLOCKS, NULL))
        return 0;
    int rc = ip_block_delete(req->app, api_account_id(req), api_param_id(req, "id"));
    if (rc)
        return api_fail(req, resp, rc);
    resp_json(req, resp, 200, json_object());
    return 0;
}

/* ---- e-mail domain blocks ---- */

static json_t *email_domain_json(struct req *req, const struct email_domain_block *b)
{
    return json_pack("{s:s, s:s, s:s, s:[]}", "id", id_text(req, b->id), "domain", b->domain,
                     "created_at", iso(req, b->created_at), "history");
}

static int email_domains_index(struct req *req, struct resp *resp)
{
    if (api_require_permission(req, resp, PERM_MANAGE_BLOCKS, NULL))
        return 0;
    struct core *core = req->app;
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_READ, &c);
    if (rc)
        return api_fail(req, resp, rc);
    struct email_domain_block *v;
    size_t n = 0;
    rc = email_domain_block_list(c, req->arena, &v, &n);
    db_release(c);
    if (rc)
        return api_fail(req, resp, rc);
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, email_domain_json(req, &v[i]));
    resp_json(req, resp, 200, arr);
    return 0;
}

static int email_domains_show(struct req *req, struct resp *resp)
{
    if (api_require_permission(req, resp, PERM_MANAGE_BLOCKS, NULL))
        return 0;
    struct core *core = req->app;
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_READ, &c);
    if (rc)
        return api_fail(req, resp, rc);
    struct email_domain_block *b = NULL;
    rc = email_domain_block_get(c, req->arena, api_param_id(req, "id"), &b);
    db_release(c);
    if (rc)
        return api_fail(req, resp, rc);
    resp_json(req, resp, 200, email_domain_json(req, b));
    return 0;
}

static int email_domains_create(struct req *req, struct resp *resp)
{
    if (api_require_permission(req, resp, PERM_MANAGE_BLOCKS, NULL))
        return 0;
    struct email_domain_block *b = NULL;
    const char *why = NULL;
    int rc = email_domain_block_create(req->app, req->arena, api_account_id(req),
                                       req_arg(req, "domain"), &b, &why);
    if (rc)
        return refused(req, resp, rc, why);
    resp_json(req, resp, 200, email_domain_json(req, b));
    return 0;
}

static int email_domains_delete(struct req *req, struct resp *resp)
{
    if (api_require_permission(req, resp, PERM_MANAGE_BLOCKS, NULL))
        return 0;
    int rc = email_domain_block_delete(req->app, api_account_id(req), api_param_id(req, "id"));
    if (rc)
        return api_fail(req, resp, rc);
    resp_json(req, resp, 200, json_object());
    return 0;
}

/* ---- canonical e-mail blocks ---- */

static json_t *canonical_json(struct req *req, const struct canonical_email_block *b)
{
    return json_pack("{s:s, s:s}", "id", id_text(req, b->id), "canonical_email_hash", b->hash);
}

static json_t *canonical_array(struct req *req, const struct canonical_email_block *v, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, canonical_json(req, &v[i]));
    return arr;
}

static int canonical_index(struct req *req, struct resp *resp)
{
    if (api_require_permission(req, resp, PERM_MANAGE_BLOCKS, NULL))
        return 0;
    struct core *core = req->app;
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_READ, &c);
    if (rc)
        return api_fail(req, resp, rc);
    struct canonical_email_block *v;
    size_t n = 0;
    rc = canonical_email_block_list(c, req->arena, &v, &n);
    db_release(c);
    if (rc)
        return api_fail(req, resp, rc);
    resp_json(req, resp, 200, canonical_array(req, v, n));
    return 0;
}

static int canonical_show(struct req *req, struct resp *resp)
{
    if (api_require_permission(req, resp, PERM_MANAGE_BLOCKS, NULL))
        return 0;
    struct core *core = req->app;
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_READ, &c);
    if (rc)
        return api_fail(req, resp, rc);
    struct canonical_email_block *b = NULL;
    rc = canonical_email_block_get(c, req->arena, api_param_id(req, "id"), &b);
    db_release(c);
    if (rc)
        return api_fail(req, resp, rc);
    resp_json(req, resp, 200, canonical_json(req, b));
    return 0;
}

static int canonical_create(struct req *req, struct resp *resp)
{
    if (api_require_permission(req, resp, PERM_MANAGE_BLOCKS, NULL))
        return 0;
    struct canonical_email_block *b = NULL;
    const char *why = NULL;
    int rc = canonical_email_block_create(req->app, req->arena, api_account_id(req),
                                          req_arg(req, "email"),
                                          req_arg(req, "canonical_email_hash"), &b, &why);
    if (rc)
        return refused(req, resp, rc, why);
    resp_json(req, resp, 200, canonical_json(req, b));
    return 0;
}

static int canonical_test(struct req *req, struct resp *resp)
{
    if (api_require_permission(req, resp, PERM_MANAGE_BLOCKS, NULL))
        return 0;
    const char *email = req_arg(req, "email");
    if (!email || !strchr(email, '@')) {
        api_invalid(req, resp, "email must be an e-mail address");
        return 0;
    }
    struct core *core = req->app;
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_READ, &c);
    if (rc)
        return api_fail(req, resp, rc);
    struct canonical_email_block *v;
    size_t n = 0;
    rc = canonical_email_block_match(c, req->arena, email, &v, &n);
    db_release(c);
    if (rc)
        return api_fail(req, resp, rc);
    resp_json(req, resp, 200, canonical_array(req, v, n));
    return 0;
}

static int canonical_delete(struct req *req, struct resp *resp)
{
    if (api_require_permission(req, resp, PERM_MANAGE_BLOCKS, NULL))
        return 0;
    int rc = canonical_email_block_delete(req->app, api_account_id(req), api_param_id(req, "id"));
    if (rc)
        return api_fail(req, resp, rc);
    resp_json(req, resp, 200, json_object());
    return 0;
}

/* ---- the spam filter's held posts ---- */

static int held_index(struct req *req, struct resp *resp)
{
    if (api_require_permission(req, resp, PERM_MANAGE_REPORTS, NULL))
        return 0;
    struct core *core = req->app;
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_READ, &c);
    if (rc)
        return api_fail(req, resp, rc);
    struct held_activity *v;
    size_t n = 0;
    rc = spam_list(c, req->arena, 200, &v, &n);
    json_t *arr = json_array();
    for (size_t i = 0; rc == 0 && i < n; i++)
        json_array_append_new(
            arr, json_pack("{s:s, s:s, s:o, s:s, s:s, s:s}", "id", id_text(req, v[i].id), "uri",
                           v[i].object_uri, "account", api_account_json_id(req, c, v[i].account_id),
                           "text", v[i].text, "reason", v[i].reason, "created_at",
                           iso(req, v[i].created_at)));
    db_release(c);
    if (rc) {
        json_decref(arr);
        return api_fail(req, resp, rc);
    }
    resp_json(req, resp, 200, arr);
    return 0;
}

static int held_decide(struct req *req, struct resp *resp, int release)
{
    if (api_require_permission(req, resp, PERM_MANAGE_REPORTS, NULL))
        return 0;
    int rc = spam_decide(req->app, api_account_id(req), api_param_id(req, "id"), release);
    if (rc)
        return api_fail(req, resp, rc);
    resp_json(req, resp, 200, json_object());
    return 0;
}

static int held_release(struct req *req, struct resp *resp)
{
    return held_decide(req, resp, 1);
}

static int held_delete(struct req *req, struct resp *resp)
{
    return held_decide(req, resp, 0);
}

#define R ROUTE_AUTH_REQUIRED
const struct route api_admin_join_routes[] = {
    {"GET", "/api/v1/admin/ip_blocks", ip_blocks_index, R, "admin:read:ip_blocks"},
    {"POST", "/api/v1/admin/ip_blocks", ip_blocks_create, R, "admin:write:ip_blocks"},
    {"GET", "/api/v1/admin/ip_blocks/:id", ip_blocks_show, R, "admin:read:ip_blocks"},
    {"PUT", "/api/v1/admin/ip_blocks/:id", ip_blocks_update, R, "admin:write:ip_blocks"},
    {"DELETE", "/api/v1/admin/ip_blocks/:id", ip_blocks_delete, R, "admin:write:ip_blocks"},
    {"GET", "/api/v1/admin/email_domain_blocks", email_domains_index, R,
     "admin:read:email_domain_blocks"},
    {"POST", "/api/v1/admin/email_domain_blocks", email_domains_create, R,
     "admin:write:email_domain_blocks"},
    {"GET", "/api/v1/admin/email_domain_blocks/:id", email_domains_show, R,
     "admin:read:email_domain_blocks"},
    {"DELETE", "/api/v1/admin/email_domain_blocks/:id", email_domains_delete, R,
     "admin:write:email_domain_blocks"},
    {"GET", "/api/v1/admin/canonical_email_blocks", canonical_index, R,
     "admin:read:canonical_email_blocks"},
    {"POST", "/api/v1/admin/canonical_email_blocks", canonical_create, R,
     "admin:write:canonical_email_blocks"},
    {"POST", "/api/v1/admin/canonical_email_blocks/test", canonical_test, R,
     "admin:read:canonical_email_blocks"},
    {"GET", "/api/v1/admin/canonical_email_blocks/:id", canonical_show, R,
     "admin:read:canonical_email_blocks"},
    {"DELETE", "/api/v1/admin/canonical_email_blocks/:id", canonical_delete, R,
     "admin:write:canonical_email_blocks"},
    {"GET", "/api/v1/admin/held_statuses", held_index, R, "admin:read:reports"},
    {"POST", "/api/v1/admin/held_statuses/:id/release", held_release, R, "admin:write:reports"},
    {"DELETE", "/api/v1/admin/held_statuses/:id", held_delete, R, "admin:write:reports"},
};
#undef R
const size_t api_admin_join_routes_count =
    sizeof(api_admin_join_routes) / sizeof(api_admin_join_routes[0]);
