import PrenumSQLite

/// Writes one subscriber's delivery file, person by person in file order: what goes in is the
/// planner's, how it is laid out is the `DeliveryWriter`'s. A DELTA's persons come from the
/// planner's own join (`writePersons`) or are pushed by a `ChangeSetScan` shared with other
/// subscribers (`addDeltaPerson`). Signing, staging and publishing it are
/// `SubscriberDeliverer`'s.
final class DeliveryFileBuilder {
    /// The subscriber's planner; its `tally`, when set (format 3), is kept as the file goes.
    private(set) var planner: DeltaPlanner
    /// The read connection, for what the recipient held before a DELTA (format 3).
    private(set) var reader: Database
    let header: DeliveryHeader
    /// What the file says so far, for `run --dry-run` and the brake on mass removals.
    private(set) var outline: DeliveryOutline

    private let writer: DeliveryWriter
    private var named: [(pnr: String, offset: Int64?)] = []

    /// The file as written.
    struct Written {
        let summary: DeliveryFileSummary
        /// Every person the file names, in file order, for the disclosure index.
        let named: [(pnr: String, offset: Int64?)]
    }

    /// Creates the file at `path` (it must not exist) for `header`.
    init(planner: DeltaPlanner, reader: Database, header: DeliveryHeader, path: String, outline: DeliveryOutline) throws {
        self.planner = planner
        self.reader = reader
        self.header = header
        self.outline = outline
        writer = try DeliveryWriter(path: path, header: header)
    }

    /// Reads state through `database` from now on: for a file handed to another thread, which
    /// must not share a connection's statements with the thread that created it.
    func read(through database: Database) {
        planner = planner.reading(database)
        reader = database
    }

    /// Writes the whole file from the planner and finishes it; a file that fails half-way is
    /// removed.
    func write() throws -> Written {
        do {
            try writePersons()
            return try finish()
        } catch {
            abandon()
            throw error
        }
    }

    /// Writes every person from the planner: all of a FULL's, or a DELTA's through the
    /// subscriber's own join.
    func writePersons() throws {
        switch header.kind {
        case .delta:
            try planner.forEachDeltaPersonWithJournaledKeys(addDeltaPerson)
        case .full:
            let tally = planner.tally
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
    }

    /// One person of a DELTA, in pnr order: its decisions in file order, and the keys of its
    /// records the register changed tonight.
    func addDeltaPerson(_ pnr: String, _ decisions: [ChangeDecision], _ journaled: Set<RecordKey>) throws {
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

    /// Writes a DELTA's unsubscribed persons and the trailer, and closes the file.
    func finish() throws -> Written {
        var held: MirrorFingerprint?
        switch header.kind {
        case .delta:
            try planner.forEachUnsubscribed { pnr in
                try writer.writeUnsubscribed(pnr: pnr)
                named.append((pnr, writer.lastElementOffset))
                if let tally = planner.tally { try planner.tallyUnsubscribed(pnr, in: tally) }
            }
            if let tally = planner.tally {
                var total = try FingerprintStore(database: reader).held(
                    subscriber: planner.subscriber, windowFrom: header.windowFrom.description)
                total.add(tally.total)
                held = total
            }
        case .full:
            if let tally = planner.tally {
                var total = MirrorFingerprint.empty
                total.add(tally.total)
                held = total
            }
        }
        return Written(summary: try writer.finish(held: held), named: named)
    }

    /// Removes the unfinished file.
    func abandon() {
        writer.abandon()
    }
}
