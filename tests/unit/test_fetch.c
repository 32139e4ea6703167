/*
 * Unit tests for util/fetch, against a small HTTP/1.1 server started here
 * on 127.0.0.1 (an ephemeral port, one thread per connection, keep-alive,
 * canned answers per path). Nothing else is contacted: other names are
 * mapped to 127.0.0.1 by the resolve option, and the refused schemes and
 * addresses are refused before any lookup or connect.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "util/arena.h"
#include "util/err.h"
#include "util/fetch.h"
#include "t.h"

#define SRV_MAX_CONNS 512
#define SRV_REQ_MAX (2 * 1024 * 1024)
#define BIG_BYTES (2 * 1024 * 1024)
#define HELLO "Hello, fetch\n"
#define UA "Hearth-test/1"

static struct {
    int fd;
    int port;
    pthread_t thread;
    atomic_int stop;
    atomic_int accepts;
    pthread_mutex_t mu;
    pthread_t conns[SRV_MAX_CONNS];
    size_t n_conns;
} srv = {.mu = PTHREAD_MUTEX_INITIALIZER};

static char base[64]; /* http://127.0.0.1:PORT */
static char *big_body;
static unsigned char *gz_small, *gz_bomb;
static size_t gz_small_len, gz_bomb_len, gz_small_plain, gz_bomb_plain;

/* gzip bodies: fixed-Huffman deflate of 'a' then k matches of 258 bytes at distance 1. */

struct bits {
    unsigned char *p;
    size_t len;
    uint32_t acc;
    int n;
};

static void put_bits(struct bits *b, uint32_t v, int n)
{
    b->acc |= v << b->n;
    b->n += n;
    while (b->n >= 8) {
        b->p[b->len++] = (unsigned char)(b->acc & 0xff);
        b->acc >>= 8;
        b->n -= 8;
    }
}

/* Huffman codes are packed most significant bit first. */
static void put_code(struct bits *b, uint32_t code, int n)
{
    uint32_t r = 0;
    for (int i = 0; i < n; i++)
        r |= ((code >> i) & 1u) << (n - 1 - i);
    put_bits(b, r, n);
}

static uint32_t crc32_a(size_t n)
{
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        c ^= 'a';
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
    }
    return ~c;
}

static void put_le32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static unsigned char *gzip_a(size_t k, size_t *len, size_t *plain)
{
    unsigned char *p = calloc(1, 32 + 2 * k);
    static const unsigned char hdr[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
    memcpy(p, hdr, sizeof(hdr));
    struct bits b = {p, sizeof(hdr), 0, 0};
    put_bits(&b, 1, 1);          /* last block */
    put_bits(&b, 1, 2);          /* fixed Huffman codes */
    put_code(&b, 0x30 + 'a', 8); /* literal 'a' */
    for (size_t i = 0; i < k; i++) {
        put_code(&b, 0xc5, 8); /* length 258 (symbol 285) */
        put_code(&b, 0, 5);    /* distance 1 */
    }
    put_code(&b, 0, 7); /* end of block */
    if (b.n)
        put_bits(&b, 0, 8 - b.n);
    *plain = 1 + 258 * k;
    put_le32(p + b.len, crc32_a(*plain));
    put_le32(p + b.len + 4, (uint32_t)*plain);
    *len = b.len + 8;
    return p;
}

/* The server */

static int wait_readable(int fd)
{
    while (!atomic_load(&srv.stop)) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        if (poll(&pfd, 1, 50) > 0)
            return 1;
    }
    return 0;
}

static void nap_ms(int ms)
{
    for (int t = 0; t < ms && !atomic_load(&srv.stop); t += 50) {
        struct timespec ts = {0, 50 * 1000000L};
        nanosleep(&ts, NULL);
    }
}

static int send_all(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n > 0) {
        ssize_t w = send(fd, c, n, MSG_NOSIGNAL);
        if (w <= 0)
            return -1;
        c += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Returns 1 when the connection may carry another request. */
static int respond(int fd, int status, const char *ctype, const char *extra, const void *body,
                   size_t len)
{
    char head[1024];
    int n = snprintf(head, sizeof(head),
                     "HTTP/1.1 %d X\r\nContent-Type: %s\r\nContent-Length: %zu\r\n%s\r\n", status,
                     ctype, len, extra);
    if (send_all(fd, head, (size_t)n) != 0 || send_all(fd, body, len) != 0)
        return 0;
    return 1;
}

static int handle(int fd, const char *method, const char *path, const char *head, const char *body,
                  size_t blen)
{
    char extra[256];
    if (strcmp(path, "/hello") == 0)
        return respond(fd, 200, "text/plain; charset=utf-8", "", HELLO, strlen(HELLO));
    if (strcmp(path, "/big") == 0)
        return respond(fd, 200, "application/octet-stream", "", big_body, BIG_BYTES);
    if (strcmp(path, "/big-stream") == 0) {
        /* No Content-Length: the body ends when the connection closes. */
        static const char h[] = "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
                                "Connection: close\r\n\r\n";
        if (send_all(fd, h, sizeof(h) - 1) == 0)
            send_all(fd, big_body, BIG_BYTES);
        return 0;
    }
    if (strcmp(path, "/liar") == 0) {
        /* Announces 100 MB, sends 10 bytes and waits: only an early refusal ends this fast. */
        static const char h[] = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                                "Content-Length: 100000000\r\n\r\n0123456789";
        char c;
        if (send_all(fd, h, sizeof(h) - 1) == 0)
            while (wait_readable(fd) && recv(fd, &c, 1, 0) > 0)
                ;
        return 0;
    }
    if (strcmp(path, "/slow") == 0) {
        nap_ms(3000);
        return respond(fd, 200, "text/plain", "", "late", 4);
    }
    if (strncmp(path, "/chain/", 7) == 0) {
        long n = strtol(path + 7, NULL, 10);
        if (n <= 0)
            return respond(fd, 200, "text/plain", "", "end of chain", 12);
        snprintf(extra, sizeof(extra), "Location: http://127.0.0.1:%d/chain/%ld\r\n", srv.port,
                 n - 1);
        return respond(fd, 302, "text/plain", extra, "moved", 5);
    }
    if (strcmp(path, "/dir/rel") == 0)
        return respond(fd, 302, "text/plain", "Location: ../echo?from=rel\r\n", "", 0);
    if (strcmp(path, "/cross") == 0) {
        snprintf(extra, sizeof(extra), "Location: http://rebind.test:%d/echo\r\n", srv.port);
        return respond(fd, 307, "text/plain", extra, "", 0);
    }
    if (strcmp(path, "/cross-back") == 0) {
        snprintf(extra, sizeof(extra), "Location: http://rebind.test:%d/back\r\n", srv.port);
        return respond(fd, 302, "text/plain", extra, "", 0);
    }
    if (strcmp(path, "/back") == 0) {
        snprintf(extra, sizeof(extra), "Location: http://127.0.0.1:%d/echo\r\n", srv.port);
        return respond(fd, 302, "text/plain", extra, "", 0);
    }
    if (strcmp(path, "/to-ftp") == 0)
        return respond(fd, 301, "text/plain", "Location: ftp://127.0.0.1/x\r\n", "", 0);
    if (strncmp(path, "/echo", 5) == 0)
        return respond(fd, 200, "text/plain", "", head, strlen(head));
    if (strcmp(path, "/post") == 0) {
        if (strcmp(method, "POST") != 0)
            return respond(fd, 405, "text/plain", "", "POST only", 9);
        return respond(fd, 200, "application/octet-stream", "", body, blen);
    }
    if (strcmp(path, "/gzip") == 0)
        return respond(fd, 200, "text/plain", "Content-Encoding: gzip\r\n", gz_small, gz_small_len);
    if (strcmp(path, "/bomb") == 0)
        return respond(fd, 200, "text/plain", "Content-Encoding: gzip\r\n", gz_bomb, gz_bomb_len);
    return respond(fd, 404, "text/plain", "", "not here", 8);
}

static void *conn_main(void *arg)
{
    int fd = (int)(intptr_t)arg;
    size_t cap = 64 * 1024, len = 0;
    char *b = malloc(cap);
    for (;;) {
        char *end;
        while (!(end = memmem(b, len, "\r\n\r\n", 4))) {
            if (len == cap || !wait_readable(fd))
                goto out;
            ssize_t r = recv(fd, b + len, cap - len, 0);
            if (r <= 0)
                goto out;
            len += (size_t)r;
        }
        size_t head_len = (size_t)(end - b) + 4;
        char *head = strndup(b, head_len);
        char method[8] = "", path[256] = "";
        if (sscanf(head, "%7s %255s", method, path) != 2) {
            free(head);
            goto out;
        }
        size_t clen = 0;
        const char *cl = strcasestr(head, "\r\nContent-Length:");
        if (cl)
            clen = strtoul(cl + 17, NULL, 10);
        int want_close = strcasestr(head, "\r\nConnection: close") != NULL;
        if (clen > SRV_REQ_MAX) {
            free(head);
            goto out;
        }
        if (head_len + clen > cap) {
            cap = head_len + clen;
            b = realloc(b, cap);
        }
        while (len < head_len + clen) {
            ssize_t r = wait_readable(fd) ? recv(fd, b + len, cap - len, 0) : 0;
            if (r <= 0) {
                free(head);
                goto out;
            }
            len += (size_t)r;
        }
        int keep = handle(fd, method, path, head, b + head_len, clen) && !want_close;
        free(head);
        memmove(b, b + head_len + clen, len - head_len - clen);
        len -= head_len + clen;
        if (!keep)
            break;
    }
out:
    free(b);
    close(fd);
    return NULL;
}

static void *accept_main(void *unused)
{
    (void)unused;
    while (wait_readable(srv.fd)) {
        int c = accept4(srv.fd, NULL, NULL, SOCK_CLOEXEC);
        if (c < 0)
            continue;
        atomic_fetch_add(&srv.accepts, 1);
        /* Head and body go in two sends: without this, Nagle waits for a delayed ACK. */
        int one = 1;
        setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        pthread_mutex_lock(&srv.mu);
        if (srv.n_conns < SRV_MAX_CONNS &&
            pthread_create(&srv.conns[srv.n_conns], NULL, conn_main, (void *)(intptr_t)c) == 0)
            srv.n_conns++;
        else
            close(c);
        pthread_mutex_unlock(&srv.mu);
    }
    return NULL;
}

static int srv_start(void)
{
    srv.fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(srv.fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = 0};
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t sl = sizeof(sin);
    if (bind(srv.fd, (struct sockaddr *)&sin, sizeof(sin)) != 0 || listen(srv.fd, 128) != 0 ||
        getsockname(srv.fd, (struct sockaddr *)&sin, &sl) != 0)
        return -1;
    srv.port = ntohs(sin.sin_port);
    snprintf(base, sizeof(base), "http://127.0.0.1:%d", srv.port);
    return pthread_create(&srv.thread, NULL, accept_main, NULL);
}

static void srv_stop(void)
{
    atomic_store(&srv.stop, 1);
    pthread_join(srv.thread, NULL);
    for (size_t i = 0; i < srv.n_conns; i++)
        pthread_join(srv.conns[i], NULL);
    close(srv.fd);
}

/* Helpers */

static const char *url(struct arena *a, const char *path)
{
    return arena_printf(a, "%s%s", base, path);
}

static struct fetch_request get(const char *u)
{
    struct fetch_request rq = {0};
    rq.method = "GET";
    rq.url = u;
    return rq;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct sign_log {
    int calls;
    const char *urls[8];
    const char *method;
    size_t body_len;
};

/* Adds "X-Hop: <call> <url>", so the echo shows which hop's headers arrived. */
static int sign_hop(void *ctx, struct arena *a, const char *method, const char *u, const void *body,
                    size_t body_len, const char **headers, size_t *n)
{
    struct sign_log *l = ctx;
    (void)body;
    if (l->calls < 8)
        l->urls[l->calls] = arena_strdup(a, u);
    l->method = method;
    l->body_len = body_len;
    headers[(*n)++] = arena_printf(a, "X-Hop: %d %s", l->calls, u);
    l->calls++;
    return 0;
}

static int sign_refuse(void *ctx, struct arena *a, const char *method, const char *u,
                       const void *body, size_t body_len, const char **headers, size_t *n)
{
    (void)ctx, (void)a, (void)method, (void)u, (void)body, (void)body_len, (void)headers, (void)n;
    return E_AUTH;
}

/* Fetches /hello from inside the callback: a nested fetch on the same thread. */
static int sign_nested(void *ctx, struct arena *a, const char *method, const char *u,
                       const void *body, size_t body_len, const char **headers, size_t *n)
{
    (void)ctx, (void)method, (void)u, (void)body, (void)body_len;
    struct fetch_request rq = get(url(a, "/hello"));
    struct fetch_response out;
    int rc = fetch_do(a, &rq, &out);
    headers[(*n)++] = arena_printf(a, "X-Nested: %d %ld", rc, out.status);
    return 0;
}

/* Address classifier */

static int pub4(const char *s)
{
    struct sockaddr_in in = {.sin_family = AF_INET};
    if (inet_pton(AF_INET, s, &in.sin_addr) != 1)
        return -1;
    return fetch_addr_is_public((const struct sockaddr *)&in);
}

static int pub6(const char *s)
{
    struct sockaddr_in6 in6 = {.sin6_family = AF_INET6};
    if (inet_pton(AF_INET6, s, &in6.sin6_addr) != 1)
        return -1;
    return fetch_addr_is_public((const struct sockaddr *)&in6);
}

TEST(addr_classifier)
{
    static const char *const v4_private[] = {
        "0.0.0.0",         "0.1.2.3",         "10.0.0.1",    "10.255.255.255",  "100.64.0.1",
        "100.127.255.255", "127.0.0.1",       "127.255.0.1", "169.254.169.254", "172.16.0.1",
        "172.31.255.255",  "192.168.1.1",     "192.0.0.8",   "198.18.0.1",      "198.19.255.255",
        "224.0.0.1",       "239.255.255.250", "240.0.0.1",   "255.255.255.255",
    };
    static const char *const v4_public[] = {
        "1.1.1.1",     "8.8.8.8",         "9.255.255.255", "11.0.0.1",    "100.63.255.255",
        "100.128.0.0", "126.255.255.255", "128.0.0.1",     "169.253.0.1", "172.15.255.255",
        "172.32.0.1",  "192.0.1.1",       "192.167.0.1",   "192.169.0.1", "198.17.255.255",
        "198.20.0.1",  "223.255.255.255", "93.184.216.34",
    };
    static const char *const v6_private[] = {
        "::",
        "::1",
        "fc00::1",
        "fd12:3456::1",
        "fe80::1",
        "febf::1",
        "fec0::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "::ffff:192.168.0.1",
        "::ffff:169.254.169.254",
        "::127.0.0.1",
        "::10.1.2.3",
        "::ffff:0:127.0.0.1",
        "64:ff9b::127.0.0.1",
        "64:ff9b::a9fe:a9fe",
        "64:ff9b::10.0.0.1",
        "64:ff9b:1::8.8.8.8",
        "2002:7f00:1::1",
        "2002:c0a8:101::1",
    };
    static const char *const v6_public[] = {
        "2606:4700:4700::1111", "2a00:1450:4001:80b::200e",
        "::ffff:8.8.8.8",       "64:ff9b::808:808",
        "2002:808:808::1",      "fbff::1",
        "2001:db8::1",          "::8.8.8.8",
    };
    for (size_t i = 0; i < sizeof(v4_private) / sizeof(*v4_private); i++) {
        if (pub4(v4_private[i]) != 0)
            fprintf(stderr, "  %s\n", v4_private[i]);
        CHECK_INT(pub4(v4_private[i]), 0);
    }
    for (size_t i = 0; i < sizeof(v4_public) / sizeof(*v4_public); i++) {
        if (pub4(v4_public[i]) != 1)
            fprintf(stderr, "  %s\n", v4_public[i]);
        CHECK_INT(pub4(v4_public[i]), 1);
    }
    for (size_t i = 0; i < sizeof(v6_private) / sizeof(*v6_private); i++) {
        if (pub6(v6_private[i]) != 0)
            fprintf(stderr, "  %s\n", v6_private[i]);
        CHECK_INT(pub6(v6_private[i]), 0);
    }
    for (size_t i = 0; i < sizeof(v6_public) / sizeof(*v6_public); i++) {
        if (pub6(v6_public[i]) != 1)
            fprintf(stderr, "  %s\n", v6_public[i]);
        CHECK_INT(pub6(v6_public[i]), 1);
    }
    struct sockaddr_un un = {.sun_family = AF_UNIX};
    CHECK_INT(fetch_addr_is_public((const struct sockaddr *)&un), 0);
    CHECK_INT(fetch_addr_is_public(NULL), 0);
}

/* Without allow_private */

TEST(refuses_private_addresses)
{
    struct arena *a = arena_new();
    int before = atomic_load(&srv.accepts);
    struct fetch_response out;

    /* Plain http is refused outright. */
    struct fetch_request rq = get(url(a, "/hello"));
    CHECK_INT(fetch_do(a, &rq, &out), E_FORBIDDEN);
    CHECK(out.error && strstr(out.error, "scheme"));
    CHECK_INT(out.status, 0);

    /* https reaches the socket callback, which refuses the address. */
    rq.url = arena_printf(a, "https://127.0.0.1:%d/hello", srv.port);
    CHECK_INT(fetch_do(a, &rq, &out), E_FORBIDDEN);
    CHECK(out.error && strstr(out.error, "127.0.0.1"));
    CHECK(out.body && out.len == 0);

    /* A name that resolves to loopback is refused at connect time. */
    rq.url = arena_printf(a, "https://rebind.test:%d/hello", srv.port);
    CHECK_INT(fetch_do(a, &rq, &out), E_FORBIDDEN);
    CHECK(out.error && strstr(out.error, "127.0.0.1") && strstr(out.error, "not a public"));

    rq.url = arena_printf(a, "https://[::1]:%d/hello", srv.port);
    CHECK_INT(fetch_do(a, &rq, &out), E_FORBIDDEN);
    rq.url = arena_printf(a, "https://[::ffff:127.0.0.1]:%d/hello", srv.port);
    CHECK_INT(fetch_do(a, &rq, &out), E_FORBIDDEN);

    /* The same through fetch_many. */
    struct fetch_request many[2] = {get(arena_printf(a, "https://rebind.test:%d/", srv.port)),
                                    get(arena_printf(a, "https://127.0.0.1:%d/", srv.port))};
    struct fetch_response mout[2];
    int rc[2] = {1, 1};
    CHECK_INT(fetch_many(a, many, 2, mout, rc), 0);
    CHECK_INT(rc[0], E_FORBIDDEN);
    CHECK_INT(rc[1], E_FORBIDDEN);
    CHECK(mout[0].error && strstr(mout[0].error, "not a public"));

    CHECK_INT(atomic_load(&srv.accepts), before); /* nothing reached the server */
    arena_free(a);
}

TEST(refuses_schemes_and_bad_requests)
{
    struct arena *a = arena_new();
    struct fetch_response out;
    static const char *const forbidden[] = {"ftp://127.0.0.1/x", "file:///etc/passwd",
                                            "http://example.com/", "gopher://127.0.0.1/"};
    for (size_t i = 0; i < sizeof(forbidden) / sizeof(*forbidden); i++) {
        struct fetch_request rq = get(forbidden[i]);
        CHECK_INT(fetch_do(a, &rq, &out), E_FORBIDDEN);
        CHECK(out.error != NULL);
    }
    struct fetch_request rq = get("not a url");
    CHECK_INT(fetch_do(a, &rq, &out), E_INVAL);
    CHECK(out.error && strstr(out.error, "URL"));
    rq = get(NULL);
    CHECK_INT(fetch_do(a, &rq, &out), E_INVAL);
    rq = get("https://example.com/");
    rq.method = "PUT";
    CHECK_INT(fetch_do(a, &rq, &out), E_INVAL);
    static const char *const bad_header[] = {"X-A: 1\r\nX-B: 2"};
    rq = get("https://example.com/");
    rq.headers = bad_header;
    rq.n_headers = 1;
    CHECK_INT(fetch_do(a, &rq, &out), E_INVAL);
    arena_free(a);
}

/* With allow_private */

TEST(get_ok)
{
    struct arena *a = arena_new();
    struct fetch_response out;
    struct fetch_request rq = get(url(a, "/hello"));
    CHECK_INT(fetch_do(a, &rq, &out), 0);
    CHECK_INT(out.status, 200);
    CHECK_STR(out.body, HELLO);
    CHECK_INT(out.len, strlen(HELLO));
    CHECK_STR(out.content_type, "text/plain; charset=utf-8");
    CHECK_STR(out.final_url, rq.url);
    CHECK(out.error == NULL);

    rq = get(url(a, "/missing"));
    CHECK_INT(fetch_do(a, &rq, &out), 0);
    CHECK_INT(out.status, 404);
    CHECK_STR(out.body, "not here");

    /* The resolve option maps the name; the user agent and caller headers are sent. */
    static const char *const hdrs[] = {"Accept: application/activity+json"};
    rq = get(arena_printf(a, "http://rebind.test:%d/echo", srv.port));
    rq.headers = hdrs;
    rq.n_headers = 1;
    CHECK_INT(fetch_do(a, &rq, &out), 0);
    CHECK_INT(out.status, 200);
    CHECK(strstr(out.body, "User-Agent: " UA "\r\n") != NULL);
    CHECK(strstr(out.body, "Accept: application/activity+json\r\n") != NULL);
    CHECK(strstr(out.body, "Host: rebind.test:") != NULL);

    /* Still no other schemes. */
    rq = get(arena_printf(a, "ftp://127.0.0.1:%d/", srv.port));
    CHECK_INT(fetch_do(a, &rq, &out), E_FORBIDDEN);

    /* A sign callback's error ends the request with it. */
    rq = get(url(a, "/hello"));
    rq.sign = sign_refuse;
    CHECK_INT(fetch_do(a, &rq, &out), E_AUTH);
    CHECK(out.error && strstr(out.error, "sign"));
    arena_free(a);
}

TEST(body_cap)
{
    struct arena *a = arena_new();
    struct fetch_response out;
    /* Content-Length over the cap: refused before the body. */
    struct fetch_request rq = get(url(a, "/big"));
    CHECK_INT(fetch_do(a, &rq, &out), E_LIMIT);
    CHECK(out.error && strstr(out.error, "larger"));
    rq = get(url(a, "/liar"));
    rq.timeout_ms = 2000;
    int64_t t0 = now_ms();
    CHECK_INT(fetch_do(a, &rq, &out), E_LIMIT);
    CHECK(now_ms() - t0 < 1000);
    /* No Content-Length: cut off by the write callback. */
    rq = get(url(a, "/big-stream"));
    CHECK_INT(fetch_do(a, &rq, &out), E_LIMIT);
    CHECK_INT(out.status, 200);
    rq = get(url(a, "/big-stream"));
    rq.max_body = BIG_BYTES;
    CHECK_INT(fetch_do(a, &rq, &out), 0);
    CHECK_INT(out.len, BIG_BYTES);
    CHECK(out.len == BIG_BYTES && memcmp(out.body, big_body, BIG_BYTES) == 0);
    rq = get(url(a, "/big"));
    rq.max_body = 3 * 1024 * 1024;
    CHECK_INT(fetch_do(a, &rq, &out), 0);
    CHECK_INT(out.len, BIG_BYTES);
    /* Exactly at the cap is fine, one byte less is not. */
    rq = get(url(a, "/hello"));
    rq.max_body = strlen(HELLO);
    CHECK_INT(fetch_do(a, &rq, &out), 0);
    rq.max_body = strlen(HELLO) - 1;
    CHECK_INT(fetch_do(a, &rq, &out), E_LIMIT);
    arena_free(a);
}

TEST(gzip)
{
    struct arena *a = arena_new();
    struct fetch_response out;
    struct fetch_request rq = get(url(a, "/gzip"));
    CHECK_INT(fetch_do(a, &rq, &out), 0);
    CHECK_INT(out.len, gz_small_plain);
    int all_a = out.len == gz_small_plain;
    for (size_t i = 0; all_a && i < out.len; i++)
        all_a = out.body[i] == 'a';
    CHECK(all_a);
    /* ~13 kB on the wire, 2 MB decoded: the decoded bytes count. */
    rq = get(url(a, "/bomb"));
    CHECK(gz_bomb_len < FETCH_MAX_BODY && gz_bomb_plain > FETCH_MAX_BODY);
    CHECK_INT(fetch_do(a, &rq, &out), E_LIMIT);
    rq.max_body = 4 * 1024 * 1024;
    CHECK_INT(fetch_do(a, &rq, &out), 0);
    CHECK_INT(out.len, gz_bomb_plain);
    arena_free(a);
}

TEST(timeout)
{
    struct arena *a = arena_new();
    struct fetch_response out;
    struct fetch_request rq = get(url(a, "/slow"));
    rq.timeout_ms = 500;
    int64_t t0 = now_ms();
    CHECK_INT(fetch_do(a, &rq, &out), E_REMOTE);
    int64_t took = now_ms() - t0;
    CHECK(took >= 400 && took < 2000);
    CHECK(out.error && strstr(out.error, "timed out"));
    arena_free(a);
}

TEST(redirects)
{
    struct arena *a = arena_new();
    struct fetch_response out;

    /* Two hops, each signed anew. */
    struct sign_log log = {0};
    struct fetch_request rq = get(url(a, "/chain/2"));
    rq.follow_redirects = 1;
    rq.sign = sign_hop;
    rq.sign_ctx = &log;
    CHECK_INT(fetch_do(a, &rq, &out), 0);
    CHECK_INT(out.status, 200);
    CHECK_STR(out.body, "end of chain");
    CHECK_STR(out.final_url, url(a, "/chain/0"));
    CHECK_INT(log.calls, 3);
    CHECK_STR(log.urls[0], url(a, "/chain/2"));
    CHECK_STR(log.urls[1], url(a, "/chain/1"));
    CHECK_STR(log.urls[2], url(a, "/chain/0"));
    CHECK_STR(log.method, "GET");

    /* FETCH_MAX_REDIRECTS is allowed, one more is not. */
    rq = get(url(a, "/chain/3"));
    rq.follow_redirects = 1;
    CHECK_INT(fetch_do(a, &rq, &out), 0);
    CHECK_STR(out.final_url, url(a, "/chain/0"));
    rq = get(url(a, "/chain/4"));
    rq.follow_redirects = 1;
    CHECK_INT(fetch_do(a, &rq, &out), E_LIMIT);
    rq = get(url(a, "/chain/5"));
    rq.follow_redirects = 1;
    CHECK_INT(fetch_do(a, &rq, &out), E_LIMIT);
    CHECK(out.error && strstr(out.error, "redirects"));

    /* Not asked to follow: the 302 is the answer. */
    rq = get(url(a, "/chain/2"));
    CHECK_INT(fetch_do(a, &rq, &out), 0);
    CHECK_INT(out.status, 302);
    CHECK_STR(out.body, "moved");
    CHECK_STR(out.final_url, url(a, "/chain/2"));

    /* A relative Location; the echo shows only the second hop's signature. */
    static const char *const hdrs[] = {"Accept: application/activity+json",
                                       "Authorization: Bearer secret"};
    memset(&log, 0, sizeof(log));
    rq = get(url(a, "/dir/rel"));
    rq.follow_redirects = 1;
    rq.sign = sign_hop;
    rq.sign_ctx = &log;
    rq.headers = hdrs;
    rq.n_headers = 2;
    CHECK_INT(fetch_do(a, &rq, &out), 0);
    CHECK_INT(out.status, 200);
    CHECK_STR(out.final_url, url(a, "/echo?from=rel"));
    CHECK(strstr(out.body, "GET /echo?from=rel HTTP/1.1\r\n") != NULL);
    CHECK(strstr(out.body, arena_printf(a, "X-Hop: 1 %s\r\n", url(a, "/echo?from=rel"))) != NULL);
    CHECK(strstr(out.body, "X-Hop: 0") == NULL);
    CHECK(strstr(out.body, "Accept: application/activity+json\r\n") != NULL);
    CHECK(strstr(out.body, "Authorization: Bearer secret\r\n") != NULL); /* same origin */
    CHECK_INT(log.calls, 2);

    /* Credentials stay behind when the redirect leaves the origin. */
    rq.url = url(a, "/cross");
    CHECK_INT(fetch_do(a, &rq, &out), 0);
    CHECK_STR(out.final_url, arena_printf(a, "http://rebind.test:%d/echo", srv.port));
    CHECK(strstr(out.body, "Accept: application/activity+json\r\n") != NULL);
    CHECK(strstr(out.body, "Authorization") == NULL);
    CHECK(strstr(out.body, "X-Hop: 3 http://rebind.test:") != NULL);
    /* ... and do not come back with a later hop to the first origin. */
    rq.url = url(a, "/cross-back");
    CHECK_INT(fetch_do(a, &rq, &out), 0);
    CHECK_STR(out.final_url, url(a, "/echo"));
    CHECK(strstr(out.body, "Accept: application/activity+json\r\n") != NULL);
    CHECK(strstr(out.body, "Authorization") == NULL);

    /* Each hop is checked again: ftp is refused. */
    rq = get(url(a, "/to-ftp"));
    rq.follow_redirects = 1;
    CHECK_INT(fetch_do(a, &rq, &out), E_FORBIDDEN);

    /* POST never follows. */
    memset(&log, 0, sizeof(log));
    rq = get(url(a, "/chain/1"));
    rq.method = "POST";
    rq.body = "x=1";
    rq.body_len = 3;
    rq.follow_redirects = 1;
    rq.sign = sign_hop;
    rq.sign_ctx = &log;
    CHECK_INT(fetch_do(a, &rq, &out), 0);
    CHECK_INT(out.status, 302);
    CHECK_STR(out.final_url, url(a, "/chain/1"));
    CHECK_INT(log.calls, 1);
    CHECK_STR(log.method, "POST");
    arena_free(a);
}

TEST(post)
{
    struct arena *a = arena_new();
    struct fetch_response out;
    size_t n = 300 * 1000;
    unsigned char *body = arena_alloc(a, n);
    for (size_t i = 0; i < n; i++)
        body[i] = (unsigned char)(i * 31 + 7); /* NULs and high bytes included */
    static const char *const hdrs[] = {"Content-Type: application/octet-stream"};
    struct sign_log log = {0};
    struct fetch_request rq = {.method = "POST",
                               .url = url(a, "/post"),
                               .headers = hdrs,
                               .n_headers = 1,
                               .body = body,
                               .body_len = n,
                               .sign = sign_hop,
                               .sign_ctx = &log};
    CHECK_INT(fetch_do(a, &rq, &out), 0);
    CHECK_INT(out.status, 200);
    CHECK_INT(out.len, n);
    CHECK(out.len == n && memcmp(out.body, body, n) == 0);
    CHECK_INT(log.body_len, n);

    rq.url = url(a, "/echo");
    rq.body = "hello";
    rq.body_len = 5;
    CHECK_INT(fetch_do(a, &rq, &out), 0);
    CHECK(strstr(out.body, "POST /echo HTTP/1.1\r\n") != NULL);
    CHECK(strstr(out.body, "Content-Length: 5\r\n") != NULL);
    CHECK(strstr(out.body, "Content-Type: application/octet-stream\r\n") != NULL);
    CHECK(strstr(out.body, "Expect") == NULL);

    /* An empty POST. */
    rq.url = url(a, "/post");
    rq.body = NULL;
    rq.body_len = 0;
    CHECK_INT(fetch_do(a, &rq, &out), 0);
    CHECK_INT(out.status, 200);
    CHECK_INT(out.len, 0);
    arena_free(a);
}

TEST(nested_fetch_in_sign)
{
    struct arena *a = arena_new();
    struct fetch_response out;
    struct fetch_request rq = get(url(a, "/echo"));
    rq.sign = sign_nested;
    CHECK_INT(fetch_do(a, &rq, &out), 0);
    CHECK(strstr(out.body, "X-Nested: 0 200\r\n") != NULL);
    arena_free(a);
}

TEST(many)
{
    struct arena *a = arena_new();
    enum { N = 20 };
    struct fetch_request rq[N];
    struct fetch_response out[N];
    int rc[N];
    struct sign_log logs[N];
    memset(logs, 0, sizeof(logs));
    for (int i = 0; i < N; i++) {
        switch (i % 4) {
        case 0:
            rq[i] = get(url(a, "/hello"));
            break;
        case 1:
            rq[i] = get(url(a, "/echo"));
            break;
        case 2:
            rq[i] = get(url(a, "/chain/2"));
            rq[i].follow_redirects = 1;
            break;
        default:
            rq[i] = get(url(a, "/post"));
            rq[i].method = "POST";
            rq[i].body = arena_printf(a, "item %d", i);
            rq[i].body_len = strlen(rq[i].body);
            break;
        }
        rq[i].sign = sign_hop;
        rq[i].sign_ctx = &logs[i];
        rc[i] = 1;
    }
    CHECK_INT(fetch_many(a, rq, N, out, rc), 0);
    for (int i = 0; i < N; i++) {
        CHECK_INT(rc[i], 0);
        CHECK_INT(out[i].status, 200);
        switch (i % 4) {
        case 0:
            CHECK_STR(out[i].body, HELLO);
            CHECK_INT(logs[i].calls, 1);
            break;
        case 1:
            CHECK(strstr(out[i].body, "X-Hop: 0 ") != NULL);
            break;
        case 2:
            CHECK_STR(out[i].body, "end of chain");
            CHECK_STR(out[i].final_url, url(a, "/chain/0"));
            CHECK_INT(logs[i].calls, 3);
            break;
        default:
            CHECK_STR(out[i].body, arena_printf(a, "item %d", i));
            break;
        }
    }

    /* Each request fails or succeeds on its own. */
    struct fetch_request mixed[6] = {
        get("not a url"),        get(url(a, "/big")),
        get(url(a, "/missing")), get(url(a, "/chain/5")),
        get(url(a, "/hello")),   get(arena_printf(a, "ftp://127.0.0.1:%d/", srv.port))};
    mixed[3].follow_redirects = 1;
    int mrc[6];
    struct fetch_response mout[6];
    CHECK_INT(fetch_many(a, mixed, 6, mout, mrc), 0);
    CHECK_INT(mrc[0], E_INVAL);
    CHECK_INT(mrc[1], E_LIMIT);
    CHECK_INT(mrc[2], 0);
    CHECK_INT(mout[2].status, 404);
    CHECK_INT(mrc[3], E_LIMIT);
    CHECK_INT(mrc[4], 0);
    CHECK_STR(mout[4].body, HELLO);
    CHECK_INT(mrc[5], E_FORBIDDEN);
    for (int i = 0; i < 6; i++)
        CHECK(mrc[i] == 0 ? mout[i].error == NULL : mout[i].error != NULL);

    /* More requests than run at once. */
    enum { M = 70 };
    struct fetch_request lots[M];
    struct fetch_response lout[M];
    int lrc[M];
    for (int i = 0; i < M; i++)
        lots[i] = get(url(a, "/hello"));
    CHECK_INT(fetch_many(a, lots, M, lout, lrc), 0);
    int ok = 0;
    for (int i = 0; i < M; i++)
        ok += lrc[i] == 0 && lout[i].status == 200 && strcmp(lout[i].body, HELLO) == 0;
    CHECK_INT(ok, M);
    CHECK_INT(fetch_many(a, NULL, 0, NULL, NULL), 0);
    arena_free(a);
}

TEST(connection_reuse)
{
    struct arena *a = arena_new();
    fetch_thread_done(); /* start from no open connection */
    int before = atomic_load(&srv.accepts);
    int ok = 0;
    for (int i = 0; i < 10; i++) {
        struct fetch_response out;
        struct fetch_request rq = get(url(a, "/hello"));
        ok += fetch_do(a, &rq, &out) == 0 && out.status == 200;
    }
    CHECK_INT(ok, 10);
    CHECK_INT(atomic_load(&srv.accepts) - before, 1);

    /* fetch_many keeps its connections between calls too. */
    before = atomic_load(&srv.accepts);
    for (int i = 0; i < 3; i++) {
        struct fetch_request rq = get(url(a, "/hello"));
        struct fetch_response out;
        int rc = 1;
        CHECK_INT(fetch_many(a, &rq, 1, &out, &rc), 0);
        CHECK_INT(rc, 0);
    }
    CHECK_INT(atomic_load(&srv.accepts) - before, 1);
    arena_free(a);
}

static atomic_int thread_ok;

static void *thread_main(void *unused)
{
    (void)unused;
    struct arena *a = arena_new();
    for (int i = 0; i < 5; i++) {
        struct fetch_response out;
        struct fetch_request rq = get(url(a, "/hello"));
        if (fetch_do(a, &rq, &out) == 0 && out.status == 200 && strcmp(out.body, HELLO) == 0)
            atomic_fetch_add(&thread_ok, 1);
    }
    struct fetch_request rq[3] = {get(url(a, "/hello")), get(url(a, "/hello")),
                                  get(url(a, "/missing"))};
    struct fetch_response out[3];
    int rc[3];
    fetch_many(a, rq, 3, out, rc);
    for (int i = 0; i < 3; i++)
        if (rc[i] == 0)
            atomic_fetch_add(&thread_ok, 1);
    arena_free(a);
    arena_thread_release();
    return NULL; /* the thread's curl handles go with it */
}

TEST(threads)
{
    pthread_t th[4];
    atomic_store(&thread_ok, 0);
    for (int i = 0; i < 4; i++)
        pthread_create(&th[i], NULL, thread_main, NULL);
    for (int i = 0; i < 4; i++)
        pthread_join(th[i], NULL);
    CHECK_INT(atomic_load(&thread_ok), 4 * 8);
}

int main(void)
{
    big_body = malloc(BIG_BYTES);
    for (size_t i = 0; i < BIG_BYTES; i++)
        big_body[i] = (char)('a' + i % 26);
    gz_small = gzip_a(3, &gz_small_len, &gz_small_plain);
    gz_bomb = gzip_a(8200, &gz_bomb_len, &gz_bomb_plain);
    if (srv_start() != 0) {
        fprintf(stderr, "cannot start the test server\n");
        return 1;
    }
    char rebind[64];
    snprintf(rebind, sizeof(rebind), "rebind.test:%d:127.0.0.1", srv.port);
    const char *resolve[] = {rebind, NULL};
    struct fetch_options opt = {.allow_private = 0, .user_agent = UA, .resolve = resolve};

    RUN(addr_classifier);

    if (fetch_init(&opt) != 0) {
        fprintf(stderr, "fetch_init failed\n");
        return 1;
    }
    RUN(refuses_private_addresses);
    RUN(refuses_schemes_and_bad_requests);
    fetch_fini();

    opt.allow_private = 1;
    if (fetch_init(&opt) != 0) {
        fprintf(stderr, "fetch_init failed\n");
        return 1;
    }
    RUN(get_ok);
    RUN(body_cap);
    RUN(gzip);
    RUN(timeout);
    RUN(redirects);
    RUN(post);
    RUN(nested_fetch_in_sign);
    RUN(many);
    RUN(connection_reuse);
    RUN(threads);
    fetch_fini();

    srv_stop();
    free(big_body);
    free(gz_small);
    free(gz_bomb);
    arena_thread_release();
    return t_done();
}
