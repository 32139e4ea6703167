/*
 * ap/object_in: how another server's object becomes the parts of a post,
 * for the inbox job (ap/process.c), which checks where the object comes
 * from and stores it.
 *
 * Which types are posts: Note, Question, Article, Page, Event, Video,
 * Image and Audio are shown as what they are; any other type that is not
 * an activity, an actor, a collection, a Tombstone, a chat message or a
 * piece of another object (Link, Mention, Hashtag, Emoji, keys...) is kept
 * as a card with its type, title, a shortened text and a link to it, so
 * that nothing a followed account publishes is dropped silently.
 *
 * The body: HTML goes through content/sanitize (an Article's or Page's
 * images kept as <img>), Markdown or plain text (PeerTube's descriptions)
 * through core/text; an Article's, Page's, Video's or Audio's name comes
 * first as a heading. Everything returned lives in the caller's arena.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "ap/ap.h"
#include "ap/internal.h"
#include "content/sanitize.h"
#include "core/poll.h"
#include "core/remote.h"
#include "core/text.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/limits.h"
#include "util/timeutil.h"
#include "util/utf8.h"

#define CARD_TEXT_BYTES 500                       /* a card's text, before "…" */
#define TEASER_AFTER_BYTES 600                    /* longer articles are folded on timelines */
#define TEASER_BYTES 400                          /* the start of one shown instead */
#define PLAYABLE_HEIGHT_MAX 720                   /* the tallest video picked when smaller exist */
#define PLAYABLE_BYTES_MAX (1024LL * 1024 * 1024) /* larger files only when nothing else */
#define LINK_DEPTH_MAX 2                          /* PeerTube nests files in a playlist's tags */

static const char *const known_types[] = {"Note",  "Question", "Article", "Page",
                                          "Event", "Video",    "Image",   "Audio"};

/* Types that are never posts of their own. */
static const char *const not_posts[] = {"Accept",
                                        "Add",
                                        "Announce",
                                        "Arrive",
                                        "Block",
                                        "Create",
                                        "Delete",
                                        "Dislike",
                                        "EmojiReact",
                                        "EmojiReaction",
                                        "Flag",
                                        "Follow",
                                        "Ignore",
                                        "Invite",
                                        "Join",
                                        "Leave",
                                        "Like",
                                        "Listen",
                                        "Move",
                                        "Offer",
                                        "Read",
                                        "Reject",
                                        "Remove",
                                        "TentativeAccept",
                                        "TentativeReject",
                                        "Travel",
                                        "Undo",
                                        "Update",
                                        "View",
                                        "Person",
                                        "Service",
                                        "Application",
                                        "Group",
                                        "Organization",
                                        "Collection",
                                        "OrderedCollection",
                                        "CollectionPage",
                                        "OrderedCollectionPage",
                                        "Tombstone",
                                        "ChatMessage",
                                        "Link",
                                        "Mention",
                                        "Hashtag",
                                        "Emoji",
                                        "PropertyValue",
                                        "Key",
                                        "CryptographicKey",
                                        "Multikey",
                                        "Relationship",
                                        "Profile",
                                        "Place",
                                        "IdentityProof",
                                        "DataIntegrityProof"};

static int listed(const char *t, const char *const *list, size_t n)
{
    for (size_t i = 0; t && i < n; i++)
        if (strcmp(t, list[i]) == 0)
            return 1;
    return 0;
}

int ap_in_post_kind(const char *type)
{
    if (!type || !*type)
        return AP_IN_NOT_POST;
    if (listed(type, known_types, sizeof(known_types) / sizeof(known_types[0])))
        return AP_IN_KNOWN;
    if (listed(type, not_posts, sizeof(not_posts) / sizeof(not_posts[0])))
        return AP_IN_NOT_POST;
    /* A type name is a word ("Review", "Recipe"), not a URL or a sentence. */
    for (const char *p = type; *p; p++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
              *p == '_' || *p == '-'))
            return AP_IN_NOT_POST;
    return strlen(type) <= 64 ? AP_IN_OTHER : AP_IN_NOT_POST;
}

static int http_url(const char *u)
{
    return u && (strncasecmp(u, "https://", 8) == 0 || strncasecmp(u, "http://", 7) == 0);
}

/* s escaped for HTML text and attribute values, appended to b. */
static void put_escaped(struct buf *b, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&':
            buf_puts(b, "&amp;");
            break;
        case '<':
            buf_puts(b, "&lt;");
            break;
        case '>':
            buf_puts(b, "&gt;");
            break;
        case '"':
            buf_puts(b, "&quot;");
            break;
        default:
            buf_append(b, s, 1);
        }
    }
}

/* b's text, in the arena; b is emptied. */
static const char *take(struct arena *a, struct buf *b)
{
    const char *s = arena_strdup(a, b->len ? buf_cstr(b) : "");
    buf_fini(b);
    return s;
}

/* html sanitized (images kept when images is set); "" when it cannot be. */
static const char *clean_html(struct arena *a, const char *html, int images)
{
    struct sanitize_options opt = {.allow_images = images};
    const char *out;
    if (!html || sanitize_html(a, html, strlen(html), &opt, &out) != 0)
        return "";
    return out;
}

/* The text of the object in its own language map when content is absent. */
static const char *content_of(json_t *obj)
{
    const char *content = json_string_value(json_object_get(obj, "content"));
    json_t *map = json_object_get(obj, "contentMap");
    if (!content && json_is_object(map) && json_object_size(map) > 0)
        content = json_string_value(json_object_iter_value(json_object_iter(map)));
    return content;
}

/* Markdown or plain text (PeerTube's descriptions) as paragraphs with links. */
static const char *plain_to_html(struct arena *a, const char *text)
{
    struct text_result res;
    if (text_format(a, text, strlen(text), NULL, &res) == 0)
        return clean_html(a, res.html, 0);
    /* Too long for a post's text: escaped, each line its own line. */
    struct buf b;
    buf_init(&b, 0);
    buf_puts(&b, "<p>");
    for (const char *p = text; *p; p++) {
        if (*p == '\n')
            buf_puts(&b, "<br>");
        else if (*p != '\r') {
            char one[2] = {*p, 0};
            put_escaped(&b, one);
        }
    }
    buf_puts(&b, "</p>");
    return clean_html(a, take(a, &b), 0);
}

const char *ap_in_body(struct arena *a, json_t *obj, const char *type)
{
    const char *content = content_of(obj);
    if (!content)
        return "";
    const char *mt = json_string_value(json_object_get(obj, "mediaType"));
    if (mt && (strncasecmp(mt, "text/markdown", 13) == 0 || strncasecmp(mt, "text/plain", 10) == 0))
        return plain_to_html(a, content);
    /* A long read keeps its pictures; a short post shows its attachments instead. */
    int images = type && (strcmp(type, "Article") == 0 || strcmp(type, "Page") == 0);
    return clean_html(a, content, images);
}

/* open, text escaped, close: sanitized (links given their rel). */
static const char *tagged(struct arena *a, const char *open, const char *text, const char *close)
{
    struct buf b;
    buf_init(&b, 0);
    buf_puts(&b, open);
    put_escaped(&b, text);
    buf_puts(&b, close);
    return clean_html(a, take(a, &b), 0);
}

const char *ap_in_heading(struct arena *a, const char *title)
{
    return tagged(a, "<h2>", title, "</h2>");
}

/* The first http(s) href of a url value with mediaType text/html (or any), or NULL. */
const char *ap_in_page_url(json_t *url)
{
    if (json_is_string(url))
        return http_url(json_string_value(url)) ? json_string_value(url) : NULL;
    if (json_is_object(url)) {
        const char *h = json_string_value(json_object_get(url, "href"));
        return http_url(h) ? h : NULL;
    }
    const char *any = NULL;
    size_t i;
    json_t *e;
    json_array_foreach(url, i, e)
    {
        const char *h = json_is_string(e) ? json_string_value(e)
                                          : json_string_value(json_object_get(e, "href"));
        const char *mt = json_string_value(json_object_get(e, "mediaType"));
        if (!http_url(h))
            continue;
        if (json_is_string(e) || (mt && strncasecmp(mt, "text/html", 9) == 0))
            return h;
        if (!any && !mt)
            any = h;
    }
    return any;
}

/* Cuts plain text to at most max bytes on a character boundary, adding "…". */
static const char *shorten(struct arena *a, const char *text, size_t max)
{
    size_t n = strlen(text);
    if (n <= max)
        return text;
    size_t cut = max;
    while (cut > 0 && ((unsigned char)text[cut] & 0xC0) == 0x80)
        cut--;
    while (cut > 0 && text[cut - 1] != ' ' && text[cut - 1] != '\n' && cut > max / 2)
        cut--;
    while (cut > 0 && (text[cut - 1] == ' ' || text[cut - 1] == '\n'))
        cut--;
    return arena_printf(a, "%.*s…", (int)cut, text);
}

const char *ap_in_excerpt(struct arena *a, const char *html, size_t max)
{
    const char *text;
    if (!html || sanitize_text(a, html, strlen(html), &text) != 0)
        return "";
    return shorten(a, text, max);
}

const char *ap_in_teaser(struct arena *a, const char *body)
{
    const char *text;
    if (!body || sanitize_text(a, body, strlen(body), &text) != 0 ||
        strlen(text) <= TEASER_AFTER_BYTES)
        return NULL;
    return tagged(a, "<p>", shorten(a, text, TEASER_BYTES), "</p>");
}

const char *ap_in_link(struct arena *a, const char *href)
{
    struct buf b;
    buf_init(&b, 0);
    put_escaped(&b, href);
    const char *esc = take(a, &b);
    return tagged(a, arena_printf(a, "<p><a href=\"%s\">", esc), href, "</a></p>");
}

const char *ap_in_card(struct arena *a, json_t *obj, const char *type, const char *link)
{
    const char *name = json_string_value(json_object_get(obj, "name"));
    const char *summary = json_string_value(json_object_get(obj, "summary"));
    const char *body = ap_in_body(a, obj, type);
    const char *text = ap_in_excerpt(a, *body ? body : clean_html(a, summary, 0), CARD_TEXT_BYTES);
    if (*body && summary && *summary)
        text = ap_in_excerpt(a, clean_html(a, summary, 0), CARD_TEXT_BYTES);
    struct buf b;
    buf_init(&b, 0);
    buf_puts(&b, "<p><strong>");
    put_escaped(&b, type);
    buf_puts(&b, "</strong>");
    if (name && *name) {
        buf_puts(&b, ": ");
        put_escaped(&b, name);
    }
    buf_puts(&b, "</p>");
    if (*text) {
        buf_puts(&b, "<p>");
        for (const char *p = text; *p; p++) {
            if (*p == '\n') {
                buf_puts(&b, "<br>");
            } else {
                char one[2] = {*p, 0};
                put_escaped(&b, one);
            }
        }
        buf_puts(&b, "</p>");
    }
    return arena_printf(a, "%s%s", clean_html(a, take(a, &b), 0), ap_in_link(a, link));
}

enum own_kind { OWN_AUDIO = 0, OWN_VIDEO = 1, OWN_IMAGE = 2 };

/* How well a mediaType shows in a browser's <video>, <audio> or <img>: 0 not at all. */
static int playable_score(const char *mt, int kind)
{
    if (!mt)
        return 0;
    if (kind == OWN_IMAGE) {
        static const char *const shown[] = {"image/jpeg", "image/png", "image/webp", "image/gif",
                                            "image/avif"};
        for (size_t i = 0; i < sizeof(shown) / sizeof(shown[0]); i++)
            if (strncasecmp(mt, shown[i], strlen(shown[i])) == 0)
                return 3;
        return 0;
    }
    if (kind == OWN_VIDEO) {
        if (strncasecmp(mt, "video/mp4", 9) == 0)
            return 3;
        if (strncasecmp(mt, "video/webm", 10) == 0)
            return 2;
        return strncasecmp(mt, "video/", 6) == 0 && !strstr(mt, "mpegURL") ? 1 : 0;
    }
    if (strncasecmp(mt, "audio/mpeg", 10) == 0 || strncasecmp(mt, "audio/ogg", 9) == 0 ||
        strncasecmp(mt, "audio/mp3", 9) == 0)
        return 3;
    if (strncasecmp(mt, "audio/", 6) == 0 && !strstr(mt, "mpegurl"))
        return 2;
    return 0;
}

struct pick {
    json_t *link;
    int score, height;
    long long size;
};

/* 1 when candidate c is a better file to play than the current pick p. */
static int better(const struct pick *c, const struct pick *p)
{
    if (!p->link)
        return 1;
    int c_big = c->size > PLAYABLE_BYTES_MAX, p_big = p->size > PLAYABLE_BYTES_MAX;
    if (c_big != p_big)
        return p_big;
    if (c->score != p->score)
        return c->score > p->score;
    int c_ok = c->height <= PLAYABLE_HEIGHT_MAX, p_ok = p->height <= PLAYABLE_HEIGHT_MAX;
    if (c_ok != p_ok)
        return c_ok;
    return c_ok ? c->height > p->height : c->height < p->height;
}

static void pick_from(json_t *url, int kind, int depth, struct pick *best)
{
    if (json_is_object(url)) {
        const char *href = json_string_value(json_object_get(url, "href"));
        const char *mt = json_string_value(json_object_get(url, "mediaType"));
        struct pick c = {.link = url, .score = playable_score(mt, kind)};
        c.height = (int)json_integer_value(json_object_get(url, "height"));
        c.size = (long long)json_integer_value(json_object_get(url, "size"));
        if (c.score && http_url(href) && better(&c, best))
            *best = c;
        if (depth < LINK_DEPTH_MAX)
            pick_from(json_object_get(url, "tag"), kind, depth + 1, best);
        return;
    }
    size_t i;
    json_t *e;
    json_array_foreach(url, i, e) pick_from(e, kind, depth, best);
}

const char *ap_in_poster(json_t *v)
{
    const char *best = NULL;
    json_int_t best_w = -1;
    json_t *one = json_is_array(v) ? NULL : v;
    size_t n = json_is_array(v) ? json_array_size(v) : 1;
    for (size_t i = 0; i < n; i++) {
        json_t *e = one ? one : json_array_get(v, i);
        const char *u = json_is_string(e) ? json_string_value(e) : NULL;
        json_t *uv = json_object_get(e, "url");
        if (!u)
            u = json_is_string(uv) ? json_string_value(uv) : ap_in_page_url(uv);
        if (!u)
            u = json_string_value(json_object_get(e, "href"));
        const char *mt = json_string_value(json_object_get(e, "mediaType"));
        if (!http_url(u) || (mt && strncasecmp(mt, "image/", 6) != 0))
            continue;
        json_int_t w = json_integer_value(json_object_get(e, "width"));
        if (!best || (w <= 1280 && w > best_w)) {
            best = u;
            best_w = w;
        }
    }
    return best;
}

int ap_in_own_media(struct arena *a, json_t *obj, const char *type, struct remote_media *m)
{
    int kind;
    if (type && strcmp(type, "Video") == 0)
        kind = OWN_VIDEO;
    else if (type && strcmp(type, "Audio") == 0)
        kind = OWN_AUDIO;
    else if (type && strcmp(type, "Image") == 0)
        kind = OWN_IMAGE;
    else
        return 0;
    if (kind == OWN_IMAGE && json_array_size(json_object_get(obj, "attachment")) > 0)
        return 0; /* its attachments are the pictures */
    struct pick best = {0};
    json_t *url = json_object_get(obj, "url");
    if (json_is_string(url)) {
        /* A bare URL is the file when the object says what it is (or is a picture). */
        const char *mt = json_string_value(json_object_get(obj, "mediaType"));
        if (kind == OWN_IMAGE && !mt)
            mt = "image/jpeg";
        if (!http_url(json_string_value(url)) || !playable_score(mt, kind))
            return 0;
        json_t *link = json_pack("{s:s, s:s}", "href", json_string_value(url), "mediaType", mt);
        arena_defer(a, (arena_release_fn)json_decref, link);
        best.link = link;
    } else {
        pick_from(url, kind, 0, &best);
    }
    if (!best.link)
        return 0;
    memset(m, 0, sizeof(*m));
    m->url = json_string_value(json_object_get(best.link, "href"));
    const char *mt = json_string_value(json_object_get(best.link, "mediaType"));
    m->content_type = mt ? mt : "";
    m->type = kind == OWN_IMAGE ? "image" : kind == OWN_VIDEO ? "video" : "audio";
    const char *name = json_string_value(json_object_get(obj, "name"));
    m->description = name && *name ? name : NULL;
    m->blurhash = json_string_value(json_object_get(best.link, "blurhash"));
    /* A picture is its own preview; a video or sound has a poster. */
    if (kind != OWN_IMAGE) {
        m->preview_url = ap_in_poster(json_object_get(obj, "icon"));
        if (!m->preview_url)
            m->preview_url = ap_in_poster(json_object_get(obj, "image"));
        if (!m->preview_url)
            m->preview_url = ap_in_poster(json_object_get(obj, "preview"));
    }
    json_int_t w = json_integer_value(json_object_get(best.link, "width"));
    json_int_t h = json_integer_value(json_object_get(best.link, "height"));
    m->width = w > 0 && w < 100000 ? (int)w : 0;
    m->height = h > 0 && h < 100000 ? (int)h : 0;
    return 1;
}

struct poll_new *ap_in_poll(struct arena *a, json_t *obj)
{
    json_t *choices = json_object_get(obj, "oneOf");
    int multiple = 0;
    if (!json_is_array(choices) || json_array_size(choices) == 0) {
        choices = json_object_get(obj, "anyOf");
        multiple = 1;
    }
    size_t nc = json_array_size(choices);
    if (nc < 1 || nc > LIMIT_POLL_OPTIONS_REMOTE)
        return NULL;
    struct poll_new *poll = arena_zalloc(a, sizeof(*poll));
    const char **titles = arena_alloc(a, nc * sizeof(*titles));
    int64_t *counts = arena_zalloc(a, nc * sizeof(*counts));
    size_t k = 0, i;
    json_t *t;
    json_array_foreach(choices, i, t)
    {
        const char *title = json_string_value(json_object_get(t, "name"));
        if (!title || !*title)
            continue;
        json_int_t votes =
            json_integer_value(json_object_get(json_object_get(t, "replies"), "totalItems"));
        counts[k] = votes > 0 ? votes : 0;
        titles[k++] = title;
    }
    if (!k)
        return NULL;
    /* closed: when it ended (or true); endTime: when it ends; neither: it never does. */
    json_t *closed = json_object_get(obj, "closed");
    const char *end = json_string_value(closed);
    int64_t end_ms = 0;
    if (!end)
        end = json_string_value(json_object_get(obj, "endTime"));
    if (end && time_parse_iso8601(end, &end_ms) != 0)
        end_ms = 0;
    if (json_is_true(closed) && (!end_ms || end_ms > time_now_ms()))
        end_ms = time_now_ms();
    json_int_t voters = json_integer_value(json_object_get(obj, "votersCount"));
    poll->options = titles;
    poll->n_options = k;
    poll->multiple = multiple;
    poll->remote = 1;
    poll->ends_at = end_ms;
    poll->counts = counts;
    /* A single-choice poll's voters are its votes when the server does not say. */
    int64_t sum = 0;
    for (size_t j = 0; j < k; j++)
        sum += counts[j];
    poll->voters_count = voters > 0 ? voters : multiple ? 0 : sum;
    poll->expires_in = end_ms ? (end_ms - time_now_ms()) / 1000 : 0;
    return poll;
}
