/*
 * ap/remote: other servers' documents fetched and their actors stored.
 *
 * Fetches go through util/fetch (public addresses only outside test
 * mode, capped bodies, limited redirects) and accept only ActivityStreams
 * JSON no deeper than LIMIT_JSON_DEPTH. An actor is trusted only from its
 * own host: the document's id must be on the host that served it.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "ap/ap.h"
#include "ap/internal.h"
#include "content/sanitize.h"
#include "core/account.h"
#include "core/core.h"
#include "core/domain_policy.h"
#include "core/media.h"
#include "core/queue.h"
#include "core/tx.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/fetch.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/req.h"
#include "util/timeutil.h"

#define AP_FETCH_MAX_BODY (1024 * 1024)

static void json_release(void *p)
{
    json_decref(p);
}

int ap_parse_json(struct arena *a, const char *body, size_t len, json_t **out)
{
    if (!json_depth_ok(body, len))
        return E_LIMIT;
    json_error_t err;
    json_t *j = json_loadb(body, len, 0, &err);
    if (!j)
        return E_INVAL;
    if (!json_is_object(j)) {
        json_decref(j);
        return E_INVAL;
    }
    arena_defer(a, json_release, j);
    *out = j;
    return 0;
}

int ap_fetch_json(const struct core *core, struct arena *a, const char *url, json_t **out,
                  const char **final_url)
{
    /* Nothing is fetched from a blocked server (core/domain_policy.h). */
    int refused = domain_policy_refuses_url(core, url, NULL);
    if (refused < 0)
        return refused;
    if (refused) {
        log_debug("fetch of %s refused: its server is blocked", url);
        return E_FORBIDDEN;
    }
    /* Fetches are signed by the server, as servers in secure mode require. */
    struct ap_signer sg;
    int signed_ok = ap_signer_instance(core, a, &sg) == 0;
    static const char *const headers[] = {
        "Accept: application/activity+json, application/ld+json; "
        "profile=\"https://www.w3.org/ns/activitystreams\"",
    };
    struct fetch_request rq = {.method = "GET",
                               .url = url,
                               .headers = headers,
                               .n_headers = 1,
                               .max_body = AP_FETCH_MAX_BODY,
                               .follow_redirects = 1,
                               .sign = signed_ok ? ap_sign_hop : NULL,
                               .sign_ctx = signed_ok ? &sg : NULL};
    struct fetch_response res;
    int rc = fetch_do(a, &rq, &res);
    if (rc) {
        log_info("fetch of %s failed: %s", url, res.error ? res.error : err_str(rc));
        return rc;
    }
    if (res.status == 404 || res.status == 410)
        return E_NOTFOUND;
    if (res.status != 200)
        return E_REMOTE;
    if (final_url)
        *final_url = res.final_url ? res.final_url : url;
    return ap_parse_json(a, res.body, res.len, out);
}

const char *ap_id_of(json_t *v)
{
    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_object(v))
        return json_string_value(json_object_get(v, "id"));
    if (json_is_array(v) && json_array_size(v) > 0)
        return ap_id_of(json_array_get(v, 0));
    return NULL;
}

int ap_same_host(struct arena *a, const char *u1, const char *u2)
{
    const char *h1, *h2;
    if (!u1 || !u2 || ap_url_split(a, u1, NULL, &h1, NULL) != 0 ||
        ap_url_split(a, u2, NULL, &h2, NULL) != 0)
        return 0;
    return strcmp(h1, h2) == 0;
}

/* A string member, sanitized as HTML when html is set; NULL when absent. */
static const char *text_of(struct arena *a, json_t *obj, const char *key, int html)
{
    const char *v = json_string_value(json_object_get(obj, key));
    if (!v)
        return NULL;
    if (!html)
        return arena_strdup(a, v);
    const char *clean;
    if (sanitize_html(a, v, strlen(v), NULL, &clean) != 0)
        return "";
    return clean;
}

int ap_actor_store(const struct core *core, struct arena *a, json_t *doc, const char *served_from,
                   int64_t *id)
{
    const char *uri = json_string_value(json_object_get(doc, "id"));
    const char *type = json_string_value(json_object_get(doc, "type"));
    const char *username = json_string_value(json_object_get(doc, "preferredUsername"));
    const char *inbox = json_string_value(json_object_get(doc, "inbox"));
    if (!uri || !type || !username || !inbox || !*username)
        return E_INVAL;
    if (strcmp(type, "Person") && strcmp(type, "Service") && strcmp(type, "Application") &&
        strcmp(type, "Group") && strcmp(type, "Organization"))
        return E_INVAL;
    if (served_from && !ap_same_host(a, uri, served_from))
        return E_FORBIDDEN;
    if (!ap_same_host(a, uri, inbox))
        return E_FORBIDDEN;
    struct account_remote r = {0};
    const char *domain;
    if (ap_url_split(a, uri, NULL, &domain, NULL) != 0)
        return E_INVAL;
    if (strcasecmp(domain, core->domain) == 0)
        return E_FORBIDDEN; /* our own accounts are never learnt from outside */
    r.uri = uri;
    r.username = username;
    r.domain = domain;
    r.display_name = text_of(a, doc, "name", 0);
    r.note = text_of(a, doc, "summary", 1);
    const char *url = ap_id_of(json_object_get(doc, "url"));
    r.url = url ? url : uri;
    r.inbox_url = inbox;
    json_t *endpoints = json_object_get(doc, "endpoints");
    const char *shared = json_string_value(json_object_get(endpoints, "sharedInbox"));
    r.shared_inbox_url = shared && ap_same_host(a, uri, shared) ? shared : NULL;
    r.outbox_url = json_string_value(json_object_get(doc, "outbox"));
    r.followers_url = json_string_value(json_object_get(doc, "followers"));
    r.following_url = json_string_value(json_object_get(doc, "following"));
    json_t *pk = json_object_get(doc, "publicKey");
    if (json_is_array(pk))
        pk = json_array_get(pk, 0);
    r.public_key_pem = json_string_value(json_object_get(pk, "publicKeyPem"));
    r.actor_type = type;
    /* An Ed25519 Multikey of the actor's own, for RFC 9421 ed25519 signatures. */
    json_t *am = json_object_get(doc, "assertionMethod");
    size_t k;
    json_t *m;
    json_array_foreach(am, k, m)
    {
        const char *mid = json_string_value(json_object_get(m, "id"));
        const char *mt = json_string_value(json_object_get(m, "type"));
        const char *mb = json_string_value(json_object_get(m, "publicKeyMultibase"));
        const char *ctl = ap_id_of(json_object_get(m, "controller"));
        if (mid && mt && mb && ctl && strcmp(mt, "Multikey") == 0 && strcmp(ctl, uri) == 0 &&
            strncmp(mb, "z6Mk", 4) == 0 && ap_same_host(a, mid, uri)) {
            r.ed25519_public = mb;
            r.ed25519_key_id = mid;
            break;
        }
    }
    json_t *aka = json_object_get(doc, "alsoKnownAs");
    if (json_is_array(aka)) {
        char *t = json_dumps(aka, JSON_COMPACT);
        if (t) {
            r.also_known_as = arena_strdup(a, t);
            free(t);
        }
    }
    r.locked = json_is_true(json_object_get(doc, "manuallyApprovesFollowers"));
    r.bot = strcmp(type, "Service") == 0 || strcmp(type, "Application") == 0;
    json_t *disc = json_object_get(doc, "discoverable");
    r.discoverable = disc ? json_is_true(disc) : 0;
    struct db_conn *c = NULL;
    int rc = core_tx_begin(core, &c);
    if (rc == 0)
        rc = account_upsert_remote(c, &r, id);
    return core_tx_end(c, rc);
}

int ap_actor_resolve(const struct core *core, struct arena *a, const char *uri, int refresh,
                     struct account **out)
{
    if (!uri)
        return E_INVAL;
    struct db_conn *c;
    int rc;
    if (!refresh) {
        rc = db_acquire(core->db, DB_READ, &c);
        if (rc)
            return rc;
        rc = account_find_by_uri(c, a, uri, out);
        db_release(c);
        if (rc != E_NOTFOUND)
            return rc;
    }
    json_t *doc;
    const char *served;
    rc = ap_fetch_json(core, a, uri, &doc, &served);
    if (rc)
        return rc;
    /* A key document points to its owner. */
    const char *owner = json_string_value(json_object_get(doc, "owner"));
    if (!json_object_get(doc, "inbox") && owner && strcmp(owner, uri) != 0 &&
        ap_same_host(a, owner, uri)) {
        rc = ap_fetch_json(core, a, owner, &doc, &served);
        if (rc)
            return rc;
    }
    int64_t id;
    rc = ap_actor_store(core, a, doc, served, &id);
    if (rc)
        return rc;
    rc = db_acquire(core->db, DB_READ, &c);
    if (rc)
        return rc;
    rc = account_get(c, a, id, out);
    db_release(c);
    return rc;
}

int ap_webfinger_resolve(const struct core *core, struct arena *a, const char *user,
                         const char *domain, struct account **out)
{
    const char *scheme = core->test_network ? "http" : "https";
    const char *url = arena_printf(a, "%s://%s/.well-known/webfinger?resource=acct:%s@%s", scheme,
                                   domain, user, domain);
    int refused = domain_policy_refuses_url(core, url, NULL);
    if (refused)
        return refused < 0 ? refused : E_FORBIDDEN;
    static const char *const headers[] = {"Accept: application/jrd+json, application/json"};
    struct fetch_request rq = {.method = "GET",
                               .url = url,
                               .headers = headers,
                               .n_headers = 1,
                               .max_body = 64 * 1024,
                               .follow_redirects = 1};
    struct fetch_response res;
    int rc = fetch_do(a, &rq, &res);
    if (rc)
        return rc;
    if (res.status == 404)
        return E_NOTFOUND;
    if (res.status != 200)
        return E_REMOTE;
    json_t *jrd;
    if ((rc = ap_parse_json(a, res.body, res.len, &jrd)))
        return rc;
    json_t *links = json_object_get(jrd, "links");
    size_t i;
    json_t *l;
    json_array_foreach(links, i, l)
    {
        const char *rel = json_string_value(json_object_get(l, "rel"));
        const char *type = json_string_value(json_object_get(l, "type"));
        const char *href = json_string_value(json_object_get(l, "href"));
        if (rel && href && type && strcmp(rel, "self") == 0 &&
            (strstr(type, "activity+json") || strstr(type, "ld+json")))
            return ap_actor_resolve(core, a, href, 0, out);
    }
    return E_NOTFOUND;
}

int ap_job_media(const struct core *core, struct arena *a, const struct job *job, const char **why)
{
    json_t *j;
    if (ap_parse_json(a, job->payload, strlen(job->payload), &j) != 0) {
        *why = "the payload is not a media job";
        return E_INVAL;
    }
    int64_t id = json_integer_value(json_object_get(j, "media"));
    const char *url = json_string_value(json_object_get(j, "url"));
    if (!id || !url) {
        *why = "the payload is not a media job";
        return E_INVAL;
    }
    /* A server whose media is rejected: the attachment stays a link to the remote file. */
    struct db_conn *c;
    int rejected = db_acquire(core->db, DB_READ, &c);
    if (rejected == 0) {
        struct db_stmt *s;
        rejected = db_prepare(c, "SELECT account_id FROM media_attachments WHERE id = ?", &s);
        if (rejected == 0) {
            db_bind_i64(s, 1, id);
            int64_t owner = db_step(s) == DB_ROW ? db_col_i64(s, 0) : 0;
            db_stmt_done(s);
            rejected = owner ? domain_policy_account_rejects_media(c, owner) : 0;
        }
        db_release(c);
    }
    if (rejected == 0)
        rejected = domain_policy_refuses_url(core, url, NULL);
    if (rejected < 0)
        return rejected;
    if (rejected) {
        *why = "media of this server is rejected";
        return E_FORBIDDEN; /* never cached */
    }
    static const char *const headers[] = {"Accept: image/*"};
    struct fetch_request rq = {.method = "GET",
                               .url = url,
                               .headers = headers,
                               .n_headers = 1,
                               .max_body = LIMIT_MEDIA_IMAGE_BYTES,
                               .timeout_ms = 30000,
                               .follow_redirects = 1};
    struct fetch_response res;
    int rc = fetch_do(a, &rq, &res);
    if (rc == E_LIMIT || rc == E_FORBIDDEN || rc == E_INVAL) {
        *why = res.error ? res.error : "the file may not be fetched";
        return E_FORBIDDEN; /* too large or not allowed: never cached */
    }
    if (rc) {
        *why = res.error ? res.error : "the file cannot be fetched";
        return E_REMOTE;
    }
    if (res.status >= 500 || res.status == 429) {
        *why = arena_printf(a, "the media server answered %ld", res.status);
        return E_REMOTE;
    }
    if (res.status != 200) {
        *why = arena_printf(a, "the media server answered %ld", res.status);
        return E_NOTFOUND;
    }
    rc = media_cache_remote(core, a, id, res.body, res.len, why);
    return rc == E_DB ? rc : rc ? E_INVAL : 0;
}
