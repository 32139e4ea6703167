#!/bin/sh
# make check: runs every unit test binary and the integration suite, then
# prints one closing line "N passed, N failed" for the whole run.
# Environment: HEARTH_BUILD (build dir), UNIT_ONLY / INTEG_ONLY, PYTEST_ARGS, HEARTH_TEST_JOBS
# (integration modules run at once, 2 by default).
# As root it first installs the browser tests' dependencies when they are missing.
set -u
B="${HEARTH_BUILD:-build/release}"
passed=0
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

count() {
    # Adds the numbers of the last "N passed" / "N failed" line of $log.
    line=$(grep -E '[0-9]+ (passed|failed)' "$log" | tail -n 1)
    p=$(echo "$line" | grep -oE '[0-9]+ passed' | grep -oE '[0-9]+' || true)
    f=$(echo "$line" | grep -oE '[0-9]+ (failed|error|errors)' | grep -oE '[0-9]+' | \
        awk '{s+=$1} END {print s+0}')
    passed=$((passed + ${p:-0}))
    failed=$((failed + ${f:-0}))
}

if [ -z "${INTEG_ONLY:-}" ]; then
    for t in "$B"/tests/test_*; do
        [ -x "$t" ] || continue
        case "$t" in *.d) continue ;; esac
        name=$(basename "$t")
        "$t" >"$log" 2>&1
        rc=$?
        if [ $rc -eq 0 ]; then
            echo "unit $name: $(tail -n 1 "$log")"
        else
            cat "$log"
            echo "unit $name: FAILED (exit $rc)"
            grep -qE '[0-9]+ passed, [0-9]+ failed' "$log" || failed=$((failed + 1))
        fi
        count
    done
fi

# The browser tests need Chromium and tests/browser's npm packages. As root, missing ones are
# installed here; otherwise those tests fail and say how to install them.
if [ -z "${UNIT_ONLY:-}" ] && [ "$(id -u)" = 0 ] && \
    { [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ] || [ ! -d tests/browser/node_modules/playwright-core ] || \
      [ ! -d tests/browser/node_modules/axe-core ]; }; then
    echo "installing the browser tests' dependencies (make browser-deps)"
    make browser-deps || echo "make browser-deps failed: the browser tests will say what is missing"
fi

# The Fedify peer's npm packages likewise (its tests are skipped without them).
if [ -z "${UNIT_ONLY:-}" ] && [ "$(id -u)" = 0 ] && command -v npm >/dev/null && \
    [ ! -d tests/fedify/node_modules/@fedify/fedify ]; then
    echo "installing the Fedify peer's npm packages"
    (cd tests/fedify && npm ci --no-audit --no-fund) || echo "npm ci in tests/fedify failed"
fi

if [ -z "${UNIT_ONLY:-}" ] && ls tests/integ/test_*.py >/dev/null 2>&1; then
    # The modules run side by side (pytest-xdist), each whole in one worker, since most of
    # their time is spent waiting on servers; HEARTH_TEST_JOBS=1 runs them one by one.
    jobs=""
    if [ "${HEARTH_TEST_JOBS:-2}" -gt 1 ] && /usr/bin/python3 -c "import xdist" 2>/dev/null; then
        jobs="-n ${HEARTH_TEST_JOBS:-2} --dist loadfile"
    fi
    HEARTH_BIN="$(pwd)/$B/hearth" /usr/bin/python3 -m pytest -q -p no:cacheprovider \
        $jobs ${PYTEST_ARGS:-} tests/integ >"$log" 2>&1
    rc=$?
    cat "$log"
    count
    if [ $rc -ne 0 ] && ! grep -qE '[0-9]+ failed|[0-9]+ error' "$log"; then
        failed=$((failed + 1))
    fi
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
