#!/bin/sh
# Page benchmark: seeds ACCOUNTS accounts and STATUSES statuses (bench/seed.py),
# serves them with quiet logs and no rate limits, logs member "bench" in
# through the login form (GET /login for the form's CSRF cookie and field,
# then POST /login) for the hearth_session cookie, and runs wrk on loopback
# against
#   GET /@NAME            the profile page of the account with the most posts,
#                         as a visitor sees it (no cookie)
#   GET /home?limit=40    bench's home timeline page with the session cookie
# printing requests/s, p50 and p99 of each, and the server's resident memory
# (after seeding, peak during the runs).
#
# Usage: bench/web.sh [ACCOUNTS] [STATUSES] [SECONDS] [CONNECTIONS]
#        (defaults 2000, 100000, 20, 16; wrk runs with 2 threads)
# Needs wrk (apt-get install wrk) and curl. KEEP=1 keeps the temporary folder.
set -eu
cd "$(dirname "$0")/.."
accounts="${1:-2000}"
statuses="${2:-100000}"
secs="${3:-20}"
conns="${4:-16}"
py=/usr/bin/python3
bin="$(pwd)/build/release/hearth"
command -v wrk >/dev/null || { echo "bench/web.sh needs wrk: apt-get install wrk"; exit 1; }
command -v curl >/dev/null || { echo "bench/web.sh needs curl: apt-get install curl"; exit 1; }
[ -x "$bin" ] || make -j2 all >/dev/null
dir=$(mktemp -d /tmp/hearth-webbench-XXXXXX)
pid=""
spid=""
cleanup() {
    for p in $spid $pid; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    if [ -n "${KEEP:-}" ]; then echo "kept $dir"; else rm -rf "$dir"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port=$("$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
"$bin" init --data "$dir/data" --url "$base" --listen "127.0.0.1:$port" >/dev/null 2>&1
# Quiet logs, and no rate limits: every request comes from one address and one member.
sed -i -e 's/log_level = info/log_level = warn/' -e 's/^rate_limit = 300$/rate_limit = 0/' \
    "$dir/data/hearth.conf"
echo "seeding $accounts accounts and $statuses statuses..."
t0=$(date +%s)
HEARTH_BIN="$bin" "$py" bench/seed.py "$dir/data" "$accounts" "$statuses" >/dev/null
echo "seeded in $(( $(date +%s) - t0 )) s; database $(du -h "$dir/data/hearth.db" | cut -f1)"
# The account with the most posts that a visitor may see on its page.
name=$("$py" - "$dir/data/hearth.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
row = db.execute("SELECT a.username, count(*) AS n FROM statuses s JOIN accounts a ON a.id = s.account_id"
                 " WHERE s.visibility IN (0, 1) AND s.deleted_at IS NULL"
                 " GROUP BY s.account_id ORDER BY n DESC LIMIT 1").fetchone()
print(row[0])
PY
)

"$bin" serve --data "$dir/data" >"$dir/serve.log" 2>&1 &
pid=$!
i=0
until curl -sf -o /dev/null "$base/health"; do
    i=$((i + 1))
    [ $i -lt 100 ] || { echo "the server did not start:"; tail -n 20 "$dir/serve.log"; exit 1; }
    kill -0 "$pid" 2>/dev/null || { echo "the server exited:"; tail -n 20 "$dir/serve.log"; exit 1; }
    sleep 0.1
done

# Logging in as a browser does: the login form's CSRF cookie and field, then the POST.
jar="$dir/cookies"
csrf=$(curl -sf -c "$jar" -b "$jar" "$base/login" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n 1)
[ -n "$csrf" ] || { echo "no CSRF field in the login form"; exit 1; }
code=$(curl -s -o /dev/null -w '%{http_code}' -c "$jar" -b "$jar" \
    --data-urlencode "csrf=$csrf" --data-urlencode "username=bench" \
    --data-urlencode "password=bench password" "$base/login")
session=$(awk '$6 == "hearth_session" { print $7 }' "$jar")
[ "$code" = 303 ] && [ -n "$session" ] || { echo "logging in failed (HTTP $code)"; exit 1; }

rss_kb() { awk '/VmRSS/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo 0; }
echo "resident memory after start: $(( $(rss_kb) / 1024 )) MB"
echo 0 > "$dir/peak"
sample() {
    while kill -0 "$pid" 2>/dev/null; do
        rss=$(rss_kb)
        [ "${rss:-0}" -gt "$(cat "$dir/peak" 2>/dev/null || echo 0)" ] && echo "$rss" > "$dir/peak"
        sleep 0.5
    done
}
sample &
spid=$!

# One page of each before the runs: both must answer 200 (a 303 would mean no session).
bench_page() {
    what="$1"
    path="$2"
    shift 2
    code=$(curl -s -o "$dir/page.html" -w '%{http_code}' "$@" "$base$path")
    [ "$code" = 200 ] || { echo "GET $path answered $code"; exit 1; }
    posts=$(grep -o '<article class="status' "$dir/page.html" | wc -l)
    echo "== $what: GET $path ($(wc -c < "$dir/page.html") bytes, $posts posts;" \
        "$conns connections, 2 threads, $secs s)"
    wrk -t2 -c"$conns" -d"${secs}s" --latency "$@" "$base$path" \
        | grep -E 'Requests/sec|  50%|  99%|Non-2xx|Socket errors'
}
bench_page "profile page, as a visitor" "/@$name"
bench_page "home timeline page, signed in" "/home?limit=40" -H "Cookie: hearth_session=$session"
echo "resident memory now: $(( $(rss_kb) / 1024 )) MB, peak during the runs: $(( $(cat "$dir/peak") / 1024 )) MB"
