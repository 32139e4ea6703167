/*
 * api/entity: Mastodon entities (Account, Status, Notification,
 * Relationship) as jansson objects. Every status goes through the
 * visibility rule here too: an entity is never built for a viewer who may
 * not see it (NULL instead).
 */
#include <stdint.h>
#include <string.h>

#include "api/api.h"
#include "api/internal.h"
#include "core/batch.h"
#include "core/domain_block.h"
#include "core/follow.h"
#include "core/pin.h"
#include "core/media.h"
#include "core/role.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"
#include "util/timeutil.h"

/*
 * Text from the database is valid UTF-8: it is checked where it enters
 * (core/text.c for posts, account.c for profiles), so entities skip
 * jansson's second check.
 */
static json_t *jstr(const char *s)
{
    return json_stringn_nocheck(s, strlen(s));
}

static json_t *str_or_null(const char *s)
{
    return s ? jstr(s) : json_null();
}

static json_t *id_json(int64_t id)
{
    char buf[ID_STR_MAX];
    return jstr(id_to_str(id, buf));
}

static json_t *id_or_null(int64_t id)
{
    return id ? id_json(id) : json_null();
}

static json_t *time_json(int64_t ms)
{
    char buf[TIME_ISO_MAX];
    return jstr(time_iso8601(ms, buf));
}

static int64_t count_of(struct db_conn *c, const char *sql, int64_t id)
{
    struct db_stmt *s;
    int64_t n = 0;
    if (db_prepare(c, sql, &s) != 0)
        return 0;
    db_bind_i64(s, 1, id);
    if (db_step(s) == DB_ROW)
        n = db_col_i64(s, 0);
    db_stmt_done(s);
    return n;
}

/*
 * What one request has loaded and built, by id: a timeline names the same
 * authors again and again, and a page of statuses is loaded in a few
 * queries (core/batch.h) before any of it is rendered. Status slots hold
 * the viewer's verdict from the visibility rule; they are only ever used
 * for the viewer of this request.
 */
#define CACHE_ACCOUNTS 128
#define CACHE_STATUSES 96

struct ent_cache {
    size_t na;
    int64_t acc_ids[CACHE_ACCOUNTS];
    struct account *acc[CACHE_ACCOUNTS];
    json_t *acc_json[CACHE_ACCOUNTS];
    size_t ns;
    int64_t st_ids[CACHE_STATUSES];
    struct status *st[CACHE_STATUSES]; /* NULL: missing, deleted or not visible */
    struct status_counts counts[CACHE_STATUSES];
    json_t *mentions[CACHE_STATUSES];
    json_t *tags[CACHE_STATUSES];
    const char *default_image[2];  /* avatar, header URLs for accounts without their own */
    int has_media[CACHE_STATUSES]; /* worth asking media.c / polls.c for this one */
    int has_poll[CACHE_STATUSES];
};

static void cache_clear_statuses(struct ent_cache *ec)
{
    for (size_t i = 0; i < ec->ns; i++) {
        json_decref(ec->mentions[i]);
        json_decref(ec->tags[i]);
    }
    ec->ns = 0;
}

static void cache_free(void *p)
{
    struct ent_cache *ec = p;
    for (size_t i = 0; i < ec->na; i++)
        json_decref(ec->acc_json[i]);
    cache_clear_statuses(ec);
}

static struct ent_cache *cache_of(struct req *req)
{
    struct ent_cache *ec = req->scratch;
    if (!ec) {
        ec = arena_zalloc(req->arena, sizeof(*ec));
        arena_defer(req->arena, cache_free, ec);
        req->scratch = ec;
    }
    return ec;
}

/* The default avatar (0) or header (1) URL, made once per request. */
static const char *default_image(struct req *req, int header)
{
    struct ent_cache *ec = cache_of(req);
    if (!ec->default_image[header]) {
        struct core *core = req->app;
        ec->default_image[header] = arena_printf(req->arena, "%s/%s/original/missing.png",
                                                 core->base_url, header ? "headers" : "avatars");
    }
    return ec->default_image[header];
}

static json_t *account_build(struct req *req, const struct account *acc,
                             const struct account_stats *st)
{
    struct core *core = req->app;
    const char *avatar = media_ref_url(core, req->arena, st->avatar_ref);
    const char *header = media_ref_url(core, req->arena, st->header_ref);
    if (!avatar)
        avatar = default_image(req, 0);
    if (!header)
        header = default_image(req, 1);
    json_error_t err;
    json_t *fields = json_loads(acc->fields ? acc->fields : "[]", 0, &err);
    if (!json_is_array(fields)) {
        json_decref(fields);
        fields = json_array();
    }
    /* A field's plain text (what its owner typed) is for her source only. */
    size_t fi;
    json_t *fv;
    json_array_foreach(fields, fi, fv) if (json_is_object(fv)) json_object_del(fv, "source");
    json_t *j = json_object();
    json_object_set_new_nocheck(j, "id", id_json(acc->id));
    json_object_set_new_nocheck(j, "username", jstr(acc->username));
    json_object_set_new_nocheck(j, "acct", jstr(acc->acct));
    json_object_set_new_nocheck(j, "display_name",
                                jstr(acc->display_name ? acc->display_name : ""));
    json_object_set_new_nocheck(j, "locked", json_boolean(acc->locked));
    json_object_set_new_nocheck(j, "bot", json_boolean(acc->bot));
    json_object_set_new_nocheck(j, "discoverable", json_boolean(acc->discoverable));
    json_object_set_new_nocheck(j, "indexable", json_boolean(acc->discoverable));
    json_object_set_new_nocheck(j, "group",
                                json_boolean(acc->actor_type && !strcmp(acc->actor_type, "Group")));
    json_object_set_new_nocheck(j, "created_at", time_json(acc->created_at));
    json_object_set_new_nocheck(j, "note", jstr(acc->note ? acc->note : ""));
    json_object_set_new_nocheck(j, "url", jstr(acc->url ? acc->url : acc->uri));
    json_object_set_new_nocheck(j, "uri", jstr(acc->uri));
    json_object_set_new_nocheck(j, "avatar", jstr(avatar));
    json_object_set_new_nocheck(j, "avatar_static", jstr(avatar));
    json_object_set_new_nocheck(j, "header", jstr(header));
    json_object_set_new_nocheck(j, "header_static", jstr(header));
    json_object_set_new_nocheck(j, "followers_count", json_integer(st->followers));
    json_object_set_new_nocheck(j, "following_count", json_integer(st->following));
    json_object_set_new_nocheck(j, "statuses_count", json_integer(st->statuses));
    if (st->last_status_at) {
        char day[TIME_ISO_MAX];
        time_iso8601(st->last_status_at, day);
        day[10] = '\0'; /* Mastodon gives the date only */
        json_object_set_new_nocheck(j, "last_status_at", jstr(day));
    } else {
        json_object_set_new_nocheck(j, "last_status_at", json_null());
    }
    json_object_set_new_nocheck(j, "noindex", json_boolean(!acc->discoverable));
    json_object_set_new_nocheck(j, "emojis", json_array());
    json_object_set_new_nocheck(j, "roles", json_array());
    json_object_set_new_nocheck(j, "fields", fields);
    return j;
}

json_t *api_account_json(struct req *req, struct db_conn *c, const struct account *acc)
{
    struct account *again;
    struct account_stats st;
    if (batch_accounts(c, req->arena, &acc->id, 1, &again, &st) != 0)
        memset(&st, 0, sizeof(st));
    return account_build(req, acc, &st);
}

/* Where id sits in list[0..n), or SIZE_MAX. */
static size_t find_id(const int64_t *list, size_t n, int64_t id)
{
    for (size_t i = 0; i < n; i++)
        if (list[i] == id)
            return i;
    return SIZE_MAX;
}

static size_t cached_account(const struct ent_cache *ec, int64_t id)
{
    return find_id(ec->acc_ids, ec->na, id);
}

/* Loads and builds the accounts not yet in the cache (as many as fit). */
static void prefetch_accounts(struct req *req, struct db_conn *c, const int64_t *ids, size_t n)
{
    struct ent_cache *ec = cache_of(req);
    int64_t *want = arena_alloc(req->arena, (n ? n : 1) * sizeof(*want));
    size_t k = 0;
    for (size_t i = 0; i < n && ec->na + k < CACHE_ACCOUNTS; i++)
        if (cached_account(ec, ids[i]) == SIZE_MAX && find_id(want, k, ids[i]) == SIZE_MAX)
            want[k++] = ids[i];
    if (!k)
        return;
    struct account **acc = arena_alloc(req->arena, k * sizeof(*acc));
    struct account_stats *st = arena_alloc(req->arena, k * sizeof(*st));
    if (batch_accounts(c, req->arena, want, k, acc, st) != 0)
        return;
    for (size_t i = 0; i < k; i++) {
        if (!acc[i])
            continue;
        ec->acc_ids[ec->na] = want[i];
        ec->acc[ec->na] = acc[i];
        ec->acc_json[ec->na] = account_build(req, acc[i], &st[i]);
        ec->na++;
    }
}

/* The cached entity (borrowed), loading it first when needed; NULL when missing. */
static json_t *account_entity(struct req *req, struct db_conn *c, int64_t id,
                              const struct account **acc)
{
    struct ent_cache *ec = cache_of(req);
    size_t i = cached_account(ec, id);
    if (i == SIZE_MAX) {
        prefetch_accounts(req, c, &id, 1);
        i = cached_account(ec, id);
    }
    if (i != SIZE_MAX) {
        if (acc)
            *acc = ec->acc[i];
        return ec->acc_json[i];
    }
    /* The cache is full: build this one on its own. */
    struct account *one;
    if (account_get(c, req->arena, id, &one) != 0)
        return NULL;
    if (acc)
        *acc = one;
    json_t *j = api_account_json(req, c, one);
    arena_defer(req->arena, (arena_release_fn)json_decref, j);
    return j;
}

json_t *api_account_json_id(struct req *req, struct db_conn *c, int64_t id)
{
    json_t *j = account_entity(req, c, id, NULL);
    /* A copy: callers may change what they get (verify_credentials adds "source"). */
    return j ? json_deep_copy(j) : NULL;
}

json_t *api_credential_account_json(struct req *req, struct db_conn *c, int64_t id)
{
    json_t *j = api_account_json_id(req, c, id);
    if (!j)
        return NULL;
    struct db_stmt *s;
    const char *note = "";
    int privacy = 0, sensitive = 0;
    const char *language = NULL;
    if (db_prepare(c,
                   "SELECT a.note_source, u.default_visibility, u.default_sensitive,"
                   " u.default_language FROM accounts a JOIN users u ON u.account_id = a.id"
                   " WHERE a.id = ?",
                   &s) == 0) {
        db_bind_i64(s, 1, id);
        if (db_step(s) == DB_ROW) {
            note = arena_strdup(req->arena, db_col_text(s, 0));
            privacy = (int)db_col_i64(s, 1);
            sensitive = (int)db_col_i64(s, 2);
            language = arena_strdup(req->arena, db_col_text(s, 3));
        }
        db_stmt_done(s);
    }
    json_t *source = json_object();
    json_object_set_new_nocheck(source, "privacy", jstr(visibility_name(privacy)));
    json_object_set_new_nocheck(source, "sensitive", json_boolean(sensitive));
    json_object_set_new_nocheck(source, "language", str_or_null(language));
    json_object_set_new_nocheck(source, "note", jstr(note));
    /* The fields as their owner typed them (values without the links made of them). */
    json_t *src_fields = json_deep_copy(json_object_get(j, "fields"));
    struct account_source as;
    if (account_profile_source(c, req->arena, id, &as) == 0 &&
        json_array_size(src_fields) == as.n_fields) {
        for (size_t i = 0; i < as.n_fields; i++)
            json_object_set_new(json_array_get(src_fields, i), "value", jstr(as.field_values[i]));
    }
    json_object_set_new_nocheck(source, "fields", src_fields);
    json_object_set_nocheck(source, "indexable", json_object_get(j, "indexable"));
    json_object_set_nocheck(source, "discoverable", json_object_get(j, "discoverable"));
    json_object_set_new_nocheck(source, "hide_collections", json_false());
    json_object_set_new_nocheck(source, "attribution_domains", json_array());
    json_object_set_new_nocheck(
        source, "follow_requests_count",
        json_integer(count_of(
            c, "SELECT count(*) FROM follows WHERE target_account_id = ? AND accepted = 0", id)));
    json_object_set_new_nocheck(j, "source", source);
    /* Mastodon's role entity: permissions are its bit flags (core/role.h). */
    enum user_role role = USER_ROLE_MEMBER;
    user_role(c, id, &role);
    static const char *const role_ids[] = {"-99", "1", "2", "3"};
    static const char *const role_names[] = {"", "Moderator", "Admin", "Owner"};
    unsigned r = (unsigned)role < 4 ? (unsigned)role : 0;
    json_object_set_new_nocheck(j, "role",
                                json_pack("{s:s, s:s, s:s, s:s, s:b}", "id", role_ids[r], "name",
                                          role_names[r], "color", "", "permissions",
                                          arena_printf(req->arena, "%u", role_permissions(role)),
                                          "highlighted", r > 0));
    return j;
}

static size_t cached_status(const struct ent_cache *ec, int64_t id)
{
    return find_id(ec->st_ids, ec->ns, id);
}

/*
 * Loads statuses for this request's viewer into the cache: the rule's
 * verdict, rows and counts, the boosted originals, authors, mentioned
 * accounts, mentions and tags. At most DB_IN_WIDTH ids per call; the
 * cache is emptied first when they would not fit.
 */
static void prefetch_statuses(struct req *req, struct db_conn *c, const int64_t *ids, size_t n)
{
    struct ent_cache *ec = cache_of(req);
    struct arena *a = req->arena;
    struct viewer v = api_viewer(req);
    int64_t want[DB_IN_WIDTH];
    size_t k = 0;
    for (size_t i = 0; i < n && k < DB_IN_WIDTH; i++)
        if (cached_status(ec, ids[i]) == SIZE_MAX && find_id(want, k, ids[i]) == SIZE_MAX)
            want[k++] = ids[i];
    if (!k)
        return;
    if (ec->ns + 2 * k > CACHE_STATUSES)
        cache_clear_statuses(ec);
    int visible[DB_IN_WIDTH];
    struct status *st[DB_IN_WIDTH];
    struct status_counts counts[DB_IN_WIDTH];
    if (visibility_filter(c, a, &v, want, k, visible) != 0 ||
        batch_statuses(c, a, v.account_id, want, k, st, counts) != 0)
        return;
    /* Boosted originals the page needs, as their own slots. */
    int64_t orig[DB_IN_WIDTH];
    size_t no = 0;
    for (size_t i = 0; i < k; i++) {
        if (!visible[i])
            st[i] = NULL;
        int64_t o = st[i] ? st[i]->reblog_of_id : 0;
        if (o && cached_status(ec, o) == SIZE_MAX && find_id(want, k, o) == SIZE_MAX &&
            find_id(orig, no, o) == SIZE_MAX)
            orig[no++] = o;
    }
    int ovisible[DB_IN_WIDTH];
    struct status *ost[DB_IN_WIDTH];
    struct status_counts ocounts[DB_IN_WIDTH];
    if (no && (visibility_filter(c, a, &v, orig, no, ovisible) != 0 ||
               batch_statuses(c, a, v.account_id, orig, no, ost, ocounts) != 0))
        no = 0;
    int64_t all[2 * DB_IN_WIDTH];
    size_t na = 0;
    for (size_t i = 0; i < k; i++) {
        ec->st_ids[ec->ns] = want[i];
        ec->st[ec->ns] = st[i];
        ec->counts[ec->ns] = counts[i];
        ec->mentions[ec->ns] = json_array();
        ec->tags[ec->ns] = json_array();
        ec->has_media[ec->ns] = ec->has_poll[ec->ns] = 0;
        ec->ns++;
        if (st[i])
            all[na++] = want[i];
    }
    for (size_t i = 0; i < no; i++) {
        ec->st_ids[ec->ns] = orig[i];
        ec->st[ec->ns] = ovisible[i] ? ost[i] : NULL;
        ec->counts[ec->ns] = ocounts[i];
        ec->mentions[ec->ns] = json_array();
        ec->tags[ec->ns] = json_array();
        ec->has_media[ec->ns] = ec->has_poll[ec->ns] = 0;
        ec->ns++;
        if (ovisible[i] && ost[i])
            all[na++] = orig[i];
    }
    int has_media[2 * DB_IN_WIDTH], has_poll[2 * DB_IN_WIDTH];
    if (batch_extras(c, all, na, has_media, has_poll) == 0) {
        for (size_t i = 0; i < na; i++) {
            size_t slot = cached_status(ec, all[i]);
            ec->has_media[slot] = has_media[i];
            ec->has_poll[slot] = has_poll[i];
        }
    } else {
        /* Unknown: ask for each, as a status on its own would. */
        for (size_t i = 0; i < na; i++)
            ec->has_media[cached_status(ec, all[i])] = ec->has_poll[cached_status(ec, all[i])] = 1;
    }
    /* Mentions, tags and every account the page shows. */
    int64_t *m_sid = NULL, *m_acc = NULL, *t_sid = NULL;
    const char **t_name = NULL;
    size_t nm = 0, nt = 0;
    if (batch_mentions(c, a, all, na, &m_sid, &m_acc, &nm) != 0)
        nm = 0;
    if (batch_tags(c, a, all, na, &t_sid, &t_name, &nt) != 0)
        nt = 0;
    int64_t *people = arena_alloc(a, (na + nm + 1) * sizeof(*people));
    size_t np = 0;
    for (size_t i = 0; i < ec->ns; i++)
        if (ec->st[i])
            people[np++] = ec->st[i]->account_id;
    for (size_t i = 0; i < nm; i++)
        people[np++] = m_acc[i];
    prefetch_accounts(req, c, people, np);
    for (size_t i = 0; i < nm; i++) {
        const struct account *m = NULL;
        size_t slot = cached_status(ec, m_sid[i]);
        if (slot == SIZE_MAX || !account_entity(req, c, m_acc[i], &m) || !m)
            continue;
        json_array_append_new(ec->mentions[slot],
                              json_pack("{s:o, s:s, s:s, s:s}", "id", id_json(m->id), "username",
                                        m->username, "url", m->url ? m->url : m->uri, "acct",
                                        m->acct));
    }
    struct core *core = req->app;
    for (size_t i = 0; i < nt; i++) {
        size_t slot = cached_status(ec, t_sid[i]);
        if (slot == SIZE_MAX)
            continue;
        json_array_append_new(ec->tags[slot],
                              json_pack("{s:s, s:s}", "name", t_name[i], "url",
                                        arena_printf(a, "%s/tags/%s", core->base_url, t_name[i])));
    }
}

/* A status entity without its reblog (filled by the caller), from cache slot i. */
static json_t *status_body(struct req *req, struct db_conn *c, size_t i, int64_t viewer)
{
    struct ent_cache *ec = cache_of(req);
    const struct status *st = ec->st[i];
    const struct status_counts *counts = &ec->counts[i];
    json_t *account = account_entity(req, c, st->account_id, NULL);
    if (!account)
        return NULL;
    json_t *j = json_object();
    json_object_set_new_nocheck(j, "id", id_json(st->id));
    json_object_set_new_nocheck(j, "uri", jstr(st->uri));
    json_object_set_new_nocheck(j, "url", str_or_null(st->url));
    json_object_set_new_nocheck(j, "created_at", time_json(st->created_at));
    json_object_set_nocheck(j, "account", account);
    json_object_set_new_nocheck(j, "content", jstr(st->content ? st->content : ""));
    enum status_visibility vis = st->visibility;
    /* Local-only and neighborhood posts look like public ones to apps that know no more,
     * with local_only (Hometown, glitch-soc) and visibility_ex telling the truth. */
    const char *vis_name =
        vis == VIS_LOCAL || vis == VIS_NEIGHBORHOOD ? "public" : visibility_name(vis);
    json_object_set_new_nocheck(j, "visibility", jstr(vis_name));
    json_object_set_new_nocheck(j, "visibility_ex", jstr(visibility_name(vis)));
    json_object_set_new_nocheck(j, "local_only", json_boolean(vis == VIS_LOCAL));
    json_object_set_new_nocheck(j, "sensitive", json_boolean(st->sensitive));
    json_object_set_new_nocheck(j, "spoiler_text", jstr(st->spoiler_text ? st->spoiler_text : ""));
    json_object_set_new_nocheck(j, "media_attachments",
                                ec->has_media[i] ? api_status_media_json(req, c, st->id)
                                                 : json_array());
    json_object_set_new_nocheck(j, "application", json_null());
    json_object_set_nocheck(j, "mentions", ec->mentions[i]);
    json_object_set_nocheck(j, "tags", ec->tags[i]);
    json_object_set_new_nocheck(j, "emojis", json_array());
    json_object_set_new_nocheck(j, "reblogs_count", json_integer(counts->reblogs));
    json_object_set_new_nocheck(j, "favourites_count", json_integer(counts->favourites));
    json_object_set_new_nocheck(j, "replies_count", json_integer(counts->replies));
    json_object_set_new_nocheck(j, "in_reply_to_id", id_or_null(st->in_reply_to_id));
    json_object_set_new_nocheck(j, "in_reply_to_account_id",
                                id_or_null(st->in_reply_to_account_id));
    json_object_set_new_nocheck(j, "reblog", json_null());
    json_t *poll = ec->has_poll[i] ? api_status_poll_json(req, c, st->id) : NULL;
    json_object_set_new_nocheck(j, "poll", poll ? poll : json_null());
    json_object_set_new_nocheck(j, "card", json_null());
    json_t *event = api_event_json(req, c, st->id); /* Hearth's extension: api/events.c */
    json_object_set_new_nocheck(j, "event", event ? event : json_null());
    json_object_set_new_nocheck(j, "language", str_or_null(st->language));
    json_object_set_new_nocheck(j, "text", json_null());
    json_object_set_new_nocheck(j, "edited_at",
                                st->edited_at ? time_json(st->edited_at) : json_null());
    if (viewer) {
        json_object_set_new_nocheck(j, "favourited", json_boolean(counts->favourited));
        json_object_set_new_nocheck(j, "reblogged", json_boolean(counts->reblogged));
        json_object_set_new_nocheck(j, "muted", json_boolean(counts->muted));
        json_object_set_new_nocheck(j, "bookmarked", json_boolean(counts->bookmarked));
        json_object_set_new_nocheck(j, "pinned", json_boolean(counts->pinned));
        int hide = 0;
        json_object_set_new_nocheck(
            j, "filtered",
            api_status_filtered(req, c, st->id, st->text && *st->text ? st->text : st->content,
                                st->spoiler_text, &hide));
        if (hide) {
            /* A filter that hides: the status is left out where it is shown. */
            json_decref(j);
            return NULL;
        }
    }
    return j;
}

json_t *api_status_json(struct req *req, struct db_conn *c, int64_t id)
{
    struct ent_cache *ec = cache_of(req);
    size_t i = cached_status(ec, id);
    if (i == SIZE_MAX) {
        prefetch_statuses(req, c, &id, 1);
        i = cached_status(ec, id);
    }
    /* Not in the cache: not loaded, or not visible to this viewer. */
    if (i == SIZE_MAX || !ec->st[i])
        return NULL;
    struct viewer v = api_viewer(req);
    json_t *j = status_body(req, c, i, v.account_id);
    if (!j || !ec->st[i]->reblog_of_id)
        return j;
    size_t o = cached_status(ec, ec->st[i]->reblog_of_id);
    json_t *inner = o != SIZE_MAX && ec->st[o] ? status_body(req, c, o, v.account_id) : NULL;
    if (!inner) {
        json_decref(j);
        return NULL;
    }
    json_object_set_new_nocheck(j, "reblog", inner);
    /* A boost shows the original's counts and the viewer's own flags on it. */
    json_object_set_new_nocheck(j, "content", jstr(""));
    return j;
}

json_t *api_statuses_json(struct req *req, struct db_conn *c, const int64_t *ids, size_t n)
{
    json_t *arr = json_array();
    for (size_t off = 0; off < n; off += DB_IN_WIDTH) {
        size_t k = n - off < DB_IN_WIDTH ? n - off : DB_IN_WIDTH;
        prefetch_statuses(req, c, ids + off, k);
        for (size_t i = off; i < off + k; i++) {
            json_t *j = api_status_json(req, c, ids[i]);
            if (j)
                json_array_append_new(arr, j);
        }
    }
    return arr;
}

json_t *api_notification_json(struct req *req, struct db_conn *c, const struct notification *nt)
{
    json_t *acc = api_account_json_id(req, c, nt->from_account_id);
    if (!acc)
        return NULL;
    json_t *st = NULL;
    if (nt->status_id) {
        st = api_status_json(req, c, nt->status_id);
        if (!st) {
            json_decref(acc);
            return NULL;
        }
    }
    json_t *j = json_object();
    json_object_set_new_nocheck(j, "id", id_json(nt->id));
    json_object_set_new_nocheck(j, "type", jstr(notification_type_name(nt->type)));
    json_object_set_new_nocheck(j, "created_at", time_json(nt->created_at));
    json_object_set_new_nocheck(
        j, "group_key", jstr(arena_printf(req->arena, "ungrouped-%lld", (long long)nt->id)));
    json_object_set_new_nocheck(j, "account", acc);
    json_object_set_new_nocheck(j, "status", st ? st : json_null());
    return j;
}

json_t *api_relationship_json(struct req *req, struct db_conn *c, int64_t me, int64_t other)
{
    struct relationship r;
    if (follow_relationship(c, me, other, &r) != 0)
        memset(&r, 0, sizeof(r));
    json_t *j = json_object();
    json_object_set_new_nocheck(j, "id", id_json(other));
    json_object_set_new_nocheck(j, "following", json_boolean(r.following));
    json_object_set_new_nocheck(j, "showing_reblogs", json_boolean(r.showing_reblogs));
    json_object_set_new_nocheck(j, "notifying", json_boolean(r.notifying));
    json_object_set_new_nocheck(j, "languages", json_null());
    json_object_set_new_nocheck(j, "followed_by", json_boolean(r.followed_by));
    json_object_set_new_nocheck(j, "blocking", json_boolean(r.blocking));
    json_object_set_new_nocheck(j, "blocked_by", json_boolean(r.blocked_by));
    json_object_set_new_nocheck(j, "muting", json_boolean(r.muting));
    json_object_set_new_nocheck(j, "muting_notifications", json_boolean(r.muting_notifications));
    json_object_set_new_nocheck(j, "requested", json_boolean(r.requested));
    json_object_set_new_nocheck(j, "requested_by", json_boolean(r.requested_by));
    json_object_set_new_nocheck(j, "domain_blocking",
                                json_boolean(domain_block_covers(c, me, other) == 1));
    int endorsed = 0;
    const char *note = "";
    pin_relationship(c, req->arena, me, other, &endorsed, &note);
    json_object_set_new_nocheck(j, "endorsed", json_boolean(endorsed));
    json_object_set_new_nocheck(j, "note", jstr(note));
    return j;
}
