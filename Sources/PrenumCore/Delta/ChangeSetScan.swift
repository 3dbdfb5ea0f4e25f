import PrenumSQLite

/// Reads the run's change set once, in person order, for many subscribers' DELTA files at once:
/// each changed person goes to the subscribers whose populations hold it, with the changes of
/// their benefits, through each one's `DeltaPersonMerge`.
///
/// A subscriber's own join walks its population or the change set, whichever is smaller, and
/// probes the other for every row; over hundreds of subscribers that reads the change set's
/// pages once per subscriber. The scan reads the change set and the subscriptions of the
/// persons it names in key order instead, so the night's cost follows its changes and the
/// subscriptions they touch.
struct ChangeSetScan {
    /// The connection the members' planners read through (the scan's statements run on it too).
    let database: Database

    /// One subscriber of the scan: its planner's merge, and whether it is still in (a member
    /// whose file failed is left out of the rest of the scan).
    struct Member {
        var merge: DeltaPersonMerge
        var active = true
        init(_ merge: DeltaPersonMerge) { self.merge = merge }
        var planner: DeltaPlanner { merge.planner }
    }

    /// Feeds every member its persons in pnr order, then its pending rows left over. `visit`
    /// gets the member's index; when it throws, `failed` is told and the member gets nothing
    /// more. An error of the scan itself (reading the change set) is thrown.
    func run(
        _ members: inout [Member], visit: (Int, String, [ChangeDecision], Set<RecordKey>) throws -> Void,
        failed: (Int, Error) -> Void
    ) throws {
        guard !members.isEmpty else { return }
        var index: [String: Int] = [:]
        for (offset, member) in members.enumerated() { index[member.planner.subscriber] = offset }
        let benefits = members.map(\.planner.orderedBenefits)
        let anyBenefit = benefits.reduce(into: Set<String>()) { $0.formUnion($1) }

        let changes = try RecordStore(database: database).changesInPersonOrder()
        let changeColumns = try RecordStore.ChangeColumns(changes)
        let changePnr = try changes.columnIndex("pnr")
        let rows = try SubscriptionStore(database: database).presentRowsOfChangedPersons(subscribers: members.map(\.planner.subscriber))
        let rowColumns = try SubscriptionRow.Columns(rows)
        let rowSubscriber = try rows.columnIndex("subscriber")

        var changePnrText: String? = try changes.step() ? changes.text(changePnr) : nil
        var onRow = try rows.step()
        var holders: [(offset: Int, row: SubscriptionRow)] = []
        var personChanges:
            [(change: (key: RecordKey, old: RecordVersion?, new: RecordVersion?), oldBenefit: String?, newBenefit: String?)] = []
        while let pnr = changePnrText {
            // The members' rows for this person (the rows name only persons with changes).
            holders.removeAll(keepingCapacity: true)
            while onRow {
                let rowPnr = rows.text(rowColumns.pnr)
                guard rowPnr == pnr || rowPnr.utf8.lexicographicallyPrecedes(pnr.utf8) else { break }
                if rowPnr == pnr, let offset = index[rows.text(rowSubscriber)], members[offset].active {
                    holders.append((offset, SubscriptionRow(rows, rowColumns)))
                }
                onRow = try rows.step()
            }
            // The person's changes, decoded only if a member holds the person and only those of
            // a benefit some member has.
            personChanges.removeAll(keepingCapacity: true)
            repeat {
                if !holders.isEmpty {
                    // By the stored benefit columns, as a subscriber's own join tests them.
                    let oldBenefit = changes.optionalText(changeColumns.oldBenefit)
                    let newBenefit = changes.optionalText(changeColumns.newBenefit)
                    if oldBenefit.map(anyBenefit.contains) == true || newBenefit.map(anyBenefit.contains) == true {
                        personChanges.append((try RecordStore.change(changes, changeColumns), oldBenefit, newBenefit))
                    }
                }
                changePnrText = try changes.step() ? changes.text(changePnr) : nil
            } while changePnrText == pnr
            for (offset, row) in holders {
                var candidates: DeltaPlanner.Candidates = [:]
                for (change, oldBenefit, newBenefit) in personChanges
                where oldBenefit.map(benefits[offset].contains) == true || newBenefit.map(benefits[offset].contains) == true {
                    candidates[change.key] = (change.old, change.new)
                }
                guard !candidates.isEmpty else { continue }
                do {
                    try members[offset].merge.offer(row, changes: candidates) { try visit(offset, $0, $1, $2) }
                } catch {
                    members[offset].active = false
                    failed(offset, error)
                }
            }
        }
        for offset in members.indices where members[offset].active {
            do {
                try members[offset].merge.finish { try visit(offset, $0, $1, $2) }
            } catch {
                members[offset].active = false
                failed(offset, error)
            }
        }
    }
}
