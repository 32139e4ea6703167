/*
 * report: reports about accounts and the moderators' queue of them.
 *
 * A report names an account, optionally some of its statuses that the
 * reporter may see, a category (spam, legal, violation, other) and a
 * comment. Members file them (report_create); other servers send them as
 * Flag activities (the reporter is then the sending actor, often that
 * server's instance actor). Every moderator is told of a new report by an
 * "admin.report" notification.
 *
 * The queue (report_queue.c): a report is open until a moderator
 * resolves it (with the action taken, core/moderation.h) and may be
 * reopened; it can be assigned to a moderator, carries a thread of
 * moderators' notes, and a report about a remote account can be forwarded
 * to that account's server: a Flag signed by this server's instance actor
 * (anonymous, as Mastodon sends it) naming the account and the reported
 * statuses, with the comment as content. Every change is audited
 * ("report.assign", "report.resolve", "report.note"...).
 */
#ifndef HEARTH_CORE_REPORT_H
#define HEARTH_CORE_REPORT_H

#include <stddef.h>
#include <stdint.h>

struct arena;
struct core;
struct db_conn;

struct report_new {
    int64_t target;            /* the account reported */
    const int64_t *status_ids; /* its statuses, as the reporter sees them */
    size_t n_statuses;
    const char *comment;     /* NULL: none */
    const char *category;    /* NULL: "other" */
    int forward;             /* ask to forward to a remote account's server */
    const int64_t *rule_ids; /* the server's rules it breaks (core/rule.h): category violation */
    size_t n_rules;
};

struct report {
    int64_t id;
    int64_t target;
    const char *category;
    const char *comment;
    int forward;
    int64_t created_at;
    const int64_t *status_ids;
    size_t n_statuses;
    /* Read by report_get and report_list (0 / NULL from report_create): */
    int64_t reporter;
    int64_t assigned_to;     /* 0: nobody */
    int64_t action_taken_at; /* 0: open */
    int64_t action_taken_by; /* 0: nobody, or the command line */
    int64_t forwarded_at;    /* 0: not forwarded */
    int64_t updated_at;
    const char *rule_ids; /* comma-separated */
};

struct report_note {
    int64_t id;
    int64_t account_id; /* the moderator; 0: the command line */
    const char *content;
    int64_t created_at;
};

/*
 * Files a report. E_NOTFOUND for an unknown account or a status that is
 * not the account's or not visible to the reporter; E_INVAL (with *why)
 * for oneself, an unknown category, a rule id that names none of the
 * server's rules (with rules the category is "violation") or text that is
 * not UTF-8; E_LIMIT (with *why) for a comment or
 * list too long. *out is the stored report, in the arena.
 */
int report_create(const struct core *core, struct arena *a, int64_t reporter,
                  const struct report_new *r, struct report **out, const char **why);

/*
 * report_create for a Flag received from another server: the reporter is
 * the signing actor and the statuses are not checked against its view
 * (they are the reported account's own, as found here). uri is the Flag's
 * id (a second delivery of it is E_EXISTS).
 */
int report_create_remote(const struct core *core, struct arena *a, int64_t reporter,
                         const struct report_new *r, const char *uri, struct report **out,
                         const char **why);

/* One report, in a. 0, E_NOTFOUND, E_DB. */
int report_get(struct db_conn *c, struct arena *a, int64_t id, struct report **out);

struct report_query {
    int resolved;              /* -1: any, 0: open, 1: resolved */
    int64_t account_id;        /* the reporter; 0: any */
    int64_t target_account_id; /* 0: any */
    int64_t max_id, since_id, min_id;
    int limit; /* 1..200, 0 means 100 */
};
/* Reports, newest first (min_id: the ones right after it). */
int report_list(struct db_conn *c, struct arena *a, const struct report_query *q,
                struct report **out, size_t *n);
/* How many reports are open. */
int report_count_open(struct db_conn *c, int64_t *n);

/*
 * Assigns the report to a moderator (assignee 0: unassigns). actor is who
 * does it (0: the command line). 0, E_NOTFOUND, E_DB.
 */
int report_assign(const struct core *core, int64_t actor, int64_t id, int64_t assignee);
/*
 * Resolves (resolved 1) or reopens (0) a report in the caller's
 * transaction, audited; action names what was done ("none", "suspend"...)
 * for the audit log. 0, E_NOTFOUND, E_DB.
 */
int report_resolve_in(struct db_conn *c, int64_t actor, int64_t id, int resolved,
                      const char *action);
/* report_resolve_in in its own transaction. */
int report_resolve(const struct core *core, int64_t actor, int64_t id, int resolved);
/*
 * Changes the category and rules of a report (PUT /api/v1/admin/reports/:id;
 * NULL leaves one). E_INVAL with *why for an unknown category.
 */
int report_update(const struct core *core, int64_t actor, int64_t id, const char *category,
                  const char *rule_ids, const char **why);
/* Adds a moderator's note (1..LIMIT_REPORT_COMMENT_CHARS characters). E_INVAL with *why. */
int report_note_add(const struct core *core, int64_t actor, int64_t id, const char *content,
                    const char **why);
/* A report's notes, oldest first. */
int report_notes(struct db_conn *c, struct arena *a, int64_t id, struct report_note **out,
                 size_t *n);
/*
 * Sends the report to the reported remote account's server, as a Flag
 * from the instance actor (a delivery job to its shared inbox, or inbox).
 * Done once: a second call does nothing. Audited unless actor is -1 (the
 * reporter asked for it when filing). E_INVAL with *why for a local
 * account or one with no inbox. In the caller's transaction for the _in form.
 */
int report_forward_in(struct db_conn *c, struct arena *a, const char *base_url, int64_t actor,
                      int64_t id, const char **why);
int report_forward(const struct core *core, int64_t actor, int64_t id, const char **why);

#endif
