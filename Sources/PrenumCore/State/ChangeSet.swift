import PrenumSQLite

/// The night's change set: which register records the journal names between the watermark and
/// the high-water mark. Owns the journal's `entity` column, so a kind Prenum does not know is
/// refused here before anything is copied.
struct ChangeSet {
    let database: Database
    /// The schema the register is attached as.
    let schema: String

    /// Fills `temp.changed_key` with the (kind, id) of every record journaled in (base, highWater],
    /// set-wise; the snapshot's statements join it.
    func collectKeys(after base: Int64, upTo highWater: Int64) throws {
        try database.execute(
            """
            CREATE TEMP TABLE IF NOT EXISTS changed_key(entity INTEGER NOT NULL, id INTEGER NOT NULL, PRIMARY KEY (entity, id)) WITHOUT ROWID;
            DELETE FROM temp.changed_key;
            """)
        let kind = RecordKind.allCases.map { "WHEN '\($0.journalName)' THEN \($0.rawValue)" }.joined(separator: " ")
        try database.run(
            """
            INSERT OR IGNORE INTO temp.changed_key(entity, id)
            SELECT CASE entity \(kind) END, entity_id
            FROM \(schema).change_log WHERE seq > ? AND seq <= ?
            """, [base, highWater])
    }

    /// Refuses (65) a journal row in (base, highWater] whose `entity` names no record kind:
    /// taking it for one would deliver a wrong record, skipping it would lose a change.
    func refuseUnknownKinds(after base: Int64, upTo highWater: Int64, registerPath: String) throws {
        let known = RecordKind.allCases.map { "'\($0.journalName)'" }.joined(separator: ", ")
        guard
            let seq = try database.scalarInt(
                """
                SELECT seq FROM \(schema).change_log WHERE seq > ? AND seq <= ? AND entity NOT IN (\(known)) ORDER BY seq LIMIT 1
                """, [base, highWater])
        else { return }
        throw OperationFailure(
            .dataError,
            "register \(registerPath) change_log seq \(seq) names an entity that is none of \(known). Nothing was read or delivered. Correct or remove that journal row upstream (or upgrade Prenum if the register has a new kind of record) before the next run"
        )
    }

    /// The register journal's last seq (0 when empty). The first read of the attached
    /// register: it starts the register read transaction the whole snapshot sees.
    func journalEnd() throws -> Int64 {
        try database.scalarInt("SELECT COALESCE(MAX(seq), 0) FROM \(schema).change_log") ?? 0
    }

    /// Records the journal named in this pass (`temp.changed_key`).
    func journaledCount() throws -> Int {
        Int(try database.scalarInt("SELECT COUNT(*) FROM temp.changed_key") ?? 0)
    }

    /// Empties `temp.changed_key` once the pass is done.
    func forgetJournaledKeys() throws {
        try database.execute("DELETE FROM temp.changed_key")
    }
}
