#!/bin/sh
# Timeline benchmark: 10,000 accounts, 1,000,000 statuses, then wrk on
# loopback against GET /api/v1/timelines/home?limit=40 and
# GET /api/v1/timelines/public?local=true, with the server's resident
# memory sampled during the runs. Prints requests/s, p50 and p99.
# Usage: bench/run.sh [ACCOUNTS] [STATUSES] [SECONDS] [CONNECTIONS]
set -eu
cd "$(dirname "$0")/.."
accounts="${1:-10000}"
statuses="${2:-1000000}"
secs="${3:-20}"
conns="${4:-16}"
bin="$(pwd)/build/release/hearth"
[ -x "$bin" ] || make all >/dev/null
command -v wrk >/dev/null || { echo "bench needs wrk (apt-get install wrk)"; exit 1; }
dir=$(mktemp -d /tmp/hearth-bench-XXXXXX)
pid=""
spid=""
trap 'kill $spid $pid 2>/dev/null; wait 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$dir"' EXIT
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$bin" init --data "$dir/data" --url "http://127.0.0.1:$port" --listen "127.0.0.1:$port" >/dev/null 2>&1
# Quiet logs, and no rate limits: every request comes from one account.
sed -i -e 's/log_level = info/log_level = warn/' -e 's/^rate_limit = 300$/rate_limit = 0/' \
    "$dir/data/hearth.conf"
echo "seeding $accounts accounts and $statuses statuses..."
t0=$(date +%s)
token=$(HEARTH_BIN="$bin" /usr/bin/python3 bench/seed.py "$dir/data" "$accounts" "$statuses" | sed -n 's/^TOKEN=//p')
echo "seeded in $(( $(date +%s) - t0 )) s; database $(du -h "$dir/data/hearth.db" | cut -f1)"
"$bin" serve --data "$dir/data" >"$dir/serve.log" 2>&1 &
pid=$!
sleep 1
cat > "$dir/auth.lua" <<LUA
wrk.headers["Authorization"] = "Bearer $token"
LUA
echo 0 > "$dir/peak"
sample() {
    while kill -0 "$pid" 2>/dev/null; do
        rss=$(awk '/VmRSS/ {print $2}' /proc/$pid/status 2>/dev/null || echo 0)
        [ "${rss:-0}" -gt "$(cat "$dir/peak" 2>/dev/null || echo 0)" ] && echo "$rss" > "$dir/peak"
        sleep 0.5
    done
}
sample &
spid=$!
for path in "/api/v1/timelines/home?limit=40" "/api/v1/timelines/public?local=true"; do
    echo "== GET $path ($conns connections, 2 threads, $secs s)"
    wrk -t2 -c"$conns" -d"${secs}s" --latency -s "$dir/auth.lua" "http://127.0.0.1:$port$path" \
        | grep -E 'Requests/sec|  50%|  99%|Non-2xx|Socket errors'
done
echo "peak resident memory: $(( $(cat "$dir/peak") / 1024 )) MB"
