/*
 * cli: the operator's command line, one file per group of commands
 * (user.c, neighborhood.c...). main.c dispatches `hearth GROUP SUB ...` to
 * the group's function and keeps init and serve.
 *
 * Every command takes --data DIR and works on the data folder's database,
 * also while a server runs on it (SQLite in WAL mode): what it changes is
 * read by the running server from the database on its next request, and
 * jobs it queues are found by the server's workers within a poll interval,
 * so no restart is needed. Usage errors exit with 2, runtime errors with 1,
 * each with one line on stderr that says what is wrong.
 */
#ifndef HEARTH_CLI_CLI_H
#define HEARTH_CLI_CLI_H

#include "core/core.h"
#include "util/config.h"

#define HEARTH_VERSION "0.1.0"
#define CLI_POSITIONAL_MAX 4

struct db;

/* Parsed command-line options; every command takes the ones it needs. */
struct cli_opts {
    const char *data;
    const char *url;
    const char *listen;
    const char *email;
    const char *severity;
    const char *reason;
    const char *at;
    const char *positional[CLI_POSITIONAL_MAX];
    int n_positional;
    int test_network;
    int admin;
    int password_stdin;
    int json;
    int public_reason;
    int obfuscate;
};

/*
 * Parses argv against the options a command allows, a string of option
 * letters:
 *   d --data DIR      u --url URL       l --listen ADDR:PORT  e --email EMAIL
 *   s --severity S    r --reason TEXT   w --at WHEN (a date)
 *   t --test-network  a --admin         p --password-stdin    j --json
 *   P --public        o --obfuscate
 * and up to max_pos positional arguments. --data is required when allowed.
 * Returns 0 or the exit code of a usage error (already printed).
 */
int cli_parse(int argc, char **argv, const char *allowed, int max_pos, struct cli_opts *o);

/* Prints "hearth: MESSAGE (see 'hearth help')" and returns 2. */
__attribute__((format(printf, 1, 2))) int cli_usage_error(const char *fmt, ...);
/* Prints "hearth: MESSAGE" and returns 1. */
__attribute__((format(printf, 1, 2))) int cli_fail(const char *fmt, ...);

/* Everything a command needs from an initialized data folder. */
struct cli_instance {
    struct config cfg;
    struct db *db;
    struct core core;
};

/*
 * Loads DIR's configuration and opens and migrates its database. Returns 0
 * or an exit code after printing one line. cli_close is safe after a
 * failed open.
 */
int cli_open(struct cli_instance *in, const char *data_dir);
void cli_close(struct cli_instance *in);

/* The command groups: argv[0] is the subcommand. Return the exit code. */
int cli_user(int argc, char **argv);
/* moderation.c: hearth report list, hearth account ACTION NAME, hearth user role NAME ROLE. */
int cli_report(int argc, char **argv);
int cli_account(int argc, char **argv);
int cli_user_role(int argc, char **argv);
/* Joining (cli/join.c): registrations, invite, rule, ipblock. */
int cli_registrations(int argc, char **argv);
int cli_invite(int argc, char **argv);
int cli_rule(int argc, char **argv);
int cli_ipblock(int argc, char **argv);
int cli_neighborhood(int argc, char **argv);
int cli_domain(int argc, char **argv);

#endif
