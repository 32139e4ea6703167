"""The inbox refuses forged and broken activities, and stores nothing of them.

A small remote server in this process (http.server on 127.0.0.1) serves two
actors, mallory and eve, with their own RSA keys; requests to Hearth's
inbox are signed with python3-httpsig (draft-cavage rsa-sha256), an
implementation independent of Hearth's own. Hearth also signs what it sends:
the test server checks those signatures with python3-httpsig too.
"""
import base64
import email.utils
import hashlib
import json
import os
import time

import pytest
import requests
from httpsig.verify import HeaderVerifier

from apremote import Remote, signed_get, signed_post
from conftest import add_user, client, free_port, init_data, start_server

AS_PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


@pytest.fixture
def setup(tmpdir_path):
    data = os.path.join(tmpdir_path, "data")
    port = free_port()
    init_data(data, port, ("--test-network",))
    add_user(data, "alice")
    srv = start_server(data, port)
    remote = Remote(tmpdir_path)
    yield srv, remote
    remote.stop()
    srv.stop()


def note(remote, name, n, text, object_host=None):
    base = object_host or remote.base
    return {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{remote.base}/activities/{name}/{n}", "type": "Create",
        "actor": remote.uri(name), "to": [AS_PUBLIC],
        "object": {"id": f"{base}/notes/{name}/{n}", "type": "Note",
                   "attributedTo": remote.uri(name), "to": [AS_PUBLIC],
                   "content": f"<p>{text}</p>", "published": "2026-01-01T00:00:00Z"},
    }


def remote_statuses(srv, m, remote, name):
    r = requests.get(srv.url + "/api/v1/accounts/lookup",
                     params={"acct": f"{name}@127.0.0.1:{remote.port}"}, timeout=10)
    if r.status_code == 404:
        return []
    return m.account_statuses(r.json()["id"])


def settle(srv, m, remote, name, expect):
    deadline = time.time() + 10
    while time.time() < deadline:
        got = remote_statuses(srv, m, remote, name)
        if len(got) >= expect:
            return got
        time.sleep(0.1)
    return remote_statuses(srv, m, remote, name)


def test_signed_create_is_stored_once(setup):
    srv, remote = setup
    alice = client(srv, "alice")
    act = note(remote, "mallory", 1, "hello from far away")
    assert signed_post(srv, remote, act).status_code == 202
    got = settle(srv, alice, remote, "mallory", 1)
    assert len(got) == 1 and "hello from far away" in got[0]["content"]
    # The same activity again, and a new activity for the same object: no duplicate.
    assert signed_post(srv, remote, act).status_code == 202
    act2 = dict(act, id=act["id"] + "-again")
    assert signed_post(srv, remote, act2).status_code == 202
    time.sleep(1)
    assert len(remote_statuses(srv, alice, remote, "mallory")) == 1


def test_forged_and_broken_requests_are_refused(setup):
    srv, remote = setup
    alice = client(srv, "alice")
    # Unsigned.
    r = requests.post(srv.url + "/inbox", json=note(remote, "mallory", 2, "unsigned"), timeout=10)
    assert r.status_code == 401
    # Signed with someone else's key under mallory's key id.
    r = signed_post(srv, remote, note(remote, "mallory", 3, "wrong key"), key_of="eve")
    assert r.status_code == 401
    # Eve signs an activity whose actor is mallory.
    r = signed_post(srv, remote, note(remote, "mallory", 4, "not eve's"), signer="eve")
    assert r.status_code == 401
    # A Date two hours old.
    old = email.utils.formatdate(time.time() - 7200, usegmt=True)
    r = signed_post(srv, remote, note(remote, "mallory", 5, "stale"), date=old)
    assert r.status_code == 401
    # The body does not match its Digest.
    r = signed_post(srv, remote, note(remote, "mallory", 6, "tampered"), tamper_digest=True)
    assert r.status_code == 401 and "digest" in r.json()["error"]
    # Too large.
    big = note(remote, "mallory", 7, "x" * (600 * 1024))
    r = signed_post(srv, remote, big)
    assert r.status_code == 413
    # Nested too deep.
    deep = note(remote, "mallory", 8, "deep")
    inner = {}
    for _ in range(100):
        inner = {"a": inner}
    deep["object"]["x"] = inner
    r = signed_post(srv, remote, deep)
    assert r.status_code == 400
    # Not JSON.
    r = signed_post(srv, remote, None, body=b"<html>not json</html>")
    assert r.status_code == 400
    # An object claiming a host other than its actor's: fetched from its
    # origin, which does not have it, so nothing is stored.
    other = note(remote, "mallory", 9, "borrowed", object_host="http://127.0.0.1:9")
    assert signed_post(srv, remote, other).status_code == 202
    # An unknown activity type is accepted and ignored.
    odd = {"id": remote.base + "/activities/odd", "type": "Dance", "actor": remote.uri("mallory"),
           "object": remote.uri("mallory")}
    assert signed_post(srv, remote, odd).status_code == 202
    # A personal inbox of nobody.
    r = signed_post(srv, remote, note(remote, "mallory", 10, "nobody"), path="/users/nobody/inbox")
    assert r.status_code == 404
    time.sleep(1.5)
    assert remote_statuses(srv, alice, remote, "mallory") == []


def test_deliveries_are_signed_and_verify(setup):
    srv, remote = setup
    alice = client(srv, "alice")
    # Mallory follows alice; Hearth answers with an Accept, signed by alice.
    follow = {"@context": "https://www.w3.org/ns/activitystreams",
              "id": remote.base + "/follows/1", "type": "Follow",
              "actor": remote.uri("mallory"), "object": f"{srv.url}/users/alice"}
    assert signed_post(srv, remote, follow).status_code == 202
    deadline = time.time() + 10
    while time.time() < deadline and not remote.received:
        time.sleep(0.1)
    assert remote.received, "no Accept was delivered"
    path, headers, body = remote.received[0]
    act = json.loads(body)
    assert act["type"] == "Accept" and act["object"]["id"] == follow["id"]
    assert path == "/users/mallory/inbox"
    alice_actor = requests.get(f"{srv.url}/users/alice",
                               headers={"Accept": "application/activity+json"}, timeout=10).json()
    sig = headers["Signature"]
    assert 'keyId="' + alice_actor["publicKey"]["id"] in sig
    hv = HeaderVerifier(headers=headers, secret=alice_actor["publicKey"]["publicKeyPem"],
                        required_headers=["(request-target)", "host", "date", "digest"],
                        method="POST", path=path, sign_header="signature")
    assert hv.verify()
    digest = "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()
    assert headers["Digest"] == digest
    # Her post reaches mallory's shared inbox.
    alice.status_post("news for my followers")
    deadline = time.time() + 10
    while time.time() < deadline and len(remote.received) < 2:
        time.sleep(0.1)
    path, headers, body = remote.received[1]
    assert path == "/inbox"
    act = json.loads(body)
    assert act["type"] == "Create" and "news for my followers" in act["object"]["content"]


def test_authorized_fetch(tmpdir_path):
    data = os.path.join(tmpdir_path, "af")
    port = free_port()
    init_data(data, port, ("--test-network",))
    add_user(data, "alice")
    conf = os.path.join(data, "hearth.conf")
    with open(conf) as f:
        text = f.read().replace("authorized_fetch = false", "authorized_fetch = true")
    with open(conf, "w") as f:
        f.write(text)
    srv = start_server(data, port)
    remote = Remote(tmpdir_path)
    try:
        alice = client(srv, "alice")
        public = alice.status_post("for anyone")
        private = alice.status_post("for my followers", visibility="private")
        as2 = {"Accept": "application/activity+json"}
        path = f"/users/alice/statuses/{public['id']}"
        # Unsigned reads of objects and collections are refused; the actor and
        # the instance actor stay readable, so that peers can check signatures.
        assert requests.get(srv.url + path, headers=as2, timeout=10).status_code == 401
        assert requests.get(srv.url + "/users/alice/outbox", headers=as2,
                            timeout=10).status_code == 401
        assert requests.get(srv.url + "/users/alice", headers=as2, timeout=10).status_code == 200
        assert requests.get(srv.url + "/actor", headers=as2, timeout=10).json()["publicKey"]
        # A signed read is served, as the signer sees it.
        r = signed_get(srv, remote, path)
        assert r.status_code == 200 and "for anyone" in r.json()["content"]
        ppath = f"/users/alice/statuses/{private['id']}"
        assert signed_get(srv, remote, ppath).status_code == 404
        # Once mallory follows alice, her signed read sees the followers-only post.
        follow = {"id": remote.base + "/follows/af", "type": "Follow",
                  "actor": remote.uri("mallory"), "object": f"{srv.url}/users/alice"}
        assert signed_post(srv, remote, follow).status_code == 202
        deadline = time.time() + 10
        while alice.account_verify_credentials()["followers_count"] < 1:
            assert time.time() < deadline
            time.sleep(0.1)
        r = signed_get(srv, remote, ppath)
        assert r.status_code == 200 and "for my followers" in r.json()["content"]
        # A forged signature is refused.
        r = signed_get(srv, remote, path, signer="eve")
        assert r.status_code == 200  # eve is a real actor with her own key
        bad = requests.get(srv.url + path, headers=dict(as2, Signature='keyId="x",signature="y"'),
                           timeout=10)
        assert bad.status_code == 401
    finally:
        remote.stop()
        srv.stop()
