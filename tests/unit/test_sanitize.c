/*
 * Unit tests for content/sanitize: the data-driven cases of
 * tests/data/sanitize/ (see its README), then what files cannot hold
 * well (NUL bytes, invalid UTF-8, 10,000-deep nesting, the size cap), a
 * sweep of hostile snippets through the independent output checker of
 * tests/fuzz/sanitize_check.h, and the content of real documents from
 * other servers in ../shared/testdata/activitypub/ (skipped with a
 * message when that folder is absent). Run from the repository root.
 *
 * Speed, measured by hand (not asserted here): a typical 1.2 KB Mastodon
 * post (three paragraphs, two mentions, two hashtags, a shortened link,
 * emoji and CJK) takes about 33 us of CPU per sanitize_html() call at -O2
 * with libxml2 2.9.14 (10,000 calls, each with its own arena: 0.33 s of
 * CPU; wall time varies with load), sanitize_text() about 30 us; the
 * 10,000-deep nesting case about 2 ms.
 *
 * Lifetime: one arena for the whole run, freed at the end of main().
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <jansson.h>

#include "content/sanitize.h"
#include "fuzz/sanitize_check.h"
#include "t.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/utf8.h"

#define DATA_DIR "tests/data/sanitize"
#define AP_DIR "../shared/testdata/activitypub"

static struct arena *arena;

static const char *html(const char *in, int allow_images)
{
    struct sanitize_options opt = {.allow_images = allow_images};
    const char *out = NULL;
    int rc = sanitize_html(arena, in, strlen(in), &opt, &out);
    CHECK_INT(rc, 0);
    return out;
}

static const char *text(const char *in)
{
    const char *out = NULL;
    int rc = sanitize_text(arena, in, strlen(in), &out);
    CHECK_INT(rc, 0);
    return out;
}

/* The file's bytes in the arena (NUL-terminated), or NULL if it cannot be read. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct buf b;
    buf_init(&b, 4 * 1024 * 1024);
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        buf_append(&b, chunk, n);
    fclose(f);
    char *s = arena_alloc(arena, b.len + 1);
    memcpy(s, buf_cstr(&b), b.len + 1);
    *len = b.len;
    buf_fini(&b);
    return s;
}

/* Data files end with one newline that is not part of the case. */
static void chomp(char *s, size_t *len)
{
    if (*len > 0 && s[*len - 1] == '\n')
        s[--*len] = '\0';
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

static size_t count(const char *s, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(s, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* Occurrences of c in the text of sanitizer output (outside its tags). */
static size_t count_outside_tags(const char *s, char c)
{
    size_t n = 0;
    int in_tag = 0;
    for (; *s; s++) {
        if (*s == '<')
            in_tag = 1;
        else if (*s == '>')
            in_tag = 0;
        else if (!in_tag && *s == c)
            n++;
    }
    return n;
}

/* The output is safe by the checker, and sanitizing it again changes nothing. */
static void check_safe_and_stable(const char *name, const char *out, int allow_images)
{
    const char *why = sanitize_check_html(out, allow_images);
    if (why) {
        fprintf(stderr, "%.200s: unsafe output (%s):\n  %.500s\n", name, why, out);
        t_cur_failed = 1;
    }
    if (strlen(out) > SANITIZE_MAX_INPUT)
        return; /* escaping and forced attributes can make it longer than an input may be */
    struct sanitize_options opt = {.allow_images = allow_images};
    const char *again = NULL;
    CHECK_INT(sanitize_html(arena, out, strlen(out), &opt, &again), 0);
    if (again && strcmp(again, out) != 0) {
        fprintf(stderr, "%.200s: not stable when sanitized again:\n  %.500s\n  %.500s\n", name, out,
                again);
        t_cur_failed = 1;
    }
}

static void run_case(const char *name)
{
    char path[512];
    size_t in_len, out_len, txt_len;
    snprintf(path, sizeof(path), "%s/%s.in.html", DATA_DIR, name);
    char *in = slurp(path, &in_len);
    snprintf(path, sizeof(path), "%s/%s.out.html", DATA_DIR, name);
    char *want = slurp(path, &out_len);
    if (!in || !want) {
        fprintf(stderr, "%s: missing %s\n", name, path);
        t_cur_failed = 1;
        return;
    }
    chomp(in, &in_len);
    chomp(want, &out_len);
    struct sanitize_options opt = {.allow_images = strncmp(name, "img-", 4) == 0};
    const char *got = NULL;
    CHECK_INT(sanitize_html(arena, in, in_len, &opt, &got), 0);
    if (got && strcmp(got, want) != 0) {
        fprintf(stderr, "case %s:\n  got      \"%s\"\n  expected \"%s\"\n", name, got, want);
        t_cur_failed = 1;
    }
    if (got)
        check_safe_and_stable(name, got, opt.allow_images);

    snprintf(path, sizeof(path), "%s/%s.out.txt", DATA_DIR, name);
    char *want_txt = slurp(path, &txt_len);
    if (!want_txt)
        return;
    chomp(want_txt, &txt_len);
    const char *got_txt = NULL;
    CHECK_INT(sanitize_text(arena, in, in_len, &got_txt), 0);
    if (got_txt && strcmp(got_txt, want_txt) != 0) {
        fprintf(stderr, "case %s (text):\n  got      \"%s\"\n  expected \"%s\"\n", name, got_txt,
                want_txt);
        t_cur_failed = 1;
    }
}

TEST(data_cases)
{
    DIR *d = opendir(DATA_DIR);
    if (!d) {
        fprintf(stderr, "cannot open %s (run from the repository root)\n", DATA_DIR);
        t_cur_failed = 1;
        return;
    }
    const char *names[512];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < sizeof(names) / sizeof(names[0])) {
        if (ends_with(e->d_name, ".in.html"))
            names[n++] = arena_strndup(arena, e->d_name, strlen(e->d_name) - strlen(".in.html"));
    }
    closedir(d);
    qsort(names, n, sizeof(names[0]), cmp_str);
    for (size_t i = 0; i < n; i++)
        run_case(names[i]);
    CHECK(n >= 30);
}

TEST(empty_input)
{
    const char *out = "x";
    CHECK_INT(sanitize_html(arena, "", 0, NULL, &out), 0);
    CHECK_STR(out, "");
    out = "x";
    CHECK_INT(sanitize_html(arena, NULL, 0, NULL, &out), 0);
    CHECK_STR(out, "");
    out = "x";
    CHECK_INT(sanitize_text(arena, "", 0, &out), 0);
    CHECK_STR(out, "");
    /* Inputs with nothing left to show give "" too. */
    CHECK_STR(html("<script>x</script><!-- c -->", 0), "");
    CHECK_STR(text("<p> </p>\n<br>"), "");
}

TEST(size_cap)
{
    char *big = arena_alloc(arena, SANITIZE_MAX_INPUT + 2);
    memset(big, 'a', SANITIZE_MAX_INPUT + 1);
    big[SANITIZE_MAX_INPUT + 1] = '\0';
    const char *out = "x";
    CHECK_INT(sanitize_html(arena, big, SANITIZE_MAX_INPUT + 1, NULL, &out), E_LIMIT);
    CHECK_STR(out, "");
    out = "x";
    CHECK_INT(sanitize_text(arena, big, SANITIZE_MAX_INPUT + 1, &out), E_LIMIT);
    CHECK_STR(out, "");
    /* Exactly at the cap is accepted, and the worst escaping still fits. */
    CHECK_INT(sanitize_html(arena, big, SANITIZE_MAX_INPUT, NULL, &out), 0);
    CHECK_INT(strlen(out), SANITIZE_MAX_INPUT);
    memset(big, '&', SANITIZE_MAX_INPUT);
    CHECK_INT(sanitize_html(arena, big, SANITIZE_MAX_INPUT, NULL, &out), 0);
    CHECK_INT(strlen(out), 5 * (size_t)SANITIZE_MAX_INPUT);
}

/* 10,000 levels of tag, each with an "x", then "END": all text kept, tags cut at the cap. */
static void deep(const char *open, const char *close, int images)
{
    struct buf b;
    buf_init(&b, 0);
    for (int i = 0; i < 10000; i++) {
        buf_puts(&b, open);
        buf_putc(&b, 'x');
    }
    buf_puts(&b, "END");
    for (int i = 0; i < 10000; i++)
        buf_puts(&b, close);
    struct sanitize_options opt = {.allow_images = images};
    const char *out = NULL;
    CHECK_INT(sanitize_html(arena, b.data, b.len, &opt, &out), 0);
    if (out) {
        check_safe_and_stable(open, out, images);
        CHECK(strstr(out, "END") != NULL);
        CHECK_INT(count_outside_tags(out, 'x'), 10000);
    }
    const char *txt = NULL;
    CHECK_INT(sanitize_text(arena, b.data, b.len, &txt), 0);
    if (txt)
        CHECK(strstr(txt, "END") != NULL);
    buf_fini(&b);
}

TEST(deep_nesting)
{
    deep("<b>", "</b>", 0);
    deep("<span class=\"h-card\">", "</span>", 0);
    deep("<div>", "</div>", 0);
    deep("<blockquote>", "</blockquote>", 0);
    deep("<a href=\"https://x.test/\">", "</a>", 0);
    deep("<custom>", "</custom>", 0);
    deep("<b><i>", "", 0);  /* never closed */
    deep("<b>", "</i>", 0); /* closed by the wrong tag */
    deep("<ul><li>", "</li></ul>", 0);

    /* At the cap exactly SANITIZE_MAX_DEPTH elements are open. */
    struct buf b;
    buf_init(&b, 0);
    for (int i = 0; i < 100; i++)
        buf_puts(&b, "<b>");
    buf_puts(&b, "<br>deep");
    const char *out = html(b.data, 0);
    CHECK_INT(count(out, "<b>"), SANITIZE_MAX_DEPTH);
    CHECK(strstr(out, "<br>deep</b>") != NULL);
    buf_fini(&b);
}

TEST(nul_and_invalid_utf8)
{
    static const char in[] = "<p>a\0b\xff"
                             "c\xc0\xaf"
                             "d\xed\xa0\x80"
                             "e\x01\x1b"
                             "f\tg</p><a href=\"https://x.test/\xfe\">h\0</a>\xe2\x82";
    struct sanitize_options opt = {0};
    const char *out = NULL;
    CHECK_INT(sanitize_html(arena, in, sizeof(in) - 1, &opt, &out), 0);
    CHECK(utf8_valid(out, strlen(out)));
    CHECK_STR(out, "<p>a\xEF\xBF\xBD"
                   "b\xEF\xBF\xBD"
                   "c\xEF\xBF\xBD\xEF\xBF\xBD"
                   "d\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"
                   "ef\tg</p><a href=\"https://x.test/\xEF\xBF\xBD\" rel=\"nofollow noopener "
                   "noreferrer\" target=\"_blank\">h\xEF\xBF\xBD</a>\xEF\xBF\xBD\xEF\xBF\xBD");
    check_safe_and_stable("nul", out, 0);
    const char *txt = NULL;
    CHECK_INT(sanitize_text(arena, in, sizeof(in) - 1, &txt), 0);
    CHECK(utf8_valid(txt, strlen(txt)));
    CHECK(strncmp(txt,
                  "a\xEF\xBF\xBD"
                  "b",
                  5) == 0);
    /* Only NUL bytes. */
    CHECK_INT(sanitize_html(arena, "\0\0\0", 3, &opt, &out), 0);
    CHECK_STR(out, "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
    /* A NUL in a scheme does not make it pass. */
    static const char js[] = "<a href=\"java\0script:alert(1)\">x</a>";
    CHECK_INT(sanitize_html(arena, js, sizeof(js) - 1, &opt, &out), 0);
    CHECK_STR(out, "x");
    /* Latin-1 is not guessed: each byte is replaced, the rest stays. */
    CHECK_STR(html("caf\xe9 cr\xe8me", 0), "caf\xEF\xBF\xBD cr\xEF\xBF\xBDme");
}

/* Snippets after the usual XSS cheat sheets; each must come out safe and without a trace. */
TEST(hostile_sweep)
{
    static const char *const in[] = {
        "<img src=x onerror=alert(1)>",
        "<svg/onload=alert(1)>",
        "<body onload=alert(1)>",
        "<a href=\"javascript&#58;alert(1)\">x</a>",
        "<a href=\"&#x6a&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3a;alert(1)\">x</a>",
        "<a href=\"jav&#x0A;ascript:alert(1)\">x</a>",
        "<a href=\"\x01\x02javascript:alert(1)\">x</a>",
        "<a href=\" javascript:alert(1)\">x</a>",
        "<a href=\"javascript\t:alert(1)\">x</a>",
        "<a href='vbscript:msgbox(1)'>x</a>",
        "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
        "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
        "<style><img src=x onerror=alert(1)></style>",
        "<textarea><img src=x onerror=alert(1)></textarea>",
        "<title><img src=x onerror=alert(1)></title>",
        "<xmp><img src=x onerror=alert(1)></xmp>",
        "<!--<img src=x onerror=alert(1)>-->",
        "<![CDATA[<img src=x onerror=alert(1)>]]>",
        "<p style=\"background:url(javascript:alert(1))\">x</p>",
        "<a href=\"https://x.test/\" style=\"position:fixed;top:0\">x</a>",
        "<form><button formaction=javascript:alert(1)>x</button></form>",
        "<object data=\"javascript:alert(1)\"></object>",
        "<embed src=\"javascript:alert(1)\">",
        "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
        "<base href=\"javascript:alert(1)//\">",
        "<p>\"><script>alert(1)</script></p>",
        "<scr<script>ipt>alert(1)</script>",
        "<<script>script>alert(1)<</script>/script>",
        "<a href=\"https://x.test/\"onclick=alert(1)>x</a>",
        "<a/href=\"javascript:alert(1)\">x</a>",
        "<IMG SRC=\"jav&#x09;ascript:alert(1);\">",
        "<span class=\"h-card\" onmouseover=\"alert(1)\">x</span>",
        "<a href=\"https://x.test/\" class=\"mention\\\" onclick=alert(1)\">x</a>",
        "<svg><a xlink:href=\"javascript:alert(1)\"><text>x</text></a></svg>",
        "<template><img src=x onerror=alert(1)></template>",
        "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>",
        "</p><script>alert(1)</script><p>",
        "<div><p>a<div>b</div>c</p></div>",
    };
    for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
        for (int images = 0; images <= 1; images++) {
            const char *out = html(in[i], images);
            if (!out)
                continue;
            check_safe_and_stable(in[i], out, images);
            if (strcasestr(out, "javascript") || strcasestr(out, "onerror") ||
                strcasestr(out, "onclick") || strcasestr(out, "onload") ||
                strcasestr(out, "vbscript") || strcasestr(out, "data:") ||
                strcasestr(out, "<script") || strcasestr(out, "<img src=\"x\"") ||
                strcasestr(out, "style=")) {
                fprintf(stderr, "hostile input kept a trace:\n  in  %s\n  out %s\n", in[i], out);
                t_cur_failed = 1;
            }
        }
        const char *txt = text(in[i]);
        const char *why = txt ? sanitize_check_text(txt) : "no text";
        if (why) {
            fprintf(stderr, "text of %s: %s\n", in[i], why);
            t_cur_failed = 1;
        }
    }
}

TEST(text_rendering)
{
    CHECK_STR(text("<p>Hello <span class=\"h-card\"><a href=\"https://x.test/@bob\" "
                   "class=\"u-url mention\">@<span>bob</span></a></span></p>"
                   "<p>line<br>two<br><br><br>three</p><ul><li>a</li><li>b</li></ul>"
                   "<blockquote>q</blockquote><h2>h</h2>end"),
              "Hello @bob\n\nline\ntwo\n\nthree\n\na\n\nb\n\nq\n\nh\n\nend");
    CHECK_STR(text("  <p>  padded  </p>  "), "padded");
    CHECK_STR(text("&amp; &lt; &gt; &quot; &#39; &#x1F600;"), "& < > \" ' \xF0\x9F\x98\x80");
    CHECK_STR(text("<script>var x = 1;</script><style>p{}</style>shown"), "shown");
    CHECK_STR(text("a<br>b"), "a\nb");
    CHECK_STR(text("<p>a</p>\n\n\n<p>b</p>"), "a\n\nb");
    CHECK_STR(text("<div><div><p>nested</p></div></div><p>next</p>"), "nested\n\nnext");
}

/* Every "content" and "summary" string anywhere in a JSON document. */
static void collect(json_t *j, const char **found, size_t *n, size_t max)
{
    const char *key;
    json_t *v;
    size_t i;
    if (json_is_object(j)) {
        json_object_foreach(j, key, v)
        {
            if ((strcmp(key, "content") == 0 || strcmp(key, "summary") == 0) && json_is_string(v)) {
                if (*n < max)
                    found[(*n)++] = json_string_value(v);
            } else {
                collect(v, found, n, max);
            }
        }
    } else if (json_is_array(j)) {
        json_array_foreach(j, i, v) collect(v, found, n, max);
    }
}

static void release_json(void *j)
{
    json_decref(j);
}

/* The first "content" of the document at AP_DIR/rel, sanitized; NULL if absent. */
static const char *ap_content(const char *rel, const char **as_text)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", AP_DIR, rel);
    json_t *j = json_load_file(path, 0, NULL);
    if (!j) {
        fprintf(stderr, "cannot read %s\n", path);
        t_cur_failed = 1;
        return NULL;
    }
    arena_defer(arena, release_json, j);
    json_t *obj = json_object_get(j, "object");
    const char *content = json_string_value(json_object_get(obj ? obj : j, "content"));
    if (!content) {
        fprintf(stderr, "%s has no content\n", path);
        t_cur_failed = 1;
        return NULL;
    }
    *as_text = text(content);
    return html(content, 0);
}

static size_t ap_walk(const char *dir, size_t *strings)
{
    DIR *d = opendir(dir);
    size_t files = 0;
    struct dirent *e;
    if (!d)
        return 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char *path = arena_printf(arena, "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(path, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            files += ap_walk(path, strings);
            continue;
        }
        if (!ends_with(path, ".json"))
            continue;
        json_t *j = json_load_file(path, 0, NULL);
        CHECK(j != NULL);
        if (!j)
            continue;
        arena_defer(arena, release_json, j);
        files++;
        const char *found[64];
        size_t n = 0;
        collect(j, found, &n, sizeof(found) / sizeof(found[0]));
        for (size_t i = 0; i < n; i++) {
            const char *out = html(found[i], 0);
            if (out)
                check_safe_and_stable(path, out, 0);
            const char *txt = text(found[i]);
            const char *why = txt ? sanitize_check_text(txt) : "no text";
            if (why) {
                fprintf(stderr, "%s: text: %s\n", path, why);
                t_cur_failed = 1;
            }
        }
        *strings += n;
    }
    closedir(d);
    return files;
}

TEST(real_documents)
{
    struct stat st;
    if (stat(AP_DIR, &st) != 0) {
        fprintf(stderr, "skip real_documents: %s is absent\n", AP_DIR);
        return;
    }
    const char *R = " rel=\"nofollow noopener noreferrer\" target=\"_blank\"";
    const char *txt = NULL, *out;

    out = ap_content("mastodon/objects/note_1.json", &txt);
    if (out) {
        char *want =
            arena_printf(arena,
                         "<p><span class=\"h-card\"><a href=\"https://mamot.fr/@retiolus\" "
                         "class=\"u-url mention\"%s>@<span>retiolus</span></a></span> i "
                         "have never been disappointed by a thinkpad.",
                         R);
        CHECK(strncmp(out, want, strlen(want)) == 0);
        CHECK(ends_with(out, "there isnt a huge difference anyway.</p>"));
        CHECK(strncmp(txt, "@retiolus i have never", 22) == 0);
    }

    out = ap_content("mastodon/objects/note_2.json", &txt);
    if (out) {
        CHECK(strstr(out,
                     "<span class=\"h-card\" translate=\"no\"><a "
                     "href=\"https://lemmy.kde.social/c/kde\" class=\"u-url mention\"") != NULL);
        CHECK(strstr(out, "@<span>kde@lemmy.kde.social</span></a></span>") != NULL);
        CHECK(strstr(out, "funding \xF0\x9F\x92\xB6 to keep") != NULL);
        CHECK(strstr(out, arena_printf(arena,
                                       "<a href=\"https://kde.org/donate/\" translate=\"no\"%s>"
                                       "<span class=\"invisible\">https://</span>"
                                       "<span>kde.org/donate/</span>"
                                       "<span class=\"invisible\"></span></a>",
                                       R)) != NULL);
        CHECK(strstr(txt, "https://kde.org/donate/") != NULL);
    }

    out = ap_content("friendica/objects/note_2.json", &txt);
    if (out) {
        const char *want = "Note that on <a href=\"https://nerdica.net/search?tag=Friendica\" "
                           "class=\"mention hashtag\" rel=\"tag nofollow noopener noreferrer\" "
                           "target=\"_blank\">#<span>Friendica</span></a> we ";
        CHECK(strncmp(out, want, strlen(want)) == 0);
        CHECK(strstr(out, "<a href=\"https://lemmy.ml/u/Liwott\" class=\"u-url mention\" "
                          "title=\"Liwott@lemmy.ml\"") != NULL);
        CHECK(strstr(out, "<span class=\"mention\">Liwott@lemmy.ml</span>") != NULL);
        CHECK(strstr(out, "<blockquote><h3>Do your commenting tests here.</h3><br>") != NULL);
        CHECK(strstr(out, "<div") == NULL && strstr(out, "vcard") == NULL);
        CHECK(strstr(txt, "#Friendica we") != NULL);
    }

    out = ap_content("wordpress/objects/page.json", &txt);
    if (out) {
        /* Footnote links are relative: the text stays, the link goes. */
        CHECK(strstr(out, "<sup>1</sup>") != NULL);
        CHECK(strstr(out, arena_printf(arena,
                                       "<a href=\"https://boardgamegeek.com/boardgame/315727/"
                                       "last-light\"%s>Last Light</a>",
                                       R)) != NULL);
        CHECK(strstr(out, "couldn\xE2\x80\x99t") != NULL); /* &#8217; */
    }

    out = ap_content("mobilizon/objects/event.json", &txt);
    if (out) {
        CHECK(strncmp(out,
                      "<p>\xC2\xA3"
                      "6 each.</p><p></p>",
                      19) == 0);
        CHECK(strstr(out, arena_printf(arena, "<a href=\"https://www.exeterceilidhs.net/\"%s>",
                                       R)) != NULL);
        CHECK(strstr(out, "they're very social") != NULL);
        CHECK(strstr(out, "ugc") == NULL);
    }

    out = ap_content("peertube/objects/video.json", &txt);
    if (out) {
        /* Plain text with CRLF: nothing to change but escaping. */
        CHECK(strncmp(out, "Head to https://squarespace.com/thelinuxexperiment to save 10%", 62) ==
              0);
        CHECK(strstr(out, "\r\n\r\n\xF0\x9F\x91\x8F SUPPORT THE CHANNEL:") != NULL);
    }

    out = ap_content("pleroma/objects/note.json", &txt);
    if (out)
        CHECK_STR(out, "Have what?");

    size_t strings = 0;
    size_t files = ap_walk(AP_DIR, &strings);
    CHECK(files >= 50);
    CHECK(strings >= 20);
}

int main(void)
{
    arena = arena_new();
    RUN(data_cases);
    RUN(empty_input);
    RUN(size_cap);
    RUN(deep_nesting);
    RUN(nul_and_invalid_utf8);
    RUN(hostile_sweep);
    RUN(text_rendering);
    RUN(real_documents);
    arena_free(arena);
    arena_thread_release();
    return t_done();
}
