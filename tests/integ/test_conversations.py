"""Direct messages as conversations: each participant's own view, unread
marks, removal for one side only."""
import requests

from conftest import client
from schema import validate


def test_conversations(community):
    bob, carol, dave = (client(community, n) for n in ("bob", "carol", "dave"))
    carol_id = str(carol.account_verify_credentials()["id"])
    bob_id = str(bob.account_verify_credentials()["id"])
    first = bob.status_post("@carol are you coming tonight?", visibility="direct")
    # A public post mentioning carol is no conversation.
    bob.status_post("@carol hello in public")
    hdr = {n: {"Authorization": "Bearer " + c.access_token}
           for n, c in (("bob", bob), ("carol", carol), ("dave", dave))}
    url = community.url + "/api/v1/conversations"
    got = requests.get(url, headers=hdr["carol"]).json()
    assert len(got) == 1
    conv = got[0]
    validate("Conversation", conv)
    assert conv["unread"] is True
    assert [a["id"] for a in conv["accounts"]] == [bob_id]
    assert conv["last_status"]["id"] == str(first["id"])
    # The author's own copy is read; dave, not in it, has none.
    mine = requests.get(url, headers=hdr["bob"]).json()
    assert len(mine) == 1 and mine[0]["unread"] is False
    assert [a["id"] for a in mine[0]["accounts"]] == [carol_id]
    assert requests.get(url, headers=hdr["dave"]).json() == []
    # A reply moves the same conversation on and makes it unread for bob.
    reply = carol.status_post("@bob yes!", visibility="direct", in_reply_to_id=first["id"])
    mine = requests.get(url, headers=hdr["bob"]).json()
    assert len(mine) == 1 and mine[0]["unread"] is True
    assert mine[0]["last_status"]["id"] == str(reply["id"])
    r = requests.post(f"{url}/{mine[0]['id']}/read", headers=hdr["bob"])
    assert r.status_code == 200 and r.json()["unread"] is False
    # Others can neither read nor remove someone else's conversation.
    assert requests.post(f"{url}/{mine[0]['id']}/read", headers=hdr["dave"]).status_code == 404
    assert requests.delete(f"{url}/{mine[0]['id']}", headers=hdr["dave"]).status_code == 404
    # Removing is for one side only.
    assert requests.delete(f"{url}/{mine[0]['id']}", headers=hdr["bob"]).status_code == 200
    assert requests.get(url, headers=hdr["bob"]).json() == []
    assert len(requests.get(url, headers=hdr["carol"]).json()) == 1
    # A new message in a new thread starts another; paging works on the latest message.
    bob.status_post("@carol another thing", visibility="direct")
    r = requests.get(url + "?limit=1", headers=hdr["carol"])
    assert len(r.json()) == 1 and 'rel="next"' in r.headers.get("Link", "")
    assert len(requests.get(r.links["next"]["url"], headers=hdr["carol"]).json()) == 1
    # Mastodon.py reads them too.
    assert len(carol.conversations()) == 2
