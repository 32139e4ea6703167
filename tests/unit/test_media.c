/*
 * Unit tests for content/media and core/media: real images (the small
 * files of tests/data/media/, made with PIL, and large ones made here with
 * libvips) through decoding, stripping, rotation, previews and limits;
 * then storage by hash, the owner's rules and attaching to statuses.
 */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vips/vips.h>

#include "content/media.h"
#include "core/media.h"
#include "core/status.h"
#include "core/timeline.h"
#include "db/db.h"
#include "fixture.h"
#include "t.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/limits.h"

static int64_t alice, bob;
static char data_dir[] = "/tmp/hearth-media-test-XXXXXX";

/* Reads tests/data/media/name into the arena. */
static char *slurp(struct arena *a, const char *name, size_t *len)
{
    char path[256];
    snprintf(path, sizeof(path), "tests/data/media/%s", name);
    FILE *f = fopen(path, "rb");
    *len = 0;
    if (!f) {
        fprintf(stderr, "cannot open %s (run from the repository)\n", path);
        return arena_strdup(a, "");
    }
    char *buf = arena_alloc(a, 1 << 16);
    *len = fread(buf, 1, 1 << 16, f);
    fclose(f);
    return buf;
}

static int contains(const void *hay, size_t n, const char *needle)
{
    return memmem(hay, n, needle, strlen(needle)) != NULL;
}

TEST(sniffing_by_bytes)
{
    CHECK_STR(content_media_sniff("\xff\xd8\xff\xe0", 4), "image/jpeg");
    CHECK_STR(content_media_sniff("\x89PNG\r\n\x1a\n", 8), "image/png");
    CHECK_STR(content_media_sniff("GIF89a", 6), "image/gif");
    CHECK_STR(content_media_sniff("RIFF\0\0\0\0WEBPVP8 ", 16), "image/webp");
    CHECK_STR(content_media_sniff("\xef\xbb\xbf  <svg xmlns=", 20), "image/svg+xml");
    CHECK_STR(content_media_sniff("<?xml version='1.0'?>", 21), "image/svg+xml");
    CHECK_STR(content_media_sniff("%PDF-1.7", 8), "application/pdf");
    CHECK_STR(content_media_sniff("\0\0\0\x18"
                                  "ftypheic",
                                  12),
              "image/heic");
    CHECK_STR(content_media_sniff("\0\0\0\x18"
                                  "ftypisom",
                                  12),
              "video/mp4");
    CHECK_STR(content_media_sniff("II*\0", 4), "image/tiff");
    CHECK_STR(content_media_sniff("hello\n", 6), "text/plain");
    CHECK(content_media_sniff("\x01\x02\x03", 3) == NULL);
    CHECK(content_media_sniff("", 0) == NULL);
    CHECK(content_media_sniff("\xff\xd8", 2) == NULL);
}

TEST(jpeg_is_rotated_and_stripped)
{
    struct arena *a = arena_new();
    size_t len;
    char *jpg = slurp(a, "gps-rotated.jpg", &len);
    CHECK(contains(jpg, len, "Hearth Test Camera"));
    struct content_image img;
    const char *why = NULL;
    CHECK_INT(content_media_process(a, jpg, len, CONTENT_MEDIA_ATTACHMENT, &img, &why), 0);
    CHECK_STR(img.file.mime, "image/jpeg");
    CHECK_STR(img.file.ext, "jpg");
    /* 64 x 48 with orientation 6: shown 48 wide and 64 high. */
    CHECK_INT(img.file.width, 48);
    CHECK_INT(img.file.height, 64);
    CHECK(!contains(img.file.data, img.file.len, "Exif"));
    CHECK(!contains(img.file.data, img.file.len, "Hearth Test Camera"));
    CHECK(!contains(img.thumb.data, img.thumb.len, "Exif"));
    CHECK_STR(img.thumb.mime, "image/jpeg");
    CHECK_INT(img.thumb.width, 48); /* small images are not enlarged */
    CHECK_INT(strlen(img.blurhash), 36);
    CHECK(!img.animated);
    /* The stored file decodes with no orientation left to apply. */
    VipsImage *back = NULL;
    CHECK_INT(vips_jpegload_buffer((void *)img.file.data, img.file.len, &back, NULL), 0);
    if (back) {
        CHECK_INT(vips_image_get_width(back), 48);
        CHECK_INT(vips_image_get_orientation(back), 1);
        g_object_unref(back);
    }
    arena_free(a);
}

TEST(other_types)
{
    struct arena *a = arena_new();
    struct content_image img;
    const char *why = NULL;
    size_t len, png_len;
    char *png = slurp(a, "alpha.png", &png_len);
    CHECK_INT(content_media_process(a, png, png_len, CONTENT_MEDIA_ATTACHMENT, &img, &why), 0);
    CHECK_STR(img.file.mime, "image/png");
    CHECK_INT(img.file.width, 30);
    CHECK_STR(img.thumb.mime, "image/jpeg"); /* flattened */

    char *gif = slurp(a, "animated.gif", &len);
    CHECK_INT(content_media_process(a, gif, len, CONTENT_MEDIA_ATTACHMENT, &img, &why), 0);
    CHECK(img.animated);
    CHECK_STR(img.file.mime, "image/gif");
    CHECK_INT(img.file.len, len);
    CHECK(img.file.len == len && memcmp(img.file.data, gif, len) == 0);
    CHECK_INT(img.file.width, 16);
    CHECK_INT(img.file.height, 12);
    CHECK_INT(img.thumb.width, 16);

    char *still = slurp(a, "grey.gif", &len);
    CHECK_INT(content_media_process(a, still, len, CONTENT_MEDIA_ATTACHMENT, &img, &why), 0);
    CHECK(!img.animated);
    CHECK_STR(img.file.mime, "image/png");

    char *webp = slurp(a, "blue.webp", &len);
    CHECK_INT(content_media_process(a, webp, len, CONTENT_MEDIA_ATTACHMENT, &img, &why), 0);
    CHECK_STR(img.file.mime, "image/webp");
    CHECK_INT(img.file.width, 20);

    char *jpg = slurp(a, "gps-rotated.jpg", &len);
    CHECK_INT(content_media_process(a, jpg, len, CONTENT_MEDIA_AVATAR, &img, &why), 0);
    CHECK_INT(img.file.width, LIMIT_AVATAR_SIDE);
    CHECK_INT(img.file.height, LIMIT_AVATAR_SIDE);
    CHECK_INT(content_media_process(a, png, png_len, CONTENT_MEDIA_HEADER, &img, &why), 0);
    CHECK_INT(img.file.width, LIMIT_HEADER_WIDTH);
    CHECK_INT(img.file.height, LIMIT_HEADER_HEIGHT);
    CHECK_STR(img.file.mime, "image/png"); /* it has transparency */
    arena_free(a);
}

TEST(refusals)
{
    struct arena *a = arena_new();
    struct content_image img;
    const char *why = NULL;
    const char *svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"/>";
    CHECK_INT(content_media_process(a, svg, strlen(svg), CONTENT_MEDIA_ATTACHMENT, &img, &why),
              E_INVAL);
    CHECK(why && strstr(why, "File type not supported: image/svg+xml"));
    CHECK_INT(content_media_process(a, "%PDF-1.4 x", 10, CONTENT_MEDIA_AVATAR, &img, &why),
              E_INVAL);
    CHECK(why && strstr(why, "application/pdf"));
    size_t len;
    char *jpg = slurp(a, "gps-rotated.jpg", &len);
    CHECK_INT(content_media_process(a, jpg, 200, CONTENT_MEDIA_ATTACHMENT, &img, &why), E_INVAL);
    CHECK(why && strstr(why, "could not be read"));
    /* Too many pixels: 8000 x 6000 of black compresses to a small PNG. */
    VipsImage *black = NULL;
    void *buf = NULL;
    size_t n = 0;
    CHECK_INT(vips_black(&black, 8000, 6000, NULL), 0);
    CHECK_INT(vips_pngsave_buffer(black, &buf, &n, "compression", 9, NULL), 0);
    CHECK(n < LIMIT_MEDIA_IMAGE_BYTES);
    CHECK_INT(content_media_process(a, buf, n, CONTENT_MEDIA_ATTACHMENT, &img, &why), E_LIMIT);
    CHECK(why && strstr(why, "40 megapixels"));
    g_free(buf);
    g_object_unref(black);
    /* Too many bytes. */
    char *big = calloc(1, LIMIT_MEDIA_IMAGE_BYTES + 1);
    memcpy(big, "\xff\xd8\xff", 3);
    CHECK_INT(content_media_process(a, big, LIMIT_MEDIA_IMAGE_BYTES + 1, CONTENT_MEDIA_ATTACHMENT,
                                    &img, &why),
              E_LIMIT);
    CHECK(why && strstr(why, "16 MiB"));
    free(big);
    arena_free(a);
}

TEST(focus_parsing)
{
    int x = 9, y = 9;
    CHECK_INT(media_parse_focus("0.5,-0.25", &x, &y), 0);
    CHECK_INT(x, 500);
    CHECK_INT(y, -250);
    CHECK_INT(media_parse_focus("-1,1", &x, &y), 0);
    CHECK_INT(x, -1000);
    CHECK_INT(y, 1000);
    CHECK_INT(media_parse_focus("1.5,0", &x, &y), E_INVAL);
    CHECK_INT(media_parse_focus("0", &x, &y), E_INVAL);
    CHECK_INT(media_parse_focus("0,0,0", &x, &y), E_INVAL);
    CHECK_INT(media_parse_focus("nan,0", &x, &y), E_INVAL);
    CHECK_INT(media_parse_focus("", &x, &y), E_INVAL);
    CHECK_INT(media_parse_focus(NULL, &x, &y), E_INVAL);
}

static int64_t upload(struct arena *a, int64_t owner, const char *file, const char *desc)
{
    size_t len;
    char *data = slurp(a, file, &len);
    int64_t id = 0;
    const char *why = NULL;
    int rc = media_create(&fx_core, a, owner, data, len, desc, NULL, &id, &why);
    if (rc)
        fprintf(stderr, "upload %s: %d %s\n", file, rc, why ? why : "");
    return id;
}

static size_t files_stored(void)
{
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "find %s -type f | wc -l", data_dir);
    FILE *p = popen(cmd, "r");
    size_t n = 0;
    if (p) {
        if (fscanf(p, "%zu", &n) != 1)
            n = 0;
        pclose(p);
    }
    return n;
}

TEST(store_and_read)
{
    struct arena *a = arena_new();
    size_t before = files_stored();
    int64_t id = upload(a, alice, "gps-rotated.jpg", "A card");
    CHECK(id != 0);
    size_t after = files_stored();
    int64_t again = upload(a, alice, "gps-rotated.jpg", NULL);
    CHECK(again != 0 && again != id);
    CHECK_INT(files_stored(), after); /* the same bytes, stored once */
    struct db_conn *c;
    CHECK_INT(db_acquire(fx_core.db, DB_READ, &c), 0);
    struct media *m = NULL, *m2 = NULL;
    CHECK_INT(media_get(c, a, id, &m), 0);
    CHECK_INT(media_get(c, a, again, &m2), 0);
    CHECK_INT(media_get_own(c, a, bob, id, &m2), E_NOTFOUND);
    db_release(c);
    if (!m)
        goto out;
    CHECK_STR(m->type, "image");
    CHECK_STR(m->description, "A card");
    CHECK_INT(m->width, 48);
    CHECK_INT(m->status_id, 0);
    CHECK_INT(strlen(m->file_hash), 64);
    CHECK_STR(m2->file_hash, m->file_hash);
    /* File and preview; a small image's preview may be the very same bytes. */
    CHECK_INT(after, before + (strcmp(m->file_hash, m->thumb_hash) ? 2 : 1));
    char *name = arena_printf(a, "%s.%s", m->file_hash, m->file_ext);
    struct media_file f;
    CHECK_INT(media_file_read(&fx_core, a, name, &f), 0);
    CHECK_STR(f.content_type, "image/jpeg");
    CHECK_INT(f.len, m->file_size);
    CHECK(f.etag && strstr(f.etag, m->file_hash));
    char *url = arena_printf(a, "https://a.test/system/media/%s", name);
    CHECK_STR(media_url(&fx_core, a, m->file_hash, m->file_ext), url);
    /* Only "<64 lowercase hex>.<known ext>" names a file. */
    static const char *const bad[] = {"../hearth.conf", "", "x.jpg", "..", "a/b.jpg"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        CHECK_INT(media_file_read(&fx_core, a, bad[i], &f), E_NOTFOUND);
    char *upper = arena_strdup(a, name);
    upper[0] = upper[0] >= 'a' ? (char)(upper[0] - 32) : 'G';
    CHECK_INT(media_file_read(&fx_core, a, upper, &f), E_NOTFOUND);
    CHECK_INT(media_file_read(&fx_core, a, arena_printf(a, "%s.svg", m->file_hash), &f),
              E_NOTFOUND);
    CHECK_INT(media_file_read(&fx_core, a, arena_printf(a, "%s.png", m->file_hash), &f),
              E_NOTFOUND);
    /* No temporary file is left behind. */
    char cmd[160];
    snprintf(cmd, sizeof(cmd), "find %s/media -name '*.tmp-*' | grep -q .", data_dir);
    CHECK(system(cmd) != 0);
out:
    arena_free(a);
}

TEST(owner_rules_and_attaching)
{
    struct arena *a = arena_new();
    const char *why = NULL;
    int64_t m1 = upload(a, alice, "alpha.png", NULL);
    int64_t m2 = upload(a, alice, "blue.webp", NULL);
    int64_t theirs = upload(a, bob, "grey.gif", NULL);
    CHECK_INT(media_update(&fx_core, bob, m1, "mine", NULL, &why), E_NOTFOUND);
    CHECK_INT(media_update(&fx_core, alice, m1, "Green glass", "0.1,0.2", &why), 0);
    CHECK_INT(media_update(&fx_core, alice, m1, NULL, "3,0", &why), E_INVAL);
    char *long_desc = arena_alloc(a, LIMIT_MEDIA_DESCRIPTION_CHARS + 2);
    memset(long_desc, 'x', LIMIT_MEDIA_DESCRIPTION_CHARS + 1);
    long_desc[LIMIT_MEDIA_DESCRIPTION_CHARS + 1] = '\0';
    CHECK_INT(media_update(&fx_core, alice, m1, long_desc, NULL, &why), E_INVAL);
    long_desc[LIMIT_MEDIA_DESCRIPTION_CHARS] = '\0';
    CHECK_INT(media_update(&fx_core, alice, m2, long_desc, NULL, &why), 0);

    /* Someone else's media: the whole status is refused. */
    int64_t sid = 0, ids_bad[] = {m1, theirs};
    struct status_new p = {.text = "", .media_ids = ids_bad, .n_media = 2};
    CHECK_INT(status_create(&fx_core, alice, &p, &sid, &why), E_INVAL);
    CHECK(why && strstr(why, "media_ids"));
    int64_t five[] = {m1, m2, m1, m2, m1};
    p.media_ids = five;
    p.n_media = 5;
    CHECK_INT(status_create(&fx_core, alice, &p, &sid, &why), E_INVAL);
    /* Blank text needs media. */
    p.n_media = 0;
    CHECK_INT(status_create(&fx_core, alice, &p, &sid, &why), E_INVAL);

    int64_t ids[] = {m2, m1};
    p.media_ids = ids;
    p.n_media = 2;
    CHECK_INT(status_create(&fx_core, alice, &p, &sid, &why), 0);
    struct db_conn *c;
    CHECK_INT(db_acquire(fx_core.db, DB_READ, &c), 0);
    struct media *list;
    size_t n = 0;
    CHECK_INT(media_of_status(c, a, sid, &list, &n), 0);
    CHECK_INT(n, 2);
    if (n == 2) {
        CHECK_INT(list[0].id, m2);
        CHECK_INT(list[1].id, m1);
        CHECK_STR(list[1].description, "Green glass");
        CHECK_INT(list[1].focus_x, 100);
        CHECK_INT(list[1].focus_y, 200);
    }
    struct media *m;
    CHECK_INT(media_get_own(c, a, alice, m1, &m), E_NOTFOUND); /* attached now */
    /* only_media: the status with images, not one without. */
    int64_t plain = 0;
    db_release(c);
    struct status_new words = {.text = "words only"};
    CHECK_INT(status_create(&fx_core, alice, &words, &plain, &why), 0);
    CHECK_INT(db_acquire(fx_core.db, DB_READ, &c), 0);
    struct viewer v = {.kind = VIEWER_LOCAL, .account_id = bob};
    struct timeline_filter only = {.only_media = 1};
    struct page pg = {0};
    int64_t *tl;
    CHECK_INT(timeline_public(c, a, &v, &only, &pg, &tl, &n), 0);
    CHECK_INT(n, 1);
    CHECK(n == 1 && tl[0] == sid);
    CHECK_INT(timeline_account(c, a, &v, alice, &only, &pg, &tl, &n), 0);
    CHECK_INT(n, 1);
    CHECK_INT(timeline_account(c, a, &v, alice, NULL, &pg, &tl, &n), 0);
    CHECK_INT(n, 2);
    db_release(c);

    /* An edit keeps the images, and its text may be blank too. */
    struct status_new blank = {.text = ""};
    CHECK_INT(status_edit(&fx_core, alice, sid, &blank, &why), 0);
    CHECK_INT(status_edit(&fx_core, alice, plain, &blank, &why), E_INVAL);
    CHECK_INT(db_acquire(fx_core.db, DB_READ, &c), 0);
    CHECK_INT(media_of_status(c, a, sid, &list, &n), 0);
    CHECK_INT(n, 2);
    db_release(c);

    /* Attached media cannot change, be attached again or be deleted. */
    CHECK_INT(media_update(&fx_core, alice, m1, "later", NULL, &why), E_NOTFOUND);
    int64_t again[] = {m1};
    struct status_new q = {.text = "again", .media_ids = again, .n_media = 1};
    int64_t sid2 = 0;
    CHECK_INT(status_create(&fx_core, alice, &q, &sid2, &why), E_INVAL);
    CHECK_INT(media_delete(&fx_core, alice, m1), E_NOTFOUND);
    CHECK_INT(media_delete(&fx_core, alice, theirs), E_NOTFOUND);
    CHECK_INT(media_delete(&fx_core, bob, theirs), 0);
    arena_free(a);
}

TEST(profile_images)
{
    struct arena *a = arena_new();
    struct db_conn *c;
    const char *avatar = NULL, *header = NULL, *why = NULL;
    CHECK_INT(db_acquire(fx_core.db, DB_READ, &c), 0);
    CHECK_INT(media_profile_urls(&fx_core, c, a, bob, &avatar, &header), 0);
    db_release(c);
    CHECK(avatar == NULL && header == NULL);
    size_t len;
    char *jpg = slurp(a, "gps-rotated.jpg", &len);
    CHECK_INT(media_set_profile_image(&fx_core, a, bob, 0, jpg, len, &why), 0);
    CHECK_INT(media_set_profile_image(&fx_core, a, bob, 1, "<svg/>", 6, &why), E_INVAL);
    CHECK_INT(db_acquire(fx_core.db, DB_READ, &c), 0);
    CHECK_INT(media_profile_urls(&fx_core, c, a, bob, &avatar, &header), 0);
    db_release(c);
    CHECK(avatar && strncmp(avatar, "https://a.test/system/media/", 28) == 0);
    CHECK(header == NULL);
    struct media_file f;
    CHECK_INT(media_file_read(&fx_core, a, avatar ? avatar + 28 : "", &f), 0);
    arena_free(a);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

int main(int argc, char **argv)
{
    (void)argc;
    if (content_media_init(argv[0]) != 0)
        return 1;
    fx_open();
    if (!mkdtemp(data_dir))
        return 1;
    fx_core.data_dir = data_dir;
    alice = fx_user("alice");
    bob = fx_user("bob");
    RUN(sniffing_by_bytes);
    RUN(jpeg_is_rotated_and_stripped);
    RUN(other_types);
    RUN(refusals);
    RUN(focus_parsing);
    RUN(store_and_read);
    RUN(owner_rules_and_attaching);
    RUN(profile_images);
    fx_close();
    nftw(data_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    content_media_shutdown();
    return t_done();
}
