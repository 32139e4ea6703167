/*
 * ap/inbox: activities other servers send.
 *
 *   POST /inbox                the shared inbox
 *   POST /users/:name/inbox    a member's inbox
 *
 * The request must be signed (draft-cavage or RFC 9421) by a key of the
 * activity's actor; the key is read from the stored actor, fetched when
 * the actor is new, and fetched again once when the signature does not
 * verify (the actor may have a new key). A signature that cannot be
 * verified is answered 401, so that peers which try RFC 9421 first retry
 * with draft-cavage. A verified activity is queued (job "inbox") and
 * answered 202 at once; an activity id seen before is answered 202
 * without being queued again. Processing happens in ap/process.c.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>

#include "ap/ap.h"
#include "ap/httpsig.h"
#include "ap/internal.h"
#include "core/account.h"
#include "core/core.h"
#include "core/domain_policy.h"
#include "core/queue.h"
#include "core/tx.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/timeutil.h"

#define INBOX_MAX_BODY (512 * 1024)

/* The headers a signature may cover that we pass to the verifier. */
static const char *const signed_headers[] = {
    "signature",      "signature-input", "authorization",  "host",   "date",       "digest",
    "content-digest", "content-type",    "content-length", "accept", "user-agent",
};

static void fail(struct req *req, struct resp *resp, int status, const char *why)
{
    log_info("inbox: %d from %s: %s", status, req->remote, why);
    resp_error(req, resp, status, why);
}

static void key_release(void *p)
{
    httpsig_key_free(p);
}

/*
 * Parsed public keys of remote actors, kept by their PEM text's hash and
 * account, so that a busy peer's key is decoded once, not per request. A
 * small table replaced round-robin; a key still used by a request is not
 * freed before the request ends (each entry counts its users).
 */
#define KEY_CACHE_SLOTS 256

struct cached_key {
    int64_t account;
    unsigned char hash[32];
    struct httpsig_key *key;
    int users;
    int stale; /* replaced while in use: freed by its last user */
};

static struct {
    pthread_mutex_t lock;
    struct cached_key *slots[KEY_CACHE_SLOTS];
    size_t next;
} keys = {.lock = PTHREAD_MUTEX_INITIALIZER};

static void key_unuse(void *p)
{
    struct cached_key *e = p;
    pthread_mutex_lock(&keys.lock);
    int last = --e->users == 0 && e->stale;
    pthread_mutex_unlock(&keys.lock);
    if (last) {
        httpsig_key_free(e->key);
        free(e);
    }
}

/* The parsed key of pem for account (the arena holds it until the request ends). */
static const struct httpsig_key *public_key(struct arena *a, int64_t account, const char *pem)
{
    unsigned char hash[32];
    crypto_hash_sha256(hash, (const unsigned char *)pem, strlen(pem));
    pthread_mutex_lock(&keys.lock);
    for (size_t i = 0; i < KEY_CACHE_SLOTS; i++) {
        struct cached_key *e = keys.slots[i];
        if (e && e->account == account && !memcmp(e->hash, hash, sizeof(hash))) {
            e->users++;
            pthread_mutex_unlock(&keys.lock);
            arena_defer(a, key_unuse, e);
            return e->key;
        }
    }
    pthread_mutex_unlock(&keys.lock);
    struct httpsig_key *k;
    if (httpsig_key_from_pem(pem, &k) != 0)
        return NULL;
    struct cached_key *e = xcalloc(1, sizeof(*e));
    e->account = account;
    memcpy(e->hash, hash, sizeof(hash));
    e->key = k;
    e->users = 1;
    struct cached_key *old = NULL;
    pthread_mutex_lock(&keys.lock);
    size_t at = keys.next++ % KEY_CACHE_SLOTS;
    old = keys.slots[at];
    keys.slots[at] = e;
    int free_old = 0;
    if (old) {
        old->stale = 1;
        free_old = old->users == 0;
    }
    pthread_mutex_unlock(&keys.lock);
    if (free_old) {
        httpsig_key_free(old->key);
        free(old);
    }
    arena_defer(a, key_unuse, e);
    return k;
}

/* Verifies p against acc's stored key: 0, E_AUTH (does not verify), E_INVAL (digest). */
static int verify_with(struct req *req, const struct httpsig_request *r,
                       const struct httpsig_parsed *p, const struct account *acc)
{
    const struct httpsig_key *key = NULL;
    if (acc->ed25519_key_id && strcmp(p->key_id, acc->ed25519_key_id) == 0) {
        struct httpsig_key *k;
        if (httpsig_key_from_multibase(acc->ed25519_public, &k) == 0) {
            arena_defer(req->arena, key_release, k);
            key = k;
        }
    } else if (acc->public_key_pem) {
        key = public_key(req->arena, acc->id, acc->public_key_pem);
    }
    if (!key)
        return E_AUTH;
    return httpsig_verify(r, p, key, req->body_len ? req->body : NULL, req->body_len,
                          (int64_t)time(NULL));
}

/* The actor a key id names: the key id without its fragment. */
static const char *key_owner(struct arena *a, const char *key_id)
{
    char *u = arena_strdup(a, key_id);
    char *hash = strchr(u, '#');
    if (hash)
        *hash = '\0';
    return u;
}

int ap_verify_request(struct req *req, struct account **signer, const char **why)
{
    struct core *core = req->app;
    struct arena *a = req->arena;
    struct httpsig_header h[sizeof(signed_headers) / sizeof(signed_headers[0])];
    size_t nh = 0;
    for (size_t i = 0; i < sizeof(signed_headers) / sizeof(signed_headers[0]); i++) {
        const char *v = req_header(req, signed_headers[i]);
        if (v)
            h[nh++] = (struct httpsig_header){signed_headers[i], v};
    }
    const char *scheme = strncmp(core->base_url, "https:", 6) == 0 ? "https" : "http";
    const char *host = req_header(req, "Host");
    struct httpsig_request r = {.method = req->method,
                                .scheme = scheme,
                                .authority = host ? host : core->domain,
                                .target = req->query && *req->query
                                              ? arena_printf(a, "%s?%s", req->path, req->query)
                                              : req->path,
                                .headers = h,
                                .n_headers = nh};
    struct httpsig_parsed p;
    int rc = httpsig_parse(a, &r, &p);
    if (rc == E_AUTH) {
        *why = "the request is not signed";
        return E_AUTH;
    }
    if (rc) {
        *why = "the signature header is malformed";
        return E_AUTH;
    }
    const char *owner = key_owner(a, p.key_id);
    struct account *acc = NULL;
    rc = ap_actor_resolve(core, a, owner, 0, &acc);
    if (rc == 0 && acc->suspended_at) {
        *why = "the signer is suspended here";
        return E_FORBIDDEN;
    }
    if (rc == 0) {
        rc = verify_with(req, &r, &p, acc);
        /* Perhaps a new key: fetch the actor again, once. */
        if (rc == E_AUTH && ap_actor_resolve(core, a, owner, 1, &acc) == 0)
            rc = verify_with(req, &r, &p, acc);
    } else if (rc != E_NOTFOUND) {
        *why = "the signer's key cannot be fetched";
        return E_AUTH;
    }
    if (rc == E_INVAL) {
        *why = "the body does not match its digest";
        return E_AUTH;
    }
    if (rc) {
        *why = rc == E_NOTFOUND ? "the signer is unknown" : "the signature does not verify";
        return rc == E_NOTFOUND ? E_NOTFOUND : E_AUTH;
    }
    *signer = acc;
    return 0;
}

/* An inbox request's activity on its way to the queue (request memory). */
struct arrival {
    const struct core *core;
    struct queue_arrival q;
    struct resp_later later;
};

static void arrival_start(void *ctx)
{
    struct arrival *x = ctx;
    queue_receive_start(x->core, &x->q);
}

static void arrival_done(struct queue_arrival *q)
{
    struct arrival *x = q->ctx;
    x->later.done(x->later.handle);
}

static void arrival_respond(void *ctx, struct req *req, struct resp *resp)
{
    struct arrival *x = ctx;
    if (x->q.rc && x->q.rc != E_EXISTS)
        ap_fail(req, resp, x->q.rc);
    else
        resp_body(req, resp, 202, "text/plain; charset=utf-8", "", 0);
}

/* One log line per refused server and minute, however much it sends. */
static void log_refusal(struct arena *a, const char *actor_uri, const char *why)
{
    static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    static char last[256];
    static time_t last_at;
    const char *host = "";
    ap_url_split(a, actor_uri, NULL, &host, NULL);
    time_t now = time(NULL);
    pthread_mutex_lock(&lock);
    int quiet = now - last_at < 60 && strncmp(last, host, sizeof(last)) == 0;
    if (!quiet) {
        snprintf(last, sizeof(last), "%s", host);
        last_at = now;
    }
    pthread_mutex_unlock(&lock);
    if (!quiet)
        log_info("activities from %s refused: %s", host, why);
}

static int inbox(struct req *req, struct resp *resp)
{
    struct core *core = req->app;
    struct arena *a = req->arena;
    const char *name = req_param(req, "name");
    if (name) {
        struct db_conn *c;
        struct account *acc;
        int rc = db_acquire(core->db, DB_READ, &c);
        if (rc)
            return ap_fail(req, resp, rc), 0;
        rc = account_find_local(c, a, name, &acc);
        db_release(c);
        if (rc)
            return ap_fail(req, resp, rc), 0;
    }
    if (req->body_len > INBOX_MAX_BODY)
        return fail(req, resp, 413, "the activity is too large"), 0;
    /* The signature first: nothing of an unsigned body is looked at. */
    if (!req_header(req, "Signature") && !req_header(req, "Signature-Input") &&
        !req_header(req, "Authorization"))
        return fail(req, resp, 401, "the request is not signed"), 0;
    json_t *act;
    int rc = ap_parse_json(a, req->body, req->body_len, &act);
    if (rc == E_LIMIT)
        return fail(req, resp, 400, "the activity is nested too deep"), 0;
    if (rc)
        return fail(req, resp, 400, "the body is not a JSON object"), 0;
    const char *id = json_string_value(json_object_get(act, "id"));
    const char *type = json_string_value(json_object_get(act, "type"));
    const char *actor_uri = ap_id_of(json_object_get(act, "actor"));
    if (!id || !type || !actor_uri)
        return fail(req, resp, 400, "the activity needs an id, a type and an actor"), 0;
    if (!ap_same_host(a, id, actor_uri))
        return fail(req, resp, 400, "the activity's id is not on its actor's host"), 0;
    /* A blocked server is refused before anything is fetched from it. */
    const char *refused = NULL;
    rc = domain_policy_refuses_url(core, actor_uri, &refused);
    if (rc < 0)
        return ap_fail(req, resp, rc), 0;
    if (rc == 1) {
        log_refusal(a, actor_uri, refused);
        return fail(req, resp, 403, refused), 0;
    }
    struct account *signer = NULL;
    const char *why = NULL;
    rc = ap_verify_request(req, &signer, &why);
    if (rc == E_NOTFOUND && strcmp(type, "Delete") == 0) {
        /* An actor deleted before we ever knew it: nothing to do. */
        resp_body(req, resp, 202, "text/plain; charset=utf-8", "", 0);
        return 0;
    }
    if (rc == E_FORBIDDEN)
        return fail(req, resp, 403, why), 0;
    if (rc)
        return fail(req, resp, 401, why ? why : "the signature does not verify"), 0;
    /* The key must be the actor's own. */
    if (strcmp(signer->uri, actor_uri) != 0)
        return fail(req, resp, 401, "the signature is not the actor's"), 0;
    /*
     * Queue it once (the processing is idempotent anyway); the 202 goes out
     * when the arrival is committed, and no server thread waits meanwhile.
     */
    struct arrival *x = arena_alloc(a, sizeof(*x));
    json_t *payload =
        json_pack("{s:I, s:s}", "signer", (json_int_t)signer->id, "activity", req->body);
    char *text = json_dumps(payload, JSON_COMPACT);
    json_decref(payload);
    if (!text)
        return ap_fail(req, resp, E_NOMEM), 0;
    *x = (struct arrival){.core = core,
                          .q = {.id = id,
                                .kind = "inbox",
                                .lane = "",
                                .payload = arena_strdup(a, text),
                                .done = arrival_done},
                          .later = {.start = arrival_start, .respond = arrival_respond}};
    free(text);
    x->q.ctx = x;
    x->later.ctx = x;
    resp->later = &x->later;
    return 0;
}

const struct route ap_inbox_routes[] = {
    {"POST", "/inbox", inbox, ROUTE_AUTH_NONE, NULL},
    {"POST", "/actor/inbox", inbox, ROUTE_AUTH_NONE, NULL},
    {"POST", "/users/:name/inbox", inbox, ROUTE_AUTH_NONE, NULL},
};
const size_t ap_inbox_routes_count = sizeof(ap_inbox_routes) / sizeof(ap_inbox_routes[0]);
