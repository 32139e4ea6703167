"""The operator command line: hearth init / serve / user, and its errors."""
import os
import re
import signal
import socket
import sqlite3

import requests

from conftest import HEARTH_BIN, free_port, hearth, init_data, start_server


def test_version_and_help():
    r = hearth("--version")
    assert r.returncode == 0
    assert re.match(r"^hearth \d+\.\d+\.\d+", r.stdout)
    r = hearth("help")
    assert r.returncode == 0
    for word in ("init", "serve", "user add", "user list", "user password"):
        assert word in r.stdout


def test_unknown_command_and_bad_options_exit_2(tmpdir_path):
    r = hearth("frobnicate")
    assert r.returncode == 2
    assert "unknown command 'frobnicate'" in r.stderr
    r = hearth("init", "--data", tmpdir_path)
    assert r.returncode == 2
    assert "--url" in r.stderr
    r = hearth("serve", "--bogus")
    assert r.returncode == 2
    assert "--bogus" in r.stderr
    r = hearth("serve")
    assert r.returncode == 2
    assert "--data" in r.stderr
    r = hearth("user", "add", "--data", tmpdir_path, "alice")
    assert r.returncode == 2
    assert "--email" in r.stderr


def test_init_creates_config_and_database(tmpdir_path):
    data = os.path.join(tmpdir_path, "d")
    r = hearth("init", "--data", data, "--url", "https://Social.Example/", "--listen", "127.0.0.1:9")
    assert r.returncode == 0, r.stderr
    conf = open(os.path.join(data, "hearth.conf")).read()
    assert "url = https://social.example" in conf
    assert "listen = 127.0.0.1:9" in conf
    assert "test_network = false" in conf
    assert os.path.exists(os.path.join(data, "hearth.db"))
    db = sqlite3.connect(os.path.join(data, "hearth.db"))
    versions = [v for (v,) in db.execute("SELECT version FROM schema_migrations")]
    assert versions and versions == sorted(versions)
    db.close()
    # A second init refuses and leaves the first intact.
    r = hearth("init", "--data", data, "--url", "https://other.example")
    assert r.returncode == 1
    assert "already" in r.stderr
    assert "social.example" in open(os.path.join(data, "hearth.conf")).read()


def test_init_test_network_flag(tmpdir_path):
    data = os.path.join(tmpdir_path, "d")
    r = hearth("init", "--data", data, "--url", "http://127.0.0.1:8081", "--test-network")
    assert r.returncode == 0, r.stderr
    assert "test_network = true" in open(os.path.join(data, "hearth.conf")).read()


def test_init_errors_leave_nothing(tmpdir_path):
    data = os.path.join(tmpdir_path, "d")
    r = hearth("init", "--data", data, "--url", "ftp://x.example")
    assert r.returncode == 2
    assert "http://" in r.stderr
    assert not os.path.exists(data)
    r = hearth("init", "--data", data, "--url", "https://x.example", "--listen", "nope")
    assert r.returncode == 2
    assert not os.path.exists(data)
    # A data folder that cannot be created: its parent is a regular file.
    blocker = os.path.join(tmpdir_path, "file")
    open(blocker, "w").close()
    r = hearth("init", "--data", os.path.join(blocker, "data"), "--url", "https://x.example")
    assert r.returncode == 1
    assert "cannot create" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_unwritable_data_folder(tmpdir_path):
    if os.geteuid() == 0:
        # root writes anywhere; a read-only file system stands in via a folder on /proc.
        r = hearth("init", "--data", "/proc/hearth-data", "--url", "https://x.example")
    else:
        ro = os.path.join(tmpdir_path, "ro")
        os.mkdir(ro, 0o500)
        r = hearth("init", "--data", os.path.join(ro, "data"), "--url", "https://x.example")
    assert r.returncode == 1
    assert "cannot create" in r.stderr


def test_user_add_list_password(tmpdir_path):
    data = os.path.join(tmpdir_path, "d")
    init_data(data, free_port())
    r = hearth("user", "add", "--data", data, "admin", "--email", "admin@example.org", "--admin")
    assert r.returncode == 0, r.stderr
    m = re.search(r"password: (\S+)", r.stdout)
    assert m and len(m.group(1)) >= 16
    r = hearth("user", "add", "--data", data, "alice", "--email", "alice@example.org",
               "--password-stdin", stdin="correct horse battery\n")
    assert r.returncode == 0, r.stderr
    assert "password:" not in r.stdout
    # Errors name the field and change nothing.
    r = hearth("user", "add", "--data", data, "Alice", "--email", "other@example.org")
    assert r.returncode == 1
    assert "username" in r.stderr and "taken" in r.stderr
    r = hearth("user", "add", "--data", data, "bob", "--email", "ALICE@example.org")
    assert r.returncode == 1
    assert "email" in r.stderr
    r = hearth("user", "add", "--data", data, "bad name!", "--email", "x@example.org")
    assert r.returncode == 1
    assert "username" in r.stderr
    r = hearth("user", "add", "--data", data, "carol", "--email", "not-an-email")
    assert r.returncode == 1
    assert "email" in r.stderr
    r = hearth("user", "add", "--data", data, "dave", "--email", "d@example.org",
               "--password-stdin", stdin="short\n")
    assert r.returncode == 1
    assert "password" in r.stderr
    r = hearth("user", "list", "--data", data)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.strip().splitlines()
    names = [l.split()[0] for l in lines[1:]]
    assert names == ["admin", "alice"]
    assert "admin@example.org" in r.stdout and "owner" in lines[1] or "admin" in lines[1].split()[2]
    db = sqlite3.connect(os.path.join(data, "hearth.db"))
    before = db.execute("SELECT password_hash FROM users WHERE email = 'alice@example.org'").fetchone()[0]
    db.close()
    r = hearth("user", "password", "--data", data, "alice")
    assert r.returncode == 0, r.stderr
    assert re.search(r"password: \S{16,}", r.stdout)
    db = sqlite3.connect(os.path.join(data, "hearth.db"))
    after = db.execute("SELECT password_hash FROM users WHERE email = 'alice@example.org'").fetchone()[0]
    db.close()
    assert after != before and after.startswith("$argon2id$")
    r = hearth("user", "password", "--data", data, "nobody")
    assert r.returncode == 1
    assert "nobody" in r.stderr


def test_serve_health_and_clean_stop(server):
    r = requests.get(server.url + "/health")
    assert r.status_code == 200
    assert r.json()["status"] == "ok"
    assert server.stop() == 0
    log = server.log()
    assert "GET" in log and "/health" in log


def test_second_serve_refused_by_lock(server):
    r = hearth("serve", "--data", server.data, timeout=20)
    assert r.returncode == 1
    assert "already running" in r.stderr
    assert str(server.proc.pid) in r.stderr
    # The first server is unharmed.
    assert requests.get(server.url + "/health").status_code == 200


def test_port_in_use(tmpdir_path):
    data = os.path.join(tmpdir_path, "d")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        port = s.getsockname()[1]
        init_data(data, port)
        r = hearth("serve", "--data", data, timeout=20)
    assert r.returncode == 1
    assert "in use" in r.stderr
    assert f"127.0.0.1:{port}" in r.stderr


def test_malformed_config_refused(tmpdir_path):
    data = os.path.join(tmpdir_path, "d")
    init_data(data, free_port())
    path = os.path.join(data, "hearth.conf")
    with open(path, "a") as f:
        f.write("colour = blue\n")
    r = hearth("serve", "--data", data, timeout=20)
    assert r.returncode == 1
    assert "unknown key 'colour'" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    r = hearth("user", "list", "--data", data)
    assert r.returncode == 1


def test_missing_data_folder(tmpdir_path):
    r = hearth("serve", "--data", os.path.join(tmpdir_path, "none"), timeout=20)
    assert r.returncode == 1
    assert "hearth init" in r.stderr


def test_newer_database_refused_untouched(tmpdir_path):
    data = os.path.join(tmpdir_path, "d")
    init_data(data, free_port())
    dbpath = os.path.join(data, "hearth.db")
    db = sqlite3.connect(dbpath)
    db.execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999999, 'future', 0)")
    db.commit()
    db.close()
    r = hearth("serve", "--data", data, timeout=20)
    assert r.returncode == 1
    assert "newer" in r.stderr
    db = sqlite3.connect(dbpath)
    assert db.execute("SELECT max(version) FROM schema_migrations").fetchone()[0] == 999999
    db.close()


def test_sigint_stops_cleanly(server):
    assert server.stop(sig=signal.SIGINT) == 0
