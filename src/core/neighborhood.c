/*
 * neighborhood: the neighborhood_servers table (neighborhood.h).
 */
#include "core/neighborhood.h"

#include <string.h>

#include "core/account.h"
#include "core/audit.h"
#include "core/core.h"
#include "core/domain_block.h"
#include "core/events.h"
#include "core/stats.h"
#include "core/tx.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#define LOG_MODULE "neighborhood"
#include "util/log.h"
#include "util/timeutil.h"

static int64_t count_of(struct db_conn *c, const char *sql, const char *text)
{
    struct db_stmt *s;
    if (db_prepare(c, sql, &s))
        return -1;
    if (text)
        db_bind_text(s, 1, text);
    int64_t n = db_step(s) == DB_ROW ? db_col_i64(s, 0) : -1;
    db_stmt_done(s);
    return n;
}

int neighborhood_add(const struct core *core, int64_t actor, const char *domain, int *added,
                     const char **why)
{
    struct arena *a = arena_new();
    struct db_conn *c = NULL;
    *added = 0;
    const char *d = domain_normalize(a, core, domain, why);
    int rc = d ? core_tx_begin(core, &c) : E_INVAL;
    if (rc)
        goto out;
    if (count_of(c, "SELECT count(*) FROM neighborhood_servers WHERE domain = ?", d) > 0)
        goto out;
    if (count_of(c, "SELECT count(*) FROM neighborhood_servers", NULL) >= NEIGHBORHOOD_MAX) {
        *why = "the neighborhood is full";
        rc = E_LIMIT;
        goto out;
    }
    struct db_stmt *s;
    rc = db_prepare(c, "INSERT INTO neighborhood_servers (domain, created_at) VALUES (?, ?)", &s);
    if (rc)
        goto out;
    db_bind_text(s, 1, d);
    db_bind_i64(s, 2, time_now_ms());
    rc = db_step(s) == DB_DONE ? 0 : E_DB;
    db_stmt_done(s);
    if (rc == 0)
        rc = audit_add(c, actor, "neighborhood.add", "domain", 0, d, NULL);
    if (rc == 0) {
        *added = 1;
        log_info("%s joined the neighborhood", d);
    }
out:
    if (c)
        rc = core_tx_end(c, rc);
    arena_free(a);
    return rc;
}

int neighborhood_remove(const struct core *core, int64_t actor, const char *domain,
                        int64_t *dropped, const char **why)
{
    struct arena *a = arena_new();
    struct db_conn *c = NULL;
    if (dropped)
        *dropped = 0;
    const char *d = domain_normalize(a, core, domain, why);
    int rc = d ? core_tx_begin(core, &c) : E_INVAL;
    if (rc)
        goto out;
    struct db_stmt *s;
    rc = db_prepare(c, "DELETE FROM neighborhood_servers WHERE domain = ?", &s);
    if (rc)
        goto out;
    db_bind_text(s, 1, d);
    rc = db_step(s) == DB_DONE ? 0 : E_DB;
    db_stmt_done(s);
    if (rc == 0 && db_changes(c) == 0) {
        *why = "that server is not in the neighborhood";
        rc = E_NOTFOUND;
    }
    if (rc)
        goto out;
    /* What it sent for neighbors only is no longer this server's to show. */
    rc = db_prepare(c,
                    "SELECT s.id, s.account_id FROM statuses s JOIN accounts a"
                    " ON a.id = s.account_id WHERE s.local = 0 AND s.visibility = 5"
                    " AND lower(a.domain) = ?",
                    &s);
    if (rc)
        goto out;
    db_bind_text(s, 1, d);
    int64_t n = 0;
    int64_t *authors = NULL;
    size_t na = 0;
    while (db_step(s) == DB_ROW) {
        int64_t author = db_col_i64(s, 1);
        events_defer(EVENT_STATUS_DELETE, db_col_i64(s, 0), author);
        n++;
        int seen = 0;
        for (size_t i = 0; i < na && !seen; i++)
            seen = authors[i] == author;
        if (!seen) {
            if (na % 64 == 0) {
                int64_t *more = arena_alloc(a, (na + 64) * sizeof(*more));
                if (na)
                    memcpy(more, authors, na * sizeof(*more));
                authors = more;
            }
            authors[na++] = author;
        }
    }
    db_stmt_done(s);
    rc = db_prepare(c,
                    "DELETE FROM statuses WHERE local = 0 AND visibility = 5 AND account_id IN"
                    " (SELECT id FROM accounts WHERE lower(domain) = ?)",
                    &s);
    if (rc)
        goto out;
    db_bind_text(s, 1, d);
    rc = db_step(s) == DB_DONE ? 0 : E_DB;
    db_stmt_done(s);
    for (size_t i = 0; rc == 0 && i < na; i++)
        rc = account_stats_refresh(c, authors[i]);
    if (rc == 0)
        rc = audit_add(c, actor, "neighborhood.remove", "domain", 0, d,
                       arena_printf(a, "{\"dropped\":%lld}", (long long)n));
    if (rc == 0) {
        if (dropped)
            *dropped = n;
        log_info("%s left the neighborhood (%lld of its posts dropped)", d, (long long)n);
    }
out:
    if (c)
        rc = core_tx_end(c, rc);
    arena_free(a);
    return rc;
}

int neighborhood_list(struct db_conn *c, struct arena *a, struct neighbor **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    struct db_stmt *s;
    int rc = db_prepare(c,
                        "SELECT domain, created_at FROM neighborhood_servers"
                        " ORDER BY created_at, domain LIMIT ?",
                        &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, NEIGHBORHOOD_MAX);
    struct neighbor *v = arena_alloc(a, NEIGHBORHOOD_MAX * sizeof(*v));
    size_t k = 0;
    while ((rc = db_step(s)) == DB_ROW && k < NEIGHBORHOOD_MAX) {
        v[k].domain = arena_strdup(a, db_col_text(s, 0));
        v[k].created_at = db_col_i64(s, 1);
        k++;
    }
    db_stmt_done(s);
    if (rc < 0)
        return rc;
    *out = v;
    *n = k;
    return 0;
}

int neighborhood_has(struct db_conn *c, const char *domain)
{
    if (!domain || !*domain)
        return 0;
    struct db_stmt *s;
    int rc = db_prepare(c, "SELECT 1 FROM neighborhood_servers WHERE domain = lower(?)", &s);
    if (rc)
        return rc;
    db_bind_text(s, 1, domain);
    rc = db_step(s);
    db_stmt_done(s);
    return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : E_DB;
}

const char *neighborhood_audience(struct arena *a, const char *base_url)
{
    return arena_printf(a, "%s" NEIGHBORHOOD_PATH, base_url);
}

int neighborhood_is_audience_of(struct arena *a, const char *url, const char *actor_uri)
{
    if (!url || !actor_uri)
        return 0;
    size_t n = strlen(url), p = strlen(NEIGHBORHOOD_PATH);
    if (n <= p || strcmp(url + n - p, NEIGHBORHOOD_PATH) != 0)
        return 0;
    const char *base = arena_strndup(a, url, n - p);
    size_t b = strlen(base);
    /* The actor's URI starts with the same origin, followed by a path. */
    return strncmp(actor_uri, base, b) == 0 && actor_uri[b] == '/' && strchr(base + 8, '/') == NULL;
}
