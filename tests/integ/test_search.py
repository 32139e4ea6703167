"""Search and hashtags as clients use them: Mastodon.py's search_v2 and
account_search, plain HTTP for the hashtag endpoints (this Mastodon.py has
no methods for them)."""
import requests
from mastodon import Mastodon
from mastodon.errors import MastodonAPIError

from conftest import client
from schema import validate
from test_streaming import SSE


def auth(m):
    return {"Authorization": "Bearer " + m.access_token}


def ids(items):
    """Status or account ids as Mastodon.py gives them (ints), from either source."""
    return [int(x["id"]) for x in items]


def test_search_v2_accounts_statuses_hashtags(community):
    alice, bob, carol = (client(community, n) for n in ("alice", "bob", "carol"))
    bob.account_update_credentials(display_name="Bob Gärtner")
    pub = alice.status_post("Planting #Garlic in the community garden", visibility="public")
    fol = alice.status_post("Garden keys are under the mat", visibility="private")
    dm = alice.status_post("@carol the garden shed code is 1234", visibility="direct")
    bob.account_follow(alice.account_verify_credentials()["id"])

    res = bob.search_v2("garden")
    for key in ("accounts", "statuses", "hashtags"):
        assert key in res
    raw = requests.get(community.url + "/api/v2/search", params={"q": "garden"},
                       headers=auth(bob)).json()
    validate("Search", raw)
    for st in raw["statuses"]:
        validate("Status", st)
    # bob follows alice: public and followers-only posts, not the direct one.
    found = ids(res["statuses"])
    assert pub["id"] in found and fol["id"] in found and dm["id"] not in found
    # carol sees the public post and the one addressed to her, not the followers-only one.
    found = ids(carol.search_v2("garden", result_type="statuses")["statuses"])
    assert pub["id"] in found and dm["id"] in found and fol["id"] not in found
    # Nobody signed in: accounts and hashtags, never posts.
    anon = requests.get(community.url + "/api/v2/search", params={"q": "garden"}).json()
    assert anon["statuses"] == []

    # Accounts by display-name words, accents folded; the entity is a full Account.
    res = carol.search_v2("gartner", result_type="accounts")
    assert [a["acct"] for a in res["accounts"]] == ["bob"]
    assert res["statuses"] == [] and res["hashtags"] == []
    raw = requests.get(community.url + "/api/v2/search", params={"q": "gartner"},
                       headers=auth(carol)).json()
    validate("Search", raw)
    validate("Account", raw["accounts"][0])

    # Hashtags by prefix, with today's use.
    res = requests.get(community.url + "/api/v2/search",
                       params={"q": "#gar", "type": "hashtags"}).json()
    assert [t["name"] for t in res["hashtags"]] == ["garlic"]
    tag = res["hashtags"][0]
    validate("Tag", tag)
    assert tag["url"].endswith("/tags/garlic")
    assert tag["history"][0]["uses"] == "1" and tag["history"][0]["accounts"] == "1"
    assert len(tag["history"]) == 7

    # An edit changes what is found; a delete removes it.
    alice.status_update(pub["id"], "Planting #Garlic by the orchard")
    assert pub["id"] not in ids(bob.search_v2("community", result_type="statuses")["statuses"])
    assert pub["id"] in ids(bob.search_v2("orchard", result_type="statuses")["statuses"])
    alice.status_delete(pub["id"])
    assert pub["id"] not in ids(bob.search_v2("orchard", result_type="statuses")["statuses"])


def test_search_paging_and_resolve(community):
    alice = client(community, "alice")
    posted = [alice.status_post(f"Pumpkin diary day {i}")["id"] for i in range(5)]
    res = alice.search_v2("pumpkin", result_type="statuses")
    assert ids(res["statuses"]) == posted[::-1]
    r = requests.get(community.url + "/api/v2/search",
                     params={"q": "pumpkin", "type": "statuses", "limit": 2,
                             "max_id": posted[3]}, headers=auth(alice)).json()
    assert ids(r["statuses"]) == [posted[2], posted[1]]
    r = requests.get(community.url + "/api/v2/search",
                     params={"q": "pumpkin", "type": "statuses", "limit": 2, "offset": 3},
                     headers=auth(alice)).json()
    assert ids(r["statuses"]) == [posted[1], posted[0]]
    # A known post's address finds it; an unknown one finds nothing, without an error.
    url = alice.status(posted[0])["url"]
    res = alice.search_v2(url, resolve=True)
    assert ids(res["statuses"]) == [posted[0]]
    res = alice.search_v2("https://nowhere.example/@ghost/1", resolve=True)
    assert res["statuses"] == [] and res["accounts"] == []
    res = alice.search_v2("ghost@nowhere.example", resolve=True)
    assert res["accounts"] == []
    # Without a token, offset and resolve are refused as Mastodon does.
    for params in ({"q": "x", "resolve": "true"}, {"q": "x", "type": "accounts", "offset": 1}):
        assert requests.get(community.url + "/api/v2/search", params=params).status_code == 401


def test_hostile_and_bad_queries(community):
    bob = client(community, "bob")
    bob.status_post('NEAR the "river" * OR')
    for q in ['"', "*", "NEAR(", "a OR", "(((", "title:x", "x" * 900, "a " * 400]:
        r = requests.get(community.url + "/api/v2/search", params={"q": q}, headers=auth(bob))
        assert r.status_code == 200, (q, r.text)
        validate("Search", r.json())
    r = requests.get(community.url + "/api/v2/search", params={"q": "x" * 2000},
                     headers=auth(bob))
    assert r.status_code == 422 and "q" in r.json()["error"]
    r = requests.get(community.url + "/api/v2/search", headers=auth(bob))
    assert r.status_code == 400
    r = requests.get(community.url + "/api/v2/search", params={"q": "x", "type": "people"},
                     headers=auth(bob))
    assert r.status_code == 422 and "type" in r.json()["error"]
    r = requests.get(community.url + "/api/v2/search", params={"q": "x", "limit": "many"},
                     headers=auth(bob))
    assert r.status_code == 422
    with_read = client(community, "bob", scopes=("write",))
    r = requests.get(community.url + "/api/v2/search", params={"q": "x"}, headers=auth(with_read))
    assert r.status_code == 403


def test_account_search(community):
    alice, bob, carol = (client(community, n) for n in ("alice", "bob", "carol"))
    carol.account_update_credentials(display_name="Carolina Reaper")
    alice.account_follow(carol.account_verify_credentials()["id"])
    res = alice.account_search("carol")
    assert [a["acct"] for a in res] == ["carol"]
    raw = requests.get(community.url + "/api/v1/accounts/search", params={"q": "carol"},
                       headers=auth(alice)).json()
    assert len(raw) == 1
    validate("Account", raw[0])
    assert [a["acct"] for a in alice.account_search("reap")] == ["carol"]
    # following=true: only accounts alice follows.
    assert alice.account_search("bob", following=True) == []
    assert [a["acct"] for a in alice.account_search("bob")] == ["bob"]
    # Followed accounts rank before others; the exact acct before both.
    bob.account_update_credentials(display_name="Carol's neighbour")
    assert [a["acct"] for a in alice.account_search("carol")] == ["carol", "bob"]
    dave = client(community, "dave")
    assert [a["acct"] for a in dave.account_search("car")][0] in ("carol", "bob")
    assert [a["acct"] for a in dave.account_search("carol")][0] == "carol"
    # offset and limit.
    r = requests.get(community.url + "/api/v1/accounts/search",
                     params={"q": "carol", "limit": 1, "offset": 1}, headers=auth(alice))
    assert [a["acct"] for a in r.json()] == ["bob"]
    # A token is required, with read:accounts.
    assert requests.get(community.url + "/api/v1/accounts/search",
                        params={"q": "carol"}).status_code == 401
    try:
        client(community, "dave", scopes=("write",)).account_search("carol")
        assert False, "expected 403"
    except MastodonAPIError as e:
        assert e.args[1] == 403


def test_tags_follow_unfollow_and_home(community):
    carol, dave = (client(community, n) for n in ("carol", "dave"))
    base = community.url + "/api/v1/tags/"
    # A tag nobody used yet can be shown and followed.
    r = requests.get(base + "Compost", headers=auth(dave))
    assert r.status_code == 200
    tag = r.json()
    validate("Tag", tag)
    assert tag["name"] == "compost" and tag["following"] is False
    assert requests.get(base + "not%20a%20tag").status_code == 404

    r = requests.post(base + "Compost/follow", headers=auth(dave))
    assert r.status_code == 200 and r.json()["following"] is True
    validate("Tag", r.json())
    # Idempotent.
    assert requests.post(base + "compost/follow", headers=auth(dave)).json()["following"]
    requests.post(base + "worms/follow", headers=auth(dave))

    # carol (not followed by dave) posts with the tag: it reaches dave's home, and his stream.
    stream = SSE(community.url + "/api/v1/streaming/user", dave.access_token)
    try:
        priv = carol.status_post("Only followers: #compost secrets", visibility="private")
        s = carol.status_post("Turning the #compost heap today")
        name, data = stream.next(timeout=5)
        assert name == "update" and int(data["id"]) == s["id"]
    finally:
        stream.close()
    home = ids(dave.timeline_home())
    assert s["id"] in home and priv["id"] not in home
    assert requests.get(base + "compost", headers=auth(dave)).json()["history"][0]["uses"] == "1"

    # The followed list, newest follow first, with Link paging.
    r = requests.get(community.url + "/api/v1/followed_tags", headers=auth(dave))
    assert [t["name"] for t in r.json()] == ["worms", "compost"]
    for t in r.json():
        validate("Tag", t)
    r = requests.get(community.url + "/api/v1/followed_tags", params={"limit": 1},
                     headers=auth(dave))
    assert [t["name"] for t in r.json()] == ["worms"]
    nxt = r.links["next"]["url"]
    assert [t["name"] for t in requests.get(nxt, headers=auth(dave)).json()] == ["compost"]

    # Unfollowed: the post leaves dave's home.
    r = requests.post(base + "compost/unfollow", headers=auth(dave))
    assert r.status_code == 200 and r.json()["following"] is False
    assert s["id"] not in ids(dave.timeline_home())
    assert [t["name"] for t in requests.get(community.url + "/api/v1/followed_tags",
                                            headers=auth(dave)).json()] == ["worms"]
    # Anonymous: the tag without "following"; following needs a token.
    tag = requests.get(base + "compost").json()
    assert "following" not in tag
    assert requests.post(base + "compost/follow").status_code == 401
    assert requests.get(community.url + "/api/v1/followed_tags").status_code == 401
    anon = Mastodon(api_base_url=community.url)
    assert s["id"] in ids(anon.timeline_hashtag("compost"))
