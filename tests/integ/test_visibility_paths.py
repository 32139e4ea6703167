"""Followers-only, direct and local-only posts stay away from those who may
not see them, on every path that can show a post: timelines (home, public,
local, tag, list), account statuses, context, search, the lists of who
boosted or favourited, polls, bookmarks of a post that became invisible,
notifications and streaming."""
import time

import requests

from conftest import client
from test_streaming import SSE


def hdr(m):
    return {"Authorization": "Bearer " + m.access_token}


def ids(items):
    return {str(x["id"]) for x in items}


def test_hidden_posts_stay_hidden_on_every_path(community):
    alice, bob, carol = (client(community, n) for n in ("alice", "bob", "carol"))
    url = community.url
    alice_id = str(alice.account_verify_credentials()["id"])
    bob.account_follow(alice_id)
    # carol watches the public and local streams while alice posts.
    public_stream = SSE(url + "/api/v1/streaming/public", carol.access_token)
    local_stream = SSE(url + "/api/v1/streaming/public/local", carol.access_token)
    anon_stream = SSE(url + "/api/v1/streaming/public")
    time.sleep(0.3)

    def post(text, **data):
        r = requests.post(url + "/api/v1/statuses", headers=hdr(alice), data={"status": text, **data})
        assert r.status_code == 200, r.text
        return r.json()["id"]

    public = post("open #plants words")
    private = post("followers #plants secretword", visibility="private")
    direct = post("direct #plants secretword @bob", visibility="direct")
    local = post("members #plants localword", local_only="true")
    poll = post("followers poll #plants", visibility="private",
                **{"poll[options][]": ["yes", "no"], "poll[expires_in]": "3600"})
    hidden_from_carol = {private, direct, poll}
    hidden_from_anon = hidden_from_carol | {local}

    # Streams: carol, a member, gets the public and the local-only post on the
    # public and local streams, never the others; the anonymous stream gets
    # the public post only.
    got = set()
    while True:
        ev = public_stream.none_within(1.0)
        if ev is None:
            break
        if ev[0] == "update":
            got.add(ev[1]["id"])
    assert {public, local} <= got and not (got & hidden_from_carol)
    got = set()
    while True:
        ev = local_stream.none_within(1.0)
        if ev is None:
            break
        if ev[0] == "update":
            got.add(ev[1]["id"])
    assert {public, local} <= got and not (got & hidden_from_carol)
    got = set()
    while True:
        ev = anon_stream.none_within(1.0)
        if ev is None:
            break
        if ev[0] == "update":
            got.add(ev[1]["id"])
    assert public in got and not (got & hidden_from_anon)
    for s in (public_stream, local_stream, anon_stream):
        s.close()

    def visible(path, who=None, key=None):
        r = requests.get(url + path, headers=hdr(who) if who else {})
        assert r.status_code == 200, (path, r.text)
        body = r.json()
        return ids(body[key] if key else body)

    for who, hidden in ((carol, hidden_from_carol), (None, hidden_from_anon)):
        for path in ("/api/v1/timelines/public", "/api/v1/timelines/public?local=true",
                     "/api/v1/timelines/tag/plants", f"/api/v1/accounts/{alice_id}/statuses"):
            seen = visible(path, who)
            assert public in seen and not (seen & hidden), path
        # A single status, its context, who boosted or favourited it, its poll.
        for sid in hidden:
            for sub in ("", "/context", "/reblogged_by", "/favourited_by"):
                r = requests.get(f"{url}/api/v1/statuses/{sid}{sub}", headers=hdr(who) if who else {})
                assert r.status_code == 404, (sid, sub, r.status_code)
    # Search: carol finds the public post's words but not the hidden ones.
    assert visible("/api/v2/search?q=secretword&type=statuses", carol, "statuses") == set()
    assert visible("/api/v2/search?q=words&type=statuses", carol, "statuses") == {public}
    assert visible("/api/v2/search?q=localword&type=statuses", carol, "statuses") == {local}
    # bob, follower and mentioned, sees them all: home, search, the poll.
    seen = visible("/api/v1/timelines/home", bob)
    assert {public, private, direct, poll, local} <= seen
    assert visible("/api/v2/search?q=secretword&type=statuses", bob, "statuses") == {private, direct}
    poll_id = requests.get(f"{url}/api/v1/statuses/{poll}", headers=hdr(bob)).json()["poll"]["id"]
    assert requests.get(f"{url}/api/v1/polls/{poll_id}", headers=hdr(bob)).status_code == 200
    assert requests.get(f"{url}/api/v1/polls/{poll_id}", headers=hdr(carol)).status_code == 404
    r = requests.post(f"{url}/api/v1/polls/{poll_id}/votes", headers=hdr(carol),
                      data={"choices[]": "0"})
    assert r.status_code == 404
    # A reply carol writes to the public post is seen in its context; bob's
    # followers-only reply is not shown to carol.
    bob_reply = requests.post(url + "/api/v1/statuses", headers=hdr(bob),
                              data={"status": "only my followers", "visibility": "private",
                                    "in_reply_to_id": public}).json()["id"]
    ctx = requests.get(f"{url}/api/v1/statuses/{public}/context", headers=hdr(carol)).json()
    assert bob_reply not in ids(ctx["descendants"])
    ctx = requests.get(f"{url}/api/v1/statuses/{public}/context", headers=hdr(alice)).json()
    assert bob_reply not in ids(ctx["descendants"])  # alice does not follow bob
    # bob bookmarks the followers-only post, then stops following: it is gone.
    requests.post(f"{url}/api/v1/statuses/{private}/bookmark", headers=hdr(bob))
    requests.post(f"{url}/api/v1/statuses/{private}/favourite", headers=hdr(bob))
    assert private in visible("/api/v1/bookmarks", bob)
    bob.account_unfollow(alice_id)
    assert private not in visible("/api/v1/bookmarks", bob)
    assert private not in visible("/api/v1/favourites", bob)
    assert private not in visible("/api/v1/timelines/home", bob)
    # Notifications: alice's favourite notification from bob points at a post
    # she wrote, so she still sees it; carol has no notification about any of it.
    assert all(n.get("status") is None or n["status"]["id"] not in hidden_from_carol
               for n in requests.get(url + "/api/v1/notifications", headers=hdr(carol)).json())
