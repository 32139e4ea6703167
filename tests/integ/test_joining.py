"""Joining a server: registration modes, invites, rules and about texts, IP
and e-mail blocks, failed-login limits, and who may manage them; through
the API, the command line and the pages, on a running server."""
import os
import sqlite3
import time

import pytest
import requests

from conftest import PASSWORD, add_user, free_port, hearth, init_data, start_server
from webpages import Browser

ADMIN_SCOPES = "read write follow admin:read admin:write"


def community_server(tmpdir_path, rate_limit=True):
    """alice (admin), bob (member), carol (moderator) on a running server."""
    data = os.path.join(tmpdir_path, "data")
    port = free_port()
    init_data(data, port)
    if not rate_limit:
        # Many sign-ups from one address in a few seconds: the limits are tested apart.
        conf = os.path.join(data, "hearth.conf")
        text = open(conf).read()
        open(conf, "w").write(text.replace("rate_limit = 300", "rate_limit = 0"))
    for name in ("alice", "bob", "carol"):
        add_user(data, name, admin=(name == "alice"))
    db = sqlite3.connect(os.path.join(data, "hearth.db"))
    db.execute("UPDATE users SET role = 1 WHERE email = 'carol@example.org'")
    db.commit()
    db.close()
    return start_server(data, port)


@pytest.fixture
def srv(tmpdir_path):
    s = community_server(tmpdir_path, rate_limit=False)
    yield s
    s.stop()


@pytest.fixture
def limited(tmpdir_path):
    s = community_server(tmpdir_path)
    yield s
    s.stop()


def app(srv, scopes=ADMIN_SCOPES):
    return requests.post(srv.url + "/api/v1/apps", data={
        "client_name": "joining", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
        "scopes": scopes}).json()


def login(srv, name, password=PASSWORD, scopes=ADMIN_SCOPES):
    a = app(srv, scopes)
    return requests.post(srv.url + "/oauth/token", data={
        "grant_type": "password", "client_id": a["client_id"],
        "client_secret": a["client_secret"], "username": f"{name}@example.org",
        "password": password, "scope": scopes})


def auth(srv, name):
    r = login(srv, name)
    assert r.status_code == 200, r.text
    return {"Authorization": "Bearer " + r.json()["access_token"]}


def app_token(srv):
    a = app(srv, "read write")
    tok = requests.post(srv.url + "/oauth/token", data={
        "grant_type": "client_credentials", "client_id": a["client_id"],
        "client_secret": a["client_secret"], "scope": "read write"}).json()["access_token"]
    return {"Authorization": "Bearer " + tok}


def sign_up(srv, name, h=None, **extra):
    data = {"username": name, "email": f"{name}@example.net", "password": PASSWORD,
            "agreement": "true", "locale": "en"}
    data.update(extra)
    return requests.post(srv.url + "/api/v1/accounts", headers=h or app_token(srv), data=data)


def set_mode(srv, mode):
    r = hearth("registrations", "--data", srv.data, mode)
    assert r.returncode == 0, r.stderr
    assert f"registrations: {mode}" in r.stdout


def audit(srv):
    db = sqlite3.connect(os.path.join(srv.data, "hearth.db"))
    rows = db.execute("SELECT action, target FROM audit_log ORDER BY id").fetchall()
    db.close()
    return rows


def test_each_registration_mode(srv):
    h = app_token(srv)
    # Closed (the configuration's default): refused, and said so to apps.
    inst = requests.get(srv.url + "/api/v2/instance").json()["registrations"]
    assert inst["enabled"] is False and "closed" in inst["message"]
    assert sign_up(srv, "nadia", h).status_code == 403

    assert requests.get(srv.url + "/nodeinfo/2.0").json()["openRegistrations"] is False
    set_mode(srv, "open")
    inst = requests.get(srv.url + "/api/v2/instance").json()["registrations"]
    assert inst == {"enabled": True, "approval_required": False, "message": None, "url": None}
    assert requests.get(srv.url + "/nodeinfo/2.0").json()["openRegistrations"] is True
    r = sign_up(srv, "nadia", h)
    assert r.status_code == 200, r.text
    me = requests.get(srv.url + "/api/v1/accounts/verify_credentials",
                      headers={"Authorization": "Bearer " + r.json()["access_token"]})
    assert me.status_code == 200 and me.json()["username"] == "nadia"
    # The rules must be accepted.
    r = sign_up(srv, "olga", h, agreement="false")
    assert r.status_code == 422 and "agreement" in r.json()["details"]

    set_mode(srv, "approval")
    v1 = requests.get(srv.url + "/api/v1/instance").json()
    assert v1["registrations"] is True and v1["approval_required"] is True
    r = sign_up(srv, "olga", h)
    assert r.status_code == 422 and "reason" in r.json()["details"], r.text
    r = sign_up(srv, "olga", h, reason="I run the bakery on the corner")
    assert r.status_code == 200, r.text
    pending = requests.get(srv.url + "/api/v1/accounts/verify_credentials",
                           headers={"Authorization": "Bearer " + r.json()["access_token"]})
    assert pending.status_code == 403
    db = sqlite3.connect(os.path.join(srv.data, "hearth.db"))
    assert db.execute("SELECT signup_reason FROM users WHERE email = 'olga@example.net'"
                      ).fetchone() == ("I run the bakery on the corner",)
    db.close()

    set_mode(srv, "invite")
    inst = requests.get(srv.url + "/api/v2/instance").json()["registrations"]
    assert inst["enabled"] is False and "invitation" in inst["message"]
    r = sign_up(srv, "petra", h)
    assert r.status_code == 422 and "invite_code" in r.json()["details"], r.text
    assert ("registrations.update", "registrations_mode") in audit(srv)


def test_invites_expire_run_out_and_are_revoked(srv):
    set_mode(srv, "invite")
    h = app_token(srv)
    # From the command line: two uses, no expiry.
    r = hearth("invite", "create", "--data", srv.data, "2")
    assert r.returncode == 0, r.stderr
    code = r.stdout.strip().rsplit("/", 1)[-1]
    assert sign_up(srv, "ines", h, invite_code=code).status_code == 200
    assert sign_up(srv, "ivan", h, invite_code=code).status_code == 200
    r = sign_up(srv, "iris", h, invite_code=code)
    assert r.status_code == 422 and "used up" in r.json()["error"], r.text
    assert sign_up(srv, "iris", h, invite_code="nonsense").status_code == 422

    # From the admin page: one that expires in a second, and one revoked.
    b = Browser(srv)
    b.login("alice")
    b.get("/admin/join")
    r = b.post("/admin/join/invites", {"max_uses": "", "expires_in": "1", "comment": "soon gone",
                                       "autoapprove_sent": "1", "autoapprove": "1"})
    assert r.status_code == 303, r.text
    page = b.get("/admin/join").text
    assert "soon gone" in page
    short = [c for c in page.split("/invite/")[1:] if c][0].split('"')[0]
    time.sleep(1.5)
    r = sign_up(srv, "iris", h, invite_code=short)
    assert r.status_code == 422 and "expired" in r.json()["error"], r.text
    r = b.get("/invite/" + short)
    assert r.status_code == 410 and "expired" in r.text

    r = hearth("invite", "create", "--data", srv.data)
    code = r.stdout.strip().rsplit("/", 1)[-1]
    r = hearth("invite", "revoke", "--data", srv.data, code)
    assert r.returncode == 0, r.stderr
    r = sign_up(srv, "iris", h, invite_code=code)
    assert r.status_code == 422 and "revoked" in r.json()["error"], r.text

    # Moderators see who came with whose invite.
    joined = b.get("/admin/join").text
    assert "@ines</a>, invited by the command line" in joined
    actions = [a for a, _ in audit(srv)]
    assert actions.count("invite.create") == 3 and "invite.revoke" in actions


def test_invite_lets_in_at_once_even_in_approval_mode(srv):
    set_mode(srv, "approval")
    h = app_token(srv)
    r = hearth("invite", "create", "--data", srv.data, "1")
    code = r.stdout.strip().rsplit("/", 1)[-1]
    r = sign_up(srv, "quinn", h, invite_code=code)
    assert r.status_code == 200, r.text
    me = requests.get(srv.url + "/api/v1/accounts/verify_credentials",
                      headers={"Authorization": "Bearer " + r.json()["access_token"]})
    assert me.status_code == 200


def test_members_invite_only_when_allowed(srv):
    bob = Browser(srv)
    bob.login("bob")
    page = bob.get("/invites")
    assert page.status_code == 200 and "admins and moderators make the invite links" in page.text
    assert bob.post("/invites", {"max_uses": "1", "expires_in": "86400"}).status_code == 403
    alice = Browser(srv)
    alice.login("alice")
    alice.get("/admin/join")
    r = alice.post("/admin/join/mode", {"registrations_mode": "invite", "members_may_invite": "1"})
    assert r.status_code == 303
    assert requests.get(srv.url + "/api/v1/instance").json()["invites_enabled"] is True
    bob.get("/invites")
    r = bob.post("/invites", {"max_uses": "1", "expires_in": "86400", "comment": "for my sister"})
    assert r.status_code == 303, r.text
    page = bob.get("/invites?created=1").text
    assert "for my sister" in page and "/invite/" in page
    code = page.split("/invite/")[1].split('"')[0]
    invite = requests.get(srv.url + "/invite/" + code)
    assert invite.status_code == 200 and "invited by" in invite.text and "@bob" in invite.text


def test_rules_and_about_texts(srv):
    assert requests.get(srv.url + "/api/v1/instance/rules").json() == []
    for text, hint in (("Be kind", "No harassment, no pile-ons"), ("No ads", "")):
        r = hearth("rule", "add", "--data", srv.data, text, *([hint] if hint else []))
        assert r.returncode == 0, r.stderr
    rules = requests.get(srv.url + "/api/v1/instance/rules").json()
    assert [(r["text"], r["hint"]) for r in rules] == [("Be kind", "No harassment, no pile-ons"),
                                                       ("No ads", "")]
    assert requests.get(srv.url + "/api/v2/instance").json()["rules"] == rules
    assert requests.get(srv.url + "/api/v1/instance").json()["rules"] == rules

    b = Browser(srv)
    b.login("alice")
    b.get("/admin/join")
    # Reorder, edit, add, delete on the page.
    assert b.post(f"/admin/join/rules/{rules[1]['id']}/up").status_code == 303
    assert b.post(f"/admin/join/rules/{rules[0]['id']}",
                  {"text": "Be kind to everyone", "hint": "Really"}).status_code == 303
    assert b.post("/admin/join/rules", {"text": "Tag spoilers", "hint": ""}).status_code == 303
    r = b.post("/admin/join/rules", {"text": "", "hint": ""})
    assert r.status_code == 422 and "blank" in r.text
    now = requests.get(srv.url + "/api/v1/instance/rules").json()
    assert [r["text"] for r in now] == ["No ads", "Be kind to everyone", "Tag spoilers"]
    assert b.post(f"/admin/join/rules/{now[0]['id']}/delete").status_code == 303
    now = requests.get(srv.url + "/api/v1/instance/rules").json()
    assert [r["text"] for r in now] == ["Be kind to everyone", "Tag spoilers"]

    r = b.post("/admin/join/texts", {"conduct": "We look after each other.\n\nAsk first.",
                                     "privacy": "We keep your posts & e-mail.",
                                     "contact": "host@example.org"})
    assert r.status_code == 303
    ext = requests.get(srv.url + "/api/v1/instance/extended_description").json()
    assert ext["content"] == "<p>We look after each other.</p><p>Ask first.</p>"
    pp = requests.get(srv.url + "/api/v1/instance/privacy_policy").json()
    assert pp["content"] == "<p>We keep your posts &amp; e-mail.</p>" and pp["updated_at"][:2] == "20"
    assert requests.get(srv.url + "/api/v2/instance").json()["contact"]["email"] == \
        "host@example.org"
    about = requests.get(srv.url + "/about").text
    assert "Be kind to everyone" in about and "Ask first." in about and 'href="/privacy"' in about
    assert "We keep your posts &amp; e-mail." in requests.get(srv.url + "/privacy").text
    front = requests.get(srv.url + "/").text
    assert "Tag spoilers" in front

    # Reports may name the rules that exist (a violation), not others.
    bob_id = requests.get(srv.url + "/api/v1/accounts/lookup", params={"acct": "bob"}).json()["id"]
    h = auth(srv, "carol")
    r = requests.post(srv.url + "/api/v1/reports", headers=h,
                      data={"account_id": bob_id, "rule_ids[]": now[1]["id"], "comment": "spoiled"})
    assert r.status_code == 200, r.text
    assert r.json()["category"] == "violation" and r.json()["rule_ids"] == [now[1]["id"]]
    r = requests.post(srv.url + "/api/v1/reports", headers=h,
                      data={"account_id": bob_id, "rule_ids[]": "12345"})
    assert r.status_code == 422 and "rule_ids" in r.json()["error"]
    actions = [a for a, _ in audit(srv)]
    for act in ("rule.create", "rule.update", "rule.destroy", "setting.update"):
        assert act in actions, act


def test_ip_blocks(srv):
    set_mode(srv, "open")
    h = auth(srv, "alice")
    r = requests.post(srv.url + "/api/v1/admin/ip_blocks", headers=h, data={
        "ip": "127.0.0.1/8", "severity": "sign_up_block", "comment": "loopback"})
    assert r.status_code == 200, r.text
    block = r.json()
    assert block["ip"] == "127.0.0.0/8" and block["severity"] == "sign_up_block"
    assert block["expires_at"] is None and block["comment"] == "loopback"
    r = sign_up(srv, "rita")
    assert r.status_code == 403 and "network" in r.json()["error"]
    b = Browser(srv)
    b.get("/signup")
    r = b.post("/signup", {"username": "rita", "email": "rita@example.net", "password": PASSWORD,
                           "password_confirmation": PASSWORD, "agreement": "1"})
    assert r.status_code == 403 and "network" in r.text and 'value="rita"' in r.text

    r = requests.put(srv.url + f"/api/v1/admin/ip_blocks/{block['id']}", headers=h,
                     data={"severity": "sign_up_requires_approval", "expires_in": "3600"})
    assert r.status_code == 200 and r.json()["severity"] == "sign_up_requires_approval"
    assert r.json()["expires_at"] is not None
    r = sign_up(srv, "rita")
    assert r.status_code == 200
    pending = requests.get(srv.url + "/api/v1/accounts/verify_credentials",
                           headers={"Authorization": "Bearer " + r.json()["access_token"]})
    assert pending.status_code == 403

    bob = auth(srv, "bob")
    r = requests.put(srv.url + f"/api/v1/admin/ip_blocks/{block['id']}", headers=h,
                     data={"severity": "no_access"})
    assert r.status_code == 200
    assert login(srv, "carol").status_code == 403
    assert requests.get(srv.url + "/api/v1/timelines/home", headers=bob).status_code == 403
    b = Browser(srv)
    b.get("/login")
    assert b.post("/login", {"username": "carol", "password": PASSWORD}).status_code == 403
    # The command line lifts it on the running server.
    listed = hearth("ipblock", "list", "--data", srv.data).stdout
    assert "127.0.0.0/8\tno_access" in listed
    assert hearth("ipblock", "remove", "--data", srv.data, block["id"]).returncode == 0
    assert requests.get(srv.url + "/api/v1/timelines/home", headers=bob).status_code == 200
    assert login(srv, "carol").status_code == 200
    assert requests.get(srv.url + "/api/v1/admin/ip_blocks", headers=h).json() == []
    r = requests.post(srv.url + "/api/v1/admin/ip_blocks", headers=h,
                      data={"ip": "not an address", "severity": "no_access"})
    assert r.status_code == 422
    r = requests.post(srv.url + "/api/v1/admin/ip_blocks", headers=h,
                      data={"ip": "2001:db8::5/32", "severity": "sideways"})
    assert r.status_code == 422
    actions = [a for a, _ in audit(srv)]
    assert actions.count("ip_block.create") == 1 and actions.count("ip_block.update") == 2
    assert "ip_block.destroy" in actions


def test_email_blocks(srv):
    set_mode(srv, "open")
    h = auth(srv, "alice")
    r = requests.post(srv.url + "/api/v1/admin/email_domain_blocks", headers=h,
                      data={"domain": "Spam.Example"})
    assert r.status_code == 200 and r.json()["domain"] == "spam.example", r.text
    dom = r.json()
    r = sign_up(srv, "sam", email="sam@mail.spam.example")
    assert r.status_code == 422 and "email" in r.json()["details"], r.text
    assert sign_up(srv, "sam", email="sam@notspam.example").status_code == 200

    r = requests.post(srv.url + "/api/v1/admin/canonical_email_blocks", headers=h,
                      data={"email": "Jo.Doe+news@Example.com"})
    assert r.status_code == 200, r.text
    canon = r.json()
    assert len(canon["canonical_email_hash"]) == 64
    t = requests.post(srv.url + "/api/v1/admin/canonical_email_blocks/test", headers=h,
                      data={"email": "jodoe@example.com"}).json()
    assert [x["id"] for x in t] == [canon["id"]]
    assert requests.post(srv.url + "/api/v1/admin/canonical_email_blocks/test", headers=h,
                         data={"email": "jane@example.com"}).json() == []
    r = sign_up(srv, "jo", email="j.o.d.o.e+x@example.com")
    assert r.status_code == 422 and "email" in r.json()["details"], r.text
    assert requests.delete(srv.url + f"/api/v1/admin/canonical_email_blocks/{canon['id']}",
                           headers=h).json() == {}
    assert sign_up(srv, "jo", email="j.o.d.o.e+x@example.com").status_code == 200
    assert requests.delete(srv.url + f"/api/v1/admin/email_domain_blocks/{dom['id']}",
                           headers=h).status_code == 200
    assert requests.get(srv.url + "/api/v1/admin/email_domain_blocks", headers=h).json() == []
    actions = [a for a, _ in audit(srv)]
    for act in ("email_domain_block.create", "email_domain_block.destroy",
                "canonical_email_block.create", "canonical_email_block.destroy"):
        assert act in actions, act


def test_failed_logins_are_limited(limited):
    srv = limited
    codes = [login(srv, "bob", password=f"wrong {i}").status_code for i in range(6)]
    assert codes == [400] * 5 + [429], codes
    r = login(srv, "bob")
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0
    # Others from the same address still log in.
    assert login(srv, "carol").status_code == 200


def test_sign_up_page_keeps_what_was_typed(srv):
    set_mode(srv, "approval")
    hearth("rule", "add", "--data", srv.data, "Be kind")
    b = Browser(srv)
    page = b.get("/signup")
    assert page.status_code == 200 and "Be kind" in page.text and 'name="reason"' in page.text
    r = b.post("/signup", {"username": "tess", "email": "tess@example.net", "password": PASSWORD,
                           "password_confirmation": PASSWORD, "reason": "hello"})
    assert r.status_code == 422 and "rules" in r.text and 'value="tess"' in r.text
    assert "hello</textarea>" in r.text and PASSWORD not in r.text
    r = b.post("/signup", {"username": "tess", "email": "tess@example.net", "password": PASSWORD,
                           "password_confirmation": PASSWORD, "reason": "", "agreement": "1"})
    assert r.status_code == 422 and "reason" in r.text
    r = b.post("/signup", {"username": "tess", "email": "tess@example.net", "password": PASSWORD,
                           "password_confirmation": PASSWORD, "reason": "hello", "agreement": "1"})
    assert r.status_code == 200 and "waits for the admins" in r.text
    alice = Browser(srv)
    alice.login("alice")
    page = alice.get("/admin/join").text
    assert "@tess" in page and "hello" in page


def test_members_get_403_on_admin_endpoints_and_page(srv):
    bob = auth(srv, "bob")
    for method, path in (("GET", "/api/v1/admin/ip_blocks"),
                         ("POST", "/api/v1/admin/ip_blocks"),
                         ("GET", "/api/v1/admin/email_domain_blocks"),
                         ("POST", "/api/v1/admin/email_domain_blocks"),
                         ("GET", "/api/v1/admin/canonical_email_blocks"),
                         ("POST", "/api/v1/admin/canonical_email_blocks/test"),
                         ("GET", "/api/v1/admin/held_statuses")):
        r = requests.request(method, srv.url + path, headers=bob)
        assert r.status_code == 403, (path, r.status_code)
    # A moderator manages reports and invites, not blocks.
    carol = auth(srv, "carol")
    assert requests.get(srv.url + "/api/v1/admin/ip_blocks", headers=carol).status_code == 403
    assert requests.get(srv.url + "/api/v1/admin/held_statuses", headers=carol).status_code == 200
    b = Browser(srv)
    b.login("bob")
    assert b.get("/admin/join").status_code == 403
    assert b.post("/admin/join/mode", {"registrations_mode": "open"}).status_code == 403
    assert b.post("/admin/join/rules", {"text": "mine"}).status_code == 403
    assert requests.get(srv.url + "/api/v1/instance/rules").json() == []
    m = Browser(srv)
    m.login("carol")
    page = m.get("/admin/join")
    assert page.status_code == 200 and "Invite links" in page.text and "IP blocks" not in page.text
    assert m.post("/admin/join/ip_blocks", {"ip": "10.0.0.1", "severity": "no_access"}
                  ).status_code == 403


def test_directory_and_welcome(srv):
    b = Browser(srv)
    b.login("bob")
    r = b.post("/settings/profile", {"display_name": "Bob", "note": "I fix bikes.\nAsk me."},
               files={"x": ("", b"")})
    assert r.status_code == 303, r.text
    page = b.get("/directory").text
    assert "I fix bikes." in page and "Ask me." not in page and "has not posted yet" in page
    listed = requests.get(srv.url + "/api/v1/directory", params={"local": "true"}).json()
    assert {a["acct"] for a in listed} == {"alice", "bob", "carol"}
    # Nobody has posted: the newest member comes first.
    assert requests.get(srv.url + "/api/v1/directory", params={"limit": "1"}).json()[0]["acct"] \
        == "carol"
    welcome = b.get("/welcome")
    assert welcome.status_code == 200 and "@alice" in welcome.text and "admin" in welcome.text
    assert "@carol" in welcome.text and "moderator" in welcome.text
