"""Polls, scheduled statuses and the Idempotency-Key header, driven through
Mastodon.py (and requests where it has no method) against a real server.

Most tests run on a server whose hearth.conf lowers [limits]
min_poll_seconds and min_schedule_seconds to 2 seconds, so that a poll
ends and a scheduled post is published while the test waits.
"""
import datetime
import os
import re
import time

import pytest
import requests
from mastodon.errors import MastodonAPIError, MastodonNotFoundError

from conftest import add_user, client, free_port, init_data, start_server
from schema import validate

SHORT = 2  # seconds: the lowered minimums of the quick server


@pytest.fixture
def quick(tmpdir_path):
    """Members alice, bob, carol, dave on a server with 2-second minimums."""
    data = os.path.join(tmpdir_path, "data")
    port = free_port()
    init_data(data, port)
    conf = os.path.join(data, "hearth.conf")
    with open(conf, encoding="utf-8") as f:
        text = f.read()
    text = re.sub(r"(?m)^min_poll_seconds = .*$", f"min_poll_seconds = {SHORT}", text)
    text = re.sub(r"(?m)^min_schedule_seconds = .*$", f"min_schedule_seconds = {SHORT}", text)
    with open(conf, "w", encoding="utf-8") as f:
        f.write(text)
    for name in ("alice", "bob", "carol", "dave"):
        add_user(data, name, admin=(name == "alice"))
    srv = start_server(data, port)
    yield srv
    srv.stop()


def token(m):
    return {"Authorization": "Bearer " + m.access_token}


def get(srv, m, path):
    """The raw JSON of a GET (Mastodon.py turns ids and dates into Python types)."""
    r = requests.get(srv.url + path, headers=token(m))
    assert r.status_code == 200, r.text
    return r.json()


def wait_for(check, timeout=15):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.25)
    return check()


def api_error(call):
    with pytest.raises(MastodonAPIError) as e:
        call()
    return e.value


def test_post_with_poll_and_vote(quick):
    alice, bob = client(quick, "alice"), client(quick, "bob")
    st = alice.status_post("Tea or coffee?", poll=alice.make_poll(["tea", "coffee"], 3600))
    validate("Status", get(quick, alice, f"/api/v1/statuses/{st['id']}"))
    poll = st["poll"]
    validate("Poll", get(quick, alice, f"/api/v1/polls/{poll['id']}"))
    assert [o["title"] for o in poll["options"]] == ["tea", "coffee"]
    assert poll["multiple"] is False and poll["expired"] is False
    assert poll["votes_count"] == 0
    assert poll["voted"] is True and poll["own_votes"] == []  # the author sees results
    # The poll is its own object, reachable by id, also without a token.
    r = requests.get(f"{quick.url}/api/v1/polls/{poll['id']}")
    assert r.status_code == 200
    validate("Poll", r.json())
    assert "voted" not in r.json()

    bob.poll_vote(poll["id"], [1])
    seen = bob.poll(poll["id"])
    validate("Poll", get(quick, bob, f"/api/v1/polls/{poll['id']}"))
    assert seen["voted"] is True and seen["own_votes"] == [1]
    assert [o["votes_count"] for o in seen["options"]] == [0, 1]
    assert seen["votes_count"] == 1 and seen["voters_count"] == 1
    # The status shows the poll as each viewer sees it.
    assert bob.status(st["id"])["poll"]["own_votes"] == [1]
    assert alice.status(st["id"])["poll"]["options"][1]["votes_count"] == 1

    # A second vote, a vote by the author, a choice out of range: 422.
    e = api_error(lambda: bob.poll_vote(poll["id"], [0]))
    assert e.args[1] == 422 and "already voted" in str(e)
    e = api_error(lambda: alice.poll_vote(poll["id"], [0]))
    assert e.args[1] == 422
    carol = client(quick, "carol")
    e = api_error(lambda: carol.poll_vote(poll["id"], [2]))
    assert e.args[1] == 422
    # A single-choice poll takes one choice.
    e = api_error(lambda: carol.poll_vote(poll["id"], [0, 1]))
    assert e.args[1] == 422
    assert alice.poll(poll["id"])["votes_count"] == 1


def test_vote_as_json_and_form(quick):
    alice, bob, carol = client(quick, "alice"), client(quick, "bob"), client(quick, "carol")
    # A form post with poll[options][] (as toot and web forms send it).
    r = requests.post(f"{quick.url}/api/v1/statuses", headers=token(alice),
                      data={"status": "Pick one", "poll[options][]": ["a", "b", "c"],
                            "poll[expires_in]": "600"})
    assert r.status_code == 200, r.text
    poll = r.json()["poll"]
    assert [o["title"] for o in poll["options"]] == ["a", "b", "c"]
    r = requests.post(f"{quick.url}/api/v1/polls/{poll['id']}/votes", headers=token(bob),
                      json={"choices": [2]})
    assert r.status_code == 200, r.text
    validate("Poll", r.json())
    assert r.json()["own_votes"] == [2]
    r = requests.post(f"{quick.url}/api/v1/polls/{poll['id']}/votes", headers=token(carol),
                      data={"choices[]": "0"})
    assert r.status_code == 200 and r.json()["own_votes"] == [0]
    r = requests.post(f"{quick.url}/api/v1/polls/{poll['id']}/votes", headers=token(carol),
                      data={"choices[]": "zero"})
    assert r.status_code == 422
    # Voting needs write:statuses.
    reader = client(quick, "dave", scopes=("read",))
    r = requests.post(f"{quick.url}/api/v1/polls/{poll['id']}/votes", headers=token(reader),
                      data={"choices[]": "1"})
    assert r.status_code == 403


def test_multiple_choice(quick):
    alice, bob = client(quick, "alice"), client(quick, "bob")
    st = alice.status_post("Which days?", poll=alice.make_poll(["mon", "tue", "wed"], 3600,
                                                                multiple=True))
    pid = st["poll"]["id"]
    assert st["poll"]["multiple"] is True
    bob.poll_vote(pid, [0, 2])
    p = bob.poll(pid)
    assert p["own_votes"] == [0, 2]
    assert p["votes_count"] == 2 and p["voters_count"] == 1
    # A choice already made can't be made again; another one can be added.
    e = api_error(lambda: bob.poll_vote(pid, [2]))
    assert e.args[1] == 422
    bob.poll_vote(pid, [1])
    p = bob.poll(pid)
    assert p["own_votes"] == [0, 1, 2]
    assert p["votes_count"] == 3 and p["voters_count"] == 1


def test_hide_totals(quick):
    alice, bob = client(quick, "alice"), client(quick, "bob")
    st = alice.status_post("Secret ballot", poll=alice.make_poll(["yes", "no"], 3600,
                                                                  hide_totals=True))
    pid = st["poll"]["id"]
    bob.poll_vote(pid, [0])
    theirs = get(quick, bob, f"/api/v1/polls/{pid}")
    validate("Poll", theirs)
    assert [o["votes_count"] for o in theirs["options"]] == [None, None]
    assert theirs["own_votes"] == [0]
    mine = alice.poll(pid)
    assert [o["votes_count"] for o in mine["options"]] == [1, 0]


def test_followers_only_poll_hidden_from_outsiders(quick):
    alice, bob, carol = client(quick, "alice"), client(quick, "bob"), client(quick, "carol")
    bob.account_follow(alice.me()["id"])
    st = alice.status_post("Followers decide", visibility="private",
                           poll=alice.make_poll(["x", "y"], 3600))
    pid = st["poll"]["id"]
    bob.poll_vote(pid, [0])
    assert bob.poll(pid)["own_votes"] == [0]
    with pytest.raises(MastodonNotFoundError):
        carol.poll(pid)
    with pytest.raises(MastodonNotFoundError):
        carol.poll_vote(pid, [1])
    r = requests.get(f"{quick.url}/api/v1/polls/{pid}")
    assert r.status_code == 404 and r.json()["error"] == "Record not found"
    assert alice.poll(pid)["votes_count"] == 1


def test_poll_limits(quick):
    alice = client(quick, "alice")
    bad = [
        (["only one"], 600),
        (["a", "b", "c", "d", "e"], 600),
        (["a" * 51, "b"], 600),
        (["same", "same"], 600),
        (["a", "b"], SHORT - 1),
        (["a", "b"], 2629746 + 1),
    ]
    for options, expires_in in bad:
        e = api_error(lambda: alice.status_post("poll?", poll=alice.make_poll(options, expires_in)))
        assert e.args[1] == 422, (options, expires_in)
        assert "poll" in str(e)
    # A poll needs text, and can't come with media.
    e = api_error(lambda: alice.status_post("", poll=alice.make_poll(["a", "b"], 600)))
    assert e.args[1] == 422
    r = requests.post(f"{quick.url}/api/v1/statuses", headers=token(alice),
                      data={"status": "both", "poll[options][]": ["a", "b"],
                            "poll[expires_in]": "600", "media_ids[]": "1"})
    assert r.status_code == 422 and "poll" in r.json()["error"]
    # The limits are the instance's announced ones.
    polls = requests.get(f"{quick.url}/api/v2/instance").json()["configuration"]["polls"]
    assert polls == {"max_options": 4, "max_characters_per_option": 50,
                     "min_expiration": SHORT, "max_expiration": 2629746}
    assert alice.status_post("fifty", poll=alice.make_poll(["é" * 50, "b"], 600))["poll"]


def test_default_limits(community):
    """Without the test settings, polls last 5 minutes or more and posts are
    scheduled at least 5 minutes ahead, as on Mastodon."""
    alice = client(community, "alice")
    e = api_error(lambda: alice.status_post("short", poll=alice.make_poll(["a", "b"], 299)))
    assert e.args[1] == 422
    assert alice.status_post("ok", poll=alice.make_poll(["a", "b"], 300))["poll"]
    soon = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=2)
    e = api_error(lambda: alice.status_post("soon", scheduled_at=soon))
    assert e.args[1] == 422 and "scheduled_at" in str(e) and "5 minutes" in str(e)
    polls = requests.get(f"{community.url}/api/v2/instance").json()["configuration"]["polls"]
    assert polls["min_expiration"] == 300


def test_poll_ends_and_notifies(quick):
    alice, bob = client(quick, "alice"), client(quick, "bob")
    st = alice.status_post("Quick one", poll=alice.make_poll(["now", "later"], SHORT))
    pid = st["poll"]["id"]
    bob.poll_vote(pid, [0])

    def poll_notes(m):
        return [n for n in m.notifications() if n["type"] == "poll"]

    assert wait_for(lambda: poll_notes(alice)), "the author was not told"
    notes = wait_for(lambda: poll_notes(bob))
    assert notes, "the voter was not told"
    for n in get(quick, alice, "/api/v1/notifications") + get(quick, bob, "/api/v1/notifications"):
        validate("Notification", n)
    for n in poll_notes(alice) + notes:
        assert n["status"]["id"] == st["id"]
        assert n["account"]["id"] == alice.me()["id"]
        assert n["status"]["poll"]["expired"] is True
    # Told once, however long the timer runs.
    time.sleep(1.5)
    assert len(poll_notes(alice)) == 1 and len(poll_notes(bob)) == 1
    e = api_error(lambda: client(quick, "carol").poll_vote(pid, [1]))
    assert e.args[1] == 422 and "The poll has already ended" in str(e)
    p = alice.poll(pid)
    assert p["expired"] is True and p["votes_count"] == 1


def test_edit_changes_poll(quick):
    alice, bob = client(quick, "alice"), client(quick, "bob")
    st = alice.status_post("Lunch?", poll=alice.make_poll(["soup", "salad"], 3600))
    pid = st["poll"]["id"]
    bob.poll_vote(pid, [0])
    # Same choices: the votes stay.
    st2 = alice.status_update(st["id"], "Lunch today?", poll=alice.make_poll(["soup", "salad"],
                                                                            7200))
    assert st2["poll"]["votes_count"] == 1
    # New choices: the votes go.
    st3 = alice.status_update(st["id"], "Lunch?", poll=alice.make_poll(["soup", "bread"], 3600))
    validate("Status", get(quick, alice, f"/api/v1/statuses/{st['id']}"))
    assert [o["title"] for o in st3["poll"]["options"]] == ["soup", "bread"]
    assert st3["poll"]["votes_count"] == 0
    assert bob.poll(pid)["voted"] is False
    bob.poll_vote(pid, [1])
    # An edit without a poll removes it.
    st4 = alice.status_update(st["id"], "No poll after all")
    assert st4["poll"] is None
    with pytest.raises(MastodonNotFoundError):
        bob.poll(pid)


def test_scheduled_status_lifecycle(quick):
    alice, bob = client(quick, "alice"), client(quick, "bob")
    when = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)
    sched = alice.status_post("Later, friends", scheduled_at=when, visibility="unlisted",
                              spoiler_text="cw")
    validate("ScheduledStatus", get(quick, alice, f"/api/v1/scheduled_statuses/{sched['id']}"))
    assert sched["params"]["text"] == "Later, friends"
    assert sched["params"]["visibility"] == "unlisted"
    assert abs(sched["scheduled_at"].timestamp() - when.timestamp()) < 1
    listed = alice.scheduled_statuses()
    assert [s["id"] for s in listed] == [sched["id"]]
    for s in get(quick, alice, "/api/v1/scheduled_statuses"):
        validate("ScheduledStatus", s)
    assert bob.scheduled_statuses() == []
    with pytest.raises(MastodonNotFoundError):
        bob.scheduled_status(sched["id"])

    later = when + datetime.timedelta(hours=2)
    alice.scheduled_status_update(sched["id"], later)
    assert abs(alice.scheduled_status(sched["id"])["scheduled_at"].timestamp()
               - later.timestamp()) < 1
    # Not into the past, nor too soon.
    past = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=1)
    e = api_error(lambda: alice.scheduled_status_update(sched["id"], past))
    assert e.args[1] == 422 and "scheduled_at" in str(e)

    alice.scheduled_status_delete(sched["id"])
    assert alice.scheduled_statuses() == []
    with pytest.raises(MastodonNotFoundError):
        alice.scheduled_status(sched["id"])
    # Never published.
    assert alice.account_statuses(alice.me()["id"]) == []


def test_scheduled_paging(quick):
    alice = client(quick, "alice")
    base = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)
    ids = [alice.status_post(f"post {i}", scheduled_at=base + datetime.timedelta(minutes=i))["id"]
           for i in range(3)]
    r = requests.get(f"{quick.url}/api/v1/scheduled_statuses?limit=2", headers=token(alice))
    assert r.status_code == 200
    assert [s["id"] for s in r.json()] == [str(i) for i in reversed(ids)][:2]
    assert 'rel="next"' in r.headers["Link"]
    nxt = re.search(r'<([^>]+)>; rel="next"', r.headers["Link"]).group(1)
    r = requests.get(nxt, headers=token(alice))
    assert [s["id"] for s in r.json()] == [str(ids[0])]


def test_scheduled_status_is_published(quick):
    alice, bob = client(quick, "alice"), client(quick, "bob")
    bob.account_follow(alice.me()["id"])
    when = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=SHORT + 1)
    sched = alice.status_post("Good morning @bob", scheduled_at=when,
                              poll=alice.make_poll(["up", "down"], 600))
    validate("ScheduledStatus", get(quick, alice, f"/api/v1/scheduled_statuses/{sched['id']}"))
    assert sched["params"]["poll"]["options"] == ["up", "down"]
    me = alice.me()["id"]
    posted = wait_for(lambda: alice.account_statuses(me))
    assert len(posted) == 1
    st = posted[0]
    validate("Status", get(quick, alice, f"/api/v1/statuses/{st['id']}"))
    assert "Good morning" in st["content"]
    assert [o["title"] for o in st["poll"]["options"]] == ["up", "down"]
    assert st["created_at"].timestamp() >= when.timestamp() - 1
    assert alice.scheduled_statuses() == []
    # Published like any post: in the follower's home, and the mention notified.
    assert wait_for(lambda: [s for s in bob.timeline_home() if s["id"] == st["id"]])
    assert [n for n in bob.notifications() if n["type"] == "mention"
            and n["status"]["id"] == st["id"]]
    time.sleep(1.5)
    assert len(alice.account_statuses(me)) == 1  # once


def test_scheduled_checks(quick):
    alice = client(quick, "alice")
    when = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)
    # The post is checked when it is scheduled.
    e = api_error(lambda: alice.status_post("", scheduled_at=when))
    assert e.args[1] == 422
    e = api_error(lambda: alice.status_post("x", scheduled_at=when,
                                            poll=alice.make_poll(["a"], 600)))
    assert e.args[1] == 422
    r = requests.post(f"{quick.url}/api/v1/statuses", headers=token(alice),
                      data={"status": "x", "scheduled_at": "tomorrow"})
    assert r.status_code == 422 and "scheduled_at" in r.json()["error"]
    # A time already past posts at once.
    r = requests.post(f"{quick.url}/api/v1/statuses", headers=token(alice),
                      data={"status": "right away", "scheduled_at": "2020-01-01T00:00:00Z"})
    assert r.status_code == 200
    validate("Status", r.json())
    assert alice.scheduled_statuses() == []


def test_idempotency_key(quick):
    alice, bob = client(quick, "alice"), client(quick, "bob")
    first = alice.status_post("Only once", idempotency_key="key-1")
    again = alice.status_post("Only once", idempotency_key="key-1")
    assert again["id"] == first["id"]
    other = alice.status_post("Only once", idempotency_key="key-2")
    assert other["id"] != first["id"]
    plain = alice.status_post("Only once")
    assert plain["id"] not in (first["id"], other["id"])
    # Keys belong to one account.
    theirs = bob.status_post("Only once", idempotency_key="key-1")
    assert theirs["id"] != first["id"]
    me = alice.me()["id"]
    assert len(alice.account_statuses(me)) == 3
    # Scheduling is idempotent too.
    when = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)
    s1 = alice.status_post("Later once", scheduled_at=when, idempotency_key="key-3")
    s2 = alice.status_post("Later once", scheduled_at=when, idempotency_key="key-3")
    assert s1["id"] == s2["id"]
    assert s1["params"]["idempotency"] == "key-3"
    assert len(alice.scheduled_statuses()) == 1
