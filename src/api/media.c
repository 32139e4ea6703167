/*
 * api/media: uploads (/api/v1/media, /api/v2/media), reading, updating
 * and deleting one's unattached media, the MediaAttachment entity, the
 * avatar and header files of update_credentials, and the stored files
 * themselves (/system/media/<sha256>.<ext>).
 *
 * Images are processed while the request waits, so v2 answers 200 with
 * the url filled in (Mastodon's 202 is for media still processing).
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
#include "util/multipart.h"

static json_t *size_json(struct req *req, int width, int height)
{
    return json_pack("{s:i, s:i, s:s, s:f}", "width", width, "height", height, "size",
                     arena_printf(req->arena, "%dx%d", width, height), "aspect",
                     height ? (double)width / height : 1.0);
}

static json_t *string_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *media_json(struct req *req, const struct media *m)
{
    struct core *core = req->app;
    char id[ID_STR_MAX];
    json_t *meta = json_object();
    json_object_set_new(meta, "original", size_json(req, m->width, m->height));
    json_object_set_new(meta, "small", size_json(req, m->thumb_width, m->thumb_height));
    json_object_set_new(meta, "focus",
                        json_pack("{s:f, s:f}", "x", (double)m->focus_x / MEDIA_FOCUS_SCALE, "y",
                                  (double)m->focus_y / MEDIA_FOCUS_SCALE));
    json_t *j = json_object();
    json_object_set_new(j, "id", json_string(id_to_str(m->id, id)));
    json_object_set_new(j, "type", json_string(m->type));
    if (m->remote_url) {
        /* A remote post's attachment is shown from its origin. */
        json_object_set_new(j, "url", json_string(m->remote_url));
        /* The cached preview, else the poster of a video, else the image itself. */
        const char *preview = m->thumb_hash && *m->thumb_hash
                                  ? media_url(core, req->arena, m->thumb_hash, m->thumb_ext)
                              : m->remote_preview_url         ? m->remote_preview_url
                              : strcmp(m->type, "image") == 0 ? m->remote_url
                                                              : NULL;
        json_object_set_new(j, "preview_url", preview ? json_string(preview) : json_null());
        json_object_set_new(j, "remote_url", json_string(m->remote_url));
    } else {
        json_object_set_new(j, "url",
                            json_string(media_url(core, req->arena, m->file_hash, m->file_ext)));
        json_object_set_new(j, "preview_url",
                            json_string(media_url(core, req->arena, m->thumb_hash, m->thumb_ext)));
        json_object_set_new(j, "remote_url", json_null());
    }
    json_object_set_new(j, "preview_remote_url", string_or_null(m->remote_preview_url));
    json_object_set_new(j, "text_url", json_null());
    json_object_set_new(j, "meta", meta);
    json_object_set_new(j, "description",
                        m->description ? json_string(m->description) : json_null());
    json_object_set_new(j, "blurhash", *m->blurhash ? json_string(m->blurhash) : json_null());
    return j;
}

json_t *api_status_media_json(struct req *req, struct db_conn *c, int64_t status_id)
{
    json_t *arr = json_array();
    struct media *list;
    size_t n = 0;
    if (media_of_status(c, req->arena, status_id, &list, &n) != 0)
        return arr;
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, media_json(req, &list[i]));
    return arr;
}

json_t *api_media_ids_json(struct req *req, struct db_conn *c, const int64_t *ids, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        struct media *m;
        if (media_get(c, req->arena, ids[i], &m) == 0)
            json_array_append_new(arr, media_json(req, m));
    }
    return arr;
}

/* Answers a malformed multipart body; non-zero when it did. */
static int form_failed(struct req *req, struct resp *resp)
{
    req_file(req, ""); /* parses the body once, setting form_error */
    if (!req->form_error)
        return 0;
    if (req->form_error == E_LIMIT)
        api_invalid(req, resp, "the form has too many fields or too long headers");
    else
        resp_error(req, resp, 400, "The multipart/form-data body is malformed");
    return 1;
}

/* Answers with owner's unattached attachment id (after a change). */
static int answer_media(struct req *req, struct resp *resp, int64_t id)
{
    struct core *core = req->app;
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_READ, &c);
    if (rc)
        return api_fail(req, resp, rc);
    struct media *m;
    rc = media_get_own(c, req->arena, api_account_id(req), id, &m);
    db_release(c);
    if (rc)
        return api_fail(req, resp, rc);
    resp_json(req, resp, 200, media_json(req, m));
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

/* POST /api/v1/media and /api/v2/media */
static int media_upload(struct req *req, struct resp *resp)
{
    if (api_require_user(req, resp) || form_failed(req, resp))
        return 0;
    const struct multipart_part *file = req_file(req, "file");
    if (!file) {
        api_invalid(req, resp, "file must be sent as a multipart/form-data file part");
        return 0;
    }
    const char *focus = req_arg(req, "focus");
    int64_t id = 0;
    const char *why = NULL;
    int rc = media_create(req->app, req->arena, api_account_id(req), file->data, file->len,
                          req_arg(req, "description"), focus && *focus ? focus : NULL, &id, &why);
    if (rc)
        return refused(req, resp, rc, why);
    return answer_media(req, resp, id);
}

/* GET /api/v1/media/:id */
static int media_show(struct req *req, struct resp *resp)
{
    if (api_require_user(req, resp))
        return 0;
    return answer_media(req, resp, api_param_id(req, "id"));
}

/* PUT /api/v1/media/:id (description, focus) */
static int media_change(struct req *req, struct resp *resp)
{
    if (api_require_user(req, resp) || form_failed(req, resp))
        return 0;
    if (req->json_error) {
        resp_error(req, resp, 400, "The request body is not valid JSON");
        return 0;
    }
    int64_t id = api_param_id(req, "id");
    const char *focus = req_arg(req, "focus");
    const char *why = NULL;
    int rc = media_update(req->app, api_account_id(req), id, req_arg(req, "description"),
                          focus && *focus ? focus : NULL, &why);
    if (rc)
        return refused(req, resp, rc, why);
    return answer_media(req, resp, id);
}

/* DELETE /api/v1/media/:id: answers the entity it deleted. */
static int media_remove(struct req *req, struct resp *resp)
{
    if (api_require_user(req, resp))
        return 0;
    struct core *core = req->app;
    int64_t id = api_param_id(req, "id");
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_READ, &c);
    if (rc)
        return api_fail(req, resp, rc);
    struct media *m;
    rc = media_get_own(c, req->arena, api_account_id(req), id, &m);
    db_release(c);
    if (rc == 0)
        rc = media_delete(core, api_account_id(req), id);
    if (rc)
        return api_fail(req, resp, rc);
    resp_json(req, resp, 200, media_json(req, m));
    return 0;
}

int api_media_profile_images(struct req *req, struct resp *resp)
{
    static const char *const parts[] = {"avatar", "header"};
    if (form_failed(req, resp))
        return 1;
    for (int i = 0; i < 2; i++) {
        const struct multipart_part *f = req_file(req, parts[i]);
        if (!f)
            continue;
        const char *why = NULL;
        int rc = media_set_profile_image(req->app, req->arena, api_account_id(req), i, f->data,
                                         f->len, &why);
        if (rc) {
            if (why)
                why = arena_printf(req->arena, "%s: %s", parts[i], why);
            refused(req, resp, rc, why);
            return 1;
        }
    }
    return 0;
}

/*
 * GET /system/media/<sha256>.<ext>: the stored bytes, cacheable for good
 * (the server adds X-Content-Type-Options: nosniff to every response).
 */
static int media_file(struct req *req, struct resp *resp)
{
    struct media_file f;
    int rc = media_file_read(req->app, req->arena, req_param(req, "name"), &f);
    if (rc)
        return api_fail(req, resp, rc);
    const char *inm = req_header(req, "If-None-Match");
    if (inm && strstr(inm, f.etag)) {
        resp_body(req, resp, 304, f.content_type, "", 0);
    } else {
        resp->status = 200;
        resp->content_type = f.content_type;
        resp->body = f.data;
        resp->body_len = f.len;
    }
    resp_header_add(req, resp, "Cache-Control", "public, max-age=31536000, immutable");
    resp_header_add(req, resp, "ETag", f.etag);
    return 0;
}

size_t api_body_limit(const struct route *rt)
{
    static const char *const uploads[] = {"/api/v1/media", "/api/v2/media",
                                          "/api/v1/accounts/update_credentials"};
    if (!strcmp(rt->method, "GET"))
        return 0;
    for (size_t i = 0; i < sizeof(uploads) / sizeof(uploads[0]); i++) {
        if (!strcmp(rt->pattern, uploads[i]))
            return LIMIT_HTTP_UPLOAD_BYTES;
    }
    return 0;
}

const struct route api_media_routes[] = {
    {"POST", "/api/v2/media", media_upload, ROUTE_AUTH_REQUIRED, "write:media"},
    {"POST", "/api/v1/media", media_upload, ROUTE_AUTH_REQUIRED, "write:media"},
    {"GET", "/api/v1/media/:id", media_show, ROUTE_AUTH_REQUIRED, "write:media"},
    {"PUT", "/api/v1/media/:id", media_change, ROUTE_AUTH_REQUIRED, "write:media"},
    {"DELETE", "/api/v1/media/:id", media_remove, ROUTE_AUTH_REQUIRED, "write:media"},
    {"GET", "/system/media/:name", media_file, ROUTE_AUTH_NONE, NULL},
};
const size_t api_media_routes_count = sizeof(api_media_routes) / sizeof(api_media_routes[0]);
