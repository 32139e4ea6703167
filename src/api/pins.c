/*
 * api/pins: what a member features on her profile and keeps for herself:
 * pinned statuses (POST /api/v1/statuses/:id/pin, /unpin), endorsed
 * accounts (POST /api/v1/accounts/:id/pin, /unpin, GET
 * /api/v1/endorsements), private notes (POST /api/v1/accounts/:id/note)
 * and muted conversations (POST /api/v1/statuses/:id/mute, /unmute).
 */
#include <string.h>

#include "api/api.h"
#include "api/internal.h"
#include "core/pin.h"
#include "db/db.h"
#include "util/err.h"

/* POST /api/v1/statuses/:id/pin */
static int status_pin(struct req *req, struct resp *resp)
{
    if (api_require_user(req, resp))
        return 0;
    int64_t id = api_param_id(req, "id");
    const char *why = NULL;
    int rc = id ? pin_status(req->app, api_account_id(req), id, &why) : E_NOTFOUND;
    if ((rc == E_INVAL || rc == E_LIMIT) && why) {
        api_invalid(req, resp, why);
        return 0;
    }
    if (rc)
        return api_fail(req, resp, rc);
    return api_status_answer(req, resp, id);
}

/* POST /api/v1/statuses/:id/unpin */
static int status_unpin(struct req *req, struct resp *resp)
{
    if (api_require_user(req, resp))
        return 0;
    int64_t id = api_param_id(req, "id");
    int rc = id ? pin_status_remove(req->app, api_account_id(req), id) : E_NOTFOUND;
    if (rc)
        return api_fail(req, resp, rc);
    return api_status_answer(req, resp, id);
}

static int thread_mute(struct req *req, struct resp *resp, int mute)
{
    if (api_require_user(req, resp))
        return 0;
    int64_t id = api_param_id(req, "id");
    int rc = id ? pin_thread_mute(req->app, api_account_id(req), id, mute) : E_NOTFOUND;
    if (rc == E_FORBIDDEN) {
        api_invalid(req, resp, "you can only mute conversations you take part in");
        return 0;
    }
    if (rc)
        return api_fail(req, resp, rc);
    return api_status_answer(req, resp, id);
}

/* POST /api/v1/statuses/:id/mute */
static int status_mute(struct req *req, struct resp *resp)
{
    return thread_mute(req, resp, 1);
}

/* POST /api/v1/statuses/:id/unmute */
static int status_unmute(struct req *req, struct resp *resp)
{
    return thread_mute(req, resp, 0);
}

typedef int (*account_fn)(const struct core *core, int64_t actor, int64_t target);

static int account_act(struct req *req, struct resp *resp, account_fn fn, const char *refused)
{
    if (api_require_user(req, resp))
        return 0;
    int64_t id = api_param_id(req, "id");
    int rc = id ? fn(req->app, api_account_id(req), id) : E_NOTFOUND;
    if (rc == E_FORBIDDEN || rc == E_INVAL) {
        api_invalid(req, resp, refused);
        return 0;
    }
    if (rc)
        return api_fail(req, resp, rc);
    return api_relationship_answer(req, resp, id);
}

/* POST /api/v1/accounts/:id/pin */
static int account_pin(struct req *req, struct resp *resp)
{
    return account_act(req, resp, pin_account, "you can only feature accounts you follow");
}

/* POST /api/v1/accounts/:id/unpin */
static int account_unpin(struct req *req, struct resp *resp)
{
    return account_act(req, resp, pin_account_remove, "this account cannot be unfeatured");
}

/* GET /api/v1/endorsements */
static int endorsements(struct req *req, struct resp *resp)
{
    if (api_require_user(req, resp))
        return 0;
    struct page p;
    if (api_page(req, resp, &p))
        return 0;
    struct follow_page fp = {p.max_id, p.since_id, p.min_id, p.limit};
    struct core *core = req->app;
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_SNAPSHOT, &c);
    if (rc)
        return api_fail(req, resp, rc);
    struct follow_item *items = NULL;
    size_t n = 0;
    rc = pin_accounts(c, req->arena, api_account_id(req), &fp, &items, &n);
    return api_people_answer(req, resp, c, rc, items, n);
}

/* POST /api/v1/accounts/:id/note */
static int note(struct req *req, struct resp *resp)
{
    if (api_require_user(req, resp))
        return 0;
    int64_t id = api_param_id(req, "id");
    const char *comment = req_arg(req, "comment");
    int rc = id ? pin_note_set(req->app, api_account_id(req), id, comment) : E_NOTFOUND;
    if (rc == E_LIMIT || rc == E_INVAL) {
        api_invalid(req, resp,
                    rc == E_LIMIT ? "comment is too long (2000 characters at most)"
                                  : "comment must be UTF-8 text");
        return 0;
    }
    if (rc)
        return api_fail(req, resp, rc);
    return api_relationship_answer(req, resp, id);
}

const struct route api_pin_routes[] = {
    {"POST", "/api/v1/statuses/:id/pin", status_pin, ROUTE_AUTH_REQUIRED, "write:accounts"},
    {"POST", "/api/v1/statuses/:id/unpin", status_unpin, ROUTE_AUTH_REQUIRED, "write:accounts"},
    {"POST", "/api/v1/statuses/:id/mute", status_mute, ROUTE_AUTH_REQUIRED, "write:mutes"},
    {"POST", "/api/v1/statuses/:id/unmute", status_unmute, ROUTE_AUTH_REQUIRED, "write:mutes"},
    {"POST", "/api/v1/accounts/:id/pin", account_pin, ROUTE_AUTH_REQUIRED, "write:accounts"},
    {"POST", "/api/v1/accounts/:id/unpin", account_unpin, ROUTE_AUTH_REQUIRED, "write:accounts"},
    {"GET", "/api/v1/endorsements", endorsements, ROUTE_AUTH_REQUIRED, "read:accounts"},
    {"POST", "/api/v1/accounts/:id/note", note, ROUTE_AUTH_REQUIRED, "write:accounts"},
};
const size_t api_pin_routes_count = sizeof(api_pin_routes) / sizeof(api_pin_routes[0]);
