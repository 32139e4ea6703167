/*
 * web/render: accounts and statuses as data for the templates (see
 * internal.h). A page of statuses is loaded in a few queries (core/batch)
 * after the visibility rule kept what the viewer may see.
 */
#include <stdio.h>
#include <string.h>

#include "core/batch.h"
#include "core/core.h"
#include "core/filter.h"
#include "core/media.h"
#include "core/poll.h"
#include "core/status.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/id.h"
#include "util/timeutil.h"
#include "web/internal.h"

static json_t *jstr(const char *s)
{
    return json_string(s ? s : "");
}

static json_t *id_json(int64_t id)
{
    char text[ID_STR_MAX];
    return json_string(id_to_str(id, text));
}

/*
 * A local member's field value with rel="me" on its links, so that the
 * sites she links to can confirm the profile is hers (as on Mastodon).
 * The value is HTML made by core/text, whose links all carry one rel.
 */
static const char *with_rel_me(struct arena *a, const char *html)
{
    static const char plain[] = "rel=\"nofollow noopener noreferrer\"";
    static const char me[] = "rel=\"me nofollow noopener noreferrer\"";
    if (!strstr(html, plain))
        return html;
    struct buf b;
    buf_init(&b, 0);
    const char *p = html, *hit;
    while ((hit = strstr(p, plain)) != NULL) {
        buf_append(&b, p, (size_t)(hit - p));
        buf_puts(&b, me);
        p = hit + sizeof(plain) - 1;
    }
    buf_puts(&b, p);
    const char *out = arena_strdup(a, buf_cstr(&b));
    buf_fini(&b);
    return out;
}

static json_t *account_build(struct web_ctx *w, const struct account *acc,
                             const struct account_stats *st)
{
    struct arena *a = w->req->arena;
    const char *avatar = media_ref_url(w->core, a, st ? st->avatar_ref : NULL);
    const char *header = media_ref_url(w->core, a, st ? st->header_ref : NULL);
    json_error_t err;
    json_t *raw = json_loads(acc->fields ? acc->fields : "[]", 0, &err);
    json_t *fields = json_array();
    size_t i;
    json_t *f;
    if (json_is_array(raw)) {
        json_array_foreach(raw, i, f)
        {
            const char *name = json_string_value(json_object_get(f, "name"));
            const char *value = json_string_value(json_object_get(f, "value"));
            if (name && value)
                json_array_append_new(fields,
                                      json_pack("{s:s, s:s}", "name", name, "value_html",
                                                acc->domain ? value : with_rel_me(a, value)));
        }
    }
    json_decref(raw);
    int remote = acc->domain != NULL;
    json_t *j = json_object();
    json_object_set_new(j, "id", id_json(acc->id));
    json_object_set_new(j, "acct", jstr(acc->acct));
    json_object_set_new(j, "username", jstr(acc->username));
    json_object_set_new(
        j, "display_name",
        jstr(acc->display_name && *acc->display_name ? acc->display_name : acc->username));
    json_object_set_new(j, "note_html", jstr(acc->note));
    json_object_set_new(j, "url", jstr(web_account_path(w, acc)));
    json_object_set_new(j, "full_url", jstr(web_url(w, web_account_path(w, acc))));
    const char *origin = remote ? web_safe_url(acc->url ? acc->url : acc->uri) : NULL;
    if (origin)
        json_object_set_new(j, "origin_url", jstr(origin));
    json_object_set_new(j, "avatar", jstr(avatar ? avatar : web_url(w, "/static/avatar.svg")));
    if (header)
        json_object_set_new(j, "header", jstr(header));
    json_object_set_new(j, "locked", json_boolean(acc->locked));
    json_object_set_new(j, "bot", json_boolean(acc->bot));
    json_object_set_new(j, "remote", json_boolean(remote));
    if (remote)
        json_object_set_new(j, "domain", jstr(acc->domain));
    json_object_set_new(j, "fields", fields);
    if (st)
        json_object_set_new(j, "counts",
                            json_pack("{s:I, s:I, s:I}", "statuses", (json_int_t)st->statuses,
                                      "followers", (json_int_t)st->followers, "following",
                                      (json_int_t)st->following));
    if (acc->moved_to_uri && web_safe_url(acc->moved_to_uri))
        json_object_set_new(j, "moved_to", jstr(acc->moved_to_uri));
    return j;
}

json_t *web_account_view(struct web_ctx *w, struct db_conn *c, const struct account *acc)
{
    struct account *again = NULL;
    struct account_stats st;
    if (batch_accounts(c, w->req->arena, &acc->id, 1, &again, &st) != 0)
        return account_build(w, acc, NULL);
    return account_build(w, acc, &st);
}

json_t *web_account_view_id(struct web_ctx *w, struct db_conn *c, int64_t id)
{
    struct account *acc = NULL;
    struct account_stats st;
    if (batch_accounts(c, w->req->arena, &id, 1, &acc, &st) != 0 || !acc)
        return NULL;
    return account_build(w, acc, &st);
}

const char *web_visibility_label(enum status_visibility v)
{
    switch (v) {
    case VIS_PUBLIC:
        return "Public";
    case VIS_UNLISTED:
        return "Unlisted";
    case VIS_FOLLOWERS:
        return "Followers only";
    case VIS_DIRECT:
        return "Mentioned people only";
    case VIS_LOCAL:
        return "This server only";
    case VIS_NEIGHBORHOOD:
        return "Neighborhood";
    }
    return "";
}

json_t *web_visibility_options(enum status_visibility selected, int with_direct)
{
    static const enum status_visibility order[] = {VIS_PUBLIC, VIS_UNLISTED, VIS_FOLLOWERS,
                                                   VIS_DIRECT, VIS_LOCAL,    VIS_NEIGHBORHOOD};
    json_t *arr = json_array();
    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
        if (order[i] == VIS_DIRECT && !with_direct)
            continue;
        json_array_append_new(arr, json_pack("{s:s, s:s, s:b}", "value", visibility_name(order[i]),
                                             "label", web_visibility_label(order[i]), "selected",
                                             order[i] == selected));
    }
    return arr;
}

/* The average colour of a blurhash (its first component), as "#rrggbb", or NULL. */
static const char *blurhash_color(struct arena *a, const char *hash)
{
    static const char digits[] =
        "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~";
    if (!hash || strlen(hash) < 6)
        return NULL;
    long v = 0;
    for (int i = 2; i < 6; i++) {
        const char *p = strchr(digits, hash[i]);
        if (!p || !hash[i])
            return NULL;
        v = v * 83 + (p - digits);
    }
    return arena_printf(a, "#%06lx", v & 0xffffff);
}

static json_t *media_views(struct web_ctx *w, struct db_conn *c, int64_t status_id)
{
    struct arena *a = w->req->arena;
    json_t *arr = json_array();
    struct media *list;
    size_t n = 0;
    if (media_of_status(c, a, status_id, &list, &n) != 0)
        return arr;
    for (size_t i = 0; i < n; i++) {
        const struct media *m = &list[i];
        const char *url, *preview;
        int image = !m->type || !strcmp(m->type, "image");
        if (m->remote_url) {
            url = web_safe_url(m->remote_url);
            /* The cached preview, else a video's poster from its server, else the image. */
            preview = m->thumb_hash && *m->thumb_hash
                          ? media_url(w->core, a, m->thumb_hash, m->thumb_ext)
                      : m->remote_preview_url ? web_safe_url(m->remote_preview_url)
                      : image                 ? url
                                              : NULL;
        } else {
            url = media_url(w->core, a, m->file_hash, m->file_ext);
            preview = media_url(w->core, a, m->thumb_hash, m->thumb_ext);
        }
        if (!url)
            continue;
        json_t *j = json_pack("{s:s, s:s, s:b}", "url", url, "type", m->type ? m->type : "image",
                              "image", image);
        if (preview || image)
            json_object_set_new(j, "preview_url", jstr(preview ? preview : url));
        /* Remote video and sound play from their origin (not cached here). */
        if (m->type && (!strcmp(m->type, "video") || !strcmp(m->type, "gifv")))
            json_object_set_new(j, "video", json_true());
        else if (m->type && !strcmp(m->type, "audio"))
            json_object_set_new(j, "audio", json_true());
        else if (!image)
            json_object_set_new(j, "file", json_true());
        if (m->content_type && *m->content_type)
            json_object_set_new(j, "mime", jstr(m->content_type));
        json_object_set_new(j, "description", jstr(m->description));
        const char *color = blurhash_color(a, m->blurhash);
        if (color)
            json_object_set_new(j, "color", jstr(color));
        if (m->thumb_width > 0 && m->thumb_height > 0) {
            json_object_set_new(j, "width", json_integer(m->thumb_width));
            json_object_set_new(j, "height", json_integer(m->thumb_height));
        }
        json_array_append_new(arr, j);
    }
    return arr;
}

static json_t *poll_view(struct web_ctx *w, struct db_conn *c, int64_t status_id)
{
    struct arena *a = w->req->arena;
    struct poll *p;
    if (poll_get_by_status(c, a, status_id, &p) != 0)
        return NULL;
    int64_t now = time_now_ms();
    int expired = poll_expired(p, now);
    int *mine = NULL;
    size_t n_mine = 0;
    if (w->me)
        poll_own_votes(c, a, p->id, w->me->id, &mine, &n_mine);
    int show = (expired || n_mine > 0 || (w->me && p->account_id == w->me->id)) &&
               !poll_totals_hidden(p, w->me ? w->me->id : 0, now);
    json_t *opts = json_array();
    for (size_t i = 0; i < p->n_options; i++) {
        int64_t votes = p->options[i].votes_count;
        int pct = p->votes_count > 0 ? (int)(votes * 100 / p->votes_count) : 0;
        int chosen = 0;
        for (size_t k = 0; k < n_mine; k++)
            chosen |= mine[k] == (int)i;
        json_array_append_new(opts, json_pack("{s:s, s:I, s:i, s:i, s:b}", "title",
                                              p->options[i].title, "votes", (json_int_t)votes,
                                              "percent", pct, "index", (int)i, "chosen", chosen));
    }
    json_t *j = json_pack("{s:o, s:b, s:b, s:b, s:b, s:I}", "options", opts, "expired", expired,
                          "multiple", p->multiple, "voted", n_mine > 0, "show_results", show,
                          "votes_count", (json_int_t)p->votes_count);
    json_object_set_new(
        j, "can_vote",
        json_boolean(w->me && !expired && n_mine == 0 && p->account_id != w->me->id));
    if (p->expires_at)
        json_object_set_new(j, "ends_text", jstr(web_time_text(w, p->expires_at)));
    return j;
}

/* One status's view (not a boost: the caller wraps those). */
static json_t *status_build(struct web_ctx *w, struct db_conn *c, const struct status *st,
                            const struct status_counts *counts, const struct account *author,
                            const struct account_stats *astats, int has_media, int has_poll)
{
    struct arena *a = w->req->arena;
    json_t *j = json_object();
    json_object_set_new(j, "id", id_json(st->id));
    const char *path = arena_printf(a, "%s/%lld", web_account_path(w, author), (long long)st->id);
    json_object_set_new(j, "url", jstr(path));
    json_object_set_new(j, "full_url", jstr(web_url(w, path)));
    if (!st->local) {
        const char *origin = web_safe_url(st->url ? st->url : st->uri);
        if (origin)
            json_object_set_new(j, "origin_url", jstr(origin));
    }
    json_object_set_new(j, "author", account_build(w, author, astats));
    json_object_set_new(j, "content_html", jstr(st->content));
    json_object_set_new(j, "object_type", jstr(st->object_type ? st->object_type : "Note"));
    if (st->title && *st->title)
        json_object_set_new(j, "title", jstr(st->title));
    /* A long article shows its teaser on timelines; its own page shows it whole. */
    if (status_type_article(st->object_type) && st->summary && *st->summary) {
        json_object_set_new(j, "article", json_true());
        json_object_set_new(j, "teaser_html", jstr(st->summary));
        json_object_set_new(j, "folded", json_true());
    } else if (status_type_article(st->object_type)) {
        json_object_set_new(j, "article", json_true());
    }
    if (!status_type_known(st->object_type))
        json_object_set_new(j, "card", jstr(st->object_type));
    if (st->spoiler_text && *st->spoiler_text)
        json_object_set_new(j, "spoiler_text", jstr(st->spoiler_text));
    json_object_set_new(j, "sensitive", json_boolean(st->sensitive));
    json_object_set_new(j, "visibility", jstr(visibility_name(st->visibility)));
    json_object_set_new(j, "visibility_label", jstr(web_visibility_label(st->visibility)));
    char iso[TIME_ISO_MAX];
    json_object_set_new(j, "created_at", jstr(time_iso8601(st->created_at, iso)));
    json_object_set_new(j, "created_text", jstr(web_time_text(w, st->created_at)));
    json_object_set_new(j, "edited", json_boolean(st->edited_at != 0));
    if (st->in_reply_to_id)
        json_object_set_new(j, "reply_to", id_json(st->in_reply_to_id));
    if (has_media) {
        json_t *m = media_views(w, c, st->id);
        if (json_array_size(m)) {
            json_object_set_new(j, "media_count", json_integer((json_int_t)json_array_size(m)));
            if (json_array_size(m) > 1)
                json_object_set_new(j, "gallery", json_true());
            json_object_set_new(j, "media", m);
            json_object_set_new(j, "has_media", json_true());
        } else
            json_decref(m);
    }
    json_t *event = web_event_view(w, c, st, author); /* web/page_calendar.c */
    if (event)
        json_object_set_new(j, "event", event);
    if (has_poll) {
        json_t *p = poll_view(w, c, st->id);
        if (p)
            json_object_set_new(j, "poll", p);
    }
    json_object_set_new(j, "counts",
                        json_pack("{s:I, s:I, s:I}", "replies", (json_int_t)counts->replies,
                                  "reblogs", (json_int_t)counts->reblogs, "favourites",
                                  (json_int_t)counts->favourites));
    int mine = w->me && w->me->id == st->account_id;
    int can_boost = st->visibility == VIS_PUBLIC || st->visibility == VIS_UNLISTED ||
                    st->visibility == VIS_LOCAL || st->visibility == VIS_NEIGHBORHOOD ||
                    (mine && st->visibility == VIS_FOLLOWERS);
    if (w->me)
        json_object_set_new(j, "flags",
                            json_pack("{s:b, s:b, s:b, s:b, s:b}", "favourited", counts->favourited,
                                      "reblogged", counts->reblogged, "bookmarked",
                                      counts->bookmarked, "mine", mine, "can_boost", can_boost));
    return j;
}

static size_t find(const int64_t *list, size_t n, int64_t id)
{
    for (size_t i = 0; i < n; i++)
        if (list[i] == id)
            return i;
    return SIZE_MAX;
}

/*
 * What the member's filters say of st in this page's context: 1 to leave
 * it out; otherwise 0, with *titles the warning filters' titles (or NULL).
 */
static int filtered(struct web_ctx *w, struct db_conn *c, const struct status *st,
                    const char **titles)
{
    *titles = NULL;
    unsigned context = w->me && w->filter_context ? filter_context_parse(w->filter_context) : 0;
    if (!context)
        return 0;
    struct arena *a = w->req->arena;
    if (!w->filters_loaded) {
        w->filters_loaded = 1;
        if (filter_load(c, a, w->me->id, &w->filters, &w->n_filters) != 0)
            w->n_filters = 0;
    }
    if (!w->n_filters)
        return 0;
    int *matched = arena_alloc(a, w->n_filters * sizeof(*matched));
    const char **kw = arena_alloc(a, w->n_filters * sizeof(*kw));
    if (!filter_match(w->filters, w->n_filters, context, st->id,
                      st->text && *st->text ? st->text : st->content, st->spoiler_text, matched,
                      kw))
        return 0;
    for (size_t i = 0; i < w->n_filters; i++) {
        if (!matched[i])
            continue;
        if (!strcmp(w->filters[i].action, "hide"))
            return 1;
        *titles =
            *titles ? arena_printf(a, "%s, %s", *titles, w->filters[i].title) : w->filters[i].title;
    }
    return 0;
}

json_t *web_status_views(struct web_ctx *w, struct db_conn *c, const int64_t *ids, size_t n)
{
    struct arena *a = w->req->arena;
    json_t *out = json_array();
    if (!n)
        return out;
    /* The statuses, then the boosted originals, as one list of slots. */
    size_t cap = 2 * n;
    int64_t *all = arena_alloc(a, cap * sizeof(*all));
    int *visible = arena_alloc(a, cap * sizeof(*visible));
    struct status **st = arena_alloc(a, cap * sizeof(*st));
    struct status_counts *counts = arena_alloc(a, cap * sizeof(*counts));
    memcpy(all, ids, n * sizeof(*all));
    if (visibility_filter(c, a, &w->viewer, all, n, visible) != 0 ||
        batch_statuses(c, a, w->viewer.account_id, all, n, st, counts) != 0)
        return out;
    size_t na = n;
    for (size_t i = 0; i < n; i++) {
        if (!visible[i])
            st[i] = NULL;
        if (st[i] && st[i]->reblog_of_id && find(all, na, st[i]->reblog_of_id) == SIZE_MAX)
            all[na++] = st[i]->reblog_of_id;
    }
    if (na > n &&
        (visibility_filter(c, a, &w->viewer, all + n, na - n, visible + n) != 0 ||
         batch_statuses(c, a, w->viewer.account_id, all + n, na - n, st + n, counts + n) != 0))
        na = n;
    for (size_t i = n; i < na; i++)
        if (!visible[i])
            st[i] = NULL;
    int *has_media = arena_alloc(a, na * sizeof(int)), *has_poll = arena_alloc(a, na * sizeof(int));
    if (batch_extras(c, all, na, has_media, has_poll) != 0)
        for (size_t i = 0; i < na; i++)
            has_media[i] = has_poll[i] = 1;
    /* Every author in one query. */
    int64_t *people = arena_alloc(a, na * sizeof(*people));
    size_t np = 0;
    for (size_t i = 0; i < na; i++)
        if (st[i] && find(people, np, st[i]->account_id) == SIZE_MAX)
            people[np++] = st[i]->account_id;
    struct account **accs = arena_alloc(a, (np + 1) * sizeof(*accs));
    struct account_stats *stats = arena_alloc(a, (np + 1) * sizeof(*stats));
    if (np && batch_accounts(c, a, people, np, accs, stats) != 0)
        return out;
    for (size_t i = 0; i < n; i++) {
        if (!st[i])
            continue;
        size_t ai = find(people, np, st[i]->account_id);
        if (ai == SIZE_MAX || !accs[ai])
            continue;
        const char *warn = NULL;
        if (!st[i]->reblog_of_id) {
            if (filtered(w, c, st[i], &warn))
                continue;
            json_t *j = status_build(w, c, st[i], &counts[i], accs[ai], &stats[ai], has_media[i],
                                     has_poll[i]);
            if (warn)
                json_object_set_new(j, "filtered", jstr(warn));
            json_array_append_new(out, j);
            continue;
        }
        size_t o = find(all, na, st[i]->reblog_of_id);
        if (o == SIZE_MAX || !st[o])
            continue;
        size_t oi = find(people, np, st[o]->account_id);
        if (oi == SIZE_MAX || !accs[oi] || filtered(w, c, st[o], &warn))
            continue;
        json_t *j =
            status_build(w, c, st[o], &counts[o], accs[oi], &stats[oi], has_media[o], has_poll[o]);
        if (warn)
            json_object_set_new(j, "filtered", jstr(warn));
        json_object_set_new(j, "boosted_by", account_build(w, accs[ai], &stats[ai]));
        json_object_set_new(j, "boost_id", id_json(st[i]->id));
        json_array_append_new(out, j);
    }
    return out;
}
