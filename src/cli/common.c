/*
 * cli/common: option parsing, messages and opening the data folder for the
 * command groups (cli.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "db/db.h"
#include "util/err.h"
#include "util/log.h"

int cli_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("hearth: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputs(" (see 'hearth help')\n", stderr);
    va_end(ap);
    return 2;
}

int cli_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("hearth: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return 1;
}

int cli_parse(int argc, char **argv, const char *allowed, int max_pos, struct cli_opts *o)
{
    static const struct {
        const char *name;
        char key;
        int takes_value;
    } table[] = {
        {"--data", 'd', 1},           {"--url", 'u', 1},
        {"--listen", 'l', 1},         {"--email", 'e', 1},
        {"--test-network", 't', 0},   {"--admin", 'a', 0},
        {"--password-stdin", 'p', 0}, {"--severity", 's', 1},
        {"--reason", 'r', 1},         {"--at", 'w', 1},
        {"--json", 'j', 0},           {"--public", 'P', 0},
        {"--obfuscate", 'o', 0},
    };
    memset(o, 0, sizeof(*o));
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        if (arg[0] != '-' || arg[1] == '\0') {
            if (o->n_positional >= max_pos)
                return cli_usage_error("unexpected argument '%s'", arg);
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
            return cli_usage_error("unknown option '%.*s'", (int)name_len, arg);
        if (table[k].takes_value) {
            if (eq)
                value = eq + 1;
            else if (i + 1 < argc)
                value = argv[++i];
            else
                return cli_usage_error("option %s needs a value", table[k].name);
            if (!*value)
                return cli_usage_error("option %s needs a non-empty value", table[k].name);
        } else if (eq) {
            return cli_usage_error("option %s takes no value", table[k].name);
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
        case 's':
            o->severity = value;
            break;
        case 'r':
            o->reason = value;
            break;
        case 'w':
            o->at = value;
            break;
        case 'j':
            o->json = 1;
            break;
        case 'P':
            o->public_reason = 1;
            break;
        case 'o':
            o->obfuscate = 1;
            break;
        default:
            break;
        }
    }
    if (strchr(allowed, 'd') && !o->data)
        return cli_usage_error("--data DIR is required");
    return 0;
}

int cli_open(struct cli_instance *in, const char *data_dir)
{
    char why[512];
    memset(in, 0, sizeof(*in));
    config_init(&in->cfg, data_dir);
    int rc = config_load(&in->cfg, data_dir, why, sizeof(why));
    if (rc == E_NOTFOUND) {
        struct stat st;
        if (stat(data_dir, &st) != 0)
            return cli_fail("data folder %s does not exist (create it with 'hearth init')",
                            data_dir);
        return cli_fail("%s/%s is missing (create it with 'hearth init')", data_dir, CONFIG_FILE);
    }
    if (rc)
        return cli_fail("%s/%s", data_dir, why);
    enum log_level lv;
    if (log_level_parse(in->cfg.log_level, &lv) == 0)
        log_set_level(lv);
    rc = db_open(in->cfg.db_path, NULL, &in->db);
    if (rc)
        return cli_fail("cannot open the database %s: %s", in->cfg.db_path, err_str(rc));
    int found = 0, known = 0;
    rc = db_migrate(in->db, &found, &known);
    if (rc == E_LIMIT)
        return cli_fail("the database %s has schema version %d, newer than this Hearth %s "
                        "knows (%d): upgrade Hearth",
                        in->cfg.db_path, found, HEARTH_VERSION, known);
    if (rc)
        return cli_fail("cannot migrate the database %s: %s", in->cfg.db_path, err_str(rc));
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

void cli_close(struct cli_instance *in)
{
    if (in->db)
        db_close(in->db);
    in->db = NULL;
    config_fini(&in->cfg);
}
