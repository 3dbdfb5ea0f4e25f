import PrenumSQLite

/// One subscriber's persons of a DELTA, in pnr order: the persons the night's changes touch,
/// offered in pnr order by whoever reads the change set (the subscriber's own join, or one
/// `ChangeSetScan` for many subscribers), merged with the subscriber's pending population rows,
/// which it steps itself.
struct DeltaPersonMerge {
    /// A person's decisions in file order, and the keys of its records the register changed
    /// tonight (asked for only by removals: a `REMOVED` of one of them comes from the register).
    typealias Visit = (_ pnr: String, _ decisions: [ChangeDecision], _ journaled: Set<RecordKey>) throws -> Void

    let planner: DeltaPlanner
    private let pending: Statement
    private let pendingColumns: SubscriptionRow.Columns
    private var pendingRow: SubscriptionRow?

    init(planner: DeltaPlanner) throws {
        self.planner = planner
        pending = try planner.subscriptions.pendingRows(subscriber: planner.subscriber)
        pendingColumns = try SubscriptionRow.Columns(pending)
        pendingRow = try pending.step() ? SubscriptionRow(pending, pendingColumns) : nil
    }

    /// A present person the change set touches, with its changes of the subscriber's benefits;
    /// persons must come in ascending pnr order (SQLite's byte order), each once.
    mutating func offer(_ row: SubscriptionRow, changes: DeltaPlanner.Candidates, _ visit: Visit) throws {
        try visitPending(before: row.pnr, visit)
        var subscription = row
        if let pendingRow, pendingRow.pnr == row.pnr {
            subscription = pendingRow
            try advancePending()
        }
        try visitPerson(subscription, changes: changes, visit)
    }

    /// Visits the pending rows no change came for: call once, after the last `offer`.
    mutating func finish(_ visit: Visit) throws {
        while let row = pendingRow {
            try advancePending()
            try visitPerson(row, changes: [:], visit)
        }
    }

    private mutating func visitPending(before pnr: String, _ visit: Visit) throws {
        while let row = pendingRow, row.pnr.utf8.lexicographicallyPrecedes(pnr.utf8) {
            try advancePending()
            try visitPerson(row, changes: [:], visit)
        }
    }

    private mutating func advancePending() throws {
        pendingRow = try pending.step() ? SubscriptionRow(pending, pendingColumns) : nil
    }

    private func visitPerson(_ row: SubscriptionRow, changes: DeltaPlanner.Candidates, _ visit: Visit) throws {
        // Removed from the population: its `unsubscribed` element comes after the last person.
        guard row.present else { return }
        let decisions = try planner.decisions(for: row, changes: changes)
        guard !decisions.isEmpty else { return }
        let removes = decisions.contains { if case .removed = $0 { return true } else { return false } }
        try visit(row.pnr, decisions, removes ? Set(changes.keys) : [])
    }
}
