#!/bin/sh
# make run: set up ./data on first run (config, database, an admin account
# whose password is printed once), then serve in the foreground.
set -eu
bin="$1"
data="${HEARTH_DATA:-./data}"
url="${HEARTH_URL:-http://127.0.0.1:8080}"
listen="${HEARTH_LISTEN:-127.0.0.1:8080}"
if [ ! -f "$data/hearth.conf" ]; then
    "$bin" init --data "$data" --url "$url" --listen "$listen"
    "$bin" user add --data "$data" admin --email "admin@localhost" --admin
fi
exec "$bin" serve --data "$data"
