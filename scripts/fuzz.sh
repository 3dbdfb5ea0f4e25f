#!/usr/bin/env bash
# Fuzzes Prenum's hostile inputs with libFuzzer: the population-file parser and the
# configuration loader (Fuzz/Sources/*). Each target runs for SECONDS (default 60); a crash,
# an unexpected error type or an input neither accepted nor rejected with a reason stops the
# target and fails the script, leaving the reproducer in the work folder it names.
#
#   scripts/fuzz.sh [SECONDS]
#
# The fuzz package lives in Fuzz/ with its own build folder, so `swift build` and
# `swift test` of the root package never see -sanitize=fuzzer.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"

echo "fuzz: building the targets with -sanitize=fuzzer (PrenumCore instrumented too)"
swift build --package-path Fuzz -Xswiftc -sanitize=fuzzer 2>&1 | grep -E "error|Build complete" || true
bin="Fuzz/.build/debug"

# Let libFuzzer, not Swift's backtracer, handle a crash, so that it writes the reproducer.
export SWIFT_BACKTRACE=enable=no
work="$(mktemp -d "${TMPDIR:-/tmp}/prenum-fuzz.XXXXXX")"
status=0
total=0
for target in population:FuzzPopulationFile:4096 configuration:FuzzConfiguration:8192; do
    IFS=: read -r corpus binary maxlen <<<"$target"
    mkdir -p "$work/$corpus"
    log="$work/$corpus.log"
    echo "fuzz: $binary for ${seconds}s (seeds Fuzz/Corpus/$corpus)"
    if (cd "$work" && "$OLDPWD/$bin/$binary" -max_total_time="$seconds" -max_len="$maxlen" -print_final_stats=1 -artifact_prefix="$work/$corpus-" \
            "$work/$corpus" "$OLDPWD/Fuzz/Corpus/$corpus") >"$log" 2>&1; then
        result=ok
    else
        result=FAILED
        status=1
    fi
    runs="$(awk '/^stat::number_of_executed_units/ {print $2}' "$log")"
    coverage="$(awk '/DONE/ { for (i = 1; i < NF; i++) if ($i == "cov:") print $(i + 1) }' "$log" | tail -1)"
    units="$(ls "$work/$corpus" | wc -l)"
    total=$((total + ${runs:-0}))
    printf 'fuzz: %-20s %s: %s inputs executed, %s coverage edges, %s corpus entries\n' \
        "$binary" "$result" "${runs:-?}" "${coverage:-?}" "$units"
    if [ "$result" != ok ]; then
        grep -E 'Fatal error|precondition|ERROR|SUMMARY|Test unit written' "$log" | head -20 || true
        echo "fuzz: full log: $log"
    fi
done
echo "fuzz: $total inputs executed in total"
if [ "$status" -eq 0 ]; then rm -rf "$work"; fi
exit "$status"
