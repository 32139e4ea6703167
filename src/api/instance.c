/*
 * api/instance: what the server says about itself: instance v1 and v2,
 * rules, peers, activity, custom emojis, NodeInfo and host-meta.
 */
#include <string.h>

#include "api/api.h"
#include "api/internal.h"
#include "core/join.h"
#include "core/neighborhood.h"
#include "core/poll.h"
#include "core/rule.h"
#include "core/setting.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/limits.h"
#include "util/timeutil.h"

static int64_t scalar(struct db_conn *c, const char *sql)
{
    struct db_stmt *s;
    int64_t n = 0;
    if (db_prepare(c, sql, &s) != 0)
        return 0;
    if (db_step(s) == DB_ROW)
        n = db_col_i64(s, 0);
    db_stmt_done(s);
    return n;
}

static const char *str_or(const char *s)
{
    return s ? s : "";
}

static const char *version_string(struct arena *a)
{
    /* Clients parse the leading X.Y.Z (Mastodon.py refuses older than 2.4.1). */
    return arena_printf(a, "%s (compatible; Hearth %s)", API_MASTODON_VERSION, API_HEARTH_VERSION);
}

static json_t *contact_account(struct req *req, struct db_conn *c)
{
    int64_t id = scalar(c, "SELECT account_id FROM users WHERE role >= 2 ORDER BY role DESC,"
                           " account_id LIMIT 1");
    json_t *j = id ? api_account_json_id(req, c, id) : NULL;
    return j ? j : json_null();
}

/* The Rule entities, in order. */
static json_t *rules_json(struct req *req, struct db_conn *c)
{
    json_t *arr = json_array();
    struct rule *v;
    size_t n = 0;
    if (rule_list(c, req->arena, &v, &n) != 0)
        return arr;
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, json_pack("{s:s, s:s, s:s}", "id",
                                             arena_printf(req->arena, "%lld", (long long)v[i].id),
                                             "text", v[i].text, "hint", v[i].hint));
    return arr;
}

/* What the registration mode says to apps: enabled, approval_required, message. */
static void registrations(struct req *req, struct db_conn *c, int *enabled, int *approval,
                          const char **message)
{
    enum join_mode m = join_mode(c, req->app);
    *enabled = m == JOIN_OPEN || m == JOIN_APPROVAL;
    *approval = m == JOIN_APPROVAL;
    *message = m == JOIN_INVITE   ? "<p>This server accepts new members by invitation only.</p>"
               : m == JOIN_CLOSED ? "<p>Registrations are closed on this server.</p>"
                                  : NULL;
}

static json_t *stats(struct db_conn *c)
{
    return json_pack(
        "{s:I, s:I, s:I}", "user_count",
        (json_int_t)scalar(c, "SELECT count(*) FROM users WHERE disabled = 0"), "status_count",
        (json_int_t)scalar(c, "SELECT count(*) FROM statuses WHERE local = 1 AND deleted_at IS"
                              " NULL AND visibility IN (0, 1)"),
        "domain_count",
        (json_int_t)scalar(c, "SELECT count(DISTINCT domain) FROM accounts WHERE domain IS NOT"
                              " NULL"));
}

static json_t *config_statuses(const struct core *core)
{
    return json_pack("{s:i, s:i, s:i}", "max_characters", core->max_status_chars,
                     "max_media_attachments", LIMIT_MEDIA_PER_STATUS, "characters_reserved_per_url",
                     LIMIT_URL_CHARS);
}

static json_t *config_polls(const struct core *core)
{
    return json_pack("{s:i, s:i, s:i, s:i}", "max_options", LIMIT_POLL_OPTIONS,
                     "max_characters_per_option", LIMIT_POLL_OPTION_CHARS, "min_expiration",
                     poll_min_seconds(core), "max_expiration", LIMIT_POLL_EXPIRY_MAX_S);
}

static json_t *config_media(void)
{
    /* Images only: the video limits are 0 so that apps do not offer videos. */
    return json_pack("{s:[s,s,s,s], s:i, s:i, s:i, s:i, s:i, s:i}", "supported_mime_types",
                     "image/jpeg", "image/png", "image/webp", "image/gif", "image_size_limit",
                     LIMIT_MEDIA_IMAGE_BYTES, "image_matrix_limit", LIMIT_MEDIA_IMAGE_PIXELS,
                     "video_size_limit", 0, "video_frame_rate_limit", 0, "video_matrix_limit", 0,
                     "description_limit", LIMIT_MEDIA_DESCRIPTION_CHARS);
}

/* GET /api/v1/instance */
/*
 * Hearth's extension of the instance entities and of NodeInfo's metadata:
 * the posting levels beyond Mastodon's and the neighborhood's servers
 * (core/neighborhood.h), so that peers and clients can see them.
 */
static json_t *hearth_extension(struct arena *a, struct db_conn *c)
{
    json_t *servers = json_array();
    struct neighbor *v = NULL;
    size_t n = 0;
    if (neighborhood_list(c, a, &v, &n) == 0)
        for (size_t i = 0; i < n; i++)
            json_array_append_new(servers, json_string(v[i].domain));
    return json_pack("{s:[s, s, s, s, s, s], s:o}", "visibility_levels", "public", "unlisted",
                     "private", "direct", "local", "neighborhood", "neighborhood", servers);
}

static int instance_v1(struct req *req, struct resp *resp)
{
    struct core *core = req->app;
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_READ, &c);
    if (rc)
        return api_fail(req, resp, rc);
    struct arena *a = req->arena;
    const char *ws = core->base_url;
    ws = !strncmp(ws, "https://", 8) ? arena_printf(a, "wss://%s", ws + 8)
                                     : arena_printf(a, "ws://%s", ws + 7);
    json_t *j = json_object();
    json_object_set_new(j, "uri", json_string(core->domain));
    json_object_set_new(j, "title", json_string(core->title ? core->title : "Hearth"));
    json_object_set_new(j, "short_description", json_string(str_or(core->description)));
    json_object_set_new(j, "description", json_string(str_or(core->description)));
    json_object_set_new(j, "email", json_string(join_text(c, a, core, "site_contact_email")));
    json_object_set_new(j, "version", json_string(version_string(a)));
    json_object_set_new(j, "urls", json_pack("{s:s}", "streaming_api", ws));
    json_object_set_new(j, "stats", stats(c));
    json_object_set_new(j, "thumbnail", json_null());
    json_object_set_new(j, "languages", json_pack("[s]", "en"));
    int enabled, approval;
    const char *message;
    registrations(req, c, &enabled, &approval, &message);
    json_object_set_new(j, "registrations", json_boolean(enabled));
    json_object_set_new(j, "approval_required", json_boolean(approval));
    json_object_set_new(j, "invites_enabled",
                        json_boolean(setting_get_int(c, "members_may_invite", 0) == 1));
    json_object_set_new(j, "configuration",
                        json_pack("{s:{s:i}, s:o, s:o, s:o}", "accounts", "max_featured_tags", 10,
                                  "statuses", config_statuses(core), "media_attachments",
                                  config_media(), "polls", config_polls(core)));
    json_object_set_new(j, "contact_account", contact_account(req, c));
    json_object_set_new(j, "rules", rules_json(req, c));
    json_object_set_new(j, "hearth", hearth_extension(a, c));
    db_release(c);
    resp_json(req, resp, 200, j);
    return 0;
}

/* GET /api/v2/instance */
static int instance_v2(struct req *req, struct resp *resp)
{
    struct core *core = req->app;
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_READ, &c);
    if (rc)
        return api_fail(req, resp, rc);
    struct arena *a = req->arena;
    const char *ws = core->base_url;
    ws = !strncmp(ws, "https://", 8) ? arena_printf(a, "wss://%s", ws + 8)
                                     : arena_printf(a, "ws://%s", ws + 7);
    int64_t month_ago = time_now_ms() - 30LL * 24 * 3600 * 1000;
    struct db_stmt *s;
    int64_t active = 0;
    if (db_prepare(c,
                   "SELECT count(*) FROM users u JOIN accounts a ON a.id = u.account_id WHERE"
                   " a.last_status_at > ? OR u.last_login_at > ?",
                   &s) == 0) {
        db_bind_i64(s, 1, month_ago);
        db_bind_i64(s, 2, month_ago);
        if (db_step(s) == DB_ROW)
            active = db_col_i64(s, 0);
        db_stmt_done(s);
    }
    json_t *j = json_object();
    json_object_set_new(j, "domain", json_string(core->domain));
    json_object_set_new(j, "title", json_string(core->title ? core->title : "Hearth"));
    json_object_set_new(j, "version", json_string(version_string(a)));
    if (core->source_url && *core->source_url)
        json_object_set_new(j, "source_url", json_string(core->source_url));
    json_object_set_new(j, "description", json_string(str_or(core->description)));
    json_object_set_new(j, "usage",
                        json_pack("{s:{s:I}}", "users", "active_month", (json_int_t)active));
    json_object_set_new(
        j, "thumbnail",
        json_pack("{s:s}", "url",
                  arena_printf(a, "%s/avatars/original/missing.png", core->base_url)));
    json_object_set_new(j, "icon", json_array());
    json_object_set_new(j, "languages", json_pack("[s]", "en"));
    json_t *conf = json_object();
    json_object_set_new(conf, "urls", json_pack("{s:s}", "streaming", ws));
    json_object_set_new(conf, "vapid", json_pack("{s:s}", "public_key", ""));
    json_object_set_new(conf, "accounts",
                        json_pack("{s:i, s:i}", "max_featured_tags", 10, "max_pinned_statuses", 5));
    json_object_set_new(conf, "statuses", config_statuses(core));
    json_object_set_new(conf, "media_attachments", config_media());
    json_object_set_new(conf, "polls", config_polls(core));
    json_object_set_new(conf, "translation", json_pack("{s:b}", "enabled", 0));
    json_object_set_new(j, "configuration", conf);
    json_object_set_new(j, "hearth", hearth_extension(a, c));
    int enabled, approval;
    const char *message;
    registrations(req, c, &enabled, &approval, &message);
    json_object_set_new(j, "registrations",
                        json_pack("{s:b, s:b, s:o, s:n}", "enabled", enabled, "approval_required",
                                  approval, "message", message ? json_string(message) : json_null(),
                                  "url"));
    json_object_set_new(j, "api_versions", json_pack("{s:i}", "mastodon", 2));
    json_object_set_new(j, "contact",
                        json_pack("{s:s, s:o}", "email",
                                  join_text(c, a, core, "site_contact_email"), "account",
                                  contact_account(req, c)));
    json_object_set_new(j, "rules", rules_json(req, c));
    db_release(c);
    resp_json(req, resp, 200, j);
    return 0;
}

/* GET /api/v1/instance/rules */
static int instance_rules(struct req *req, struct resp *resp)
{
    struct core *core = req->app;
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_READ, &c);
    if (rc)
        return api_fail(req, resp, rc);
    json_t *arr = rules_json(req, c);
    db_release(c);
    resp_json(req, resp, 200, arr);
    return 0;
}

/* {updated_at, content} of a text setting (extended description, privacy policy). */
static int instance_text(struct req *req, struct resp *resp, const char *key)
{
    struct core *core = req->app;
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_READ, &c);
    if (rc)
        return api_fail(req, resp, rc);
    const char *text = join_text(c, req->arena, core, key);
    int64_t at = join_text_updated(c, key);
    db_release(c);
    char iso[TIME_ISO_MAX];
    resp_json(req, resp, 200,
              json_pack("{s:s, s:s}", "updated_at", time_iso8601(at, iso), "content",
                        join_html(req->arena, text)));
    return 0;
}

/* GET /api/v1/instance/extended_description */
static int extended_description(struct req *req, struct resp *resp)
{
    return instance_text(req, resp, "site_extended_description");
}

/* GET /api/v1/instance/privacy_policy */
static int privacy_policy(struct req *req, struct resp *resp)
{
    return instance_text(req, resp, "site_privacy_policy");
}

static int empty_list(struct req *req, struct resp *resp)
{
    resp_json(req, resp, 200, json_array());
    return 0;
}

/* GET /api/v1/instance/peers: the domains this server knows accounts on. */
static int peers(struct req *req, struct resp *resp)
{
    struct core *core = req->app;
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_READ, &c);
    if (rc)
        return api_fail(req, resp, rc);
    json_t *arr = json_array();
    struct db_stmt *s;
    if (db_prepare(c,
                   "SELECT DISTINCT domain FROM accounts WHERE domain IS NOT NULL ORDER BY domain",
                   &s) == 0) {
        while (db_step(s) == DB_ROW)
            json_array_append_new(arr, json_string(db_col_text(s, 0)));
        db_stmt_done(s);
    }
    db_release(c);
    resp_json(req, resp, 200, arr);
    return 0;
}

/* GET /api/v1/instance/activity: weekly statuses, logins and sign-ups, 12 weeks. */
static int activity(struct req *req, struct resp *resp)
{
    struct core *core = req->app;
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_READ, &c);
    if (rc)
        return api_fail(req, resp, rc);
    int64_t week = 7LL * 24 * 3600 * 1000;
    int64_t now = time_now_ms();
    int64_t start = now - now % week;
    json_t *arr = json_array();
    for (int i = 0; i < 12; i++) {
        int64_t from = start - (int64_t)i * week, to = from + week;
        int64_t counts[3] = {0, 0, 0};
        static const char *sql[3] = {
            "SELECT count(*) FROM statuses WHERE local = 1 AND created_at >= ? AND created_at < ?",
            "SELECT count(*) FROM users WHERE last_login_at >= ? AND last_login_at < ?",
            "SELECT count(*) FROM users WHERE created_at >= ? AND created_at < ?",
        };
        for (int k = 0; k < 3; k++) {
            struct db_stmt *s;
            if (db_prepare(c, sql[k], &s) != 0)
                continue;
            db_bind_i64(s, 1, from);
            db_bind_i64(s, 2, to);
            if (db_step(s) == DB_ROW)
                counts[k] = db_col_i64(s, 0);
            db_stmt_done(s);
        }
        json_array_append_new(
            arr, json_pack("{s:s, s:s, s:s, s:s}", "week",
                           arena_printf(req->arena, "%lld", (long long)(from / 1000)), "statuses",
                           arena_printf(req->arena, "%lld", (long long)counts[0]), "logins",
                           arena_printf(req->arena, "%lld", (long long)counts[1]), "registrations",
                           arena_printf(req->arena, "%lld", (long long)counts[2])));
    }
    db_release(c);
    resp_json(req, resp, 200, arr);
    return 0;
}

/* GET /.well-known/nodeinfo */
static int nodeinfo_links(struct req *req, struct resp *resp)
{
    struct core *core = req->app;
    json_t *j = json_pack("{s:[{s:s, s:s}, {s:s, s:s}]}", "links", "rel",
                          "http://nodeinfo.diaspora.software/ns/schema/2.0", "href",
                          arena_printf(req->arena, "%s/nodeinfo/2.0", core->base_url), "rel",
                          "http://nodeinfo.diaspora.software/ns/schema/2.1", "href",
                          arena_printf(req->arena, "%s/nodeinfo/2.1", core->base_url));
    resp_json(req, resp, 200, j);
    return 0;
}

static int nodeinfo(struct req *req, struct resp *resp, const char *version)
{
    struct core *core = req->app;
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_READ, &c);
    if (rc)
        return api_fail(req, resp, rc);
    int64_t users = scalar(c, "SELECT count(*) FROM users WHERE disabled = 0");
    int64_t posts = scalar(c, "SELECT count(*) FROM statuses WHERE local = 1 AND deleted_at IS"
                              " NULL AND visibility IN (0, 1)");
    enum join_mode mode = join_mode(c, core);
    json_t *hearth = hearth_extension(req->arena, c);
    db_release(c);
    json_t *software = json_pack("{s:s, s:s}", "name", "hearth", "version", API_HEARTH_VERSION);
    json_t *j = json_pack(
        "{s:s, s:o, s:[s], s:{s:[], s:[]}, s:b, s:{s:{s:I, s:I, s:I}, s:I}, s:{s:s, s:{s:s, s:s}}}",
        "version", version, "software", software, "protocols", "activitypub", "services", "inbound",
        "outbound", "openRegistrations", mode == JOIN_OPEN || mode == JOIN_APPROVAL, "usage",
        "users", "total", (json_int_t)users, "activeMonth", (json_int_t)users, "activeHalfyear",
        (json_int_t)users, "localPosts", (json_int_t)posts, "metadata", "nodeName",
        core->title ? core->title : "Hearth", "upstream", "name", "mastodon", "version",
        API_MASTODON_VERSION);
    json_t *meta = json_object_get(j, "metadata");
    json_object_set_nocheck(meta, "neighborhood", json_object_get(hearth, "neighborhood"));
    json_object_set_nocheck(meta, "visibilityLevels", json_object_get(hearth, "visibility_levels"));
    json_decref(hearth);
    resp_json(req, resp, 200, j);
    resp->content_type = arena_printf(req->arena,
                                      "application/json; profile=\"http://nodeinfo.diaspora."
                                      "software/ns/schema/%s#\"",
                                      version);
    return 0;
}

static int nodeinfo20(struct req *req, struct resp *resp)
{
    return nodeinfo(req, resp, "2.0");
}

static int nodeinfo21(struct req *req, struct resp *resp)
{
    return nodeinfo(req, resp, "2.1");
}

/* GET /.well-known/host-meta */
static int host_meta(struct req *req, struct resp *resp)
{
    struct core *core = req->app;
    const char *xml =
        arena_printf(req->arena,
                     "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                     "<XRD xmlns=\"http://docs.oasis-open.org/ns/xri/xrd-1.0\">\n"
                     "  <Link rel=\"lrdd\" template=\"%s/.well-known/webfinger?resource={uri}\"/>\n"
                     "</XRD>\n",
                     core->base_url);
    resp_body(req, resp, 200, "application/xrd+xml; charset=utf-8", xml, strlen(xml));
    return 0;
}

/* The picture of an account that has none: one warm grey pixel, scaled by apps. */
static const unsigned char missing_png[] = {
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48,
    0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00,
    0x00, 0x90, 0x77, 0x53, 0xde, 0x00, 0x00, 0x00, 0x0c, 0x49, 0x44, 0x41, 0x54, 0x78,
    0x9c, 0x63, 0x38, 0x71, 0x64, 0x1f, 0x00, 0x04, 0xa2, 0x02, 0x4b, 0x7f, 0xeb, 0x02,
    0x5a, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
};

/* GET /avatars/original/missing.png and /headers/original/missing.png */
static int missing_picture(struct req *req, struct resp *resp)
{
    resp_body(req, resp, 200, "image/png", (const char *)missing_png, sizeof(missing_png));
    resp_header_add(req, resp, "Cache-Control", "public, max-age=604800, immutable");
    return 0;
}

const struct route api_instance_routes[] = {
    {"GET", "/avatars/original/missing.png", missing_picture, ROUTE_AUTH_NONE, NULL},
    {"GET", "/headers/original/missing.png", missing_picture, ROUTE_AUTH_NONE, NULL},
    {"GET", "/api/v1/instance", instance_v1, ROUTE_AUTH_OPTIONAL, NULL},
    {"GET", "/api/v2/instance", instance_v2, ROUTE_AUTH_OPTIONAL, NULL},
    {"GET", "/api/v1/instance/rules", instance_rules, ROUTE_AUTH_OPTIONAL, NULL},
    {"GET", "/api/v1/instance/extended_description", extended_description, ROUTE_AUTH_OPTIONAL,
     NULL},
    {"GET", "/api/v1/instance/privacy_policy", privacy_policy, ROUTE_AUTH_OPTIONAL, NULL},
    {"GET", "/api/v1/instance/peers", peers, ROUTE_AUTH_OPTIONAL, NULL},
    {"GET", "/api/v1/instance/activity", activity, ROUTE_AUTH_OPTIONAL, NULL},
    {"GET", "/api/v1/custom_emojis", empty_list, ROUTE_AUTH_OPTIONAL, NULL},
    {"GET", "/.well-known/nodeinfo", nodeinfo_links, ROUTE_AUTH_NONE, NULL},
    {"GET", "/nodeinfo/2.0", nodeinfo20, ROUTE_AUTH_NONE, NULL},
    {"GET", "/nodeinfo/2.1", nodeinfo21, ROUTE_AUTH_NONE, NULL},
    {"GET", "/.well-known/host-meta", host_meta, ROUTE_AUTH_NONE, NULL},
};
const size_t api_instance_routes_count =
    sizeof(api_instance_routes) / sizeof(api_instance_routes[0]);
