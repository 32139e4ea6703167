"""Local-only posting on one server: how members and the admin choose it,
and the admin's neighborhood page.

alice is an admin, bob a member. Local posts are made through the API as
Hometown and Akkoma clients make them (local_only, visibility "local", the
:local_only: emoji), stay out of everything a visitor or another server
can read, and the admin can make "local" the level new members start with,
or keep every post on the server.
"""
import os
import sqlite3

import requests

from conftest import add_user, client, hearth
from webpages import Browser

AS_JSON = {"Accept": "application/activity+json"}


def browser(srv, name):
    b = Browser(srv)
    b.login(name)
    return b


def post(srv, m, **fields):
    r = requests.post(srv.url + "/api/v1/statuses", data=fields, timeout=10,
                      headers={"Authorization": "Bearer " + m.access_token})
    assert r.status_code == 200, r.text
    return r.json()


def test_every_way_to_say_local(community):
    alice = client(community, "alice")
    a = post(community, alice, status="lo-one", local_only="true")
    b = post(community, alice, status="lo-two", visibility="local")
    c = post(community, alice, status="lo-three :local_only:")
    d = post(community, alice, status="lo-four direct :local_only:", visibility="direct")
    for st in (a, b, c):
        assert st["local_only"] is True and st["visibility_ex"] == "local"
        assert st["visibility"] == "public"  # what apps that know no more are shown
    assert d["visibility"] == "direct" and d["local_only"] is False
    # A reply to a local post is local; a boost of one stays here.
    bob = client(community, "bob")
    r = post(community, bob, status="lo-reply", in_reply_to_id=a["id"], visibility="public")
    assert r["local_only"] is True
    boost = bob.status_reblog(a["id"])
    assert boost["reblog"]["local_only"] is True
    # Members see them; visitors and fetches do not.
    assert "lo-one" in str(bob.timeline_local(limit=20))
    anon = requests.get(community.url + "/api/v1/timelines/public?local=true", timeout=10).json()
    assert "lo-one" not in str(anon)
    assert requests.get(community.url + f"/api/v1/statuses/{a['id']}", timeout=10).status_code == 404
    assert requests.get(a["uri"], headers=AS_JSON, timeout=10).status_code == 404
    page = requests.get(community.url + "/@alice", timeout=10).text
    assert "lo-one" not in page and "lo-two" not in page
    assert "lo-one" not in requests.get(community.url + "/@alice.rss", timeout=10).text
    search = requests.get(community.url + "/api/v2/search?q=lo-one", timeout=10)
    assert "lo-one" not in search.text
    # Pinned, it is still not in the featured collection other servers read.
    alice.status_pin(b["id"])
    featured = requests.get(community.url + "/users/alice/collections/featured",
                            headers=AS_JSON, timeout=10).json()
    assert featured["totalItems"] == 0 and "lo-two" not in str(featured)
    assert [str(s["id"]) for s in alice.account_statuses(alice.me()["id"], pinned=True)] == [b["id"]]
    ni = requests.get(community.url + "/nodeinfo/2.1", timeout=10).json()
    assert ni["usage"]["localPosts"] == 0
    # The member's own page marks them.
    member_page = browser(community, "bob").get(f"/@alice/{a['id']}").text
    assert "lo-one" in member_page and "This server only" in member_page


def test_admin_page_and_server_defaults(community):
    # A member may not see the admin's page; a visitor is sent to log in.
    bob = browser(community, "bob")
    assert bob.get("/admin/neighborhood").status_code == 403
    assert bob.post("/admin/neighborhood", {"domain": "friends.example"}).status_code == 403
    assert requests.get(community.url + "/admin/neighborhood", allow_redirects=False,
                        timeout=10).status_code == 303
    admin = browser(community, "alice")
    page = admin.get("/admin/neighborhood")
    assert page.status_code == 200 and "No server yet" in page.text
    r = admin.post("/admin/neighborhood", {"domain": " Friends.Example:8443 "})
    assert r.status_code == 303
    assert "friends.example:8443" in admin.get("/admin/neighborhood").text
    bad = admin.post("/admin/neighborhood", {"domain": "not a server"})
    assert bad.status_code == 422 and "Nothing was changed" in bad.text
    own = admin.post("/admin/neighborhood", {"domain": f"127.0.0.1:{community.port}"})
    assert own.status_code == 422 and "own" in own.text
    # The command line sees the same list, and the instance entity shows it.
    r = hearth("neighborhood", "list", "--data", community.data)
    assert r.returncode == 0 and "friends.example:8443" in r.stdout
    inst = requests.get(community.url + "/api/v1/instance", timeout=10).json()
    assert inst["hearth"]["neighborhood"] == ["friends.example:8443"]
    r = admin.post("/admin/neighborhood", {"remove": "friends.example:8443"})
    assert r.status_code == 303
    assert requests.get(community.url + "/api/v1/instance",
                        timeout=10).json()["hearth"]["neighborhood"] == []

    # New members start at "local"; then every post is kept here.
    assert bob.post("/admin/neighborhood/posting",
                    {"default_visibility": "local"}).status_code == 403
    r = admin.post("/admin/neighborhood/posting", {"default_visibility": "local"})
    assert r.status_code == 303
    add_user(community.data, "erin")
    erin = client(community, "erin")
    assert erin.account_verify_credentials()["source"]["privacy"] in ("local", "public")
    st = post(community, erin, status="erin's first")
    assert st["local_only"] is True
    r = admin.post("/admin/neighborhood/posting",
                   {"default_visibility": "public", "force_local": "1"})
    assert r.status_code == 303
    assert "every post stays here" in admin.get("/compose").text
    carol = client(community, "carol")
    forced = post(community, carol, status="carol public?", visibility="public")
    assert forced["local_only"] is True
    dm = post(community, carol, status="@bob a secret", visibility="direct")
    assert dm["visibility"] == "direct"
    r = admin.post("/admin/neighborhood/posting", {"default_visibility": "public"})
    assert post(community, carol, status="carol public", visibility="public")["local_only"] is False
    # Each change is in the audit log, with who made it.
    db = sqlite3.connect(os.path.join(community.data, "hearth.db"))
    rows = db.execute("SELECT a.username, l.action, l.target FROM audit_log l"
                      " JOIN accounts a ON a.id = l.account_id ORDER BY l.id").fetchall()
    db.close()
    assert rows[:2] == [("alice", "neighborhood.add", "friends.example:8443"),
                        ("alice", "neighborhood.remove", "friends.example:8443")]
    assert [r[1] for r in rows[2:]] == ["setting.update"] * 3
