"""The streaming API over a WebSocket (/api/v1/streaming), as Mastodon's web app and
most mobile apps use it: one connection, several streams, JSON messages."""
import json
import struct
import time

import requests
import websocket

from conftest import client
from schema import validate


def ws_url(srv, query=""):
    return srv.url.replace("http://", "ws://") + "/api/v1/streaming" + query


def connect(srv, token, query="", how="header"):
    if how == "header":
        return websocket.create_connection(ws_url(srv, query), timeout=5,
                                           header=["Authorization: Bearer " + token])
    if how == "protocol":
        return websocket.create_connection(ws_url(srv, query), timeout=5, subprotocols=[token])
    sep = "&" if query else "?"
    return websocket.create_connection(ws_url(srv, query + sep + "access_token=" + token),
                                       timeout=5)


def next_message(ws, timeout=2.0):
    ws.settimeout(timeout)
    return json.loads(ws.recv())


def none_within(ws, seconds):
    ws.settimeout(seconds)
    try:
        return json.loads(ws.recv())
    except websocket.WebSocketTimeoutException:
        return None


def close_code(ws, timeout=3.0):
    """Reads until the server's close frame and returns its status code."""
    ws.settimeout(timeout)
    while True:
        frame = ws.recv_frame()  # unlike recv(), does not answer the close itself
        if frame.opcode == websocket.ABNF.OPCODE_CLOSE:
            return struct.unpack("!H", frame.data[:2])[0]


def test_user_stream_gets_posts_and_notifications(community):
    alice, bob = client(community, "alice"), client(community, "bob")
    bob.account_follow(alice.account_verify_credentials()["id"])
    ws = connect(community, bob.access_token, "?stream=user")
    try:
        t0 = time.time()
        s = alice.status_post("bread is out of the oven")
        m = next_message(ws)
        assert time.time() - t0 < 1.0
        assert m["stream"] == ["user"] and m["event"] == "update"
        status = json.loads(m["payload"])  # the payload is JSON inside a string
        assert status["id"] == str(s["id"])
        validate("Status", status)
        t0 = time.time()
        alice.status_post("@bob come and get some")
        got = {}
        for _ in range(2):
            m = next_message(ws)
            got[m["event"]] = json.loads(m["payload"])
        assert time.time() - t0 < 1.0
        assert set(got) == {"update", "notification"}
        assert got["notification"]["type"] == "mention"
        validate("Notification", got["notification"])
        alice.status_delete(s["id"])
        m = next_message(ws)
        assert m["event"] == "delete" and m["payload"] == str(s["id"])
    finally:
        ws.close()


def test_subscribe_and_unsubscribe_on_one_connection(community):
    alice, bob = client(community, "alice"), client(community, "bob")
    ws = connect(community, bob.access_token, how="protocol")
    try:
        # The token sent as the subprotocol is echoed, or browsers drop the connection.
        assert ws.getheaders()["sec-websocket-protocol"] == bob.access_token
        alice.status_post("nobody is listening yet #bread")
        assert none_within(ws, 0.5) is None
        ws.send(json.dumps({"type": "subscribe", "stream": "hashtag", "tag": "Bread"}))
        time.sleep(0.2)
        s = alice.status_post("rye today #bread")
        m = next_message(ws)
        assert m["stream"] == ["hashtag", "Bread"] and m["event"] == "update"
        assert json.loads(m["payload"])["id"] == str(s["id"])
        ws.send(json.dumps({"type": "subscribe", "stream": "public:local"}))
        ws.send(json.dumps({"type": "unsubscribe", "stream": "hashtag", "tag": "bread"}))
        time.sleep(0.2)
        s = alice.status_post("spelt tomorrow #bread")
        m = next_message(ws)
        assert m["stream"] == ["public:local"] and json.loads(m["payload"])["id"] == str(s["id"])
        assert none_within(ws, 0.5) is None  # not a second time for the hashtag
        ws.send(json.dumps({"type": "unsubscribe", "stream": "public:local"}))
        time.sleep(0.2)
        alice.status_post("and nobody hears this")
        assert none_within(ws, 0.5) is None
    finally:
        ws.close()


def test_bad_messages_get_errors_and_the_connection_stays(community):
    alice, bob = client(community, "alice"), client(community, "bob")
    ws = connect(community, bob.access_token, "?stream=public:local", how="query")
    try:
        ws.send("{not json")
        assert next_message(ws) == {"error": "Invalid JSON message", "status": 400}
        ws.send(json.dumps({"type": "subscribe", "stream": "the moon"}))
        assert next_message(ws) == {"error": "Unknown stream type", "status": 400}
        ws.send(json.dumps({"type": "subscribe", "stream": "hashtag"}))
        assert next_message(ws)["status"] == 400
        ws.send(json.dumps({"type": "subscribe", "stream": "list", "list": "12345"}))
        assert next_message(ws)["status"] == 404
        ws.ping("are you there")
        op, frame = ws.recv_data_frame(True)
        assert op == websocket.ABNF.OPCODE_PONG and frame.data == b"are you there"
        s = alice.status_post("still here")
        m = next_message(ws)
        assert json.loads(m["payload"])["id"] == str(s["id"])
    finally:
        ws.close()


def test_public_local_never_shows_what_the_viewer_may_not_see(community):
    alice, carol = client(community, "alice"), client(community, "carol")
    ws = connect(community, carol.access_token, "?stream=public:local")
    remote = connect(community, carol.access_token, "?stream=public:remote")
    try:
        alice.status_post("for my followers", visibility="private")
        alice.status_post("@bob just for you", visibility="direct")
        alice.status_post("quietly", visibility="unlisted")
        assert none_within(ws, 0.7) is None
        local_only = requests.post(community.url + "/api/v1/statuses",
                                   headers={"Authorization": "Bearer " + alice.access_token},
                                   data={"status": "members only", "local_only": "true"}).json()
        m = next_message(ws)  # carol is a member: the community's own posts are hers to see
        assert json.loads(m["payload"])["id"] == local_only["id"]
        pub = alice.status_post("hello everyone")
        m = next_message(ws)
        assert m["stream"] == ["public:local"]
        status = json.loads(m["payload"])
        assert status["id"] == str(pub["id"]) and status["visibility"] == "public"
        validate("Status", status)
        assert none_within(remote, 0.2) is None  # nothing here comes from elsewhere
    finally:
        ws.close()
        remote.close()


def test_hashtag_and_list_streams_from_the_query(community):
    alice, bob, dave = client(community, "alice"), client(community, "bob"), client(community, "dave")
    alice_id = alice.account_verify_credentials()["id"]
    bob.account_follow(alice_id)
    lst = bob.list_create("bakers")
    bob.list_accounts_add(lst["id"], [alice_id])
    tag = connect(community, bob.access_token, "?stream=hashtag:local&tag=sourdough")
    lws = connect(community, bob.access_token, f"?stream=list&list={lst['id']}")
    try:
        dave.status_post("not about bread")
        assert none_within(tag, 0.5) is None
        assert none_within(lws, 0.1) is None
        s = alice.status_post("feeding the #Sourdough starter")
        m = next_message(tag)
        assert m["stream"] == ["hashtag:local", "sourdough"]
        assert json.loads(m["payload"])["id"] == str(s["id"])
        m = next_message(lws)
        assert m["stream"] == ["list", str(lst["id"])] and m["event"] == "update"
        assert json.loads(m["payload"])["id"] == str(s["id"])
    finally:
        tag.close()
        lws.close()
    # Someone else's list is not to be watched.
    ws = connect(community, dave.access_token, f"?stream=list&list={lst['id']}")
    try:
        assert next_message(ws) == {"error": "Record not found", "status": 404}
    finally:
        ws.close()


def test_tokens_are_checked_before_the_upgrade(community):
    bob = client(community, "bob")
    writer = client(community, "carol", scopes=("write",))
    for url, headers, status in [
        (ws_url(community, "?stream=user"), [], 401),
        (ws_url(community, "?stream=user&access_token=nonsense"), [], 401),
        (ws_url(community, "?stream=user"), ["Authorization: Bearer nonsense"], 401),
        (ws_url(community, "?stream=public"), ["Authorization: Bearer " + writer.access_token], 403),
    ]:
        try:
            websocket.create_connection(url, timeout=5, header=headers)
            raise AssertionError("upgraded with a bad token: " + url)
        except websocket.WebSocketBadStatusException as e:
            assert e.status_code == status, (url, e.status_code)
    # Without the upgrade, the path says the streaming API lives on this host.
    r = requests.get(community.url + "/api/v1/streaming",
                     headers={"Authorization": "Bearer " + bob.access_token})
    assert r.status_code == 404
    ws = connect(community, bob.access_token, "/?stream=user")  # trailing slash too
    ws.close()


def threads_of(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("Threads:"):
                return int(line.split()[1])
    raise AssertionError("no Threads line")


def test_idle_connections_hold_no_threads(community):
    alice, bob = client(community, "alice"), client(community, "bob")
    bob.account_follow(alice.account_verify_credentials()["id"])
    first = connect(community, bob.access_token, "?stream=user")
    before = threads_of(community.proc.pid)
    conns = []
    try:
        for _ in range(200):
            conns.append(connect(community, bob.access_token, "?stream=user"))
        time.sleep(0.5)
        assert threads_of(community.proc.pid) == before
        s = alice.status_post("two hundred and one listeners")
        for ws in (first, conns[0], conns[-1]):
            m = next_message(ws, timeout=5)
            assert json.loads(m["payload"])["id"] == str(s["id"])
        assert threads_of(community.proc.pid) == before
    finally:
        for ws in conns:
            ws.close()
        first.close()
    assert requests.get(community.url + "/health").status_code == 200


def test_oversized_message_closes_only_that_connection(community):
    alice, bob = client(community, "alice"), client(community, "bob")
    big = connect(community, bob.access_token, "?stream=public:local")
    other = connect(community, bob.access_token, "?stream=public:local")
    try:
        big.send(json.dumps({"type": "subscribe", "stream": "hashtag", "tag": "x" * 5000}))
        assert close_code(big) == 1009  # message too big
        s = alice.status_post("the others still hear this")
        m = next_message(other)
        assert json.loads(m["payload"])["id"] == str(s["id"])
        again = connect(community, bob.access_token, "?stream=user")
        again.close()
    finally:
        big.close()
        other.close()


def test_binary_messages_are_refused(community):
    bob = client(community, "bob")
    ws = connect(community, bob.access_token)
    try:
        ws.send_binary(b"\x00\x01")
        assert close_code(ws) == 1003
    finally:
        ws.close()


def test_stopping_the_server_says_going_away(community):
    bob = client(community, "bob")
    socks = [connect(community, bob.access_token, "?stream=user") for _ in range(3)]
    community.proc.send_signal(15)
    for ws in socks:
        assert close_code(ws, timeout=8) == 1001
        ws.close()
    assert community.proc.wait(timeout=15) == 0


def test_direct_stream_and_filters_changed(community):
    alice, bob = client(community, "alice"), client(community, "bob")
    ws = connect(community, bob.access_token, "?stream=direct")
    try:
        ws.send(json.dumps({"type": "subscribe", "stream": "user"}))
        s = alice.status_post("@bob a quiet word", visibility="direct")
        got = {}
        while "conversation" not in got or "notification" not in got:
            m = next_message(ws)
            got.setdefault(m["event"], m)
        while none_within(ws, 0.3):  # the post on home, if it is there
            pass
        m = got["conversation"]
        assert m["stream"] == ["direct"]
        conv = json.loads(m["payload"])
        validate("Conversation", conv)
        assert conv["last_status"]["id"] == str(s["id"])
        r = requests.post(community.url + "/api/v2/filters",
                          headers={"Authorization": "Bearer " + bob.access_token},
                          json={"title": "quiet", "context": ["home"],
                                "keywords_attributes": [{"keyword": "shush"}]})
        assert r.status_code == 200
        m = next_message(ws)
        # Mastodon's shape: no payload member at all.
        assert m == {"stream": ["user"], "event": "filters_changed"}
    finally:
        ws.close()
