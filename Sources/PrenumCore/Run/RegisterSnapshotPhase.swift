import Foundation
import PrenumSQLite

/// Brings the shared record copy up to one snapshot of the register and records the run, in
/// one state transaction: either the whole snapshot is taken, or none of it.
///
/// The register is attached read-only to the state connection, so the high-water mark and the
/// rows are read in one register read transaction and copied set-wise inside SQLite; the
/// register is released (detached) as soon as the transaction commits, so the upstream
/// write-ahead log is pinned briefly.
struct RegisterSnapshotPhase {
    let state: StateDatabase
    let register: RegisterReader
    let log: EventLog
    let faults: FaultInjector

    static let schema = "register"
    static let registerCacheKiB = 65_536

    func take(businessDate: CalendarDate, createdAt: String, startedAt: String) throws -> RunRecord {
        let database = state.database
        let began = Date()
        try attach()
        defer {
            try? database.execute("DETACH DATABASE \(Self.schema)")
            try? database.execute("PRAGMA busy_timeout=\(Database.defaultBusyTimeoutMilliseconds)")
        }
        var counts = (newPersons: 0, journaled: 0, kept: 0, quarantined: 0, released: 0)
        // Where the time went, for the log: new persons, the journal pass, the commit.
        var split = (newPersons: 0.0, journal: 0.0, commitFrom: Date())
        let runID: Int64
        do {
            runID = try database.transaction {
                try RecordStore(database: database).clearChanges()
                try prepareQuarantine()
                let base = try state.meta.watermark()
                let trackedBefore = try database.scalarInt("SELECT EXISTS (SELECT 1 FROM tracked_person)") ?? 0
                // The first read of the attached register starts its read transaction: every
                // statement below sees this high-water mark and the rows as of it.
                let highWater = try database.scalarInt("SELECT COALESCE(MAX(seq), 0) FROM \(Self.schema).change_log") ?? 0
                guard highWater >= base else {
                    throw OperationFailure(
                        .dataError,
                        "register \(register.path) journal ends at seq \(highWater), before Prenum's watermark \(base): was the register restored from an older copy?"
                    )
                }
                try JournalMark.check(
                    recorded: try state.meta.journalMark(), watermark: base,
                    table: "\(Self.schema).change_log", database: database, registerPath: register.path)
                try ChangeSet(database: database, schema: Self.schema)
                    .refuseUnknownKinds(after: base, upTo: highWater, registerPath: register.path)
                try upgradeFieldEncodingIfOwed()
                // Newly subscribed persons first, so a record that moved to one of them is seen
                // as a move by the journal pass below.
                var mark = Date()
                counts.newPersons = try trackNewPersons()
                split.newPersons = Date().timeIntervalSince(mark)
                mark = Date()
                // Before anyone was tracked there is nothing to bring up to date.
                if trackedBefore != 0 {
                    (counts.journaled, counts.kept, counts.released) = try applyJournal(after: base, upTo: highWater)
                }
                split.journal = Date().timeIntervalSince(mark)
                faults.reach(.snapshotBeforeCommit)
                try state.meta.setWatermark(highWater)
                let journalMark = try JournalMark.read(seq: highWater, table: "\(Self.schema).change_log", database: database)
                try state.meta.setJournalMark(journalMark)
                split.commitFrom = Date()
                let runID = try RunLedger(database: database).insertRun(
                    date: businessDate, createdAt: createdAt, base: base,
                    highWater: highWater, startedAt: startedAt)
                counts.quarantined = try recordQuarantine(runID: runID, businessDate: businessDate)
                return runID
            }
        } catch let error as SQLiteError {
            throw registerFailure(error)
        }
        faults.reach(.snapshotAfterCommit)
        guard let run = try RunLedger(database: database).run(on: businessDate), run.id == runID else {
            throw OperationFailure(.dataError, "state database \(state.path) lost the run it just recorded")
        }
        log.log(
            .info, "snapshot.taken",
            [
                "businessDate": businessDate.description, "run": run.id, "baseWatermark": run.baseWatermark,
                "highWater": run.highWater, "newPersons": counts.newPersons, "changedRecords": counts.journaled,
                "keptChanges": counts.kept, "quarantined": counts.quarantined, "releasedFromQuarantine": counts.released,
                "newPersonsSeconds": String(format: "%.3f", split.newPersons),
                "journalSeconds": String(format: "%.3f", split.journal),
                "commitSeconds": String(format: "%.3f", Date().timeIntervalSince(split.commitFrom)),
                "durationSeconds": String(format: "%.3f", Date().timeIntervalSince(began))
            ])
        return run
    }

    private func attach() throws {
        do {
            try state.database.run("ATTACH DATABASE ? AS \(Self.schema)", [register.readOnlyURI])
            // The night's records are read by id all over the register: a page cache that keeps
            // the B-trees' upper levels saves reads. Freed when the register is detached.
            try state.database.execute("PRAGMA \(Self.schema).cache_size=-\(Self.registerCacheKiB)")
            // While the register is attached, the connection waits for upstream writers as long
            // as the register's own timeout says (Prenum's state is under its run lock anyway).
            try state.database.execute("PRAGMA busy_timeout=\(register.busyTimeoutMilliseconds)")
            try state.database.defineUTF8Check()
        } catch let error as SQLiteError {
            throw registerFailure(error)
        }
    }

    /// Errors while the register is attached: a busy register is the upstream's lock (75).
    private func registerFailure(_ error: SQLiteError) -> Error {
        if error.isBusy {
            return RegisterReader.Failure(
                exitCode: .temporaryFailure,
                description:
                    "register \(register.path) stayed locked by an upstream writer past the busy timeout; try again later (\(error.message))"
            )
        }
        return error
    }

    /// Rewrites the copy's rows stored before the field encoding's version tag, once, in this
    /// transaction and before the journal pass, so that what the pass compares is in one
    /// encoding. The migration cannot do it: only here is the register attached.
    private func upgradeFieldEncodingIfOwed() throws {
        guard try state.meta.fieldEncodingUpgradeOwed() else { return }
        for table in ["record", "record_recent"] {
            for statement in RegisterColumns.upgradeStatements(table: table, schema: Self.schema) {
                try state.database.run(statement)
            }
        }
        try state.meta.clearFieldEncodingUpgradeOwed()
        log.log(.info, "snapshot.field-encoding-upgraded", ["encoding": RecordVersion.currentEncoding])
    }

    /// Tracks persons newly in a population and copies their current records: into the
    /// compacted copy, except where a recent version exists, which a tombstone's record
    /// coming back replaces.
    private func trackNewPersons() throws -> Int {
        let database = state.database
        let r = Self.schema
        try database.execute(
            """
            CREATE TEMP TABLE IF NOT EXISTS new_person(pnr TEXT PRIMARY KEY) WITHOUT ROWID;
            DELETE FROM temp.new_person;
            -- OR IGNORE, not DISTINCT: a DISTINCT makes SQLite walk every subscription in pnr
            -- order instead of the few pending ones.
            INSERT OR IGNORE INTO temp.new_person
                SELECT s.pnr FROM subscription s
                WHERE s.dirty = 1 AND s.present = 1 AND NOT EXISTS (SELECT 1 FROM tracked_person t WHERE t.pnr = s.pnr);
            INSERT INTO tracked_person(pnr) SELECT pnr FROM temp.new_person;
            """)
        var copied = 0
        // CROSS JOIN keeps the new persons the outer loop: SQLite, without statistics, would
        // rather scan the register's table and probe them.
        for entity in RecordKind.allCases {
            let table = entity.registerTable
            let fields = RegisterColumns.fields(entity, "c", schema: r)
            try holdNewPersonsRecords(entity, table: table)
            try database.run(
                """
                INSERT OR IGNORE INTO record(entity, id, pnr, benefit, fields)
                    SELECT \(entity.rawValue), c.id, c.pnr, c.benefit, \(fields)
                    FROM temp.new_person n CROSS JOIN \(r).\(table) c ON c.pnr = n.pnr
                    WHERE NOT EXISTS (SELECT 1 FROM record_recent x WHERE x.entity = \(entity.rawValue) AND x.id = c.id)
                      AND \(Self.notHeld(entity, "c"))
                """)
            copied += database.changes
            try database.run(
                """
                INSERT INTO record_recent(entity, id, pnr, benefit, fields)
                    SELECT x.entity, x.id, c.pnr, c.benefit, \(fields)
                    FROM record_recent x JOIN \(r).\(table) c ON c.id = x.id
                    WHERE x.pnr IS NULL AND x.entity = \(entity.rawValue) AND c.pnr IN (SELECT pnr FROM temp.new_person)
                      AND \(Self.notHeld(entity, "c"))
                ON CONFLICT(entity, id) DO UPDATE SET pnr = excluded.pnr, benefit = excluded.benefit, fields = excluded.fields
                """)
        }
        try RecordStore(database: database).adjustCopyRows(by: copied)
        return Int(try database.scalarInt("SELECT COUNT(*) FROM temp.new_person") ?? 0)
    }

    /// Copies every record journaled in (base, highWater] of a tracked person: old and new
    /// version into the change set, the new one into the recent versions.
    private func applyJournal(after base: Int64, upTo highWater: Int64) throws -> (journaled: Int, kept: Int, released: Int) {
        let database = state.database
        let r = Self.schema
        try ChangeSet(database: database, schema: r).collectKeys(after: base, upTo: highWater)
        for entity in RecordKind.allCases { try holdJournaledRecords(entity, table: entity.registerTable) }
        let tracked = "EXISTS (SELECT 1 FROM tracked_person t WHERE t.pnr = n.pnr)"
        // The version held so far: the recent one if any (x; NULL person: gone), else the
        // compacted one (b). Inserted in the change set's key order, so its B-tree is appended
        // to rather than split all over.
        func versions(_ entity: RecordKind, _ table: String, _ fields: String) -> String {
            """
            INSERT INTO record_change(pnr, entity, id, old_pnr, old_benefit, old_fields, new_pnr, new_benefit, new_fields)
                SELECT COALESCE(n.pnr, x.pnr, b.pnr), k.entity, k.id,
                       COALESCE(x.pnr, b.pnr), COALESCE(x.benefit, b.benefit), COALESCE(x.fields, b.fields),
                       n.pnr, n.benefit, \(fields)
                FROM temp.changed_key k
                LEFT JOIN record_recent x ON x.entity = k.entity AND x.id = k.id
                LEFT JOIN record b ON x.entity IS NULL AND b.entity = k.entity AND b.id = k.id
                LEFT JOIN \(r).\(table) n ON n.id = k.id AND \(tracked)
                WHERE k.entity = \(entity.rawValue) AND (x.pnr IS NOT NULL OR b.pnr IS NOT NULL OR n.pnr IS NOT NULL)
                  AND \(Self.notHeld(entity, "k"))
                ORDER BY 1, 2, 3;
            """
        }
        try database.execute(
            """
            \(RecordKind.allCases.map { versions($0, $0.registerTable, RegisterColumns.fields($0, "n", schema: r)) }.joined(separator: "\n"))
            -- Journaled but nothing Prenum keeps changed.
            DELETE FROM record_change
                WHERE old_pnr IS new_pnr AND old_benefit IS new_benefit AND old_fields IS new_fields;
            -- A record that moved between persons is filed under its old person too.
            INSERT INTO record_change(pnr, entity, id, old_pnr, old_benefit, old_fields, new_pnr, new_benefit, new_fields)
                SELECT old_pnr, entity, id, old_pnr, old_benefit, old_fields, new_pnr, new_benefit, new_fields
                FROM record_change WHERE old_pnr IS NOT NULL AND new_pnr IS NOT NULL AND old_pnr <> new_pnr;
            -- The copy: each changed record's newest version (or tombstone) among the recent ones.
            INSERT INTO record_recent(entity, id, pnr, benefit, fields)
                SELECT entity, id, new_pnr, new_benefit, new_fields FROM record_change
                WHERE pnr = COALESCE(new_pnr, old_pnr)
            ON CONFLICT(entity, id) DO UPDATE SET pnr = excluded.pnr, benefit = excluded.benefit, fields = excluded.fields;
            """)
        let journaled = Int(try database.scalarInt("SELECT COUNT(*) FROM temp.changed_key") ?? 0)
        let kept = Int(try database.scalarInt("SELECT COUNT(*) FROM record_change WHERE pnr = COALESCE(new_pnr, old_pnr)") ?? 0)
        let released = try releaseCorrected()
        try database.execute("DELETE FROM temp.changed_key")
        return (journaled, kept, released)
    }
}
