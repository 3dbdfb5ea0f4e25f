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

    // MARK: Snapshot phase (inside the state write transaction)

    /// Empties the previous run's change set; only called once every subscriber of that run
    /// has its file.
    func clearChanges() throws {
        try database.execute("DELETE FROM record_change; DELETE FROM change_person;")
    }

    /// Persons newly in some population and not yet tracked, in pnr order.
    func untrackedNewPersons() throws -> [String] {
        var persons: [String] = []
        try database.cached("""
            SELECT DISTINCT s.pnr FROM subscription s
            WHERE s.dirty = 1 AND s.present = 1 AND NOT EXISTS (SELECT 1 FROM tracked_person t WHERE t.pnr = s.pnr)
            ORDER BY s.pnr
            """).forEachRow { persons.append($0.text(0)) }
        return persons
    }

    func track(_ pnr: String) throws {
        try database.run("INSERT OR IGNORE INTO tracked_person(pnr) VALUES (?)", [pnr])
    }

    func isTracked(_ pnr: String) throws -> Bool {
        try database.scalarInt("SELECT 1 FROM tracked_person WHERE pnr = ?", [pnr]) != nil
    }

    /// Adds a newly tracked person's record unless the copy already has it under someone else,
    /// in which case the journal carries its move and the change set must see the old version.
    func insertBaseline(_ version: RecordVersion) throws {
        let statement = try database.cached("INSERT OR IGNORE INTO record(entity, id, pnr, benefit, fields) VALUES (?, ?, ?, ?, ?)")
        try statement.bind(Int64(version.entity.rawValue), at: 1)
        try statement.bind(version.id, at: 2)
        try statement.bind(version.pnr, at: 3)
        try statement.bind(version.benefit, at: 4)
        try statement.bind(version.encodedFields, at: 5)
        try statement.runToCompletion()
    }

    /// Applies one journaled record: records old and new versions in the change set and
    /// updates the copy. Records of persons nobody tracks are ignored.
    /// - Returns: true when the change was kept.
    @discardableResult
    func applyJournaled(key: RecordKey, current: RecordVersion?) throws -> Bool {
        let old = try version(of: key)
        var new = current
        if let candidate = new, try !isTracked(candidate.pnr) { new = nil }
        if old == nil && new == nil { return false }
        if old == new { return false }

        let insert = try database.cached("""
            INSERT INTO record_change(entity, id, old_pnr, old_benefit, old_fields, new_pnr, new_benefit, new_fields)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        try insert.bind(Int64(key.entity.rawValue), at: 1)
        try insert.bind(key.id, at: 2)
        try insert.bind(old?.pnr, at: 3)
        try insert.bind(old?.benefit, at: 4)
        try insert.bind(old?.encodedFields, at: 5)
        try insert.bind(new?.pnr, at: 6)
        try insert.bind(new?.benefit, at: 7)
        try insert.bind(new?.encodedFields, at: 8)
        try insert.runToCompletion()
        let person = try database.cached("INSERT OR IGNORE INTO change_person(pnr) VALUES (?)")
        for pnr in Set([old?.pnr, new?.pnr].compactMap { $0 }) {
            try person.bind(pnr, at: 1)
            try person.runToCompletion()
        }

        if let new {
            let upsert = try database.cached("""
                INSERT INTO record(entity, id, pnr, benefit, fields) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(entity, id) DO UPDATE SET pnr = excluded.pnr, benefit = excluded.benefit, fields = excluded.fields
                """)
            try upsert.bind(Int64(key.entity.rawValue), at: 1)
            try upsert.bind(key.id, at: 2)
            try upsert.bind(new.pnr, at: 3)
            try upsert.bind(new.benefit, at: 4)
            try upsert.bind(new.encodedFields, at: 5)
            try upsert.runToCompletion()
        } else {
            try database.run("DELETE FROM record WHERE entity = ? AND id = ?", [Int64(key.entity.rawValue), key.id])
        }
        return true
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

    /// The copy's version of one record.
    public func version(of key: RecordKey) throws -> RecordVersion? {
        let statement = try database.cached("SELECT pnr, benefit, fields FROM record WHERE entity = ? AND id = ?")
        try statement.bind(Int64(key.entity.rawValue), at: 1)
        try statement.bind(key.id, at: 2)
        defer { statement.reset() }
        guard try statement.step() else { return nil }
        return try Self.decode(key.entity, key.id, statement.text(0), statement.text(1), statement.text(2))
    }

    /// Every current record of a person, cases first, each by id.
    public func records(ofPerson pnr: String) throws -> [RecordVersion] {
        var versions: [RecordVersion] = []
        try database.cached("SELECT entity, id, benefit, fields FROM record WHERE pnr = ? ORDER BY entity, id").forEachRow([pnr]) { row in
            guard let entity = RecordEntity(rawValue: row.int(0)) else { return }
            versions.append(try Self.decode(entity, row.int64(1), pnr, row.text(2), row.text(3)))
        }
        return versions
    }

    /// This run's changes touching a person in either version.
    public func changes(touching pnr: String) throws -> [RecordKey: (old: RecordVersion?, new: RecordVersion?)] {
        var result: [RecordKey: (old: RecordVersion?, new: RecordVersion?)] = [:]
        try database.cached("""
            SELECT entity, id, old_pnr, old_benefit, old_fields, new_pnr, new_benefit, new_fields FROM record_change WHERE old_pnr = ?1
            UNION
            SELECT entity, id, old_pnr, old_benefit, old_fields, new_pnr, new_benefit, new_fields FROM record_change WHERE new_pnr = ?1
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
