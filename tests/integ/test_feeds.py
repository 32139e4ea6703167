"""RSS 2.0 and Atom feeds of members' public posts (/@NAME.rss, /@NAME.atom)
and of hashtags (/tags/TAG.rss, /tags/TAG.atom): well-formed whatever the
posts say, holding only what anyone may see, and gone when a member turns
hers off."""
import email.utils
import io
import os
import sqlite3
import time
from datetime import datetime

import requests
from lxml import etree
from PIL import Image

from conftest import client

ATOM = "{http://www.w3.org/2005/Atom}"
RSS_TYPE = "application/rss+xml; charset=utf-8"
ATOM_TYPE = "application/atom+xml; charset=utf-8"


def hdr(m):
    return {"Authorization": "Bearer " + m.access_token}


def png_bytes(width=40, height=30):
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 40, 90)).save(out, "PNG")
    return out.getvalue()


def post(srv, m, text, **data):
    r = requests.post(srv.url + "/api/v1/statuses", headers=hdr(m), data={"status": text, **data})
    assert r.status_code == 200, r.text
    return r.json()


def fetch(url, ctype):
    """GETs a feed and parses it strictly (lxml refuses anything not well-formed)."""
    r = requests.get(url)
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"] == ctype
    assert r.headers["Cache-Control"] == "public, max-age=300"
    parser = etree.XMLParser(recover=False, resolve_entities=False, no_network=True)
    return r.content, etree.fromstring(r.content, parser)


def rfc822(text):
    d = email.utils.parsedate_to_datetime(text)
    assert d.tzinfo is not None
    return d


def rfc3339(text):
    assert text.endswith("Z") or text[-6] in "+-"
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def check_rss(root, url):
    """RSS 2.0's required elements; returns the items."""
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    assert channel is not None
    for name in ("title", "link", "description"):
        assert channel.findtext(name), name
    self_link = channel.find(ATOM + "link")
    assert self_link.get("rel") == "self" and self_link.get("href") == url
    rfc822(channel.findtext("lastBuildDate"))
    items = channel.findall("item")
    for it in items:
        assert it.findtext("title") and it.findtext("description") is not None
        assert it.findtext("link") == it.findtext("guid")
        assert it.find("guid").get("isPermaLink") == "true"
        rfc822(it.findtext("pubDate"))
        for enc in it.findall("enclosure"):
            assert enc.get("url") and enc.get("type") and int(enc.get("length")) > 0
    # Newest first.
    dates = [rfc822(it.findtext("pubDate")) for it in items]
    assert dates == sorted(dates, reverse=True)
    return items


def check_atom(root, url):
    """Atom's required elements (RFC 4287); returns the entries."""
    assert root.tag == ATOM + "feed"
    assert root.findtext(ATOM + "id") and root.findtext(ATOM + "title")
    rfc3339(root.findtext(ATOM + "updated"))
    links = {l.get("rel"): l.get("href") for l in root.findall(ATOM + "link")}
    assert links["self"] == url and links["alternate"]
    entries = root.findall(ATOM + "entry")
    for e in entries:
        assert e.findtext(ATOM + "id") and e.findtext(ATOM + "title")
        rfc3339(e.findtext(ATOM + "updated"))
        rfc3339(e.findtext(ATOM + "published"))
        alt = [l for l in e.findall(ATOM + "link") if l.get("rel") == "alternate"]
        assert len(alt) == 1 and alt[0].get("href") == e.findtext(ATOM + "id")
        # Every entry has an author, here or on the feed.
        assert e.find(ATOM + "author") is not None or root.find(ATOM + "author") is not None
        assert e.find(ATOM + "content").get("type") == "html"
    return entries


def test_member_feeds(community):
    srv = community
    alice, bob = client(srv, "alice"), client(srv, "bob")
    bob_id = str(bob.account_verify_credentials()["id"])
    r = requests.patch(srv.url + "/api/v1/accounts/update_credentials", headers=hdr(alice),
                       data={"display_name": "Alice Gardener", "note": "Grows beans & peas"},
                       files={"avatar": ("a.png", png_bytes(), "image/png")})
    assert r.status_code == 200, r.text
    avatar = r.json()["avatar"]

    media = requests.post(srv.url + "/api/v2/media", headers=hdr(alice),
                          files={"file": ("p.png", png_bytes(64, 48), "image/png")},
                          data={"description": "A pink card"})
    assert media.status_code in (200, 202), media.text
    media = media.json()
    public = post(srv, alice, "PUBLICWORD first line #Garden\nsecond line", spoiler_text="Mud ahead",
                  **{"media_ids[]": media["id"]})
    unlisted = post(srv, alice, "UNLISTEDWORD quiet #garden", visibility="unlisted")
    secret = {
        "SECRETFOLLOWERS": post(srv, alice, "SECRETFOLLOWERS #garden", visibility="private"),
        "SECRETDIRECT": post(srv, alice, "@bob SECRETDIRECT #garden", visibility="direct"),
        "SECRETLOCAL": post(srv, alice, "SECRETLOCAL #garden", visibility="local"),
        "SECRETLOCALONLY": post(srv, alice, "SECRETLOCALONLY #garden", local_only="true"),
        "SECRETNEIGHBOR": post(srv, alice, "SECRETNEIGHBOR #garden", visibility="neighborhood"),
    }
    assert [s["visibility"] for s in secret.values()][:2] == ["private", "direct"]
    # Replies to others and boosts stay out of her feed (as in Mastodon's); her threads stay.
    bobs = post(srv, bob, "BOBWORD from bob")
    post(srv, alice, "@bob REPLYWORD to bob", in_reply_to_id=bobs["id"])
    thread = post(srv, alice, "", in_reply_to_id=unlisted["id"], **{"media_ids[]": requests.post(
        srv.url + "/api/v2/media", headers=hdr(alice),
        files={"file": ("q.png", png_bytes(20, 20), "image/png")}).json()["id"]})
    alice.status_reblog(bobs["id"])
    hostile = post(srv, alice, "evil <script>alert(1)</script> ]]> \x01\x02\x1f\x7f & &amp; "
                   "\u2028 \U0001F600 end", spoiler_text="</title>]]>\x0b<x>")
    # The control characters are kept as posted: the feed is what drops them.
    assert "\x01\x02" in hostile["content"] and "\x0b" in hostile["spoiler_text"]

    rss_url, atom_url = srv.url + "/@alice.rss", srv.url + "/@alice.atom"
    raw, root = fetch(rss_url, RSS_TYPE)
    items = check_rss(root, rss_url)
    channel = root.find("channel")
    assert channel.findtext("title") == f"Alice Gardener (@alice@{srv.url.split('//')[1]})"
    assert channel.findtext("link") == srv.url + "/@alice"
    assert channel.findtext("description") == "Grows beans & peas"
    assert channel.find("image").findtext("url") == avatar
    guids = [it.findtext("guid") for it in items]
    assert guids == [hostile["url"], thread["url"], unlisted["url"], public["url"]]
    by_url = {it.findtext("guid"): it for it in items}
    first = by_url[public["url"]]
    assert first.findtext("title") == "Mud ahead"
    html = first.findtext("description")
    assert html.index("Mud ahead") < html.index("PUBLICWORD")
    assert [c.text for c in first.findall("category")] == ["garden"]
    enc = first.findall("enclosure")
    assert len(enc) == 1 and enc[0].get("type") == "image/png"
    got = requests.get(enc[0].get("url"))
    assert got.status_code == 200 and len(got.content) == int(enc[0].get("length"))
    assert by_url[unlisted["url"]].findtext("title") == "UNLISTEDWORD quiet #garden"
    # A post of media only gets a title of its own.
    assert by_url[thread["url"]].findtext("title") == f"Reply by @alice@{srv.url.split('//')[1]}"
    assert len(by_url[thread["url"]].findall("enclosure")) == 1

    # The hostile post: the document parsed, nothing raw came through.
    evil = by_url[hostile["url"]]
    assert evil.findtext("title") == "</title>]]><x>"
    assert "<script>" not in evil.findtext("description")
    assert "&lt;script&gt;" in evil.findtext("description")
    assert "\U0001F600" in evil.findtext("description")
    assert b"]]>" not in raw and b"<script" not in raw and b"\x01" not in raw and b"\x0b" not in raw

    raw_atom, feed = fetch(atom_url, ATOM_TYPE)
    entries = check_atom(feed, atom_url)
    assert [e.findtext(ATOM + "id") for e in entries] == guids
    assert feed.findtext(ATOM + "title") == channel.findtext("title")
    assert feed.find(ATOM + "author").findtext(ATOM + "name") == "Alice Gardener"
    assert feed.findtext(ATOM + "icon") == avatar
    e0 = {e.findtext(ATOM + "id"): e for e in entries}[public["url"]]
    assert [c.get("term") for c in e0.findall(ATOM + "category")] == ["garden"]
    encl = [l for l in e0.findall(ATOM + "link") if l.get("rel") == "enclosure"]
    assert len(encl) == 1 and encl[0].get("href") == enc[0].get("url")
    assert encl[0].get("type") == "image/png" and encl[0].get("length") == enc[0].get("length")
    assert b"]]>" not in raw_atom and b"<script" not in raw_atom and b"\x01" not in raw_atom

    # Never a post that anyone may not see, nor the reply to bob or the boost.
    for body in (raw, raw_atom):
        for word in list(secret) + ["REPLYWORD", "BOBWORD"]:
            assert word.encode() not in body, word

    # Her own domain may be named; HEAD answers like GET.
    host = srv.url.split("//")[1]
    assert requests.get(f"{srv.url}/@alice@{host}.rss").content == raw
    h = requests.head(rss_url)
    assert h.status_code == 200 and h.headers["Content-Type"] == RSS_TYPE and h.content == b""


def test_feed_limits_to_twenty(community):
    dave = client(community, "dave")
    made = [post(community, dave, f"number {i}")["url"] for i in range(23)]
    _, root = fetch(community.url + "/@dave.rss", RSS_TYPE)
    items = check_rss(root, community.url + "/@dave.rss")
    assert [it.findtext("guid") for it in items] == made[::-1][:20]
    # No bio: a description all the same; no avatar: no image.
    assert root.find("channel").findtext("description").startswith("Public posts from @dave@")
    assert root.find("channel").find("image") is None


def remote_post_with_tag(srv, tag, text):
    """A remote account's public post with the tag, stored as federation would."""
    db = sqlite3.connect(os.path.join(srv.data, "hearth.db"))
    sid = int(time.time() * 1000) << 16
    db.execute("INSERT INTO accounts (id, username, domain, acct_key, uri, url, created_at,"
               " updated_at) VALUES (5001, 'far', 'far.example', 'far@far.example',"
               " 'https://far.example/users/far', 'https://far.example/@far', 0, 0)")
    db.execute("INSERT INTO statuses (id, account_id, uri, url, local, visibility, content,"
               " created_at) VALUES (?, 5001, ?, ?, 0, 0, ?, ?)",
               (sid, f"https://far.example/s/{sid}", f"https://far.example/@far/{sid}",
                f"<p>{text}</p>", int(time.time() * 1000)))
    row = db.execute("SELECT id FROM tags WHERE name = ?", (tag,)).fetchone()
    db.execute("INSERT INTO status_tags (status_id, tag_id) VALUES (?, ?)", (sid, row[0]))
    db.commit()
    db.close()


def test_tag_feeds(community):
    srv = community
    alice, bob = client(srv, "alice"), client(srv, "bob")
    line = "ALICETAGGED #Compost " + "w\u00f6rd " * 20
    a1 = post(srv, alice, line + "\nsecond line")
    b1 = post(srv, bob, "BOBTAGGED #compost", spoiler_text="smelly")
    secrets = [
        post(srv, alice, "SECRETUNLISTED #compost", visibility="unlisted"),
        post(srv, alice, "SECRETFOLLOWERS #compost", visibility="private"),
        post(srv, alice, "@bob SECRETDIRECT #compost", visibility="direct"),
        post(srv, alice, "SECRETLOCAL #compost", visibility="local"),
        post(srv, alice, "SECRETNEIGHBOR #compost", visibility="neighborhood"),
    ]
    assert len(secrets) == 5
    post(srv, alice, "OTHERTAG #mulch")
    remote_post_with_tag(srv, "compost", "SECRETREMOTE from afar")
    bob.status_reblog(a1["id"])

    rss_url, atom_url = srv.url + "/tags/compost.rss", srv.url + "/tags/compost.atom"
    raw, root = fetch(rss_url, RSS_TYPE)
    items = check_rss(root, rss_url)
    assert [it.findtext("guid") for it in items] == [b1["url"], a1["url"]]
    assert root.find("channel").findtext("title") == "#compost"
    assert root.find("channel").findtext("link") == srv.url + "/tags/compost"
    assert items[0].findtext("title") == "smelly"
    # A title from the text: its first line, cut at 80 characters.
    assert items[1].findtext("title") == line[:80].rstrip() + "\u2026"
    raw_atom, feed = fetch(atom_url, ATOM_TYPE)
    entries = check_atom(feed, atom_url)
    assert [e.findtext(ATOM + "id") for e in entries] == [b1["url"], a1["url"]]
    authors = [e.find(ATOM + "author").findtext(ATOM + "uri") for e in entries]
    assert authors == [srv.url + "/@bob", srv.url + "/@alice"]
    for body in (raw, raw_atom):
        for word in ("SECRETUNLISTED", "SECRETFOLLOWERS", "SECRETDIRECT", "SECRETLOCAL",
                     "SECRETNEIGHBOR", "SECRETREMOTE", "OTHERTAG"):
            assert word.encode() not in body, word
    # The tag's name in any case; a tag nobody used is an empty feed.
    assert requests.get(srv.url + "/tags/COMPOST.rss").content == raw
    _, empty = fetch(srv.url + "/tags/unused.atom", ATOM_TYPE)
    assert check_atom(empty, srv.url + "/tags/unused.atom") == []
    # Not a hashtag name: 404.
    assert requests.get(srv.url + "/tags/no-such.rss").status_code == 404


def test_feeds_that_do_not_exist(community):
    srv = community
    alice = client(srv, "alice")
    post(srv, alice, "hello #hello")
    assert requests.get(srv.url + "/@alice.rss").status_code == 200
    assert requests.get(srv.url + "/@nobody.rss").status_code == 404
    assert requests.get(srv.url + "/@nobody.atom").status_code == 404
    assert requests.get(srv.url + "/@alice@elsewhere.example.rss").status_code == 404
    remote_post_with_tag(srv, "hello", "from afar")  # makes the remote account far@far.example
    assert requests.get(srv.url + "/@far@far.example.rss").status_code == 404
    assert requests.get(srv.url + "/@far.rss").status_code == 404

    # There is no settings page yet to turn a feed off (account_feed_set), so
    # the test flips the column on the running server's database directly.
    db = sqlite3.connect(os.path.join(srv.data, "hearth.db"))
    db.execute("UPDATE accounts SET feed_disabled = 1 WHERE username = 'alice'")
    db.commit()
    for path in ("/@alice.rss", "/@alice.atom"):
        r = requests.get(srv.url + path)
        assert r.status_code == 404 and r.headers["Content-Type"].startswith("text/plain")
    db.execute("UPDATE accounts SET feed_disabled = 0 WHERE username = 'alice'")
    db.commit()
    assert requests.get(srv.url + "/@alice.atom").status_code == 200
    # A suspended member has no feed either.
    db.execute("UPDATE accounts SET suspended_at = 1 WHERE username = 'bob'")
    db.commit()
    db.close()
    assert requests.get(srv.url + "/@bob.rss").status_code == 404
    assert requests.get(srv.url + "/@carol.rss").status_code == 200


def test_bytes_that_are_not_utf8_in_storage(community):
    """Whatever the database holds (here bytes that are not UTF-8 and forbidden
    characters, written behind the server's back), the feeds stay well-formed."""
    srv = community
    alice = client(srv, "alice")
    st = post(srv, alice, "to be spoiled #bytes")
    db = sqlite3.connect(os.path.join(srv.data, "hearth.db"))
    db.execute("UPDATE statuses SET content = CAST(? AS TEXT), spoiler_text = CAST(? AS TEXT)"
               " WHERE id = ?", (b"<p>bad \xff\xfe\xc3 utf8 \xef\xbf\xbe \x1b end</p>",
                                b"cw \xed\xa0\x80 \x08", int(st["id"])))
    db.commit()
    db.close()
    for url, ctype in ((srv.url + "/@alice.rss", RSS_TYPE), (srv.url + "/tags/bytes.atom", ATOM_TYPE)):
        raw, root = fetch(url, ctype)
        raw.decode("utf-8")  # strict
        text = etree.tostring(root, encoding="unicode")
        assert "bad \ufffd\ufffd\ufffd utf8" in text and " end" in text
        assert "\x1b" not in text and "\x08" not in text and "\ufffe" not in text
