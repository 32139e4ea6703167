"""Responses of the implemented operations validate against the entity
schemas of the Mastodon OpenAPI description."""
import os

import pytest
import requests

from conftest import add_user, client, free_port, init_data, start_server
from schema import validate


@pytest.fixture
def described(tmpdir_path):
    """A community whose admin filled in the [instance] section."""
    data = os.path.join(tmpdir_path, "data")
    port = free_port()
    init_data(data, port)
    conf = os.path.join(data, "hearth.conf")
    text = open(conf).read()
    text = text.replace("title = Hearth", "title = The Reading Room")
    text = text.replace("description = \n", "description = The library's card holders.\n")
    text = text.replace("contact_email = \n", "contact_email = desk@library.example\n")
    text = text.replace("source_url = \n", "source_url = https://source.example/hearth\n")
    open(conf, "w").write(text)
    for name in ("alice", "bob"):
        add_user(data, name, admin=(name == "alice"))
    srv = start_server(data, port)
    yield srv
    srv.stop()


def test_instance_settings_shown(described):
    inst = requests.get(described.url + "/api/v2/instance").json()
    validate("Instance", inst)
    assert inst["title"] == "The Reading Room"
    assert inst["contact"]["email"] == "desk@library.example"
    assert inst["contact"]["account"]["username"] == "alice"
    v1 = requests.get(described.url + "/api/v1/instance").json()
    assert v1["description"] == "The library's card holders."


def test_entities_validate(community):
    url = community.url
    alice, bob = client(community, "alice"), client(community, "bob")
    hdr = {"Authorization": "Bearer " + alice.access_token}
    bob_id = str(bob.account_verify_credentials()["id"])

    def get(path, h=hdr):
        r = requests.get(url + path, headers=h)
        assert r.status_code == 200, (path, r.status_code, r.text)
        return r.json()

    def post(path, data=None, h=hdr):
        r = requests.post(url + path, headers=h, data=data or {})
        assert r.status_code == 200, (path, r.status_code, r.text)
        return r.json()

    validate("CredentialAccount", get("/api/v1/accounts/verify_credentials"))
    validate("Account", get("/api/v1/accounts/" + bob_id))
    validate("Relationship", post(f"/api/v1/accounts/{bob_id}/follow"))
    s = post("/api/v1/statuses", {"status": "Hi @bob #schema https://example.org",
                                  "spoiler_text": "cw", "language": "en"})
    validate("Status", s)
    reply = post("/api/v1/statuses", {"status": "@bob again", "in_reply_to_id": s["id"]})
    validate("Status", reply)
    validate("Context", get(f"/api/v1/statuses/{s['id']}/context"))
    r = requests.post(url + f"/api/v1/statuses/{s['id']}/reblog",
                      headers={"Authorization": "Bearer " + bob.access_token})
    validate("Status", r.json())
    for st in get("/api/v1/timelines/home"):
        validate("Status", st)
    put = requests.put(url + f"/api/v1/statuses/{s['id']}", headers=hdr,
                       data={"status": "edited"}).json()
    validate("Status", put)
    for e in get(f"/api/v1/statuses/{s['id']}/history"):
        validate("StatusEdit", e)
    validate("StatusSource", get(f"/api/v1/statuses/{s['id']}/source"))
    bob_hdr = {"Authorization": "Bearer " + bob.access_token}
    notes = get("/api/v1/notifications", bob_hdr)
    assert notes
    for n in notes:
        validate("Notification", n)
    m = requests.post(url + "/api/v1/markers", headers=bob_hdr,
                      data={"notifications[last_read_id]": notes[0]["id"]}).json()
    validate("Marker", m["notifications"])
    validate("Preferences", get("/api/v1/preferences"))
    app = requests.post(url + "/api/v1/apps", data={"client_name": "x",
                                                    "redirect_uris": "urn:ietf:wg:oauth:2.0:oob"})
    validate("CredentialApplication", app.json())
    validate("Application", get("/api/v1/apps/verify_credentials"))
    tok = requests.post(url + "/oauth/token", data={
        "grant_type": "client_credentials", "client_id": app.json()["client_id"],
        "client_secret": app.json()["client_secret"]}).json()
    validate("Token", tok)


def test_more_entities_validate(described):
    """Lists, rules, v1 instance, familiar followers, emojis, v1 filters,
    domain blocks and the two error shapes."""
    alice, bob = client(described, "alice"), client(described, "bob")
    h = {"Authorization": "Bearer " + alice.access_token}
    url = described.url
    validate("V1Instance", requests.get(url + "/api/v1/instance").json())
    for rule in requests.get(url + "/api/v1/instance/rules").json():
        validate("Rule", rule)
    emojis = requests.get(url + "/api/v1/custom_emojis").json()
    assert isinstance(emojis, list)
    for e in emojis:
        validate("CustomEmoji", e)
    r = requests.post(url + "/api/v1/lists", headers=h, data={"title": "friends"})
    validate("List", r.json())
    for item in requests.get(url + "/api/v1/lists", headers=h).json():
        validate("List", item)
    bob_id = bob.account_verify_credentials()["id"]
    r = requests.get(url + "/api/v1/accounts/familiar_followers", headers=h,
                     params={"id[]": str(bob_id)})
    for item in r.json():
        validate("FamiliarFollowers", item)
    requests.post(url + "/api/v2/filters", headers=h, json={
        "title": "t", "context": ["home"], "keywords_attributes": [{"keyword": "k"}]})
    v1 = requests.get(url + "/api/v1/filters", headers=h).json()
    assert v1
    for f in v1:
        validate("V1Filter", f)
    r = requests.get(url + "/api/v1/statuses/123", headers=h)
    assert r.status_code == 404
    validate("Error", r.json())
    r = requests.post(url + "/api/v1/statuses", headers=h, data={"status": ""})
    assert r.status_code == 422
    validate("Error", r.json())
