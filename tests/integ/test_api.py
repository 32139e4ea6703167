"""The Mastodon client API as apps use it: Mastodon.py, toot and plain HTTP."""
import base64
import hashlib
import os
import re
import secrets
import subprocess
import urllib.parse

import pytest
import requests
from mastodon import Mastodon
from mastodon.errors import MastodonAPIError, MastodonNotFoundError, MastodonUnauthorizedError

from conftest import PASSWORD, client


def test_instance_and_nodeinfo(community):
    m = Mastodon(api_base_url=community.url)
    inst = m.instance()
    assert inst["version"].startswith("4.")
    assert inst["configuration"]["statuses"]["max_characters"] == 500
    assert inst["contact_account"]["username"] == "alice"
    r = requests.get(community.url + "/api/v2/instance")
    assert r.json()["domain"] == f"127.0.0.1:{community.port}"
    links = requests.get(community.url + "/.well-known/nodeinfo").json()["links"]
    ni = requests.get(links[-1]["href"]).json()
    assert ni["software"]["name"] == "hearth"
    assert ni["metadata"]["upstream"]["name"] == "mastodon"
    assert ni["usage"]["users"]["total"] == 4
    meta = requests.get(community.url + "/.well-known/oauth-authorization-server").json()
    assert "S256" in meta["code_challenge_methods_supported"]
    assert "lrdd" in requests.get(community.url + "/.well-known/host-meta").text
    # The default pictures that account entities point to are served.
    me = requests.get(community.url + "/api/v1/accounts/lookup?acct=alice").json()
    for key in ("avatar", "header"):
        r = requests.get(me[key])
        assert r.status_code == 200 and r.headers["Content-Type"] == "image/png"
        assert r.content.startswith(b"\x89PNG")


def test_password_login_post_and_timelines(community):
    alice = client(community, "alice")
    me = alice.account_verify_credentials()
    assert me["username"] == "alice" and me["source"]["privacy"] == "public"
    s = alice.status_post("Hello #Hearth, see https://example.org", visibility="public")
    assert "hashtag" in s["content"] and s["tags"][0]["name"] == "hearth"
    assert s["account"]["acct"] == "alice"
    assert [x["id"] for x in alice.timeline_home()][0] == s["id"]
    anon = Mastodon(api_base_url=community.url)
    assert s["id"] in [x["id"] for x in anon.timeline_local()]
    assert s["id"] in [x["id"] for x in anon.timeline_hashtag("hearth")]
    assert anon.status(s["id"])["content"] == s["content"]


def test_visibility_is_enforced_everywhere(community):
    alice, bob, carol = (client(community, n) for n in ("alice", "bob", "carol"))
    bob_id = bob.account_verify_credentials()["id"]
    carol_id = carol.account_verify_credentials()["id"]
    alice_id = alice.account_verify_credentials()["id"]
    bob.account_follow(alice_id)
    posts = {v: alice.status_post(f"{v} post @bob", visibility=v)["id"]
             for v in ("public", "unlisted", "private", "direct")}
    # Hometown clients send local_only; Mastodon.py knows no such level.
    local = requests.post(community.url + "/api/v1/statuses",
                          headers={"Authorization": "Bearer " + alice.access_token},
                          data={"status": "members only", "local_only": "true"}).json()
    assert local["local_only"] is True
    posts["local"] = int(local["id"])
    anon = Mastodon(api_base_url=community.url)
    # bob (follower, mentioned) sees all; carol (member, stranger) sees public, unlisted, local.
    for v, sid in posts.items():
        assert bob.status(sid)["id"] == sid
    for v, sid in posts.items():
        if v in ("public", "unlisted", "local"):
            assert carol.status(sid)["id"] == sid
        else:
            with pytest.raises(MastodonNotFoundError):
                carol.status(sid)
    for v, sid in posts.items():
        if v in ("public", "unlisted"):
            assert anon.status(sid)["id"] == sid
        else:
            with pytest.raises(MastodonNotFoundError):
                anon.status(sid)
    # Account statuses and timelines hold nothing more.
    seen = {x["id"] for x in carol.account_statuses(alice_id)}
    assert posts["private"] not in seen and posts["direct"] not in seen
    seen = {x["id"] for x in anon.account_statuses(alice_id)}
    assert seen == {posts["public"], posts["unlisted"]}
    assert posts["local"] not in {x["id"] for x in anon.timeline_local()}
    assert posts["local"] in {x["id"] for x in carol.timeline_local()}
    home = {x["id"] for x in bob.timeline_home()}
    assert posts["private"] in home and posts["public"] in home
    # Context of a reply to a followers-only post hides it from outsiders.
    reply = bob.status_post("@alice agreed", in_reply_to_id=posts["public"])
    assert reply["in_reply_to_id"] == posts["public"]
    ctx = anon.status_context(posts["public"])
    assert [x["id"] for x in ctx["descendants"]] == [reply["id"]]
    # A bookmark of a post that became invisible disappears from what bob sees.
    carol_dm = carol.status_post("@bob secret", visibility="direct")
    assert bob.status(carol_dm["id"])["id"] == carol_dm["id"]
    with pytest.raises(MastodonNotFoundError):
        alice.status(carol_dm["id"])
    # Notifications: bob was mentioned in public, unlisted, private, direct.
    types = [n["type"] for n in bob.notifications()]
    assert types.count("mention") >= 4
    assert carol_id and bob_id


def test_follow_locked_account_and_accept(community):
    alice, dave = client(community, "alice"), client(community, "dave")
    dave.account_update_credentials(locked=True)
    dave_id = dave.account_verify_credentials()["id"]
    alice_id = alice.account_verify_credentials()["id"]
    rel = alice.account_follow(dave_id)
    assert rel["requested"] and not rel["following"]
    reqs = dave.follow_requests()
    assert [a["id"] for a in reqs] == [alice_id]
    assert any(n["type"] == "follow_request" for n in dave.notifications())
    dave.follow_request_authorize(alice_id)
    rel = alice.account_relationships([dave_id])[0]
    assert rel["following"] and not rel["requested"]
    priv = dave.status_post("for my followers", visibility="private")
    assert priv["id"] in [x["id"] for x in alice.timeline_home()]
    assert [a["id"] for a in dave.account_followers(dave_id)] == [alice_id]


def test_interactions_and_notifications(community):
    alice, bob = client(community, "alice"), client(community, "bob")
    s = alice.status_post("interact with me")
    fav = bob.status_favourite(s["id"])
    assert fav["favourited"] and fav["favourites_count"] == 1
    boost = bob.status_reblog(s["id"])
    assert boost["reblog"]["id"] == s["id"]
    bm = bob.status_bookmark(s["id"])
    assert bm["bookmarked"]
    types = {n["type"] for n in alice.notifications()}
    assert {"favourite", "reblog"} <= types
    assert bob.status_unfavourite(s["id"])["favourited"] is False
    bob.status_unreblog(s["id"])
    assert alice.status(s["id"])["reblogs_count"] == 0
    # Edits keep history; deletes give back the source.
    edited = alice.status_update(s["id"], "interact with me, edited")
    assert edited["edited_at"] is not None
    hist = alice.status_history(s["id"])
    assert len(hist) == 2 and "edited" in hist[-1]["content"]
    assert alice.status_source(s["id"])["text"] == "interact with me, edited"
    gone = alice.status_delete(s["id"])
    assert gone["text"] == "interact with me, edited"
    with pytest.raises(MastodonNotFoundError):
        bob.status(s["id"])


def test_paging_with_link_headers(community):
    alice = client(community, "alice")
    ids = [alice.status_post(f"post {i}")["id"] for i in range(7)]
    page1 = alice.timeline_home(limit=3)
    assert [x["id"] for x in page1] == ids[::-1][:3]
    page2 = alice.fetch_next(page1)
    assert [x["id"] for x in page2] == ids[::-1][3:6]
    r = requests.get(community.url + "/api/v1/timelines/public?local=true&limit=2")
    assert 'rel="next"' in r.headers["Link"] and "local=true" in r.headers["Link"]
    newer = requests.get(community.url + f"/api/v1/timelines/public?min_id={ids[2]}&limit=2").json()
    assert [int(x["id"]) for x in newer] == [ids[4], ids[3]]


def test_errors_scopes_and_tokens(community):
    url = community.url
    alice = client(community, "alice")
    # Read-only token: writing is outside its scopes.
    ro = client(community, "bob", scopes=("read",))
    with pytest.raises(MastodonAPIError) as e:
        ro.status_post("nope")
    assert e.value.args[1] == 403
    r = requests.post(url + "/api/v1/statuses", data={"status": "x"})
    assert r.status_code == 401 and r.json()["error"]
    r = requests.get(url + "/api/v1/timelines/home", headers={"Authorization": "Bearer nope"})
    assert r.status_code == 401
    hdr = {"Authorization": "Bearer " + alice.access_token}
    r = requests.post(url + "/api/v1/statuses", headers=hdr, data={"status": ""})
    assert r.status_code == 422 and "blank" in r.json()["error"]
    r = requests.post(url + "/api/v1/statuses", headers=hdr, data={"status": "x" * 501})
    assert r.status_code == 422 and "long" in r.json()["error"]
    r = requests.post(url + "/api/v1/statuses", headers=hdr,
                      data={"status": "x", "visibility": "everyone"})
    assert r.status_code == 422 and "visibility" in r.json()["error"]
    r = requests.post(url + "/api/v1/statuses", headers={**hdr, "Content-Type": "application/json"},
                      data='{"status": "x", "status": "y"}')
    assert r.status_code == 400
    r = requests.get(url + "/api/v1/timelines/home?limit=abc", headers=hdr)
    assert r.status_code == 422 and "limit" in r.json()["error"]
    r = requests.get(url + "/api/v1/statuses/notanumber")
    assert r.status_code == 404
    # JSON bodies work like forms (masto.js sends JSON).
    r = requests.post(url + "/api/v1/statuses", headers=hdr,
                      json={"status": "from json", "visibility": "unlisted", "sensitive": True})
    assert r.status_code == 200 and r.json()["visibility"] == "unlisted" and r.json()["sensitive"]
    # Revoked tokens stop working.
    alice.revoke_access_token()
    r = requests.get(url + "/api/v1/accounts/verify_credentials", headers=hdr)
    assert r.status_code == 401


def test_cors_preflight(community):
    r = requests.options(community.url + "/api/v1/timelines/home",
                         headers={"Origin": "https://elk.zone",
                                  "Access-Control-Request-Method": "GET",
                                  "Access-Control-Request-Headers": "authorization"})
    assert r.status_code == 204
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert "Authorization" in r.headers["Access-Control-Allow-Headers"]
    r = requests.get(community.url + "/api/v1/instance", headers={"Origin": "https://elk.zone"})
    assert r.headers["Access-Control-Allow-Origin"] == "*"


def test_authorization_code_flow_with_pkce(community):
    url = community.url
    redirect = "https://app.example/callback"
    app = requests.post(url + "/api/v1/apps", json={
        "client_name": "pkce app", "redirect_uris": [redirect], "scopes": "read write"}).json()
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    params = {"client_id": app["client_id"], "redirect_uri": redirect, "response_type": "code",
              "scope": "read write", "state": "xyz", "code_challenge": challenge,
              "code_challenge_method": "S256"}
    page = requests.get(url + "/oauth/authorize/", params=params)
    assert page.status_code == 200 and "pkce app" in page.text and "<form" in page.text
    bad = requests.post(url + "/oauth/authorize", data={**params, "login": "alice",
                                                          "password": "wrong"},
                        allow_redirects=False)
    assert bad.status_code == 401 and "Wrong" in bad.text
    ok = requests.post(url + "/oauth/authorize", data={**params, "login": "alice",
                                                         "password": PASSWORD},
                       allow_redirects=False)
    assert ok.status_code == 302
    loc = urllib.parse.urlparse(ok.headers["Location"])
    q = urllib.parse.parse_qs(loc.query)
    assert q["state"] == ["xyz"]
    code = q["code"][0]
    # A wrong verifier fails, and the code is then spent.
    r = requests.post(url + "/oauth/token", data={
        "grant_type": "authorization_code", "client_id": app["client_id"], "code": code,
        "redirect_uri": redirect, "code_verifier": "x" * 50})
    assert r.status_code == 400
    ok = requests.post(url + "/oauth/authorize", data={**params, "login": "alice",
                                                         "password": PASSWORD},
                       allow_redirects=False)
    code = urllib.parse.parse_qs(urllib.parse.urlparse(ok.headers["Location"]).query)["code"][0]
    tok = requests.post(url + "/oauth/token", data={
        "grant_type": "authorization_code", "client_id": app["client_id"], "code": code,
        "redirect_uri": redirect, "code_verifier": verifier}).json()
    me = requests.get(url + "/api/v1/accounts/verify_credentials",
                      headers={"Authorization": "Bearer " + tok["access_token"]}).json()
    assert me["username"] == "alice"
    # Refresh gives a new token; the old one is revoked.
    new = requests.post(url + "/oauth/token", data={
        "grant_type": "refresh_token", "client_id": app["client_id"],
        "client_secret": app["client_secret"], "refresh_token": tok["refresh_token"]}).json()
    assert new["access_token"] != tok["access_token"]
    r = requests.get(url + "/api/v1/accounts/verify_credentials",
                     headers={"Authorization": "Bearer " + new["access_token"]})
    assert r.status_code == 200


def test_oob_code_and_client_credentials(community):
    url = community.url
    app = requests.post(url + "/api/v1/apps", data={
        "client_name": "oob", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob", "scopes": "read"}).json()
    r = requests.post(url + "/oauth/authorize", data={
        "client_id": app["client_id"], "redirect_uri": "urn:ietf:wg:oauth:2.0:oob",
        "response_type": "code", "login": "bob@example.org", "password": PASSWORD})
    code = re.search(r'<code id="code">([^<]+)</code>', r.text).group(1)
    tok = requests.post(url + "/oauth/token", data={
        "grant_type": "authorization_code", "client_id": app["client_id"],
        "client_secret": app["client_secret"], "code": code,
        "redirect_uri": "urn:ietf:wg:oauth:2.0:oob"}).json()
    assert tok["token_type"] == "Bearer"
    cc = requests.post(url + "/oauth/token", data={
        "grant_type": "client_credentials", "client_id": app["client_id"],
        "client_secret": app["client_secret"]}).json()
    hdr = {"Authorization": "Bearer " + cc["access_token"]}
    assert requests.get(url + "/api/v1/apps/verify_credentials", headers=hdr).json()["name"] == "oob"
    r = requests.get(url + "/api/v1/accounts/verify_credentials", headers=hdr)
    assert r.status_code == 422
    r = requests.post(url + "/oauth/token", data={
        "grant_type": "client_credentials", "client_id": app["client_id"],
        "client_secret": "wrong"})
    assert r.status_code == 401


def test_toot_cli(community, tmpdir_path):
    env = dict(os.environ, XDG_CONFIG_HOME=os.path.join(tmpdir_path, "xdg"), HOME=tmpdir_path)
    host = f"127.0.0.1:{community.port}"
    r = subprocess.run(["toot", "login_cli", "-i", host, "-e", "carol@example.org",
                        "--disable-https"], input=PASSWORD + "\n", capture_output=True, text=True,
                       env=env, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    r = subprocess.run(["toot", "post", "hello from toot"], capture_output=True, text=True,
                       env=env, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    r = subprocess.run(["toot", "whoami"], capture_output=True, text=True, env=env, timeout=60)
    assert r.returncode == 0 and "carol" in r.stdout
    r = subprocess.run(["toot", "timeline", "--once"], capture_output=True, text=True, env=env,
                       timeout=60)
    assert r.returncode == 0 and "hello from toot" in r.stdout, r.stdout + r.stderr


def test_bookmarks_favourites_markers_and_mutes(community):
    alice, bob, carol = (client(community, n) for n in ("alice", "bob", "carol"))
    a1 = alice.status_post("first")
    a2 = alice.status_post("second @bob")
    bob.status_bookmark(a1["id"])
    bob.status_bookmark(a2["id"])
    bob.status_favourite(a2["id"])
    assert [s["id"] for s in bob.bookmarks()] == [a2["id"], a1["id"]]
    assert [s["id"] for s in bob.bookmarks(limit=1)] == [a2["id"]]
    assert [s["id"] for s in bob.favourites()] == [a2["id"]]
    # A deleted post leaves the bookmarks.
    alice.status_delete(a1["id"])
    assert [s["id"] for s in bob.bookmarks()] == [a2["id"]]
    # Markers and the unread count follow each other.
    notes = bob.notifications()
    assert notes and notes[0]["type"] == "mention"
    hdr = {"Authorization": "Bearer " + bob.access_token}
    url = community.url
    assert requests.get(url + "/api/v1/notifications/unread_count", headers=hdr).json()["count"] == 1
    assert bob.notifications(id=notes[0]["id"])["id"] == notes[0]["id"]
    m = bob.markers_set(["notifications"], [notes[0]["id"]])
    assert m["notifications"]["last_read_id"] == notes[0]["id"]
    assert requests.get(url + "/api/v1/notifications/unread_count", headers=hdr).json()["count"] == 0
    got = bob.markers_get(["notifications", "home"])
    assert got["notifications"]["version"] == 1 and "home" not in got
    prefs = bob.preferences()
    assert prefs["posting:default:visibility"] == "public"
    # A mute that covers notifications silences mentions.
    carol_id = carol.account_verify_credentials()["id"]
    rel = bob.account_mute(carol_id, notifications=True)
    assert rel["muting"] and rel["muting_notifications"]
    carol.status_post("@bob hello?")
    assert all(n["account"]["id"] != carol_id for n in bob.notifications())
    assert bob.account_unmute(carol_id)["muting"] is False
    # Notifications of others are not reachable.
    with pytest.raises(MastodonNotFoundError):
        carol.notifications(id=notes[0]["id"])


def test_lists_and_their_timelines(community):
    alice, bob, carol, dave = (client(community, n) for n in ("alice", "bob", "carol", "dave"))
    ids = {n: c.account_verify_credentials()["id"] for n, c in
           (("bob", bob), ("carol", carol), ("dave", dave))}
    alice.account_follow(ids["bob"])
    alice.account_follow(ids["carol"])
    lst = alice.list_create("friends")
    assert lst["title"] == "friends" and lst["replies_policy"] == "list"
    alice.list_accounts_add(lst["id"], [ids["bob"]])
    # Only followed accounts can join.
    with pytest.raises(MastodonAPIError):
        alice.list_accounts_add(lst["id"], [ids["dave"]])
    assert [a["id"] for a in alice.list_accounts(lst["id"])] == [ids["bob"]]
    assert [l["id"] for l in alice.account_lists(ids["bob"])] == [lst["id"]]
    b = bob.status_post("bob here")
    c = carol.status_post("carol here")
    reply_to_dave = bob.status_post("@dave hi", in_reply_to_id=dave.status_post("dave")["id"])
    tl = [s["id"] for s in alice.timeline_list(lst["id"])]
    assert b["id"] in tl and c["id"] not in tl
    assert reply_to_dave["id"] not in tl  # replies to non-members stay out (policy "list")
    # Exclusive lists take their members out of home.
    assert b["id"] in [s["id"] for s in alice.timeline_home()]
    r = requests.put(community.url + f"/api/v1/lists/{lst['id']}",
                     headers={"Authorization": "Bearer " + alice.access_token},
                     json={"exclusive": True})
    assert r.status_code == 200 and r.json()["exclusive"] is True and r.json()["title"] == "friends"
    home = [s["id"] for s in alice.timeline_home()]
    assert b["id"] not in home and c["id"] in home
    # Others' lists do not exist for them.
    with pytest.raises(MastodonNotFoundError):
        bob.list(lst["id"])
    with pytest.raises(MastodonNotFoundError):
        bob.timeline_list(lst["id"])
    alice.list_accounts_delete(lst["id"], [ids["bob"]])
    assert alice.list_accounts(lst["id"]) == []
    alice.list_delete(lst["id"])
    assert alice.lists() == []
    r = requests.post(community.url + "/api/v1/lists",
                      headers={"Authorization": "Bearer " + alice.access_token},
                      data={"title": "x", "replies_policy": "everyone"})
    assert r.status_code == 422 and "replies_policy" in r.json()["error"]


def test_familiar_followers(community):
    alice, bob, carol, dave = (client(community, n) for n in ("alice", "bob", "carol", "dave"))
    bob_id = bob.account_verify_credentials()["id"]
    carol_id = carol.account_verify_credentials()["id"]
    dave_id = dave.account_verify_credentials()["id"]
    alice.account_follow(bob_id)
    alice.account_follow(carol_id)
    bob.account_follow(dave_id)
    carol.account_follow(dave_id)
    r = requests.get(community.url + f"/api/v1/accounts/familiar_followers?id[]={dave_id}",
                     headers={"Authorization": "Bearer " + alice.access_token}).json()
    assert r[0]["id"] == str(dave_id)
    assert {a["username"] for a in r[0]["accounts"]} == {"bob", "carol"}


def test_update_credentials_fields_and_defaults(community):
    alice = client(community, "alice")
    me = alice.account_update_credentials(
        display_name="Alice A.", note="Reads <b>a lot</b>",
        fields=[("Web", "https://alice.example"), ("Pronouns", "she/her")])
    assert me["display_name"] == "Alice A."
    # Mastodon.py has no arguments for the posting defaults: the form fields as apps send them.
    me = requests.patch(community.url + "/api/v1/accounts/update_credentials",
                        headers={"Authorization": "Bearer " + alice.access_token},
                        data={"source[privacy]": "unlisted", "source[sensitive]": "true",
                              "source[language]": "fr"}).json()
    assert me["display_name"] == "Alice A."
    assert "&lt;b&gt;" in me["note"]
    assert [f["name"] for f in me["fields"]] == ["Web", "Pronouns"]
    assert 'href="https://alice.example"' in me["fields"][0]["value"]
    assert me["source"]["privacy"] == "unlisted" and me["source"]["language"] == "fr"
    prefs = alice.preferences()
    assert prefs["posting:default:visibility"] == "unlisted"
    assert prefs["posting:default:sensitive"] is True
    hdr = {"Authorization": "Bearer " + alice.access_token}
    too_many = {f"fields_attributes[{i}][name]": f"n{i}" for i in range(5)}
    too_many.update({f"fields_attributes[{i}][value]": "v" for i in range(5)})
    r = requests.patch(community.url + "/api/v1/accounts/update_credentials", headers=hdr,
                       data=too_many)
    assert r.status_code == 422 and "fields" in r.json()["error"]
    r = requests.patch(community.url + "/api/v1/accounts/update_credentials", headers=hdr,
                       data={"source[privacy]": "everyone"})
    assert r.status_code == 422 and "privacy" in r.json()["error"]
    # Nothing of the refused updates stuck.
    assert len(alice.account_verify_credentials()["fields"]) == 2
