"""Trust rings across servers: local-only and neighborhood posts never leak.

Three Hearth servers and a Fedify peer run on loopback. A and B are
neighbors (each admin added the other with `hearth neighborhood add`, while
the servers run); C is outside; the Fedify peer is a fourth, non-Hearth
server. alice (A) is followed by bob (B), cid (C) and fedi (the peer); bea
(B) follows nobody.

  - alice's local post reaches nobody and cannot be fetched;
  - her neighborhood post reaches B: bob's home, and B's neighborhood
    timeline for bea too; it is on A's neighborhood timeline; it never
    reaches C or the peer, and neither can fetch it, signed or not;
  - her public post reaches everyone;
  - bob's reply to the neighborhood post is a neighborhood post too, and
    reaches alice; amy's boost of it stays in the neighborhood, and bob's
    boost of B's copy stays on B;
  - once B removes A from its neighborhood, B drops A's neighborhood post
    and refuses the next one.

The module stops itself within 150 s (SIGALRM).
"""
import os
import signal
import tempfile
import shutil
import time

import pytest
import requests

from conftest import add_user, client, free_port, hearth, init_data, start_server
from fedpeer import Peer, needs_peer

pytestmark = needs_peer

MODULE_BUDGET = 150
WAIT = 15
AS_JSON = {"Accept": "application/activity+json"}


class Timeout(Exception):
    pass


def on_alarm(signum, frame):
    raise Timeout(f"test_neighborhood did not finish within {MODULE_BUDGET} s")


def wait_for(fn, what, timeout=WAIT):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        last = fn()
        if last:
            return last
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what} (last: {last!r})")


def start(tmp, name, members):
    data = os.path.join(tmp, name)
    port = free_port()
    init_data(data, port, ("--test-network",))
    for m in members:
        add_user(data, m)
    return start_server(data, port)


def domain(srv):
    return f"127.0.0.1:{srv.port}"


def api(srv, m, path, method="GET", **data):
    r = requests.request(method, srv.url + path, data=data or None, timeout=10,
                         headers={"Authorization": "Bearer " + m.access_token} if m else {})
    return r


def post(srv, m, text, visibility):
    r = api(srv, m, "/api/v1/statuses", "POST", status=text, visibility=visibility)
    assert r.status_code == 200, r.text
    return r.json()


def follow(m, handle):
    res = m.search_v2(handle, resolve=True, result_type="accounts")
    target = [x for x in res["accounts"] if x["acct"] == handle]
    assert target, f"{handle} not found: {res}"
    m.account_follow(target[0]["id"])
    wait_for(lambda: m.account_relationships(target[0]["id"])[0]["following"],
             f"{handle} to accept the follow")


def texts(statuses):
    return " ".join(s["content"] for s in statuses)


def home(m):
    return texts(m.timeline_home(limit=40))


def neighborhood(srv, m):
    r = api(srv, m, "/api/v1/timelines/neighborhood?limit=40")
    assert r.status_code == 200, r.text
    return texts(r.json())


@pytest.fixture(scope="module")
def world():
    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(MODULE_BUDGET)
    tmp = tempfile.mkdtemp(prefix="hearth-rings-")
    servers = []
    peer = None
    try:
        a = start(tmp, "a", ("alice", "amy"))
        servers.append(a)
        b = start(tmp, "b", ("bob", "bea"))
        servers.append(b)
        c = start(tmp, "c", ("cid",))
        servers.append(c)
        peer = Peer(tmp, free_port())
        # Mutual consent, given on running servers.
        for srv, other in ((a, b), (b, a)):
            r = hearth("neighborhood", "add", "--data", srv.data, domain(other))
            assert r.returncode == 0, r.stderr
            assert "is now in the neighborhood" in r.stdout
        w = {"a": a, "b": b, "c": c, "peer": peer}
        for name, srv in (("alice", a), ("amy", a), ("bob", b), ("bea", b), ("cid", c)):
            w[name] = client(srv, name)
        follow(w["bob"], f"alice@{domain(a)}")
        follow(w["cid"], f"alice@{domain(a)}")
        peer.post("follow", actor_url=f"{a.url}/users/alice")
        wait_for(lambda: any(f["state"] == "accepted" for f in peer.get("following")),
                 "alice to accept fedi")
        yield w
    finally:
        if peer:
            peer.stop()
        for srv in servers:
            srv.stop()
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
        shutil.rmtree(tmp, ignore_errors=True)


def peer_got(peer, needle):
    return any(needle in str(x.get("json", x)) for x in peer.received("Create"))


def fetch_attempts(w, uri):
    """Status codes of every way an outsider can try to fetch uri."""
    c = w["c"]
    plain = requests.get(uri, headers=AS_JSON, timeout=10).status_code
    signed = w["peer"].post("fetch", url=uri, signed=True)
    unsigned_peer = w["peer"].post("fetch", url=uri, signed=False)
    # C looks it up as its server does, signing as itself.
    found = w["cid"].search_v2(uri, resolve=True, result_type="statuses")["statuses"]
    return plain, signed, unsigned_peer["status"], found, c


def test_ring_levels(world):
    w = world
    a, b = w["a"], w["b"]
    # The neighborhood is shown to peers and apps.
    inst = requests.get(a.url + "/api/v2/instance", timeout=10).json()
    assert inst["hearth"]["neighborhood"] == [domain(b)]
    assert "neighborhood" in inst["hearth"]["visibility_levels"]
    ni = requests.get(a.url + "/nodeinfo/2.1", timeout=10).json()
    assert ni["metadata"]["neighborhood"] == [domain(b)]
    coll = requests.get(a.url + "/actor/neighborhood", headers=AS_JSON, timeout=10).json()
    assert coll["totalItems"] == 1 and coll["items"] == [f"http://{domain(b)}/actor"]

    local = post(a, w["alice"], f"@bob@{domain(b)} ring-local only for A", "local")
    hood = post(a, w["alice"], "ring-hood for neighbors", "neighborhood")
    public = post(a, w["alice"], "ring-public for all", "public")
    assert local["local_only"] is True and local["visibility_ex"] == "local"
    assert hood["visibility_ex"] == "neighborhood"

    # The public post reaches everyone: it also marks when the others have arrived.
    wait_for(lambda: "ring-public" in home(w["bob"]), "the public post on B")
    wait_for(lambda: "ring-public" in home(w["cid"]), "the public post on C")
    wait_for(lambda: peer_got(w["peer"], "ring-public"), "the public post at the peer")

    # The neighborhood post reaches B: bob's home and B's neighborhood timeline, also for
    # bea, who follows nobody.
    wait_for(lambda: "ring-hood" in home(w["bob"]), "the neighborhood post in bob's home")
    wait_for(lambda: "ring-hood" in neighborhood(b, w["bea"]), "it on B's neighborhood timeline")
    bobs = [s for s in w["bob"].timeline_home(limit=40) if "ring-hood" in s["content"]][0]
    assert bobs["visibility_ex"] == "neighborhood" and bobs["local_only"] is False
    assert "ring-hood" in neighborhood(a, w["amy"])
    assert "ring-public" in neighborhood(a, w["amy"])
    # Visitors see neither ring, on either server.
    assert "ring-hood" not in neighborhood(a, None)
    assert "ring-hood" not in neighborhood(b, None)
    assert "ring-public" in neighborhood(b, None)

    # Never C, never the peer; the local post reaches nobody at all.
    time.sleep(1)  # deliveries are made together; give stragglers a moment
    assert "ring-hood" not in home(w["cid"]) and "ring-local" not in home(w["cid"])
    assert "ring-local" not in home(w["bob"]) and "ring-local" not in neighborhood(b, w["bea"])
    assert not peer_got(w["peer"], "ring-hood") and not peer_got(w["peer"], "ring-local")
    # Mentioning bob in the local post told him nothing.
    assert "ring-local" not in str(w["bob"].notifications(limit=40))

    # Nobody outside may fetch them, signed or not.
    for st in (local, hood):
        plain, signed, unsigned, found, _ = fetch_attempts(w, st["uri"])
        assert plain == 404, (st["uri"], plain)
        assert signed["status"] != 200, signed
        assert unsigned == 404
        assert found == [], found
    # The public one may be fetched (the control that the attempts can succeed).
    plain, signed, unsigned, found, _ = fetch_attempts(w, public["uri"])
    assert plain == 200 and signed["status"] == 200 and len(found) == 1
    # Local posts are not in the outbox or NodeInfo's count of posts.
    outbox = requests.get(a.url + "/users/alice/outbox?page=true", headers=AS_JSON,
                          timeout=10).json()
    assert "ring-local" not in str(outbox) and "ring-hood" not in str(outbox)
    assert "ring-public" in str(outbox)


def test_reply_in_the_ring(world):
    w = world
    a, b = w["a"], w["b"]
    hood = wait_for(lambda: [s for s in w["bob"].timeline_home(limit=40)
                             if "ring-hood" in s["content"]], "the neighborhood post on B")[0]
    r = api(b, w["bob"], "/api/v1/statuses", "POST", status=f"@alice@{domain(a)} ring-reply from bob",
            in_reply_to_id=hood["id"], visibility="public")
    assert r.status_code == 200, r.text
    assert r.json()["visibility_ex"] == "neighborhood"  # a reply stays in the ring

    def arrived():
        ns = w["alice"].notifications(types=["mention"], limit=20)
        return [n for n in ns if "ring-reply" in n["status"]["content"]]
    got = wait_for(arrived, "bob's reply at alice")[0]
    assert got["status"]["visibility_ex"] == "neighborhood"
    assert "ring-reply" in neighborhood(a, w["amy"])
    time.sleep(0.5)
    assert "ring-reply" not in home(w["cid"])


def test_boosts_stay_in_the_ring(world):
    w = world
    a, b = w["a"], w["b"]
    # amy's boost goes to the neighborhood as a whole, addressed to A's audience, never to
    # C or the peer.
    hood_a = [s for s in w["alice"].account_statuses(w["alice"].me()["id"], limit=40)
              if "ring-hood" in s["content"]][0]
    w["amy"].status_reblog(hood_a["id"])
    # bob's boost of the copy B received stays on B: alice hears nothing of it.
    hood_b = [s for s in w["bob"].timeline_home(limit=40) if "ring-hood" in s["content"]][0]
    w["bob"].status_reblog(hood_b["id"])
    marker = post(a, w["alice"], "ring-boost-marker public", "public")
    wait_for(lambda: "ring-boost-marker" in home(w["cid"]), "the public marker on C")
    wait_for(lambda: peer_got(w["peer"], "ring-boost-marker"), "the marker at the peer")
    assert not any("ring" in str(x.get("json", x)) and "Announce" in str(x.get("json", x))
                   for x in w["peer"].received())
    assert "ring-hood" not in home(w["cid"])
    time.sleep(0.5)
    reblogs = w["alice"].notifications(types=["reblog"], limit=20)
    who = {n["account"]["acct"] for n in reblogs}
    assert "amy" in who and f"bob@{domain(b)}" not in who, who
    assert marker["visibility"] == "public"


def test_leaving_the_neighborhood(world):
    w = world
    a, b = w["a"], w["b"]
    assert "ring-hood" in home(w["bob"])
    r = hearth("neighborhood", "remove", "--data", b.data, domain(a))
    assert r.returncode == 0, r.stderr
    # alice's post and amy's boost of it.
    assert "2 of its neighborhood posts were dropped" in r.stdout
    r = hearth("neighborhood", "list", "--data", b.data, "--json")
    assert r.returncode == 0 and r.stdout.strip() == "[]"
    # Dropped at once: from bob's home and B's neighborhood timeline.
    assert "ring-hood" not in home(w["bob"])
    assert "ring-hood" not in neighborhood(b, w["bea"])
    # A still counts B as a neighbor and delivers; B refuses what it no longer agreed to.
    post(a, w["alice"], "ring-after leaving", "neighborhood")
    marker = post(a, w["alice"], "ring-marker public", "public")
    wait_for(lambda: "ring-marker" in home(w["bob"]), "the public marker on B")
    wait_for(lambda: "refused neighborhood post" in b.log(), "B to log the refusal")
    assert "ring-after" not in home(w["bob"])
    assert "ring-after" not in neighborhood(b, w["bea"])
    assert marker["visibility"] == "public"
