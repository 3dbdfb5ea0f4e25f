#!/bin/sh
# Regenerates SampleData/inbox/<subscriber>/ population files from the demo register:
#   prenum sample create --persons 2000 --seed 42 --date 2026-11-01
# Each subscriber draws a deterministic, overlapping sample of that register's persons, with a
# few from-dates and samordningsnummer; some also get a delta file for 2026-11-02.
# Usage: scripts/make-sample-populations.sh   (from the repository root; needs sqlite3 and a
# built prenum, PRENUM=path overrides .build/debug/prenum)
set -eu

PRENUM=${PRENUM:-.build/debug/prenum}
OUT=SampleData/inbox
if [ ! -x "$PRENUM" ]; then swift build --product prenum; fi
command -v sqlite3 >/dev/null || { echo "sqlite3 is required" >&2; exit 69; }

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
DB="$WORK/register.db"
"$PRENUM" sample create --register "$DB" --persons 2000 --seed 42 --date 2026-11-01 >/dev/null

# Persons in the register, each with a stable pseudo-random rank per subscriber (the salt).
sql() { sqlite3 -batch -noheader "$DB" "$1"; }
POOL="WITH person AS (SELECT pnr FROM payment UNION SELECT pnr FROM benefit_case)"
RANK="(CAST(substr(pnr, 5) AS INTEGER) * (2654435761 + SALT * 40503)) % 1000003"

# population ID SALT COUNT CONSENT FILTER: writes full-20261101.csv. Every 7th person by rank
# gets a from-date; three samordningsnummer from the pool are always included.
population() {
    id=$1 salt=$2 count=$3 consent=$4 filter=$5
    rank=$(echo "$RANK" | sed "s/SALT/$salt/")
    mkdir -p "$OUT/$id"
    {
        echo "action;pnr;consent;from"
        sql "$POOL,
             ranked AS (SELECT pnr, $rank AS r FROM person WHERE $filter),
             chosen AS (SELECT pnr, r FROM ranked ORDER BY r LIMIT $count),
             extra AS (SELECT pnr, r FROM ranked WHERE substr(pnr, 7, 1) >= '6'
                       AND pnr NOT IN (SELECT pnr FROM chosen) ORDER BY r LIMIT 3),
             everyone AS (SELECT pnr, r FROM chosen UNION ALL SELECT pnr, r FROM extra)
             SELECT 'ADD;' || pnr || ';$consent;' ||
                    CASE WHEN r % 7 = 0 THEN '2026-0' || (1 + r % 9) || '-01' ELSE '' END
             FROM everyone ORDER BY pnr"
    } > "$OUT/$id/full-20261101.csv"
}

# delta ID SALT CONSENT: writes 20261102-changes.csv: five new persons, three removed, and one
# person already subscribed whose consent and from-date change.
delta() {
    id=$1 salt=$2 consent=$3
    rank=$(echo "$RANK" | sed "s/SALT/$salt/")
    full="$OUT/$id/full-20261101.csv"
    members=$(tail -n +2 "$full" | cut -d';' -f2 | tr '\n' ',' | sed "s/,\$//; s/\([0-9]\{12\}\)/'\1'/g")
    {
        echo "action;pnr;consent;from"
        sql "$POOL SELECT 'ADD;' || pnr || ';$consent;' FROM person WHERE pnr NOT IN ($members) ORDER BY $rank LIMIT 5"
        tail -n +2 "$full" | sed -n '3p;11p;19p' | cut -d';' -f2 | sed 's/.*/REMOVE;&;;/'
        tail -n +2 "$full" | sed -n '5p' | cut -d';' -f2 | sed 's/.*/ADD;&;Y;2026-06-01/'
    } > "$OUT/$id/20261102-changes.csv"
}

rm -rf "$OUT"
# Insurers see sickness and parental benefits; their purpose (claims) needs consent.
population insurer-trygg 11 300 Y "pnr IN (SELECT pnr FROM payment WHERE benefit IN ('SJP', 'FP', 'TFP', 'SA'))"
population insurer-folksam 23 250 "" "1"
population malmo-kommun 37 400 "" "pnr IN (SELECT pnr FROM payment WHERE benefit IN ('BOB', 'BB', 'SJP', 'AKS', 'ETE', 'FP'))"
# The enforcement authority follows everyone with a garnishment, and more.
population kronofogden 41 150 "" "pnr IN (SELECT pnr FROM payment p JOIN payment_deduction d ON d.payment_id = p.id) OR CAST(substr(pnr, 12) AS INTEGER) < 3"
# Pension forecasts need consent.
population pensionsmyndigheten 53 200 Y "substr(pnr, 1, 4) < '1975' OR pnr IN (SELECT pnr FROM payment WHERE benefit IN ('SA', 'AE'))"
population csn 67 120 "" "substr(pnr, 1, 4) >= '1996'"
population insurer-retired 79 50 Y "pnr IN (SELECT pnr FROM payment WHERE benefit = 'SJP')"

delta insurer-trygg 101 Y
delta malmo-kommun 103 ""
delta kronofogden 107 ""

for file in "$OUT"/*/*.csv; do
    echo "$file: $(($(wc -l < "$file") - 1)) lines"
done
