import PrenumSQLite

/// A record held back at the snapshot because its newest register version holds a value no
/// delivery format can carry (SPEC section 4): recipients keep the version they had until
/// upstream corrects it. Carries no personnummer, so `status` can show it as it is.
public struct QuarantinedRecord: Codable, Sendable, Equatable {
    /// `payment` or `case`, as in the register's journal.
    public let entity: String
    public let id: Int64
    /// The register column at fault (`payment_date`, `payment_deduction.kind`, `pnr`, ...).
    public let field: String
    public let reason: String
    /// Business date of the run that first held it back.
    public let since: String
    /// Business date of the last run that read the bad version.
    public let seen: String
}

/// Reads the quarantine the snapshot keeps in state (`RegisterSnapshotPhase`).
public struct QuarantineLedger {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// Records held back now, oldest first, at most `limit`.
    public func records(limit: Int = 1_000) throws -> [QuarantinedRecord] {
        try read("SELECT entity, id, field, reason, since, seen FROM quarantine ORDER BY since, entity, id LIMIT ?", [Int64(limit)])
    }

    /// The person's records held back now (for `explain`).
    public func records(ofPerson pnr: String) throws -> [QuarantinedRecord] {
        try read("SELECT entity, id, field, reason, since, seen FROM quarantine WHERE pnr = ? ORDER BY entity, id", [pnr])
    }

    /// How many records are held back now.
    public func count() throws -> Int {
        Int(try database.scalarInt("SELECT COUNT(*) FROM quarantine") ?? 0)
    }

    /// How many records run `runID` held back when it took its snapshot.
    /// Records held back now under persons in `subscriber`'s population: what its recipient
    /// lags behind the register in (status per subscriber).
    public func count(subscriber: String) throws -> Int {
        Int(
            try database.scalarInt(
                """
                SELECT COUNT(*) FROM quarantine q JOIN subscription s ON s.subscriber = ? AND s.pnr = q.pnr AND s.present = 1
                """, [subscriber]) ?? 0)
    }

    public func count(atRun runID: Int64) throws -> Int {
        Int(try database.scalarInt("SELECT quarantined FROM run WHERE id = ?", [runID]) ?? 0)
    }

    private func read(_ sql: String, _ arguments: [SQLiteBindable]) throws -> [QuarantinedRecord] {
        var records: [QuarantinedRecord] = []
        try database.cached(sql).forEachRow(arguments) { row in
            let entity = RecordKind(rawValue: row.int(0))?.journalName ?? String(row.int(0))
            records.append(
                QuarantinedRecord(
                    entity: entity, id: row.int64(1), field: row.text(2),
                    reason: row.text(3), since: row.text(4), seen: row.text(5)))
        }
        return records
    }
}
