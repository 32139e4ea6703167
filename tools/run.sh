#!/bin/sh
# make run: set up ./data on first run (config, database, an admin account
# whose password is printed once), then serve in the foreground.
# HEARTH_DATA, HEARTH_URL, HEARTH_LISTEN and HEARTH_ADMIN_EMAIL change the defaults.
set -eu
bin="$1"
data="${HEARTH_DATA:-./data}"
url="${HEARTH_URL:-http://127.0.0.1:8080}"
listen="${HEARTH_LISTEN:-127.0.0.1:8080}"
email="${HEARTH_ADMIN_EMAIL:-admin@localhost.localdomain}"
if [ ! -f "$data/hearth.conf" ]; then
    "$bin" init --data "$data" --url "$url" --listen "$listen"
fi
# The admin account is made once, on the first run that finds no users.
if [ "$("$bin" user list --data "$data" | wc -l)" -le 1 ]; then
    echo "Creating the admin account (shown once; keep the password):"
    "$bin" user add --data "$data" admin --email "$email" --admin
fi
exec "$bin" serve --data "$data"
