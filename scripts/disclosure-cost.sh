#!/usr/bin/env bash
# Measures the disclosure index (docs/PERFORMANCE.md, "The disclosure index"): the state it adds
# per night per (subscriber, person) pair, and the time of one `prenum disclosures` and one
# `prenum explain` query.
#
#   scripts/disclosure-cost.sh [PERSONS [PER_SUBSCRIBER]]     (defaults 200000 and 50000)
#
# A sample register of PERSONS persons (seed 1, up to 2026-10-20), the sample configuration's
# subscribers each with a population of PER_SUBSCRIBER persons drawn from it, a first run (FULL
# files), one simulated day and a second run (DELTA files). After each run the index's pairs
# and its pages (SQLite's dbstat) are counted. Everything lives under var/disclosure-cost/.
# BUILD (default release) picks the build.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
persons=${1:-200000}
per=${2:-50000}
build=${BUILD:-release}
swift build -c "$build" --product prenum 2>&1 | tail -1
prenum="$(pwd)/.build/$build/prenum"
work="var/disclosure-cost"
rm -rf "$work"; mkdir -p "$work/config" "$work/var"
sed 's#\.\./var/#../var/#' Config/prenum.json > "$work/config/prenum.json"
cp Config/categories.json "$work/config/"
"$prenum" sample create --register "$work/var/register.db" --persons "$persons" --seed 1 --date 2026-10-20 > /dev/null
"$prenum" keys generate --out "$work/var/keys" > /dev/null
for id in $(sed -n 's/.*"id": "\([a-z0-9-]*\)".*/\1/p' Config/prenum.json); do
    mkdir -p "$work/var/inbox/$id"
    { echo 'action;pnr;consent;from'
      sqlite3 -readonly "$work/var/register.db" \
          "SELECT 'ADD;' || pnr || ';Y;' FROM (SELECT DISTINCT pnr FROM payment) ORDER BY random() LIMIT $per;"
    } > "$work/var/inbox/$id/full-$id.csv"
done

measure() { # LABEL: pairs and bytes of the index after a run
    sqlite3 -readonly "$work/var/state.db" "
        SELECT '$1: ' || (SELECT count(*) FROM disclosure) || ' pairs, '
            || (SELECT count(*) FROM disclosure_file) || ' files, '
            || (SELECT sum(pgsize) FROM dbstat WHERE name IN ('disclosure', 'disclosure_file', 'disclosure_profile')
                OR name LIKE 'sqlite_autoindex_disclosure%') || ' bytes in pages, '
            || (SELECT sum(payload) FROM dbstat WHERE name = 'disclosure') || ' bytes of pair payload';"
}
seconds() { /usr/bin/time -f '%e' "$@" 2>&1 >/dev/null | tail -1; }

echo "== night 1 (FULL files), $persons persons, $per per subscriber"
"$prenum" run --config "$work/config/prenum.json" --date 2026-10-20 2> "$work/run1.log" > /dev/null
measure "after night 1" | tee "$work/night1"
"$prenum" sample advance --register "$work/var/register.db" --date 2026-10-21 > /dev/null
echo "== night 2 (DELTA files)"
"$prenum" run --config "$work/config/prenum.json" --date 2026-10-21 2> "$work/run2.log" > /dev/null
measure "after night 2" | tee "$work/night2"

# Among the persons named by the most files, the first and the last in personnummer order: a
# file is left once past the person, so the first is read from the files' starts only and the
# last from nearly all of each file.
archived=$(du -sm "$work/var/archive" | cut -f1)
for order in ASC DESC; do
    pnr=$(sqlite3 -readonly "$work/var/state.db" "SELECT pnr FROM disclosure GROUP BY pnr ORDER BY count(*) DESC, pnr $order LIMIT 1;")
    subscriber=$(sqlite3 -readonly "$work/var/state.db" \
        "SELECT f.subscriber FROM disclosure d JOIN disclosure_file f ON f.id = d.file WHERE d.pnr = '$pnr' ORDER BY f.id LIMIT 1;")
    files=$(sqlite3 -readonly "$work/var/state.db" "SELECT count(*) FROM disclosure WHERE pnr = '$pnr';")
    for i in 1 2 3; do seconds "$prenum" disclosures --config "$work/config/prenum.json" --pnr "$pnr"; done | sort -n | sed -n 2p > "$work/disclosures.seconds"
    for i in 1 2 3; do seconds "$prenum" explain --config "$work/config/prenum.json" --subscriber "$subscriber" --pnr "$pnr"; done | sort -n | sed -n 2p > "$work/explain.seconds"
    echo "== one query, the $([ $order = ASC ] && echo first || echo last) person in pnr order named by $files files (archive $archived MB)"
    echo "   prenum disclosures: $(cat "$work/disclosures.seconds") s (median of 3)"
    echo "   prenum explain:     $(cat "$work/explain.seconds") s (median of 3, subscriber $subscriber)"
done
