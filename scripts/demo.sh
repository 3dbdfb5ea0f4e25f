#!/usr/bin/env bash
# The main job on the bundled sample data, end to end:
#   - builds prenum, creates the sample register on first use (2,000 persons, seed 42, up to 2026-11-01),
#   - generates a signing key pair on first use,
#   - drops the sample subscribers' population files into the inbox and runs the nightly job for 2026-11-01,
#   - simulates one day of upstream activity, drops the next day's population changes, runs for 2026-11-02,
#   - lists the delivered files, verifies every signature with openssl, and prints `prenum status`,
#   - shows a format-3 file's header and trailer (visible, fingerprint) and applies the subscriber's
#     files with `prenum apply`, which checks the mirror against every format-3 trailer, then checks
#     the mirror once more with `prenum verify --mirror`.
# Everything lives under var/ (ignored by git); each demo starts from a fresh state.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh

swift build --product prenum
prenum=".build/debug/prenum"
var="var"
cache="$var/cache/sample-register-2000-42-20261101.db"

mkdir -p "$var/cache"
if [ ! -f "$cache" ]; then
    echo "== creating the sample register (first use)"
    "$prenum" sample create --register "$cache" --persons 2000 --seed 42 --date 2026-11-01
fi
if [ ! -f "$var/keys/signing-private.pem" ]; then
    echo "== generating the signing key pair (first use)"
    "$prenum" keys generate --out "$var/keys"
fi

echo "== fresh demo state"
rm -rf "$var/state.db" "$var/state.db-wal" "$var/state.db-shm" "$var/state.db.lock" "$var/inbox" "$var/outbox" \
       "$var/outbox-transferred" "$var/archive" "$var/register.db" "$var/register.db-wal" "$var/register.db-shm"
cp "$cache" "$var/register.db"

drop() { # copy the sample population files whose names match $1 into the inbox
    for folder in SampleData/inbox/*/; do
        id=$(basename "$folder")
        mkdir -p "$var/inbox/$id"
        find "$folder" -maxdepth 1 -type f -name "$1" -exec cp {} "$var/inbox/$id/" \;
    done
}

echo "== night 1: 2026-11-01"
drop 'full-*'
"$prenum" run --date 2026-11-01

echo "== upstream: one simulated day"
"$prenum" sample advance --register "$var/register.db" --date 2026-11-02
drop '2026*'

echo "== night 2: 2026-11-02"
"$prenum" run --date 2026-11-02

echo "== delivered files, each signature checked with openssl"
failures=0
while IFS= read -r file; do
    if openssl pkeyutl -verify -pubin -inkey "$var/keys/signing-public.pem" -rawin -in "$file" -sigfile "$file.sig" >/dev/null; then
        printf '  ok    %s (%s bytes)\n' "${file#$var/}" "$(wc -c < "$file")"
    else
        printf '  BAD   %s\n' "${file#$var/}"
        failures=$((failures + 1))
    fi
done < <(find "$var/outbox" "$var/outbox-transferred" -name '*.xml' -not -path '*/.prenum-staging/*' | sort)
[ "$failures" -eq 0 ] || { echo "demo: $failures signature(s) failed" >&2; exit 1; }

echo "== prenum status"
"$prenum" status

echo "== a format-3 delivery and its fingerprint, checked by prenum apply"
v3="$var/outbox/insurer-trygg"
mirror="$var/mirror-insurer-trygg.sqlite"
last=$(find "$v3" -maxdepth 1 -name '*.xml' | sort | tail -1)
echo "  $(basename "$last"):"
head -c 4096 "$last" | grep -o -E ' (formatVersion|kind|windowFrom|purpose|legalBasis)="[^"]*"' | sed 's/^ /    /'
grep '<trailer' "$last" | sed 's/^ */    /'
rm -f "$mirror" "$mirror-wal" "$mirror-shm"
"$prenum" apply --dir "$v3" --public-key "$var/keys/signing-public.pem" --mirror "$mirror"
"$prenum" verify --dir "$v3" --public-key "$var/keys/signing-public.pem" --mirror "$mirror" | tail -1
echo "== the same files with stock tools only (scripts/recipient-verify.sh; it recomputes a FULL file's fingerprint)"
scripts/recipient-verify.sh "$v3" "$var/keys/signing-public.pem"
