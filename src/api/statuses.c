/*
 * api/statuses: /api/v1/statuses (post, read, delete, edit, history,
 * source, context, boost, favourite, bookmark), the timelines, and
 * notifications.
 */
#include <string.h>

#include "api/api.h"
#include "api/internal.h"
#include "core/media.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"
#include "util/limits.h"
#include "util/timeutil.h"

int api_status_answer(struct req *req, struct resp *resp, int64_t id)
{
    struct core *core = req->app;
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_SNAPSHOT, &c);
    if (rc)
        return api_fail(req, resp, rc);
    json_t *j = api_status_json(req, c, id);
    db_release(c);
    if (!j)
        return api_fail(req, resp, E_NOTFOUND);
    resp_json(req, resp, 200, j);
    return 0;
}

/*
 * media_ids (a JSON array) or media_ids[] (form fields), in order. Whose
 * they are is checked when the status is created; non-zero (422 answered)
 * for a value that is not an id.
 */
static int read_media_ids(struct req *req, struct resp *resp, struct status_new *p)
{
    /* One more than allowed is kept, so that the core refuses too many by name. */
    int64_t *ids = arena_alloc(req->arena, (LIMIT_MEDIA_PER_STATUS + 1) * sizeof(*ids));
    size_t n = 0;
    int bad = 0;
    json_t *body = req_json(req);
    json_t *arr = body ? json_object_get(body, "media_ids") : NULL;
    if (arr) {
        size_t i;
        json_t *v;
        p->media_given = 1;
        bad = !json_is_array(arr);
        json_array_foreach(arr, i, v)
        {
            int64_t id = 0;
            if (json_is_integer(v))
                id = json_integer_value(v);
            else if (!json_is_string(v) || id_from_str(json_string_value(v), &id) != 0)
                bad = 1;
            if (n <= LIMIT_MEDIA_PER_STATUS)
                ids[n++] = id;
        }
    } else {
        req_arg(req, "media_ids[]");
        for (size_t i = 0; i < req->n_args; i++) {
            int64_t id = 0;
            if (strcmp(req->args[i].name, "media_ids[]") && strcmp(req->args[i].name, "media_ids"))
                continue;
            p->media_given = 1; /* an empty one too: it clears the list in an edit */
            if (!*req->args[i].value)
                continue;
            if (id_from_str(req->args[i].value, &id) != 0)
                bad = 1;
            if (n <= LIMIT_MEDIA_PER_STATUS)
                ids[n++] = id;
        }
    }
    if (bad) {
        api_invalid(req, resp, "media_ids must be a list of media attachment ids");
        return 1;
    }
    p->media_ids = ids;
    p->n_media = n;
    return 0;
}

/* One media_attributes entry's description and focus into m; non-zero when malformed. */
static int media_attr_set(struct media_attr *m, const char *description, const char *focus)
{
    if (description)
        m->description = description;
    if (focus) {
        if (media_parse_focus(focus, &m->focus_x, &m->focus_y) != 0)
            return 1;
        m->set_focus = 1;
    }
    return 0;
}

/*
 * An edit's media_attributes: a JSON array of {id, description, focus},
 * or form fields media_attributes[][id], [description], [focus] (each id
 * starts an entry). Non-zero (422 answered) when malformed.
 */
static int read_media_attrs(struct req *req, struct resp *resp, struct status_new *p)
{
    struct media_attr *list = arena_zalloc(req->arena, LIMIT_MEDIA_PER_STATUS * sizeof(*list));
    size_t n = 0;
    int bad = 0;
    json_t *body = req_json(req);
    json_t *arr = body ? json_object_get(body, "media_attributes") : NULL;
    if (arr) {
        size_t i;
        json_t *v;
        bad = !json_is_array(arr) || json_array_size(arr) > LIMIT_MEDIA_PER_STATUS;
        json_array_foreach(arr, i, v)
        {
            if (bad || !json_is_object(v)) {
                bad = 1;
                break;
            }
            json_t *jid = json_object_get(v, "id"), *d = json_object_get(v, "description"),
                   *f = json_object_get(v, "focus");
            struct media_attr *m = &list[n++];
            if (json_is_integer(jid))
                m->id = json_integer_value(jid);
            else if (!json_is_string(jid) || id_from_str(json_string_value(jid), &m->id) != 0)
                bad = 1;
            if ((d && !json_is_string(d) && !json_is_null(d)) || (f && !json_is_string(f)) ||
                media_attr_set(m,
                               json_is_string(d) ? json_string_value(d)
                               : d               ? ""
                                                 : NULL,
                               json_is_string(f) ? json_string_value(f) : NULL))
                bad = 1;
        }
    } else {
        req_arg(req, "media_attributes[][id]");
        for (size_t i = 0; !bad && i < req->n_args; i++) {
            const char *name = req->args[i].name, *value = req->args[i].value;
            if (strncmp(name, "media_attributes[][", 19))
                continue;
            name += 19;
            if (!strcmp(name, "id]")) {
                if (n == LIMIT_MEDIA_PER_STATUS || id_from_str(value, &list[n].id) != 0)
                    bad = 1;
                else
                    n++;
            } else if (!n) {
                bad = 1; /* a description or focus before any id */
            } else if (!strcmp(name, "description]")) {
                bad = media_attr_set(&list[n - 1], value, NULL);
            } else if (!strcmp(name, "focus]")) {
                bad = media_attr_set(&list[n - 1], NULL, value);
            }
        }
    }
    if (bad) {
        api_invalid(req, resp,
                    "media_attributes must be at most 4 entries of an id, a description and a"
                    " focus \"x,y\" from -1.0 to 1.0");
        return 1;
    }
    p->media_attrs = list;
    p->n_media_attrs = n;
    return 0;
}

/* Reads the fields of a new or edited post; non-zero (422 answered) when malformed. */
/* The level a member's post gets when the app names none: her default, as Mastodon does. */
static enum status_visibility member_default_visibility(struct req *req)
{
    struct core *core = req->app;
    enum status_visibility v = VIS_PUBLIC;
    struct db_conn *c;
    if (db_acquire(core->db, DB_READ, &c) != 0)
        return v;
    struct user *u;
    if (user_get(c, req->arena, api_account_id(req), &u) == 0 && u->default_visibility >= 0 &&
        u->default_visibility <= VIS_NEIGHBORHOOD && u->default_visibility != VIS_DIRECT)
        v = (enum status_visibility)u->default_visibility;
    db_release(c);
    return v;
}

static int read_post(struct req *req, struct resp *resp, struct status_new *p, int creating)
{
    memset(p, 0, sizeof(*p));
    if (req->json_error || (!req_json(req) && req->json_error)) {
        resp_error(req, resp, 400, "The request body is not valid JSON");
        return 1;
    }
    p->text = req_arg(req, "status");
    p->spoiler_text = req_arg(req, "spoiler_text");
    const char *lang = req_arg(req, "language");
    p->language = lang && *lang ? lang : NULL;
    int sensitive = api_arg_bool(req, "sensitive", 0);
    if (sensitive < 0) {
        api_invalid(req, resp, "sensitive must be a boolean");
        return 1;
    }
    p->sensitive = sensitive;
    if (api_read_poll(req, resp, &p->poll))
        return 1;
    if (!creating)
        return read_media_ids(req, resp, p) || read_media_attrs(req, resp, p);
    /* Hometown and glitch-soc send local_only; Akkoma sends visibility=local. */
    const char *vis = req_arg(req, "visibility");
    p->visibility = member_default_visibility(req);
    if (vis && *vis && visibility_parse(vis, &p->visibility) != 0) {
        api_invalid(req, resp,
                    "visibility must be public, unlisted, private, direct, local or"
                    " neighborhood");
        return 1;
    }
    int local_only = api_arg_bool(req, "local_only", 0);
    if (local_only < 0) {
        api_invalid(req, resp, "local_only must be a boolean");
        return 1;
    }
    if (local_only == 1 && p->visibility != VIS_DIRECT)
        p->visibility = VIS_LOCAL;
    if (p->text && strstr(p->text, ":local_only:") && p->visibility != VIS_DIRECT)
        p->visibility = VIS_LOCAL;
    const char *reply = req_arg(req, "in_reply_to_id");
    if (reply && *reply && id_from_str(reply, &p->in_reply_to_id) != 0) {
        api_invalid(req, resp, "in_reply_to_id must be an id");
        return 1;
    }
    return read_media_ids(req, resp, p);
}

static void post_failed(struct req *req, struct resp *resp, int rc, const char *why)
{
    if ((rc == E_INVAL || rc == E_LIMIT) && why) {
        api_invalid(req, resp, why);
        return;
    }
    api_fail(req, resp, rc);
}

/* POST /api/v1/statuses */
static int status_post(struct req *req, struct resp *resp)
{
    if (api_require_user(req, resp))
        return 0;
    struct status_new p;
    if (read_post(req, resp, &p, 1))
        return 0;
    if (p.poll && p.n_media) {
        api_invalid(req, resp, "media and a poll cannot be attached to one post");
        return 0;
    }
    const char *key = req_header(req, "Idempotency-Key");
    p.idempotency = key && *key ? key : NULL;
    const char *when = req_arg(req, "scheduled_at");
    int64_t at = 0;
    if (when && *when && time_parse_iso8601(when, &at) != 0) {
        api_invalid(req, resp, "scheduled_at must be a date and time (ISO 8601)");
        return 0;
    }
    /* A time already past posts at once, as Mastodon does. */
    if (when && *when && at > time_now_ms())
        return api_status_schedule(req, resp, &p, at);
    int64_t id = 0;
    const char *why = NULL;
    struct core *core = req->app;
    int rc = status_create(core, api_account_id(req), &p, &id, &why);
    if (rc) {
        post_failed(req, resp, rc, why);
        return 0;
    }
    return api_status_answer(req, resp, id);
}

/* GET /api/v1/statuses/:id */
static int status_show(struct req *req, struct resp *resp)
{
    return api_status_answer(req, resp, api_param_id(req, "id"));
}

/* DELETE /api/v1/statuses/:id: answers the deleted status with its source text. */
static int status_remove(struct req *req, struct resp *resp)
{
    if (api_require_user(req, resp))
        return 0;
    struct core *core = req->app;
    int64_t id = api_param_id(req, "id");
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_READ, &c);
    if (rc)
        return api_fail(req, resp, rc);
    json_t *j = api_status_json(req, c, id);
    struct status *st = NULL;
    if (j && status_get(c, req->arena, id, &st) == 0 && st->text)
        json_object_set_new(j, "text", json_string(st->text));
    db_release(c);
    if (!j)
        return api_fail(req, resp, E_NOTFOUND);
    rc = status_delete(core, api_account_id(req), id);
    if (rc) {
        json_decref(j);
        return api_fail(req, resp, rc);
    }
    resp_json(req, resp, 200, j);
    return 0;
}

/* PUT /api/v1/statuses/:id */
static int status_update(struct req *req, struct resp *resp)
{
    if (api_require_user(req, resp))
        return 0;
    struct status_new p;
    if (read_post(req, resp, &p, 0))
        return 0;
    int64_t id = api_param_id(req, "id");
    const char *why = NULL;
    struct core *core = req->app;
    int rc = status_edit(core, api_account_id(req), id, &p, &why);
    if (rc) {
        post_failed(req, resp, rc, why);
        return 0;
    }
    return api_status_answer(req, resp, id);
}

/* GET /api/v1/statuses/:id/history */
static int status_history_show(struct req *req, struct resp *resp)
{
    struct core *core = req->app;
    int64_t id = api_param_id(req, "id");
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_SNAPSHOT, &c);
    if (rc)
        return api_fail(req, resp, rc);
    json_t *cur = api_status_json(req, c, id);
    struct status_version *v = NULL;
    size_t n = 0;
    if (cur)
        rc = status_history(c, req->arena, id, &v, &n);
    if (!cur || rc) {
        db_release(c);
        json_decref(cur);
        return api_fail(req, resp, rc ? rc : E_NOTFOUND);
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        char when[TIME_ISO_MAX];
        json_t *e = json_object();
        json_object_set_new(e, "content", json_string(v[i].content));
        json_object_set_new(e, "spoiler_text",
                            json_string(v[i].spoiler_text ? v[i].spoiler_text : ""));
        json_object_set_new(e, "sensitive", json_boolean(v[i].sensitive));
        json_object_set_new(e, "created_at", json_string(time_iso8601(v[i].created_at, when)));
        json_object_set(e, "account", json_object_get(cur, "account"));
        json_object_set_new(e, "poll", json_null());
        json_object_set_new(e, "media_attachments",
                            api_media_ids_json(req, c, v[i].media_ids, v[i].n_media));
        json_object_set_new(e, "emojis", json_array());
        json_array_append_new(arr, e);
    }
    db_release(c);
    json_decref(cur);
    resp_json(req, resp, 200, arr);
    return 0;
}

/* GET /api/v1/statuses/:id/source */
static int status_source(struct req *req, struct resp *resp)
{
    if (api_require_user(req, resp))
        return 0;
    struct core *core = req->app;
    int64_t id = api_param_id(req, "id");
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_READ, &c);
    if (rc)
        return api_fail(req, resp, rc);
    struct status *st = NULL;
    rc = status_get(c, req->arena, id, &st);
    db_release(c);
    if (rc || st->account_id != api_account_id(req))
        return api_fail(req, resp, E_NOTFOUND);
    resp_json(req, resp, 200,
              json_pack("{s:s, s:s, s:s}", "id", req_param(req, "id"), "text",
                        st->text ? st->text : "", "spoiler_text",
                        st->spoiler_text ? st->spoiler_text : ""));
    return 0;
}

/* GET /api/v1/statuses/:id/context */
static int status_context_show(struct req *req, struct resp *resp)
{
    req->filter_context = "thread";
    struct core *core = req->app;
    int64_t id = api_param_id(req, "id");
    struct viewer v = api_viewer(req);
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_SNAPSHOT, &c);
    if (rc)
        return api_fail(req, resp, rc);
    int64_t *anc, *desc;
    size_t na = 0, nd = 0;
    rc = status_context(c, req->arena, &v, id, &anc, &na, &desc, &nd);
    json_t *j = NULL;
    if (rc == 0)
        j = json_pack("{s:o, s:o}", "ancestors", api_statuses_json(req, c, anc, na), "descendants",
                      api_statuses_json(req, c, desc, nd));
    db_release(c);
    if (!j)
        return api_fail(req, resp, rc ? rc : E_NOTFOUND);
    resp_json(req, resp, 200, j);
    return 0;
}

typedef int (*act_fn)(const struct core *core, int64_t actor, int64_t id);

static int act(struct req *req, struct resp *resp, act_fn fn)
{
    if (api_require_user(req, resp))
        return 0;
    struct core *core = req->app;
    int64_t id = api_param_id(req, "id");
    int rc = fn(core, api_account_id(req), id);
    if (rc)
        return api_fail(req, resp, rc);
    return api_status_answer(req, resp, id);
}

static int favourite(struct req *req, struct resp *resp)
{
    return act(req, resp, status_favourite);
}

static int unfavourite(struct req *req, struct resp *resp)
{
    return act(req, resp, status_unfavourite);
}

static int bookmark(struct req *req, struct resp *resp)
{
    return act(req, resp, status_bookmark);
}

static int unbookmark(struct req *req, struct resp *resp)
{
    return act(req, resp, status_unbookmark);
}

static int unreblog(struct req *req, struct resp *resp)
{
    return act(req, resp, status_unreblog);
}

/* POST /api/v1/statuses/:id/reblog: answers the boost, the original inside. */
static int reblog(struct req *req, struct resp *resp)
{
    if (api_require_user(req, resp))
        return 0;
    struct core *core = req->app;
    int64_t rid = 0;
    int rc = status_reblog(core, api_account_id(req), api_param_id(req, "id"), &rid);
    if (rc == E_FORBIDDEN) {
        api_invalid(req, resp, "this post cannot be boosted");
        return 0;
    }
    if (rc)
        return api_fail(req, resp, rc);
    return api_status_answer(req, resp, rid);
}

static int timeline_answer(struct req *req, struct resp *resp, int rc, struct db_conn *c,
                           const int64_t *ids, size_t n)
{
    if (rc) {
        db_release(c);
        return api_fail(req, resp, rc);
    }
    json_t *arr = api_statuses_json(req, c, ids, n);
    db_release(c);
    api_link_header(req, resp, ids, n);
    resp_json(req, resp, 200, arr);
    return 0;
}

/* GET /api/v1/timelines/home */
static int home(struct req *req, struct resp *resp)
{
    req->filter_context = "home";
    if (api_require_user(req, resp))
        return 0;
    struct core *core = req->app;
    struct page p;
    if (api_page(req, resp, &p))
        return 0;
    struct viewer v = api_viewer(req);
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_SNAPSHOT, &c);
    if (rc)
        return api_fail(req, resp, rc);
    int64_t *ids = NULL;
    size_t n = 0;
    rc = timeline_home(c, req->arena, &v, &p, &ids, &n);
    return timeline_answer(req, resp, rc, c, ids, n);
}

static int read_filter(struct req *req, struct resp *resp, struct timeline_filter *f)
{
    memset(f, 0, sizeof(*f));
    int local = api_arg_bool(req, "local", 0), remote = api_arg_bool(req, "remote", 0);
    int media = api_arg_bool(req, "only_media", 0);
    if (local < 0 || remote < 0 || media < 0) {
        api_invalid(req, resp, "local, remote and only_media must be booleans");
        return 1;
    }
    f->local_only = local;
    f->remote_only = remote;
    f->only_media = media;
    return 0;
}

/* A public timeline of core/timeline (public or neighborhood) with the API's filter. */
static int filtered_timeline(struct req *req, struct resp *resp,
                             int (*list)(struct db_conn *, struct arena *, const struct viewer *,
                                         const struct timeline_filter *, const struct page *,
                                         int64_t **, size_t *))
{
    req->filter_context = "public";
    struct core *core = req->app;
    struct page p;
    struct timeline_filter f;
    if (api_page(req, resp, &p) || read_filter(req, resp, &f))
        return 0;
    struct viewer v = api_viewer(req);
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_SNAPSHOT, &c);
    if (rc)
        return api_fail(req, resp, rc);
    int64_t *ids = NULL;
    size_t n = 0;
    rc = list(c, req->arena, &v, &f, &p, &ids, &n);
    return timeline_answer(req, resp, rc, c, ids, n);
}

/* GET /api/v1/timelines/public */
static int public_timeline(struct req *req, struct resp *resp)
{
    return filtered_timeline(req, resp, timeline_public);
}

/*
 * GET /api/v1/timelines/neighborhood (a Hearth extension): public and
 * neighborhood posts from here and from the neighborhood's servers, as
 * the viewer may see them (core/timeline.h).
 */
static int neighborhood_timeline(struct req *req, struct resp *resp)
{
    return filtered_timeline(req, resp, timeline_neighborhood);
}

/* GET /api/v1/timelines/tag/:hashtag */
static int tag_timeline(struct req *req, struct resp *resp)
{
    req->filter_context = "public";
    struct core *core = req->app;
    struct page p;
    struct timeline_filter f;
    struct timeline_tags more;
    if (api_page(req, resp, &p) || read_filter(req, resp, &f) ||
        api_arg_strings(req, resp, "any", more.any, TIMELINE_TAGS_MAX, &more.n_any) ||
        api_arg_strings(req, resp, "all", more.all, TIMELINE_TAGS_MAX, &more.n_all) ||
        api_arg_strings(req, resp, "none", more.none, TIMELINE_TAGS_MAX, &more.n_none))
        return 0;
    struct viewer v = api_viewer(req);
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_SNAPSHOT, &c);
    if (rc)
        return api_fail(req, resp, rc);
    int64_t *ids = NULL;
    size_t n = 0;
    rc = timeline_tag(c, req->arena, &v, req_param(req, "hashtag"), &more, &f, &p, &ids, &n);
    return timeline_answer(req, resp, rc, c, ids, n);
}

/* GET /api/v1/notifications */
static int notifications(struct req *req, struct resp *resp)
{
    req->filter_context = "notifications";
    if (api_require_user(req, resp))
        return 0;
    struct core *core = req->app;
    struct page p;
    if (api_page(req, resp, &p))
        return 0;
    struct notification_query q = {p.max_id, p.since_id, p.min_id, p.limit, 0};
    req_arg(req, "types[]");
    unsigned exclude = 0;
    for (size_t i = 0; i < req->n_args; i++) {
        enum notification_type t;
        int is_type = !strcmp(req->args[i].name, "types[]");
        int is_ex = !strcmp(req->args[i].name, "exclude_types[]");
        if ((is_type || is_ex) && notification_type_parse(req->args[i].value, &t) == 0) {
            if (is_type)
                q.types |= 1u << t;
            else
                exclude |= 1u << t;
        }
    }
    if (exclude)
        q.types = (q.types ? q.types : (1u << NOTIFY_TYPE_COUNT) - 1) & ~exclude;
    if (exclude && !q.types)
        q.types = 1u << NOTIFY_TYPE_COUNT; /* everything excluded: matches nothing */
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_SNAPSHOT, &c);
    if (rc)
        return api_fail(req, resp, rc);
    struct notification *list;
    size_t n = 0;
    rc = notification_list(c, req->arena, api_account_id(req), &q, &list, &n);
    json_t *arr = json_array();
    int64_t *ids = arena_alloc(req->arena, (n + 1) * sizeof(*ids));
    for (size_t i = 0; rc == 0 && i < n; i++) {
        ids[i] = list[i].id;
        json_t *j = api_notification_json(req, c, &list[i]);
        if (j)
            json_array_append_new(arr, j);
    }
    db_release(c);
    if (rc) {
        json_decref(arr);
        return api_fail(req, resp, rc);
    }
    api_link_header(req, resp, ids, n);
    resp_json(req, resp, 200, arr);
    return 0;
}

/* POST /api/v1/notifications/clear and /:id/dismiss */
static int notifications_clear(struct req *req, struct resp *resp)
{
    if (api_require_user(req, resp))
        return 0;
    struct core *core = req->app;
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_WRITE, &c);
    if (rc)
        return api_fail(req, resp, rc);
    rc = notification_clear(c, api_account_id(req));
    db_release(c);
    if (rc)
        return api_fail(req, resp, rc);
    resp_json(req, resp, 200, json_object());
    return 0;
}

static int notification_dismiss_one(struct req *req, struct resp *resp)
{
    if (api_require_user(req, resp))
        return 0;
    struct core *core = req->app;
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_WRITE, &c);
    if (rc)
        return api_fail(req, resp, rc);
    rc = notification_dismiss(c, api_account_id(req), api_param_id(req, "id"));
    db_release(c);
    if (rc)
        return api_fail(req, resp, rc);
    resp_json(req, resp, 200, json_object());
    return 0;
}

const struct route api_status_routes[] = {
    {"POST", "/api/v1/statuses", status_post, ROUTE_AUTH_REQUIRED, "write:statuses"},
    {"GET", "/api/v1/statuses/:id", status_show, ROUTE_AUTH_OPTIONAL, NULL},
    {"DELETE", "/api/v1/statuses/:id", status_remove, ROUTE_AUTH_REQUIRED, "write:statuses"},
    {"PUT", "/api/v1/statuses/:id", status_update, ROUTE_AUTH_REQUIRED, "write:statuses"},
    {"GET", "/api/v1/statuses/:id/history", status_history_show, ROUTE_AUTH_OPTIONAL, NULL},
    {"GET", "/api/v1/statuses/:id/source", status_source, ROUTE_AUTH_REQUIRED, "read:statuses"},
    {"GET", "/api/v1/statuses/:id/context", status_context_show, ROUTE_AUTH_OPTIONAL, NULL},
    {"POST", "/api/v1/statuses/:id/favourite", favourite, ROUTE_AUTH_REQUIRED, "write:favourites"},
    {"POST", "/api/v1/statuses/:id/unfavourite", unfavourite, ROUTE_AUTH_REQUIRED,
     "write:favourites"},
    {"POST", "/api/v1/statuses/:id/bookmark", bookmark, ROUTE_AUTH_REQUIRED, "write:bookmarks"},
    {"POST", "/api/v1/statuses/:id/unbookmark", unbookmark, ROUTE_AUTH_REQUIRED, "write:bookmarks"},
    {"POST", "/api/v1/statuses/:id/reblog", reblog, ROUTE_AUTH_REQUIRED, "write:statuses"},
    {"POST", "/api/v1/statuses/:id/unreblog", unreblog, ROUTE_AUTH_REQUIRED, "write:statuses"},
    {"GET", "/api/v1/timelines/home", home, ROUTE_AUTH_REQUIRED, "read:statuses"},
    {"GET", "/api/v1/timelines/public", public_timeline, ROUTE_AUTH_OPTIONAL, NULL},
    {"GET", "/api/v1/timelines/neighborhood", neighborhood_timeline, ROUTE_AUTH_OPTIONAL, NULL},
    {"GET", "/api/v1/timelines/tag/:hashtag", tag_timeline, ROUTE_AUTH_OPTIONAL, NULL},
    {"GET", "/api/v1/notifications", notifications, ROUTE_AUTH_REQUIRED, "read:notifications"},
    {"POST", "/api/v1/notifications/clear", notifications_clear, ROUTE_AUTH_REQUIRED,
     "write:notifications"},
    {"POST", "/api/v1/notifications/:id/dismiss", notification_dismiss_one, ROUTE_AUTH_REQUIRED,
     "write:notifications"},
};
const size_t api_status_routes_count = sizeof(api_status_routes) / sizeof(api_status_routes[0]);
