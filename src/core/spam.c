/*
 * spam: the spam-wave filter and the held queue (spam.h).
 */
#include "core/spam.h"

#include <string.h>
#include <stdlib.h>

#include <jansson.h>

#include "content/sanitize.h"
#include "core/audit.h"
#include "core/queue.h"
#include "core/tx.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"
#include "util/timeutil.h"

/* 1 when the HTML has a link that is not a mention or a hashtag. */
static int has_link(const char *html)
{
    for (const char *p = html; p && (p = strstr(p, "<a ")) != NULL; p += 3) {
        const char *end = strchr(p, '>');
        if (!end)
            return 0;
        size_t n = (size_t)(end - p);
        char tag[1024];
        if (n >= sizeof(tag))
            n = sizeof(tag) - 1;
        memcpy(tag, p, n);
        tag[n] = '\0';
        if (!strstr(tag, "href=\"http"))
            continue;
        if (strstr(tag, "mention") || strstr(tag, "hashtag"))
            continue;
        return 1;
    }
    return 0;
}

int spam_check(const struct core *core, int64_t author, const int64_t *mentions, size_t n,
               const char *content, int *hold, const char **reason)
{
    *hold = 0;
    *reason = NULL;
    if (!n || !has_link(content))
        return 0;
    struct db_conn *c;
    int rc = db_acquire(core->db, DB_READ, &c);
    if (rc)
        return rc;
    struct db_stmt *s;
    rc = db_prepare(c,
                    "SELECT a.created_at, a.domain IS NULL, EXISTS (SELECT 1 FROM follows f"
                    " JOIN accounts l ON l.id = f.account_id WHERE f.target_account_id = a.id"
                    " AND f.accepted = 1 AND l.domain IS NULL) FROM accounts a WHERE a.id = ?",
                    &s);
    if (rc)
        goto out;
    db_bind_i64(s, 1, author);
    int unknown = 0;
    if (db_step(s) == DB_ROW) {
        int64_t first_seen = db_col_i64(s, 0);
        int local = (int)db_col_i64(s, 1), followed = (int)db_col_i64(s, 2);
        unknown = !local && !followed &&
                  first_seen > time_now_ms() - (int64_t)SPAM_NEW_DAYS * 24 * 3600 * 1000;
    }
    db_stmt_done(s);
    if (!unknown)
        goto out;
    size_t members = 0, strangers = 0;
    for (size_t i = 0; i < n; i++) {
        rc = db_prepare(c,
                        "SELECT u.account_id, EXISTS (SELECT 1 FROM follows f WHERE"
                        " f.account_id = u.account_id AND f.target_account_id = ?"
                        " AND f.accepted = 1) FROM users u WHERE u.account_id = ?",
                        &s);
        if (rc)
            goto out;
        db_bind_i64(s, 1, author);
        db_bind_i64(s, 2, mentions[i]);
        if (db_step(s) == DB_ROW) {
            members++;
            strangers += db_col_i64(s, 1) == 0;
        }
        db_stmt_done(s);
    }
    if (members >= SPAM_MENTIONS) {
        *hold = 1;
        *reason = "a new account nobody here follows mentions many members, with a link";
    } else if (strangers) {
        *hold = 1;
        *reason = "a new account nobody here follows mentions a member who does not follow it,"
                  " with a link";
    }
out:
    db_release(c);
    return rc;
}

int spam_hold(const struct core *core, int64_t signer, const char *object_uri, const char *activity,
              const char *reason)
{
    struct db_conn *c;
    int rc = core_tx_begin(core, &c);
    if (rc)
        return rc;
    struct db_stmt *s;
    rc = db_prepare(c,
                    "INSERT INTO held_activities (id, account_id, object_uri, activity, reason,"
                    " created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (object_uri) DO NOTHING",
                    &s);
    if (rc)
        return core_tx_end(c, rc);
    db_bind_i64(s, 1, id_next());
    db_bind_i64(s, 2, signer);
    db_bind_text(s, 3, object_uri);
    db_bind_text(s, 4, activity);
    db_bind_text(s, 5, reason ? reason : "");
    db_bind_i64(s, 6, time_now_ms());
    rc = db_step(s) < 0 ? E_DB : 0;
    db_stmt_done(s);
    return core_tx_end(c, rc);
}

/* The post's text of a held activity, plain, for a moderator. */
static const char *held_text(struct arena *a, const char *activity)
{
    json_t *act = json_loads(activity, 0, NULL);
    if (!act)
        return "";
    const char *html =
        json_string_value(json_object_get(json_object_get(act, "object"), "content"));
    const char *text = "";
    if (html && sanitize_text(a, html, strlen(html), &text) != 0)
        text = "";
    json_decref(act);
    return text ? text : "";
}

int spam_list(struct db_conn *c, struct arena *a, size_t max, struct held_activity **out, size_t *n)
{
    struct db_stmt *s;
    int rc = db_prepare(c,
                        "SELECT h.id, h.account_id, a.username || '@' || coalesce(a.domain, ''),"
                        " h.object_uri, h.activity, h.reason, h.created_at FROM held_activities h"
                        " JOIN accounts a ON a.id = h.account_id ORDER BY h.id LIMIT ?",
                        &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, (int64_t)max);
    struct held_activity *v = arena_alloc(a, (max ? max : 1) * sizeof(*v));
    size_t k = 0;
    while (k < max && (rc = db_step(s)) == DB_ROW) {
        v[k].id = db_col_i64(s, 0);
        v[k].account_id = db_col_i64(s, 1);
        v[k].acct = arena_strdup(a, db_col_text(s, 2));
        v[k].object_uri = arena_strdup(a, db_col_text(s, 3));
        v[k].activity = arena_strdup(a, db_col_text(s, 4));
        v[k].reason = arena_strdup(a, db_col_text(s, 5));
        v[k].created_at = db_col_i64(s, 6);
        v[k].text = held_text(a, v[k].activity);
        k++;
    }
    db_stmt_done(s);
    *out = v;
    *n = k;
    return rc < 0 ? E_DB : 0;
}

int spam_decide(const struct core *core, int64_t actor, int64_t id, int release)
{
    struct db_conn *c;
    int rc = core_tx_begin(core, &c);
    if (rc)
        return rc;
    struct arena *a = arena_new();
    struct db_stmt *s;
    rc = db_prepare(c, "SELECT account_id, object_uri, activity FROM held_activities WHERE id = ?",
                    &s);
    if (rc)
        goto out;
    db_bind_i64(s, 1, id);
    rc = db_step(s);
    int64_t signer = 0;
    const char *uri = NULL, *activity = NULL;
    if (rc == DB_ROW) {
        signer = db_col_i64(s, 0);
        uri = arena_strdup(a, db_col_text(s, 1));
        activity = arena_strdup(a, db_col_text(s, 2));
        rc = 0;
    } else {
        rc = rc == DB_DONE ? E_NOTFOUND : E_DB;
    }
    db_stmt_done(s);
    if (rc)
        goto out;
    if (release) {
        /* The inbox job's payload, as the inbox writes it, marked past the filter. */
        json_t *payload = json_pack("{s:I, s:s, s:b}", "signer", (json_int_t)signer, "activity",
                                    activity, "released", 1);
        char *text = json_dumps(payload, JSON_COMPACT);
        json_decref(payload);
        rc = queue_add(c, "inbox", "", text, NULL, 0);
        free(text);
    }
    if (rc == 0)
        rc = db_prepare(c, "DELETE FROM held_activities WHERE id = ?", &s);
    if (rc == 0) {
        db_bind_i64(s, 1, id);
        rc = db_step(s) < 0 ? E_DB : 0;
        db_stmt_done(s);
    }
    if (rc == 0)
        rc = audit_add(c, actor, release ? "held_status.release" : "held_status.destroy",
                       "held_status", id, uri, NULL);
out:
    arena_free(a);
    return core_tx_end(c, rc);
}
