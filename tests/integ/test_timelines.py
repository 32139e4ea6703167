"""Timelines as a member's own choices shape them (mutes, blocks, tag
combinations), and the account lists around statuses and members:
blocks, mutes, reblogged_by, favourited_by."""
import time

import pytest
import requests
from mastodon import MastodonNotFoundError

from conftest import client
from schema import validate


def ids(items):
    """Ids as strings: Mastodon.py turns them into numbers, the raw API gives strings."""
    return [str(s["id"]) for s in items]


def test_mutes_and_blocks_leave_timelines(community):
    alice, bob, carol, dave = (client(community, n) for n in ("alice", "bob", "carol", "dave"))
    me = {n: str(c.account_verify_credentials()["id"]) for n, c in
          (("bob", bob), ("carol", carol), ("dave", dave))}
    alice.account_follow(me["bob"])
    alice.account_follow(me["carol"])
    b1 = bob.status_post("bob speaks #garden")
    c1 = carol.status_post("carol speaks #garden")
    boost = carol.status_reblog(b1["id"])
    home = ids(alice.timeline_home())
    assert str(b1["id"]) in home and str(c1["id"]) in home and str(boost["id"]) in home
    # Muting bob: his posts and boosts of them leave home, public and tag timelines.
    alice.account_mute(me["bob"])
    home = ids(alice.timeline_home())
    assert str(b1["id"]) not in home and str(boost["id"]) not in home and str(c1["id"]) in home
    assert str(b1["id"]) not in ids(alice.timeline_public())
    assert str(b1["id"]) not in ids(alice.timeline_hashtag("garden"))
    assert str(c1["id"]) in ids(alice.timeline_hashtag("garden"))
    # Others still see him; his profile still lists his posts for alice.
    assert str(b1["id"]) in ids(dave.timeline_public())
    assert str(b1["id"]) in ids(alice.account_statuses(me["bob"]))
    muted = requests.get(community.url + "/api/v1/mutes",
                         headers={"Authorization": "Bearer " + alice.access_token}).json()
    assert ids(muted) == [me["bob"]]
    validate("Account", muted[0])
    alice.account_unmute(me["bob"])
    assert str(b1["id"]) in ids(alice.timeline_home())
    # A mute with a duration ends by itself.
    alice.account_mute(me["bob"], duration=1)
    assert str(b1["id"]) not in ids(alice.timeline_home())
    time.sleep(1.5)
    assert str(b1["id"]) in ids(alice.timeline_home())
    assert alice.mutes() == []
    # Blocking dave: his public posts leave alice's public timeline; he is listed.
    d1 = dave.status_post("dave speaks")
    assert str(d1["id"]) in ids(alice.timeline_public())
    alice.account_block(me["dave"])
    assert str(d1["id"]) not in ids(alice.timeline_public())
    assert ids(alice.blocks()) == [me["dave"]]
    alice.account_unblock(me["dave"])
    assert alice.blocks() == []


def test_block_and_mute_lists_page(community):
    alice, bob, carol, dave = (client(community, n) for n in ("alice", "bob", "carol", "dave"))
    order = []
    for c in (bob, carol, dave):
        acc = str(c.account_verify_credentials()["id"])
        alice.account_block(acc)
        order.append(acc)
    hdr = {"Authorization": "Bearer " + alice.access_token}
    r = requests.get(community.url + "/api/v1/blocks?limit=2", headers=hdr)
    assert r.status_code == 200
    assert ids(r.json()) == [order[2], order[1]]
    assert 'rel="next"' in r.headers["Link"]
    nxt = r.links["next"]["url"]
    r = requests.get(nxt, headers=hdr)
    assert ids(r.json()) == [order[0]]
    # Lists of one's own need a token and the scope.
    assert requests.get(community.url + "/api/v1/mutes").status_code == 401


def test_reblogged_by_and_favourited_by(community):
    alice, bob, carol, dave = (client(community, n) for n in ("alice", "bob", "carol", "dave"))
    post = alice.status_post("boost me")
    bob.status_reblog(post["id"])
    carol.status_reblog(post["id"])
    carol.status_favourite(post["id"])
    by = requests.get(f"{community.url}/api/v1/statuses/{post['id']}/reblogged_by",
                      headers={"Authorization": "Bearer " + alice.access_token}).json()
    assert [a["username"] for a in by] == ["carol", "bob"]
    for a in by:
        validate("Account", a)
    assert [a["username"] for a in alice.status_favourited_by(post["id"])] == ["carol"]
    # Anonymous readers may ask about a public post.
    r = requests.get(f"{community.url}/api/v1/statuses/{post['id']}/reblogged_by")
    assert r.status_code == 200 and len(r.json()) == 2
    # A followers-only post is not found for an outsider, and its likers stay hidden.
    private = alice.status_post("friends only", visibility="private")
    bob_id = str(bob.account_verify_credentials()["id"])
    bob.account_follow(alice.account_verify_credentials()["id"])
    bob.status_favourite(private["id"])
    assert ids(alice.status_favourited_by(private["id"])) == [bob_id]
    with pytest.raises(MastodonNotFoundError):
        dave.status_favourited_by(private["id"])
    r = requests.get(f"{community.url}/api/v1/statuses/{private['id']}/favourited_by")
    assert r.status_code == 404
    r = requests.get(f"{community.url}/api/v1/statuses/12x/favourited_by")
    assert r.status_code == 404


def test_tag_timeline_any_all_none(community):
    alice = client(community, "alice")
    cats = alice.status_post("#cats only")
    dogs = alice.status_post("#dogs only")
    both = alice.status_post("#cats and #dogs")
    birds = alice.status_post("#cats and #birds")
    base = community.url + "/api/v1/timelines/tag/cats"

    def tl(query):
        r = requests.get(base + query)
        assert r.status_code == 200, r.text
        return ids(r.json())

    cats, dogs, both, birds = (str(s["id"]) for s in (cats, dogs, both, birds))
    assert tl("") == [birds, both, cats]
    assert tl("?any[]=dogs") == [birds, both, dogs, cats]
    assert tl("?all[]=dogs") == [both]
    assert tl("?none[]=dogs&none[]=birds") == [cats]
    assert tl("?all[]=DOGS&none[]=birds") == [both]
    # More than four of a kind is refused with the field named.
    r = requests.get(base + "?" + "&".join(f"any[]=t{i}" for i in range(5)))
    assert r.status_code == 422 and "any" in r.json()["error"]


def test_account_statuses_tagged(community):
    alice, bob = client(community, "alice"), client(community, "bob")
    me = alice.account_verify_credentials()["id"]
    a = alice.status_post("baking #Bread today")
    alice.status_post("nothing tagged here")
    c = alice.status_post("more #bread and #cake")
    alice.status_post("#bread for friends only", visibility="private")
    url = f"{community.url}/api/v1/accounts/{me}/statuses"
    h = {"Authorization": "Bearer " + bob.access_token}
    for tag in ("bread", "BREAD", "#bread"):
        r = requests.get(url, params={"tagged": tag}, headers=h)
        assert [s["id"] for s in r.json()] == [str(c["id"]), str(a["id"])]
    assert requests.get(url, params={"tagged": "cake"}, headers=h).json()[0]["id"] == str(c["id"])
    assert requests.get(url, params={"tagged": "pie"}, headers=h).json() == []
    r = requests.get(url, params={"only_media": "often"}, headers=h)
    assert r.status_code == 422 and "only_media" in r.json()["error"]
