/*
 * api/filters: a member's filters (Mastodon's v2 API under
 * /api/v2/filters, and the read-only v1 list), their entities (Filter,
 * FilterKeyword, FilterStatus, FilterResult) and how statuses are
 * matched against them when shown (api_status_filtered). Each request
 * loads the viewer's live filters once.
 */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/internal.h"
#include "core/filter.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"
#include "util/timeutil.h"

static json_t *id_json(int64_t id)
{
    char buf[ID_STR_MAX];
    return json_string(id_to_str(id, buf));
}

static json_t *keyword_json(const struct filter_keyword *k)
{
    return json_pack("{s:o, s:s, s:b}", "id", id_json(k->id), "keyword", k->keyword, "whole_word",
                     k->whole_word);
}

static json_t *status_filter_json(const struct filter_status *s)
{
    return json_pack("{s:o, s:o}", "id", id_json(s->id), "status_id", id_json(s->status_id));
}

/* The Filter entity; with_children adds keywords and statuses. */
static json_t *filter_json(const struct filter *f, int with_children)
{
    const char *names[8];
    size_t n = filter_context_names(f->contexts, names);
    json_t *ctx = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(ctx, json_string(names[i]));
    char when[TIME_ISO_MAX];
    json_t *j = json_pack(
        "{s:o, s:s, s:o, s:o, s:s}", "id", id_json(f->id), "title", f->title, "context", ctx,
        "expires_at", f->expires_at ? json_string(time_iso8601(f->expires_at, when)) : json_null(),
        "filter_action", f->action);
    if (with_children) {
        json_t *kw = json_array(), *st = json_array();
        for (size_t i = 0; i < f->n_keywords; i++)
            json_array_append_new(kw, keyword_json(&f->keywords[i]));
        for (size_t i = 0; i < f->n_statuses; i++)
            json_array_append_new(st, status_filter_json(&f->statuses[i]));
        json_object_set_new(j, "keywords", kw);
        json_object_set_new(j, "statuses", st);
    }
    return j;
}

/* The viewer's live filters, loaded once per request. */
struct loaded {
    struct filter *list;
    size_t n;
    int done;
};

static struct loaded *loaded_of(struct req *req, struct db_conn *c)
{
    struct loaded *l = req->filters;
    if (!l) {
        l = arena_zalloc(req->arena, sizeof(*l));
        req->filters = l;
    }
    if (!l->done) {
        l->done = 1;
        int64_t me = api_account_id(req);
        if (me && filter_load(c, req->arena, me, &l->list, &l->n) != 0)
            l->n = 0;
    }
    return l;
}

json_t *api_status_filtered(struct req *req, struct db_conn *c, int64_t status_id, const char *text,
                            const char *spoiler, int *hide)
{
    *hide = 0;
    json_t *arr = json_array();
    unsigned context = req->filter_context ? filter_context_parse(req->filter_context) : 0;
    if (!context)
        return arr;
    struct loaded *l = loaded_of(req, c);
    if (!l->n)
        return arr;
    int *matched = arena_alloc(req->arena, l->n * sizeof(*matched));
    const char **kw = arena_alloc(req->arena, l->n * sizeof(*kw));
    if (!filter_match(l->list, l->n, context, status_id, text, spoiler, matched, kw))
        return arr;
    for (size_t i = 0; i < l->n; i++) {
        if (!matched[i])
            continue;
        if (!strcmp(l->list[i].action, "hide"))
            *hide = 1;
        json_array_append_new(
            arr,
            json_pack("{s:o, s:o, s:o}", "filter", filter_json(&l->list[i], 0), "keyword_matches",
                      kw[i] ? json_pack("[s]", kw[i]) : json_null(), "status_matches",
                      kw[i] ? json_null() : json_pack("[o]", id_json(status_id))));
    }
    return arr;
}

/* Reads title, context[], filter_action, expires_in and keywords_attributes. */
static int read_input(struct req *req, struct resp *resp, struct filter_input *in, int creating)
{
    memset(in, 0, sizeof(*in));
    in->title = req_arg(req, "title");
    const char *ctx[8];
    size_t nc = 0;
    if (api_arg_strings(req, resp, "context", ctx, 8, &nc))
        return 1;
    for (size_t i = 0; i < nc; i++) {
        unsigned bit = filter_context_parse(ctx[i]);
        if (!bit) {
            api_invalid(req, resp,
                        "context must be home, notifications, public, thread or account");
            return 1;
        }
        in->contexts |= bit;
    }
    in->action = req_arg(req, "filter_action");
    const char *exp = req_arg(req, "expires_in");
    if (exp && *exp) {
        char *end;
        long long v = strtoll(exp, &end, 10);
        if (*end || v <= 0 || v > 100LL * 365 * 86400) {
            api_invalid(req, resp, "expires_in must be a number of seconds");
            return 1;
        }
        in->expires_in = v;
    } else if (exp && !creating) {
        in->expires_in = -1; /* sent empty: never expires */
    }
    /* keywords_attributes: a JSON array of objects, or form items in order. */
    const char **keys = arena_alloc(req->arena, (FILTER_KEYWORDS_MAX + 1) * sizeof(*keys));
    int *whole = arena_alloc(req->arena, (FILTER_KEYWORDS_MAX + 1) * sizeof(*whole));
    int64_t *destroy = arena_alloc(req->arena, (FILTER_KEYWORDS_MAX + 1) * sizeof(*destroy));
    size_t nk = 0, nd = 0;
    json_t *body = req_json(req);
    json_t *arr = body ? json_object_get(body, "keywords_attributes") : NULL;
    if (json_is_array(arr)) {
        size_t i;
        json_t *v;
        json_array_foreach(arr, i, v)
        {
            json_t *k = json_object_get(v, "keyword"), *id = json_object_get(v, "id");
            json_t *ww = json_object_get(v, "whole_word"), *d = json_object_get(v, "_destroy");
            int64_t kid = 0;
            if (json_is_string(id) && id_from_str(json_string_value(id), &kid) == 0 &&
                json_is_true(d) && nd < FILTER_KEYWORDS_MAX)
                destroy[nd++] = kid;
            else if (json_is_string(k) && nk <= FILTER_KEYWORDS_MAX) {
                keys[nk] = json_string_value(k);
                whole[nk++] = ww ? json_is_true(ww) : 1;
            }
        }
    } else {
        req_arg(req, "title");
        int64_t pending_id = 0;
        for (size_t i = 0; i < req->n_args; i++) {
            const char *name = req->args[i].name, *value = req->args[i].value;
            if (!strcmp(name, "keywords_attributes[][keyword]") && nk <= FILTER_KEYWORDS_MAX) {
                keys[nk] = value;
                whole[nk++] = 1;
            } else if (!strcmp(name, "keywords_attributes[][whole_word]") && nk) {
                whole[nk - 1] = !strcmp(value, "true") || !strcmp(value, "1");
            } else if (!strcmp(name, "keywords_attributes[][id]")) {
                id_from_str(value, &pending_id);
            } else if (!strcmp(name, "keywords_attributes[][_destroy]") && pending_id &&
                       (!strcmp(value, "true") || !strcmp(value, "1")) &&
                       nd < FILTER_KEYWORDS_MAX) {
                destroy[nd++] = pending_id;
                pending_id = 0;
            }
        }
    }
    in->add_keywords = keys;
    in->add_whole_word = whole;
    in->n_add = nk;
    in->destroy_keywords = destroy;
    in->n_destroy = nd;
    return 0;
}

static int refused(struct req *req, struct resp *resp, int rc, const char *why)
{
    if ((rc == E_INVAL || rc == E_LIMIT) && why) {
        api_invalid(req, resp, why);
        return 0;
    }
    return api_fail(req, resp, rc);
}

/* Answers one filter of the member (with keywords and statuses). */
static int answer_filter(struct req *req, struct resp *resp, int64_t id)
{
    struct core *core = req->app;
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_SNAPSHOT, &c);
    if (rc)
        return api_fail(req, resp, rc);
    struct filter *f;
    rc = filter_get(c, req->arena, api_account_id(req), id, &f);
    db_release(c);
    if (rc)
        return api_fail(req, resp, rc);
    resp_json(req, resp, 200, filter_json(f, 1));
    return 0;
}

/* GET /api/v2/filters and GET /api/v1/filters (one entry per keyword). */
static int list(struct req *req, struct resp *resp, int v1)
{
    if (api_require_user(req, resp))
        return 0;
    struct core *core = req->app;
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_SNAPSHOT, &c);
    if (rc)
        return api_fail(req, resp, rc);
    struct filter *fl = NULL;
    size_t n = 0;
    rc = filter_list(c, req->arena, api_account_id(req), &fl, &n);
    db_release(c);
    if (rc)
        return api_fail(req, resp, rc);
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        if (!v1) {
            json_array_append_new(arr, filter_json(&fl[i], 1));
            continue;
        }
        json_t *full = filter_json(&fl[i], 0);
        for (size_t k = 0; k < fl[i].n_keywords; k++)
            json_array_append_new(arr, json_pack("{s:o, s:s, s:O, s:O, s:b, s:b}", "id",
                                                 id_json(fl[i].keywords[k].id), "phrase",
                                                 fl[i].keywords[k].keyword, "context",
                                                 json_object_get(full, "context"), "expires_at",
                                                 json_object_get(full, "expires_at"),
                                                 "irreversible", !strcmp(fl[i].action, "hide"),
                                                 "whole_word", fl[i].keywords[k].whole_word));
        json_decref(full);
    }
    resp_json(req, resp, 200, arr);
    return 0;
}

static int list_v2(struct req *req, struct resp *resp)
{
    return list(req, resp, 0);
}

static int list_v1(struct req *req, struct resp *resp)
{
    return list(req, resp, 1);
}

/* POST /api/v2/filters */
static int create(struct req *req, struct resp *resp)
{
    if (api_require_user(req, resp))
        return 0;
    struct filter_input in;
    if (read_input(req, resp, &in, 1))
        return 0;
    int64_t id = 0;
    const char *why = NULL;
    int rc = filter_create(req->app, api_account_id(req), &in, &id, &why);
    if (rc)
        return refused(req, resp, rc, why);
    return answer_filter(req, resp, id);
}

/* GET /api/v2/filters/:id */
static int show(struct req *req, struct resp *resp)
{
    if (api_require_user(req, resp))
        return 0;
    int64_t id = api_param_id(req, "id");
    return id ? answer_filter(req, resp, id) : api_fail(req, resp, E_NOTFOUND);
}

/* PUT /api/v2/filters/:id */
static int update(struct req *req, struct resp *resp)
{
    if (api_require_user(req, resp))
        return 0;
    int64_t id = api_param_id(req, "id");
    struct filter_input in;
    if (read_input(req, resp, &in, 0))
        return 0;
    const char *why = NULL;
    int rc = id ? filter_update(req->app, api_account_id(req), id, &in, &why) : E_NOTFOUND;
    if (rc)
        return refused(req, resp, rc, why);
    return answer_filter(req, resp, id);
}

/* DELETE /api/v2/filters/:id, /api/v2/filters/keywords/:id, /api/v2/filters/statuses/:id */
typedef int (*delete_fn)(const struct core *core, int64_t account, int64_t id);

static int remove_one(struct req *req, struct resp *resp, delete_fn fn)
{
    if (api_require_user(req, resp))
        return 0;
    int64_t id = api_param_id(req, "id");
    int rc = id ? fn(req->app, api_account_id(req), id) : E_NOTFOUND;
    if (rc)
        return api_fail(req, resp, rc);
    resp_json(req, resp, 200, json_object());
    return 0;
}

static int destroy(struct req *req, struct resp *resp)
{
    return remove_one(req, resp, filter_delete);
}

static int keyword_destroy(struct req *req, struct resp *resp)
{
    return remove_one(req, resp, filter_keyword_delete);
}

static int status_destroy(struct req *req, struct resp *resp)
{
    return remove_one(req, resp, filter_status_delete);
}

/* GET /api/v2/filters/:id/keywords and /statuses */
static int children(struct req *req, struct resp *resp, int statuses)
{
    if (api_require_user(req, resp))
        return 0;
    int64_t id = api_param_id(req, "id");
    struct core *core = req->app;
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_SNAPSHOT, &c);
    if (rc)
        return api_fail(req, resp, rc);
    struct filter *f = NULL;
    rc = id ? filter_get(c, req->arena, api_account_id(req), id, &f) : E_NOTFOUND;
    db_release(c);
    if (rc)
        return api_fail(req, resp, rc);
    json_t *arr = json_array();
    if (statuses)
        for (size_t i = 0; i < f->n_statuses; i++)
            json_array_append_new(arr, status_filter_json(&f->statuses[i]));
    else
        for (size_t i = 0; i < f->n_keywords; i++)
            json_array_append_new(arr, keyword_json(&f->keywords[i]));
    resp_json(req, resp, 200, arr);
    return 0;
}

static int keywords_index(struct req *req, struct resp *resp)
{
    return children(req, resp, 0);
}

static int statuses_index(struct req *req, struct resp *resp)
{
    return children(req, resp, 1);
}

static int answer_keyword(struct req *req, struct resp *resp, int64_t id)
{
    struct core *core = req->app;
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_SNAPSHOT, &c);
    if (rc)
        return api_fail(req, resp, rc);
    struct filter_keyword *k;
    rc = filter_keyword_get(c, req->arena, api_account_id(req), id, &k);
    db_release(c);
    if (rc)
        return api_fail(req, resp, rc);
    resp_json(req, resp, 200, keyword_json(k));
    return 0;
}

static int whole_word_arg(struct req *req, int def)
{
    int w = api_arg_bool(req, "whole_word", def);
    return w < 0 ? def : w;
}

/* POST /api/v2/filters/:id/keywords */
static int keyword_create(struct req *req, struct resp *resp)
{
    if (api_require_user(req, resp))
        return 0;
    int64_t fid = api_param_id(req, "id"), id = 0;
    const char *why = NULL;
    int rc = fid ? filter_keyword_add(req->app, api_account_id(req), fid, req_arg(req, "keyword"),
                                      whole_word_arg(req, 1), &id, &why)
                 : E_NOTFOUND;
    if (rc)
        return refused(req, resp, rc, why);
    return answer_keyword(req, resp, id);
}

/* GET /api/v2/filters/keywords/:id */
static int keyword_show(struct req *req, struct resp *resp)
{
    if (api_require_user(req, resp))
        return 0;
    int64_t id = api_param_id(req, "id");
    return id ? answer_keyword(req, resp, id) : api_fail(req, resp, E_NOTFOUND);
}

/* PUT /api/v2/filters/keywords/:id */
static int keyword_update(struct req *req, struct resp *resp)
{
    if (api_require_user(req, resp))
        return 0;
    int64_t id = api_param_id(req, "id");
    const char *why = NULL;
    int rc = id ? filter_keyword_update(req->app, api_account_id(req), id, req_arg(req, "keyword"),
                                        whole_word_arg(req, -1), &why)
                : E_NOTFOUND;
    if (rc)
        return refused(req, resp, rc, why);
    return answer_keyword(req, resp, id);
}

static int answer_status_filter(struct req *req, struct resp *resp, int64_t id)
{
    struct core *core = req->app;
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_SNAPSHOT, &c);
    if (rc)
        return api_fail(req, resp, rc);
    struct filter_status *f;
    rc = filter_status_get(c, req->arena, api_account_id(req), id, &f);
    db_release(c);
    if (rc)
        return api_fail(req, resp, rc);
    resp_json(req, resp, 200, status_filter_json(f));
    return 0;
}

/* POST /api/v2/filters/:id/statuses */
static int status_create_filter(struct req *req, struct resp *resp)
{
    if (api_require_user(req, resp))
        return 0;
    int64_t fid = api_param_id(req, "id"), sid = 0, id = 0;
    const char *status = req_arg(req, "status_id");
    if (!status || id_from_str(status, &sid) != 0) {
        api_invalid(req, resp, "status_id must be a status's id");
        return 0;
    }
    int rc = fid ? filter_status_add(req->app, api_account_id(req), fid, sid, &id) : E_NOTFOUND;
    if (rc)
        return api_fail(req, resp, rc);
    return answer_status_filter(req, resp, id);
}

/* GET /api/v2/filters/statuses/:id */
static int status_show_filter(struct req *req, struct resp *resp)
{
    if (api_require_user(req, resp))
        return 0;
    int64_t id = api_param_id(req, "id");
    return id ? answer_status_filter(req, resp, id) : api_fail(req, resp, E_NOTFOUND);
}

const struct route api_filter_routes[] = {
    {"GET", "/api/v1/filters", list_v1, ROUTE_AUTH_REQUIRED, "read:filters"},
    {"GET", "/api/v2/filters", list_v2, ROUTE_AUTH_REQUIRED, "read:filters"},
    {"POST", "/api/v2/filters", create, ROUTE_AUTH_REQUIRED, "write:filters"},
    {"GET", "/api/v2/filters/keywords/:id", keyword_show, ROUTE_AUTH_REQUIRED, "read:filters"},
    {"PUT", "/api/v2/filters/keywords/:id", keyword_update, ROUTE_AUTH_REQUIRED, "write:filters"},
    {"DELETE", "/api/v2/filters/keywords/:id", keyword_destroy, ROUTE_AUTH_REQUIRED,
     "write:filters"},
    {"GET", "/api/v2/filters/statuses/:id", status_show_filter, ROUTE_AUTH_REQUIRED,
     "read:filters"},
    {"DELETE", "/api/v2/filters/statuses/:id", status_destroy, ROUTE_AUTH_REQUIRED,
     "write:filters"},
    {"GET", "/api/v2/filters/:id", show, ROUTE_AUTH_REQUIRED, "read:filters"},
    {"PUT", "/api/v2/filters/:id", update, ROUTE_AUTH_REQUIRED, "write:filters"},
    {"DELETE", "/api/v2/filters/:id", destroy, ROUTE_AUTH_REQUIRED, "write:filters"},
    {"GET", "/api/v2/filters/:id/keywords", keywords_index, ROUTE_AUTH_REQUIRED, "read:filters"},
    {"POST", "/api/v2/filters/:id/keywords", keyword_create, ROUTE_AUTH_REQUIRED, "write:filters"},
    {"GET", "/api/v2/filters/:id/statuses", statuses_index, ROUTE_AUTH_REQUIRED, "read:filters"},
    {"POST", "/api/v2/filters/:id/statuses", status_create_filter, ROUTE_AUTH_REQUIRED,
     "write:filters"},
};
const size_t api_filter_routes_count = sizeof(api_filter_routes) / sizeof(api_filter_routes[0]);
