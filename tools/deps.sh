#!/bin/sh
# Installs the Debian packages Hearth needs when run as root; otherwise
# prints the apt-get line to run. Packages already installed are skipped.
set -eu
missing=""
for p in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
    echo "installing:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq $missing
else
    echo "Hearth needs these Debian packages; run as root:"
    echo "  apt-get install -y$missing"
    exit 1
fi
