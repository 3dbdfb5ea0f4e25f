import PrenumSQLite

/// Prenum's shared copy of the register's records for tracked persons, and the current run's
/// changes to it.
///
/// One copy serves every subscriber: what a subscriber holds is derived from it together with
/// the subscriber's population as of its last file, so state grows with the register and the
/// populations, never with their product.
public struct RecordStore {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    // MARK: Run bookkeeping (the snapshot itself is copied set-wise by RegisterSnapshotPhase)

    /// Empties the previous run's change set; only called once every subscriber of that run
    /// has its file.
    func clearChanges() throws {
        try database.execute("DELETE FROM record_change")
    }

    /// Forgets persons that no subscriber has any more, with their records.
    func untrackAbandonedPersons() throws -> Int {
        try database.execute("""
            DELETE FROM untrack_candidate WHERE EXISTS (SELECT 1 FROM subscription s WHERE s.pnr = untrack_candidate.pnr);
            DELETE FROM record WHERE pnr IN (SELECT pnr FROM untrack_candidate);
            DELETE FROM tracked_person WHERE pnr IN (SELECT pnr FROM untrack_candidate);
            """)
        let removed = Int(try database.scalarInt("SELECT COUNT(*) FROM untrack_candidate") ?? 0)
        try database.execute("DELETE FROM untrack_candidate")
        return removed
    }

    // MARK: Reading

    /// Every current record of a person, cases first, each by id.
    public func records(ofPerson pnr: String) throws -> [RecordVersion] {
        var versions: [RecordVersion] = []
        try database.cached("SELECT entity, id, benefit, fields FROM record WHERE pnr = ? ORDER BY entity, id").forEachRow([pnr]) { row in
            guard let entity = RecordEntity(rawValue: row.int(0)) else { return }
            versions.append(try Self.decode(entity, row.int64(1), pnr, row.text(2), row.text(3)))
        }
        return versions
    }

    /// This run's changes touching a person in either version, where either version is of one
    /// of `benefits` (SQL literals): a change between two unordered benefits says nothing.
    public func changes(touching pnr: String, benefits: String) throws -> [RecordKey: (old: RecordVersion?, new: RecordVersion?)] {
        var result: [RecordKey: (old: RecordVersion?, new: RecordVersion?)] = [:]
        try database.cached("""
            SELECT entity, id, old_pnr, old_benefit, old_fields, new_pnr, new_benefit, new_fields FROM record_change
            WHERE pnr = ?1 AND (old_benefit IN (\(benefits)) OR new_benefit IN (\(benefits)))
            """).forEachRow([pnr]) { row in
            guard let entity = RecordEntity(rawValue: row.int(0)) else { return }
            let id = row.int64(1)
            let old = try row.isNull(2) ? nil : Self.decode(entity, id, row.text(2), row.text(3), row.text(4))
            let new = try row.isNull(5) ? nil : Self.decode(entity, id, row.text(5), row.text(6), row.text(7))
            result[RecordKey(entity, id)] = (old, new)
        }
        return result
    }

    /// A damaged row in Prenum's own state.
    public struct DamagedRecord: PrenumFailure {
        public let key: RecordKey
        public var exitCode: ExitCode { .dataError }
        public var description: String { "state database holds an unreadable copy of \(key.entity.journalName) \(key.id); order a refresh after restoring the state" }
    }

    static func decode(_ entity: RecordEntity, _ id: Int64, _ pnr: String, _ benefit: String, _ fields: String) throws -> RecordVersion {
        guard let version = RecordVersion(entity: entity, id: id, pnr: pnr, benefit: benefit, encodedFields: fields) else {
            throw DamagedRecord(key: RecordKey(entity, id))
        }
        return version
    }
}
