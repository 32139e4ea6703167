"""Everything the fediverse sends is shown as it was meant, through the
client API and on the pages: articles whole with their title first (and
folded on timelines behind a teaser), PeerTube videos and sounds with a
player, polls with their server's counts and end, galleries of several
images, and objects of kinds Hearth does not know as a card that links to
them.

Real documents (../shared/testdata/activitypub) are moved onto a loopback
server run by the test and delivered in a Create signed by a stand-in for
their author, as in test_real_documents.py; Questions, sounds, galleries
and unknown kinds are written here."""
import json
import re
import time
import uuid

import pytest
import requests

from apremote import sign_and_post
from conftest import client
from test_real_documents import AS_PUBLIC, DATA, first_id, setup, stand_in  # noqa: F401 (fixture)

pytestmark = pytest.mark.skipif(DATA is None, reason="shared/testdata/activitypub is not here")

ON_ATTR = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)


@pytest.fixture(scope="module")
def env(setup):
    """test_real_documents' server, document server and key, with alice's API client."""
    srv, peer, key = setup
    return srv, peer, key, client(srv, "alice")


def load(rel):
    with open(f"{DATA}/{rel}", encoding="utf-8") as fh:
        return json.load(fh)


def send(env, obj, kind="Create", serve=True):
    """Delivers obj (already on the test's host) in a signed kind by its author;
    with serve unset, the object can only be had from the activity (no fetch)."""
    srv, peer, key, _ = env
    author = first_id(obj.get("attributedTo"))
    peer.serve(stand_in(peer, author, key))
    if serve:
        peer.serve(obj)
    activity = {"@context": "https://www.w3.org/ns/activitystreams",
                "id": f"{peer.base}/activities/{uuid.uuid4().hex}", "type": kind,
                "actor": author, "to": obj.get("to", [AS_PUBLIC]), "cc": obj.get("cc", []),
                "object": obj}
    r = sign_and_post(srv, author + "#main-key", key[0], json.dumps(activity).encode())
    assert r.status_code == 202, r.text


def real(env, rel):
    """A real document moved onto the test's host, delivered; its status as the API shows it."""
    _, peer, _, _ = env
    obj = peer.rewrite(load(rel))
    obj.pop("@context", None)
    send(env, obj)
    return obj, wait_status(env, obj["id"])


def wait_status(env, uri, timeout=10):
    alice = env[3]
    deadline = time.time() + timeout
    while time.time() < deadline:
        found = alice.search_v2(uri, resolve=True, result_type="statuses")["statuses"]
        if found:
            return api_status(env, found[0]["id"])
        time.sleep(0.2)
    raise AssertionError(f"{uri} was not stored")


def api_status(env, sid):
    srv, _, _, alice = env
    r = requests.get(f"{srv.url}/api/v1/statuses/{sid}",
                     headers={"Authorization": "Bearer " + alice.access_token}, timeout=10)
    assert r.status_code == 200, r.text
    return r.json()


def page(env, st):
    """The post's own page, as a visitor sees it."""
    srv = env[0]
    r = requests.get(f"{srv.url}/@{st['account']['acct']}/{st['id']}", timeout=10)
    assert r.status_code == 200, r.text[:300]
    return r.text


def profile(env, st):
    srv = env[0]
    r = requests.get(f"{srv.url}/@{st['account']['acct']}", timeout=10)
    assert r.status_code == 200, r.text[:300]
    return r.text


def content_div(html, cls):
    m = re.search(r'<div class="content %s"[^>]*>(.*?)</div>' % cls, html, re.S)
    assert m, f"no content {cls} in the page"
    return m.group(1)


def new_author(env, name):
    _, peer, _, _ = env
    return f"{peer.base}/users/{name}"


def test_wordpress_article_whole_with_title_and_images(env):
    obj, st = real(env, "wordpress/objects/page.json")
    title = obj["name"]
    # The API carries the whole article, its title first as a heading.
    assert st["content"].startswith("<h2>An Epic 3D-Printed Fan Expansion")
    assert "Subscribe to this blog via RSS" in st["content"]  # the very end of the article
    assert st["content"].count("<img ") > 50
    assert st["spoiler_text"] == ""  # an Article's summary is a teaser, not a warning
    assert len(st["media_attachments"]) == 4
    assert st["url"] == obj["url"]
    # Its page shows it whole, with headings, pictures and the gallery.
    html = page(env, st)
    body = content_div(html, "article-body")
    assert "<h2>An Epic 3D-Printed" in body and "Subscribe to this blog via RSS" in body
    assert "<img " in body and "<script" not in body.lower() and " style=" not in body
    assert not ON_ATTR.search(body)
    assert "Read more" not in html
    assert 'class="media gallery"' in html
    assert 'alt="A fleet of varied spacships"' in html
    assert html.count('class="media-item"') == 4
    # On a list of posts it is folded behind its summary, with a link to read it all.
    prof = profile(env, st)
    assert "I like the Last Light boardgame" in prof
    assert "Subscribe to this blog via RSS" not in prof
    assert re.search(r'<a href="/@[^"]+/%s">Read more' % st["id"], prof)
    assert title.split(" ")[0] in prof


def test_article_with_summary_and_short_page(env):
    _, st = real(env, "nodebb/objects/page.json")
    assert st["content"].startswith("<h2>Welcome to your NodeBB!</h2>")
    assert "<h3>Welcome to your brand new NodeBB forum!</h3>" in st["content"]
    assert st["spoiler_text"] == ""
    _, short = real(env, "friendica/objects/page_1.json")
    assert short["content"].startswith("<h2>ISS astronauts perform final spacewalk")
    html = profile(env, short)
    # A short page is shown whole even on a list.
    assert "Read more" not in html
    assert "ISS astronauts perform final spacewalk" in content_div(html, "article-body")


def test_link_post_keeps_its_link(env):
    # A Lemmy-style link post: a Page in a group, the page it is about as a Link attachment.
    author = new_author(env, "linker")
    base = env[1].base
    obj = {"id": f"{base}/post/77", "type": "Page", "attributedTo": author,
           "name": "A new release is out", "to": [AS_PUBLIC], "audience": f"{base}/c/news",
           "content": "<p>Worth a look</p>", "mediaType": "text/html",
           "attachment": [{"type": "Link", "href": "https://example.org/release?a=1&b=2"}]}
    send(env, obj)
    st = wait_status(env, obj["id"])
    assert st["content"].startswith("<h2>A new release is out</h2><p>Worth a look</p>")
    assert 'href="https://example.org/release?a=1&amp;b=2"' in st["content"]
    assert st["media_attachments"] == []
    assert 'href="https://example.org/release?a=1&amp;b=2"' in page(env, st)


def test_peertube_video_plays_with_poster(env):
    obj, st = real(env, "peertube/objects/video.json")
    assert st["content"].startswith("<h2>Mesa, Wayland &amp; X.org in trouble")
    assert "squarespace.com/thelinuxexperiment" in st["content"]  # the description, linked
    assert "<a href=" in st["content"]
    [m] = st["media_attachments"]
    assert m["type"] == "video"
    # The 360-line MP4 file: playable, and not the 245 MB one.
    assert m["url"].endswith("-360-fragmented.mp4"), m["url"]
    assert m["url"].startswith(env[1].base)
    assert m["preview_url"].endswith("ef6088ee-c83a-4fcf-8be2-58db95ca5135.jpg"), m["preview_url"]
    assert m["meta"]["original"]["width"] == 640 and m["meta"]["original"]["height"] == 360
    assert st["url"] == obj["url"][0]["href"]  # the watch page
    html = page(env, st)
    video = re.search(r"<video [^>]*>.*?</video>", html, re.S)
    assert video, "no player on the page"
    tag = video.group(0)
    assert 'controls' in tag and 'preload="none"' in tag
    assert 'poster="%s"' % m["preview_url"] in tag
    assert '<source src="%s" type="video/mp4">' % m["url"] in tag


def test_audio_plays(env):
    author = new_author(env, "funk")
    base = env[1].base
    obj = {"id": f"{base}/library/tracks/1", "type": "Audio", "attributedTo": author,
           "name": "Night drive", "to": [AS_PUBLIC], "published": "2024-01-01T10:00:00Z",
           "content": "<p>Recorded live</p>",
           "url": [{"type": "Link", "mediaType": "text/html", "href": f"{base}/library/tracks/1"},
                   {"type": "Link", "mediaType": "audio/flac", "href": f"{base}/listen/1.flac"},
                   {"type": "Link", "mediaType": "audio/mpeg", "href": f"{base}/listen/1.mp3"}],
           "image": {"type": "Image", "mediaType": "image/jpeg", "url": f"{base}/covers/1.jpg"}}
    send(env, obj)
    st = wait_status(env, obj["id"])
    assert st["content"].startswith("<h2>Night drive</h2><p>Recorded live</p>")
    [m] = st["media_attachments"]
    assert m["type"] == "audio" and m["url"] == f"{base}/listen/1.mp3"
    assert m["preview_url"] == f"{base}/covers/1.jpg"
    html = page(env, st)
    assert re.search(r'<audio controls preload="none"[^>]*><source src="%s" type="audio/mpeg">'
                     % re.escape(m["url"]), html)


def test_gallery_of_many_images(env):
    author = new_author(env, "painter")
    base = env[1].base
    atts = [{"type": "Image", "mediaType": "image/png", "url": f"{base}/img/{i}.png",
             "name": f"Sketch number {i}", "width": 800, "height": 600} for i in range(6)]
    obj = {"id": f"{base}/notes/gallery", "type": "Note", "attributedTo": author,
           "content": "<p>Six sketches</p>", "to": [AS_PUBLIC], "attachment": atts}
    send(env, obj)
    st = wait_status(env, obj["id"])
    assert [m["description"] for m in st["media_attachments"]] == \
        [f"Sketch number {i}" for i in range(6)]
    assert all(m["type"] == "image" for m in st["media_attachments"])
    html = page(env, st)
    assert 'class="media gallery"' in html and 'aria-label="6 images"' in html
    for i in range(6):
        assert f'alt="Sketch number {i}"' in html


def test_image_object_is_its_picture(env):
    author = new_author(env, "photographer")
    base = env[1].base
    obj = {"id": f"{base}/photos/1", "type": "Image", "attributedTo": author,
           "name": "Harbour at dawn", "to": [AS_PUBLIC], "url": f"{base}/photos/1.jpg"}
    send(env, obj)
    st = wait_status(env, obj["id"])
    [m] = st["media_attachments"]
    assert m["type"] == "image" and m["url"] == f"{base}/photos/1.jpg"
    assert m["description"] == "Harbour at dawn"
    assert 'alt="Harbour at dawn"' in page(env, st)


def question(base, author, name, **extra):
    obj = {"id": f"{base}/questions/{name}", "type": "Question", "attributedTo": author,
           "content": f"<p>{name}?</p>", "to": [AS_PUBLIC], "published": "2024-05-01T10:00:00Z"}
    obj.update(extra)
    return obj


def choice(name, votes):
    return {"type": "Note", "name": name, "replies": {"type": "Collection", "totalItems": votes}}


def test_open_poll_counts_and_update(env):
    base = env[1].base
    author = new_author(env, "asker")
    ends = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 3 * 86400))
    obj = question(base, author, "lunch", endTime=ends, votersCount=12,
                   oneOf=[choice(n, v) for n, v in
                          (("Soup", 7), ("Salad", 5), ("Pie", 0), ("Tea", 0), ("Cake", 0),
                           ("Rice", 0))])
    send(env, obj)
    st = wait_status(env, obj["id"])
    p = st["poll"]
    assert [o["title"] for o in p["options"]] == ["Soup", "Salad", "Pie", "Tea", "Cake", "Rice"]
    assert [o["votes_count"] for o in p["options"]] == [7, 5, 0, 0, 0, 0]
    assert p["votes_count"] == 12 and p["voters_count"] == 12
    assert p["expired"] is False and p["multiple"] is False
    assert p["expires_at"].startswith(ends[:16])
    # The server sends the Question again as votes come in: the counts follow.
    obj["oneOf"] = [choice(n, v) for n, v in (("Soup", 9), ("Salad", 6), ("Pie", 1), ("Tea", 0),
                                              ("Cake", 0), ("Rice", 0))]
    obj["votersCount"] = 16
    send(env, obj, "Update")
    deadline = time.time() + 10
    while time.time() < deadline:
        p = api_status(env, st["id"])["poll"]
        if p["voters_count"] == 16:
            break
        time.sleep(0.2)
    assert [o["votes_count"] for o in p["options"]] == [9, 6, 1, 0, 0, 0]
    again = api_status(env, st["id"])
    assert again["edited_at"] is None  # new counts are not an edit
    html = page(env, again)
    assert "16 votes" in html
    assert "Soup" in html and "ends" in html


def test_closed_multiple_choice_poll(env):
    base = env[1].base
    author = new_author(env, "asker2")
    obj = question(base, author, "colours", closed="2024-05-02T10:00:00Z",
                   endTime="2024-05-02T10:00:00Z", votersCount=3,
                   anyOf=[choice("Red", 2), choice("Blue", 3)])
    send(env, obj)
    st = wait_status(env, obj["id"])
    p = st["poll"]
    assert p["multiple"] is True and p["expired"] is True
    assert p["expires_at"].startswith("2024-05-02T10:00:00")
    assert [o["votes_count"] for o in p["options"]] == [2, 3]
    assert p["voters_count"] == 3 and p["votes_count"] == 5
    html = page(env, st)
    poll = re.search(r'<div class="poll">.*?</div>', html, re.S).group(0)
    assert "ended" in poll and "<form" not in poll
    assert "40%" in poll and "60%" in poll


def test_unknown_type_is_a_card(env):
    base = env[1].base
    author = new_author(env, "critic")
    obj = {"id": f"{base}/reviews/1", "type": "Review", "attributedTo": author,
           "name": "Great pasta place", "to": [AS_PUBLIC], "url": f"{base}/reviews/1.html",
           "summary": "<p>Five stars <script>alert(1)</script><b onclick=\"x()\">really</b></p>",
           "content": "<p>" + "The sauce was perfect. " * 60 + "</p>"}
    send(env, obj)
    st = wait_status(env, obj["id"])
    c = st["content"]
    assert "<strong>Review</strong>: Great pasta place" in c
    assert "Five stars" in c and "<script" not in c and "onclick" not in c
    assert f'<a href="{base}/reviews/1.html"' in c
    assert len(c) < 2000  # shortened, not the whole text
    html = page(env, st)
    card = content_div(html, "object-card")
    assert "Great pasta place" in card and f'href="{base}/reviews/1.html"' in card
    assert 'data-type="Review"' in html
    assert not ON_ATTR.search(card)


def test_what_is_not_a_post_is_still_ignored(env):
    base = env[1].base
    author = new_author(env, "quiet")
    # An unknown kind addressed to no one, and a chat message, are not posts.
    nobody = {"id": f"{base}/recipes/secret", "type": "Recipe", "attributedTo": author,
              "name": "Secret"}
    srv, peer, key, alice = env
    peer.serve(stand_in(peer, author, key))
    peer.serve(nobody)
    activity = {"@context": "https://www.w3.org/ns/activitystreams",
                "id": f"{base}/activities/{uuid.uuid4().hex}", "type": "Create",
                "actor": author, "object": nobody}
    r = sign_and_post(srv, author + "#main-key", key[0], json.dumps(activity).encode())
    assert r.status_code == 202
    chat = peer.rewrite(load("pleroma/objects/chat_message.json"))
    chat.pop("@context", None)
    send(env, chat)
    # Something sent after them arrives: they were processed by then.
    later = {"id": f"{base}/listings/1", "type": "Listing", "attributedTo": author,
             "name": "Bike for sale", "to": [AS_PUBLIC], "content": "<p>Blue, 3 gears</p>"}
    send(env, later, serve=False)  # stored from the inbox, never fetched
    st = wait_status(env, later["id"])
    assert "<strong>Listing</strong>: Bike for sale" in st["content"]
    time.sleep(0.5)
    for uri in (nobody["id"], chat["id"]):
        assert alice.search_v2(uri, resolve=True, result_type="statuses")["statuses"] == []
