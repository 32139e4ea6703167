"""Media uploads as members' apps make them: images with EXIF and GPS data
come back stripped, with a preview and a blurhash; descriptions and focus
change until the image is posted; statuses carry their attachments; files
that are not images, or too large, are refused with a message; avatars and
headers show on the profile."""
import io

import pytest
import requests
from mastodon.errors import MastodonAPIError, MastodonNotFoundError
from PIL import Image

from conftest import client
from schema import validate

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def jpeg_with_gps(width=800, height=600, orientation=None):
    """A JPEG whose EXIF holds a camera model and a GPS position (and an orientation)."""
    img = Image.new("RGB", (width, height), (200, 40, 40))
    for x in range(width // 2):
        for y in range(0, height, 7):
            img.putpixel((x, y), (20, 20, 220))
    exif = Image.Exif()
    exif[0x0110] = "Hearth Test Camera"  # Model
    exif[GPS_IFD] = {1: "N", 2: (48.0, 51.0, 29.0), 3: "E", 4: (2.0, 17.0, 40.0)}
    if orientation:
        exif[ORIENTATION] = orientation
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def png_bytes(width, height, mode="RGBA"):
    out = io.BytesIO()
    Image.new(mode, (width, height), (10, 120, 30, 128) if mode == "RGBA" else 90).save(out, "PNG")
    return out.getvalue()


def auth(m):
    return {"Authorization": "Bearer " + m.access_token}


def upload(srv, m, data, name="photo.jpg", ctype="image/jpeg", path="/api/v2/media", **fields):
    return requests.post(srv.url + path, headers=auth(m), files={"file": (name, data, ctype)},
                         data=fields)


def test_upload_strips_metadata_and_makes_a_preview(community):
    alice = client(community, "alice")
    original = jpeg_with_gps()
    assert b"Hearth Test Camera" in original
    media = alice.media_post(original, mime_type="image/jpeg", description="A red and blue card",
                             focus=(0.5, -0.25))
    assert media["type"] == "image"
    assert media["description"] == "A red and blue card"
    assert media["meta"]["original"]["width"] == 800
    assert media["meta"]["original"]["height"] == 600
    assert media["meta"]["original"]["size"] == "800x600"
    assert media["meta"]["focus"] == {"x": 0.5, "y": -0.25}
    assert media["meta"]["small"]["width"] == 640
    assert media["meta"]["small"]["height"] == 480
    assert len(media["blurhash"]) == 36  # 4 x 4 components

    raw = requests.get(f"{community.url}/api/v1/media/{media['id']}", headers=auth(alice))
    assert raw.status_code == 200
    validate("MediaAttachment", raw.json())

    served = requests.get(media["url"])
    assert served.status_code == 200
    assert served.headers["Content-Type"] == "image/jpeg"
    assert served.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert int(served.headers["Content-Length"]) == len(served.content)
    stored = Image.open(io.BytesIO(served.content))
    assert stored.size == (800, 600)
    assert len(stored.getexif()) == 0
    assert b"Hearth Test Camera" not in served.content and b"Exif" not in served.content

    preview = requests.get(media["preview_url"])
    assert preview.status_code == 200
    assert Image.open(io.BytesIO(preview.content)).size == (640, 480)

    # The same bytes again are the same file; a revalidation is answered 304.
    again = alice.media_post(original, mime_type="image/jpeg")
    assert again["url"] == media["url"] and again["id"] != media["id"]
    etag = served.headers["ETag"]
    assert requests.get(media["url"], headers={"If-None-Match": etag}).status_code == 304


def test_orientation_is_applied(community):
    alice = client(community, "alice")
    # Orientation 6: the camera was turned, the picture is shown rotated 90 degrees.
    media = alice.media_post(jpeg_with_gps(400, 300, orientation=6), mime_type="image/jpeg")
    assert (media["meta"]["original"]["width"], media["meta"]["original"]["height"]) == (300, 400)
    stored = Image.open(io.BytesIO(requests.get(media["url"]).content))
    assert stored.size == (300, 400)
    assert stored.getexif().get(ORIENTATION) is None


def test_description_and_focus_change_until_posted(community):
    alice = client(community, "alice")
    media = alice.media_post(png_bytes(50, 40), mime_type="image/png")
    assert media["description"] is None
    assert requests.get(media["url"]).headers["Content-Type"] == "image/png"
    changed = alice.media_update(media["id"], description="A green square", focus=(-1, 1))
    assert changed["description"] == "A green square"
    assert changed["meta"]["focus"] == {"x": -1.0, "y": 1.0}

    bad = requests.put(f"{community.url}/api/v1/media/{media['id']}", headers=auth(alice),
                       data={"focus": "2,0"})
    assert bad.status_code == 422 and "focus" in bad.json()["error"]
    long = requests.put(f"{community.url}/api/v1/media/{media['id']}", headers=auth(alice),
                        data={"description": "x" * 1501})
    assert long.status_code == 422 and "description" in long.json()["error"]

    # Bob can neither read, change nor attach alice's image.
    bob = client(community, "bob")
    with pytest.raises(MastodonNotFoundError):
        bob.media_update(media["id"], description="mine now")
    r = requests.get(f"{community.url}/api/v1/media/{media['id']}", headers=auth(bob))
    assert r.status_code == 404
    with pytest.raises(MastodonAPIError) as e:
        bob.status_post("stolen", media_ids=[media["id"]])
    assert e.value.args[1] == 422

    status = alice.status_post("", media_ids=[media["id"]])
    raw = requests.get(f"{community.url}/api/v1/statuses/{status['id']}").json()
    validate("Status", raw)
    assert raw["content"] == ""
    assert [a["id"] for a in raw["media_attachments"]] == [str(media["id"])]
    validate("MediaAttachment", raw["media_attachments"][0])
    assert raw["media_attachments"][0]["description"] == "A green square"

    # Once posted, it is part of the status: no more changes, no second status.
    with pytest.raises(MastodonNotFoundError):
        alice.media_update(media["id"], description="too late")
    with pytest.raises(MastodonAPIError) as e:
        alice.status_post("again", media_ids=[media["id"]])
    assert e.value.args[1] == 422


def test_status_with_several_images_in_order_and_only_media(community):
    alice = client(community, "alice")
    ids = [alice.media_post(png_bytes(10 + i, 10, "L"), mime_type="image/png")["id"]
           for i in range(5)]
    with pytest.raises(MastodonAPIError) as e:
        alice.status_post("five", media_ids=ids)
    assert e.value.args[1] == 422
    order = [ids[2], ids[0], ids[3]]
    # As JSON, the way web apps send it.
    r = requests.post(f"{community.url}/api/v1/statuses", headers=auth(alice),
                      json={"status": "three cards", "media_ids": [str(i) for i in order]})
    assert r.status_code == 200, r.text
    validate("Status", r.json())
    assert [a["id"] for a in r.json()["media_attachments"]] == [str(i) for i in order]
    assert [a["meta"]["original"]["width"] for a in r.json()["media_attachments"]] == [12, 10, 13]
    alice.status_post("just words")

    with_media = alice.timeline_public(only_media=True)
    assert [str(s["id"]) for s in with_media] == [r.json()["id"]]
    me = alice.me()
    assert len(alice.account_statuses(me["id"], only_media=True)) == 1
    assert len(alice.account_statuses(me["id"])) == 2


def test_refused_files(community):
    alice = client(community, "alice")
    r = upload(community, alice, b"just some words\n", "notes.txt", "text/plain")
    assert r.status_code == 422
    assert "File type not supported: text/plain" in r.json()["error"]

    svg = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'
    r = upload(community, alice, svg, "logo.svg", "image/svg+xml")
    assert r.status_code == 422
    assert "image/svg+xml" in r.json()["error"]

    # Declared as a JPEG, the bytes decide.
    r = upload(community, alice, svg, "logo.jpg", "image/jpeg")
    assert r.status_code == 422 and "image/svg+xml" in r.json()["error"]

    r = upload(community, alice, jpeg_with_gps()[:300], "cut.jpg")
    assert r.status_code == 422 and "File could not be read" in r.json()["error"]

    r = requests.post(community.url + "/api/v2/media", headers=auth(alice), data={"x": "1"})
    assert r.status_code == 422 and "file" in r.json()["error"]

    # Over the byte limit: refused before the body is read.
    big = b"\xff\xd8\xff" + b"\0" * (17 * 1024 * 1024)
    try:
        r = upload(community, alice, big, "big.jpg")
        assert r.status_code == 413
        assert "16 MiB" in r.json()["error"]
    except requests.ConnectionError:
        pass  # the server may close before the client finished sending

    # Over the pixel limit (a tiny file of a huge, blank image).
    out = io.BytesIO()
    Image.new("L", (8000, 6000)).save(out, "PNG", optimize=True)
    r = upload(community, alice, out.getvalue(), "huge.png", "image/png")
    assert r.status_code == 422 and "megapixels" in r.json()["error"]

    # Other routes keep the 1 MiB cap.
    r = requests.post(community.url + "/api/v1/statuses", headers=auth(alice),
                      data={"status": "x" * (2 * 1024 * 1024)})
    assert r.status_code == 413
    assert "1 MiB" in r.json()["error"]


def test_served_files_only_by_hash(community):
    for path in ("/system/media/../hearth.conf", "/system/media/hearth.conf",
                 "/system/media/" + "a" * 64 + ".jpg", "/system/media/" + "A" * 64 + ".jpg",
                 "/system/media/%2e%2e%2fhearth.conf", "/system/media/" + "0" * 64 + ".svg"):
        r = requests.get(community.url + path)
        assert r.status_code == 404, path


def test_avatar_and_header(community):
    alice = client(community, "alice")
    before = alice.me()
    assert before["avatar"].endswith("missing.png")
    out = io.BytesIO()
    Image.new("RGB", (900, 600), (250, 200, 0)).save(out, "JPEG")
    alice.account_update_credentials(avatar=out.getvalue(), avatar_mime_type="image/jpeg",
                                     header=png_bytes(300, 300, "RGB"),
                                     header_mime_type="image/png")
    raw = requests.get(community.url + "/api/v1/accounts/verify_credentials",
                       headers=auth(alice)).json()
    validate("CredentialAccount", raw)
    assert not raw["avatar"].endswith("missing.png")
    avatar = requests.get(raw["avatar"])
    assert avatar.status_code == 200 and avatar.headers["Content-Type"] == "image/jpeg"
    assert Image.open(io.BytesIO(avatar.content)).size == (400, 400)
    header = requests.get(raw["header"])
    assert Image.open(io.BytesIO(header.content)).size == (1500, 500)
    assert raw["avatar_static"] == raw["avatar"]

    # Others see it too.
    bob = client(community, "bob")
    assert bob.account(raw["id"])["avatar"] == raw["avatar"]

    r = requests.patch(community.url + "/api/v1/accounts/update_credentials", headers=auth(alice),
                       files={"avatar": ("a.svg", b"<svg/>", "image/svg+xml")})
    assert r.status_code == 422 and "avatar" in r.json()["error"]


def test_instance_tells_the_limits(community):
    conf = requests.get(community.url + "/api/v2/instance").json()["configuration"]
    media = conf["media_attachments"]
    assert media["image_size_limit"] == 16 * 1024 * 1024
    assert media["image_matrix_limit"] == 40_000_000
    assert sorted(media["supported_mime_types"]) == ["image/gif", "image/jpeg", "image/png",
                                                     "image/webp"]
    assert conf["statuses"]["max_media_attachments"] == 4


def test_media_scope(community):
    reader = client(community, "alice", scopes=("read",))
    r = upload(community, reader, png_bytes(5, 5), "a.png", "image/png")
    assert r.status_code == 403
    r = requests.post(community.url + "/api/v2/media", files={"file": ("a.png", b"x")})
    assert r.status_code == 401


def test_edits_change_attachments_and_keep_them_in_history(community):
    alice, bob = client(community, "alice"), client(community, "bob")
    first = upload(community, alice, png_bytes(40, 30), "a.png", "image/png",
                   description="the first").json()
    second = upload(community, alice, png_bytes(50, 20), "b.png", "image/png").json()
    s = alice.status_post("look", media_ids=[first["id"]])
    url = f"{community.url}/api/v1/statuses/{s['id']}"
    # Swap the image for another, and describe the new one in the same edit (JSON, as apps send).
    r = requests.put(url, headers=auth(alice), json={
        "status": "look again", "media_ids": [second["id"]],
        "media_attributes": [{"id": second["id"], "description": "the second", "focus": "0.5,-0.5"}]})
    assert r.status_code == 200, r.text
    st = r.json()
    validate("Status", st)
    assert [m["id"] for m in st["media_attachments"]] == [second["id"]]
    assert st["media_attachments"][0]["description"] == "the second"
    assert st["media_attachments"][0]["meta"]["focus"] == {"x": 0.5, "y": -0.5}
    # History shows each version with the attachments it had.
    hist = requests.get(url + "/history", headers=auth(bob)).json()
    for h in hist:
        validate("StatusEdit", h)
    assert [[m["id"] for m in h["media_attachments"]] for h in hist] == [[first["id"]], [second["id"]]]
    assert hist[0]["media_attachments"][0]["description"] == "the first"
    # The removed image can't be attached elsewhere, and is not shown as media anywhere.
    r = requests.post(community.url + "/api/v1/statuses", headers=auth(alice),
                      data={"status": "reuse", "media_ids[]": first["id"]})
    assert r.status_code == 422
    # An edit without media_ids keeps them; an edit naming someone else's media is refused whole.
    r = requests.put(url, headers=auth(alice), data={"status": "text only change"})
    assert [m["id"] for m in r.json()["media_attachments"]] == [second["id"]]
    bobs = upload(community, bob, png_bytes(10, 10), "c.png", "image/png").json()
    r = requests.put(url, headers=auth(alice), json={"status": "steal", "media_ids": [bobs["id"]]})
    assert r.status_code == 422 and "media_ids" in r.json()["error"]
    assert requests.get(url, headers=auth(alice)).json()["content"] == "<p>text only change</p>"
    # Forms can clear the list with an empty media_ids[]; the text must then say something.
    r = requests.put(url, headers=auth(alice), data={"status": "", "media_ids[]": ""})
    assert r.status_code == 422
    r = requests.put(url, headers=auth(alice), data={"status": "no pictures", "media_ids[]": ""})
    assert r.status_code == 200 and r.json()["media_attachments"] == []
    r = requests.get(community.url + "/api/v1/accounts/" + str(alice.me()["id"]) + "/statuses",
                     params={"only_media": "true"}, headers=auth(bob))
    assert all(x["id"] != str(s["id"]) for x in r.json())
    # Descriptions of attachments the status doesn't have are refused.
    r = requests.put(url, headers=auth(alice), json={
        "status": "x", "media_attributes": [{"id": second["id"], "description": "nope"}]})
    assert r.status_code == 422
