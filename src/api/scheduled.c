/*
 * api/scheduled: /api/v1/scheduled_statuses (list, show, reschedule,
 * cancel), the ScheduledStatus entity, and scheduling from
 * POST /api/v1/statuses with scheduled_at.
 */
#include <string.h>

#include "api/api.h"
#include "api/internal.h"
#include "core/scheduled.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"
#include "util/timeutil.h"

static json_t *scheduled_json(const struct scheduled_status *ss)
{
    char idb[ID_STR_MAX], when[TIME_ISO_MAX];
    json_error_t err;
    json_t *params = json_loads(ss->params, 0, &err);
    if (!json_is_object(params)) {
        json_decref(params);
        params = json_object();
    }
    /* Apps know four levels: local-only and neighborhood posts show as public, as statuses do. */
    const char *vis = json_string_value(json_object_get(params, "visibility"));
    if (vis && (!strcmp(vis, "local") || !strcmp(vis, "neighborhood"))) {
        json_object_set_new(params, "local_only", json_boolean(!strcmp(vis, "local")));
        json_object_set_new(params, "visibility", json_string("public"));
    }
    return json_pack("{s:s, s:s, s:o, s:[]}", "id", id_to_str(ss->id, idb), "scheduled_at",
                     time_iso8601(ss->scheduled_at, when), "params", params, "media_attachments");
}

static void schedule_failed(struct req *req, struct resp *resp, int rc, const char *why)
{
    if ((rc == E_INVAL || rc == E_LIMIT) && why) {
        api_invalid(req, resp, why);
        return;
    }
    api_fail(req, resp, rc);
}

static int answer_scheduled(struct req *req, struct resp *resp, int64_t id)
{
    struct core *core = req->app;
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_READ, &c);
    if (rc)
        return api_fail(req, resp, rc);
    struct scheduled_status *ss;
    rc = scheduled_get(c, req->arena, api_account_id(req), id, &ss);
    db_release(c);
    if (rc)
        return api_fail(req, resp, rc);
    resp_json(req, resp, 200, scheduled_json(ss));
    return 0;
}

int api_status_schedule(struct req *req, struct resp *resp, const struct status_new *p, int64_t at)
{
    struct core *core = req->app;
    struct oauth_token *t = api_token(req);
    int64_t id = 0;
    const char *why = NULL;
    int rc = scheduled_create(core, t->account_id, p, at, t->app_id, &id, &why);
    if (rc) {
        schedule_failed(req, resp, rc, why);
        return 0;
    }
    return answer_scheduled(req, resp, id);
}

/* GET /api/v1/scheduled_statuses */
static int scheduled_index(struct req *req, struct resp *resp)
{
    if (api_require_user(req, resp))
        return 0;
    struct page p;
    if (api_page(req, resp, &p))
        return 0;
    struct core *core = req->app;
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_READ, &c);
    if (rc)
        return api_fail(req, resp, rc);
    struct scheduled_status *list;
    size_t n = 0;
    rc = scheduled_list(c, req->arena, api_account_id(req), &p, &list, &n);
    db_release(c);
    if (rc)
        return api_fail(req, resp, rc);
    json_t *arr = json_array();
    int64_t *ids = arena_alloc(req->arena, (n + 1) * sizeof(*ids));
    for (size_t i = 0; i < n; i++) {
        ids[i] = list[i].id;
        json_array_append_new(arr, scheduled_json(&list[i]));
    }
    api_link_header(req, resp, ids, n);
    resp_json(req, resp, 200, arr);
    return 0;
}

/* GET /api/v1/scheduled_statuses/:id */
static int scheduled_show(struct req *req, struct resp *resp)
{
    if (api_require_user(req, resp))
        return 0;
    return answer_scheduled(req, resp, api_param_id(req, "id"));
}

/* PUT /api/v1/scheduled_statuses/:id */
static int scheduled_update(struct req *req, struct resp *resp)
{
    if (api_require_user(req, resp))
        return 0;
    if (req->json_error || (!req_json(req) && req->json_error)) {
        resp_error(req, resp, 400, "The request body is not valid JSON");
        return 0;
    }
    int64_t at;
    const char *when = req_arg(req, "scheduled_at");
    if (!when || time_parse_iso8601(when, &at) != 0) {
        api_invalid(req, resp, "scheduled_at must be a date and time (ISO 8601)");
        return 0;
    }
    struct core *core = req->app;
    int64_t id = api_param_id(req, "id");
    const char *why = NULL;
    int rc = scheduled_reschedule(core, api_account_id(req), id, at, &why);
    if (rc) {
        schedule_failed(req, resp, rc, why);
        return 0;
    }
    return answer_scheduled(req, resp, id);
}

/* DELETE /api/v1/scheduled_statuses/:id */
static int scheduled_delete(struct req *req, struct resp *resp)
{
    if (api_require_user(req, resp))
        return 0;
    struct core *core = req->app;
    int rc = scheduled_cancel(core, api_account_id(req), api_param_id(req, "id"));
    if (rc)
        return api_fail(req, resp, rc);
    resp_json(req, resp, 200, json_object());
    return 0;
}

const struct route api_scheduled_routes[] = {
    {"GET", "/api/v1/scheduled_statuses", scheduled_index, ROUTE_AUTH_REQUIRED, "read:statuses"},
    {"GET", "/api/v1/scheduled_statuses/:id", scheduled_show, ROUTE_AUTH_REQUIRED, "read:statuses"},
    {"PUT", "/api/v1/scheduled_statuses/:id", scheduled_update, ROUTE_AUTH_REQUIRED,
     "write:statuses"},
    {"DELETE", "/api/v1/scheduled_statuses/:id", scheduled_delete, ROUTE_AUTH_REQUIRED,
     "write:statuses"},
};
const size_t api_scheduled_routes_count =
    sizeof(api_scheduled_routes) / sizeof(api_scheduled_routes[0]);
