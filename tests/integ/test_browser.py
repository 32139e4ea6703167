"""Hearth's pages in a real browser: Chromium (Debian) driven by
playwright-core, with axe-core (both from npm, in tests/browser).

Each test starts a fresh server with members alice (admin) and bob, gives
each an API token (Mastodon.py's password grant: what bob does outside
the browser goes through the API, as from his app), and runs one scenario
of tests/browser/scenario.mjs in node against it:

  visitor   a visitor reads bob's profile and one of his public posts
  member    alice logs in, favourites a post, follows bob from his profile
            and sees his new post on /home (live, then after a reload)
  compose   alice posts with a content warning and an image, sees it on
            /home and /local behind a <details>, replies from a Reply link
  live      a notification appears on /notifications without a reload
            with JavaScript on, and after a reload with it off
  profile   alice edits her profile at /settings/profile, logs out
  pages     screenshots at 375 and 1280 px and axe-core on the main pages,
            none of which may scroll sideways at 375 px
  invite    alice makes joining invite-only on /admin/join, adds a rule and
            an invite link; a newcomer signs up with it and is welcomed
  approval  a visitor asks to join with a reason, alice approves her on
            /admin/join, she logs in to the welcome page and the people

Screenshots go to HEARTH_ARTIFACTS (default build/browser-artifacts), with
one of the page as it was for each failed step. A missing Chromium or
tests/browser/node_modules fails the tests (it does not skip them): run
`make browser-deps` as root. Every run stops by itself: the scenario has
a budget, and the node process a timeout here.
"""
import os
import shutil
import subprocess

import pytest

from conftest import PASSWORD, add_user, client, free_port, init_data, start_server

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BROWSER_DIR = os.path.join(ROOT, "tests", "browser")
SCENARIO = os.path.join(BROWSER_DIR, "scenario.mjs")
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = os.environ.get("HEARTH_ARTIFACTS", os.path.join(ROOT, "build", "browser-artifacts"))
BUDGET = 150  # seconds a scenario may take (scenario.mjs gives up by itself after this)

PUBLIC_PAGES = "front,about,profile,post,login,home,notifications,profile-member"
NEW_PAGES = "compose,settings-profile"


def require_browser():
    """Fails (never skips) when the browser or the npm packages are missing."""
    missing = []
    if not os.access(CHROMIUM, os.X_OK):
        missing.append(f"{CHROMIUM} is missing (apt-get install chromium)")
    if shutil.which("node") is None:
        missing.append("node is missing (apt-get install nodejs npm)")
    for pkg in ("playwright-core", "axe-core"):
        if not os.path.isdir(os.path.join(BROWSER_DIR, "node_modules", pkg)):
            missing.append(f"tests/browser/node_modules/{pkg} is missing "
                           "(cd tests/browser && npm ci)")
            break
    if missing:
        pytest.fail("the browser tests cannot run: " + "; ".join(missing) +
                    ". As root, `make browser-deps` installs both.", pytrace=False)


@pytest.fixture
def world(tmpdir_path):
    """A fresh server with alice (admin) and bob, and an API token for each."""
    data = os.path.join(tmpdir_path, "data")
    port = free_port()
    init_data(data, port)
    add_user(data, "alice", admin=True)
    add_user(data, "bob")
    srv = start_server(data, port)
    try:
        srv.tokens = {name: client(srv, name).access_token for name in ("alice", "bob")}
        yield srv
    finally:
        srv.stop()


def run(srv, *scenarios, pages=None):
    require_browser()
    env = dict(os.environ, HEARTH_URL=srv.url, HEARTH_USER="alice", HEARTH_OTHER="bob",
               HEARTH_PASSWORD=PASSWORD, HEARTH_USER_TOKEN=srv.tokens["alice"],
               HEARTH_OTHER_TOKEN=srv.tokens["bob"], HEARTH_ARTIFACTS=ARTIFACTS,
               CHROMIUM=CHROMIUM, HEARTH_BROWSER_BUDGET=str(BUDGET))
    if pages:
        env["HEARTH_PAGES"] = pages
    try:
        p = subprocess.run(["node", SCENARIO, *scenarios], cwd=BROWSER_DIR, env=env,
                           capture_output=True, text=True, timeout=BUDGET + 30)
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
        pytest.fail(f"scenario {' '.join(scenarios)} did not finish within {BUDGET + 30} s:\n{out}",
                    pytrace=False)
    if p.returncode != 0:
        log = "\n".join(srv.log().splitlines()[-30:])
        pytest.fail(f"scenario {' '.join(scenarios)} failed (exit {p.returncode}):\n{p.stdout}"
                    f"{p.stderr}\n--- end of the server's log:\n{log}", pytrace=False)
    print(p.stdout)  # the steps and axe-core's notes, shown by pytest -rP
    return p.stdout


def test_visitor_reads_a_profile_and_a_post(world):
    run(world, "visitor")


def test_member_logs_in_favourites_follows_and_sees_home(world):
    run(world, "member")


def test_member_composes_with_a_warning_and_an_image_and_replies(world):
    run(world, "compose")


def test_notifications_arrive_live_and_after_a_reload_without_script(world):
    run(world, "live")


def test_profile_settings_then_logout(world):
    run(world, "profile")


def test_pages_screenshots_and_accessibility(world):
    run(world, "pages", pages=PUBLIC_PAGES)


def test_composer_and_settings_screenshots_and_accessibility(world):
    run(world, "pages", pages=NEW_PAGES)


def test_invite_link_sign_up_and_welcome(world):
    run(world, "invite")


def test_approval_sign_up_and_welcome(world):
    run(world, "approval")
