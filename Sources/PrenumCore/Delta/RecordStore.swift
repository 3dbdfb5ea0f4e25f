import PrenumSQLite

/// Prenum's shared copy of the register's records for tracked persons, and the current run's
/// changes to it.
///
/// One copy serves every subscriber: what a subscriber holds is derived from it together with
/// the subscriber's population as of its last file, so state grows with the register and the
/// populations, never with their product.
///
/// The copy is two tables: `record`, compacted, and `record_recent`, the newest version of every
/// record journaled since (a NULL person: gone), which overrides it. A night's changes are
/// scattered over the register, so updating `record` in place would rewrite most of its pages
/// however few records changed; appending them to the smaller table and folding that in once it
/// has grown to a fraction of the copy keeps a night's cost with its changes.
public struct RecordStore {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// Compact once the recent versions reach this percentage of the compacted copy's rows:
    /// a compaction rewrites the copy, so it pays for that many changes at least.
    public static let defaultCompactionPercent = 25

    // MARK: Run bookkeeping (the snapshot itself is copied set-wise by RecordCopy)

    /// Empties the previous run's change set; only called once every subscriber of that run
    /// has its file.
    func clearChanges() throws {
        try database.execute("DELETE FROM record_change")
    }

    /// Forgets persons that no subscriber has any more, with their records. A recent version
    /// of theirs becomes a tombstone rather than disappearing, so that an older compacted
    /// version (under a person it moved away from) cannot come back into view.
    func untrackAbandonedPersons() throws -> Int {
        try database.execute(
            """
            DELETE FROM untrack_candidate WHERE EXISTS (SELECT 1 FROM subscription s WHERE s.pnr = untrack_candidate.pnr);
            UPDATE record_recent SET pnr = NULL, benefit = NULL, fields = NULL WHERE pnr IN (SELECT pnr FROM untrack_candidate);
            """)
        try database.run("DELETE FROM record WHERE pnr IN (SELECT pnr FROM untrack_candidate)")
        try adjustCopyRows(by: -database.changes)
        try database.execute("DELETE FROM tracked_person WHERE pnr IN (SELECT pnr FROM untrack_candidate)")
        let removed = Int(try database.scalarInt("SELECT COUNT(*) FROM untrack_candidate") ?? 0)
        try database.execute("DELETE FROM untrack_candidate")
        return removed
    }

    /// Rows in the compacted copy (`StateMeta.copyRows`).
    func copyRows() throws -> Int64 {
        try StateMeta(database: database).copyRows()
    }

    /// Records that the compacted copy gained or lost rows.
    func adjustCopyRows(by delta: Int) throws {
        try StateMeta(database: database).adjustCopyRows(by: delta)
    }

    /// The recent versions, if they have reached `percent` of the compacted copy's rows.
    func recentRowsDue(percent: Int) throws -> Int64? {
        let recent = try database.scalarInt("SELECT COUNT(*) FROM record_recent") ?? 0
        guard recent > 0, recent * 100 >= Int64(max(percent, 0)) * (try copyRows()) else { return nil }
        return recent
    }

    /// Folds the recent versions into the compacted copy, in key order so each page of the
    /// copy is written once: records that stayed with their person are updated (the person
    /// index untouched), moved ones re-filed, new ones added, gone ones deleted.
    func compact() throws {
        let added =
            try database.scalarInt(
                """
                SELECT COUNT(*) FROM record_recent x
                WHERE x.pnr IS NOT NULL AND NOT EXISTS (SELECT 1 FROM record b WHERE b.entity = x.entity AND b.id = x.id)
                """) ?? 0
        try database.execute(
            """
            INSERT INTO record(entity, id, pnr, benefit, fields)
                SELECT x.entity, x.id, x.pnr, x.benefit, x.fields FROM record_recent x
                WHERE x.pnr IS NOT NULL AND EXISTS (SELECT 1 FROM record b WHERE b.entity = x.entity AND b.id = x.id AND b.pnr = x.pnr)
                ORDER BY x.entity, x.id
            ON CONFLICT(entity, id) DO UPDATE SET benefit = excluded.benefit, fields = excluded.fields;
            """)
        try database.run(
            """
            INSERT INTO record(entity, id, pnr, benefit, fields)
                SELECT entity, id, pnr, benefit, fields FROM record_recent WHERE pnr IS NOT NULL ORDER BY entity, id
            ON CONFLICT(entity, id) DO UPDATE SET pnr = excluded.pnr, benefit = excluded.benefit, fields = excluded.fields
                WHERE record.pnr <> excluded.pnr
            """)
        try database.run("DELETE FROM record WHERE (entity, id) IN (SELECT entity, id FROM record_recent WHERE pnr IS NULL)")
        try adjustCopyRows(by: Int(added) - database.changes)
        try database.execute("DELETE FROM record_recent")
    }

    // MARK: Reading

    /// Every current record of a person, cases first, each by id.
    public func records(ofPerson pnr: String) throws -> [RecordVersion] {
        var versions: [RecordVersion] = []
        let statement = try database.cached(
            """
            SELECT entity, id, benefit, fields FROM record_recent WHERE pnr = ?1
            UNION ALL
            SELECT b.entity, b.id, b.benefit, b.fields FROM record b WHERE b.pnr = ?1
                AND NOT EXISTS (SELECT 1 FROM record_recent x WHERE x.entity = b.entity AND x.id = b.id)
            ORDER BY entity, id
            """
        )
        // Resolved by name once per call, not per row: a person's records are read for
        // every person of a FULL file.
        let entityColumn = try statement.columnIndex("entity")
        let idColumn = try statement.columnIndex("id")
        let benefitColumn = try statement.columnIndex("benefit")
        let fieldsColumn = try statement.columnIndex("fields")
        try statement.forEachRow([pnr]) { row in
            guard let entity = RecordKind(rawValue: row.int(entityColumn)) else { return }
            versions.append(try Self.decode(entity, row.int64(idColumn), pnr, row.text(benefitColumn), row.text(fieldsColumn)))
        }
        return versions
    }

    /// Every version of one record as of before the run's changes (nil: absent then); nil when
    /// the run did not change it.
    func versionBeforeChanges(_ key: RecordKey) throws -> RecordVersion?? {
        try found(
            """
            SELECT old_pnr AS pnr, old_benefit AS benefit, old_fields AS fields FROM record_change WHERE entity = ? AND id = ? LIMIT 1
            """, key)
    }

    /// The record's current version in the copy (nil: absent or not tracked).
    func currentVersion(_ key: RecordKey) throws -> RecordVersion? {
        if let recent = try found("SELECT pnr, benefit, fields FROM record_recent WHERE entity = ? AND id = ?", key) { return recent }
        return try found("SELECT pnr, benefit, fields FROM record WHERE entity = ? AND id = ?", key) ?? nil
    }

    /// The version a query of columns `pnr`, `benefit` and `fields` finds: nil without a row,
    /// `.some(nil)` for a row that says the record is absent (a NULL `pnr`).
    private func found(_ sql: String, _ key: RecordKey) throws -> RecordVersion?? {
        let statement = try database.cached(sql)
        try statement.bind([Int64(key.entity.rawValue), key.id])
        defer { statement.reset() }
        guard try statement.step() else { return nil }
        guard let pnr = try statement.optionalText("pnr") else { return .some(nil) }
        guard let benefit = try statement.optionalText("benefit"), let fields = try statement.optionalText("fields") else {
            throw DamagedRecord(key: key)
        }
        return .some(try Self.decode(key.entity, key.id, pnr, benefit, fields))
    }

    /// Rows in the run's change set: counted once per run, as every subscriber's delta weighs
    /// its population against it.
    func changeRowCount() throws -> Int64 {
        try database.scalarInt("SELECT COUNT(*) FROM record_change") ?? 0
    }

    /// The run's changes filed under a person (as its old or new holder).
    func forEachChange(ofPerson pnr: String, _ body: (_ key: RecordKey, _ old: RecordVersion?, _ new: RecordVersion?) throws -> Void) throws
    {
        let statement = try database.cached("SELECT \(Self.changeColumns("c")) FROM record_change c WHERE c.pnr = ?")
        let columns = try ChangeColumns(statement)
        try statement.forEachRow([pnr]) { row in
            let change = try Self.change(row, columns)
            try body(change.key, change.old, change.new)
        }
    }

    /// The columns of a `record_change` row (alias `c`) that `change(_:_:)` reads, by the names
    /// `ChangeColumns` finds them under.
    static func changeColumns(_ c: String) -> String {
        "\(c).entity, \(c).id, \(c).old_pnr, \(c).old_benefit, \(c).old_fields, \(c).new_pnr, \(c).new_benefit, \(c).new_fields"
    }

    /// Where `changeColumns` sit in a statement's rows: looked up by name once per statement,
    /// so the per-row reads in a delta's inner loop hash no names.
    struct ChangeColumns {
        let entity, id, oldPnr, oldBenefit, oldFields, newPnr, newBenefit, newFields: Int32

        init(_ statement: Statement) throws {
            entity = try statement.columnIndex("entity")
            id = try statement.columnIndex("id")
            oldPnr = try statement.columnIndex("old_pnr")
            oldBenefit = try statement.columnIndex("old_benefit")
            oldFields = try statement.columnIndex("old_fields")
            newPnr = try statement.columnIndex("new_pnr")
            newBenefit = try statement.columnIndex("new_benefit")
            newFields = try statement.columnIndex("new_fields")
        }
    }

    /// One change of the run (NULL person: absent in that version), read from the row's
    /// `changeColumns` at the places `columns` found.
    static func change(_ row: Statement, _ columns: ChangeColumns) throws -> (key: RecordKey, old: RecordVersion?, new: RecordVersion?) {
        let id = row.int64(columns.id)
        guard let entity = RecordKind(rawValue: row.int(columns.entity)) else {
            throw DamagedRecord(record: "record \(id) of unknown kind \(row.int(columns.entity))")
        }
        let old =
            try row.isNull(columns.oldPnr)
            ? nil : decode(entity, id, row.text(columns.oldPnr), row.text(columns.oldBenefit), row.text(columns.oldFields))
        let new =
            try row.isNull(columns.newPnr)
            ? nil : decode(entity, id, row.text(columns.newPnr), row.text(columns.newBenefit), row.text(columns.newFields))
        return (RecordKey(entity, id), old, new)
    }

    /// A damaged row in Prenum's own state.
    struct DamagedRecord: PrenumFailure {
        /// Which row: "payment 12", or an id whose kind is itself damaged.
        let record: String
        var exitCode: ExitCode { .dataError }
        var description: String { "state database holds an unreadable copy of \(record); order a refresh after restoring the state" }

        init(record: String) { self.record = record }
        init(key: RecordKey) { record = "\(key.entity.journalName) \(key.id)" }
    }

    static func decode(_ entity: RecordKind, _ id: Int64, _ pnr: String, _ benefit: String, _ fields: String) throws -> RecordVersion {
        guard let version = RecordVersion(entity: entity, id: id, pnr: pnr, benefit: benefit, encodedFields: fields) else {
            throw DamagedRecord(key: RecordKey(entity, id))
        }
        return version
    }
}
