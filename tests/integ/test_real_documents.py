"""Documents real fediverse software sends (../shared/testdata/activitypub:
Mastodon, Pleroma, Friendica, PeerTube, WordPress, Mobilizon, GNU social,
Discourse, NodeBB, Smithereen...) are understood: their actors are stored,
and their posts arrive as statuses with text and nothing unsafe.

Each document's host is rewritten onto a loopback server run by the test,
which serves it at its (rewritten) id; the posts are delivered in a Create
signed, with python3-httpsig, by a stand-in for their author."""
import glob
import hashlib
import json
import os
import time
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest

from apremote import make_key, sign_and_post
from conftest import add_user, client, free_port, init_data, start_server

DATA = None
for cand in (os.environ.get("HEARTH_SHARED", "/nonexistent"),
             os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared"), "/work/shared"):
    if os.path.isdir(os.path.join(cand, "testdata", "activitypub")):
        DATA = os.path.join(cand, "testdata", "activitypub")
        break

pytestmark = pytest.mark.skipif(DATA is None, reason="shared/testdata/activitypub is not here")

AS_PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
POSTS = ("Note", "Page", "Article", "Event", "Video", "Question")
ACTORS = ("Person", "Group", "Organization", "Service", "Application")


def first_id(v):
    if isinstance(v, str):
        return v
    if isinstance(v, dict):
        return v.get("id")
    if isinstance(v, list) and v:
        for e in v:  # PeerTube lists the channel too: the Person is the author
            if isinstance(e, dict) and e.get("type") == "Person":
                return e.get("id")
        return first_id(v[0])
    return None


class DocServer:
    """Serves documents by path (and query) on 127.0.0.1."""

    def __init__(self):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.docs = {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                doc = server.docs.get(self.path)
                body = json.dumps(doc).encode() if doc is not None else b""
                self.send_response(200 if doc is not None else 404)
                self.send_header("Content-Type", "application/activity+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                self.send_response(202)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def rewrite(self, doc):
        """doc with its own server (its id's and its author's hosts) moved here."""
        text = json.dumps(doc)
        for url in (doc.get("id"), first_id(doc.get("attributedTo"))):
            parts = urlsplit(url or "")
            if parts.scheme in ("http", "https") and parts.netloc:
                text = text.replace(f"{parts.scheme}://{parts.netloc}", self.base)
        return json.loads(text)

    def serve(self, doc):
        parts = urlsplit(doc["id"])
        self.docs[parts.path + ("?" + parts.query if parts.query else "")] = doc


def load(kind_types):
    out = []
    for f in sorted(glob.glob(os.path.join(DATA, "*", "objects", "*.json"))):
        with open(f, encoding="utf-8") as fh:
            doc = json.load(fh)
        if doc.get("type") in kind_types:
            out.append((os.path.relpath(f, DATA), doc))
    return out


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    tmp = str(tmp_path_factory.mktemp("realdocs"))
    data = os.path.join(tmp, "data")
    port = free_port()
    init_data(data, port, ("--test-network",))
    add_user(data, "alice")
    srv = start_server(data, port)
    peer = DocServer()
    key = make_key(tmp, "author")
    yield srv, peer, key
    peer.httpd.shutdown()
    srv.stop()


def stand_in(peer, uri, key):
    """An actor document for uri, with the test's key."""
    name = [p for p in urlsplit(uri).path.split("/") if p][-1] if urlsplit(uri).path.strip("/") \
        else "author"
    name = "".join(ch for ch in name if ch.isalnum() or ch == "_")[:20] or "author"
    # Every server is moved to the same host here: keep names apart.
    name += "_" + hashlib.sha1(uri.encode()).hexdigest()[:8]
    return {"@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
            "id": uri, "type": "Person", "preferredUsername": name,
            "inbox": peer.base + "/inbox", "outbox": uri.rstrip("/") + "/outbox",
            "publicKey": {"id": uri + "#main-key", "owner": uri, "publicKeyPem": key[1]}}


@pytest.mark.parametrize("name,doc", load(POSTS), ids=lambda v: v if isinstance(v, str) else "")
def test_real_posts_arrive(setup, name, doc):
    srv, peer, key = setup
    obj = peer.rewrite(doc)
    obj.pop("@context", None)
    author = first_id(obj.get("attributedTo"))
    assert author, f"{name} has no author"
    actor = stand_in(peer, author, key)
    peer.serve(actor)
    peer.serve(obj)
    activity = {"@context": "https://www.w3.org/ns/activitystreams",
                "id": f"{peer.base}/activities/{name.replace('/', '-')}", "type": "Create",
                "actor": author, "to": obj.get("to", [AS_PUBLIC]), "cc": obj.get("cc", []),
                "object": obj}
    r = sign_and_post(srv, author + "#main-key", key[0], json.dumps(activity).encode())
    assert r.status_code == 202, r.text
    alice = client(srv, "alice")
    deadline = time.time() + 10
    found = []
    while time.time() < deadline and not found:
        found = alice.search_v2(obj["id"], resolve=True, result_type="statuses")["statuses"]
        if not found:
            time.sleep(0.2)
    assert found, f"{name}: the post was not stored"
    st = found[0]
    text = st["content"] + st["spoiler_text"]
    assert text.strip() or st["media_attachments"], f"{name}: stored without text"
    assert "<script" not in text.lower() and "javascript:" not in text.lower()
    assert st["account"]["uri"] == author


@pytest.mark.parametrize("name,doc", load(ACTORS), ids=lambda v: v if isinstance(v, str) else "")
def test_real_actors_are_stored(setup, name, doc):
    srv, peer, key = setup
    actor = peer.rewrite(doc)
    peer.serve(actor)
    alice = client(srv, "alice")
    res = alice.search_v2(actor["id"], resolve=True, result_type="accounts")["accounts"]
    if not actor.get("inbox") or not actor.get("preferredUsername"):
        assert res == [], f"{name}: an actor without inbox or name was stored"
        return
    assert res, f"{name}: the actor was not stored"
    acc = res[0]
    assert acc["username"] == actor["preferredUsername"]
    assert "<script" not in acc["note"].lower()
