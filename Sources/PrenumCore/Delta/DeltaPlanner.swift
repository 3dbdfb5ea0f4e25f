import PrenumSQLite

/// Works out, person by person in personnummer order, what one subscriber's next file says.
///
/// A delta visits only persons touched by this run's record changes or by population changes
/// for the subscriber, so its cost follows the night's changes, not the register or history.
public struct DeltaPlanner {
    let database: Database
    let records: RecordStore
    public let subscriber: String
    let visibility: Visibility

    /// Rows in the run's change set, counted once per run by the caller (a full count per
    /// subscriber would read the whole change set hundreds of times).
    let changeRows: Int64

    /// The subscriber's ordered benefits as SQL literals. Codes are validated by the
    /// configuration loader to `[A-Z]{1,8}`; anything else is dropped rather than quoted.
    let orderedBenefitList: String

    public init(database: Database, subscriber: String, visibility: Visibility, changeRows: Int64) {
        self.database = database
        self.records = RecordStore(database: database)
        self.subscriber = subscriber
        self.visibility = visibility
        self.changeRows = changeRows
        let codes = visibility.profile.benefits.sorted().filter { code in
            !code.isEmpty && code.utf8.allSatisfy { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }
        }
        orderedBenefitList = codes.isEmpty ? "''" : codes.map { "'\($0)'" }.joined(separator: ", ")
    }

    var requiresConsent: Bool { visibility.profile.requiresConsent }

    /// Every person with something to say in a FULL file, with all its visible records.
    public func forEachFullPerson(_ body: (String, [RecordVersion]) throws -> Void) throws {
        let persons = try database.prepare("""
            SELECT pnr, consent, from_date FROM subscription WHERE subscriber = ? AND present = 1 ORDER BY pnr
            """)
        try persons.forEachRow([subscriber]) { row in
            let pnr = row.text(0)
            let terms = PersonTerms.of(present: true, consent: row.int64(1) != 0, fromDate: row.optionalText(2), requiresConsent: requiresConsent)
            guard terms != nil else { return }
            let visible = try records.records(ofPerson: pnr).filter { visibility.isVisible($0, terms: terms) }
            if !visible.isEmpty { try body(pnr, visible) }
        }
    }

    /// Every person with a change for a DELTA file, with its changes in file order.
    public func forEachDeltaPerson(_ body: (String, [ChangeDecision]) throws -> Void) throws {
        let persons = try database.prepare(try deltaPersonsQuery())
        try persons.forEachRow([subscriber]) { row in
            let subscription = SubscriptionRow(row)
            guard subscription.present else { return }
            let decisions = try decisions(for: subscription)
            if !decisions.isEmpty { try body(subscription.pnr, decisions) }
        }
    }

    /// Persons removed from the population since the last file, in pnr order.
    public func forEachUnsubscribed(_ body: (String) throws -> Void) throws {
        try database.prepare("""
            SELECT pnr FROM subscription WHERE subscriber = ? AND dirty = 1 AND present = 0 AND delivered_present = 1 ORDER BY pnr
            """).forEachRow([subscriber]) { try body($0.text(0)) }
    }

    /// Joins the run's changed persons (only changes to benefits the subscriber orders) with its
    /// population from whichever side is smaller: SQLite's CROSS JOIN fixes the outer loop, so a
    /// small population never scans a big night and a quiet night never scans a big population.
    func deltaPersonsQuery() throws -> String {
        // Counted only as far as the comparison needs: the cost follows the smaller side.
        let population = try database.scalarInt("SELECT COUNT(*) FROM (SELECT 1 FROM subscription WHERE subscriber = ? LIMIT ?)",
                                                [subscriber, changeRows + 1]) ?? 0
        let benefits = orderedBenefitList
        let relevant = "(c.old_benefit IN (\(benefits)) OR c.new_benefit IN (\(benefits)))"
        let touched = changeRows <= population
            ? """
              SELECT DISTINCT \(SubscriptionRow.columns) FROM record_change c CROSS JOIN subscription s ON s.subscriber = ?1 AND s.pnr = c.pnr
              WHERE \(relevant)
              """
            : """
              SELECT \(SubscriptionRow.columns) FROM subscription s WHERE s.subscriber = ?1
              AND EXISTS (SELECT 1 FROM record_change c WHERE c.pnr = s.pnr AND \(relevant))
              """
        // Without population changes the touched persons are the whole answer, already in pnr
        // order when the population is the outer loop: no union, no sort.
        let populationChanged = try database.scalarInt("SELECT EXISTS (SELECT 1 FROM subscription WHERE subscriber = ? AND dirty = 1)",
                                                       [subscriber]) ?? 1
        guard populationChanged != 0 else { return touched + "\nORDER BY 1" }
        return """
            SELECT \(SubscriptionRow.columns) FROM subscription s WHERE s.subscriber = ?1 AND s.dirty = 1
            UNION
            \(touched)
            ORDER BY 1
            """
    }

    func subscriptionRow(_ pnr: String) throws -> SubscriptionRow? {
        let statement = try database.cached("SELECT \(SubscriptionRow.columns) FROM subscription s WHERE s.subscriber = ? AND s.pnr = ?")
        try statement.bind([subscriber, pnr])
        defer { statement.reset() }
        return try statement.step() ? SubscriptionRow(statement) : nil
    }

    /// The changes to place under one present person.
    func decisions(for row: SubscriptionRow) throws -> [ChangeDecision] {
        let pnr = row.pnr
        let heldHere = row.heldTerms(requiresConsent: requiresConsent)
        let nowHere = row.nowTerms(requiresConsent: requiresConsent)
        var candidates = try records.changes(touching: pnr, benefits: orderedBenefitList)
        if row.dirty && (heldHere != nowHere) {
            // Consent, from-date or membership changed: every record of the person is in play.
            for version in try records.records(ofPerson: pnr)
            where candidates[version.key] == nil && visibility.profile.benefits.contains(version.benefit) {
                candidates[version.key] = (version, version)
            }
        }
        var others: [String: SubscriptionRow?] = [:]
        func termsRow(of other: String) throws -> SubscriptionRow? {
            if let cached = others[other] { return cached }
            let found = try subscriptionRow(other)
            others[other] = found
            return found
        }

        var decisions: [(RecordKey, ChangeDecision)] = []
        for (key, versions) in candidates {
            var heldTerms: PersonTerms?
            if let old = versions.old {
                heldTerms = old.pnr == pnr ? heldHere : try termsRow(of: old.pnr)?.heldTerms(requiresConsent: requiresConsent)
            }
            var nowTerms: PersonTerms?
            if let new = versions.new {
                nowTerms = new.pnr == pnr ? nowHere : try termsRow(of: new.pnr)?.nowTerms(requiresConsent: requiresConsent)
            }
            let decision = ChangeDecision.decide(old: versions.old, new: versions.new, heldTerms: heldTerms,
                                                 nowTerms: nowTerms, visibility: visibility)
            // A change that belongs under another person is written when that person is visited.
            guard decision.pnr == pnr else { continue }
            decisions.append((key, decision))
        }
        return decisions.sorted { $0.0 < $1.0 }.map(\.1)
    }
}
