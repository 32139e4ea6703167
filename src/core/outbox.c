/*
 * outbox: publish jobs for what federates, and who receives it (see outbox.h).
 */
#include "core/outbox.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/queue.h"
#include "core/status.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"

static const char *const names[] = {
    [OUTBOX_CREATE] = "create",
    [OUTBOX_UPDATE] = "update",
    [OUTBOX_DELETE] = "delete",
    [OUTBOX_LIKE] = "like",
    [OUTBOX_UNDO_LIKE] = "undo_like",
    [OUTBOX_FOLLOW] = "follow",
    [OUTBOX_UNDO_FOLLOW] = "undo_follow",
    [OUTBOX_ACCEPT] = "accept",
    [OUTBOX_REJECT] = "reject",
    [OUTBOX_BLOCK] = "block",
    [OUTBOX_UNDO_BLOCK] = "undo_block",
    [OUTBOX_UPDATE_ACTOR] = "update_actor",
    [OUTBOX_RSVP] = "rsvp",
    [OUTBOX_VOTE] = "vote",
};

const char *outbox_event_name(enum outbox_event ev)
{
    if ((size_t)ev >= sizeof(names) / sizeof(names[0]) || !names[ev])
        return "";
    return names[ev];
}

enum outbox_event outbox_event_parse(const char *name)
{
    for (size_t i = 1; name && i < sizeof(names) / sizeof(names[0]); i++)
        if (names[i] && strcmp(names[i], name) == 0)
            return (enum outbox_event)i;
    return 0;
}

static int add_payload(struct db_conn *c, json_t *j)
{
    char *text = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    if (!text)
        return E_NOMEM;
    int rc = queue_add(c, "publish", "", text, NULL, 0);
    free(text);
    return rc;
}

int outbox_add(struct db_conn *c, enum outbox_event ev, int64_t actor, int64_t object,
               const char *uri)
{
    json_t *j = json_pack("{s:s, s:I, s:I}", "ev", outbox_event_name(ev), "actor",
                          (json_int_t)actor, "object", (json_int_t)object);
    if (uri)
        json_object_set_new(j, "uri", json_string(uri));
    return add_payload(c, j);
}

/* A growing list of inbox URLs in the arena. */
struct inboxes {
    struct arena *a;
    const char **v;
    size_t n, cap;
};

static void push(struct inboxes *in, const char *url)
{
    if (!url || !*url)
        return;
    for (size_t i = 0; i < in->n; i++)
        if (strcmp(in->v[i], url) == 0)
            return;
    if (in->n == in->cap) {
        size_t cap = in->cap ? in->cap * 2 : 16;
        const char **v = arena_alloc(in->a, cap * sizeof(*v));
        if (in->n)
            memcpy(v, in->v, in->n * sizeof(*v));
        in->v = v;
        in->cap = cap;
    }
    in->v[in->n++] = arena_strdup(in->a, url);
}

/* Adds the first column of every row of sql (one id bound) to in. */
static int collect(struct db_conn *c, struct inboxes *in, const char *sql, int64_t id)
{
    struct db_stmt *s;
    int rc = db_prepare(c, sql, &s);
    if (rc)
        return rc;
    if (id)
        db_bind_i64(s, 1, id);
    while ((rc = db_step(s)) == DB_ROW)
        push(in, db_col_text(s, 0));
    db_stmt_done(s);
    return rc < 0 ? rc : 0;
}

#define INBOX_OF "COALESCE(a.shared_inbox_url, a.inbox_url)"

static int followers(struct db_conn *c, struct inboxes *in, int64_t actor)
{
    return collect(c, in,
                   "SELECT DISTINCT " INBOX_OF " FROM follows f JOIN accounts a"
                   " ON a.id = f.account_id WHERE f.target_account_id = ? AND f.accepted = 1"
                   " AND a.domain IS NOT NULL AND a.suspended_at IS NULL",
                   actor);
}

static int mentioned(struct db_conn *c, struct inboxes *in, int64_t status)
{
    return collect(c, in,
                   "SELECT " INBOX_OF " FROM mentions m JOIN accounts a ON a.id = m.account_id"
                   " WHERE m.status_id = ? AND a.domain IS NOT NULL AND a.suspended_at IS NULL",
                   status);
}

static int remote_author(struct db_conn *c, struct inboxes *in, int64_t account)
{
    return collect(c, in,
                   "SELECT " INBOX_OF " FROM accounts a WHERE a.id = ? AND a.domain IS NOT NULL"
                   " AND a.suspended_at IS NULL",
                   account);
}

int outbox_follower_inboxes(struct db_conn *c, struct arena *a, int64_t actor, const char ***out,
                            size_t *n)
{
    struct inboxes in = {.a = a};
    int rc = followers(c, &in, actor);
    *out = in.v;
    *n = in.n;
    return rc;
}

int outbox_status_inboxes(struct db_conn *c, struct arena *a, const struct status *st,
                          const char ***out, size_t *n)
{
    struct inboxes in = {.a = a};
    int rc = 0;
    int64_t subject = st->reblog_of_id ? st->reblog_of_id : st->id;
    switch (st->visibility) {
    case VIS_LOCAL:
        break;
    case VIS_NEIGHBORHOOD:
        /* Every neighbor, whether or not anyone there follows the author: the shared inbox
         * of an account known there, else the server's shared inbox at /inbox (as Hearth
         * serves it), with this server's scheme (FEDERATION.md). */
        rc = collect(c, &in,
                     "SELECT COALESCE((SELECT COALESCE(a.shared_inbox_url, a.inbox_url)"
                     " FROM accounts a WHERE lower(a.domain) = n.domain"
                     " AND COALESCE(a.shared_inbox_url, a.inbox_url) IS NOT NULL"
                     " ORDER BY a.shared_inbox_url IS NULL LIMIT 1),"
                     " (SELECT substr(x.uri, 1, instr(x.uri, '://') + 2) FROM accounts x"
                     " WHERE x.id = ?) || n.domain || '/inbox') FROM neighborhood_servers n",
                     st->account_id);
        break;
    case VIS_DIRECT:
        rc = mentioned(c, &in, subject);
        break;
    case VIS_PUBLIC:
    case VIS_UNLISTED:
    case VIS_FOLLOWERS:
        rc = followers(c, &in, st->account_id);
        if (rc == 0)
            rc = mentioned(c, &in, subject);
        /* The author answered (or boosted) hears of it, as Mastodon does. */
        if (rc == 0 && st->in_reply_to_account_id)
            rc = remote_author(c, &in, st->in_reply_to_account_id);
        if (rc == 0 && st->reblog_of_id) {
            struct status *orig;
            if (status_get(c, in.a, st->reblog_of_id, &orig) == 0)
                rc = remote_author(c, &in, orig->account_id);
        }
        break;
    }
    *out = in.v;
    *n = in.n;
    return rc;
}

int outbox_add_delete(struct db_conn *c, struct arena *a, const struct status *st)
{
    if (st->visibility == VIS_LOCAL || !st->local)
        return 0;
    const char **v;
    size_t n;
    int rc = outbox_status_inboxes(c, a, st, &v, &n);
    if (rc || n == 0)
        return rc;
    json_t *inboxes = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(inboxes, json_string(v[i]));
    json_t *j =
        json_pack("{s:s, s:I, s:I, s:s, s:o}", "ev", "delete", "actor", (json_int_t)st->account_id,
                  "object", (json_int_t)st->id, "uri", st->uri, "inboxes", inboxes);
    if (st->reblog_of_id) {
        struct status *orig;
        if (status_get(c, a, st->reblog_of_id, &orig) == 0)
            json_object_set_new(j, "boosted", json_string(orig->uri));
    }
    return add_payload(c, j);
}
