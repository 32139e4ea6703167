/*
 * ap/object: statuses as ActivityStreams objects and activities, and the
 * helpers every ActivityPub handler shares (content negotiation, answers).
 * Everything is built in the request's arena or as jansson references the
 * caller owns.
 */
#include <string.h>
#include <strings.h>

#include "ap/event.h"
#include "ap/internal.h"
#include "core/account.h"
#include "core/core.h"
#include "core/media.h"
#include "core/neighborhood.h"
#include "core/poll.h"
#include "core/status.h"
#include "core/visibility.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/timeutil.h"

int ap_wants_json(struct req *req)
{
    const char *accept = req_header(req, "Accept");
    if (!accept)
        return 0;
    /* Any listed ActivityStreams type wins, whatever its q: peers list several. */
    return strcasestr(accept, "application/activity+json") != NULL ||
           strcasestr(accept, "application/ld+json") != NULL;
}

json_t *ap_with_context(json_t *body)
{
    json_t *ctx =
        json_pack("[s, s, s, {s:s, s:s, s:s, s:{s:s, s:s}, s:s, s:s, s:s, s:s}]",
                  "https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1",
                  "https://w3id.org/security/multikey/v1", "manuallyApprovesFollowers",
                  "as:manuallyApprovesFollowers", "toot", "http://joinmastodon.org/ns#", "schema",
                  "http://schema.org#", "featured", "@id", "toot:featured", "@type", "@id",
                  "discoverable", "toot:discoverable", "indexable", "toot:indexable",
                  "PropertyValue", "schema:PropertyValue", "value", "schema:value");
    /* @context first, as peers print it. */
    json_t *out = json_object();
    json_object_set_new(out, "@context", ctx);
    json_object_update(out, body);
    json_decref(body);
    return out;
}

void ap_answer(struct req *req, struct resp *resp, json_t *body)
{
    if (!body) {
        ap_fail(req, resp, E_NOTFOUND);
        return;
    }
    resp_json(req, resp, 200, ap_with_context(body));
    resp->content_type = AP_CONTENT_TYPE;
    resp_header_add(req, resp, "Vary", "Accept");
}

void ap_fail(struct req *req, struct resp *resp, int rc)
{
    switch (rc) {
    case E_NOTFOUND:
    case E_FORBIDDEN:
        /* Invisible and missing look alike: nothing leaks by the status. */
        resp_error(req, resp, 404, "Not found");
        break;
    case E_INVAL:
        resp_error(req, resp, 400, "The request is malformed");
        break;
    case E_BUSY:
        resp_error(req, resp, 503, "The server is busy, try again");
        break;
    default:
        resp_error(req, resp, resp_status_for_err(rc), err_str(rc));
        break;
    }
}

static json_t *time_json(struct arena *a, int64_t ms)
{
    char buf[TIME_ISO_MAX];
    return json_string(arena_strdup(a, time_iso8601(ms, buf)));
}

/* The followers collection of an actor (local accounts have one; a remote one, its own). */
static const char *followers_of(struct arena *a, const struct account *author)
{
    return arena_printf(a, "%s/followers", author->uri);
}

json_t *ap_note_json(const struct core *core, struct arena *a, struct db_conn *c,
                     const struct status *st, const struct account *author)
{
    json_t *to = json_array(), *cc = json_array(), *tags = json_array();
    const char *followers = followers_of(a, author);
    switch (st->visibility) {
    case VIS_PUBLIC:
        json_array_append_new(to, json_string(AP_PUBLIC));
        json_array_append_new(cc, json_string(followers));
        break;
    case VIS_UNLISTED:
        json_array_append_new(to, json_string(followers));
        json_array_append_new(cc, json_string(AP_PUBLIC));
        break;
    case VIS_FOLLOWERS:
        json_array_append_new(to, json_string(followers));
        break;
    case VIS_NEIGHBORHOOD: /* to this server's neighborhood audience (FEDERATION.md) */
        json_array_append_new(to, json_string(neighborhood_audience(a, core->base_url)));
        break;
    default: /* direct; local posts are never sent */
        break;
    }
    int64_t *mentioned = NULL;
    size_t n_mentioned = 0;
    if (status_mentions(c, a, st->id, &mentioned, &n_mentioned) == 0) {
        for (size_t i = 0; i < n_mentioned; i++) {
            struct account *m;
            if (account_get(c, a, mentioned[i], &m) != 0)
                continue;
            const char *name = m->domain ? arena_printf(a, "@%s", m->acct)
                                         : arena_printf(a, "@%s@%s", m->username, core->domain);
            json_array_append_new(tags, json_pack("{s:s, s:s, s:s}", "type", "Mention", "href",
                                                  m->uri, "name", name));
            json_array_append_new(st->visibility == VIS_DIRECT ? to : cc, json_string(m->uri));
        }
    }
    const char **names = NULL;
    size_t n_tags = 0;
    if (status_tags(c, a, st->id, &names, &n_tags) == 0)
        for (size_t i = 0; i < n_tags; i++)
            json_array_append_new(tags,
                                  json_pack("{s:s, s:s, s:s}", "type", "Hashtag", "href",
                                            arena_printf(a, "%s/tags/%s", core->base_url, names[i]),
                                            "name", arena_printf(a, "#%s", names[i])));
    json_t *attachments = json_array();
    struct media *media = NULL;
    size_t n_media = 0;
    if (media_of_status(c, a, st->id, &media, &n_media) == 0)
        for (size_t i = 0; i < n_media; i++) {
            const struct media *m = &media[i];
            json_t *d = json_pack(
                "{s:s, s:s, s:s, s:o, s:i, s:i, s:[f, f]}", "type", "Document", "mediaType",
                m->content_type, "url", media_url(core, a, m->file_hash, m->file_ext), "name",
                m->description ? json_string(m->description) : json_null(), "width", m->width,
                "height", m->height, "focalPoint", m->focus_x / 1000.0, m->focus_y / 1000.0);
            if (m->blurhash && *m->blurhash)
                json_object_set_new(d, "blurhash", json_string(m->blurhash));
            json_array_append_new(attachments, d);
        }
    const char *reply_to = NULL;
    struct status *parent;
    if (st->in_reply_to_id && status_get(c, a, st->in_reply_to_id, &parent) == 0)
        reply_to = parent->uri;
    json_t *j = json_object();
    json_object_set_new(j, "id", json_string(st->uri));
    json_object_set_new(j, "type", json_string("Note"));
    json_object_set_new(j, "summary",
                        st->spoiler_text && *st->spoiler_text ? json_string(st->spoiler_text)
                                                              : json_null());
    json_object_set_new(j, "inReplyTo", reply_to ? json_string(reply_to) : json_null());
    json_object_set_new(j, "published", time_json(a, st->created_at));
    if (st->edited_at)
        json_object_set_new(j, "updated", time_json(a, st->edited_at));
    json_object_set_new(j, "url", json_string(st->url ? st->url : st->uri));
    json_object_set_new(j, "attributedTo", json_string(author->uri));
    json_object_set_new(j, "to", to);
    json_object_set_new(j, "cc", cc);
    if (st->visibility == VIS_NEIGHBORHOOD)
        json_object_set_new(j, "audience", json_string(neighborhood_audience(a, core->base_url)));
    json_object_set_new(j, "sensitive", json_boolean(st->sensitive));
    json_object_set_new(j, "content", json_string(st->content ? st->content : ""));
    if (st->language)
        json_object_set_new(j, "contentMap",
                            json_pack("{s:s}", st->language, st->content ? st->content : ""));
    json_object_set_new(j, "attachment", attachments);
    json_object_set_new(j, "tag", tags);
    /* A post with a poll is a Question; its choices carry their counts. */
    struct poll *poll;
    if (poll_get_by_status(c, a, st->id, &poll) == 0) {
        json_t *choices = json_array();
        for (size_t i = 0; i < poll->n_options; i++)
            json_array_append_new(choices, json_pack("{s:s, s:s, s:{s:s, s:I}}", "type", "Note",
                                                     "name", poll->options[i].title, "replies",
                                                     "type", "Collection", "totalItems",
                                                     (json_int_t)poll->options[i].votes_count));
        json_object_set_new(j, "type", json_string("Question"));
        json_object_set_new(j, poll->multiple ? "anyOf" : "oneOf", choices);
        if (poll->expires_at)
            json_object_set_new(j, "endTime", time_json(a, poll->expires_at));
        json_object_set_new(j, "votersCount", json_integer(poll->voters_count));
    }
    ap_event_object(core, a, c, st, j); /* a local event is an Event (ap/event.h) */
    return j;
}

json_t *ap_activity_json(const struct core *core, struct arena *a, struct db_conn *c,
                         const struct status *st, const struct account *author)
{
    if (st->reblog_of_id) {
        struct status *orig;
        struct account *orig_author;
        if (status_get(c, a, st->reblog_of_id, &orig) != 0 ||
            account_get(c, a, orig->account_id, &orig_author) != 0)
            return NULL;
        const char *followers = followers_of(a, author);
        /* A boost's own id already names its activity. A neighborhood post's boost stays in
         * the neighborhood: addressed to its audience, not to the public. */
        if (orig->visibility == VIS_NEIGHBORHOOD) {
            const char *audience = neighborhood_audience(a, core->base_url);
            return json_pack("{s:s, s:s, s:s, s:o, s:[s], s:[s], s:s, s:s}", "id", st->uri, "type",
                             "Announce", "actor", author->uri, "published",
                             time_json(a, st->created_at), "to", audience, "cc", orig_author->uri,
                             "audience", audience, "object", orig->uri);
        }
        return json_pack("{s:s, s:s, s:s, s:o, s:[s], s:[s, s], s:s}", "id", st->uri, "type",
                         "Announce", "actor", author->uri, "published",
                         time_json(a, st->created_at), "to", AP_PUBLIC, "cc", orig_author->uri,
                         followers, "object", orig->uri);
    }
    json_t *note = ap_note_json(core, a, c, st, author);
    if (!note)
        return NULL;
    json_t *j =
        json_pack("{s:s, s:s, s:s, s:o, s:O, s:O}", "id", arena_printf(a, "%s/activity", st->uri),
                  "type", "Create", "actor", author->uri, "published", time_json(a, st->created_at),
                  "to", json_object_get(note, "to"), "cc", json_object_get(note, "cc"));
    json_object_set_new(j, "object", note);
    return j;
}
