#!/usr/bin/python3
"""Fills a fresh Hearth data folder with a community's worth of data.

Usage: seed.py DATA_DIR [ACCOUNTS] [STATUSES]

Makes ACCOUNTS local accounts (default 10,000), each following 100 others,
and STATUSES posts (default 1,000,000) spread over them and over time
(90% public, 5% unlisted, 3% followers-only, 2% local-only), written
straight into the SQLite database for speed. Account "bench" (password
"bench password") is the one the benchmark reads as; an app and a token
for it are printed as TOKEN=... on the last line.
"""
import hashlib
import os
import random
import sqlite3
import subprocess
import sys
import time

data = sys.argv[1]
n_accounts = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
n_statuses = int(sys.argv[3]) if len(sys.argv) > 3 else 1000000
hearth = os.environ.get("HEARTH_BIN", "build/release/hearth")
random.seed(42)

subprocess.run([hearth, "user", "add", "--data", data, "bench", "--email", "bench@example.org",
                "--password-stdin"], input="bench password\n", text=True, check=True,
               capture_output=True)
db = sqlite3.connect(os.path.join(data, "hearth.db"))
db.execute("PRAGMA synchronous=OFF")
url = db.execute("SELECT uri FROM accounts WHERE username='bench'").fetchone()[0].rsplit("/users/", 1)[0]
bench_id = db.execute("SELECT id FROM accounts WHERE username='bench'").fetchone()[0]

now_ms = int(time.time() * 1000)
start_ms = now_ms - 365 * 24 * 3600 * 1000
ids = []
rows = []
for i in range(n_accounts):
    aid = ((start_ms + i) << 16) | 1
    ids.append(aid)
    name = f"m{i}"
    rows.append((aid, name, name, f"{url}/users/{name}", f"{url}/@{name}", start_ms, start_ms))
db.executemany("INSERT INTO accounts (id, username, acct_key, uri, url, created_at, updated_at)"
               " VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
follows = []
fid = (start_ms << 16) | 2
everyone = ids + [bench_id]
for a in everyone:
    for t in random.sample(ids, 100):
        if t != a:
            fid += 1
            follows.append((fid, a, t, 1, start_ms))
db.executemany("INSERT OR IGNORE INTO follows (id, account_id, target_account_id, accepted, created_at)"
               " VALUES (?, ?, ?, ?, ?)", follows)
db.commit()

vis_choices = [0] * 90 + [1] * 5 + [2] * 3 + [4] * 2
step = (now_ms - start_ms) // n_statuses
batch = []
for k in range(n_statuses):
    t = start_ms + k * step
    sid = (t << 16) | (k & 0x7fff)
    author = ids[random.randrange(n_accounts)]
    v = random.choice(vis_choices)
    batch.append((sid, author, f"{url}/s/{sid}", 1, v, f"post {k}", f"<p>post {k} with some words in it</p>",
                  sid, t))
    if len(batch) == 50000:
        db.executemany("INSERT INTO statuses (id, account_id, uri, local, visibility, text, content,"
                       " thread_root_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", batch)
        db.commit()
        batch = []
if batch:
    db.executemany("INSERT INTO statuses (id, account_id, uri, local, visibility, text, content,"
                   " thread_root_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", batch)
db.commit()
# The home feed of "bench" as Hearth keeps it: its newest 800 entries, and
# a floor below them under which reads go to the statuses table. (The other
# accounts have no users rows, so no feeds.)
FEED_MAX = 800
top = db.execute("SELECT s.id FROM statuses s WHERE s.account_id IN (SELECT target_account_id"
                 " FROM follows WHERE account_id = ? AND accepted = 1) OR s.account_id = ?"
                 " ORDER BY s.id DESC LIMIT ?", (bench_id, bench_id, FEED_MAX + 1)).fetchall()
db.executemany("INSERT INTO home_feed (account_id, status_id) VALUES (?, ?)",
               [(bench_id, r[0]) for r in top[:FEED_MAX]])
if len(top) > FEED_MAX:
    db.execute("INSERT INTO home_feed_floors (account_id, floor_id) VALUES (?, ?)",
               (bench_id, top[FEED_MAX][0]))
# Stored account counts, as Hearth keeps them (core/stats.c).
db.execute("DELETE FROM account_stats")
db.execute("INSERT INTO account_stats (account_id, followers_count, following_count, statuses_count)"
           " SELECT a.id,"
           " (SELECT count(*) FROM follows f WHERE f.target_account_id = a.id AND f.accepted = 1),"
           " (SELECT count(*) FROM follows f WHERE f.account_id = a.id AND f.accepted = 1),"
           " (SELECT count(*) FROM statuses s WHERE s.account_id = a.id"
           " AND s.visibility IN (0, 1, 2) AND s.deleted_at IS NULL) FROM accounts a")
db.commit()
db.execute("ANALYZE")
db.commit()

# An app and a token for "bench", stored the way Hearth stores them (SHA-256 of the secret).
token = "bench-token-" + hashlib.sha256(str(random.random()).encode()).hexdigest()[:32]
app_id = (now_ms << 16) | 3
db.execute("INSERT INTO oauth_apps (id, name, redirect_uris, scopes, client_id, client_secret_hash,"
           " created_at) VALUES (?, 'bench', 'urn:ietf:wg:oauth:2.0:oob', 'read write', 'bench-client', ?, ?)",
           (app_id, hashlib.sha256(b"x").hexdigest(), now_ms))
db.execute("INSERT INTO oauth_tokens (id, token_hash, app_id, account_id, scopes, created_at)"
           " VALUES (?, ?, ?, ?, 'read write', ?)",
           (app_id + 1, hashlib.sha256(token.encode()).hexdigest(), app_id, bench_id, now_ms))
db.commit()
db.close()
print(f"TOKEN={token}")
