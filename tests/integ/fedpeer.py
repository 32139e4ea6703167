"""The Fedify peer (tests/fedify/peer.mjs) as the integration tests drive it:
an independent ActivityPub implementation on loopback that records what
reaches its inbox and answers a small JSON control API."""
import json
import os
import shutil
import subprocess
import time

import pytest
import requests

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PEER_DIR = os.path.join(ROOT, "tests", "fedify")
NODE = shutil.which("node")

# For the modules that use the peer: skipped when it cannot run here.
needs_peer = [
    pytest.mark.skipif(NODE is None, reason="node is not installed; the Fedify peer needs it"),
    pytest.mark.skipif(
        not os.path.isdir(os.path.join(PEER_DIR, "node_modules", "@fedify", "fedify")),
        reason="tests/fedify/node_modules is missing; run `npm ci` in tests/fedify"),
]


class Peer:
    """The running Fedify peer and its control API."""

    def __init__(self, d, port):
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.actor = self.url + "/users/fedi"
        self.out_path = os.path.join(d, "peer.out")
        self.err_path = os.path.join(d, "peer.log")
        env = dict(os.environ, PEER_LOG_LEVEL="debug")
        self.proc = subprocess.Popen([NODE, "peer.mjs", str(port)], cwd=PEER_DIR, env=env,
                                     stdout=open(self.out_path, "w"),
                                     stderr=open(self.err_path, "w"))
        deadline = time.time() + 20
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError("the Fedify peer exited early:\n" + self.log())
            with open(self.out_path) as f:
                if "ready" in f.read():
                    return
            time.sleep(0.05)
        self.stop()
        raise AssertionError("the Fedify peer did not start:\n" + self.log())

    def log(self):
        with open(self.err_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def get(self, what):
        r = requests.get(f"{self.url}/control/{what}", timeout=10)
        r.raise_for_status()
        return r.json()

    def post(self, what, **body):
        r = requests.post(f"{self.url}/control/{what}", json=body, timeout=10)
        assert r.status_code == 200, f"{what}: {r.status_code} {r.text}"
        return r.json()

    def received(self, type_=None):
        return [a for a in self.get("received") if type_ is None or a["type"] == type_]

    def diag(self):
        """What the peer saw, for assertion messages."""
        def brief(entries):
            return json.dumps([{k: v for k, v in e.items() if k not in ("json", "raw", "body")}
                               for e in entries], indent=1)[-4000:]
        return (f"\npeer errors: {brief(self.get('errors'))}"
                f"\npeer received: {brief(self.get('received'))}"
                f"\npeer sent: {brief(self.get('sent'))}"
                f"\npeer log tail:\n{self.log()[-3000:]}")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
