/*
 * web/feed: RSS 2.0 and Atom feeds of public posts.
 *
 *   GET /@:name.rss, /@:name.atom        a member's newest posts: public and
 *                                        unlisted ones (as Mastodon's feeds),
 *                                        without boosts and replies to others
 *   GET /tags/:tag.rss, /tags/:tag.atom  the newest public posts made here
 *                                        with the hashtag
 *
 * What a feed holds is decided by the visibility rule for an anonymous
 * viewer (the timelines of core/timeline.h), then narrowed to the levels
 * above: followers-only, direct, local-only and neighborhood posts never
 * appear. A member who turned her feed off (account_feed_set), a remote,
 * suspended or unknown account, and a name that cannot be a hashtag are
 * 404.
 *
 * The XML is written here with our own escaping: every string passes
 * through xw_text, which escapes markup characters, drops the characters
 * XML 1.0 forbids (C0 controls but tab and newlines, U+FFFE, U+FFFF) and
 * replaces invalid UTF-8 with U+FFFD, so the document is well-formed
 * whatever a post says. Posts' HTML (already made safe when stored) goes
 * in as escaped text (RSS description, Atom content type="html").
 *
 * Memory: everything comes from the request's arena, but the output
 * buffer, which is copied into the arena as the body and freed.
 */
#include <string.h>
#include <time.h>

#include "content/sanitize.h"
#include "core/account.h"
#include "core/batch.h"
#include "core/core.h"
#include "core/media.h"
#include "core/status.h"
#include "core/tag.h"
#include "core/timeline.h"
#include "core/visibility.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/timeutil.h"
#include "util/utf8.h"
#include "web/web.h"

#define FEED_ITEMS 20                    /* posts in a feed, newest first */
#define FEED_TITLE_CHARS 80              /* code points of a title taken from the text */
#define FEED_MAX_BYTES (8 * 1024 * 1024) /* a feed larger than this is an error */
#define FEED_RFC822_MAX 96               /* room for any struct tm, not just real dates */

enum feed_format {
    FEED_RSS = 0,
    FEED_ATOM = 1,
};

/* One post of a feed, with what its item shows. */
struct feed_item {
    const struct status *st;
    const struct account *author;
    const char **tags;
    size_t n_tags;
    struct media *media;
    size_t n_media;
};

/* A feed before it is written. Strings are plain text unless said otherwise. */
struct feed {
    enum feed_format format;
    const char *title;
    const char *description;
    const char *link;             /* the HTML page the feed belongs to */
    const char *self;             /* this feed's own URL */
    const char *image;            /* the member's avatar, or NULL */
    const struct account *author; /* the member (account feeds), or NULL */
    int64_t updated;              /* ms: the newest post's time, or a fallback */
    struct feed_item *items;
    size_t n;
};

/* The XML writer: a capped buffer and the first error met. */
struct xw {
    struct buf b;
    int err;
};

static void xw_raw(struct xw *w, const char *s)
{
    if (!w->err)
        w->err = buf_puts(&w->b, s);
}

static void xw_bytes(struct xw *w, const char *s, size_t n)
{
    if (!w->err && n)
        w->err = buf_append(&w->b, s, n);
}

/* 1 when XML 1.0 allows code point cp in a document. */
static int xml_char_ok(uint32_t cp)
{
    if (cp < 0x20)
        return cp == 0x09 || cp == 0x0a || cp == 0x0d;
    if (cp <= 0xd7ff)
        return 1;
    if (cp >= 0xe000 && cp <= 0xfffd)
        return 1;
    return cp >= 0x10000 && cp <= 0x10ffff;
}

/*
 * Text (NULL: nothing) escaped for element content and for attribute
 * values in double quotes. In attributes, tabs and newlines are written as
 * references, which attribute-value normalization would otherwise turn
 * into spaces; a carriage return always is (parsers turn it into a newline).
 */
static void xw_text_n(struct xw *w, const char *s, size_t n, int attr)
{
    size_t run = 0, i = 0;
    while (i < n) {
        unsigned char ch = (unsigned char)s[i];
        const char *rep = NULL;
        size_t len = 1;
        if (ch < 0x80) {
            switch (ch) {
            case '&':
                rep = "&amp;";
                break;
            case '<':
                rep = "&lt;";
                break;
            case '>':
                rep = "&gt;";
                break;
            case '"':
                rep = "&quot;";
                break;
            case '\'':
                rep = "&#39;";
                break;
            case '\r':
                rep = "&#13;";
                break;
            case '\n':
                rep = attr ? "&#10;" : NULL;
                break;
            case '\t':
                rep = attr ? "&#9;" : NULL;
                break;
            default:
                if (!xml_char_ok(ch))
                    rep = "";
                break;
            }
        } else {
            uint32_t cp = 0;
            len = utf8_decode(s + i, n - i, &cp);
            if (len == 0) {
                rep = "\xef\xbf\xbd"; /* U+FFFD for a byte that starts no valid sequence */
                len = 1;
            } else if (!xml_char_ok(cp)) {
                rep = "";
            }
        }
        if (rep) {
            xw_bytes(w, s + i - run, run);
            xw_raw(w, rep);
            run = 0;
        } else {
            run += len;
        }
        i += len;
    }
    xw_bytes(w, s + n - run, run);
}

static void xw_text(struct xw *w, const char *s, int attr)
{
    if (s)
        xw_text_n(w, s, strlen(s), attr);
}

/* <name>text</name>; nothing when text is NULL. */
static void xw_el(struct xw *w, const char *name, const char *text)
{
    if (!text)
        return;
    xw_raw(w, "<");
    xw_raw(w, name);
    xw_raw(w, ">");
    xw_text(w, text, 0);
    xw_raw(w, "</");
    xw_raw(w, name);
    xw_raw(w, ">\n");
}

/* name="value" with a leading space. */
static void xw_attr(struct xw *w, const char *name, const char *value)
{
    xw_raw(w, " ");
    xw_raw(w, name);
    xw_raw(w, "=\"");
    xw_text(w, value, 1);
    xw_raw(w, "\"");
}

/* RFC 822 (as RFC 1123 writes it) in UTC, with English names whatever the locale. */
static const char *rfc822(int64_t ms, char out[FEED_RFC822_MAX])
{
    static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    if (!gmtime_r(&t, &tm))
        memset(&tm, 0, sizeof(tm));
    snprintf(out, FEED_RFC822_MAX, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday % 7],
             tm.tm_mday, months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
             tm.tm_sec);
    return out;
}

/* s percent-encoded for a path segment (unreserved characters kept). */
static const char *path_escape(struct arena *a, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(s);
    char *out = arena_alloc(a, 3 * n + 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
            ch == '-' || ch == '_' || ch == '.' || ch == '~') {
            out[k++] = (char)ch;
        } else {
            out[k++] = '%';
            out[k++] = hex[ch >> 4];
            out[k++] = hex[ch & 15];
        }
    }
    out[k] = '\0';
    return out;
}

/* HTML-escaped text into the arena, for the content warning inside a post's HTML. */
static const char *html_escape(struct arena *a, const char *s)
{
    struct buf b;
    buf_init(&b, 0);
    for (; *s; s++) {
        switch (*s) {
        case '&':
            buf_puts(&b, "&amp;");
            break;
        case '<':
            buf_puts(&b, "&lt;");
            break;
        case '>':
            buf_puts(&b, "&gt;");
            break;
        case '"':
            buf_puts(&b, "&quot;");
            break;
        case '\'':
            buf_puts(&b, "&#39;");
            break;
        default:
            buf_putc(&b, *s);
            break;
        }
    }
    const char *out = arena_strdup(a, buf_cstr(&b));
    buf_fini(&b);
    return out;
}

/* "@name@domain" of a member. */
static const char *handle(const struct core *core, struct arena *a, const struct account *acc)
{
    return arena_printf(a, "@%s@%s", acc->username, core->domain);
}

static const char *display_name(const struct account *acc)
{
    return acc->display_name && *acc->display_name ? acc->display_name : acc->username;
}

/*
 * An item's title: the content warning, else the start of the post's
 * first line of text (FEED_TITLE_CHARS code points, "…" when cut), else
 * "New status by @name" or "Reply by @name" (a post of media only).
 */
static const char *item_title(const struct core *core, struct arena *a, const struct feed_item *it)
{
    const struct status *st = it->st;
    if (st->spoiler_text && *st->spoiler_text)
        return st->spoiler_text;
    const char *text = st->text;
    if (!text || !*text) {
        text = NULL;
        if (st->content)
            sanitize_text(a, st->content, strlen(st->content), &text);
    }
    if (text) {
        while (*text == ' ' || *text == '\t' || *text == '\n' || *text == '\r')
            text++;
        size_t n = strcspn(text, "\r\n"), i = 0, chars = 0;
        while (i < n && chars < FEED_TITLE_CHARS) {
            uint32_t cp;
            size_t len = utf8_decode(text + i, n - i, &cp);
            i += len ? len : 1;
            chars++;
        }
        size_t end = i;
        while (end > 0 && (text[end - 1] == ' ' || text[end - 1] == '\t'))
            end--;
        if (end > 0)
            return arena_printf(a, "%.*s%s", (int)end, text, i < n ? "\xe2\x80\xa6" : "");
    }
    const char *who = it->author ? handle(core, a, it->author) : "someone";
    return arena_printf(a, "%s by %s", st->in_reply_to_id ? "Reply" : "New status", who);
}

/* An item's HTML: the content warning first (as Mastodon's feeds show it), then the post. */
static const char *item_html(struct arena *a, const struct status *st)
{
    const char *content = st->content ? st->content : "";
    if (!st->spoiler_text || !*st->spoiler_text)
        return content;
    return arena_printf(a, "<p><strong>Content warning:</strong> <span>%s</span></p><hr />%s",
                        html_escape(a, st->spoiler_text), content);
}

static int64_t item_updated(const struct status *st)
{
    return st->edited_at > st->created_at ? st->edited_at : st->created_at;
}

static const char *media_href(const struct core *core, struct arena *a, const struct media *m)
{
    if (m->remote_url)
        return m->remote_url;
    return media_url(core, a, m->file_hash, m->file_ext);
}

static void write_rss(const struct core *core, struct arena *a, struct xw *w, const struct feed *f)
{
    char date[FEED_RFC822_MAX];
    xw_raw(w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
              "<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\">\n<channel>\n");
    xw_el(w, "title", f->title);
    xw_el(w, "link", f->link);
    xw_el(w, "description", f->description);
    xw_raw(w, "<atom:link");
    xw_attr(w, "rel", "self");
    xw_attr(w, "type", "application/rss+xml");
    xw_attr(w, "href", f->self);
    xw_raw(w, "/>\n");
    xw_el(w, "lastBuildDate", rfc822(f->updated, date));
    xw_el(w, "generator", "Hearth");
    xw_el(w, "ttl", "5");
    if (f->image) {
        xw_raw(w, "<image>\n");
        xw_el(w, "url", f->image);
        xw_el(w, "title", f->title);
        xw_el(w, "link", f->link);
        xw_raw(w, "</image>\n");
    }
    for (size_t i = 0; i < f->n; i++) {
        const struct feed_item *it = &f->items[i];
        const struct status *st = it->st;
        xw_raw(w, "<item>\n");
        xw_el(w, "title", item_title(core, a, it));
        xw_el(w, "link", st->url);
        xw_raw(w, "<guid isPermaLink=\"true\">");
        xw_text(w, st->url, 0);
        xw_raw(w, "</guid>\n");
        xw_el(w, "pubDate", rfc822(st->created_at, date));
        xw_el(w, "description", item_html(a, st));
        for (size_t k = 0; k < it->n_tags; k++)
            xw_el(w, "category", it->tags[k]);
        for (size_t k = 0; k < it->n_media; k++) {
            const struct media *m = &it->media[k];
            xw_raw(w, "<enclosure");
            xw_attr(w, "url", media_href(core, a, m));
            xw_attr(w, "length", arena_printf(a, "%lld", (long long)m->file_size));
            xw_attr(w, "type", m->content_type ? m->content_type : "application/octet-stream");
            xw_raw(w, "/>\n");
        }
        xw_raw(w, "</item>\n");
    }
    xw_raw(w, "</channel>\n</rss>\n");
}

static void write_atom_author(struct xw *w, const struct account *acc)
{
    xw_raw(w, "<author>\n");
    xw_el(w, "name", display_name(acc));
    xw_el(w, "uri", acc->url ? acc->url : acc->uri);
    xw_raw(w, "</author>\n");
}

/* <link rel=REL type=TYPE href=HREF/> */
static void write_atom_link(struct xw *w, const char *rel, const char *type, const char *href)
{
    xw_raw(w, "<link");
    xw_attr(w, "rel", rel);
    xw_attr(w, "type", type);
    xw_attr(w, "href", href);
    xw_raw(w, "/>\n");
}

static void write_atom(const struct core *core, struct arena *a, struct xw *w, const struct feed *f)
{
    char date[TIME_ISO_MAX];
    xw_raw(w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
              "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    xw_el(w, "id", f->self);
    xw_el(w, "title", f->title);
    xw_el(w, "subtitle", f->description);
    xw_el(w, "updated", time_iso8601(f->updated, date));
    write_atom_link(w, "alternate", "text/html", f->link);
    write_atom_link(w, "self", "application/atom+xml", f->self);
    if (f->author)
        write_atom_author(w, f->author);
    if (f->image) {
        xw_el(w, "icon", f->image);
        xw_el(w, "logo", f->image);
    }
    xw_el(w, "generator", "Hearth");
    for (size_t i = 0; i < f->n; i++) {
        const struct feed_item *it = &f->items[i];
        const struct status *st = it->st;
        xw_raw(w, "<entry>\n");
        xw_el(w, "id", st->url);
        xw_el(w, "title", item_title(core, a, it));
        xw_el(w, "published", time_iso8601(st->created_at, date));
        xw_el(w, "updated", time_iso8601(item_updated(st), date));
        write_atom_link(w, "alternate", "text/html", st->url);
        if (it->author)
            write_atom_author(w, it->author);
        for (size_t k = 0; k < it->n_tags; k++) {
            xw_raw(w, "<category");
            xw_attr(w, "term", it->tags[k]);
            xw_raw(w, "/>\n");
        }
        xw_raw(w, "<content type=\"html\">");
        xw_text(w, item_html(a, st), 0);
        xw_raw(w, "</content>\n");
        for (size_t k = 0; k < it->n_media; k++) {
            const struct media *m = &it->media[k];
            xw_raw(w, "<link");
            xw_attr(w, "rel", "enclosure");
            xw_attr(w, "type", m->content_type ? m->content_type : "application/octet-stream");
            xw_attr(w, "length", arena_printf(a, "%lld", (long long)m->file_size));
            xw_attr(w, "href", media_href(core, a, m));
            if (m->description && *m->description)
                xw_attr(w, "title", m->description);
            xw_raw(w, "/>\n");
        }
        xw_raw(w, "</entry>\n");
    }
    xw_raw(w, "</feed>\n");
}

/*
 * Loads the posts ids[0..n) into f->items: only posts made here, not
 * boosts, at the levels a feed may show (public; unlisted too when
 * unlisted is set), with their authors, tags and attachments.
 */
static int load_items(struct db_conn *c, struct arena *a, const int64_t *ids, size_t n,
                      int unlisted, struct feed *f)
{
    f->items = arena_zalloc(a, (n ? n : 1) * sizeof(*f->items));
    f->n = 0;
    if (!n)
        return 0;
    struct status **st = arena_zalloc(a, n * sizeof(*st));
    struct status_counts *counts = arena_zalloc(a, n * sizeof(*counts));
    int rc = batch_statuses(c, a, 0, ids, n, st, counts);
    if (rc)
        return rc;
    int64_t *keep = arena_alloc(a, n * sizeof(*keep));
    int64_t *authors = arena_alloc(a, n * sizeof(*authors));
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (!st[i] || !st[i]->local || st[i]->reblog_of_id || !st[i]->url)
            continue;
        enum status_visibility v = st[i]->visibility;
        if (v != VIS_PUBLIC && !(unlisted && v == VIS_UNLISTED))
            continue;
        f->items[k].st = st[i];
        keep[k] = ids[i];
        authors[k] = st[i]->account_id;
        k++;
    }
    f->n = k;
    if (!k)
        return 0;
    struct account **accs = arena_zalloc(a, k * sizeof(*accs));
    struct account_stats *stats = arena_zalloc(a, k * sizeof(*stats));
    rc = batch_accounts(c, a, authors, k, accs, stats);
    if (rc)
        return rc;
    int64_t *t_sid = NULL;
    const char **t_name = NULL;
    size_t nt = 0;
    rc = batch_tags(c, a, keep, k, &t_sid, &t_name, &nt);
    if (rc)
        return rc;
    int *has_media = arena_zalloc(a, k * sizeof(*has_media));
    int *has_poll = arena_zalloc(a, k * sizeof(*has_poll));
    rc = batch_extras(c, keep, k, has_media, has_poll);
    if (rc)
        return rc;
    for (size_t i = 0; i < k; i++) {
        struct feed_item *it = &f->items[i];
        it->author = accs[i];
        it->tags = arena_alloc(a, (nt ? nt : 1) * sizeof(*it->tags));
        for (size_t j = 0; j < nt; j++)
            if (t_sid[j] == keep[i])
                it->tags[it->n_tags++] = t_name[j];
        if (has_media[i]) {
            rc = media_of_status(c, a, keep[i], &it->media, &it->n_media);
            if (rc)
                return rc;
        }
        int64_t t = item_updated(it->st);
        if (t > f->updated)
            f->updated = t;
    }
    return 0;
}

/* Writes the feed as the response, or returns an error. */
static int answer(const struct core *core, struct req *req, struct resp *resp, const struct feed *f)
{
    struct xw w = {.err = 0};
    buf_init(&w.b, FEED_MAX_BYTES);
    if (f->format == FEED_RSS)
        write_rss(core, req->arena, &w, f);
    else
        write_atom(core, req->arena, &w, f);
    int rc = w.err;
    if (rc == 0) {
        resp_body(req, resp, 200,
                  f->format == FEED_RSS ? "application/rss+xml; charset=utf-8"
                                        : "application/atom+xml; charset=utf-8",
                  w.b.data ? w.b.data : "", w.b.len);
        resp_header_add(req, resp, "Cache-Control", "public, max-age=300");
    }
    buf_fini(&w.b);
    return rc;
}

/* The one place feed errors become responses: a short plain-text page. */
static int fail(struct req *req, struct resp *resp, int rc)
{
    int status = resp_status_for_err(rc);
    const char *msg = status == 404 ? "Not found\n" : "Something went wrong\n";
    resp_body(req, resp, status, "text/plain; charset=utf-8", msg, strlen(msg));
    return 0;
}

/*
 * The member a feed path names: "name" or "name@our.domain". Remote,
 * suspended and unknown accounts, and a member whose feed is off, are
 * E_NOTFOUND.
 */
static int feed_member(const struct core *core, struct db_conn *c, struct arena *a,
                       const char *name, struct account **acc)
{
    if (!name || !*name)
        return E_NOTFOUND;
    const char *at = strchr(name, '@');
    int rc = at ? account_find(c, a, arena_strndup(a, name, (size_t)(at - name)), at + 1,
                               core->domain, acc)
                : account_find_local(c, a, name, acc);
    if (rc)
        return rc;
    if ((*acc)->domain || (*acc)->suspended_at)
        return E_NOTFOUND;
    int enabled = 0;
    rc = account_feed_enabled(c, (*acc)->id, &enabled);
    if (rc == 0 && !enabled)
        rc = E_NOTFOUND;
    return rc;
}

static int account_feed(struct req *req, struct resp *resp, enum feed_format format)
{
    const struct core *core = req->app;
    struct arena *a = req->arena;
    struct db_conn *c = NULL;
    int rc = db_acquire(core->db, DB_SNAPSHOT, &c);
    if (rc)
        return fail(req, resp, rc);
    struct account *acc = NULL;
    struct feed f = {.format = format};
    rc = feed_member(core, c, a, req_param(req, "name"), &acc);
    if (rc)
        goto out;
    struct viewer anyone = {.kind = VIEWER_ANONYMOUS};
    struct timeline_filter tf = {.exclude_reblogs = 1, .exclude_replies = 1};
    struct page p = {.limit = FEED_ITEMS};
    int64_t *ids = NULL;
    size_t n = 0;
    rc = timeline_account(c, a, &anyone, acc->id, &tf, &p, &ids, &n);
    if (rc)
        goto out;
    rc = load_items(c, a, ids, n, 1, &f);
    if (rc)
        goto out;
    const char *avatar = NULL, *header = NULL;
    if (media_profile_urls(core, c, a, acc->id, &avatar, &header) == 0)
        f.image = avatar;
    const char *who = handle(core, a, acc);
    f.title = acc->display_name && *acc->display_name
                  ? arena_printf(a, "%s (%s)", acc->display_name, who)
                  : who;
    f.link = acc->url ? acc->url : arena_printf(a, "%s/@%s", core->base_url, acc->username);
    f.self = arena_printf(a, "%s/@%s.%s", core->base_url, acc->username,
                          format == FEED_RSS ? "rss" : "atom");
    const char *bio = NULL;
    if (acc->note && *acc->note)
        sanitize_text(a, acc->note, strlen(acc->note), &bio);
    f.description = bio && *bio ? bio : arena_printf(a, "Public posts from %s", who);
    f.author = acc;
    if (!f.updated)
        f.updated = acc->updated_at > acc->created_at ? acc->updated_at : acc->created_at;
out:
    db_release(c);
    if (rc)
        return fail(req, resp, rc);
    rc = answer(core, req, resp, &f);
    return rc ? fail(req, resp, rc) : 0;
}

static int tag_feed(struct req *req, struct resp *resp, enum feed_format format)
{
    const struct core *core = req->app;
    struct arena *a = req->arena;
    const char *tag = tag_normalize(a, req_param(req, "tag"));
    if (!tag)
        return fail(req, resp, E_NOTFOUND);
    struct db_conn *c = NULL;
    int rc = db_acquire(core->db, DB_SNAPSHOT, &c);
    if (rc)
        return fail(req, resp, rc);
    struct feed f = {.format = format};
    struct viewer anyone = {.kind = VIEWER_ANONYMOUS};
    struct timeline_filter tf = {.local_only = 1};
    struct page p = {.limit = FEED_ITEMS};
    int64_t *ids = NULL;
    size_t n = 0;
    rc = timeline_tag(c, a, &anyone, tag, NULL, &tf, &p, &ids, &n);
    if (rc == 0)
        rc = load_items(c, a, ids, n, 0, &f);
    db_release(c);
    if (rc)
        return fail(req, resp, rc);
    const char *path = path_escape(a, tag);
    f.title = arena_printf(a, "#%s", tag);
    f.description = arena_printf(a, "Public posts tagged #%s on %s", tag, core->domain);
    f.link = arena_printf(a, "%s/tags/%s", core->base_url, path);
    f.self =
        arena_printf(a, "%s/tags/%s.%s", core->base_url, path, format == FEED_RSS ? "rss" : "atom");
    if (!f.updated)
        f.updated = time_now_ms();
    rc = answer(core, req, resp, &f);
    return rc ? fail(req, resp, rc) : 0;
}

static int account_rss(struct req *req, struct resp *resp)
{
    return account_feed(req, resp, FEED_RSS);
}

static int account_atom(struct req *req, struct resp *resp)
{
    return account_feed(req, resp, FEED_ATOM);
}

static int tag_rss(struct req *req, struct resp *resp)
{
    return tag_feed(req, resp, FEED_RSS);
}

static int tag_atom(struct req *req, struct resp *resp)
{
    return tag_feed(req, resp, FEED_ATOM);
}

const struct route web_feed_routes[] = {
    {"GET", "/@:name.rss", account_rss, ROUTE_AUTH_NONE, NULL},
    {"GET", "/@:name.atom", account_atom, ROUTE_AUTH_NONE, NULL},
    {"GET", "/tags/:tag.rss", tag_rss, ROUTE_AUTH_NONE, NULL},
    {"GET", "/tags/:tag.atom", tag_atom, ROUTE_AUTH_NONE, NULL},
};
const size_t web_feed_routes_count = sizeof(web_feed_routes) / sizeof(web_feed_routes[0]);
