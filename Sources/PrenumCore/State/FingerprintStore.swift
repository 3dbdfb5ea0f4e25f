import PrenumSQLite

/// Owns `fingerprint_bucket`: per format-3 subscriber, the count and digest sum of what its
/// recipient holds, per window key date (docs/DESIGN.md, "The mirror fingerprint").
///
/// A DELTA reads the subscriber's buckets (at most one per date in the window, however many
/// records), and writes back only the dates its changes touched; the window's advance deletes
/// whole dates. Nothing here reads the records themselves.
struct FingerprintStore {
    let database: Database

    /// What the recipient holds after applying window `windowFrom` to its last file.
    func held(subscriber: String, windowFrom: String) throws -> MirrorFingerprint {
        var total = MirrorFingerprint.empty
        try database.cached(
            """
            SELECT records, sum FROM fingerprint_bucket WHERE subscriber = ?1 AND (window_key = ?2 OR window_key >= ?3)
            """
        ).forEachRow([subscriber, FingerprintTally.openKey, windowFrom]) { row in
            guard let sum = Fingerprint256(bytes: try row.blob("sum")) else {
                throw OperationFailure(
                    .dataError, "state database holds a damaged fingerprint for subscriber \(subscriber); order a refresh")
            }
            total.add(MirrorFingerprint(visible: try row.int64("records"), sum: sum))
        }
        return total
    }

    /// Records what a file changed, in the caller's transaction. A FULL file (`replacing`)
    /// starts from nothing; a DELTA first drops the dates before its window.
    func record(subscriber: String, tally: FingerprintTally, windowFrom: String, replacing: Bool) throws {
        if replacing {
            try forget(subscriber: subscriber)
        } else {
            try database.run(
                "DELETE FROM fingerprint_bucket WHERE subscriber = ? AND window_key <> ? AND window_key < ?",
                [subscriber, FingerprintTally.openKey, windowFrom])
        }
        for (key, change) in tally.buckets.sorted(by: { $0.key < $1.key }) {
            var bucket = MirrorFingerprint.empty
            let existing = try database.cached("SELECT records, sum FROM fingerprint_bucket WHERE subscriber = ? AND window_key = ?")
            try existing.bind([subscriber, key])
            do {
                defer { existing.reset() }
                if try existing.step(), let sum = Fingerprint256(bytes: try existing.blob("sum")) {
                    bucket = MirrorFingerprint(visible: try existing.int64("records"), sum: sum)
                }
            }
            bucket.add(change)
            if bucket.visible == 0 && bucket.sum == .zero {
                try database.run("DELETE FROM fingerprint_bucket WHERE subscriber = ? AND window_key = ?", [subscriber, key])
            } else {
                try database.run(
                    """
                    INSERT INTO fingerprint_bucket(subscriber, window_key, records, sum) VALUES (?, ?, ?, ?)
                    ON CONFLICT(subscriber, window_key) DO UPDATE SET records = excluded.records, sum = excluded.sum
                    """, [subscriber, key, bucket.visible, SQLiteValue.blob(bucket.sum.bytes)])
            }
        }
    }

    /// Drops a subscriber's buckets: it left format 3, or its next file is a FULL one.
    func forget(subscriber: String) throws {
        try database.run("DELETE FROM fingerprint_bucket WHERE subscriber = ?", [subscriber])
    }
}
