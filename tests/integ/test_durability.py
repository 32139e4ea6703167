"""A fan-out survives kill -9: every queued delivery happens after a restart.

Alice has 24 followers on two remote servers that answer slowly (each
without a shared inbox, so each follower is a delivery of its own). The
server is killed with SIGKILL while it delivers her post; once restarted,
every follower's inbox receives the Create, at least once (the receiver
de-duplicates by activity id), and none is lost.
"""
import json
import os
import signal
import time

import pytest

from apremote import Remote, signed_post
from conftest import add_user, client, free_port, init_data, start_server

FOLLOWERS = 12  # per remote server


@pytest.fixture
def setup(tmpdir_path):
    data = os.path.join(tmpdir_path, "data")
    port = free_port()
    init_data(data, port, ("--test-network",))
    add_user(data, "alice")
    srv = start_server(data, port)
    names = tuple(f"f{i}" for i in range(FOLLOWERS))
    remotes = [Remote(tmpdir_path, names=names, delay=0.4, shared_inbox=False) for _ in range(2)]
    yield data, port, srv, remotes
    for r in remotes:
        r.stop()
    srv.stop()


def creates(remote, marker):
    """Inbox paths that received a Create whose content has marker."""
    got = set()
    with remote.lock:
        items = list(remote.received)
    for path, _, body in items:
        act = json.loads(body)
        if act.get("type") == "Create" and marker in act["object"]["content"]:
            got.add(path)
    return got


def test_kill_during_fan_out_loses_nothing(setup):
    data, port, srv, remotes = setup
    for r in remotes:
        for i, name in enumerate(r.keys):
            follow = {"id": f"{r.base}/follows/{i}", "type": "Follow", "actor": r.uri(name),
                      "object": f"{srv.url}/users/alice"}
            assert signed_post(srv, r, follow, signer=name).status_code == 202
    alice = client(srv, "alice")
    deadline = time.time() + 30
    while alice.account_verify_credentials()["followers_count"] < 2 * FOLLOWERS:
        assert time.time() < deadline, "the follows were not all accepted"
        time.sleep(0.2)
    alice.status_post("durable news")
    # Let a few deliveries happen, then kill the server in the middle.
    deadline = time.time() + 20
    while sum(len(creates(r, "durable news")) for r in remotes) < 2:
        assert time.time() < deadline, "no delivery started"
        time.sleep(0.05)
    srv.stop(sig=signal.SIGKILL)
    before = sum(len(creates(r, "durable news")) for r in remotes)
    assert before < 2 * FOLLOWERS, "the fan-out finished before the kill: nothing was tested"
    srv = start_server(data, port)
    try:
        deadline = time.time() + 60
        while True:
            done = [creates(r, "durable news") for r in remotes]
            if all(len(d) == FOLLOWERS for d in done):
                break
            assert time.time() < deadline, f"deliveries missing after restart: {done}"
            time.sleep(0.2)
        for r, d in zip(remotes, done):
            assert d == {f"/users/{n}/inbox" for n in r.keys}
    finally:
        srv.stop()
