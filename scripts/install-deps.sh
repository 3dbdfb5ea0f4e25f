#!/usr/bin/env bash
# Installs the Debian packages the build, the tests, the demo and CI need — only those missing,
# so that a bare Debian machine with the Swift toolchain needs no step by hand. Called by
# scripts/test.sh, scripts/demo.sh and .ci/run; safe to run again.
#
# pkg-config resolves the SQLite and libcrypto system-library targets; sqlite3, openssl and
# xmllint (libxml2-utils) are the real tools the tests use as the other side; time gives
# /usr/bin/time -v (peak memory in the big population-file test and the benchmark smoke).
# The package and monitoring checks (scripts/package-deb.sh --check, OperationsArtefactTests):
# dpkg-dev gives dpkg-deb, lintian checks the .deb, prometheus gives promtool (alert rules and
# the metrics file) and systemd gives systemd-analyze (the unit's security rating).
set -euo pipefail

packages=(pkg-config libsqlite3-dev libssl-dev libxml2-utils sqlite3 openssl time dpkg-dev lintian prometheus systemd bc)

needed=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || needed+=("$package")
done
if [ ${#needed[@]} -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "install-deps: missing ${needed[*]}; run as root (or: sudo apt-get install ${needed[*]})" >&2
        exit 1
    fi
    echo "install-deps: installing ${needed[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${needed[@]}" >&2
fi
command -v swift >/dev/null || { echo "install-deps: the Swift 6 toolchain (swift) is not on PATH" >&2; exit 1; }
