/*
 * main: start-up and the operator command line.
 *
 *   hearth init --data DIR --url URL [--listen ADDR:PORT] [--test-network]
 *   hearth serve --data DIR
 *   hearth user add --data DIR NAME --email EMAIL [--admin] [--password-stdin]
 *   hearth user list --data DIR
 *   hearth user password --data DIR NAME [--password-stdin]
 *   hearth user approve --data DIR NAME
 *   hearth --version | help
 *
 * Usage errors exit with 2, runtime errors with 1, each with one line on
 * stderr that says what is wrong. Commands other than serve may run while a
 * server runs on the same data folder (SQLite in WAL mode); a second serve
 * is refused by the data folder's lock.
 */
#include <errno.h>
#include <execinfo.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "ap/ap.h"
#include "api/api.h"
#include "core/account.h"
#include "content/media.h"
#include "core/core.h"
#include "core/keys.h"
#include "core/password.h"
#include "core/queue.h"
#include "db/db.h"
#include "http/server.h"
#include "jobs/timer.h"
#include "jobs/worker.h"
#include "util/arena.h"
#include "util/config.h"
#include "util/err.h"
#include "util/fetch.h"
#include "util/limits.h"
#include "util/lockfile.h"
#include "util/mem.h"
#define LOG_MODULE "main"
#include "util/log.h"
#include "util/timeutil.h"

#define HEARTH_VERSION "0.1.0"

static const char usage_text[] =
    "Hearth " HEARTH_VERSION ": a federated social server for small communities.\n"
    "\n"
    "Usage:\n"
    "  hearth init --data DIR --url URL [--listen ADDR:PORT] [--test-network]\n"
    "        Create DIR with hearth.conf and the database. URL is the public base\n"
    "        URL (https://social.example); its host[:port] is the server's domain.\n"
    "        --test-network allows plain http and private addresses (tests only).\n"
    "  hearth serve --data DIR\n"
    "        Run the server in the foreground; SIGINT or SIGTERM stops it cleanly.\n"
    "  hearth user add --data DIR NAME --email EMAIL [--admin] [--password-stdin]\n"
    "        Create a member (an admin with --admin). Without --password-stdin a\n"
    "        password is generated and printed once.\n"
    "  hearth user list --data DIR\n"
    "  hearth user password --data DIR NAME [--password-stdin]\n"
    "  hearth user approve --data DIR NAME\n"
    "        Set a new password (generated and printed unless read from stdin).\n"
    "  hearth --version\n"
    "  hearth help\n";

/* Parsed command-line options; every command takes the ones it needs. */
struct opts {
    const char *data;
    const char *url;
    const char *listen;
    const char *email;
    const char *positional[4];
    int n_positional;
    int test_network;
    int admin;
    int password_stdin;
};

__attribute__((format(printf, 1, 2))) static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("hearth: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputs(" (see 'hearth help')\n", stderr);
    va_end(ap);
    return 2;
}

__attribute__((format(printf, 1, 2))) static int fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("hearth: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return 1;
}

/*
 * Parses argv against the options a command allows (a string of option
 * letters: d data, u url, l listen, e email, t test-network, a admin,
 * p password-stdin) and up to max_pos positional arguments. Returns 0 or
 * the exit code of a usage error (already printed).
 */
static int parse_opts(int argc, char **argv, const char *allowed, int max_pos, struct opts *o)
{
    static const struct {
        const char *name;
        char key;
        int takes_value;
    } table[] = {
        {"--data", 'd', 1},           {"--url", 'u', 1},          {"--listen", 'l', 1},
        {"--email", 'e', 1},          {"--test-network", 't', 0}, {"--admin", 'a', 0},
        {"--password-stdin", 'p', 0},
    };
    memset(o, 0, sizeof(*o));
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        if (arg[0] != '-' || arg[1] == '\0') {
            if (o->n_positional >= max_pos)
                return usage_error("unexpected argument '%s'", arg);
            o->positional[o->n_positional++] = arg;
            continue;
        }
        const char *value = NULL;
        const char *eq = strchr(arg, '=');
        size_t name_len = eq ? (size_t)(eq - arg) : strlen(arg);
        size_t k;
        size_t n_table = sizeof(table) / sizeof(table[0]);
        for (k = 0; k < n_table; k++) {
            if (strlen(table[k].name) == name_len && !strncmp(table[k].name, arg, name_len))
                break;
        }
        if (k == n_table || !strchr(allowed, table[k].key))
            return usage_error("unknown option '%.*s'", (int)name_len, arg);
        if (table[k].takes_value) {
            if (eq)
                value = eq + 1;
            else if (i + 1 < argc)
                value = argv[++i];
            else
                return usage_error("option %s needs a value", table[k].name);
            if (!*value)
                return usage_error("option %s needs a non-empty value", table[k].name);
        } else if (eq) {
            return usage_error("option %s takes no value", table[k].name);
        }
        switch (table[k].key) {
        case 'd':
            o->data = value;
            break;
        case 'u':
            o->url = value;
            break;
        case 'l':
            o->listen = value;
            break;
        case 'e':
            o->email = value;
            break;
        case 't':
            o->test_network = 1;
            break;
        case 'a':
            o->admin = 1;
            break;
        case 'p':
            o->password_stdin = 1;
            break;
        default:
            break;
        }
    }
    if (strchr(allowed, 'd') && !o->data)
        return usage_error("--data DIR is required");
    return 0;
}

/* Everything a command needs from an initialized data folder. */
struct instance {
    struct config cfg;
    struct db *db;
    struct core core;
};

/*
 * Loads DIR's configuration and opens and migrates its database. Returns 0
 * or an exit code after printing one line.
 */
static int instance_open(struct instance *in, const char *data_dir)
{
    char why[512];
    memset(in, 0, sizeof(*in));
    config_init(&in->cfg, data_dir);
    int rc = config_load(&in->cfg, data_dir, why, sizeof(why));
    if (rc == E_NOTFOUND) {
        struct stat st;
        if (stat(data_dir, &st) != 0)
            return fail("data folder %s does not exist (create it with 'hearth init')", data_dir);
        return fail("%s/%s is missing (create it with 'hearth init')", data_dir, CONFIG_FILE);
    }
    if (rc)
        return fail("%s/%s", data_dir, why);
    enum log_level lv;
    if (log_level_parse(in->cfg.log_level, &lv) == 0)
        log_set_level(lv);
    rc = db_open(in->cfg.db_path, NULL, &in->db);
    if (rc)
        return fail("cannot open the database %s: %s", in->cfg.db_path, err_str(rc));
    int found = 0, known = 0;
    rc = db_migrate(in->db, &found, &known);
    if (rc == E_LIMIT)
        return fail("the database %s has schema version %d, newer than this Hearth %s "
                    "knows (%d): upgrade Hearth",
                    in->cfg.db_path, found, HEARTH_VERSION, known);
    if (rc)
        return fail("cannot migrate the database %s: %s", in->cfg.db_path, err_str(rc));
    in->core.db = in->db;
    in->core.base_url = in->cfg.url;
    in->core.domain = in->cfg.domain;
    in->core.max_status_chars = in->cfg.max_status_chars;
    in->core.rate_limit = in->cfg.rate_limit;
    in->core.rate_limit_period = in->cfg.rate_limit_period;
    in->core.test_network = in->cfg.test_network;
    in->core.authorized_fetch = in->cfg.authorized_fetch;
    in->core.min_poll_seconds = in->cfg.min_poll_seconds;
    in->core.min_schedule_seconds = in->cfg.min_schedule_seconds;
    in->core.title = in->cfg.title;
    in->core.description = in->cfg.description;
    in->core.contact_email = in->cfg.contact_email;
    in->core.source_url = in->cfg.source_url;
    in->core.registrations = in->cfg.registrations;
    in->core.data_dir = data_dir;
    return 0;
}

static void instance_close(struct instance *in)
{
    db_close(in->db);
    in->db = NULL;
    config_fini(&in->cfg);
}

/* Removes what a failed init created, so that nothing half-written stays. */
static void init_undo(const char *data_dir, const char *db_path, int created_dir)
{
    char path[PATH_MAX];
    static const char *suffixes[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        snprintf(path, sizeof(path), "%s%s", db_path, suffixes[i]);
        unlink(path);
    }
    snprintf(path, sizeof(path), "%s/%s.tmp", data_dir, CONFIG_FILE);
    unlink(path);
    if (created_dir)
        rmdir(data_dir);
}

static int cmd_init(int argc, char **argv)
{
    struct opts o;
    char why[512];
    int rc = parse_opts(argc, argv, "dult", 0, &o);
    if (rc)
        return rc;
    if (!o.url)
        return usage_error("--url URL is required (the public base URL, e.g. "
                           "https://social.example)");
    struct config cfg;
    config_init(&cfg, o.data);
    int code = 0, created_dir = 0;
    struct db *db = NULL;
    if (config_set_url(&cfg, o.url, why, sizeof(why))) {
        code = usage_error("%s", why);
        goto out;
    }
    if (o.listen) {
        if (config_check_listen(o.listen, why, sizeof(why))) {
            code = usage_error("%s", why);
            goto out;
        }
        free(cfg.listen);
        cfg.listen = xstrdup(o.listen);
    }
    cfg.test_network = o.test_network;
    char conf_path[PATH_MAX];
    snprintf(conf_path, sizeof(conf_path), "%s/%s", o.data, CONFIG_FILE);
    if (access(conf_path, F_OK) == 0) {
        code = fail("%s is already initialized (%s exists)", o.data, conf_path);
        goto out;
    }
    if (mkdir(o.data, 0700) == 0) {
        created_dir = 1;
    } else if (errno != EEXIST) {
        code = fail("cannot create data folder %s: %s", o.data, strerror(errno));
        goto out;
    }
    if (access(o.data, W_OK | X_OK) != 0) {
        code = fail("cannot create files in data folder %s: %s", o.data, strerror(errno));
        goto out;
    }
    /* The database first, the config last: hearth.conf marks a finished init. */
    rc = db_open(cfg.db_path, NULL, &db);
    if (rc) {
        code = fail("cannot create the database %s: %s", cfg.db_path, err_str(rc));
        goto undo;
    }
    rc = db_migrate(db, NULL, NULL);
    if (rc) {
        code = fail("cannot set up the database %s: %s", cfg.db_path, err_str(rc));
        goto undo;
    }
    db_close(db);
    db = NULL;
    if (config_save(&cfg, why, sizeof(why))) {
        code = fail("%s", why);
        goto undo;
    }
    printf("Initialized Hearth in %s for %s (domain %s, listening on %s)\n", o.data, cfg.url,
           cfg.domain, cfg.listen);
    goto out;
undo:
    db_close(db);
    db = NULL;
    init_undo(o.data, cfg.db_path, created_dir);
out:
    config_fini(&cfg);
    return code;
}

/* Reads one line from stdin as a password (the newline removed). */
static int read_password(char *out, size_t size)
{
    if (!fgets(out, (int)size, stdin))
        return fail("no password on standard input");
    size_t len = strlen(out);
    if (len && out[len - 1] == '\n')
        out[--len] = '\0';
    else if (len == size - 1)
        return fail("password longer than %d characters", LIMIT_PASSWORD_MAX);
    if (len && out[len - 1] == '\r')
        out[--len] = '\0';
    return 0;
}

/* Fills pw from stdin or with a generated password; *generated says which. */
static int obtain_password(const struct opts *o, char *pw, size_t size, int *generated)
{
    *generated = !o->password_stdin;
    if (o->password_stdin)
        return read_password(pw, size);
    password_generate(pw, size);
    return 0;
}

static int cmd_user_add(int argc, char **argv)
{
    struct opts o;
    int rc = parse_opts(argc, argv, "deap", 1, &o);
    if (rc)
        return rc;
    if (o.n_positional != 1)
        return usage_error("user add needs a NAME");
    if (!o.email)
        return usage_error("user add needs --email EMAIL");
    char pw[LIMIT_PASSWORD_MAX + 2];
    int generated;
    rc = obtain_password(&o, pw, sizeof(pw), &generated);
    if (rc)
        return rc;
    struct instance in;
    int code = instance_open(&in, o.data);
    if (code)
        goto out;
    int64_t id = 0;
    const char *why = NULL;
    rc = user_create(&in.core, o.positional[0], o.email, pw,
                     o.admin ? USER_ROLE_ADMIN : USER_ROLE_MEMBER, &id, &why);
    if (rc) {
        code = fail("cannot add user '%s': %s", o.positional[0], why ? why : err_str(rc));
        goto out;
    }
    printf("Created %s %s <%s>\n", o.admin ? "admin" : "member", o.positional[0], o.email);
    if (generated)
        printf("password: %s\n", pw);
out:
    sodium_memzero(pw, sizeof(pw));
    instance_close(&in);
    return code;
}

static int cmd_user_list(int argc, char **argv)
{
    struct opts o;
    int rc = parse_opts(argc, argv, "d", 0, &o);
    if (rc)
        return rc;
    struct instance in;
    int code = instance_open(&in, o.data);
    if (code)
        goto out;
    struct arena *a = arena_new();
    struct user_info *users = NULL;
    size_t n = 0;
    rc = user_list(&in.core, a, &users, &n);
    if (rc) {
        code = fail("cannot list users: %s", err_str(rc));
    } else {
        printf("%-30s %-40s %-10s %s\n", "USERNAME", "EMAIL", "ROLE", "CREATED");
        for (size_t i = 0; i < n; i++) {
            char when[TIME_ISO_MAX];
            printf("%-30s %-40s %-10s %s\n", users[i].username, users[i].email,
                   user_role_name(users[i].role), time_iso8601(users[i].created_at, when));
        }
    }
    arena_free(a);
out:
    instance_close(&in);
    return code;
}

static int cmd_user_approve(int argc, char **argv)
{
    struct opts o;
    int rc = parse_opts(argc, argv, "d", 1, &o);
    if (rc)
        return rc;
    if (o.n_positional != 1)
        return usage_error("user approve needs a NAME");
    struct instance in;
    int code = instance_open(&in, o.data);
    if (code)
        goto out;
    rc = user_approve(&in.core, o.positional[0]);
    if (rc == E_NOTFOUND)
        code = fail("no local user named '%s'", o.positional[0]);
    else if (rc)
        code = fail("cannot approve '%s': %s", o.positional[0], err_str(rc));
    else
        printf("%s may now log in\n", o.positional[0]);
out:
    instance_close(&in);
    return code;
}

static int cmd_user_password(int argc, char **argv)
{
    struct opts o;
    int rc = parse_opts(argc, argv, "dp", 1, &o);
    if (rc)
        return rc;
    if (o.n_positional != 1)
        return usage_error("user password needs a NAME");
    char pw[LIMIT_PASSWORD_MAX + 2];
    int generated;
    rc = obtain_password(&o, pw, sizeof(pw), &generated);
    if (rc)
        return rc;
    struct instance in;
    int code = instance_open(&in, o.data);
    if (code)
        goto out;
    const char *why = NULL;
    rc = user_set_password(&in.core, o.positional[0], pw, &why);
    if (rc == E_NOTFOUND) {
        code = fail("no local user named '%s'", o.positional[0]);
        goto out;
    }
    if (rc) {
        code =
            fail("cannot set the password of '%s': %s", o.positional[0], why ? why : err_str(rc));
        goto out;
    }
    printf("Password of %s changed\n", o.positional[0]);
    if (generated)
        printf("password: %s\n", pw);
out:
    sodium_memzero(pw, sizeof(pw));
    instance_close(&in);
    return code;
}

/* The kinds of background jobs and what runs them. */
static const struct worker_kind job_kinds[] = {
    {"inbox", ap_job_inbox},
    {"publish", ap_job_publish},
    {"deliver", ap_job_deliver},
    {"media", ap_job_media},
};

static int cmd_serve(int argc, char **argv)
{
    struct opts o;
    char why[512];
    int rc = parse_opts(argc, argv, "d", 0, &o);
    if (rc)
        return rc;
    struct stat st;
    if (stat(o.data, &st) != 0)
        return fail("data folder %s does not exist (create it with 'hearth init')", o.data);
    /* The lock comes before anything touches the database. */
    int lock_fd = -1;
    long owner = 0;
    rc = lockfile_acquire(o.data, &lock_fd, &owner, why, sizeof(why));
    if (rc == E_BUSY)
        return fail("another hearth serve is already running on %s (pid %ld)", o.data, owner);
    if (rc)
        return fail("%s", why);
    struct instance in;
    struct http_server *srv = NULL;
    int media_started = 0, fetch_started = 0;
    int code = instance_open(&in, o.data);
    if (code)
        goto out;
    /*
     * SIGINT and SIGTERM are blocked before any thread starts, so that every
     * server thread inherits the mask and only sigwait() below sees them.
     */
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);
    char agent[256];
    snprintf(agent, sizeof(agent), "Hearth/%s (+%s/)", HEARTH_VERSION, in.cfg.url);
    struct fetch_options fopt = {.allow_private = in.cfg.test_network, .user_agent = agent};
    if (fetch_init(&fopt) != 0) {
        code = fail("cannot start libcurl");
        goto out;
    }
    fetch_started = 1;
    static const struct core_resolver resolver = {ap_resolve_account, ap_resolve_url};
    in.core.resolver = &resolver;
    if (content_media_init(NULL) != 0) {
        code = fail("cannot start libvips (image processing)");
        goto out;
    }
    media_started = 1;

    /*
     * Workers run before requests arrive. The instance actor's key is made
     * now, not by the first fetches racing for it.
     */
    {
        struct arena *ka = arena_new();
        const char *priv, *pub;
        if (keys_instance(&in.core, ka, &priv, &pub) == 0)
            explicit_bzero((char *)priv, strlen(priv));
        arena_free(ka);
    }
    int64_t freed = 0;
    if (queue_release_leases(&in.core, &freed) == 0 && freed)
        log_info("%lld job(s) left running by the previous process will run again",
                 (long long)freed);
    if (worker_start(&in.core, job_kinds, sizeof(job_kinds) / sizeof(job_kinds[0]), NULL) != 0) {
        code = fail("cannot start the job workers");
        goto out;
    }
    queue_on_commit(worker_wake);
    api_streaming_start();
    struct http_options hopt = {.listen = in.cfg.listen,
                                .authenticate = api_authenticate,
                                .body_limit = http_routes_body_limit,
                                .rate_limit = api_rate_limit};
    const struct route *routes;
    size_t n_routes;
    http_routes_all(&routes, &n_routes);
    rc = http_server_start(&hopt, routes, n_routes, &in.core, &srv);
    if (rc == E_BUSY) {
        api_streaming_stop();
        code = fail("cannot listen on %s: address already in use", in.cfg.listen);
        goto out;
    }
    if (rc) {
        api_streaming_stop();
        code = fail("cannot listen on %s: %s", in.cfg.listen, err_str(rc));
        goto out;
    }
    if (timer_start(&in.core) != 0) {
        http_server_stop(srv);
        srv = NULL;
        api_streaming_stop();
        code = fail("cannot start the timer thread");
        goto out;
    }
    log_info("Hearth %s serving %s on %s (database %s)", HEARTH_VERSION, in.cfg.url, in.cfg.listen,
             db_backend_name(in.db));
    printf("Hearth %s is running at %s\n", HEARTH_VERSION, in.cfg.url);
    fflush(stdout);
    int sig = 0;
    sigwait(&sigs, &sig);
    log_info("received %s: finishing in-flight requests", sig == SIGINT ? "SIGINT" : "SIGTERM");
    timer_stop();
    http_server_stop(srv);
    srv = NULL;
    queue_receive_stop();
    queue_on_commit(NULL);
    worker_stop();
    api_streaming_stop();
    log_info("stopped");
out:
    queue_receive_stop(); /* safe when not started, or stopped already */
    queue_on_commit(NULL);
    worker_stop(); /* safe when not started, or stopped already */
    if (media_started)
        content_media_shutdown();
    if (fetch_started) {
        fetch_thread_done();
        fetch_fini();
    }
    ap_sign_fini();
    instance_close(&in);
    lockfile_release(lock_fd);
    return code;
}

static int run(int argc, char **argv)
{
    if (sodium_init() < 0) {
        fputs("hearth: libsodium failed to initialize\n", stderr);
        return 1;
    }
    if (argc < 2)
        return usage_error("no command given");
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
        printf("hearth %s\n", HEARTH_VERSION);
        return 0;
    }
    if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
        fputs(usage_text, stdout);
        return 0;
    }
    if (!strcmp(cmd, "init"))
        return cmd_init(argc - 2, argv + 2);
    if (!strcmp(cmd, "serve"))
        return cmd_serve(argc - 2, argv + 2);
    if (!strcmp(cmd, "user")) {
        if (argc < 3)
            return usage_error("user needs a subcommand: add, list, password or approve");
        const char *sub = argv[2];
        if (!strcmp(sub, "add"))
            return cmd_user_add(argc - 3, argv + 3);
        if (!strcmp(sub, "list"))
            return cmd_user_list(argc - 3, argv + 3);
        if (!strcmp(sub, "password"))
            return cmd_user_password(argc - 3, argv + 3);
        if (!strcmp(sub, "approve"))
            return cmd_user_approve(argc - 3, argv + 3);
        return usage_error("unknown user subcommand '%s'", sub);
    }
    return usage_error("unknown command '%s'", cmd);
}

/*
 * A crash writes its signal and the stack to stderr (the server's log)
 * before the process dies as it would have. Sanitizer builds keep their
 * own, better report.
 */
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
static void on_fatal(int sig)
{
    static const char head[] = "hearth: fatal signal; stack:\n";
    if (write(STDERR_FILENO, head, sizeof(head) - 1) < 0) {
        /* Nothing more can be done about it. */
    }
    void *frames[64];
    int n = backtrace(frames, 64);
    backtrace_symbols_fd(frames, n, STDERR_FILENO);
    signal(sig, SIG_DFL);
    raise(sig);
}

#endif

static void report_crashes(void)
{
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
    /* backtrace() loads libgcc on first use: done now, not inside the handler. */
    void *warm[1];
    backtrace(warm, 1);
    static const int sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
        signal(sigs[i], on_fatal);
#endif
}

int main(int argc, char **argv)
{
    report_crashes();
    int code = run(argc, argv);
    arena_thread_release();
    return code;
}
