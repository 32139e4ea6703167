/*
 * domain_block: a member's blocks of whole servers (see domain_block.h).
 */
#include "core/domain_block.h"

#include <ctype.h>
#include <string.h>

#include "core/core.h"
#include "core/tx.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"
#include "util/timeutil.h"

const char *domain_normalize(struct arena *a, const struct core *core, const char *domain,
                             const char **why)
{
    *why = "domain must be a server's name, such as example.org";
    if (!domain)
        return NULL;
    while (*domain == ' ')
        domain++;
    size_t n = strlen(domain);
    while (n && domain[n - 1] == ' ')
        n--;
    if (n == 0 || n > 253)
        return NULL;
    char *d = arena_alloc(a, n + 1);
    int dot = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)domain[i];
        if (ch < 0x80 && !isalnum(ch) && ch != '.' && ch != '-' && ch != ':')
            return NULL;
        dot |= ch == '.' || ch == ':';
        d[i] = (char)(ch < 0x80 ? tolower(ch) : ch);
    }
    d[n] = '\0';
    if (!dot || d[0] == '.' || d[0] == ':')
        return NULL;
    if (core->domain && !strcmp(d, core->domain)) {
        *why = "domain is this server's own";
        return NULL;
    }
    *why = NULL;
    return d;
}

int domain_block_add(const struct core *core, int64_t account, const char *domain, const char **why)
{
    struct arena *a = arena_new();
    struct db_conn *c = NULL;
    const char *d = domain_normalize(a, core, domain, why);
    int rc = d ? core_tx_begin(core, &c) : E_INVAL;
    if (rc)
        goto out;
    struct db_stmt *s;
    rc = db_prepare(c, "SELECT count(*) FROM account_domain_blocks WHERE account_id = ?", &s);
    if (rc)
        goto out;
    db_bind_i64(s, 1, account);
    int64_t have = db_step(s) == DB_ROW ? db_col_i64(s, 0) : 0;
    db_stmt_done(s);
    if (have >= DOMAIN_BLOCK_MAX) {
        *why = "too many blocked domains";
        rc = E_LIMIT;
        goto out;
    }
    rc = db_prepare(c,
                    "INSERT INTO account_domain_blocks (id, account_id, domain, created_at)"
                    " VALUES (?, ?, ?, ?) ON CONFLICT (account_id, domain) DO NOTHING",
                    &s);
    if (rc)
        goto out;
    db_bind_i64(s, 1, id_next());
    db_bind_i64(s, 2, account);
    db_bind_text(s, 3, d);
    db_bind_i64(s, 4, time_now_ms());
    rc = db_step(s);
    db_stmt_done(s);
    if (rc < 0)
        goto out;
    /* Its accounts stop following her, as Mastodon does. */
    rc = db_prepare(c,
                    "DELETE FROM follows WHERE target_account_id = ? AND account_id IN"
                    " (SELECT id FROM accounts WHERE domain = ?)",
                    &s);
    if (rc)
        goto out;
    db_bind_i64(s, 1, account);
    db_bind_text(s, 2, d);
    rc = db_step(s);
    db_stmt_done(s);
    rc = rc < 0 ? rc : 0;
out:
    rc = core_tx_end(c, rc);
    arena_free(a);
    return rc;
}

int domain_block_remove(const struct core *core, int64_t account, const char *domain,
                        const char **why)
{
    struct arena *a = arena_new();
    struct db_conn *c = NULL;
    const char *d = domain_normalize(a, core, domain, why);
    int rc = d ? core_tx_begin(core, &c) : E_INVAL;
    if (rc)
        goto out;
    struct db_stmt *s;
    rc = db_prepare(c, "DELETE FROM account_domain_blocks WHERE account_id = ? AND domain = ?", &s);
    if (rc)
        goto out;
    db_bind_i64(s, 1, account);
    db_bind_text(s, 2, d);
    rc = db_step(s);
    db_stmt_done(s);
    rc = rc < 0 ? rc : 0;
out:
    rc = core_tx_end(c, rc);
    arena_free(a);
    return rc;
}

int domain_block_list(struct db_conn *c, struct arena *a, int64_t account, const struct page *p,
                      const char ***domains, int64_t **page_ids, size_t *n)
{
    int limit = p->limit <= 0 ? 100 : p->limit > 200 ? 200 : p->limit;
    int asc = p->min_id != 0;
    struct db_stmt *s;
    int rc = db_prepare(c,
                        asc ? "SELECT id, domain FROM account_domain_blocks WHERE account_id = ?"
                              " AND id < ? AND id > ? ORDER BY id ASC LIMIT ?"
                            : "SELECT id, domain FROM account_domain_blocks WHERE account_id = ?"
                              " AND id < ? AND id > ? ORDER BY id DESC LIMIT ?",
                        &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, account);
    db_bind_i64(s, 2, p->max_id ? p->max_id : INT64_MAX);
    db_bind_i64(s, 3, asc ? p->min_id : p->since_id);
    db_bind_i64(s, 4, limit);
    const char **list = arena_alloc(a, (size_t)limit * sizeof(*list));
    int64_t *ids = arena_alloc(a, (size_t)limit * sizeof(*ids));
    size_t count = 0;
    while (count < (size_t)limit && (rc = db_step(s)) == DB_ROW) {
        ids[count] = db_col_i64(s, 0);
        list[count] = arena_strdup(a, db_col_text(s, 1));
        count++;
    }
    db_stmt_done(s);
    if (rc < 0)
        return rc;
    for (size_t i = 0; asc && i < count / 2; i++) {
        const char *t = list[i];
        list[i] = list[count - 1 - i];
        list[count - 1 - i] = t;
        int64_t u = ids[i];
        ids[i] = ids[count - 1 - i];
        ids[count - 1 - i] = u;
    }
    *domains = list;
    *page_ids = ids;
    *n = count;
    return 0;
}

int domain_block_covers(struct db_conn *c, int64_t account, int64_t other)
{
    struct db_stmt *s;
    int rc = db_prepare(c,
                        "SELECT 1 FROM accounts a JOIN account_domain_blocks b"
                        " ON b.domain = a.domain WHERE a.id = ? AND b.account_id = ?",
                        &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, other);
    db_bind_i64(s, 2, account);
    rc = db_step(s);
    db_stmt_done(s);
    return rc < 0 ? rc : rc == DB_ROW;
}
