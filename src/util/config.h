/*
 * config: hearth.conf, the INI file in the data folder.
 *
 *   [server]
 *   url = https://social.example      public base URL (its host[:port] is the domain)
 *   listen = 127.0.0.1:8080           address the HTTP server binds
 *   test_network = false              allow plain http and private addresses (tests only)
 *   authorized_fetch = false          ActivityPub reads need a signature (Mastodon's secure mode)
 *   log_level = info                  error, warn, info or debug
 *   [database]
 *   path = hearth.db                  SQLite file, relative to the data folder
 *   [limits]
 *   max_status_chars = 500
 *   min_poll_seconds = 300            shortest poll duration (lower it only for tests)
 *   min_schedule_seconds = 300        how far ahead a post may be scheduled (same)
 *   rate_limit = 300                  API requests per account (or per address when
 *                                     anonymous) and period; 0 turns rate limits off
 *   rate_limit_period = 300           that period, in seconds
 *   [instance]
 *   title = Hearth                    the server's name, shown to apps and visitors
 *   description =                     one paragraph about the community
 *   contact_email =                   public contact address
 *   source_url =                      where the source of this server's software is
 *   registrations = closed            sign-ups through apps: closed, open or approval
 *
 * Unknown sections or keys, malformed values and lines longer than
 * LIMIT_CONFIG_LINE are errors: a typo must not be silently ignored.
 * A struct config owns its strings: config_fini() releases them.
 */
#ifndef HEARTH_UTIL_CONFIG_H
#define HEARTH_UTIL_CONFIG_H

#include <stddef.h>

#define CONFIG_FILE "hearth.conf"

struct config {
    char *data_dir;       /* the data folder, as given */
    char *url;            /* base URL without trailing slash */
    char *domain;         /* host (lowercased) with ":port" when the URL names one */
    char *listen;         /* "127.0.0.1:8080" */
    char *db_path;        /* absolute or relative to the working directory */
    char *log_level;      /* "info" */
    int test_network;     /* 0 or 1 */
    int authorized_fetch; /* 1: signed GETs only for objects and collections */
    int max_status_chars;
    int rate_limit;        /* API requests per period and client; 0: no limits */
    int rate_limit_period; /* seconds */
    char *title;           /* "Hearth" */
    char *description;     /* "" */
    char *contact_email;   /* "" */
    char *source_url;      /* "" */
    char *registrations;   /* "closed", "open" or "approval" */

    int min_poll_seconds;     /* LIMIT_POLL_EXPIRY_MIN_S */
    int min_schedule_seconds; /* LIMIT_SCHEDULE_MIN_S */
};

/* Sets the defaults (data_dir copied). */
void config_init(struct config *c, const char *data_dir);
void config_fini(struct config *c);

/*
 * Reads DATA_DIR/hearth.conf over the defaults. Returns 0, E_NOTFOUND when
 * the file does not exist, E_IO when it cannot be read, or E_INVAL with a
 * one-line reason ("hearth.conf:4: unknown key 'prot' in [server]") written
 * into why (why_size bytes).
 */
int config_load(struct config *c, const char *data_dir, char *why, size_t why_size);

/*
 * Sets the URL and derives the domain. Accepts http:// and https:// URLs
 * with a host, an optional port and no path, query or credentials (one
 * trailing slash is dropped). Returns 0 or E_INVAL with a reason in why.
 */
int config_set_url(struct config *c, const char *url, char *why, size_t why_size);

/* Checks a listen address "HOST:PORT" or "[V6]:PORT"; 0 or E_INVAL with why. */
int config_check_listen(const char *listen, char *why, size_t why_size);

/*
 * Writes the configuration to DATA_DIR/hearth.conf atomically (a temporary
 * file renamed into place). Returns 0 or E_IO with a reason in why.
 */
int config_save(const struct config *c, char *why, size_t why_size);

#endif
