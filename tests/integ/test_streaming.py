"""The streaming API over server-sent events, as apps and browsers use it."""
import http.client
import json
import queue
import socket
import threading
import time
import urllib.parse

import requests
from mastodon import StreamListener

from conftest import client


class SSE:
    """Reads one event stream in a thread; events land in a queue."""

    def __init__(self, url, token=None):
        self.events = queue.Queue()
        u = urllib.parse.urlparse(url)
        self.conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
        headers = {"Authorization": "Bearer " + token} if token else {}
        self.conn.request("GET", u.path + ("?" + u.query if u.query else ""), headers=headers)
        self.resp = self.conn.getresponse()
        assert self.resp.status == 200, self.resp.read()
        assert self.resp.getheader("Content-Type").startswith("text/event-stream")
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        name = None
        try:
            while True:
                line = self.resp.readline()
                if not line:
                    break
                line = line.decode().rstrip("\n")
                if line.startswith("event: "):
                    name = line[7:]
                elif line.startswith("data: ") and name:
                    data = line[6:]
                    self.events.put((name, json.loads(data) if data.startswith("{") else data))
                    name = None
        except Exception:
            pass

    def next(self, timeout=2.0):
        return self.events.get(timeout=timeout)

    def none_within(self, seconds):
        try:
            return self.events.get(timeout=seconds)
        except queue.Empty:
            return None

    def close(self):
        # Shut the socket down so the reading thread returns at once.
        try:
            self.conn.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.thread.join(timeout=5)
        self.conn.close()


def test_user_stream_updates_and_notifications(community):
    alice, bob = client(community, "alice"), client(community, "bob")
    alice_id = alice.account_verify_credentials()["id"]
    bob.account_follow(alice_id)
    stream = SSE(community.url + "/api/v1/streaming/user", bob.access_token)
    try:
        t0 = time.time()
        s = alice.status_post("fresh from the oven")
        name, data = stream.next()
        assert name == "update" and data["id"] == str(s["id"])
        assert time.time() - t0 < 1.0
        alice.status_post("@bob look")
        got = {stream.next()[0], stream.next()[0]}
        assert got == {"update", "notification"}
        alice.status_update(s["id"], "fresh from the oven, edited")
        name, data = stream.next()
        assert name == "status.update" and "edited" in data["content"]
        alice.status_delete(s["id"])
        name, data = stream.next()
        assert name == "delete" and data == str(s["id"])
    finally:
        stream.close()


def test_public_stream_shows_only_what_visitors_may_see(community):
    alice = client(community, "alice")
    anon = SSE(community.url + "/api/v1/streaming/public/local")
    tag = SSE(community.url + "/api/v1/streaming/hashtag?tag=Bread")
    try:
        alice.status_post("for followers #bread", visibility="private")
        alice.status_post("to bob only #bread @bob", visibility="direct")
        requests.post(community.url + "/api/v1/statuses",
                      headers={"Authorization": "Bearer " + alice.access_token},
                      data={"status": "members only #bread", "local_only": "true"})
        assert anon.none_within(0.7) is None
        assert tag.none_within(0.1) is None
        pub = alice.status_post("open to all #bread")
        name, data = anon.next()
        assert name == "update" and data["id"] == str(pub["id"])
        name, data = tag.next()
        assert name == "update" and data["id"] == str(pub["id"])
    finally:
        anon.close()
        tag.close()


def test_token_as_parameter_and_errors(community):
    bob = client(community, "bob")
    r = requests.get(community.url + "/api/v1/streaming/user", timeout=5)
    assert r.status_code == 401
    s = SSE(community.url + "/api/v1/streaming/user?access_token=" + bob.access_token)
    s.close()
    r = requests.get(community.url + "/api/v1/streaming/hashtag", timeout=5)
    assert r.status_code == 422
    assert requests.get(community.url + "/api/v1/streaming/health").text == "OK"


def test_mastodon_py_stream_listener(community):
    alice, bob = client(community, "alice"), client(community, "bob")
    bob.account_follow(alice.account_verify_credentials()["id"])
    got = queue.Queue()

    class Listener(StreamListener):
        def on_update(self, status):
            got.put(status)

    handle = bob.stream_user(Listener(), run_async=True, reconnect_async=False)
    try:
        time.sleep(0.3)
        s = alice.status_post("hello listeners")
        status = got.get(timeout=3)
        assert status["id"] == s["id"]
    finally:
        # Mastodon.py's close waits for the next heartbeat; the server's stop ends it sooner.
        threading.Thread(target=handle.close, daemon=True).start()


def test_server_stops_with_open_streams(community):
    bob = client(community, "bob")
    s = SSE(community.url + "/api/v1/streaming/user", bob.access_token)
    t0 = time.time()
    assert community.stop() == 0
    assert time.time() - t0 < 8
    s.close()


def test_direct_stream_tells_of_conversations(community):
    alice, bob = client(community, "alice"), client(community, "bob")
    stream = SSE(community.url + "/api/v1/streaming/direct", bob.access_token)
    try:
        alice.status_post("everyone may read this")
        s = alice.status_post("@bob just between us", visibility="direct")
        name, data = stream.next()
        assert name == "conversation"
        assert data["last_status"]["id"] == str(s["id"]) and data["unread"] is True
        assert [a["username"] for a in data["accounts"]] == ["alice"]
        # The conversation is the one the API lists.
        listed = requests.get(community.url + "/api/v1/conversations",
                              headers={"Authorization": "Bearer " + bob.access_token}).json()
        assert listed[0]["id"] == data["id"]
        # The public post made no event on this stream.
        assert stream.none_within(0.5) is None
    finally:
        stream.close()
    # The direct stream needs a member.
    r = requests.get(community.url + "/api/v1/streaming/direct")
    assert r.status_code == 401


def test_filters_and_mutes_shape_the_user_stream(community):
    alice, bob, carol = (client(community, n) for n in ("alice", "bob", "carol"))
    for other in (alice, carol):
        bob.account_follow(other.account_verify_credentials()["id"])
    h = {"Authorization": "Bearer " + bob.access_token}
    stream = SSE(community.url + "/api/v1/streaming/user", bob.access_token)
    public = SSE(community.url + "/api/v1/streaming/public", bob.access_token)
    try:
        r = requests.post(community.url + "/api/v2/filters", headers=h, json={
            "title": "no spoilers", "context": ["home", "public"], "filter_action": "hide",
            "keywords_attributes": [{"keyword": "spoilers"}]})
        assert r.status_code == 200, r.text
        assert stream.next() == ("filters_changed", "undefined")
        r = requests.post(community.url + "/api/v2/filters", headers=h, json={
            "title": "cake talk", "context": ["home"], "filter_action": "warn",
            "keywords_attributes": [{"keyword": "cake"}]})
        assert stream.next() == ("filters_changed", "undefined")
        alice.status_post("big spoilers for the finale")
        ok = alice.status_post("cake in the kitchen")
        name, data = stream.next()
        assert name == "update" and data["id"] == str(ok["id"])
        assert [f["filter"]["title"] for f in data["filtered"]] == ["cake talk"]
        # The public stream has its own context: the warning is for home only.
        name, data = public.next()
        assert name == "update" and data["id"] == str(ok["id"]) and data["filtered"] == []
        # A muted account is out of her streams, as out of her timelines.
        bob.account_mute(carol.account_verify_credentials()["id"])
        carol.status_post("muted voice")
        last = alice.status_post("hello again")
        assert stream.next()[1]["id"] == str(last["id"])
        assert public.next()[1]["id"] == str(last["id"])
        # Deleting a filter is a change too.
        requests.delete(community.url + "/api/v2/filters/" + r.json()["id"], headers=h)
        assert stream.next() == ("filters_changed", "undefined")
    finally:
        stream.close()
        public.close()
