/*
 * status: posts, boosts, edits, favourites, bookmarks and threads.
 */
#include "core/status.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/account.h"
#include "core/conversation.h"
#include "core/event.h"
#include "core/core.h"
#include "core/events.h"
#include "core/feed.h"
#include "core/outbox.h"
#include "core/idempotency.h"
#include "core/media.h"
#include "core/stats.h"
#include "core/tx.h"
#include "core/notification.h"
#include "core/poll.h"
#include "core/setting.h"
#include "core/scheduled.h"
#include "core/text.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"
#include "util/limits.h"
#define LOG_MODULE "core"
#include "util/log.h"
#include "util/timeutil.h"
#include "util/utf8.h"

#define THREAD_DEPTH_MAX 256 /* ancestors followed upwards */
#define THREAD_SIZE_MAX 4096 /* statuses of one thread considered for descendants */

static int step_done(struct db_stmt *s)
{
    int rc = db_step(s);
    db_stmt_done(s);
    return rc < 0 ? rc : 0;
}

static const char *col_dup(struct arena *a, struct db_stmt *s, int col)
{
    const char *t = db_col_text(s, col);
    return t ? arena_strdup(a, t) : NULL;
}

struct status *status_from_row(struct arena *a, struct db_stmt *s)
{
    struct status *st = arena_zalloc(a, sizeof(*st));
    st->id = db_col_i64(s, 0);
    st->account_id = db_col_i64(s, 1);
    st->uri = col_dup(a, s, 2);
    st->url = col_dup(a, s, 3);
    st->local = (int)db_col_i64(s, 4);
    st->visibility = (enum status_visibility)db_col_i64(s, 5);
    st->text = col_dup(a, s, 6);
    st->content = col_dup(a, s, 7);
    st->spoiler_text = col_dup(a, s, 8);
    st->sensitive = (int)db_col_i64(s, 9);
    st->language = col_dup(a, s, 10);
    st->in_reply_to_id = db_col_i64(s, 11);
    st->in_reply_to_account_id = db_col_i64(s, 12);
    st->thread_root_id = db_col_i64(s, 13);
    st->reblog_of_id = db_col_i64(s, 14);
    st->created_at = db_col_i64(s, 15);
    st->edited_at = db_col_i64(s, 16);
    st->object_type = col_dup(a, s, 17);
    st->title = col_dup(a, s, 18);
    st->summary = col_dup(a, s, 19);
    return st;
}

int status_type_known(const char *t)
{
    static const char *const types[] = {"Note",  "Question", "Article", "Page",
                                        "Event", "Video",    "Image",   "Audio"};
    for (size_t i = 0; t && i < sizeof(types) / sizeof(types[0]); i++)
        if (strcmp(t, types[i]) == 0)
            return 1;
    return !t; /* a status stored before types were kept is a Note */
}

int status_type_article(const char *t)
{
    return t && (strcmp(t, "Article") == 0 || strcmp(t, "Page") == 0);
}

/* Runs a one-row status query whose single parameter is an id or (when text) a URI. */
static int fetch_status(struct db_conn *c, struct arena *a, const char *sql, int64_t id,
                        const char *text, struct status **out)
{
    struct db_stmt *s;
    int rc = db_prepare(c, sql, &s);
    if (rc)
        return rc;
    if (text)
        db_bind_text(s, 1, text);
    else
        db_bind_i64(s, 1, id);
    rc = db_step(s);
    if (rc == DB_ROW) {
        *out = status_from_row(a, s);
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = E_NOTFOUND;
    }
    db_stmt_done(s);
    return rc;
}

int status_get(struct db_conn *c, struct arena *a, int64_t id, struct status **out)
{
    return fetch_status(
        c, a, "SELECT " STATUS_COLUMNS " FROM statuses WHERE id = ? AND deleted_at IS NULL", id,
        NULL, out);
}

int status_find_by_uri(struct db_conn *c, struct arena *a, const char *uri, struct status **out)
{
    return fetch_status(
        c, a, "SELECT " STATUS_COLUMNS " FROM statuses WHERE uri = ? AND deleted_at IS NULL", 0,
        uri, out);
}

/* Resolver for text_format: mentioned accounts known to this server. */
struct resolver {
    struct db_conn *c;
    const char *local_domain;
    int64_t ids[LIMIT_MENTIONS + 1];
    size_t n;
};

static const char *resolve_mention(void *ctx, struct arena *a, const char *username,
                                   const char *domain)
{
    struct resolver *r = ctx;
    struct account *acc;
    if (account_find(r->c, a, username, domain, r->local_domain, &acc) != 0)
        return NULL;
    int seen = 0;
    for (size_t i = 0; i < r->n; i++)
        seen |= r->ids[i] == acc->id;
    if (!seen && r->n < LIMIT_MENTIONS + 1)
        r->ids[r->n++] = acc->id;
    return acc->url ? acc->url : acc->uri;
}

/* Validates the parts of a post other than its text. */
static int check_new(const struct status_new *p, size_t *spoiler_chars, const char **why)
{
    *spoiler_chars = 0;
    if (p->spoiler_text) {
        size_t n = strlen(p->spoiler_text);
        if (!utf8_valid(p->spoiler_text, n)) {
            *why = "spoiler_text is not valid UTF-8";
            return E_INVAL;
        }
        *spoiler_chars = utf8_count(p->spoiler_text, n);
    }
    if (p->language) {
        size_t n = strlen(p->language);
        int ok = n >= 2 && n <= 3;
        for (size_t i = 0; i < n && ok; i++)
            ok = islower((unsigned char)p->language[i]);
        if (!ok) {
            *why = "language must be an ISO 639 code such as \"en\"";
            return E_INVAL;
        }
    }
    if ((unsigned)p->visibility > VIS_NEIGHBORHOOD) {
        *why = "visibility is not a known level";
        return E_INVAL;
    }
    return 0;
}

/* Formats text for author's post; counts the content warning toward the limit. */
static int format_text(const struct core *core, struct db_conn *c, struct arena *a,
                       const struct status_new *p, struct resolver *res, struct text_result *out,
                       const char **why)
{
    size_t spoiler_chars;
    int rc = check_new(p, &spoiler_chars, why);
    if (rc)
        return rc;
    const char *text = p->text ? p->text : "";
    int blank = 1;
    for (const char *q = text; *q && blank; q++)
        blank = isspace((unsigned char)*q) != 0;
    if (blank && !p->n_media) {
        *why = "text can't be blank";
        return E_INVAL;
    }
    res->c = c;
    res->local_domain = core->domain;
    res->n = 0;
    struct text_options opt = {
        .base_url = core->base_url,
        .local_domain = core->domain,
        .max_chars = 0,
        .resolve_mention = resolve_mention,
        .resolver_ctx = res,
    };
    rc = text_format(a, text, strlen(text), &opt, out);
    if (rc == E_UTF8) {
        *why = "text is not valid UTF-8";
        return E_INVAL;
    }
    if (rc == E_LIMIT) {
        *why = "text has too many mentions or hashtags, or is too long";
        return E_LIMIT;
    }
    if (rc)
        return rc;
    if (core->max_status_chars > 0 && out->chars + spoiler_chars > (size_t)core->max_status_chars) {
        *why = "text is too long: it exceeds the character limit";
        return E_LIMIT;
    }
    return 0;
}

/* Replaces the mentions and tags rows of a status. */
static int store_links(struct db_conn *c, int64_t id, const struct resolver *res,
                       const struct text_result *fmt)
{
    return status_store_links(c, id, res->ids, res->n, (const char *const *)fmt->tags, fmt->n_tags);
}

int status_store_links(struct db_conn *c, int64_t id, const int64_t *mentions, size_t n_mentions,
                       const char *const *tags, size_t n_tags)
{
    struct db_stmt *s;
    int rc = db_prepare(c, "DELETE FROM mentions WHERE status_id = ?", &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, id);
    if ((rc = step_done(s)))
        return rc;
    rc = db_prepare(c, "DELETE FROM status_tags WHERE status_id = ?", &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, id);
    if ((rc = step_done(s)))
        return rc;
    for (size_t i = 0; i < n_mentions; i++) {
        rc = db_prepare(c,
                        "INSERT INTO mentions (status_id, account_id) VALUES (?, ?)"
                        " ON CONFLICT DO NOTHING",
                        &s);
        if (rc)
            return rc;
        db_bind_i64(s, 1, id);
        db_bind_i64(s, 2, mentions[i]);
        if ((rc = step_done(s)))
            return rc;
    }
    for (size_t i = 0; i < n_tags; i++) {
        rc = db_prepare(c,
                        "INSERT INTO tags (id, name, created_at) VALUES (?, ?, ?)"
                        " ON CONFLICT (name) DO NOTHING",
                        &s);
        if (rc)
            return rc;
        db_bind_i64(s, 1, id_next());
        db_bind_text(s, 2, tags[i]);
        db_bind_i64(s, 3, time_now_ms());
        if ((rc = step_done(s)))
            return rc;
        rc = db_prepare(c,
                        "INSERT INTO status_tags (status_id, tag_id) SELECT ?, id FROM tags"
                        " WHERE name = ? ON CONFLICT DO NOTHING",
                        &s);
        if (rc)
            return rc;
        db_bind_i64(s, 1, id);
        db_bind_text(s, 2, tags[i]);
        if ((rc = step_done(s)))
            return rc;
    }
    return 0;
}

static int notify_mentions(struct db_conn *c, int64_t author, int64_t id,
                           const struct resolver *res)
{
    for (size_t i = 0; i < res->n; i++) {
        int rc = notification_add(c, res->ids[i], author, NOTIFY_MENTION, id, NULL);
        if (rc)
            return rc;
    }
    return 0;
}

/* 1 when key already made a status of author that still exists (*id set to it). */
static int repeated(struct db_conn *c, struct arena *a, int64_t author, const char *key,
                    int64_t *id)
{
    int64_t prev;
    struct status *st;
    if (idempotency_find(c, author, IDEMPOTENCY_STATUS, key, time_now_ms(), &prev) != 0 ||
        status_get(c, a, prev, &st) != 0 || st->account_id != author)
        return 0;
    *id = prev;
    return 1;
}

#define LEARN_MENTIONS_MAX 5 /* unknown remote accounts looked up per post */

static int mention_char(char ch, int domain)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '_' || (domain && (ch == '.' || ch == '-' || ch == ':')) || (!domain && ch == '.');
}

/*
 * Before a post is formatted, remote accounts it mentions that are not
 * known yet are looked up (core->resolver, outside any transaction), so
 * that "@bob@elsewhere.example" links and reaches him as Mastodon does.
 */
static void learn_mentions(const struct core *core, const char *text)
{
    if (!core->resolver || !text)
        return;
    struct arena *a = arena_new();
    int asked = 0;
    for (const char *p = text; *p && asked < LEARN_MENTIONS_MAX; p++) {
        if (*p != '@' || (p > text && mention_char(p[-1], 1)))
            continue;
        const char *u = p + 1, *q = u;
        while (mention_char(*q, 0))
            q++;
        if (q == u || *q != '@')
            continue;
        const char *d = q + 1, *e = d;
        while (mention_char(*e, 1))
            e++;
        while (e > d && (e[-1] == '.' || e[-1] == ':' || e[-1] == '-'))
            e--;
        if (e == d || !memchr(d, '.', (size_t)(e - d)))
            continue;
        char *user = arena_strndup(a, u, (size_t)(q - u));
        char *domain = arena_strndup(a, d, (size_t)(e - d));
        p = e - 1;
        if (strcasecmp(domain, core->domain) == 0)
            continue;
        struct db_conn *c;
        struct account *acc;
        if (db_acquire(core->db, DB_READ, &c) != 0)
            break;
        int known = account_find(c, a, user, domain, core->domain, &acc) == 0;
        db_release(c);
        if (!known) {
            asked++;
            core->resolver->account(core, user, domain);
        }
    }
    arena_free(a);
}

/* The new status sid is the event e (core/event.h), in the posting transaction. */
static int event_attach(struct db_conn *c, int64_t sid, int64_t author, const struct event_info *e)
{
    struct event_info copy = *e;
    copy.status_id = sid;
    copy.account_id = author;
    int rc = event_put(c, &copy);
    if (rc)
        return rc;
    struct db_stmt *s;
    if ((rc = db_prepare(c, "UPDATE statuses SET object_type = 'Event' WHERE id = ?", &s)))
        return rc;
    db_bind_i64(s, 1, sid);
    return step_done(s);
}

int status_create(const struct core *core, int64_t author, const struct status_new *p, int64_t *id,
                  const char **why)
{
    if (!p->check_only)
        learn_mentions(core, p->text);
    struct arena *a = arena_new();
    struct db_conn *c = NULL;
    struct resolver *res = arena_zalloc(a, sizeof(*res));
    struct text_result fmt;
    *why = NULL;
    int rc = core_tx_begin(core, &c);
    if (rc)
        goto out;
    struct account *acc;
    rc = account_get(c, a, author, &acc);
    if (rc)
        goto out;
    if (acc->domain) {
        *why = "only local accounts post here";
        rc = E_FORBIDDEN;
        goto out;
    }
    if (p->idempotency && !p->check_only && repeated(c, a, author, p->idempotency, id))
        goto out;
    if ((unsigned)p->visibility > VIS_NEIGHBORHOOD) {
        *why = "visibility is not a known level";
        rc = E_INVAL;
        goto out;
    }
    enum status_visibility vis = p->visibility;
    int64_t reply_to = 0, reply_account = 0, root = 0;
    if (p->in_reply_to_id) {
        struct viewer v = {.kind = VIEWER_LOCAL, .account_id = author};
        rc = visibility_may_see(c, &v, p->in_reply_to_id);
        if (rc == 0) {
            *why = "the status replied to does not exist";
            rc = E_NOTFOUND;
        }
        if (rc < 0)
            goto out;
        struct status *parent;
        rc = status_get(c, a, p->in_reply_to_id, &parent);
        if (rc)
            goto out;
        if (parent->reblog_of_id) {
            *why = "a boost cannot be replied to";
            rc = E_INVAL;
            goto out;
        }
        reply_to = parent->id;
        reply_account = parent->account_id;
        root = parent->thread_root_id ? parent->thread_root_id : parent->id;
        /*
         * A reply stays inside the ring of what it answers: there is no
         * "followers and local" level, so a followers-only reply to a
         * local-only post becomes local-only too (it must not leave).
         */
        if (parent->visibility == VIS_LOCAL && vis != VIS_DIRECT)
            vis = VIS_LOCAL;
        else if (parent->visibility == VIS_NEIGHBORHOOD &&
                 (vis == VIS_PUBLIC || vis == VIS_UNLISTED || vis == VIS_FOLLOWERS))
            vis = VIS_NEIGHBORHOOD;
    }
    /* A server may keep every post at home (setting.h). */
    if (vis != VIS_DIRECT && setting_get_int(c, SETTING_FORCE_LOCAL, 0) == 1)
        vis = VIS_LOCAL;
    struct status_new q = *p;
    q.visibility = vis;
    rc = format_text(core, c, a, &q, res, &fmt, why);
    if (rc == 0 && p->poll)
        rc = poll_check(core, p->poll, why);
    if (rc || p->check_only)
        goto out;
    int64_t sid = id_next();
    int64_t now = time_now_ms();
    struct db_stmt *s;
    rc = db_prepare(c,
                    "INSERT INTO statuses (id, account_id, uri, url, local, visibility, text,"
                    " content, spoiler_text, sensitive, language, in_reply_to_id,"
                    " in_reply_to_account_id, thread_root_id, created_at)"
                    " VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    &s);
    if (rc)
        goto out;
    db_bind_i64(s, 1, sid);
    db_bind_i64(s, 2, author);
    db_bind_text(s, 3,
                 arena_printf(a, "%s/users/%s/statuses/%lld", core->base_url, acc->username,
                              (long long)sid));
    db_bind_text(s, 4,
                 arena_printf(a, "%s/@%s/%lld", core->base_url, acc->username, (long long)sid));
    db_bind_i64(s, 5, vis);
    db_bind_text(s, 6, p->text ? p->text : "");
    db_bind_text(s, 7, fmt.html);
    db_bind_text(s, 8, p->spoiler_text ? p->spoiler_text : "");
    db_bind_i64(s, 9, p->sensitive || (p->spoiler_text && *p->spoiler_text));
    db_bind_text(s, 10, p->language);
    if (reply_to) {
        db_bind_i64(s, 11, reply_to);
        db_bind_i64(s, 12, reply_account);
    } else {
        db_bind_null(s, 11);
        db_bind_null(s, 12);
    }
    db_bind_i64(s, 13, root ? root : sid);
    db_bind_i64(s, 14, now);
    if ((rc = step_done(s)))
        goto out;
    if ((rc = store_links(c, sid, res, &fmt)))
        goto out;
    if ((rc = media_attach(c, author, sid, p->media_ids, p->n_media, why)))
        goto out;
    if ((rc = notify_mentions(c, author, sid, res)))
        goto out;
    if (p->poll && (rc = poll_insert(c, sid, author, p->poll, now)))
        goto out;
    if (p->event && (rc = event_attach(c, sid, author, p->event)))
        goto out;
    if (p->scheduled_id && (rc = scheduled_take(c, author, p->scheduled_id)))
        goto out;
    if (p->idempotency &&
        (rc = idempotency_store(c, author, IDEMPOTENCY_STATUS, p->idempotency, sid, now)))
        goto out;
    if ((rc = feed_push(c, sid, author)) || (rc = account_stats_refresh(c, author)))
        goto out;
    if (vis == VIS_DIRECT && (rc = conversation_record(c, sid, author, root ? root : sid)))
        goto out;
    if (vis != VIS_LOCAL && (rc = outbox_add(c, OUTBOX_CREATE, author, sid, NULL)))
        goto out;
    events_defer(EVENT_STATUS_NEW, sid, author);
    rc = db_prepare(c, "UPDATE accounts SET last_status_at = ? WHERE id = ?", &s);
    if (rc)
        goto out;
    db_bind_i64(s, 1, now);
    db_bind_i64(s, 2, author);
    if ((rc = step_done(s)))
        goto out;
    *id = sid;
out:
    rc = core_tx_end(c, rc);
    arena_free(a);
    return rc;
}

/* The author's own status, not a boost; E_NOTFOUND otherwise. */
static int own_status(struct db_conn *c, struct arena *a, int64_t actor, int64_t id,
                      struct status **out)
{
    int rc = status_get(c, a, id, out);
    if (rc)
        return rc;
    if ((*out)->account_id != actor)
        return E_NOTFOUND;
    return 0;
}

int status_delete(const struct core *core, int64_t actor, int64_t id)
{
    struct arena *a = arena_new();
    struct db_conn *c = NULL;
    int rc = core_tx_begin(core, &c);
    if (rc)
        goto out;
    struct status *st;
    rc = own_status(c, a, actor, id, &st);
    if (rc)
        goto out;
    struct db_stmt *s;
    /* Its boosts go with it: their authors' counts change too. */
    int64_t *boosters = NULL;
    size_t nb = 0;
    rc = db_prepare(c, "SELECT DISTINCT account_id FROM statuses WHERE reblog_of_id = ?", &s);
    if (rc)
        goto out;
    db_bind_i64(s, 1, id);
    while ((rc = db_step(s)) == DB_ROW) {
        if (nb % 64 == 0) {
            int64_t *more = arena_alloc(a, (nb + 64) * sizeof(*more));
            if (nb)
                memcpy(more, boosters, nb * sizeof(*more));
            boosters = more;
        }
        boosters[nb++] = db_col_i64(s, 0);
    }
    db_stmt_done(s);
    if (rc < 0)
        goto out;
    if ((rc = outbox_add_delete(c, a, st)))
        goto out;
    /* Boosts, mentions, favourites, bookmarks, notifications and edits go by cascade. */
    rc = db_prepare(c, "DELETE FROM statuses WHERE id = ?", &s);
    if (rc)
        goto out;
    db_bind_i64(s, 1, id);
    rc = step_done(s);
    if (rc == 0)
        rc = account_stats_refresh(c, actor);
    for (size_t i = 0; rc == 0 && i < nb; i++)
        rc = account_stats_refresh(c, boosters[i]);
    if (rc == 0)
        events_defer(EVENT_STATUS_DELETE, id, actor);
out:
    rc = core_tx_end(c, rc);
    arena_free(a);
    return rc;
}

int status_edit(const struct core *core, int64_t actor, int64_t id, const struct status_new *p,
                const char **why)
{
    learn_mentions(core, p->text);
    struct arena *a = arena_new();
    struct db_conn *c = NULL;
    struct resolver *res = arena_zalloc(a, sizeof(*res));
    struct text_result fmt;
    *why = NULL;
    int rc = core_tx_begin(core, &c);
    if (rc)
        goto out;
    struct status *st;
    rc = own_status(c, a, actor, id, &st);
    if (rc)
        goto out;
    if (st->reblog_of_id || !st->local) {
        *why = "only your own posts can be edited";
        rc = E_FORBIDDEN;
        goto out;
    }
    struct status_new q = *p;
    q.visibility = st->visibility; /* edits never change who may see a post */
    /*
     * The attachments stay through an edit unless it names new ones, and
     * let its text be blank as at creation. The version being replaced
     * keeps the list it had.
     */
    struct media *kept;
    size_t n_kept = 0;
    if ((rc = media_of_status(c, a, id, &kept, &n_kept)))
        goto out;
    size_t cap = n_kept * (ID_STR_MAX + 1) + 1, len = 0;
    char *kept_ids = arena_alloc(a, cap);
    kept_ids[0] = '\0';
    for (size_t i = 0; i < n_kept; i++) {
        char one[ID_STR_MAX];
        int w =
            snprintf(kept_ids + len, cap - len, "%s%s", i ? "," : "", id_to_str(kept[i].id, one));
        if (w > 0)
            len += (size_t)w;
    }
    q.n_media = p->media_given ? p->n_media : n_kept;
    q.media_ids = NULL;
    rc = format_text(core, c, a, &q, res, &fmt, why);
    if (rc == 0 && p->poll)
        rc = poll_check(core, p->poll, why);
    if (rc)
        goto out;
    struct db_stmt *s;
    rc = db_prepare(c,
                    "INSERT INTO status_edits (id, status_id, text, content, spoiler_text,"
                    " sensitive, created_at, media_ids) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    &s);
    if (rc)
        goto out;
    db_bind_i64(s, 1, id_next());
    db_bind_i64(s, 2, id);
    db_bind_text(s, 3, st->text ? st->text : "");
    db_bind_text(s, 4, st->content);
    db_bind_text(s, 5, st->spoiler_text ? st->spoiler_text : "");
    db_bind_i64(s, 6, st->sensitive);
    db_bind_i64(s, 7, st->edited_at ? st->edited_at : st->created_at);
    db_bind_text(s, 8, kept_ids);
    if ((rc = step_done(s)))
        goto out;
    if (p->media_given || p->n_media_attrs) {
        /* Descriptions alone may change: the list stays what it was. */
        int64_t same[LIMIT_MEDIA_PER_STATUS];
        for (size_t i = 0; i < n_kept && i < LIMIT_MEDIA_PER_STATUS; i++)
            same[i] = kept[i].id;
        rc = media_replace(c, actor, id, p->media_given ? p->media_ids : same,
                           p->media_given ? p->n_media : n_kept, p->media_attrs, p->n_media_attrs,
                           why);
        if (rc)
            goto out;
    }
    int64_t now = time_now_ms();
    if (now <= (st->edited_at ? st->edited_at : st->created_at))
        now = (st->edited_at ? st->edited_at : st->created_at) + 1;
    rc = db_prepare(c,
                    "UPDATE statuses SET text = ?, content = ?, spoiler_text = ?, sensitive = ?,"
                    " language = COALESCE(?, language), edited_at = ? WHERE id = ?",
                    &s);
    if (rc)
        goto out;
    db_bind_text(s, 1, p->text);
    db_bind_text(s, 2, fmt.html);
    db_bind_text(s, 3, p->spoiler_text ? p->spoiler_text : "");
    db_bind_i64(s, 4, p->sensitive || (p->spoiler_text && *p->spoiler_text));
    db_bind_text(s, 5, p->language);
    db_bind_i64(s, 6, now);
    db_bind_i64(s, 7, id);
    if ((rc = step_done(s)))
        goto out;
    if ((rc = poll_edit(c, id, actor, p->poll, now)))
        goto out;
    if ((rc = store_links(c, id, res, &fmt)))
        goto out;
    if ((rc = notify_mentions(c, actor, id, res)))
        goto out;
    if ((rc = status_edited(c, id, actor)))
        goto out;
    if (st->visibility != VIS_LOCAL)
        rc = outbox_add(c, OUTBOX_UPDATE, actor, id, NULL);
out:
    rc = core_tx_end(c, rc);
    arena_free(a);
    return rc;
}

int status_edited(struct db_conn *c, int64_t id, int64_t author)
{
    /* Those who boosted it are told of the new version (a fresh notification each edit). */
    struct db_stmt *s;
    int rc = db_prepare(c, "DELETE FROM notifications WHERE status_id = ? AND type = 'update'", &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, id);
    if ((rc = step_done(s)))
        return rc;
    rc = db_prepare(c,
                    "SELECT DISTINCT account_id FROM statuses WHERE reblog_of_id = ?"
                    " AND deleted_at IS NULL",
                    &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, id);
    int64_t boosters[256];
    size_t nb = 0;
    while (nb < 256 && db_step(s) == DB_ROW)
        boosters[nb++] = db_col_i64(s, 0);
    db_stmt_done(s);
    events_defer(EVENT_STATUS_UPDATE, id, author);
    for (size_t i = 0; i < nb && rc == 0; i++)
        rc = notification_add(c, boosters[i], author, NOTIFY_UPDATE, id, NULL);
    return rc;
}

/* A stored version's attachment list ("id,id,...") into v. */
static void version_media(struct arena *a, const char *text, struct status_version *v)
{
    int64_t *ids = arena_alloc(a, LIMIT_MEDIA_PER_STATUS * sizeof(*ids));
    size_t n = 0;
    while (text && *text && n < LIMIT_MEDIA_PER_STATUS) {
        char one[ID_STR_MAX];
        size_t len = strcspn(text, ",");
        if (len < sizeof(one)) {
            memcpy(one, text, len);
            one[len] = '\0';
            if (id_from_str(one, &ids[n]) == 0)
                n++;
        }
        text += len + (text[len] == ',');
    }
    v->media_ids = ids;
    v->n_media = n;
}

int status_history(struct db_conn *c, struct arena *a, int64_t id, struct status_version **out,
                   size_t *n)
{
    struct status *st;
    int rc = status_get(c, a, id, &st);
    if (rc)
        return rc;
    struct db_stmt *s;
    rc = db_prepare(c, "SELECT count(*) FROM status_edits WHERE status_id = ?", &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, id);
    size_t count = db_step(s) == DB_ROW ? (size_t)db_col_i64(s, 0) : 0;
    db_stmt_done(s);
    struct status_version *list = arena_alloc(a, (count + 1) * sizeof(*list));
    rc = db_prepare(c,
                    "SELECT text, content, spoiler_text, sensitive, created_at, media_ids"
                    " FROM status_edits WHERE status_id = ? ORDER BY id",
                    &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, id);
    size_t i = 0;
    while (i < count && (rc = db_step(s)) == DB_ROW) {
        list[i].text = col_dup(a, s, 0);
        list[i].content = col_dup(a, s, 1);
        list[i].spoiler_text = col_dup(a, s, 2);
        list[i].sensitive = (int)db_col_i64(s, 3);
        list[i].created_at = db_col_i64(s, 4);
        version_media(a, col_dup(a, s, 5), &list[i]);
        i++;
    }
    db_stmt_done(s);
    if (rc < 0)
        return rc;
    list[i].text = st->text;
    list[i].content = st->content;
    list[i].spoiler_text = st->spoiler_text;
    list[i].sensitive = st->sensitive;
    list[i].created_at = st->edited_at ? st->edited_at : st->created_at;
    struct media *now;
    size_t n_now = 0;
    if ((rc = media_of_status(c, a, id, &now, &n_now)))
        return rc;
    int64_t *ids = arena_alloc(a, (n_now + 1) * sizeof(*ids));
    for (size_t k = 0; k < n_now; k++)
        ids[k] = now[k].id;
    list[i].media_ids = ids;
    list[i].n_media = n_now;
    *out = list;
    *n = i + 1;
    return 0;
}

/* The status a boost, favourite or bookmark acts on: visible, and not a boost itself. */
static int target_status(struct db_conn *c, struct arena *a, int64_t actor, int64_t id,
                         struct status **out)
{
    struct viewer v;
    /* The actor may be remote (a federated Like): it sees what a remote account sees. */
    int rc = visibility_viewer_for(c, a, actor, &v);
    if (rc)
        return rc;
    rc = visibility_may_see(c, &v, id);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return E_NOTFOUND;
    rc = status_get(c, a, id, out);
    if (rc == 0 && (*out)->reblog_of_id)
        rc = status_get(c, a, (*out)->reblog_of_id, out);
    return rc;
}

static int find_reblog(struct db_conn *c, int64_t actor, int64_t id, int64_t *out)
{
    struct db_stmt *s;
    int rc = db_prepare(c,
                        "SELECT id FROM statuses WHERE account_id = ? AND reblog_of_id = ?"
                        " AND deleted_at IS NULL",
                        &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, actor);
    db_bind_i64(s, 2, id);
    rc = db_step(s);
    *out = rc == DB_ROW ? db_col_i64(s, 0) : 0;
    db_stmt_done(s);
    return rc < 0 ? rc : 0;
}

int status_reblog(const struct core *core, int64_t actor, int64_t id, int64_t *reblog_id)
{
    struct arena *a = arena_new();
    struct db_conn *c = NULL;
    int rc = core_tx_begin(core, &c);
    if (rc)
        goto out;
    struct status *st;
    rc = target_status(c, a, actor, id, &st);
    if (rc)
        goto out;
    if (st->visibility == VIS_DIRECT ||
        (st->visibility == VIS_FOLLOWERS && st->account_id != actor)) {
        rc = E_FORBIDDEN;
        goto out;
    }
    int64_t existing;
    rc = find_reblog(c, actor, st->id, &existing);
    if (rc)
        goto out;
    if (existing) {
        *reblog_id = existing;
        goto out;
    }
    struct account *acc;
    rc = account_get(c, a, actor, &acc);
    if (rc)
        goto out;
    if (acc->domain) {
        rc = E_FORBIDDEN; /* remote boosts arrive as Announce activities, with their own ids */
        goto out;
    }
    int64_t rid = id_next();
    struct db_stmt *s;
    rc = db_prepare(c,
                    "INSERT INTO statuses (id, account_id, uri, url, local, visibility, content,"
                    " reblog_of_id, thread_root_id, created_at)"
                    " VALUES (?, ?, ?, ?, 1, ?, '', ?, ?, ?)",
                    &s);
    if (rc)
        goto out;
    db_bind_i64(s, 1, rid);
    db_bind_i64(s, 2, actor);
    db_bind_text(s, 3,
                 arena_printf(a, "%s/users/%s/statuses/%lld/activity", core->base_url,
                              acc->username, (long long)rid));
    db_bind_text(s, 4,
                 arena_printf(a, "%s/@%s/%lld", core->base_url, acc->username, (long long)rid));
    db_bind_i64(s, 5, st->visibility);
    db_bind_i64(s, 6, st->id);
    db_bind_i64(s, 7, rid);
    db_bind_i64(s, 8, time_now_ms());
    if ((rc = step_done(s)))
        goto out;
    if ((rc = feed_push(c, rid, actor)) || (rc = account_stats_refresh(c, actor)))
        goto out;
    events_defer(EVENT_STATUS_NEW, rid, actor);
    /* A boost of a local post stays here, and so does one of a neighborhood post that came
     * from another server: this server never forwards what its neighbors sent it. */
    int stays = st->visibility == VIS_LOCAL || (st->visibility == VIS_NEIGHBORHOOD && !st->local) ||
                setting_get_int(c, SETTING_FORCE_LOCAL, 0) == 1;
    if (!stays && (rc = outbox_add(c, OUTBOX_CREATE, actor, rid, NULL)))
        goto out;
    rc = notification_add(c, st->account_id, actor, NOTIFY_REBLOG, st->id, NULL);
    if (rc == 0)
        *reblog_id = rid;
out:
    rc = core_tx_end(c, rc);
    arena_free(a);
    return rc;
}

/* Deletes rows "WHERE account_id = ? AND status_id = ?" and the matching notification. */
/*
 * Queues what other servers hear of a local member's undo of fed on
 * status id: the Undo of a Like reaches a remote author; the Undo of a
 * boost reaches everyone the boost reached.
 */
static int federate_undo(struct db_conn *c, struct arena *a, int64_t actor, int64_t id,
                         enum outbox_event fed)
{
    struct account *acc;
    struct status *st;
    if (!fed || account_get(c, a, actor, &acc) != 0 || acc->domain)
        return 0;
    if (fed == OUTBOX_DELETE) {
        int64_t boost;
        int rc = find_reblog(c, actor, id, &boost);
        if (rc || !boost || (rc = status_get(c, a, boost, &st)))
            return rc;
        return outbox_add_delete(c, a, st);
    }
    struct account *author;
    if (status_get(c, a, id, &st) != 0 || account_get(c, a, st->account_id, &author) != 0 ||
        !author->domain)
        return 0;
    return outbox_add(c, fed, actor, id, NULL);
}

static int undo_act(const struct core *core, int64_t actor, int64_t id, const char *del_sql,
                    const char *notif_type, enum outbox_event fed)
{
    struct arena *a = arena_new();
    struct db_conn *c = NULL;
    int rc = core_tx_begin(core, &c);
    if (rc)
        goto out;
    struct status *st;
    rc = status_get(c, a, id, &st);
    if (rc)
        goto out;
    if (st->reblog_of_id)
        id = st->reblog_of_id;
    if ((rc = federate_undo(c, a, actor, id, fed)))
        goto out;
    struct db_stmt *s;
    rc = db_prepare(c, del_sql, &s);
    if (rc)
        goto out;
    db_bind_i64(s, 1, actor);
    db_bind_i64(s, 2, id);
    if ((rc = step_done(s)) || (rc = account_stats_refresh(c, actor)))
        goto out;
    if (notif_type) {
        rc = db_prepare(c,
                        "DELETE FROM notifications WHERE from_account_id = ? AND status_id = ?"
                        " AND type = ?",
                        &s);
        if (rc)
            goto out;
        db_bind_i64(s, 1, actor);
        db_bind_i64(s, 2, id);
        db_bind_text(s, 3, notif_type);
        rc = step_done(s);
    }
out:
    rc = core_tx_end(c, rc);
    arena_free(a);
    return rc;
}

int status_unreblog(const struct core *core, int64_t actor, int64_t id)
{
    return undo_act(core, actor, id,
                    "DELETE FROM statuses WHERE account_id = ? AND reblog_of_id = ?", "reblog",
                    OUTBOX_DELETE);
}

/* Inserts (id, account_id, status_id, created_at) into a favourites-like table. */
static int do_act(const struct core *core, int64_t actor, int64_t id, const char *ins_sql,
                  int notify, enum outbox_event fed)
{
    struct arena *a = arena_new();
    struct db_conn *c = NULL;
    int rc = core_tx_begin(core, &c);
    if (rc)
        goto out;
    struct status *st;
    rc = target_status(c, a, actor, id, &st);
    if (rc)
        goto out;
    struct db_stmt *s;
    rc = db_prepare(c, ins_sql, &s);
    if (rc)
        goto out;
    db_bind_i64(s, 1, id_next());
    db_bind_i64(s, 2, actor);
    db_bind_i64(s, 3, st->id);
    db_bind_i64(s, 4, time_now_ms());
    if ((rc = step_done(s)))
        goto out;
    int64_t inserted = db_changes(c);
    if (notify)
        rc = notification_add(c, st->account_id, actor, NOTIFY_FAVOURITE, st->id, NULL);
    if (rc == 0 && fed && inserted > 0) {
        struct account *me, *author;
        if (account_get(c, a, actor, &me) == 0 && !me->domain &&
            account_get(c, a, st->account_id, &author) == 0 && author->domain)
            rc = outbox_add(c, fed, actor, st->id, NULL);
    }
out:
    rc = core_tx_end(c, rc);
    arena_free(a);
    return rc;
}

int status_favourite(const struct core *core, int64_t actor, int64_t id)
{
    return do_act(core, actor, id,
                  "INSERT INTO favourites (id, account_id, status_id, created_at)"
                  " VALUES (?, ?, ?, ?) ON CONFLICT (account_id, status_id) DO NOTHING",
                  1, OUTBOX_LIKE);
}

int status_unfavourite(const struct core *core, int64_t actor, int64_t id)
{
    return undo_act(core, actor, id,
                    "DELETE FROM favourites WHERE account_id = ? AND status_id = ?", "favourite",
                    OUTBOX_UNDO_LIKE);
}

int status_bookmark(const struct core *core, int64_t actor, int64_t id)
{
    return do_act(core, actor, id,
                  "INSERT INTO bookmarks (id, account_id, status_id, created_at)"
                  " VALUES (?, ?, ?, ?) ON CONFLICT (account_id, status_id) DO NOTHING",
                  0, 0);
}

int status_unbookmark(const struct core *core, int64_t actor, int64_t id)
{
    return undo_act(core, actor, id, "DELETE FROM bookmarks WHERE account_id = ? AND status_id = ?",
                    NULL, 0);
}

int status_counts(struct db_conn *c, int64_t id, int64_t viewer, struct status_counts *out)
{
    struct db_stmt *s;
    int rc;
    memset(out, 0, sizeof(*out));
    rc =
        db_prepare(c,
                   "SELECT (SELECT count(*) FROM statuses WHERE in_reply_to_id = ?"
                   " AND deleted_at IS NULL),"
                   " (SELECT count(*) FROM statuses WHERE reblog_of_id = ? AND deleted_at IS NULL),"
                   " (SELECT count(*) FROM favourites WHERE status_id = ?),"
                   " EXISTS (SELECT 1 FROM favourites WHERE status_id = ? AND account_id = ?),"
                   " EXISTS (SELECT 1 FROM statuses WHERE reblog_of_id = ? AND account_id = ?"
                   " AND deleted_at IS NULL),"
                   " EXISTS (SELECT 1 FROM bookmarks WHERE status_id = ? AND account_id = ?)",
                   &s);
    if (rc)
        return rc;
    for (int i = 1; i <= 9; i++)
        db_bind_i64(s, i, (i == 5 || i == 7 || i == 9) ? viewer : id);
    rc = db_step(s);
    if (rc == DB_ROW) {
        out->replies = db_col_i64(s, 0);
        out->reblogs = db_col_i64(s, 1);
        out->favourites = db_col_i64(s, 2);
        out->favourited = (int)db_col_i64(s, 3);
        out->reblogged = (int)db_col_i64(s, 4);
        out->bookmarked = (int)db_col_i64(s, 5);
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = E_NOTFOUND;
    }
    db_stmt_done(s);
    return rc;
}

int status_context(struct db_conn *c, struct arena *a, const struct viewer *v, int64_t id,
                   int64_t **ancestors, size_t *n_anc, int64_t **descendants, size_t *n_desc)
{
    struct status *st;
    int rc = status_get(c, a, id, &st);
    if (rc)
        return rc;
    rc = visibility_may_see(c, v, id);
    if (rc <= 0)
        return rc < 0 ? rc : E_NOTFOUND;
    /* Ancestors: up the reply chain, then reversed to read from the root down. */
    int64_t *up = arena_alloc(a, THREAD_DEPTH_MAX * sizeof(*up));
    size_t nu = 0;
    int64_t parent = st->in_reply_to_id;
    while (parent && nu < THREAD_DEPTH_MAX) {
        struct status *p;
        if (status_get(c, a, parent, &p) != 0)
            break;
        rc = visibility_may_see(c, v, p->id);
        if (rc < 0)
            return rc;
        if (rc)
            up[nu++] = p->id;
        parent = p->in_reply_to_id;
    }
    int64_t *anc = arena_alloc(a, (nu + 1) * sizeof(*anc));
    for (size_t i = 0; i < nu; i++)
        anc[i] = up[nu - 1 - i];
    /* Descendants: the thread's statuses, walked depth first from this one. */
    struct db_stmt *s;
    rc = db_prepare(c,
                    "SELECT id, COALESCE(in_reply_to_id, 0) FROM statuses WHERE thread_root_id = ?"
                    " AND deleted_at IS NULL AND reblog_of_id IS NULL ORDER BY id LIMIT ?",
                    &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, st->thread_root_id ? st->thread_root_id : st->id);
    db_bind_i64(s, 2, THREAD_SIZE_MAX);
    int64_t *ids = arena_alloc(a, THREAD_SIZE_MAX * sizeof(*ids));
    int64_t *parents = arena_alloc(a, THREAD_SIZE_MAX * sizeof(*parents));
    size_t nt = 0;
    while (nt < THREAD_SIZE_MAX && (rc = db_step(s)) == DB_ROW) {
        ids[nt] = db_col_i64(s, 0);
        parents[nt] = db_col_i64(s, 1);
        nt++;
    }
    db_stmt_done(s);
    if (rc < 0)
        return rc;
    int64_t *desc = arena_alloc(a, (nt + 1) * sizeof(*desc));
    size_t nd = 0;
    int64_t *stack = arena_alloc(a, (nt + 1) * sizeof(*stack));
    size_t sp = 0;
    /* Push children in reverse id order so the oldest reply comes out first. */
    for (size_t i = nt; i-- > 0;)
        if (parents[i] == id)
            stack[sp++] = ids[i];
    size_t steps = 0; /* remote replies could form a cycle: visit at most nt nodes */
    while (sp > 0 && steps++ < nt) {
        int64_t cur = stack[--sp];
        rc = visibility_may_see(c, v, cur);
        if (rc < 0)
            return rc;
        if (rc == 0)
            continue; /* an invisible reply hides its own replies too */
        desc[nd++] = cur;
        for (size_t i = nt; i-- > 0;)
            if (parents[i] == cur && sp < nt)
                stack[sp++] = ids[i];
    }
    *ancestors = anc;
    *n_anc = nu;
    *descendants = desc;
    *n_desc = nd;
    return 0;
}

int status_mentions(struct db_conn *c, struct arena *a, int64_t id, int64_t **ids, size_t *n)
{
    struct db_stmt *s;
    int rc = db_prepare(c, "SELECT account_id FROM mentions WHERE status_id = ? LIMIT ?", &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, id);
    db_bind_i64(s, 2, LIMIT_MENTIONS);
    int64_t *list = arena_alloc(a, LIMIT_MENTIONS * sizeof(*list));
    size_t count = 0;
    while (count < LIMIT_MENTIONS && (rc = db_step(s)) == DB_ROW)
        list[count++] = db_col_i64(s, 0);
    db_stmt_done(s);
    if (rc < 0)
        return rc;
    *ids = list;
    *n = count;
    return 0;
}

int status_tags(struct db_conn *c, struct arena *a, int64_t id, const char ***names, size_t *n)
{
    struct db_stmt *s;
    int rc = db_prepare(c,
                        "SELECT t.name FROM status_tags st JOIN tags t ON t.id = st.tag_id"
                        " WHERE st.status_id = ? ORDER BY t.name LIMIT ?",
                        &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, id);
    db_bind_i64(s, 2, LIMIT_HASHTAGS);
    const char **list = arena_alloc(a, LIMIT_HASHTAGS * sizeof(*list));
    size_t count = 0;
    while (count < LIMIT_HASHTAGS && (rc = db_step(s)) == DB_ROW)
        list[count++] = col_dup(a, s, 0);
    db_stmt_done(s);
    if (rc < 0)
        return rc;
    *names = list;
    *n = count;
    return 0;
}
