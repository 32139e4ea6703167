/*
 * domain_policy: server-wide domain blocks and allows, what they refuse,
 * and the effects of a suspension (see domain_policy.h). The impact report,
 * the members' notice and CSV import and export are in domain_report.c.
 *
 * Every decision reads the tables (and the federation_mode setting) when
 * asked, so a block made by the command line applies to a running server
 * at once: nothing is cached in memory.
 */
#include "core/domain_policy.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>
#include <sodium.h>

#include "core/audit.h"
#include "core/core.h"
#include "core/notification.h"
#include "core/outbox.h"
#include "core/queue.h"
#include "core/setting.h"
#include "core/stats.h"
#include "core/tx.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"
#include "util/log.h"
#include "util/timeutil.h"

#define HOST_LABELS_MAX 16
#define COMMENT_MAX 1000

static const char *const severity_names[] = {"noop", "silence", "suspend"};

const char *domain_severity_name(enum domain_severity s)
{
    return s >= DOMAIN_NOOP && s <= DOMAIN_SUSPEND ? severity_names[s] : "noop";
}

int domain_severity_parse(const char *s, enum domain_severity *out)
{
    if (!s)
        return E_INVAL;
    for (int i = 0; i < 3; i++) {
        if (!strcmp(s, severity_names[i])) {
            *out = (enum domain_severity)i;
            return 0;
        }
    }
    if (!strcmp(s, "limit")) {
        *out = DOMAIN_SILENCE;
        return 0;
    }
    return E_INVAL;
}

const char *domain_policy_normalize(struct arena *a, const struct core *core, const char *in,
                                    const char **why)
{
    *why = "domain must be a server's name, such as example.org";
    if (!in)
        return NULL;
    while (*in == ' ' || *in == '\t')
        in++;
    /* A pasted URL: its host. */
    const char *scheme = strstr(in, "://");
    if (scheme)
        in = scheme + 3;
    size_t n = strcspn(in, "/?# \t\r\n");
    if (n == 0 || n > 253)
        return NULL;
    char *d = arena_alloc(a, n + 1);
    int dot = 0, colon = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)in[i];
        if (ch < 0x80 && !isalnum(ch) && ch != '.' && ch != '-' && ch != ':')
            return NULL;
        if (ch == ':' && (colon++ || i == 0))
            return NULL;
        if (colon && ch != ':' && !isdigit(ch))
            return NULL; /* a port is digits */
        dot |= ch == '.' || ch == ':';
        d[i] = (char)(ch < 0x80 ? tolower(ch) : ch);
    }
    d[n] = '\0';
    /* Anything after the host (spaces, a path) makes it no domain. */
    if (in[n] && in[n] != '/')
        return NULL;
    if (!dot || d[0] == '.' || d[n - 1] == '.' || d[n - 1] == ':' || strstr(d, ".."))
        return NULL;
    if (core && core->domain && !strcmp(d, core->domain)) {
        *why = "domain is this server's own";
        return NULL;
    }
    *why = NULL;
    return d;
}

/*
 * The names that may cover host, most specific first: the host itself,
 * without its port, then each parent domain (two labels at least).
 */
static size_t candidates(struct arena *a, const char *host, const char **out)
{
    size_t n = 0;
    char *h = arena_strdup(a, host);
    for (char *p = h; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    out[n++] = h;
    char *colon = strchr(h, ':');
    char *name = h;
    if (colon) {
        name = arena_strndup(a, h, (size_t)(colon - h));
        out[n++] = name;
    }
    for (const char *p = strchr(name, '.'); p && n < HOST_LABELS_MAX; p = strchr(p + 1, '.')) {
        if (strchr(p + 1, '.'))
            out[n++] = p + 1;
    }
    return n;
}

#define BLOCK_COLUMNS                                                                              \
    "id, domain, severity, reject_media, reject_reports, private_comment, public_comment,"         \
    " obfuscate, created_at, updated_at"

static void read_block(struct db_stmt *s, struct arena *a, struct domain_block_rule *r)
{
    r->id = db_col_i64(s, 0);
    r->domain = arena_strdup(a, db_col_text(s, 1));
    r->severity = (enum domain_severity)db_col_i64(s, 2);
    r->reject_media = (int)db_col_i64(s, 3);
    r->reject_reports = (int)db_col_i64(s, 4);
    r->private_comment = arena_strdup(a, db_col_text(s, 5) ? db_col_text(s, 5) : "");
    r->public_comment = arena_strdup(a, db_col_text(s, 6) ? db_col_text(s, 6) : "");
    r->obfuscate = (int)db_col_i64(s, 7);
    r->created_at = db_col_i64(s, 8);
    r->updated_at = db_col_i64(s, 9);
    r->run_at = 0;
}

/* The most specific row of table (blocks or allows) covering host: 1 found, 0 not, E_DB. */
static int covering(struct db_conn *c, struct arena *a, int allows, const char *host,
                    struct domain_block_rule *out)
{
    const char *cand[HOST_LABELS_MAX + 2];
    size_t n = candidates(a, host, cand);
    for (size_t i = 0; i < n; i++) {
        struct db_stmt *s;
        int rc = db_prepare(c,
                            allows ? "SELECT id, domain, created_at FROM instance_domain_allows"
                                     " WHERE domain = ?"
                                   : "SELECT " BLOCK_COLUMNS
                                     " FROM instance_domain_blocks WHERE domain = ?",
                            &s);
        if (rc)
            return rc;
        db_bind_text(s, 1, cand[i]);
        rc = db_step(s);
        if (rc == DB_ROW && out) {
            if (allows) {
                memset(out, 0, sizeof(*out));
                out->id = db_col_i64(s, 0);
                out->domain = arena_strdup(a, db_col_text(s, 1));
                out->created_at = db_col_i64(s, 2);
            } else {
                read_block(s, a, out);
            }
        }
        db_stmt_done(s);
        if (rc == DB_ROW)
            return 1;
        if (rc < 0)
            return rc;
    }
    return 0;
}

const char *domain_policy_mode(struct db_conn *c, struct arena *a)
{
    const char *mode = "blocklist";
    setting_get(c, a, "federation_mode", "blocklist", &mode);
    return mode && !strcmp(mode, "allowlist") ? "allowlist" : "blocklist";
}

int domain_policy_check(struct db_conn *c, const char *host, struct domain_verdict *out)
{
    memset(out, 0, sizeof(*out));
    if (!host || !*host)
        return 0;
    struct arena *a = arena_new();
    struct domain_block_rule r;
    int rc = covering(c, a, 0, host, &r);
    if (rc == 1) {
        out->refused = r.severity == DOMAIN_SUSPEND;
        out->silenced = r.severity == DOMAIN_SILENCE;
        out->reject_media = r.reject_media || r.severity == DOMAIN_SUSPEND;
        out->reject_reports = r.reject_reports || r.severity == DOMAIN_SUSPEND;
        if (out->refused)
            out->why = "this server is blocked here";
        rc = 0;
    }
    if (rc == 0 && !out->refused && !strcmp(domain_policy_mode(c, a), "allowlist")) {
        rc = covering(c, a, 1, host, NULL);
        if (rc == 0) {
            out->refused = out->reject_media = out->reject_reports = 1;
            out->why = "this server federates only with the servers it allows";
        }
        rc = rc < 0 ? rc : 0;
    }
    arena_free(a);
    return rc;
}

/* The host[:port] of an http(s) URL, lower-cased, or NULL. */
static const char *url_host(struct arena *a, const char *url)
{
    if (!url)
        return NULL;
    const char *p = strstr(url, "://");
    if (!p)
        return NULL;
    p += 3;
    size_t n = strcspn(p, "/?#");
    const char *at = memchr(p, '@', n);
    if (at) {
        n -= (size_t)(at + 1 - p);
        p = at + 1;
    }
    return n ? arena_strndup(a, p, n) : NULL;
}

int domain_policy_refuses_url(const struct core *core, const char *url, const char **why)
{
    if (why)
        *why = NULL;
    struct arena *a = arena_new();
    const char *host = url_host(a, url);
    int rc = 0;
    if (host && (!core->domain || strcasecmp(host, core->domain) != 0)) {
        struct db_conn *c;
        rc = db_acquire(core->db, DB_READ, &c);
        if (rc == 0) {
            struct domain_verdict v;
            rc = domain_policy_check(c, host, &v);
            db_release(c);
            if (rc == 0 && v.refused) {
                rc = 1;
                if (why)
                    *why = v.why;
            }
        }
    }
    arena_free(a);
    return rc;
}

/* The verdict for an account's server (all zero for a local account). */
static int account_verdict(struct db_conn *c, int64_t account_id, struct domain_verdict *v)
{
    memset(v, 0, sizeof(*v));
    struct db_stmt *s;
    int rc = db_prepare(c, "SELECT domain FROM accounts WHERE id = ?", &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, account_id);
    rc = db_step(s);
    if (rc == DB_ROW && db_col_text(s, 0)) {
        struct arena *a = arena_new();
        const char *domain = arena_strdup(a, db_col_text(s, 0));
        db_stmt_done(s);
        rc = domain_policy_check(c, domain, v);
        arena_free(a);
        return rc;
    }
    db_stmt_done(s);
    return rc < 0 ? rc : 0;
}

int domain_policy_refuses_account(struct db_conn *c, int64_t account_id)
{
    struct domain_verdict v;
    int rc = account_verdict(c, account_id, &v);
    return rc ? rc : v.refused;
}

int domain_policy_account_silenced(struct db_conn *c, int64_t account_id)
{
    struct domain_verdict v;
    int rc = account_verdict(c, account_id, &v);
    return rc ? rc : v.silenced;
}

int domain_policy_account_rejects_media(struct db_conn *c, int64_t account_id)
{
    struct domain_verdict v;
    int rc = account_verdict(c, account_id, &v);
    return rc ? rc : v.reject_media;
}

#define COVERS(col) DOMAIN_POLICY_COVERS(col)

int domain_policy_bind_covers(struct db_stmt *s, int i, const char *domain)
{
    for (int k = 0; k < 4; k++)
        db_bind_text(s, i++, domain);
    return i;
}

/* Runs sql with the domain bound 4 times from index first (after earlier binds of one i64). */
static int exec_covers(struct db_conn *c, const char *sql, const int64_t *pre, size_t n_pre,
                       const char *domain)
{
    struct db_stmt *s;
    int rc = db_prepare(c, sql, &s);
    if (rc)
        return rc;
    int i = 1;
    for (size_t k = 0; k < n_pre; k++)
        db_bind_i64(s, i++, pre[k]);
    domain_policy_bind_covers(s, i, domain);
    rc = db_step(s);
    db_stmt_done(s);
    return rc < 0 ? rc : 0;
}

/* Runs sql binding one id (a DELETE by id): 0 or the error. */
static int exec_id(struct db_conn *c, const char *sql, int64_t id)
{
    struct db_stmt *s;
    int rc = db_prepare(c, sql, &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, id);
    rc = db_step(s);
    db_stmt_done(s);
    return rc < 0 ? rc : 0;
}

/* One follow across the suspended border. */
struct crossing {
    int64_t follower, target;
    const char *uri;
    int accepted;
    int outward; /* a member follows there */
};

/* Per member: how many follows and followers she lost. */
struct loss {
    int64_t member;
    int following, followers;
};

static struct loss *loss_of(struct loss *l, size_t *n, int64_t member)
{
    for (size_t i = 0; i < *n; i++)
        if (l[i].member == member)
            return &l[i];
    l[*n] = (struct loss){.member = member};
    return &l[(*n)++];
}

/*
 * A suspension's effects, in the caller's transaction: follows across
 * told goodbye (farewell deliveries) and removed, counts recounted,
 * members told, accounts suspended at now, queued deliveries dropped.
 */
static int apply_suspend(struct db_conn *c, struct arena *a, const char *domain, int64_t now)
{
    struct db_stmt *s;
    int rc = db_prepare(c,
                        "SELECT f.account_id, f.target_account_id, f.uri, f.accepted,"
                        " fa.domain IS NULL FROM follows f"
                        " JOIN accounts fa ON fa.id = f.account_id"
                        " JOIN accounts ta ON ta.id = f.target_account_id"
                        " WHERE (fa.domain IS NULL AND " COVERS(
                            "ta.domain") ")"
                                         " OR (ta.domain IS NULL AND " COVERS("fa.domain") ")",
                        &s);
    if (rc)
        return rc;
    domain_policy_bind_covers(s, domain_policy_bind_covers(s, 1, domain), domain);
    size_t n = 0, cap = 64;
    struct crossing *x = arena_alloc(a, cap * sizeof(*x));
    while ((rc = db_step(s)) == DB_ROW) {
        if (n == cap) {
            struct crossing *bigger = arena_alloc(a, cap * 2 * sizeof(*x));
            memcpy(bigger, x, n * sizeof(*x));
            x = bigger;
            cap *= 2;
        }
        const char *uri = db_col_text(s, 2);
        x[n++] = (struct crossing){.follower = db_col_i64(s, 0),
                                   .target = db_col_i64(s, 1),
                                   .uri = uri ? arena_strdup(a, uri) : NULL,
                                   .accepted = (int)db_col_i64(s, 3),
                                   .outward = (int)db_col_i64(s, 4)};
    }
    db_stmt_done(s);
    if (rc < 0)
        return rc;
    struct loss *loss = arena_alloc(a, (n ? n : 1) * sizeof(*loss));
    size_t n_loss = 0;
    for (size_t i = 0; i < n; i++) {
        struct crossing *f = &x[i];
        /* The last words, sent before the block is in force for everything else. */
        if (f->uri) {
            rc = f->outward
                     ? outbox_add_farewell(c, OUTBOX_UNDO_FOLLOW, f->follower, f->target, f->uri)
                     : outbox_add_farewell(c, OUTBOX_REJECT, f->target, f->follower, f->uri);
            if (rc)
                return rc;
        }
        if (f->accepted) {
            struct loss *l = loss_of(loss, &n_loss, f->outward ? f->follower : f->target);
            if (f->outward)
                l->following++;
            else
                l->followers++;
        }
        rc =
            db_prepare(c, "DELETE FROM follows WHERE account_id = ? AND target_account_id = ?", &s);
        if (rc)
            return rc;
        db_bind_i64(s, 1, f->follower);
        db_bind_i64(s, 2, f->target);
        rc = db_step(s);
        db_stmt_done(s);
        if (rc < 0)
            return rc;
        if ((rc = account_stats_refresh(c, f->follower)) ||
            (rc = account_stats_refresh(c, f->target)))
            return rc;
    }
    int64_t event = id_next();
    for (size_t i = 0; i < n_loss; i++) {
        int64_t nid;
        rc = notification_add_notice(c, loss[i].member, NOTIFY_SEVERED_RELATIONSHIPS, &nid);
        if (rc)
            return rc;
        rc = db_prepare(c,
                        "INSERT INTO severed_relationships (notification_id, event_id, domain,"
                        " followers_count, following_count, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                        &s);
        if (rc)
            return rc;
        db_bind_i64(s, 1, nid);
        db_bind_i64(s, 2, event);
        db_bind_text(s, 3, domain);
        db_bind_i64(s, 4, loss[i].followers);
        db_bind_i64(s, 5, loss[i].following);
        db_bind_i64(s, 6, now);
        rc = db_step(s);
        db_stmt_done(s);
        if (rc < 0)
            return rc;
    }
    int64_t at = now;
    rc = exec_covers(c,
                     "UPDATE accounts SET suspended_at = ? WHERE suspended_at IS NULL"
                     " AND domain IS NOT NULL AND " COVERS("domain"),
                     &at, 1, domain);
    if (rc == 0)
        rc = exec_covers(c,
                         "DELETE FROM jobs WHERE kind = 'deliver' AND claimed_until IS NULL"
                         " AND " COVERS("lane"),
                         NULL, 0, domain);
    if (rc == 0)
        log_info("domain %s suspended: %zu follows severed, %zu members told", domain, n, n_loss);
    return rc;
}

/* Lifts what apply_suspend did to accounts (those it suspended at `at`). */
static int lift_suspend(struct db_conn *c, const char *domain, int64_t at)
{
    if (!at)
        return 0;
    return exec_covers(c,
                       "UPDATE accounts SET suspended_at = NULL WHERE suspended_at = ?"
                       " AND domain IS NOT NULL AND " COVERS("domain"),
                       &at, 1, domain);
}

static const char *rule_detail(struct arena *a, const struct domain_block_rule *r)
{
    json_t *j = json_pack("{s:s, s:s, s:b, s:b, s:s, s:s, s:b}", "domain", r->domain, "severity",
                          domain_severity_name(r->severity), "reject_media", r->reject_media,
                          "reject_reports", r->reject_reports, "private_comment",
                          r->private_comment ? r->private_comment : "", "public_comment",
                          r->public_comment ? r->public_comment : "", "obfuscate", r->obfuscate);
    char *text = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    const char *out = arena_strdup(a, text ? text : "{}");
    free(text);
    return out;
}

static int check_rule(const struct domain_block_rule *r, const char **why)
{
    if (r->severity < DOMAIN_NOOP || r->severity > DOMAIN_SUSPEND) {
        *why = "severity must be noop, silence or suspend";
        return E_INVAL;
    }
    if ((r->private_comment && strlen(r->private_comment) > COMMENT_MAX) ||
        (r->public_comment && strlen(r->public_comment) > COMMENT_MAX)) {
        *why = "a comment is longer than 1000 characters";
        return E_INVAL;
    }
    return 0;
}

int domain_policy_insert(struct db_conn *c, struct arena *a, int64_t actor,
                         const struct domain_block_rule *r, int64_t *id, const char **why)
{
    struct domain_block_rule have;
    struct db_stmt *s;
    int rc =
        db_prepare(c, "SELECT " BLOCK_COLUMNS " FROM instance_domain_blocks WHERE domain = ?", &s);
    if (rc)
        return rc;
    db_bind_text(s, 1, r->domain);
    rc = db_step(s);
    if (rc == DB_ROW)
        read_block(s, a, &have);
    db_stmt_done(s);
    if (rc == DB_ROW) {
        *why = "the domain is blocked already";
        if (id)
            *id = have.id;
        return E_EXISTS;
    }
    if (rc < 0)
        return rc;
    int64_t now = time_now_ms();
    int64_t bid = id_next();
    rc = db_prepare(c,
                    "INSERT INTO instance_domain_blocks (id, domain, severity, reject_media,"
                    " reject_reports, private_comment, public_comment, obfuscate, suspended_at,"
                    " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, bid);
    db_bind_text(s, 2, r->domain);
    db_bind_i64(s, 3, r->severity);
    db_bind_i64(s, 4, r->reject_media != 0);
    db_bind_i64(s, 5, r->reject_reports != 0);
    db_bind_text(s, 6, r->private_comment ? r->private_comment : "");
    db_bind_text(s, 7, r->public_comment ? r->public_comment : "");
    db_bind_i64(s, 8, r->obfuscate != 0);
    if (r->severity == DOMAIN_SUSPEND)
        db_bind_i64(s, 9, now);
    else
        db_bind_null(s, 9);
    db_bind_i64(s, 10, now);
    db_bind_i64(s, 11, now);
    rc = db_step(s);
    db_stmt_done(s);
    if (rc < 0)
        return rc;
    if (r->severity == DOMAIN_SUSPEND && (rc = apply_suspend(c, a, r->domain, now)))
        return rc;
    /* A block applied now replaces one scheduled for later. */
    rc = db_prepare(c, "DELETE FROM scheduled_domain_blocks WHERE domain = ?", &s);
    if (rc)
        return rc;
    db_bind_text(s, 1, r->domain);
    rc = db_step(s);
    db_stmt_done(s);
    if (rc < 0)
        return rc;
    if (id)
        *id = bid;
    return audit_add(c, actor, "domain_block.create", "domain_block", bid, r->domain,
                     rule_detail(a, r));
}

int domain_policy_block_add(const struct core *core, int64_t actor,
                            const struct domain_block_rule *r, int64_t *id, const char **why)
{
    struct arena *a = arena_new();
    struct db_conn *c = NULL;
    *why = NULL;
    struct domain_block_rule n = *r;
    n.domain = domain_policy_normalize(a, core, r->domain, why);
    int rc = n.domain ? check_rule(&n, why) : E_INVAL;
    if (rc == 0)
        rc = core_tx_begin(core, &c);
    if (rc == 0)
        rc = domain_policy_insert(c, a, actor, &n, id, why);
    rc = c ? core_tx_end(c, rc) : rc;
    arena_free(a);
    return rc;
}

/* The stored block and when it suspended its accounts. */
static int get_block_at(struct db_conn *c, struct arena *a, int64_t id, const char *domain,
                        struct domain_block_rule *out, int64_t *suspended_at)
{
    struct db_stmt *s;
    int rc = db_prepare(c,
                        id ? "SELECT " BLOCK_COLUMNS ", COALESCE(suspended_at, 0)"
                             " FROM instance_domain_blocks WHERE id = ?"
                           : "SELECT " BLOCK_COLUMNS ", COALESCE(suspended_at, 0)"
                             " FROM instance_domain_blocks WHERE domain = ?",
                        &s);
    if (rc)
        return rc;
    if (id)
        db_bind_i64(s, 1, id);
    else
        db_bind_text(s, 1, domain ? domain : "");
    rc = db_step(s);
    if (rc == DB_ROW) {
        read_block(s, a, out);
        if (suspended_at)
            *suspended_at = db_col_i64(s, 10);
    }
    db_stmt_done(s);
    return rc == DB_ROW ? 0 : rc == DB_DONE ? E_NOTFOUND : rc;
}

int domain_policy_block_get(struct db_conn *c, struct arena *a, int64_t id, const char *domain,
                            struct domain_block_rule *out)
{
    return get_block_at(c, a, id, domain, out, NULL);
}

int domain_policy_block_update(const struct core *core, int64_t actor, int64_t id,
                               const struct domain_block_rule *r, const char **why)
{
    struct arena *a = arena_new();
    struct db_conn *c = NULL;
    *why = NULL;
    int rc = check_rule(r, why);
    if (rc == 0)
        rc = core_tx_begin(core, &c);
    if (rc)
        goto out;
    struct domain_block_rule old;
    int64_t at = 0;
    if ((rc = get_block_at(c, a, id, NULL, &old, &at)))
        goto out;
    int64_t now = time_now_ms();
    int suspend_now = r->severity == DOMAIN_SUSPEND && old.severity != DOMAIN_SUSPEND;
    int lift = r->severity != DOMAIN_SUSPEND && old.severity == DOMAIN_SUSPEND;
    if (lift && (rc = lift_suspend(c, old.domain, at)))
        goto out;
    struct db_stmt *s;
    rc = db_prepare(c,
                    "UPDATE instance_domain_blocks SET severity = ?, reject_media = ?,"
                    " reject_reports = ?, private_comment = ?, public_comment = ?, obfuscate = ?,"
                    " suspended_at = ?, updated_at = ? WHERE id = ?",
                    &s);
    if (rc)
        goto out;
    db_bind_i64(s, 1, r->severity);
    db_bind_i64(s, 2, r->reject_media != 0);
    db_bind_i64(s, 3, r->reject_reports != 0);
    db_bind_text(s, 4, r->private_comment ? r->private_comment : "");
    db_bind_text(s, 5, r->public_comment ? r->public_comment : "");
    db_bind_i64(s, 6, r->obfuscate != 0);
    if (r->severity == DOMAIN_SUSPEND)
        db_bind_i64(s, 7, suspend_now ? now : at);
    else
        db_bind_null(s, 7);
    db_bind_i64(s, 8, now);
    db_bind_i64(s, 9, id);
    rc = db_step(s);
    db_stmt_done(s);
    if (rc < 0)
        goto out;
    if (suspend_now && (rc = apply_suspend(c, a, old.domain, now)))
        goto out;
    struct domain_block_rule shown = *r;
    shown.domain = old.domain;
    rc = audit_add(c, actor, "domain_block.update", "domain_block", id, old.domain,
                   rule_detail(a, &shown));
out:
    rc = c ? core_tx_end(c, rc) : rc;
    arena_free(a);
    return rc;
}

int domain_policy_block_remove(const struct core *core, int64_t actor, int64_t id,
                               const char *domain, const char **why)
{
    struct arena *a = arena_new();
    struct db_conn *c = NULL;
    *why = NULL;
    const char *d = NULL;
    if (!id) {
        d = domain_policy_normalize(a, core, domain, why);
        if (!d) {
            arena_free(a);
            return E_INVAL;
        }
    }
    int rc = core_tx_begin(core, &c);
    if (rc)
        goto out;
    struct domain_block_rule old;
    int64_t at = 0;
    if ((rc = get_block_at(c, a, id, d, &old, &at))) {
        if (rc == E_NOTFOUND)
            *why = "the domain is not blocked";
        goto out;
    }
    if (old.severity == DOMAIN_SUSPEND && (rc = lift_suspend(c, old.domain, at)))
        goto out;
    if ((rc = exec_id(c, "DELETE FROM instance_domain_blocks WHERE id = ?", old.id)))
        goto out;
    rc = audit_add(c, actor, "domain_block.destroy", "domain_block", old.id, old.domain,
                   rule_detail(a, &old));
out:
    rc = c ? core_tx_end(c, rc) : rc;
    arena_free(a);
    return rc;
}

static int page_limit(const struct page *p)
{
    return p->limit <= 0 ? 100 : p->limit > 200 ? 200 : p->limit;
}

/* Reads a page of ids from sql (bound: hi, lo, limit) with reader for each row. */
static int list_rows(struct db_conn *c, struct arena *a, const struct page *p, int allows,
                     struct domain_block_rule **out, size_t *n)
{
    int limit = page_limit(p);
    int asc = p->min_id != 0;
    static const char *const sql[2][2] = {
        {"SELECT " BLOCK_COLUMNS " FROM instance_domain_blocks WHERE id < ? AND id > ?"
         " ORDER BY id DESC LIMIT ?",
         "SELECT " BLOCK_COLUMNS " FROM instance_domain_blocks WHERE id < ? AND id > ?"
         " ORDER BY id ASC LIMIT ?"},
        {"SELECT id, domain, created_at FROM instance_domain_allows WHERE id < ? AND id > ?"
         " ORDER BY id DESC LIMIT ?",
         "SELECT id, domain, created_at FROM instance_domain_allows WHERE id < ? AND id > ?"
         " ORDER BY id ASC LIMIT ?"},
    };
    struct db_stmt *s;
    int rc = db_prepare(c, sql[allows][asc], &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, p->max_id ? p->max_id : INT64_MAX);
    db_bind_i64(s, 2, asc ? p->min_id : p->since_id);
    db_bind_i64(s, 3, limit);
    struct domain_block_rule *list = arena_zalloc(a, (size_t)limit * sizeof(*list));
    size_t count = 0;
    while (count < (size_t)limit && (rc = db_step(s)) == DB_ROW) {
        if (allows) {
            list[count].id = db_col_i64(s, 0);
            list[count].domain = arena_strdup(a, db_col_text(s, 1));
            list[count].created_at = db_col_i64(s, 2);
            list[count].private_comment = list[count].public_comment = "";
        } else {
            read_block(s, a, &list[count]);
        }
        count++;
    }
    db_stmt_done(s);
    if (rc < 0)
        return rc;
    if (asc) {
        for (size_t k = 0; k < count / 2; k++) {
            struct domain_block_rule t = list[k];
            list[k] = list[count - 1 - k];
            list[count - 1 - k] = t;
        }
    }
    *out = list;
    *n = count;
    return 0;
}

int domain_policy_block_list(struct db_conn *c, struct arena *a, const struct page *p,
                             struct domain_block_rule **out, size_t *n)
{
    return list_rows(c, a, p, 0, out, n);
}

int domain_policy_allow_list(struct db_conn *c, struct arena *a, const struct page *p,
                             struct domain_block_rule **out, size_t *n)
{
    return list_rows(c, a, p, 1, out, n);
}

int domain_policy_list_all(struct db_conn *c, struct arena *a, int allows,
                           struct domain_block_rule **out, size_t *n)
{
    size_t cap = 256, count = 0;
    struct domain_block_rule *all = arena_alloc(a, cap * sizeof(*all));
    struct page p = {.limit = 200};
    for (;;) {
        struct domain_block_rule *rows;
        size_t k;
        int rc = list_rows(c, a, &p, allows, &rows, &k);
        if (rc)
            return rc;
        if (k == 0)
            break;
        if (count + k > cap) {
            struct domain_block_rule *bigger = arena_alloc(a, (cap * 2 + k) * sizeof(*all));
            memcpy(bigger, all, count * sizeof(*all));
            all = bigger;
            cap = cap * 2 + k;
        }
        memcpy(all + count, rows, k * sizeof(*rows));
        count += k;
        p.max_id = rows[k - 1].id;
    }
    *out = all;
    *n = count;
    return 0;
}

int domain_policy_allow_get(struct db_conn *c, struct arena *a, int64_t id,
                            struct domain_block_rule *out)
{
    struct db_stmt *s;
    int rc =
        db_prepare(c, "SELECT id, domain, created_at FROM instance_domain_allows WHERE id = ?", &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, id);
    rc = db_step(s);
    if (rc == DB_ROW) {
        memset(out, 0, sizeof(*out));
        out->id = db_col_i64(s, 0);
        out->domain = arena_strdup(a, db_col_text(s, 1));
        out->created_at = db_col_i64(s, 2);
        out->private_comment = out->public_comment = "";
    }
    db_stmt_done(s);
    return rc == DB_ROW ? 0 : rc == DB_DONE ? E_NOTFOUND : rc;
}

int domain_policy_allow_add(const struct core *core, int64_t actor, const char *domain, int64_t *id,
                            const char **why)
{
    struct arena *a = arena_new();
    struct db_conn *c = NULL;
    const char *d = domain_policy_normalize(a, core, domain, why);
    int rc = d ? core_tx_begin(core, &c) : E_INVAL;
    if (rc)
        goto out;
    struct db_stmt *s;
    rc = db_prepare(c, "SELECT id FROM instance_domain_allows WHERE domain = ?", &s);
    if (rc)
        goto out;
    db_bind_text(s, 1, d);
    rc = db_step(s);
    int64_t have = rc == DB_ROW ? db_col_i64(s, 0) : 0;
    db_stmt_done(s);
    if (have) {
        *why = "the domain is allowed already";
        if (id)
            *id = have;
        rc = E_EXISTS;
        goto out;
    }
    if (rc < 0)
        goto out;
    int64_t aid = id_next();
    rc = db_prepare(
        c, "INSERT INTO instance_domain_allows (id, domain, created_at) VALUES (?, ?, ?)", &s);
    if (rc)
        goto out;
    db_bind_i64(s, 1, aid);
    db_bind_text(s, 2, d);
    db_bind_i64(s, 3, time_now_ms());
    rc = db_step(s);
    db_stmt_done(s);
    if (rc < 0)
        goto out;
    if (id)
        *id = aid;
    rc = audit_add(c, actor, "domain_allow.create", "domain_allow", aid, d, NULL);
out:
    rc = c ? core_tx_end(c, rc) : rc;
    arena_free(a);
    return rc;
}

int domain_policy_allow_remove(const struct core *core, int64_t actor, int64_t id,
                               const char *domain, const char **why)
{
    struct arena *a = arena_new();
    struct db_conn *c = NULL;
    *why = NULL;
    const char *d = id ? "" : domain_policy_normalize(a, core, domain, why);
    int rc = d ? core_tx_begin(core, &c) : E_INVAL;
    if (rc)
        goto out;
    struct db_stmt *s;
    rc = db_prepare(c,
                    id ? "SELECT id, domain FROM instance_domain_allows WHERE id = ?"
                       : "SELECT id, domain FROM instance_domain_allows WHERE domain = ?",
                    &s);
    if (rc)
        goto out;
    if (id)
        db_bind_i64(s, 1, id);
    else
        db_bind_text(s, 1, d);
    rc = db_step(s);
    int64_t aid = rc == DB_ROW ? db_col_i64(s, 0) : 0;
    const char *name = rc == DB_ROW ? arena_strdup(a, db_col_text(s, 1)) : NULL;
    db_stmt_done(s);
    if (!aid) {
        *why = "the domain is not allowed";
        rc = rc < 0 ? rc : E_NOTFOUND;
        goto out;
    }
    if ((rc = exec_id(c, "DELETE FROM instance_domain_allows WHERE id = ?", aid)))
        goto out;
    rc = audit_add(c, actor, "domain_allow.destroy", "domain_allow", aid, name, NULL);
out:
    rc = c ? core_tx_end(c, rc) : rc;
    arena_free(a);
    return rc;
}

int domain_policy_set_mode(const struct core *core, int64_t actor, const char *mode)
{
    if (!mode || (strcmp(mode, "blocklist") && strcmp(mode, "allowlist")))
        return E_INVAL;
    struct db_conn *c;
    int rc = core_tx_begin(core, &c);
    if (rc)
        return rc;
    rc = setting_set(c, "federation_mode", mode);
    if (rc == 0)
        rc = audit_add(c, actor, "setting.federation_mode", "setting", 0, "federation_mode",
                       !strcmp(mode, "allowlist") ? "{\"value\":\"allowlist\"}"
                                                  : "{\"value\":\"blocklist\"}");
    return core_tx_end(c, rc);
}

int domain_policy_schedule(const struct core *core, int64_t actor,
                           const struct domain_block_rule *r, int64_t *id, const char **why)
{
    struct arena *a = arena_new();
    struct db_conn *c = NULL;
    *why = NULL;
    struct domain_block_rule n = *r;
    n.domain = domain_policy_normalize(a, core, r->domain, why);
    int rc = n.domain ? check_rule(&n, why) : E_INVAL;
    if (rc == 0 && r->run_at <= time_now_ms()) {
        *why = "the date must be in the future";
        rc = E_INVAL;
    }
    if (rc == 0)
        rc = core_tx_begin(core, &c);
    if (rc)
        goto out;
    struct db_stmt *s;
    rc = db_prepare(c,
                    "SELECT 1 FROM instance_domain_blocks WHERE domain = ?"
                    " UNION ALL SELECT 1 FROM scheduled_domain_blocks WHERE domain = ?",
                    &s);
    if (rc)
        goto out;
    db_bind_text(s, 1, n.domain);
    db_bind_text(s, 2, n.domain);
    rc = db_step(s);
    db_stmt_done(s);
    if (rc == DB_ROW) {
        *why = "the domain is blocked or scheduled already";
        rc = E_EXISTS;
        goto out;
    }
    if (rc < 0)
        goto out;
    int64_t sid = id_next();
    rc = db_prepare(c,
                    "INSERT INTO scheduled_domain_blocks (id, domain, severity, reject_media,"
                    " reject_reports, private_comment, public_comment, obfuscate, account_id,"
                    " run_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    &s);
    if (rc)
        goto out;
    db_bind_i64(s, 1, sid);
    db_bind_text(s, 2, n.domain);
    db_bind_i64(s, 3, n.severity);
    db_bind_i64(s, 4, n.reject_media != 0);
    db_bind_i64(s, 5, n.reject_reports != 0);
    db_bind_text(s, 6, n.private_comment ? n.private_comment : "");
    db_bind_text(s, 7, n.public_comment ? n.public_comment : "");
    db_bind_i64(s, 8, n.obfuscate != 0);
    if (actor)
        db_bind_i64(s, 9, actor);
    else
        db_bind_null(s, 9);
    db_bind_i64(s, 10, n.run_at);
    db_bind_i64(s, 11, time_now_ms());
    rc = db_step(s);
    db_stmt_done(s);
    if (rc < 0)
        goto out;
    rc = queue_add(c, "domain_block", "", arena_printf(a, "{\"scheduled\":%lld}", (long long)sid),
                   arena_printf(a, "scheduled %lld", (long long)sid), n.run_at);
    if (rc)
        goto out;
    char at[TIME_ISO_MAX];
    json_t *d = json_pack("{s:s, s:s}", "severity", domain_severity_name(n.severity), "run_at",
                          time_iso8601(n.run_at, at));
    char *text = json_dumps(d, JSON_COMPACT);
    json_decref(d);
    rc = audit_add(c, actor, "domain_block.schedule", "domain_block", sid, n.domain, text);
    free(text);
    if (rc == 0 && id)
        *id = sid;
out:
    rc = c ? core_tx_end(c, rc) : rc;
    arena_free(a);
    return rc;
}

#define SCHEDULED_COLUMNS                                                                          \
    "id, domain, severity, reject_media, reject_reports, private_comment, public_comment,"         \
    " obfuscate, created_at, created_at, run_at, COALESCE(account_id, 0)"

int domain_policy_schedule_cancel(const struct core *core, int64_t actor, int64_t id)
{
    struct db_conn *c;
    int rc = core_tx_begin(core, &c);
    if (rc)
        return rc;
    struct arena *a = arena_new();
    struct db_stmt *s;
    rc = db_prepare(c, "SELECT domain FROM scheduled_domain_blocks WHERE id = ?", &s);
    if (rc)
        goto out;
    db_bind_i64(s, 1, id);
    rc = db_step(s);
    const char *domain = rc == DB_ROW ? arena_strdup(a, db_col_text(s, 0)) : NULL;
    db_stmt_done(s);
    if (!domain) {
        rc = rc < 0 ? rc : E_NOTFOUND;
        goto out;
    }
    if ((rc = exec_id(c, "DELETE FROM scheduled_domain_blocks WHERE id = ?", id)))
        goto out;
    rc = audit_add(c, actor, "domain_block.cancel", "domain_block", id, domain, NULL);
out:
    arena_free(a);
    return core_tx_end(c, rc);
}

int domain_policy_scheduled_list(struct db_conn *c, struct arena *a, struct domain_block_rule **out,
                                 size_t *n)
{
    struct db_stmt *s;
    int rc = db_prepare(c,
                        "SELECT " SCHEDULED_COLUMNS
                        " FROM scheduled_domain_blocks ORDER BY run_at, id LIMIT 200",
                        &s);
    if (rc)
        return rc;
    struct domain_block_rule *list = arena_zalloc(a, 200 * sizeof(*list));
    size_t count = 0;
    while (count < 200 && (rc = db_step(s)) == DB_ROW) {
        read_block(s, a, &list[count]);
        list[count].run_at = db_col_i64(s, 10);
        count++;
    }
    db_stmt_done(s);
    if (rc < 0)
        return rc;
    *out = list;
    *n = count;
    return 0;
}

int domain_policy_job_scheduled(const struct core *core, struct arena *a, const struct job *job,
                                const char **why)
{
    json_error_t err;
    json_t *j = json_loads(job->payload, 0, &err);
    int64_t sid = json_integer_value(json_object_get(j, "scheduled"));
    json_decref(j);
    if (!sid) {
        *why = "the payload is not a scheduled block";
        return E_INVAL;
    }
    struct db_conn *c;
    int rc = core_tx_begin(core, &c);
    if (rc)
        return rc;
    struct db_stmt *s;
    rc =
        db_prepare(c, "SELECT " SCHEDULED_COLUMNS " FROM scheduled_domain_blocks WHERE id = ?", &s);
    if (rc)
        return core_tx_end(c, rc);
    db_bind_i64(s, 1, sid);
    rc = db_step(s);
    struct domain_block_rule r;
    int64_t actor = 0;
    if (rc == DB_ROW) {
        read_block(s, a, &r);
        actor = db_col_i64(s, 11);
    }
    db_stmt_done(s);
    if (rc != DB_ROW) /* cancelled meanwhile: nothing to do */
        return core_tx_end(c, rc < 0 ? rc : 0);
    rc = domain_policy_insert(c, a, actor, &r, NULL, why);
    if (rc == E_EXISTS) { /* blocked by hand meanwhile */
        rc = exec_id(c, "DELETE FROM scheduled_domain_blocks WHERE id = ?", sid);
    }
    if (rc == 0)
        log_info("scheduled block of %s applied", r.domain);
    return core_tx_end(c, rc);
}

const char *domain_policy_digest(struct arena *a, const char *domain)
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)domain, strlen(domain));
    char *hex = arena_alloc(a, sizeof(h) * 2 + 1);
    sodium_bin2hex(hex, sizeof(h) * 2 + 1, h, sizeof(h));
    return hex;
}

const char *domain_policy_public_name(struct arena *a, const struct domain_block_rule *r)
{
    if (!r->obfuscate)
        return r->domain;
    /* Mastodon's way: the middle half of the name becomes stars. */
    char *d = arena_strdup(a, r->domain);
    size_t n = strlen(d);
    for (size_t i = n / 4; i < n / 4 + n / 2 && i < n; i++)
        d[i] = '*';
    return d;
}

int domain_policy_severance(struct db_conn *c, struct arena *a, int64_t notification_id,
                            struct domain_severance *out)
{
    struct db_stmt *s;
    int rc = db_prepare(c,
                        "SELECT event_id, domain, followers_count, following_count, created_at"
                        " FROM severed_relationships WHERE notification_id = ?",
                        &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, notification_id);
    rc = db_step(s);
    if (rc == DB_ROW) {
        out->event_id = db_col_i64(s, 0);
        out->domain = arena_strdup(a, db_col_text(s, 1));
        out->followers_count = db_col_i64(s, 2);
        out->following_count = db_col_i64(s, 3);
        out->created_at = db_col_i64(s, 4);
    }
    db_stmt_done(s);
    return rc == DB_ROW ? 0 : rc == DB_DONE ? E_NOTFOUND : rc;
}
