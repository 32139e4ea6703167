#!/bin/sh
# Instructions per request, counted by valgrind's callgrind: unlike
# requests/s, the count does not depend on what else the machine is doing,
# so two builds can be compared on a busy machine.
# Usage: bench/instructions.sh [ACCOUNTS] [STATUSES] [REQUESTS]
# (DATA=dir reuses a data folder seeded by an earlier run, e.g. KEEP=1 bench/run.sh)
set -eu
cd "$(dirname "$0")/.."
accounts="${1:-10000}"
statuses="${2:-1000000}"
n="${3:-40}"
bin="$(pwd)/build/release/hearth"
[ -x "$bin" ] || make all >/dev/null
for tool in valgrind callgrind_control callgrind_annotate curl; do
    command -v $tool >/dev/null || { echo "needs $tool (apt-get install valgrind curl)"; exit 1; }
done
dir=$(mktemp -d /tmp/hearth-instr-XXXXXX)
pid=""
trap 'kill $pid 2>/dev/null; wait 2>/dev/null; rm -rf "$dir"' EXIT
if [ -n "${DATA:-}" ]; then
    data="$DATA"
    token=$(sed -n 's/.*Bearer \(bench-token-[0-9a-f]*\).*/\1/p' "$data/../auth.lua")
else
    port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    data="$dir/data"
    "$bin" init --data "$data" --url "http://127.0.0.1:$port" --listen "127.0.0.1:$port" >/dev/null 2>&1
    echo "seeding $accounts accounts and $statuses statuses..."
    token=$(HEARTH_BIN="$bin" /usr/bin/python3 bench/seed.py "$data" "$accounts" "$statuses" | sed -n 's/^TOKEN=//p')
fi
sed -i 's/log_level = info/log_level = warn/' "$data/hearth.conf"
port=$(sed -n 's/^listen *= *127.0.0.1:\([0-9]*\).*/\1/p' "$data/hearth.conf")
valgrind --tool=callgrind --callgrind-out-file="$dir/cg.out" "$bin" serve --data "$data" \
    >"$dir/serve.log" 2>&1 &
pid=$!
i=0
until curl -s -o /dev/null "http://127.0.0.1:$port/health"; do
    i=$((i + 1)); [ $i -lt 120 ] || { echo "server did not start"; exit 1; }; sleep 0.5
done
for path in "/api/v1/timelines/home?limit=40" "/api/v1/timelines/public?local=true"; do
    for k in 1 2 3 4 5; do
        curl -s -o /dev/null -H "Authorization: Bearer $token" "http://127.0.0.1:$port$path"
    done
    callgrind_control -z "$pid" >/dev/null 2>&1
    k=0
    while [ $k -lt "$n" ]; do
        curl -s -o /dev/null -H "Authorization: Bearer $token" "http://127.0.0.1:$port$path"
        k=$((k + 1))
    done
    rm -f "$dir"/cg.out.*
    callgrind_control -d "$pid" >/dev/null 2>&1
    sleep 1
    total=$(callgrind_annotate "$(ls "$dir"/cg.out.* | head -1)" 2>/dev/null \
        | sed -n 's/^ *\([0-9,]*\) .*PROGRAM TOTALS.*/\1/p' | tr -d ,)
    echo "GET $path: $((total / n)) instructions per request (mean of $n)"
done
