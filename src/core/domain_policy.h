/*
 * domain_policy: the server's own moderation of whole servers (domain
 * blocks and allows, Mastodon's admin domain blocks), as opposed to a
 * member's own blocks (core/domain_block.h).
 *
 * A block names a domain (lower-cased host, with ":port" when it has one)
 * and covers that host and its subdomains; a block without a port covers
 * every port of the host. Severity:
 *
 *   suspend  nothing is exchanged: the inbox refuses the server's
 *            activities (403), nothing is fetched from it, nothing is
 *            delivered to it (queued deliveries are dropped); its accounts
 *            are suspended (their posts leave every list through the
 *            visibility rule), every follow across is severed and each
 *            member who lost follows or followers is told (a
 *            "severed_relationships" notification); the remote side is
 *            sent Undo Follow / Reject first (those deliveries alone pass).
 *   silence  ("limit") its posts are left out of public timelines; follows
 *            stay; its new follows become requests; its mentions notify
 *            only members who follow the author.
 *   noop     nothing but the flags:
 * reject_media (its remote media is never fetched: attachments stay links
 * to the remote file) and reject_reports (its Flag activities are refused).
 *
 * Unblocking restores fetching and delivery and unsuspends the accounts the
 * block suspended; severed follows stay severed, as in Mastodon.
 *
 * Settings owned here (core/setting.h), read on each use:
 *   federation_mode           "blocklist" (default) or "allowlist": only
 *                             domains in the allow list federate; any other
 *                             is refused as a suspended one is.
 *   domain_blocks_visibility  who may read /api/v1/instance/domain_blocks:
 *                             "all", "users" (signed-in members) or
 *                             anything else (default): nobody (404).
 *
 * Every change records an audit entry (core/audit.h) in its transaction:
 * domain_block.create/update/destroy/schedule/cancel, domain_allow.create/
 * destroy, domain_block.notify, setting.federation_mode.
 * actor is the acting account, 0 for the command line.
 */
#ifndef HEARTH_CORE_DOMAIN_POLICY_H
#define HEARTH_CORE_DOMAIN_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/timeline.h"

struct arena;
struct core;
struct db_conn;
struct job;

enum domain_severity {
    DOMAIN_NOOP = 0,
    DOMAIN_SILENCE = 1,
    DOMAIN_SUSPEND = 2,
};

/* Mastodon's names: "noop", "silence", "suspend". */
const char *domain_severity_name(enum domain_severity s);
/* Parses those names and "limit" (silence). 0 or E_INVAL. */
int domain_severity_parse(const char *s, enum domain_severity *out);

struct domain_block_rule {
    int64_t id;
    const char *domain;
    enum domain_severity severity;
    int reject_media;
    int reject_reports;
    const char *private_comment; /* "" when none */
    const char *public_comment;  /* "" when none */
    int obfuscate;
    int64_t created_at;
    int64_t updated_at;
    int64_t run_at; /* scheduled blocks only: when it applies */
};

/*
 * Lower-cased host[:port] of what an admin typed (surrounding spaces
 * dropped, a URL's host taken), in the arena, or NULL with *why (not a
 * domain, or this server's own).
 */
const char *domain_policy_normalize(struct arena *a, const struct core *core, const char *in,
                                    const char **why);

/* What applies to one remote host, from the block that covers it most closely. */
struct domain_verdict {
    int refused; /* no federation at all: suspended, or not allowed in allowlist mode */
    int silenced;
    int reject_media;
    int reject_reports;
    const char *why; /* static text for a refusal, NULL otherwise */
};

/*
 * The verdict for host (host[:port], any case; NULL or "" for local: all
 * zero). 0 or E_DB. Reads the tables and federation_mode each time.
 */
int domain_policy_check(struct db_conn *c, const char *host, struct domain_verdict *out);
/*
 * The verdict for a URL's host (its own short read connection); a URL
 * that has no host is not refused. Returns 1 when refused, 0 when not,
 * or E_DB. *why (may be NULL) is set to the reason.
 */
int domain_policy_refuses_url(const struct core *core, const char *url, const char **why);
/* The same for an account (its domain): 1 refused, 0 not (local too). */
int domain_policy_refuses_account(struct db_conn *c, int64_t account_id);
/* 1 when account_id is remote and its server is silenced; 0 otherwise; E_DB. */
int domain_policy_account_silenced(struct db_conn *c, int64_t account_id);
/* 1 when account_id is remote and its server's media is rejected; 0 otherwise; E_DB. */
int domain_policy_account_rejects_media(struct db_conn *c, int64_t account_id);

/*
 * A SQL condition (a string literal), true when the account whose id is
 * the expression account_expr (a literal such as "s.account_id") belongs
 * to a silenced server: for public lists to leave out. No parameters.
 */
#define DOMAIN_POLICY_SILENCED(account_expr)                                                       \
    "EXISTS (SELECT 1 FROM accounts xa JOIN instance_domain_blocks xb"                             \
    " ON xb.severity = 1 AND (xa.domain = xb.domain OR xa.domain LIKE '%.' || xb.domain"           \
    " OR xa.domain LIKE xb.domain || ':%' OR xa.domain LIKE '%.' || xb.domain || ':%')"            \
    " WHERE xa.id = " account_expr " AND xa.domain IS NOT NULL)"

/*
 * A SQL condition "the domain column col is covered by a domain bound 4
 * times" (the domain, a subdomain, either with a port when the domain
 * names none); bind them with domain_policy_bind_covers from index i,
 * which returns the next index. Domains hold no '_' or '%', so the LIKEs
 * are exact.
 */
#define DOMAIN_POLICY_COVERS(col)                                                                  \
    "(" col " = ? OR " col " LIKE '%.' || ? OR " col " LIKE ? || ':%' OR " col                     \
    " LIKE '%.' || ? || ':%')"
struct db_stmt;
int domain_policy_bind_covers(struct db_stmt *s, int i, const char *domain);

/*
 * Creates a block (E_EXISTS when the domain already has one, E_INVAL with
 * *why for a bad domain or severity) and applies it in the same
 * transaction: for a suspension, the effects above. *id (may be NULL) is
 * the new block's id. A scheduled block of the same domain is dropped.
 */
int domain_policy_block_add(const struct core *core, int64_t actor,
                            const struct domain_block_rule *r, int64_t *id, const char **why);
/*
 * domain_policy_block_add in the caller's transaction on c, for r whose
 * domain is normalized already (the CSV import, the scheduled job).
 */
int domain_policy_insert(struct db_conn *c, struct arena *a, int64_t actor,
                         const struct domain_block_rule *r, int64_t *id, const char **why);
/*
 * Changes block id to r's severity, flags and comments (its domain stays),
 * applying a new suspension or lifting an old one. E_NOTFOUND.
 */
int domain_policy_block_update(const struct core *core, int64_t actor, int64_t id,
                               const struct domain_block_rule *r, const char **why);
/* Removes block id (by id, or by domain when id is 0). E_NOTFOUND. */
int domain_policy_block_remove(const struct core *core, int64_t actor, int64_t id,
                               const char *domain, const char **why);
/* One block by id, or by exact domain when id is 0. E_NOTFOUND. */
int domain_policy_block_get(struct db_conn *c, struct arena *a, int64_t id, const char *domain,
                            struct domain_block_rule *out);
/* Blocks, newest first, paged on their ids (limit 1..200, 0: 100). */
int domain_policy_block_list(struct db_conn *c, struct arena *a, const struct page *p,
                             struct domain_block_rule **out, size_t *n);

/* What a "severed_relationships" notification tells (Mastodon's RelationshipSeveranceEvent). */
struct domain_severance {
    int64_t event_id; /* one per suspension */
    const char *domain;
    int64_t followers_count; /* her followers there she lost */
    int64_t following_count; /* her follows there that ended */
    int64_t created_at;
};
/* The event of notification_id. 0, E_NOTFOUND, E_DB. */
int domain_policy_severance(struct db_conn *c, struct arena *a, int64_t notification_id,
                            struct domain_severance *out);

/* The hex SHA-256 of a domain (the public list's "digest"), in the arena. */
const char *domain_policy_digest(struct arena *a, const char *domain);
/* The domain as the public list shows it: obfuscated (middle half in '*') when asked. */
const char *domain_policy_public_name(struct arena *a, const struct domain_block_rule *r);

/* Every block (allows 0) or allow (allows 1), newest first, in the arena. */
int domain_policy_list_all(struct db_conn *c, struct arena *a, int allows,
                           struct domain_block_rule **out, size_t *n);

/* The allow list: same shapes (only id, domain, created_at are filled). */
int domain_policy_allow_add(const struct core *core, int64_t actor, const char *domain, int64_t *id,
                            const char **why);
int domain_policy_allow_remove(const struct core *core, int64_t actor, int64_t id,
                               const char *domain, const char **why);
int domain_policy_allow_get(struct db_conn *c, struct arena *a, int64_t id,
                            struct domain_block_rule *out);
int domain_policy_allow_list(struct db_conn *c, struct arena *a, const struct page *p,
                             struct domain_block_rule **out, size_t *n);

/* Sets federation_mode ("blocklist" or "allowlist"; E_INVAL otherwise), audited. */
int domain_policy_set_mode(const struct core *core, int64_t actor, const char *mode);
/* "blocklist" or "allowlist". */
const char *domain_policy_mode(struct db_conn *c, struct arena *a);

/*
 * Schedules r to be applied at r->run_at (ms, in the future): a row in
 * scheduled_domain_blocks and a "domain_block" job at that time. E_EXISTS
 * when the domain is blocked or scheduled already. Cancelling removes the
 * row (the job then does nothing). E_NOTFOUND.
 */
int domain_policy_schedule(const struct core *core, int64_t actor,
                           const struct domain_block_rule *r, int64_t *id, const char **why);
int domain_policy_schedule_cancel(const struct core *core, int64_t actor, int64_t id);
/* Scheduled blocks, soonest first (at most 200). */
int domain_policy_scheduled_list(struct db_conn *c, struct arena *a, struct domain_block_rule **out,
                                 size_t *n);
/* The "domain_block" job: applies a scheduled block when it is still there. */
int domain_policy_job_scheduled(const struct core *core, struct arena *a, const struct job *job,
                                const char **why);

/*
 * The impact report for defederating domain (and its subdomains), computed
 * from the database (a new reference):
 *   {"domain", "totals": {"members_following", "members_followed",
 *     "members_affected", "follows_out", "follows_in", "mutuals",
 *     "remote_accounts", "statuses", "notifications"},
 *    "members": [{"id", "username", "following", "followers", "mutuals",
 *      "accounts": [{"id", "acct", "direction": "following"|"follower"|
 *                    "mutual", "last_status_at": ISO 8601 or null}]}]}
 * Members by name, their accounts by acct. 0 or E_DB.
 */
int domain_policy_impact(struct db_conn *c, struct arena *a, const char *domain, json_t **out);
/* The report as a readable text table (members and accounts named), in the arena. */
const char *domain_policy_impact_text(struct arena *a, json_t *report);

/*
 * Tells each member the report names (those who follow or are followed
 * there) about the coming block: a direct message from the account named
 * by sender (a local admin) with text (which should link to the
 * discussion); it mentions the members, at most 40 per message. *sent is
 * the number of members told. Audited as domain_block.notify.
 */
int domain_policy_notify_members(const struct core *core, int64_t actor, int64_t sender,
                                 const char *domain, const char *text, int *sent, const char **why);

/*
 * Mastodon's CSV of blocks: "#domain,#severity,#reject_media,
 * #reject_reports,#public_comment,#obfuscate" then one line per block.
 * In the arena.
 */
int domain_policy_export_csv(struct db_conn *c, struct arena *a, const char **out);
/*
 * Parses such a CSV (the header line required; fields may be quoted) into
 * rules, skipping nothing: a bad line gives E_INVAL with *why naming its
 * number. Domains already blocked are marked with id -1 in the result.
 */
int domain_policy_parse_csv(struct db_conn *c, struct arena *a, const struct core *core,
                            const char *text, size_t len, struct domain_block_rule **out, size_t *n,
                            const char **why);
/*
 * Imports the CSV in one transaction: every new domain blocked (existing
 * ones left as they are), or nothing when a line is bad. *added counts the
 * new blocks.
 */
int domain_policy_import_csv(const struct core *core, int64_t actor, const char *text, size_t len,
                             int *added, const char **why);

#endif
