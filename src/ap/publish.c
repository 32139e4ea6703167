/*
 * ap/publish: the jobs that carry members' activities to other servers.
 *
 * A "publish" job (queued by core/outbox.h with the change it reports)
 * builds the activity from what the database holds now and queues one
 * "deliver" job per inbox, in one transaction: a crash before it commits
 * runs the publish job again, and deliveries already queued are not
 * queued twice (their dedupe key is the activity id and the inbox). A
 * "deliver" job signs the activity as its actor and POSTs it; the
 * receiving server de-duplicates by activity id, so delivering twice after
 * a crash is harmless.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ap/ap.h"
#include "ap/event.h"
#include "ap/internal.h"
#include "core/account.h"
#include "core/core.h"
#include "core/outbox.h"
#include "core/queue.h"
#include "core/status.h"
#include "core/tx.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/fetch.h"
#include "util/log.h"
#include "util/timeutil.h"

#define DELIVER_MAX_BODY (64 * 1024) /* what we read of an inbox's answer */

/* What a publish job's payload says. */
struct publish {
    enum outbox_event ev;
    int64_t actor;
    int64_t object;
    const char *uri;
    const char *boosted;
    json_t *inboxes; /* delete: taken before the row went */
};

static json_t *undo(struct arena *a, const struct account *actor, const char *id, json_t *object)
{
    return json_pack("{s:s, s:s, s:s, s:o}", "id", arena_printf(a, "%s#undo", id), "type", "Undo",
                     "actor", actor->uri, "object", object);
}

/* actor follows target: the Follow as it was sent (for Undo, Accept, Reject). */
static json_t *follow_json(const char *uri, const char *actor, const char *target)
{
    return json_pack("{s:s, s:s, s:s, s:s}", "id", uri, "type", "Follow", "actor", actor, "object",
                     target);
}

/* One inbox in a growing list (arena). */
static void add_inbox(struct arena *a, const char ***v, size_t *n, const char *url)
{
    if (!url || !*url)
        return;
    const char **more = arena_alloc(a, (*n + 1) * sizeof(*more));
    if (*n)
        memcpy(more, *v, *n * sizeof(*more));
    more[(*n)++] = url;
    *v = more;
}

static const char *inbox_of(const struct account *acc)
{
    return acc->shared_inbox_url ? acc->shared_inbox_url : acc->inbox_url;
}

/*
 * Builds the activity of p and its inboxes. *activity NULL with 0 means
 * nothing to send (the object is gone, or nobody elsewhere should hear).
 */
static int build(const struct core *core, struct arena *a, struct db_conn *c,
                 const struct publish *p, json_t **activity, const char ***inboxes, size_t *n)
{
    *activity = NULL;
    *inboxes = NULL;
    *n = 0;
    struct account *actor, *other = NULL;
    struct status *st = NULL;
    int rc = account_get(c, a, p->actor, &actor);
    if (rc == E_NOTFOUND)
        return 0;
    if (rc)
        return rc;
    if (p->ev == OUTBOX_RSVP || p->ev == OUTBOX_VOTE) /* ap/event.h */
        return ap_event_build(core, a, c, p->ev, actor, p->object, p->uri, activity, inboxes, n);
    switch (p->ev) {
    case OUTBOX_CREATE:
    case OUTBOX_UPDATE:
    case OUTBOX_LIKE:
    case OUTBOX_UNDO_LIKE:
        rc = status_get(c, a, p->object, &st);
        break;
    case OUTBOX_FOLLOW:
    case OUTBOX_UNDO_FOLLOW:
    case OUTBOX_ACCEPT:
    case OUTBOX_REJECT:
    case OUTBOX_BLOCK:
    case OUTBOX_UNDO_BLOCK:
        rc = account_get(c, a, p->object, &other);
        break;
    default:
        break;
    }
    if (rc == E_NOTFOUND)
        return 0; /* gone since: its deletion publishes what is needed */
    if (rc)
        return rc;
    json_t *j = NULL;
    switch (p->ev) {
    case OUTBOX_CREATE:
        if (st->visibility == VIS_LOCAL)
            return 0;
        j = ap_activity_json(core, a, c, st, actor);
        rc = outbox_status_inboxes(c, a, st, inboxes, n);
        break;
    case OUTBOX_UPDATE: {
        if (st->visibility == VIS_LOCAL)
            return 0;
        json_t *note = ap_note_json(core, a, c, st, actor);
        if (!note)
            return 0;
        j = json_pack("{s:s, s:s, s:s, s:O, s:O, s:o}", "id",
                      arena_printf(a, "%s#updates/%lld", st->uri, (long long)st->edited_at), "type",
                      "Update", "actor", actor->uri, "to", json_object_get(note, "to"), "cc",
                      json_object_get(note, "cc"), "object", note);
        rc = outbox_status_inboxes(c, a, st, inboxes, n);
        break;
    }
    case OUTBOX_DELETE: {
        if (!p->uri)
            return 0;
        json_t *obj =
            p->boosted ? NULL : json_pack("{s:s, s:s}", "id", p->uri, "type", "Tombstone");
        if (p->boosted)
            j = undo(a, actor, p->uri,
                     json_pack("{s:s, s:s, s:s, s:s}", "id", p->uri, "type", "Announce", "actor",
                               actor->uri, "object", p->boosted));
        else
            j = json_pack("{s:s, s:s, s:s, s:[s], s:o}", "id", arena_printf(a, "%s#delete", p->uri),
                          "type", "Delete", "actor", actor->uri, "to", AP_PUBLIC, "object", obj);
        size_t i;
        json_t *v;
        json_array_foreach(p->inboxes, i, v)
            add_inbox(a, inboxes, n, arena_strdup(a, json_string_value(v)));
        break;
    }
    case OUTBOX_LIKE:
    case OUTBOX_UNDO_LIKE: {
        struct account *author;
        if ((rc = account_get(c, a, st->account_id, &author)))
            return rc == E_NOTFOUND ? 0 : rc;
        const char *id = arena_printf(a, "%s#likes/%lld", actor->uri, (long long)st->id);
        json_t *like = json_pack("{s:s, s:s, s:s, s:s}", "id", id, "type", "Like", "actor",
                                 actor->uri, "object", st->uri);
        j = p->ev == OUTBOX_LIKE ? like : undo(a, actor, id, like);
        add_inbox(a, inboxes, n, inbox_of(author));
        break;
    }
    case OUTBOX_FOLLOW:
        j = follow_json(p->uri, actor->uri, other->uri);
        add_inbox(a, inboxes, n, other->inbox_url);
        break;
    case OUTBOX_UNDO_FOLLOW:
        j = undo(a, actor, p->uri, follow_json(p->uri, actor->uri, other->uri));
        add_inbox(a, inboxes, n, other->inbox_url);
        break;
    case OUTBOX_ACCEPT:
    case OUTBOX_REJECT:
        j = json_pack("{s:s, s:s, s:s, s:o}", "id",
                      arena_printf(a, "%s#%s/%lld/%lld", actor->uri,
                                   p->ev == OUTBOX_ACCEPT ? "accepts" : "rejects",
                                   (long long)other->id, (long long)time_now_ms()),
                      "type", p->ev == OUTBOX_ACCEPT ? "Accept" : "Reject", "actor", actor->uri,
                      "object", follow_json(p->uri, other->uri, actor->uri));
        add_inbox(a, inboxes, n, other->inbox_url);
        break;
    case OUTBOX_BLOCK:
    case OUTBOX_UNDO_BLOCK: {
        const char *id = arena_printf(a, "%s#blocks/%lld", actor->uri, (long long)other->id);
        json_t *block = json_pack("{s:s, s:s, s:s, s:s}", "id", id, "type", "Block", "actor",
                                  actor->uri, "object", other->uri);
        j = p->ev == OUTBOX_BLOCK ? block : undo(a, actor, id, block);
        add_inbox(a, inboxes, n, other->inbox_url);
        break;
    }
    case OUTBOX_UPDATE_ACTOR:
        if (actor->domain)
            return 0;
        j = json_pack("{s:s, s:s, s:s, s:[s], s:o}", "id",
                      arena_printf(a, "%s#updates/%lld", actor->uri, (long long)time_now_ms()),
                      "type", "Update", "actor", actor->uri, "to", AP_PUBLIC, "object",
                      ap_actor_json(core, a, c, actor));
        rc = outbox_follower_inboxes(c, a, actor->id, inboxes, n);
        break;
    default:
        break;
    }
    if (rc) {
        json_decref(j);
        return rc;
    }
    *activity = j;
    return 0;
}

static int parse_publish(struct arena *a, const char *payload, struct publish *p, json_t **root)
{
    json_error_t err;
    json_t *j = json_loads(payload, 0, &err);
    if (!j)
        return E_INVAL;
    *root = j;
    p->ev = outbox_event_parse(json_string_value(json_object_get(j, "ev")));
    p->actor = json_integer_value(json_object_get(j, "actor"));
    p->object = json_integer_value(json_object_get(j, "object"));
    const char *uri = json_string_value(json_object_get(j, "uri"));
    const char *boosted = json_string_value(json_object_get(j, "boosted"));
    p->uri = uri && *uri ? arena_strdup(a, uri) : NULL;
    p->boosted = boosted ? arena_strdup(a, boosted) : NULL;
    p->inboxes = json_object_get(j, "inboxes");
    return p->ev && p->actor ? 0 : E_INVAL;
}

int ap_job_publish(const struct core *core, struct arena *a, const struct job *job,
                   const char **why)
{
    struct publish p = {0};
    json_t *root = NULL;
    int rc = parse_publish(a, job->payload, &p, &root);
    if (rc) {
        json_decref(root);
        *why = "the payload is not a publish job";
        return rc;
    }
    struct db_conn *c = NULL;
    rc = core_tx_begin(core, &c);
    if (rc) {
        json_decref(root);
        return rc;
    }
    json_t *activity = NULL;
    const char **inboxes;
    size_t n;
    rc = build(core, a, c, &p, &activity, &inboxes, &n);
    if (rc == 0 && activity && n) {
        const char *id = arena_strdup(a, json_string_value(json_object_get(activity, "id")));
        char *text = json_dumps(ap_with_context(activity), JSON_COMPACT);
        activity = NULL;
        for (size_t i = 0; rc == 0 && i < n; i++) {
            const char *lane;
            if (ap_url_split(a, inboxes[i], NULL, &lane, NULL) != 0)
                continue;
            json_t *d = json_pack("{s:s, s:I, s:s}", "inbox", inboxes[i], "actor",
                                  (json_int_t)p.actor, "activity", text);
            char *payload = json_dumps(d, JSON_COMPACT);
            json_decref(d);
            rc =
                queue_add(c, "deliver", lane, payload, arena_printf(a, "%s %s", id, inboxes[i]), 0);
            free(payload);
            if (rc == E_EXISTS)
                rc = 0; /* queued by an earlier run of this job */
        }
        free(text);
    }
    json_decref(activity);
    json_decref(root);
    return core_tx_end(c, rc);
}

int ap_job_deliver(const struct core *core, struct arena *a, const struct job *job,
                   const char **why)
{
    json_error_t err;
    json_t *j = json_loads(job->payload, 0, &err);
    const char *inbox = json_string_value(json_object_get(j, "inbox"));
    const char *body = json_string_value(json_object_get(j, "activity"));
    int64_t actor = json_integer_value(json_object_get(j, "actor"));
    if (!inbox || !body || !actor) {
        json_decref(j);
        *why = "the payload is not a delivery";
        return E_INVAL;
    }
    inbox = arena_strdup(a, inbox);
    body = arena_strdup(a, body);
    json_decref(j);
    struct ap_signer sg;
    int rc = ap_signer_for(core, a, actor, &sg);
    if (rc) {
        *why = "the sender has no key any more";
        return rc == E_DB ? rc : E_NOTFOUND;
    }
    static const char *const headers[] = {
        "Content-Type: application/activity+json",
        "Accept: application/activity+json",
    };
    struct fetch_request rq = {.method = "POST",
                               .url = inbox,
                               .headers = headers,
                               .n_headers = 2,
                               .body = body,
                               .body_len = strlen(body),
                               .max_body = DELIVER_MAX_BODY,
                               .sign = ap_sign_hop,
                               .sign_ctx = &sg};
    struct fetch_response res;
    rc = fetch_do(a, &rq, &res);
    int64_t now = time_now_ms();
    if (rc == E_FORBIDDEN || rc == E_INVAL) {
        *why = res.error ? res.error : "the inbox may not be contacted";
        return E_FORBIDDEN; /* never allowed: retrying cannot help */
    }
    if (rc == E_LIMIT)
        rc = 0; /* a long answer still means it arrived: what matters is the status */
    if (rc) {
        queue_domain_failure(core, job->lane, now);
        *why = res.error ? res.error : "the inbox cannot be reached";
        return E_REMOTE;
    }
    if (res.status >= 200 && res.status < 300) {
        queue_domain_success(core, job->lane);
        return 0;
    }
    *why = arena_printf(a, "the inbox answered %ld", res.status);
    if (res.status >= 500 || res.status == 429 || res.status == 408) {
        queue_domain_failure(core, job->lane, now);
        return E_REMOTE;
    }
    /* The server is up and refuses this one (gone, forbidden, malformed): give it up. */
    queue_domain_success(core, job->lane);
    return E_FORBIDDEN;
}
