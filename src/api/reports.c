/*
 * api/reports: POST /api/v1/reports, a member's report about an account
 * (and some of its statuses) for the moderators, answered with Mastodon's
 * Report entity.
 */
#include "api/api.h"
#include "api/internal.h"
#include "core/report.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"
#include "util/limits.h"
#include "util/timeutil.h"

/* POST /api/v1/reports */
static int report_post(struct req *req, struct resp *resp)
{
    if (api_require_user(req, resp))
        return 0;
    struct report_new r = {0};
    const char *target = req_arg(req, "account_id");
    if (!target || id_from_str(target, &r.target) != 0) {
        api_invalid(req, resp, "account_id must be an account's id");
        return 0;
    }
    const char *sids[LIMIT_REPORT_STATUSES + 1], *rules[8];
    size_t ns = 0, nr = 0;
    if (api_arg_strings(req, resp, "status_ids", sids, LIMIT_REPORT_STATUSES, &ns) ||
        api_arg_strings(req, resp, "rule_ids", rules, 8, &nr))
        return 0;
    int64_t *rule_ids = arena_alloc(req->arena, (nr + 1) * sizeof(*rule_ids));
    for (size_t i = 0; i < nr; i++) {
        if (id_from_str(rules[i], &rule_ids[i]) != 0) {
            api_invalid(req, resp, "rule_ids must name the server's rules");
            return 0;
        }
    }
    r.rule_ids = rule_ids;
    r.n_rules = nr;
    int64_t *ids = arena_alloc(req->arena, (ns + 1) * sizeof(*ids));
    for (size_t i = 0; i < ns; i++) {
        if (id_from_str(sids[i], &ids[i]) != 0) {
            api_invalid(req, resp, "status_ids must be status ids");
            return 0;
        }
    }
    int forward = api_arg_bool(req, "forward", 0);
    if (forward < 0) {
        api_invalid(req, resp, "forward must be a boolean");
        return 0;
    }
    r.status_ids = ids;
    r.n_statuses = ns;
    r.comment = req_arg(req, "comment");
    r.category = req_arg(req, "category");
    r.forward = forward;
    struct report *rep;
    const char *why = NULL;
    int rc = report_create(req->app, req->arena, api_account_id(req), &r, &rep, &why);
    if ((rc == E_INVAL || rc == E_LIMIT) && why) {
        api_invalid(req, resp, why);
        return 0;
    }
    if (rc)
        return api_fail(req, resp, rc);
    struct core *core = req->app;
    struct db_conn *c;
    rc = db_acquire(core->db, DB_SNAPSHOT, &c);
    if (rc)
        return api_fail(req, resp, rc);
    json_t *j = api_report_json(req, c, rep->id);
    db_release(c);
    resp_json(req, resp, 200, j);
    return 0;
}

const struct route api_report_routes[] = {
    {"POST", "/api/v1/reports", report_post, ROUTE_AUTH_REQUIRED, "write:reports"},
};
const size_t api_report_routes_count = sizeof(api_report_routes) / sizeof(api_report_routes[0]);
