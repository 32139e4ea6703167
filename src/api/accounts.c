/*
 * api/accounts: /api/v1/accounts (profile, lookup, statuses, follows,
 * relationships, blocks) and /api/v1/follow_requests.
 */
#include <string.h>

#include "api/api.h"
#include "api/internal.h"
#include "core/follow.h"
#include "core/outbox.h"
#include "core/pin.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"
#include "util/limits.h"

/* Runs fn with a read connection; answers 503 when none can be had. */
#define WITH_READ(core, c)                                                                         \
    struct db_conn *c;                                                                             \
    int rc_acq_ = db_acquire((core)->db, DB_SNAPSHOT, &c);                                         \
    if (rc_acq_)                                                                                   \
        return api_fail(req, resp, rc_acq_);

/* GET /api/v1/accounts/verify_credentials */
static int verify_credentials(struct req *req, struct resp *resp)
{
    if (api_require_user(req, resp))
        return 0;
    struct core *core = req->app;
    WITH_READ(core, c);
    json_t *j = api_credential_account_json(req, c, api_account_id(req));
    db_release(c);
    if (!j)
        return api_fail(req, resp, E_NOTFOUND);
    resp_json(req, resp, 200, j);
    return 0;
}

/* PATCH /api/v1/accounts/update_credentials (display name, note, locked, bot) */
static int update_credentials(struct req *req, struct resp *resp)
{
    if (api_require_user(req, resp))
        return 0;
    struct core *core = req->app;
    int locked = api_arg_bool(req, "locked", -2);
    int bot = api_arg_bool(req, "bot", -2);
    if (locked == -1 || bot == -1) {
        api_invalid(req, resp, "locked and bot must be booleans");
        return 0;
    }
    int discoverable = api_arg_bool(req, "discoverable", -2);
    int sensitive = api_arg_bool(req, "source[sensitive]", -2);
    if (discoverable == -1 || sensitive == -1) {
        api_invalid(req, resp, "discoverable and source[sensitive] must be booleans");
        return 0;
    }
    const char *privacy = req_arg(req, "source[privacy]");
    const char *language = req_arg(req, "source[language]");
    json_t *body = req_json(req);
    json_t *src = body ? json_object_get(body, "source") : NULL;
    if (json_is_object(src)) {
        json_t *v = json_object_get(src, "privacy");
        if (json_is_string(v))
            privacy = json_string_value(v);
        v = json_object_get(src, "language");
        if (json_is_string(v))
            language = json_string_value(v);
        v = json_object_get(src, "sensitive");
        if (json_is_boolean(v))
            sensitive = json_is_true(v);
    }
    /* Profile fields: fields_attributes[N][name] and [value], as forms or JSON. */
    const char *names[LIMIT_FIELDS + 1], *values[LIMIT_FIELDS + 1];
    size_t n_fields = 0;
    int have_fields = 0;
    json_t *fa = body ? json_object_get(body, "fields_attributes") : NULL;
    if (fa) {
        have_fields = 1;
        json_t *items = json_array();
        if (json_is_array(fa)) {
            json_array_extend(items, fa);
        } else if (json_is_object(fa)) {
            const char *key;
            json_t *v;
            json_object_foreach(fa, key, v) json_array_append(items, v);
        }
        size_t i;
        json_t *f;
        json_array_foreach(items, i, f)
        {
            if (n_fields > LIMIT_FIELDS)
                break;
            const char *nm = json_string_value(json_object_get(f, "name"));
            const char *vl = json_string_value(json_object_get(f, "value"));
            names[n_fields] = arena_strdup(req->arena, nm ? nm : "");
            values[n_fields] = arena_strdup(req->arena, vl ? vl : "");
            n_fields++;
        }
        json_decref(items);
    } else {
        for (int k = 0; k <= LIMIT_FIELDS; k++) {
            const char *nm =
                req_arg(req, arena_printf(req->arena, "fields_attributes[%d][name]", k));
            const char *vl =
                req_arg(req, arena_printf(req->arena, "fields_attributes[%d][value]", k));
            if (!nm && !vl)
                continue;
            have_fields = 1;
            names[n_fields] = nm ? nm : "";
            values[n_fields] = vl ? vl : "";
            n_fields++;
        }
    }
    if (api_media_profile_images(req, resp))
        return 0;
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_WRITE, &c);
    if (rc)
        return api_fail(req, resp, rc);
    const char *why = NULL;
    rc = account_update_profile(c, api_account_id(req), req_arg(req, "display_name"),
                                req_arg(req, "note"), locked == -2 ? -1 : locked,
                                bot == -2 ? -1 : bot, &why);
    if (rc == 0 && (privacy || language || sensitive != -2 || discoverable != -2))
        rc = user_update_defaults(c, api_account_id(req), privacy, sensitive == -2 ? -1 : sensitive,
                                  language, discoverable == -2 ? -1 : discoverable, &why);
    if (rc == 0 && have_fields)
        rc = account_set_fields(c, api_account_id(req), names, values, n_fields, &why);
    if (rc == 0)
        rc = outbox_add(c, OUTBOX_UPDATE_ACTOR, api_account_id(req), 0, NULL);
    if (rc == E_INVAL) {
        db_release(c);
        api_invalid(req, resp, why);
        return 0;
    }
    json_t *j = rc ? NULL : api_credential_account_json(req, c, api_account_id(req));
    db_release(c);
    if (!j)
        return api_fail(req, resp, rc ? rc : E_NOTFOUND);
    resp_json(req, resp, 200, j);
    return 0;
}

/* GET /api/v1/accounts/:id */
static int account_show(struct req *req, struct resp *resp)
{
    struct core *core = req->app;
    int64_t id = api_param_id(req, "id");
    WITH_READ(core, c);
    json_t *j = id ? api_account_json_id(req, c, id) : NULL;
    db_release(c);
    if (!j)
        return api_fail(req, resp, E_NOTFOUND);
    resp_json(req, resp, 200, j);
    return 0;
}

/* GET /api/v1/accounts/lookup?acct=user[@domain] */
static int account_lookup(struct req *req, struct resp *resp)
{
    struct core *core = req->app;
    const char *acct = req_arg(req, "acct");
    if (!acct || !*acct) {
        api_invalid(req, resp, "acct is missing");
        return 0;
    }
    if (acct[0] == '@')
        acct++;
    char *user = arena_strdup(req->arena, acct);
    char *at = strchr(user, '@');
    const char *domain = NULL;
    if (at) {
        *at = '\0';
        domain = at + 1;
    }
    WITH_READ(core, c);
    struct account *acc;
    int rc = account_find(c, req->arena, user, domain, core->domain, &acc);
    json_t *j = rc ? NULL : api_account_json(req, c, acc);
    db_release(c);
    if (!j)
        return api_fail(req, resp, E_NOTFOUND);
    resp_json(req, resp, 200, j);
    return 0;
}

/* GET /api/v1/accounts/:id/statuses */
static int account_statuses(struct req *req, struct resp *resp)
{
    req->filter_context = "account";
    struct core *core = req->app;
    int64_t id = api_param_id(req, "id");
    struct page p;
    if (api_page(req, resp, &p))
        return 0;
    struct timeline_filter f = {0};
    f.exclude_replies = api_arg_bool(req, "exclude_replies", 0);
    f.exclude_reblogs = api_arg_bool(req, "exclude_reblogs", 0);
    f.only_media = api_arg_bool(req, "only_media", 0);
    int pinned = api_arg_bool(req, "pinned", 0);
    if (f.exclude_replies < 0 || f.exclude_reblogs < 0 || f.only_media < 0 || pinned < 0) {
        api_invalid(req, resp,
                    "exclude_replies, exclude_reblogs, only_media and pinned must be"
                    " booleans");
        return 0;
    }
    const char *tagged = req_arg(req, "tagged");
    if (tagged && *tagged) {
        if (strlen(tagged) > LIMIT_HASHTAG_CHARS * 4) {
            api_invalid(req, resp, "tagged is too long");
            return 0;
        }
        f.tagged = tagged;
    }
    WITH_READ(core, c);
    struct account *acc;
    int rc = id ? account_get(c, req->arena, id, &acc) : E_NOTFOUND;
    if (rc) {
        db_release(c);
        return api_fail(req, resp, rc);
    }
    int64_t *ids = NULL;
    size_t n = 0;
    struct viewer v = api_viewer(req);
    /* Pinned posts come on one page, last pinned first: later pages are empty. */
    if (pinned && !p.max_id && !p.since_id && !p.min_id)
        rc = pin_statuses(c, req->arena, &v, id, &ids, &n);
    else if (!pinned)
        rc = timeline_account(c, req->arena, &v, id, &f, &p, &ids, &n);
    json_t *arr = rc ? NULL : api_statuses_json(req, c, ids, n);
    db_release(c);
    if (!arr)
        return api_fail(req, resp, rc);
    if (!pinned)
        api_link_header(req, resp, ids, n);
    resp_json(req, resp, 200, arr);
    return 0;
}

static int follow_list(struct req *req, struct resp *resp, int followers)
{
    struct core *core = req->app;
    int64_t id = api_param_id(req, "id");
    struct page p;
    if (api_page(req, resp, &p))
        return 0;
    struct follow_page fp = {p.max_id, p.since_id, p.min_id, p.limit};
    WITH_READ(core, c);
    struct follow_item *items = NULL;
    size_t n = 0;
    int rc = followers ? follow_list_followers(c, req->arena, id, &fp, &items, &n)
                       : follow_list_following(c, req->arena, id, &fp, &items, &n);
    return api_people_answer(req, resp, c, rc, items, n);
}

static int followers(struct req *req, struct resp *resp)
{
    return follow_list(req, resp, 1);
}

static int following(struct req *req, struct resp *resp)
{
    return follow_list(req, resp, 0);
}

int api_relationship_answer(struct req *req, struct resp *resp, int64_t other)
{
    struct core *core = req->app;
    WITH_READ(core, c);
    json_t *j = api_relationship_json(req, c, api_account_id(req), other);
    db_release(c);
    resp_json(req, resp, 200, j);
    return 0;
}

/* POST /api/v1/accounts/:id/follow */
static int follow(struct req *req, struct resp *resp)
{
    if (api_require_user(req, resp))
        return 0;
    struct core *core = req->app;
    int64_t id = api_param_id(req, "id");
    int reblogs = api_arg_bool(req, "reblogs", 1);
    int notify = api_arg_bool(req, "notify", 0);
    if (reblogs < 0 || notify < 0) {
        api_invalid(req, resp, "reblogs and notify must be booleans");
        return 0;
    }
    struct follow_options opt = {.hide_reblogs = !reblogs, .notify = notify};
    enum follow_state st;
    int rc = follow_create(core, api_account_id(req), id, &opt, &st);
    if (rc == E_INVAL) {
        api_invalid(req, resp, "you cannot follow yourself");
        return 0;
    }
    if (rc)
        return api_fail(req, resp, rc);
    return api_relationship_answer(req, resp, id);
}

/* POST /api/v1/accounts/:id/unfollow */
static int unfollow(struct req *req, struct resp *resp)
{
    if (api_require_user(req, resp))
        return 0;
    struct core *core = req->app;
    int64_t id = api_param_id(req, "id");
    int rc = follow_remove(core, api_account_id(req), id);
    if (rc)
        return api_fail(req, resp, rc);
    return api_relationship_answer(req, resp, id);
}

/* POST /api/v1/accounts/:id/remove_from_followers */
static int remove_follower(struct req *req, struct resp *resp)
{
    if (api_require_user(req, resp))
        return 0;
    struct core *core = req->app;
    int64_t id = api_param_id(req, "id");
    int rc = follow_remove_follower(core, api_account_id(req), id);
    if (rc)
        return api_fail(req, resp, rc);
    return api_relationship_answer(req, resp, id);
}

/* POST /api/v1/accounts/:id/block and /unblock */
static int block(struct req *req, struct resp *resp)
{
    if (api_require_user(req, resp))
        return 0;
    struct core *core = req->app;
    int64_t id = api_param_id(req, "id");
    int rc = block_create(core, api_account_id(req), id);
    if (rc == E_INVAL) {
        api_invalid(req, resp, "you cannot block yourself");
        return 0;
    }
    if (rc)
        return api_fail(req, resp, rc);
    return api_relationship_answer(req, resp, id);
}

static int unblock(struct req *req, struct resp *resp)
{
    if (api_require_user(req, resp))
        return 0;
    struct core *core = req->app;
    int64_t id = api_param_id(req, "id");
    int rc = block_remove(core, api_account_id(req), id);
    if (rc)
        return api_fail(req, resp, rc);
    return api_relationship_answer(req, resp, id);
}

/* GET /api/v1/accounts/relationships?id[]=1&id[]=2 */
static int relationships(struct req *req, struct resp *resp)
{
    if (api_require_user(req, resp))
        return 0;
    struct core *core = req->app;
    req_arg(req, "id"); /* parses the arguments */
    json_t *arr = json_array();
    WITH_READ(core, c);
    for (size_t i = 0; i < req->n_args && json_array_size(arr) < 80; i++) {
        const char *name = req->args[i].name;
        if (strcmp(name, "id[]") != 0 && strcmp(name, "id") != 0)
            continue;
        int64_t id;
        if (id_from_str(req->args[i].value, &id) != 0)
            continue;
        json_array_append_new(arr, api_relationship_json(req, c, api_account_id(req), id));
    }
    db_release(c);
    resp_json(req, resp, 200, arr);
    return 0;
}

/* GET /api/v1/accounts/familiar_followers?id[]=... */
static int familiar_followers(struct req *req, struct resp *resp)
{
    if (api_require_user(req, resp))
        return 0;
    struct core *core = req->app;
    req_arg(req, "id");
    json_t *arr = json_array();
    WITH_READ(core, c);
    for (size_t i = 0; i < req->n_args && json_array_size(arr) < 40; i++) {
        const char *name = req->args[i].name;
        int64_t id;
        if ((strcmp(name, "id[]") && strcmp(name, "id")) ||
            id_from_str(req->args[i].value, &id) != 0)
            continue;
        int64_t *ids;
        size_t n = 0;
        json_t *accounts = json_array();
        if (follow_familiar(c, req->arena, api_account_id(req), id, 40, &ids, &n) == 0) {
            for (size_t k = 0; k < n; k++) {
                json_t *j = api_account_json_id(req, c, ids[k]);
                if (j)
                    json_array_append_new(accounts, j);
            }
        }
        json_array_append_new(
            arr, json_pack("{s:s, s:o}", "id", req->args[i].value, "accounts", accounts));
    }
    db_release(c);
    resp_json(req, resp, 200, arr);
    return 0;
}

/* GET /api/v1/follow_requests */
static int follow_requests(struct req *req, struct resp *resp)
{
    if (api_require_user(req, resp))
        return 0;
    struct core *core = req->app;
    WITH_READ(core, c);
    struct page p;
    if (api_page(req, resp, &p)) {
        db_release(c);
        return 0;
    }
    struct follow_page fp = {p.max_id, p.since_id, p.min_id, p.limit};
    struct follow_item *items = NULL;
    size_t n = 0;
    int rc = follow_list_requests(c, req->arena, api_account_id(req), &fp, &items, &n);
    return api_people_answer(req, resp, c, rc, items, n);
}

static int request_answer(struct req *req, struct resp *resp, int accept)
{
    if (api_require_user(req, resp))
        return 0;
    struct core *core = req->app;
    int64_t id = api_param_id(req, "id");
    int rc = accept ? follow_accept(core, api_account_id(req), id)
                    : follow_reject(core, api_account_id(req), id);
    if (rc)
        return api_fail(req, resp, rc);
    return api_relationship_answer(req, resp, id);
}

static int authorize_request(struct req *req, struct resp *resp)
{
    return request_answer(req, resp, 1);
}

static int reject_request(struct req *req, struct resp *resp)
{
    return request_answer(req, resp, 0);
}

const struct route api_account_routes[] = {
    {"GET", "/api/v1/accounts/verify_credentials", verify_credentials, ROUTE_AUTH_REQUIRED,
     "read:accounts"},
    {"PATCH", "/api/v1/accounts/update_credentials", update_credentials, ROUTE_AUTH_REQUIRED,
     "write:accounts"},
    {"GET", "/api/v1/accounts/relationships", relationships, ROUTE_AUTH_REQUIRED, "read:follows"},
    {"GET", "/api/v1/accounts/lookup", account_lookup, ROUTE_AUTH_OPTIONAL, NULL},
    {"GET", "/api/v1/accounts/familiar_followers", familiar_followers, ROUTE_AUTH_REQUIRED,
     "read:follows"},
    {"GET", "/api/v1/accounts/:id", account_show, ROUTE_AUTH_OPTIONAL, NULL},
    {"GET", "/api/v1/accounts/:id/statuses", account_statuses, ROUTE_AUTH_OPTIONAL, NULL},
    {"GET", "/api/v1/accounts/:id/followers", followers, ROUTE_AUTH_OPTIONAL, NULL},
    {"GET", "/api/v1/accounts/:id/following", following, ROUTE_AUTH_OPTIONAL, NULL},
    {"POST", "/api/v1/accounts/:id/follow", follow, ROUTE_AUTH_REQUIRED, "write:follows"},
    {"POST", "/api/v1/accounts/:id/unfollow", unfollow, ROUTE_AUTH_REQUIRED, "write:follows"},
    {"POST", "/api/v1/accounts/:id/remove_from_followers", remove_follower, ROUTE_AUTH_REQUIRED,
     "write:follows"},
    {"POST", "/api/v1/accounts/:id/block", block, ROUTE_AUTH_REQUIRED, "write:blocks"},
    {"POST", "/api/v1/accounts/:id/unblock", unblock, ROUTE_AUTH_REQUIRED, "write:blocks"},
    {"GET", "/api/v1/follow_requests", follow_requests, ROUTE_AUTH_REQUIRED, "read:follows"},
    {"POST", "/api/v1/follow_requests/:id/authorize", authorize_request, ROUTE_AUTH_REQUIRED,
     "write:follows"},
    {"POST", "/api/v1/follow_requests/:id/reject", reject_request, ROUTE_AUTH_REQUIRED,
     "write:follows"},
};
const size_t api_account_routes_count = sizeof(api_account_routes) / sizeof(api_account_routes[0]);
