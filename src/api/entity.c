/*
 * api/entity: Mastodon entities (Account, Status, Notification,
 * Relationship) as jansson objects. Every status goes through the
 * visibility rule here too: an entity is never built for a viewer who may
 * not see it (NULL instead).
 */
#include <string.h>

#include "api/api.h"
#include "api/internal.h"
#include "core/follow.h"
#include "core/media.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"
#include "util/timeutil.h"

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *id_json(int64_t id)
{
    char buf[ID_STR_MAX];
    return json_string(id_to_str(id, buf));
}

static json_t *id_or_null(int64_t id)
{
    return id ? id_json(id) : json_null();
}

static json_t *time_json(int64_t ms)
{
    char buf[TIME_ISO_MAX];
    return json_string(time_iso8601(ms, buf));
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

json_t *api_account_json(struct req *req, struct db_conn *c, const struct account *acc)
{
    struct core *core = req->app;
    const char *avatar = NULL, *header = NULL;
    media_profile_urls(core, c, req->arena, acc->id, &avatar, &header);
    if (!avatar)
        avatar = arena_printf(req->arena, "%s/avatars/original/missing.png", core->base_url);
    if (!header)
        header = arena_printf(req->arena, "%s/headers/original/missing.png", core->base_url);
    json_error_t err;
    json_t *fields = json_loads(acc->fields ? acc->fields : "[]", 0, &err);
    if (!json_is_array(fields)) {
        json_decref(fields);
        fields = json_array();
    }
    int64_t last =
        count_of(c, "SELECT COALESCE(last_status_at, 0) FROM accounts WHERE id = ?", acc->id);
    json_t *j = json_object();
    json_object_set_new(j, "id", id_json(acc->id));
    json_object_set_new(j, "username", json_string(acc->username));
    json_object_set_new(j, "acct", json_string(acc->acct));
    json_object_set_new(j, "display_name", json_string(acc->display_name ? acc->display_name : ""));
    json_object_set_new(j, "locked", json_boolean(acc->locked));
    json_object_set_new(j, "bot", json_boolean(acc->bot));
    json_object_set_new(j, "discoverable", json_boolean(acc->discoverable));
    json_object_set_new(j, "indexable", json_boolean(acc->discoverable));
    json_object_set_new(j, "group",
                        json_boolean(acc->actor_type && !strcmp(acc->actor_type, "Group")));
    json_object_set_new(j, "created_at", time_json(acc->created_at));
    json_object_set_new(j, "note", json_string(acc->note ? acc->note : ""));
    json_object_set_new(j, "url", json_string(acc->url ? acc->url : acc->uri));
    json_object_set_new(j, "uri", json_string(acc->uri));
    json_object_set_new(j, "avatar", json_string(avatar));
    json_object_set_new(j, "avatar_static", json_string(avatar));
    json_object_set_new(j, "header", json_string(header));
    json_object_set_new(j, "header_static", json_string(header));
    json_object_set_new(
        j, "followers_count",
        json_integer(count_of(c,
                              "SELECT count(*) FROM follows WHERE target_account_id = ?"
                              " AND accepted = 1",
                              acc->id)));
    json_object_set_new(
        j, "following_count",
        json_integer(count_of(
            c, "SELECT count(*) FROM follows WHERE account_id = ? AND accepted = 1", acc->id)));
    json_object_set_new(j, "statuses_count",
                        json_integer(count_of(c,
                                              "SELECT count(*) FROM statuses WHERE account_id = ?"
                                              " AND deleted_at IS NULL AND visibility IN (0, 1, 2)",
                                              acc->id)));
    if (last) {
        char day[TIME_ISO_MAX];
        time_iso8601(last, day);
        day[10] = '\0'; /* Mastodon gives the date only */
        json_object_set_new(j, "last_status_at", json_string(day));
    } else {
        json_object_set_new(j, "last_status_at", json_null());
    }
    json_object_set_new(j, "noindex", json_boolean(!acc->discoverable));
    json_object_set_new(j, "emojis", json_array());
    json_object_set_new(j, "roles", json_array());
    json_object_set_new(j, "fields", fields);
    return j;
}

/*
 * Account entities built during one request, by id: a timeline names the
 * same authors again and again, and each costs several queries.
 */
#define ACCOUNT_CACHE 64

struct account_cache {
    int64_t ids[ACCOUNT_CACHE];
    json_t *json[ACCOUNT_CACHE];
    size_t n;
};

static void account_cache_free(void *p)
{
    struct account_cache *ac = p;
    for (size_t i = 0; i < ac->n; i++)
        json_decref(ac->json[i]);
}

json_t *api_account_json_id(struct req *req, struct db_conn *c, int64_t id)
{
    struct account_cache *ac = req->scratch;
    if (!ac) {
        ac = arena_zalloc(req->arena, sizeof(*ac));
        arena_defer(req->arena, account_cache_free, ac);
        req->scratch = ac;
    }
    for (size_t i = 0; i < ac->n; i++)
        if (ac->ids[i] == id)
            return json_deep_copy(ac->json[i]);
    struct account *acc;
    if (account_get(c, req->arena, id, &acc) != 0)
        return NULL;
    json_t *j = api_account_json(req, c, acc);
    if (j && ac->n < ACCOUNT_CACHE) {
        ac->ids[ac->n] = id;
        /* A copy: callers may change what they get (verify_credentials adds "source"). */
        ac->json[ac->n] = json_deep_copy(j);
        ac->n++;
    }
    return j;
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
    json_object_set_new(source, "privacy", json_string(visibility_name(privacy)));
    json_object_set_new(source, "sensitive", json_boolean(sensitive));
    json_object_set_new(source, "language", str_or_null(language));
    json_object_set_new(source, "note", json_string(note));
    json_object_set_new(source, "fields", json_deep_copy(json_object_get(j, "fields")));
    json_object_set(source, "indexable", json_object_get(j, "indexable"));
    json_object_set(source, "discoverable", json_object_get(j, "discoverable"));
    json_object_set_new(source, "hide_collections", json_false());
    json_object_set_new(source, "attribution_domains", json_array());
    json_object_set_new(
        source, "follow_requests_count",
        json_integer(count_of(
            c, "SELECT count(*) FROM follows WHERE target_account_id = ? AND accepted = 0", id)));
    json_object_set_new(j, "source", source);
    /* Mastodon's role entity; permissions are its bit flags (1: administrator,
     * 331676: reports, blocks, users and invites, 65536: inviting only). */
    enum user_role role = USER_ROLE_MEMBER;
    user_role(c, id, &role);
    static const struct {
        const char *id, *name, *permissions;
        int highlighted;
    } roles[] = {
        {"-99", "", "65536", 0},
        {"1", "Moderator", "331676", 1},
        {"2", "Admin", "1", 1},
        {"3", "Owner", "1", 1},
    };
    unsigned r = (unsigned)role < 4 ? (unsigned)role : 0;
    json_object_set_new(j, "role",
                        json_pack("{s:s, s:s, s:s, s:s, s:b}", "id", roles[r].id, "name",
                                  roles[r].name, "color", "", "permissions", roles[r].permissions,
                                  "highlighted", roles[r].highlighted));
    return j;
}

/* A status entity without its reblog (filled by the caller). */
static json_t *status_body(struct req *req, struct db_conn *c, const struct status *st,
                           int64_t viewer)
{
    json_t *account = api_account_json_id(req, c, st->account_id);
    if (!account)
        return NULL;
    struct status_counts counts;
    if (status_counts(c, st->id, viewer, &counts) != 0)
        memset(&counts, 0, sizeof(counts));
    json_t *j = json_object();
    json_object_set_new(j, "id", id_json(st->id));
    json_object_set_new(j, "uri", json_string(st->uri));
    json_object_set_new(j, "url", str_or_null(st->url));
    json_object_set_new(j, "created_at", time_json(st->created_at));
    json_object_set_new(j, "account", account);
    json_object_set_new(j, "content", json_string(st->content ? st->content : ""));
    enum status_visibility vis = st->visibility;
    /* Local-only and neighborhood posts look like public ones to apps that know no more,
     * with local_only (Hometown, glitch-soc) and visibility_ex telling the truth. */
    const char *vis_name =
        vis == VIS_LOCAL || vis == VIS_NEIGHBORHOOD ? "public" : visibility_name(vis);
    json_object_set_new(j, "visibility", json_string(vis_name));
    json_object_set_new(j, "visibility_ex", json_string(visibility_name(vis)));
    json_object_set_new(j, "local_only", json_boolean(vis == VIS_LOCAL));
    json_object_set_new(j, "sensitive", json_boolean(st->sensitive));
    json_object_set_new(j, "spoiler_text", json_string(st->spoiler_text ? st->spoiler_text : ""));
    json_object_set_new(j, "media_attachments", api_status_media_json(req, c, st->id));
    json_object_set_new(j, "application", json_null());
    json_t *mentions = json_array();
    int64_t *mids;
    size_t nm = 0;
    if (status_mentions(c, req->arena, st->id, &mids, &nm) == 0) {
        for (size_t i = 0; i < nm; i++) {
            struct account *m;
            if (account_get(c, req->arena, mids[i], &m) != 0)
                continue;
            json_array_append_new(mentions, json_pack("{s:o, s:s, s:s, s:s}", "id", id_json(m->id),
                                                      "username", m->username, "url",
                                                      m->url ? m->url : m->uri, "acct", m->acct));
        }
    }
    json_object_set_new(j, "mentions", mentions);
    json_t *tags = json_array();
    const char **names;
    size_t nt = 0;
    struct core *core = req->app;
    if (status_tags(c, req->arena, st->id, &names, &nt) == 0) {
        for (size_t i = 0; i < nt; i++)
            json_array_append_new(
                tags, json_pack("{s:s, s:s}", "name", names[i], "url",
                                arena_printf(req->arena, "%s/tags/%s", core->base_url, names[i])));
    }
    json_object_set_new(j, "tags", tags);
    json_object_set_new(j, "emojis", json_array());
    json_object_set_new(j, "reblogs_count", json_integer(counts.reblogs));
    json_object_set_new(j, "favourites_count", json_integer(counts.favourites));
    json_object_set_new(j, "replies_count", json_integer(counts.replies));
    json_object_set_new(j, "in_reply_to_id", id_or_null(st->in_reply_to_id));
    json_object_set_new(j, "in_reply_to_account_id", id_or_null(st->in_reply_to_account_id));
    json_object_set_new(j, "reblog", json_null());
    json_object_set_new(j, "poll", json_null());
    json_object_set_new(j, "card", json_null());
    json_object_set_new(j, "language", str_or_null(st->language));
    json_object_set_new(j, "text", json_null());
    json_object_set_new(j, "edited_at", st->edited_at ? time_json(st->edited_at) : json_null());
    if (viewer) {
        json_object_set_new(j, "favourited", json_boolean(counts.favourited));
        json_object_set_new(j, "reblogged", json_boolean(counts.reblogged));
        json_object_set_new(j, "muted", json_false());
        json_object_set_new(j, "bookmarked", json_boolean(counts.bookmarked));
        json_object_set_new(j, "pinned", json_false());
        json_object_set_new(j, "filtered", json_array());
    }
    return j;
}

json_t *api_status_json(struct req *req, struct db_conn *c, int64_t id)
{
    struct viewer v = api_viewer(req);
    if (visibility_may_see(c, &v, id) != 1)
        return NULL;
    struct status *st;
    if (status_get(c, req->arena, id, &st) != 0)
        return NULL;
    json_t *j = status_body(req, c, st, v.account_id);
    if (!j)
        return NULL;
    if (st->reblog_of_id) {
        struct status *orig;
        if (status_get(c, req->arena, st->reblog_of_id, &orig) != 0) {
            json_decref(j);
            return NULL;
        }
        json_t *inner = status_body(req, c, orig, v.account_id);
        if (!inner) {
            json_decref(j);
            return NULL;
        }
        json_object_set_new(j, "reblog", inner);
        /* A boost shows the original's counts and the viewer's own flags on it. */
        json_object_set_new(j, "content", json_string(""));
    }
    return j;
}

json_t *api_statuses_json(struct req *req, struct db_conn *c, const int64_t *ids, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *j = api_status_json(req, c, ids[i]);
        if (j)
            json_array_append_new(arr, j);
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
    json_object_set_new(j, "id", id_json(nt->id));
    json_object_set_new(j, "type", json_string(notification_type_name(nt->type)));
    json_object_set_new(j, "created_at", time_json(nt->created_at));
    json_object_set_new(j, "group_key",
                        json_string(arena_printf(req->arena, "ungrouped-%lld", (long long)nt->id)));
    json_object_set_new(j, "account", acc);
    json_object_set_new(j, "status", st ? st : json_null());
    return j;
}

json_t *api_relationship_json(struct req *req, struct db_conn *c, int64_t me, int64_t other)
{
    (void)req;
    struct relationship r;
    if (follow_relationship(c, me, other, &r) != 0)
        memset(&r, 0, sizeof(r));
    json_t *j = json_object();
    json_object_set_new(j, "id", id_json(other));
    json_object_set_new(j, "following", json_boolean(r.following));
    json_object_set_new(j, "showing_reblogs", json_boolean(r.showing_reblogs));
    json_object_set_new(j, "notifying", json_boolean(r.notifying));
    json_object_set_new(j, "languages", json_null());
    json_object_set_new(j, "followed_by", json_boolean(r.followed_by));
    json_object_set_new(j, "blocking", json_boolean(r.blocking));
    json_object_set_new(j, "blocked_by", json_boolean(r.blocked_by));
    json_object_set_new(j, "muting", json_boolean(r.muting));
    json_object_set_new(j, "muting_notifications", json_boolean(r.muting_notifications));
    json_object_set_new(j, "requested", json_boolean(r.requested));
    json_object_set_new(j, "requested_by", json_boolean(r.requested_by));
    json_object_set_new(j, "domain_blocking", json_false());
    json_object_set_new(j, "endorsed", json_false());
    json_object_set_new(j, "note", json_string(""));
    return j;
}
