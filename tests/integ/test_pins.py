"""Pinned statuses, endorsed accounts and private notes, as apps use them."""
import pytest
import requests
from mastodon import MastodonAPIError, MastodonNotFoundError

from conftest import client
from schema import validate


def test_pinned_statuses(community):
    alice, bob = client(community, "alice"), client(community, "bob")
    alice_id = alice.account_verify_credentials()["id"]
    posts = [alice.status_post(f"post {i}") for i in range(6)]
    first = alice.status_pin(posts[0]["id"])
    assert first["pinned"] is True
    for p in posts[1:5]:
        alice.status_pin(p["id"])
    # Five at most.
    with pytest.raises(MastodonAPIError) as e:
        alice.status_pin(posts[5]["id"])
    assert e.value.args[1] == 422 and "maximum" in str(e.value.args)
    # Pinning again is harmless; a direct message, a boost and others' posts are refused.
    alice.status_pin(posts[4]["id"])
    dm = alice.status_post("@bob psst", visibility="direct")
    alice.status_unpin(posts[4]["id"])
    with pytest.raises(MastodonAPIError):
        alice.status_pin(dm["id"])
    with pytest.raises(MastodonNotFoundError):
        bob.status_pin(posts[0]["id"])
    # The profile lists pins, last pinned first, for anyone who may see them.
    r = requests.get(f"{community.url}/api/v1/accounts/{alice_id}/statuses?pinned=true")
    assert r.status_code == 200
    assert [s["id"] for s in r.json()] == [str(p["id"]) for p in reversed(posts[:4])]
    for s in r.json():
        validate("Status", s)
    # "pinned" is the viewer's own flag: bob sees false on alice's pinned post.
    assert bob.status(posts[0]["id"])["pinned"] is False
    assert alice.status(posts[0]["id"])["pinned"] is True
    assert alice.status_unpin(posts[0]["id"])["pinned"] is False
    assert len(alice.account_statuses(alice_id, pinned=True)) == 3
    # A followers-only pin stays hidden from those who may not see it.
    private = alice.status_post("for followers", visibility="private")
    alice.status_pin(private["id"])
    r = requests.get(f"{community.url}/api/v1/accounts/{alice_id}/statuses?pinned=true")
    assert str(private["id"]) not in [s["id"] for s in r.json()]


def test_endorsements_and_notes(community):
    alice, bob, carol = (client(community, n) for n in ("alice", "bob", "carol"))
    bob_id = bob.account_verify_credentials()["id"]
    carol_id = carol.account_verify_credentials()["id"]
    # Only accounts one follows can be featured.
    with pytest.raises(MastodonAPIError) as e:
        alice.account_pin(bob_id)
    assert e.value.args[1] == 422
    alice.account_follow(bob_id)
    rel = alice.account_pin(bob_id)
    assert rel["endorsed"] is True
    hdr = {"Authorization": "Bearer " + alice.access_token}
    r = requests.get(community.url + "/api/v1/endorsements", headers=hdr)
    assert [a["id"] for a in r.json()] == [str(bob_id)]
    validate("Account", r.json()[0])
    assert alice.account_unpin(bob_id)["endorsed"] is False
    assert alice.endorsements() == []
    # A private note, seen by its writer only.
    r = requests.post(f"{community.url}/api/v1/accounts/{carol_id}/note", headers=hdr,
                      data={"comment": "met at the garden club"})
    assert r.status_code == 200 and r.json()["note"] == "met at the garden club"
    validate("Relationship", r.json())
    assert alice.account_relationships(carol_id)[0]["note"] == "met at the garden club"
    assert bob.account_relationships(carol_id)[0]["note"] == ""
    r = requests.post(f"{community.url}/api/v1/accounts/{carol_id}/note", headers=hdr,
                      data={"comment": "x" * 2001})
    assert r.status_code == 422 and "comment" in r.json()["error"]
    r = requests.post(f"{community.url}/api/v1/accounts/{carol_id}/note", headers=hdr,
                      data={"comment": ""})
    assert r.json()["note"] == ""


def test_mute_conversation(community):
    alice, bob, carol = (client(community, n) for n in ("alice", "bob", "carol"))
    root = alice.status_post("what shall we cook on friday?")
    bob.status_post("@alice soup", in_reply_to_id=root["id"])
    assert any(n["type"] == "mention" for n in alice.notifications())
    muted = alice.status_mute(root["id"])
    assert muted["muted"] is True
    before = len(alice.notifications())
    reply = carol.status_post("@alice @bob pie!", in_reply_to_id=root["id"])
    bob.status_favourite(root["id"])
    assert len(alice.notifications()) == before
    # bob did not mute: he is still told.
    assert any(n["status"] and n["status"]["id"] == reply["id"] for n in bob.notifications())
    assert bob.status(root["id"])["muted"] is False
    # Only a thread one takes part in can be muted.
    lone = bob.status_post("unrelated")
    with pytest.raises(MastodonAPIError) as e:
        carol.status_mute(lone["id"])
    assert e.value.args[1] == 422
    assert alice.status_unmute(root["id"])["muted"] is False
    carol.status_post("@alice cake?", in_reply_to_id=root["id"])
    assert len(alice.notifications()) == before + 1
