/*
 * core: the server-wide context every domain function receives.
 *
 * main fills a struct core from the configuration at start-up and keeps it
 * for the life of the process; core functions borrow it. Nothing in it
 * changes while the server runs, so threads share it without locking.
 */
#ifndef HEARTH_CORE_CORE_H
#define HEARTH_CORE_CORE_H

struct db;
struct core;

/*
 * How core learns of remote things on demand (a search with resolve): set
 * by main from the ActivityPub side; NULL where there is no network.
 * Each returns 0 when the thing is stored now, or an error.
 */
struct core_resolver {
    int (*account)(const struct core *core, const char *user, const char *domain);
    int (*url)(const struct core *core, const char *url);
};

struct core {
    struct db *db;           /* borrowed; open for the life of the process */
    const char *base_url;    /* public base URL without trailing slash: "https://social.example" */
    const char *domain;      /* the server's domain: host, with ":port" when the URL has one */
    int max_status_chars;    /* status length limit in code points (URLs count 23) */
    int test_network;        /* 1: plain http and private addresses allowed (tests only) */
    int authorized_fetch;    /* 1: ActivityPub objects and collections need a signed GET */
    int rate_limit;          /* API requests per period and client; 0: no limits */
    int rate_limit_period;   /* seconds */
    const char *title;       /* the server's name */
    const char *description; /* about the community ("" when unset) */
    const char *contact_email; /* public contact ("" when unset) */
    const char *source_url;    /* the software's source ("" when unset) */
    const char *registrations; /* "closed" (or NULL), "open" or "approval" */

    int min_poll_seconds;     /* shortest poll; 0 means LIMIT_POLL_EXPIRY_MIN_S */
    int min_schedule_seconds; /* how far ahead a post is scheduled; 0: LIMIT_SCHEDULE_MIN_S */
    const char *data_dir;     /* the data folder (media files live under it) */
    const struct core_resolver *resolver; /* NULL: remote lookups are not made */
};

#endif
