"""Hearth's own pages are safe to look at: a hostile remote post renders
harmless, a signed-out visitor sees nothing beyond public and unlisted
posts on any page, forms need their CSRF token, and every page carries the
security headers. A real server on loopback, a remote actor signing with
python3-httpsig, and the pages fetched as a browser would."""
import os
import re
import time

import pytest
import requests
from lxml import html as lxml_html

from apremote import Remote, signed_post
from conftest import add_user, client, free_port, init_data, start_server
from webpages import Browser

AS_PUBLIC = "https://www.w3.org/ns/activitystreams#Public"

HOSTILE = (
    '<p>hello <script>alert(1)</script><img src=x onerror="alert(2)">'
    '<a href="javascript:alert(3)">click</a> <a href="https://ok.example/" onclick="alert(4)">ok</a>'
    '<style>body{display:none}</style><span style="position:fixed;top:0;left:0;'
    'width:100%;height:100%;background:red">cover</span>'
    '<iframe src="https://evil.example/"></iframe><form action="https://evil.example/">'
    '<input name=x></form><svg onload="alert(5)"><a xlink:href="javascript:alert(6)">s</a></svg>'
    '<object data="https://evil.example/x.swf"></object>"quoted" &amp; done</p>'
)


@pytest.fixture
def setup(tmpdir_path):
    data = os.path.join(tmpdir_path, "data")
    port = free_port()
    init_data(data, port, ("--test-network",))
    for name in ("alice", "bob"):
        add_user(data, name)
    srv = start_server(data, port)
    remote = Remote(tmpdir_path)
    yield srv, remote
    remote.stop()
    srv.stop()


def wait_for(fn, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        got = fn()
        if got:
            return got
        time.sleep(0.1)
    return fn()


def test_hostile_remote_post_renders_harmless(setup):
    srv, remote = setup
    act = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{remote.base}/activities/mallory/1", "type": "Create",
        "actor": remote.uri("mallory"), "to": [AS_PUBLIC],
        "object": {"id": f"{remote.base}/notes/mallory/1", "type": "Note",
                   "attributedTo": remote.uri("mallory"), "to": [AS_PUBLIC],
                   "summary": '<b>cw</b><script>alert("cw")</script>',
                   "url": "javascript:alert(7)",
                   "content": HOSTILE, "published": "2026-01-01T00:00:00Z"},
    }
    assert signed_post(srv, remote, act).status_code == 202
    acct = f"mallory@127.0.0.1:{remote.port}"

    def find():
        r = requests.get(srv.url + "/api/v1/accounts/lookup", params={"acct": acct}, timeout=10)
        return r.status_code == 200 and requests.get(
            srv.url + f"/api/v1/accounts/{r.json()['id']}/statuses", timeout=10).json()
    statuses = wait_for(find)
    assert statuses, "the remote post was not stored"
    sid = statuses[0]["id"]

    for path in (f"/@{acct}", f"/@{acct}/{sid}"):
        r = requests.get(srv.url + path, timeout=10)
        assert r.status_code == 200, path
        page = r.text
        assert "hello" in page and "cover" in page and "done" in page
        doc = lxml_html.fromstring(page)
        # No script but Hearth's own file, no frames, objects, forms of the remote's.
        scripts = doc.xpath("//script")
        assert all(s.get("src", "").startswith("/static/hearth.js") for s in scripts), path
        assert not any(s.text and s.text.strip() for s in scripts)
        assert not doc.xpath("//iframe|//object|//embed|//style|//svg|//math"), path
        assert not doc.xpath("//form[starts-with(@action, 'http')]"), path
        # No event handler attribute and no script URL anywhere.
        for el in doc.iter():
            for name, value in el.attrib.items():
                assert not name.lower().startswith("on"), (path, el.tag, name)
                assert not value.strip().lower().startswith(("javascript:", "data:text")), \
                    (path, el.tag, name, value)
            style = el.get("style")
            assert style is None or re.fullmatch(r"background-color: #[0-9a-f]{6}", style), \
                (path, el.tag, style)
        # The content warning is text, shown escaped.
        assert "<b>cw</b>" not in page and "<script>alert" not in page
        # The link to the origin is the post's http(s) id, never the javascript: url.
        origins = doc.xpath("//a[contains(@class, 'origin')]/@href")
        assert all(o.startswith("http") for o in origins), origins
    # The headers that keep anything missed from running.
    r = requests.get(srv.url + f"/@{acct}/{sid}", timeout=10)
    csp = r.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp
    assert r.headers["X-Frame-Options"] == "DENY"
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Referrer-Policy"] == "same-origin"


def test_visitor_sees_only_public_and_unlisted(setup):
    srv, _ = setup
    alice = client(srv, "alice")
    bob = client(srv, "bob")
    bob.account_follow(alice.me()["id"])
    shown = {
        "public": alice.status_post("pub-text #topic", visibility="public"),
        "unlisted": alice.status_post("unl-text #topic", visibility="unlisted"),
    }
    hidden = {
        "private": alice.status_post("fol-text #topic", visibility="private"),
        "direct": alice.status_post("dir-text @bob #topic", visibility="direct"),
        "local": requests.post(srv.url + "/api/v1/statuses", timeout=10,
                               headers={"Authorization": "Bearer " + alice.access_token},
                               data={"status": "loc-text #topic", "visibility": "local"}).json(),
    }
    pages = ["/", "/about", "/@alice", "/tags/topic", "/@alice.rss", "/@alice.atom",
             "/tags/topic.rss", "/tags/topic.atom"]
    visitor = requests.Session()
    for path in pages:
        r = visitor.get(srv.url + path, timeout=10)
        if path.endswith((".rss", ".atom")) and r.status_code == 404:
            continue  # feeds are checked where they are built
        assert r.status_code == 200, path
        for st in hidden.values():
            text = st["content"].split(">", 1)[1][:8]
            assert text not in r.text, (path, text)
    assert "pub-text" in visitor.get(srv.url + "/@alice", timeout=10).text
    assert "unl-text" in visitor.get(srv.url + "/@alice", timeout=10).text
    # Unlisted posts stay off the tag page, as on Mastodon.
    assert "unl-text" not in visitor.get(srv.url + "/tags/topic", timeout=10).text
    for kind, st in hidden.items():
        for path in (f"/@alice/{st['id']}", f"/statuses/{st['id']}"):
            r = visitor.get(srv.url + path, allow_redirects=False, timeout=10)
            assert r.status_code == 404, (kind, path, r.status_code)
            assert st["content"][3:11] not in r.text
    for st in shown.values():
        assert visitor.get(srv.url + f"/@alice/{st['id']}", timeout=10).status_code == 200
    # Bob, signed in, sees the followers-only post and the direct message on their pages.
    b = Browser(srv)
    b.login("bob")
    assert "fol-text" in b.get(f"/@alice/{hidden['private']['id']}").text
    assert "dir-text" in b.get(f"/@alice/{hidden['direct']['id']}").text
    assert "loc-text" in b.get(f"/@alice/{hidden['local']['id']}").text


def test_login_form_and_csrf(setup):
    srv, _ = setup
    b = Browser(srv)
    # A login without the form's token (or with another visitor's) is refused.
    r = b.post("/login", {"username": "alice", "password": "correct horse battery"}, csrf=False)
    assert r.status_code == 403 and "hearth_session" not in r.headers.get("Set-Cookie", "")
    other = Browser(srv)
    other.get("/login")
    b.get("/login")
    r = b.post("/login", {"username": "alice", "password": "correct horse battery",
                          "csrf": other.csrf})
    assert r.status_code == 403
    # From another site, even with the token.
    r = b.post("/login", {"username": "alice", "password": "correct horse battery"},
               headers={"Origin": "http://evil.example"})
    assert r.status_code == 403
    # A wrong password says so and sets no session.
    r = b.post("/login", {"username": "alice", "password": "wrong password here"})
    assert r.status_code == 401 and "Wrong username or password" in r.text
    assert "hearth_session" not in b.s.cookies
    # The right one: an HttpOnly, SameSite cookie and a redirect to where she was going.
    b.get("/login?return_to=/@bob")
    r = b.post("/login", {"username": "alice", "password": "correct horse battery",
                          "return_to": "/@bob"})
    assert r.status_code == 303 and r.headers["Location"] == "/@bob"
    cookie = [c for c in r.headers["Set-Cookie"].split(", ") if c.startswith("hearth_session=")][0]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    # Only paths on this server are followed after a login.
    b2 = Browser(srv)
    b2.get("/login")
    r = b2.post("/login", {"username": "bob", "password": "correct horse battery",
                           "return_to": "//evil.example/x"})
    assert r.status_code == 303 and r.headers["Location"] == "/home"
    # Logging out needs the token too, and ends the session for good.
    token = b.s.cookies["hearth_session"]
    b.get("/@bob")
    assert b.post("/logout", csrf=False).status_code == 403
    assert b.post("/logout").status_code == 303
    again = requests.get(srv.url + "/@bob", cookies={"hearth_session": token}, timeout=10)
    assert "Log in" in again.text and 'data-member="1"' not in again.text


def test_login_attempts_are_limited(setup):
    srv, _ = setup
    b = Browser(srv)
    b.get("/login")
    codes = [b.post("/login", {"username": "bob", "password": f"guess {i} wrong"}).status_code
             for i in range(7)]
    assert codes[:5] == [401] * 5 and codes[-1] == 429, codes
    r = b.post("/login", {"username": "bob", "password": "correct horse battery"})
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0
    # Another account from another visitor is not held back by bob's.
    other = Browser(srv)
    other.login("alice")


def test_stream_accepts_the_session_cookie(setup):
    srv, _ = setup
    b = Browser(srv)
    b.login("alice")
    r = b.s.get(srv.url + "/api/v1/streaming/user", stream=True, timeout=10)
    assert r.status_code == 200
    r.close()
    # The cookie of an app's token is not taken, nor a made-up one.
    r = requests.get(srv.url + "/api/v1/streaming/user", cookies={"hearth_session": "nope"},
                     stream=True, timeout=10)
    assert r.status_code == 401
    r.close()
