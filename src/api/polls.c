/*
 * api/polls: /api/v1/polls/:id and its votes, the Poll entity, and the
 * poll[...] arguments of status creation and edits.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/api.h"
#include "api/internal.h"
#include "core/poll.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"
#include "util/limits.h"
#include "util/timeutil.h"

#define VOTE_CHOICES_MAX 16 /* choices[] accepted in one vote (a poll has at most 4) */

static json_t *poll_json(struct req *req, struct db_conn *c, const struct poll *p)
{
    char buf[TIME_ISO_MAX], idb[ID_STR_MAX];
    int64_t me = api_account_id(req);
    int expired = poll_expired(p, time_now_ms());
    /* Hidden totals stay hidden from everyone but the author until the end. */
    int hidden = poll_totals_hidden(p, me, time_now_ms());
    json_t *options = json_array();
    for (size_t i = 0; i < p->n_options; i++)
        json_array_append_new(
            options, json_pack("{s:s, s:o}", "title", p->options[i].title, "votes_count",
                               hidden ? json_null() : json_integer(p->options[i].votes_count)));
    json_t *j = json_object();
    json_object_set_new(j, "id", json_string(id_to_str(p->id, idb)));
    json_object_set_new(j, "expires_at",
                        p->expires_at ? json_string(time_iso8601(p->expires_at, buf))
                                      : json_null());
    json_object_set_new(j, "expired", json_boolean(expired));
    json_object_set_new(j, "multiple", json_boolean(p->multiple));
    json_object_set_new(j, "votes_count", json_integer(p->votes_count));
    json_object_set_new(j, "voters_count", json_integer(p->voters_count));
    json_object_set_new(j, "options", options);
    json_object_set_new(j, "emojis", json_array());
    if (me) {
        int *mine = NULL;
        size_t n = 0;
        if (poll_own_votes(c, req->arena, p->id, me, &mine, &n) != 0)
            n = 0;
        json_t *own = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(own, json_integer(mine[i]));
        /* The author counts as having voted, as on Mastodon: her poll shows its results. */
        json_object_set_new(j, "voted", json_boolean(n > 0 || me == p->account_id));
        json_object_set_new(j, "own_votes", own);
    }
    return j;
}

json_t *api_status_poll_json(struct req *req, struct db_conn *c, int64_t status_id)
{
    struct poll *p;
    if (poll_get_by_status(c, req->arena, status_id, &p) != 0)
        return NULL;
    struct viewer v = api_viewer(req);
    if (visibility_may_see(c, &v, status_id) != 1)
        return NULL;
    return poll_json(req, c, p);
}

/* Answers the poll as the viewer sees it; 404 when its status is invisible. */
static int answer_poll(struct req *req, struct resp *resp, int64_t id)
{
    struct core *core = req->app;
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_READ, &c);
    if (rc)
        return api_fail(req, resp, rc);
    struct poll *p;
    json_t *j = NULL;
    rc = poll_get(c, req->arena, id, &p);
    if (rc == 0)
        j = api_status_poll_json(req, c, p->status_id);
    db_release(c);
    if (!j)
        return api_fail(req, resp, rc && rc != E_NOTFOUND ? rc : E_NOTFOUND);
    resp_json(req, resp, 200, j);
    return 0;
}

/* GET /api/v1/polls/:id */
static int poll_show(struct req *req, struct resp *resp)
{
    return answer_poll(req, resp, api_param_id(req, "id"));
}

/* Parses one choice (a JSON integer or digits); 0 or -1. */
static int choice_value(const char *s, int *out)
{
    char *end;
    if (!s || !*s)
        return -1;
    long v = strtol(s, &end, 10);
    if (*end || v < 0 || v > 1000)
        return -1;
    *out = (int)v;
    return 0;
}

/* Reads choices[] from a form or choices (or choices[]) from JSON; non-zero when answered. */
static int read_choices(struct req *req, struct resp *resp, int *out, size_t *n)
{
    *n = 0;
    int bad = 0;
    json_t *body = req_json(req);
    json_t *arr = body ? json_object_get(body, "choices") : NULL;
    if (!arr && body)
        arr = json_object_get(body, "choices[]");
    if (arr) {
        json_t *one = json_is_array(arr) ? NULL : arr;
        size_t count = one ? 1 : json_array_size(arr);
        for (size_t i = 0; i < count && !bad; i++) {
            json_t *v = one ? one : json_array_get(arr, i);
            const char *text = json_is_string(v) ? json_string_value(v) : NULL;
            if (json_is_integer(v))
                text = arena_printf(req->arena, "%lld", (long long)json_integer_value(v));
            bad = *n >= VOTE_CHOICES_MAX || choice_value(text, &out[(*n)++]) != 0;
        }
    } else {
        req_arg(req, "choices[]"); /* parses the form */
        for (size_t i = 0; i < req->n_args && !bad; i++) {
            const char *name = req->args[i].name;
            if (strcmp(name, "choices[]") && strcmp(name, "choices"))
                continue;
            bad = *n >= VOTE_CHOICES_MAX || choice_value(req->args[i].value, &out[(*n)++]) != 0;
        }
    }
    if (bad) {
        api_invalid(req, resp, "choices must be the indexes of the options chosen");
        return 1;
    }
    if (*n == 0) {
        resp_error(req, resp, 400, "choices[] is missing: give the indexes of the options chosen");
        return 1;
    }
    return 0;
}

/* POST /api/v1/polls/:id/votes */
static int poll_votes(struct req *req, struct resp *resp)
{
    if (api_require_user(req, resp))
        return 0;
    int choices[VOTE_CHOICES_MAX];
    size_t n;
    if (read_choices(req, resp, choices, &n))
        return 0;
    struct core *core = req->app;
    int64_t id = api_param_id(req, "id");
    const char *why = NULL;
    int rc = poll_vote(core, api_account_id(req), id, choices, n, &why);
    if (rc == E_INVAL && why) {
        api_invalid(req, resp, why);
        return 0;
    }
    if (rc)
        return api_fail(req, resp, rc);
    return answer_poll(req, resp, id);
}

/* A boolean from JSON (true, "true", 1...); def when absent, -1 when not a boolean. */
static int json_bool_of(json_t *v, int def)
{
    if (!v || json_is_null(v))
        return def;
    if (json_is_boolean(v))
        return json_is_true(v);
    if (json_is_integer(v))
        return json_integer_value(v) != 0;
    if (!json_is_string(v))
        return -1;
    const char *s = json_string_value(v);
    if (!strcasecmp(s, "true") || !strcmp(s, "1") || !strcasecmp(s, "on"))
        return 1;
    if (!strcasecmp(s, "false") || !strcmp(s, "0") || !strcasecmp(s, "off") || !*s)
        return 0;
    return -1;
}

static int seconds_of(const char *s, int64_t *out)
{
    char *end;
    if (!s || !*s)
        return -1;
    long long v = strtoll(s, &end, 10);
    if (*end || v < 0)
        return -1;
    *out = v;
    return 0;
}

/* The poll of a JSON body: {"poll": {"options": [...], "expires_in": N, ...}}. */
static int read_json_poll(struct req *req, json_t *pj, struct poll_new *p, const char **why)
{
    json_t *opts = json_object_get(pj, "options");
    if (!opts)
        opts = json_object_get(pj, "options[]");
    size_t n = json_array_size(opts);
    p->options = arena_zalloc(req->arena, (n + 1) * sizeof(*p->options));
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_array_get(opts, i);
        if (!json_is_string(o)) {
            *why = "poll options must be strings";
            return -1;
        }
        p->options[p->n_options++] = json_string_value(o);
    }
    json_t *exp = json_object_get(pj, "expires_in");
    const char *text = json_is_string(exp) ? json_string_value(exp) : NULL;
    if (json_is_integer(exp))
        text = arena_printf(req->arena, "%lld", (long long)json_integer_value(exp));
    if (seconds_of(text, &p->expires_in)) {
        *why = "poll expires_in must be a number of seconds";
        return -1;
    }
    p->multiple = json_bool_of(json_object_get(pj, "multiple"), 0);
    p->hide_totals = json_bool_of(json_object_get(pj, "hide_totals"), 0);
    if (p->multiple < 0 || p->hide_totals < 0) {
        *why = "poll multiple and hide_totals must be booleans";
        return -1;
    }
    return 0;
}

/* The poll of a form: poll[options][], poll[expires_in], poll[multiple], poll[hide_totals]. */
static int read_form_poll(struct req *req, struct poll_new *p, int *present, const char **why)
{
    req_arg(req, "poll[expires_in]"); /* parses the form */
    p->options = arena_zalloc(req->arena, (req->n_args + 1) * sizeof(*p->options));
    for (size_t i = 0; i < req->n_args; i++) {
        const char *name = req->args[i].name;
        /* poll[options][] and the indexed poll[options][0] spelling */
        if (!strncmp(name, "poll[options][", 14))
            p->options[p->n_options++] = req->args[i].value;
        *present |= !strncmp(name, "poll[", 5);
    }
    if (!*present)
        return 0;
    if (seconds_of(req_arg(req, "poll[expires_in]"), &p->expires_in)) {
        *why = "poll expires_in must be a number of seconds";
        return -1;
    }
    p->multiple = api_arg_bool(req, "poll[multiple]", 0);
    p->hide_totals = api_arg_bool(req, "poll[hide_totals]", 0);
    if (p->multiple < 0 || p->hide_totals < 0) {
        *why = "poll multiple and hide_totals must be booleans";
        return -1;
    }
    return 0;
}

int api_read_poll(struct req *req, struct resp *resp, const struct poll_new **out)
{
    *out = NULL;
    struct poll_new *p = arena_zalloc(req->arena, sizeof(*p));
    const char *why = NULL;
    int present = 0, rc;
    json_t *body = req_json(req);
    json_t *pj = body ? json_object_get(body, "poll") : NULL;
    if (json_is_object(pj)) {
        present = 1;
        rc = read_json_poll(req, pj, p, &why);
    } else {
        rc = read_form_poll(req, p, &present, &why);
    }
    if (rc) {
        api_invalid(req, resp, why);
        return 1;
    }
    if (present)
        *out = p;
    return 0;
}

const struct route api_poll_routes[] = {
    {"GET", "/api/v1/polls/:id", poll_show, ROUTE_AUTH_OPTIONAL, NULL},
    {"POST", "/api/v1/polls/:id/votes", poll_votes, ROUTE_AUTH_REQUIRED, "write:statuses"},
};
const size_t api_poll_routes_count = sizeof(api_poll_routes) / sizeof(api_poll_routes[0]);
