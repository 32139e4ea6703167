"""The member pages for reading and acting: timelines, notifications,
the forms that act on posts and accounts, and follow requests.

A browser-like session (webpages.Browser) logs in through the login form
and sends the pages' forms with their CSRF token; what the forms changed is
checked through the client API (Mastodon.py), which must report exactly
what the pages did.
"""
import json
import os
import re
import time

import pytest
import requests
from mastodon.errors import MastodonNotFoundError

from apremote import Remote, signed_post
from conftest import add_user, client, free_port, init_data, start_server
from webpages import Browser

CSP_START = "default-src 'none'; script-src 'self'"


def browser(srv, name):
    b = Browser(srv)
    b.login(name)
    return b


def ids_in(html):
    """The data-id of each card or notification, in page order."""
    return re.findall(r'data-id="(\d+)"', html)


def member_headers_ok(r):
    assert r.headers.get("Cache-Control") == "private, no-store", r.headers
    assert r.headers.get("Content-Security-Policy", "").startswith(CSP_START), r.headers
    assert r.headers.get("X-Frame-Options") == "DENY"


def test_signed_out_visitors_are_sent_to_the_login_form(community):
    srv = community
    for path, back in [("/home", "%2Fhome"), ("/local", "%2Flocal"),
                       ("/neighborhood", "%2Fneighborhood"), ("/federated", "%2Ffederated"),
                       ("/notifications", "%2Fnotifications"),
                       ("/follow_requests", "%2Ffollow_requests"),
                       ("/home?max_id=5", "%2Fhome%3Fmax_id%3D5")]:
        r = requests.get(srv.url + path, allow_redirects=False, timeout=10)
        assert r.status_code == 303, (path, r.status_code)
        assert r.headers["Location"] == "/login?return_to=" + back, r.headers["Location"]
    # After logging in she lands where she was going.
    b = Browser(srv)
    b.get("/login?return_to=%2Fnotifications")
    r = b.post("/login", {"username": "alice", "password": "correct horse battery",
                          "return_to": "/notifications"})
    assert r.status_code == 303 and r.headers["Location"] == "/notifications"


def test_home_after_following_through_the_form(community):
    srv = community
    bob = client(srv, "bob")
    alice_api = client(srv, "alice")
    bob.status_post("Hello from bob's kitchen")
    alice = browser(srv, "alice")
    home = alice.get("/home")
    assert home.status_code == 200
    member_headers_ok(home)
    assert "Hello from bob&#39;s kitchen" not in home.text
    r = alice.post("/@bob/follow", {"return_to": "/home"})
    assert r.status_code == 303 and r.headers["Location"] == "/home"
    bob_id = alice_api.account_lookup("bob")["id"]
    assert alice_api.account_relationships(bob_id)[0]["following"] is True
    home = alice.get("/home")
    assert "Hello from bob&#39;s kitchen" in home.text
    assert re.search(r'<a href="/home" aria-current="page">Home</a>', home.text)
    assert 'aria-current="page">Local' not in home.text
    assert 'data-live="/home" data-stream="user"' in home.text
    assert 'href="/compose"' in home.text
    # Without return_to the follow goes back to the profile.
    r = alice.post("/@carol/follow")
    assert r.status_code == 303 and r.headers["Location"] == "/@carol"
    r = alice.post("/@bob/unfollow", {"return_to": "/@bob"})
    assert r.status_code == 303 and r.headers["Location"] == "/@bob"
    assert alice_api.account_relationships(bob_id)[0]["following"] is False
    # Unknown accounts and one's own.
    assert alice.post("/@nobody/follow").status_code == 404
    assert alice.post("/@alice/follow").status_code == 400


def test_the_other_timelines(community):
    srv = community
    bob = client(srv, "bob")
    bob.status_post("A public word from bob")
    # Mastodon.py knows no local-only level: the plain API does.
    r = requests.post(srv.url + "/api/v1/statuses", timeout=10,
                      headers={"Authorization": "Bearer " + bob.access_token},
                      data={"status": "Only for members here", "visibility": "local"})
    assert r.status_code == 200, r.text
    alice = browser(srv, "alice")
    for path, stream in [("/local", 'data-stream="public/local"'),
                         ("/federated", 'data-stream="public"'),
                         ("/neighborhood", 'data-stream="neighborhood"')]:
        r = alice.get(path)
        assert r.status_code == 200, path
        member_headers_ok(r)
        assert f'data-live="{path}" {stream}' in r.text, path
        assert f'<a href="{path}" aria-current="page">' in r.text
        assert "A public word from bob" in r.text, path
        assert "Only for members here" in r.text, path


def test_older_posts_and_live_fragments(community):
    srv = community
    bob = client(srv, "bob")
    alice = browser(srv, "alice")
    assert alice.post("/@bob/follow").status_code == 303
    posts = [bob.status_post(f"number {i}")["id"] for i in range(23)]
    home = alice.get("/home")
    shown = ids_in(home.text)
    assert shown == [str(p) for p in reversed(posts[3:])]
    m = re.search(r'href="(/home\?max_id=\d+)"', home.text)
    assert m, "no link to older posts"
    older = alice.get(m.group(1))
    assert ids_in(older.text) == [str(p) for p in reversed(posts[:3])]
    assert "data-live=" not in older.text  # an older page is not live
    # The live update: only the newer cards, without the layout.
    newer = [bob.status_post(f"newer {i}")["id"] for i in range(2)]
    r = alice.get(f"/home?fragment=1&since_id={posts[-1]}")
    assert r.status_code == 200
    member_headers_ok(r)
    assert "<html" not in r.text and "<nav" not in r.text
    assert ids_in(r.text) == [str(p) for p in reversed(newer)]
    # Its forms come back to the timeline, not to the fragment.
    assert 'name="return_to" value="/home"' in r.text
    assert "fragment" not in r.text
    r = alice.get(f"/home?fragment=1&since_id={newer[-1]}")
    assert r.status_code == 200 and ids_in(r.text) == []


def test_post_actions_change_what_the_api_reports(community):
    srv = community
    bob = client(srv, "bob")
    alice_api = client(srv, "alice")
    post = bob.status_post("Boost me, bookmark me")
    sid = post["id"]
    alice = browser(srv, "alice")
    alice.get("/federated")

    def status():
        return alice_api.status(sid)

    r = alice.post(f"/statuses/{sid}/favourite", {"return_to": "/federated"})
    assert r.status_code == 303 and r.headers["Location"] == "/federated"
    assert status()["favourited"] is True and status()["favourites_count"] == 1
    r = alice.post(f"/statuses/{sid}/reblog")
    assert r.status_code == 303 and r.headers["Location"] == f"/statuses/{sid}"
    assert status()["reblogged"] is True and status()["reblogs_count"] == 1
    assert alice.post(f"/statuses/{sid}/bookmark").status_code == 303
    assert status()["bookmarked"] is True
    assert [s["id"] for s in alice_api.bookmarks()] == [sid]
    # The page shows what she did.
    page = alice.get("/federated")
    assert 'aria-pressed="true">Unfavourite' in page.text
    assert 'aria-pressed="true">Unboost' in page.text
    assert 'aria-pressed="true">Remove bookmark' in page.text
    for action, key in [("unfavourite", "favourited"), ("unreblog", "reblogged"),
                        ("unbookmark", "bookmarked")]:
        assert alice.post(f"/statuses/{sid}/{action}").status_code == 303
        assert status()[key] is False, action
    # A return_to to another site is ignored.
    r = alice.post(f"/statuses/{sid}/favourite", {"return_to": "//evil.example/"})
    assert r.status_code == 303 and r.headers["Location"] == f"/statuses/{sid}"


def test_posts_she_may_not_see_or_boost(community):
    srv = community
    dave = client(srv, "dave")
    bob = client(srv, "bob")
    secret = dave.status_post("@bob just between us", visibility="direct")
    followers = bob.status_post("for my followers", visibility="private")
    alice = browser(srv, "alice")
    for action in ("favourite", "reblog", "bookmark", "vote", "delete"):
        r = alice.post(f"/statuses/{secret['id']}/{action}", {"choice": "0"})
        assert r.status_code == 404, (action, r.status_code)
    assert alice.post("/statuses/999999999/favourite").status_code == 404
    assert alice.post("/statuses/nope/favourite").status_code == 404
    assert bob.status(secret["id"])["favourites_count"] == 0
    # Bob's own followers-only post: she follows him, sees it, cannot boost it.
    assert alice.post("/@bob/follow").status_code == 303
    r = alice.post(f"/statuses/{followers['id']}/reblog")
    assert r.status_code == 403
    assert bob.status(followers["id"])["reblogs_count"] == 0
    # Someone else's post cannot be deleted.
    r = alice.post(f"/statuses/{followers['id']}/delete")
    assert r.status_code == 403
    assert bob.status(followers["id"])["id"] == followers["id"]


def test_delete_removes_the_post(community):
    srv = community
    alice_api = client(srv, "alice")
    post = alice_api.status_post("A post to regret")
    alice = browser(srv, "alice")
    page = alice.get(f"/@alice/{post['id']}")
    assert page.status_code == 200 and "A post to regret" in page.text
    assert f'action="/statuses/{post["id"]}/delete"' in page.text
    # Coming back to the deleted post's own page would be a 404: home instead.
    r = alice.post(f"/statuses/{post['id']}/delete", {"return_to": f"/@alice/{post['id']}"})
    assert r.status_code == 303 and r.headers["Location"] == "/home"
    with pytest.raises(MastodonNotFoundError):
        alice_api.status(post["id"])
    assert alice.get(f"/@alice/{post['id']}").status_code == 404
    assert alice.post(f"/statuses/{post['id']}/delete").status_code == 404


def test_a_vote_is_counted(community):
    srv = community
    bob = client(srv, "bob")
    alice_api = client(srv, "alice")
    st = bob.status_post("Tea or coffee?", poll=bob.make_poll(["tea", "coffee"], 3600))
    alice = browser(srv, "alice")
    page = alice.get("/federated")
    assert f'action="/statuses/{st["id"]}/vote"' in page.text
    assert alice.post(f"/statuses/{st['id']}/vote", {"return_to": "/federated"}).status_code == 400
    r = alice.post(f"/statuses/{st['id']}/vote", {"choice": "1", "return_to": "/federated"})
    assert r.status_code == 303 and r.headers["Location"] == "/federated"
    poll = alice_api.poll(st["poll"]["id"])
    assert poll["votes_count"] == 1 and poll["voted"] is True and poll["own_votes"] == [1]
    assert [o["votes_count"] for o in poll["options"]] == [0, 1]
    page = alice.get("/federated")
    assert "coffee (your vote)" in page.text
    # Once is enough; and her own poll is not hers to vote in.
    r = alice.post(f"/statuses/{st['id']}/vote", {"choice": "0"})
    assert r.status_code == 400
    assert alice_api.poll(st["poll"]["id"])["votes_count"] == 1
    bob_b = browser(srv, "bob")
    assert bob_b.post(f"/statuses/{st['id']}/vote", {"choice": "0"}).status_code == 400
    # A multiple-choice poll takes several choice fields.
    multi = bob.status_post("Which days?", poll=bob.make_poll(["mon", "tue", "wed"], 3600,
                                                               multiple=True))
    r = alice.post(f"/statuses/{multi['id']}/vote", {"choice": ["0", "2"]})
    assert r.status_code == 303
    assert alice_api.poll(multi["poll"]["id"])["own_votes"] == [0, 2]
    # A poll that hides its totals shows them to no voter before it ends, as the API.
    secret = bob.status_post("Secret ballot", poll=bob.make_poll(["yes", "no"], 3600,
                                                                 hide_totals=True))
    assert alice.post(f"/statuses/{secret['id']}/vote", {"choice": "0"}).status_code == 303
    assert alice_api.poll(secret["poll"]["id"])["options"][0]["votes_count"] is None
    card = alice.get(f"/@bob/{secret['id']}").text
    assert "yes (your vote)" in card and "poll-pct" not in card
    assert "poll-pct" in bob_b.get(f"/@bob/{secret['id']}").text


def test_mute_block_and_back(community):
    srv = community
    alice_api = client(srv, "alice")
    carol_id = alice_api.account_lookup("carol")["id"]
    alice = browser(srv, "alice")
    assert alice.post("/@carol/follow").status_code == 303

    def rel():
        return alice_api.account_relationships(carol_id)[0]

    assert alice.post("/@carol/mute").status_code == 303
    assert rel()["muting"] is True and rel()["muting_notifications"] is True
    page = alice.get("/@carol")
    assert 'action="/@carol/unmute"' in page.text
    assert alice.post("/@carol/unmute").status_code == 303
    assert rel()["muting"] is False
    assert alice.post("/@carol/block", {"return_to": "/@carol"}).status_code == 303
    assert rel()["blocking"] is True and rel()["following"] is False
    assert [a["acct"] for a in alice_api.blocks()] == ["carol"]
    assert alice.post("/@carol/unblock").status_code == 303
    assert rel()["blocking"] is False


def test_follow_requests(community):
    srv = community
    dave_api = client(srv, "dave")
    dave_api.account_update_credentials(locked=True)
    alice_api = client(srv, "alice")
    carol_api = client(srv, "carol")
    dave_id = alice_api.account_lookup("dave")["id"]
    alice = browser(srv, "alice")
    carol = browser(srv, "carol")
    assert alice.post("/@dave/follow").status_code == 303
    assert carol.post("/@dave/follow").status_code == 303
    rel = alice_api.account_relationships(dave_id)[0]
    assert rel["requested"] is True and rel["following"] is False
    dave = browser(srv, "dave")
    page = dave.get("/follow_requests")
    assert page.status_code == 200
    member_headers_ok(page)
    assert "@alice" in page.text and "@carol" in page.text
    alice_id = str(alice_api.me()["id"])
    carol_id = str(carol_api.me()["id"])
    assert f'action="/follow_requests/{alice_id}/authorize"' in page.text
    r = dave.post(f"/follow_requests/{alice_id}/authorize")
    assert r.status_code == 303 and r.headers["Location"] == "/follow_requests"
    assert alice_api.account_relationships(dave_id)[0]["following"] is True
    r = dave.post(f"/follow_requests/{carol_id}/reject")
    assert r.status_code == 303
    rel = carol_api.account_relationships(dave_id)[0]
    assert rel["requested"] is False and rel["following"] is False
    assert dave_api.follow_requests() == []
    assert "Nobody is waiting" in dave.get("/follow_requests").text
    # No request, nothing to answer.
    assert dave.post(f"/follow_requests/{carol_id}/authorize").status_code == 404
    # Notifications point to the requests page while some wait.
    bob = browser(srv, "bob")
    assert bob.post("/@dave/follow").status_code == 303
    notes = dave.get("/notifications").text
    assert "asked to follow you" in notes and 'href="/follow_requests"' in notes


def test_notifications_page(community):
    srv = community
    alice_api = client(srv, "alice")
    bob = client(srv, "bob")
    mine = alice_api.status_post("Alice thinks aloud")
    bob.status_post("@alice are you there?")
    bob.status_favourite(mine["id"])
    alice = browser(srv, "alice")
    r = alice.get("/notifications")
    assert r.status_code == 200
    member_headers_ok(r)
    assert 'data-live="/notifications" data-stream="notifications"' in r.text
    assert "mentioned you" in r.text and "are you there?" in r.text
    assert "favourited your post" in r.text and "Alice thinks aloud" in r.text
    listed = [str(n["id"]) for n in alice_api.notifications()]
    assert len(listed) == 2
    # Notifications come first in each item; the post's card follows inside it.
    shown = [i for i in ids_in(r.text) if i in listed]
    assert shown == listed
    # Only the newer ones, without the layout.
    bob.status_reblog(mine["id"])
    r = alice.get(f"/notifications?fragment=1&since_id={listed[0]}")
    assert r.status_code == 200 and "<html" not in r.text
    assert "boosted your post" in r.text and "mentioned you" not in r.text
    newest = alice_api.notifications()[0]["id"]
    assert ids_in(r.text)[0] == str(newest)
    assert 'name="return_to" value="/notifications"' in r.text
    # Paging: older ones.
    r = alice.get(f"/notifications?max_id={listed[0]}")
    assert "mentioned you" in r.text and "favourited your post" not in r.text
    assert "boosted your post" not in r.text and "data-live=" not in r.text


def test_forms_without_the_right_token_change_nothing(community):
    srv = community
    alice_api = client(srv, "alice")
    bob = client(srv, "bob")
    dave_api = client(srv, "dave")
    dave_api.account_update_credentials(locked=True)
    carol = browser(srv, "carol")
    assert carol.post("/@dave/follow").status_code == 303
    post = bob.status_post("Leave me alone")
    faved = bob.status_post("Already favourited")
    poll = bob.status_post("Pick", poll=bob.make_poll(["a", "b"], 3600))
    own = alice_api.status_post("Mine to keep")
    alice = browser(srv, "alice")
    assert alice.post(f"/statuses/{faved['id']}/favourite").status_code == 303
    ids = {n: alice_api.account_lookup(n)["id"] for n in ("bob", "carol", "dave")}
    dave = browser(srv, "dave")
    carol_id = ids["carol"]

    def state():
        s = alice_api.status(post["id"])
        rb = alice_api.account_relationships(ids["bob"])[0]
        rc = alice_api.account_relationships(ids["carol"])[0]
        return {
            "post": (s["favourited"], s["reblogged"], s["bookmarked"]),
            "faved": alice_api.status(faved["id"])["favourited"],
            "poll": alice_api.poll(poll["poll"]["id"])["votes_count"],
            "own": alice_api.status(own["id"])["id"],
            "bob": (rb["following"], rb["muting"], rb["blocking"]),
            "carol": (rc["muting"], rc["blocking"]),
            "requests": [a["id"] for a in dave_api.follow_requests()],
        }

    before = state()
    forms = [
        (alice, f"/statuses/{post['id']}/favourite", {}),
        (alice, f"/statuses/{post['id']}/reblog", {}),
        (alice, f"/statuses/{post['id']}/bookmark", {}),
        (alice, f"/statuses/{faved['id']}/unfavourite", {}),
        (alice, f"/statuses/{poll['id']}/vote", {"choice": "0"}),
        (alice, f"/statuses/{own['id']}/delete", {}),
        (alice, "/@bob/follow", {}),
        (alice, "/@bob/mute", {}),
        (alice, "/@bob/block", {}),
        (alice, "/@carol/mute", {}),
        (alice, "/@carol/block", {}),
        (dave, f"/follow_requests/{carol_id}/authorize", {}),
        (dave, f"/follow_requests/{carol_id}/reject", {}),
    ]
    for who, path, data in forms:
        r = who.post(path, data, csrf=False)
        assert r.status_code == 403, ("no token", path, r.status_code)
        r = who.post(path, dict(data, csrf="0" * 43))
        assert r.status_code == 403, ("wrong token", path, r.status_code)
        r = who.post(path, dict(data, csrf=carol.csrf))
        assert r.status_code == 403, ("another member's token", path, r.status_code)
        r = who.post(path, data, headers={"Origin": "http://evil.example"})
        assert r.status_code == 403, ("foreign origin", path, r.status_code)
        assert "nothing was changed" in r.text
        # Signed out: sent to log in, nothing done.
        anon = Browser(srv)
        anon.get("/login")
        r = anon.post(path, data)
        assert r.status_code == 303 and r.headers["Location"].startswith("/login?return_to="), path
    assert state() == before
    # The right token still works (the session was not spoiled by the refusals).
    assert alice.post(f"/statuses/{post['id']}/favourite").status_code == 303
    assert alice_api.status(post["id"])["favourited"] is True


@pytest.fixture
def remote_setup(tmpdir_path):
    data = os.path.join(tmpdir_path, "data")
    port = free_port()
    init_data(data, port, ("--test-network",))
    add_user(data, "alice")
    srv = start_server(data, port)
    remote = Remote(tmpdir_path, names=("mallory",))
    yield srv, remote
    remote.stop()
    srv.stop()


def test_following_a_remote_account_federates(remote_setup):
    srv, remote = remote_setup
    # Hearth learns of mallory when she posts to its inbox.
    note = {"@context": "https://www.w3.org/ns/activitystreams",
            "id": remote.base + "/activities/1", "type": "Create", "actor": remote.uri("mallory"),
            "to": ["https://www.w3.org/ns/activitystreams#Public"],
            "object": {"id": remote.base + "/notes/1", "type": "Note",
                       "attributedTo": remote.uri("mallory"),
                       "to": ["https://www.w3.org/ns/activitystreams#Public"],
                       "content": "<p>hello from afar</p>", "published": "2026-01-01T00:00:00Z"}}
    assert signed_post(srv, remote, note).status_code == 202
    acct = f"mallory@127.0.0.1:{remote.port}"
    deadline = time.time() + 10
    while time.time() < deadline:
        if requests.get(srv.url + "/api/v1/accounts/lookup", params={"acct": acct},
                        timeout=10).status_code == 200:
            break
        time.sleep(0.1)
    alice = browser(srv, "alice")
    assert "hello from afar" in alice.get("/federated").text
    r = alice.post(f"/@{acct}/follow")
    assert r.status_code == 303 and r.headers["Location"] == f"/@{acct}"
    deadline = time.time() + 10
    follows = []
    while time.time() < deadline and not follows:
        follows = [json.loads(b) for _, _, b in list(remote.received)
                   if json.loads(b).get("type") == "Follow"]
        time.sleep(0.1)
    assert follows, "no Follow was delivered"
    assert follows[0]["actor"] == f"{srv.url}/users/alice"
    assert follows[0]["object"] == remote.uri("mallory")
    alice_api = client(srv, "alice")
    mallory_id = alice_api.account_lookup(acct)["id"]
    rel = alice_api.account_relationships(mallory_id)[0]
    assert rel["requested"] is True and rel["following"] is False
    # Withdrawing it tells her server too.
    assert alice.post(f"/@{acct}/unfollow").status_code == 303
    deadline = time.time() + 10
    undo = []
    while time.time() < deadline and not undo:
        undo = [json.loads(b) for _, _, b in list(remote.received)
                if json.loads(b).get("type") == "Undo"]
        time.sleep(0.1)
    assert undo and undo[0]["object"]["type"] == "Follow"


def test_keyword_filters_apply_to_the_pages(community):
    srv = community
    alice_api = client(srv, "alice")
    bob_api = client(srv, "bob")
    alice_api.account_follow(bob_api.me()["id"])
    hidden = bob_api.status_post("The election results are in", visibility="public")
    warned = bob_api.status_post("Spoilers about the finale", visibility="public")
    plain = bob_api.status_post("A walk in the park", visibility="public")
    auth = {"Authorization": "Bearer " + alice_api.access_token}
    for title, kw, action, contexts in [("Politics", "election", "hide", ["home", "public"]),
                                        ("TV", "finale", "warn", ["home", "public", "account"])]:
        r = requests.post(srv.url + "/api/v2/filters", headers=auth, timeout=10, json={
            "title": title, "context": contexts, "filter_action": action,
            "keywords_attributes": [{"keyword": kw}]})
        assert r.status_code == 200, r.text
    alice = browser(srv, "alice")
    for path in ("/home", "/local"):
        page = alice.get(path).text
        assert f'id="status-{hidden["id"]}"' not in page, path
        assert f'id="status-{plain["id"]}"' in page, path
        # The warned post is there, folded behind the filter's name.
        card = page[page.index(f'id="status-{warned["id"]}"'):]
        assert '<details class="filtered"><summary>Filtered: TV' in card[:2000], path
    # On bob's profile only the filter for profiles applies: the election post shows.
    page = alice.get("/@bob").text
    assert f'id="status-{hidden["id"]}"' in page
    assert "Filtered: TV" in page
    # Visitors and bob see everything as it is.
    page = requests.get(srv.url + "/@bob", timeout=10).text
    assert "Filtered" not in page and f'id="status-{hidden["id"]}"' in page


def test_unread_notifications_badge(community):
    srv = community
    alice = browser(srv, "alice")
    badge = re.compile(r'id="notification-badge"[^>]*>(\d*)')
    assert badge.search(alice.get("/home").text).group(1) == ""
    bob_api = client(srv, "bob")
    for i in range(3):
        bob_api.status_post(f"@alice hello {i}")
    assert badge.search(alice.get("/home").text).group(1) == "3"
    # Opening the notifications reads them, for the pages and for apps alike.
    alice.get("/notifications")
    assert badge.search(alice.get("/home").text).group(1) == ""
    markers = client(srv, "alice").markers_get(["notifications"])
    assert markers["notifications"]["last_read_id"]
    bob_api.status_post("@alice one more")
    assert badge.search(alice.get("/local").text).group(1) == "1"
    # One post in two notifications: each card has ids of its own.
    mine = client(srv, "alice").status_post("a post to like and boost")
    bob_api.status_favourite(mine["id"])
    bob_api.status_reblog(mine["id"])
    page = alice.get("/notifications").text
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), [i for i in ids if ids.count(i) > 1]
    assert page.count(f'status-{mine["id"]}-by"') >= 4  # two cards, each id and its label
