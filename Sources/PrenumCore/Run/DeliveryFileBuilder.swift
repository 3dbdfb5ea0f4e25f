import PrenumSQLite

/// Writes one subscriber's delivery file, person by person in file order, from its planner:
/// what goes in is the planner's, how it is laid out is the `DeliveryWriter`'s. Signing,
/// staging and publishing it are `SubscriberDeliverer`'s.
struct DeliveryFileBuilder {
    /// The subscriber's planner; its `tally`, when set (format 3), is kept as the file goes.
    let planner: DeltaPlanner
    /// The worker's read connection, for what the recipient held before a DELTA (format 3).
    let reader: Database

    /// The file as written.
    struct Written {
        let summary: DeliveryFileSummary
        /// Every person the file names, in file order, for the disclosure index.
        let named: [(pnr: String, offset: Int64?)]
    }

    /// Writes the file of `header`'s kind to `path`, counting what it says into `outline`; a
    /// file that fails half-way is removed.
    func write(header: DeliveryHeader, to path: String, outline: inout DeliveryOutline) throws -> Written {
        let writer = try DeliveryWriter(path: path, header: header)
        let tally = planner.tally
        var named: [(pnr: String, offset: Int64?)] = []
        do {
            switch header.kind {
            case .delta:
                try writeDelta(writer, named: &named, outline: &outline)
            case .full:
                try planner.forEachFullPerson { pnr, versions in
                    try writer.beginPerson(pnr: pnr)
                    for version in versions {
                        try writer.write(change: .new, version: version)
                        tally?.add(version)
                    }
                    outline.newRecords += versions.count
                    if try writer.endPerson() { named.append((pnr, writer.lastElementOffset)) }
                }
            }
            var held: MirrorFingerprint?
            if let tally {
                var total: MirrorFingerprint
                switch header.kind {
                case .delta:
                    total = try FingerprintStore(database: reader).held(
                        subscriber: planner.subscriber,
                        windowFrom: header.windowFrom.description)
                case .full: total = .empty
                }
                total.add(tally.total)
                held = total
            }
            return Written(summary: try writer.finish(held: held), named: named)
        } catch {
            writer.abandon()
            throw error
        }
    }

    private func writeDelta(
        _ writer: DeliveryWriter, named: inout [(pnr: String, offset: Int64?)],
        outline: inout DeliveryOutline
    ) throws {
        try planner.forEachDeltaPersonWithJournaledKeys { pnr, decisions, journaled in
            try writer.beginPerson(pnr: pnr)
            for decision in decisions {
                switch decision {
                case .new(let version):
                    try writer.write(change: .new, version: version)
                    outline.newRecords += 1
                case .changed(let version):
                    try writer.write(change: .changed, version: version)
                    outline.changedRecords += 1
                case .removed(let key, _):
                    try writer.writeRemoved(key: key)
                    outline.removedRecords += 1
                    if journaled.contains(key) { outline.removedByRegister += 1 }
                case .none: break
                }
            }
            if try writer.endPerson() { named.append((pnr, writer.lastElementOffset)) }
        }
        try planner.forEachUnsubscribed { pnr in
            try writer.writeUnsubscribed(pnr: pnr)
            named.append((pnr, writer.lastElementOffset))
            if let tally = planner.tally { try planner.tallyUnsubscribed(pnr, in: tally) }
        }
    }
}
