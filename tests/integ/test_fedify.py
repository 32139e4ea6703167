"""Hearth federates with an independent ActivityPub implementation, Fedify.

One Hearth server (members alice and bob, --test-network) and one Fedify
peer (tests/fedify/peer.mjs, actor "fedi") run on loopback. The peer records
every activity that reaches its inbox and every HTTP request it makes or
answers, and exposes them through a small JSON control API.

  (a) fedi follows alice by her actor URL; Hearth accepts, the peer gets the
      Accept; alice's public post reaches the peer as Create(Note).
  (b) bob follows fedi by URL through the client API; the peer accepts;
      fedi's Note shows in bob's home timeline.
  (c) signatures: what reached the peer's inbox had verified signatures, and
      Hearth verified the peer's first signature, RFC 9421, without the
      draft-cavage retry Fedify falls back to after a 4xx.

The module stops itself within 60 s (SIGALRM); every wait is a polling loop
with a timeout. It is skipped when node or tests/fedify/node_modules is
missing (`cd tests/fedify && npm ci`).
"""
import json
import os
import shutil
import signal
import tempfile
import time

import pytest

from conftest import add_user, client, free_port, init_data, start_server
from fedpeer import Peer, needs_peer

pytestmark = needs_peer

MODULE_BUDGET = 60  # seconds for the whole module, setup and teardown included
WAIT = 15  # seconds for any one wait


class Timeout(Exception):
    pass


def on_alarm(signum, frame):
    raise Timeout(f"test_fedify did not finish within {MODULE_BUDGET} s")


@pytest.fixture(scope="module")
def world():
    """Hearth with alice and bob, and the Fedify peer; all under the module's alarm."""
    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(MODULE_BUDGET)
    tmp = tempfile.mkdtemp(prefix="hearth-fedify-")
    srv = peer = None
    try:
        data = os.path.join(tmp, "data")
        port = free_port()
        init_data(data, port, ("--test-network",))
        for name in ("alice", "bob"):
            add_user(data, name)
        srv = start_server(data, port)
        peer = Peer(tmp, free_port())
        yield srv, peer
    finally:
        if peer:
            peer.stop()
        if srv:
            srv.stop()
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
        shutil.rmtree(tmp, ignore_errors=True)


def wait_for(fn, what, diag=None, timeout=WAIT):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        last = fn()
        if last:
            return last
        time.sleep(0.1)
    extra = diag() if diag else ""
    raise AssertionError(f"timed out waiting for {what} (last: {last!r}){extra}")


def hearth_actor(srv, name):
    return f"{srv.url}/users/{name}"


def test_a_fedify_follows_alice_and_gets_her_post(world):
    srv, peer = world
    alice = client(srv, "alice")
    alice_uri = hearth_actor(srv, "alice")

    sent = peer.post("follow", actor_url=alice_uri)
    assert sent["target"] == alice_uri

    def accepted():
        return [f for f in peer.get("following")
                if f["target"] == alice_uri and f["state"] == "accepted"]
    wait_for(accepted, "Hearth's Accept of fedi's Follow at the peer", peer.diag)
    acc = [a for a in peer.received("Accept") if a["actor"] == alice_uri]
    assert acc, peer.diag()
    assert acc[0]["object"] == sent["follow_id"], acc[0]
    wait_for(lambda: alice.account_verify_credentials()["followers_count"] == 1,
             "alice's follower count to become 1", lambda: srv.log()[-3000:])
    follows = [n for n in alice.notifications() if n["type"] == "follow"]
    assert follows and follows[0]["account"]["acct"] == f"fedi@127.0.0.1:{peer.port}", follows

    alice.status_post("Hello Fedify, this is alice on Hearth", visibility="public")

    def created():
        return [a for a in peer.received("Create")
                if "Hello Fedify, this is alice" in (a.get("content") or "")]
    c = wait_for(created, "alice's Create(Note) at the peer", peer.diag)[0]
    assert c["actor"] == alice_uri
    assert c["object_type"] == "Note"
    assert c["attributed_to"] == alice_uri
    assert "https://www.w3.org/ns/activitystreams#Public" in c["to"] + c["cc"], c


def test_b_bob_follows_fedify_and_sees_its_note(world):
    srv, peer = world
    bob = client(srv, "bob")
    res = bob.search_v2(peer.actor, resolve=True, result_type="accounts")
    found = [a for a in res["accounts"] if a["acct"] == f"fedi@127.0.0.1:{peer.port}"]
    assert found, f"fedi not found by URL: {res}"
    fedi = found[0]

    bob.account_follow(fedi["id"])
    wait_for(lambda: bob.account_relationships(fedi["id"])[0]["following"],
             "the peer's Accept of bob's Follow", peer.diag)
    assert hearth_actor(srv, "bob") in peer.get("followers")
    follow = [a for a in peer.received("Follow") if a["actor"] == hearth_actor(srv, "bob")]
    assert follow and follow[0]["object"] == peer.actor, follow

    posted = peer.post("post", content="<p>Greetings from Fedify to Hearth</p>")
    assert posted["followers"] >= 1

    def in_home():
        return [s for s in bob.timeline_home(limit=40)
                if "Greetings from Fedify to Hearth" in s["content"]]
    st = wait_for(in_home, "fedi's Note in bob's home timeline",
                  lambda: peer.diag() + "\nhearth log tail:\n" + srv.log()[-3000:])[0]
    assert st["account"]["acct"] == f"fedi@127.0.0.1:{peer.port}"
    assert st["visibility"] == "public"
    assert st["uri"] == posted["note_id"]


def attempts_to(peer, srv):
    """The peer's POSTs to Hearth, grouped by activity id, in order."""
    by_id = {}
    for s in peer.get("sent"):
        if s["method"] != "POST" or not s["url"].startswith(srv.url):
            continue
        try:
            aid = json.loads(s.get("body") or "{}").get("id")
        except ValueError:
            aid = None
        by_id.setdefault(aid, []).append(s)
    return by_id


def test_c_signatures_both_ways(world):
    srv, peer = world
    # Hearth -> Fedify: everything that reached the peer's listeners passed
    # Fedify's signature check; nothing was refused for its signature.
    received = peer.received()
    assert received, "nothing reached the peer (this test reads what a and b left)" + peer.diag()
    refused = [e for e in peer.get("errors") if e["where"] == "inbox-signature"]
    assert not refused, f"the peer refused Hearth's signatures: {refused}" + peer.diag()
    for a in received:
        assert a["verified"] is True, a
        assert a["signature"] and a["signature"]["key_id"], a
        assert a["signature"]["key_id"].startswith(a["actor"]), a
    schemes = sorted({a["signature"]["scheme"] for a in received})
    inbox_posts = [r for r in peer.get("requests") if r["method"] == "POST"]
    assert all(r["status"] == 202 for r in inbox_posts), inbox_posts
    print(f"\nHearth signs its deliveries to Fedify with: {schemes}")

    # Fedify -> Hearth: the first knock is RFC 9421; Hearth must take it
    # rather than answer 4xx and get the draft-cavage retry.
    groups = attempts_to(peer, srv)
    assert groups, "the peer sent nothing to Hearth" + peer.diag()
    report = []
    for aid, tries in groups.items():
        report.append(f"{aid}: " + ", ".join(f"{t['scheme']} -> {t.get('status')}" for t in tries))
    print("Fedify -> Hearth deliveries:\n  " + "\n  ".join(report))
    for aid, tries in groups.items():
        assert tries[-1].get("status") in (200, 201, 202), \
            f"Hearth never accepted {aid}: {json.dumps(tries, indent=1)}"
    first = [tries[0] for tries in groups.values()][0]
    assert first["scheme"] == "rfc9421", f"Fedify did not try RFC 9421 first: {first}"
    refused_9421 = [t for tries in groups.values() for t in tries
                    if t["scheme"] == "rfc9421" and t.get("status") not in (200, 201, 202)]
    hearth_401 = [line for line in srv.log().splitlines() if "inbox: 4" in line]
    assert not refused_9421, (
        "Hearth refused Fedify's RFC 9421 signature (Fedify then retried with draft-cavage):\n"
        + json.dumps(refused_9421, indent=1) + "\nHearth log:\n" + "\n".join(hearth_401))
    assert all(t["scheme"] == "rfc9421" for tries in groups.values() for t in tries), report
