/*
 * access_block: IP, e-mail domain and canonical e-mail blocks, and the
 * failed-login counters (access_block.h). Blocks are read from the
 * database on every check; the login counters live in a fixed table in
 * memory for the life of the process.
 */
#include "core/access_block.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

#include "core/audit.h"
#include "core/tx.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"
#include "util/ratelimit.h"
#include "util/timeutil.h"
#include "util/utf8.h"

static const char *const severity_names[] = {"", "sign_up_requires_approval", "sign_up_block",
                                             "no_access"};

const char *ip_severity_name(enum ip_severity s)
{
    return (unsigned)s <= IP_NO_ACCESS ? severity_names[s] : "";
}

int ip_severity_parse(const char *name, enum ip_severity *out)
{
    for (int i = 1; name && i <= IP_NO_ACCESS; i++)
        if (!strcmp(name, severity_names[i])) {
            *out = (enum ip_severity)i;
            return 0;
        }
    return E_INVAL;
}

/* An address as 16 bytes (IPv4 mapped into ::ffff:0:0/96) and its family. */
static int parse_addr(const char *text, unsigned char out[16], int *v4)
{
    unsigned char b4[4];
    if (inet_pton(AF_INET, text, b4) == 1) {
        memset(out, 0, 10);
        out[10] = out[11] = 0xff;
        memcpy(out + 12, b4, 4);
        *v4 = 1;
        return 0;
    }
    if (inet_pton(AF_INET6, text, out) == 1) {
        *v4 = 0;
        return 0;
    }
    return E_INVAL;
}

/* A network: its address (host bits cleared) and prefix counted over 128 bits. */
static int parse_net(const char *text, unsigned char addr[16], int *prefix128, int *v4)
{
    char host[IP_BLOCK_TEXT_MAX];
    const char *slash = strchr(text, '/');
    size_t hl = slash ? (size_t)(slash - text) : strlen(text);
    if (hl == 0 || hl >= sizeof(host))
        return E_INVAL;
    memcpy(host, text, hl);
    host[hl] = '\0';
    if (parse_addr(host, addr, v4))
        return E_INVAL;
    int max = *v4 ? 32 : 128, prefix = max;
    if (slash) {
        const char *p = slash + 1;
        if (!*p || strlen(p) > 3 || strspn(p, "0123456789") != strlen(p))
            return E_INVAL;
        prefix = (int)strtol(p, NULL, 10);
        if (prefix > max)
            return E_INVAL;
    }
    *prefix128 = *v4 ? prefix + 96 : prefix;
    for (int bit = *prefix128; bit < 128; bit++)
        addr[bit / 8] &= (unsigned char)~(0x80 >> (bit % 8));
    return 0;
}

int ip_block_canonical(const char *text, char out[IP_BLOCK_TEXT_MAX])
{
    unsigned char addr[16];
    int prefix, v4;
    if (!text || parse_net(text, addr, &prefix, &v4))
        return E_INVAL;
    char host[INET6_ADDRSTRLEN];
    if (!inet_ntop(v4 ? AF_INET : AF_INET6, v4 ? addr + 12 : addr, host, sizeof(host)))
        return E_INVAL;
    snprintf(out, IP_BLOCK_TEXT_MAX, "%s/%d", host, v4 ? prefix - 96 : prefix);
    return 0;
}

static int net_contains(const char *net, const unsigned char addr[16])
{
    unsigned char n[16];
    int prefix, v4;
    if (parse_net(net, n, &prefix, &v4))
        return 0;
    for (int bit = 0; bit < prefix; bit++) {
        unsigned char m = (unsigned char)(0x80 >> (bit % 8));
        if ((n[bit / 8] & m) != (addr[bit / 8] & m))
            return 0;
    }
    return 1;
}

#define IP_COLUMNS                                                                                 \
    "id, ip, severity, comment, coalesce(expires_at, 0), created_at, updated_at FROM ip_blocks"

static void ip_from_row(struct arena *a, struct db_stmt *s, struct ip_block *b)
{
    b->id = db_col_i64(s, 0);
    b->ip = arena_strdup(a, db_col_text(s, 1));
    b->severity = (enum ip_severity)db_col_i64(s, 2);
    b->comment = arena_strdup(a, db_col_text(s, 3));
    b->expires_at = db_col_i64(s, 4);
    b->created_at = db_col_i64(s, 5);
    b->updated_at = db_col_i64(s, 6);
}

int ip_block_list(struct db_conn *c, struct arena *a, struct ip_block **out, size_t *n)
{
    struct db_stmt *s;
    int rc = db_prepare(c, "SELECT " IP_COLUMNS " ORDER BY id DESC LIMIT 1000", &s);
    if (rc)
        return rc;
    size_t cap = 16, k = 0;
    struct ip_block *v = arena_alloc(a, cap * sizeof(*v));
    while ((rc = db_step(s)) == DB_ROW) {
        if (k == cap) {
            struct ip_block *bigger = arena_alloc(a, 2 * cap * sizeof(*v));
            memcpy(bigger, v, cap * sizeof(*v));
            v = bigger;
            cap *= 2;
        }
        ip_from_row(a, s, &v[k++]);
    }
    db_stmt_done(s);
    *out = v;
    *n = k;
    return rc == DB_DONE ? 0 : E_DB;
}

int ip_block_get(struct db_conn *c, struct arena *a, int64_t id, struct ip_block **out)
{
    struct db_stmt *s;
    int rc = db_prepare(c, "SELECT " IP_COLUMNS " WHERE id = ?", &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, id);
    rc = db_step(s);
    if (rc == DB_ROW) {
        *out = arena_zalloc(a, sizeof(**out));
        ip_from_row(a, s, *out);
        rc = 0;
    } else {
        rc = rc == DB_DONE ? E_NOTFOUND : E_DB;
    }
    db_stmt_done(s);
    return rc;
}

static int check_comment(const char *comment, const char **why)
{
    if (comment &&
        (strlen(comment) > ACCESS_COMMENT_MAX || !utf8_valid(comment, strlen(comment)))) {
        *why = "comment is too long or not text";
        return E_INVAL;
    }
    return 0;
}

static const char *ip_detail(struct arena *a, const struct ip_block *b)
{
    return arena_printf(a, "{\"severity\":\"%s\",\"expires_at\":%lld}",
                        ip_severity_name(b->severity), (long long)b->expires_at);
}

int ip_block_create(const struct core *core, struct arena *a, int64_t actor, const char *ip,
                    enum ip_severity severity, const char *comment, int64_t expires_in,
                    struct ip_block **out, const char **why)
{
    *why = NULL;
    char canon[IP_BLOCK_TEXT_MAX];
    if (ip_block_canonical(ip, canon)) {
        *why = "ip must be an IPv4 or IPv6 address or network (CIDR)";
        return E_INVAL;
    }
    if (severity < IP_SIGN_UP_REQUIRES_APPROVAL || severity > IP_NO_ACCESS) {
        *why = "severity must be sign_up_requires_approval, sign_up_block or no_access";
        return E_INVAL;
    }
    if (check_comment(comment, why))
        return E_INVAL;
    if (expires_in < 0) {
        *why = "expires_in must be a number of seconds";
        return E_INVAL;
    }
    struct ip_block *b = arena_zalloc(a, sizeof(*b));
    int64_t now = time_now_ms();
    b->id = id_next();
    b->ip = arena_strdup(a, canon);
    b->severity = severity;
    b->comment = arena_strdup(a, comment ? comment : "");
    b->expires_at = expires_in ? now + expires_in * 1000 : 0;
    b->created_at = b->updated_at = now;
    struct db_conn *c;
    int rc = core_tx_begin(core, &c);
    if (rc)
        return rc;
    struct db_stmt *s;
    rc = db_prepare(c,
                    "INSERT INTO ip_blocks (id, ip, severity, comment, expires_at, created_at,"
                    " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    &s);
    if (rc)
        return core_tx_end(c, rc);
    db_bind_i64(s, 1, b->id);
    db_bind_text(s, 2, b->ip);
    db_bind_i64(s, 3, b->severity);
    db_bind_text(s, 4, b->comment);
    if (b->expires_at)
        db_bind_i64(s, 5, b->expires_at);
    else
        db_bind_null(s, 5);
    db_bind_i64(s, 6, now);
    db_bind_i64(s, 7, now);
    rc = db_step(s);
    db_stmt_done(s);
    if (rc == E_EXISTS)
        *why = "ip is already blocked";
    if (rc >= 0)
        rc = audit_add(c, actor, "ip_block.create", "ip_block", b->id, b->ip, ip_detail(a, b));
    rc = core_tx_end(c, rc < 0 ? rc : 0);
    if (rc == 0)
        *out = b;
    return rc;
}

int ip_block_update(const struct core *core, struct arena *a, int64_t actor, int64_t id,
                    const char *ip, enum ip_severity severity, const char *comment,
                    int64_t expires_in, struct ip_block **out, const char **why)
{
    *why = NULL;
    char canon[IP_BLOCK_TEXT_MAX];
    if (ip && ip_block_canonical(ip, canon)) {
        *why = "ip must be an IPv4 or IPv6 address or network (CIDR)";
        return E_INVAL;
    }
    if (severity != IP_SEVERITY_NONE &&
        (severity < IP_SIGN_UP_REQUIRES_APPROVAL || severity > IP_NO_ACCESS)) {
        *why = "severity must be sign_up_requires_approval, sign_up_block or no_access";
        return E_INVAL;
    }
    if (check_comment(comment, why))
        return E_INVAL;
    struct db_conn *c;
    int rc = core_tx_begin(core, &c);
    if (rc)
        return rc;
    struct ip_block *b = NULL;
    rc = ip_block_get(c, a, id, &b);
    if (rc)
        return core_tx_end(c, rc);
    int64_t now = time_now_ms();
    if (ip)
        b->ip = arena_strdup(a, canon);
    if (severity != IP_SEVERITY_NONE)
        b->severity = severity;
    if (comment)
        b->comment = arena_strdup(a, comment);
    if (expires_in >= 0)
        b->expires_at = expires_in ? now + expires_in * 1000 : 0;
    b->updated_at = now;
    struct db_stmt *s;
    rc = db_prepare(c,
                    "UPDATE ip_blocks SET ip = ?, severity = ?, comment = ?, expires_at = ?,"
                    " updated_at = ? WHERE id = ?",
                    &s);
    if (rc)
        return core_tx_end(c, rc);
    db_bind_text(s, 1, b->ip);
    db_bind_i64(s, 2, b->severity);
    db_bind_text(s, 3, b->comment);
    if (b->expires_at)
        db_bind_i64(s, 4, b->expires_at);
    else
        db_bind_null(s, 4);
    db_bind_i64(s, 5, now);
    db_bind_i64(s, 6, id);
    rc = db_step(s);
    db_stmt_done(s);
    if (rc == E_EXISTS)
        *why = "ip is already blocked";
    if (rc >= 0)
        rc = audit_add(c, actor, "ip_block.update", "ip_block", b->id, b->ip, ip_detail(a, b));
    rc = core_tx_end(c, rc < 0 ? rc : 0);
    if (rc == 0)
        *out = b;
    return rc;
}

/* Deletes row id of table (a fixed name) and records action; E_NOTFOUND when absent. */
static int delete_row(const struct core *core, int64_t actor, const char *select_sql,
                      const char *delete_sql, const char *action, const char *type, int64_t id)
{
    struct db_conn *c;
    int rc = core_tx_begin(core, &c);
    if (rc)
        return rc;
    struct db_stmt *s;
    rc = db_prepare(c, select_sql, &s);
    if (rc)
        return core_tx_end(c, rc);
    db_bind_i64(s, 1, id);
    rc = db_step(s);
    char name[300] = "";
    if (rc == DB_ROW)
        snprintf(name, sizeof(name), "%s", db_col_text(s, 0));
    db_stmt_done(s);
    if (rc != DB_ROW)
        return core_tx_end(c, rc == DB_DONE ? E_NOTFOUND : E_DB);
    rc = db_prepare(c, delete_sql, &s);
    if (rc)
        return core_tx_end(c, rc);
    db_bind_i64(s, 1, id);
    rc = db_step(s);
    db_stmt_done(s);
    if (rc >= 0)
        rc = audit_add(c, actor, action, type, id, name, NULL);
    return core_tx_end(c, rc < 0 ? rc : 0);
}

int ip_block_delete(const struct core *core, int64_t actor, int64_t id)
{
    return delete_row(core, actor, "SELECT ip FROM ip_blocks WHERE id = ?",
                      "DELETE FROM ip_blocks WHERE id = ?", "ip_block.destroy", "ip_block", id);
}

enum ip_severity ip_block_severity(struct db_conn *c, const char *ip)
{
    unsigned char addr[16];
    int v4;
    if (!ip || parse_addr(ip, addr, &v4))
        return IP_SEVERITY_NONE;
    struct db_stmt *s;
    if (db_prepare(
            c, "SELECT ip, severity FROM ip_blocks WHERE expires_at IS NULL OR expires_at > ?", &s))
        return IP_SEVERITY_NONE;
    db_bind_i64(s, 1, time_now_ms());
    enum ip_severity worst = IP_SEVERITY_NONE;
    while (db_step(s) == DB_ROW) {
        enum ip_severity sev = (enum ip_severity)db_col_i64(s, 1);
        if (sev > worst && net_contains(db_col_text(s, 0), addr))
            worst = sev;
    }
    db_stmt_done(s);
    return worst;
}

/* ---- e-mail domains ---- */

int email_domain_block_list(struct db_conn *c, struct arena *a, struct email_domain_block **out,
                            size_t *n)
{
    struct db_stmt *s;
    int rc = db_prepare(
        c, "SELECT id, domain, created_at FROM email_domain_blocks ORDER BY id DESC LIMIT 1000",
        &s);
    if (rc)
        return rc;
    size_t cap = 16, k = 0;
    struct email_domain_block *v = arena_alloc(a, cap * sizeof(*v));
    while ((rc = db_step(s)) == DB_ROW) {
        if (k == cap) {
            struct email_domain_block *bigger = arena_alloc(a, 2 * cap * sizeof(*v));
            memcpy(bigger, v, cap * sizeof(*v));
            v = bigger;
            cap *= 2;
        }
        v[k].id = db_col_i64(s, 0);
        v[k].domain = arena_strdup(a, db_col_text(s, 1));
        v[k].created_at = db_col_i64(s, 2);
        k++;
    }
    db_stmt_done(s);
    *out = v;
    *n = k;
    return rc == DB_DONE ? 0 : E_DB;
}

int email_domain_block_get(struct db_conn *c, struct arena *a, int64_t id,
                           struct email_domain_block **out)
{
    struct db_stmt *s;
    int rc =
        db_prepare(c, "SELECT id, domain, created_at FROM email_domain_blocks WHERE id = ?", &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, id);
    rc = db_step(s);
    if (rc == DB_ROW) {
        struct email_domain_block *b = arena_zalloc(a, sizeof(*b));
        b->id = db_col_i64(s, 0);
        b->domain = arena_strdup(a, db_col_text(s, 1));
        b->created_at = db_col_i64(s, 2);
        *out = b;
        rc = 0;
    } else {
        rc = rc == DB_DONE ? E_NOTFOUND : E_DB;
    }
    db_stmt_done(s);
    return rc;
}

/* A domain name in lower case: letters, digits, '-', '.', at least one dot; NULL otherwise. */
static char *domain_canonical(struct arena *a, const char *domain)
{
    if (!domain)
        return NULL;
    while (*domain == '@' || *domain == ' ')
        domain++;
    size_t n = strlen(domain);
    while (n && (domain[n - 1] == '.' || domain[n - 1] == ' '))
        n--;
    if (n == 0 || n > 253 || domain[0] == '.')
        return NULL;
    char *d = arena_strndup(a, domain, n);
    int dots = 0;
    for (char *p = d; *p; p++) {
        *p = (char)tolower((unsigned char)*p);
        if (*p == '.') {
            if (p[1] == '.')
                return NULL;
            dots++;
        } else if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_') {
            return NULL;
        }
    }
    return dots ? d : NULL;
}

int email_domain_block_create(const struct core *core, struct arena *a, int64_t actor,
                              const char *domain, struct email_domain_block **out, const char **why)
{
    *why = NULL;
    char *d = domain_canonical(a, domain);
    if (!d) {
        *why = "domain must be a domain name";
        return E_INVAL;
    }
    struct email_domain_block *b = arena_zalloc(a, sizeof(*b));
    b->id = id_next();
    b->domain = d;
    b->created_at = time_now_ms();
    struct db_conn *c;
    int rc = core_tx_begin(core, &c);
    if (rc)
        return rc;
    struct db_stmt *s;
    rc = db_prepare(c, "INSERT INTO email_domain_blocks (id, domain, created_at) VALUES (?, ?, ?)",
                    &s);
    if (rc)
        return core_tx_end(c, rc);
    db_bind_i64(s, 1, b->id);
    db_bind_text(s, 2, d);
    db_bind_i64(s, 3, b->created_at);
    rc = db_step(s);
    db_stmt_done(s);
    if (rc == E_EXISTS)
        *why = "domain is already blocked";
    if (rc >= 0)
        rc = audit_add(c, actor, "email_domain_block.create", "email_domain_block", b->id, d, NULL);
    rc = core_tx_end(c, rc < 0 ? rc : 0);
    if (rc == 0)
        *out = b;
    return rc;
}

int email_domain_block_delete(const struct core *core, int64_t actor, int64_t id)
{
    return delete_row(core, actor, "SELECT domain FROM email_domain_blocks WHERE id = ?",
                      "DELETE FROM email_domain_blocks WHERE id = ?", "email_domain_block.destroy",
                      "email_domain_block", id);
}

/* ---- canonical e-mail addresses ---- */

int canonical_email_hash(const char *email, char out[65])
{
    const char *at = email ? strrchr(email, '@') : NULL;
    if (!at || at == email || !at[1])
        return E_INVAL;
    char canon[512];
    size_t k = 0;
    for (const char *p = email; p < at && *p != '+' && k < sizeof(canon) - 1; p++)
        if (*p != '.')
            canon[k++] = (char)tolower((unsigned char)*p);
    for (const char *p = at; *p && k < sizeof(canon) - 1; p++)
        canon[k++] = (char)tolower((unsigned char)*p);
    canon[k] = '\0';
    unsigned char md[SHA256_DIGEST_LENGTH];
    SHA256((const unsigned char *)canon, k, md);
    for (int i = 0; i < SHA256_DIGEST_LENGTH; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
    return 0;
}

static int canonical_rows(struct db_stmt *s, struct arena *a, struct canonical_email_block **out,
                          size_t *n)
{
    size_t cap = 16, k = 0;
    struct canonical_email_block *v = arena_alloc(a, cap * sizeof(*v));
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        if (k == cap) {
            struct canonical_email_block *bigger = arena_alloc(a, 2 * cap * sizeof(*v));
            memcpy(bigger, v, cap * sizeof(*v));
            v = bigger;
            cap *= 2;
        }
        v[k].id = db_col_i64(s, 0);
        v[k].hash = arena_strdup(a, db_col_text(s, 1));
        v[k].created_at = db_col_i64(s, 2);
        k++;
    }
    db_stmt_done(s);
    *out = v;
    *n = k;
    return rc == DB_DONE ? 0 : E_DB;
}

int canonical_email_block_list(struct db_conn *c, struct arena *a,
                               struct canonical_email_block **out, size_t *n)
{
    struct db_stmt *s;
    int rc = db_prepare(c,
                        "SELECT id, canonical_email_hash, created_at FROM canonical_email_blocks"
                        " ORDER BY id DESC LIMIT 1000",
                        &s);
    return rc ? rc : canonical_rows(s, a, out, n);
}

int canonical_email_block_get(struct db_conn *c, struct arena *a, int64_t id,
                              struct canonical_email_block **out)
{
    struct db_stmt *s;
    int rc = db_prepare(c,
                        "SELECT id, canonical_email_hash, created_at FROM canonical_email_blocks"
                        " WHERE id = ?",
                        &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, id);
    size_t n = 0;
    rc = canonical_rows(s, a, out, &n);
    return rc ? rc : n ? 0 : E_NOTFOUND;
}

int canonical_email_block_match(struct db_conn *c, struct arena *a, const char *email,
                                struct canonical_email_block **out, size_t *n)
{
    char hash[65];
    *n = 0;
    *out = NULL;
    if (canonical_email_hash(email, hash))
        return 0;
    struct db_stmt *s;
    int rc = db_prepare(c,
                        "SELECT id, canonical_email_hash, created_at FROM canonical_email_blocks"
                        " WHERE canonical_email_hash = ?",
                        &s);
    if (rc)
        return rc;
    db_bind_text(s, 1, hash);
    return canonical_rows(s, a, out, n);
}

int canonical_email_block_create(const struct core *core, struct arena *a, int64_t actor,
                                 const char *email, const char *hash,
                                 struct canonical_email_block **out, const char **why)
{
    *why = NULL;
    char h[65];
    if (email && *email) {
        if (canonical_email_hash(email, h)) {
            *why = "email must be an e-mail address";
            return E_INVAL;
        }
    } else if (hash && strlen(hash) == 64 && strspn(hash, "0123456789abcdefABCDEF") == 64) {
        for (int i = 0; i < 64; i++)
            h[i] = (char)tolower((unsigned char)hash[i]);
        h[64] = '\0';
    } else {
        *why = "email or canonical_email_hash (64 hex digits) is required";
        return E_INVAL;
    }
    struct canonical_email_block *b = arena_zalloc(a, sizeof(*b));
    b->id = id_next();
    b->hash = arena_strdup(a, h);
    b->created_at = time_now_ms();
    struct db_conn *c;
    int rc = core_tx_begin(core, &c);
    if (rc)
        return rc;
    struct db_stmt *s;
    rc = db_prepare(c,
                    "INSERT INTO canonical_email_blocks (id, canonical_email_hash, created_at)"
                    " VALUES (?, ?, ?)",
                    &s);
    if (rc)
        return core_tx_end(c, rc);
    db_bind_i64(s, 1, b->id);
    db_bind_text(s, 2, b->hash);
    db_bind_i64(s, 3, b->created_at);
    rc = db_step(s);
    db_stmt_done(s);
    if (rc == E_EXISTS)
        *why = "this address is already blocked";
    if (rc >= 0)
        rc = audit_add(c, actor, "canonical_email_block.create", "canonical_email_block", b->id,
                       b->hash, NULL);
    rc = core_tx_end(c, rc < 0 ? rc : 0);
    if (rc == 0)
        *out = b;
    return rc;
}

int canonical_email_block_delete(const struct core *core, int64_t actor, int64_t id)
{
    return delete_row(core, actor,
                      "SELECT canonical_email_hash FROM canonical_email_blocks WHERE id = ?",
                      "DELETE FROM canonical_email_blocks WHERE id = ?",
                      "canonical_email_block.destroy", "canonical_email_block", id);
}

int email_blocked(struct db_conn *c, const char *email, const char **why)
{
    const char *at = email ? strrchr(email, '@') : NULL;
    if (!at)
        return 0;
    char domain[256];
    size_t k = 0;
    for (const char *p = at + 1; *p && k < sizeof(domain) - 1; p++)
        domain[k++] = (char)tolower((unsigned char)*p);
    domain[k] = '\0';
    struct db_stmt *s;
    int blocked = 0;
    /* The domain itself, then each parent: a.b.example, b.example, example. */
    for (const char *d = domain; d && *d && !blocked;) {
        if (db_prepare(c, "SELECT 1 FROM email_domain_blocks WHERE domain = ?", &s) != 0)
            break;
        db_bind_text(s, 1, d);
        blocked = db_step(s) == DB_ROW;
        db_stmt_done(s);
        d = strchr(d, '.');
        if (d)
            d++;
    }
    if (blocked) {
        *why = "email: sign-ups with addresses of this e-mail provider are not accepted";
        return 1;
    }
    char hash[65];
    if (canonical_email_hash(email, hash) == 0 &&
        db_prepare(c, "SELECT 1 FROM canonical_email_blocks WHERE canonical_email_hash = ?", &s) ==
            0) {
        db_bind_text(s, 1, hash);
        blocked = db_step(s) == DB_ROW;
        db_stmt_done(s);
    }
    if (blocked)
        *why = "email: this address may not be used to sign up";
    return blocked;
}

/* ---- failed logins ---- */

#define LOGIN_BUCKETS 4096

static struct ratelimit_bucket login_buckets[LOGIN_BUCKETS];
static struct ratelimit login_table;
static pthread_once_t login_once = PTHREAD_ONCE_INIT;

static void login_table_init(void)
{
    ratelimit_init(&login_table, login_buckets, LOGIN_BUCKETS);
}

/* The two keys of an attempt: "ip ADDR" and "name LOGIN" (lower case). */
static void login_keys(const char *ip, const char *login, char *k1, size_t n1, size_t *l1, char *k2,
                       size_t n2, size_t *l2)
{
    int n = snprintf(k1, n1, "ip %s", ip ? ip : "-");
    *l1 = (size_t)n < n1 ? (size_t)n : n1 - 1;
    size_t k = (size_t)snprintf(k2, n2, "name ");
    for (const char *p = login ? login : ""; *p && k < n2 - 1; p++)
        k2[k++] = (char)tolower((unsigned char)*p);
    k2[k] = '\0';
    *l2 = k;
}

int64_t login_guard_wait(const struct core *core, const char *ip, const char *login)
{
    if (!core->rate_limit)
        return 0;
    pthread_once(&login_once, login_table_init);
    char k1[96], k2[320];
    size_t l1, l2;
    login_keys(ip, login, k1, sizeof(k1), &l1, k2, sizeof(k2), &l2);
    int64_t now = time_now_ms(), r1, r2, reset = 0;
    if (ratelimit_peek(&login_table, k1, l1, now, &r1) >= LOGIN_GUARD_ADDRESS_FAILURES)
        reset = r1;
    if (ratelimit_peek(&login_table, k2, l2, now, &r2) >= LOGIN_GUARD_FAILURES && r2 > reset)
        reset = r2;
    return reset ? (reset - now + 999) / 1000 : 0;
}

void login_guard_failed(const struct core *core, const char *ip, const char *login)
{
    if (!core->rate_limit)
        return;
    pthread_once(&login_once, login_table_init);
    char k1[96], k2[320];
    size_t l1, l2;
    login_keys(ip, login, k1, sizeof(k1), &l1, k2, sizeof(k2), &l2);
    int64_t now = time_now_ms();
    struct ratelimit_result r;
    ratelimit_hit(&login_table, k1, l1, LOGIN_GUARD_ADDRESS_FAILURES, LOGIN_GUARD_WINDOW_S * 1000LL,
                  now, &r);
    ratelimit_hit(&login_table, k2, l2, LOGIN_GUARD_FAILURES, LOGIN_GUARD_WINDOW_S * 1000LL, now,
                  &r);
}

int access_denied(const struct core *core, const char *ip)
{
    struct db_conn *c;
    if (!ip || db_acquire(core->db, DB_READ, &c) != 0)
        return 0;
    int denied = ip_block_severity(c, ip) == IP_NO_ACCESS;
    db_release(c);
    return denied;
}

int access_login_check(const struct core *core, const char *ip, const char *login, int64_t *wait)
{
    *wait = 0;
    if (access_denied(core, ip))
        return E_FORBIDDEN;
    *wait = login_guard_wait(core, ip, login);
    return *wait > 0 ? E_BUSY : 0;
}
