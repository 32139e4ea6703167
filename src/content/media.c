/*
 * content/media: libvips behind Hearth's image rules.
 *
 * Every loader is blocked at start and only the four buffer loaders Hearth
 * needs are unblocked again; on top of that the type is sniffed from the
 * bytes and the matching loader is called by name, so no file reaches a
 * parser Hearth did not choose. The operation cache is off (nothing of one
 * upload is kept for the next) and at most LIMIT_MEDIA_CONCURRENCY images
 * are decoded at once, since a large image takes a few hundred megabytes
 * while it is worked on.
 *
 * Encoded buffers come from libvips (g_malloc) and are handed to the
 * caller's arena with arena_defer(g_free).
 */
#include "content/media.h"

#include <errno.h>
#include <semaphore.h>
#include <string.h>
#include <strings.h>

#include <vips/vips.h>

#include "util/arena.h"
#include "util/err.h"
#include "util/limits.h"
#define LOG_MODULE "media"
#include "util/log.h"
#include "util/utf8.h"

static sem_t slots;

/* The loaders left unblocked, by their libvips nicknames. */
static const char *const allowed_loaders[] = {"jpegload_buffer", "pngload_buffer",
                                              "webpload_buffer", "gifload_buffer"};

/* libvips' warnings (damaged files sent by anyone) go to the debug log, not raw stderr. */
static void on_vips_log(const gchar *domain, GLogLevelFlags level, const gchar *message,
                        gpointer data)
{
    (void)domain;
    (void)level;
    (void)data;
    log_debug("libvips: %s", message);
}

int content_media_init(const char *argv0)
{
    if (VIPS_INIT(argv0 ? argv0 : "hearth") != 0) {
        log_error("libvips failed to start: %s", vips_error_buffer());
        vips_error_clear();
        return E_INVAL;
    }
    g_log_set_handler("VIPS", G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO,
                      on_vips_log, NULL);
    vips_block_untrusted_set(TRUE);
    vips_operation_block_set("VipsForeignLoad", TRUE);
    for (size_t i = 0; i < sizeof(allowed_loaders) / sizeof(allowed_loaders[0]); i++) {
        GType t = vips_type_find("VipsOperation", allowed_loaders[i]);
        if (!t) {
            log_warn("libvips has no %s: those images will be refused", allowed_loaders[i]);
            continue;
        }
        vips_operation_block_set(g_type_name(t), FALSE);
    }
    vips_cache_set_max(0);
    sem_init(&slots, 0, LIMIT_MEDIA_CONCURRENCY);
    return 0;
}

void content_media_shutdown(void)
{
    vips_shutdown();
    sem_destroy(&slots);
}

static int starts(const unsigned char *d, size_t len, size_t at, const char *magic, size_t n)
{
    return len >= at + n && memcmp(d + at, magic, n) == 0;
}

/* Text formats: skips a UTF-8 byte order mark and white space, then compares. */
static int text_starts(const unsigned char *d, size_t len, const char *word)
{
    size_t i = 0;
    if (starts(d, len, 0, "\xef\xbb\xbf", 3))
        i = 3;
    while (i < len && i < 256 && (d[i] == ' ' || d[i] == '\t' || d[i] == '\r' || d[i] == '\n'))
        i++;
    size_t n = strlen(word);
    return len >= i + n && strncasecmp((const char *)d + i, word, n) == 0;
}

/* UTF-8 text without control characters other than white space (the first 512 bytes). */
static int looks_like_text(const unsigned char *d, size_t len)
{
    size_t n = len < 512 ? len : 512;
    if (n == 0 || !utf8_valid((const char *)d, n))
        return 0;
    for (size_t i = 0; i < n; i++) {
        if ((d[i] < 0x20 && d[i] != '\t' && d[i] != '\n' && d[i] != '\r') || d[i] == 0x7f)
            return 0;
    }
    return 1;
}

const char *content_media_sniff(const void *data, size_t len)
{
    const unsigned char *d = data;
    if (starts(d, len, 0, "\xff\xd8\xff", 3))
        return "image/jpeg";
    if (starts(d, len, 0, "\x89PNG\r\n\x1a\n", 8))
        return "image/png";
    if (starts(d, len, 0, "GIF87a", 6) || starts(d, len, 0, "GIF89a", 6))
        return "image/gif";
    if (starts(d, len, 0, "RIFF", 4) && starts(d, len, 8, "WEBP", 4))
        return "image/webp";
    if (starts(d, len, 0, "II*\0", 4) || starts(d, len, 0, "MM\0*", 4))
        return "image/tiff";
    if (starts(d, len, 0, "BM", 2))
        return "image/bmp";
    if (starts(d, len, 0, "%PDF-", 5))
        return "application/pdf";
    if (starts(d, len, 0, "8BPS", 4))
        return "image/vnd.adobe.photoshop";
    if (starts(d, len, 0, "\0\0\1\0", 4))
        return "image/x-icon";
    if (starts(d, len, 0, "\xff\x0a", 2) || starts(d, len, 4, "JXL ", 4))
        return "image/jxl";
    if (starts(d, len, 0, "\x1a\x45\xdf\xa3", 4))
        return "video/webm";
    if (starts(d, len, 4, "ftyp", 4)) {
        if (starts(d, len, 8, "avif", 4) || starts(d, len, 8, "avis", 4))
            return "image/avif";
        if (starts(d, len, 8, "heic", 4) || starts(d, len, 8, "heix", 4) ||
            starts(d, len, 8, "mif1", 4) || starts(d, len, 8, "msf1", 4))
            return "image/heic";
        if (starts(d, len, 8, "qt  ", 4))
            return "video/quicktime";
        return "video/mp4";
    }
    if (starts(d, len, 0, "OggS", 4))
        return "application/ogg";
    if (starts(d, len, 0, "ID3", 3))
        return "audio/mpeg";
    if (text_starts(d, len, "<svg") || text_starts(d, len, "<?xml") ||
        text_starts(d, len, "<!DOCTYPE svg"))
        return "image/svg+xml";
    if (looks_like_text(d, len))
        return "text/plain";
    return NULL;
}

static int supported(const char *mime)
{
    return mime && (!strcmp(mime, "image/jpeg") || !strcmp(mime, "image/png") ||
                    !strcmp(mime, "image/webp") || !strcmp(mime, "image/gif"));
}

/* Opens the image's header with the loader of its sniffed type (pixels come later). */
static int load(const char *mime, const void *data, size_t len, VipsImage **out)
{
    void *buf = (void *)data;
    if (!strcmp(mime, "image/jpeg"))
        return vips_jpegload_buffer(buf, len, out, NULL);
    if (!strcmp(mime, "image/png"))
        return vips_pngload_buffer(buf, len, out, NULL);
    if (!strcmp(mime, "image/webp"))
        return vips_webpload_buffer(buf, len, out, NULL);
    return vips_gifload_buffer(buf, len, out, NULL);
}

/* 8-bit sRGB with EXIF orientation applied and any colour profile converted. */
static int to_srgb(VipsImage *in, VipsImage **out)
{
    VipsImage *rot = NULL, *icc = NULL;
    int rc = -1;
    if (vips_autorot(in, &rot, NULL))
        goto out;
    VipsImage *src = rot;
    if (vips_image_get_typeof(rot, VIPS_META_ICC_NAME)) {
        if (vips_icc_transform(rot, &icc, "srgb", "embedded", TRUE, "depth", 8, NULL) == 0)
            src = icc;
        else
            vips_error_clear(); /* a broken profile: convert as if there were none */
    }
    rc = vips_colourspace(src, out, VIPS_INTERPRETATION_sRGB, NULL);
out:
    VIPS_UNREF(rot);
    VIPS_UNREF(icc);
    return rc;
}

/* Removes an alpha channel by composing over white (JPEG has none). */
static int flatten(VipsImage *in, VipsImage **out)
{
    if (!vips_image_hasalpha(in)) {
        g_object_ref(in);
        *out = in;
        return 0;
    }
    VipsArrayDouble *white = vips_array_double_newv(1, 255.0);
    int rc = vips_flatten(in, out, "background", white, NULL);
    vips_area_unref(VIPS_AREA(white));
    return rc;
}

/* Encodes in as a file of type mime (metadata stripped) into the arena. */
static int save(struct arena *a, VipsImage *in, const char *mime, struct content_file *f)
{
    void *buf = NULL;
    size_t len = 0;
    VipsImage *flat = NULL;
    int rc;
    if (!strcmp(mime, "image/jpeg")) {
        rc = flatten(in, &flat);
        if (rc == 0)
            rc = vips_jpegsave_buffer(flat, &buf, &len, "Q", 90, "strip", TRUE, "optimize_coding",
                                      TRUE, NULL);
        f->ext = "jpg";
    } else if (!strcmp(mime, "image/webp")) {
        rc = vips_webpsave_buffer(in, &buf, &len, "Q", 90, "strip", TRUE, NULL);
        f->ext = "webp";
    } else {
        mime = "image/png";
        rc = vips_pngsave_buffer(in, &buf, &len, "strip", TRUE, NULL);
        f->ext = "png";
    }
    VIPS_UNREF(flat);
    if (rc)
        return E_INVAL;
    arena_defer(a, g_free, buf);
    f->data = buf;
    f->len = len;
    f->mime = mime;
    f->width = vips_image_get_width(in);
    f->height = vips_image_get_height(in);
    return 0;
}

/* The blurhash of a preview, from a copy shrunk to at most 64 pixels a side. */
static int hash_of(VipsImage *thumb, char out[BLURHASH_MAX])
{
    VipsImage *small = NULL, *srgb = NULL, *flat = NULL;
    void *pixels = NULL;
    int rc = -1;
    if (vips_thumbnail_image(thumb, &small, 64, "height", 64, "size", VIPS_SIZE_DOWN, NULL) ||
        vips_colourspace(small, &srgb, VIPS_INTERPRETATION_sRGB, NULL) || flatten(srgb, &flat))
        goto out;
    size_t size = 0;
    pixels = vips_image_write_to_memory(flat, &size);
    int w = vips_image_get_width(flat), h = vips_image_get_height(flat);
    if (!pixels || vips_image_get_bands(flat) != 3 || flat->BandFmt != VIPS_FORMAT_UCHAR ||
        size != (size_t)w * h * 3)
        goto out;
    /* Mastodon's shape: 4 x 4 components. */
    rc = blurhash_encode(pixels, w, h, (size_t)w * 3, 4, 4, out);
out:
    g_free(pixels);
    VIPS_UNREF(small);
    VIPS_UNREF(srgb);
    VIPS_UNREF(flat);
    return rc ? E_INVAL : 0;
}

/* Preview (attachments) or cover crop (avatar, header) from the sent bytes. */
static int thumbnail(const void *data, size_t len, int w, int h, int crop, VipsImage **out)
{
    VipsImage *t = NULL;
    int rc;
    if (crop)
        rc = vips_thumbnail_buffer((void *)data, len, &t, w, "height", h, "crop",
                                   VIPS_INTERESTING_CENTRE, NULL);
    else
        rc = vips_thumbnail_buffer((void *)data, len, &t, w, "height", h, "size", VIPS_SIZE_DOWN,
                                   NULL);
    VipsImage *srgb = NULL;
    if (rc == 0)
        rc = vips_colourspace(t, &srgb, VIPS_INTERPRETATION_sRGB, NULL);
    /* Small enough to keep in memory: it is read twice (file, blurhash), its loader only once. */
    if (rc == 0) {
        *out = vips_image_copy_memory(srgb);
        rc = *out ? 0 : -1;
    }
    VIPS_UNREF(t);
    VIPS_UNREF(srgb);
    return rc;
}

static int process(struct arena *a, const char *mime, const void *data, size_t len,
                   enum content_media_use use, struct content_image *out, const char **why)
{
    VipsImage *in = NULL, *srgb = NULL, *thumb = NULL;
    int rc = load(mime, data, len, &in);
    if (rc) {
        *why = "File could not be read: the image data is damaged or incomplete";
        rc = E_INVAL;
        goto out;
    }
    int pages = vips_image_get_n_pages(in);
    int64_t pixels =
        (int64_t)vips_image_get_width(in) * vips_image_get_height(in) * (pages > 1 ? pages : 1);
    if (pixels > LIMIT_MEDIA_IMAGE_PIXELS) {
        *why = arena_printf(a, "File is too large: images may have up to %d megapixels",
                            LIMIT_MEDIA_IMAGE_PIXELS / 1000000);
        rc = E_LIMIT;
        goto out;
    }
    if (use != CONTENT_MEDIA_ATTACHMENT) {
        int avatar = use == CONTENT_MEDIA_AVATAR;
        rc = thumbnail(data, len, avatar ? LIMIT_AVATAR_SIDE : LIMIT_HEADER_WIDTH,
                       avatar ? LIMIT_AVATAR_SIDE : LIMIT_HEADER_HEIGHT, 1, &thumb);
        if (rc == 0)
            rc =
                save(a, thumb, vips_image_hasalpha(thumb) ? "image/png" : "image/jpeg", &out->file);
        goto decoded;
    }
    out->animated = !strcmp(mime, "image/gif") && pages > 1;
    if (out->animated) {
        /* Kept byte for byte: re-encoding a GIF loses frames' timing or colours. */
        out->file = (struct content_file){data,
                                          len,
                                          "image/gif",
                                          "gif",
                                          vips_image_get_width(in),
                                          vips_image_get_page_height(in)};
        rc = 0;
    } else {
        rc = to_srgb(in, &srgb);
        if (rc == 0)
            rc = save(a, srgb, mime, &out->file);
    }
    if (rc == 0)
        rc = thumbnail(data, len, LIMIT_MEDIA_THUMB_SIDE, LIMIT_MEDIA_THUMB_SIDE, 0, &thumb);
    if (rc == 0)
        rc = save(a, thumb, "image/jpeg", &out->thumb);
    if (rc == 0)
        rc = hash_of(thumb, out->blurhash);
decoded:
    if (rc) {
        log_info("image not processed: %s", vips_error_buffer());
        *why = "File could not be read: the image data is damaged or incomplete";
        rc = E_INVAL;
    }
out:
    vips_error_clear();
    VIPS_UNREF(in);
    VIPS_UNREF(srgb);
    VIPS_UNREF(thumb);
    return rc;
}

int content_media_process(struct arena *a, const void *data, size_t len, enum content_media_use use,
                          struct content_image *out, const char **why)
{
    memset(out, 0, sizeof(*out));
    *why = NULL;
    if (len > LIMIT_MEDIA_IMAGE_BYTES) {
        *why = arena_printf(a, "File is too large: images may be up to %d MiB",
                            LIMIT_MEDIA_IMAGE_BYTES / (1024 * 1024));
        return E_LIMIT;
    }
    const char *mime = content_media_sniff(data, len);
    if (!supported(mime)) {
        *why =
            arena_printf(a, "File type not supported: %s (images must be JPEG, PNG, WebP or GIF)",
                         mime ? mime : "unrecognised data");
        return E_INVAL;
    }
    while (sem_wait(&slots) != 0 && errno == EINTR)
        ;
    int rc = process(a, mime, data, len, use, out, why);
    sem_post(&slots);
    return rc;
}
