"""The composer and the settings pages.

A browser-like session (webpages.Browser) sends the pages' forms; what
they changed is read back through the client API (Mastodon.py), which
must report what the member wrote, and through the pages others see.
"""
import html
import io
import os
import re

import requests
from PIL import Image

from conftest import PASSWORD, client
from webpages import Browser


def browser(srv, name):
    b = Browser(srv)
    b.login(name)
    return b


def png(color=(200, 80, 40), size=(64, 48)):
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, "PNG")
    return buf.getvalue()


def posted_id(r, name="alice"):
    assert r.status_code == 303, (r.status_code, r.text[:500])
    m = re.fullmatch(rf"/@{name}/(\d+)", r.headers["Location"])
    assert m, r.headers["Location"]
    return m.group(1)


def test_composer_posts_with_a_warning_an_image_and_a_level(community):
    srv = community
    b = browser(srv, "alice")
    page = b.get("/compose")
    assert page.status_code == 200
    for field in ('id="status"', 'id="spoiler_text"', 'id="visibility"', 'id="media"',
                  'id="media_description"', 'id="poll_option_1"', 'id="char-count"'):
        assert field in page.text, field
    r = b.post("/statuses", {"status": "Spoilers for the book club", "spoiler_text": "chapter 9",
                             "visibility": "unlisted", "media_description": "A red square",
                             "poll_expires_in": "86400"},
               files={"media": ("square.png", png(), "image/png")})
    sid = posted_id(r)
    api = client(srv, "alice")
    st = api.status(sid)
    assert st["content"] == "<p>Spoilers for the book club</p>"
    assert st["spoiler_text"] == "chapter 9" and st["visibility_ex"] == "unlisted"
    assert len(st["media_attachments"]) == 1
    assert st["media_attachments"][0]["description"] == "A red square"
    # Her post page shows the warning with the text folded behind it.
    post = b.get(f"/@alice/{sid}")
    assert "chapter 9" in post.text and "<details class=\"cw\">" in post.text
    # Every other level is offered and kept.
    for level in ("public", "private", "local", "neighborhood"):
        sid = posted_id(b.post("/statuses", {"status": f"A {level} post", "visibility": level}))
        assert api.status(sid)["visibility_ex"] == level


def test_a_poll_and_a_reply(community):
    srv = community
    bob = client(srv, "bob")
    parent = bob.status_post("Where shall we meet on Friday?", visibility="private")
    alice_api = client(srv, "alice")
    alice_api.account_follow(bob.me()["id"])
    b = browser(srv, "alice")
    page = b.get(f"/compose?in_reply_to={parent['id']}")
    assert page.status_code == 200
    assert "Where shall we meet on Friday?" in page.text
    assert f'name="in_reply_to_id" value="{parent["id"]}"' in page.text
    # The reply starts with bob's name and is no wider than the post it answers.
    assert re.search(r'<textarea[^>]*id="status"[^>]*>@bob ', page.text)
    assert re.search(r'<option value="private" selected>', page.text)
    r = b.post("/statuses", {"status": "@bob at the library?", "visibility": "private",
                             "in_reply_to_id": parent["id"], "poll_option": ["Library", "Cafe", ""],
                             "poll_expires_in": "3600", "poll_multiple": "1"})
    sid = posted_id(r)
    st = alice_api.status(sid)
    assert st["in_reply_to_id"] == parent["id"]
    assert [o["title"] for o in st["poll"]["options"]] == ["Library", "Cafe"]
    assert st["poll"]["multiple"] is True
    # Bob was mentioned: he is told.
    kinds = [n["type"] for n in bob.notifications()]
    assert "mention" in kinds
    # A post bob may not see cannot be answered: 404.
    secret = client(srv, "carol").status_post("carol's own note", visibility="direct")
    assert b.get(f"/compose?in_reply_to={secret['id']}").status_code == 404


def test_refused_posts_come_back_filled_in(community):
    srv = community
    b = browser(srv, "alice")
    api = client(srv, "alice")
    before = len(api.account_statuses(api.me()["id"]))
    long_text = "x" * 600
    r = b.post("/statuses", {"status": long_text, "spoiler_text": "kept"})
    assert r.status_code == 422
    assert 'role="alert"' in r.text and long_text in r.text and 'value="kept"' in r.text
    r = b.post("/statuses", {"status": "", "visibility": "public"})
    assert r.status_code == 422
    r = b.post("/statuses", {"status": "x", "visibility": "everyone"})
    assert r.status_code == 422 and "Choose who can see" in r.text
    r = b.post("/statuses", {"status": "a poll with a picture", "poll_option": ["a", "b"]},
               files={"media": ("p.png", png(), "image/png")})
    assert r.status_code == 422 and "not both" in r.text
    r = b.post("/statuses", {"status": "one choice", "poll_option": ["only", ""]})
    assert r.status_code == 422
    r = b.post("/statuses", {"status": "not a picture"},
               files={"media": ("x.png", b"this is no image", "image/png")})
    assert r.status_code == 422 and "image was refused" in r.text
    # Nothing was posted, and no stray upload is attached anywhere.
    assert len(api.account_statuses(api.me()["id"])) == before
    # Without the CSRF token: 403, nothing posted.
    r = b.post("/statuses", {"status": "forged", "csrf": "nope"})
    assert r.status_code == 403
    assert len(api.account_statuses(api.me()["id"])) == before
    # Signed out: sent to the login form.
    r = requests.post(srv.url + "/statuses", data={"status": "anon"}, allow_redirects=False,
                      timeout=10)
    assert r.status_code in (303, 403)


def test_editing_a_post(community):
    srv = community
    b = browser(srv, "alice")
    sid = posted_id(b.post("/statuses", {"status": "Meeting at 6", "visibility": "private",
                                         "poll_option": ["yes", "no"]}))
    page = b.get(f"/compose?edit={sid}")
    assert page.status_code == 200 and "Meeting at 6" in page.text
    assert 'value="yes"' in page.text and "stays as it was posted" in page.text
    r = b.post(f"/statuses/{sid}/edit", {"status": "Meeting at 7", "spoiler_text": "time change",
                                         "poll_option": ["yes", "no", "maybe"]})
    assert r.status_code == 303 and r.headers["Location"] == f"/@alice/{sid}"
    api = client(srv, "alice")
    st = api.status(sid)
    assert st["content"] == "<p>Meeting at 7</p>" and st["spoiler_text"] == "time change"
    assert st["visibility"] == "private" and st["edited_at"]
    assert [o["title"] for o in st["poll"]["options"]] == ["yes", "no", "maybe"]
    assert len(api.status_history(sid)) == 2
    # Someone else's post cannot be edited.
    bob = browser(srv, "bob")
    assert bob.get(f"/compose?edit={sid}").status_code == 404
    assert bob.post(f"/statuses/{sid}/edit", {"status": "hijacked"}).status_code == 404
    assert api.status(sid)["content"] == "<p>Meeting at 7</p>"


def test_profile_settings(community):
    srv = community
    b = browser(srv, "alice")
    page = b.get("/settings/profile")
    assert page.status_code == 200 and "Save profile" in page.text
    r = b.post("/settings/profile", {
        "display_name": "Alice Liddell", "note": "Reads at https://books.example and #tea",
        "fields_attributes[0][name]": "Site", "fields_attributes[0][value]": "https://alice.example",
        "fields_attributes[1][name]": "Pronouns", "fields_attributes[1][value]": "she/her",
        "locked": "1"},
        files={"avatar": ("a.png", png((10, 120, 200), (120, 120)), "image/png")})
    assert r.status_code == 303 and r.headers["Location"] == "/settings/profile?saved=1"
    again = b.get("/settings/profile?saved=1")
    assert "Profile saved." in again.text and 'role="status"' in again.text
    # The form shows what she typed, not the HTML made of it.
    assert "Reads at https://books.example and #tea</textarea>" in again.text
    assert 'value="https://alice.example"' in again.text
    me = client(srv, "alice").me()
    assert me["display_name"] == "Alice Liddell" and me["locked"] is True
    assert 'href="https://books.example"' in me["note"]
    assert [f["name"] for f in me["fields"]] == ["Site", "Pronouns"]
    assert me["source"]["fields"][0]["value"] == "https://alice.example"
    assert "source" not in me["fields"][0]
    assert "/system/" in me["avatar"]
    # Others see it on her profile page.
    prof = requests.get(srv.url + "/@alice", timeout=10).text
    assert "Alice Liddell" in prof and "she/her" in prof
    # A refused change saves nothing and keeps what she typed.
    r = b.post("/settings/profile", {"display_name": "A" * 200, "note": "new bio"})
    assert r.status_code == 422 and 'role="alert"' in r.text and "new bio" in r.text
    assert client(srv, "alice").me()["display_name"] == "Alice Liddell"


def test_preferences_and_the_feed_switch(community):
    srv = community
    client(srv, "alice").status_post("in the feed", visibility="public")
    assert requests.get(srv.url + "/@alice.rss", timeout=10).status_code == 200
    b = browser(srv, "alice")
    page = b.get("/settings/preferences")
    assert 'id="feed" name="feed" value="1" checked' in page.text
    r = b.post("/settings/preferences", {"default_visibility": "local", "sensitive": "1"})
    assert r.status_code == 303
    # The feed box was left unticked: the feeds are off.
    assert requests.get(srv.url + "/@alice.rss", timeout=10).status_code == 404
    assert requests.get(srv.url + "/@alice.atom", timeout=10).status_code == 404
    me = client(srv, "alice").me()
    assert me["source"]["privacy"] == "local" and me["source"]["sensitive"] is True
    # The composer starts at her usual level.
    assert re.search(r'<option value="local" selected>', b.get("/compose").text)
    r = b.post("/settings/preferences", {"default_visibility": "public", "feed": "1"})
    assert r.status_code == 303
    assert requests.get(srv.url + "/@alice.rss", timeout=10).status_code == 200
    r = b.post("/settings/preferences", {"default_visibility": "direct"})
    assert r.status_code == 422


def test_password_and_sessions(community):
    srv = community
    app = client(srv, "alice")  # an app's token
    other = browser(srv, "alice")  # another browser
    b = browser(srv, "alice")
    sessions = b.get("/settings/sessions")
    assert sessions.status_code == 200
    assert "hearth-tests" in sessions.text and "(this one)" in sessions.text
    assert sessions.text.count("Browser session since") == 2
    # Wrong current password, or a confirmation that differs: nothing changes.
    r = b.post("/settings/password", {"current_password": "wrong", "password": "a new secret 1",
                                      "password_confirmation": "a new secret 1"})
    assert r.status_code == 422 and "not right" in r.text
    r = b.post("/settings/password", {"current_password": PASSWORD, "password": "a new secret 1",
                                      "password_confirmation": "another one"})
    assert r.status_code == 422 and "differ" in r.text
    r = b.post("/settings/password", {"current_password": PASSWORD, "password": "a new secret 1",
                                      "password_confirmation": "a new secret 1"})
    assert r.status_code == 303, r.text[:300]
    # This session goes on; the other browser and the app are logged out.
    assert b.get("/home").status_code == 200
    assert other.get("/home").status_code == 303
    r = requests.get(srv.url + "/api/v1/accounts/verify_credentials",
                     headers={"Authorization": "Bearer " + app.access_token}, timeout=10)
    assert r.status_code == 401
    # The new password works, the old one does not.
    fresh = Browser(srv)
    fresh.get("/login")
    assert fresh.post("/login", {"username": "alice", "password": PASSWORD}).status_code == 401
    assert fresh.post("/login", {"username": "alice",
                                 "password": "a new secret 1"}).status_code == 303
    # Revoking a session from the list ends it; revoking her own logs her out.
    page = b.get("/settings/sessions").text
    ids = re.findall(r'action="/settings/sessions/(\d+)/revoke"', page)
    assert len(ids) == 2
    current = re.search(r'action="/settings/sessions/(\d+)/revoke"[^<]*<input[^>]*>'
                        r'<button[^>]*>Log out', page)
    assert current
    others = [i for i in ids if i != current.group(1)]
    assert b.post(f"/settings/sessions/{others[0]}/revoke").status_code == 303
    assert fresh.get("/home").status_code == 303
    r = b.post(f"/settings/sessions/{current.group(1)}/revoke")
    assert r.status_code == 303 and r.headers["Location"] == "/login"
    assert b.get("/home").status_code == 303
    # Another member's session cannot be revoked.
    bob = browser(srv, "bob")
    assert bob.post(f"/settings/sessions/{ids[0]}/revoke").status_code == 404


def test_settings_need_a_member_and_a_token(community):
    srv = community
    for path in ("/settings/profile", "/settings/preferences", "/settings/password",
                 "/settings/sessions", "/compose"):
        r = requests.get(srv.url + path, allow_redirects=False, timeout=10)
        assert r.status_code == 303 and r.headers["Location"].startswith("/login?return_to="), path
    b = browser(srv, "alice")
    r = b.post("/settings/profile", {"display_name": "Mallory", "csrf": "forged"})
    assert r.status_code == 403
    assert client(srv, "alice").me()["display_name"] != "Mallory"
    page = b.get("/settings/profile").text
    assert html.escape("Mallory") not in page


def noisy_png(size=(800, 700)):
    """A PNG over 1 MiB (random pixels do not compress): more than a form body may hold."""
    buf = io.BytesIO()
    Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)).save(buf, "PNG")
    data = buf.getvalue()
    assert len(data) > 1024 * 1024
    return data


def test_uploads_larger_than_a_plain_form(community):
    srv = community
    b = browser(srv, "alice")
    sid = posted_id(b.post("/statuses", {"status": "a big picture"},
                           files={"media": ("big.png", noisy_png(), "image/png")}))
    api = client(srv, "alice")
    assert len(api.status(sid)["media_attachments"]) == 1
    r = b.post("/settings/profile", {"display_name": "Alice"},
               files={"header": ("header.png", noisy_png((1200, 500)), "image/png")})
    assert r.status_code == 303, r.text[:300]
    assert "/system/" in api.me()["header"]
    # Other forms keep the plain limit.
    r = b.post("/lists", {"title": "x" * (2 * 1024 * 1024)})
    assert r.status_code == 413
