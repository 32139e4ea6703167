"""A member's own domain blocks, and reports about accounts."""
import sqlite3
import os

import requests

from conftest import client
from schema import validate


def remote_account_with_post(srv, name, domain, text):
    """Stores a remote account and a public post of it, as federation would."""
    db = sqlite3.connect(os.path.join(srv.data, "hearth.db"))
    aid = 5000 + len(name)
    sid = 6000 + len(name)
    db.execute("INSERT INTO accounts (id, username, domain, acct_key, uri, url, created_at,"
               " updated_at) VALUES (?, ?, ?, ?, ?, ?, 0, 0)",
               (aid, name, domain, f"{name}@{domain}", f"https://{domain}/users/{name}",
                f"https://{domain}/@{name}"))
    db.execute("INSERT INTO statuses (id, account_id, uri, local, visibility, content,"
               " created_at) VALUES (?, ?, ?, 0, 0, ?, 0)",
               (sid, aid, f"https://{domain}/s/{sid}", f"<p>{text}</p>"))
    db.commit()
    db.close()
    return str(aid), str(sid)


def test_domain_blocks(community):
    alice = client(community, "alice")
    hdr = {"Authorization": "Bearer " + alice.access_token}
    url = community.url + "/api/v1/domain_blocks"
    spam_id, spam_post = remote_account_with_post(community, "spammer", "spam.example", "buy")
    _, kind_post = remote_account_with_post(community, "kind", "kind.example", "hello")
    pub = lambda: {s["id"] for s in requests.get(community.url + "/api/v1/timelines/public",
                                                   headers=hdr).json()}
    assert {spam_post, kind_post} <= pub()
    r = requests.post(url, headers=hdr, data={"domain": "Spam.Example"})
    assert r.status_code == 200 and r.json() == {}
    assert spam_post not in pub() and kind_post in pub()
    assert requests.get(url, headers=hdr).json() == ["spam.example"]
    rel = requests.get(community.url + "/api/v1/accounts/relationships",
                       params={"id[]": spam_id}, headers=hdr).json()[0]
    assert rel["domain_blocking"] is True
    # Nonsense and our own domain are refused with the field named.
    for bad in ("", "not a domain", "127.0.0.1:" + str(community.port)):
        r = requests.post(url, headers=hdr, data={"domain": bad})
        assert r.status_code == 422 and "domain" in r.json()["error"], bad
    # Others are not affected; unblocking brings the posts back.
    bob = client(community, "bob")
    bob_pub = {s["id"] for s in requests.get(community.url + "/api/v1/timelines/public",
               headers={"Authorization": "Bearer " + bob.access_token}).json()}
    assert spam_post in bob_pub
    assert requests.delete(url, headers=hdr, params={"domain": "spam.example"}).status_code == 200
    assert spam_post in pub() and requests.get(url, headers=hdr).json() == []
    # Mastodon.py's calls work.
    alice.domain_block("spam.example")
    assert alice.domain_blocks() == ["spam.example"]


def test_reports(community):
    alice, bob, carol = (client(community, n) for n in ("alice", "bob", "carol"))
    bob_id = str(bob.account_verify_credentials()["id"])
    hdr = {"Authorization": "Bearer " + alice.access_token}
    url = community.url + "/api/v1/reports"
    p1 = bob.status_post("something rude")
    private = bob.status_post("for my followers", visibility="private")
    mine = alice.status_post("mine")
    r = requests.post(url, headers=hdr, data={"account_id": bob_id, "status_ids[]": [p1["id"]],
                      "comment": "not kind", "category": "spam"})
    assert r.status_code == 200, r.text
    rep = r.json()
    validate("Report", rep)
    assert rep["target_account"]["id"] == bob_id and rep["status_ids"] == [str(p1["id"])]
    assert rep["category"] == "spam" and rep["action_taken"] is False
    # Statuses that are not the account's, or that the reporter cannot see, are refused.
    r = requests.post(url, headers=hdr, data={"account_id": bob_id, "status_ids[]": [mine["id"]]})
    assert r.status_code == 404
    r = requests.post(url, headers=hdr, data={"account_id": bob_id,
                      "status_ids[]": [private["id"]]})
    assert r.status_code == 404
    # Bad input names the field.
    alice_id = str(alice.account_verify_credentials()["id"])
    for data, word in (({"account_id": alice_id}, "yourself"),
                       ({"account_id": bob_id, "category": "boring"}, "category"),
                       ({"account_id": bob_id, "comment": "x" * 1001}, "comment"),
                       ({"account_id": "nope"}, "account_id"),
                       ({"account_id": bob_id, "category": "violation", "rule_ids[]": "1"},
                        "rule_ids")):
        r = requests.post(url, headers=hdr, data=data)
        assert r.status_code == 422 and word in r.json()["error"], (data, r.text)
    assert requests.post(url, headers=hdr, data={"account_id": "12345"}).status_code == 404
    # Mastodon.py files one too.
    assert carol.report(bob_id, comment="again")["comment"] == "again"
