/*
 * remote: remote posts, boosts and deletions stored as statuses (see remote.h).
 */
#include "core/remote.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/account.h"
#include "core/conversation.h"
#include "core/core.h"
#include "core/events.h"
#include "core/feed.h"
#include "core/notification.h"
#include "core/poll.h"
#include "core/queue.h"
#include "core/stats.h"
#include "core/status.h"
#include "core/tx.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"
#include "util/limits.h"
#include "util/timeutil.h"

static int step_done(struct db_stmt *s)
{
    int rc = db_step(s);
    db_stmt_done(s);
    return rc < 0 ? rc : 0;
}

/* The id of the status with uri, 0 when none; *author its author. */
static int find_uri(struct db_conn *c, const char *uri, int64_t *id, int64_t *author)
{
    struct db_stmt *s;
    int rc = db_prepare(c, "SELECT id, account_id FROM statuses WHERE uri = ?", &s);
    if (rc)
        return rc;
    db_bind_text(s, 1, uri);
    rc = db_step(s);
    *id = rc == DB_ROW ? db_col_i64(s, 0) : 0;
    if (author)
        *author = rc == DB_ROW ? db_col_i64(s, 1) : 0;
    db_stmt_done(s);
    return rc < 0 ? rc : 0;
}

/*
 * Queues the fetch of a remote image's preview (job "media"), in the lane
 * of its host so that a slow media server holds up only its own.
 */
static int queue_preview(struct db_conn *c, const char *url, int64_t media_id)
{
    const char *host = strstr(url, "://");
    if (!host)
        return 0;
    host += 3;
    size_t n = strcspn(host, "/?#");
    char lane[QUEUE_LANE_MAX];
    if (n == 0 || n >= sizeof(lane))
        return 0;
    for (size_t i = 0; i < n; i++)
        lane[i] = (char)(host[i] >= 'A' && host[i] <= 'Z' ? host[i] - 'A' + 'a' : host[i]);
    lane[n] = '\0';
    json_t *j = json_pack("{s:I, s:s}", "media", (json_int_t)media_id, "url", url);
    char *payload = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    int rc = queue_add(c, "media", lane, payload, NULL, 0);
    free(payload);
    return rc;
}

/* Replaces the remote attachments of status id by rs's. */
static int store_media(struct db_conn *c, const struct remote_status *rs, int64_t id, int64_t now)
{
    struct db_stmt *s;
    int rc = db_prepare(c, "DELETE FROM media_attachments WHERE status_id = ?", &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, id);
    if ((rc = step_done(s)))
        return rc;
    for (size_t i = 0; i < rs->n_media && i < LIMIT_MEDIA_REMOTE; i++) {
        const struct remote_media *m = &rs->media[i];
        rc =
            db_prepare(c,
                       "INSERT INTO media_attachments (id, account_id, status_id, position, type,"
                       " file_hash, file_ext, content_type, file_size, width, height, thumb_hash,"
                       " thumb_ext, thumb_width, thumb_height, blurhash, description, created_at,"
                       " updated_at, remote_url, remote_preview_url) VALUES (?, ?, ?, ?, ?, '', '',"
                       " ?, 0, ?, ?, '', '', ?, ?, ?, ?, ?, ?, ?, ?)",
                       &s);
        if (rc)
            return rc;
        int64_t mid = id_next();
        db_bind_i64(s, 1, mid);
        db_bind_i64(s, 2, rs->account_id);
        db_bind_i64(s, 3, id);
        db_bind_i64(s, 4, (int64_t)i);
        db_bind_text(s, 5, m->type ? m->type : "unknown");
        db_bind_text(s, 6, m->content_type ? m->content_type : "");
        db_bind_i64(s, 7, m->width);
        db_bind_i64(s, 8, m->height);
        db_bind_i64(s, 9, m->width);
        db_bind_i64(s, 10, m->height);
        db_bind_text(s, 11, m->blurhash ? m->blurhash : "");
        db_bind_text(s, 12, m->description);
        db_bind_i64(s, 13, now);
        db_bind_i64(s, 14, now);
        db_bind_text(s, 15, m->url);
        db_bind_text(s, 16, m->preview_url);
        if ((rc = step_done(s)))
            return rc;
        /* An image is its own preview; a video or audio file has its poster. */
        const char *still = m->type && strcmp(m->type, "image") == 0 ? m->url : m->preview_url;
        if (still && (rc = queue_preview(c, still, mid)))
            return rc;
    }
    return 0;
}

/* Mentioned members who may see status id hear of it. */
static int notify_mentions(struct db_conn *c, const struct remote_status *rs, int64_t id)
{
    for (size_t i = 0; i < rs->n_mentions; i++) {
        int rc = notification_add(c, rs->mentions[i], rs->account_id, NOTIFY_MENTION, id, NULL);
        if (rc)
            return rc;
    }
    return 0;
}

int remote_status_create(const struct core *core, const struct remote_status *rs, int64_t *id)
{
    if (!rs->uri || !*rs->uri || !rs->account_id || !rs->content)
        return E_INVAL;
    struct arena *a = arena_new();
    struct db_conn *c = NULL;
    int rc = core_tx_begin(core, &c);
    if (rc)
        goto out;
    int64_t existing;
    if ((rc = find_uri(c, rs->uri, &existing, NULL)))
        goto out;
    if (existing) {
        *id = existing;
        rc = E_EXISTS;
        goto out;
    }
    int64_t reply_to = 0, reply_account = 0, root = 0;
    struct status *parent;
    if (rs->in_reply_to_id && status_get(c, a, rs->in_reply_to_id, &parent) == 0 &&
        !parent->reblog_of_id) {
        reply_to = parent->id;
        reply_account = parent->account_id;
        root = parent->thread_root_id ? parent->thread_root_id : parent->id;
    }
    /* Ids follow time; a post dated in the future is taken as of now. */
    int64_t now = time_now_ms();
    int64_t created = rs->created_at > 0 && rs->created_at < now ? rs->created_at : now;
    int64_t sid = id_next();
    struct db_stmt *s;
    rc = db_prepare(c,
                    "INSERT INTO statuses (id, account_id, uri, url, local, visibility, text,"
                    " content, spoiler_text, sensitive, language, in_reply_to_id,"
                    " in_reply_to_account_id, thread_root_id, object_type, created_at, edited_at,"
                    " title, summary)"
                    " VALUES (?, ?, ?, ?, 0, ?, '', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    &s);
    if (rc)
        goto out;
    db_bind_i64(s, 1, sid);
    db_bind_i64(s, 2, rs->account_id);
    db_bind_text(s, 3, rs->uri);
    db_bind_text(s, 4, rs->url);
    db_bind_i64(s, 5, rs->visibility);
    db_bind_text(s, 6, rs->content);
    db_bind_text(s, 7, rs->spoiler_text ? rs->spoiler_text : "");
    db_bind_i64(s, 8, rs->sensitive || (rs->spoiler_text && *rs->spoiler_text));
    db_bind_text(s, 9, rs->language);
    if (reply_to) {
        db_bind_i64(s, 10, reply_to);
        db_bind_i64(s, 11, reply_account);
    } else {
        db_bind_null(s, 10);
        db_bind_null(s, 11);
    }
    db_bind_i64(s, 12, root ? root : sid);
    db_bind_text(s, 13, rs->object_type ? rs->object_type : "Note");
    db_bind_i64(s, 14, created);
    if (rs->edited_at > created)
        db_bind_i64(s, 15, rs->edited_at);
    else
        db_bind_null(s, 15);
    db_bind_text(s, 16, rs->title && *rs->title ? rs->title : NULL);
    db_bind_text(s, 17, rs->summary && *rs->summary ? rs->summary : NULL);
    if ((rc = step_done(s)))
        goto out;
    if ((rc = status_store_links(c, sid, rs->mentions, rs->n_mentions, rs->tags, rs->n_tags)) ||
        (rc = store_media(c, rs, sid, now)) ||
        (rs->poll && (rc = poll_insert(c, sid, rs->account_id, rs->poll, now))) ||
        (rc = notify_mentions(c, rs, sid)) || (rc = feed_push(c, sid, rs->account_id)) ||
        (rc = rs->visibility <= VIS_FOLLOWERS ? account_stats_one_more(c, rs->account_id) : 0))
        goto out;
    if (rs->visibility == VIS_DIRECT &&
        (rc = conversation_record(c, sid, rs->account_id, root ? root : sid)))
        goto out;
    /* Replies that arrived before their parent find it now. */
    rc = db_prepare(c,
                    "UPDATE statuses SET in_reply_to_id = ?, in_reply_to_account_id = ?,"
                    " thread_root_id = ? WHERE id IN (SELECT status_id FROM pending_replies"
                    " WHERE parent_uri = ?)",
                    &s);
    if (rc == 0) {
        db_bind_i64(s, 1, sid);
        db_bind_i64(s, 2, rs->account_id);
        db_bind_i64(s, 3, root ? root : sid);
        db_bind_text(s, 4, rs->uri);
        rc = step_done(s);
    }
    if (rc == 0 && rs->in_reply_to_uri && !reply_to) {
        rc = db_prepare(c, "INSERT INTO pending_replies (status_id, parent_uri) VALUES (?, ?)", &s);
        if (rc == 0) {
            db_bind_i64(s, 1, sid);
            db_bind_text(s, 2, rs->in_reply_to_uri);
            rc = step_done(s);
        }
    }
    if (rc)
        goto out;
    rc = db_prepare(c, "UPDATE accounts SET last_status_at = ? WHERE id = ?", &s);
    if (rc)
        goto out;
    db_bind_i64(s, 1, created);
    db_bind_i64(s, 2, rs->account_id);
    if ((rc = step_done(s)))
        goto out;
    events_defer(EVENT_STATUS_NEW, sid, rs->account_id);
    *id = sid;
out:
    rc = core_tx_end(c, rc);
    arena_free(a);
    return rc;
}

int remote_status_update(const struct core *core, const struct remote_status *rs)
{
    struct arena *a = arena_new();
    struct db_conn *c = NULL;
    int rc = core_tx_begin(core, &c);
    if (rc)
        goto out;
    int64_t id, author;
    if ((rc = find_uri(c, rs->uri, &id, &author)))
        goto out;
    if (!id || author != rs->account_id) {
        rc = E_NOTFOUND;
        goto out;
    }
    struct status *st;
    if ((rc = status_get(c, a, id, &st)))
        goto out;
    if (rs->poll && (rc = poll_edit(c, id, rs->account_id, rs->poll, time_now_ms())))
        goto out;
    int64_t before = st->edited_at ? st->edited_at : st->created_at;
    int64_t when = rs->edited_at ? rs->edited_at : time_now_ms();
    if (when <= before)
        goto out; /* an older or repeated Update */
    int same =
        !strcmp(st->content ? st->content : "", rs->content ? rs->content : "") &&
        !strcmp(st->spoiler_text ? st->spoiler_text : "", rs->spoiler_text ? rs->spoiler_text : "");
    if (same && !rs->edited_at)
        goto out; /* nothing but a poll's counts changed: not an edit */
    struct db_stmt *s;
    rc = db_prepare(c,
                    "INSERT INTO status_edits (id, status_id, text, content, spoiler_text,"
                    " sensitive, created_at, media_ids) VALUES (?, ?, '', ?, ?, ?, ?, '')",
                    &s);
    if (rc)
        goto out;
    db_bind_i64(s, 1, id_next());
    db_bind_i64(s, 2, id);
    db_bind_text(s, 3, st->content);
    db_bind_text(s, 4, st->spoiler_text ? st->spoiler_text : "");
    db_bind_i64(s, 5, st->sensitive);
    db_bind_i64(s, 6, before);
    if ((rc = step_done(s)))
        goto out;
    rc = db_prepare(c,
                    "UPDATE statuses SET content = ?, spoiler_text = ?, sensitive = ?,"
                    " language = COALESCE(?, language), edited_at = ?, title = ?, summary = ?"
                    " WHERE id = ?",
                    &s);
    if (rc)
        goto out;
    db_bind_text(s, 1, rs->content ? rs->content : "");
    db_bind_text(s, 2, rs->spoiler_text ? rs->spoiler_text : "");
    db_bind_i64(s, 3, rs->sensitive || (rs->spoiler_text && *rs->spoiler_text));
    db_bind_text(s, 4, rs->language);
    db_bind_i64(s, 5, when);
    db_bind_text(s, 6, rs->title && *rs->title ? rs->title : NULL);
    db_bind_text(s, 7, rs->summary && *rs->summary ? rs->summary : NULL);
    db_bind_i64(s, 8, id);
    if ((rc = step_done(s)))
        goto out;
    if ((rc = status_store_links(c, id, rs->mentions, rs->n_mentions, rs->tags, rs->n_tags)) ||
        (rc = store_media(c, rs, id, time_now_ms())) || (rc = notify_mentions(c, rs, id)))
        goto out;
    rc = status_edited(c, id, rs->account_id);
out:
    rc = core_tx_end(c, rc);
    arena_free(a);
    return rc;
}

int remote_status_delete(const struct core *core, int64_t author, const char *uri)
{
    struct db_conn *c = NULL;
    int rc = core_tx_begin(core, &c);
    if (rc)
        goto out;
    int64_t id, owner;
    if ((rc = find_uri(c, uri, &id, &owner)) || !id)
        goto out;
    if (owner != author) {
        rc = E_FORBIDDEN;
        goto out;
    }
    struct db_stmt *s;
    rc = db_prepare(c, "DELETE FROM statuses WHERE id = ?", &s);
    if (rc)
        goto out;
    db_bind_i64(s, 1, id);
    if ((rc = step_done(s)) || (rc = account_stats_refresh(c, author)))
        goto out;
    events_defer(EVENT_STATUS_DELETE, id, author);
out:
    return core_tx_end(c, rc);
}

int remote_boost_create(const struct core *core, int64_t actor, int64_t status_id, const char *uri,
                        int64_t created_at, int64_t *id)
{
    struct arena *a = arena_new();
    struct db_conn *c = NULL;
    int rc = core_tx_begin(core, &c);
    if (rc)
        goto out;
    int64_t existing;
    if ((rc = find_uri(c, uri, &existing, NULL)))
        goto out;
    if (existing) {
        *id = existing;
        rc = E_EXISTS;
        goto out;
    }
    struct status *st;
    if ((rc = status_get(c, a, status_id, &st)))
        goto out;
    if (st->reblog_of_id || st->visibility == VIS_DIRECT || st->visibility == VIS_LOCAL ||
        (st->visibility == VIS_FOLLOWERS && st->account_id != actor)) {
        rc = E_FORBIDDEN;
        goto out;
    }
    int64_t now = time_now_ms();
    int64_t created = created_at > 0 && created_at < now ? created_at : now;
    int64_t rid = id_next();
    struct db_stmt *s;
    rc = db_prepare(c,
                    "INSERT INTO statuses (id, account_id, uri, local, visibility, content,"
                    " reblog_of_id, thread_root_id, created_at)"
                    " VALUES (?, ?, ?, 0, ?, '', ?, ?, ?)",
                    &s);
    if (rc)
        goto out;
    db_bind_i64(s, 1, rid);
    db_bind_i64(s, 2, actor);
    db_bind_text(s, 3, uri);
    db_bind_i64(s, 4, st->visibility);
    db_bind_i64(s, 5, st->id);
    db_bind_i64(s, 6, rid);
    db_bind_i64(s, 7, created);
    if ((rc = step_done(s)) || (rc = feed_push(c, rid, actor)) ||
        (rc = account_stats_refresh(c, actor)))
        goto out;
    events_defer(EVENT_STATUS_NEW, rid, actor);
    rc = notification_add(c, st->account_id, actor, NOTIFY_REBLOG, st->id, NULL);
    if (rc == 0)
        *id = rid;
out:
    rc = core_tx_end(c, rc);
    arena_free(a);
    return rc;
}

int remote_account_delete(const struct core *core, int64_t account)
{
    struct db_conn *c = NULL;
    int rc = core_tx_begin(core, &c);
    if (rc)
        goto out;
    static const char *const sql[] = {
        "DELETE FROM statuses WHERE account_id = ? AND reblog_of_id IS NOT NULL",
        "DELETE FROM statuses WHERE account_id = ?",
        "DELETE FROM follows WHERE account_id = ? OR target_account_id = ?1",
        "DELETE FROM favourites WHERE account_id = ?",
        "DELETE FROM notifications WHERE from_account_id = ?",
        "UPDATE accounts SET suspended_at = COALESCE(suspended_at, ?2) WHERE id = ?1"
        " AND domain IS NOT NULL",
    };
    for (size_t i = 0; rc == 0 && i < sizeof(sql) / sizeof(sql[0]); i++) {
        struct db_stmt *s;
        rc = db_prepare(c, sql[i], &s);
        if (rc)
            break;
        db_bind_i64(s, 1, account);
        if (i == sizeof(sql) / sizeof(sql[0]) - 1)
            db_bind_i64(s, 2, time_now_ms());
        rc = step_done(s);
    }
    if (rc == 0)
        rc = account_stats_refresh(c, account);
out:
    return core_tx_end(c, rc);
}
