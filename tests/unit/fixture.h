/*
 * fixture.h: a core on a fresh in-memory database, for unit tests of
 * core/. Static helpers, included by one test file each.
 */
#ifndef HEARTH_TESTS_FIXTURE_H
#define HEARTH_TESTS_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>

#include "core/account.h"
#include "core/core.h"
#include "db/db.h"
#include "util/log.h"

static struct core fx_core;

/* Opens and migrates a new in-memory database behind fx_core. */
__attribute__((unused)) static struct core *fx_open(void)
{
    log_set_level(LOG_LEVEL_ERROR);
    fx_core.base_url = "https://a.test";
    fx_core.domain = "a.test";
    fx_core.max_status_chars = 500;
    if (db_open(":memory:", NULL, &fx_core.db) != 0 || db_migrate(fx_core.db, NULL, NULL) != 0) {
        fprintf(stderr, "fixture: cannot open the test database\n");
        exit(1);
    }
    return &fx_core;
}

static void fx_close(void)
{
    db_close(fx_core.db);
    fx_core.db = NULL;
}

/* A local member with a fixed password; exits on failure. */
__attribute__((unused)) static int64_t fx_user(const char *name)
{
    char email[128];
    int64_t id = 0;
    const char *why = NULL;
    snprintf(email, sizeof(email), "%s@example.org", name);
    if (user_create(&fx_core, name, email, "correct horse", USER_ROLE_MEMBER, &id, &why) != 0) {
        fprintf(stderr, "fixture: cannot create %s: %s\n", name, why ? why : "?");
        exit(1);
    }
    return id;
}

/* A remote account on domain. */
__attribute__((unused)) static int64_t fx_remote(const char *name, const char *domain)
{
    char uri[256];
    snprintf(uri, sizeof(uri), "https://%s/users/%s", domain, name);
    struct account_remote r = {
        .uri = uri, .username = name, .domain = domain, .inbox_url = uri, .discoverable = 1};
    struct db_conn *c;
    int64_t id = 0;
    db_acquire(fx_core.db, DB_WRITE, &c);
    int rc = account_upsert_remote(c, &r, &id);
    db_release(c);
    if (rc) {
        fprintf(stderr, "fixture: cannot create remote %s@%s\n", name, domain);
        exit(1);
    }
    return id;
}

/* Runs SQL without parameters on the write connection. */
__attribute__((unused)) static void fx_exec(const char *sql)
{
    struct db_conn *c;
    db_acquire(fx_core.db, DB_WRITE, &c);
    if (db_exec(c, sql) != 0) {
        fprintf(stderr, "fixture: failed: %s\n", sql);
        exit(1);
    }
    db_release(c);
}

#endif
