/*
 * ap/process: the "inbox" job, which does what a verified activity says.
 *
 * The inbox checked the signature and that the signer is the activity's
 * actor. Here objects are trusted only from their origin: an embedded
 * object on another host than its actor is fetched again from its own id,
 * and a Create, Update or Delete must concern the actor's own objects.
 * Every branch is idempotent (a job may run twice). Unknown activity and
 * object types are accepted and ignored.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "ap/ap.h"
#include "ap/event.h"
#include "ap/internal.h"
#include "content/sanitize.h"
#include "core/account.h"
#include "core/core.h"
#include "core/domain_policy.h"
#include "core/follow.h"
#include "core/neighborhood.h"
#include "core/pin.h"
#include "core/poll.h"
#include "core/queue.h"
#include "core/remote.h"
#include "core/report.h"
#include "core/spam.h"
#include "core/status.h"
#include "core/visibility.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/timeutil.h"

#define REPLY_FETCH_DEPTH 3 /* missing parents fetched above a reply */
#define TAGS_MAX 32
#define MENTIONS_MAX 64
#define ATTACHMENTS_MAX LIMIT_MEDIA_REMOTE

struct ctx {
    const struct core *core;
    struct arena *a;
    struct account *signer;
    json_t *act;
    const char *text; /* the activity as received */
    int released;     /* a moderator released it from the spam filter's hold */
};

/*
 * Which objects are posts (ap/object_in.c decides): the kinds Hearth shows
 * as what they are (Note, Question, Article, Page, Event, Video, Image,
 * Audio) and any other type that is not an activity, an actor, a
 * collection, a Tombstone or a chat message (Pleroma's ChatMessage stays
 * ignored), which is kept as a card.
 */
static int is_object_type(const char *t)
{
    return ap_in_post_kind(t) != AP_IN_NOT_POST;
}

static int is_actor_type(const char *t)
{
    static const char *const types[] = {"Person", "Service", "Application", "Group",
                                        "Organization"};
    for (size_t i = 0; t && i < sizeof(types) / sizeof(types[0]); i++)
        if (strcmp(t, types[i]) == 0)
            return 1;
    return 0;
}

/* A local account by its actor uri, or NULL. */
static struct account *local_actor(struct ctx *x, const char *uri)
{
    if (!uri)
        return NULL;
    struct db_conn *c;
    struct account *acc = NULL;
    if (db_acquire(x->core->db, DB_READ, &c) != 0)
        return NULL;
    if (account_find_by_uri(c, x->a, uri, &acc) != 0 || acc->domain)
        acc = NULL;
    db_release(c);
    return acc;
}

/* Any stored account by uri, or NULL. */
static struct account *known_actor(struct ctx *x, const char *uri)
{
    struct db_conn *c;
    struct account *acc = NULL;
    if (!uri || db_acquire(x->core->db, DB_READ, &c) != 0)
        return NULL;
    if (account_find_by_uri(c, x->a, uri, &acc) != 0)
        acc = NULL;
    db_release(c);
    return acc;
}

/* The stored status with uri, 0 when none. */
static int64_t status_by_uri(struct ctx *x, const char *uri)
{
    struct db_conn *c;
    struct status *st;
    int64_t id = 0;
    if (!uri || db_acquire(x->core->db, DB_READ, &c) != 0)
        return 0;
    if (status_find_by_uri(c, x->a, uri, &st) == 0)
        id = st->id;
    db_release(c);
    return id;
}

/* 1 when the JSON list (or single value) v holds s. */
static int holds(json_t *v, const char *s)
{
    if (json_is_string(v))
        return strcmp(json_string_value(v), s) == 0;
    size_t i;
    json_t *e;
    json_array_foreach(v, i, e) if (holds(e, s)) return 1;
    return 0;
}

static int is_public(json_t *v)
{
    return holds(v, AP_PUBLIC) || holds(v, "as:Public") || holds(v, "Public");
}

/* 1 when v names a followers collection of the author. */
static int names_followers(struct ctx *x, json_t *v, const struct account *author)
{
    const char *own = arena_printf(x->a, "%s/followers", author->uri);
    if (holds(v, own))
        return 1;
    size_t i;
    json_t *e;
    json_array_foreach(v, i, e)
    {
        const char *s = json_string_value(e);
        size_t n = s ? strlen(s) : 0;
        if (n > 10 && strcmp(s + n - 10, "/followers") == 0 && ap_same_host(x->a, s, author->uri))
            return 1;
    }
    return 0;
}

/* 1 when v (a string or an array) names the neighborhood audience of the author's server. */
static int names_audience(struct ctx *x, json_t *v, const struct account *author)
{
    if (json_is_string(v))
        return neighborhood_is_audience_of(x->a, json_string_value(v), author->uri);
    size_t i;
    json_t *e;
    json_array_foreach(v, i, e)
    {
        if (neighborhood_is_audience_of(x->a, json_string_value(e), author->uri))
            return 1;
    }
    return 0;
}

static enum status_visibility visibility_of(struct ctx *x, json_t *obj,
                                            const struct account *author)
{
    json_t *to = json_object_get(obj, "to"), *cc = json_object_get(obj, "cc");
    /* An object without addressing is addressed as its activity is (as Mastodon reads it). */
    if (!to && !cc && x->act && json_object_get(x->act, "object") == obj) {
        to = json_object_get(x->act, "to");
        cc = json_object_get(x->act, "cc");
    }
    if (is_public(to))
        return VIS_PUBLIC;
    if (is_public(cc))
        return VIS_UNLISTED;
    if (names_audience(x, to, author) || names_audience(x, cc, author) ||
        names_audience(x, json_object_get(obj, "audience"), author))
        return VIS_NEIGHBORHOOD;
    if (names_followers(x, to, author) || names_followers(x, cc, author))
        return VIS_FOLLOWERS;
    return VIS_DIRECT;
}

static void add_id(int64_t *v, size_t *n, size_t max, int64_t id)
{
    for (size_t i = 0; i < *n; i++)
        if (v[i] == id)
            return;
    if (*n < max)
        v[(*n)++] = id;
}

/* A hashtag's name as stored: without '#', ASCII lowercased; NULL when unusable. */
static const char *tag_name(struct arena *a, const char *name)
{
    if (!name)
        return NULL;
    if (*name == '#')
        name++;
    size_t n = strlen(name);
    if (n == 0 || n > 100)
        return NULL;
    char *t = arena_strdup(a, name);
    for (char *p = t; *p; p++) {
        unsigned char ch = (unsigned char)*p;
        if (ch >= 'A' && ch <= 'Z')
            *p = (char)(ch - 'A' + 'a');
        else if (!(ch >= 0x80 || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_'))
            return NULL;
    }
    return t;
}

static const char *media_type_of(const char *mime, const char *as_type)
{
    if (mime && strncmp(mime, "image/gif", 9) == 0)
        return "image";
    if (mime && strncmp(mime, "image/", 6) == 0)
        return "image";
    if (mime && strncmp(mime, "video/", 6) == 0)
        return "video";
    if (mime && strncmp(mime, "audio/", 6) == 0)
        return "audio";
    if (as_type && strcmp(as_type, "Image") == 0)
        return "image";
    if (as_type && strcmp(as_type, "Video") == 0)
        return "video";
    if (as_type && strcmp(as_type, "Audio") == 0)
        return "audio";
    return "unknown";
}

static int http_url(const char *u)
{
    return u && (strncasecmp(u, "https://", 8) == 0 || strncasecmp(u, "http://", 7) == 0);
}

static int store_object(struct ctx *x, json_t *obj, const struct account *author, int depth,
                        int update, int64_t *id);

/*
 * Fetches the post at uri from its origin and stores it (its author too):
 * 0 and its id. The document must come from the host of its id, and its
 * author live there too.
 */
static int fetch_post(struct ctx *x, const char *uri, int depth, int64_t *id)
{
    json_t *obj;
    const char *served;
    int rc = ap_fetch_json(x->core, x->a, uri, &obj, &served);
    if (rc)
        return rc;
    const char *oid = json_string_value(json_object_get(obj, "id"));
    const char *author_uri = ap_id_of(json_object_get(obj, "attributedTo"));
    struct account *author;
    if (!oid || !ap_same_host(x->a, oid, served) || !author_uri ||
        !ap_same_host(x->a, oid, author_uri))
        return E_FORBIDDEN;
    if ((rc = ap_actor_resolve(x->core, x->a, author_uri, 0, &author)))
        return rc;
    *id = 0;
    rc = store_object(x, obj, author, depth, 0, id);
    if (rc == 0 && !*id)
        *id = status_by_uri(x, oid);
    return rc ? rc : *id ? 0 : E_NOTFOUND;
}

/* The parent of a reply: stored, or fetched from its origin while depth allows. */
static int64_t parent_of(struct ctx *x, const char *uri, int depth)
{
    int64_t id = status_by_uri(x, uri);
    if (id || depth >= REPLY_FETCH_DEPTH)
        return id;
    return fetch_post(x, uri, depth + 1, &id) == 0 ? id : 0;
}

/* 1 when v (an object or activity) names someone in to, cc, bto, bcc or audience. */
static int names_someone(json_t *v)
{
    const char *keys[] = {"to", "cc", "bto", "bcc", "audience"};
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        json_t *e = json_object_get(v, keys[i]);
        if (json_is_string(e) || json_array_size(e) > 0)
            return 1;
    }
    return 0;
}

/* 1 when the object (or, for an embedded one, its activity) is addressed to someone. */
static int addressed(struct ctx *x, json_t *obj)
{
    return names_someone(obj) ||
           (x->act && json_object_get(x->act, "object") == obj && names_someone(x->act));
}

/*
 * The text of the post: content, title and content warning or teaser, by
 * kind. A Note's or Question's summary is its content warning (as on
 * Mastodon); an Article's or Page's is its teaser on timelines (cut
 * when it is long) when the article is long enough to be folded; an
 * Article, Page,
 * Video or Audio starts with its name as a heading; an Event keeps its
 * name in bold; a type Hearth does not know becomes a card. E_INVAL for
 * an unknown type sent to no one.
 */
static int read_body(struct ctx *x, json_t *obj, const char *type, struct remote_status *rs)
{
    struct arena *a = x->a;
    const char *name = json_string_value(json_object_get(obj, "name"));
    const char *summary = json_string_value(json_object_get(obj, "summary"));
    int note = strcmp(type, "Note") == 0 || strcmp(type, "Question") == 0;
    int article = strcmp(type, "Article") == 0 || strcmp(type, "Page") == 0;
    int titled = article || strcmp(type, "Video") == 0 || strcmp(type, "Audio") == 0;
    rs->spoiler_text = "";
    if (ap_in_post_kind(type) == AP_IN_OTHER) {
        if (!addressed(x, obj))
            return E_INVAL;
        rs->title = name && *name ? name : NULL;
        rs->content = ap_in_card(a, obj, type, rs->url);
        return 0;
    }
    const char *clean = ap_in_body(a, obj, type);
    if (summary && *summary && note) {
        const char *cw = "";
        sanitize_text(a, summary, strlen(summary), &cw);
        rs->spoiler_text = cw;
    } else if (summary && *summary && article) {
        struct sanitize_options opt = {0};
        const char *teaser = "";
        if (sanitize_html(a, summary, strlen(summary), &opt, &teaser) == 0 && *teaser) {
            if (!*clean)
                clean = teaser; /* only a teaser was sent: it is the text */
            /* A summary as long as an article (some send the whole text) is cut too. */
            const char *cut = ap_in_teaser(a, teaser);
            rs->summary = cut ? cut : teaser;
        }
    }
    /* Only a long article is folded on timelines: behind its summary, or its start. */
    if (article && !ap_in_teaser(a, clean))
        rs->summary = NULL;
    else if (article && !rs->summary)
        rs->summary = ap_in_teaser(a, clean);
    if (name && *name && titled) {
        rs->title = name;
        clean = arena_printf(a, "%s%s", ap_in_heading(a, name), clean);
    } else if (name && *name && !note) {
        /* Events and images carry their title apart: show it first. */
        const char *title;
        const char *html = arena_printf(a, "<p><strong>%s</strong></p>", name);
        if (sanitize_html(a, html, strlen(html), NULL, &title) == 0)
            clean = arena_printf(a, "%s%s", title, clean);
    }
    rs->content = clean;
    return 0;
}

/* Fills rs from an object by author. E_INVAL when it is not a post we keep. */
/*
 * A neighborhood post is taken in only from a server in this server's own
 * neighborhood (mutual consent); else it is refused, and logged once.
 */
static int from_neighbor(struct ctx *x, const struct account *author, const char *id)
{
    struct db_conn *c;
    if (db_acquire(x->core->db, DB_READ, &c) != 0)
        return 0;
    int yes = neighborhood_has(c, author->domain) == 1;
    db_release(c);
    if (!yes)
        log_warn("refused neighborhood post %s: %s is not in this server's neighborhood", id,
                 author->domain ? author->domain : "?");
    return yes;
}

/*
 * A remote reply may answer only what its author may see: nobody outside
 * replies into a local post, and only neighbors into a neighborhood post
 * made here. Others' replies are refused, and logged once.
 */
static int may_answer(struct ctx *x, const struct account *author, int64_t parent, const char *id)
{
    struct db_conn *c;
    if (db_acquire(x->core->db, DB_READ, &c) != 0)
        return 0;
    struct status *st;
    int ok = 1;
    if (status_get(c, x->a, parent, &st) == 0 && st->local &&
        (st->visibility == VIS_LOCAL || st->visibility == VIS_NEIGHBORHOOD)) {
        struct viewer v = {
            .kind = VIEWER_REMOTE, .account_id = author->id, .domain = author->domain};
        ok = visibility_may_see(c, &v, parent) == 1;
    }
    db_release(c);
    if (!ok)
        log_warn("refused reply %s: its author may not see the post it answers", id);
    return ok;
}

static int read_object(struct ctx *x, json_t *obj, const struct account *author, int depth,
                       struct remote_status *rs)
{
    struct arena *a = x->a;
    const char *type = json_string_value(json_object_get(obj, "type"));
    const char *id = json_string_value(json_object_get(obj, "id"));
    if (!is_object_type(type) || !id || !http_url(id))
        return E_INVAL;
    memset(rs, 0, sizeof(*rs));
    rs->uri = id;
    rs->account_id = author->id;
    rs->object_type = type;
    const char *url = ap_in_page_url(json_object_get(obj, "url"));
    rs->url = http_url(url) ? url : id;
    rs->visibility = visibility_of(x, obj, author);
    json_t *map = json_object_get(obj, "contentMap");
    const char *lang = NULL;
    if (json_is_object(map) && json_object_size(map) > 0)
        lang = json_object_iter_key(json_object_iter(map));
    if (lang && strlen(lang) >= 2 && strlen(lang) <= 3)
        rs->language = arena_strndup(a, lang, 3);
    if (read_body(x, obj, type, rs) != 0)
        return E_INVAL;
    rs->sensitive = json_is_true(json_object_get(obj, "sensitive"));
    const char *published = json_string_value(json_object_get(obj, "published"));
    const char *updated = json_string_value(json_object_get(obj, "updated"));
    if (!published || time_parse_iso8601(published, &rs->created_at) != 0)
        rs->created_at = time_now_ms();
    if (updated)
        time_parse_iso8601(updated, &rs->edited_at);
    if (rs->visibility == VIS_NEIGHBORHOOD && !from_neighbor(x, author, id))
        return E_FORBIDDEN;
    const char *reply = ap_id_of(json_object_get(obj, "inReplyTo"));
    if (reply && http_url(reply)) {
        rs->in_reply_to_uri = reply;
        rs->in_reply_to_id = parent_of(x, reply, depth);
        if (rs->in_reply_to_id && !may_answer(x, author, rs->in_reply_to_id, id))
            return E_FORBIDDEN;
    }
    /* Mentions: tagged accounts we know, and members addressed directly. */
    int64_t *mentions = arena_alloc(a, MENTIONS_MAX * sizeof(*mentions));
    const char **tags = arena_alloc(a, TAGS_MAX * sizeof(*tags));
    size_t nm = 0, nt = 0;
    json_t *tag = json_object_get(obj, "tag");
    if (json_is_object(tag)) {
        json_t *one = json_array();
        json_array_append(one, tag);
        arena_defer(a, (arena_release_fn)json_decref, one);
        tag = one;
    }
    size_t i;
    json_t *t;
    json_array_foreach(tag, i, t)
    {
        const char *tt = json_string_value(json_object_get(t, "type"));
        if (!tt)
            continue;
        if (strcmp(tt, "Mention") == 0) {
            struct account *m = known_actor(x, json_string_value(json_object_get(t, "href")));
            if (m)
                add_id(mentions, &nm, MENTIONS_MAX, m->id);
        } else if (strcmp(tt, "Hashtag") == 0 && nt < TAGS_MAX) {
            const char *n = tag_name(a, json_string_value(json_object_get(t, "name")));
            int dup = 0;
            for (size_t k = 0; n && k < nt; k++)
                dup |= strcmp(tags[k], n) == 0;
            if (n && !dup)
                tags[nt++] = n;
        }
    }
    const char *fields[] = {"to", "cc"};
    for (size_t f = 0; f < 2; f++) {
        json_t *e;
        json_array_foreach(json_object_get(obj, fields[f]), i, e)
        {
            struct account *m = local_actor(x, json_string_value(e));
            if (m)
                add_id(mentions, &nm, MENTIONS_MAX, m->id);
        }
    }
    rs->mentions = mentions;
    rs->n_mentions = nm;
    rs->tags = tags;
    rs->n_tags = nt;
    struct remote_media *media = arena_alloc(a, ATTACHMENTS_MAX * sizeof(*media));
    size_t nmed = ap_in_own_media(a, obj, type, &media[0]) ? 1 : 0;
    json_t *att = json_object_get(obj, "attachment");
    json_array_foreach(att, i, t)
    {
        if (nmed == ATTACHMENTS_MAX)
            break;
        /* A link post (Lemmy, Mbin) attaches the page it is about: it ends the text. */
        const char *at = json_string_value(json_object_get(t, "type"));
        const char *link = json_string_value(json_object_get(t, "href"));
        if (at && strcmp(at, "Link") == 0) {
            if (http_url(link) && !strstr(rs->content, link))
                rs->content = arena_printf(a, "%s%s", rs->content, ap_in_link(a, link));
            continue;
        }
        json_t *u = json_object_get(t, "url");
        const char *href = json_is_string(u) ? json_string_value(u) : ap_id_of(u);
        if (!href && json_is_object(u))
            href = json_string_value(json_object_get(u, "href"));
        if (json_is_array(u) && json_array_size(u) > 0)
            href = json_string_value(json_object_get(json_array_get(u, 0), "href"));
        if (!http_url(href))
            continue;
        const char *mime = json_string_value(json_object_get(t, "mediaType"));
        struct remote_media *m = &media[nmed++];
        memset(m, 0, sizeof(*m));
        m->url = href;
        m->content_type = mime ? mime : "";
        m->type = media_type_of(mime, json_string_value(json_object_get(t, "type")));
        m->description = json_string_value(json_object_get(t, "name"));
        m->blurhash = json_string_value(json_object_get(t, "blurhash"));
        if (strcmp(m->type, "video") == 0 || strcmp(m->type, "audio") == 0)
            m->preview_url = ap_in_poster(json_object_get(t, "icon"));
        json_int_t w = json_integer_value(json_object_get(t, "width"));
        json_int_t h = json_integer_value(json_object_get(t, "height"));
        m->width = w > 0 && w < 100000 ? (int)w : 0;
        m->height = h > 0 && h < 100000 ? (int)h : 0;
    }
    rs->media = media;
    rs->n_media = nmed;
    /* A Question's choices become the post's poll, with the counts of where it lives. */
    if (strcmp(type, "Question") == 0)
        rs->poll = ap_in_poll(a, obj);
    return 0;
}

/* 1 when the spam filter (core/spam) holds this new post for a moderator. */
static int spam_held(struct ctx *x, const struct remote_status *rs)
{
    int hold = 0;
    const char *reason = NULL;
    if (spam_check(x->core, rs->account_id, rs->mentions, rs->n_mentions, rs->content, &hold,
                   &reason) != 0 ||
        !hold)
        return 0;
    return spam_hold(x->core, x->signer->id, rs->uri, x->text, reason) == 0;
}

static int store_object(struct ctx *x, json_t *obj, const struct account *author, int depth,
                        int update, int64_t *id)
{
    struct remote_status rs;
    int rc = read_object(x, obj, author, depth, &rs);
    if (rc)
        return rc;
    rs.content = ap_event_content(x->a, obj, rs.content);
    if (update)
        rc = remote_status_update(x->core, &rs);
    else if (depth == 0 && !x->released && x->text && author->id == x->signer->id &&
             spam_held(x, &rs))
        return 0;
    else if ((rc = remote_status_create(x->core, &rs, id)) == E_EXISTS)
        rc = 0;
    return rc ? rc : ap_event_stored(x->core, x->a, obj, author, update ? 0 : *id);
}

/*
 * The object of the activity, trusted: embedded when on the actor's host,
 * else fetched from its own id. NULL when it cannot be had.
 */
static json_t *trusted_object(struct ctx *x, json_t *v)
{
    const char *id = ap_id_of(v);
    if (!id)
        return NULL;
    if (json_is_object(v) && ap_same_host(x->a, id, x->signer->uri))
        return v;
    json_t *obj;
    const char *served;
    if (ap_fetch_json(x->core, x->a, id, &obj, &served) != 0)
        return NULL;
    const char *got = json_string_value(json_object_get(obj, "id"));
    if (!got || !ap_same_host(x->a, got, served))
        return NULL;
    return obj;
}

static int on_create(struct ctx *x, int update)
{
    json_t *v = json_object_get(x->act, "object");
    const char *type = json_string_value(json_object_get(v, "type"));
    if (update && is_actor_type(type)) {
        const char *id = json_string_value(json_object_get(v, "id"));
        if (!id || strcmp(id, x->signer->uri) != 0)
            return 0; /* only an actor updates itself */
        int64_t ignored;
        return ap_actor_store(x->core, x->a, v, NULL, &ignored);
    }
    if (json_is_object(v) && !is_object_type(type))
        return 0; /* not a kind of post: ignored */
    json_t *obj = trusted_object(x, v);
    if (!obj)
        return 0;
    const char *author = ap_id_of(json_object_get(obj, "attributedTo"));
    if (!author || strcmp(author, x->signer->uri) != 0)
        return 0; /* a Create of someone else's post: not trusted */
    int64_t id = 0;
    int rc = store_object(x, obj, x->signer, 0, update, &id);
    return rc == E_INVAL || rc == E_NOTFOUND || rc == E_FORBIDDEN ? 0 : rc;
}

static int on_delete(struct ctx *x)
{
    const char *id = ap_id_of(json_object_get(x->act, "object"));
    if (!id)
        return 0;
    if (strcmp(id, x->signer->uri) == 0)
        return remote_account_delete(x->core, x->signer->id);
    int rc = remote_status_delete(x->core, x->signer->id, id);
    return rc == E_FORBIDDEN ? 0 : rc;
}

static int on_follow(struct ctx *x)
{
    struct account *target = local_actor(x, ap_id_of(json_object_get(x->act, "object")));
    if (!target)
        return 0;
    struct follow_options opt = {.uri = json_string_value(json_object_get(x->act, "id"))};
    /* A silenced server's follows are requests, as on Mastodon. */
    struct db_conn *c;
    int silenced = 0;
    if (db_acquire(x->core->db, DB_READ, &c) == 0) {
        silenced = domain_policy_account_silenced(c, x->signer->id) == 1;
        db_release(c);
    }
    opt.as_request = silenced;
    enum follow_state state;
    int rc = follow_create(x->core, x->signer->id, target->id, &opt, &state);
    return rc == E_FORBIDDEN || rc == E_INVAL ? 0 : rc;
}

/* The local follower of the Follow an Accept or Reject answers, or NULL. */
static struct account *answered_follower(struct ctx *x)
{
    json_t *f = json_object_get(x->act, "object");
    if (json_is_object(f))
        return local_actor(x, ap_id_of(json_object_get(f, "actor")));
    const char *uri = json_string_value(f);
    if (!uri)
        return NULL;
    struct db_conn *c;
    if (db_acquire(x->core->db, DB_READ, &c) != 0)
        return NULL;
    struct db_stmt *s;
    struct account *acc = NULL;
    if (db_prepare(c, "SELECT account_id FROM follows WHERE uri = ? AND target_account_id = ?",
                   &s) == 0) {
        db_bind_text(s, 1, uri);
        db_bind_i64(s, 2, x->signer->id);
        if (db_step(s) == DB_ROW) {
            int64_t id = db_col_i64(s, 0);
            db_stmt_done(s);
            if (account_get(c, x->a, id, &acc) != 0 || acc->domain)
                acc = NULL;
        } else {
            db_stmt_done(s);
        }
    }
    db_release(c);
    return acc;
}

static int on_accept(struct ctx *x, int accept)
{
    struct account *follower = answered_follower(x);
    if (!follower)
        return 0;
    int rc = accept ? follow_accept(x->core, x->signer->id, follower->id)
                    : follow_remove(x->core, follower->id, x->signer->id);
    return rc == E_NOTFOUND ? 0 : rc;
}

static int on_undo(struct ctx *x)
{
    json_t *inner = json_object_get(x->act, "object");
    const char *type = json_string_value(json_object_get(inner, "type"));
    if (!type) {
        /* An Undo naming only the id: a boost is the one we can find by it. */
        const char *id = json_string_value(inner);
        int rc = id ? remote_status_delete(x->core, x->signer->id, id) : 0;
        return rc == E_FORBIDDEN ? 0 : rc;
    }
    const char *actor = ap_id_of(json_object_get(inner, "actor"));
    if (actor && strcmp(actor, x->signer->uri) != 0)
        return 0; /* only one's own activities are undone */
    const char *object = ap_id_of(json_object_get(inner, "object"));
    int rc = 0;
    if (strcmp(type, "Follow") == 0) {
        struct account *target = local_actor(x, object);
        if (target)
            rc = follow_remove(x->core, x->signer->id, target->id);
    } else if (strcmp(type, "Like") == 0) {
        int64_t id = status_by_uri(x, object);
        if (id)
            rc = status_unfavourite(x->core, x->signer->id, id);
    } else if (strcmp(type, "Announce") == 0) {
        const char *id = json_string_value(json_object_get(inner, "id"));
        if (id)
            rc = remote_status_delete(x->core, x->signer->id, id);
    } else if (strcmp(type, "Block") == 0) {
        struct account *target = local_actor(x, object);
        if (target)
            rc = block_remove(x->core, x->signer->id, target->id);
    }
    return rc == E_NOTFOUND || rc == E_FORBIDDEN ? 0 : rc;
}

static int on_announce(struct ctx *x)
{
    json_t *v = json_object_get(x->act, "object");
    const char *uri = ap_id_of(v);
    const char *id = json_string_value(json_object_get(x->act, "id"));
    if (!uri || !id)
        return 0;
    int64_t sid = status_by_uri(x, uri);
    /* Fetched from its origin, whatever was embedded. */
    if (!sid && fetch_post(x, uri, 0, &sid) != 0)
        return 0;
    const char *published = json_string_value(json_object_get(x->act, "published"));
    int64_t when = 0;
    if (published)
        time_parse_iso8601(published, &when);
    int64_t bid;
    int rc = remote_boost_create(x->core, x->signer->id, sid, id, when, &bid);
    return rc == E_EXISTS || rc == E_FORBIDDEN || rc == E_NOTFOUND ? 0 : rc;
}

static int on_like(struct ctx *x)
{
    int64_t id = status_by_uri(x, ap_id_of(json_object_get(x->act, "object")));
    if (!id)
        return 0;
    int rc = status_favourite(x->core, x->signer->id, id);
    return rc == E_NOTFOUND ? 0 : rc;
}

static int on_block(struct ctx *x)
{
    struct account *target = local_actor(x, ap_id_of(json_object_get(x->act, "object")));
    if (!target)
        return 0;
    int rc = block_create(x->core, x->signer->id, target->id);
    return rc == E_INVAL ? 0 : rc;
}

static int on_flag(struct ctx *x)
{
    /* Reports from a server whose reports are refused (core/domain_policy.h). */
    struct domain_verdict v = {0};
    struct db_conn *c;
    if (x->signer->domain && db_acquire(x->core->db, DB_READ, &c) == 0) {
        int rc = domain_policy_check(c, x->signer->domain, &v);
        db_release(c);
        if (rc)
            return rc;
    }
    if (v.reject_reports) {
        log_info("report from %s refused: its server's reports are rejected", x->signer->acct);
        return 0;
    }
    json_t *objects = json_object_get(x->act, "object");
    struct account *target = NULL;
    int64_t ids[LIMIT_MEDIA_PER_STATUS * 4];
    size_t n = 0;
    size_t i;
    json_t *o;
    json_t *list = objects;
    if (!json_is_array(list)) {
        list = json_array();
        json_array_append(list, objects);
        arena_defer(x->a, (arena_release_fn)json_decref, list);
    }
    json_array_foreach(list, i, o)
    {
        const char *uri = ap_id_of(o);
        struct account *acc = local_actor(x, uri);
        if (acc && !target)
            target = acc;
        int64_t sid = status_by_uri(x, uri);
        if (sid && n < sizeof(ids) / sizeof(ids[0]))
            ids[n++] = sid;
    }
    if (!target)
        return 0;
    const char *content = json_string_value(json_object_get(x->act, "content"));
    struct report_new r = {.target = target->id,
                           .status_ids = ids,
                           .n_statuses = n,
                           .comment = content,
                           .category = "other"};
    struct report *out;
    const char *why;
    const char *flag_id = ap_id_of(x->act);
    int rc = report_create_remote(x->core, x->a, x->signer->id, &r, flag_id, &out, &why);
    return rc == E_INVAL || rc == E_LIMIT || rc == E_NOTFOUND || rc == E_EXISTS ? 0 : rc;
}

/*
 * Move: the actor says it now lives at target. Believed only when the
 * target names it among its other names (alsoKnownAs, fetched fresh);
 * stored for the migration of followers, which is done elsewhere.
 */
static int on_move(struct ctx *x)
{
    const char *object = ap_id_of(json_object_get(x->act, "object"));
    const char *target = ap_id_of(json_object_get(x->act, "target"));
    if (!object || !target || strcmp(object, x->signer->uri) != 0)
        return 0;
    json_t *doc;
    const char *served;
    if (ap_fetch_json(x->core, x->a, target, &doc, &served) != 0)
        return 0;
    const char *tid = json_string_value(json_object_get(doc, "id"));
    if (!tid || strcmp(tid, target) != 0 || !ap_same_host(x->a, tid, served) ||
        !holds(json_object_get(doc, "alsoKnownAs"), x->signer->uri))
        return 0;
    int64_t ignored;
    int rc = ap_actor_store(x->core, x->a, doc, served, &ignored);
    if (rc && rc != E_INVAL && rc != E_FORBIDDEN)
        return rc;
    return account_set_moved(x->core, x->signer->id, target);
}

/* Add or Remove of the actor's own post to or from its featured collection (pins). */
static int on_featured(struct ctx *x, int add)
{
    const char *target = ap_id_of(json_object_get(x->act, "target"));
    const char *object = ap_id_of(json_object_get(x->act, "object"));
    if (!target || !object || !ap_same_host(x->a, target, x->signer->uri) ||
        !strstr(target, "featured"))
        return 0;
    int64_t id = status_by_uri(x, object);
    if (!id && add && fetch_post(x, object, 0, &id) != 0)
        return 0;
    if (!id)
        return 0;
    const char *why;
    int rc = add ? pin_status(x->core, x->signer->id, id, &why)
                 : pin_status_remove(x->core, x->signer->id, id);
    return rc == E_NOTFOUND || rc == E_INVAL || rc == E_LIMIT ? 0 : rc;
}

int ap_resolve_url(const struct core *core, const char *url)
{
    struct arena *a = arena_new();
    struct ctx x = {.core = core, .a = a};
    json_t *doc;
    const char *served;
    int rc = ap_fetch_json(core, a, url, &doc, &served);
    if (rc == 0) {
        const char *type = json_string_value(json_object_get(doc, "type"));
        int64_t id;
        if (is_actor_type(type))
            rc = ap_actor_store(core, a, doc, served, &id);
        else if (is_object_type(type))
            rc = fetch_post(&x, json_string_value(json_object_get(doc, "id")), 0, &id);
        else
            rc = E_NOTFOUND;
    }
    arena_free(a);
    return rc;
}

int ap_resolve_account(const struct core *core, const char *user, const char *domain)
{
    struct arena *a = arena_new();
    struct account *acc;
    int rc = ap_webfinger_resolve(core, a, user, domain, &acc);
    arena_free(a);
    return rc;
}

int ap_job_inbox(const struct core *core, struct arena *a, const struct job *job, const char **why)
{
    json_error_t err;
    json_t *payload = json_loads(job->payload, 0, &err);
    if (!payload) {
        *why = "the payload is not JSON";
        return E_INVAL;
    }
    arena_defer(a, (arena_release_fn)json_decref, payload);
    int64_t signer_id = json_integer_value(json_object_get(payload, "signer"));
    const char *text = json_string_value(json_object_get(payload, "activity"));
    struct ctx x = {.core = core,
                    .a = a,
                    .text = text,
                    .released = json_is_true(json_object_get(payload, "released"))};
    int rc = text ? ap_parse_json(a, text, strlen(text), &x.act) : E_INVAL;
    if (rc) {
        *why = "the activity does not parse";
        return E_INVAL;
    }
    struct db_conn *c;
    if ((rc = db_acquire(core->db, DB_READ, &c)))
        return rc;
    rc = account_get(c, a, signer_id, &x.signer);
    db_release(c);
    if (rc) {
        *why = "the sender is gone";
        return rc == E_NOTFOUND ? 0 : rc;
    }
    const char *type = json_string_value(json_object_get(x.act, "type"));
    if (!type)
        return 0;
    int handled = 0; /* answers to events and votes in polls (ap/event.h) */
    if ((rc = ap_event_inbox(core, a, x.signer, x.act, &handled)) || handled) {
        if (rc)
            *why = arena_printf(a, "%s failed: %s", type, err_str(rc));
        return rc;
    }
    if (!strcmp(type, "Create"))
        rc = on_create(&x, 0);
    else if (!strcmp(type, "Update"))
        rc = on_create(&x, 1);
    else if (!strcmp(type, "Delete"))
        rc = on_delete(&x);
    else if (!strcmp(type, "Follow"))
        rc = on_follow(&x);
    else if (!strcmp(type, "Accept"))
        rc = on_accept(&x, 1);
    else if (!strcmp(type, "Reject"))
        rc = on_accept(&x, 0);
    else if (!strcmp(type, "Undo"))
        rc = on_undo(&x);
    else if (!strcmp(type, "Announce"))
        rc = on_announce(&x);
    else if (!strcmp(type, "Like"))
        rc = on_like(&x);
    else if (!strcmp(type, "Block"))
        rc = on_block(&x);
    else if (!strcmp(type, "Flag"))
        rc = on_flag(&x);
    else if (!strcmp(type, "Move"))
        rc = on_move(&x);
    else if (!strcmp(type, "Add"))
        rc = on_featured(&x, 1);
    else if (!strcmp(type, "Remove"))
        rc = on_featured(&x, 0);
    /* Unknown types are accepted and ignored. */
    if (rc)
        *why = arena_printf(a, "%s failed: %s", type, err_str(rc));
    return rc;
}
