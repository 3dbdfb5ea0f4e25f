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

    // MARK: Run bookkeeping (the snapshot itself is copied set-wise by RegisterSnapshotPhase)

    /// Empties the previous run's change set; only called once every subscriber of that run
    /// has its file.
    func clearChanges() throws {
        try database.execute("DELETE FROM record_change")
    }

    /// Forgets persons that no subscriber has any more, with their records. A recent version
    /// of theirs becomes a tombstone rather than disappearing, so that an older compacted
    /// version (under a person it moved away from) cannot come back into view.
    func untrackAbandonedPersons() throws -> Int {
        try database.execute("""
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

    /// Rows in the compacted copy, as kept in `meta`.
    func copyRows() throws -> Int64 {
        Int64(try database.scalarText("SELECT value FROM meta WHERE key = 'copy_rows'") ?? "0") ?? 0
    }

    /// Records that the compacted copy gained or lost rows.
    func adjustCopyRows(by delta: Int) throws {
        guard delta != 0 else { return }
        try database.run("""
            INSERT INTO meta(key, value) VALUES ('copy_rows', ?)
            ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + CAST(excluded.value AS INTEGER)
            """, [Int64(delta)])
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
        let added = try database.scalarInt("""
            SELECT COUNT(*) FROM record_recent x
            WHERE x.pnr IS NOT NULL AND NOT EXISTS (SELECT 1 FROM record b WHERE b.entity = x.entity AND b.id = x.id)
            """) ?? 0
        try database.execute("""
            INSERT INTO record(entity, id, pnr, benefit, fields)
                SELECT x.entity, x.id, x.pnr, x.benefit, x.fields FROM record_recent x
                WHERE x.pnr IS NOT NULL AND EXISTS (SELECT 1 FROM record b WHERE b.entity = x.entity AND b.id = x.id AND b.pnr = x.pnr)
                ORDER BY x.entity, x.id
            ON CONFLICT(entity, id) DO UPDATE SET benefit = excluded.benefit, fields = excluded.fields;
            """)
        try database.run("""
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
        try database.cached("""
            SELECT entity, id, benefit, fields FROM record_recent WHERE pnr = ?1
            UNION ALL
            SELECT b.entity, b.id, b.benefit, b.fields FROM record b WHERE b.pnr = ?1
                AND NOT EXISTS (SELECT 1 FROM record_recent x WHERE x.entity = b.entity AND x.id = b.id)
            ORDER BY 1, 2
            """).forEachRow([pnr]) { row in
            guard let entity = RecordKind(rawValue: row.int(0)) else { return }
            versions.append(try Self.decode(entity, row.int64(1), pnr, row.text(2), row.text(3)))
        }
        return versions
    }

    /// The columns of a `record_change` row (alias `c`) that `change(_:from:)` reads.
    static func changeColumns(_ c: String) -> String {
        "\(c).entity, \(c).id, \(c).old_pnr, \(c).old_benefit, \(c).old_fields, \(c).new_pnr, \(c).new_benefit, \(c).new_fields"
    }

    /// One change of the run (NULL person: absent in that version), read from `changeColumns`
    /// starting at column `first` of `row`.
    static func change(_ row: Statement, from first: Int32) throws -> (key: RecordKey, old: RecordVersion?, new: RecordVersion?) {
        let id = row.int64(first + 1)
        guard let entity = RecordKind(rawValue: row.int(first)) else {
            throw DamagedRecord(record: "record \(id) of unknown kind \(row.int(first))")
        }
        let old = try row.isNull(first + 2) ? nil : decode(entity, id, row.text(first + 2), row.text(first + 3), row.text(first + 4))
        let new = try row.isNull(first + 5) ? nil : decode(entity, id, row.text(first + 5), row.text(first + 6), row.text(first + 7))
        return (RecordKey(entity, id), old, new)
    }

    /// A damaged row in Prenum's own state.
    public struct DamagedRecord: PrenumFailure {
        /// Which row: "payment 12", or an id whose kind is itself damaged.
        public let record: String
        public var exitCode: ExitCode { .dataError }
        public var description: String { "state database holds an unreadable copy of \(record); order a refresh after restoring the state" }

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
