#!/usr/bin/env bash
# Verify a folder of Prenum delivery files with stock tools only (openssl, sha256sum, grep, sed,
# awk, bc): the signature of every file with the key its keyId names, the trailer counts, per
# subscriber the chain of sequences and previousHash, and the fingerprint of a format-3 FULL
# file. For recipients who do not run `prenum verify`.
#
#   scripts/recipient-verify.sh DIR PUBLIC_KEY.pem|KEY_FOLDER
#
# KEY_FOLDER holds one *.pem public key per signing key (keep old ones after a key rotation):
# each file is checked with the key whose id (first 16 hex digits of the SHA-256 of the raw
# 32-byte key) its header's keyId names.
#
# The format-3 trailer's `visible` and `fingerprint` describe the recipient's mirror after the
# file. For a FULL file that is exactly the file's records, so this script computes it: each
# record's canonical text (docs/DELIVERY-FORMAT.md) hashed with sha256sum, the digests summed
# modulo 2^256 with bc. For a DELTA it cannot: the fingerprint covers records received in
# earlier files, which only a mirror holds; use `prenum apply` (checks every file) or
# `prenum verify --mirror M`. Attribute values are unescaped for the five XML entities and
# &#x9; &#xA; &#xD;, which is all Prenum's writer produces.
#
# Prints one line per file (ok / FAILED: reasons) and exits 0 when every file passes, 1 when any
# fails, 2 on wrong usage or a missing tool, folder or key. XSD validation is not done here; run
#   xmllint --noout --stream --schema delivery-v3.xsd FILE.xml
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
for tool in openssl sha256sum grep sed head tail cut wc awk bc; do
    command -v "$tool" >/dev/null || { echo "$0: $tool not found" >&2; exit 2; }
done

# Key ids of the public keys: one file, or every *.pem of a folder.
declare -A key_by_id=()
if [ -d "$key" ]; then key_files=("$key"/*.pem); else key_files=("$key"); fi
for candidate in "${key_files[@]}"; do
    [ -f "$candidate" ] || continue
    id=$(openssl pkey -pubin -in "$candidate" -outform DER 2>/dev/null | tail -c 32 | sha256sum | cut -c1-16)
    [ "$id" = "$(printf '' | sha256sum | cut -c1-16)" ] && { echo "$0: $candidate is not a public key PEM" >&2; exit 2; }
    key_by_id[$id]=$candidate
done
[ "${#key_by_id[@]}" -gt 0 ] || { echo "$0: no public key (*.pem) in $key" >&2; exit 2; }

# visible and fingerprint of a FULL file's records: "COUNT HEX".
full_fingerprint() {
    awk '
        function value(name,   m, v) {
            if (!match($0, " " name "=\"[^\"]*\"")) return ""
            v = substr($0, RSTART + length(name) + 3, RLENGTH - length(name) - 4)
            gsub(/&lt;/, "<", v); gsub(/&gt;/, ">", v); gsub(/&quot;/, "\"", v); gsub(/&apos;/, "\047", v)
            gsub(/&#x9;/, "\t", v); gsub(/&#xA;/, "\n", v); gsub(/&#xD;/, "\r", v); gsub(/&amp;/, "\\&", v)
            return v
        }
        function add(name,   v) { if (index($0, " " name "=\"")) { v = value(name); text = text "\037" name "=" v } }
        function flush(   i, j, t) {
            if (text == "") return
            # Deductions by kind (byte order: LC_ALL=C).
            for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (kinds[j] < kinds[i]) { t = kinds[i]; kinds[i] = kinds[j]; kinds[j] = t }
            for (i = 1; i <= n; i++) text = text "\037deduction=" kinds[i]
            print text; text = ""; n = 0
        }
        /^ *<person / { pnr = value("pnr") }
        /^ *<case / {
            flush(); text = "case\037pnr=" pnr
            add("id"); add("benefit"); add("decision"); add("openedOn"); add("closedOn"); add("extentPct"); add("dailyAmount")
        }
        /^ *<payment / {
            flush(); text = "payment\037pnr=" pnr
            add("id"); add("benefit"); add("company"); add("status"); add("periodFrom"); add("periodTo"); add("paymentDate")
            add("gross"); add("tax"); add("registeredAt")
        }
        /^ *<deduction / { kinds[++n] = value("kind") ":" value("amount") }
        /^ *<\/person>/ { flush() }
        END { flush() }
    ' "$1" | {
        count=0
        sum=0
        while IFS= read -r line; do
            digest=$(printf '%s' "$line" | sha256sum | cut -c1-64 | tr a-f A-F)
            # Hex in, hex out; with ibase=16, 2^100 is 2^256.
            sum=$(echo "obase=16; ibase=16; ($sum + $digest) % (2^100)" | BC_LINE_LENGTH=0 bc)
            count=$((count + 1))
        done
        hex=$(printf '%s' "$sum" | tr A-F a-f)
        while [ "${#hex}" -lt 64 ]; do hex="0$hex"; done
        echo "$count $hex"
    }
}
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

    # Signature, with the key the header names.
    file_key_id=$(header_value keyId "$path")
    key=${key_by_id[$file_key_id]:-}
    if [ -z "$key" ]; then
        problems+=("signed by another key (keyId $file_key_id, not among the public keys given: ${!key_by_id[*]})")
    elif [ ! -f "$path.sig" ]; then
        problems+=("signature file missing")
    elif [ "$(wc -c < "$path.sig")" -ne 64 ]; then
        problems+=("signature is not 64 bytes")
    elif ! openssl pkeyutl -verify -pubin -inkey "$key" -rawin -in "$path" -sigfile "$path.sig" >/dev/null 2>&1; then
        problems+=("bad signature")
    fi

    # Header against the name and the key.
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
    if [ "$kind" = FULL ] && [ "$(header_value formatVersion "$path")" = 3 ]; then
        read -r visible fingerprint < <(full_fingerprint "$path")
        [ "$(trailer_value visible "$path")" = "$visible" ] || problems+=("trailer visible does not match ($visible records)")
        [ "$(trailer_value fingerprint "$path")" = "$fingerprint" ] || problems+=("trailer fingerprint does not match the records ($fingerprint)")
    fi

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
