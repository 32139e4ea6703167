"""How other servers find and read Hearth's members: WebFinger, actor documents,
their collections, and statuses as objects, with the same visibility rule."""
import requests

from conftest import client

AS = {"Accept": "application/activity+json"}
LD = {"Accept": 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'}


def host(srv):
    return srv.url.split("//", 1)[1]


def test_webfinger_finds_members_by_acct_and_url(community):
    url = community.url
    for resource in (f"acct:alice@{host(community)}", f"alice@{host(community)}",
                     f"{url}/users/alice", f"{url}/@alice"):
        r = requests.get(url + "/.well-known/webfinger", params={"resource": resource})
        assert r.status_code == 200, resource
        assert r.headers["Content-Type"].startswith("application/jrd+json")
        assert r.headers["Access-Control-Allow-Origin"] == "*"
        jrd = r.json()
        assert jrd["subject"] == f"acct:alice@{host(community)}"
        self_link = [x for x in jrd["links"] if x["rel"] == "self"][0]
        assert self_link == {"rel": "self", "type": "application/activity+json",
                             "href": f"{url}/users/alice"}
        assert any(x.get("template", "").endswith("?uri={uri}") for x in jrd["links"])
    for resource in ("acct:nobody@" + host(community), "acct:alice@elsewhere.example",
                     "https://elsewhere.example/users/alice", url + "/users/alice/outbox"):
        r = requests.get(url + "/.well-known/webfinger", params={"resource": resource})
        assert r.status_code == 404, resource
    r = requests.get(url + "/.well-known/webfinger")
    assert r.status_code == 400 and "resource" in r.json()["error"]
    r = requests.get(url + "/.well-known/webfinger", params={"resource": "acct:" + "a" * 5000})
    assert r.status_code == 400


def test_actor_document_and_content_negotiation(community):
    alice = client(community, "alice")
    alice.account_update_credentials(display_name="Alice", note="I bake.",
                                     fields=[("Bakery", "Corner street")], locked=True)
    url = community.url
    for accept in (AS, LD):
        r = requests.get(url + "/users/alice", headers=accept)
        assert r.status_code == 200
        assert r.headers["Content-Type"].startswith("application/activity+json")
        actor = r.json()
        assert "https://www.w3.org/ns/activitystreams" in actor["@context"]
        assert actor["id"] == f"{url}/users/alice" and actor["type"] == "Person"
        assert actor["preferredUsername"] == "alice" and actor["name"] == "Alice"
        assert actor["inbox"] == f"{url}/users/alice/inbox"
        assert actor["endpoints"]["sharedInbox"] == f"{url}/inbox"
        assert actor["manuallyApprovesFollowers"] is True
        assert actor["publicKey"]["id"] == f"{url}/users/alice#main-key"
        assert actor["publicKey"]["owner"] == actor["id"]
        assert actor["publicKey"]["publicKeyPem"].startswith("-----BEGIN PUBLIC KEY-----")
        assert actor["attachment"] == [{"type": "PropertyValue", "name": "Bakery",
                                        "value": "Corner street"}]
        for key in ("outbox", "followers", "following", "featured", "featuredTags", "url"):
            assert actor[key].startswith(url)
    # A browser is sent to the profile page.
    r = requests.get(url + "/users/alice", headers={"Accept": "text/html"}, allow_redirects=False)
    assert r.status_code == 302 and r.headers["Location"] == f"{url}/@alice"
    # Nobody here by that name.
    assert requests.get(url + "/users/nobody", headers=AS).status_code == 404


def test_statuses_as_objects_follow_the_visibility_rule(community):
    alice, bob = client(community, "alice"), client(community, "bob")
    bob_id = bob.account_verify_credentials()["id"]
    bob.account_follow(alice.account_verify_credentials()["id"])
    public = alice.status_post("Fresh #bread for @bob", sensitive=False, language="en")
    unlisted = alice.status_post("quiet one", visibility="unlisted")
    private = alice.status_post("followers only", visibility="private")
    direct = alice.status_post("@bob secret", visibility="direct")
    local = requests.post(community.url + "/api/v1/statuses", data={
        "status": "members only", "local_only": "true"},
        headers={"Authorization": "Bearer " + alice.access_token}).json()
    reply = alice.status_post("and a reply", in_reply_to_id=public["id"])
    url = community.url
    note = requests.get(public["uri"], headers=AS).json()
    assert note["id"] == public["uri"] and note["type"] == "Note"
    assert note["attributedTo"] == f"{url}/users/alice"
    assert note["to"] == ["https://www.w3.org/ns/activitystreams#Public"]
    assert f"{url}/users/alice/followers" in note["cc"] and f"{url}/users/bob" in note["cc"]
    assert {"type": "Mention", "href": f"{url}/users/bob", "name": f"@bob@{host(community)}"} \
        in note["tag"]
    assert {"type": "Hashtag", "href": f"{url}/tags/bread", "name": "#bread"} in note["tag"]
    assert note["contentMap"] == {"en": note["content"]}
    u = requests.get(unlisted["uri"], headers=AS).json()
    assert u["to"] == [f"{url}/users/alice/followers"]
    assert u["cc"] == ["https://www.w3.org/ns/activitystreams#Public"]
    assert requests.get(reply["uri"], headers=AS).json()["inReplyTo"] == public["uri"]
    act = requests.get(public["uri"] + "/activity", headers=AS).json()
    assert act["type"] == "Create" and act["object"]["id"] == public["uri"]
    # Followers-only, direct and local-only statuses are not served to a fetch.
    for s in (private, direct, local):
        for suffix in ("", "/activity"):
            r = requests.get(s["uri"] + suffix, headers=AS)
            assert r.status_code == 404, (s["content"], r.text)
            assert "followers only" not in r.text and "secret" not in r.text
    # The outbox pages show the public activities only, newest first.
    box = requests.get(f"{url}/users/alice/outbox", headers=AS).json()
    assert box["type"] == "OrderedCollection" and box["totalItems"] >= 4
    page = requests.get(box["first"], headers=AS).json()
    ids = [a["object"]["id"] for a in page["orderedItems"]]
    assert ids == [reply["uri"], unlisted["uri"], public["uri"]]
    # A boost is an Announce.
    bob.status_reblog(public["id"])
    page = requests.get(f"{url}/users/bob/outbox?page=true", headers=AS).json()
    announce = page["orderedItems"][0]
    assert announce["type"] == "Announce" and announce["object"] == public["uri"]
    # Followers and following collections count, and list actor ids.
    f = requests.get(f"{url}/users/alice/followers", headers=AS).json()
    assert f["totalItems"] == 1
    assert requests.get(f["first"], headers=AS).json()["orderedItems"] == [f"{url}/users/bob"]
    # Pinned posts are featured; nobody sees a pinned post they may not see.
    alice.status_pin(public["id"])
    alice.status_pin(private["id"])
    featured = requests.get(f"{url}/users/alice/collections/featured", headers=AS).json()
    assert [n["id"] for n in featured["orderedItems"]] == [public["uri"]]
    # Another member's status under the wrong name is not found.
    assert requests.get(f"{url}/users/bob/statuses/{public['id']}", headers=AS).status_code == 404
    assert requests.get(f"{url}/users/alice/statuses/abc", headers=AS).status_code == 404
    assert bob_id
