"""Hearth's own pages for finding and keeping: /search, /bookmarks,
/favourites and /lists, driven as a browser would (webpages.Browser: the
login form, forms with their CSRF token) and checked against what the
client API (Mastodon.py) says about the same data."""
import re

import requests

from conftest import client
from test_federation import acct, pair, start, wait_for  # noqa: F401 (pair is a fixture)
from webpages import Browser

STATUS_RE = re.compile(r'<article class="status[^"]*" id="status-(\d+)"')


def shown(html):
    """Ids of the posts shown as cards in a page, in order."""
    return [int(x) for x in STATUS_RE.findall(html)]


def auth(m):
    return {"Authorization": "Bearer " + m.access_token}


def post_raw(srv, m, **fields):
    """Posts with fields Mastodon.py does not know (visibility "local")."""
    r = requests.post(srv.url + "/api/v1/statuses", data=fields, headers=auth(m), timeout=10)
    assert r.status_code == 200, r.text
    return r.json()


def section(html, title_id):
    """The text of the <section> whose heading has id title_id."""
    m = re.search(r'<section aria-labelledby="%s".*?</section>' % title_id, html, re.S)
    assert m, f"no section {title_id}"
    return m.group(0)


def test_search_as_member_matches_the_api(community):
    alice, bob = client(community, "alice"), client(community, "bob")
    bob.account_update_credentials(display_name="Bob Gärtner")
    pub = alice.status_post("Planting #Garlic in the community garden", visibility="public")
    fol = alice.status_post("Garden keys are under the mat", visibility="private")
    dm = alice.status_post("@carol the garden shed code is 1234", visibility="direct")
    bob.account_follow(alice.account_verify_credentials()["id"])

    b = Browser(community)
    b.login("bob")
    r = b.get("/search")
    assert r.status_code == 200
    assert 'role="search"' in r.text and '<label for="search-q">' in r.text
    assert 'id="search-q" name="q"' in r.text

    # Posts by text: what the API's search finds for bob, in the same order.
    r = b.get("/search", params={"q": "garden"})
    assert r.status_code == 200
    posts = shown(section(r.text, "posts-title"))
    api = [int(s["id"]) for s in bob.search_v2("garden", result_type="statuses")["statuses"]]
    assert posts == api
    assert pub["id"] in posts and fol["id"] in posts and dm["id"] not in posts
    assert 'value="garden"' in r.text

    # An account by a display-name word (accents folded), linking to its page here.
    r = b.get("/search", params={"q": "gartner"})
    accounts = section(r.text, "accounts-title")
    assert 'href="/@bob"' in accounts and "Bob Gärtner" in accounts
    r = b.get("/search", params={"q": "alice"})
    assert 'href="/@alice"' in section(r.text, "accounts-title")

    # A tag by prefix, linking to its page.
    r = b.get("/search", params={"q": "#gar"})
    assert 'href="/tags/garlic"' in section(r.text, "tags-title")
    assert b.get("/tags/garlic").status_code == 200

    # A local post's address finds that post (resolve, as the API does).
    r = b.get("/search", params={"q": pub["url"]})
    assert shown(section(r.text, "posts-title")) == [pub["id"]]

    # Nothing found is said, not left blank.
    r = b.get("/search", params={"q": "zucchinis"})
    assert r.status_code == 200 and "Nothing was found" in r.text


def test_search_as_visitor_finds_no_posts(community):
    alice = client(community, "alice")
    alice.status_post("Orchard day is public #orchard", visibility="public")
    alice.status_post("Orchard day, unlisted", visibility="unlisted")
    alice.status_post("Orchard secret for followers", visibility="private")
    alice.status_post("@bob orchard direct message", visibility="direct")
    post_raw(community, alice, status="Orchard news for this server only", visibility="local")

    v = Browser(community)
    r = v.get("/search", params={"q": "orchard"})
    assert r.status_code == 200
    assert shown(r.text) == []
    for text in ("is public", "unlisted", "secret", "direct message", "server only"):
        assert text not in r.text
    assert 'id="posts-title"' not in r.text
    assert 'href="/login"' in r.text  # invited to log in to search posts
    # Accounts and tags still are found.
    assert 'href="/tags/orchard"' in section(r.text, "tags-title")
    r = v.get("/search", params={"q": "alice"})
    assert 'href="/@alice"' in section(r.text, "accounts-title")
    # A post's address finds nothing for a visitor either.
    pub = alice.status_post("Orchard again", visibility="public")
    r = v.get("/search", params={"q": pub["url"]})
    assert r.status_code == 200 and shown(r.text) == []

    # carol (no follower of alice) sees what the rule lets her: not the followers-only post.
    carol = client(community, "carol")
    c = Browser(community)
    c.login("carol")
    r = c.get("/search", params={"q": "orchard"})
    posts = shown(section(r.text, "posts-title"))
    api = [int(s["id"]) for s in carol.search_v2("orchard", result_type="statuses")["statuses"]]
    assert posts == api and posts
    assert "secret" not in r.text and "direct message" not in r.text


def test_search_query_checks(community):
    b = Browser(community)
    b.login("alice")
    for q in ("x" * 1001, "   "):
        r = b.get("/search", params={"q": q})
        assert r.status_code == 422
        m = re.search(r'<p class="error" role="alert"[^>]*>([^<]*)</p>', r.text)
        assert m, r.text[:500]
        assert m.group(1) in ("q is too long", "q can&#39;t be blank", "q can&#x27;t be blank")
    # A visitor gets the same check.
    r = Browser(community).get("/search", params={"q": "y" * 1001})
    assert r.status_code == 422 and 'role="alert"' in r.text


def test_bookmarks_and_favourites(community):
    alice, bob, carol = (client(community, n) for n in ("alice", "bob", "carol"))
    mine = [bob.status_post(f"Bookmark me {i}")["id"] for i in range(21)]
    for sid in mine:
        alice.status_bookmark(sid)
    fav = carol.status_post("Favourite me")
    alice.status_favourite(fav["id"])
    others = carol.status_post("Only bob keeps this one")
    bob.status_bookmark(others["id"])
    bob.status_favourite(others["id"])

    # Visitors are sent to log in.
    v = Browser(community)
    for path in ("/bookmarks", "/favourites"):
        r = v.get(path)
        assert r.status_code == 303 and r.headers["Location"] == "/login?return_to=" + path.replace("/", "%2F")

    b = Browser(community)
    b.login("alice")
    r = b.get("/bookmarks")
    assert r.status_code == 200
    assert "private" in r.headers["Cache-Control"]
    first = shown(r.text)
    api = [int(s["id"]) for s in alice.bookmarks(limit=20)]
    assert first == api == mine[::-1][:20]
    assert others["id"] not in first
    older = re.search(r'<a href="(/bookmarks\?max_id=\d+)">Older posts</a>', r.text)
    assert older, "no link to older bookmarks"
    r = b.get(older.group(1).replace("&amp;", "&"))
    assert shown(r.text) == [mine[0]]
    assert "Older posts" not in r.text

    r = b.get("/favourites")
    assert r.status_code == 200
    assert shown(r.text) == [int(s["id"]) for s in alice.favourites()] == [fav["id"]]
    assert "Older posts" not in r.text
    # The cards say what she did.
    assert 'action="/statuses/%d/unfavourite"' % fav["id"] in r.text

    # bob's pages hold his, not alice's.
    bb = Browser(community)
    bb.login("bob")
    assert shown(bb.get("/bookmarks").text) == [others["id"]]
    assert shown(bb.get("/favourites").text) == [others["id"]]


def api_lists(srv, m):
    r = requests.get(srv.url + "/api/v1/lists", headers=auth(m), timeout=10)
    assert r.status_code == 200
    return r.json()


def api_members(srv, m, list_id):
    r = requests.get(f"{srv.url}/api/v1/lists/{list_id}/accounts", headers=auth(m), timeout=10)
    assert r.status_code == 200, r.text
    return sorted(a["acct"] for a in r.json())


def test_lists_through_the_forms(community):
    alice, bob, carol = (client(community, n) for n in ("alice", "bob", "carol"))
    bob_id = alice.account_lookup("bob")["id"]
    carol_id = alice.account_lookup("carol")["id"]
    alice.account_follow(bob_id)
    alice.account_follow(carol_id)

    b = Browser(community)
    b.login("alice")
    r = b.get("/lists")
    assert r.status_code == 200
    assert '<label for="list-title">' in r.text and '<label for="list-policy">' in r.text
    assert "You have no lists yet" in r.text

    # Create.
    r = b.post("/lists", {"title": "Garden club", "replies_policy": "followed"})
    assert r.status_code == 303
    lists = api_lists(community, alice)
    assert [(x["title"], x["replies_policy"]) for x in lists] == [("Garden club", "followed")]
    lid = lists[0]["id"]
    assert r.headers["Location"] == f"/lists/{lid}"
    assert f'href="/lists/{lid}"' in b.get("/lists").text
    r = b.post("/lists", {"title": ""})
    assert r.status_code == 422 and 'role="alert"' in r.text
    assert len(api_lists(community, alice)) == 1

    # Add by name (with or without @) and by id; only accounts she follows.
    page = b.get(f"/lists/{lid}").text
    assert '<option value="bob">' in page and '<option value="carol">' in page
    r = b.post(f"/lists/{lid}/add", {"acct": "@bob"})
    assert r.status_code == 303 and r.headers["Location"] == f"/lists/{lid}"
    assert api_members(community, alice, lid) == ["bob"]
    r = b.post(f"/lists/{lid}/add", {"account_id": carol_id})
    assert r.status_code == 303
    assert api_members(community, alice, lid) == ["bob", "carol"]
    r = b.post(f"/lists/{lid}/add", {"acct": "dave"})
    assert r.status_code == 422 and 'role="alert"' in r.text and "follow" in r.text
    r = b.post(f"/lists/{lid}/add", {"acct": "nobody@nowhere.example"})
    assert r.status_code == 422 and 'role="alert"' in r.text
    assert api_members(community, alice, lid) == ["bob", "carol"]

    # The page shows the members and the list's timeline.
    post = carol.status_post("News from the garden club")
    page = b.get(f"/lists/{lid}").text
    members = section(page, "list-members-title")
    assert 'href="/@bob"' in members and 'href="/@carol"' in members
    assert f'name="account_id" value="{bob_id}"' in members
    assert post["id"] in shown(page)
    api_tl = requests.get(f"{community.url}/api/v1/timelines/list/{lid}", headers=auth(alice)).json()
    assert shown(page) == [int(s["id"]) for s in api_tl]

    # Remove, rename.
    r = b.post(f"/lists/{lid}/remove", {"account_id": bob_id})
    assert r.status_code == 303
    assert api_members(community, alice, lid) == ["carol"]
    r = b.post(f"/lists/{lid}/rename", {"title": "Gardeners", "replies_policy": "none"})
    assert r.status_code == 303
    assert [(x["title"], x["replies_policy"]) for x in api_lists(community, alice)] == [
        ("Gardeners", "none")]
    r = b.post(f"/lists/{lid}/rename", {"title": ""})
    assert r.status_code == 422 and 'role="alert"' in r.text
    assert api_lists(community, alice)[0]["title"] == "Gardeners"

    # Without the CSRF token nothing changes.
    for path, data in ((f"/lists/{lid}/rename", {"title": "Hijacked"}),
                       (f"/lists/{lid}/add", {"account_id": bob_id}),
                       (f"/lists/{lid}/remove", {"account_id": carol_id}),
                       (f"/lists/{lid}/delete", {}),
                       ("/lists", {"title": "Sneaky"})):
        r = b.post(path, data, csrf=False)
        assert r.status_code == 403, path
        r = b.post(path, dict(data, csrf="not-the-token"))
        assert r.status_code == 403, path
    assert [x["title"] for x in api_lists(community, alice)] == ["Gardeners"]
    assert api_members(community, alice, lid) == ["carol"]

    # bob can neither see nor change alice's list.
    bb = Browser(community)
    bb.login("bob")
    assert bb.get(f"/lists/{lid}").status_code == 404
    assert "Gardeners" not in bb.get("/lists").text
    bob.account_follow(carol_id)
    for path, data in ((f"/lists/{lid}/rename", {"title": "Mine now"}),
                       (f"/lists/{lid}/add", {"acct": "carol"}),
                       (f"/lists/{lid}/remove", {"account_id": carol_id}),
                       (f"/lists/{lid}/delete", {})):
        assert bb.post(path, data).status_code == 404, path
    assert [x["title"] for x in api_lists(community, alice)] == ["Gardeners"]
    assert api_members(community, alice, lid) == ["carol"]
    # Visitors are sent to log in.
    v = Browser(community)
    r = v.get(f"/lists/{lid}")
    assert r.status_code == 303 and r.headers["Location"].startswith("/login?return_to=")

    # Delete.
    r = b.post(f"/lists/{lid}/delete", {})
    assert r.status_code == 303 and r.headers["Location"] == "/lists"
    assert api_lists(community, alice) == []
    assert b.get(f"/lists/{lid}").status_code == 404


def test_nav_links(community):
    b = Browser(community)
    b.login("alice")
    page = b.get("/lists").text
    nav = re.search(r'<nav aria-label="Main">.*?</nav>', page, re.S).group(0)
    for path in ("/search", "/bookmarks", "/favourites", "/lists"):
        assert f'href="{path}"' in nav
    assert "<summary>More</summary>" in nav


def test_search_resolves_remote_accounts_and_posts(pair):
    a, b = pair
    bob = client(b, "bob")
    far = bob.status_post("Greetings from server B", visibility="public")

    v = Browser(a)
    handle = acct(b, "bob")
    # A visitor's search does not reach the other server.
    r = v.get("/search", params={"q": handle})
    assert r.status_code == 200 and f'href="/@{handle}"' not in r.text

    w = Browser(a)
    w.login("alice")
    for q in (handle, "@" + handle):
        r = w.get("/search", params={"q": q})
        assert r.status_code == 200
        assert f'href="/@{handle}"' in section(r.text, "accounts-title")
    assert w.get(f"/@{handle}").status_code == 200

    r = w.get("/search", params={"q": far["uri"]})
    assert r.status_code == 200
    posts = shown(section(r.text, "posts-title"))
    assert len(posts) == 1 and "Greetings from server B" in r.text
