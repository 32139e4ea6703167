"""Filters (v2): keywords and statuses that warn or hide, per context,
until they expire; only the owner sees or changes them."""
import time

import requests

from conftest import client
from schema import validate


def test_filters(community):
    alice, bob, carol = (client(community, n) for n in ("alice", "bob", "carol"))
    hdr = {"Authorization": "Bearer " + alice.access_token}
    url = community.url
    alice.account_follow(bob.account_verify_credentials()["id"])
    spoiler = bob.status_post("the ending of the film was a surprise")
    spoilers = bob.status_post("SPOILERS ahead")
    plain = bob.status_post("a walk in the park")
    # A warn filter with two keywords, as a form sends them.
    r = requests.post(url + "/api/v2/filters", headers=hdr, data=[
        ("title", "Films"), ("context[]", "home"), ("context[]", "public"),
        ("filter_action", "warn"),
        ("keywords_attributes[][keyword]", "ending"),
        ("keywords_attributes[][whole_word]", "true"),
        ("keywords_attributes[][keyword]", "spoiler"),
        ("keywords_attributes[][whole_word]", "false")])
    assert r.status_code == 200, r.text
    f = r.json()
    validate("Filter", f)
    assert f["context"] == ["home", "public"] and len(f["keywords"]) == 2
    for k in f["keywords"]:
        validate("FilterKeyword", k)
    home = {s["id"]: s for s in requests.get(url + "/api/v1/timelines/home", headers=hdr).json()}
    hit = home[str(spoiler["id"])]["filtered"]
    assert len(hit) == 1 and hit[0]["keyword_matches"] == ["ending"]
    validate("FilterResult", hit[0])
    # "spoiler" without whole_word matches inside "SPOILERS", case aside.
    assert home[str(spoilers["id"])]["filtered"][0]["keyword_matches"] == ["spoiler"]
    assert home[str(plain["id"])]["filtered"] == []
    # whole_word: "end" alone does not match "ending".
    kw = requests.post(f"{url}/api/v2/filters/{f['id']}/keywords", headers=hdr,
                       data={"keyword": "end", "whole_word": "true"}).json()
    validate("FilterKeyword", kw)
    home = {s["id"]: s for s in requests.get(url + "/api/v1/timelines/home", headers=hdr).json()}
    assert home[str(spoiler["id"])]["filtered"][0]["keyword_matches"] == ["ending"]
    # Not in other contexts (the account view), and not for others.
    acc = requests.get(f"{url}/api/v1/accounts/{bob.account_verify_credentials()['id']}/statuses",
                       headers=hdr).json()
    assert all(s["filtered"] == [] for s in acc)
    chome = requests.get(url + "/api/v1/timelines/public",
                         headers={"Authorization": "Bearer " + carol.access_token}).json()
    assert all(s["filtered"] == [] for s in chome)
    # Switching to hide removes the matches from home.
    r = requests.put(f"{url}/api/v2/filters/{f['id']}", headers=hdr,
                     data={"filter_action": "hide"})
    assert r.status_code == 200 and r.json()["filter_action"] == "hide"
    ids = {s["id"] for s in requests.get(url + "/api/v1/timelines/home", headers=hdr).json()}
    assert str(spoiler["id"]) not in ids and str(plain["id"]) in ids
    # A status filter matches that one status.
    st = requests.post(f"{url}/api/v2/filters/{f['id']}/statuses", headers=hdr,
                       data={"status_id": plain["id"]}).json()
    validate("FilterStatus", st)
    ids = {s["id"] for s in requests.get(url + "/api/v1/timelines/home", headers=hdr).json()}
    assert str(plain["id"]) not in ids
    assert requests.delete(f"{url}/api/v2/filters/statuses/{st['id']}", headers=hdr).status_code == 200
    # Removing a keyword through _destroy (JSON body).
    ending = [k for k in requests.get(f"{url}/api/v2/filters/{f['id']}/keywords", headers=hdr).json()
              if k["keyword"] == "ending"][0]
    r = requests.put(f"{url}/api/v2/filters/{f['id']}", headers=hdr,
                     json={"keywords_attributes": [{"id": ending["id"], "_destroy": True}]})
    assert [k["keyword"] for k in r.json()["keywords"]] == ["spoiler", "end"]
    # Others cannot see or change it.
    chdr = {"Authorization": "Bearer " + carol.access_token}
    assert requests.get(f"{url}/api/v2/filters/{f['id']}", headers=chdr).status_code == 404
    assert requests.delete(f"{url}/api/v2/filters/{f['id']}", headers=chdr).status_code == 404
    assert requests.get(url + "/api/v2/filters", headers=chdr).json() == []
    # Bad input names the field.
    for data, word in (({"context[]": "home"}, "title"), ({"title": "x"}, "context"),
                       ({"title": "x", "context[]": "moon"}, "context"),
                       ({"title": "x", "context[]": "home", "filter_action": "burn"},
                        "filter_action"),
                       ({"title": "x", "context[]": "home", "expires_in": "soon"}, "expires_in")):
        r = requests.post(url + "/api/v2/filters", headers=hdr, data=data)
        assert r.status_code == 422 and word in r.json()["error"], (data, r.text)
    # v1 lists one entry per keyword.
    v1 = requests.get(url + "/api/v1/filters", headers=hdr).json()
    assert sorted(x["phrase"] for x in v1) == ["end", "spoiler"]
    # An expiring filter stops matching by itself.
    requests.delete(f"{url}/api/v2/filters/{f['id']}", headers=hdr)
    r = requests.post(url + "/api/v2/filters", headers=hdr, data={
        "title": "brief", "context[]": "home", "expires_in": "1",
        "keywords_attributes[][keyword]": "park"})
    assert r.json()["expires_at"] is not None
    home = {s["id"]: s for s in requests.get(url + "/api/v1/timelines/home", headers=hdr).json()}
    assert home[str(plain["id"])]["filtered"]
    time.sleep(1.2)
    home = {s["id"]: s for s in requests.get(url + "/api/v1/timelines/home", headers=hdr).json()}
    assert home[str(plain["id"])]["filtered"] == []
    assert [x["title"] for x in requests.get(url + "/api/v2/filters", headers=hdr).json()] == \
        ["brief"]
