#!/usr/bin/env bash
# Runs the whole test suite (unit, property, simulation, crash and tool-backed tests) and ends
# with one summary line, `tests: N passed, N failed`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
# Formatting first: .swift-format is the house style, and a file off it fails the run.
swift format lint --strict --parallel -r Sources Tests Package.swift
swift build --build-tests
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
swift test --skip-build --disable-swift-testing 2>&1 | tee "$log" || status=$?
summary=$(grep -E "^[[:space:]]*Executed [0-9]+ tests?, with [0-9]+ failures?" "$log" | tail -n 1 || true)
if [ -z "$summary" ]; then
    echo "tests: no XCTest summary found" >&2
    exit 1
fi
executed=$(echo "$summary" | sed -E 's/.*Executed ([0-9]+) tests?.*/\1/')
failed=$(echo "$summary" | sed -E 's/.*with ([0-9]+) failures?.*/\1/')
echo "tests: $((executed - failed)) passed, $failed failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
