"""The spam-wave filter: a new remote account that nobody here follows,
mentioning several members (or a member who does not follow it) with a
link, is held for the moderators instead of reaching notifications and
timelines; released, it arrives as if just sent; deleted, it never does."""
import json
import os
import sqlite3
import time

import pytest
import requests

from apremote import Remote, signed_post
from conftest import add_user, client, free_port, init_data, start_server
from webpages import Browser

AS_PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


@pytest.fixture
def setup(tmpdir_path):
    data = os.path.join(tmpdir_path, "data")
    port = free_port()
    init_data(data, port, ("--test-network",))
    for name in ("alice", "bob", "carol", "dave"):
        add_user(data, name, admin=(name == "alice"))
    srv = start_server(data, port)
    remote = Remote(tmpdir_path, names=("spammer", "friend"))
    yield srv, remote
    remote.stop()
    srv.stop()


def mention_note(srv, remote, name, n, members, text):
    tags = [{"type": "Mention", "href": f"{srv.url}/users/{m}", "name": f"@{m}"} for m in members]
    return {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{remote.base}/activities/{name}/{n}", "type": "Create",
        "actor": remote.uri(name), "to": [AS_PUBLIC], "cc": [f"{srv.url}/users/{m}" for m in members],
        "object": {"id": f"{remote.base}/notes/{name}/{n}", "type": "Note",
                   "attributedTo": remote.uri(name), "to": [AS_PUBLIC],
                   "cc": [f"{srv.url}/users/{m}" for m in members], "tag": tags,
                   "content": text, "published": "2026-12-01T00:00:00Z"},
    }


def mentions_of(m):
    return [n for n in m.notifications() if n["type"] == "mention"]


def wait_for(pred, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(0.1)
    return pred()


def held(srv, h):
    return requests.get(srv.url + "/api/v1/admin/held_statuses", headers=h).json()


def test_a_wave_is_held_then_released_or_deleted(setup):
    srv, remote = setup
    alice = client(srv, "alice", scopes=("read", "write", "follow", "admin:read", "admin:write"))
    bob = client(srv, "bob")
    h = {"Authorization": "Bearer " + alice.access_token}
    link = '<p>Cheap pills <a href="https://pills.example/buy">pills.example</a></p>'

    # A wave: three members mentioned with a link by an account nobody follows.
    wave = mention_note(srv, remote, "spammer", 1, ["alice", "bob", "carol"], link)
    assert signed_post(srv, remote, wave, signer="spammer").status_code == 202
    got = wait_for(lambda: held(srv, h))
    assert len(got) == 1, got
    assert got[0]["account"]["acct"] == f"spammer@127.0.0.1:{remote.port}"
    assert "Cheap pills" in got[0]["text"] and "mentions many members" in got[0]["reason"]
    # One member, who does not follow it, with a link: held too.
    single = mention_note(srv, remote, "spammer", 2, ["dave"], link)
    assert signed_post(srv, remote, single, signer="spammer").status_code == 202
    assert wait_for(lambda: len(held(srv, h)) == 2)
    # Not delivered meanwhile: no notification, nothing in the remote account's posts.
    time.sleep(0.5)
    assert mentions_of(bob) == []
    acct = requests.get(srv.url + "/api/v1/accounts/lookup",
                        params={"acct": f"spammer@127.0.0.1:{remote.port}"}).json()
    assert bob.account_statuses(acct["id"]) == []

    # Without a link, or from someone a member follows, nothing is held.
    plain = mention_note(srv, remote, "spammer", 3, ["alice", "bob", "carol"], "<p>hello all</p>")
    assert signed_post(srv, remote, plain, signer="spammer").status_code == 202
    assert wait_for(lambda: len(mentions_of(bob)) == 1)
    friend = requests.get(srv.url + "/api/v2/search", headers={"Authorization": "Bearer " + bob.access_token},
                          params={"q": remote.uri("friend"), "resolve": "true"}).json()["accounts"][0]
    bob.account_follow(friend["id"])
    follow = wait_for(lambda: next((json.loads(body) for _, _, body in list(remote.received)
                                    if json.loads(body).get("type") == "Follow"), None))
    assert follow, "the follow was not delivered"
    accept = {"@context": "https://www.w3.org/ns/activitystreams", "type": "Accept",
              "id": remote.base + "/accepts/1", "actor": remote.uri("friend"), "object": follow}
    assert signed_post(srv, remote, accept, signer="friend").status_code == 202
    assert wait_for(lambda: bob.account_relationships(friend["id"])[0]["following"])
    fnote = mention_note(srv, remote, "friend", 1, ["alice", "bob", "carol"], link)
    assert signed_post(srv, remote, fnote, signer="friend").status_code == 202
    assert wait_for(lambda: len(mentions_of(bob)) == 2)
    assert len(held(srv, h)) == 2

    # A moderator releases the wave on the page: it arrives; deletes the other.
    b = Browser(srv)
    b.login("alice")
    page = b.get("/admin/join").text
    assert "Held by the spam filter" in page and "Cheap pills" in page
    first, second = held(srv, h)
    assert b.post(f"/admin/join/held/{first['id']}/release").status_code == 303
    assert wait_for(lambda: len(mentions_of(bob)) == 3)
    assert any("Cheap pills" in s["content"] for s in bob.account_statuses(acct["id"]))
    r = requests.delete(srv.url + f"/api/v1/admin/held_statuses/{second['id']}", headers=h)
    assert r.status_code == 200
    assert held(srv, h) == []
    dave = client(srv, "dave")
    time.sleep(0.5)
    assert mentions_of(dave) == []
    # The same post sent again after release is not held a second time.
    assert signed_post(srv, remote, wave, signer="spammer").status_code in (202, 200)
    time.sleep(0.5)
    assert held(srv, h) == []

    db = sqlite3.connect(os.path.join(srv.data, "hearth.db"))
    actions = [a for (a,) in db.execute("SELECT action FROM audit_log")]
    db.close()
    assert "held_status.release" in actions and "held_status.destroy" in actions
