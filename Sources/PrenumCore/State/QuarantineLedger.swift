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

/// The quarantine the snapshot keeps in state (`RegisterSnapshotPhase`), and the versions one
/// snapshot holds back (`temp.held`: entity, id, and the problem as `<column> <reason>`) until
/// it files them here.
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

    /// Records held back now under persons in `subscriber`'s population: what its recipient
    /// lags behind the register in (status per subscriber).
    public func count(subscriber: String) throws -> Int {
        Int(
            try database.scalarInt(
                """
                SELECT COUNT(*) FROM quarantine q \(SubscriptionStore.presentPersonJoin("s", pnr: "q.pnr"))
                """, [subscriber]) ?? 0)
    }

    /// How many records run `runID` held back when it took its snapshot.
    public func count(atRun runID: Int64) throws -> Int {
        try RunLedger(database: database).quarantined(atRun: runID)
    }

    private func read(_ sql: String, _ arguments: [SQLiteBindable]) throws -> [QuarantinedRecord] {
        var records: [QuarantinedRecord] = []
        try database.cached(sql).forEachRow(arguments) { row in
            let kind: Int = try row["entity"]
            records.append(
                QuarantinedRecord(
                    entity: RecordKind(rawValue: kind)?.journalName ?? String(kind), id: try row["id"], field: try row.text("field"),
                    reason: try row.text("reason"), since: try row.text("since"), seen: try row.text("seen")))
        }
        return records
    }

    // MARK: One snapshot's held-back versions

    /// Readies `temp.held` and forgets the quarantine of persons nobody subscribes any more
    /// (checked afresh should they come back). Before new persons are tracked.
    func beginSnapshot() throws {
        try database.execute(
            """
            CREATE TEMP TABLE IF NOT EXISTS held(entity INTEGER NOT NULL, id INTEGER NOT NULL, pnr TEXT, problem TEXT NOT NULL,
                                                 PRIMARY KEY (entity, id)) WITHOUT ROWID;
            DELETE FROM temp.held;
            DELETE FROM quarantine WHERE pnr IS NULL OR NOT EXISTS (SELECT 1 FROM tracked_person t WHERE t.pnr = quarantine.pnr);
            """)
    }

    /// SQL condition: `pnr` is a tracked person.
    private static func tracked(_ pnr: String) -> String {
        "EXISTS (SELECT 1 FROM tracked_person t WHERE t.pnr = \(pnr))"
    }

    /// SQL condition: a journaled version whose person is `pnr` is classified at all: its
    /// person is tracked, or is no personnummer (a move to garbage may be held back). A version
    /// moved to a person nobody subscribes is visible to no one, so it is removed as usual.
    private static func classified(_ pnr: String) -> String {
        "(\(tracked(pnr)) OR (\(RegisterValueDomain.personnummerShape(pnr))) IS NOT 1)"
    }

    /// SQL condition: register row `alias` of `entity` is not held back in this snapshot.
    static func notHeld(_ entity: RecordKind, _ alias: String) -> String {
        "NOT EXISTS (SELECT 1 FROM temp.held h WHERE h.entity = \(entity.rawValue) AND h.id = \(alias).id)"
    }

    /// Holds back the bad current records of the newly tracked persons (`temp.new_person`,
    /// `RecordCopy.trackNewPersons`) in the register attached as `schema`.
    func holdNewPersonsRecords(_ entity: RecordKind, schema: String) throws {
        try database.execute(
            """
            INSERT OR REPLACE INTO temp.held(entity, id, pnr, problem)
                SELECT \(entity.rawValue), id, pnr, problem FROM (
                    SELECT c.id, c.pnr, \(RegisterValueDomain.problem(entity, "c", schema: schema)) AS problem
                    FROM temp.new_person n CROSS JOIN \(schema).\(entity.registerTable) c ON c.pnr = n.pnr)
                WHERE problem IS NOT NULL
            """)
    }

    /// Holds back the bad new versions among the night's journaled records, classified here
    /// in the register attached as `schema`: what `holdFlagged` does with what
    /// `JournaledVersionCheck` found, when that check could not be used.
    func holdJournaledRecords(_ entity: RecordKind, schema: String) throws {
        let e = entity.rawValue
        // LIMIT keeps SQLite from folding the subquery in, so the copy is looked at for bad
        // versions only.
        try database.execute(
            Self.holdRule(
                entity,
                found: """
                    SELECT a.id, a.pnr, \(RegisterValueDomain.problem(entity, "a", schema: schema)) AS problem
                    FROM temp.changed_key k JOIN \(schema).\(entity.registerTable) a ON a.id = k.id
                    WHERE k.entity = \(e)
                      AND \(Self.classified("a.pnr"))
                      AND \(RegisterValueDomain.problem(entity, "a", schema: schema)) IS NOT NULL
                    LIMIT -1
                    """))
    }

    /// Holds back the journaled versions `JournaledVersionCheck` found out of the formats'
    /// domains, by the same rule as `holdJournaledRecords`.
    func holdFlagged(_ versions: [JournaledVersionCheck.Flagged]) throws {
        guard !versions.isEmpty else { return }
        try database.execute(
            """
            CREATE TEMP TABLE IF NOT EXISTS flagged(entity INTEGER NOT NULL, id INTEGER NOT NULL, pnr, problem TEXT NOT NULL,
                                                    PRIMARY KEY (entity, id)) WITHOUT ROWID;
            DELETE FROM temp.flagged;
            """)
        let insert = try database.cached("INSERT OR REPLACE INTO temp.flagged(entity, id, pnr, problem) VALUES (?, ?, ?, ?)")
        for version in versions {
            try insert.execute([version.kind.rawValue, version.id, version.pnr, version.problem])
        }
        for entity in RecordKind.allCases {
            try database.execute(
                Self.holdRule(
                    entity,
                    found: """
                        SELECT f.id, f.pnr, f.problem FROM temp.flagged f
                        WHERE f.entity = \(entity.rawValue) AND \(Self.classified("f.pnr"))
                        """))
        }
        try database.execute("DELETE FROM temp.flagged")
    }

    /// The hold, over `found` (id, pnr, problem: the bad versions that are `classified`): a
    /// version is held if its person is tracked, or if the copy holds the record (it stays with
    /// the person it had). Filed under the person of the copy's version, else the register's.
    /// Before the journal pass changes the recent versions.
    private static func holdRule(_ entity: RecordKind, found: String) -> String {
        let e = entity.rawValue
        return """
            INSERT OR REPLACE INTO temp.held(entity, id, pnr, problem)
                SELECT \(e), bad.id, COALESCE(bad.copied, bad.pnr), bad.problem FROM (
                    SELECT found.id, found.pnr, found.problem,
                           COALESCE((SELECT x.pnr FROM record_recent x WHERE x.entity = \(e) AND x.id = found.id),
                                    (SELECT b.pnr FROM record b WHERE b.entity = \(e) AND b.id = found.id
                                     AND NOT EXISTS (SELECT 1 FROM record_recent x WHERE x.entity = \(e) AND x.id = found.id))) AS copied
                    FROM (\(found)) found) bad
                WHERE bad.copied IS NOT NULL OR \(tracked("bad.pnr"))
            """
    }

    /// Journaled records no longer held back (corrected or deleted upstream) leave the
    /// quarantine; their change was copied like any other. How many left.
    func releaseCorrected() throws -> Int {
        try database.execute(
            """
            DELETE FROM quarantine
            WHERE EXISTS (SELECT 1 FROM temp.changed_key k WHERE k.entity = quarantine.entity AND k.id = quarantine.id)
              AND NOT EXISTS (SELECT 1 FROM temp.held h WHERE h.entity = quarantine.entity AND h.id = quarantine.id)
            """)
        return database.changes
    }

    /// This snapshot's held-back versions in (entity, id) order: the entity's raw value, the
    /// id, the problem (`<column> <reason>`) and, if already quarantined, since when.
    func forEachHeld(_ body: (_ entity: Int, _ id: Int64, _ problem: String, _ since: String?) throws -> Void) throws {
        try database.prepare(
            """
            SELECT h.entity, h.id, h.problem, q.since FROM temp.held h
            LEFT JOIN quarantine q ON q.entity = h.entity AND q.id = h.id ORDER BY h.entity, h.id
            """
        ).forEachRow { row in
            try body(try row["entity"], try row["id"], try row["problem"], try row["since"])
        }
    }

    /// Files this snapshot's held-back versions in the quarantine: new ones since
    /// `businessDate`, all seen then.
    func fileHeld(businessDate: CalendarDate) throws {
        try database.run(
            """
            INSERT INTO quarantine(entity, id, pnr, field, reason, since, seen)
                SELECT entity, id, pnr, substr(problem, 1, instr(problem, ' ') - 1), substr(problem, instr(problem, ' ') + 1), ?1, ?1
                FROM temp.held WHERE true
            ON CONFLICT(entity, id) DO UPDATE SET pnr = excluded.pnr, field = excluded.field, reason = excluded.reason, seen = excluded.seen
            """, [businessDate.description])
    }

    /// How many versions this snapshot held back.
    func heldCount() throws -> Int {
        Int(try database.scalarInt("SELECT COUNT(*) FROM temp.held") ?? 0)
    }

    /// Empties `temp.held` once filed.
    func forgetHeld() throws {
        try database.execute("DELETE FROM temp.held")
    }
}
