"""Shared fixtures for Hearth's integration tests.

Every test starts the real `hearth` binary (HEARTH_BIN, set by
tools/run-tests.sh) on 127.0.0.1 with a temporary data folder, and drives
it as an operator or a client would.
"""
import os
import shutil
import signal
import sys
import socket
import subprocess
import tempfile
import time

import pytest
import requests

HEARTH_BIN = os.environ.get("HEARTH_BIN", os.path.join(os.path.dirname(__file__), "..", "..", "build", "release", "hearth"))


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def hearth(*args, stdin=None, timeout=60):
    """Runs a hearth command; returns the CompletedProcess (text mode)."""
    return subprocess.run([HEARTH_BIN, *args], input=stdin, capture_output=True, text=True,
                          timeout=timeout)


class Server:
    """A running `hearth serve` on a fresh data folder."""

    def __init__(self, data, port, proc):
        self.data = data
        self.port = port
        self.proc = proc
        self.url = f"http://127.0.0.1:{port}"
        self.stderr_path = os.path.join(data, "serve.log")

    def log(self):
        with open(self.stderr_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def stop(self, sig=signal.SIGTERM, timeout=20):
        if self.proc.poll() is not None and self.proc.returncode != 0:
            # Died before being told to stop: the log's end says why (shown with the failure).
            tail = self.log().splitlines()[-40:]
            print(f"hearth serve on port {self.port} exited with {self.proc.returncode}:",
                  *tail, sep="\n", file=sys.stderr)
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


def init_data(data, port, extra=()):
    r = hearth("init", "--data", data, "--url", f"http://127.0.0.1:{port}",
               "--listen", f"127.0.0.1:{port}", *extra)
    assert r.returncode == 0, r.stderr
    return r


def start_server(data, port, wait=True):
    log = open(os.path.join(data, "serve.log"), "w")
    proc = subprocess.Popen([HEARTH_BIN, "serve", "--data", data], stdout=log, stderr=subprocess.STDOUT)
    srv = Server(data, port, proc)
    if wait:
        deadline = time.time() + 20
        while time.time() < deadline:
            if proc.poll() is not None:
                raise AssertionError("hearth serve exited early:\n" + srv.log())
            try:
                if requests.get(srv.url + "/health", timeout=1).status_code == 200:
                    return srv
            except requests.RequestException:
                pass
            time.sleep(0.05)
        srv.stop()
        raise AssertionError("hearth serve did not become healthy:\n" + srv.log())
    return srv


@pytest.fixture
def tmpdir_path():
    d = tempfile.mkdtemp(prefix="hearth-integ-")
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture
def server(tmpdir_path):
    data = os.path.join(tmpdir_path, "data")
    port = free_port()
    init_data(data, port)
    srv = start_server(data, port)
    yield srv
    srv.stop()


PASSWORD = "correct horse battery"


def add_user(data, name, admin=False):
    args = ["user", "add", "--data", data, name, "--email", f"{name}@example.org", "--password-stdin"]
    if admin:
        args.append("--admin")
    r = hearth(*args, stdin=PASSWORD + "\n")
    assert r.returncode == 0, r.stderr


@pytest.fixture
def community(tmpdir_path):
    """A running server with members alice (admin), bob, carol and dave."""
    data = os.path.join(tmpdir_path, "data")
    port = free_port()
    init_data(data, port)
    for name in ("alice", "bob", "carol", "dave"):
        add_user(data, name, admin=(name == "alice"))
    srv = start_server(data, port)
    yield srv
    srv.stop()


def client(srv, login, scopes=("read", "write", "follow")):
    """A Mastodon.py client logged in with the password grant."""
    from mastodon import Mastodon
    cid, csec = Mastodon.create_app("hearth-tests", api_base_url=srv.url, scopes=list(scopes))
    m = Mastodon(client_id=cid, client_secret=csec, api_base_url=srv.url)
    m.log_in(f"{login}@example.org", PASSWORD, scopes=list(scopes))
    return m
