/*
 * Unit tests for core/join (modes, invites, the sign-up rule), core/rule
 * (ordered rules), core/access_block (networks, e-mail blocks, canonical
 * addresses) and core/spam (which posts are held).
 */
#include <string.h>

#include "core/access_block.h"
#include "core/join.h"
#include "core/rule.h"
#include "core/spam.h"
#include "fixture.h"
#include "t.h"
#include "util/arena.h"
#include "util/err.h"

TEST(networks)
{
    char out[IP_BLOCK_TEXT_MAX];
    CHECK_INT(ip_block_canonical("192.0.2.77/24", out), 0);
    CHECK_STR(out, "192.0.2.0/24");
    CHECK_INT(ip_block_canonical("10.1.2.3", out), 0);
    CHECK_STR(out, "10.1.2.3/32");
    CHECK_INT(ip_block_canonical("2001:DB8::1/32", out), 0);
    CHECK_STR(out, "2001:db8::/32");
    CHECK_INT(ip_block_canonical("127.0.0.1/8", out), 0);
    CHECK_STR(out, "127.0.0.0/8");
    CHECK_INT(ip_block_canonical("10.0.0.0/33", out), E_INVAL);
    CHECK_INT(ip_block_canonical("10.0.0.0/", out), E_INVAL);
    CHECK_INT(ip_block_canonical("10.0.0.0/-1", out), E_INVAL);
    CHECK_INT(ip_block_canonical("example.org", out), E_INVAL);
    CHECK_INT(ip_block_canonical("", out), E_INVAL);
}

TEST(ip_blocks_match_and_expire)
{
    struct arena *a = arena_new();
    struct ip_block *b;
    const char *why;
    CHECK_INT(ip_block_create(&fx_core, a, 0, "198.51.100.0/24", IP_SIGN_UP_REQUIRES_APPROVAL, NULL,
                              0, &b, &why),
              0);
    CHECK_INT(ip_block_create(&fx_core, a, 0, "198.51.100.7", IP_NO_ACCESS, "one", 0, &b, &why), 0);
    CHECK_INT(ip_block_create(&fx_core, a, 0, "2001:db8::/32", IP_SIGN_UP_BLOCK, NULL, 0, &b, &why),
              0);
    CHECK_INT(
        ip_block_create(&fx_core, a, 0, "198.51.100.7/32", IP_SIGN_UP_BLOCK, NULL, 0, &b, &why),
        E_EXISTS);
    struct db_conn *c;
    db_acquire(fx_core.db, DB_READ, &c);
    CHECK_INT(ip_block_severity(c, "198.51.100.8"), IP_SIGN_UP_REQUIRES_APPROVAL);
    CHECK_INT(ip_block_severity(c, "198.51.100.7"), IP_NO_ACCESS); /* the strongest */
    CHECK_INT(ip_block_severity(c, "198.51.101.7"), IP_SEVERITY_NONE);
    CHECK_INT(ip_block_severity(c, "2001:db8:1::9"), IP_SIGN_UP_BLOCK);
    CHECK_INT(ip_block_severity(c, "2001:db9::9"), IP_SEVERITY_NONE);
    CHECK_INT(ip_block_severity(c, NULL), IP_SEVERITY_NONE);
    CHECK_INT(ip_block_severity(c, "garbage"), IP_SEVERITY_NONE);
    db_release(c);
    fx_exec("UPDATE ip_blocks SET expires_at = 1 WHERE ip = '198.51.100.7/32'");
    db_acquire(fx_core.db, DB_READ, &c);
    CHECK_INT(ip_block_severity(c, "198.51.100.7"), IP_SIGN_UP_REQUIRES_APPROVAL);
    db_release(c);
    fx_exec("DELETE FROM ip_blocks");
    arena_free(a);
}

TEST(email_blocks)
{
    char h1[65], h2[65], h3[65];
    CHECK_INT(canonical_email_hash("Jo.Doe+news@Example.COM", h1), 0);
    CHECK_INT(canonical_email_hash("jodoe@example.com", h2), 0);
    CHECK_INT(canonical_email_hash("jodoe@example.net", h3), 0);
    CHECK_STR(h1, h2);
    CHECK(strcmp(h1, h3) != 0);
    CHECK_INT(canonical_email_hash("no-at-sign", h1), E_INVAL);
    struct arena *a = arena_new();
    struct email_domain_block *d;
    struct canonical_email_block *ce;
    const char *why;
    CHECK_INT(email_domain_block_create(&fx_core, a, 0, "Spam.Example", &d, &why), 0);
    CHECK_STR(d->domain, "spam.example");
    CHECK_INT(email_domain_block_create(&fx_core, a, 0, "not a domain", &d, &why), E_INVAL);
    CHECK_INT(canonical_email_block_create(&fx_core, a, 0, "Jo.Doe@example.com", NULL, &ce, &why),
              0);
    struct db_conn *c;
    db_acquire(fx_core.db, DB_READ, &c);
    CHECK(email_blocked(c, "x@spam.example", &why));
    CHECK(email_blocked(c, "x@mail.SPAM.example", &why));
    CHECK(!email_blocked(c, "x@notspam.example", &why));
    CHECK(email_blocked(c, "j.o.doe+1@example.com", &why));
    CHECK(!email_blocked(c, "jane@example.com", &why));
    db_release(c);
    fx_exec("DELETE FROM email_domain_blocks");
    fx_exec("DELETE FROM canonical_email_blocks");
    arena_free(a);
}

TEST(rules_keep_their_order)
{
    struct arena *a = arena_new();
    int64_t r1, r2, r3;
    const char *why;
    CHECK_INT(rule_add(&fx_core, 0, "One", NULL, &r1, &why), 0);
    CHECK_INT(rule_add(&fx_core, 0, "Two", "hint", &r2, &why), 0);
    CHECK_INT(rule_add(&fx_core, 0, "Three", NULL, &r3, &why), 0);
    CHECK_INT(rule_add(&fx_core, 0, "", NULL, &r3, &why), E_INVAL);
    CHECK_INT(rule_move(&fx_core, 0, r3, -1, 0), 0);
    CHECK_INT(rule_move(&fx_core, 0, r1, -1, 0), 0); /* already first: nothing */
    CHECK_INT(rule_delete(&fx_core, 0, r1), 0);
    CHECK_INT(rule_delete(&fx_core, 0, r1), E_NOTFOUND);
    struct db_conn *c;
    db_acquire(fx_core.db, DB_READ, &c);
    struct rule *v;
    size_t n;
    CHECK_INT(rule_list(c, a, &v, &n), 0);
    CHECK_INT(n, 2);
    CHECK_STR(v[0].text, "Three");
    CHECK_STR(v[1].text, "Two");
    CHECK_STR(v[1].hint, "hint");
    CHECK_INT(v[1].position, 2);
    CHECK(rule_exists(c, r2));
    CHECK(!rule_exists(c, r1));
    db_release(c);
    arena_free(a);
}

TEST(text_as_html)
{
    struct arena *a = arena_new();
    CHECK_STR(join_html(a, "a <b> & \"c\"\nnext\n\n\nnew"),
              "<p>a &lt;b&gt; &amp; &quot;c&quot;<br>next</p><p>new</p>");
    CHECK_STR(join_html(a, ""), "");
    CHECK_STR(join_html(a, "end\n"), "<p>end</p>");
    arena_free(a);
}

TEST(sign_up_rule)
{
    struct arena *a = arena_new();
    int64_t id;
    int pending;
    const char *field, *why;
    struct join_request r = {.username = "newbie",
                             .email = "newbie@example.net",
                             .password = "correct horse",
                             .agreement = 1,
                             .ip = "192.0.2.1"};
    fx_core.registrations = "closed";
    CHECK_INT(join_signup(&fx_core, a, &r, &id, &pending, &field, &why), E_FORBIDDEN);
    CHECK_INT(join_set_mode(&fx_core, 0, JOIN_APPROVAL), 0);
    CHECK_INT(join_signup(&fx_core, a, &r, &id, &pending, &field, &why), E_INVAL);
    CHECK_STR(field, "reason");
    r.reason = "to bake";
    CHECK_INT(join_signup(&fx_core, a, &r, &id, &pending, &field, &why), 0);
    CHECK_INT(pending, 1);
    /* An invite of one use lets one person in at once, not two. */
    CHECK_INT(join_set_mode(&fx_core, 0, JOIN_INVITE), 0);
    struct invite_new in = {.max_uses = 1, .autoapprove = 1};
    struct invite *inv;
    CHECK_INT(invite_create(&fx_core, a, 0, &in, &inv, &why), 0);
    struct join_request r2 = {.username = "guest",
                              .email = "guest@example.net",
                              .password = "correct horse",
                              .agreement = 1,
                              .invite_code = inv->code};
    CHECK_INT(join_signup(&fx_core, a, &r2, &id, &pending, &field, &why), 0);
    CHECK_INT(pending, 0);
    r2.username = "guest2";
    r2.email = "guest2@example.net";
    CHECK_INT(join_signup(&fx_core, a, &r2, &id, &pending, &field, &why), E_INVAL);
    CHECK_STR(field, "invite_code");
    /* The use is also checked where it is counted (a race for the last use). */
    struct user_signup su = {.invite_id = inv->id};
    CHECK_INT(
        user_register(&fx_core, "racer", "racer@example.net", "correct horse", &su, &id, &why),
        E_LIMIT);
    /* Members make invites only when the server lets them. */
    int64_t member = fx_user("inviter");
    CHECK_INT(invite_create(&fx_core, a, member, &in, &inv, &why), E_FORBIDDEN);
    CHECK_INT(join_set_text(&fx_core, 0, "members_may_invite", "1"), 0);
    CHECK_INT(invite_create(&fx_core, a, member, &in, &inv, &why), 0);
    CHECK_INT(invite_revoke(&fx_core, fx_user("other"), inv->id), E_FORBIDDEN);
    CHECK_INT(invite_revoke(&fx_core, member, inv->id), 0);
    CHECK_INT(join_set_text(&fx_core, 0, "no_such_key", "1"), E_INVAL);
    arena_free(a);
}

TEST(spam_rule)
{
    int64_t bob = fx_user("spam_bob"), eve = fx_user("spam_eve"), ann = fx_user("spam_ann");
    int64_t stranger = fx_remote("stranger", "far.test");
    const char *link = "<p>buy <a href=\"https://x.test/\">now</a></p>";
    const char *mention_only =
        "<p><a href=\"https://a.test/@spam_bob\" class=\"u-url mention\">@spam_bob</a> hi</p>";
    int hold;
    const char *why;
    int64_t three[] = {bob, eve, ann};
    CHECK_INT(spam_check(&fx_core, stranger, three, 3, link, &hold, &why), 0);
    CHECK_INT(hold, 1);
    CHECK_INT(spam_check(&fx_core, stranger, three, 3, mention_only, &hold, &why), 0);
    CHECK_INT(hold, 0); /* no link but the mentions */
    CHECK_INT(spam_check(&fx_core, stranger, three, 0, link, &hold, &why), 0);
    CHECK_INT(hold, 0); /* nobody here mentioned */
    /* Once a member follows it, it is known. */
    char sql[256];
    snprintf(sql, sizeof(sql),
             "INSERT INTO follows (id, account_id, target_account_id, accepted, created_at)"
             " VALUES (1, %lld, %lld, 1, 0)",
             (long long)bob, (long long)stranger);
    fx_exec(sql);
    CHECK_INT(spam_check(&fx_core, stranger, three, 3, link, &hold, &why), 0);
    CHECK_INT(hold, 0);
    /* An account seen here for long is not new. */
    int64_t old = fx_remote("old", "far.test");
    fx_exec("UPDATE accounts SET created_at = 0 WHERE username = 'old'");
    CHECK_INT(spam_check(&fx_core, old, three, 3, link, &hold, &why), 0);
    CHECK_INT(hold, 0);
}

int main(void)
{
    fx_open();
    RUN(networks);
    RUN(ip_blocks_match_and_expire);
    RUN(email_blocks);
    RUN(rules_keep_their_order);
    RUN(text_as_html);
    RUN(sign_up_rule);
    RUN(spam_rule);
    fx_close();
    return t_done();
}
