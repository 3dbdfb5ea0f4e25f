import PrenumSQLite

/// Every subscriber's population in `subscription`, one row per subscriber and person: the
/// plain columns as imported, the `delivered_` columns as of the subscriber's last file. The
/// import writes only the imported side, a made file only the delivered side; all of the
/// table's SQL is here, so that the rule tying the two sides together is written once.
struct SubscriptionStore {
    let database: Database

    init(database: Database) {
        self.database = database
    }

    /// The imported side of a row, as the import compares a line with it.
    typealias Terms = (present: Bool, consent: Bool, fromDate: String?)

    // MARK: The dirty rule

    /// `dirty` after an import sets the imported side to `present`, `consent`, `fromDate`
    /// (SQL expressions; SQLite evaluates every SET expression on the old row, so they name
    /// the new values).
    ///
    /// A delta reads population changes from the dirty rows only (`subscription_pending`), so
    /// a row must be dirty whenever its two sides may differ. An import raises it when it
    /// leaves them different and never lowers it: a dirty row costs a delta one look, a row
    /// wrongly clean would lose a change for good. Only a made file lowers it
    /// (`markDelivered`), once the file says the difference.
    private static func dirtyAfterImport(present: String, consent: String, fromDate: String) -> String {
        """
        CASE WHEN dirty = 1 OR \(present) IS NOT delivered_present OR \(consent) IS NOT delivered_consent
             OR \(fromDate) IS NOT delivered_from_date THEN 1 ELSE 0 END
        """
    }

    // MARK: Import

    func importedTerms(subscriber: String, pnr: String) throws -> Terms? {
        let lookup = try database.cached("SELECT present, consent, from_date FROM subscription WHERE subscriber = ?1 AND pnr = ?2")
        try lookup.bind(subscriber, at: 1)
        try lookup.bind(pnr, at: 2)
        defer { lookup.reset() }
        guard try lookup.step() else { return nil }
        let present: Bool = try lookup["present"], consent: Bool = try lookup["consent"]
        return (present, consent, try lookup["from_date"])
    }

    /// A person new to the subscriber: dirty, as nothing of it was delivered.
    func insertImported(subscriber: String, pnr: String, consent: Bool, fromDate: String?) throws {
        let insert = try database.cached(
            """
            INSERT INTO subscription(subscriber, pnr, present, consent, from_date, dirty) VALUES (?1, ?2, 1, ?3, ?4, 1)
            """)
        try insert.bind(subscriber, at: 1)
        try insert.bind(pnr, at: 2)
        try insert.bind(consent ? 1 : 0, at: 3)
        try insert.bind(fromDate, at: 4)
        try insert.runToCompletion()
    }

    func updateImported(subscriber: String, pnr: String, to terms: Terms) throws {
        let statement = try database.cached(
            """
            UPDATE subscription SET present = ?3, consent = ?4, from_date = ?5,
                dirty = \(Self.dirtyAfterImport(present: "?3", consent: "?4", fromDate: "?5"))
            WHERE subscriber = ?1 AND pnr = ?2
            """)
        try statement.bind(subscriber, at: 1)
        try statement.bind(pnr, at: 2)
        try statement.bind(terms.present ? 1 : 0, at: 3)
        try statement.bind(terms.consent ? 1 : 0, at: 4)
        try statement.bind(terms.fromDate, at: 5)
        try statement.runToCompletion()
    }

    /// For a `full-` file: every present person not in `seenTable` (a table of `pnr`) leaves
    /// the population, each with its `removed` event of file `fileID`. Returns how many left.
    func removeUnseen(subscriber: String, seenTable: String, fileID: Int64) throws -> Int {
        let unseen = "subscriber = ?1 AND present = 1 AND pnr NOT IN (SELECT pnr FROM \(seenTable))"
        try database.run(
            """
            INSERT INTO population_event(subscriber, pnr, file_id, event, consent, from_date)
            SELECT subscriber, pnr, ?2, 'removed', consent, from_date FROM subscription WHERE \(unseen)
            """, [subscriber, fileID])
        try database.run(
            """
            UPDATE subscription SET present = 0,
                dirty = \(Self.dirtyAfterImport(present: "0", consent: "consent", fromDate: "from_date"))
            WHERE \(unseen)
            """, [subscriber])
        return database.changes
    }

    // MARK: Delivery

    /// The population as delivered is now the population as imported: the file just made
    /// reflects it (also a held one, which is published as made or replaced by a FULL). Persons
    /// gone from both sides leave the table and become candidates for untracking.
    func markDelivered(subscriber: String) throws {
        try database.run(
            """
            INSERT OR IGNORE INTO untrack_candidate(pnr)
            SELECT pnr FROM subscription WHERE subscriber = ? AND dirty = 1 AND present = 0
            """, [subscriber])
        try database.run("DELETE FROM subscription WHERE subscriber = ? AND dirty = 1 AND present = 0", [subscriber])
        try database.run(
            """
            UPDATE subscription SET delivered_present = present, delivered_consent = consent,
                delivered_from_date = from_date, dirty = 0
            WHERE subscriber = ? AND dirty = 1
            """, [subscriber])
    }

    // MARK: Reading

    func row(subscriber: String, pnr: String) throws -> SubscriptionRow? {
        let statement = try database.cached("SELECT \(SubscriptionRow.columns) FROM subscription s WHERE s.subscriber = ? AND s.pnr = ?")
        try statement.bind([subscriber, pnr])
        defer { statement.reset() }
        return try statement.step() ? SubscriptionRow(statement) : nil
    }

    /// Each present person of the subscriber with its imported terms, in pnr order.
    func forEachPresent(subscriber: String, _ body: (_ pnr: String, _ consent: Bool, _ fromDate: String?) throws -> Void) throws {
        try database.prepare(
            """
            SELECT pnr, consent, from_date FROM subscription WHERE subscriber = ? AND present = 1 ORDER BY pnr
            """
        ).forEachRow([subscriber]) { row in try body(try row.text("pnr"), try row["consent"], try row["from_date"]) }
    }

    /// The subscriber's dirty rows in pnr order, as `SubscriptionRow`s, for the caller to step.
    func pendingRows(subscriber: String) throws -> Statement {
        let pending = try database.prepare(
            "SELECT \(SubscriptionRow.columns) FROM subscription s WHERE s.subscriber = ? AND s.dirty = 1 ORDER BY s.pnr")
        try pending.bind([subscriber])
        return pending
    }

    /// Persons removed from the population since the last file, in pnr order.
    func forEachUnsubscribed(subscriber: String, _ body: (String) throws -> Void) throws {
        try database.prepare(
            """
            SELECT pnr FROM subscription WHERE subscriber = ? AND dirty = 1 AND present = 0 AND delivered_present = 1 ORDER BY pnr
            """
        ).forEachRow([subscriber]) { try body($0.text(0)) }
    }

    /// The subscriber's rows, counted only up to `limit`: the cost follows the smaller side.
    func rowCount(subscriber: String, upTo limit: Int64) throws -> Int64 {
        try database.scalarInt("SELECT COUNT(*) FROM (SELECT 1 FROM subscription WHERE subscriber = ? LIMIT ?)", [subscriber, limit]) ?? 0
    }

    /// Persons in the subscriber's population as imported.
    func presentCount(subscriber: String) throws -> Int {
        Int(try database.scalarInt("SELECT COUNT(*) FROM subscription WHERE subscriber = ? AND present = 1", [subscriber]) ?? 0)
    }

    /// Persons in each subscriber's population as imported, whether delivered yet or not.
    func presentCounts() throws -> [String: Int] {
        var sizes: [String: Int] = [:]
        let statement = try database.cached(
            "SELECT subscriber, count(*) AS persons FROM subscription WHERE present = 1 GROUP BY subscriber")
        try statement.forEachRow { row in sizes[try row.text("subscriber")] = try row.int("persons") }
        return sizes
    }

    /// The subscriber's present persons joined with the run's changes (`RecordStore.changeColumns`)
    /// to the benefits in `benefits` (SQL literals), one row per change, in (pnr, entity, id)
    /// order, a `SubscriptionRow` followed by the change; bound and ready to step.
    ///
    /// Read from whichever side is smaller: SQLite's CROSS JOIN fixes the outer loop, so a
    /// small population never scans a big night and a quiet night never scans a big
    /// population. With the population outside, the slim `record_change_touch` index answers
    /// whether a person has changes at all, so only touched persons reach the change rows.
    func changesOfPresentPersons(subscriber: String, benefits: String, changeRows: Int64) throws -> Statement {
        let population = try rowCount(subscriber: subscriber, upTo: changeRows + 1)
        func relevant(_ c: String) -> String { "(\(c).old_benefit IN (\(benefits)) OR \(c).new_benefit IN (\(benefits)))" }
        let columns = "\(SubscriptionRow.columns), \(RecordStore.changeColumns("c"))"
        let statement = try database.prepare(
            changeRows <= population
                ? """
                SELECT \(columns) FROM record_change c CROSS JOIN subscription s ON s.subscriber = ?1 AND s.pnr = c.pnr
                WHERE s.present = 1 AND \(relevant("c"))
                ORDER BY c.pnr, c.entity, c.id
                """
                : """
                SELECT \(columns) FROM subscription s CROSS JOIN record_change c ON c.pnr = s.pnr
                WHERE s.subscriber = ?1 AND s.present = 1 AND \(relevant("c"))
                  AND EXISTS (SELECT 1 FROM record_change t WHERE t.pnr = s.pnr AND \(relevant("t")))
                ORDER BY s.pnr, c.entity, c.id
                """)
        try statement.bind([subscriber])
        return statement
    }

    /// SQL join clause: `alias` is the row of subscriber `?` (the statement's first parameter)
    /// for the person `pnr` (an SQL expression), if that person is in its population as
    /// imported. For owners that count their rows per population (`QuarantineLedger`).
    static func presentPersonJoin(_ alias: String, pnr: String) -> String {
        "JOIN subscription \(alias) ON \(alias).subscriber = ? AND \(alias).pnr = \(pnr) AND \(alias).present = 1"
    }
}
