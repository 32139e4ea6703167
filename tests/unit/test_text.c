/*
 * Unit tests for core/text: escaping, paragraphs, links, mentions,
 * hashtags, counting and refusals.
 */
#include <string.h>
#include <strings.h>

#include "core/text.h"
#include "t.h"
#include "util/arena.h"
#include "util/err.h"

static const char *resolve(void *ctx, struct arena *a, const char *user, const char *domain)
{
    (void)ctx;
    if (!domain && (!strcasecmp(user, "alice") || !strcasecmp(user, "bob")))
        return arena_printf(a, "https://a.test/@%s", user);
    if (domain && !strcasecmp(user, "zoe") &&
        (!strcasecmp(domain, "r.test") || !strcasecmp(domain, "127.0.0.1:8081")))
        return arena_printf(a, "https://%s/users/zoe", domain);
    return NULL;
}

static struct arena *arena;
static struct text_result res;

static int fmt_limit(const char *s, int max)
{
    struct text_options opt = {.base_url = "https://a.test",
                               .local_domain = "a.test",
                               .max_chars = max,
                               .resolve_mention = resolve};
    return text_format(arena, s, strlen(s), &opt, &res);
}

static const char *fmt(const char *s)
{
    int rc = fmt_limit(s, 0);
    return rc ? "(error)" : res.html;
}

TEST(escaping_and_paragraphs)
{
    CHECK_STR(fmt("<script>alert('x')</script> & \"q\""),
              "<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;</p>");
    CHECK_STR(fmt("one\ntwo\n\nthree\r\nfour\n\n\n\nfive"),
              "<p>one<br />two</p><p>three<br />four</p><p>five</p>");
    CHECK_STR(fmt("\n\nhello\n\n"), "<p>hello</p>");
    CHECK_STR(fmt(""), "");
    CHECK_STR(fmt("  \n "), "");
}

TEST(links)
{
    CHECK_STR(fmt("see https://example.org."),
              "<p>see <a href=\"https://example.org\" target=\"_blank\" rel=\"nofollow noopener "
              "noreferrer\" translate=\"no\"><span class=\"invisible\">https://</span><span "
              "class=\"\">example.org</span><span class=\"invisible\"></span></a>.</p>");
    CHECK_STR(fmt("https://www.example.org/a/very/long/path/that/is/cut?x=1&y=2"),
              "<p><a href=\"https://www.example.org/a/very/long/path/that/is/cut?x=1&amp;y=2\" "
              "target=\"_blank\" rel=\"nofollow noopener noreferrer\" translate=\"no\"><span "
              "class=\"invisible\">https://www.</span><span class=\"ellipsis\">example.org/a/"
              "very/long/path/t</span><span class=\"invisible\">hat/is/cut?x=1&amp;y=2</span>"
              "</a></p>");
    const char *html = fmt("(https://en.wikipedia.org/wiki/Foo_(bar))");
    CHECK(strstr(html, "href=\"https://en.wikipedia.org/wiki/Foo_(bar)\"") != NULL);
    CHECK(strstr(html, "</a>)</p>") != NULL);
    CHECK_STR(fmt("javascript:alert(1) and ftp://x.org"),
              "<p>javascript:alert(1) and ftp://x.org</p>");
    CHECK(strstr(fmt("xhttps://example.org"), "<a") == NULL);
    CHECK(strstr(fmt("http://\"onmouseover=alert(1)"), "<a") == NULL);
    html = fmt("https://example.org/\"><script>");
    CHECK(strstr(html, "<script") == NULL);
}

TEST(mentions)
{
    CHECK_STR(fmt("hi @alice!"),
              "<p>hi <span class=\"h-card\" translate=\"no\"><a href=\"https://a.test/@alice\" "
              "class=\"u-url mention\">@<span>alice</span></a></span>!</p>");
    fmt("@zoe@r.test and @zoe@127.0.0.1:8081 and @Alice@A.TEST and @alice");
    CHECK_INT((int)res.n_mentions, 3);
    if (res.n_mentions == 3) {
        CHECK_STR(res.mentions[0].domain, "r.test");
        CHECK_STR(res.mentions[1].domain, "127.0.0.1:8081");
        CHECK(res.mentions[2].domain == NULL);
        CHECK_STR(res.mentions[2].url, "https://a.test/@Alice");
    }
    CHECK(strstr(res.html, "href=\"https://127.0.0.1:8081/users/zoe\"") != NULL);
    /* Unknown accounts stay plain text; e-mail addresses are not mentions. */
    CHECK_STR(fmt("@nobody and mail me@alice.org"), "<p>@nobody and mail me@alice.org</p>");
    CHECK_INT((int)res.n_mentions, 0);
    CHECK_STR(fmt("@alice."),
              "<p><span class=\"h-card\" translate=\"no\"><a href=\"https://a.test/@alice\" "
              "class=\"u-url mention\">@<span>alice</span></a></span>.</p>");
}

TEST(hashtags)
{
    CHECK_STR(fmt("#Hearth"), "<p><a href=\"https://a.test/tags/hearth\" class=\"mention "
                              "hashtag\" rel=\"tag\">#<span>Hearth</span></a></p>");
    fmt("#café #日本語 #123 #HEARTH #hearth foo#bar #a_b");
    CHECK_INT((int)res.n_tags, 4);
    if (res.n_tags == 4) {
        CHECK_STR(res.tags[0], "café");
        CHECK_STR(res.tags[1], "日本語");
        CHECK_STR(res.tags[2], "hearth");
        CHECK_STR(res.tags[3], "a_b");
    }
    CHECK(strstr(res.html, "#123") != NULL);
    CHECK(strstr(res.html, "foo#bar") != NULL);
    CHECK(strstr(fmt("&#39;"), "hashtag") == NULL);
}

TEST(counting)
{
    CHECK_INT(fmt_limit("héllo 😀", 0), 0);
    CHECK_INT((int)res.chars, 7);
    /* A URL counts 23 whatever its length. */
    CHECK_INT(fmt_limit("https://example.org/a/very/long/path/that/goes/on/and/on", 0), 0);
    CHECK_INT((int)res.chars, 23);
    CHECK_INT(fmt_limit("https://x.org", 0), 0);
    CHECK_INT((int)res.chars, 13);
    /* A remote mention counts as its @user part. */
    CHECK_INT(fmt_limit("@zoe@r.test", 0), 0);
    CHECK_INT((int)res.chars, 4);
    CHECK_INT(fmt_limit("12345", 5), 0);
    CHECK_INT(fmt_limit("123456", 5), E_LIMIT);
    CHECK_INT((int)res.chars, 6);
}

TEST(refusals)
{
    CHECK_INT(fmt_limit("bad \xff", 0), E_UTF8);
    CHECK_INT(fmt_limit("over\xc0\xafload", 0), E_UTF8);
    CHECK_INT(fmt_limit("surrogate \xed\xa0\x80", 0), E_UTF8);
    CHECK_INT(fmt_limit("cut \xe2\x82", 0), E_UTF8);
    const char nul[] = "a\0b";
    struct text_options opt = {0};
    CHECK_INT(text_format(arena, nul, 3, &opt, &res), E_UTF8);
    char many[2000] = "";
    for (int i = 0; i < 60; i++) {
        char t[16];
        snprintf(t, sizeof(t), "#t%d ", i);
        strncat(many, t, sizeof(many) - strlen(many) - 1);
    }
    CHECK_INT(fmt_limit(many, 0), E_LIMIT);
}

int main(void)
{
    arena = arena_new();
    RUN(escaping_and_paragraphs);
    RUN(links);
    RUN(mentions);
    RUN(hashtags);
    RUN(counting);
    RUN(refusals);
    arena_free(arena);
    return t_done();
}
