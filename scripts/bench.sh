#!/usr/bin/env bash
# Measures Prenum's heaviest night (issue 6, SPEC section 6) and prints the targets with PASS/MISS.
#
#   scripts/bench.sh [--smoke] [--persons N] [--subscribers N] [--subscriptions N] [--reps N]
#                    [--night-rows N] [--work DIR] [--seed N] [--advance] [--no-scaling] [--rebuild]
#
# Every option is also an environment variable (defaults in brackets): PERSONS [1000000],
# SUBSCRIBERS [300], SUBSCRIPTIONS [3000000], REPS [3], NIGHT_ROWS [= PERSONS], WORK [var/bench],
# SEED [1], ADVANCE [0], SCALING [1], BUILD [release; debug with --smoke], SCALE [10].
#
# For the main scenario and, with SCALING=1, for one SCALE times smaller (PERSONS/SCALE persons,
# SUBSCRIPTIONS/SCALE subscriptions, the same subscribers and the SAME night of NIGHT_ROWS
# journal rows), cached under WORK by parameters so that a second invocation goes straight to
# timing:
#   1. a register: `prenum sample create --persons P --seed SEED --date 2026-10-20`;
#   2. SUBSCRIBERS subscribers (scripts/bench/subscribers.awk): heavy-tailed, overlapping
#      populations drawn from the register's persons, both format versions, all five
#      categories, some consent-requiring purposes; `full-` files in the inbox;
#   3. keys and the first run for 2026-10-20 (FULL files for everyone; slow); the workspace
#      after it, minus outboxes and archive, is the baseline;
#   4. the heavy night (scripts/bench/night.sql): exactly NIGHT_ROWS journal rows on as many
#      different records, written through the register's triggers.
# Then REPS times: restore the baseline with the night's register, `/usr/bin/time -v prenum run
# --date 2026-10-21`; and REPS times the floor: the sqlite3 CLI selecting the night's changed
# records joined to the subscriptions and orders, written as CSV. Medians are compared.
#
# --smoke: tiny sizes, one repetition, the debug build; finishes in seconds. It fails only when
# the script itself breaks (a command fails, a figure is missing), never on timing.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

smoke=0
rebuild=0
while [ $# -gt 0 ]; do
    case "$1" in
        --smoke) smoke=1 ;;
        --persons) PERSONS=$2; shift ;;
        --subscribers) SUBSCRIBERS=$2; shift ;;
        --subscriptions) SUBSCRIPTIONS=$2; shift ;;
        --reps) REPS=$2; shift ;;
        --night-rows) NIGHT_ROWS=$2; shift ;;
        --work) WORK=$2; shift ;;
        --seed) SEED=$2; shift ;;
        --advance) ADVANCE=1 ;;
        --no-scaling) SCALING=0 ;;
        --rebuild) rebuild=1 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "bench: unknown argument '$1' (see --help)" >&2; exit 64 ;;
    esac
    shift
done
if [ "$smoke" = 1 ]; then
    PERSONS=${PERSONS:-3000} SUBSCRIBERS=${SUBSCRIBERS:-6} SUBSCRIPTIONS=${SUBSCRIPTIONS:-3000}
    REPS=${REPS:-1} NIGHT_ROWS=${NIGHT_ROWS:-3000} WORK=${WORK:-var/bench-smoke} BUILD=${BUILD:-debug}
fi
PERSONS=${PERSONS:-1000000}
SUBSCRIBERS=${SUBSCRIBERS:-300}
SUBSCRIPTIONS=${SUBSCRIPTIONS:-3000000}
REPS=${REPS:-3}
NIGHT_ROWS=${NIGHT_ROWS:-$PERSONS}
WORK=${WORK:-var/bench}
SEED=${SEED:-1}
ADVANCE=${ADVANCE:-0}
SCALING=${SCALING:-1}
SCALE=${SCALE:-10}
BUILD=${BUILD:-release}

FIRST_DATE=2026-10-20
NIGHT_DATE=2026-10-21
HISTORY_DAYS=400                      # the generated configuration's historyDays
helpers="$root/scripts/bench"
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)

for tool in sqlite3 awk; do
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
timed() { # timed OUT-PREFIX COMMAND...: runs the command under /usr/bin/time -v, stdout/stderr to files
    local prefix=$1; shift
    /usr/bin/time -v -o "$prefix.time" "$@" > "$prefix.out" 2> "$prefix.log" || {
        echo "bench: '$*' failed (exit $?); see $prefix.log" >&2; tail -5 "$prefix.log" >&2; exit 1; }
}

log "building prenum ($BUILD)"
swift build -c "$BUILD" --product prenum 2>&1 | tail -1
prenum="$root/.build/$BUILD/prenum"
[ -x "$prenum" ] || { echo "bench: $prenum was not built" >&2; exit 1; }

# The cache key names every parameter and the data recipes' contents: change either, and the
# scenario is rebuilt. (A newer prenum binary reuses the baseline; --rebuild forces it.)
recipe=$(cat "$helpers/subscribers.awk" "$helpers/night.sql" | sha256sum | cut -c1-10)

# prepare_scenario DIR PERSONS SUBSCRIPTIONS: the register, subscribers, first run, night.
prepare_scenario() {
    local dir=$1 persons=$2 subscriptions=$3
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
    local records files snapshot deliveries taken completed compaction repack
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
    echo "${compaction:-0}" > "$prefix.compaction"
    echo "${repack:-0}" > "$prefix.repack"
    echo "$records" > "$prefix.records"
    echo "$files" > "$prefix.files"
}

# restore_run DIR RUN NIGHT: RUN becomes the baseline with the night's register, flushed to disk.
restore_run() {
    rm -rf "$2"; mkdir -p "$2"
    cp -a "$1/base/." "$2/"
    cp "$3/register.db" "$2/register.db"
    sync                                  # the copies' write-back is not the run's work
}

# time_heavy_run DIR: REPS restored runs and one that compacts; leaves DIR/heavy.{wall,night-wall,peak,records,files}.
time_heavy_run() {
    local dir=$1 night="$1/night-$NIGHT_ROWS-adv$ADVANCE" run="$1/run"
    : > "$dir/heavy.walls"; : > "$dir/heavy.nights"; : > "$dir/heavy.peaks"
    for rep in $(seq 1 "$REPS"); do
        restore_run "$dir" "$run" "$night"
        timed "$dir/heavy-$rep" "$prenum" run --config "$run/prenum.json" --date "$NIGHT_DATE"
        report_run "$dir/heavy-$rep" "heavy run $rep"
        wall_seconds "$dir/heavy-$rep.time" >> "$dir/heavy.walls"
        echo "$(calc "$(wall_seconds "$dir/heavy-$rep.time") - $(cat "$dir/heavy-$rep.compaction") - $(cat "$dir/heavy-$rep.repack")")" >> "$dir/heavy.nights"
        peak_kb "$dir/heavy-$rep.time" >> "$dir/heavy.peaks"
        grep -q ' delivered ' "$dir/heavy-$rep.out" || { echo "bench: the heavy run delivered nothing" >&2; exit 1; }
        du -sm "$run/outbox" | cut -f1 > "$dir/heavy.outbox-mb"
        rm -rf "$run"
    done
    # Once more with PRENUM_COMPACT_PERCENT=0: the same night followed by the compaction of the
    # record copy that a run does once the recent versions reach 25 % of the copy (docs/DESIGN.md).
    restore_run "$dir" "$run" "$night"
    timed "$dir/heavy-compacting" env PRENUM_COMPACT_PERCENT=0 "$prenum" run --config "$run/prenum.json" --date "$NIGHT_DATE"
    report_run "$dir/heavy-compacting" "+compaction"
    wall_seconds "$dir/heavy-compacting.time" > "$dir/heavy-compacting.wall"
    rm -rf "$run"
    median < "$dir/heavy.walls" > "$dir/heavy.wall"
    median < "$dir/heavy.nights" > "$dir/heavy.night-wall"
    median < "$dir/heavy.peaks" > "$dir/heavy.peak"
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
    for rep in $(seq 1 "$REPS"); do
        sync
        timed "$floor/floor-$rep" sqlite3 -readonly "$night/register.db" ".read $floor/floor.sql"
        wall_seconds "$floor/floor-$rep.time" >> "$dir/floor.walls"
        peak_kb "$floor/floor-$rep.time" >> "$dir/floor.peaks"
    done
    median < "$dir/floor.walls" > "$dir/floor.wall"
    median < "$dir/floor.peaks" > "$dir/floor.peak"
    cat "$floor/payments.csv" "$floor/cases.csv" | wc -l | tr -d ' ' > "$dir/floor.rows"
    [ "$(cat "$dir/floor.rows")" -gt 0 ] || { echo "bench: the floor selected nothing" >&2; exit 1; }
    printf '   %-12s wall %8.2f s  peak %7.1f MB  rows %d (payments and cases, CSV)  %s\n' "floor" \
        "$(cat "$dir/floor.wall")" "$(calc "$(cat "$dir/floor.peak") / 1024" 1)" "$(cat "$dir/floor.rows")" \
        "$(cpu_io "$floor/floor-$REPS")"
}

main_dir="$WORK/p$PERSONS-sub$SUBSCRIBERS-n$SUBSCRIPTIONS-seed$SEED-$recipe"
small_persons=$((PERSONS / SCALE)) small_subscriptions=$((SUBSCRIPTIONS / SCALE))
small_dir="$WORK/p$small_persons-sub$SUBSCRIBERS-n$small_subscriptions-seed$SEED-$recipe"

log "main scenario: $PERSONS persons, $SUBSCRIBERS subscribers, $SUBSCRIPTIONS subscriptions, night of $NIGHT_ROWS journal rows"
prepare_scenario "$main_dir" "$PERSONS" "$SUBSCRIPTIONS"
if [ "$SCALING" = 1 ]; then
    log "scaling scenario: $small_persons persons, $small_subscriptions subscriptions, the same night of $NIGHT_ROWS journal rows"
    prepare_scenario "$small_dir" "$small_persons" "$small_subscriptions"
fi

log "timing the heavy run ($REPS repetitions each)"
time_heavy_run "$main_dir"
log "timing the floor (sqlite3 CLI, $REPS repetitions)"
time_floor "$main_dir"
if [ "$SCALING" = 1 ]; then
    log "timing the heavy run on the $SCALE times smaller register"
    time_heavy_run "$small_dir"
    log "timing the floor on the $SCALE times smaller register (for reference)"
    time_floor "$small_dir"
fi

# The results, also kept in WORK/results.txt.
wall=$(cat "$main_dir/heavy.wall") peak=$(cat "$main_dir/heavy.peak") records=$(cat "$main_dir/heavy.records")
floor=$(cat "$main_dir/floor.wall")
{
    echo
    echo "Results ($(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, prenum $BUILD build)"
    echo "  main scenario: $PERSONS persons, $SUBSCRIBERS subscribers, $SUBSCRIPTIONS subscriptions"
    echo "  heavy night: $(cat "$main_dir/night-$NIGHT_ROWS-adv$ADVANCE/journal-rows") journal rows"
    echo "  heavy run: median wall $(calc "$wall") s over $REPS, $records records in $(cat "$main_dir/heavy.files") files" \
         "($(cat "$main_dir/heavy.outbox-mb") MB), $(calc "$records / ($wall > 0 ? $wall : 1)" 0) records/s," \
         "median peak RSS $(calc "$peak / 1024" 1) MB"
    echo "  floor (sqlite3 CLI): median wall $(calc "$floor") s, $(cat "$main_dir/floor.rows") rows"
    ratio=$(calc "$wall / ($floor > 0 ? $floor : 0.001)")
    echo "  target heavy night <= 1.5 x floor:        $ratio x   $(verdict "$ratio <= 1.5")"
    echo "  target peak memory <= 300 MB:             $(calc "$peak / 1024" 1) MB   $(verdict "$peak <= 300 * 1024")"
    echo "  the same night followed by a compaction of the record copy (one run, PRENUM_COMPACT_PERCENT=0):" \
         "wall $(calc "$(cat "$main_dir/heavy-compacting.wall")") s, of which compaction $(cat "$main_dir/heavy-compacting.compaction") s" \
         "and repack $(cat "$main_dir/heavy-compacting.repack") s, peak RSS $(calc "$(peak_kb "$main_dir/heavy-compacting.time") / 1024" 1) MB"
    if [ "$SCALING" = 1 ]; then
        small=$(cat "$small_dir/heavy.wall")
        scaling=$(calc "$wall / ($small > 0 ? $small : 0.001)")
        # A run compacts the record copy once its recent versions reach 25 % of it (and then
        # repacks the state file); a night of a million changes does that on the small register
        # only. The target is judged on the night without that maintenance (the stricter ratio
        # then); the maintenance is reported apart.
        night=$(cat "$main_dir/heavy.night-wall") small_night=$(cat "$small_dir/heavy.night-wall")
        night_scaling=$(calc "$night / ($small_night > 0 ? $small_night : 0.001)")
        echo "  scaling: $small_persons-person register, same night: median wall $(calc "$small") s," \
             "$(cat "$small_dir/heavy.records") records, median peak RSS $(calc "$(cat "$small_dir/heavy.peak") / 1024" 1) MB"
        echo "    without the compaction and repack that follow the night (where they do): $(calc "$night") s vs $(calc "$small_night") s;" \
             "with it: $scaling x"
        echo "  target $PERSONS <= 1.3 x $small_persons register:   $night_scaling x   $(verdict "$night_scaling <= 1.3")"
        small_floor=$(cat "$small_dir/floor.wall")
        echo "  (for reference, the floor on the $small_persons-person register: $(calc "$small_floor") s, so the floor" \
             "itself scales $(awk "BEGIN { if ($small_floor > 0) printf \"%.2f x\", $floor / $small_floor; else print \"n/a\" }"))"
    fi
} | tee "$WORK/results.txt"
