/*
 * ap/sign: local actors sign what they send (draft-cavage rsa-sha256, as
 * Mastodon does), and URLs split for signing. Private keys are parsed once
 * and kept for the life of the process in a small table (a community has
 * few members); keys over the table's size are parsed per use.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "ap/ap.h"
#include "ap/httpsig.h"
#include "ap/internal.h"
#include "core/account.h"
#include "core/core.h"
#include "core/keys.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/log.h"
#include "util/mem.h"

#define KEY_CACHE_MAX 4096

static struct {
    pthread_mutex_t lock;
    int64_t *ids;
    struct httpsig_key **keys;
    char **key_ids;
    size_t n;
} cache = {.lock = PTHREAD_MUTEX_INITIALIZER};

void ap_sign_fini(void)
{
    pthread_mutex_lock(&cache.lock);
    for (size_t i = 0; i < cache.n; i++) {
        httpsig_key_free(cache.keys[i]);
        free(cache.key_ids[i]);
    }
    free(cache.ids);
    free(cache.keys);
    free(cache.key_ids);
    cache.ids = NULL;
    cache.keys = NULL;
    cache.key_ids = NULL;
    cache.n = 0;
    pthread_mutex_unlock(&cache.lock);
}

/* The kept key of id and its key id (copied into a), or NULL. */
static struct httpsig_key *cached(int64_t id, struct arena *a, const char **key_id)
{
    struct httpsig_key *k = NULL;
    pthread_mutex_lock(&cache.lock);
    for (size_t i = 0; i < cache.n && !k; i++)
        if (cache.ids[i] == id) {
            k = cache.keys[i];
            *key_id = arena_strdup(a, cache.key_ids[i]);
        }
    pthread_mutex_unlock(&cache.lock);
    return k;
}

/* Keeps k for id; 1 when kept (the cache owns it), 0 when the table is full. */
static int keep(int64_t id, struct httpsig_key *k, const char *key_id)
{
    int kept = 0;
    pthread_mutex_lock(&cache.lock);
    if (cache.n < KEY_CACHE_MAX) {
        if (cache.n % 64 == 0) {
            cache.ids = xrealloc(cache.ids, (cache.n + 64) * sizeof(*cache.ids));
            cache.keys = xrealloc(cache.keys, (cache.n + 64) * sizeof(*cache.keys));
            cache.key_ids = xrealloc(cache.key_ids, (cache.n + 64) * sizeof(*cache.key_ids));
        }
        cache.ids[cache.n] = id;
        cache.key_ids[cache.n] = xstrdup(key_id);
        cache.keys[cache.n++] = k;
        kept = 1;
    }
    pthread_mutex_unlock(&cache.lock);
    return kept;
}

static void key_release(void *p)
{
    httpsig_key_free(p);
}

int ap_signer_for(const struct core *core, struct arena *a, int64_t account_id,
                  struct ap_signer *out)
{
    /* Keys are kept per account: a key pair never changes once made. */
    out->key = cached(account_id, a, &out->key_id);
    if (out->key)
        return 0;
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_READ, &c);
    if (rc)
        return rc;
    struct db_stmt *s;
    rc = db_prepare(c, "SELECT uri, private_key_pem FROM accounts WHERE id = ? AND domain IS NULL",
                    &s);
    const char *uri = NULL, *pem = NULL;
    if (rc == 0) {
        db_bind_i64(s, 1, account_id);
        rc = db_step(s);
        if (rc == DB_ROW) {
            uri = arena_strdup(a, db_col_text(s, 0));
            pem = db_col_text(s, 1) ? arena_strdup(a, db_col_text(s, 1)) : NULL;
            rc = 0;
        } else if (rc == DB_DONE) {
            rc = E_NOTFOUND;
        }
        db_stmt_done(s);
    }
    db_release(c);
    if (rc)
        return rc;
    if (!pem)
        return E_NOTFOUND;
    out->key_id = arena_printf(a, "%s#main-key", uri);
    struct httpsig_key *k;
    rc = httpsig_key_from_pem(pem, &k);
    explicit_bzero((char *)pem, strlen(pem));
    if (rc) {
        log_error("the key of account %lld cannot be read", (long long)account_id);
        return E_INTERNAL;
    }
    if (!keep(account_id, k, out->key_id))
        arena_defer(a, key_release, k);
    out->key = k;
    return 0;
}

int ap_signer_instance(const struct core *core, struct arena *a, struct ap_signer *out)
{
    out->key = cached(0, a, &out->key_id);
    if (out->key)
        return 0;
    out->key_id = arena_printf(a, "%s/actor#main-key", core->base_url);
    const char *priv, *pub;
    int rc = keys_instance(core, a, &priv, &pub);
    if (rc)
        return rc;
    struct httpsig_key *k;
    rc = httpsig_key_from_pem(priv, &k);
    explicit_bzero((char *)priv, strlen(priv));
    if (rc)
        return E_INTERNAL;
    if (!keep(0, k, out->key_id))
        arena_defer(a, key_release, k);
    out->key = k;
    return 0;
}

int ap_url_split(struct arena *a, const char *url, const char **scheme, const char **authority,
                 const char **target)
{
    CURLU *u = curl_url();
    char *sch = NULL, *host = NULL, *port = NULL, *path = NULL, *query = NULL;
    int rc = E_INVAL;
    if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_SCHEME, &sch, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_PATH, &path, 0) != CURLUE_OK)
        goto out;
    curl_url_get(u, CURLUPART_PORT, &port, 0);
    curl_url_get(u, CURLUPART_QUERY, &query, 0);
    if (strcasecmp(sch, "https") != 0 && strcasecmp(sch, "http") != 0)
        goto out;
    if (scheme)
        *scheme = arena_strdup(a, sch);
    if (authority) {
        char *h = port ? arena_printf(a, "%s:%s", host, port) : arena_strdup(a, host);
        for (char *p = h; *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p - 'A' + 'a');
        *authority = h;
    }
    if (target)
        *target = query ? arena_printf(a, "%s?%s", path, query) : arena_strdup(a, path);
    rc = 0;
out:
    curl_free(sch);
    curl_free(host);
    curl_free(port);
    curl_free(path);
    curl_free(query);
    curl_url_cleanup(u);
    return rc;
}

const char *ap_http_date(struct arena *a, time_t t)
{
    struct tm tm;
    char buf[64];
    gmtime_r(&t, &tm);
    strftime(buf, sizeof(buf), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return arena_strdup(a, buf);
}

int ap_sign_hop(void *ctx, struct arena *a, const char *method, const char *url, const void *body,
                size_t body_len, const char **headers, size_t *n_headers)
{
    const struct ap_signer *sg = ctx;
    const char *scheme, *authority, *target;
    int rc = ap_url_split(a, url, &scheme, &authority, &target);
    if (rc)
        return rc;
    struct httpsig_header h[3];
    size_t n = 0;
    h[n++] = (struct httpsig_header){"host", authority};
    h[n++] = (struct httpsig_header){"date", ap_http_date(a, time(NULL))};
    if (body)
        h[n++] = (struct httpsig_header){"digest", httpsig_digest(a, body, body_len)};
    struct httpsig_request r = {.method = method,
                                .scheme = scheme,
                                .authority = authority,
                                .target = target,
                                .headers = h,
                                .n_headers = n};
    const char *sig;
    rc = httpsig_sign_cavage(
        a, &r, sg->key_id, sg->key,
        body ? "(request-target) host date digest" : "(request-target) host date", &sig);
    if (rc)
        return rc;
    /* Host is curl's own; the others go with the request. */
    headers[(*n_headers)++] = arena_printf(a, "Date: %s", h[1].value);
    if (body)
        headers[(*n_headers)++] = arena_printf(a, "Digest: %s", h[2].value);
    headers[(*n_headers)++] = arena_printf(a, "Signature: %s", sig);
    return 0;
}
