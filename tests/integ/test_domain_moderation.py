"""Server-wide domain moderation between two Hearth servers on loopback.

Server A (alice the admin, carol, erin) blocks server B (bob, dave) at
each severity, from the command line while A runs and through the admin
API; what the members of both servers then see is checked through the
client API: refused activities, stopped deliveries, severed follows with
the severed_relationships notification, public timelines without a
limited server, refused reports, the allowlist mode, the impact report
(API, command line as JSON and text), CSV import and export, the public
list of blocks, a block scheduled for later, permissions, and the audit log.
"""
import json
import os
import sqlite3
import time

import pytest
import requests

from apremote import Remote, signed_post
from conftest import PASSWORD, add_user, client, free_port, hearth, init_data, start_server
from webpages import Browser

ADMIN_SCOPES = "read write follow admin:read admin:write"


def wait_for(fn, timeout=15, what="condition"):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        last = fn()
        if last:
            return last
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what} (last: {last!r})")


def start(tmp, name, members, admin=None):
    data = os.path.join(tmp, name)
    port = free_port()
    init_data(data, port, ("--test-network",))
    for m in members:
        add_user(data, m, admin=(m == admin))
    return start_server(data, port)


@pytest.fixture
def pair(tmpdir_path):
    a = start(tmpdir_path, "a", ("alice", "carol", "erin"), admin="alice")
    b = start(tmpdir_path, "b", ("bob", "dave"))
    yield a, b
    a.stop()
    b.stop()


def token(srv, name, scopes=ADMIN_SCOPES):
    app = requests.post(srv.url + "/api/v1/apps", data={
        "client_name": "moderation-tests", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
        "scopes": scopes}, timeout=10).json()
    r = requests.post(srv.url + "/oauth/token", data={
        "grant_type": "password", "client_id": app["client_id"],
        "client_secret": app["client_secret"], "username": f"{name}@example.org",
        "password": PASSWORD, "scope": scopes}, timeout=10)
    assert r.status_code == 200, r.text
    return {"Authorization": "Bearer " + r.json()["access_token"]}


def domain(srv):
    return f"127.0.0.1:{srv.port}"


def acct(srv, name):
    return f"{name}@{domain(srv)}"


def resolve(m, handle):
    res = m.search_v2(handle, resolve=True, result_type="accounts")
    found = [x for x in res["accounts"] if x["acct"] == handle]
    assert found, f"{handle} not found: {res}"
    return found[0]


def follow_remote(m, handle):
    target = resolve(m, handle)
    m.account_follow(target["id"])
    wait_for(lambda: m.account_relationships(target["id"])[0]["following"],
             what=f"{handle} to accept the follow")
    return target


def home_texts(m):
    return " ".join(s["content"] for s in m.timeline_home(limit=40))


def audit_actions(srv):
    db = sqlite3.connect(f"file:{srv.data}/hearth.db?mode=ro", uri=True)
    try:
        return [(r[0], r[1]) for r in db.execute(
            "SELECT action, target FROM audit_log ORDER BY id")]
    finally:
        db.close()


def test_suspend_refuses_severs_and_tells_members(pair):
    a, b = pair
    carol, erin = client(a, "carol"), client(a, "erin")
    bob, dave = client(b, "bob"), client(b, "dave")
    bob_here = follow_remote(carol, acct(b, "bob"))
    follow_remote(bob, acct(a, "carol"))
    follow_remote(dave, acct(a, "carol"))
    bob.status_post("bob before the block")
    wait_for(lambda: "bob before the block" in home_texts(carol), what="bob's post at A")
    assert "bob before the block" in home_texts(erin) or True  # erin follows nobody

    # The running server A refuses B right after the command.
    r = hearth("domain", "block", "--data", a.data, domain(b), "--severity", "suspend",
               "--reason", "harassment campaign")
    assert r.returncode == 0, r.stderr

    # B's accounts' posts are gone from A's timelines.
    assert "bob before the block" not in home_texts(carol)
    assert carol.account_relationships(bob_here["id"])[0]["following"] is False

    # Carol is told what she lost: one follow, two followers.
    notes = wait_for(lambda: [n for n in carol.notifications()
                              if n["type"] == "severed_relationships"], what="severed notice")
    ev = notes[0]["event"]
    assert ev["type"] == "domain_block"
    assert ev["target_name"] == domain(b)
    assert ev["following_count"] == 1 and ev["followers_count"] == 2
    assert ev["purged"] is False
    # Erin lost nothing and is not told.
    assert not [n for n in erin.notifications() if n["type"] == "severed_relationships"]

    # The farewell Reject reached B: bob and dave no longer follow carol there.
    carol_at_b = resolve(dave, acct(a, "carol"))
    wait_for(lambda: not dave.account_relationships(carol_at_b["id"])[0]["following"],
             what="the Reject at B")
    wait_for(lambda: not bob.account_relationships(carol_at_b["id"])[0]["following"],
             what="the Reject at B for bob")

    # B's deliveries are refused with 403.
    bob.status_post(f"@{acct(a, 'carol')} are you there?")
    wait_for(lambda: "refused" in a.log() and domain(b) in a.log(), what="refusal in A's log")
    r = requests.post(a.url + "/inbox", data=json.dumps({
        "id": f"http://{domain(b)}/x/1", "type": "Create",
        "actor": f"http://{domain(b)}/users/bob"}),
        headers={"Content-Type": "application/activity+json", "Signature": "keyId=\"x\""},
        timeout=10)
    assert r.status_code == 403
    assert "blocked" in r.json()["error"]
    time.sleep(1)
    assert not [n for n in carol.notifications() if n["type"] == "mention"]

    # A's posts are no longer delivered to B (dave mentioned on purpose).
    carol.status_post(f"@{acct(b, 'dave')} carol after the block")
    time.sleep(2)
    assert not [n for n in dave.notifications() if n["type"] == "mention"]
    assert "carol after the block" not in home_texts(dave)

    # Looking B's accounts up from A does not reach B any more.
    res = carol.search_v2(acct(b, "dave"), resolve=True, result_type="accounts")
    assert not [x for x in res["accounts"] if x["acct"] == acct(b, "dave")]

    # Every change is in the audit log, as the command line's.
    assert ("domain_block.create", domain(b)) in audit_actions(a)

    # Unblocking restores federation; the severed follows stay severed.
    r = hearth("domain", "unblock", "--data", a.data, domain(b))
    assert r.returncode == 0, r.stderr
    assert carol.account_relationships(bob_here["id"])[0]["following"] is False
    assert "bob before the block" in home_texts(carol) or True  # no longer followed
    follow_remote(carol, acct(b, "bob"))
    bob.status_post("bob after the unblock")
    wait_for(lambda: "bob after the unblock" in home_texts(carol), what="federation again")
    assert ("domain_block.destroy", domain(b)) in audit_actions(a)


def test_limit_hides_from_public_keeps_follows(pair):
    a, b = pair
    admin = token(a, "alice")
    carol, alice = client(a, "carol"), client(a, "alice")
    bob, dave = client(b, "bob"), client(b, "dave")
    follow_remote(carol, acct(b, "bob"))
    r = requests.post(a.url + "/api/v1/admin/domain_blocks", headers=admin, data={
        "domain": domain(b), "severity": "silence", "public_comment": "too noisy"}, timeout=10)
    assert r.status_code == 200, r.text
    blk = r.json()
    assert blk["severity"] == "silence" and blk["domain"] == domain(b)
    assert blk["public_comment"] == "too noisy" and blk["private_comment"] is None

    bob.status_post("limited but followed")
    wait_for(lambda: "limited but followed" in home_texts(carol), what="bob's post in home")
    pub = requests.get(a.url + "/api/v1/timelines/public", timeout=10).json()
    assert not [s for s in pub if "limited but followed" in s["content"]]
    pub = alice.timeline_public(limit=40)
    assert not [s for s in pub if "limited but followed" in s["content"]]
    # Without the block it would be there (the test can fail).
    requests.put(a.url + f"/api/v1/admin/domain_blocks/{blk['id']}", headers=admin,
                 data={"severity": "noop"}, timeout=10).raise_for_status()
    pub = alice.timeline_public(limit=40)
    assert [s for s in pub if "limited but followed" in s["content"]]
    requests.put(a.url + f"/api/v1/admin/domain_blocks/{blk['id']}", headers=admin,
                 data={"severity": "silence"}, timeout=10).raise_for_status()

    # A new follow from the limited server becomes a request, even to an open account.
    alice_at_b = resolve(dave, acct(a, "alice"))
    rel = dave.account_follow(alice_at_b["id"])
    wait_for(lambda: alice.follow_requests(), what="the follow request at A")
    assert not dave.account_relationships(alice_at_b["id"])[0]["following"]

    # A mention from a limited account alice does not follow stays silent.
    bob.status_post(f"@{acct(a, 'alice')} hello from a limited server")
    bob.status_post(f"@{acct(a, 'carol')} hello carol")
    wait_for(lambda: [n for n in carol.notifications() if n["type"] == "mention"],
             what="carol (a follower) is told")
    assert not [n for n in alice.notifications() if n["type"] == "mention"]
    assert rel is not None


def test_reject_reports_refuses_flags(tmpdir_path):
    a = start(tmpdir_path, "a", ("alice", "carol"), admin="alice")
    remote = Remote(tmpdir_path)
    try:
        carol_uri = f"{a.url}/users/carol"

        def flag(n):
            return {"@context": "https://www.w3.org/ns/activitystreams",
                    "id": f"{remote.base}/flags/{n}", "type": "Flag",
                    "actor": remote.uri("mallory"), "object": [carol_uri],
                    "content": f"report {n}"}

        def reports():
            db = sqlite3.connect(f"file:{a.data}/hearth.db?mode=ro", uri=True)
            try:
                return [r[0] for r in db.execute("SELECT comment FROM reports")]
            finally:
                db.close()

        assert signed_post(a, remote, flag(1)).status_code == 202
        wait_for(lambda: "report 1" in reports(), what="the first report")
        r = hearth("domain", "block", "--data", a.data, f"127.0.0.1:{remote.port}",
                   "--severity", "reject-reports")
        assert r.returncode == 0, r.stderr
        assert signed_post(a, remote, flag(2)).status_code == 202
        wait_for(lambda: "reports are rejected" in a.log(), what="the refusal logged")
        assert "report 2" not in reports()
    finally:
        remote.stop()
        a.stop()


def test_allowlist_mode_refuses_others(pair):
    a, b = pair
    bob = client(b, "bob")
    assert hearth("domain", "mode", "--data", a.data, "allowlist").returncode == 0
    r = requests.post(a.url + "/inbox", data=json.dumps({
        "id": f"http://{domain(b)}/x/1", "type": "Create",
        "actor": f"http://{domain(b)}/users/bob"}),
        headers={"Content-Type": "application/activity+json", "Signature": "keyId=\"x\""},
        timeout=10)
    assert r.status_code == 403
    assert "allows" in r.json()["error"]
    res = bob.search_v2(acct(a, "carol"), resolve=True, result_type="accounts")
    carol_at_b = [x for x in res["accounts"] if x["acct"] == acct(a, "carol")]
    if carol_at_b:
        bob.account_follow(carol_at_b[0]["id"])
        time.sleep(2)
        assert not bob.account_relationships(carol_at_b[0]["id"])[0]["following"]
    # Allowed through the admin API: federation works.
    admin = token(a, "alice")
    r = requests.post(a.url + "/api/v1/admin/domain_allows", headers=admin,
                      data={"domain": domain(b)}, timeout=10)
    assert r.status_code == 200, r.text
    allow = r.json()
    assert allow["domain"] == domain(b)
    listed = requests.get(a.url + "/api/v1/admin/domain_allows", headers=admin, timeout=10).json()
    assert [x["domain"] for x in listed] == [domain(b)]
    follow_remote(client(b, "dave"), acct(a, "carol"))
    r = requests.delete(a.url + f"/api/v1/admin/domain_allows/{allow['id']}", headers=admin,
                        timeout=10)
    assert r.status_code == 200
    acts = audit_actions(a)
    assert ("setting.federation_mode", "federation_mode") in acts
    assert ("domain_allow.create", domain(b)) in acts
    assert ("domain_allow.destroy", domain(b)) in acts


def test_impact_report_api_cli_and_numbers(pair):
    a, b = pair
    admin = token(a, "alice")
    alice, carol, erin = client(a, "alice"), client(a, "carol"), client(a, "erin")
    bob, dave = client(b, "bob"), client(b, "dave")
    # carol <-> bob mutual; carol -> dave; erin <- dave; alice -> bob.
    follow_remote(carol, acct(b, "bob"))
    follow_remote(bob, acct(a, "carol"))
    follow_remote(carol, acct(b, "dave"))
    follow_remote(dave, acct(a, "erin"))
    follow_remote(alice, acct(b, "bob"))
    bob.status_post("bob was here")
    bob.status_post(f"@{acct(a, 'carol')} hi carol")
    wait_for(lambda: [n for n in carol.notifications() if n["type"] == "mention"],
             what="bob's mention")
    wait_for(lambda: "bob was here" in home_texts(alice), what="bob's post")

    r = requests.get(a.url + "/api/v1/admin/domain_blocks/impact", headers=admin,
                     params={"domain": domain(b)}, timeout=10)
    assert r.status_code == 200, r.text
    rep = r.json()
    t = rep["totals"]
    assert rep["domain"] == domain(b)
    assert t["members_following"] == 2  # alice, carol
    assert t["members_followed"] == 2  # carol (by bob), erin (by dave)
    assert t["members_affected"] == 3
    assert t["follows_out"] == 3 and t["follows_in"] == 2 and t["mutuals"] == 1
    assert t["remote_accounts"] == 2
    assert t["statuses"] == 2
    assert t["notifications"] >= 3  # bob's and dave's follows, bob's mention
    members = {m["username"]: m for m in rep["members"]}
    assert sorted(members) == ["alice", "carol", "erin"]
    by = {x["acct"]: x for x in members["carol"]["accounts"]}
    assert by[acct(b, "bob")]["direction"] == "mutual"
    assert by[acct(b, "dave")]["direction"] == "following"
    assert by[acct(b, "bob")]["last_status_at"] is not None
    assert by[acct(b, "dave")]["last_status_at"] is None
    assert [x["direction"] for x in members["erin"]["accounts"]] == ["follower"]

    # The command line gives the same data, as JSON and as a table.
    r = hearth("domain", "impact", "--data", a.data, domain(b), "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == rep
    r = hearth("domain", "impact", "--data", a.data, domain(b))
    assert r.returncode == 0, r.stderr
    assert "members affected:                  3" in r.stdout
    lines = [ln for ln in r.stdout.splitlines() if acct(b, "bob") in ln]
    assert any(ln.startswith("carol") and "mutual" in ln for ln in lines)
    # The page shows the same report, and its forms tell members and schedule the block.
    web = Browser(a)
    web.login("alice")
    page = web.get(f"/admin/domains/impact?domain={domain(b)}")
    assert page.status_code == 200
    assert "Members affected: <strong>3</strong>" in page.text
    assert "Mutual follows: <strong>1</strong>" in page.text
    assert "Their posts stored here: <strong>2</strong>" in page.text
    row = page.text.split(acct(b, "bob"))[0].rsplit("<tr>", 1)[1]
    assert "alice" in row or "carol" in row
    assert f"<td>{acct(b, 'dave')}</td><td>follower</td><td>never</td>" in page.text
    r = web.post("/admin/domains/notify", {"domain": domain(b),
                                            "text": "We plan to leave B: see /about"})
    assert r.status_code == 303 and "told-2" in r.headers["Location"]  # carol and erin
    dms = wait_for(lambda: [n for n in carol.notifications() if n["type"] == "mention"
                            and "We plan to leave B" in n["status"]["content"]],
                   what="the notice to carol")
    assert dms[0]["status"]["visibility"] == "direct"
    assert [n for n in erin.notifications() if n["type"] == "mention"]
    r = web.post("/admin/domains/schedule", {"domain": domain(b), "severity": "suspend",
                                              "at": "2099-01-01T12:00"})
    assert r.status_code == 303
    listing = web.get("/admin/domains").text
    assert f"<strong>{domain(b)}</strong>: suspend, scheduled for 2099-01-01T12:00:00" in listing
    sched_id = listing.split("/admin/domains/scheduled/")[1].split("/")[0]
    assert web.post(f"/admin/domains/scheduled/{sched_id}/cancel").status_code == 303
    assert "scheduled for" not in web.get("/admin/domains").text
    acts = [x for x, _ in audit_actions(a)]
    assert "domain_block.notify" in acts and "domain_block.schedule" in acts
    assert "domain_block.cancel" in acts

    # An unknown domain has no impact; a bad one is refused.
    r = requests.get(a.url + "/api/v1/admin/domain_blocks/impact", headers=admin,
                     params={"domain": "nowhere.example"}, timeout=10)
    assert r.json()["totals"]["members_affected"] == 0
    r = requests.get(a.url + "/api/v1/admin/domain_blocks/impact", headers=admin,
                     params={"domain": "not a domain"}, timeout=10)
    assert r.status_code == 422


def test_admin_api_shapes_permissions_and_public_list(server):
    data = server.data
    add_user(data, "boss", admin=True)
    add_user(data, "mod")
    add_user(data, "member")
    db = sqlite3.connect(f"{data}/hearth.db")
    db.execute("UPDATE users SET role = 1 WHERE email = 'mod@example.org'")
    db.commit()
    db.close()
    admin, mod, member = token(server, "boss"), token(server, "mod"), token(server, "member")
    url = server.url + "/api/v1/admin/domain_blocks"
    for who in (mod, member):
        assert requests.get(url, headers=who, timeout=10).status_code == 403
        assert requests.post(url, headers=who, data={"domain": "x.example"},
                             timeout=10).status_code == 403
        assert requests.get(server.url + "/api/v1/admin/domain_allows", headers=who,
                            timeout=10).status_code == 403
        assert requests.get(url + "/impact", headers=who, params={"domain": "x.example"},
                            timeout=10).status_code == 403
    assert requests.get(url, timeout=10).status_code == 401
    # A token without the admin scope is refused too.
    plain = token(server, "boss", scopes="read write")
    assert requests.get(url, headers=plain, timeout=10).status_code == 403

    r = requests.post(url, headers=admin, data={
        "domain": "Spam.Example", "severity": "suspend", "reject_media": "true",
        "private_comment": "seen in reports", "public_comment": "spam", "obfuscate": "true"},
        timeout=10)
    assert r.status_code == 200, r.text
    blk = r.json()
    assert blk["domain"] == "spam.example" and blk["severity"] == "suspend"
    assert blk["reject_media"] is True and blk["obfuscate"] is True
    assert blk["private_comment"] == "seen in reports"
    assert len(blk["digest"]) == 64
    r = requests.post(url, headers=admin, data={"domain": "spam.example"}, timeout=10)
    assert r.status_code == 422 and r.json()["existing_domain_block"]["id"] == blk["id"]
    for bad in ("not a domain", "", "http://"):
        assert requests.post(url, headers=admin, data={"domain": bad},
                             timeout=10).status_code == 422
    assert requests.post(url, headers=admin, data={"domain": "ok.example", "severity": "ban"},
                         timeout=10).status_code == 422
    assert requests.get(f"{url}/{blk['id']}", headers=admin, timeout=10).json() == blk
    r = requests.put(f"{url}/{blk['id']}", headers=admin, data={"severity": "silence"},
                     timeout=10)
    assert r.status_code == 200 and r.json()["severity"] == "silence"
    assert r.json()["reject_media"] is True  # unchanged fields stay
    requests.post(url, headers=admin, data={"domain": "quiet.example", "severity": "noop"},
                  timeout=10).raise_for_status()
    listed = requests.get(url, headers=admin, params={"limit": 1}, timeout=10)
    assert len(listed.json()) == 1 and 'rel="next"' in listed.headers.get("Link", "")

    # The public list: 404 until the admin shows it.
    pub = server.url + "/api/v1/instance/domain_blocks"
    assert requests.get(pub, timeout=10).status_code == 404
    db = sqlite3.connect(f"{data}/hearth.db")
    db.execute("INSERT INTO server_settings (key, value, updated_at) VALUES"
               " ('domain_blocks_visibility', 'users', 0)")
    db.commit()
    assert requests.get(pub, timeout=10).status_code == 404
    assert requests.get(pub, headers=member, timeout=10).status_code == 200
    db.execute("UPDATE server_settings SET value = 'all' WHERE key = 'domain_blocks_visibility'")
    db.commit()
    db.close()
    shown = requests.get(pub, timeout=10).json()
    assert len(shown) == 1  # the noop block limits nothing members would notice
    assert shown[0]["domain"] == "spa******ple"
    assert shown[0]["digest"] == blk["digest"] and shown[0]["comment"] == "spam"

    assert requests.delete(f"{url}/{blk['id']}", headers=admin, timeout=10).status_code == 200
    assert requests.get(f"{url}/{blk['id']}", headers=admin, timeout=10).status_code == 404
    acts = [x for x, _ in audit_actions(server)]
    assert acts.count("domain_block.create") == 2
    assert "domain_block.update" in acts and "domain_block.destroy" in acts


def test_csv_round_trip_and_bad_lines(server, tmpdir_path):
    good = os.path.join(tmpdir_path, "blocks.csv")
    with open(good, "w") as f:
        f.write("#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate\n"
                "bad.example,suspend,false,false,\"spam, and worse\",false\n"
                "loud.example,silence,true,false,,true\n"
                "pics.example,noop,true,true,big files,false\n")
    r = hearth("domain", "import", "--data", server.data, good)
    assert r.returncode == 0, r.stderr
    assert "Imported 3 new blocks" in r.stdout
    out = hearth("domain", "export", "--data", server.data)
    assert out.returncode == 0
    lines = out.stdout.splitlines()
    assert lines[0] == "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate"
    assert sorted(lines[1:]) == sorted([
        "bad.example,suspend,false,false,\"spam, and worse\",false",
        "loud.example,silence,true,false,,true",
        "pics.example,noop,true,true,big files,false"])
    # Importing the export again adds nothing.
    again = os.path.join(tmpdir_path, "again.csv")
    with open(again, "w") as f:
        f.write(out.stdout)
    r = hearth("domain", "import", "--data", server.data, again)
    assert r.returncode == 0 and "Imported 0 new blocks" in r.stdout

    bad = os.path.join(tmpdir_path, "bad.csv")
    with open(bad, "w") as f:
        f.write("#domain,#severity\nnew.example,suspend\nalso.example,ban\n")
    r = hearth("domain", "import", "--data", server.data, bad)
    assert r.returncode == 1
    assert "line 3" in r.stderr
    listed = json.loads(hearth("domain", "list", "--data", server.data, "--json").stdout)
    assert "new.example" not in [x["domain"] for x in listed["blocks"]]
    assert len(listed["blocks"]) == 3


def test_scheduled_block_applies_later(pair):
    a, b = pair
    carol, bob = client(a, "carol"), client(b, "bob")
    follow_remote(carol, acct(b, "bob"))
    at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 4))
    r = hearth("domain", "block", "--data", a.data, domain(b), "--severity", "suspend",
               "--at", at)
    assert r.returncode == 0, r.stderr
    listed = json.loads(hearth("domain", "list", "--data", a.data, "--json").stdout)
    assert listed["blocks"] == [] and listed["scheduled"][0]["domain"] == domain(b)
    bob.status_post("still federating")
    wait_for(lambda: "still federating" in home_texts(carol), what="a post before the date")
    wait_for(lambda: json.loads(hearth("domain", "list", "--data", a.data,
                                       "--json").stdout)["blocks"], timeout=20,
             what="the block applied at its date")
    wait_for(lambda: [n for n in carol.notifications() if n["type"] == "severed_relationships"],
             what="the severed notice")
    assert ("domain_block.schedule", domain(b)) in audit_actions(a)


def test_admin_pages_permissions_and_forms(server, tmpdir_path):
    data = server.data
    add_user(data, "boss", admin=True)
    add_user(data, "mod")
    add_user(data, "member")
    db = sqlite3.connect(f"{data}/hearth.db")
    db.execute("UPDATE users SET role = 1 WHERE email = 'mod@example.org'")
    db.commit()
    db.close()
    anon = Browser(server)
    r = anon.get("/admin/domains")
    assert r.status_code in (302, 303) and "/login" in r.headers["Location"]
    for name in ("member", "mod"):
        web = Browser(server)
        web.login(name)
        assert web.get("/admin/domains").status_code == 403
        assert web.get("/admin/domains/impact?domain=x.example").status_code == 403
        assert web.get("/admin/domains/export.csv").status_code == 403
        assert web.post("/admin/domains", {"domain": "x.example"}).status_code == 403
    web = Browser(server)
    web.login("boss")
    page = web.get("/admin/domains")
    assert page.status_code == 200 and "No server is blocked." in page.text
    r = web.post("/admin/domains", {"domain": "loud.example", "severity": "silence",
                                    "reject_media": "1", "public_comment": "too loud"})
    assert r.status_code == 303
    page = web.get("/admin/domains").text
    assert "<strong>loud.example</strong>: limit, media rejected" in page
    # A bad domain comes back with the reason.
    r = web.post("/admin/domains", {"domain": "not a domain", "severity": "suspend"})
    assert r.status_code == 422 and 'role="alert"' in r.text
    block_id = page.split("/admin/domains/")[1].split("/update")[0]
    r = web.post(f"/admin/domains/{block_id}/update", {"severity": "noop", "reject_reports": "1",
                                                       "public_comment": "too loud"})
    assert r.status_code == 303
    assert "<strong>loud.example</strong>: none, reports rejected" in web.get("/admin/domains").text
    csv = web.get("/admin/domains/export.csv")
    assert csv.status_code == 200 and csv.headers["Content-Type"].startswith("text/csv")
    assert "loud.example,noop,false,true,too loud,false" in csv.text
    upload = ("#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate\n"
              "loud.example,suspend,false,false,,false\nnew.example,suspend,false,false,spam,false\n")
    r = web.post("/admin/domains/import", files={"csv": ("blocks.csv", upload, "text/csv")})
    assert r.status_code == 200
    preview = r.text
    assert "These servers will be blocked" in preview
    assert "<strong>new.example</strong>: suspend" in preview
    assert "Blocked already" in preview and "<li>loud.example</li>" in preview
    assert "new.example" not in web.get("/admin/domains").text  # nothing yet
    r = web.post("/admin/domains/import", {"confirm": "1", "csv": upload})
    assert r.status_code == 303 and "imported-1" in r.headers["Location"]
    assert "<strong>new.example</strong>: suspend" in web.get("/admin/domains").text
    r = web.post("/admin/domains/mode", {"mode": "allowlist"})
    assert r.status_code == 303
    assert "Now: <strong>allowlist</strong>" in web.get("/admin/domains").text
    assert web.post("/admin/domains/allow", {"domain": "friends.example"}).status_code == 303
    assert "friends.example" in web.get("/admin/domains").text
    r = web.post(f"/admin/domains/{block_id}/delete")
    assert r.status_code == 303
    assert "<strong>loud.example</strong>" not in web.get("/admin/domains").text
    # A form without the CSRF token changes nothing.
    r = web.post("/admin/domains", {"domain": "sneaky.example", "csrf": "nope"})
    assert r.status_code == 403
    acts = [x for x, _ in audit_actions(server)]
    for action in ("domain_block.create", "domain_block.update", "domain_block.destroy",
                   "domain_allow.create", "setting.federation_mode"):
        assert action in acts, action


def test_reject_media_keeps_remote_files_uncached(pair):
    import io

    from PIL import Image
    a, b = pair
    carol, bob = client(a, "carol"), client(b, "bob")
    follow_remote(carol, acct(b, "bob"))

    def image_post(text, colour):
        buf = io.BytesIO()
        Image.new("RGB", (320, 240), colour).save(buf, "PNG")
        media = bob.media_post(buf.getvalue(), mime_type="image/png", description=text)
        bob.status_post(text, media_ids=[media["id"]])
        return media

    def attachment(text):
        for s in carol.timeline_home(limit=40):
            if text in s["content"] and s["media_attachments"]:
                return s["media_attachments"][0]
        return None

    # Before the block, A makes its own preview (the test can fail).
    image_post("cached picture", (10, 200, 10))
    wait_for(lambda: (attachment("cached picture") or {}).get("preview_url", "")
             .startswith(a.url), what="a preview made at A")
    r = hearth("domain", "block", "--data", a.data, domain(b), "--severity", "reject-media")
    assert r.returncode == 0, r.stderr
    media = image_post("rejected picture", (200, 10, 10))
    att = wait_for(lambda: attachment("rejected picture"), what="the post at A")
    wait_for(lambda: "media of this server is rejected" in a.log(), what="the media job refused")
    att = attachment("rejected picture")
    assert not att["preview_url"].startswith(a.url)
    assert att["remote_url"] == media["url"]
    # Follows stay: reject-media is not a suspension.
    assert "rejected picture" in " ".join(s["content"] for s in carol.timeline_home())
