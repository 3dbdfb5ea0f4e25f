#!/usr/bin/env bash
# A population file of several gigabytes, streamed by `prenum import` (release build) in
# bounded memory: prints the size, the lines, the time and the peak RSS from /usr/bin/time -v.
# CI runs the same test with 40 MB against the debug build.
#
#   scripts/big-population.sh [MEGABYTES]      (default 3000)
set -euo pipefail
cd "$(dirname "$0")/.."
megabytes="${1:-3000}"
command -v /usr/bin/time >/dev/null || { echo "big-population: /usr/bin/time missing (apt-get install time)" >&2; exit 1; }
free_mb=$(df -Pm "${TMPDIR:-/tmp}" | awk 'NR == 2 {print $4}')
if [ "$free_mb" -lt $((megabytes * 2 + 500)) ]; then
    echo "big-population: needs about $((megabytes * 2 + 500)) MB free in ${TMPDIR:-/tmp}, has $free_mb" >&2
    exit 1
fi
swift build -c release --product prenum 2>&1 | grep -E "error|Build complete" || true
swift build --build-tests 2>&1 | grep -E "error|Build complete" || true
status=0
PRENUM_BINARY="$PWD/.build/release/prenum" PRENUM_BIG_POPULATION_MB="$megabytes" \
    swift test --skip-build --filter BigPopulationFileTests 2>&1 | grep -E "^big-population:|error:|Executed" | awk '!seen[$0]++' || status=$?
exit "$status"
