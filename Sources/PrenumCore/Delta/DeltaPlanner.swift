import PrenumSQLite

/// Works out, person by person in personnummer order, what one subscriber's next file says.
///
/// A delta visits only persons touched by this run's record changes or by population changes
/// for the subscriber, so its cost follows the night's changes, not the register or history.
struct DeltaPlanner {
    let database: Database
    let records: RecordStore
    let subscriptions: SubscriptionStore
    let subscriber: String
    let visibility: Visibility

    /// Rows in the run's change set, counted once per run by the caller (a full count per
    /// subscriber would read the whole change set hundreds of times).
    let changeRows: Int64

    /// The subscriber's ordered benefits as SQL literals. Codes are validated by the
    /// configuration loader to `[A-Z]{1,8}`; anything else is dropped rather than quoted.
    let orderedBenefitList: String
    /// The same codes as a set, for a `ChangeSetScan` that filters the changes itself.
    let orderedBenefits: Set<String>

    /// When set (format 3), every decision also records how it changes what the recipient
    /// holds, for the trailer's fingerprint.
    var tally: FingerprintTally?

    init(database: Database, subscriber: String, visibility: Visibility, changeRows: Int64) {
        self.database = database
        self.records = RecordStore(database: database)
        self.subscriptions = SubscriptionStore(database: database)
        self.subscriber = subscriber
        self.visibility = visibility
        self.changeRows = changeRows
        let codes = visibility.profile.benefits.sorted().filter { code in
            !code.isEmpty && code.utf8.allSatisfy { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }
        }
        orderedBenefits = Set(codes)
        orderedBenefitList = codes.isEmpty ? "''" : codes.map { "'\($0)'" }.joined(separator: ", ")
    }

    /// The same planner reading through another connection (its tally kept).
    func reading(_ other: Database) -> DeltaPlanner {
        var planner = DeltaPlanner(database: other, subscriber: subscriber, visibility: visibility, changeRows: changeRows)
        planner.tally = tally
        return planner
    }

    var requiresConsent: Bool { visibility.profile.requiresConsent }

    /// The run's changes touching one person, old and new version by record.
    typealias Candidates = [RecordKey: (old: RecordVersion?, new: RecordVersion?)]

    /// Every person with something to say in a FULL file, with all its visible records.
    func forEachFullPerson(_ body: (String, [RecordVersion]) throws -> Void) throws {
        try subscriptions.forEachPresent(subscriber: subscriber) { pnr, consent, fromDate in
            let terms = PersonTerms.of(present: true, consent: consent, fromDate: fromDate, requiresConsent: requiresConsent)
            guard terms != nil else { return }
            let visible = try records.records(ofPerson: pnr).filter { visibility.isVisible($0, terms: terms) }
            if !visible.isEmpty { try body(pnr, visible) }
        }
    }

    /// Every person with a change for a DELTA file, with its changes in file order.
    ///
    /// Two streams in pnr order are merged: the population joined with the run's changes (one
    /// statement for all of them, not a query per person) and the population's own changes.
    func forEachDeltaPerson(_ body: (String, [ChangeDecision]) throws -> Void) throws {
        try forEachDeltaPersonWithJournaledKeys { pnr, decisions, _ in try body(pnr, decisions) }
    }

    /// The same, also passing the keys of the person's records the register changed tonight:
    /// a `REMOVED` of one of them comes from the register, any other from the person's terms.
    ///
    /// The subscriber's own join of its population with the run's changes (one statement, not
    /// a query per person) feeds a `DeltaPersonMerge`; a `ChangeSetScan` feeds many at once.
    func forEachDeltaPersonWithJournaledKeys(_ body: DeltaPersonMerge.Visit) throws {
        var merge = try DeltaPersonMerge(planner: self)
        let changed = try subscriptions.changesOfPresentPersons(
            subscriber: subscriber, benefits: orderedBenefitList, changeRows: changeRows)
        // The stream runs over a whole population: its columns are found by name once, here.
        let changedColumns = try SubscriptionRow.Columns(changed)
        let changeColumns = try RecordStore.ChangeColumns(changed)
        var onRow = try changed.step()
        while onRow {
            let row = SubscriptionRow(changed, changedColumns)
            var candidates: Candidates = [:]
            repeat {
                let change = try RecordStore.change(changed, changeColumns)
                candidates[change.key] = (change.old, change.new)
                onRow = try changed.step()
            } while onRow && changed.text(changedColumns.pnr) == row.pnr
            try merge.offer(row, changes: candidates, body)
        }
        try merge.finish(body)
    }

    /// Persons removed from the population since the last file, in pnr order.
    func forEachUnsubscribed(_ body: (String) throws -> Void) throws {
        try subscriptions.forEachUnsubscribed(subscriber: subscriber, body)
    }

    func subscriptionRow(_ pnr: String) throws -> SubscriptionRow? {
        try subscriptions.row(subscriber: subscriber, pnr: pnr)
    }

    /// The changes to place under one present person, from the run's `changes` touching it.
    func decisions(for row: SubscriptionRow, changes: Candidates) throws -> [ChangeDecision] {
        let pnr = row.pnr
        let heldHere = row.heldTerms(requiresConsent: requiresConsent)
        let nowHere = row.nowTerms(requiresConsent: requiresConsent)
        var candidates = changes
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
            let decision = ChangeDecision.decide(
                old: versions.old, new: versions.new, heldTerms: heldTerms,
                nowTerms: nowTerms, visibility: visibility)
            // A change that belongs under another person is written when that person is visited.
            guard decision.pnr == pnr else { continue }
            if let tally { Self.record(decision, held: versions.old, in: tally) }
            decisions.append((key, decision))
        }
        return decisions.sorted { $0.0 < $1.0 }.map(\.1)
    }
}
