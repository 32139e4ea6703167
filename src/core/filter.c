/*
 * filter: a member's filters (see filter.h).
 */
#include "core/filter.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "core/core.h"
#include "core/events.h"
#include "core/tx.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"
#include "util/timeutil.h"
#include "util/utf8.h"

static const char *const context_names[] = {"home", "notifications", "public", "thread", "account"};
#define N_CONTEXTS (sizeof(context_names) / sizeof(context_names[0]))

unsigned filter_context_parse(const char *name)
{
    for (size_t i = 0; i < N_CONTEXTS; i++)
        if (!strcmp(name, context_names[i]))
            return 1u << i;
    return 0;
}

size_t filter_context_names(unsigned contexts, const char **out)
{
    size_t n = 0;
    for (size_t i = 0; i < N_CONTEXTS; i++)
        if (contexts & (1u << i))
            out[n++] = context_names[i];
    return n;
}

static const char *contexts_text(struct arena *a, unsigned contexts)
{
    const char *names[N_CONTEXTS];
    size_t n = filter_context_names(contexts, names);
    const char *t = "";
    for (size_t i = 0; i < n; i++)
        t = arena_printf(a, "%s%s%s", t, i ? "," : "", names[i]);
    return t;
}

static unsigned contexts_parse_text(const char *t)
{
    unsigned bits = 0;
    char one[32];
    while (t && *t) {
        const char *end = strchr(t, ',');
        size_t len = end ? (size_t)(end - t) : strlen(t);
        if (len < sizeof(one)) {
            memcpy(one, t, len);
            one[len] = '\0';
            bits |= filter_context_parse(one);
        }
        t = end ? end + 1 : NULL;
    }
    return bits;
}

static int check_keyword(const char *k, const char **why)
{
    size_t n = k ? strlen(k) : 0;
    if (n == 0 || n > FILTER_KEYWORD_MAX || !utf8_valid(k, n)) {
        *why = "keyword must be 1 to 512 bytes of text";
        return E_INVAL;
    }
    return 0;
}

static int check_input(const struct filter_input *in, int creating, const char **why)
{
    if (creating && (!in->title || !*in->title)) {
        *why = "title can't be blank";
        return E_INVAL;
    }
    if (in->title && (!*in->title || strlen(in->title) > FILTER_TITLE_MAX ||
                      !utf8_valid(in->title, strlen(in->title)))) {
        *why = "title must be 1 to 256 bytes of text";
        return E_INVAL;
    }
    if (creating && !in->contexts) {
        *why = "context must name at least one of home, notifications, public, thread, account";
        return E_INVAL;
    }
    if (in->action && strcmp(in->action, "warn") && strcmp(in->action, "hide") &&
        strcmp(in->action, "blur")) {
        *why = "filter_action must be warn, hide or blur";
        return E_INVAL;
    }
    if (in->expires_in < -1) {
        *why = "expires_in must be a number of seconds";
        return E_INVAL;
    }
    if (in->n_add > FILTER_KEYWORDS_MAX) {
        *why = "too many keywords";
        return E_LIMIT;
    }
    for (size_t i = 0; i < in->n_add; i++)
        if (check_keyword(in->add_keywords[i], why))
            return E_INVAL;
    return 0;
}

/* Ends a change to the member's filters: her streams hear filters_changed once it commits. */
static int filters_end(struct db_conn *c, int64_t account, int rc)
{
    if (rc == 0)
        events_defer(EVENT_FILTERS_CHANGED, 0, account);
    return core_tx_end(c, rc);
}

/* 0 when the filter is the member's, E_NOTFOUND otherwise. */
static int owned(struct db_conn *c, int64_t account, int64_t filter_id)
{
    struct db_stmt *s;
    int rc = db_prepare(c, "SELECT 1 FROM filters WHERE id = ? AND account_id = ?", &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, filter_id);
    db_bind_i64(s, 2, account);
    rc = db_step(s);
    db_stmt_done(s);
    return rc == DB_ROW ? 0 : rc < 0 ? rc : E_NOTFOUND;
}

static int insert_keyword(struct db_conn *c, int64_t filter_id, const char *k, int whole,
                          int64_t *id)
{
    struct db_stmt *s;
    int rc = db_prepare(c,
                        "INSERT INTO filter_keywords (id, filter_id, keyword, whole_word)"
                        " VALUES (?, ?, ?, ?)",
                        &s);
    if (rc)
        return rc;
    int64_t kid = id_next();
    db_bind_i64(s, 1, kid);
    db_bind_i64(s, 2, filter_id);
    db_bind_text(s, 3, k);
    db_bind_i64(s, 4, whole != 0);
    rc = db_step(s);
    db_stmt_done(s);
    if (rc >= 0 && id)
        *id = kid;
    return rc < 0 ? rc : 0;
}

static int apply_keywords(struct db_conn *c, int64_t filter_id, const struct filter_input *in)
{
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < in->n_destroy; i++) {
        struct db_stmt *s;
        rc = db_prepare(c, "DELETE FROM filter_keywords WHERE id = ? AND filter_id = ?", &s);
        if (rc)
            break;
        db_bind_i64(s, 1, in->destroy_keywords[i]);
        db_bind_i64(s, 2, filter_id);
        rc = db_step(s);
        db_stmt_done(s);
        rc = rc < 0 ? rc : 0;
    }
    for (size_t i = 0; rc == 0 && i < in->n_add; i++)
        rc = insert_keyword(c, filter_id, in->add_keywords[i],
                            in->add_whole_word ? in->add_whole_word[i] : 1, NULL);
    return rc;
}

int filter_create(const struct core *core, int64_t account, const struct filter_input *in,
                  int64_t *id, const char **why)
{
    *why = NULL;
    int rc = check_input(in, 1, why);
    if (rc)
        return rc;
    struct arena *a = arena_new();
    struct db_conn *c = NULL;
    rc = core_tx_begin(core, &c);
    if (rc)
        goto out;
    struct db_stmt *s;
    rc = db_prepare(c, "SELECT count(*) FROM filters WHERE account_id = ?", &s);
    if (rc)
        goto out;
    db_bind_i64(s, 1, account);
    int64_t have = db_step(s) == DB_ROW ? db_col_i64(s, 0) : 0;
    db_stmt_done(s);
    if (have >= FILTER_MAX) {
        *why = "too many filters";
        rc = E_LIMIT;
        goto out;
    }
    int64_t fid = id_next(), now = time_now_ms();
    rc = db_prepare(c,
                    "INSERT INTO filters (id, account_id, title, contexts, action, expires_at,"
                    " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    &s);
    if (rc)
        goto out;
    db_bind_i64(s, 1, fid);
    db_bind_i64(s, 2, account);
    db_bind_text(s, 3, in->title);
    db_bind_text(s, 4, contexts_text(a, in->contexts));
    db_bind_text(s, 5, in->action ? in->action : "warn");
    if (in->expires_in > 0)
        db_bind_i64(s, 6, now + in->expires_in * 1000);
    else
        db_bind_null(s, 6);
    db_bind_i64(s, 7, now);
    rc = db_step(s);
    db_stmt_done(s);
    if (rc < 0)
        goto out;
    rc = apply_keywords(c, fid, in);
    if (rc == 0)
        *id = fid;
out:
    rc = filters_end(c, account, rc);
    arena_free(a);
    return rc;
}

int filter_update(const struct core *core, int64_t account, int64_t id,
                  const struct filter_input *in, const char **why)
{
    *why = NULL;
    int rc = check_input(in, 0, why);
    if (rc)
        return rc;
    struct arena *a = arena_new();
    struct db_conn *c = NULL;
    rc = core_tx_begin(core, &c);
    if (rc == 0)
        rc = owned(c, account, id);
    if (rc)
        goto out;
    struct db_stmt *s;
    rc = db_prepare(c,
                    "UPDATE filters SET title = COALESCE(?, title),"
                    " contexts = COALESCE(?, contexts), action = COALESCE(?, action),"
                    " expires_at = CASE WHEN ? = 0 THEN expires_at WHEN ? < 0 THEN NULL"
                    " ELSE ? END WHERE id = ?",
                    &s);
    if (rc)
        goto out;
    db_bind_text(s, 1, in->title);
    db_bind_text(s, 2, in->contexts ? contexts_text(a, in->contexts) : NULL);
    db_bind_text(s, 3, in->action);
    db_bind_i64(s, 4, in->expires_in);
    db_bind_i64(s, 5, in->expires_in);
    db_bind_i64(s, 6, time_now_ms() + (in->expires_in > 0 ? in->expires_in * 1000 : 0));
    db_bind_i64(s, 7, id);
    rc = db_step(s);
    db_stmt_done(s);
    if (rc >= 0)
        rc = apply_keywords(c, id, in);
out:
    rc = filters_end(c, account, rc);
    arena_free(a);
    return rc < 0 ? rc : 0;
}

/* Runs "DELETE ... WHERE id = ?" on a row whose filter the member owns. */
static int delete_owned(const struct core *core, int64_t account, const char *sql, int64_t id)
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
    return filters_end(c, account, rc);
}

int filter_delete(const struct core *core, int64_t account, int64_t id)
{
    return delete_owned(core, account, "DELETE FROM filters WHERE id = ? AND account_id = ?", id);
}

int filter_keyword_delete(const struct core *core, int64_t account, int64_t id)
{
    return delete_owned(core, account,
                        "DELETE FROM filter_keywords WHERE id = ? AND filter_id IN"
                        " (SELECT id FROM filters WHERE account_id = ?)",
                        id);
}

int filter_status_delete(const struct core *core, int64_t account, int64_t id)
{
    return delete_owned(core, account,
                        "DELETE FROM filter_statuses WHERE id = ? AND filter_id IN"
                        " (SELECT id FROM filters WHERE account_id = ?)",
                        id);
}

int filter_keyword_add(const struct core *core, int64_t account, int64_t filter_id,
                       const char *keyword, int whole_word, int64_t *id, const char **why)
{
    *why = NULL;
    if (check_keyword(keyword, why))
        return E_INVAL;
    struct db_conn *c = NULL;
    int rc = core_tx_begin(core, &c);
    if (rc == 0)
        rc = owned(c, account, filter_id);
    if (rc == 0)
        rc = insert_keyword(c, filter_id, keyword, whole_word, id);
    return filters_end(c, account, rc);
}

int filter_keyword_update(const struct core *core, int64_t account, int64_t id, const char *keyword,
                          int whole_word, const char **why)
{
    *why = NULL;
    if (keyword && check_keyword(keyword, why))
        return E_INVAL;
    struct db_conn *c = NULL;
    int rc = core_tx_begin(core, &c);
    if (rc)
        goto out;
    struct db_stmt *s;
    rc = db_prepare(c,
                    "UPDATE filter_keywords SET keyword = COALESCE(?, keyword),"
                    " whole_word = CASE WHEN ? < 0 THEN whole_word ELSE ? END WHERE id = ?"
                    " AND filter_id IN (SELECT id FROM filters WHERE account_id = ?)",
                    &s);
    if (rc)
        goto out;
    db_bind_text(s, 1, keyword);
    db_bind_i64(s, 2, whole_word);
    db_bind_i64(s, 3, whole_word);
    db_bind_i64(s, 4, id);
    db_bind_i64(s, 5, account);
    rc = db_step(s);
    db_stmt_done(s);
    if (rc >= 0)
        rc = db_changes(c) ? 0 : E_NOTFOUND;
out:
    return filters_end(c, account, rc);
}

int filter_status_add(const struct core *core, int64_t account, int64_t filter_id,
                      int64_t status_id, int64_t *id)
{
    struct db_conn *c = NULL;
    int rc = core_tx_begin(core, &c);
    if (rc == 0)
        rc = owned(c, account, filter_id);
    if (rc)
        goto out;
    struct db_stmt *s;
    rc = db_prepare(c, "SELECT 1 FROM statuses WHERE id = ? AND deleted_at IS NULL", &s);
    if (rc)
        goto out;
    db_bind_i64(s, 1, status_id);
    int exists = db_step(s) == DB_ROW;
    db_stmt_done(s);
    if (!exists) {
        rc = E_NOTFOUND;
        goto out;
    }
    int64_t sid = id_next();
    rc = db_prepare(c, "INSERT INTO filter_statuses (id, filter_id, status_id) VALUES (?, ?, ?)",
                    &s);
    if (rc)
        goto out;
    db_bind_i64(s, 1, sid);
    db_bind_i64(s, 2, filter_id);
    db_bind_i64(s, 3, status_id);
    rc = db_step(s);
    db_stmt_done(s);
    if (rc >= 0)
        *id = sid;
out:
    return filters_end(c, account, rc < 0 ? rc : 0);
}

int filter_keyword_get(struct db_conn *c, struct arena *a, int64_t account, int64_t id,
                       struct filter_keyword **out)
{
    struct db_stmt *s;
    int rc = db_prepare(c,
                        "SELECT k.id, k.filter_id, k.keyword, k.whole_word FROM filter_keywords k"
                        " JOIN filters f ON f.id = k.filter_id WHERE k.id = ? AND f.account_id = ?",
                        &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, id);
    db_bind_i64(s, 2, account);
    rc = db_step(s);
    if (rc == DB_ROW) {
        struct filter_keyword *k = arena_zalloc(a, sizeof(*k));
        k->id = db_col_i64(s, 0);
        k->filter_id = db_col_i64(s, 1);
        k->keyword = arena_strdup(a, db_col_text(s, 2));
        k->whole_word = (int)db_col_i64(s, 3);
        *out = k;
    }
    db_stmt_done(s);
    return rc == DB_ROW ? 0 : rc < 0 ? rc : E_NOTFOUND;
}

int filter_status_get(struct db_conn *c, struct arena *a, int64_t account, int64_t id,
                      struct filter_status **out)
{
    struct db_stmt *s;
    int rc = db_prepare(c,
                        "SELECT fs.id, fs.filter_id, fs.status_id FROM filter_statuses fs"
                        " JOIN filters f ON f.id = fs.filter_id WHERE fs.id = ?"
                        " AND f.account_id = ?",
                        &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, id);
    db_bind_i64(s, 2, account);
    rc = db_step(s);
    if (rc == DB_ROW) {
        struct filter_status *f = arena_zalloc(a, sizeof(*f));
        f->id = db_col_i64(s, 0);
        f->filter_id = db_col_i64(s, 1);
        f->status_id = db_col_i64(s, 2);
        *out = f;
    }
    db_stmt_done(s);
    return rc == DB_ROW ? 0 : rc < 0 ? rc : E_NOTFOUND;
}

/* Fills keywords and statuses of the filters read. */
static int fill(struct db_conn *c, struct arena *a, struct filter *list, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct filter *f = &list[i];
        struct db_stmt *s;
        int rc = db_prepare(c,
                            "SELECT id, keyword, whole_word FROM filter_keywords"
                            " WHERE filter_id = ? ORDER BY id LIMIT ?",
                            &s);
        if (rc)
            return rc;
        db_bind_i64(s, 1, f->id);
        db_bind_i64(s, 2, FILTER_KEYWORDS_MAX);
        f->keywords = arena_alloc(a, FILTER_KEYWORDS_MAX * sizeof(*f->keywords));
        while (f->n_keywords < FILTER_KEYWORDS_MAX && db_step(s) == DB_ROW) {
            struct filter_keyword *k = &f->keywords[f->n_keywords++];
            k->id = db_col_i64(s, 0);
            k->filter_id = f->id;
            k->keyword = arena_strdup(a, db_col_text(s, 1));
            k->whole_word = (int)db_col_i64(s, 2);
        }
        db_stmt_done(s);
        rc = db_prepare(c,
                        "SELECT id, status_id FROM filter_statuses WHERE filter_id = ?"
                        " ORDER BY id LIMIT ?",
                        &s);
        if (rc)
            return rc;
        db_bind_i64(s, 1, f->id);
        db_bind_i64(s, 2, FILTER_KEYWORDS_MAX);
        f->statuses = arena_alloc(a, FILTER_KEYWORDS_MAX * sizeof(*f->statuses));
        while (f->n_statuses < FILTER_KEYWORDS_MAX && db_step(s) == DB_ROW) {
            struct filter_status *st = &f->statuses[f->n_statuses++];
            st->id = db_col_i64(s, 0);
            st->filter_id = f->id;
            st->status_id = db_col_i64(s, 1);
        }
        db_stmt_done(s);
    }
    return 0;
}

static int read_filters(struct db_conn *c, struct arena *a, const char *sql, int64_t account,
                        int64_t second, struct filter **out, size_t *n)
{
    struct db_stmt *s;
    int rc = db_prepare(c, sql, &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, account);
    db_bind_i64(s, 2, second);
    struct filter *list = arena_zalloc(a, FILTER_MAX * sizeof(*list));
    size_t count = 0;
    while (count < FILTER_MAX && (rc = db_step(s)) == DB_ROW) {
        struct filter *f = &list[count++];
        f->id = db_col_i64(s, 0);
        f->title = arena_strdup(a, db_col_text(s, 1));
        f->contexts = contexts_parse_text(db_col_text(s, 2));
        f->action = arena_strdup(a, db_col_text(s, 3));
        f->expires_at = db_col_i64(s, 4);
    }
    db_stmt_done(s);
    if (rc < 0)
        return rc;
    rc = fill(c, a, list, count);
    if (rc)
        return rc;
    *out = list;
    *n = count;
    return 0;
}

int filter_get(struct db_conn *c, struct arena *a, int64_t account, int64_t id, struct filter **out)
{
    size_t n = 0;
    int rc = read_filters(c, a,
                          "SELECT id, title, contexts, action, COALESCE(expires_at, 0)"
                          " FROM filters WHERE account_id = ? AND id = ?",
                          account, id, out, &n);
    return rc ? rc : n ? 0 : E_NOTFOUND;
}

int filter_list(struct db_conn *c, struct arena *a, int64_t account, struct filter **out, size_t *n)
{
    return read_filters(c, a,
                        "SELECT id, title, contexts, action, COALESCE(expires_at, 0)"
                        " FROM filters WHERE account_id = ? AND ? = 0 ORDER BY id",
                        account, 0, out, n);
}

int filter_load(struct db_conn *c, struct arena *a, int64_t account, struct filter **out, size_t *n)
{
    return read_filters(c, a,
                        "SELECT id, title, contexts, action, COALESCE(expires_at, 0)"
                        " FROM filters WHERE account_id = ? AND (expires_at IS NULL"
                        " OR expires_at > ?) ORDER BY id",
                        account, time_now_ms(), out, n);
}

static int word_byte(unsigned char ch)
{
    return ch >= 0x80 || isalnum(ch) || ch == '_';
}

/* Case-insensitive (ASCII) search for k in text, at word boundaries when whole. */
static int contains(const char *text, const char *k, int whole)
{
    size_t tn = strlen(text), kn = strlen(k);
    if (!kn || kn > tn)
        return 0;
    for (size_t i = 0; i + kn <= tn; i++) {
        if (strncasecmp(text + i, k, kn))
            continue;
        if (!whole)
            return 1;
        int left =
            i == 0 || !word_byte((unsigned char)text[i - 1]) || !word_byte((unsigned char)k[0]);
        int right = i + kn == tn || !word_byte((unsigned char)text[i + kn]) ||
                    !word_byte((unsigned char)k[kn - 1]);
        if (left && right)
            return 1;
    }
    return 0;
}

size_t filter_match(const struct filter *filters, size_t n, unsigned context, int64_t status_id,
                    const char *text, const char *spoiler, int *matched, const char **keyword)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++) {
        const struct filter *f = &filters[i];
        matched[i] = 0;
        keyword[i] = NULL;
        if (!(f->contexts & context))
            continue;
        for (size_t k = 0; k < f->n_keywords && !matched[i]; k++) {
            const struct filter_keyword *kw = &f->keywords[k];
            if ((text && contains(text, kw->keyword, kw->whole_word)) ||
                (spoiler && contains(spoiler, kw->keyword, kw->whole_word))) {
                matched[i] = 1;
                keyword[i] = kw->keyword;
            }
        }
        for (size_t k = 0; k < f->n_statuses && !matched[i]; k++)
            matched[i] = f->statuses[k].status_id == status_id;
        count += matched[i] != 0;
    }
    return count;
}
