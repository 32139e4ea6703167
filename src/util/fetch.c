/*
 * fetch: outbound HTTP over libcurl.
 *
 * A request goes through hops: the first URL, then each redirect Location
 * (GET with follow_redirects only). Every hop parses its URL with curl's own
 * parser (so the URL checked is the URL fetched), refuses schemes other
 * than https (and http with allow_private), asks the caller's sign callback
 * for fresh headers, and sets the easy handle up from scratch with
 * curl_easy_reset, which keeps the handle's connection cache. Redirects are
 * never left to curl: each hop must pass the same checks as the first.
 *
 * Addresses are checked where the socket is opened (CURLOPT_OPENSOCKETFUNCTION),
 * on the address curl is about to connect to, so a name that resolves to
 * a private address at connect time is refused whatever it resolved to
 * before. Proxies from the environment are ignored: the check must see the
 * real peer.
 *
 * Lifetime: each thread lazily gets a struct fetch_tls (an easy handle for
 * fetch_do, a multi handle and a small pool of easy handles for
 * fetch_many), released by a pthread key destructor when the thread ends
 * or by fetch_thread_done. Response bodies are collected in a capped buf
 * and handed to the caller's arena (arena_defer frees them). The global
 * options are written by fetch_init before any thread fetches and only
 * read afterwards.
 */
#define LOG_MODULE "fetch"
#include "util/fetch.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include <curl/curl.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/log.h"
#include "util/mem.h"

#define FETCH_SIGN_HEADERS 8                     /* headers a sign callback may add per hop */
#define FETCH_MANY_CONNECTIONS 32                /* CURLMOPT_MAX_TOTAL_CONNECTIONS */
#define FETCH_MANY_INFLIGHT 32                   /* transfers added to the multi handle at once */
#define FETCH_POOL_MAX 32                        /* idle easy handles kept for fetch_many */
#define FETCH_TIMEOUT_MAX_MS (24L * 3600 * 1000) /* keeps the deadline arithmetic sane */

static struct {
    int ready;
    int allow_private;
    char *user_agent;
    struct curl_slist *resolve;
} g;

struct fetch_tls {
    CURL *easy;     /* fetch_do's handle */
    int easy_busy;  /* set while a fetch_do runs (a sign callback may fetch too) */
    CURLM *multi;   /* fetch_many's handle */
    int multi_busy; /* likewise for fetch_many */
    CURL *pool[FETCH_POOL_MAX];
    size_t n_pool;
};

static _Thread_local struct fetch_tls *tls;
static pthread_key_t tls_key;
static pthread_once_t tls_once = PTHREAD_ONCE_INIT;

/* One request in flight: its state across hops. */
struct xfer {
    struct arena *a;
    const struct fetch_request *rq;
    struct fetch_response *out;
    CURL *h;
    int post;
    const char *method;
    const char *url;     /* this hop's URL, normalized by curl (arena) */
    const char *origin;  /* scheme://host:port of the first hop (arena) */
    int left_origin;     /* a redirect went to another origin: no more credentials */
    const char *log_url; /* this hop's URL without user info, query or fragment */
    int hops;            /* redirects followed so far */
    int64_t deadline_ms; /* CLOCK_MONOTONIC */
    long timeout_ms;
    size_t max_body;
    struct buf body;
    struct curl_slist *headers;
    int refused; /* the socket callback refused an address */
    char refused_addr[INET6_ADDRSTRLEN];
    int too_big; /* the write callback passed the cap */
    int done;
    int rc;
    char errbuf[CURL_ERROR_SIZE];
};

/* Address classification */

static int v4_is_public(uint32_t a)
{
    uint32_t top = a >> 24;
    if (top == 0 || top == 10 || top == 127) /* 0/8, 10/8, 127/8 */
        return 0;
    if ((a & 0xffc00000u) == 0x64400000u) /* 100.64/10: shared (CGNAT) */
        return 0;
    if ((a & 0xffff0000u) == 0xa9fe0000u) /* 169.254/16: link-local */
        return 0;
    if ((a & 0xfff00000u) == 0xac100000u) /* 172.16/12 */
        return 0;
    if ((a & 0xffff0000u) == 0xc0a80000u) /* 192.168/16 */
        return 0;
    if ((a & 0xffffff00u) == 0xc0000000u) /* 192.0.0/24: IETF protocol assignments */
        return 0;
    if ((a & 0xfffe0000u) == 0xc6120000u) /* 198.18/15: benchmarking */
        return 0;
    if (a >= 0xe0000000u) /* 224/4 multicast, 240/4 reserved, broadcast */
        return 0;
    return 1;
}

static uint32_t v4_at(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static int v6_is_public(const unsigned char *b)
{
    static const unsigned char zero[12];
    /* ::, ::1 (they fall in 0/8) and the IPv4-compatible ::a.b.c.d */
    if (memcmp(b, zero, 12) == 0)
        return v4_is_public(v4_at(b + 12));
    /* IPv4-mapped ::ffff:a.b.c.d */
    if (memcmp(b, zero, 10) == 0 && b[10] == 0xff && b[11] == 0xff)
        return v4_is_public(v4_at(b + 12));
    /* IPv4-translated ::ffff:0:a.b.c.d */
    if (memcmp(b, zero, 8) == 0 && b[8] == 0xff && b[9] == 0xff && b[10] == 0 && b[11] == 0)
        return v4_is_public(v4_at(b + 12));
    if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b) {
        if (memcmp(b + 4, zero, 8) == 0) /* NAT64 64:ff9b::/96 */
            return v4_is_public(v4_at(b + 12));
        if (b[4] == 0x00 && b[5] == 0x01) /* local-use NAT64 64:ff9b:1::/48 */
            return 0;
    }
    if (b[0] == 0x20 && b[1] == 0x02) /* 6to4 2002:a.b.c.d::/48 */
        return v4_is_public(v4_at(b + 2));
    if ((b[0] & 0xfe) == 0xfc) /* fc00::/7 unique local */
        return 0;
    if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) /* fe80::/10 link-local */
        return 0;
    if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) /* fec0::/10 site-local (deprecated) */
        return 0;
    if (b[0] == 0xff) /* ff00::/8 multicast */
        return 0;
    return 1;
}

int fetch_addr_is_public(const struct sockaddr *sa)
{
    if (!sa)
        return 0;
    if (sa->sa_family == AF_INET) {
        struct sockaddr_in in;
        memcpy(&in, sa, sizeof(in));
        return v4_is_public(ntohl(in.sin_addr.s_addr));
    }
    if (sa->sa_family == AF_INET6) {
        struct sockaddr_in6 in6;
        memcpy(&in6, sa, sizeof(in6));
        return v6_is_public(in6.sin6_addr.s6_addr);
    }
    return 0;
}

/* Thread-local handles */

static void tls_release(void *p)
{
    struct fetch_tls *t = p;
    if (!t)
        return;
    if (t->easy)
        curl_easy_cleanup(t->easy);
    for (size_t i = 0; i < t->n_pool; i++)
        curl_easy_cleanup(t->pool[i]);
    if (t->multi)
        curl_multi_cleanup(t->multi);
    free(t);
    if (tls == t)
        tls = NULL;
}

static void tls_key_make(void)
{
    pthread_key_create(&tls_key, tls_release);
}

static struct fetch_tls *tls_get(void)
{
    if (!tls) {
        tls = xcalloc(1, sizeof(*tls));
        pthread_once(&tls_once, tls_key_make);
        pthread_setspecific(tls_key, tls);
    }
    return tls;
}

void fetch_thread_done(void)
{
    if (!tls)
        return;
    tls_release(tls);
    pthread_setspecific(tls_key, NULL);
}

static CURL *pool_get(struct fetch_tls *t)
{
    if (t->n_pool > 0)
        return t->pool[--t->n_pool];
    return curl_easy_init();
}

static void pool_put(struct fetch_tls *t, CURL *h)
{
    if (t->n_pool < FETCH_POOL_MAX)
        t->pool[t->n_pool++] = h;
    else
        curl_easy_cleanup(h);
}

/* Global setup */

static void options_release(void)
{
    curl_slist_free_all(g.resolve);
    free(g.user_agent);
    g.resolve = NULL;
    g.user_agent = NULL;
}

int fetch_init(const struct fetch_options *opt)
{
    if (g.ready) {
        options_release();
    } else {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
            log_error("curl_global_init failed");
            return E_INTERNAL;
        }
        /* CURLOPT_PROTOCOLS_STR and the header API need curl 7.85. */
        const curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);
        if (!v || v->version_num < 0x075500) {
            log_error("libcurl %s is too old (7.85 or later needed)", v ? v->version : "?");
            curl_global_cleanup();
            return E_INTERNAL;
        }
    }
    pthread_once(&tls_once, tls_key_make);
    g.allow_private = opt ? opt->allow_private != 0 : 0;
    g.user_agent = xstrdup(opt && opt->user_agent ? opt->user_agent : "Hearth");
    for (size_t i = 0; opt && opt->resolve && opt->resolve[i]; i++) {
        struct curl_slist *l = curl_slist_append(g.resolve, opt->resolve[i]);
        if (!l) {
            options_release();
            curl_global_cleanup();
            g.ready = 0;
            return E_INTERNAL;
        }
        g.resolve = l;
    }
    g.ready = 1;
    return 0;
}

void fetch_fini(void)
{
    if (!g.ready)
        return;
    fetch_thread_done();
    options_release();
    memset(&g, 0, sizeof(g));
    curl_global_cleanup();
}

/* Callbacks */

static curl_socket_t on_open_socket(void *clientp, curlsocktype purpose, struct curl_sockaddr *addr)
{
    struct xfer *x = clientp;
    (void)purpose;
    if (!g.allow_private) {
        /* curl's storage behind addr->addr holds addrlen bytes, possibly more than a sockaddr. */
        struct sockaddr_storage ss;
        memset(&ss, 0, sizeof(ss));
        size_t n = addr->addrlen < sizeof(ss) ? addr->addrlen : sizeof(ss);
        memcpy(&ss, &addr->addr, n);
        int ok = (ss.ss_family == AF_INET && n >= sizeof(struct sockaddr_in)) ||
                 (ss.ss_family == AF_INET6 && n >= sizeof(struct sockaddr_in6));
        if (!ok || !fetch_addr_is_public((const struct sockaddr *)&ss)) {
            x->refused = 1;
            const void *ip = NULL;
            if (ok && ss.ss_family == AF_INET)
                ip = &((const struct sockaddr_in *)&ss)->sin_addr;
            else if (ok)
                ip = &((const struct sockaddr_in6 *)&ss)->sin6_addr;
            if (!ip || !inet_ntop(ss.ss_family, ip, x->refused_addr, sizeof(x->refused_addr)))
                snprintf(x->refused_addr, sizeof(x->refused_addr), "(family %d)", ss.ss_family);
            log_debug("refused to connect to %s", x->refused_addr);
            return CURL_SOCKET_BAD;
        }
    }
    return socket(addr->family, addr->socktype | SOCK_CLOEXEC, addr->protocol);
}

static size_t on_write(char *p, size_t size, size_t nmemb, void *ud)
{
    struct xfer *x = ud;
    size_t n = size * nmemb;
    /* Bytes after content decoding: a small gzip body cannot blow the cap. */
    if (buf_append(&x->body, p, n) != 0) {
        x->too_big = 1;
        return 0; /* anything but n aborts with CURLE_WRITE_ERROR */
    }
    return n;
}

/* Transfers */

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void xfer_fail(struct xfer *x, int rc, const char *why)
{
    x->done = 1;
    x->rc = rc;
    x->out->error = why;
    log_debug("%s %s failed: %s", x->method ? x->method : "?",
              x->log_url ? x->log_url : "(url not parsed)", why);
}

/* Fills the response with defaults and checks what needs no network. */
static void xfer_begin(struct xfer *x, struct arena *a, const struct fetch_request *rq,
                       struct fetch_response *out)
{
    memset(x, 0, sizeof(*x));
    memset(out, 0, sizeof(*out));
    x->a = a;
    x->rq = rq;
    x->out = out;
    out->body = arena_zalloc(a, 1);
    out->final_url = rq ? rq->url : NULL;
    x->max_body = rq && rq->max_body ? rq->max_body : FETCH_MAX_BODY;
    buf_init(&x->body, x->max_body);
    if (!g.ready) {
        xfer_fail(x, E_INTERNAL, "fetch_init was not called");
        return;
    }
    if (!rq || !rq->url) {
        xfer_fail(x, E_INVAL, "no URL");
        return;
    }
    if (!rq->method || strcmp(rq->method, "GET") == 0) {
        x->method = "GET";
    } else if (strcmp(rq->method, "POST") == 0) {
        x->method = "POST";
        x->post = 1;
    } else {
        xfer_fail(x, E_INVAL, "method not supported (GET or POST)");
        return;
    }
    if (rq->n_headers && !rq->headers) {
        xfer_fail(x, E_INVAL, "n_headers without headers");
        return;
    }
    x->timeout_ms = rq->timeout_ms > 0 ? rq->timeout_ms : FETCH_TIMEOUT_MS;
    if (x->timeout_ms > FETCH_TIMEOUT_MAX_MS)
        x->timeout_ms = FETCH_TIMEOUT_MAX_MS;
    x->deadline_ms = now_ms() + x->timeout_ms;
    x->url = rq->url;
}

static char *url_part(CURLU *u, CURLUPart what, unsigned flags)
{
    char *s = NULL;
    if (curl_url_get(u, what, &s, flags) != CURLUE_OK)
        return NULL;
    return s;
}

/* scheme://host:port, the default port spelled out, into the arena. */
static const char *url_origin(struct arena *a, CURLU *u)
{
    char *scheme = url_part(u, CURLUPART_SCHEME, 0);
    char *host = url_part(u, CURLUPART_HOST, 0);
    char *port = url_part(u, CURLUPART_PORT, CURLU_DEFAULT_PORT);
    const char *o =
        arena_printf(a, "%s://%s:%s", scheme ? scheme : "", host ? host : "", port ? port : "");
    curl_free(scheme);
    curl_free(host);
    curl_free(port);
    return o;
}

/* The URL for logs: no user info, query or fragment, which may carry secrets. */
static const char *url_for_log(struct arena *a, CURLU *u)
{
    char *scheme = url_part(u, CURLUPART_SCHEME, 0);
    char *host = url_part(u, CURLUPART_HOST, 0);
    char *port = url_part(u, CURLUPART_PORT, 0);
    char *path = url_part(u, CURLUPART_PATH, 0);
    const char *s = arena_printf(a, "%s://%s%s%s%s", scheme ? scheme : "", host ? host : "",
                                 port ? ":" : "", port ? port : "", path ? path : "/");
    curl_free(scheme);
    curl_free(host);
    curl_free(port);
    curl_free(path);
    return s;
}

static int header_ok(const char *h)
{
    return h && strchr(h, ':') && !strchr(h, '\r') && !strchr(h, '\n');
}

/* Credentials the caller set for one origin are not sent to another one. */
static int header_is_credential(const char *h)
{
    return strncasecmp(h, "Authorization:", 14) == 0 || strncasecmp(h, "Cookie:", 7) == 0;
}

static int add_header(struct xfer *x, const char *h)
{
    struct curl_slist *l = curl_slist_append(x->headers, h);
    if (!l)
        return E_NOMEM;
    x->headers = l;
    return 0;
}

/* Builds this hop's header list: the caller's, the signature's, and for POST no Expect. */
static int hop_headers(struct xfer *x, int same_origin)
{
    const struct fetch_request *rq = x->rq;
    for (size_t i = 0; i < rq->n_headers; i++) {
        if (!header_ok(rq->headers[i]))
            return E_INVAL;
        if (!same_origin && header_is_credential(rq->headers[i]))
            continue;
        if (add_header(x, rq->headers[i]) != 0)
            return E_NOMEM;
    }
    if (rq->sign) {
        const char *sh[FETCH_SIGN_HEADERS];
        size_t ns = 0;
        int rc = rq->sign(rq->sign_ctx, x->a, x->method, x->url, rq->body, rq->body_len, sh, &ns);
        if (rc != 0)
            return rc < 0 ? rc : E_INTERNAL;
        if (ns > FETCH_SIGN_HEADERS) {
            log_error("a sign callback added %zu headers (at most %d)", ns, FETCH_SIGN_HEADERS);
            abort();
        }
        for (size_t i = 0; i < ns; i++) {
            if (!header_ok(sh[i]))
                return E_INVAL;
            if (add_header(x, sh[i]) != 0)
                return E_NOMEM;
        }
    }
    /* The body goes at once: no 100-continue round trip, which some servers never answer. */
    if (x->post && add_header(x, "Expect:") != 0)
        return E_NOMEM;
    return 0;
}

/* Sets x->h up for the hop to x->url; on failure, x is done. */
static void hop_prepare(struct xfer *x)
{
    CURLU *u = curl_url();
    char *norm = NULL, *scheme = NULL;
    if (!u) {
        xfer_fail(x, E_NOMEM, "out of memory");
        goto out;
    }
    CURLUcode uc = curl_url_set(u, CURLUPART_URL, x->url, 0);
    if (uc == CURLUE_OK)
        norm = url_part(u, CURLUPART_URL, 0);
    if (!norm) {
        xfer_fail(x, E_INVAL,
                  arena_printf(x->a, "bad URL: %s",
                               uc != CURLUE_OK ? curl_url_strerror(uc) : "cannot be rebuilt"));
        goto out;
    }
    x->url = arena_strdup(x->a, norm);
    x->out->final_url = x->url;
    if (log_get_level() >= LOG_LEVEL_DEBUG)
        x->log_url = url_for_log(x->a, u);
    scheme = url_part(u, CURLUPART_SCHEME, 0);
    int https = scheme && strcmp(scheme, "https") == 0;
    int http = scheme && strcmp(scheme, "http") == 0;
    if (!https && !(http && g.allow_private)) {
        xfer_fail(x, E_FORBIDDEN,
                  arena_printf(x->a, "scheme %s not allowed (https only%s)", scheme ? scheme : "?",
                               g.allow_private ? ", or http" : ""));
        goto out;
    }
    const char *origin = url_origin(x->a, u);
    if (!x->origin)
        x->origin = origin;
    if (strcmp(origin, x->origin) != 0)
        x->left_origin = 1;

    int64_t left = x->deadline_ms - now_ms();
    if (left <= 0) {
        xfer_fail(x, E_REMOTE, arena_printf(x->a, "timed out after %ld ms", x->timeout_ms));
        goto out;
    }
    curl_slist_free_all(x->headers);
    x->headers = NULL;
    int rc = hop_headers(x, !x->left_origin);
    if (rc != 0) {
        xfer_fail(x, rc,
                  rc == E_INVAL   ? "a request header is malformed"
                  : rc == E_NOMEM ? "out of memory"
                                  : arena_printf(x->a, "signing failed: %s", err_str(rc)));
        goto out;
    }

    buf_reset(&x->body);
    x->refused = 0;
    x->too_big = 0;
    x->errbuf[0] = '\0';

    CURL *h = x->h;
    curl_easy_reset(h);
    const char *protocols = g.allow_private ? "http,https" : "https";
    CURLcode e = curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, protocols);
    if (e == CURLE_OK)
        e = curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, protocols);
    if (e == CURLE_OK)
        e = curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, on_open_socket);
    if (e == CURLE_OK)
        e = curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, x);
    if (e == CURLE_OK)
        e = curl_easy_setopt(h, CURLOPT_URL, norm);
    if (e == CURLE_OK && g.resolve)
        e = curl_easy_setopt(h, CURLOPT_RESOLVE, g.resolve);
    /* An empty proxy overrides http_proxy and friends: the address check must see the peer. */
    if (e == CURLE_OK)
        e = curl_easy_setopt(h, CURLOPT_PROXY, "");
    if (e != CURLE_OK) {
        xfer_fail(x, E_INTERNAL, arena_printf(x->a, "curl setup: %s", curl_easy_strerror(e)));
        goto out;
    }
    curl_easy_setopt(h, CURLOPT_PRIVATE, (char *)x);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, x->errbuf);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, x);
    curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)x->max_body);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)left);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                     (long)(left < FETCH_CONNECT_TIMEOUT_MS ? left : FETCH_CONNECT_TIMEOUT_MS));
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(h, CURLOPT_USERAGENT, g.user_agent);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, x->headers);
    if (x->post) {
        curl_easy_setopt(h, CURLOPT_POST, 1L);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)x->rq->body_len);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, x->rq->body ? x->rq->body : "");
    } else {
        curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    }
out:
    curl_free(scheme);
    curl_free(norm);
    curl_url_cleanup(u);
}

static int is_redirect(long status)
{
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

/* Resolves a Location against the hop's URL; NULL when it makes no URL. */
static const char *resolve_location(struct xfer *x, const char *loc)
{
    CURLU *u = curl_url();
    const char *next = NULL;
    if (!u)
        return NULL;
    if (curl_url_set(u, CURLUPART_URL, x->url, 0) == CURLUE_OK &&
        curl_url_set(u, CURLUPART_URL, loc, 0) == CURLUE_OK) {
        char *s = url_part(u, CURLUPART_URL, 0);
        next = arena_strdup(x->a, s);
        curl_free(s);
    }
    curl_url_cleanup(u);
    return next;
}

/* Takes the outcome of a hop: x is then done, or set up for the next hop. */
static void hop_after(struct xfer *x, CURLcode res)
{
    struct fetch_response *out = x->out;
    curl_slist_free_all(x->headers);
    x->headers = NULL;
    long status = 0;
    curl_easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &status);
    out->status = status;

    if (res != CURLE_OK) {
        if (x->refused)
            xfer_fail(x, E_FORBIDDEN,
                      arena_printf(x->a, "refused to connect to %s: not a public address",
                                   x->refused_addr));
        else if (x->too_big || res == CURLE_FILESIZE_EXCEEDED)
            xfer_fail(x, E_LIMIT,
                      arena_printf(x->a, "response body larger than %zu bytes", x->max_body));
        else if (res == CURLE_UNSUPPORTED_PROTOCOL)
            xfer_fail(x, E_FORBIDDEN, "protocol not allowed");
        else if (res == CURLE_URL_MALFORMAT)
            xfer_fail(x, E_INVAL, "bad URL");
        else if (res == CURLE_OPERATION_TIMEDOUT)
            xfer_fail(x, E_REMOTE, arena_printf(x->a, "timed out after %ld ms", x->timeout_ms));
        else
            xfer_fail(x, E_REMOTE,
                      x->errbuf[0] ? arena_strdup(x->a, x->errbuf) : curl_easy_strerror(res));
        return;
    }

    if (!x->post && x->rq->follow_redirects && is_redirect(status)) {
        struct curl_header *loc = NULL;
        if (curl_easy_header(x->h, "Location", 0, CURLH_HEADER, -1, &loc) == CURLHE_OK && loc &&
            loc->value && loc->value[0]) {
            if (x->hops >= FETCH_MAX_REDIRECTS) {
                xfer_fail(x, E_LIMIT,
                          arena_printf(x->a, "more than %d redirects", FETCH_MAX_REDIRECTS));
                return;
            }
            const char *next = resolve_location(x, loc->value);
            if (!next) {
                xfer_fail(x, E_REMOTE, "redirect to a malformed Location");
                return;
            }
            log_debug("GET %s: %ld, redirected", x->log_url ? x->log_url : "", status);
            x->hops++;
            x->url = next;
            hop_prepare(x);
            return;
        }
    }

    char *ct = NULL;
    if (curl_easy_getinfo(x->h, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK && ct)
        out->content_type = arena_strdup(x->a, ct);
    out->len = x->body.len;
    out->body = buf_steal(&x->body);
    arena_defer(x->a, free, out->body);
    out->final_url = x->url;
    x->done = 1;
    x->rc = 0;
    log_debug("%s %s: %ld, %zu bytes", x->method, x->log_url ? x->log_url : "", status, out->len);
}

/* Releases what the transfer holds; the handle is left clean for its next use. */
static void xfer_end(struct xfer *x)
{
    curl_slist_free_all(x->headers);
    x->headers = NULL;
    buf_fini(&x->body);
    /* The handle points into x (error buffer, callback data): forget those now. */
    if (x->h)
        curl_easy_reset(x->h);
}

int fetch_do(struct arena *a, const struct fetch_request *rq, struct fetch_response *out)
{
    struct xfer x;
    CURL *own = NULL;
    struct fetch_tls *t = NULL;
    xfer_begin(&x, a, rq, out);
    if (x.done)
        goto out;
    t = tls_get();
    if (t->easy_busy) {
        /* A nested fetch (from a sign callback) gets a handle of its own. */
        own = curl_easy_init();
        x.h = own;
    } else {
        if (!t->easy)
            t->easy = curl_easy_init();
        x.h = t->easy;
        if (x.h)
            t->easy_busy = 1;
    }
    if (!x.h) {
        xfer_fail(&x, E_INTERNAL, "curl_easy_init failed");
        goto out;
    }
    hop_prepare(&x);
    while (!x.done) {
        CURLcode res = curl_easy_perform(x.h);
        hop_after(&x, res);
    }
out:
    xfer_end(&x);
    if (own)
        curl_easy_cleanup(own);
    else if (t && x.h)
        t->easy_busy = 0;
    return x.rc;
}

/* Hands a finished transfer's handle back to the pool and sets its result. */
static void many_end(struct fetch_tls *t, struct xfer *x, int *rc)
{
    *rc = x->rc;
    xfer_end(x);
    if (x->h)
        pool_put(t, x->h);
    x->h = NULL;
}

static CURLM *many_multi(struct fetch_tls *t, int *own)
{
    *own = t->multi_busy;
    CURLM *m = *own ? NULL : t->multi;
    if (!m) {
        m = curl_multi_init();
        if (!m)
            return NULL;
        curl_multi_setopt(m, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)FETCH_MANY_CONNECTIONS);
        if (!*own)
            t->multi = m;
    }
    if (!*own)
        t->multi_busy = 1;
    return m;
}

int fetch_many(struct arena *a, const struct fetch_request *rq, size_t n,
               struct fetch_response *out, int *rc)
{
    if (n == 0)
        return 0;
    struct fetch_tls *t = tls_get();
    int own = 0;
    CURLM *m = g.ready ? many_multi(t, &own) : NULL;
    struct xfer *xs = xcalloc(n, sizeof(*xs));
    size_t next = 0, running = 0;
    for (;;) {
        while (running < FETCH_MANY_INFLIGHT && next < n) {
            size_t i = next++;
            struct xfer *x = &xs[i];
            xfer_begin(x, a, &rq[i], &out[i]);
            if (!x->done && !m)
                xfer_fail(x, E_INTERNAL, "curl_multi_init failed");
            if (!x->done) {
                x->h = pool_get(t);
                if (!x->h)
                    xfer_fail(x, E_INTERNAL, "curl_easy_init failed");
                else
                    hop_prepare(x);
            }
            if (!x->done && curl_multi_add_handle(m, x->h) != CURLM_OK)
                xfer_fail(x, E_INTERNAL, "curl_multi_add_handle failed");
            if (x->done)
                many_end(t, x, &rc[i]);
            else
                running++;
        }
        if (running == 0)
            break;

        int still = 0;
        CURLMcode mc = curl_multi_perform(m, &still);
        if (mc != CURLM_OK) {
            log_error("curl_multi_perform: %s", curl_multi_strerror(mc));
            for (size_t i = 0; i < next; i++) {
                if (xs[i].done)
                    continue;
                curl_multi_remove_handle(m, xs[i].h);
                xfer_fail(&xs[i], E_INTERNAL, "curl_multi_perform failed");
                many_end(t, &xs[i], &rc[i]);
                running--;
            }
            continue;
        }
        CURLMsg *msg;
        int left = 0;
        while ((msg = curl_multi_info_read(m, &left)) != NULL) {
            if (msg->msg != CURLMSG_DONE)
                continue;
            /* msg dies with curl_multi_remove_handle: take what we need first. */
            CURL *h = msg->easy_handle;
            CURLcode res = msg->data.result;
            char *priv = NULL;
            curl_easy_getinfo(h, CURLINFO_PRIVATE, &priv);
            struct xfer *x = (struct xfer *)priv;
            curl_multi_remove_handle(m, h);
            hop_after(x, res);
            if (!x->done && curl_multi_add_handle(m, h) != CURLM_OK)
                xfer_fail(x, E_INTERNAL, "curl_multi_add_handle failed");
            if (x->done) {
                many_end(t, x, &rc[x - xs]);
                running--;
            }
        }
        if (running > 0 && still > 0)
            curl_multi_poll(m, NULL, 0, 1000, NULL);
    }
    free(xs);
    if (own)
        curl_multi_cleanup(m);
    else if (m)
        t->multi_busy = 0;
    return 0;
}
