"""API rate limits as Mastodon has them: per account when signed in, per address
otherwise, X-RateLimit-* headers on every API response, 429 when over."""
import datetime
import http.client
import json
import os

import pytest
import requests

from conftest import PASSWORD, add_user, free_port, init_data, start_server

LIMIT = 5


@pytest.fixture
def limited(tmpdir_path):
    """A community whose operator set a small rate limit."""
    data = os.path.join(tmpdir_path, "data")
    port = free_port()
    init_data(data, port)
    conf = os.path.join(data, "hearth.conf")
    text = open(conf).read()
    assert "rate_limit = 300\n" in text and "rate_limit_period = 300\n" in text
    open(conf, "w").write(text.replace("rate_limit = 300\n", f"rate_limit = {LIMIT}\n"))
    for name in ("alice", "bob"):
        add_user(data, name)
    srv = start_server(data, port)
    yield srv
    srv.stop()


def tokens(srv, *names):
    """Access tokens by the password grant (one anonymous API call: the app)."""
    app = requests.post(srv.url + "/api/v1/apps", data={
        "client_name": "limits", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
        "scopes": "read write"}).json()
    out = []
    for name in names:
        r = requests.post(srv.url + "/oauth/token", data={
            "grant_type": "password", "client_id": app["client_id"],
            "client_secret": app["client_secret"], "username": f"{name}@example.org",
            "password": PASSWORD, "scope": "read write"})
        assert r.status_code == 200, r.text
        out.append(r.json()["access_token"])
    return out


def get_from(srv, path, source, token=None):
    """A GET from a chosen loopback address; returns (status, headers, body)."""
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=5,
                                      source_address=(source, 0))
    headers = {"Authorization": "Bearer " + token} if token else {}
    conn.request("GET", path, headers=headers)
    r = conn.getresponse()
    body = r.read()
    conn.close()
    return r.status, {k.lower(): v for k, v in r.getheaders()}, body


def test_signed_in_requests_count_down_per_account(limited):
    alice, bob = tokens(limited, "alice", "bob")
    h = {"Authorization": "Bearer " + alice}
    now = datetime.datetime.now(datetime.timezone.utc)
    for left in range(LIMIT - 1, -1, -1):
        r = requests.get(limited.url + "/api/v1/accounts/verify_credentials", headers=h)
        assert r.status_code == 200
        assert r.headers["X-RateLimit-Limit"] == str(LIMIT)
        assert r.headers["X-RateLimit-Remaining"] == str(left)
    reset = datetime.datetime.fromisoformat(r.headers["X-RateLimit-Reset"].replace("Z", "+00:00"))
    assert now - datetime.timedelta(seconds=2) < reset <= now + datetime.timedelta(seconds=301)
    r = requests.get(limited.url + "/api/v1/timelines/home", headers=h)
    assert r.status_code == 429
    assert r.json() == {"error": "Too many requests"}
    assert r.headers["X-RateLimit-Remaining"] == "0"
    # Over the limit nothing happens: the post is not made.
    r = requests.post(limited.url + "/api/v1/statuses", headers=h, data={"status": "spam"})
    assert r.status_code == 429
    # Bob, from the same address, has his own count.
    r = requests.get(limited.url + "/api/v1/accounts/verify_credentials",
                     headers={"Authorization": "Bearer " + bob})
    assert r.status_code == 200 and r.headers["X-RateLimit-Remaining"] == str(LIMIT - 1)
    statuses = requests.get(limited.url + "/api/v1/timelines/home",
                            headers={"Authorization": "Bearer " + bob}).json()
    assert all(s["content"] != "<p>spam</p>" for s in statuses)
    # Outside the counted API: the server's health and the streaming API.
    assert "X-RateLimit-Limit" not in requests.get(limited.url + "/health").headers
    r = requests.get(limited.url + "/api/v1/streaming/health", headers=h)
    assert r.status_code == 200 and "X-RateLimit-Limit" not in r.headers


def test_anonymous_requests_count_per_address(limited):
    for left in range(LIMIT - 1, -1, -1):
        status, headers, _ = get_from(limited, "/api/v1/timelines/public", "127.0.0.2")
        assert status == 200 and headers["x-ratelimit-remaining"] == str(left)
    status, headers, body = get_from(limited, "/api/v1/instance", "127.0.0.2")
    assert status == 429 and json.loads(body) == {"error": "Too many requests"}
    # Unknown paths count too, and are refused alike.
    status, _, _ = get_from(limited, "/api/v1/nothing/here", "127.0.0.2")
    assert status == 429
    # Another address is not affected.
    status, headers, _ = get_from(limited, "/api/v1/timelines/public", "127.0.0.3")
    assert status == 200 and headers["x-ratelimit-remaining"] == str(LIMIT - 1)
    # A bad token is counted against the address it came from.
    status, headers, _ = get_from(limited, "/api/v1/accounts/verify_credentials", "127.0.0.4",
                                  token="nonsense")
    assert status == 401 and headers["x-ratelimit-remaining"] == str(LIMIT - 1)


def test_default_limit_is_mastodons(community):
    r = requests.get(community.url + "/api/v1/instance")
    assert r.headers["X-RateLimit-Limit"] == "300"
    assert int(r.headers["X-RateLimit-Remaining"]) < 300
    assert "X-RateLimit-Reset" in r.headers["Access-Control-Expose-Headers"]


def test_sign_ups_have_their_own_bucket_per_address(tmpdir_path):
    """Five sign-up attempts per address and half hour, whatever the general limit."""
    data = os.path.join(tmpdir_path, "data-open")
    port = free_port()
    init_data(data, port)
    conf = os.path.join(data, "hearth.conf")
    text = open(conf).read()
    open(conf, "w").write(text.replace("registrations = closed", "registrations = open"))
    srv = start_server(data, port)
    try:
        app = requests.post(srv.url + "/api/v1/apps", data={
            "client_name": "signup", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
            "scopes": "read write"}).json()
        token = requests.post(srv.url + "/oauth/token", data={
            "grant_type": "client_credentials", "client_id": app["client_id"],
            "client_secret": app["client_secret"], "scope": "read write"}).json()["access_token"]
        h = {"Authorization": "Bearer " + token}
        for i in range(5):
            # Refused attempts (no agreement) count as attempts.
            r = requests.post(srv.url + "/api/v1/accounts", headers=h, data={
                "username": f"try{i}", "email": f"try{i}@example.org", "password": PASSWORD,
                "locale": "en"})
            assert r.status_code == 422, r.text
            assert r.headers["X-RateLimit-Limit"] == "5"
            assert r.headers["X-RateLimit-Remaining"] == str(4 - i)
        r = requests.post(srv.url + "/api/v1/accounts", headers=h, data={
            "username": "late", "email": "late@example.org", "password": PASSWORD,
            "agreement": "true", "locale": "en"})
        assert r.status_code == 429 and r.json() == {"error": "Too many requests"}
        # The refused sign-up made no account; other API calls still work.
        r = requests.get(srv.url + "/api/v1/accounts/lookup", params={"acct": "late"})
        assert r.status_code == 404
    finally:
        srv.stop()
