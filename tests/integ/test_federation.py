"""Two Hearth servers on loopback federate, as their members see it.

Server A (alice, carol) and server B (bob, dave) run with --test-network
(plain http and private addresses allowed). Everything is driven through
the client API with Mastodon.py: follows, posts at each level, replies,
mentions, boosts, favourites, edits and deletions must arrive on the other
side with the right visibility and notifications, and local-only posts
must never leave.
"""
import os
import time

import pytest
import requests

from conftest import add_user, client, free_port, init_data, start_server


def wait_for(fn, timeout=15, what="condition"):
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


@pytest.fixture
def pair(tmpdir_path):
    a = start(tmpdir_path, "a", ("alice", "carol"))
    b = start(tmpdir_path, "b", ("bob", "dave"))
    yield a, b
    a.stop()
    b.stop()


def post_raw(srv, m, **fields):
    """Posts with fields Mastodon.py does not know (visibility "local")."""
    r = requests.post(srv.url + "/api/v1/statuses", data=fields,
                      headers={"Authorization": "Bearer " + m.access_token}, timeout=10)
    assert r.status_code == 200, r.text
    return r.json()


def acct(srv, name):
    return f"{name}@127.0.0.1:{srv.port}"


def resolve(m, handle):
    res = m.search_v2(handle, resolve=True, result_type="accounts")
    accounts = [x for x in res["accounts"] if x["acct"] == handle]
    assert accounts, f"{handle} not found: {res}"
    return accounts[0]


def home_texts(m):
    return [s["content"] for s in m.timeline_home(limit=40)]


def find_status(m, needle):
    for s in m.timeline_home(limit=40):
        if needle in s["content"]:
            return s
    return None


def follow_remote(m, handle):
    target = resolve(m, handle)
    m.account_follow(target["id"])
    wait_for(lambda: m.account_relationships(target["id"])[0]["following"],
             what=f"{handle} to accept the follow")
    return target


def test_follow_post_levels_and_local_only(pair):
    a, b = pair
    alice, bob = client(a, "alice"), client(b, "bob")
    follow_remote(bob, acct(a, "alice"))
    # Alice sees her new follower, with a follow notification.
    wait_for(lambda: any(n["type"] == "follow" and n["account"]["acct"] == acct(b, "bob")
                         for n in alice.notifications()), what="follow notification")
    assert alice.account_verify_credentials()["followers_count"] == 1

    post_raw(a, alice, status="local only: never leaves", visibility="local")
    alice.status_post("for followers only", visibility="private")
    alice.status_post("hello fediverse #hearthtest", visibility="public")
    st = wait_for(lambda: find_status(bob, "hello fediverse"), what="public post")
    assert st["account"]["acct"] == acct(a, "alice")
    assert st["visibility"] == "public"
    assert any(t["name"] == "hearthtest" for t in st["tags"])
    priv = wait_for(lambda: find_status(bob, "for followers only"), what="followers-only post")
    assert priv["visibility"] == "private"
    # Her profile here counts the two posts that arrived.
    assert bob.account(st["account"]["id"])["statuses_count"] == 2
    # Deliveries run in order of queueing: the local-only post was queued
    # first and would be here by now.
    assert not any("local only" in t for t in home_texts(bob))
    # A member of B who does not follow alice cannot see her followers-only post.
    dave = client(b, "dave")
    with pytest.raises(Exception):
        dave.status(priv["id"])


def test_locked_account_request_and_authorize(pair):
    a, b = pair
    carol = client(a, "carol")
    carol.account_update_credentials(locked=True)
    bob = client(b, "bob")
    target = resolve(bob, acct(a, "carol"))
    rel = bob.account_follow(target["id"])
    assert rel["requested"] and not rel["following"]
    req = wait_for(lambda: carol.follow_requests(), what="follow request at carol's")
    assert req[0]["acct"] == acct(b, "bob")
    carol.follow_request_authorize(req[0]["id"])
    wait_for(lambda: bob.account_relationships(target["id"])[0]["following"],
             what="the accept to arrive")


def test_reply_mention_boost_favourite_edit_delete(pair):
    a, b = pair
    alice, bob = client(a, "alice"), client(b, "bob")
    follow_remote(bob, acct(a, "alice"))
    follow_remote(alice, acct(b, "bob"))
    post = alice.status_post("a thought worth sharing")
    remote = wait_for(lambda: find_status(bob, "a thought worth"), what="post at B")

    # A reply from B mentions alice and threads under her post on A.
    bob.status_post(f"@{acct(a, 'alice')} I agree", in_reply_to_id=remote["id"])
    n = wait_for(lambda: [x for x in alice.notifications() if x["type"] == "mention"],
                 what="mention notification")
    assert n[0]["account"]["acct"] == acct(b, "bob")
    assert n[0]["status"]["in_reply_to_id"] == post["id"]
    ctx = alice.status_context(post["id"])
    assert any("I agree" in d["content"] for d in ctx["descendants"])

    # Boost and favourite reach alice as notifications.
    bob.status_reblog(remote["id"])
    bob.status_favourite(remote["id"])
    wait_for(lambda: {"reblog", "favourite"} <= {x["type"] for x in alice.notifications()},
             what="boost and favourite notifications")
    wait_for(lambda: alice.status(post["id"])["favourites_count"] == 1, what="favourite count")
    wait_for(lambda: alice.status(post["id"])["reblogs_count"] == 1, what="boost count")

    # An edit replaces the text on B and keeps the history.
    alice.status_update(post["id"], "a thought worth sharing, edited")
    wait_for(lambda: "edited" in bob.status(remote["id"])["content"], what="the edit")
    assert bob.status(remote["id"])["edited_at"] is not None
    assert len(bob.status_history(remote["id"])) == 2

    # Unfavourite withdraws it on A; a delete removes the post on B.
    bob.status_unfavourite(remote["id"])
    wait_for(lambda: alice.status(post["id"])["favourites_count"] == 0, what="unfavourite")
    alice.status_delete(post["id"])

    def gone():
        try:
            bob.status(remote["id"])
            return False
        except Exception:
            return True
    wait_for(gone, what="the delete")


def test_direct_message_reaches_only_the_mentioned(pair):
    a, b = pair
    alice, bob, dave = client(a, "alice"), client(b, "bob"), client(b, "dave")
    follow_remote(bob, acct(a, "alice"))
    follow_remote(dave, acct(a, "alice"))
    resolve(alice, acct(b, "bob"))
    alice.status_post(f"@{acct(b, 'bob')} just between us", visibility="direct")
    n = wait_for(lambda: [x for x in bob.notifications() if x["type"] == "mention"],
                 what="the direct message")
    assert n[0]["status"]["visibility"] == "direct"
    assert "just between us" in n[0]["status"]["content"]
    convs = bob.conversations()
    assert convs and "just between us" in convs[0]["last_status"]["content"]
    # Dave follows alice on the same server but is not addressed.
    alice.status_post("a public note after the message")
    wait_for(lambda: find_status(dave, "public note after"), what="the later public post")
    assert not any("between us" in t for t in home_texts(dave))
    assert not [x for x in dave.notifications() if x["type"] == "mention"]


def test_unfollow_stops_delivery(pair):
    a, b = pair
    alice, bob = client(a, "alice"), client(b, "bob")
    target = follow_remote(bob, acct(a, "alice"))
    bob.account_unfollow(target["id"])
    wait_for(lambda: alice.account_verify_credentials()["followers_count"] == 0,
             what="the Undo of the follow")


def test_images_arrive_with_a_local_preview(pair):
    import io

    from PIL import Image
    a, b = pair
    alice, bob = client(a, "alice"), client(b, "bob")
    follow_remote(bob, acct(a, "alice"))
    buf = io.BytesIO()
    Image.new("RGB", (640, 480), (200, 30, 30)).save(buf, "PNG")
    media = alice.media_post(buf.getvalue(), mime_type="image/png", description="a red card")
    alice.status_post("a picture", media_ids=[media["id"]])
    st = wait_for(lambda: find_status(bob, "a picture"), what="the post with an image")
    att = st["media_attachments"][0]
    assert att["type"] == "image" and att["description"] == "a red card"
    assert att["remote_url"] == media["url"]
    # The preview is fetched, shrunk and served by B itself.
    got = wait_for(lambda: bob.status(st["id"])["media_attachments"][0]["preview_url"]
                   .startswith(b.url), what="a local preview")
    assert got
    prev = bob.status(st["id"])["media_attachments"][0]
    assert requests.get(prev["preview_url"], timeout=10).status_code == 200
    assert prev["meta"]["original"]["width"] == 640
    assert prev["blurhash"]


def test_polls_arrive_as_questions(pair):
    a, b = pair
    alice, bob = client(a, "alice"), client(b, "bob")
    follow_remote(bob, acct(a, "alice"))
    alice.status_post("tea or coffee?", poll=alice.make_poll(["tea", "coffee"], expires_in=3600))
    st = wait_for(lambda: find_status(bob, "tea or coffee"), what="the poll")
    assert [o["title"] for o in st["poll"]["options"]] == ["tea", "coffee"]
    assert st["poll"]["multiple"] is False and st["poll"]["expires_at"] is not None
