#!/usr/bin/env bash
# Verify a folder of Prenum delivery files with stock tools only (openssl, sha256sum, grep, sed):
# the signature of every file, the key id, the trailer counts, and per subscriber the chain of
# sequences and previousHash. For recipients who do not run `prenum verify`.
#
#   scripts/recipient-verify.sh DIR PUBLIC_KEY.pem
#
# Prints one line per file (ok / FAILED: reasons) and exits 0 when every file passes, 1 when any
# fails, 2 on wrong usage or a missing tool, folder or key. XSD validation is not done here; run
#   xmllint --noout --stream --schema delivery-v2.xsd FILE.xml
# for that. Note: `openssl pkeyutl -verify -rawin` (OpenSSL 3.0+) reads the whole file into
# memory, so a large FULL file needs about its size in RAM.
set -u -o pipefail
export LC_ALL=C

if [ "$#" -ne 2 ]; then
    echo "usage: $0 DIR PUBLIC_KEY.pem" >&2
    exit 2
fi
dir=$1
key=$2
[ -d "$dir" ] || { echo "$0: folder $dir does not exist" >&2; exit 2; }
[ -r "$key" ] || { echo "$0: public key $key not readable" >&2; exit 2; }
for tool in openssl sha256sum grep sed head tail cut wc; do
    command -v "$tool" >/dev/null || { echo "$0: $tool not found" >&2; exit 2; }
done

key_id=$(openssl pkey -pubin -in "$key" -outform DER 2>/dev/null | tail -c 32 | sha256sum | cut -c1-16) \
    || { echo "$0: $key is not a public key PEM" >&2; exit 2; }
zeros=0000000000000000000000000000000000000000000000000000000000000000
name_pattern='^([a-z0-9][a-z0-9-]{0,63})-([0-9]{8,})-([0-9]{8})-(DELTA|FULL)\.xml$'

# The value of attribute $1 in the header (the <delivery ...> line, near the top of the file).
header_value() {
    head -c 4096 "$2" | tr '\n' ' ' | sed -n "s/.*<delivery [^>]* $1=\"\\([^\"]*\\)\".*/\\1/p"
}
trailer_value() {
    tail -c 512 "$2" | tr '\n' ' ' | sed -n "s/.*<trailer [^>]*$1=\"\\([^\"]*\\)\".*/\\1/p"
}

failures=0
checked=0
prev_subscriber=""
prev_sequence=0
prev_file=""

shopt -s nullglob
files=("$dir"/*.xml)
if [ "${#files[@]}" -eq 0 ]; then
    echo "no delivery files (*.xml) in $dir"
    exit 0
fi
# Glob order is sorted; zero-padded sequences make that chain order per subscriber.
for path in "${files[@]}"; do
    file=$(basename "$path")
    problems=()
    checked=$((checked + 1))
    if [[ ! $file =~ $name_pattern ]]; then
        echo "$file: FAILED: not a delivery file name"
        failures=$((failures + 1))
        continue
    fi
    subscriber=${BASH_REMATCH[1]}
    sequence=$((10#${BASH_REMATCH[2]}))
    date=${BASH_REMATCH[3]}
    kind=${BASH_REMATCH[4]}

    # Signature.
    if [ ! -f "$path.sig" ]; then
        problems+=("signature file missing")
    elif [ "$(wc -c < "$path.sig")" -ne 64 ]; then
        problems+=("signature is not 64 bytes")
    elif ! openssl pkeyutl -verify -pubin -inkey "$key" -rawin -in "$path" -sigfile "$path.sig" >/dev/null 2>&1; then
        problems+=("bad signature")
    fi

    # Header against the name and the key.
    [ "$(header_value keyId "$path")" = "$key_id" ] || problems+=("signed by another key (keyId $(header_value keyId "$path"), public key $key_id)")
    [ "$(header_value subscriber "$path")" = "$subscriber" ] || problems+=("header subscriber does not match the name")
    [ "$(header_value sequence "$path")" = "$sequence" ] || problems+=("header sequence does not match the name")
    [ "$(header_value kind "$path")" = "$kind" ] || problems+=("header kind does not match the name")
    [ "$(header_value businessDate "$path" | tr -d -)" = "$date" ] || problems+=("header businessDate does not match the name")
    [ "$(header_value previousSequence "$path")" = "$((sequence - 1))" ] || problems+=("previousSequence is not $((sequence - 1))")
    previous_hash=$(header_value previousHash "$path")

    # Trailer counts (every element is on its own line).
    persons=$(grep -c '^ *<person ' "$path")
    records=$(grep -cE '^ *<(case|payment) ' "$path")
    unsubscribed=$(grep -c '^ *<unsubscribed ' "$path")
    [ "$(trailer_value persons "$path")" = "$persons" ] || problems+=("trailer persons does not match ($persons in the file)")
    [ "$(trailer_value records "$path")" = "$records" ] || problems+=("trailer records does not match ($records in the file)")
    [ "$(trailer_value unsubscribed "$path")" = "$unsubscribed" ] || problems+=("trailer unsubscribed does not match ($unsubscribed in the file)")

    # Chain: consecutive sequences from the lowest present, previousHash = SHA-256 of the previous file.
    if [ "$subscriber" = "$prev_subscriber" ]; then
        if [ "$sequence" -eq "$prev_sequence" ]; then
            problems+=("sequence $sequence repeated (also in $prev_file)")
        elif [ "$sequence" -ne $((prev_sequence + 1)) ]; then
            problems+=("gap: sequence $((prev_sequence + 1)) missing after $prev_file")
        else
            expected_hash=$(sha256sum "$dir/$prev_file" | cut -d' ' -f1)
            [ "$previous_hash" = "$expected_hash" ] || problems+=("previousHash does not match $prev_file")
        fi
    elif [ "$sequence" -eq 1 ] && [ "$previous_hash" != "$zeros" ]; then
        problems+=("sequence 1 must have previousHash of 64 zeros")
    fi
    prev_subscriber=$subscriber
    prev_sequence=$sequence
    prev_file=$file

    if [ "${#problems[@]}" -eq 0 ]; then
        echo "$file: ok"
    else
        failures=$((failures + 1))
        (IFS=';'; echo "$file: FAILED: ${problems[*]}")
    fi
done
echo "$checked file(s) checked, $((checked - failures)) ok, $failures failed"
[ "$failures" -eq 0 ]
