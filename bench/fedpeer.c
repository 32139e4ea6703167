/*
 * fedpeer: a fast stand-in for remote ActivityPub servers, for the
 * federation benchmark (bench/federation.sh).
 *
 *   fedpeer serve [--key-out FILE] [--count-file FILE] [--threads N] PORT [PORT...]
 *       Listens on 127.0.0.1:PORT for each PORT; each port is a remote
 *       server of its own to Hearth (its domain is "127.0.0.1:PORT").
 *       GET /users/NAME answers an actor document (Person, inbox
 *       /users/NAME/inbox, publicKey of the one RSA key made at start,
 *       whose private half goes to --key-out). A POST to any path ending
 *       in /inbox is read and answered 202 at once, and counted: the count
 *       and the wall-clock time (ms) of the latest POST are rewritten to
 *       --count-file every 100 ms as "COUNT LAST_MS". Stops on SIGINT or
 *       SIGTERM.
 *
 *   fedpeer ingest --key FILE HEARTH_URL PEER_PORT N CONCURRENCY ACTORS
 *       Signs N Create(Note) activities of actors a0..a(ACTORS-1) on
 *       http://127.0.0.1:PEER_PORT with the key in FILE (Hearth's own
 *       draft-cavage signing: "(request-target) host date digest"), then
 *       POSTs them to HEARTH_URL/inbox, CONCURRENCY at a time, and prints
 *       how many were answered 202, the first POST's wall-clock time (ms)
 *       and how long the sending took.
 *
 * Benchmark tooling, not part of the server: it links libhearth.a for the
 * signing and fetching code, and speaks libmicrohttpd itself.
 */
#include <errno.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <microhttpd.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "ap/httpsig.h"
#include "ap/internal.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/fetch.h"
#include "util/log.h"
#include "util/mem.h"

#define PORTS_MAX 64
#define NAME_MAX_LEN 64
#define MANY_INFLIGHT 32 /* what one fetch_many call keeps in flight (util/fetch.c) */
#define BATCH_PIPELINED 512

/* serve */

struct peer {
    int port;
    struct MHD_Daemon *daemon;
};

static struct {
    const char *public_pem;
    atomic_ullong posts;
    atomic_llong last_ms;
} srv;

static int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int parse_int(const char *s, long min, long max, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < min || v > max)
        return E_INVAL;
    *out = v;
    return 0;
}

static enum MHD_Result answer(struct MHD_Connection *conn, unsigned int status, const char *type,
                              const char *body, size_t len, enum MHD_ResponseMemoryMode mode)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(len, (void *)body, mode);
    if (!r)
        return MHD_NO;
    if (type)
        MHD_add_response_header(r, "Content-Type", type);
    enum MHD_Result ret = MHD_queue_response(conn, status, r);
    MHD_destroy_response(r);
    return ret;
}

/* NAME of "/users/NAME" when it is a plain name, else NULL. */
static const char *user_of(const char *url, char *name, size_t size)
{
    if (strncmp(url, "/users/", 7) != 0)
        return NULL;
    const char *p = url + 7;
    size_t n = 0;
    while (p[n] && p[n] != '/') {
        char c = p[n];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_'))
            return NULL;
        n++;
    }
    if (n == 0 || n >= size || n > NAME_MAX_LEN || p[n])
        return NULL;
    memcpy(name, p, n);
    name[n] = '\0';
    return name;
}

static enum MHD_Result actor(struct MHD_Connection *conn, const struct peer *pe, const char *name)
{
    char id[256], inbox[256], key[256];
    snprintf(id, sizeof(id), "http://127.0.0.1:%d/users/%s", pe->port, name);
    snprintf(inbox, sizeof(inbox), "http://127.0.0.1:%d/users/%s/inbox", pe->port, name);
    snprintf(key, sizeof(key), "http://127.0.0.1:%d/users/%s#main-key", pe->port, name);
    json_t *doc =
        json_pack("{s:[s,s], s:s, s:s, s:s, s:s, s:s, s:{s:s, s:s, s:s}}", "@context",
                  "https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1", "id", id,
                  "type", "Person", "preferredUsername", name, "name", name, "inbox", inbox,
                  "publicKey", "id", key, "owner", id, "publicKeyPem", srv.public_pem);
    char *text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
    json_decref(doc);
    if (!text)
        return MHD_NO;
    return answer(conn, 200, "application/activity+json", text, strlen(text),
                  MHD_RESPMEM_MUST_FREE);
}

static int ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), m = strlen(tail);
    return n >= m && strcmp(s + n - m, tail) == 0;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    const struct peer *pe = cls;
    (void)version;
    (void)upload_data;
    if (!*con_cls) {
        /* First call: headers only. Answering later keeps the connection alive. */
        *con_cls = (void *)1;
        return MHD_YES;
    }
    if (*upload_data_size) {
        *upload_data_size = 0; /* the body is read and dropped */
        return MHD_YES;
    }
    if (strcmp(method, "POST") == 0 && ends_with(url, "/inbox")) {
        atomic_fetch_add(&srv.posts, 1);
        atomic_store(&srv.last_ms, wall_ms());
        return answer(conn, 202, NULL, "", 0, MHD_RESPMEM_PERSISTENT);
    }
    char name[NAME_MAX_LEN + 1];
    if (strcmp(method, "GET") == 0 && user_of(url, name, sizeof(name)))
        return actor(conn, pe, name);
    return answer(conn, 404, "text/plain", "not found\n", 10, MHD_RESPMEM_PERSISTENT);
}

/* A new 2048-bit RSA key: its private (PKCS#8) and public (SPKI) PEM, heap strings. */
static int make_key(char **priv, char **pub)
{
    EVP_PKEY *k = EVP_RSA_gen(2048);
    if (!k)
        return E_INTERNAL;
    int rc = E_INTERNAL;
    BIO *b1 = BIO_new(BIO_s_mem());
    BIO *b2 = BIO_new(BIO_s_mem());
    if (!b1 || !b2 || !PEM_write_bio_PrivateKey(b1, k, NULL, NULL, 0, NULL, NULL) ||
        !PEM_write_bio_PUBKEY(b2, k))
        goto out;
    char *p;
    long n = BIO_get_mem_data(b1, &p);
    *priv = xstrndup(p, (size_t)n);
    n = BIO_get_mem_data(b2, &p);
    *pub = xstrndup(p, (size_t)n);
    rc = 0;
out:
    BIO_free(b1);
    BIO_free(b2);
    EVP_PKEY_free(k);
    return rc;
}

/* Writes text to path through a temporary file, so a reader never sees half of it. */
static int write_file(const char *path, const char *text)
{
    char tmp[4096];
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f)
        return E_IO;
    int bad = fputs(text, f) < 0;
    bad |= fclose(f) != 0;
    if (bad || rename(tmp, path) != 0)
        return E_IO;
    return 0;
}

static void write_count(const char *path)
{
    if (!path)
        return;
    char line[64];
    snprintf(line, sizeof(line), "%llu %lld\n", (unsigned long long)atomic_load(&srv.posts),
             (long long)atomic_load(&srv.last_ms));
    write_file(path, line);
}

static int cmd_serve(int argc, char **argv)
{
    const char *key_out = NULL, *count_file = NULL;
    long threads = 1;
    struct peer peers[PORTS_MAX];
    int n = 0;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--key-out") && i + 1 < argc) {
            key_out = argv[++i];
        } else if (!strcmp(argv[i], "--count-file") && i + 1 < argc) {
            count_file = argv[++i];
        } else if (!strcmp(argv[i], "--threads") && i + 1 < argc) {
            if (parse_int(argv[++i], 1, 64, &threads))
                return fprintf(stderr, "fedpeer: bad --threads\n"), 2;
        } else {
            long port;
            if (n == PORTS_MAX || parse_int(argv[i], 1, 65535, &port))
                return fprintf(stderr, "fedpeer: bad port '%s'\n", argv[i]), 2;
            peers[n++] = (struct peer){.port = (int)port};
        }
    }
    if (n == 0)
        return fprintf(stderr, "fedpeer serve: no port\n"), 2;
    char *priv = NULL, *pub = NULL;
    if (make_key(&priv, &pub))
        return fprintf(stderr, "fedpeer: cannot make a key\n"), 1;
    srv.public_pem = pub;
    if (key_out && write_file(key_out, priv))
        return fprintf(stderr, "fedpeer: cannot write %s\n", key_out), 1;
    free(priv);
    /* Only the main thread takes the signals: the daemons' threads inherit the mask. */
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);
    int code = 0;
    for (int i = 0; i < n; i++) {
        struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)peers[i].port)};
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL;
        peers[i].daemon = MHD_start_daemon(flags, (uint16_t)peers[i].port, NULL, NULL, on_request,
                                           &peers[i], MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
                                           MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)threads,
                                           MHD_OPTION_CONNECTION_LIMIT, 4096u,
                                           MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u, MHD_OPTION_END);
        if (!peers[i].daemon) {
            fprintf(stderr, "fedpeer: cannot listen on 127.0.0.1:%d\n", peers[i].port);
            code = 1;
            n = i;
            break;
        }
    }
    if (code == 0) {
        write_count(count_file);
        printf("fedpeer: %d server(s) listening\n", n);
        fflush(stdout);
        for (;;) {
            struct timespec ts = {0, 100 * 1000 * 1000};
            int sig = sigtimedwait(&sigs, NULL, &ts);
            write_count(count_file);
            if (sig == SIGINT || sig == SIGTERM)
                break;
        }
    }
    for (int i = 0; i < n; i++)
        MHD_stop_daemon(peers[i].daemon);
    fprintf(stderr, "fedpeer: %llu POSTs received\n", (unsigned long long)atomic_load(&srv.posts));
    free(pub);
    return code;
}

/* ingest */

struct signed_post {
    const char *body;
    const char *headers[4];
};

struct ingest {
    const char *url; /* HEARTH_URL/inbox */
    const char *authority;
    const char *target;
    const char *peer; /* http://127.0.0.1:PEER_PORT */
    const struct httpsig_key *key;
    long n, actors;
    struct signed_post *posts;
    struct arena **arenas; /* one per thread */
    int threads;
    int per_thread; /* transfers in flight per thread */
    atomic_long accepted;
    atomic_long refused; /* answered, not 202 */
    atomic_long failed;  /* no answer */
    atomic_long first_status;
};

struct part {
    struct ingest *in;
    int index;
    int rc;
};

static const char *iso_now(struct arena *a)
{
    char buf[32];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
    return arena_strdup(a, buf);
}

/* Activity k as its actor sends it: body and headers in a. */
static int sign_one(struct ingest *in, struct arena *a, long k, struct signed_post *out)
{
    const char *actor_uri = arena_printf(a, "%s/users/a%ld", in->peer, k % in->actors);
    const char *followers = arena_printf(a, "%s/followers", actor_uri);
    const char *published = iso_now(a);
    json_t *act = json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:[s], s:[s], s:{s:s, s:s, s:s, s:s, s:s, s:s, s:[s], s:[s]}}",
        "@context", "https://www.w3.org/ns/activitystreams", "id",
        arena_printf(a, "%s/activities/%ld", in->peer, k), "type", "Create", "actor", actor_uri,
        "published", published, "to", AP_PUBLIC, "cc", followers, "object", "id",
        arena_printf(a, "%s/notes/%ld", in->peer, k), "type", "Note", "attributedTo", actor_uri,
        "url", arena_printf(a, "%s/notes/%ld", in->peer, k), "published", published, "content",
        arena_printf(a,
                     "<p>Benchmark note %ld, with <a href=\"https://example.org/\">a link</a>"
                     " and a few words to sanitize.</p>",
                     k),
        "to", AP_PUBLIC, "cc", followers);
    char *text = act ? json_dumps(act, JSON_COMPACT) : NULL;
    json_decref(act);
    if (!text)
        return E_NOMEM;
    out->body = arena_strdup(a, text);
    free(text);
    struct httpsig_header h[3] = {
        {"host", in->authority},
        {"date", ap_http_date(a, time(NULL))},
        {"digest", httpsig_digest(a, out->body, strlen(out->body))},
    };
    struct httpsig_request r = {.method = "POST",
                                .scheme = "http",
                                .authority = in->authority,
                                .target = in->target,
                                .headers = h,
                                .n_headers = 3};
    const char *sig;
    int rc = httpsig_sign_cavage(a, &r, arena_printf(a, "%s#main-key", actor_uri), in->key,
                                 "(request-target) host date digest", &sig);
    if (rc)
        return rc;
    out->headers[0] = "Content-Type: application/activity+json";
    out->headers[1] = arena_printf(a, "Date: %s", h[1].value);
    out->headers[2] = arena_printf(a, "Digest: %s", h[2].value);
    out->headers[3] = arena_printf(a, "Signature: %s", sig);
    return 0;
}

/* Thread part->index signs activities index, index + threads, ... */
static void *sign_part(void *arg)
{
    struct part *p = arg;
    struct ingest *in = p->in;
    for (long k = p->index; k < in->n && p->rc == 0; k += in->threads)
        p->rc = sign_one(in, in->arenas[p->index], k, &in->posts[k]);
    return NULL;
}

/* Thread part->index sends its share, per_thread in flight, in batches. */
static void *send_part(void *arg)
{
    struct part *p = arg;
    struct ingest *in = p->in;
    size_t batch = in->per_thread >= MANY_INFLIGHT ? BATCH_PIPELINED : (size_t)in->per_thread;
    struct fetch_request *rq = xcalloc(batch, sizeof(*rq));
    struct fetch_response *res = xcalloc(batch, sizeof(*res));
    int *rc = xcalloc(batch, sizeof(*rc));
    long k = p->index;
    while (k < in->n) {
        struct arena *a = arena_new();
        size_t m = 0;
        for (; m < batch && k < in->n; m++, k += in->threads) {
            const struct signed_post *sp = &in->posts[k];
            rq[m] = (struct fetch_request){.method = "POST",
                                           .url = in->url,
                                           .headers = sp->headers,
                                           .n_headers = 4,
                                           .body = sp->body,
                                           .body_len = strlen(sp->body),
                                           .max_body = 4096};
        }
        fetch_many(a, rq, m, res, rc);
        for (size_t i = 0; i < m; i++) {
            if (rc[i] == 0 && res[i].status == 202) {
                atomic_fetch_add(&in->accepted, 1);
                continue;
            }
            long expected = 0;
            atomic_compare_exchange_strong(&in->first_status, &expected,
                                           rc[i] == 0 ? res[i].status : -1);
            if (rc[i] == 0)
                atomic_fetch_add(&in->refused, 1);
            else
                atomic_fetch_add(&in->failed, 1);
        }
        arena_free(a);
    }
    free(rq);
    free(res);
    free(rc);
    fetch_thread_done();
    return NULL;
}

/* Runs fn on in->threads threads. Returns the first non-zero part rc. */
static int run_parts(struct ingest *in, void *(*fn)(void *))
{
    pthread_t *t = xcalloc((size_t)in->threads, sizeof(*t));
    struct part *p = xcalloc((size_t)in->threads, sizeof(*p));
    for (int i = 0; i < in->threads; i++) {
        p[i] = (struct part){.in = in, .index = i};
        if (pthread_create(&t[i], NULL, fn, &p[i]) != 0) {
            fprintf(stderr, "fedpeer: cannot start a thread\n");
            exit(1);
        }
    }
    int rc = 0;
    for (int i = 0; i < in->threads; i++) {
        pthread_join(t[i], NULL);
        if (p[i].rc && !rc)
            rc = p[i].rc;
    }
    free(t);
    free(p);
    return rc;
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    size_t cap = 8192, n = 0;
    char *s = xmalloc(cap);
    size_t got;
    while ((got = fread(s + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (n + 1 == cap) {
            cap *= 2;
            s = xrealloc(s, cap);
        }
    }
    fclose(f);
    s[n] = '\0';
    return s;
}

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU seconds (user and system) this process has used. */
static double cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static int cmd_ingest(int argc, char **argv)
{
    const char *key_file = NULL;
    const char *pos[5];
    int np = 0;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--key") && i + 1 < argc)
            key_file = argv[++i];
        else if (np < 5)
            pos[np++] = argv[i];
        else
            return fprintf(stderr, "fedpeer ingest: too many arguments\n"), 2;
    }
    long port, n, conc, actors;
    if (!key_file || np != 5 || parse_int(pos[1], 1, 65535, &port) ||
        parse_int(pos[2], 1, 10000000, &n) || parse_int(pos[3], 1, 4096, &conc) ||
        parse_int(pos[4], 1, 1000000, &actors)) {
        fprintf(stderr, "usage: fedpeer ingest --key FILE HEARTH_URL PEER_PORT N CONCURRENCY "
                        "ACTORS\n");
        return 2;
    }
    char *pem = read_file(key_file);
    struct httpsig_key *key = NULL;
    if (!pem || httpsig_key_from_pem(pem, &key) != 0)
        return fprintf(stderr, "fedpeer: cannot read a private key from %s\n", key_file), 1;
    free(pem);
    struct arena *a = arena_new();
    struct ingest in = {.n = n, .actors = actors, .key = key};
    in.url = arena_printf(a, "%s/inbox", pos[0]);
    in.peer = arena_printf(a, "http://127.0.0.1:%ld", port);
    const char *scheme;
    if (ap_url_split(a, in.url, &scheme, &in.authority, &in.target) != 0)
        return fprintf(stderr, "fedpeer: bad URL %s\n", pos[0]), 2;
    struct fetch_options fo = {.allow_private = 1, .user_agent = "fedpeer (Hearth benchmark)"};
    if (fetch_init(&fo) != 0)
        return fprintf(stderr, "fedpeer: cannot start libcurl\n"), 1;
    in.posts = xcalloc((size_t)n, sizeof(*in.posts));

    /* Signing first, on every core: it is not part of what is measured. */
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    in.threads = cores > 0 ? (int)cores : 2;
    in.arenas = xcalloc((size_t)in.threads, sizeof(*in.arenas));
    for (int i = 0; i < in.threads; i++)
        in.arenas[i] = arena_new();
    double t0 = mono_s();
    int rc = run_parts(&in, sign_part);
    if (rc)
        return fprintf(stderr, "fedpeer: signing failed: %s\n", err_str(rc)), 1;
    printf("signed %ld activities in %.2f s\n", n, mono_s() - t0);
    fflush(stdout);

    /* Sending: one thread per MANY_INFLIGHT transfers (fetch_many's own cap). */
    in.threads = (int)((conc + MANY_INFLIGHT - 1) / MANY_INFLIGHT);
    in.per_thread = (int)(conc / in.threads);
    int64_t first = wall_ms();
    t0 = mono_s();
    double cpu0 = cpu_s();
    run_parts(&in, send_part);
    double took = mono_s() - t0;
    double cpu = cpu_s() - cpu0;
    long ok = atomic_load(&in.accepted);
    printf("sent=%ld accepted=%ld refused=%ld failed=%ld first_status=%ld first_post_ms=%lld "
           "send_s=%.3f send_rate=%.0f send_cpu_s=%.2f\n",
           n, ok, atomic_load(&in.refused), atomic_load(&in.failed), atomic_load(&in.first_status),
           (long long)first, took, (double)n / took, cpu);
    for (int i = 0; i < (cores > 0 ? (int)cores : 2); i++)
        arena_free(in.arenas[i]);
    free(in.arenas);
    free(in.posts);
    httpsig_key_free(key);
    arena_free(a);
    fetch_fini();
    return ok == n ? 0 : 1;
}

int main(int argc, char **argv)
{
    log_set_level(LOG_LEVEL_WARN);
    if (argc >= 2 && !strcmp(argv[1], "serve"))
        return cmd_serve(argc - 2, argv + 2);
    if (argc >= 2 && !strcmp(argv[1], "ingest"))
        return cmd_ingest(argc - 2, argv + 2);
    fprintf(stderr, "usage: fedpeer serve [--key-out FILE] [--count-file FILE] [--threads N] PORT "
                    "[PORT...]\n"
                    "       fedpeer ingest --key FILE HEARTH_URL PEER_PORT N CONCURRENCY ACTORS\n");
    return 2;
}
