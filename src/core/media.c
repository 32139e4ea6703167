/*
 * core/media: media attachments over the database, and the file store.
 *
 * Images are decoded and re-encoded (content/media.c) before anything is
 * written; files go to disk before the row that names them, so a row never
 * points at a missing file (a crash in between leaves an unnamed file for
 * the cleanup to find, never a broken attachment).
 */
#include "core/media.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "content/media.h"
#include "core/core.h"
#include "core/tx.h"
#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/id.h"
#include "util/limits.h"
#define LOG_MODULE "media"
#include "util/log.h"
#include "util/timeutil.h"
#include "util/utf8.h"

#define HASH_HEX (crypto_hash_sha256_BYTES * 2)

#define MEDIA_COLUMNS                                                                              \
    "id, account_id, COALESCE(status_id, 0), type, file_hash, file_ext, content_type, file_size,"  \
    " width, height, thumb_hash, thumb_ext, thumb_width, thumb_height, blurhash, focus_x,"         \
    " focus_y, description, created_at, remote_url, remote_preview_url"

static const struct {
    const char *ext, *type;
} file_types[] = {
    {"jpg", "image/jpeg"},
    {"png", "image/png"},
    {"webp", "image/webp"},
    {"gif", "image/gif"},
};

static const char *type_of_ext(const char *ext)
{
    for (size_t i = 0; i < sizeof(file_types) / sizeof(file_types[0]); i++) {
        if (!strcmp(file_types[i].ext, ext))
            return file_types[i].type;
    }
    return NULL;
}

/* One decimal from -1 to 1, in thousandths; *end past it. */
static int parse_coord(const char *s, char **end, int *out)
{
    errno = 0;
    double v = strtod(s, end);
    if (*end == s || errno || !isfinite(v) || v < -1.0 || v > 1.0)
        return E_INVAL;
    *out = (int)lround(v * MEDIA_FOCUS_SCALE);
    return 0;
}

int media_parse_focus(const char *s, int *x, int *y)
{
    char *end;
    if (!s || parse_coord(s, &end, x) || *end != ',' || parse_coord(end + 1, &end, y) || *end)
        return E_INVAL;
    return 0;
}

static int check_description(const char *d, const char **why)
{
    if (!d)
        return 0;
    size_t n = strlen(d);
    if (!utf8_valid(d, n) || utf8_count(d, n) > LIMIT_MEDIA_DESCRIPTION_CHARS) {
        *why = "description must be text of at most 1500 characters";
        return E_INVAL;
    }
    return 0;
}

static const char *file_path(const struct core *core, struct arena *a, const char *hash,
                             const char *ext)
{
    return arena_printf(a, "%s/media/%.2s/%.2s/%s.%s", core->data_dir, hash, hash + 2, hash, ext);
}

static int make_dir(const char *path)
{
    if (mkdir(path, 0755) != 0 && errno != EEXIST) {
        log_error("cannot create %s: %s", path, strerror(errno));
        return E_INVAL;
    }
    return 0;
}

/* Writes all of data to fd, syncs and closes it. */
static int write_all(int fd, const unsigned char *data, size_t len)
{
    size_t done = 0;
    while (done < len) {
        ssize_t w = write(fd, data + done, len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            close(fd);
            return E_INVAL;
        }
        done += (size_t)w;
    }
    int rc = fsync(fd) == 0 ? 0 : E_INVAL;
    if (close(fd) != 0)
        rc = E_INVAL;
    return rc;
}

/*
 * Stores data under its SHA-256 (hash receives the hex name). Bytes already
 * stored are not written again; a new file appears whole or not at all.
 */
static int store_file(const struct core *core, struct arena *a, const void *data, size_t len,
                      const char *ext, char hash[HASH_HEX + 1])
{
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, data, len);
    sodium_bin2hex(hash, HASH_HEX + 1, digest, sizeof(digest));
    if (!core->data_dir)
        return E_INVAL;
    const char *path = file_path(core, a, hash, ext);
    struct stat st;
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && (size_t)st.st_size == len)
        return 0;
    int rc = make_dir(arena_printf(a, "%s/media", core->data_dir));
    if (rc == 0)
        rc = make_dir(arena_printf(a, "%s/media/%.2s", core->data_dir, hash));
    if (rc == 0)
        rc = make_dir(arena_printf(a, "%s/media/%.2s/%.2s", core->data_dir, hash, hash + 2));
    if (rc)
        return rc;
    char *tmp = arena_printf(a, "%s.tmp-XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        log_error("cannot create %s: %s", tmp, strerror(errno));
        return E_INVAL;
    }
    fchmod(fd, 0644);
    rc = write_all(fd, data, len);
    if (rc == 0 && rename(tmp, path) != 0)
        rc = E_INVAL;
    if (rc) {
        log_error("cannot store %s: %s", path, strerror(errno));
        unlink(tmp);
    }
    return rc;
}

static int step_done(struct db_stmt *s)
{
    int rc = db_step(s);
    db_stmt_done(s);
    return rc == DB_DONE ? 0 : rc < 0 ? rc : E_DB;
}

int media_create(const struct core *core, struct arena *a, int64_t owner, const void *data,
                 size_t len, const char *description, const char *focus, int64_t *id,
                 const char **why)
{
    int fx = 0, fy = 0;
    *why = NULL;
    if (focus && *focus && media_parse_focus(focus, &fx, &fy) != 0) {
        *why = "focus must be two numbers from -1.0 to 1.0, as \"x,y\"";
        return E_INVAL;
    }
    int rc = check_description(description, why);
    if (rc)
        return rc;
    struct content_image img;
    rc = content_media_process(a, data, len, CONTENT_MEDIA_ATTACHMENT, &img, why);
    if (rc)
        return rc;
    char fh[HASH_HEX + 1], th[HASH_HEX + 1];
    rc = store_file(core, a, img.file.data, img.file.len, img.file.ext, fh);
    if (rc == 0)
        rc = store_file(core, a, img.thumb.data, img.thumb.len, img.thumb.ext, th);
    if (rc)
        return rc;
    struct db_conn *c = NULL;
    rc = core_tx_begin(core, &c);
    if (rc)
        return rc;
    struct db_stmt *s;
    rc = db_prepare(c,
                    "INSERT INTO media_attachments (id, account_id, type, file_hash, file_ext,"
                    " content_type, file_size, width, height, thumb_hash, thumb_ext, thumb_width,"
                    " thumb_height, blurhash, focus_x, focus_y, description, created_at,"
                    " updated_at) VALUES (?, ?, 'image', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                    " ?, ?, ?)",
                    &s);
    if (rc)
        goto out;
    int64_t mid = id_next(), now = time_now_ms();
    db_bind_i64(s, 1, mid);
    db_bind_i64(s, 2, owner);
    db_bind_text(s, 3, fh);
    db_bind_text(s, 4, img.file.ext);
    db_bind_text(s, 5, img.file.mime);
    db_bind_i64(s, 6, (int64_t)img.file.len);
    db_bind_i64(s, 7, img.file.width);
    db_bind_i64(s, 8, img.file.height);
    db_bind_text(s, 9, th);
    db_bind_text(s, 10, img.thumb.ext);
    db_bind_i64(s, 11, img.thumb.width);
    db_bind_i64(s, 12, img.thumb.height);
    db_bind_text(s, 13, img.blurhash);
    db_bind_i64(s, 14, fx);
    db_bind_i64(s, 15, fy);
    if (description && *description)
        db_bind_text(s, 16, description);
    else
        db_bind_null(s, 16);
    db_bind_i64(s, 17, now);
    db_bind_i64(s, 18, now);
    rc = step_done(s);
    if (rc == 0)
        *id = mid;
out:
    return core_tx_end(c, rc);
}

static struct media *read_media(struct arena *a, struct db_stmt *s)
{
    struct media *m = arena_zalloc(a, sizeof(*m));
    m->id = db_col_i64(s, 0);
    m->account_id = db_col_i64(s, 1);
    m->status_id = db_col_i64(s, 2);
    m->type = arena_strdup(a, db_col_text(s, 3));
    m->file_hash = arena_strdup(a, db_col_text(s, 4));
    m->file_ext = arena_strdup(a, db_col_text(s, 5));
    m->content_type = arena_strdup(a, db_col_text(s, 6));
    m->file_size = db_col_i64(s, 7);
    m->width = (int)db_col_i64(s, 8);
    m->height = (int)db_col_i64(s, 9);
    m->thumb_hash = arena_strdup(a, db_col_text(s, 10));
    m->thumb_ext = arena_strdup(a, db_col_text(s, 11));
    m->thumb_width = (int)db_col_i64(s, 12);
    m->thumb_height = (int)db_col_i64(s, 13);
    m->blurhash = arena_strdup(a, db_col_text(s, 14));
    m->focus_x = (int)db_col_i64(s, 15);
    m->focus_y = (int)db_col_i64(s, 16);
    m->description = db_col_is_null(s, 17) ? NULL : arena_strdup(a, db_col_text(s, 17));
    m->created_at = db_col_i64(s, 18);
    m->remote_url = db_col_is_null(s, 19) ? NULL : arena_strdup(a, db_col_text(s, 19));
    m->remote_preview_url = db_col_is_null(s, 20) ? NULL : arena_strdup(a, db_col_text(s, 20));
    return m;
}

int media_get(struct db_conn *c, struct arena *a, int64_t id, struct media **out)
{
    struct db_stmt *s;
    int rc = db_prepare(c, "SELECT " MEDIA_COLUMNS " FROM media_attachments WHERE id = ?", &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, id);
    rc = db_step(s);
    if (rc == DB_ROW) {
        *out = read_media(a, s);
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = E_NOTFOUND;
    }
    db_stmt_done(s);
    return rc;
}

int media_get_own(struct db_conn *c, struct arena *a, int64_t owner, int64_t id, struct media **out)
{
    int rc = media_get(c, a, id, out);
    if (rc == 0 && ((*out)->account_id != owner || (*out)->status_id))
        rc = E_NOTFOUND;
    return rc;
}

/*
 * Sets the description (when description is not NULL; "" clears it) and
 * the focus (when set_focus) of owner's attachment id: unattached when
 * status_id is 0, else unattached or status_id's. E_NOTFOUND when none.
 */
static int set_attrs(struct db_conn *c, int64_t owner, int64_t id, int64_t status_id,
                     const char *description, int set_focus, int fx, int fy)
{
    struct db_stmt *s;
    int rc = db_prepare(c,
                        "UPDATE media_attachments SET"
                        " description = CASE WHEN ? = 1 THEN ? ELSE description END,"
                        " focus_x = CASE WHEN ? = 1 THEN ? ELSE focus_x END,"
                        " focus_y = CASE WHEN ? = 1 THEN ? ELSE focus_y END, updated_at = ?"
                        " WHERE id = ? AND account_id = ? AND (status_id IS NULL OR status_id = ?)",
                        &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, description != NULL);
    if (description && *description)
        db_bind_text(s, 2, description);
    else
        db_bind_null(s, 2);
    db_bind_i64(s, 3, set_focus);
    db_bind_i64(s, 4, fx);
    db_bind_i64(s, 5, set_focus);
    db_bind_i64(s, 6, fy);
    db_bind_i64(s, 7, time_now_ms());
    db_bind_i64(s, 8, id);
    db_bind_i64(s, 9, owner);
    db_bind_i64(s, 10, status_id ? status_id : -1);
    rc = step_done(s);
    if (rc == 0 && db_changes(c) != 1)
        rc = E_NOTFOUND;
    return rc;
}

int media_update(const struct core *core, int64_t owner, int64_t id, const char *description,
                 const char *focus, const char **why)
{
    int fx = 0, fy = 0;
    *why = NULL;
    if (focus && media_parse_focus(focus, &fx, &fy) != 0) {
        *why = "focus must be two numbers from -1.0 to 1.0, as \"x,y\"";
        return E_INVAL;
    }
    int rc = check_description(description, why);
    if (rc)
        return rc;
    struct db_conn *c = NULL;
    rc = core_tx_begin(core, &c);
    if (rc == 0)
        rc = set_attrs(c, owner, id, 0, description, focus != NULL, fx, fy);
    return core_tx_end(c, rc);
}

int media_replace(struct db_conn *c, int64_t owner, int64_t status_id, const int64_t *ids, size_t n,
                  const struct media_attr *attrs, size_t n_attrs, const char **why)
{
    if (n > LIMIT_MEDIA_PER_STATUS) {
        *why = "a status may have at most 4 media attachments";
        return E_INVAL;
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < i; j++)
            if (ids[i] == ids[j]) {
                *why = "media_ids: an attachment is listed twice";
                return E_INVAL;
            }
    /* The current ones step out of the order; those named come back in theirs. */
    struct db_stmt *s;
    int rc = db_prepare(c, "UPDATE media_attachments SET position = -1 WHERE status_id = ?", &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, status_id);
    if ((rc = step_done(s)))
        return rc;
    for (size_t i = 0; i < n; i++) {
        rc = db_prepare(c,
                        "UPDATE media_attachments SET status_id = ?, position = ?"
                        " WHERE id = ? AND account_id = ? AND (status_id IS NULL OR status_id = ?)",
                        &s);
        if (rc)
            return rc;
        db_bind_i64(s, 1, status_id);
        db_bind_i64(s, 2, (int64_t)i);
        db_bind_i64(s, 3, ids[i]);
        db_bind_i64(s, 4, owner);
        db_bind_i64(s, 5, status_id);
        if ((rc = step_done(s)))
            return rc;
        if (db_changes(c) != 1) {
            *why = "media_ids: a media attachment was not found, is not yours or is attached"
                   " to another status";
            return E_INVAL;
        }
    }
    for (size_t i = 0; i < n_attrs; i++) {
        if ((rc = check_description(attrs[i].description, why)))
            return rc;
        /* Only attachments the status now shows. */
        rc = db_prepare(c,
                        "SELECT 1 FROM media_attachments WHERE id = ? AND status_id = ?"
                        " AND position >= 0",
                        &s);
        if (rc)
            return rc;
        db_bind_i64(s, 1, attrs[i].id);
        db_bind_i64(s, 2, status_id);
        rc = db_step(s);
        db_stmt_done(s);
        if (rc < 0)
            return rc;
        if (rc != DB_ROW) {
            *why = "media_attributes: an attachment is not one of the status's";
            return E_INVAL;
        }
        rc = set_attrs(c, owner, attrs[i].id, status_id, attrs[i].description, attrs[i].set_focus,
                       attrs[i].focus_x, attrs[i].focus_y);
        if (rc)
            return rc;
    }
    return 0;
}

int media_delete(const struct core *core, int64_t owner, int64_t id)
{
    struct db_conn *c = NULL;
    int rc = core_tx_begin(core, &c);
    if (rc)
        return rc;
    struct db_stmt *s;
    rc = db_prepare(c,
                    "DELETE FROM media_attachments WHERE id = ? AND account_id = ?"
                    " AND status_id IS NULL",
                    &s);
    if (rc)
        goto out;
    db_bind_i64(s, 1, id);
    db_bind_i64(s, 2, owner);
    rc = step_done(s);
    if (rc == 0 && db_changes(c) != 1)
        rc = E_NOTFOUND;
out:
    return core_tx_end(c, rc);
}

int media_attach(struct db_conn *c, int64_t owner, int64_t status_id, const int64_t *ids, size_t n,
                 const char **why)
{
    if (n > LIMIT_MEDIA_PER_STATUS) {
        *why = "a status may have at most 4 media attachments";
        return E_INVAL;
    }
    for (size_t i = 0; i < n; i++) {
        struct db_stmt *s;
        int rc = db_prepare(c,
                            "UPDATE media_attachments SET status_id = ?, position = ?"
                            " WHERE id = ? AND account_id = ? AND status_id IS NULL",
                            &s);
        if (rc)
            return rc;
        db_bind_i64(s, 1, status_id);
        db_bind_i64(s, 2, (int64_t)i);
        db_bind_i64(s, 3, ids[i]);
        db_bind_i64(s, 4, owner);
        rc = step_done(s);
        if (rc)
            return rc;
        if (db_changes(c) != 1) {
            *why = "media_ids: a media attachment was not found, is not yours or is already"
                   " attached";
            return E_INVAL;
        }
    }
    return 0;
}

int media_of_status(struct db_conn *c, struct arena *a, int64_t status_id, struct media **out,
                    size_t *n)
{
    struct db_stmt *s;
    *n = 0;
    *out = arena_alloc(a, LIMIT_MEDIA_REMOTE * sizeof(**out));
    int rc = db_prepare(c,
                        "SELECT " MEDIA_COLUMNS " FROM media_attachments WHERE status_id = ?"
                        " AND position >= 0 ORDER BY position LIMIT ?",
                        &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, status_id);
    db_bind_i64(s, 2, LIMIT_MEDIA_REMOTE);
    while ((rc = db_step(s)) == DB_ROW && *n < LIMIT_MEDIA_REMOTE)
        (*out)[(*n)++] = *read_media(a, s);
    db_stmt_done(s);
    return rc < 0 ? rc : 0;
}

int media_set_profile_image(const struct core *core, struct arena *a, int64_t account_id,
                            int header, const void *data, size_t len, const char **why)
{
    *why = NULL;
    struct content_image img;
    int rc = content_media_process(a, data, len,
                                   header ? CONTENT_MEDIA_HEADER : CONTENT_MEDIA_AVATAR, &img, why);
    if (rc)
        return rc;
    char hash[HASH_HEX + 1];
    rc = store_file(core, a, img.file.data, img.file.len, img.file.ext, hash);
    if (rc)
        return rc;
    struct db_conn *c = NULL;
    rc = core_tx_begin(core, &c);
    if (rc)
        return rc;
    struct db_stmt *s;
    rc = db_prepare(c,
                    header ? "UPDATE accounts SET header_ref = ?, updated_at = ?"
                             " WHERE id = ? AND domain IS NULL"
                           : "UPDATE accounts SET avatar_ref = ?, updated_at = ?"
                             " WHERE id = ? AND domain IS NULL",
                    &s);
    if (rc)
        goto out;
    db_bind_text(s, 1, arena_printf(a, "%s.%s", hash, img.file.ext));
    db_bind_i64(s, 2, time_now_ms());
    db_bind_i64(s, 3, account_id);
    rc = step_done(s);
    if (rc == 0 && db_changes(c) != 1)
        rc = E_NOTFOUND;
out:
    return core_tx_end(c, rc);
}

const char *media_ref_url(const struct core *core, struct arena *a, const char *ref)
{
    if (!ref || strlen(ref) <= HASH_HEX + 1 || ref[HASH_HEX] != '.')
        return NULL;
    return arena_printf(a, "%s/system/media/%s", core->base_url, ref);
}

int media_profile_urls(const struct core *core, struct db_conn *c, struct arena *a,
                       int64_t account_id, const char **avatar, const char **header)
{
    struct db_stmt *s;
    *avatar = *header = NULL;
    int rc = db_prepare(c, "SELECT avatar_ref, header_ref FROM accounts WHERE id = ?", &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, account_id);
    rc = db_step(s);
    if (rc == DB_ROW) {
        *avatar = media_ref_url(core, a, db_col_text(s, 0));
        *header = media_ref_url(core, a, db_col_text(s, 1));
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = E_NOTFOUND;
    }
    db_stmt_done(s);
    return rc;
}

const char *media_url(const struct core *core, struct arena *a, const char *hash, const char *ext)
{
    return arena_printf(a, "%s/system/media/%s.%s", core->base_url, hash, ext);
}

int media_file_read(const struct core *core, struct arena *a, const char *name,
                    struct media_file *out)
{
    if (!core->data_dir || !name || strlen(name) <= HASH_HEX + 1 || name[HASH_HEX] != '.')
        return E_NOTFOUND;
    for (size_t i = 0; i < HASH_HEX; i++) {
        char ch = name[i];
        if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f')))
            return E_NOTFOUND;
    }
    const char *ext = name + HASH_HEX + 1;
    const char *type = type_of_ext(ext);
    if (!type)
        return E_NOTFOUND;
    char *hash = arena_strndup(a, name, HASH_HEX);
    int fd = open(file_path(core, a, hash, ext), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return E_NOTFOUND;
    struct stat st;
    int rc = E_NOTFOUND;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > LIMIT_HTTP_UPLOAD_BYTES)
        goto out;
    size_t len = (size_t)st.st_size, done = 0;
    char *data = arena_alloc(a, len + 1);
    while (done < len) {
        ssize_t r = read(fd, data + done, len - done);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            goto out;
        done += (size_t)r;
    }
    out->data = data;
    out->len = len;
    out->content_type = type;
    out->etag = arena_printf(a, "\"%s\"", hash);
    rc = 0;
out:
    close(fd);
    return rc;
}

int media_cache_remote(const struct core *core, struct arena *a, int64_t id, const void *data,
                       size_t len, const char **why)
{
    struct content_image img;
    int rc = content_media_process(a, data, len, CONTENT_MEDIA_ATTACHMENT, &img, why);
    if (rc)
        return rc;
    char th[HASH_HEX + 1];
    rc = store_file(core, a, img.thumb.data, img.thumb.len, img.thumb.ext, th);
    if (rc)
        return rc;
    struct db_conn *c = NULL;
    rc = core_tx_begin(core, &c);
    if (rc)
        return rc;
    struct db_stmt *s;
    rc = db_prepare(c,
                    "UPDATE media_attachments SET thumb_hash = ?, thumb_ext = ?, thumb_width = ?,"
                    " thumb_height = ?, width = CASE WHEN width > 0 THEN width ELSE ? END,"
                    " height = CASE WHEN height > 0 THEN height ELSE ? END,"
                    " blurhash = CASE WHEN blurhash <> '' THEN blurhash ELSE ? END,"
                    " file_size = CASE WHEN type = 'image' THEN ? ELSE file_size END,"
                    " updated_at = ? WHERE id = ? AND remote_url IS NOT NULL",
                    &s);
    if (rc == 0) {
        db_bind_text(s, 1, th);
        db_bind_text(s, 2, img.thumb.ext);
        db_bind_i64(s, 3, img.thumb.width);
        db_bind_i64(s, 4, img.thumb.height);
        db_bind_i64(s, 5, img.file.width);
        db_bind_i64(s, 6, img.file.height);
        db_bind_text(s, 7, img.blurhash);
        db_bind_i64(s, 8, (int64_t)len);
        db_bind_i64(s, 9, time_now_ms());
        db_bind_i64(s, 10, id);
        rc = step_done(s);
    }
    return core_tx_end(c, rc);
}
