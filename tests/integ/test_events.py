"""Events as members see them: remote events (Mobilizon's real document,
a Gathio-style Event with its "Will you attend?" Question, a Friendica-style
Event) arrive with their time, zone and place, on the API and the pages;
answering them sends what each kind of server expects to the organizer's
inbox; the calendar page and the private iCalendar feed list what is
coming; events made here federate to another Hearth, whose members answer
by voting in the event's poll or through the RSVP call, and the organizer
sees who is coming.

Remote servers are stood in for by a loopback server that serves the
documents (rewritten onto it) and records what Hearth delivers; requests to
Hearth are signed with python3-httpsig.
"""
import json
import os
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
import requests

from apremote import make_key, sign_and_post
from conftest import add_user, client, free_port, init_data, start_server
from webpages import Browser

DATA = None
for cand in (os.environ.get("HEARTH_SHARED", "/nonexistent"),
             os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared"), "/work/shared"):
    if os.path.isdir(os.path.join(cand, "testdata", "activitypub")):
        DATA = os.path.join(cand, "testdata", "activitypub")
        break

AS_PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


class Peer:
    """Actors and documents on 127.0.0.1; what Hearth POSTs is recorded."""

    def __init__(self, key):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.key = key
        self.docs = {}
        self.received = []
        self.lock = threading.Lock()
        peer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                doc = peer.docs.get(self.path)
                body = json.dumps(doc).encode() if doc is not None else b""
                self.send_response(200 if doc is not None else 404)
                self.send_header("Content-Type", "application/activity+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with peer.lock:
                    peer.received.append((self.path, json.loads(body)))
                self.send_response(202)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def actor(self, name):
        uri = f"{self.base}/users/{name}"
        doc = {"@context": ["https://www.w3.org/ns/activitystreams",
                            "https://w3id.org/security/v1"],
               "id": uri, "type": "Person", "preferredUsername": name,
               "inbox": uri + "/inbox", "outbox": uri + "/outbox",
               "followers": uri + "/followers",
               "publicKey": {"id": uri + "#main-key", "owner": uri,
                             "publicKeyPem": self.key[1]}}
        self.serve(doc)
        return uri

    def serve(self, doc):
        self.docs[urlsplit(doc["id"]).path] = doc

    def create(self, srv, actor, obj):
        self.serve(obj)
        act = {"@context": "https://www.w3.org/ns/activitystreams",
               "id": obj["id"] + "/activity", "type": "Create", "actor": actor,
               "to": obj.get("to", [AS_PUBLIC]), "cc": obj.get("cc", []), "object": obj}
        return self.send(srv, actor, act)

    def send(self, srv, actor, act):
        r = sign_and_post(srv, actor + "#main-key", self.key[0], json.dumps(act).encode())
        assert r.status_code == 202, r.text
        return r

    def wait_for(self, pred, what, timeout=15):
        deadline = time.time() + timeout
        while time.time() < deadline:
            with self.lock:
                for path, body in self.received:
                    if pred(path, body):
                        return path, body
            time.sleep(0.1)
        raise AssertionError(f"{what} never arrived: {self.received!r}")


def wait_for(fn, what, timeout=15):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        last = fn()
        if last:
            return last
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what} (last: {last!r})")


def api(srv, m, method, path, **data):
    r = requests.request(method, srv.url + path, data=data or None,
                         headers={"Authorization": "Bearer " + m.access_token}, timeout=10)
    return r


def find(m, uri):
    def look():
        found = m.search_v2(uri, resolve=True, result_type="statuses")["statuses"]
        return found[0] if found else None
    return wait_for(look, f"the post {uri}")


def parse_ics(text):
    """Checks RFC 5545 line rules and returns the unfolded lines."""
    raw = text.encode("utf-8")
    assert raw.endswith(b"\r\n")
    for line in raw.split(b"\r\n")[:-1]:
        assert len(line) <= 75, line
        assert b"\n" not in line and b"\r" not in line
    lines = []
    for line in text.split("\r\n")[:-1]:
        if line.startswith(" "):
            lines[-1] += line[1:]
        else:
            lines.append(line)
    return lines


def ics_props(lines):
    props = {}
    for line in lines:
        name, _, value = line.partition(":")
        props.setdefault(name.split(";")[0], []).append(value)
    return props


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    tmp = str(tmp_path_factory.mktemp("events"))
    data = os.path.join(tmp, "data")
    port = free_port()
    init_data(data, port, ("--test-network",))
    add_user(data, "alice")
    add_user(data, "bob")
    srv = start_server(data, port)
    peer = Peer(make_key(tmp, "organizer"))
    yield srv, peer
    peer.httpd.shutdown()
    srv.stop()


def mobilizon_event(peer, organizer):
    with open(os.path.join(DATA, "mobilizon", "objects", "event.json"), encoding="utf-8") as f:
        doc = json.load(f)
    doc.pop("@context")
    text = json.dumps(doc).replace("https://rendezvous.nomagic.uk", peer.base)
    doc = json.loads(text)
    doc["attributedTo"] = organizer
    doc["actor"] = organizer
    # The dance class happens again next year, so that it can still be answered.
    doc["startTime"] = "2027-12-11T19:00:00+00:00"
    doc["endTime"] = "2027-12-11T21:00:00+00:00"
    doc["content"] += '<script>alert(1)</script><p onclick="x()">Bring shoes</p>'
    return doc


@pytest.mark.skipif(DATA is None, reason="shared/testdata/activitypub is not here")
def test_mobilizon_event_api_page_ics_and_join(world):
    srv, peer = world
    organizer = peer.actor("devon_caledonian")
    doc = mobilizon_event(peer, organizer)
    peer.create(srv, organizer, doc)
    alice = client(srv, "alice")
    st = find(alice, doc["id"])
    ev = st["event"]
    assert ev["name"] == "Caledonian scottish dance class"
    assert ev["start_time"].startswith("2027-12-11T19:00:00")
    assert ev["end_time"].startswith("2027-12-11T21:00:00")
    assert ev["timezone"] == "Europe/London"
    assert ev["utc_offset"] == "+00:00"
    loc = ev["location"]
    assert loc["name"] == "The Kenn Centre"
    assert loc["street"] == "Devon Expressway"
    assert loc["locality"] == "Teignbridge"
    assert loc["postal_code"] == "EX6 7TW"
    assert loc["country"] == "United Kingdom"
    assert abs(loc["latitude"] - 50.66881615) < 1e-6
    assert abs(loc["longitude"] + 3.537739788) < 1e-6
    assert ev["join_mode"] == "free" and ev["anonymous_participation"] is True
    assert ev["rsvp"] is None and ev["rsvp_via"] == "join"
    # Apps that know nothing of events read the title first, then when and where.
    content = st["content"]
    assert content.startswith("<p><strong>Caledonian scottish dance class</strong></p>")
    assert "When: Saturday 11 December 2027, 19:00 \u2013 21:00 (UTC+00:00, Europe/London)" \
        in content
    assert "Where: The Kenn Centre, Devon Expressway" in content
    assert "<script" not in content and "onclick" not in content

    # The post's page: time with its zone, the place with a map, the .ics link.
    page = requests.get(srv.url + f"/@{st['account']['acct']}/{st['id']}", timeout=10)
    assert page.status_code == 200
    html = page.text
    assert "Saturday 11 December 2027, 19:00" in html and "Europe/London" in html
    assert "The Kenn Centre" in html and "EX6 7TW Teignbridge" in html
    assert "https://www.openstreetmap.org/?mlat=50.6688161&amp;mlon=-3.5377398" in html
    assert "<script>alert" not in html and "onclick=\"x()\"" not in html
    assert "Bring shoes" in html
    ics_path = re.search(r'href="([^"]+/event\.ics)"', html).group(1)
    assert ics_path.endswith(f"/{st['id']}/event.ics")
    ics = requests.get(srv.url + ics_path, timeout=10)
    assert ics.status_code == 200
    assert ics.headers["Content-Type"].startswith("text/calendar")
    props = ics_props(parse_ics(ics.text))
    assert props["BEGIN"] == ["VCALENDAR", "VEVENT"]
    assert props["DTSTART"] == ["20271211T190000Z"]
    assert props["DTEND"] == ["20271211T210000Z"]
    assert props["SUMMARY"] == ["Caledonian scottish dance class"]
    assert props["UID"] == [doc["id"]]
    assert props["LOCATION"][0].startswith("The Kenn Centre\\, Devon Expressway\\, EX6 7TW")
    assert props["GEO"] == ["50.6688161;-3.5377398"]
    assert "Bring shoes" in props["DESCRIPTION"][0] and "<p>" not in props["DESCRIPTION"][0]
    assert props["URL"] == [doc["url"]]
    assert "DTSTAMP" in props
    assert api_get_ok(srv, alice, ev["ics_url"])

    # Going: a Join of the event reaches the organizer's inbox.
    r = api(srv, alice, "POST", f"/api/v1/hearth/events/{st['id']}/rsvp", rsvp="going")
    assert r.status_code == 200, r.text
    assert r.json()["event"]["rsvp"] == "going"
    _, join = peer.wait_for(lambda p, b: b.get("type") == "Join", "the Join")
    assert join["object"] == doc["id"]
    assert join["actor"] == f"{srv.url}/users/alice"
    # Mobilizon has no "maybe": refused with the reason.
    r = api(srv, alice, "POST", f"/api/v1/hearth/events/{st['id']}/rsvp", rsvp="maybe")
    assert r.status_code == 422 and "going or not going" in r.json()["error"]
    # Withdrawing leaves the event.
    r = api(srv, alice, "POST", f"/api/v1/hearth/events/{st['id']}/rsvp", rsvp="none")
    assert r.status_code == 200 and r.json()["event"]["rsvp"] is None
    _, leave = peer.wait_for(lambda p, b: b.get("type") == "Leave", "the Leave")
    assert leave["object"] == doc["id"] and leave["actor"] == join["actor"]
    # An unknown answer is refused.
    r = api(srv, alice, "POST", f"/api/v1/hearth/events/{st['id']}/rsvp", rsvp="perhaps")
    assert r.status_code == 422

    # An Update moves it; a Delete removes it.
    doc2 = dict(doc, startTime="2027-12-12T18:30:00+01:00", endTime="2027-12-12T20:00:00+01:00",
                updated="2027-01-01T00:00:00Z")
    peer.serve(doc2)
    peer.send(srv, organizer, {"id": doc["id"] + "#update", "type": "Update",
                               "actor": organizer, "object": doc2})
    wait_for(lambda: alice.status(st["id"])["event"]["start_time"].startswith(
        "2027-12-12T17:30:00"), "the update")
    assert alice.status(st["id"])["event"]["utc_offset"] == "+01:00"
    peer.send(srv, organizer, {"id": doc["id"] + "#delete", "type": "Delete",
                               "actor": organizer, "object": doc["id"]})
    wait_for(lambda: requests.get(srv.url + ics_path, timeout=10).status_code == 404,
             "the deletion")


def api_get_ok(srv, m, url):
    return requests.get(url, timeout=10).status_code == 200


def friendica_event(peer, organizer, name, start="2027-06-01T18:00:00+02:00"):
    return {"id": f"{peer.base}/objects/{name.replace(' ', '-')}", "type": "Event",
            "attributedTo": organizer, "name": name, "startTime": start,
            "endTime": "2027-06-01T22:00:00+02:00",
            "content": "<p>Bring something to share</p>",
            "location": {"type": "Place", "name": "Community hall",
                         "address": "12 Station Road, Springfield"},
            "published": "2026-11-01T10:00:00Z", "to": [AS_PUBLIC],
            "cc": [organizer + "/followers"]}


def test_friendica_event_accept_undo_and_calendar(world):
    srv, peer = world
    organizer = peer.actor("friendica_host")
    doc = friendica_event(peer, organizer, "Summer potluck")
    peer.create(srv, organizer, doc)
    bob = client(srv, "bob")
    st = find(bob, doc["id"])
    ev = st["event"]
    assert ev["rsvp_via"] == "accept" and ev["utc_offset"] == "+02:00"
    assert ev["location"]["name"] == "Community hall"
    assert ev["location"]["street"] == "12 Station Road, Springfield"
    assert ev["location"]["latitude"] is None

    # Not in bob's calendar yet: he neither follows the organizer nor answered.
    assert str(st["id"]) not in [s["id"]
                                 for s in api(srv, bob, "GET", "/api/v1/hearth/events").json()]
    for answer, kind in (("maybe", "TentativeAccept"), ("going", "Accept"),
                         ("not_going", "Reject")):
        r = api(srv, bob, "POST", f"/api/v1/hearth/events/{st['id']}/rsvp", rsvp=answer)
        assert r.status_code == 200, r.text
        _, act = peer.wait_for(lambda p, b, k=kind: b.get("type") == k, kind)
        assert act["object"] == doc["id"] and act["actor"] == f"{srv.url}/users/bob"
        assert act["to"] == [organizer]
    r = api(srv, bob, "POST", f"/api/v1/hearth/events/{st['id']}/rsvp", rsvp="going")
    sent = [b for _, b in peer.received if b.get("type") == "Accept"]
    going_id = wait_for(lambda: [b for _, b in peer.received if b.get("type") == "Accept"][1:],
                        "the second Accept")[0]["id"]
    assert going_id != sent[0]["id"]
    listed = api(srv, bob, "GET", "/api/v1/hearth/events").json()
    assert [s["event"]["name"] for s in listed] == ["Summer potluck"]
    r = api(srv, bob, "POST", f"/api/v1/hearth/events/{st['id']}/rsvp", rsvp="none")
    _, undo = peer.wait_for(lambda p, b: b.get("type") == "Undo", "the Undo")
    assert undo["object"]["id"] == going_id and undo["object"]["type"] == "Accept"
    assert undo["object"]["object"] == doc["id"]
    assert api(srv, bob, "GET", "/api/v1/hearth/events").json() == []

    # The calendar page and the private feed.
    r = api(srv, bob, "POST", f"/api/v1/hearth/events/{st['id']}/rsvp", rsvp="going")
    web = Browser(srv)
    web.login("bob")
    page = web.get("/calendar")
    assert page.status_code == 200 and "Summer potluck" in page.text
    assert 'aria-pressed="true">Going</button>' in page.text
    assert "Get my calendar address" in page.text
    r = web.post("/calendar/feed")
    assert r.status_code in (200, 303)
    page = web.get("/calendar")
    feed = re.search(r'value="(http://[^"]+/calendar/[^"]+\.ics)"', page.text).group(1)
    cal = requests.get(feed, timeout=10)
    assert cal.status_code == 200 and cal.headers["Content-Type"].startswith("text/calendar")
    props = ics_props(parse_ics(cal.text))
    assert props["SUMMARY"] == ["Summer potluck"]
    assert props["DTSTART"] == ["20270601T160000Z"]
    assert props["LOCATION"] == ["Community hall\\, 12 Station Road\\, Springfield"]
    wrong = feed[:-5] + "x.ics"
    assert requests.get(wrong, timeout=10).status_code == 404
    # A new address: the old one stops working.
    web.post("/calendar/feed")
    assert requests.get(feed, timeout=10).status_code == 404
    web.post("/calendar/feed/revoke")
    assert "Get my calendar address" in web.get("/calendar").text
    # The page's buttons answer too.
    r = web.post(f"/events/{st['id']}/rsvp", {"rsvp": "maybe", "return_to": "/calendar"})
    assert r.status_code in (200, 303)
    assert bob.status(st["id"])["event"]["rsvp"] == "maybe"


def test_gathio_event_answered_by_voting(world):
    srv, peer = world
    organizer = peer.actor("gathio_events")
    event = {"id": f"{peer.base}/events/board-games", "type": "Event",
             "attributedTo": organizer, "name": "Board games night",
             "startTime": "2027-03-05T19:30:00+01:00", "endTime": "2027-03-05T23:00:00+01:00",
             "timezone": "Europe/Paris", "content": "<p>Games provided.</p>",
             "location": "Café du Coin, Paris", "published": "2026-11-20T10:00:00Z",
             "url": f"{peer.base}/board-games", "to": [AS_PUBLIC]}
    peer.create(srv, organizer, event)
    question = {"id": f"{peer.base}/events/board-games/poll", "type": "Question",
                "attributedTo": organizer, "name": "Will you attend?",
                "content": "Will you attend Board games night?", "inReplyTo": event["id"],
                "oneOf": [{"type": "Note", "name": n, "replies": {"type": "Collection",
                                                                 "totalItems": 0}}
                          for n in ("Yes, I'm going", "Maybe", "No")],
                "endTime": "2027-03-05T19:30:00+01:00", "published": "2026-11-20T10:00:01Z",
                "to": [AS_PUBLIC]}
    peer.create(srv, organizer, question)
    alice = client(srv, "alice")
    st = find(alice, event["id"])
    qst = find(alice, question["id"])
    assert qst["poll"] and qst["in_reply_to_id"] == st["id"]
    wait_for(lambda: alice.status(st["id"])["event"]["rsvp_via"] == "poll", "the poll link")
    assert alice.status(st["id"])["event"]["location"]["name"] == "Café du Coin, Paris"
    r = api(srv, alice, "POST", f"/api/v1/hearth/events/{st['id']}/rsvp", rsvp="maybe")
    assert r.status_code == 200, r.text
    assert r.json()["event"]["rsvp"] == "maybe"
    _, create = peer.wait_for(lambda p, b: b.get("type") == "Create"
                              and b["object"].get("inReplyTo") == question["id"], "the vote")
    note = create["object"]
    assert note["type"] == "Note" and note["name"] == "Maybe"
    assert note["attributedTo"] == f"{srv.url}/users/alice" and note["to"] == [organizer]
    poll = alice.status(qst["id"])["poll"]
    assert poll["voted"] is True and poll["own_votes"] == [1]
    # A poll vote cannot be taken back: said so, and the page offers no buttons for it.
    r = api(srv, alice, "POST", f"/api/v1/hearth/events/{st['id']}/rsvp", rsvp="none")
    assert r.status_code == 422
    web = Browser(srv)
    web.login("alice")
    html = web.get(f"/@{st['account']['acct']}/{st['id']}").text
    assert "Your answer: <strong>Maybe</strong>" in html
    assert f'action="/events/{st["id"]}/rsvp"' not in html
    assert "Friday 5 March 2027, 19:30 \u2013 23:00 (UTC+01:00, Europe/Paris)" in html


def test_voting_in_a_remote_poll(world):
    srv, peer = world
    author = peer.actor("pollster")
    question = {"id": f"{peer.base}/notes/lunch", "type": "Question", "attributedTo": author,
                "content": "<p>Lunch?</p>", "published": "2026-11-20T10:00:00Z",
                "anyOf": [{"type": "Note", "name": n} for n in ("Soup", "Salad", "Pie")],
                "endTime": "2027-01-01T00:00:00Z", "to": [AS_PUBLIC]}
    peer.create(srv, author, question)
    bob = client(srv, "bob")
    st = find(bob, question["id"])
    r = api(srv, bob, "POST", f"/api/v1/polls/{st['poll']['id']}/votes",
            **{"choices[]": ["0", "2"]})
    assert r.status_code == 200, r.text
    assert r.json()["voted"] is True and r.json()["own_votes"] == [0, 2]
    names = set()
    def votes():
        names.update(b["object"]["name"] for _, b in list(peer.received)
                     if b.get("type") == "Create" and b["object"].get("inReplyTo") == question["id"])
        return names == {"Soup", "Pie"}
    wait_for(votes, "both votes")
    # Voting again is refused and sends nothing more.
    r = api(srv, bob, "POST", f"/api/v1/polls/{st['poll']['id']}/votes", **{"choices[]": ["0"]})
    assert r.status_code == 422


def test_local_event_answered_from_another_server(tmp_path):
    from test_federation import acct, follow_remote, start
    a = start(str(tmp_path), "a", ("alice",))
    b = start(str(tmp_path), "b", ("bob", "dave"))
    try:
        alice, bob, dave = client(a, "alice"), client(b, "bob"), client(b, "dave")
        follow_remote(bob, acct(a, "alice"))
        follow_remote(dave, acct(a, "alice"))
        wait_for(lambda: alice.account_verify_credentials()["followers_count"] == 2,
                 "the follows")
        r = api(a, alice, "POST", "/api/v1/hearth/events", name="Repair café",
                start_time="2027-02-13T14:00:00+01:00", end_time="2027-02-13T17:00:00+01:00",
                timezone="Europe/Berlin", location_name="Library", street="Hauptstraße 1",
                locality="Berlin", country="Germany", latitude="52.52", longitude="13.405",
                description="Bring what is broken.")
        assert r.status_code == 200, r.text
        local = r.json()
        assert local["event"]["name"] == "Repair café"
        assert local["content"].startswith("<p>Repair café")
        assert "When: Saturday 13 February 2027, 14:00 \u2013 17:00 (UTC+01:00, Europe/Berlin)" \
            in local["content"]
        # A's own page for it offers the form again for mistakes.
        bad = api(a, alice, "POST", "/api/v1/hearth/events", name="x",
                  start_time="2027-02-13T14:00:00+01:00", end_time="2027-02-13T13:00:00+01:00")
        assert bad.status_code == 422 and "before" in bad.json()["error"]

        # On B: the event with its time and place, and its poll.
        def on_b(m):
            for s in m.timeline_home(limit=40):
                if s["event"] and s["event"]["name"] == "Repair café":
                    return s
            return None
        seen = wait_for(lambda: on_b(bob), "the event on B")
        assert seen["event"]["start_time"].startswith("2027-02-13T13:00:00")
        assert seen["event"]["location"]["locality"] == "Berlin"
        assert abs(seen["event"]["location"]["latitude"] - 52.52) < 1e-6
        wait_for(lambda: bob.status(seen["id"])["event"]["rsvp_via"] == "poll",
                 "the companion poll on B")
        # bob follows the organizer: the event is in his upcoming events.
        listed = api(b, bob, "GET", "/api/v1/hearth/events").json()
        assert [s["id"] for s in listed] == [str(seen["id"])]
        poll_st = wait_for(lambda: [s for s in bob.timeline_home(limit=40)
                                    if s["in_reply_to_id"] == seen["id"] and s["poll"]],
                           "the poll on B")[0]
        # bob votes in the poll as a Mastodon user would; dave answers with the RSVP call.
        r = api(b, bob, "POST", f"/api/v1/polls/{poll_st['poll']['id']}/votes",
                **{"choices[]": ["0"]})
        assert r.status_code == 200, r.text
        # dave asks for an answer by TentativeAccept rather than a vote.
        r = api(b, dave, "POST", f"/api/v1/hearth/events/{seen['id']}/rsvp", rsvp="maybe",
                via="accept")
        assert r.status_code == 200, r.text
        assert r.json()["event"]["rsvp"] == "maybe"
        r = api(b, dave, "POST", f"/api/v1/hearth/events/{seen['id']}/rsvp", rsvp="maybe",
                via="carrier-pigeon")
        assert r.status_code == 422

        def attendees():
            j = api(a, alice, "GET", f"/api/v1/hearth/events/{local['id']}/attendees").json()
            return j if j.get("going_count") == 1 and j.get("maybe_count") == 1 else None
        att = wait_for(attendees, "the answers on A")
        assert [x["acct"] for x in att["going"]] == [acct(b, "bob")]
        assert [x["acct"] for x in att["maybe"]] == [acct(b, "dave")]
        notes = alice.notifications()
        assert sum(1 for n in notes if n["type"] == "event_rsvp") == 2
        # The organizer's page shows who answered.
        web = Browser(a)
        web.login("alice")
        html = web.get(f"/@alice/{local['id']}").text
        assert "Who answered" in html and "1 going" in html and "1 maybe" in html
        assert acct(b, "bob") in html and acct(b, "dave") in html
        assert "openstreetmap.org/?mlat=52.5200000&amp;mlon=13.4050000" in html

        # Another server's Accept of the event counts too, and its Undo withdraws it.
        key_tmp = str(tmp_path)
        peer = Peer(make_key(key_tmp, "friendica"))
        try:
            fan = peer.actor("fan")
            accept = {"id": f"{peer.base}/activities/accept-1", "type": "Accept",
                      "actor": fan, "object": local["uri"]}
            peer.send(a, fan, accept)
            wait_for(lambda: api(a, alice, "GET", f"/api/v1/hearth/events/{local['id']}"
                                 "/attendees").json()["going_count"] == 2, "the Accept")
            peer.send(a, fan, {"id": f"{peer.base}/activities/undo-1", "type": "Undo",
                               "actor": fan, "object": accept})
            wait_for(lambda: api(a, alice, "GET", f"/api/v1/hearth/events/{local['id']}"
                                 "/attendees").json()["going_count"] == 1, "the Undo")
        finally:
            peer.httpd.shutdown()

        # The organizer's calendar lists it, and the new-event form makes one.
        cal = web.get("/calendar").text
        assert "Repair café" in cal
        r = web.post("/events", {"name": "Picnic", "start": "2027-07-01T12:00",
                                 "utc_offset": "+02:00", "location_name": "Park",
                                 "visibility": "public", "description": "Sandwiches"})
        assert r.status_code in (200, 303)
        assert "Picnic" in web.get("/calendar").text
        events = api(a, alice, "GET", "/api/v1/hearth/events").json()
        assert [s["event"]["name"] for s in events] == ["Repair café", "Picnic"]
        assert events[1]["event"]["start_time"].startswith("2027-07-01T10:00:00")
    finally:
        a.stop()
        b.stop()
