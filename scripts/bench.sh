#!/usr/bin/env bash
# Measures Prenum's heaviest night at several register sizes (issues 6 and 16, SPEC section 6)
# and prints the targets with PASS/MISS.
#
#   scripts/bench.sh [--smoke] [--sizes "N N ..."] [--subscribers N] [--per-person N] [--reps N]
#                    [--night-rows N] [--floor-size N] [--work DIR] [--seed N] [--advance]
#                    [--prepare-only] [--rebuild]
#
# Every option is also an environment variable (defaults in brackets): SIZES ["100000 1000000
# 3000000"], SUBSCRIBERS [300], PER_PERSON [3 subscriptions per person], REPS [3], NIGHT_ROWS
# [1000000], FLOOR_SIZE [1000000, the size the night is compared with the floor at], WORK
# [var/bench], SEED [1], ADVANCE [0], BUILD [release; debug with --smoke]. PERSONS=N (with
# SUBSCRIPTIONS=M) is the old single-size form: SIZES=N.
#
# For every size P (persons), cached under WORK by parameters so that a second invocation goes
# straight to timing, the largest size first (it takes longest):
#   1. a register: `prenum sample create --persons P --seed SEED --date 2026-10-20`;
#   2. SUBSCRIBERS subscribers (scripts/bench/subscribers.awk) with P x PER_PERSON subscriptions:
#      heavy-tailed, overlapping populations drawn from the register's persons, both format
#      versions, all five categories, some consent-requiring purposes; `full-` files in the inbox;
#   3. keys and the first run for 2026-10-20 (FULL files for everyone; slow); the workspace
#      after it, minus outboxes and archive, is the baseline;
#   4. the heavy night (scripts/bench/night.sql): exactly NIGHT_ROWS journal rows on as many
#      different records, written through the register's triggers: the SAME night at every size.
# Then per size: REPS times the heavy night (restore the baseline with the night's register,
# `/usr/bin/time -v prenum run --date 2026-10-21`, memory sampled every 20 ms by
# scripts/bench/sample-memory.sh), once more with the compaction forced, REPS times the floor (the
# sqlite3 CLI selecting the night's changed records joined to the subscriptions and orders, as
# CSV), and a `refresh` of the largest subscriber followed by a run on the register before the
# night (one FULL file), whose file `openssl pkeyutl -verify -rawin` then checks. Medians are
# compared; WORK/results.txt keeps the summary, each size's folder the raw reports.
#
# --smoke: tiny sizes, one repetition, the debug build; finishes in seconds. It fails only when
# the script itself breaks (a command fails, a figure is missing), never on timing.
# --prepare-only: build the scenarios (the slow part) and stop.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

smoke=0
rebuild=0
prepare_only=0
while [ $# -gt 0 ]; do
    case "$1" in
        --smoke) smoke=1 ;;
        --sizes) SIZES=$2; shift ;;
        --persons) SIZES=$2; shift ;;
        --subscribers) SUBSCRIBERS=$2; shift ;;
        --per-person) PER_PERSON=$2; shift ;;
        --reps) REPS=$2; shift ;;
        --night-rows) NIGHT_ROWS=$2; shift ;;
        --floor-size) FLOOR_SIZE=$2; shift ;;
        --work) WORK=$2; shift ;;
        --seed) SEED=$2; shift ;;
        --advance) ADVANCE=1 ;;
        --prepare-only) prepare_only=1 ;;
        --rebuild) rebuild=1 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "bench: unknown argument '$1' (see --help)" >&2; exit 64 ;;
    esac
    shift
done
if [ "$smoke" = 1 ]; then
    SIZES=${SIZES:-"300 3000"} SUBSCRIBERS=${SUBSCRIBERS:-6} FLOOR_SIZE=${FLOOR_SIZE:-3000}
    REPS=${REPS:-1} NIGHT_ROWS=${NIGHT_ROWS:-3000} WORK=${WORK:-var/bench-smoke} BUILD=${BUILD:-debug}
    PER_PERSON=${PER_PERSON:-1}
fi
if [ -n "${PERSONS:-}" ] && [ -z "${SIZES:-}" ]; then SIZES=$PERSONS; fi
SIZES=${SIZES:-"100000 1000000 3000000"}
SUBSCRIBERS=${SUBSCRIBERS:-300}
PER_PERSON=${PER_PERSON:-3}
REPS=${REPS:-3}
NIGHT_ROWS=${NIGHT_ROWS:-1000000}
FLOOR_SIZE=${FLOOR_SIZE:-1000000}
WORK=${WORK:-var/bench}
SEED=${SEED:-1}
ADVANCE=${ADVANCE:-0}
BUILD=${BUILD:-release}
SIZES=$(printf '%s\n' $SIZES | sort -n -u | tr '\n' ' ')
set -- $SIZES
if [ $# -gt 1 ] && [ -n "${SUBSCRIPTIONS:-}" ]; then
    echo "bench: SUBSCRIPTIONS names one size's subscriptions; with several SIZES use PER_PERSON" >&2; exit 64
fi
case " $SIZES" in *" $FLOOR_SIZE "*) ;; *) FLOOR_SIZE=${!#} ;; esac   # not measured: the largest

FIRST_DATE=2026-10-20
NIGHT_DATE=2026-10-21
HISTORY_DAYS=400                      # the generated configuration's historyDays
helpers="$root/scripts/bench"
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)

for tool in sqlite3 awk openssl; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is required" >&2; exit 69; }
done
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time (Debian package 'time') is required" >&2; exit 69; }

log() { printf '== %s\n' "$*"; }

# Seconds from /usr/bin/time -v's "Elapsed (wall clock) time (h:mm:ss or m:ss): M:SS.ss".
wall_seconds() {
    awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$1"
}
peak_kb() { awk -F': ' '/Maximum resident set size/ { print $2 }' "$1"; }
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) exit 1; print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
calc() { awk "BEGIN { printf \"%.${2:-2}f\", $1 }"; }
verdict() { awk "BEGIN { print ($1) ? \"PASS\" : \"MISS\" }"; }
# timed OUT-PREFIX COMMAND...: runs the command under /usr/bin/time -v, stdout/stderr to files,
# its memory sampled (scripts/bench/sample-memory.sh) into OUT-PREFIX.mem.
timed() {
    local prefix=$1; shift
    local pid sampler rc=0
    /usr/bin/time -v -o "$prefix.time" "$@" > "$prefix.out" 2> "$prefix.log" &
    pid=$!
    bash "$helpers/sample-memory.sh" "$pid" "$prefix.mem" &
    sampler=$!
    wait "$pid" || rc=$?
    wait "$sampler" || true
    [ "$rc" = 0 ] || {
        echo "bench: '$*' failed (exit $rc); see $prefix.log" >&2; tail -5 "$prefix.log" >&2; exit 1; }
}

log "building prenum ($BUILD)"
swift build -c "$BUILD" --product prenum 2>&1 | tail -1
prenum="$root/.build/$BUILD/prenum"
[ -x "$prenum" ] || { echo "bench: $prenum was not built" >&2; exit 1; }

# The cache key names every parameter and the data recipes' contents: change either, and the
# scenario is rebuilt. (A newer prenum binary reuses the baseline; --rebuild forces it.)
recipe=$(cat "$helpers/subscribers.awk" "$helpers/night.sql" | sha256sum | cut -c1-10)

# prepare_scenario DIR PERSONS SUBSCRIPTIONS: the register, subscribers, first run, night.
# Leaves DIR/prepare.seconds (the wall time spent preparing it, over every invocation that did).
prepare_scenario() {
    local dir=$1 persons=$2 subscriptions=$3 began
    began=$(date +%s)
    [ "$rebuild" = 1 ] && rm -rf "$dir"
    mkdir -p "$dir"
    if [ ! -f "$dir/register-prenight.db" ]; then
        log "$(basename "$dir"): creating the register ($persons persons)"
        rm -f "$dir/register-new.db"*
        timed "$dir/sample-create" "$prenum" sample create --register "$dir/register-new.db" --persons "$persons" \
            --seed "$SEED" --date "$FIRST_DATE"
        cat "$dir/sample-create.out"
        sqlite3 "$dir/register-new.db" 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null
        mv "$dir/register-new.db" "$dir/register-prenight.db"
    fi

    if [ ! -f "$dir/base/.done" ]; then
        local first="$dir/first"
        rm -rf "$first" "$dir/base"
        mkdir -p "$first/inbox"
        log "$(basename "$dir"): subscribers and their populations"
        local pool
        pool=$(sqlite3 -readonly "$dir/register-prenight.db" \
            'SELECT count(*) FROM (SELECT pnr FROM payment UNION SELECT pnr FROM benefit_case);')
        awk -v SUBSCRIBERS="$SUBSCRIBERS" -v SUBSCRIPTIONS="$subscriptions" -v POOL="$pool" \
            -v MAXPOP=$((persons / 2)) -v MINPOP=$((persons * 3 / 10000)) -v DATE="${FIRST_DATE//-/}" \
            -v OUT="$first" -f "$helpers/subscribers.awk" > "$first/subscribers.txt"
        while read -r id; do mkdir -p "$first/inbox/$id"; done < "$first/subscribers.txt"
        # Two hashed orders of the persons with any record; each population is a window in one.
        {
            echo "CREATE TEMP TABLE person AS SELECT pnr FROM payment UNION SELECT pnr FROM benefit_case;"
            for order in "a 48271" "b 69621"; do
                set -- $order
                echo "CREATE TEMP TABLE pool_$1(k INTEGER PRIMARY KEY, pnr TEXT NOT NULL);"
                echo "INSERT INTO pool_$1(pnr) SELECT pnr FROM person
                      ORDER BY ((CAST(pnr AS INTEGER) % 2147483647) * $2) % 2147483647, pnr;"
            done
            cat "$first/populations.sql"
        } | sqlite3 -readonly "$dir/register-prenight.db"

        cp "$dir/register-prenight.db" "$first/register.db"
        "$prenum" keys generate --out "$first/keys" > /dev/null
        log "$(basename "$dir"): first run $FIRST_DATE (FULL files for everyone; slow at full scale)"
        timed "$dir/first-run" "$prenum" run --config "$first/prenum.json" --date "$FIRST_DATE"
        report_run "$dir/first-run" "first run"
        sqlite3 "$first/state.db" 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null
        # The baseline: what a run needs (state, keys, configuration, empty inboxes).
        rm -rf "$first/outbox" "$first/archive" "$first/register.db"* "$first"/inbox/*/processed "$first/populations.sql"
        mv "$first" "$dir/base"
        touch "$dir/base/.done"
        rm -rf "$dir"/night-*            # a night belongs to its baseline
    fi

    # A baseline made by an older prenum is brought to this binary's state schema once here,
    # so that no timed run pays for a migration.
    "$prenum" status --config "$dir/base/prenum.json" > /dev/null
    sqlite3 "$dir/base/state.db" 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null

    local night="$dir/night-$NIGHT_ROWS-adv$ADVANCE"
    if [ ! -f "$night/.done" ]; then
        rm -rf "$night"; mkdir -p "$night"
        cp "$dir/register-prenight.db" "$night/register.db"
        sqlite3 -readonly "$night/register.db" 'SELECT ifnull(max(seq), 0) FROM change_log;' > "$night/watermark"
        if [ "$ADVANCE" = 1 ]; then
            log "$(basename "$dir"): one ordinary day first (prenum sample advance)"
            "$prenum" sample advance --register "$night/register.db" --date "$NIGHT_DATE" --seed "$SEED" > /dev/null
        fi
        log "$(basename "$dir"): the heavy night ($NIGHT_ROWS journal rows)"
        {
            echo "CREATE TEMP TABLE knob(name TEXT PRIMARY KEY, value INTEGER);"
            echo "INSERT INTO knob VALUES ('rows', $NIGHT_ROWS), ('day', '$NIGHT_DATE');"
            cat "$helpers/night.sql"
        } | sqlite3 "$night/register.db" > "$night/night-rows"
        sqlite3 "$night/register.db" 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null
        sqlite3 -readonly "$night/register.db" \
            "SELECT count(*) FROM change_log WHERE seq > $(cat "$night/watermark");" > "$night/journal-rows"
        # The nights of the two scenarios are comparable only if the recipe hit its count.
        [ "$(cat "$night/night-rows")" = "$NIGHT_ROWS" ] || {
            echo "bench: the night produced $(cat "$night/night-rows") journal rows, not $NIGHT_ROWS" >&2; exit 1; }
        touch "$night/.done"
    fi
    echo $(( $(cat "$dir/prepare.seconds" 2>/dev/null || echo 0) + $(date +%s) - began )) > "$dir/prepare.seconds.new"
    mv "$dir/prepare.seconds.new" "$dir/prepare.seconds"
    echo "   night: $(cat "$night/night-rows") rows from the recipe, $(cat "$night/journal-rows") journal rows after watermark $(cat "$night/watermark")"
}

# epoch_of EVENT LOGFILE: the second of the first log line with that event (ts=...Z).
epoch_of() {
    local ts
    ts=$(grep -m1 "event=$1 " "$2" | sed -n 's/^ts=\([^ ]*\) .*/\1/p')
    [ -n "$ts" ] && date -u -d "$ts" +%s || echo ""
}

# cpu_io PREFIX: "cpu U+S s, NNN% of a core, writes N MB" from /usr/bin/time -v.
cpu_io() {
    awk -F': ' '/User time/ { u = $2 } /System time/ { s = $2 } /Percent of CPU/ { c = $2 }
                /File system outputs/ { o = $2 }
                END { printf "cpu %.1f+%.1f s (%s of one core), writes %d MB", u, s, c, o * 512 / 1048576 }' "$1.time"
}

# report_run PREFIX LABEL: two lines from a timed run's files. The phases come from the log:
# snapshot (logged duration), deliveries (snapshot.taken to run.completed, whole seconds).
report_run() {
    local prefix=$1 label=$2
    local records files snapshot deliveries taken completed compaction repack hwm anon file samples
    records=$(awk '/ delivered / { for (i = 1; i <= NF; i++) if ($i ~ /^records=/) { sub("records=", "", $i); n += $i } } END { print n + 0 }' "$prefix.out")
    files=$(grep -c ' delivered ' "$prefix.out" || true)
    snapshot=$(grep -o 'snapshot.taken.*' "$prefix.log" | grep -o 'durationSeconds=[0-9.]*' | cut -d= -f2 | head -1)
    deliveries=$(grep 'delivery.published' "$prefix.log" | grep -o 'durationSeconds=[0-9.]*' | cut -d= -f2 |
        awk '{ s += $1; if ($1 > m) m = $1 } END { printf "%.1f s summed over subscribers, slowest %.1f s", s, m }')
    taken=$(epoch_of snapshot.taken "$prefix.log") completed=$(epoch_of run.completed "$prefix.log")
    printf '   %-12s wall %8.2f s  peak %7.1f MB  files %4d  records %9d  %s\n' \
        "$label" "$(wall_seconds "$prefix.time")" "$(calc "$(peak_kb "$prefix.time") / 1024" 1)" \
        "$files" "$records" "$(cpu_io "$prefix")"
    # Maintenance after the run: a compaction of the record copy and a repack of the state file.
    compaction=$(grep -o 'event=copy.compacted.*' "$prefix.log" | grep -o 'durationSeconds=[0-9.]*' | cut -d= -f2 | head -1 || true)
    repack=$(grep -o 'event=state.repacked.*' "$prefix.log" | grep -o 'durationSeconds=[0-9.]*' | cut -d= -f2 | head -1 || true)
    printf '   %-12s phases: snapshot %s s, delivery phase %s s (%s), %s, %s\n' "" "${snapshot:-?}" \
        "$([ -n "$taken" ] && [ -n "$completed" ] && echo $((completed - taken)) || echo '?')" "$deliveries" \
        "$([ -n "$compaction" ] && echo "then compaction $compaction s" || echo "no compaction")" \
        "$([ -n "$repack" ] && echo "repack $repack s" || echo "no repack")"
    [ -f "$prefix.mem" ] && read -r hwm anon file _ samples _ < "$prefix.mem" &&
        printf '   %-12s memory: VmHWM %.1f MB, largest RssAnon %.1f MB, RssFile %.1f MB (%d samples, ~20 ms apart)\n' "" \
            "$(calc "$hwm / 1024" 1)" "$(calc "$anon / 1024" 1)" "$(calc "$file / 1024" 1)" "$samples"
    echo "${compaction:-0}" > "$prefix.compaction"
    echo "${repack:-0}" > "$prefix.repack"
    echo "$records" > "$prefix.records"
    echo "$files" > "$prefix.files"
}

# restore_run DIR RUN REGISTER: RUN becomes the baseline with that register, flushed to disk.
restore_run() {
    rm -rf "$2"; mkdir -p "$2"
    cp -a "$1/base/." "$2/"
    cp "$3" "$2/register.db"
    sync                                  # the copies' write-back is not the run's work
}

# load_mark DIR LABEL: the load average now, into DIR/load.txt (the machine is shared).
load_mark() { echo "$2: load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$1/load.txt" | sed 's/^/   /'; }

# published_bytes RUN: the bytes of the delivered files and their archive copies (each inode once).
published_bytes() {
    find "$1/outbox" "$1/archive" -type f -printf '%i %s\n' 2>/dev/null | sort -u | awk '{ s += $2 } END { printf "%.0f\n", s }'
}
written_bytes() { awk -F': ' '/File system outputs/ { printf "%.0f\n", $2 * 512 }' "$1.time"; }
# mem_field PREFIX N: from PREFIX.mem (scripts/bench/sample-memory.sh), 0 where it was not sampled:
# 1..4 VmHWM RssAnon RssFile RssShmem (kB), 5 samples, 6..7 write_bytes cancelled_write_bytes.
mem_field() { if [ -f "$1.mem" ]; then awk -v f="$2" '{ printf "%.0f\n", $f }' "$1.mem"; else echo 0; fi; }

# time_heavy_run DIR: REPS restored runs and one that compacts; leaves DIR/heavy.* (medians, maxima).
time_heavy_run() {
    local dir=$1 night="$1/night-$NIGHT_ROWS-adv$ADVANCE" run="$1/run" rows published written
    rows=$(cat "$night/journal-rows")
    : > "$dir/heavy.walls"; : > "$dir/heavy.nights"; : > "$dir/heavy.peaks"; : > "$dir/heavy.anons"
    : > "$dir/heavy.files-rss"; : > "$dir/heavy.wprs"
    load_mark "$dir" "before the heavy runs"
    for rep in $(seq 1 "$REPS"); do
        restore_run "$dir" "$run" "$night/register.db"
        timed "$dir/heavy-$rep" "$prenum" run --config "$run/prenum.json" --date "$NIGHT_DATE"
        report_run "$dir/heavy-$rep" "heavy run $rep"
        wall_seconds "$dir/heavy-$rep.time" >> "$dir/heavy.walls"
        echo "$(calc "$(wall_seconds "$dir/heavy-$rep.time") - $(cat "$dir/heavy-$rep.compaction") - $(cat "$dir/heavy-$rep.repack")")" >> "$dir/heavy.nights"
        peak_kb "$dir/heavy-$rep.time" >> "$dir/heavy.peaks"
        mem_field "$dir/heavy-$rep" 2 >> "$dir/heavy.anons"
        mem_field "$dir/heavy-$rep" 3 >> "$dir/heavy.files-rss"
        grep -q ' delivered ' "$dir/heavy-$rep.out" || { echo "bench: the heavy run delivered nothing" >&2; exit 1; }
        published=$(published_bytes "$run") written=$(written_bytes "$dir/heavy-$rep")
        # Writes besides the published files, per changed record; the maintenance a night may
        # trigger (the small register's) is in it, as it is in the run.
        calc "($written - $published) / $rows" 0 >> "$dir/heavy.wprs"; echo >> "$dir/heavy.wprs"
        printf '   %-12s writes %d MB, of them %d MB the delivered files and archive copies: %s B per changed record' "" \
            "$((written / 1048576))" "$((published / 1048576))" "$(tail -1 "$dir/heavy.wprs")"
        printf ' (%d MB of it cancelled: deleted or truncated before write-back)\n' "$(( $(mem_field "$dir/heavy-$rep" 7) / 1048576 ))"
        du -sm "$run/outbox" | cut -f1 > "$dir/heavy.outbox-mb"
        rm -rf "$run"
    done
    load_mark "$dir" "after the heavy runs"
    # Once more with PRENUM_COMPACT_PERCENT=0: the same night followed by the compaction of the
    # record copy that a run does once the recent versions reach 25 % of the copy (docs/DESIGN.md).
    restore_run "$dir" "$run" "$night/register.db"
    timed "$dir/heavy-compacting" env PRENUM_COMPACT_PERCENT=0 "$prenum" run --config "$run/prenum.json" --date "$NIGHT_DATE"
    report_run "$dir/heavy-compacting" "+compaction"
    wall_seconds "$dir/heavy-compacting.time" > "$dir/heavy-compacting.wall"
    grep -o 'event=copy.compacted.*' "$dir/heavy-compacting.log" | grep -o 'recentRecords=[0-9]*' | cut -d= -f2 |
        head -1 > "$dir/heavy-compacting.recent"
    rm -rf "$run"
    load_mark "$dir" "after the compacting run"
    median < "$dir/heavy.walls" > "$dir/heavy.wall"
    median < "$dir/heavy.nights" > "$dir/heavy.night-wall"
    median < "$dir/heavy.peaks" > "$dir/heavy.peak"
    median < "$dir/heavy.wprs" > "$dir/heavy.wpr"
    sort -g "$dir/heavy.peaks" | tail -1 > "$dir/heavy.peak-max"
    sort -g "$dir/heavy.anons" | tail -1 > "$dir/heavy.anon-max"
    sort -g "$dir/heavy.files-rss" | tail -1 > "$dir/heavy.file-max"
    cp "$dir/heavy-1.records" "$dir/heavy.records"
    cp "$dir/heavy-1.files" "$dir/heavy.files"
}

# time_floor DIR: the sqlite3 CLI doing the bare work on the same data; leaves DIR/floor.{wall,peak,rows}.
time_floor() {
    local dir=$1 night="$1/night-$NIGHT_ROWS-adv$ADVANCE" floor="$1/floor"
    rm -rf "$floor"; mkdir -p "$floor"
    {
        echo ".bail on"
        echo "ATTACH '$dir/base/state.db' AS s;"
        echo "CREATE TEMP TABLE ordered(subscriber TEXT, benefit TEXT, v1 INTEGER, needs_consent INTEGER,"
        echo "    PRIMARY KEY (subscriber, benefit)) WITHOUT ROWID;"
        cat "$dir/base/ordered.sql"
        sed "s/:watermark/$(cat "$night/watermark")/g; s/:day/$NIGHT_DATE/g; s/:history/$HISTORY_DAYS/g;
             s#:payments#$floor/payments.csv#; s#:cases#$floor/cases.csv#" "$helpers/floor.sql"
    } > "$floor/floor.sql"
    : > "$dir/floor.walls"; : > "$dir/floor.peaks"
    load_mark "$dir" "before the floor"
    for rep in $(seq 1 "$REPS"); do
        sync
        timed "$floor/floor-$rep" sqlite3 -readonly "$night/register.db" ".read $floor/floor.sql"
        wall_seconds "$floor/floor-$rep.time" >> "$dir/floor.walls"
        peak_kb "$floor/floor-$rep.time" >> "$dir/floor.peaks"
    done
    load_mark "$dir" "after the floor"
    median < "$dir/floor.walls" > "$dir/floor.wall"
    median < "$dir/floor.peaks" > "$dir/floor.peak"
    cat "$floor/payments.csv" "$floor/cases.csv" | wc -l | tr -d ' ' > "$dir/floor.rows"
    [ "$(cat "$dir/floor.rows")" -gt 0 ] || { echo "bench: the floor selected nothing" >&2; exit 1; }
    printf '   %-12s wall %8.2f s  peak %7.1f MB  rows %d (payments and cases, CSV)  %s (runs %s)\n' "floor" \
        "$(cat "$dir/floor.wall")" "$(calc "$(cat "$dir/floor.peak") / 1024" 1)" "$(cat "$dir/floor.rows")" \
        "$(cpu_io "$floor/floor-$REPS")" "$(tr '\n' ' ' < "$dir/floor.walls" | sed 's/ $//')"
    rm -f "$floor/payments.csv" "$floor/cases.csv"
}

# time_refresh DIR: a refresh of the largest subscriber (the first: sizes fall with the index)
# and a run on the register before the night, so the run makes that one FULL file; then what
# openssl needs to verify it. Leaves DIR/refresh.* and DIR/openssl.*.
time_refresh() {
    local dir=$1 run="$1/run" largest file
    largest=$(head -1 "$dir/base/subscribers.txt")
    restore_run "$dir" "$run" "$dir/register-prenight.db"
    "$prenum" refresh --config "$run/prenum.json" --subscriber "$largest" > /dev/null
    load_mark "$dir" "before the refresh run"
    timed "$dir/refresh" "$prenum" run --config "$run/prenum.json" --date "$NIGHT_DATE"
    report_run "$dir/refresh" "refresh run"
    file=$(find "$run/outbox/$largest" -name '*.xml' -printf '%s %p\n' | sort -n | tail -1 | cut -d' ' -f2-)
    [ -n "$file" ] && [ -f "$file.sig" ] || { echo "bench: the refresh run left no signed file for $largest" >&2; exit 1; }
    stat -c %s "$file" > "$dir/refresh.file-bytes"
    grep -c '<person ' "$file" > "$dir/refresh.persons" || true
    timed "$dir/openssl" openssl pkeyutl -verify -pubin -inkey "$run/keys/signing-public.pem" -rawin \
        -in "$file" -sigfile "$file.sig"
    load_mark "$dir" "after the refresh run and openssl"
    printf '   %-12s %s: %d MB, %d records; verified in %.2f s, peak %.1f MB (RssAnon %.1f MB, RssFile %.1f MB)\n' \
        "openssl" "$(basename "$file")" "$(( $(cat "$dir/refresh.file-bytes") / 1048576 ))" "$(cat "$dir/refresh.records")" \
        "$(wall_seconds "$dir/openssl.time")" "$(calc "$(peak_kb "$dir/openssl.time") / 1024" 1)" \
        "$(calc "$(mem_field "$dir/openssl" 2) / 1024" 1)" "$(calc "$(mem_field "$dir/openssl" 3) / 1024" 1)"
    rm -rf "$run"
}

dir_of() { echo "$WORK/p$1-sub$SUBSCRIBERS-n${SUBSCRIPTIONS:-$(($1 * PER_PERSON))}-seed$SEED-$recipe"; }

log "sizes: $SIZES persons; $SUBSCRIBERS subscribers, $PER_PERSON subscriptions per person; the same night of $NIGHT_ROWS journal rows"
for persons in $(printf '%s\n' $SIZES | sort -rn); do          # the largest first: it takes longest
    prepare_scenario "$(dir_of "$persons")" "$persons" "${SUBSCRIPTIONS:-$((persons * PER_PERSON))}"
done
[ "$prepare_only" = 1 ] && { log "prepared under $WORK"; exit 0; }

for persons in $SIZES; do
    dir=$(dir_of "$persons")
    log "$persons persons: the heavy run ($REPS repetitions and one that compacts)"
    time_heavy_run "$dir"
    log "$persons persons: the floor (sqlite3 CLI, $REPS repetitions)"
    time_floor "$dir"
    log "$persons persons: a refresh of the largest subscriber, then a run"
    time_refresh "$dir"
done

# The results, also kept in WORK/results.txt.
get() { cat "$(dir_of "$1")/$2"; }
mb() { calc "$1 / 1024" 1; }
{
    echo
    echo "Results ($(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, prenum $BUILD build, load now $(cut -d' ' -f1-3 /proc/loadavg))"
    echo "  $SUBSCRIBERS subscribers, $PER_PERSON subscriptions per person; the heavy night: $NIGHT_ROWS journal rows at every size; medians of $REPS"
    echo
    printf '  %-9s %9s %9s %8s %8s %7s %7s %7s %8s %8s %9s %9s %8s\n' persons night-s maint-s floor-s "x floor" "x prev" \
        "B/rec" peak-MB anon-MB file-MB records "prep-min" disk-GB
    prev=""
    for persons in $SIZES; do
        dir=$(dir_of "$persons")
        night=$(get "$persons" heavy.night-wall) wall=$(get "$persons" heavy.wall) floor=$(get "$persons" floor.wall)
        step="-"; [ -n "$prev" ] && step=$(calc "$night / $(get "$prev" heavy.night-wall)")
        printf '  %-9s %9.2f %9.2f %8.2f %8.2f %7s %7s %7.1f %8.1f %8.1f %9d %9.1f %8.1f\n' "$persons" "$night" "$(calc "$wall - $night")" \
            "$floor" "$(calc "$night / $floor")" "$step" "$(get "$persons" heavy.wpr)" "$(mb "$(get "$persons" heavy.peak-max)")" \
            "$(mb "$(get "$persons" heavy.anon-max)")" "$(mb "$(get "$persons" heavy.file-max)")" "$(get "$persons" heavy.records)" \
            "$(calc "$(get "$persons" prepare.seconds) / 60" 1)" "$(calc "$(du -sk "$dir" | cut -f1) / 1048576" 1)"
        prev=$persons
    done
    echo "  (night-s: median wall of the heavy run less the compaction and repack it triggered, maint-s: those;"
    echo "   x prev: night against the next smaller size; B/rec: writes besides the published files per changed record;"
    echo "   peak/anon/file: the largest VmHWM, RssAnon, RssFile over the repetitions; prep-min, disk-GB: the cached scenario)"
    echo
    echo "  first run (FULL for everyone) and a refresh of the largest subscriber followed by a run:"
    for persons in $SIZES; do
        dir=$(dir_of "$persons")
        for kind in first-run refresh; do
            printf '  %-9s %-9s wall %8.2f s  %9d records  %6.2f us/record  peak %7.1f MB  RssAnon %7.1f MB  RssFile %7.1f MB\n' \
                "$persons" "$kind" "$(wall_seconds "$dir/$kind.time")" "$(cat "$dir/$kind.records")" \
                "$(calc "$(wall_seconds "$dir/$kind.time") * 1000000 / $(cat "$dir/$kind.records")")" \
                "$(mb "$(peak_kb "$dir/$kind.time")")" "$(mb "$(mem_field "$dir/$kind" 2)")" "$(mb "$(mem_field "$dir/$kind" 3)")"
        done
        printf '  %-9s openssl   wall %8.2f s  file %d MB  peak %.1f MB (pkeyutl -verify -rawin reads the whole file)\n' "$persons" \
            "$(wall_seconds "$dir/openssl.time")" "$(( $(cat "$dir/refresh.file-bytes") / 1048576 ))" "$(mb "$(peak_kb "$dir/openssl.time")")"
    done
    echo
    echo "  compaction and repack (the night, then PRENUM_COMPACT_PERCENT=0), amortised over the 25 % of the copy that makes them due:"
    for persons in $SIZES; do
        dir=$(dir_of "$persons")
        copy=$(sqlite3 -readonly "$dir/base/state.db" "SELECT value FROM meta WHERE key = 'copy_rows';")
        compaction=$(cat "$dir/heavy-compacting.compaction") repack=$(cat "$dir/heavy-compacting.repack")
        # The register's journal traffic per day: the rows before the night over its history.
        from=$(sed -n 's/.* history_from=\([0-9-]*\) .*/\1/p' "$dir/sample-create.out")
        days=$(( ( $(date -u -d "$FIRST_DATE" +%s) - $(date -u -d "${from:-$FIRST_DATE}" +%s) ) / 86400 ))
        perday=$(calc "$(cat "$dir/night-$NIGHT_ROWS-adv$ADVANCE/watermark") / ($days > 0 ? $days : 1)" 0)
        printf '  %-9s copy %9d records  compaction %7.2f s  repack %7.2f s  %5.2f us per changed record;' "$persons" "$copy" \
            "$compaction" "$repack" "$(calc "($compaction + $repack) * 1000000 / ($copy * 0.25)")"
        printf ' due after %d changes: %.0f days at the register'"'"'s %d journal rows a day\n' \
            "$(calc "$copy * 0.25" 0)" "$(calc "$copy * 0.25 / ($perday > 0 ? $perday : 1)" 0)" "$perday"
    done
    echo
    # The cost model: the night's wall time against log10 of the register size, least squares over
    # the sizes measured; checked by fitting all but the largest and predicting it.
    fit() { # fit "P T" lines on stdin: prints "a b" for T = a + b * log10(P)
        awk '{ x = log($1) / log(10); n++; sx += x; sy += $2; sxx += x * x; sxy += x * $2 }
             END { b = (n * sxy - sx * sy) / (n * sxx - sx * sx); printf "%.6f %.6f", (sy - b * sx) / n, b }'
    }
    points=$(for persons in $SIZES; do echo "$persons $(get "$persons" heavy.night-wall)"; done)
    set -- $SIZES
    if [ $# -ge 2 ]; then
        read -r a b <<< "$(echo "$points" | fit)"
        echo "  cost model: night = $(calc "$a") s + $(calc "$b") s x log10(persons) over the sizes measured" \
             "(+$(calc "$b") s, $(calc "100 * $b / ($a + $b * 6)" 1) % of the 1M night, per tenfold register)"
        if [ $# -ge 3 ]; then
            read -r a2 b2 <<< "$(echo "$points" | head -n -1 | fit)"
            last=${!#}
            predicted=$(calc "$a2 + $b2 * log($last) / log(10)")
            echo "    check: fitted without $last persons it predicts $predicted s there; measured $(calc "$(get "$last" heavy.night-wall)") s"
        fi
        at10m=$(calc "$a + $b * 7") at1m=$(calc "$a + $b * 6")
        echo "    10,000,000 persons by the model: $at10m s, $(calc "$at10m / $at1m") x the model's 1M night"
        echo "    preparation: $(for persons in $SIZES; do printf '%s persons %.1f min, ' "$persons" "$(calc "$(get "$persons" prepare.seconds) / 60" 1)"; done | sed 's/, $//')"
    fi
    echo
    fdir=$(dir_of "$FLOOR_SIZE")
    t1=$(calc "$(cat "$fdir/heavy.wall") / $(cat "$fdir/floor.wall")")   # all its work, maintenance too
    echo "  T1 heavy night <= 1.0 x floor at $FLOOR_SIZE persons:   $t1 x   $(verdict "$t1 <= 1.0")"
    prev=""
    for persons in $SIZES; do
        if [ -n "$prev" ]; then
            r=$(calc "$(get "$persons" heavy.night-wall) / $(get "$prev" heavy.night-wall)")
            # 1.15 per tenfold register, so 1.15^(log10 of the size ratio) between other sizes.
            bound=$(calc "exp(log(1.15) * log($persons / $prev) / log(10))" 3)
            echo "  T2 $persons <= ${bound} x $prev persons (1.15 per tenfold):   $r x   $(verdict "$r <= $bound")"
        fi
        prev=$persons
    done
    [ -n "${at10m:-}" ] && echo "  T2 10M <= 1.15 x 1M by the model:   $(calc "$at10m / $at1m") x   $(verdict "$at10m / $at1m <= 1.15")"
    worst_wpr=$(for persons in $SIZES; do get "$persons" heavy.wpr; done | sort -g | tail -1)
    worst_peak=$(for persons in $SIZES; do get "$persons" heavy.peak-max; done | sort -g | tail -1)
    echo "  T3 writes <= 400 B per changed record at every size:   at most $worst_wpr B   $(verdict "$worst_wpr <= 400")"
    echo "  T3 night's peak <= 300 MB at every size:   at most $(mb "$worst_peak") MB   $(verdict "$worst_peak <= 300 * 1024")"
    worst_anon=$(for persons in $SIZES; do mem_field "$(dir_of "$persons")/first-run" 2; mem_field "$(dir_of "$persons")/refresh" 2; done | sort -g | tail -1)
    echo "  T4 first run and refresh RssAnon <= 300 MB:   at most $(mb "$worst_anon") MB   $(verdict "$worst_anon <= 300 * 1024")"
} | tee "$WORK/results.txt"
