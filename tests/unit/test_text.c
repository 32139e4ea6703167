/*
 * Unit tests for core/text: escaping, paragraphs, links, mentions,
 * hashtags, counting and refusals. Each case checks the exact HTML.
 *
 * Lifetime: one arena for the whole run; every result and expected string
 * lives in it until main() frees it.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/text.h"
#include "t.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/limits.h"

static struct arena *arena;
static struct text_result res;
static int resolver_calls;

/* Knows alice and bob here, zoe@r.test, bob@127.0.0.1:8081 and bob@social.example. */
static const char *resolve(void *ctx, struct arena *a, const char *user, const char *domain)
{
    (void)ctx;
    resolver_calls++;
    if (!domain && (!strcasecmp(user, "alice") || !strcasecmp(user, "bob")))
        return arena_printf(a, "https://a.test/@%s", user);
    if (!domain && !strcmp(user, "quote"))
        return "https://a.test/@q\"><script>";
    if (domain && !strcasecmp(user, "zoe") && !strcasecmp(domain, "r.test"))
        return "https://r.test/@zoe";
    if (domain && !strcasecmp(user, "bob") &&
        (!strcasecmp(domain, "127.0.0.1:8081") || !strcasecmp(domain, "social.example")))
        return arena_printf(a, "http://%s/users/bob", domain);
    return NULL;
}

/* Knows everyone: for the mention cap. */
static const char *resolve_all(void *ctx, struct arena *a, const char *user, const char *domain)
{
    (void)ctx;
    (void)domain;
    return arena_printf(a, "https://a.test/@%s", user);
}

static int fmt_opt(const char *s, int max, text_mention_resolver_fn fn)
{
    struct text_options opt = {.base_url = "https://a.test",
                               .local_domain = "a.test",
                               .max_chars = max,
                               .resolve_mention = fn};
    return text_format(arena, s, strlen(s), &opt, &res);
}

static int fmt_limit(const char *s, int max)
{
    return fmt_opt(s, max, resolve);
}

static const char *fmt(const char *s)
{
    int rc = fmt_limit(s, 0);
    return rc ? "(error)" : res.html;
}

/* The HTML Mastodon writes for a link. */
static const char *link(const char *href, const char *prefix, const char *shown, int cut,
                        const char *rest)
{
    return arena_printf(arena,
                        "<a href=\"%s\" target=\"_blank\" rel=\"nofollow noopener noreferrer\" "
                        "translate=\"no\"><span class=\"invisible\">%s</span><span "
                        "class=\"%s\">%s</span><span class=\"invisible\">%s</span></a>",
                        href, prefix, cut ? "ellipsis" : "", shown, rest);
}

static const char *mention(const char *href, const char *user)
{
    return arena_printf(arena,
                        "<span class=\"h-card\" translate=\"no\"><a href=\"%s\" class=\"u-url "
                        "mention\">@<span>%s</span></a></span>",
                        href, user);
}

static const char *tag(const char *lower, const char *written)
{
    return arena_printf(arena,
                        "<a href=\"https://a.test/tags/%s\" class=\"mention hashtag\" "
                        "rel=\"tag\">#<span>%s</span></a>",
                        lower, written);
}

static const char *p(const char *inner)
{
    return arena_printf(arena, "<p>%s</p>", inner);
}

/* Escaping */

TEST(escapes_script)
{
    CHECK_STR(fmt("<script>alert(1)</script>"), "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>");
}

TEST(escapes_amp_and_quotes)
{
    CHECK_STR(fmt("Tom & Jerry say \"hi\" and 'bye'"),
              "<p>Tom &amp; Jerry say &quot;hi&quot; and &#39;bye&#39;</p>");
    CHECK_STR(fmt("&amp; &lt;b&gt;"), "<p>&amp;amp; &amp;lt;b&amp;gt;</p>");
}

TEST(keeps_unicode)
{
    CHECK_STR(fmt("héllo 日本 😀"), "<p>héllo 日本 😀</p>");
}

/* Paragraphs and line breaks */

TEST(single_newline_is_br)
{
    CHECK_STR(fmt("one\ntwo\nthree"), "<p>one<br />two<br />three</p>");
}

TEST(blank_lines_split_paragraphs)
{
    CHECK_STR(fmt("one\n\ntwo"), "<p>one</p><p>two</p>");
    CHECK_STR(fmt("one\n\n\n\ntwo\nthree"), "<p>one</p><p>two<br />three</p>");
}

TEST(crlf_is_newline)
{
    CHECK_STR(fmt("one\r\ntwo\r\n\r\nthree"), "<p>one<br />two</p><p>three</p>");
    CHECK_STR(fmt("one\rtwo"), "<p>one<br />two</p>");
    CHECK_INT(fmt_limit("a\r\nb", 0), 0);
    CHECK_INT(res.chars, 3);
}

TEST(line_of_spaces_is_not_a_paragraph_break)
{
    /* As Rails' simple_format: only \n\n+ splits. */
    CHECK_STR(fmt("a\n \nb"), "<p>a<br /> <br />b</p>");
}

TEST(surrounding_whitespace_is_stripped)
{
    CHECK_STR(fmt("\n\n  hello  \n\n"), "<p>hello</p>");
    CHECK_INT(res.chars, 5);
    CHECK_STR(fmt("\t a\n\n b "), "<p>a</p><p> b</p>");
}

TEST(empty_and_blank_text)
{
    CHECK_INT(fmt_limit("", 0), 0);
    CHECK_STR(res.html, "");
    CHECK_INT(res.chars, 0);
    CHECK_INT(res.n_mentions, 0);
    CHECK_INT(res.n_tags, 0);
    CHECK_STR(fmt("  \n \r\n\t "), "");
    CHECK_STR(fmt("\xe3\x80\x80 \xc2\xa0"), ""); /* ideographic space, no-break space */
    CHECK_INT(res.chars, 0);
}

/* Links */

TEST(url_plain)
{
    CHECK_STR(fmt("see https://example.org"),
              "<p>see <a href=\"https://example.org\" target=\"_blank\" rel=\"nofollow noopener "
              "noreferrer\" translate=\"no\"><span class=\"invisible\">https://</span><span "
              "class=\"\">example.org</span><span class=\"invisible\"></span></a></p>");
}

TEST(url_trailing_punctuation_excluded)
{
    const char *l = link("https://example.org", "https://", "example.org", 0, "");
    CHECK_STR(fmt("https://example.org."), p(arena_printf(arena, "%s.", l)));
    CHECK_STR(fmt("https://example.org, then"), p(arena_printf(arena, "%s, then", l)));
    CHECK_STR(fmt("https://example.org?!"), p(arena_printf(arena, "%s?!", l)));
    CHECK_STR(fmt("https://example.org':"), p(arena_printf(arena, "%s&#39;:", l)));
    /* Inside the URL they stay. */
    CHECK_STR(fmt("https://example.org/a.b,c;d"),
              p(link("https://example.org/a.b,c;d", "https://", "example.org/a.b,c;d", 0, "")));
}

TEST(url_balanced_parentheses)
{
    CHECK_STR(fmt("https://en.wikipedia.org/wiki/Foo_(bar)"),
              p(link("https://en.wikipedia.org/wiki/Foo_(bar)", "https://",
                     "en.wikipedia.org/wiki/Foo_(bar", 1, ")")));
    CHECK_STR(fmt("(see https://en.wikipedia.org/wiki/Foo_(bar))."),
              p(arena_printf(arena, "(see %s).",
                             link("https://en.wikipedia.org/wiki/Foo_(bar)", "https://",
                                  "en.wikipedia.org/wiki/Foo_(bar", 1, ")"))));
    CHECK_STR(
        fmt("(https://x.org/a)"),
        p(arena_printf(arena, "(%s)", link("https://x.org/a", "https://", "x.org/a", 0, ""))));
    /* A ')' that closes nothing ends the URL even in the middle of a word. */
    CHECK_STR(
        fmt("https://x.org/a)b"),
        p(arena_printf(arena, "%s)b", link("https://x.org/a", "https://", "x.org/a", 0, ""))));
}

TEST(url_query_string_escaped)
{
    /* The closing quote is trailing punctuation; the one inside is not. */
    CHECK_STR(fmt("https://x.org/?a=1&b='2'"),
              p(arena_printf(arena, "%s&#39;",
                             link("https://x.org/?a=1&amp;b=&#39;2", "https://",
                                  "x.org/?a=1&amp;b=&#39;2", 0, ""))));
}

TEST(url_long_is_shortened)
{
    CHECK_STR(fmt("https://www.example.org/a/very/long/path/that/is/cut?x=1"),
              p(link("https://www.example.org/a/very/long/path/that/is/cut?x=1", "https://www.",
                     "example.org/a/very/long/path/t", 1, "hat/is/cut?x=1")));
    /* Exactly 30 code points after the prefix: not cut. */
    CHECK_STR(fmt("http://example.org/123456789012345678"),
              p(link("http://example.org/123456789012345678", "http://",
                     "example.org/123456789012345678", 0, "")));
    /* The cut counts code points, not bytes. */
    CHECK_STR(fmt("https://x.org/ééééééééééééééééééééééééé"),
              p(link("https://x.org/ééééééééééééééééééééééééé", "https://",
                     "x.org/éééééééééééééééééééééééé", 1, "é")));
}

TEST(url_scheme_case)
{
    /* Linked, but Mastodon's prefix match is case-sensitive: nothing hidden. */
    CHECK_STR(fmt("HTTPS://X.ORG"), p(link("HTTPS://X.ORG", "", "HTTPS://X.ORG", 0, "")));
}

TEST(url_other_schemes_not_linked)
{
    CHECK_STR(fmt("javascript:alert(1)"), "<p>javascript:alert(1)</p>");
    CHECK_STR(fmt("ftp://x.org mailto:a@x.org data:text/html,hi"),
              "<p>ftp://x.org mailto:a@x.org data:text/html,hi</p>");
    CHECK_STR(fmt("https:// http://. https://-x"), "<p>https:// http://. https://-x</p>");
}

TEST(url_inside_word_not_linked)
{
    CHECK_STR(fmt("xhttps://x.org"), "<p>xhttps://x.org</p>");
    CHECK_STR(fmt("@https://x.org"), "<p>@https://x.org</p>");
    /* CJK text has no spaces: a URL right after it is linked. */
    CHECK_STR(fmt("日本https://x.org"),
              p(arena_printf(arena, "日本%s", link("https://x.org", "https://", "x.org", 0, ""))));
}

TEST(url_stops_at_markup_and_space)
{
    CHECK_STR(fmt("https://x.org/\"><script>"),
              p(arena_printf(arena, "%s&quot;&gt;&lt;script&gt;",
                             link("https://x.org/", "https://", "x.org/", 0, ""))));
    CHECK_STR(
        fmt("https://x.org/a<b"),
        p(arena_printf(arena, "%s&lt;b", link("https://x.org/a", "https://", "x.org/a", 0, ""))));
    CHECK_STR(
        fmt("https://x.org/a\nb"),
        p(arena_printf(arena, "%s<br />b", link("https://x.org/a", "https://", "x.org/a", 0, ""))));
    /* Non-ASCII punctuation ends it; non-ASCII letters do not. */
    CHECK_STR(fmt("https://ja.wikipedia.org/wiki/日本。"),
              p(arena_printf(arena, "%s。",
                             link("https://ja.wikipedia.org/wiki/日本", "https://",
                                  "ja.wikipedia.org/wiki/日本", 0, ""))));
    CHECK_STR(fmt("\xe2\x80\x9chttps://x.org\xe2\x80\x9d"),
              p(arena_printf(arena, "\xe2\x80\x9c%s\xe2\x80\x9d",
                             link("https://x.org", "https://", "x.org", 0, ""))));
}

TEST(url_fragment_is_no_hashtag_and_at_is_no_mention)
{
    CHECK_STR(fmt("https://x.org/@alice#top"),
              p(link("https://x.org/@alice#top", "https://", "x.org/@alice#top", 0, "")));
    CHECK_INT(res.n_tags, 0);
    CHECK_INT(res.n_mentions, 0);
}

TEST(url_counts_23)
{
    CHECK_INT(fmt_limit("https://x.org", 0), 0);
    CHECK_INT(res.chars, 23);
    CHECK_INT(fmt_limit("https://example.org/a/very/long/path/that/goes/on/and/on/and/on", 0), 0);
    CHECK_INT(res.chars, 23);
    CHECK_INT(fmt_limit("look: https://x.org.", 0), 0);
    CHECK_INT(res.chars, 6 + 23 + 1);
    CHECK_INT(fmt_limit("https://x.org https://y.org", 47), 0);
    CHECK_INT(res.chars, 47);
    CHECK_INT(fmt_limit("https://x.org https://y.org", 46), E_LIMIT);
}

/* Mentions */

TEST(mention_local)
{
    CHECK_STR(fmt("hi @alice!"),
              "<p>hi <span class=\"h-card\" translate=\"no\"><a href=\"https://a.test/@alice\" "
              "class=\"u-url mention\">@<span>alice</span></a></span>!</p>");
    CHECK_INT(res.n_mentions, 1);
    CHECK_STR(res.mentions[0].username, "alice");
    CHECK(res.mentions[0].domain == NULL);
    CHECK_STR(res.mentions[0].url, "https://a.test/@alice");
    CHECK_INT(res.chars, 10);
}

TEST(mention_remote)
{
    CHECK_STR(fmt("@zoe@r.test hello"),
              p(arena_printf(arena, "%s hello", mention("https://r.test/@zoe", "zoe"))));
    CHECK_INT(res.n_mentions, 1);
    CHECK_STR(res.mentions[0].username, "zoe");
    CHECK_STR(res.mentions[0].domain, "r.test");
    CHECK_STR(res.mentions[0].url, "https://r.test/@zoe");
    /* "@zoe hello": the domain is not counted. */
    CHECK_INT(res.chars, 10);
    CHECK_STR(fmt("cc @bob@social.example."),
              p(arena_printf(arena, "cc %s.", mention("http://social.example/users/bob", "bob"))));
    CHECK_STR(res.mentions[0].domain, "social.example");
}

TEST(mention_with_port)
{
    CHECK_STR(fmt("@bob@127.0.0.1:8081: hi"),
              p(arena_printf(arena, "%s: hi", mention("http://127.0.0.1:8081/users/bob", "bob"))));
    CHECK_INT(res.n_mentions, 1);
    CHECK_STR(res.mentions[0].domain, "127.0.0.1:8081");
    CHECK_INT(res.chars, 8);
    /* Not a port: the colon stays text and the domain has no port. */
    fmt("@bob@127.0.0.1:80ab");
    CHECK_INT(res.n_mentions, 0);
    CHECK_STR(res.html, "<p>@bob@127.0.0.1:80ab</p>");
}

TEST(mention_own_domain_is_local)
{
    CHECK_STR(fmt("@Alice@A.TEST"), p(mention("https://a.test/@Alice", "Alice")));
    CHECK_INT(res.n_mentions, 1);
    CHECK(res.mentions[0].domain == NULL);
    CHECK_INT(res.chars, 6);
}

TEST(mention_unknown_is_text)
{
    resolver_calls = 0;
    CHECK_STR(fmt("@nobody and @nobody@r.test"), "<p>@nobody and @nobody@r.test</p>");
    CHECK_INT(res.n_mentions, 0);
    CHECK_INT(resolver_calls, 2);
    /* Counted as Mastodon counts it, resolved or not. */
    CHECK_INT(res.chars, 7 + 5 + 7);
}

TEST(mention_without_resolver_is_text)
{
    CHECK_INT(fmt_opt("@alice #tag", 0, NULL), 0);
    CHECK_STR(res.html, p(arena_printf(arena, "@alice %s", tag("tag", "tag"))));
    CHECK_INT(res.n_mentions, 0);
}

TEST(email_is_not_a_mention)
{
    resolver_calls = 0;
    CHECK_STR(fmt("mail a@b.com or alice@a.test"), "<p>mail a@b.com or alice@a.test</p>");
    CHECK_INT(res.n_mentions, 0);
    CHECK_INT(resolver_calls, 0);
}

TEST(mention_boundaries)
{
    const char *al = mention("https://a.test/@alice", "alice");
    CHECK_STR(fmt("(@alice)"), p(arena_printf(arena, "(%s)", al)));
    CHECK_STR(fmt("@alice."), p(arena_printf(arena, "%s.", al)));
    CHECK_STR(fmt("@alice-"), p(arena_printf(arena, "%s-", al)));
    CHECK_STR(fmt("@alice's"), p(arena_printf(arena, "%s&#39;s", al)));
    CHECK_STR(fmt("x@alice /@alice =@alice @@alice"), "<p>x@alice /@alice =@alice @@alice</p>");
    /* As twitter-text: followed by '@', "://" or an accented letter, no mention. */
    CHECK_STR(fmt("@alice@ @alice:// @aliceé"), "<p>@alice@ @alice:// @aliceé</p>");
    CHECK_STR(fmt("日本@alice"), "<p>日本@alice</p>");
    CHECK_INT(res.n_mentions, 0);
}

TEST(mention_dotted_username)
{
    resolver_calls = 0;
    fmt("@bob.smith-x. @a..b");
    CHECK_INT(resolver_calls, 2);
    CHECK_STR(res.html, "<p>@bob.smith-x. @a..b</p>");
}

TEST(mention_quote_in_url_escaped)
{
    CHECK_STR(fmt("@quote"), p(mention("https://a.test/@q&quot;&gt;&lt;script&gt;", "quote")));
}

TEST(mentions_distinct_in_order)
{
    resolver_calls = 0;
    fmt("@zoe@r.test @alice @Alice @ALICE@a.test @zoe@R.TEST @bob @nobody @NOBODY");
    CHECK_INT(res.n_mentions, 3);
    if (res.n_mentions == 3) {
        CHECK_STR(res.mentions[0].username, "zoe");
        CHECK_STR(res.mentions[0].domain, "r.test");
        CHECK_STR(res.mentions[1].username, "alice");
        CHECK(res.mentions[1].domain == NULL);
        CHECK_STR(res.mentions[2].username, "bob");
    }
    /* Once per distinct account, known or not. */
    CHECK_INT(resolver_calls, 4);
    /* Every occurrence is linked, as written. */
    CHECK(strstr(res.html, "@<span>Alice</span>") != NULL);
    CHECK(strstr(res.html, "@<span>ALICE</span>") != NULL);
}

/* Hashtags */

TEST(hashtag_basic)
{
    CHECK_STR(fmt("#Hearth"), "<p><a href=\"https://a.test/tags/hearth\" class=\"mention "
                              "hashtag\" rel=\"tag\">#<span>Hearth</span></a></p>");
    CHECK_INT(res.n_tags, 1);
    CHECK_STR(res.tags[0], "hearth");
    CHECK_INT(res.chars, 7);
}

TEST(hashtag_unicode)
{
    CHECK_STR(fmt("#café #日本語"),
              p(arena_printf(arena, "%s %s", tag("café", "café"), tag("日本語", "日本語"))));
    CHECK_INT(res.n_tags, 2);
    CHECK_STR(res.tags[0], "café");
    CHECK_STR(res.tags[1], "日本語");
    /* Only ASCII is lowercased; other bytes are kept as written. */
    CHECK_STR(fmt("#CAFÉ"), p(tag("cafÉ", "CAFÉ")));
    CHECK_STR(res.tags[0], "cafÉ");
}

TEST(hashtag_ends_at_punctuation)
{
    CHECK_STR(fmt("#tag, #日本語。"),
              p(arena_printf(arena, "%s, %s。", tag("tag", "tag"), tag("日本語", "日本語"))));
    CHECK_STR(fmt("#a_b-c"), p(arena_printf(arena, "%s-c", tag("a_b", "a_b"))));
    CHECK_STR(fmt("#tag😀"), p(arena_printf(arena, "%s😀", tag("tag", "tag"))));
}

TEST(hashtag_digits_only_is_not_a_tag)
{
    CHECK_STR(fmt("#123 #_ #1_2"), "<p>#123 #_ #1_2</p>");
    CHECK_INT(res.n_tags, 0);
    CHECK_STR(fmt("#1a"), p(tag("1a", "1a")));
}

TEST(hashtag_inside_word_is_not_a_tag)
{
    CHECK_STR(fmt("foo#bar 日本#tag a/#b"), "<p>foo#bar 日本#tag a/#b</p>");
    CHECK_STR(fmt("#foo#bar"), p(arena_printf(arena, "%s#bar", tag("foo", "foo"))));
    CHECK_STR(fmt("(#tag)"), p(arena_printf(arena, "(%s)", tag("tag", "tag"))));
    CHECK_INT(res.n_tags, 1);
}

TEST(hashtags_distinct_case_insensitive)
{
    fmt("#Hearth #HEARTH #hearth #other #hearth");
    CHECK_INT(res.n_tags, 2);
    CHECK_STR(res.tags[0], "hearth");
    CHECK_STR(res.tags[1], "other");
    CHECK(strstr(res.html, "#<span>HEARTH</span>") != NULL);
}

TEST(hashtag_length_cap)
{
    char name[LIMIT_HASHTAG_CHARS + 3];
    name[0] = '#';
    memset(name + 1, 'a', LIMIT_HASHTAG_CHARS);
    name[LIMIT_HASHTAG_CHARS + 1] = '\0';
    fmt(name);
    CHECK_INT(res.n_tags, 1);
    name[LIMIT_HASHTAG_CHARS + 1] = 'a';
    name[LIMIT_HASHTAG_CHARS + 2] = '\0';
    fmt(name);
    CHECK_INT(res.n_tags, 0);
    CHECK_STR(res.html, p(name));
}

TEST(tag_link_base_url)
{
    struct text_options opt = {.base_url = "https://a.test/"};
    CHECK_INT(text_format(arena, "#x", 2, &opt, &res), 0);
    CHECK_STR(res.html, p(tag("x", "x")));
    CHECK_INT(text_format(arena, "#x @alice", 9, NULL, &res), 0);
    CHECK_STR(res.html, "<p><a href=\"/tags/x\" class=\"mention hashtag\" "
                        "rel=\"tag\">#<span>x</span></a> @alice</p>");
}

/* Counting and limits */

TEST(counts_code_points)
{
    CHECK_INT(fmt_limit("héllo 😀😀", 0), 0);
    CHECK_INT(res.chars, 8);
    /* A family emoji is five code points (Mastodon would count one grapheme). */
    CHECK_INT(
        fmt_limit("\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7", 0),
        0);
    CHECK_INT(res.chars, 5);
    CHECK_INT(fmt_limit("😀😀😀", 3), 0);
    CHECK_INT(fmt_limit("😀😀😀", 2), E_LIMIT);
    CHECK_INT(res.chars, 3);
}

TEST(over_limit_sets_chars)
{
    CHECK_INT(fmt_limit("12345", 5), 0);
    CHECK_INT(res.chars, 5);
    CHECK_INT(fmt_limit("123456", 5), E_LIMIT);
    CHECK_INT(res.chars, 6);
    CHECK_STR(res.html, "");
    CHECK_INT(res.n_tags, 0);
    /* Refused for length before any account is looked up. */
    resolver_calls = 0;
    CHECK_INT(fmt_limit("@alice @bob @zoe@r.test and more", 10), E_LIMIT);
    CHECK_INT(resolver_calls, 0);
    CHECK_INT(res.chars, 25); /* "@alice @bob @zoe and more" */
}

TEST(over_byte_limit)
{
    static char big[LIMIT_STATUS_BYTES + 2];
    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    CHECK_INT(fmt_limit(big, 0), E_LIMIT);
    big[LIMIT_STATUS_BYTES] = '\0';
    CHECK_INT(fmt_limit(big, 0), 0);
    CHECK_INT(res.chars, LIMIT_STATUS_BYTES);
}

TEST(too_many_hashtags)
{
    char text[1024] = "";
    size_t n = 0;
    for (int i = 0; i < LIMIT_HASHTAGS; i++)
        n += (size_t)snprintf(text + n, sizeof(text) - n, "#t%d ", i);
    CHECK_INT(fmt_limit(text, 0), 0);
    CHECK_INT(res.n_tags, LIMIT_HASHTAGS);
    snprintf(text + n, sizeof(text) - n, "#T0 #t%d", LIMIT_HASHTAGS);
    CHECK_INT(fmt_limit(text, 0), E_LIMIT);
    CHECK_STR(res.html, "");
    CHECK_INT(res.n_tags, 0);
}

TEST(too_many_mentions)
{
    char text[1024] = "";
    size_t n = 0;
    for (int i = 0; i < LIMIT_MENTIONS; i++)
        n += (size_t)snprintf(text + n, sizeof(text) - n, "@u%d ", i);
    CHECK_INT(fmt_opt(text, 0, resolve_all), 0);
    CHECK_INT(res.n_mentions, LIMIT_MENTIONS);
    snprintf(text + n, sizeof(text) - n, "@U0 @u%d", LIMIT_MENTIONS);
    CHECK_INT(fmt_opt(text, 0, resolve_all), E_LIMIT);
    CHECK_INT(res.n_mentions, 0);
    /* Unknown names do not count toward the cap. */
    CHECK_INT(fmt_limit(text, 0), 0);
    CHECK_INT(res.n_mentions, 0);
}

/* Invalid input */

static int bad(const char *s, size_t n)
{
    int rc = text_format(arena, s, n, NULL, &res);
    CHECK_STR(res.html, "");
    CHECK_INT(res.chars, 0);
    return rc;
}

TEST(invalid_utf8_refused)
{
    CHECK_INT(bad("bad \xff", 5), E_UTF8);
    CHECK_INT(bad("over\xc0\xaf", 6), E_UTF8);               /* overlong '/' */
    CHECK_INT(bad("\xe0\x80\xaf", 3), E_UTF8);               /* overlong, 3 bytes */
    CHECK_INT(bad("cut \xe2\x82", 6), E_UTF8);               /* truncated */
    CHECK_INT(bad("\xed\xa0\x80 surrogate", 13), E_UTF8);    /* U+D800 */
    CHECK_INT(bad("\x80 lone continuation", 19), E_UTF8);    /* */
    CHECK_INT(bad("\xf4\x90\x80\x80 too high", 13), E_UTF8); /* U+110000 */
    CHECK_INT(bad("a\0b", 3), E_UTF8);
    CHECK_INT(bad("#tag\0", 5), E_UTF8);
}

int main(void)
{
    arena = arena_new();
    RUN(escapes_script);
    RUN(escapes_amp_and_quotes);
    RUN(keeps_unicode);
    RUN(single_newline_is_br);
    RUN(blank_lines_split_paragraphs);
    RUN(crlf_is_newline);
    RUN(line_of_spaces_is_not_a_paragraph_break);
    RUN(surrounding_whitespace_is_stripped);
    RUN(empty_and_blank_text);
    RUN(url_plain);
    RUN(url_trailing_punctuation_excluded);
    RUN(url_balanced_parentheses);
    RUN(url_query_string_escaped);
    RUN(url_long_is_shortened);
    RUN(url_scheme_case);
    RUN(url_other_schemes_not_linked);
    RUN(url_inside_word_not_linked);
    RUN(url_stops_at_markup_and_space);
    RUN(url_fragment_is_no_hashtag_and_at_is_no_mention);
    RUN(url_counts_23);
    RUN(mention_local);
    RUN(mention_remote);
    RUN(mention_with_port);
    RUN(mention_own_domain_is_local);
    RUN(mention_unknown_is_text);
    RUN(mention_without_resolver_is_text);
    RUN(email_is_not_a_mention);
    RUN(mention_boundaries);
    RUN(mention_dotted_username);
    RUN(mention_quote_in_url_escaped);
    RUN(mentions_distinct_in_order);
    RUN(hashtag_basic);
    RUN(hashtag_unicode);
    RUN(hashtag_ends_at_punctuation);
    RUN(hashtag_digits_only_is_not_a_tag);
    RUN(hashtag_inside_word_is_not_a_tag);
    RUN(hashtags_distinct_case_insensitive);
    RUN(hashtag_length_cap);
    RUN(tag_link_base_url);
    RUN(counts_code_points);
    RUN(over_limit_sets_chars);
    RUN(over_byte_limit);
    RUN(too_many_hashtags);
    RUN(too_many_mentions);
    RUN(invalid_utf8_refused);
    arena_free(arena);
    return t_done();
}
