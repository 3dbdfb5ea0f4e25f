#!/usr/bin/env bash
# Runs the whole test suite (unit, property, simulation, crash and tool-backed tests).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --build-tests
swift test --skip-build
