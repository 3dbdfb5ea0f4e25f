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
        orderedBenefitList = codes.isEmpty ? "''" : codes.map { "'\($0)'" }.joined(separator: ", ")
    }

    var requiresConsent: Bool { visibility.profile.requiresConsent }

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
    func forEachDeltaPersonWithJournaledKeys(_ body: (String, [ChangeDecision], _ journaled: Set<RecordKey>) throws -> Void) throws {
        let changed = try subscriptions.changesOfPresentPersons(
            subscriber: subscriber, benefits: orderedBenefitList, changeRows: changeRows)
        let pending = try subscriptions.pendingRows(subscriber: subscriber)
        // Both streams run over a whole population: their columns are found by name once, here.
        let changedColumns = try SubscriptionRow.Columns(changed)
        let changeColumns = try RecordStore.ChangeColumns(changed)
        let pendingColumns = try SubscriptionRow.Columns(pending)
        var changedPnr: String? = try changed.step() ? changed.text(changedColumns.pnr) : nil
        var pendingRow: SubscriptionRow? = try pending.step() ? SubscriptionRow(pending, pendingColumns) : nil
        while changedPnr != nil || pendingRow != nil {
            // The smaller pnr in SQLite's byte order, the order both streams come in.
            let pnr: String
            if let a = changedPnr, let b = pendingRow?.pnr {
                pnr = a.utf8.lexicographicallyPrecedes(b.utf8) ? a : b
            } else {
                pnr = changedPnr ?? pendingRow?.pnr ?? ""
            }
            var subscription: SubscriptionRow?
            var candidates: [RecordKey: (old: RecordVersion?, new: RecordVersion?)] = [:]
            if changedPnr == pnr {
                subscription = SubscriptionRow(changed, changedColumns)
                repeat {
                    let change = try RecordStore.change(changed, changeColumns)
                    candidates[change.key] = (change.old, change.new)
                    changedPnr = try changed.step() ? changed.text(changedColumns.pnr) : nil
                } while changedPnr == pnr
            }
            if let row = pendingRow, row.pnr == pnr {
                subscription = row
                pendingRow = try pending.step() ? SubscriptionRow(pending, pendingColumns) : nil
            }
            guard let subscription, subscription.present else { continue }
            let decisions = try decisions(for: subscription, changes: candidates)
            guard !decisions.isEmpty else { continue }
            // Only removals ask which records the register changed.
            let removes = decisions.contains { if case .removed = $0 { return true } else { return false } }
            try body(pnr, decisions, removes ? Set(candidates.keys) : [])
        }
    }

    /// Persons removed from the population since the last file, in pnr order.
    func forEachUnsubscribed(_ body: (String) throws -> Void) throws {
        try subscriptions.forEachUnsubscribed(subscriber: subscriber, body)
    }

    func subscriptionRow(_ pnr: String) throws -> SubscriptionRow? {
        try subscriptions.row(subscriber: subscriber, pnr: pnr)
    }

    /// The changes to place under one present person, from the run's `changes` touching it.
    func decisions(for row: SubscriptionRow, changes: [RecordKey: (old: RecordVersion?, new: RecordVersion?)]) throws -> [ChangeDecision] {
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
