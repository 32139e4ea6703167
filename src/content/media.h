/*
 * content/media: image decoding and re-encoding with libvips.
 *
 * Only JPEG, PNG, WebP and GIF are read: the type is told from the bytes
 * (never the client's name or content type) and every other libvips loader
 * is blocked at start, so a crafted SVG, PDF or TIFF never reaches a
 * parser. Images are auto-rotated by their EXIF orientation and re-encoded
 * with every metadata block stripped (EXIF, GPS, XMP, comments); colour
 * profiles are converted to sRGB first. An animated GIF is kept as it was
 * sent (GIF carries no EXIF) with its first frame as the preview.
 *
 * Lifetime: content_media_init once at start (before threads use it) and
 * content_media_shutdown once at exit. Output bytes belong to the arena
 * given to content_media_process. Depends only on util.
 */
#ifndef HEARTH_CONTENT_MEDIA_H
#define HEARTH_CONTENT_MEDIA_H

#include <stddef.h>

#include "content/blurhash.h"

struct arena;

/* Starts libvips with the loaders restricted; 0 or E_INVAL. argv0 may be NULL. */
int content_media_init(const char *argv0);
/* Releases libvips' global state. */
void content_media_shutdown(void);

enum content_media_use {
    CONTENT_MEDIA_ATTACHMENT = 0, /* the image as sent (stripped) and a preview */
    CONTENT_MEDIA_AVATAR = 1,     /* cover-cropped to LIMIT_AVATAR_SIDE square */
    CONTENT_MEDIA_HEADER = 2,     /* cover-cropped to LIMIT_HEADER_WIDTH x _HEIGHT */
};

/* One encoded file. */
struct content_file {
    const void *data; /* arena memory */
    size_t len;
    const char *mime; /* "image/jpeg" ... */
    const char *ext;  /* "jpg", "png", "webp", "gif" */
    int width;
    int height;
};

struct content_image {
    struct content_file file;  /* the stored image */
    struct content_file thumb; /* a preview fitting LIMIT_MEDIA_THUMB_SIDE (attachments only) */
    int animated;              /* an animated GIF, kept as sent */
    char blurhash[BLURHASH_MAX];
};

/*
 * The MIME type the bytes are, judged from their first bytes: one of the
 * four supported, a known unsupported one ("image/svg+xml", "image/tiff",
 * "application/pdf", "video/mp4"...), or NULL when unrecognised.
 */
const char *content_media_sniff(const void *data, size_t len);

/*
 * Decodes data (len bytes) and builds what use asks for in *out. Returns 0;
 * E_INVAL with *why for an unsupported type or undecodable bytes; E_LIMIT
 * with *why for a file over LIMIT_MEDIA_IMAGE_BYTES or an image over
 * LIMIT_MEDIA_IMAGE_PIXELS. *why is a sentence for the member ("File type
 * not supported: image/svg+xml").
 */
int content_media_process(struct arena *a, const void *data, size_t len, enum content_media_use use,
                          struct content_image *out, const char **why);

#endif
