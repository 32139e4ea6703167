"""A remote ActivityPub server for tests: actors on a loopback http.server.

Actors have RSA keys (made with openssl) and serve their documents; what
Hearth POSTs to their inboxes is recorded (optionally slowly, to stand for
a slow server). signed_post signs requests to Hearth with python3-httpsig
(draft-cavage rsa-sha256), an implementation independent of Hearth's.
"""
import base64
import email.utils
import hashlib
import json
import os
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests
from httpsig.sign import HeaderSigner

from conftest import free_port


def make_key(tmp, name):
    path = os.path.join(tmp, name + ".pem")
    subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
                    "-out", path], check=True, capture_output=True)
    priv = open(path).read()
    pub = subprocess.run(["openssl", "pkey", "-in", path, "-pubout"], check=True,
                         capture_output=True, text=True).stdout
    return priv, pub


class Remote:
    """Actors on a loopback server, and what Hearth delivered to them."""

    def __init__(self, tmp, names=("mallory", "eve"), delay=0.0, shared_inbox=True):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        # One key pair serves every actor beyond the first two (keys are slow to make).
        first = [make_key(tmp, n) for n in names[:2]]
        self.keys = {n: first[min(i, len(first) - 1)] if i >= 2 else first[i]
                     for i, n in enumerate(names)}
        self.delay = delay
        self.shared_inbox = shared_inbox
        self.received = []
        self.lock = threading.Lock()
        remote = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                name = self.path.rsplit("/", 1)[-1]
                if self.path.startswith("/users/") and name in remote.keys:
                    body = json.dumps(remote.actor(name)).encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "application/activity+json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                else:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()

            def do_POST(self):
                n = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(n)
                if remote.delay:
                    time.sleep(remote.delay)
                with remote.lock:
                    remote.received.append((self.path, dict(self.headers.items()), body))
                self.send_response(202)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def uri(self, name):
        return f"{self.base}/users/{name}"

    def actor(self, name):
        return {
            "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
            "id": self.uri(name), "type": "Person", "preferredUsername": name,
            "inbox": self.uri(name) + "/inbox", "outbox": self.uri(name) + "/outbox",
            "followers": self.uri(name) + "/followers",
            "endpoints": {"sharedInbox": self.base + "/inbox"} if self.shared_inbox else {},
            "publicKey": {"id": self.uri(name) + "#main-key", "owner": self.uri(name),
                          "publicKeyPem": self.keys[name][1]},
        }

    def stop(self):
        self.httpd.shutdown()


def sign_and_post(srv, key_id, private_pem, body, date=None, digest=None, path="/inbox"):
    """POSTs body (bytes) to Hearth at path, signed draft-cavage with key_id's key."""
    digest = digest or "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()
    headers = {
        "Host": f"127.0.0.1:{srv.port}",
        "Date": date or email.utils.formatdate(usegmt=True),
        "Digest": digest,
        "Content-Type": "application/activity+json",
    }
    hs = HeaderSigner(key_id, private_pem, algorithm="rsa-sha256",
                      headers=["(request-target)", "host", "date", "digest"],
                      sign_header="signature")
    headers = dict(hs.sign(headers, method="POST", path=path))
    return requests.post(srv.url + path, data=body, headers=headers, timeout=10)


def signed_post(srv, remote, activity, signer="mallory", key_of=None, date=None, body=None,
                tamper_digest=False, path="/inbox"):
    """POSTs activity to Hearth's inbox signed as signer (with key_of's key)."""
    body = body if body is not None else json.dumps(activity).encode()
    digest = None
    if tamper_digest:
        digest = "SHA-256=" + base64.b64encode(hashlib.sha256(b"other").digest()).decode()
    return sign_and_post(srv, remote.uri(signer) + "#main-key", remote.keys[key_of or signer][0],
                         body, date=date, digest=digest, path=path)


def signed_get(srv, remote, path, signer="mallory"):
    """GETs path from Hearth as ActivityStreams, signed by signer (draft-cavage)."""
    headers = {"Host": f"127.0.0.1:{srv.port}", "Date": email.utils.formatdate(usegmt=True),
               "Accept": "application/activity+json"}
    hs = HeaderSigner(remote.uri(signer) + "#main-key", remote.keys[signer][0],
                      algorithm="rsa-sha256", headers=["(request-target)", "host", "date"],
                      sign_header="signature")
    headers = dict(hs.sign(headers, method="GET", path=path))
    return requests.get(srv.url + path, headers=headers, timeout=10)
