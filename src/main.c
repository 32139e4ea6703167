/*
 * main: start-up, `hearth init`, `hearth serve`, and the dispatch of the
 * other commands to their groups in src/cli/ (cli.h).
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
#include "cli/cli.h"
#include "core/account.h"
#include "content/media.h"
#include "core/core.h"
#include "core/domain_policy.h"
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
    "        Set a new password (generated and printed unless read from stdin).\n"
    "  hearth user approve --data DIR NAME\n"
    "        Let a member who signed up log in.\n"
    "  hearth user role --data DIR NAME member|moderator|admin\n"
    "  hearth report list --data DIR [--json]\n"
    "        The open reports: target, category, reporter, date.\n"
    "  hearth account suspend|unsuspend|limit|unlimit|warn|sensitive|unsensitive|\n"
    "                 disable|enable --data DIR NAME [--reason TEXT]\n"
    "        Act on a member or a remote account (NAME or user@domain), audited.\n"
    "  hearth registrations --data DIR [open|approval|invite|closed]\n"
    "        Show or set how people join (applies at once to a running server).\n"
    "  hearth invite create --data DIR [USES [DAYS]] | list | revoke CODE\n"
    "        Invite links (0 or nothing: no limit); create prints the link.\n"
    "  hearth rule add --data DIR TEXT [HINT] | list | remove ID\n"
    "  hearth ipblock add --data DIR CIDR --severity sign_up_requires_approval|\n"
    "        sign_up_block|no_access [--reason COMMENT] | list | remove ID\n"
    "  hearth neighborhood add|remove --data DIR DOMAIN\n"
    "  hearth neighborhood list --data DIR [--json]\n"
    "        The servers whose admins agreed to trust each other: each side adds\n"
    "        the other. Removing a server drops the neighborhood posts it sent.\n"
    "  hearth domain block --data DIR DOMAIN --severity suspend|limit|reject-media\n"
    "        [--reason TEXT] [--public] [--obfuscate] [--at DATE]\n"
    "        Block a server here (at DATE when given); --public shows the reason.\n"
    "  hearth domain unblock|allow|disallow --data DIR DOMAIN\n"
    "  hearth domain list --data DIR [--json]\n"
    "  hearth domain impact --data DIR DOMAIN [--json]\n"
    "        Who here follows or is followed there, before a block.\n"
    "  hearth domain export --data DIR      (Mastodon's CSV on standard output)\n"
    "  hearth domain import --data DIR FILE (new blocks, all or nothing)\n"
    "  hearth domain mode --data DIR blocklist|allowlist\n"
    "  hearth --version\n"
    "  hearth help\n";

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
    struct cli_opts o;
    char why[512];
    int rc = cli_parse(argc, argv, "dult", 0, &o);
    if (rc)
        return rc;
    if (!o.url)
        return cli_usage_error("--url URL is required (the public base URL, e.g. "
                               "https://social.example)");
    struct config cfg;
    config_init(&cfg, o.data);
    int code = 0, created_dir = 0;
    struct db *db = NULL;
    if (config_set_url(&cfg, o.url, why, sizeof(why))) {
        code = cli_usage_error("%s", why);
        goto out;
    }
    if (o.listen) {
        if (config_check_listen(o.listen, why, sizeof(why))) {
            code = cli_usage_error("%s", why);
            goto out;
        }
        free(cfg.listen);
        cfg.listen = xstrdup(o.listen);
    }
    cfg.test_network = o.test_network;
    char conf_path[PATH_MAX];
    snprintf(conf_path, sizeof(conf_path), "%s/%s", o.data, CONFIG_FILE);
    if (access(conf_path, F_OK) == 0) {
        code = cli_fail("%s is already initialized (%s exists)", o.data, conf_path);
        goto out;
    }
    if (mkdir(o.data, 0700) == 0) {
        created_dir = 1;
    } else if (errno != EEXIST) {
        code = cli_fail("cannot create data folder %s: %s", o.data, strerror(errno));
        goto out;
    }
    if (access(o.data, W_OK | X_OK) != 0) {
        code = cli_fail("cannot create files in data folder %s: %s", o.data, strerror(errno));
        goto out;
    }
    /* The database first, the config last: hearth.conf marks a finished init. */
    rc = db_open(cfg.db_path, NULL, &db);
    if (rc) {
        code = cli_fail("cannot create the database %s: %s", cfg.db_path, err_str(rc));
        goto undo;
    }
    rc = db_migrate(db, NULL, NULL);
    if (rc) {
        code = cli_fail("cannot set up the database %s: %s", cfg.db_path, err_str(rc));
        goto undo;
    }
    db_close(db);
    db = NULL;
    if (config_save(&cfg, why, sizeof(why))) {
        code = cli_fail("%s", why);
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

/* The kinds of background jobs and what runs them. */
static const struct worker_kind job_kinds[] = {
    {"inbox", ap_job_inbox},
    {"publish", ap_job_publish},
    {"deliver", ap_job_deliver},
    {"media", ap_job_media},
    {"domain_block", domain_policy_job_scheduled},
};

static int cmd_serve(int argc, char **argv)
{
    struct cli_opts o;
    char why[512];
    int rc = cli_parse(argc, argv, "d", 0, &o);
    if (rc)
        return rc;
    struct stat st;
    if (stat(o.data, &st) != 0)
        return cli_fail("data folder %s does not exist (create it with 'hearth init')", o.data);
    /* The lock comes before anything touches the database. */
    int lock_fd = -1;
    long owner = 0;
    rc = lockfile_acquire(o.data, &lock_fd, &owner, why, sizeof(why));
    if (rc == E_BUSY)
        return cli_fail("another hearth serve is already running on %s (pid %ld)", o.data, owner);
    if (rc)
        return cli_fail("%s", why);
    struct cli_instance in;
    struct http_server *srv = NULL;
    int media_started = 0, fetch_started = 0;
    int code = cli_open(&in, o.data);
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
        code = cli_fail("cannot start libcurl");
        goto out;
    }
    fetch_started = 1;
    static const struct core_resolver resolver = {ap_resolve_account, ap_resolve_url};
    in.core.resolver = &resolver;
    if (content_media_init(NULL) != 0) {
        code = cli_fail("cannot start libvips (image processing)");
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
        code = cli_fail("cannot start the job workers");
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
        code = cli_fail("cannot listen on %s: address already in use", in.cfg.listen);
        goto out;
    }
    if (rc) {
        api_streaming_stop();
        code = cli_fail("cannot listen on %s: %s", in.cfg.listen, err_str(rc));
        goto out;
    }
    if (timer_start(&in.core) != 0) {
        http_server_stop(srv);
        srv = NULL;
        api_streaming_stop();
        code = cli_fail("cannot start the timer thread");
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
    cli_close(&in);
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
        return cli_usage_error("no command given");
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
    static const struct {
        const char *name;
        int (*run)(int, char **);
    } groups[] = {
        {"user", cli_user},       {"report", cli_report},
        {"account", cli_account}, {"neighborhood", cli_neighborhood},
        {"domain", cli_domain},   {"registrations", cli_registrations},
        {"invite", cli_invite},   {"rule", cli_rule},
        {"ipblock", cli_ipblock},
    };
    for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
        if (!strcmp(cmd, groups[i].name))
            return groups[i].run(argc - 2, argv + 2);
    return cli_usage_error("unknown command '%s'", cmd);
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
