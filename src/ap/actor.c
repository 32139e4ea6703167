/*
 * ap/actor: local accounts as ActivityPub actors.
 *
 *   GET /users/:name                         the actor (Person, or Service for bots)
 *   GET /users/:name/outbox                  its public activities, paged
 *   GET /users/:name/followers, /following   counts and pages of actor ids
 *   GET /users/:name/collections/featured    pinned statuses as objects
 *   GET /users/:name/collections/tags        featured hashtags (none yet)
 *   GET /users/:name/statuses/:id            a status as its object
 *   GET /users/:name/statuses/:id/activity   the activity that published it
 *
 * The same URLs answer browsers with a redirect to the profile or status
 * page; ActivityStreams is given to requests that ask for it (ap_wants_json).
 * Fetches are anonymous viewers of the visibility rule: public and unlisted
 * statuses only, never local-only, followers-only or direct ones.
 * Suspended or unknown accounts are 404 (410 is for deleted ones, later).
 */
#include <string.h>

#include "ap/ap.h"
#include "ap/internal.h"
#include "core/account.h"
#include "core/core.h"
#include "core/follow.h"
#include "core/keys.h"
#include "core/media.h"
#include "core/neighborhood.h"
#include "core/pin.h"
#include "core/status.h"
#include "core/timeline.h"
#include "core/visibility.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"
#include "util/timeutil.h"

#define AP_PAGE 20 /* items of an outbox or follows page */

/* The member named in the path, on a read connection the caller releases. */
static int member(struct req *req, struct db_conn **c, struct account **acc)
{
    struct core *core = req->app;
    int rc = db_acquire(core->db, DB_SNAPSHOT, c);
    if (rc)
        return rc;
    rc = account_find_local(*c, req->arena, req_param(req, "name"), acc);
    if (rc == 0 && (*acc)->suspended_at)
        rc = E_NOTFOUND;
    if (rc) {
        db_release(*c);
        *c = NULL;
    }
    return rc;
}

/*
 * Who fetches: a signed GET is the signing actor (so a follower's server
 * sees followers-only posts); an unsigned one is anonymous, or refused
 * with 401 when the server requires signatures (authorized_fetch).
 * Returns 0 with *v set, or 1 when it has answered.
 */
static int fetcher(struct req *req, struct resp *resp, struct viewer *v)
{
    struct core *core = req->app;
    *v = (struct viewer){.kind = VIEWER_ANONYMOUS};
    int signed_req = req_header(req, "Signature") || req_header(req, "Signature-Input");
    if (!signed_req) {
        if (core->authorized_fetch && ap_wants_json(req)) {
            resp_error(req, resp, 401, "this server answers signed requests only");
            return 1;
        }
        return 0;
    }
    struct account *signer;
    const char *why = NULL;
    int rc = ap_verify_request(req, &signer, &why);
    if (rc) {
        resp_error(req, resp, rc == E_FORBIDDEN ? 403 : 401,
                   why ? why : "the signature does not verify");
        return 1;
    }
    v->kind = VIEWER_REMOTE;
    v->account_id = signer->id;
    v->domain = signer->domain;
    return 0;
}

/* A browser asked: send it to the HTML page at url. */
static int redirect(struct req *req, struct resp *resp, const char *url)
{
    resp_body(req, resp, 302, "text/plain; charset=utf-8", "", 0);
    resp_header_add(req, resp, "Location", url);
    resp_header_add(req, resp, "Vary", "Accept");
    return 0;
}

json_t *ap_actor_json(const struct core *core, struct arena *a, struct db_conn *c,
                      const struct account *acc)
{
    const char *avatar = NULL, *header = NULL;
    media_profile_urls(core, c, a, acc->id, &avatar, &header);
    json_t *j = json_object();
    json_object_set_new(j, "id", json_string(acc->uri));
    json_object_set_new(j, "type", json_string(acc->bot ? "Service" : "Person"));
    json_object_set_new(j, "following", json_string(arena_printf(a, "%s/following", acc->uri)));
    json_object_set_new(j, "followers", json_string(arena_printf(a, "%s/followers", acc->uri)));
    json_object_set_new(j, "inbox", json_string(acc->inbox_url));
    json_object_set_new(j, "outbox", json_string(arena_printf(a, "%s/outbox", acc->uri)));
    json_object_set_new(j, "featured",
                        json_string(arena_printf(a, "%s/collections/featured", acc->uri)));
    json_object_set_new(j, "featuredTags",
                        json_string(arena_printf(a, "%s/collections/tags", acc->uri)));
    json_object_set_new(j, "preferredUsername", json_string(acc->username));
    json_object_set_new(j, "name", json_string(acc->display_name ? acc->display_name : ""));
    json_object_set_new(j, "summary", json_string(acc->note ? acc->note : ""));
    json_object_set_new(j, "url", json_string(acc->url));
    json_object_set_new(j, "manuallyApprovesFollowers", json_boolean(acc->locked));
    json_object_set_new(j, "discoverable", json_boolean(acc->discoverable));
    json_object_set_new(j, "indexable", json_boolean(acc->discoverable));
    char when[TIME_ISO_MAX];
    json_object_set_new(j, "published", json_string(time_iso8601(acc->created_at, when)));
    json_object_set_new(
        j, "endpoints",
        json_pack("{s:s}", "sharedInbox", arena_printf(a, "%s/inbox", core->base_url)));
    const char *multikey = acc->ed25519_public;
    if (multikey)
        json_object_set_new(
            j, "assertionMethod",
            json_pack("[{s:s, s:s, s:s, s:s}]", "id", arena_printf(a, "%s#ed25519-key", acc->uri),
                      "type", "Multikey", "controller", acc->uri, "publicKeyMultibase", multikey));
    if (acc->public_key_pem)
        json_object_set_new(j, "publicKey",
                            json_pack("{s:s, s:s, s:s}", "id",
                                      arena_printf(a, "%s#main-key", acc->uri), "owner", acc->uri,
                                      "publicKeyPem", acc->public_key_pem));
    /* Profile fields as schema.org PropertyValues. */
    json_t *attachment = json_array();
    json_error_t err;
    json_t *fields = json_loads(acc->fields ? acc->fields : "[]", 0, &err);
    size_t i;
    json_t *f;
    json_array_foreach(fields, i, f)
    {
        const char *name = json_string_value(json_object_get(f, "name"));
        const char *value = json_string_value(json_object_get(f, "value"));
        if (name && value)
            json_array_append_new(attachment, json_pack("{s:s, s:s, s:s}", "type", "PropertyValue",
                                                        "name", name, "value", value));
    }
    json_decref(fields);
    json_object_set_new(j, "attachment", attachment);
    json_object_set_new(j, "tag", json_array());
    if (avatar)
        json_object_set_new(j, "icon", json_pack("{s:s, s:s}", "type", "Image", "url", avatar));
    if (header)
        json_object_set_new(j, "image", json_pack("{s:s, s:s}", "type", "Image", "url", header));
    return j;
}

/*
 * GET /actor: the server itself (Application), whose key signs the
 * fetches Hearth makes on its own behalf. Always public: peers in secure
 * mode need it to check those signatures.
 */
static int instance_actor(struct req *req, struct resp *resp)
{
    struct core *core = req->app;
    struct arena *a = req->arena;
    if (!ap_wants_json(req))
        return redirect(req, resp, arena_printf(a, "%s/about", core->base_url));
    const char *priv, *pub;
    int rc = keys_instance(core, a, &priv, &pub);
    if (rc) {
        ap_fail(req, resp, rc);
        return 0;
    }
    explicit_bzero((char *)priv, strlen(priv));
    const char *id = arena_printf(a, "%s/actor", core->base_url);
    json_t *j = json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:b, s:{s:s}, s:{s:s, s:s, s:s}}", "id", id, "type",
        "Application", "preferredUsername", core->domain, "inbox", arena_printf(a, "%s/inbox", id),
        "outbox", arena_printf(a, "%s/outbox", id), "manuallyApprovesFollowers", 1, "endpoints",
        "sharedInbox", arena_printf(a, "%s/inbox", core->base_url), "publicKey", "id",
        arena_printf(a, "%s#main-key", id), "owner", id, "publicKeyPem", pub);
    json_object_set_new(j, "url", json_string(arena_printf(a, "%s/about", core->base_url)));
    ap_answer(req, resp, j);
    return 0;
}

/* GET /actor/outbox: the server posts nothing. */
static int instance_outbox(struct req *req, struct resp *resp)
{
    struct core *core = req->app;
    ap_answer(req, resp,
              json_pack("{s:s, s:s, s:i, s:[]}", "id",
                        arena_printf(req->arena, "%s/actor/outbox", core->base_url), "type",
                        "OrderedCollection", "totalItems", 0, "orderedItems"));
    return 0;
}

/*
 * GET /actor/neighborhood: the audience a neighborhood post is addressed
 * to (FEDERATION.md), listing the neighborhood's servers by their
 * instance actors.
 */
static int neighborhood_collection(struct req *req, struct resp *resp)
{
    struct core *core = req->app;
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_READ, &c);
    if (rc) {
        ap_fail(req, resp, rc);
        return 0;
    }
    struct neighbor *v = NULL;
    size_t n = 0;
    rc = neighborhood_list(c, req->arena, &v, &n);
    db_release(c);
    if (rc) {
        ap_fail(req, resp, rc);
        return 0;
    }
    const char *scheme = strncmp(core->base_url, "https://", 8) == 0 ? "https" : "http";
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(
            items, json_string(arena_printf(req->arena, "%s://%s/actor", scheme, v[i].domain)));
    ap_answer(req, resp,
              json_pack("{s:s, s:s, s:I, s:o}", "id",
                        neighborhood_audience(req->arena, core->base_url), "type", "Collection",
                        "totalItems", (json_int_t)n, "items", items));
    return 0;
}

/* GET /users/:name */
static int actor(struct req *req, struct resp *resp)
{
    struct core *core = req->app;
    struct db_conn *c;
    struct account *acc;
    int rc = member(req, &c, &acc);
    if (rc) {
        ap_fail(req, resp, rc);
        return 0;
    }
    if (!ap_wants_json(req)) {
        db_release(c);
        return redirect(req, resp, acc->url);
    }
    /* A member's Ed25519 key is made the first time her actor is asked for. */
    if (!acc->ed25519_public) {
        const char *multikey = NULL;
        if (account_ed25519(core, req->arena, acc->id, &multikey) == 0)
            acc->ed25519_public = multikey;
    }
    json_t *j = ap_actor_json(core, req->arena, c, acc);
    db_release(c);
    ap_answer(req, resp, j);
    return 0;
}

/* An OrderedCollection that shows its size and links its first page. */
static json_t *collection(struct req *req, const char *id, int64_t total)
{
    return json_pack("{s:s, s:s, s:I, s:s}", "id", id, "type", "OrderedCollection", "totalItems",
                     (json_int_t)total, "first", arena_printf(req->arena, "%s?page=true", id));
}

/* GET /users/:name/outbox, and ?page=true[&max_id=ID] */
static int outbox(struct req *req, struct resp *resp)
{
    struct viewer who;
    if (fetcher(req, resp, &who))
        return 0;
    struct db_conn *c;
    struct account *acc;
    int rc = member(req, &c, &acc);
    if (rc) {
        ap_fail(req, resp, rc);
        return 0;
    }
    struct arena *a = req->arena;
    const char *id = arena_printf(a, "%s/outbox", acc->uri);
    struct timeline_filter f = {0};
    if (!req_arg(req, "page")) {
        /* The count is the profile's statuses_count, public like it. */
        struct account_counts counts;
        rc = account_counts(c, acc->id, &counts);
        db_release(c);
        if (rc) {
            ap_fail(req, resp, rc);
            return 0;
        }
        ap_answer(req, resp, collection(req, id, counts.statuses));
        return 0;
    }
    struct page p = {.limit = AP_PAGE};
    const char *max = req_arg(req, "max_id");
    if (max && id_from_str(max, &p.max_id) != 0) {
        db_release(c);
        ap_fail(req, resp, E_INVAL);
        return 0;
    }
    int64_t *ids = NULL;
    size_t n = 0;
    rc = timeline_account(c, a, &who, acc->id, &f, &p, &ids, &n);
    json_t *items = json_array();
    for (size_t i = 0; rc == 0 && i < n; i++) {
        struct status *st;
        if (status_get(c, a, ids[i], &st) != 0)
            continue;
        json_t *act = ap_activity_json(req->app, req->arena, c, st, acc);
        if (act)
            json_array_append_new(items, act);
    }
    db_release(c);
    if (rc) {
        json_decref(items);
        ap_fail(req, resp, rc);
        return 0;
    }
    char idbuf[ID_STR_MAX];
    json_t *j = json_pack("{s:s, s:s, s:s, s:o}", "id",
                          max ? arena_printf(a, "%s?page=true&max_id=%s", id, max)
                              : arena_printf(a, "%s?page=true", id),
                          "type", "OrderedCollectionPage", "partOf", id, "orderedItems", items);
    if (n == AP_PAGE)
        json_object_set_new(j, "next",
                            json_string(arena_printf(a, "%s?page=true&max_id=%s", id,
                                                     id_to_str(ids[n - 1], idbuf))));
    ap_answer(req, resp, j);
    return 0;
}

/* GET /users/:name/followers and /following, and their ?page=N */
static int follows(struct req *req, struct resp *resp, int followers)
{
    struct viewer who;
    if (fetcher(req, resp, &who))
        return 0;
    struct db_conn *c;
    struct account *acc;
    int rc = member(req, &c, &acc);
    if (rc) {
        ap_fail(req, resp, rc);
        return 0;
    }
    struct arena *a = req->arena;
    const char *id = arena_printf(a, "%s/%s", acc->uri, followers ? "followers" : "following");
    struct account_counts counts;
    rc = account_counts(c, acc->id, &counts);
    if (rc) {
        db_release(c);
        ap_fail(req, resp, rc);
        return 0;
    }
    int64_t total = followers ? counts.followers : counts.following;
    if (!req_arg(req, "page")) {
        db_release(c);
        ap_answer(req, resp, collection(req, id, total));
        return 0;
    }
    struct follow_page fp = {.limit = 40};
    const char *max = req_arg(req, "max_id");
    if (max && id_from_str(max, &fp.max_id) != 0) {
        db_release(c);
        ap_fail(req, resp, E_INVAL);
        return 0;
    }
    struct follow_item *items = NULL;
    size_t n = 0;
    rc = followers ? follow_list_followers(c, a, acc->id, &fp, &items, &n)
                   : follow_list_following(c, a, acc->id, &fp, &items, &n);
    json_t *list = json_array();
    for (size_t i = 0; rc == 0 && i < n; i++) {
        struct account *other;
        if (account_get(c, a, items[i].account_id, &other) == 0)
            json_array_append_new(list, json_string(other->uri));
    }
    db_release(c);
    if (rc) {
        json_decref(list);
        ap_fail(req, resp, rc);
        return 0;
    }
    char idbuf[ID_STR_MAX];
    json_t *j =
        json_pack("{s:s, s:s, s:I, s:s, s:o}", "id",
                  arena_printf(a, "%s?page=true%s%s", id, max ? "&max_id=" : "", max ? max : ""),
                  "type", "OrderedCollectionPage", "totalItems", (json_int_t)total, "partOf", id,
                  "orderedItems", list);
    if (n == 40)
        json_object_set_new(j, "next",
                            json_string(arena_printf(a, "%s?page=true&max_id=%s", id,
                                                     id_to_str(items[n - 1].follow_id, idbuf))));
    ap_answer(req, resp, j);
    return 0;
}

static int followers_collection(struct req *req, struct resp *resp)
{
    return follows(req, resp, 1);
}

static int following_collection(struct req *req, struct resp *resp)
{
    return follows(req, resp, 0);
}

/* GET /users/:name/collections/featured: pinned statuses anyone may see. */
static int featured(struct req *req, struct resp *resp)
{
    struct viewer who;
    if (fetcher(req, resp, &who))
        return 0;
    struct db_conn *c;
    struct account *acc;
    int rc = member(req, &c, &acc);
    if (rc) {
        ap_fail(req, resp, rc);
        return 0;
    }
    struct arena *a = req->arena;
    int64_t *ids = NULL;
    size_t n = 0;
    rc = pin_statuses(c, a, &who, acc->id, &ids, &n);
    json_t *items = json_array();
    for (size_t i = 0; rc == 0 && i < n; i++) {
        struct status *st;
        if (status_get(c, a, ids[i], &st) != 0)
            continue;
        json_t *note = ap_note_json(req->app, req->arena, c, st, acc);
        if (note)
            json_array_append_new(items, note);
    }
    db_release(c);
    if (rc) {
        json_decref(items);
        ap_fail(req, resp, rc);
        return 0;
    }
    ap_answer(req, resp,
              json_pack("{s:s, s:s, s:I, s:o}", "id",
                        arena_printf(a, "%s/collections/featured", acc->uri), "type",
                        "OrderedCollection", "totalItems", (json_int_t)json_array_size(items),
                        "orderedItems", items));
    return 0;
}

/* GET /users/:name/collections/tags: featured hashtags, which Hearth does not have yet. */
static int featured_tags(struct req *req, struct resp *resp)
{
    struct viewer who;
    if (fetcher(req, resp, &who))
        return 0;
    struct db_conn *c;
    struct account *acc;
    int rc = member(req, &c, &acc);
    if (rc) {
        ap_fail(req, resp, rc);
        return 0;
    }
    db_release(c);
    ap_answer(req, resp,
              json_pack("{s:s, s:s, s:i, s:[]}", "id",
                        arena_printf(req->arena, "%s/collections/tags", acc->uri), "type",
                        "Collection", "totalItems", 0, "items"));
    return 0;
}

/* The member's status in the path, when anyone may see it. */
static int visible_status(struct req *req, struct db_conn *c, const struct viewer *who,
                          const struct account *acc, struct status **st)
{
    int64_t id = 0;
    if (id_from_str(req_param(req, "id"), &id) != 0)
        return E_NOTFOUND;
    int rc = visibility_may_see(c, who, id);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return E_NOTFOUND;
    rc = status_get(c, req->arena, id, st);
    if (rc == 0 && (*st)->account_id != acc->id)
        rc = E_NOTFOUND;
    return rc;
}

static int status_object(struct req *req, struct resp *resp, int activity)
{
    struct viewer who;
    if (fetcher(req, resp, &who))
        return 0;
    struct db_conn *c;
    struct account *acc;
    int rc = member(req, &c, &acc);
    if (rc) {
        ap_fail(req, resp, rc);
        return 0;
    }
    struct status *st;
    rc = visible_status(req, c, &who, acc, &st);
    if (rc) {
        db_release(c);
        ap_fail(req, resp, rc);
        return 0;
    }
    if (!ap_wants_json(req)) {
        db_release(c);
        return redirect(req, resp, st->url ? st->url : st->uri);
    }
    json_t *j = activity || st->reblog_of_id ? ap_activity_json(req->app, req->arena, c, st, acc)
                                             : ap_note_json(req->app, req->arena, c, st, acc);
    db_release(c);
    ap_answer(req, resp, j);
    return 0;
}

/* GET /users/:name/statuses/:id */
static int status_note(struct req *req, struct resp *resp)
{
    return status_object(req, resp, 0);
}

/* GET /users/:name/statuses/:id/activity */
static int status_activity(struct req *req, struct resp *resp)
{
    return status_object(req, resp, 1);
}

const struct route ap_actor_routes[] = {
    {"GET", "/actor", instance_actor, ROUTE_AUTH_NONE, NULL},
    {"GET", "/actor/outbox", instance_outbox, ROUTE_AUTH_NONE, NULL},
    {"GET", "/actor/neighborhood", neighborhood_collection, ROUTE_AUTH_NONE, NULL},
    {"GET", "/users/:name", actor, ROUTE_AUTH_NONE, NULL},
    {"GET", "/users/:name/outbox", outbox, ROUTE_AUTH_NONE, NULL},
    {"GET", "/users/:name/followers", followers_collection, ROUTE_AUTH_NONE, NULL},
    {"GET", "/users/:name/following", following_collection, ROUTE_AUTH_NONE, NULL},
    {"GET", "/users/:name/collections/featured", featured, ROUTE_AUTH_NONE, NULL},
    {"GET", "/users/:name/collections/tags", featured_tags, ROUTE_AUTH_NONE, NULL},
    {"GET", "/users/:name/statuses/:id", status_note, ROUTE_AUTH_NONE, NULL},
    {"GET", "/users/:name/statuses/:id/activity", status_activity, ROUTE_AUTH_NONE, NULL},
};
const size_t ap_actor_routes_count = sizeof(ap_actor_routes) / sizeof(ap_actor_routes[0]);
