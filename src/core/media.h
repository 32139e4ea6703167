/*
 * core/media: members' uploaded images, avatars and headers.
 *
 * Files are stored by content under core->data_dir: media/ab/cd/<sha256>.<ext>
 * (ab and cd the first hex digits of the hash), written to a temporary
 * file and renamed into place, so that a reader never sees half a file and
 * the same bytes are stored once. A media attachment belongs to the member
 * who uploaded it; its description and focus may change, by her only,
 * while it is not attached; it is attached to one of her statuses at
 * most once, up to LIMIT_MEDIA_PER_STATUS per status, in the order given.
 *
 * Files are served at core->base_url "/system/media/<sha256>.<ext>".
 * Unattached uploads are kept; removing those older than a day (and files
 * no row refers to) is left for a cleanup job.
 */
#ifndef HEARTH_CORE_MEDIA_H
#define HEARTH_CORE_MEDIA_H

#include <stddef.h>
#include <stdint.h>

struct arena;
struct core;
struct db_conn;

#define MEDIA_FOCUS_SCALE 1000 /* focus is stored in thousandths */

struct media {
    int64_t id;
    int64_t account_id;
    int64_t status_id; /* 0 while unattached */
    const char *type;  /* "image" */
    const char *file_hash;
    const char *file_ext;
    const char *content_type;
    int64_t file_size;
    int width;
    int height;
    const char *thumb_hash;
    const char *thumb_ext;
    int thumb_width;
    int thumb_height;
    const char *blurhash;
    int focus_x; /* -1000 to 1000 */
    int focus_y;
    const char *description; /* NULL when none */
    int64_t created_at;
    const char *remote_url; /* a remote post's attachment, referenced (no file here); or NULL */
    const char *remote_preview_url; /* a remote video's or audio's poster image, or NULL */
};

/*
 * Parses a focus "x,y" (each a decimal from -1.0 to 1.0) into thousandths.
 * 0 or E_INVAL.
 */
int media_parse_focus(const char *s, int *x, int *y);

/*
 * owner uploads an image: it is processed (content/media.h), its file and
 * preview stored, and the attachment recorded unattached. description and
 * focus may be NULL. Returns 0 and the id; E_INVAL or E_LIMIT with *why
 * (a sentence for the member, in a) for a refused file or bad arguments.
 */
int media_create(const struct core *core, struct arena *a, int64_t owner, const void *data,
                 size_t len, const char *description, const char *focus, int64_t *id,
                 const char **why);

/*
 * A remote post's attachment id was fetched (data, len bytes): a preview
 * is made and stored here, so that timelines show it without asking the
 * remote server, and missing sizes and blurhash are filled in. The file
 * itself stays referenced by its URL. E_INVAL or E_LIMIT with *why.
 */
int media_cache_remote(const struct core *core, struct arena *a, int64_t id, const void *data,
                       size_t len, const char **why);

/* Reads one attachment, whoever owns it; E_NOTFOUND when missing. */
int media_get(struct db_conn *c, struct arena *a, int64_t id, struct media **out);
/* owner's attachment while unattached (what the media API may show or change); E_NOTFOUND. */
int media_get_own(struct db_conn *c, struct arena *a, int64_t owner, int64_t id,
                  struct media **out);

/*
 * Changes the description and/or focus (NULL: unchanged; "" clears the
 * description) of owner's unattached attachment. E_NOTFOUND when it is not
 * hers or is attached; E_INVAL with *why for bad values.
 */
int media_update(const struct core *core, int64_t owner, int64_t id, const char *description,
                 const char *focus, const char **why);
/* Forgets owner's unattached attachment (its file stays: it may be shared). E_NOTFOUND. */
int media_delete(const struct core *core, int64_t owner, int64_t id);

/*
 * Attaches ids[0..n) of owner, in order, to status_id, inside the caller's
 * write transaction on c. E_INVAL with *why when there are more than
 * LIMIT_MEDIA_PER_STATUS or one is missing, someone else's or attached.
 */
int media_attach(struct db_conn *c, int64_t owner, int64_t status_id, const int64_t *ids, size_t n,
                 const char **why);
/* A change to an attachment made with an edit of its status (media_attributes). */
struct media_attr {
    int64_t id;
    const char *description; /* NULL: unchanged */
    int set_focus;
    int focus_x, focus_y; /* thousandths, -1000..1000 */
};

/*
 * An edit's attachments: ids[0..n) of owner, each unattached or already
 * status_id's, become its attachments in order; the others it had are
 * kept for its history but no longer shown. attrs change descriptions
 * and focus points of the result. Inside the caller's transaction; E_INVAL
 * with *why for too many, a repeated, missing or foreign id, or an
 * attribute for an attachment the status does not end up with.
 */
int media_replace(struct db_conn *c, int64_t owner, int64_t status_id, const int64_t *ids, size_t n,
                  const struct media_attr *attrs, size_t n_attrs, const char **why);
/* The attachments of a status, in order, at most LIMIT_MEDIA_REMOTE (arena memory; *n may be 0). */
int media_of_status(struct db_conn *c, struct arena *a, int64_t status_id, struct media **out,
                    size_t *n);

/*
 * Stores a new avatar (header = 0) or header (header = 1) for a local
 * account: cover-cropped to its size, stripped, and recorded on the
 * account. E_INVAL or E_LIMIT with *why for a refused file.
 */
int media_set_profile_image(const struct core *core, struct arena *a, int64_t account_id,
                            int header, const void *data, size_t len, const char **why);
/* A stored file name "<64 hex>.<ext>" (avatar_ref, header_ref) as a URL; NULL when not one. */
const char *media_ref_url(const struct core *core, struct arena *a, const char *ref);
/* The URLs of an account's avatar and header; NULL for each that is unset. */
int media_profile_urls(const struct core *core, struct db_conn *c, struct arena *a,
                       int64_t account_id, const char **avatar, const char **header);

/* The public URL of a stored file. */
const char *media_url(const struct core *core, struct arena *a, const char *hash, const char *ext);

struct media_file {
    const char *data; /* arena memory */
    size_t len;
    const char *content_type;
    const char *etag; /* the quoted hash: the bytes never change under one name */
};

/*
 * Reads a stored file by its public name "<64 hex>.<ext>". E_NOTFOUND for
 * any other name (no path is ever built from anything else) and for a
 * file that does not exist.
 */
int media_file_read(const struct core *core, struct arena *a, const char *name,
                    struct media_file *out);

#endif
