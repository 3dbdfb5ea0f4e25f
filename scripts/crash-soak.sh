#!/usr/bin/env bash
# The long crash soak: night after night the real `prenum run` is killed with SIGKILL at random
# moments (and at fault-injector steps), then finished by a clean run; every file is checked
# (gapless chain, signatures, mirror equal to the oracle). CI runs 24 kills; this runs KILLS.
#
#   scripts/crash-soak.sh [KILLS]        (default 300)
set -euo pipefail
cd "$(dirname "$0")/.."
kills="${1:-300}"
swift build --build-tests 2>&1 | grep -E "error|Build complete" || true
started=$(date +%s)
log="$(mktemp "${TMPDIR:-/tmp}/prenum-crash-soak.XXXXXX")"
status=0
PRENUM_SOAK_KILLS="$kills" swift test --skip-build --filter CrashSoakTests >"$log" 2>&1 || status=$?
grep -E "^crash-soak:|error:|Executed" "$log" | awk '!seen[$0]++' || true
echo "crash-soak: $kills kills asked, $(( $(date +%s) - started )) s, test status $status (full log: $log)"
exit "$status"
