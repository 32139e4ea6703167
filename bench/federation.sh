#!/bin/sh
# Federation benchmark, against fast remote servers on loopback (bench/fedpeer.c).
#
# 1. Inbox ingest: N_INGEST signed Create(Note) activities of 100 remote
#    actors POSTed to Hearth's shared inbox by 32 concurrent senders;
#    activities/s from the first POST until all N_INGEST are stored
#    (statuses with local = 0).
# 2. Outgoing fan-out: one public post by a member followed by N_FOLLOWERS
#    remote accounts spread over SERVERS servers, each with its own inbox
#    (no shared inbox: one signed delivery per follower); deliveries/s from
#    the post until the servers have received all of them.
# Beside them, this machine's `openssl speed rsa2048` (one core).
#
# Usage: bench/federation.sh [N_INGEST] [N_FOLLOWERS] [SERVERS]
# Environment: CONCURRENCY (senders, 32), ACTORS (100), TIMEOUT (s per phase, 300),
# KEEP=1 keeps the temporary folder (logs, databases).
set -eu
cd "$(dirname "$0")/.."
n_ingest="${1:-20000}"
n_followers="${2:-5000}"
servers="${3:-10}"
conc="${CONCURRENCY:-32}"
actors="${ACTORS:-100}"
timeout="${TIMEOUT:-300}"
py=/usr/bin/python3
bin="$(pwd)/build/release/hearth"
peer="$(pwd)/build/release/bench/fedpeer"
[ -x "$bin" ] || make -j2 all >/dev/null
make -s bench-build >/dev/null
command -v curl >/dev/null || { echo "bench needs curl"; exit 1; }
dir=$(mktemp -d /tmp/hearth-fedbench-XXXXXX)
pids=""
cleanup() {
    for p in $pids; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    if [ -n "${KEEP:-}" ]; then echo "kept $dir"; else rm -rf "$dir"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now_ms() { date +%s%3N; }

# COUNT distinct free loopback ports, one a line.
free_ports() {
    "$py" - "$1" <<'PY'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print("\n".join(str(s.getsockname()[1]) for s in socks))
PY
}

# Waits until URL answers, for up to 10 s.
wait_http() {
    i=0
    until curl -s -o /dev/null "$1"; do
        i=$((i + 1))
        [ $i -lt 100 ] || { echo "no answer from $1"; exit 1; }
        sleep 0.1
    done
}

# A data folder DIR for Hearth on PORT: quiet logs, no rate limits.
make_data() {
    "$bin" init --data "$1" --url "http://127.0.0.1:$2" --listen "127.0.0.1:$2" \
        --test-network >/dev/null 2>&1
    sed -i -e 's/^log_level = .*/log_level = warn/' -e 's/^rate_limit = .*/rate_limit = 0/' \
        "$1/hearth.conf"
    grep -q '^rate_limit = 0' "$1/hearth.conf" || { echo "cannot set rate_limit"; exit 1; }
}

# Starts hearth serve on data folder DIR (port PORT); its pid in $hearth_pid.
start_hearth() {
    "$bin" serve --data "$1" >"$1/../serve-$(basename "$1").log" 2>&1 &
    hearth_pid=$!
    pids="$pids $hearth_pid"
    wait_http "http://127.0.0.1:$2/api/v1/instance"
}

# CPU ticks used so far by process PID (user + system), 0 when it is gone.
proc_ticks() {
    awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0
}

# Busy ticks of the whole machine so far, all cores.
machine_ticks() {
    awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat
}

# "Hearth CPU X ms each, Y cores; ..." from: items, wall ms, Hearth's ticks, the ticks of the
# benchmark's own load processes (senders, peers), and the machine's busy ticks.
cpu_note() {
    awk -v n="$1" -v ms="$2" -v h="$3" -v own="$4" -v m="$5" -v hz="$(getconf CLK_TCK)" 'BEGIN {
        s = ms / 1000
        printf "Hearth CPU %.2f ms each, %.2f cores; load peers %.2f cores;", \
            h * 1000 / hz / n, h / hz / s, own / hz / s
        printf " other processes %.2f cores", (m - h - own) / hz / s
    }'
}

stop_pid() {
    kill "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}

# The machine's own RSA speed, measured first, while nothing else runs.
rsa=$(openssl speed -seconds 3 rsa2048 2>/dev/null | awk '/^rsa 2048 bits/ {print $(NF-1), $NF}')
rsa_sign=${rsa% *}
rsa_verify=${rsa#* }

# 1. Inbox ingest
set -- $(free_ports 2)
hport=$1
pport=$2
make_data "$dir/ingest" "$hport"
"$peer" serve --key-out "$dir/peer-ingest.key" "$pport" >"$dir/peer-ingest.log" 2>&1 &
ppid_ingest=$!
pids="$pids $ppid_ingest"
wait_http "http://127.0.0.1:$pport/users/a0"
start_hearth "$dir/ingest" "$hport"
# Polls the database until n statuses from elsewhere are stored: prints the time (ms) then.
"$py" - "$dir/ingest/hearth.db" "$n_ingest" "$timeout" >"$dir/ingest-done" \
    2>"$dir/ingest-progress" <<'PY' &
import sqlite3, sys, time
db, n, timeout = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
con = sqlite3.connect(db, timeout=10)
deadline = time.time() + timeout
last = 0.0
while True:
    c = con.execute("SELECT count(*) FROM statuses WHERE local = 0").fetchone()[0]
    t = time.time()
    if c >= n:
        print(int(t * 1000), c)
        break
    if t > deadline:
        print("timeout", c)
        break
    if t - last >= 1:
        print(f"{t:.3f} {c}", file=sys.stderr, flush=True)
        last = t
    time.sleep(0.05)
PY
poll_pid=$!
pids="$pids $poll_pid"
echo "ingest: $n_ingest activities, $conc senders, $actors actors..."
"$peer" ingest --key "$dir/peer-ingest.key" "http://127.0.0.1:$hport" "$pport" "$n_ingest" \
    "$conc" "$actors" >"$dir/ingest-send" 2>&1 &
ingest_pid=$!
pids="$pids $ingest_pid"
# CPU is counted from the end of the signing, which is not measured.
while ! grep -q '^signed' "$dir/ingest-send" && kill -0 "$ingest_pid" 2>/dev/null; do
    sleep 0.02
done
c0_ms=$(now_ms)
c0_h=$(proc_ticks "$hearth_pid")
c0_p=$(proc_ticks "$ppid_ingest")
c0_m=$(machine_ticks)
wait "$ingest_pid" || true
# Not all accepted: the count cannot be reached, so the poller is not waited for.
grep -q "accepted=$n_ingest " "$dir/ingest-send" || kill "$poll_pid" 2>/dev/null || true
wait "$poll_pid" 2>/dev/null || true
c1_ms=$(now_ms)
c1_h=$(proc_ticks "$hearth_pid")
c1_p=$(proc_ticks "$ppid_ingest")
c1_m=$(machine_ticks)
sed 's/^/  /' "$dir/ingest-send"
done_ms=""
stored=""
read -r done_ms stored <"$dir/ingest-done" || true
first_ms=$(sed -n 's/.*first_post_ms=\([0-9]*\).*/\1/p' "$dir/ingest-send")
send_cpu=$(sed -n 's/.*send_cpu_s=\([0-9.]*\).*/\1/p' "$dir/ingest-send")
if [ -z "${done_ms:-}" ] || [ "$done_ms" = "timeout" ] || [ -z "$first_ms" ]; then
    ingest_line="inbox ingest: FAILED (${stored:-some} of $n_ingest stored; logs in $dir)"
    KEEP=1
    tail -n 5 "$dir/serve-ingest.log"
else
    secs=$(awk -v a="$first_ms" -v b="$done_ms" 'BEGIN { printf "%.2f", (b - a) / 1000 }')
    rate=$(awk -v n="$n_ingest" -v s="$secs" 'BEGIN { printf "%.0f", n / s }')
    own=$(awk -v p=$((c1_p - c0_p)) -v c="${send_cpu:-0}" -v hz="$(getconf CLK_TCK)" \
        'BEGIN { printf "%.0f", p + c * hz }')
    ingest_line="inbox ingest: $n_ingest activities stored in $secs s = $rate activities/s"
    ingest_line="$ingest_line ($conc senders, $actors actors; target 3000/s) ["
    ingest_line="$ingest_line$(cpu_note "$n_ingest" $((c1_ms - c0_ms)) $((c1_h - c0_h)) "$own" \
        $((c1_m - c0_m))) over $((c1_ms - c0_ms)) ms]"
fi
stop_pid "$hearth_pid"
stop_pid "$ppid_ingest"

# 2. Outgoing fan-out
set -- $(free_ports $((servers + 1)))
hport=$1
shift
peer_ports="$*"
make_data "$dir/fanout" "$hport"
"$bin" user add --data "$dir/fanout" bench --email bench@example.org --password-stdin \
    >/dev/null 2>&1 <<EOF
bench password
EOF
# Followers f0..f(N-1), round-robin over the servers, and a token for "bench".
token=$("$py" - "$dir/fanout/hearth.db" "$n_followers" $peer_ports <<'PY'
import hashlib, os, sqlite3, sys, time
db = sqlite3.connect(sys.argv[1])
n = int(sys.argv[2])
ports = sys.argv[3:]
now = int(time.time() * 1000)
start = now - 365 * 24 * 3600 * 1000
member = db.execute("SELECT id FROM accounts WHERE username = 'bench'"
                    " AND domain IS NULL").fetchone()[0]
accounts, follows = [], []
for k in range(n):
    dom = f"127.0.0.1:{ports[k % len(ports)]}"
    uri = f"http://{dom}/users/f{k}"
    aid = ((start + k) << 16) | 5
    accounts.append((aid, f"f{k}", dom, f"f{k}@{dom}".lower(), uri, uri, uri + "/inbox",
                     start, start))
    follows.append((((start + k) << 16) | 6, aid, member, 1, start))
db.executemany("INSERT INTO accounts (id, username, domain, acct_key, uri, url, inbox_url,"
               " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", accounts)
db.executemany("INSERT INTO follows (id, account_id, target_account_id, accepted, created_at)"
               " VALUES (?, ?, ?, ?, ?)", follows)
db.execute("INSERT OR REPLACE INTO account_stats (account_id, followers_count, following_count,"
           " statuses_count) VALUES (?, ?, 0, 0)", (member, n))
token = "bench-token-" + os.urandom(16).hex()
app = (now << 16) | 7
db.execute("INSERT INTO oauth_apps (id, name, redirect_uris, scopes, client_id, client_secret_hash,"
           " created_at) VALUES (?, 'bench', 'urn:ietf:wg:oauth:2.0:oob', 'read write',"
           " 'bench-client', ?, ?)", (app, hashlib.sha256(b"x").hexdigest(), now))
db.execute("INSERT INTO oauth_tokens (id, token_hash, app_id, account_id, scopes, created_at)"
           " VALUES (?, ?, ?, ?, 'read write', ?)",
           (app + 1, hashlib.sha256(token.encode()).hexdigest(), app, member, now))
db.commit()
print(token)
PY
)
"$peer" serve --count-file "$dir/peer-fanout.count" $peer_ports >"$dir/peer-fanout.log" 2>&1 &
ppid_fanout=$!
pids="$pids $ppid_fanout"
for p in $peer_ports; do wait_http "http://127.0.0.1:$p/users/x"; done
start_hearth "$dir/fanout" "$hport"
echo "fan-out: one post to $n_followers followers on $servers servers..."
c0_h=$(proc_ticks "$hearth_pid")
c0_p=$(proc_ticks "$ppid_fanout")
c0_m=$(machine_ticks)
t0=$(now_ms)
code=$(curl -s -o "$dir/post.json" -w '%{http_code}' -H "Authorization: Bearer $token" \
    --data-urlencode "status=Hello, $n_followers followers" -d visibility=public \
    "http://127.0.0.1:$hport/api/v1/statuses")
t_post=$(now_ms)
[ "$code" = 200 ] || { echo "posting failed: $code $(cat "$dir/post.json")"; exit 1; }
deadline=$(($(date +%s) + timeout))
got=0
last=0
while :; do
    read -r got last <"$dir/peer-fanout.count" 2>/dev/null || true
    [ "${got:-0}" -lt "$n_followers" ] || break
    if [ "$(date +%s)" -ge "$deadline" ]; then break; fi
    sleep 0.05
done
c1_ms=$(now_ms)
c1_h=$(proc_ticks "$hearth_pid")
c1_p=$(proc_ticks "$ppid_fanout")
c1_m=$(machine_ticks)
if [ "${got:-0}" -lt "$n_followers" ]; then
    fanout_line="fan-out: FAILED ($got of $n_followers delivered after ${timeout} s;"
    fanout_line="$fanout_line logs in $dir)"
    KEEP=1
    tail -n 5 "$dir/serve-fanout.log"
else
    secs=$(awk -v a="$t0" -v b="$last" 'BEGIN { printf "%.2f", (b - a) / 1000 }')
    rate=$(awk -v n="$n_followers" -v s="$secs" 'BEGIN { printf "%.0f", n / s }')
    fanout_line="fan-out: $n_followers signed deliveries to $servers servers in $secs s"
    fanout_line="$fanout_line = $rate deliveries/s (post answered in $((t_post - t0)) ms;"
    fanout_line="$fanout_line target 1500/s) [$(cpu_note "$n_followers" $((c1_ms - t0)) \
        $((c1_h - c0_h)) $((c1_p - c0_p)) $((c1_m - c0_m))) over $((c1_ms - t0)) ms]"
fi
stop_pid "$hearth_pid"
stop_pid "$ppid_fanout"

echo "$ingest_line"
echo "$fanout_line"
echo "openssl speed rsa2048 (one core): $rsa_sign sign/s, $rsa_verify verify/s"
