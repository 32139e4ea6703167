/*
 * web/page_compose: writing posts from the pages (GET /compose, POST
 * /statuses, POST /statuses/ID/edit).
 *
 * The composer is one multipart form: text, content warning, who can see
 * it, sensitivity, one image with its description, or a poll of up to
 * LIMIT_POLL_OPTIONS choices. The post is made by status_create (an edit
 * by status_edit), the same calls as the client API's, so the limits, the
 * rings of replies and the delivery to other servers are core's. A form
 * that cannot be posted comes back filled in, with the reason, and status
 * 422; an image uploaded for a post that was refused is forgotten.
 */
#include <stdlib.h>
#include <string.h>

#include "core/batch.h"
#include "core/core.h"
#include "core/media.h"
#include "core/poll.h"
#include "core/setting.h"
#include "core/status.h"
#include "core/visibility.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/id.h"
#include "util/limits.h"
#include "util/multipart.h"
#include "util/route.h"
#include "web/internal.h"
#include "web/web.h"

#define POLL_DEFAULT_S 86400

/* What the form holds, sent or to show. */
struct draft {
    const char *text;
    const char *spoiler_text;
    const char *media_description;
    enum status_visibility visibility;
    int sensitive;
    int64_t in_reply_to_id;
    const char *options[LIMIT_POLL_OPTIONS];
    int64_t poll_expires_in;
    int poll_multiple;
};

static const struct {
    int64_t seconds;
    const char *label;
} durations[] = {
    {300, "5 minutes"}, {1800, "30 minutes"}, {3600, "1 hour"},   {21600, "6 hours"},
    {86400, "1 day"},   {259200, "3 days"},   {604800, "7 days"},
};

/* How private a level is, for a reply's default: higher is narrower. */
static int narrowness(enum status_visibility v)
{
    switch (v) {
    case VIS_PUBLIC:
        return 0;
    case VIS_UNLISTED:
        return 1;
    case VIS_NEIGHBORHOOD:
        return 2;
    case VIS_LOCAL:
        return 3;
    case VIS_FOLLOWERS:
        return 4;
    case VIS_DIRECT:
        return 5;
    }
    return 0;
}

/* The level her posts start at (her preference). */
static enum status_visibility usual_level(const struct web_ctx *w)
{
    return w->user ? (enum status_visibility)w->user->default_visibility : VIS_PUBLIC;
}

/* Shows the composer with the draft; message (or NULL) says why it came back. */
static void show_form(struct web_ctx *w, int status, const struct draft *d, int64_t edit_id,
                      int has_media, const char *message)
{
    struct req *req = w->req;
    const struct core *core = w->core;
    json_t *data = json_object();
    json_object_set_new(data, "heading",
                        json_string(edit_id             ? "Edit your post"
                                    : d->in_reply_to_id ? "Reply"
                                                        : "New post"));
    json_object_set_new(data, "text_label",
                        json_string(d->in_reply_to_id ? "Your reply" : "What's on your mind?"));
    json_object_set_new(
        data, "action",
        json_string(edit_id ? arena_printf(req->arena, "/statuses/%lld/edit", (long long)edit_id)
                            : "/statuses"));
    json_object_set_new(data, "button", json_string(edit_id ? "Save" : "Post"));
    json_object_set_new(data, "editing", json_boolean(edit_id != 0));
    json_object_set_new(data, "has_media", json_boolean(has_media));
    json_object_set_new(data, "text", json_string(d->text ? d->text : ""));
    json_object_set_new(data, "spoiler_text", json_string(d->spoiler_text ? d->spoiler_text : ""));
    json_object_set_new(data, "media_description",
                        json_string(d->media_description ? d->media_description : ""));
    json_object_set_new(data, "sensitive", json_boolean(d->sensitive));
    json_object_set_new(data, "limit", json_integer(core->max_status_chars));
    json_object_set_new(data, "visibility_label", json_string(web_visibility_label(d->visibility)));
    json_t *vis = web_visibility_options(d->visibility, 1);
    json_object_set_new(data, "visibilities", vis);
    struct db_conn *sc;
    if (db_acquire(core->db, DB_READ, &sc) == 0) {
        json_object_set_new(data, "force_local",
                            json_boolean(setting_get_int(sc, SETTING_FORCE_LOCAL, 0) == 1));
        db_release(sc);
    }
    json_t *opts = json_array();
    for (int i = 0; i < LIMIT_POLL_OPTIONS; i++)
        json_array_append_new(
            opts, json_pack("{s:i, s:s}", "n", i + 1, "value", d->options[i] ? d->options[i] : ""));
    json_object_set_new(data, "poll_options", opts);
    json_t *durs = json_array();
    int64_t want = d->poll_expires_in ? d->poll_expires_in : POLL_DEFAULT_S;
    for (size_t i = 0; i < sizeof(durations) / sizeof(durations[0]); i++)
        json_array_append_new(
            durs, json_pack("{s:I, s:s, s:b}", "value", (json_int_t)durations[i].seconds, "label",
                            durations[i].label, "selected", durations[i].seconds == want));
    json_object_set_new(data, "poll_durations", durs);
    json_object_set_new(data, "poll_multiple", json_boolean(d->poll_multiple));
    if (message)
        json_object_set_new(data, "message", json_string(message));
    if (d->in_reply_to_id) {
        json_object_set_new(
            data, "in_reply_to_id",
            json_string(arena_printf(req->arena, "%lld", (long long)d->in_reply_to_id)));
        struct db_conn *c;
        if (db_acquire(core->db, DB_READ, &c) == 0) {
            json_t *views = web_status_views(w, c, &d->in_reply_to_id, 1);
            db_release(c);
            if (views && json_array_size(views)) {
                json_object_set_new(data, "replying", json_true());
                json_object_set_new(data, "statuses", views);
            } else {
                json_decref(views);
            }
        }
    }
    web_page(w, status, "compose", edit_id ? "Edit your post" : "New post", data);
}

/* "@name " or "@name@domain " for each account, skipping the member herself. */
static void add_mention(struct web_ctx *w, struct db_conn *c, struct buf *out, int64_t id)
{
    if (id == w->me->id)
        return;
    struct account *acc;
    if (account_get(c, w->req->arena, id, &acc) != 0)
        return;
    const char *m = arena_printf(w->req->arena, "@%s ", acc->acct);
    if (!strstr(buf_cstr(out), m))
        buf_append(out, m, strlen(m));
}

/* A reply's starting point: its mentions and its level (no wider than the parent's). */
static int start_reply(struct web_ctx *w, struct draft *d)
{
    struct db_conn *c;
    int rc = db_acquire(w->core->db, DB_READ, &c);
    if (rc)
        return rc;
    struct status *parent = NULL;
    rc = visibility_may_see(c, &w->viewer, d->in_reply_to_id) == 1
             ? status_get(c, w->req->arena, d->in_reply_to_id, &parent)
             : E_NOTFOUND;
    if (rc == 0) {
        struct buf text;
        buf_init(&text, 4096);
        add_mention(w, c, &text, parent->account_id);
        int64_t *ids = NULL;
        size_t n = 0;
        if (status_mentions(c, w->req->arena, parent->id, &ids, &n) == 0)
            for (size_t i = 0; i < n; i++)
                add_mention(w, c, &text, ids[i]);
        d->text = arena_strdup(w->req->arena, buf_cstr(&text));
        buf_fini(&text);
        if (narrowness(parent->visibility) > narrowness(d->visibility))
            d->visibility = parent->visibility;
        d->spoiler_text = parent->spoiler_text;
    }
    db_release(c);
    return rc;
}

/* The member's own post, filled into d for an edit; *has_media when it has images. */
static int start_edit(struct web_ctx *w, int64_t id, struct draft *d, int *has_media)
{
    struct db_conn *c;
    int rc = db_acquire(w->core->db, DB_READ, &c);
    if (rc)
        return rc;
    struct status *st = NULL;
    rc = status_get(c, w->req->arena, id, &st);
    if (rc == 0 && (st->account_id != w->me->id || st->reblog_of_id))
        rc = E_NOTFOUND;
    if (rc == 0) {
        d->text = st->text ? st->text : "";
        d->spoiler_text = st->spoiler_text;
        d->sensitive = st->sensitive;
        d->visibility = st->visibility;
        struct poll *p = NULL;
        if (poll_get_by_status(c, w->req->arena, id, &p) == 0) {
            for (size_t i = 0; i < p->n_options && i < LIMIT_POLL_OPTIONS; i++)
                d->options[i] = p->options[i].title;
            d->poll_multiple = p->multiple;
        }
        int poll = 0;
        if (batch_extras(c, &id, 1, has_media, &poll) != 0)
            *has_media = 0;
    }
    db_release(c);
    return rc;
}

static int compose_page(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    web_begin(req, resp, &w);
    if (web_need_member(&w))
        return 0;
    struct draft d = {.visibility = usual_level(&w),
                      .sensitive = w.user ? w.user->default_sensitive : 0};
    const char *reply = req_arg(req, "in_reply_to");
    const char *edit = req_arg(req, "edit");
    int64_t edit_id = 0;
    int has_media = 0;
    if (edit && *edit) {
        int rc =
            id_from_str(edit, &edit_id) == 0 ? start_edit(&w, edit_id, &d, &has_media) : E_NOTFOUND;
        if (rc)
            return web_fail(&w, rc), 0;
    } else if (reply && *reply) {
        int rc = id_from_str(reply, &d.in_reply_to_id) == 0 ? start_reply(&w, &d) : E_NOTFOUND;
        if (rc)
            return web_fail(&w, rc), 0;
    }
    show_form(&w, 200, &d, edit_id, has_media, NULL);
    return 0;
}

/* Reads the sent form into d; NULL, or the sentence saying what is wrong. */
static const char *read_form(struct web_ctx *w, struct draft *d)
{
    struct req *req = w->req;
    memset(d, 0, sizeof(*d));
    d->text = req_arg(req, "status");
    d->spoiler_text = req_arg(req, "spoiler_text");
    d->media_description = req_arg(req, "media_description");
    d->sensitive = web_form_checked(req, "sensitive");
    d->poll_multiple = web_form_checked(req, "poll_multiple");
    d->visibility = usual_level(w);
    const char *vis = req_arg(req, "visibility");
    const char *problem = NULL;
    if (vis && *vis && visibility_parse(vis, &d->visibility) != 0)
        problem = "Choose who can see the post from the list.";
    const char *reply = req_arg(req, "in_reply_to_id");
    if (reply && *reply && id_from_str(reply, &d->in_reply_to_id) != 0)
        problem = "The post replied to is not one this server knows.";
    const char *expires = req_arg(req, "poll_expires_in");
    if (expires && *expires) {
        char *end;
        long long v = strtoll(expires, &end, 10);
        if (*end || v <= 0)
            problem = "Choose how long the poll lasts from the list.";
        else
            d->poll_expires_in = v;
    }
    size_t n = 0;
    for (size_t i = 0; i < req->n_args; i++) {
        if (strcmp(req->args[i].name, "poll_option"))
            continue;
        if (n == LIMIT_POLL_OPTIONS) {
            problem = "A poll has at most 4 choices.";
            break;
        }
        d->options[n++] = req->args[i].value;
    }
    if (!d->text)
        d->text = "";
    if (d->spoiler_text && !*d->spoiler_text)
        d->spoiler_text = NULL;
    return problem;
}

/* The poll the draft asks for (NULL when no choice is filled in), in request memory. */
static struct poll_new *draft_poll(struct web_ctx *w, const struct draft *d)
{
    size_t filled = 0;
    for (int i = 0; i < LIMIT_POLL_OPTIONS; i++)
        if (d->options[i] && *d->options[i])
            filled++;
    if (!filled)
        return NULL;
    struct poll_new *p = arena_zalloc(w->req->arena, sizeof(*p));
    const char **opts = arena_zalloc(w->req->arena, filled * sizeof(*opts));
    for (int i = 0; i < LIMIT_POLL_OPTIONS; i++)
        if (d->options[i] && *d->options[i])
            opts[p->n_options++] = d->options[i];
    p->options = opts;
    p->expires_in = d->poll_expires_in ? d->poll_expires_in : POLL_DEFAULT_S;
    p->multiple = d->poll_multiple;
    return p;
}

static const char *reason(struct web_ctx *w, int rc, const char *why)
{
    if ((rc == E_INVAL || rc == E_LIMIT) && why)
        return arena_printf(w->req->arena, "The post was not published: %s.", why);
    if (rc == E_NOTFOUND)
        return "The post replied to is gone, or you may not see it.";
    return NULL;
}

static int post_status(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    if (web_begin_form(req, resp, &w))
        return 0;
    if (req->form_error) {
        web_error(&w, 400, "The form could not be read. Please try again.");
        return 0;
    }
    struct draft d;
    const char *problem = read_form(&w, &d);
    struct status_new p = {.text = d.text,
                           .spoiler_text = d.spoiler_text,
                           .sensitive = d.sensitive,
                           .visibility = d.visibility,
                           .in_reply_to_id = d.in_reply_to_id};
    p.poll = draft_poll(&w, &d);
    const struct multipart_part *file = req_file(req, "media");
    if (file && file->len == 0)
        file = NULL; /* the file field left empty */
    if (!problem && file && p.poll)
        problem = "A post can have an image or a poll, not both.";
    if (!problem && p.text && strstr(p.text, ":local_only:") && p.visibility != VIS_DIRECT)
        p.visibility = VIS_LOCAL;
    if (problem) {
        show_form(&w, 422, &d, 0, 0, problem);
        return 0;
    }
    int64_t media_id = 0, id = 0;
    const char *why = NULL;
    int rc = 0;
    if (file) {
        const char *desc = d.media_description && *d.media_description ? d.media_description : NULL;
        rc = media_create(w.core, req->arena, w.me->id, file->data, file->len, desc, NULL,
                          &media_id, &why);
        if (rc == 0) {
            p.media_ids = &media_id;
            p.n_media = 1;
        } else if ((rc == E_INVAL || rc == E_LIMIT) && why) {
            show_form(&w, 422, &d, 0, 0,
                      arena_printf(req->arena, "The image was refused: %s.", why));
            return 0;
        }
    }
    if (rc == 0)
        rc = status_create(w.core, w.me->id, &p, &id, &why);
    if (rc) {
        if (media_id)
            media_delete(w.core, w.me->id, media_id);
        const char *msg = reason(&w, rc, why);
        if (!msg)
            return web_fail(&w, rc), 0;
        show_form(&w, 422, &d, 0, 0, msg);
        return 0;
    }
    web_redirect(&w,
                 arena_printf(req->arena, "%s/%lld", web_account_path(&w, w.me), (long long)id));
    return 0;
}

static int edit_status(struct req *req, struct resp *resp)
{
    struct web_ctx w;
    if (web_begin_form(req, resp, &w))
        return 0;
    int64_t id = 0;
    const char *s = req_param(req, "id");
    if (!s || id_from_str(s, &id) != 0)
        return web_fail(&w, E_NOTFOUND), 0;
    struct draft current = {0};
    int has_media = 0;
    int rc = start_edit(&w, id, &current, &has_media);
    if (rc)
        return web_fail(&w, rc), 0;
    struct draft d;
    const char *problem = read_form(&w, &d);
    d.visibility = current.visibility;
    d.in_reply_to_id = 0;
    struct status_new p = {.text = d.text,
                           .spoiler_text = d.spoiler_text,
                           .sensitive = d.sensitive,
                           .visibility = d.visibility};
    p.poll = has_media ? NULL : draft_poll(&w, &d);
    if (problem) {
        show_form(&w, 422, &d, id, has_media, problem);
        return 0;
    }
    const char *why = NULL;
    rc = status_edit(w.core, w.me->id, id, &p, &why);
    if (rc) {
        const char *msg = reason(&w, rc, why);
        if (!msg)
            return web_fail(&w, rc), 0;
        show_form(&w, 422, &d, id, has_media, msg);
        return 0;
    }
    web_redirect(&w,
                 arena_printf(req->arena, "%s/%lld", web_account_path(&w, w.me), (long long)id));
    return 0;
}

size_t web_body_limit(const struct route *rt)
{
    if (strcmp(rt->method, "POST"))
        return 0;
    if (!strcmp(rt->pattern, "/statuses") || !strcmp(rt->pattern, "/settings/profile"))
        return LIMIT_HTTP_UPLOAD_BYTES;
    return 0;
}

const struct route web_compose_routes[] = {
    {"GET", "/compose", compose_page, ROUTE_AUTH_NONE, NULL},
    {"POST", "/statuses", post_status, ROUTE_AUTH_NONE, NULL},
    {"POST", "/statuses/:id/edit", edit_status, ROUTE_AUTH_NONE, NULL},
};
const size_t web_compose_routes_count = sizeof(web_compose_routes) / sizeof(web_compose_routes[0]);
