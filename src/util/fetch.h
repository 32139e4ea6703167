/*
 * fetch: outbound HTTP with libcurl, safe against what remote servers and
 * their DNS can do.
 *
 * Every request: connects only to public addresses (the check runs on the
 * address actually connected to, so DNS rebinding cannot slip past) unless
 * the options allow private ones (test_network); http and https only (http
 * only when private addresses are allowed too, in tests); a response body
 * capped at max_body (E_LIMIT beyond); connect and total timeouts;
 * redirects followed up to FETCH_MAX_REDIRECTS, each hop checked again and
 * re-signed by the caller's sign callback.
 *
 * Connections are reused: each thread keeps its own curl handles (a
 * thread's handles are released when it exits, or by fetch_thread_done).
 * fetch_many runs several requests at once on one thread with curl's multi
 * interface. fetch_init is called once before any thread fetches.
 */
#ifndef HEARTH_UTIL_FETCH_H
#define HEARTH_UTIL_FETCH_H

#include <stddef.h>

struct arena;
struct sockaddr;

#define FETCH_MAX_REDIRECTS 3
#define FETCH_MAX_BODY (1024 * 1024) /* default response cap */
#define FETCH_TIMEOUT_MS 10000       /* default total time per request */
#define FETCH_CONNECT_TIMEOUT_MS 5000

struct fetch_options {
    int allow_private;      /* 1: loopback, private, link-local addresses and plain http ok */
    const char *user_agent; /* "Hearth/0.1.0 (+https://social.example/)" */
    /* NULL-terminated CURLOPT_RESOLVE entries "host:port:addr" (tests) */
    const char *const *resolve;
};

/* Global setup (curl_global_init, options copied). 0 or E_INTERNAL. */
int fetch_init(const struct fetch_options *opt);
/* Releases the calling thread's handles (optional: done when a thread exits). */
void fetch_thread_done(void);
/* Global teardown, after every thread is done. */
void fetch_fini(void);

/*
 * Called before each hop (the first request and each redirect) to add
 * headers, e.g. an HTTP signature: url is the hop's URL, method and body
 * the request's. Adds "Name: value" strings (arena memory) to *headers
 * (up to 8). Non-zero aborts the request with that error.
 */
typedef int (*fetch_sign_fn)(void *ctx, struct arena *a, const char *method, const char *url,
                             const void *body, size_t body_len, const char **headers,
                             size_t *n_headers);

struct fetch_request {
    const char *method; /* "GET" or "POST" */
    const char *url;
    const char *const *headers; /* "Name: value", n_headers of them */
    size_t n_headers;
    const void *body; /* POST body (borrowed) or NULL */
    size_t body_len;
    size_t max_body;      /* 0: FETCH_MAX_BODY */
    long timeout_ms;      /* 0: FETCH_TIMEOUT_MS */
    int follow_redirects; /* GET only; POSTs are never redirected */
    fetch_sign_fn sign;   /* or NULL */
    void *sign_ctx;
};

struct fetch_response {
    long status; /* HTTP status; 0 when no response came */
    char *body;  /* arena memory, NUL-terminated (binary allowed: see len) */
    size_t len;
    const char *content_type; /* arena memory, or NULL */
    const char *final_url;    /* the URL that answered (after redirects) */
    const char *error;        /* why, when the call failed (static or arena text) */
};

/*
 * Performs rq. Returns 0 when a response came, whatever its status (read
 * out->status); E_FORBIDDEN when the address or scheme is refused; E_LIMIT
 * when the body passed its cap or too many redirects; E_REMOTE when the
 * connection failed, timed out or the response was malformed; E_INVAL for
 * a bad URL. out->error says why in each failing case.
 *
 * rq->headers go with every hop, except Authorization and Cookie once a
 * redirect has left the first URL's origin (scheme, host and port). The
 * timeout covers all hops together.
 */
int fetch_do(struct arena *a, const struct fetch_request *rq, struct fetch_response *out);

/*
 * Performs n requests at once (curl multi, at most 32 connections) and
 * fills out[i] and rc[i] as fetch_do would for each. Returns 0.
 */
int fetch_many(struct arena *a, const struct fetch_request *rq, size_t n,
               struct fetch_response *out, int *rc);

/*
 * 1 when sa (a struct sockaddr_in or sockaddr_in6, borrowed) is an address
 * fetches may connect to without allow_private; 0 for loopback, private,
 * shared (CGNAT), link-local, benchmarking, multicast and reserved IPv4,
 * their IPv4-mapped, IPv4-compatible, IPv4-translated, NAT64
 * (64:ff9b::/96) and 6to4 forms, local-use NAT64 (64:ff9b:1::/48), IPv6
 * unspecified, loopback, unique-local, link- and site-local and multicast,
 * and any other address family.
 */
int fetch_addr_is_public(const struct sockaddr *sa);

#endif
