#!/bin/sh
# make lint: every C file matches .clang-format, and no banned function is used.
set -u
status=0
files=$(git ls-files '*.c' '*.h' 2>/dev/null || find src tests -name '*.[ch]')
[ -n "$files" ] || exit 0
for f in $files; do
    if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
        echo "lint: $f is not formatted (run: make format)"
        status=1
    fi
done
# Banned: unbounded or unsafe string functions.
if grep -nE '\b(sprintf|vsprintf|strcpy|strcat|atoi|atol|strtok|gets)[[:space:]]*\(' $files \
    | grep -v 'lint:allow'; then
    echo "lint: banned function used (see STYLE.md)"
    status=1
fi
[ $status -eq 0 ] && echo "lint: ok"
exit $status
