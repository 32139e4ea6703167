/*
 * Unit tests for web/tmpl: escaping, lookups, sections, partials, template
 * errors, the output cap and the static files. Each case checks the exact
 * output.
 *
 * This binary is linked with its own template table: the real templates of
 * src/web/templates/ plus tests/data/tmpl/ (recursive and broken ones).
 *
 * Lifetime: one buf for the whole run, emptied before each render; each
 * JSON tree is freed by the case that made it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "t.h"
#include "util/buf.h"
#include "util/err.h"
#include "web/tmpl.h"

static struct buf out;
static const char *why;

/* Renders template text tpl with the JSON data (NULL: an empty object) into out. */
static int render(const char *tpl, const char *data)
{
    json_error_t jerr;
    json_t *d = json_loads(data ? data : "{}", JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
    if (!d) {
        fprintf(stderr, "bad test JSON: %s: %s\n", data, jerr.text);
        abort();
    }
    buf_reset(&out);
    why = "unset";
    int rc = tmpl_render_text(&out, tpl, strlen(tpl), d, &why);
    json_decref(d);
    return rc;
}

/* The output of a render that must succeed. */
static const char *ok(const char *tpl, const char *data)
{
    int rc = render(tpl, data);
    if (rc != 0) {
        fprintf(stderr, "render of \"%s\": %s (%s)\n", tpl, err_str(rc), why ? why : "");
        return "(error)";
    }
    return buf_cstr(&out);
}

static char *read_all(FILE *f)
{
    static char text[8192];
    rewind(f);
    size_t n = fread(text, 1, sizeof(text) - 1, f);
    text[n] = '\0';
    return text;
}

static size_t count(const char *s, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(s, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/*
 * Must run first: the compiled-in templates are parsed on first use, and the
 * broken ones are logged then, once each.
 */
TEST(broken_templates_logged_once)
{
    FILE *log = tmpfile();
    int saved = dup(STDERR_FILENO);
    dup2(fileno(log), STDERR_FILENO);
    json_t *d = json_object();
    buf_reset(&out);
    int rc1 = tmpl_render(&out, "test_broken", d);
    int rc2 = tmpl_render(&out, "test_broken", d);
    int rc3 = tmpl_render(&out, "test_badpartial", d);
    int rc4 = tmpl_render(&out, "test_uses_broken", d);
    dup2(saved, STDERR_FILENO);
    close(saved);
    json_decref(d);

    CHECK_INT(rc1, E_INVAL);
    CHECK_INT(rc2, E_INVAL);
    CHECK_INT(rc3, E_NOTFOUND);
    /* The including template parses; the broken partial fails it when rendered. */
    CHECK_INT(rc4, E_INVAL);
    CHECK_INT(out.len, 0);
    const char *text = read_all(log);
    CHECK_INT(count(text, "level=error module=web"), 2);
    CHECK_INT(count(text, "template test_broken.html, line 3: a section that is never closed"), 1);
    CHECK_INT(
        count(text, "template test_badpartial.html, line 1: a partial that is not a template"), 1);
    CHECK_INT(count(text, "error.html"), 0);
    fclose(log);
}

TEST(escaping)
{
    CHECK_STR(ok("{{s}}", "{\"s\": \"a&b<c>d\\\"e'f\"}"), "a&amp;b&lt;c&gt;d&quot;e&#39;f");
    CHECK_STR(ok("{{s}}", "{\"s\": \"&&<<\"}"), "&amp;&amp;&lt;&lt;");
    CHECK_STR(ok("<a title=\"{{s}}\">", "{\"s\": \"\\\" onmouseover='x'\"}"),
              "<a title=\"&quot; onmouseover=&#39;x&#39;\">");
    CHECK_STR(ok("{{s}}", "{\"s\": \"caf\\u00e9 \\u2603\"}"), "caf\xc3\xa9 \xe2\x98\x83");
    /* A NUL inside a JSON string becomes U+FFFD, as browsers would show it. */
    CHECK_STR(ok("{{s}}", "{\"s\": \"a\\u0000b\"}"), "a\357\277\275b");
    CHECK_STR(ok("{{{s}}}", "{\"s\": \"<b>&amp;'\\\"</b>\"}"), "<b>&amp;'\"</b>");
    CHECK_STR(ok("{{{ s }}}", "{\"s\": \"<i>\"}"), "<i>");

    buf_reset(&out);
    CHECK_INT(tmpl_escape(&out, "<script>alert('x' & \"y\")</script>"), 0);
    CHECK_STR(buf_cstr(&out),
              "&lt;script&gt;alert(&#39;x&#39; &amp; &quot;y&quot;)&lt;/script&gt;");
    CHECK_INT(tmpl_escape(&out, NULL), 0);
    CHECK_INT(tmpl_escape(&out, ""), 0);
    CHECK_INT(out.len,
              strlen("&lt;script&gt;alert(&#39;x&#39; &amp; &quot;y&quot;)&lt;/script&gt;"));
}

TEST(values)
{
    CHECK_STR(ok("plain text, no tags", NULL), "plain text, no tags");
    CHECK_STR(ok("", NULL), "");
    CHECK_STR(ok("[{{missing}}]", NULL), "[]");
    CHECK_STR(ok("[{{{missing}}}]", NULL), "[]");
    CHECK_STR(ok("[{{n}}]", "{\"n\": null}"), "[]");
    CHECK_STR(ok("[{{f}}|{{t}}]", "{\"f\": false, \"t\": true}"), "[|true]");
    CHECK_STR(ok("{{i}} {{neg}} {{big}}", "{\"i\": 42, \"neg\": -7, \"big\": 9007199254740993}"),
              "42 -7 9007199254740993");
    CHECK_STR(ok("{{a}} {{b}} {{c}}", "{\"a\": 1.5, \"b\": 3.0, \"c\": 0.1}"), "1.5 3 0.1");
    CHECK_STR(ok("[{{o}}|{{l}}]", "{\"o\": {\"x\": 1}, \"l\": [1, 2]}"), "[|]");
    CHECK_STR(ok("{{ s }}|{{\ts\n}}", "{\"s\": \"x\"}"), "x|x");
    CHECK_STR(ok("a{{! a comment, with {{ and } inside }}b", NULL), "ab");
    CHECK_STR(ok("{{!}}{{!-}}c", NULL), "c");
    CHECK_STR(ok("{single} { {s} }} }", "{\"s\": 1}"), "{single} { {s} }} }");
    CHECK_STR(ok("{{s}}}", "{\"s\": \"x\"}"), "x}");
    CHECK_STR(ok("{{snake_case-name}}", "{\"snake_case-name\": \"y\"}"), "y");
}

TEST(dotted_paths)
{
    const char *d = "{\"a\": {\"b\": {\"c\": \"deep\"}, \"n\": 3}, \"s\": \"str\"}";
    CHECK_STR(ok("{{a.b.c}} {{a.n}}", d), "deep 3");
    CHECK_STR(ok("[{{a.x}}][{{a.b.c.d}}][{{s.len}}][{{x.y}}]", d), "[][][][]");
    CHECK_STR(ok("{{#a}}{{b.c}}{{/a}}", d), "deep");
    /* The first key is found through the stack; the rest only inside what it found. */
    CHECK_STR(ok("{{#a.b}}{{c}}-{{s}}-{{a.n}}{{/a.b}}", d), "deep-str-3");
    CHECK_STR(ok("{{#a}}[{{b.s}}]{{/a}}", d), "[]");
}

TEST(sections_truthiness)
{
    const char *d = "{\"t\": true, \"f\": false, \"n\": null, \"e\": \"\", \"z\": 0, \"zr\": 0.0,"
                    " \"l0\": [], \"o0\": {}, \"s\": \"yes\", \"one\": 1, \"r\": 0.5}";
    CHECK_STR(ok("{{#t}}T{{/t}}{{#f}}F{{/f}}{{#n}}N{{/n}}{{#e}}E{{/e}}{{#z}}Z{{/z}}"
                 "{{#zr}}ZR{{/zr}}{{#l0}}L{{/l0}}{{#missing}}M{{/missing}}",
                 d),
              "T");
    CHECK_STR(ok("{{#o0}}O{{/o0}}{{#s}}S{{/s}}{{#one}}1{{/one}}{{#r}}R{{/r}}", d), "OS1R");
    CHECK_STR(ok("{{^t}}T{{/t}}{{^f}}F{{/f}}{{^n}}N{{/n}}{{^e}}E{{/e}}{{^z}}Z{{/z}}"
                 "{{^zr}}ZR{{/zr}}{{^l0}}L{{/l0}}{{^missing}}M{{/missing}}",
                 d),
              "FNEZZRLM");
    CHECK_STR(ok("{{^o0}}O{{/o0}}{{^s}}S{{/s}}{{^one}}1{{/one}}{{^r}}R{{/r}}", d), "");
    /* A scalar section pushes its value: {{.}} is the value itself. */
    CHECK_STR(ok("{{#s}}<{{.}}>{{/s}}{{#one}}<{{.}}>{{/one}}", d), "<yes><1>");
    CHECK_STR(ok("{{# s }}x{{/ s }}", d), "x");
}

TEST(sections_lists_and_objects)
{
    CHECK_STR(ok("{{#l}}[{{.}}]{{/l}}", "{\"l\": [\"a\", \"<b>\", 3, true, null]}"),
              "[a][&lt;b&gt;][3][true][]");
    CHECK_STR(ok("{{#l}}{{{.}}}{{/l}}", "{\"l\": [\"<i>\", \"<b>\"]}"), "<i><b>");
    CHECK_STR(ok("<ul>{{#people}}<li>{{name}} ({{age}})</li>{{/people}}</ul>",
                 "{\"people\": [{\"name\": \"Ann\", \"age\": 30}, {\"name\": \"Bo\"}]}"),
              "<ul><li>Ann (30)</li><li>Bo ()</li></ul>");
    CHECK_STR(ok("{{#acct}}@{{user}}@{{host}}{{/acct}}",
                 "{\"acct\": {\"user\": \"ann\", \"host\": \"a.test\"}}"),
              "@ann@a.test");
    CHECK_STR(ok("{{.}}", "\"top\""), "top");
    CHECK_STR(ok("{{#.}}<{{.}}>{{/.}}", "[1, 2, 3]"), "<1><2><3>");
    CHECK_STR(ok("{{#m}}{{#.}}{{.}}{{/.}};{{/m}}", "{\"m\": [[1, 2], [], [3]]}"), "12;;3;");
}

TEST(nested_sections_outer_lookup)
{
    const char *d = "{\"site\": \"Hearth\", \"me\": \"ann\", \"posts\": ["
                    "{\"id\": 1, \"tags\": [\"a\", \"b\"], \"me\": \"shadow\"},"
                    "{\"id\": 2, \"tags\": []}]}";
    CHECK_STR(ok("{{#posts}}{{id}}:{{#tags}}{{.}}@{{site}}/{{id}},{{/tags}}"
                 "{{^tags}}none{{/tags}} by {{me}};{{/posts}}",
                 d),
              "1:a@Hearth/1,b@Hearth/1, by shadow;2:none by ann;");
    /* A key that exists but is false in the inner object hides the outer one. */
    CHECK_STR(ok("{{#o}}[{{x}}]{{/o}}", "{\"x\": \"outer\", \"o\": {\"x\": false}}"), "[]");
    CHECK_STR(ok("{{#o}}[{{x}}]{{/o}}", "{\"x\": \"outer\", \"o\": {\"y\": 1}}"), "[outer]");
}

TEST(partials)
{
    CHECK_STR(ok("<body>{{> error}}</body>", "{\"title\": \"Not found\", \"message\": \"No <such> "
                                             "page & that's it\"}"),
              "<body><main id=\"main\"><h1>Not found</h1><p>No &lt;such&gt; page &amp; "
              "that&#39;s it</p></main>\n</body>");
    /* A partial sees the whole context stack. */
    CHECK_STR(ok("{{#items}}{{>test_item}}{{/items}}",
                 "{\"owner\": \"ann\", \"items\": [{\"label\": \"x\"}, {\"label\": \"y\", "
                 "\"owner\": \"bo\"}]}"),
              "[x of ann][y of bo]");

    json_t *d = json_pack("{s:s, s:s}", "title", "Gone", "message", "It's gone");
    buf_reset(&out);
    CHECK_INT(tmpl_render(&out, "error", d), 0);
    CHECK_STR(buf_cstr(&out), "<main id=\"main\"><h1>Gone</h1><p>It&#39;s gone</p></main>\n");
    /* Appends after what is there. */
    CHECK_INT(tmpl_render(&out, "error", d), 0);
    CHECK_INT(out.len, 2 * strlen("<main id=\"main\"><h1>Gone</h1><p>It&#39;s gone</p></main>\n"));
    CHECK_INT(tmpl_render(&out, "no_such_page", d), E_NOTFOUND);
    CHECK_INT(tmpl_render(&out, "error.html", d), E_NOTFOUND);
    CHECK_INT(tmpl_render(&out, "", d), E_NOTFOUND);
    json_decref(d);

    CHECK_INT(render("a{{>nope}}", NULL), E_NOTFOUND);
    CHECK_INT(out.len, 0);
    CHECK_INT(render("a{{>}}", NULL), E_INVAL);
    CHECK_INT(render("{{>test_uses_broken}}", NULL), E_INVAL);
    CHECK_STR(why, "a section that is never closed");
}

TEST(partial_depth)
{
    /*
     * test_nest renders <, itself for child, then >: with n objects nested
     * through child (the innermost child false), the partials nest n deep.
     */
    char data[1024];
    struct buf d;
    buf_init(&d, sizeof(data) - 1);
    for (int levels = 14; levels <= 17; levels++) {
        buf_reset(&d);
        for (int i = 0; i < levels; i++)
            buf_puts(&d, "{\"child\": ");
        buf_puts(&d, "false");
        for (int i = 0; i < levels; i++)
            buf_putc(&d, '}');
        int rc = render("{{>test_nest}}", buf_cstr(&d));
        if (levels <= 16) {
            CHECK_INT(rc, 0);
            CHECK_INT(out.len, 2 * (size_t)levels);
            CHECK(out.data && out.data[0] == '<' && out.data[levels - 1] == '<' &&
                  out.data[levels] == '>');
        } else {
            CHECK_INT(rc, E_LIMIT);
            CHECK_INT(out.len, 0);
        }
    }
    buf_fini(&d);
    /* A template that includes itself ends at the cap. */
    CHECK_INT(render("{{>test_loop}}", NULL), E_LIMIT);
    json_t *o = json_object();
    buf_reset(&out);
    CHECK_INT(tmpl_render(&out, "test_loop", o), E_LIMIT);
    CHECK_INT(out.len, 0);
    json_decref(o);
}

TEST(parse_errors)
{
    CHECK_INT(render("{{#a}}x", NULL), E_INVAL);
    CHECK_STR(why, "a section that is never closed");
    CHECK_INT(render("{{#a}}{{#b}}{{/b}}", NULL), E_INVAL);
    CHECK_STR(why, "a section that is never closed");
    CHECK_INT(render("{{#a}}{{/b}}", NULL), E_INVAL);
    CHECK_STR(why, "a {{/name}} that does not match the open section");
    CHECK_INT(render("{{#a}}{{#b}}{{/a}}{{/b}}", NULL), E_INVAL);
    CHECK_STR(why, "a {{/name}} that does not match the open section");
    CHECK_INT(render("x{{/a}}", NULL), E_INVAL);
    CHECK_STR(why, "a {{/name}} that closes no section");
    CHECK_INT(render("abc {{name", NULL), E_INVAL);
    CHECK_STR(why, "{{ without }}");
    CHECK_INT(render("{{name}", NULL), E_INVAL);
    CHECK_STR(why, "{{ without }}");
    CHECK_INT(render("{{", NULL), E_INVAL);
    CHECK_STR(why, "{{ without }}");
    CHECK_INT(render("{{! never closed", NULL), E_INVAL);
    CHECK_STR(why, "{{ without }}");
    CHECK_INT(render("{{{raw}}", NULL), E_INVAL);
    CHECK_STR(why, "{{{ without }}}");
    CHECK_INT(render("{{{raw}} }", NULL), E_INVAL);
    CHECK_STR(why, "{{{ without }}}");
    const char *unknown[] = {"{{&a}}", "{{=<% %>=}}", "{{<a}}", "{{$a}}", "{{ @a }}", "{{{{a}}}}"};
    for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
        CHECK_INT(render(unknown[i], NULL), E_INVAL);
    }
    CHECK_INT(render("{{&a}}", NULL), E_INVAL);
    CHECK_STR(why, "an unknown kind of tag");
    CHECK_INT(render("{{a b}}", NULL), E_INVAL);
    CHECK_STR(why, "a name with a character other than letters, digits, _ - and .");
    CHECK_INT(render("{{}}", NULL), E_INVAL);
    CHECK_STR(why, "a tag without a name");
    CHECK_INT(render("{{#}}{{/}}", NULL), E_INVAL);
    CHECK_STR(why, "a tag without a name");
    CHECK_INT(render("{{a..b}}", NULL), E_INVAL);
    CHECK_STR(why, "an empty key in a dotted name");
    CHECK_INT(render("{{a.}}", NULL), E_INVAL);
    CHECK_INT(render("{{.a}}", NULL), E_INVAL);
    /* Errors are found when parsing: even in a section that would not render. */
    CHECK_INT(render("{{#f}}{{&x}}{{/f}}", "{\"f\": false}"), E_INVAL);
    CHECK_INT(out.len, 0);
    /* A valid render leaves why NULL. */
    CHECK_INT(render("{{a}}", NULL), 0);
    CHECK(why == NULL);

    char deep[64 * 8 + 64 * 8 + 16];
    struct buf b;
    buf_init(&b, sizeof(deep));
    for (int i = 0; i < 64; i++)
        buf_puts(&b, "{{#a}}");
    for (int i = 0; i < 64; i++)
        buf_puts(&b, "{{/a}}");
    CHECK_INT(render(buf_cstr(&b), "{\"a\": {}}"), 0);
    buf_reset(&b);
    for (int i = 0; i < 65; i++)
        buf_puts(&b, "{{#a}}");
    CHECK_INT(render(buf_cstr(&b), NULL), E_INVAL);
    CHECK_STR(why, "sections nested too deep");
    buf_fini(&b);
}

TEST(output_cap)
{
    struct buf small;
    buf_init(&small, 16);
    json_t *d = json_pack("{s:s, s:[i,i,i,i,i,i,i,i]}", "s", "<<<<", "l", 1, 2, 3, 4, 5, 6, 7, 8);
    const char *t = "0123456789";
    CHECK_INT(tmpl_render_text(&small, t, strlen(t), d, NULL), 0);
    CHECK_STR(buf_cstr(&small), "0123456789");
    /* A failed render leaves what was there before it. */
    t = "{{s}}";
    CHECK_INT(tmpl_render_text(&small, t, strlen(t), d, NULL), E_LIMIT);
    CHECK_STR(buf_cstr(&small), "0123456789");
    t = "{{{s}}}";
    CHECK_INT(tmpl_render_text(&small, t, strlen(t), d, NULL), 0);
    CHECK_STR(buf_cstr(&small), "0123456789<<<<");
    buf_reset(&small);
    t = "{{#l}}{{.}}{{/l}}";
    CHECK_INT(tmpl_render_text(&small, t, strlen(t), d, NULL), 0);
    CHECK_STR(buf_cstr(&small), "12345678");
    t = "{{#l}}{{.}}, {{/l}}";
    CHECK_INT(tmpl_render_text(&small, t, strlen(t), d, NULL), E_LIMIT);
    CHECK_STR(buf_cstr(&small), "12345678");
    buf_reset(&small);
    CHECK_INT(tmpl_render(&small, "error", d), E_LIMIT);
    CHECK_INT(small.len, 0);
    CHECK_INT(tmpl_escape(&small, "&&&&"), E_LIMIT);
    CHECK_INT(small.len, 0);
    CHECK_INT(tmpl_escape(&small, "&&&"), 0);
    CHECK_STR(buf_cstr(&small), "&amp;&amp;&amp;");
    buf_fini(&small);
    json_decref(d);
}

TEST(assets)
{
    const struct tmpl_asset *a = tmpl_asset("robots.txt");
    CHECK(a != NULL);
    if (a) {
        CHECK_STR(a->name, "robots.txt");
        CHECK_STR(a->type, "text/plain; charset=utf-8");
        CHECK(a->len > 0 && a->len == strlen((const char *)a->data));
        CHECK(strncmp((const char *)a->data, "User-agent: *\n", 14) == 0);
        CHECK(strstr((const char *)a->data, "Disallow: /settings/\n") != NULL);
        CHECK_INT(strlen(a->hash), 10);
        CHECK_INT(strspn(a->hash, "0123456789abcdef"), 10);
    }
    CHECK(tmpl_asset("no-such-file.css") == NULL);
    CHECK(tmpl_asset("robots") == NULL);
    CHECK(tmpl_asset("") == NULL);
    CHECK(tmpl_asset(NULL) == NULL);
    /* Templates are not static files. */
    CHECK(tmpl_asset("error.html") == NULL);
}

int main(void)
{
    buf_init(&out, 0);
    RUN(broken_templates_logged_once);
    RUN(escaping);
    RUN(values);
    RUN(dotted_paths);
    RUN(sections_truthiness);
    RUN(sections_lists_and_objects);
    RUN(nested_sections_outer_lookup);
    RUN(partials);
    RUN(partial_depth);
    RUN(parse_errors);
    RUN(output_cap);
    RUN(assets);
    buf_fini(&out);
    return t_done();
}
