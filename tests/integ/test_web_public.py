"""The pages a visitor sees: the front page, about, profiles with their
fields, pinned posts and link previews, a post with its thread, tag pages
and the static files, on a real server read as a browser would."""
import requests
from lxml import html as lxml_html

from conftest import client


def page(srv, path, **kw):
    r = requests.get(srv.url + path, timeout=10, **kw)
    assert r.status_code == 200, (path, r.status_code)
    assert r.headers["Content-Type"].startswith("text/html")
    return r, lxml_html.fromstring(r.text)


def test_front_and_about(community):
    alice = client(community, "alice")
    alice.status_post("Welcome to our little server", visibility="public")
    r, doc = page(community, "/")
    assert doc.xpath("//main[@id='main']") and doc.xpath("//nav[@aria-label='Main']")
    assert "Welcome to our little server" in r.text
    # The admin is named as host; the login is one click away.
    assert doc.xpath("//a[@href='/@alice']")
    assert doc.xpath("//a[@href='/login']")
    assert "set-cookie" not in {k.lower() for k in r.headers}
    r, doc = page(community, "/about")
    assert doc.xpath("//h1[contains(., 'About')]") and doc.xpath("//a[@href='/@alice']")


def test_profile_fields_pins_and_preview(community):
    alice = client(community, "alice")
    alice.account_update_credentials(
        display_name="Alice Liddell", note="Down the rabbit hole",
        fields=[("Site", "https://alice.example/"), ("Pronouns", "she/her")])
    pinned = alice.status_post("A pinned thought", visibility="public")
    alice.status_pin(pinned["id"])
    alice.status_post("An everyday post", visibility="public")
    r, doc = page(community, "/@alice")
    assert doc.xpath("//h1[.='Alice Liddell']")
    assert "Down the rabbit hole" in r.text
    # Profile fields: the link proves the profile with rel="me".
    links = doc.xpath("//dl[@class='fields']//a[@href='https://alice.example/']")
    assert links and "me" in links[0].get("rel").split()
    assert doc.xpath("//dl[@class='fields']/dd[.='she/her']")
    texts = [a.text_content() for a in doc.xpath("//article")]
    assert "A pinned thought" in texts[0] and any("An everyday post" in t for t in texts)
    # Link previews and feeds.
    meta = {m.get("property"): m.get("content") for m in doc.xpath("//meta[@property]")}
    assert meta["og:title"] == "Alice Liddell (@alice)"
    assert meta["og:url"] == community.url + "/@alice"
    assert meta["og:description"] == "Down the rabbit hole"
    assert doc.xpath("//link[@rel='alternate'][@type='application/rss+xml'][@href='/@alice.rss']")
    assert doc.xpath("//link[@rel='alternate'][@type='application/activity+json']"
                     f"[@href='{community.url}/users/alice']")
    # A browser asking for the actor is sent to this page.
    r = requests.get(community.url + "/users/alice", headers={"Accept": "text/html"},
                     allow_redirects=False, timeout=10)
    assert r.status_code == 302 and r.headers["Location"] == community.url + "/@alice"
    assert requests.get(community.url + "/@nobody", timeout=10).status_code == 404


def test_post_page_with_thread_and_paging(community):
    alice = client(community, "alice")
    bob = client(community, "bob")
    root = alice.status_post("The root of it", visibility="public")
    reply = bob.status_post("@alice a reply", in_reply_to_id=root["id"], visibility="public")
    deeper = alice.status_post("@bob and back", in_reply_to_id=reply["id"], visibility="public")
    r, doc = page(community, f"/@bob/{reply['id']}")
    thread = [a.text_content() for a in doc.xpath("//article")]
    assert len(thread) == 3
    assert "The root of it" in thread[0] and "a reply" in thread[1] and "and back" in thread[2]
    meta = {m.get("property"): m.get("content") for m in doc.xpath("//meta[@property]")}
    assert meta["og:type"] == "article" and "a reply" in meta["og:description"]
    # The post under another author's name is not found; a boost has no page of its own.
    assert requests.get(community.url + f"/@alice/{reply['id']}", timeout=10).status_code == 404
    boost = alice.status_reblog(deeper["id"])
    assert requests.get(community.url + f"/@alice/{boost['id']}", timeout=10).status_code == 404
    # The parent link leads to the parent's page.
    r = requests.get(community.url + f"/statuses/{root['id']}", allow_redirects=False, timeout=10)
    assert r.status_code == 303 and r.headers["Location"] == f"/@alice/{root['id']}"
    # A content warning hides the text behind a disclosure that works without script.
    cw = alice.status_post("hidden words", spoiler_text="birds", visibility="public")
    r, doc = page(community, f"/@alice/{cw['id']}")
    summary = doc.xpath("//article//details/summary")
    assert summary and "birds" in summary[0].text_content()
    assert "hidden words" in doc.xpath("//article//details")[0].text_content()
    # Older posts are one link away.
    for i in range(25):
        bob.status_post(f"bob number {i}", visibility="public")
    r, doc = page(community, "/@bob")
    older = doc.xpath("//a[.='Older posts']/@href")
    assert len(doc.xpath("//article")) == 20 and older
    r, doc = page(community, older[0])
    assert "bob number 4" in r.text and "bob number 24" not in r.text


def test_tag_page_and_static_files(community):
    alice = client(community, "alice")
    alice.status_post("tea time #Teatime", visibility="public")
    r, doc = page(community, "/tags/teatime")
    assert doc.xpath("//h1[.='#teatime']") and "tea time" in r.text
    css = doc.xpath("//link[@rel='stylesheet']/@href")[0]
    assert css.startswith("/static/style.css?v=")
    r = requests.get(community.url + css, timeout=10)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/css")
    assert "immutable" in r.headers["Cache-Control"]
    again = requests.get(community.url + css, headers={"If-None-Match": r.headers["ETag"]},
                         timeout=10)
    assert again.status_code == 304
    js = requests.get(community.url + "/static/hearth.js", timeout=10)
    assert js.status_code == 200 and "javascript" in js.headers["Content-Type"]
    assert requests.get(community.url + "/static/nothing.css", timeout=10).status_code == 404
    assert requests.get(community.url + "/static/..%2fhearth.conf", timeout=10).status_code == 404
    robots = requests.get(community.url + "/robots.txt", timeout=10)
    assert robots.status_code == 200 and "Disallow: /settings/" in robots.text
