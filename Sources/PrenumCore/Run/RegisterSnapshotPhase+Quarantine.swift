import PrenumSQLite

/// The snapshot's quarantine (SPEC section 4): a register version holding a value no delivery
/// format can carry is not copied. The copy keeps the record's last good version (or, for a
/// record that was never good, nothing), so the files go on describing it as before, and the
/// first snapshot that reads a corrected version copies it like any other change.
///
/// Within one snapshot the versions to hold back are collected in `temp.held` (entity, id, and
/// the problem as `<column> <reason>`); the copy statements skip them, and `recordQuarantine`
/// files them in the `quarantine` table.
extension RegisterSnapshotPhase {
    /// How many held-back records a run names one by one in its log; the rest are counted.
    static let quarantineLogLimit = 100

    /// Readies `temp.held` and forgets the quarantine of persons nobody subscribes any more
    /// (checked afresh should they come back). Before new persons are tracked.
    func prepareQuarantine() throws {
        try state.database.execute(
            """
            CREATE TEMP TABLE IF NOT EXISTS held(entity INTEGER NOT NULL, id INTEGER NOT NULL, pnr TEXT, problem TEXT NOT NULL,
                                                 PRIMARY KEY (entity, id)) WITHOUT ROWID;
            DELETE FROM temp.held;
            DELETE FROM quarantine WHERE pnr IS NULL OR NOT EXISTS (SELECT 1 FROM tracked_person t WHERE t.pnr = quarantine.pnr);
            """)
    }

    /// The problem expression of a register table's row `alias`.
    static func problem(_ entity: RecordKind, _ alias: String) -> String {
        RegisterValueDomain.problem(entity, alias, schema: schema)
    }

    /// SQL condition: register row `alias` of `entity` is not held back in this snapshot.
    static func notHeld(_ entity: RecordKind, _ alias: String) -> String {
        "NOT EXISTS (SELECT 1 FROM temp.held h WHERE h.entity = \(entity.rawValue) AND h.id = \(alias).id)"
    }

    /// Holds back the bad current records of the newly tracked persons.
    func holdNewPersonsRecords(_ entity: RecordKind, table: String) throws {
        try state.database.execute(
            """
            INSERT OR REPLACE INTO temp.held(entity, id, pnr, problem)
                SELECT \(entity.rawValue), id, pnr, problem FROM (
                    SELECT c.id, c.pnr, \(Self.problem(entity, "c")) AS problem
                    FROM temp.new_person n CROSS JOIN \(Self.schema).\(table) c ON c.pnr = n.pnr)
                WHERE problem IS NOT NULL
            """)
    }

    /// Holds back the bad new versions among the night's journaled records: those of tracked
    /// persons, and those the copy holds that moved to a person given as garbage (they stay
    /// with the one they had). Filed under the person of the copy's version, else the register's.
    func holdJournaledRecords(_ entity: RecordKind, table: String) throws {
        let e = entity.rawValue
        // Only versions of tracked persons are classified (a version moved to a person nobody
        // subscribes is visible to no one, so it is removed as usual), and versions whose person
        // is garbage, held back only if the copy has the record. LIMIT keeps SQLite from
        // folding the subquery in, so the copy is looked at for bad versions only.
        try state.database.execute(
            """
            INSERT OR REPLACE INTO temp.held(entity, id, pnr, problem)
                SELECT \(e), bad.id, COALESCE(bad.copied, bad.pnr), bad.problem FROM (
                    SELECT found.id, found.pnr, found.problem,
                           COALESCE((SELECT x.pnr FROM record_recent x WHERE x.entity = \(e) AND x.id = found.id),
                                    (SELECT b.pnr FROM record b WHERE b.entity = \(e) AND b.id = found.id
                                     AND NOT EXISTS (SELECT 1 FROM record_recent x WHERE x.entity = \(e) AND x.id = found.id))) AS copied
                    FROM (SELECT a.id, a.pnr, \(Self.problem(entity, "a")) AS problem
                          FROM temp.changed_key k JOIN \(Self.schema).\(table) a ON a.id = k.id
                          WHERE k.entity = \(e)
                            AND (EXISTS (SELECT 1 FROM tracked_person t WHERE t.pnr = a.pnr) OR (\(RegisterValueDomain.personnummerShape("a.pnr"))) IS NOT 1)
                            AND \(Self.problem(entity, "a")) IS NOT NULL
                          LIMIT -1) found) bad
                WHERE bad.copied IS NOT NULL OR EXISTS (SELECT 1 FROM tracked_person t WHERE t.pnr = bad.pnr)
            """)
    }

    /// Journaled records no longer held back (corrected or deleted upstream) leave the
    /// quarantine; their change was copied like any other. How many left.
    func releaseCorrected() throws -> Int {
        try state.database.execute(
            """
            DELETE FROM quarantine
            WHERE EXISTS (SELECT 1 FROM temp.changed_key k WHERE k.entity = quarantine.entity AND k.id = quarantine.id)
              AND NOT EXISTS (SELECT 1 FROM temp.held h WHERE h.entity = quarantine.entity AND h.id = quarantine.id)
            """)
        return state.database.changes
    }

    /// Files this snapshot's held-back versions in the quarantine, logs them (entity, id,
    /// column, reason: never the value, which may be a personnummer) and records the count on
    /// the run. How many records are quarantined now.
    func recordQuarantine(runID: Int64, businessDate: CalendarDate) throws -> Int {
        let database = state.database
        var logged = 0
        try database.prepare(
            """
            SELECT h.entity, h.id, h.problem, q.since FROM temp.held h
            LEFT JOIN quarantine q ON q.entity = h.entity AND q.id = h.id ORDER BY h.entity, h.id
            """
        ).forEachRow { row in
            guard logged < Self.quarantineLogLimit else { return }
            logged += 1
            let (field, reason) = Self.split(row.text(2))
            log.log(
                .warning, "record.quarantined",
                [
                    "entity": RecordKind(rawValue: row.int(0))?.journalName ?? String(row.int(0)), "id": row.int64(1),
                    "field": field, "reason": reason, "since": row.optionalText(3) ?? businessDate.description
                ])
        }
        try database.run(
            """
            INSERT INTO quarantine(entity, id, pnr, field, reason, since, seen)
                SELECT entity, id, pnr, substr(problem, 1, instr(problem, ' ') - 1), substr(problem, instr(problem, ' ') + 1), ?1, ?1
                FROM temp.held WHERE true
            ON CONFLICT(entity, id) DO UPDATE SET pnr = excluded.pnr, field = excluded.field, reason = excluded.reason, seen = excluded.seen
            """, [businessDate.description])
        let held = Int(try database.scalarInt("SELECT COUNT(*) FROM temp.held") ?? 0)
        if held > logged {
            log.log(.warning, "record.quarantined-more", ["count": held - logged])
        }
        try database.execute("DELETE FROM temp.held")
        let quarantined = try QuarantineLedger(database: database).count()
        try database.run("UPDATE run SET quarantined = ? WHERE id = ?", [Int64(quarantined), runID])
        return quarantined
    }

    static func split(_ problem: String) -> (field: String, reason: String) {
        guard let space = problem.firstIndex(of: " ") else { return (problem, "") }
        return (String(problem[..<space]), String(problem[problem.index(after: space)...]))
    }
}
