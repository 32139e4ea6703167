"""Moderation as moderators and members see it: the report queue, account
actions and their effects, roles and their limits, the audit log, the
command line on a running server, and reports forwarded between two
servers.

alice is the admin of the `community` fixture; bob, carol and dave are
members. Admin requests go through the Mastodon admin API with a token
holding the admin scopes.
"""
import glob
import json
import os
import re
import time

import pytest
import requests

from conftest import PASSWORD, add_user, client, free_port, hearth, init_data, start_server
from webpages import Browser

ADMIN_SCOPES = ("read", "write", "follow", "admin:read", "admin:write")
ROOT = os.path.join(os.path.dirname(__file__), "..", "..")


def wait_for(fn, timeout=20, what="condition"):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        last = fn()
        if last:
            return last
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what} (last: {last!r})")


class Api:
    """Plain HTTP with a member's token (admin scopes included)."""

    def __init__(self, srv, login):
        self.srv = srv
        self.m = client(srv, login, scopes=ADMIN_SCOPES)
        self.token = self.m.access_token
        self.id = str(self.m.account_verify_credentials()["id"])

    def call(self, method, path, **kw):
        return requests.request(method, self.srv.url + path, timeout=15,
                                headers={"Authorization": "Bearer " + self.token}, **kw)

    def ok(self, method, path, **kw):
        r = self.call(method, path, **kw)
        assert r.status_code == 200, (method, path, r.status_code, r.text)
        return r.json()


def admin_routes():
    """Every admin route of the route tables (API and pages), from the sources."""
    found = set()
    pat = re.compile(r'\{"(GET|POST|PUT|PATCH|DELETE)", "(/api/v\d/admin[^"]*|/admin[^"]*)"')
    for path in glob.glob(os.path.join(ROOT, "src", "*", "*.c")):
        with open(path, encoding="utf-8") as f:
            found.update(pat.findall(f.read()))
    return sorted(found)


def fill(path, ids):
    return re.sub(r":(\w+)", lambda m: ids.get(m.group(1), ids["id"]), path)


def test_member_is_refused_every_admin_route(community):
    routes = admin_routes()
    api_routes = [r for r in routes if r[1].startswith("/api/")]
    page_routes = [r for r in routes if not r[1].startswith("/api/")]
    # The tables hold the admin API this file drives and the admin pages.
    assert ("POST", "/api/v1/admin/accounts/:id/action") in routes
    assert ("GET", "/api/v1/admin/reports") in routes
    assert ("GET", "/admin") in routes
    bob = Api(community, "bob")
    carol = Api(community, "carol")
    ids = {"id": carol.id}
    for method, path in api_routes:
        r = bob.call(method, fill(path, ids), data={"type": "suspend", "role": "admin",
                                                    "keys[]": "new_users",
                                                    "start_at": "2026-01-01",
                                                    "end_at": "2026-01-02"})
        assert r.status_code == 403, (method, path, r.status_code, r.text)
    # Nothing happened to carol.
    assert str(carol.m.account_verify_credentials()["id"]) == carol.id
    web = Browser(community)
    web.login("bob")
    for method, path in page_routes:
        p = fill(path, ids)
        r = web.get(p) if method == "GET" else web.post(p, {"action": "suspend", "role": "admin"})
        assert r.status_code == 403, (method, path, r.status_code)
    # A visitor is sent to log in, not shown anything.
    r = requests.get(community.url + "/admin", allow_redirects=False, timeout=10)
    assert r.status_code in (302, 303) and "/login" in r.headers["Location"]


def test_report_queue_assign_note_resolve_reopen(community):
    alice = Api(community, "alice")
    carol = Api(community, "carol")
    dave = Api(community, "dave")
    post = dave.m.status_post("buy cheap pills at example.invalid")
    report = carol.ok("POST", "/api/v1/reports", data={
        "account_id": dave.id, "status_ids[]": [post["id"]], "comment": "spam wave",
        "category": "spam"})
    rid = report["id"]
    # The admin is told, with the report attached.
    notes = alice.ok("GET", "/api/v1/notifications")
    told = [n for n in notes if n["type"] == "admin.report"]
    assert told and told[0]["report"]["id"] == rid and told[0]["account"]["id"] == carol.id

    queue = alice.ok("GET", "/api/v1/admin/reports")
    assert [r["id"] for r in queue] == [rid]
    one = queue[0]
    assert one["comment"] == "spam wave" and one["category"] == "spam"
    assert one["account"]["account"]["id"] == carol.id
    assert one["target_account"]["account"]["id"] == dave.id
    assert [s["id"] for s in one["statuses"]] == [str(post["id"])]
    assert one["action_taken"] is False and one["assigned_account"] is None

    r = alice.ok("POST", f"/api/v1/admin/reports/{rid}/assign_to_self")
    assert r["assigned_account"]["id"] == alice.id
    r = alice.ok("POST", f"/api/v1/admin/reports/{rid}/notes", data={"content": "looked at it"})
    assert [n["content"] for n in r["notes"]] == ["looked at it"]
    r = alice.ok("POST", f"/api/v1/admin/reports/{rid}/unassign")
    assert r["assigned_account"] is None
    r = alice.ok("PUT", f"/api/v1/admin/reports/{rid}", data={"category": "violation"})
    assert r["category"] == "violation"
    r = alice.call("PUT", f"/api/v1/admin/reports/{rid}", data={"category": "nonsense"})
    assert r.status_code == 422

    r = alice.ok("POST", f"/api/v1/admin/reports/{rid}/resolve")
    assert r["action_taken"] is True and r["action_taken_by_account"]["id"] == alice.id
    assert alice.ok("GET", "/api/v1/admin/reports") == []
    assert [x["id"] for x in alice.ok("GET", "/api/v1/admin/reports?resolved=true")] == [rid]
    r = alice.ok("POST", f"/api/v1/admin/reports/{rid}/reopen")
    assert r["action_taken"] is False
    assert [x["id"] for x in alice.ok("GET", f"/api/v1/admin/reports?target_account_id={dave.id}")] == [rid]
    assert alice.ok("GET", f"/api/v1/admin/reports?target_account_id={carol.id}") == []
    assert alice.call("GET", "/api/v1/admin/reports/12345").status_code == 404

    # An action resolves the report it names.
    alice.ok("POST", f"/api/v1/admin/accounts/{dave.id}/action",
             data={"type": "silence", "report_id": rid, "text": "no spam here"})
    r = alice.ok("GET", f"/api/v1/admin/reports/{rid}")
    assert r["action_taken"] is True

    log = alice.ok("GET", "/api/v1/admin/audit_log")
    actions = [e["action"] for e in log]
    for a in ("report.assign", "report.note", "report.unassign", "report.update",
              "report.resolve", "report.reopen", "account.silence"):
        assert a in actions, (a, actions)
    assert all(e["account"]["id"] == alice.id for e in log)
    only = alice.ok("GET", "/api/v1/admin/audit_log?action=account")
    assert [e["action"] for e in only] == ["account.silence"]
    assert only[0]["target"] == "dave" and only[0]["detail"]["text"] == "no spam here"

    m = alice.ok("POST", "/api/v1/admin/measures", data={
        "keys[]": ["opened_reports", "resolved_reports", "new_users", "active_users",
                   "interactions"],
        "start_at": time.strftime("%Y-%m-%d", time.gmtime(time.time() - 86400)),
        "end_at": time.strftime("%Y-%m-%d", time.gmtime())})
    by = {x["key"]: x for x in m}
    assert by["opened_reports"]["total"] == "1"
    assert by["resolved_reports"]["total"] == "1"
    assert by["new_users"]["total"] == "4"
    assert by["active_users"]["total"] == "3"  # alice, carol, dave signed in; bob never did
    assert len(by["new_users"]["data"]) == 2


def test_account_actions_and_their_effects(community):
    alice = Api(community, "alice")
    bob = Api(community, "bob")
    carol = Api(community, "carol")
    dave = Api(community, "dave")

    # Warn: bob sees the warning with its text.
    alice.ok("POST", f"/api/v1/admin/accounts/{bob.id}/action",
             data={"type": "none", "text": "Please keep it kind."})
    warn = [n for n in bob.ok("GET", "/api/v1/notifications") if n["type"] == "moderation_warning"]
    assert warn and warn[0]["moderation_warning"]["text"] == "Please keep it kind."
    assert warn[0]["moderation_warning"]["action"] == "none"

    # Mark sensitive: his pictures, old and new, are shown as sensitive.
    from test_media import png_bytes
    old = dave.m.status_post("old picture", media_ids=[
        dave.m.media_post(png_bytes(20, 20), mime_type="image/png")["id"]])
    plain = dave.m.status_post("no picture")
    assert old["sensitive"] is False
    alice.ok("POST", f"/api/v1/admin/accounts/{dave.id}/action", data={"type": "sensitive"})
    assert dave.m.status(old["id"])["sensitive"] is True
    assert dave.m.status(plain["id"])["sensitive"] is False
    new = dave.m.status_post("new picture", media_ids=[
        dave.m.media_post(png_bytes(20, 20), mime_type="image/png")["id"]])
    assert new["sensitive"] is True
    assert alice.ok("GET", f"/api/v1/admin/accounts/{dave.id}")["sensitized"] is True
    alice.ok("POST", f"/api/v1/admin/accounts/{dave.id}/unsensitive")
    newer = dave.m.status_post("newer picture", media_ids=[
        dave.m.media_post(png_bytes(20, 20), mime_type="image/png")["id"]])
    assert newer["sensitive"] is False

    # Limit: dave's public posts leave the public timelines, not his profile.
    post = dave.m.status_post("a limited voice")
    assert post["id"] in [s["id"] for s in bob.m.timeline_public()]
    alice.ok("POST", f"/api/v1/admin/accounts/{dave.id}/action", data={"type": "silence"})
    assert post["id"] not in [s["id"] for s in bob.m.timeline_public()]
    assert post["id"] not in [s["id"] for s in bob.m.timeline_local()]
    assert post["id"] in [s["id"] for s in bob.m.account_statuses(int(dave.id))]
    acc = alice.ok("GET", f"/api/v1/admin/accounts/{dave.id}")
    assert acc["silenced"] is True and acc["account"]["id"] == dave.id
    # His mentions of people who don't follow him notify nobody.
    dave.m.status_post("@bob hello there")
    assert not [n for n in bob.ok("GET", "/api/v1/notifications") if n["type"] == "mention"]
    listed = alice.ok("GET", "/api/v1/admin/accounts?silenced=true")
    assert [a["id"] for a in listed] == [dave.id]
    listed = alice.ok("GET", "/api/v2/admin/accounts?status=silenced&origin=local")
    assert [a["id"] for a in listed] == [dave.id]
    alice.ok("POST", f"/api/v1/admin/accounts/{dave.id}/unsilence")
    assert post["id"] in [s["id"] for s in bob.m.timeline_public()]

    # Suspend: carol can't use her token, log in, or be seen.
    cpost = carol.m.status_post("before the suspension")
    alice.ok("POST", f"/api/v1/admin/accounts/{carol.id}/action",
             data={"type": "suspend", "text": "harassment"})
    r = carol.call("GET", "/api/v1/accounts/verify_credentials")
    assert r.status_code == 401
    r = Browser(community)
    r.get("/login")
    assert r.post("/login", {"username": "carol", "password": PASSWORD}).status_code != 303
    assert requests.get(community.url + "/@carol", timeout=10).status_code in (404, 410)
    assert bob.call("GET", f"/api/v1/statuses/{cpost['id']}").status_code == 404
    assert cpost["id"] not in [s["id"] for s in bob.m.timeline_public()]
    acc = alice.ok("GET", f"/api/v1/admin/accounts/{carol.id}")
    assert acc["suspended"] is True
    # Unsuspended, she logs in again and her post is back.
    alice.ok("POST", f"/api/v1/admin/accounts/{carol.id}/unsuspend")
    again = client(community, "carol")
    assert str(again.account_verify_credentials()["id"]) == carol.id
    assert bob.call("GET", f"/api/v1/statuses/{cpost['id']}").status_code == 200

    # Disable and enable: no login while disabled.
    alice.ok("POST", f"/api/v1/admin/accounts/{dave.id}/action", data={"type": "disable"})
    assert dave.call("GET", "/api/v1/accounts/verify_credentials").status_code == 401
    with pytest.raises(Exception):
        client(community, "dave")
    alice.ok("POST", f"/api/v1/admin/accounts/{dave.id}/enable")
    client(community, "dave")

    # Roles: the admin makes bob a moderator; a moderator cannot act on an
    # admin, nor change roles.
    r = alice.ok("POST", f"/api/v1/admin/accounts/{bob.id}/role", data={"role": "moderator"})
    assert r["role"]["name"] == "Moderator"
    r = bob.call("POST", f"/api/v1/admin/accounts/{alice.id}/action", data={"type": "suspend"})
    assert r.status_code == 403
    r = bob.call("POST", f"/api/v1/admin/accounts/{dave.id}/role", data={"role": "moderator"})
    assert r.status_code == 403
    r = alice.call("POST", f"/api/v1/admin/accounts/{bob.id}/role", data={"role": "admin"})
    assert r.status_code == 403  # only roles below one's own
    # ...but may warn a member and see the queue.
    bob.ok("POST", f"/api/v1/admin/accounts/{dave.id}/action", data={"type": "none", "text": "hm"})
    assert bob.ok("GET", "/api/v1/admin/reports") == []
    assert alice.ok("GET", "/api/v1/admin/accounts?staff=true")[0]["id"] in (alice.id, bob.id)

    log = alice.ok("GET", "/api/v1/admin/audit_log")
    actions = [e["action"] for e in log]
    for a in ("account.none", "account.silence", "account.unsilence", "account.suspend",
              "account.unsuspend", "account.disable", "account.enable", "account.change_role"):
        assert a in actions, (a, actions)
    by_bob = alice.ok("GET", f"/api/v1/admin/audit_log?account_id={bob.id}")
    assert [e["action"] for e in by_bob] == ["account.none"]


def sign_up(url, name, reason):
    app = requests.post(url + "/api/v1/apps", data={
        "client_name": "t", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
        "scopes": "read write"}, timeout=10).json()
    tok = requests.post(url + "/oauth/token", data={
        "grant_type": "client_credentials", "client_id": app["client_id"],
        "client_secret": app["client_secret"], "scope": "read write"}, timeout=10).json()
    r = requests.post(url + "/api/v1/accounts", data={
        "username": name, "email": f"{name}@example.org", "password": PASSWORD,
        "agreement": "true", "locale": "en", "reason": reason},
        headers={"Authorization": "Bearer " + tok["access_token"]}, timeout=10)
    assert r.status_code == 200, r.text


def test_pending_sign_ups_notify_and_are_approved_or_rejected(tmpdir_path):
    data = os.path.join(tmpdir_path, "data")
    port = free_port()
    init_data(data, port)
    conf = os.path.join(data, "hearth.conf")
    with open(conf, encoding="utf-8") as f:
        text = f.read()
    with open(conf, "w", encoding="utf-8") as f:
        f.write(text.replace("registrations = closed", "registrations = approval"))
    add_user(data, "alice", admin=True)
    srv = start_server(data, port)
    try:
        alice = Api(srv, "alice")
        sign_up(srv.url, "erin", "I live next door")
        sign_up(srv.url, "spammer", "cheap pills")
        pending = alice.ok("GET", "/api/v1/admin/accounts?pending=true")
        assert sorted(p["username"] for p in pending) == ["erin", "spammer"]
        erin = [p for p in pending if p["username"] == "erin"][0]
        spam = [p for p in pending if p["username"] == "spammer"][0]
        assert erin["approved"] is False and erin["invite_request"] == "I live next door"
        told = [n for n in alice.ok("GET", "/api/v1/notifications") if n["type"] == "admin.sign_up"]
        assert sorted(n["account"]["username"] for n in told) == ["erin", "spammer"]
        r = alice.ok("POST", f"/api/v1/admin/accounts/{erin['id']}/approve")
        assert r["approved"] is True
        client(srv, "erin")
        alice.ok("POST", f"/api/v1/admin/accounts/{spam['id']}/reject")
        assert alice.call("GET", f"/api/v1/admin/accounts/{spam['id']}").status_code == 404
        # An approved member is not pending any more: neither action applies.
        assert alice.call("POST", f"/api/v1/admin/accounts/{erin['id']}/reject").status_code == 422
        assert alice.ok("GET", "/api/v1/admin/accounts?pending=true") == []
        actions = [e["action"] for e in alice.ok("GET", "/api/v1/admin/audit_log")]
        assert actions[:2] == ["account.reject", "account.approve"]
    finally:
        srv.stop()


def test_command_line_on_a_running_server(community):
    alice = Api(community, "alice")
    carol = Api(community, "carol")
    dave = Api(community, "dave")
    carol.ok("POST", "/api/v1/reports", data={"account_id": dave.id, "comment": "rude",
                                              "category": "violation"})
    r = hearth("report", "list", "--data", community.data, "--json")
    assert r.returncode == 0, r.stderr
    listed = json.loads(r.stdout)
    assert len(listed) == 1 and listed[0]["target"] == "dave"
    assert listed[0]["reporter"] == "carol" and listed[0]["category"] == "violation"
    r = hearth("report", "list", "--data", community.data)
    assert r.returncode == 0 and "dave" in r.stdout and "carol" in r.stdout

    r = hearth("account", "suspend", "--data", community.data, "dave", "--reason", "spam")
    assert r.returncode == 0, r.stderr
    # The running server refuses his token at once.
    assert dave.call("GET", "/api/v1/accounts/verify_credentials").status_code == 401
    r = hearth("account", "unsuspend", "--data", community.data, "dave")
    assert r.returncode == 0, r.stderr
    client(community, "dave")
    post = carol.m.status_post("limited from the shell")
    r = hearth("account", "limit", "--data", community.data, "@carol", "--reason", "noisy")
    assert r.returncode == 0, r.stderr
    assert post["id"] not in [s["id"] for s in alice.m.timeline_public()]
    r = hearth("account", "unlimit", "--data", community.data, "carol")
    assert r.returncode == 0, r.stderr
    assert post["id"] in [s["id"] for s in alice.m.timeline_public()]
    r = hearth("user", "role", "--data", community.data, "carol", "moderator")
    assert r.returncode == 0, r.stderr
    assert carol.ok("GET", "/api/v1/admin/reports") != []

    # Mistakes are told precisely.
    r = hearth("account", "suspend", "--data", community.data, "nobody")
    assert r.returncode == 1 and "nobody" in r.stderr
    r = hearth("account", "explode", "--data", community.data, "dave")
    assert r.returncode == 2
    r = hearth("user", "role", "--data", community.data, "dave", "emperor")
    assert r.returncode == 2

    log = alice.ok("GET", "/api/v1/admin/audit_log?account_id=-1")
    assert [e["action"] for e in log][:5] == ["account.change_role", "account.unsilence",
                                              "account.silence", "account.unsuspend",
                                              "account.suspend"]
    assert all(e["account"] is None for e in log)


# Two servers: a report about a remote account travels to its server.

def start(tmp, name, members, admin):
    data = os.path.join(tmp, name)
    port = free_port()
    init_data(data, port, ("--test-network",))
    for m in members:
        add_user(data, m, admin=(m == admin))
    return start_server(data, port)


@pytest.fixture
def pair(tmpdir_path):
    a = start(tmpdir_path, "a", ("alice", "carol"), "alice")
    b = start(tmpdir_path, "b", ("bob", "hana"), "hana")
    yield a, b
    a.stop()
    b.stop()


def acct(srv, name):
    return f"{name}@127.0.0.1:{srv.port}"


def resolve(m, handle):
    res = m.search_v2(handle, resolve=True, result_type="accounts")
    found = [x for x in res["accounts"] if x["acct"] == handle]
    assert found, res
    return found[0]


def test_report_forwarded_to_the_remote_server(pair):
    a, b = pair
    carol = Api(a, "carol")
    alice = Api(a, "alice")
    bob = Api(b, "bob")
    root = Api(b, "hana")
    post = bob.m.status_post("something hurtful")
    remote_bob = resolve(carol.m, acct(b, "bob"))
    found = carol.m.search_v2(post["uri"], resolve=True)["statuses"]
    assert found, "the post was not found on A"
    local_status = found[0]["id"]
    rep = carol.ok("POST", "/api/v1/reports", data={
        "account_id": str(remote_bob["id"]), "status_ids[]": [str(local_status)],
        "comment": "please look at this", "category": "violation", "forward": "true"})
    assert rep["forwarded"] is True
    # A's queue has it, marked forwarded.
    q = alice.ok("GET", "/api/v1/admin/reports")
    assert q[0]["forwarded_at"] is not None

    # B's queue gets it, from A's server actor (anonymous), about bob and his post.
    got = wait_for(lambda: root.ok("GET", "/api/v1/admin/reports"), what="the forwarded report")
    assert len(got) == 1
    r = got[0]
    assert r["target_account"]["id"] == bob.id
    assert r["comment"] == "please look at this"
    assert [s["id"] for s in r["statuses"]] == [str(post["id"])]
    reporter = r["account"]
    assert reporter["domain"] == f"127.0.0.1:{a.port}"
    assert reporter["username"] != "carol"
    # B's moderators were told.
    assert [n for n in root.ok("GET", "/api/v1/notifications") if n["type"] == "admin.report"]
    # Sent again by a moderator: once is enough.
    alice.ok("POST", f"/api/v1/admin/reports/{rep['id']}/forward")
    time.sleep(1.5)
    assert len(root.ok("GET", "/api/v1/admin/reports")) == 1


def test_suspended_member_is_deleted_on_remote_servers(pair):
    a, b = pair
    alice = Api(a, "alice")
    carol = Api(a, "carol")
    bob = Api(b, "bob")
    remote_carol = resolve(bob.m, acct(a, "carol"))
    bob.m.account_follow(remote_carol["id"])
    wait_for(lambda: bob.m.account_relationships(remote_carol["id"])[0]["following"],
             what="the follow")
    carol.m.status_post("hello from A")
    wait_for(lambda: [s for s in bob.m.timeline_home() if "hello from A" in s["content"]],
             what="carol's post on B")
    alice.ok("POST", f"/api/v1/admin/accounts/{carol.id}/action", data={"type": "suspend"})
    wait_for(lambda: not [s for s in bob.m.timeline_home() if "hello from A" in s["content"]],
             what="carol's post to leave B")
    r = bob.call("GET", f"/api/v1/accounts/{remote_carol['id']}")
    assert r.status_code == 404 or r.json().get("suspended") is True


def test_admin_pages_report_to_action(community):
    alice = Api(community, "alice")
    dave = Api(community, "dave")
    post = dave.m.status_post("an unkind post")
    carol_web = Browser(community)
    carol_web.login("carol")
    # The post's card and the profile carry a Report link for others.
    page = carol_web.get(f"/@dave/{post['id']}").text
    assert f'href="/report?account={dave.id}&amp;status={post["id"]}"' in page
    assert f'href="/report?account={dave.id}"' in carol_web.get("/@dave").text
    form = carol_web.get(f"/report?account={dave.id}&status={post['id']}")
    assert form.status_code == 200 and "an unkind post" in form.text
    r = carol_web.post("/report", {"account": dave.id, "status": post["id"],
                                   "category": "nonsense", "comment": "x"})
    assert r.status_code == 422 and 'role="alert"' in r.text
    r = carol_web.post("/report", {"account": dave.id, "status": post["id"],
                                   "category": "violation", "comment": "not kind at all"})
    assert r.status_code == 200 and "sent to the moderators" in r.text
    assert "/admin" not in carol_web.get("/home").text  # no Moderation link for members

    web = Browser(community)
    web.login("alice")
    home = web.get("/home").text
    assert 'href="/admin">Moderation' in home
    index = web.get("/admin").text
    assert re.search(r'id="n-reports"><a [^>]*>1<', index)
    assert re.search(r'id="n-members"><a [^>]*>4<', index)
    for link in ("/admin/reports", "/admin/accounts", "/admin/audit", "/admin/domains",
                 "/admin/join"):
        assert f'href="{link}"' in index
    rid = alice.ok("GET", "/api/v1/admin/reports")[0]["id"]
    queue = web.get("/admin/reports").text
    assert f'href="/admin/reports/{rid}"' in queue and "@dave" in queue
    page = web.get(f"/admin/reports/{rid}").text
    assert "not kind at all" in page and "an unkind post" in page and "@carol" in page
    assert web.post(f"/admin/reports/{rid}/assign").status_code == 303
    assert "@alice" in web.get(f"/admin/reports/{rid}").text
    assert web.post(f"/admin/reports/{rid}/note", {"content": "talked to dave"}).status_code == 303
    page = web.get(f"/admin/reports/{rid}").text
    assert "talked to dave" in page
    r = web.post(f"/admin/accounts/{dave.id}/action",
                 {"type": "none", "text": "Be kind, please.", "report_id": rid})
    assert r.status_code == 303 and r.headers["Location"].endswith(f"/admin/reports/{rid}")
    assert 'id="report-state">Resolved' in web.get(f"/admin/reports/{rid}").text
    assert f"/admin/reports/{rid}" not in web.get("/admin/reports").text

    # dave reads the warning on his notifications page.
    dave_web = Browser(community)
    dave_web.login("dave")
    notes = dave_web.get("/notifications").text
    assert "Be kind, please." in notes and "A warning." in notes

    # The account page: state, the warning, limit from the page.
    acc = web.get(f"/admin/accounts/{dave.id}").text
    assert "Be kind, please." in acc and 'id="account-state">Active' in acc
    r = web.post(f"/admin/accounts/{dave.id}/action", {"type": "silence", "text": "cool off"})
    assert r.status_code == 303
    assert 'id="account-state">Limited' in web.get(f"/admin/accounts/{dave.id}").text
    listed = web.get("/admin/accounts?status=silenced").text
    assert "@dave" in listed and "@carol" not in listed
    # Roles from the page; then the moderator may not change roles or act on the admin.
    bob = Api(community, "bob")
    assert web.post(f"/admin/accounts/{bob.id}/role", {"role": "moderator"}).status_code == 303
    assert 'id="account-role">moderator' in web.get(f"/admin/accounts/{bob.id}").text
    bob_web = Browser(community)
    bob_web.login("bob")
    assert bob_web.get("/admin").status_code == 200
    bob_web.get(f"/admin/accounts/{dave.id}")
    assert bob_web.post(f"/admin/accounts/{dave.id}/role", {"role": "moderator"}).status_code == 403
    bob_web.get(f"/admin/accounts/{alice.id}")
    r = bob_web.post(f"/admin/accounts/{alice.id}/action", {"type": "suspend"})
    assert r.status_code == 403 and "lower role" in r.text
    assert alice.ok("GET", f"/api/v1/admin/accounts/{alice.id}")["suspended"] is False

    # The audit log page shows every action taken above.
    audit = web.get("/admin/audit").text
    for a in ("report.assign", "report.note", "report.resolve", "account.none",
              "account.silence", "account.change_role"):
        assert a in audit, a
    only = web.get("/admin/audit?action=report").text
    assert "report.note" in only and "account.silence" not in only


def test_real_flag_documents_become_reports(tmpdir_path):
    """Mastodon's and Mbin's Flag activities, as they send them, land in the queue once each."""
    from test_real_documents import DATA, DocServer, stand_in
    from apremote import make_key, sign_and_post
    if DATA is None:
        pytest.skip("shared/testdata/activitypub is not here")
    data = os.path.join(tmpdir_path, "data")
    port = free_port()
    init_data(data, port, ("--test-network",))
    add_user(data, "alice", admin=True)
    add_user(data, "bob")
    srv = start_server(data, port)
    peer = DocServer()
    try:
        alice = Api(srv, "alice")
        bob = Api(srv, "bob")
        post = bob.m.status_post("reported far away")
        key = make_key(tmpdir_path, "peer")
        bob_uri = f"{srv.url}/users/bob"
        for i, name in enumerate(("mastodon", "mbin")):
            with open(os.path.join(DATA, name, "activities", "flag.json"), encoding="utf-8") as f:
                flag = json.load(f)
            actor = f"{peer.base}/{name}/actor"
            peer.serve(stand_in(peer, actor, key))
            flag["actor"] = actor
            flag["id"] = f"{peer.base}/{name}/flags/{i}"
            # The objects are this server's: the reported member and her post.
            flag["object"] = [bob_uri, post["uri"]]
            body = json.dumps(flag).encode()
            for _ in range(2):  # delivered twice: one report
                r = sign_and_post(srv, actor + "#main-key", key[0], body)
                assert r.status_code in (200, 202), r.text
        got = wait_for(lambda: (lambda q: q if len(q) == 2 else None)(
            alice.ok("GET", "/api/v1/admin/reports")), what="two reports")
        time.sleep(1)
        got = alice.ok("GET", "/api/v1/admin/reports")
        assert len(got) == 2
        comments = sorted(r["comment"] for r in got)
        assert comments == sorted(["Please take a look at this user and their posts",
                                   "dikjhgasdpas dsaü"])
        for r in got:
            assert r["target_account"]["id"] == bob.id
            assert [s["id"] for s in r["statuses"]] == [str(post["id"])]
            assert r["account"]["domain"] == f"127.0.0.1:{peer.port}"
    finally:
        peer.httpd.shutdown()
        srv.stop()
