/*
 * conversation: per-member views of direct messages (see conversation.h).
 */
#include "core/conversation.h"

#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "core/events.h"
#include "core/tx.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"

int conversation_record(struct db_conn *c, int64_t status_id, int64_t author, int64_t thread_id)
{
    int64_t people[CONVERSATION_PARTICIPANTS_MAX + 1];
    int local[CONVERSATION_PARTICIPANTS_MAX + 1];
    size_t n = 0;
    struct db_stmt *s;
    int rc = db_prepare(c,
                        "SELECT a.id, EXISTS (SELECT 1 FROM users u WHERE u.account_id = a.id)"
                        " FROM accounts a WHERE a.id = ? OR a.id IN (SELECT account_id FROM"
                        " mentions WHERE status_id = ?) ORDER BY a.id LIMIT ?",
                        &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, author);
    db_bind_i64(s, 2, status_id);
    db_bind_i64(s, 3, CONVERSATION_PARTICIPANTS_MAX + 1);
    while (n < CONVERSATION_PARTICIPANTS_MAX + 1 && (rc = db_step(s)) == DB_ROW) {
        people[n] = db_col_i64(s, 0);
        local[n] = (int)db_col_i64(s, 1);
        n++;
    }
    db_stmt_done(s);
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < n; i++) {
        if (!local[i])
            continue;
        /* The others, in id order, as text. */
        char list[(CONVERSATION_PARTICIPANTS_MAX + 1) * (ID_STR_MAX + 1)];
        size_t len = 0;
        list[0] = '\0';
        for (size_t j = 0; j < n; j++) {
            if (j == i)
                continue;
            char one[ID_STR_MAX];
            int w = snprintf(list + len, sizeof(list) - len, "%s%s", len ? "," : "",
                             id_to_str(people[j], one));
            if (w > 0)
                len += (size_t)w;
        }
        rc = db_prepare(c,
                        "INSERT INTO conversations (id, account_id, thread_id, participants,"
                        " last_status_id, unread) VALUES (?, ?, ?, ?, ?, ?)"
                        " ON CONFLICT (account_id, thread_id) DO UPDATE SET"
                        " participants = excluded.participants,"
                        " last_status_id = excluded.last_status_id, unread = excluded.unread"
                        " RETURNING id",
                        &s);
        if (rc)
            return rc;
        db_bind_i64(s, 1, id_next());
        db_bind_i64(s, 2, people[i]);
        db_bind_i64(s, 3, thread_id);
        db_bind_text(s, 4, list);
        db_bind_i64(s, 5, status_id);
        db_bind_i64(s, 6, people[i] != author);
        rc = db_step(s);
        int64_t conversation = rc == DB_ROW ? db_col_i64(s, 0) : 0;
        db_stmt_done(s);
        if (rc < 0)
            return rc;
        /* Her direct stream hears of it once the transaction commits. */
        if (conversation)
            events_defer(EVENT_CONVERSATION, conversation, people[i]);
    }
    return 0;
}

static struct conversation *from_row(struct arena *a, struct db_stmt *s)
{
    struct conversation *cv = arena_zalloc(a, sizeof(*cv));
    cv->id = db_col_i64(s, 0);
    cv->last_status_id = db_col_i64(s, 1);
    cv->unread = (int)db_col_i64(s, 2);
    const char *p = db_col_text(s, 3);
    while (p && *p && cv->n_participants < CONVERSATION_PARTICIPANTS_MAX) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        char one[ID_STR_MAX];
        if (len < sizeof(one)) {
            memcpy(one, p, len);
            one[len] = '\0';
            int64_t id;
            if (id_from_str(one, &id) == 0)
                cv->participants[cv->n_participants++] = id;
        }
        p = end ? end + 1 : NULL;
    }
    return cv;
}

int conversation_list(struct db_conn *c, struct arena *a, int64_t account, const struct page *p,
                      struct conversation **out, size_t *n)
{
    int limit = p->limit <= 0                   ? TIMELINE_LIMIT_DEFAULT
                : p->limit > TIMELINE_LIMIT_MAX ? TIMELINE_LIMIT_MAX
                                                : p->limit;
    int asc = p->min_id != 0;
    struct db_stmt *s;
    int rc = db_prepare(c,
                        asc ? "SELECT id, last_status_id, unread, participants FROM conversations"
                              " WHERE account_id = ? AND last_status_id < ? AND last_status_id > ?"
                              " ORDER BY last_status_id ASC LIMIT ?"
                            : "SELECT id, last_status_id, unread, participants FROM conversations"
                              " WHERE account_id = ? AND last_status_id < ? AND last_status_id > ?"
                              " ORDER BY last_status_id DESC LIMIT ?",
                        &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, account);
    db_bind_i64(s, 2, p->max_id ? p->max_id : INT64_MAX);
    db_bind_i64(s, 3, asc ? p->min_id : p->since_id);
    db_bind_i64(s, 4, limit);
    struct conversation *list = arena_alloc(a, (size_t)limit * sizeof(*list));
    size_t count = 0;
    while (count < (size_t)limit && (rc = db_step(s)) == DB_ROW)
        list[count++] = *from_row(a, s);
    db_stmt_done(s);
    if (rc < 0)
        return rc;
    for (size_t i = 0; asc && i < count / 2; i++) {
        struct conversation t = list[i];
        list[i] = list[count - 1 - i];
        list[count - 1 - i] = t;
    }
    *out = list;
    *n = count;
    return 0;
}

int conversation_get(struct db_conn *c, struct arena *a, int64_t account, int64_t id,
                     struct conversation **out)
{
    struct db_stmt *s;
    int rc = db_prepare(c,
                        "SELECT id, last_status_id, unread, participants FROM conversations"
                        " WHERE id = ? AND account_id = ?",
                        &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, id);
    db_bind_i64(s, 2, account);
    rc = db_step(s);
    if (rc == DB_ROW)
        *out = from_row(a, s);
    db_stmt_done(s);
    return rc == DB_ROW ? 0 : rc < 0 ? rc : E_NOTFOUND;
}

static int change(const struct core *core, const char *sql, int64_t account, int64_t id)
{
    struct db_conn *c = NULL;
    int rc = core_tx_begin(core, &c);
    if (rc)
        goto out;
    struct db_stmt *s;
    rc = db_prepare(c, sql, &s);
    if (rc)
        goto out;
    db_bind_i64(s, 1, id);
    db_bind_i64(s, 2, account);
    rc = db_step(s);
    db_stmt_done(s);
    if (rc >= 0)
        rc = db_changes(c) ? 0 : E_NOTFOUND;
out:
    return core_tx_end(c, rc);
}

int conversation_read(const struct core *core, int64_t account, int64_t id)
{
    return change(core, "UPDATE conversations SET unread = 0 WHERE id = ? AND account_id = ?",
                  account, id);
}

int conversation_remove(const struct core *core, int64_t account, int64_t id)
{
    return change(core, "DELETE FROM conversations WHERE id = ? AND account_id = ?", account, id);
}
