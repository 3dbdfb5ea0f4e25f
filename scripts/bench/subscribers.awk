# Generates the benchmark's subscribers from a few numbers, deterministically (no randomness:
# every choice is a function of the subscriber's index), as four files in OUT:
#   prenum.json       the configuration (paths relative to its own folder)
#   categories.json   the five categories and the SPEC benefit codes each may receive
#   populations.sql   a sqlite3 script that writes <inbox>/<id>/full-DATE.csv for everyone;
#                     it reads the temp tables pool_a / pool_b (k = 1..POOL in a hashed order)
#   ordered.sql       INSERTs into the floor's temp table `ordered` (subscriber, benefit,
#                     v1, needs_consent): what each subscriber ordered and may see
# Variables: SUBSCRIBERS, SUBSCRIPTIONS (target sum of population sizes), POOL (persons with
# any record), MAXPOP, MINPOP (largest and smallest population), DATE (YYYYMMDD), OUT.
#
# Sizes are heavy-tailed: log(size_i) falls from log(MAXPOP) to log(MINPOP) along
# ((i-1)/(S-1))^p, with p found by bisection so that the sizes sum to about SUBSCRIPTIONS.
# Each population is a window of POOL consecutive ranks (wrapping around) in one of two hashed
# orders of the register's persons, starting at a golden-ratio offset: overlapping, stable.

function size(i, p,   t) {
    if (SUBSCRIBERS == 1) return MAXPOP
    t = ((i - 1) / (SUBSCRIBERS - 1)) ^ p
    return int(exp(log(MAXPOP) + (log(MINPOP) - log(MAXPOP)) * t) + 0.5)
}
function total(p,   i, s) { s = 0; for (i = 1; i <= SUBSCRIBERS; i++) s += size(i, p); return s }
function luhn(nine,   i, d, s) {           # check digit for nine digits (the 1st, 3rd, ... doubled)
    s = 0
    for (i = 1; i <= 9; i++) {
        d = substr(nine, i, 1) + 0
        if (i % 2 == 1) { d *= 2; if (d > 9) d -= 9 }
        s += d
    }
    return (10 - s % 10) % 10
}
function json_list(codes, n,   i, s) {
    s = ""
    for (i = 1; i <= n; i++) s = s (i > 1 ? ", " : "") "\"" codes[i] "\""
    return "[" s "]"
}

BEGIN {
    if (MINPOP < 1) MINPOP = 1
    if (MAXPOP > POOL) MAXPOP = POOL
    if (MINPOP > MAXPOP) MINPOP = MAXPOP
    # Bisection on the tail exponent: p -> 0 makes everyone MINPOP, large p everyone MAXPOP.
    lo = 0.0001; hi = 200
    for (step = 0; step < 80; step++) { mid = (lo + hi) / 2; if (total(mid) < SUBSCRIPTIONS) lo = mid; else hi = mid }
    p = (lo + hi) / 2

    # The SPEC's benefit codes each category may receive (the sample Config/categories.json).
    permitted["insurance"] = "SJP FP TFP SA AE"
    permitted["municipality"] = "SJP FP TFP AKS UTV ETE BOB BB ASS OMV MKE SA AE"
    permitted["enforcement"] = "SJP FP TFP AKS UTV ETE SA AE"
    permitted["pension"] = "SA AE SJP FP"
    permitted["agency"] = "SJP FP TFP AKS UTV ETE SA AE BB"
    prefix["insurance"] = "55600"; prefix["municipality"] = "21200"; prefix["enforcement"] = "20210"
    prefix["pension"] = "20220"; prefix["agency"] = "20230"
    split("insurance municipality enforcement pension agency", names, " ")

    categories = OUT "/categories.json"
    printf "{\n" > categories
    for (c = 1; c <= 5; c++) {
        n = split(permitted[names[c]], codes, " ")
        printf "  \"%s\": %s%s\n", names[c], json_list(codes, n), (c < 5 ? "," : "") > categories
    }
    printf "}\n" > categories

    config = OUT "/prenum.json"
    populations = OUT "/populations.sql"
    ordered = OUT "/ordered.sql"
    printf "{\n  \"register\": \"register.db\",\n  \"stateDatabase\": \"state.db\",\n" > config
    printf "  \"inbox\": \"inbox\",\n  \"outbox\": \"outbox\",\n  \"archive\": \"archive\",\n" > config
    printf "  \"signingKey\": \"keys/signing-private.pem\",\n  \"categories\": \"categories.json\",\n" > config
    printf "  \"historyDays\": 400,\n  \"timeZone\": \"Europe/Stockholm\",\n  \"subscribers\": [\n" > config
    printf ".bail on\n.headers off\n.mode list\n" > populations

    sum = 0
    for (i = 1; i <= SUBSCRIBERS; i++) {
        # Category mix by index: mostly insurers and municipalities, some agencies, a few
        # enforcement and pension subscribers.
        r = i % 20
        category = r == 0 ? "enforcement" : r == 1 ? "pension" : r <= 4 ? "agency" : r <= 10 ? "municipality" : "insurance"
        purpose = "coordination"
        if (category == "pension") purpose = "pension_forecast"
        else if (category == "insurance" && i % 3 == 0) purpose = (i % 2 == 0 ? "claims" : "risk_assessment")
        consent = purpose == "coordination" ? (i % 2 == 0 ? "Y" : "") : "Y"
        needs_consent = purpose == "coordination" ? 0 : 1
        version = i % 4 == 0 ? 1 : 2
        id = sprintf("%s-%03d", category, i)
        nine = sprintf("%s%04d", prefix[category], i)

        # Ordered benefits: a rotation of the permitted list, 1..all of them.
        n = split(permitted[category], codes, " ")
        count = 1 + (i * 7) % n
        for (j = 1; j <= count; j++) order[j] = codes[1 + (i + j - 1) % n]
        for (j = 1; j <= count; j++)
            printf "INSERT INTO ordered VALUES ('%s', '%s', %d, %d);\n", id, order[j], version == 1, needs_consent > ordered

        printf "    {\"id\": \"%s\", \"orgNumber\": \"%s%d\", \"name\": \"Bench %s %d\", \"category\": \"%s\", ", \
            id, nine, luhn(nine), category, i, category > config
        printf "\"benefits\": %s, \"purpose\": \"%s\", \"formatVersion\": %d}%s\n", \
            json_list(order, count), purpose, version, (i < SUBSCRIBERS ? "," : "") > config

        s = size(i, p); sum += s
        start = int((i * 0.6180339887498949 - int(i * 0.6180339887498949)) * POOL)
        pool = i % 2 == 0 ? "pool_a" : "pool_b"
        first = start + 1; last = start + s
        line = "'ADD;' || pnr || ';" consent ";' || CASE WHEN k % 10 = 3 THEN '2026-01-01' ELSE '' END"
        printf ".output %s/inbox/%s/full-%s.csv\n.print action;pnr;consent;from\n", OUT, id, DATE > populations
        printf "SELECT %s FROM %s WHERE k BETWEEN %d AND %d;\n", line, pool, first, (last < POOL ? last : POOL) > populations
        if (last > POOL) printf "SELECT %s FROM %s WHERE k BETWEEN 1 AND %d;\n", line, pool, last - POOL > populations
        print id
    }
    printf "  ]\n}\n" > config
    printf ".output stdout\n" > populations
    printf "sizes: %d subscribers, %d subscriptions (target %d), largest %d, smallest %d, tail exponent %.3f\n", \
        SUBSCRIBERS, sum, SUBSCRIPTIONS, size(1, p), size(SUBSCRIBERS, p), p > "/dev/stderr"
}
