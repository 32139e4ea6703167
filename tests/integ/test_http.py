"""The HTTP server as clients see it: errors, caps and keep-alive."""
import http.client
import signal
import socket

import requests


def test_unknown_route_is_json_404(server):
    r = requests.get(server.url + "/no/such/thing")
    assert r.status_code == 404
    assert r.headers["Content-Type"].startswith("application/json")
    assert r.json() == {"error": "Record not found"}


def test_wrong_method_is_405(server):
    r = requests.delete(server.url + "/health")
    assert r.status_code == 405
    assert "error" in r.json()
    assert "GET" in r.headers.get("Allow", "")


def test_oversized_body_is_413(server):
    body = b"x" * (1024 * 1024 + 1)
    r = requests.post(server.url + "/health", data=body,
                      headers={"Content-Type": "application/octet-stream"})
    assert r.status_code == 413
    assert "error" in r.json()
    # The server is still healthy afterwards.
    assert requests.get(server.url + "/health").status_code == 200


def test_oversized_declared_length_refused_before_body(server):
    s = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    s.sendall(b"POST /health HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              b"Content-Length: 500000000\r\n\r\n")
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
    s.close()
    assert data.startswith(b"HTTP/1.1 413")


def test_keep_alive_serves_several_requests_on_one_connection(server):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    socks = set()
    for path in ("/health", "/nope", "/health", "/health/"):
        conn.request("GET", path)
        resp = conn.getresponse()
        resp.read()
        assert resp.status in (200, 404)
        assert resp.getheader("Connection", "").lower() != "close"
        socks.add(id(conn.sock))
    assert len(socks) == 1
    conn.close()


def test_request_log_line(server):
    requests.get(server.url + "/health?token=secret")
    server.stop()
    log = server.log()
    line = [l for l in log.splitlines() if "/health" in l and "status=200" in l]
    assert line, log
    assert "secret" not in log
    assert "us=" in line[0] or "duration" in line[0]


def test_oversized_headers_refused_and_server_unharmed(server):
    s = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 60000 + b"\r\n\r\n")
    data = s.recv(200)
    s.close()
    assert data.startswith(b"HTTP/1.1 431")
    assert requests.get(server.url + "/health").status_code == 200


def test_a_crash_leaves_its_stack_in_the_log(server):
    """A server that crashes says so in its log, with the stack, for whoever reads it
    (Hearth's own report; a sanitizer build gives the sanitizer's)."""
    server.proc.send_signal(signal.SIGSEGV)
    server.proc.wait(timeout=30)
    assert server.proc.returncode != 0
    log = server.log()
    if "ERROR: AddressSanitizer" in log:
        assert "#0 " in log, log[-2000:]
        return
    assert server.proc.returncode == -signal.SIGSEGV
    assert "hearth: fatal signal; stack:" in log, log[-2000:]
    after = log.split("hearth: fatal signal; stack:", 1)[1]
    assert "hearth" in after  # frames of the binary follow
