"""Sign-ups from apps: closed by default, open, or waiting for approval."""
import os

import requests
from mastodon import Mastodon

from conftest import PASSWORD, free_port, hearth, init_data, start_server
from schema import validate


def app_token(url):
    r = requests.post(url + "/api/v1/apps", data={"client_name": "signup", "redirect_uris":
                      "urn:ietf:wg:oauth:2.0:oob", "scopes": "read write follow"})
    app = r.json()
    r = requests.post(url + "/oauth/token", data={"grant_type": "client_credentials",
                      "client_id": app["client_id"], "client_secret": app["client_secret"],
                      "scope": "read write follow"})
    return app, {"Authorization": "Bearer " + r.json()["access_token"]}


def start_with(tmpdir_path, mode):
    data = os.path.join(tmpdir_path, "data-" + mode)
    port = free_port()
    init_data(data, port)
    conf = os.path.join(data, "hearth.conf")
    with open(conf, encoding="utf-8") as f:
        text = f.read()
    with open(conf, "w", encoding="utf-8") as f:
        # Limits off: these tests make more sign-up attempts from one address
        # than the five per half hour a server allows (test_ratelimit checks that).
        text = text.replace("rate_limit = 300\n", "rate_limit = 0\n")
        f.write(text.replace("registrations = closed", f"registrations = {mode}"))
    return data, start_server(data, port)


def signup(url, hdr, **fields):
    body = {"username": "newbie", "email": "newbie@example.org", "password": PASSWORD,
            "agreement": "true", "locale": "en"}
    body.update(fields)
    return requests.post(url + "/api/v1/accounts", headers=hdr, data=body)


def test_closed_by_default(server):
    _, hdr = app_token(server.url)
    r = signup(server.url, hdr)
    assert r.status_code == 403 and "closed" in r.json()["error"]
    assert requests.get(server.url + "/api/v2/instance").json()["registrations"]["enabled"] is False
    # Without an app token, 401.
    assert signup(server.url, {}).status_code == 401


def test_open_sign_up(tmpdir_path):
    _, srv = start_with(tmpdir_path, "open")
    try:
        url = srv.url
        assert requests.get(url + "/api/v1/instance").json()["registrations"] is True
        _, hdr = app_token(url)
        # Field errors name the field, in Mastodon's shape.
        r = signup(url, hdr, agreement="false")
        assert r.status_code == 422 and "agreement" in r.json()["details"]
        r = signup(url, hdr, password="short")
        assert r.status_code == 422
        assert r.json()["details"]["password"][0]["error"] == "ERR_TOO_SHORT"
        r = signup(url, hdr, email="not-an-address")
        assert r.status_code == 422 and "email" in r.json()["details"]
        r = signup(url, hdr, username="no spaces!")
        assert r.status_code == 422 and "username" in r.json()["details"]
        r = signup(url, hdr, username="")
        assert r.json()["details"]["username"][0]["error"] == "ERR_BLANK"
        # A good one gives a token that works at once.
        r = signup(url, hdr)
        assert r.status_code == 200, r.text
        tok = r.json()
        validate("Token", tok)
        me = requests.get(url + "/api/v1/accounts/verify_credentials",
                          headers={"Authorization": "Bearer " + tok["access_token"]}).json()
        assert me["username"] == "newbie"
        # The same name or address again is taken.
        r = signup(url, hdr)
        assert r.status_code == 422
        assert r.json()["details"]["username"][0]["error"] == "ERR_TAKEN"
        r = signup(url, hdr, username="other")
        assert r.json()["details"]["email"][0]["error"] == "ERR_TAKEN"
        # And she logs in with her password like anyone.
        app, _ = app_token(url)
        m = Mastodon(client_id=app["client_id"], client_secret=app["client_secret"], api_base_url=url)
        m.log_in("newbie@example.org", PASSWORD, scopes=["read"])
        assert m.account_verify_credentials()["username"] == "newbie"
    finally:
        srv.stop()


def test_sign_up_waits_for_approval(tmpdir_path):
    data, srv = start_with(tmpdir_path, "approval")
    try:
        url = srv.url
        inst = requests.get(url + "/api/v2/instance").json()["registrations"]
        assert inst["enabled"] is True and inst["approval_required"] is True
        _, hdr = app_token(url)
        r = signup(url, hdr, reason="I run the library's reading group")
        assert r.status_code == 200
        token = r.json()["access_token"]
        r = requests.get(url + "/api/v1/accounts/verify_credentials",
                         headers={"Authorization": "Bearer " + token})
        assert r.status_code == 403 and "pending" in r.json()["error"]
        app, _ = app_token(url)
        r = requests.post(url + "/oauth/token", data={"grant_type": "password", "username":
                          "newbie@example.org", "password": PASSWORD, "client_id":
                          app["client_id"], "client_secret": app["client_secret"]})
        assert r.status_code in (400, 401)
        # The admin approves from the command line; the token then works.
        r = hearth("user", "approve", "--data", data, "newbie")
        assert r.returncode == 0, r.stderr
        r = requests.get(url + "/api/v1/accounts/verify_credentials",
                         headers={"Authorization": "Bearer " + token})
        assert r.status_code == 200 and r.json()["username"] == "newbie"
        assert hearth("user", "approve", "--data", data, "nobody").returncode == 1
    finally:
        srv.stop()
