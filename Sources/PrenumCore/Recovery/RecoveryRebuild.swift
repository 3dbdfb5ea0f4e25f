import Foundation
import PrenumSQLite

/// The rebuild steps of `prenum recover` (`StateRecovery.rebuildSteps`), each writing one part
/// of the new state from what was read from the archive.
enum RecoveryRebuild {
    /// The populations, by applying the archived population files again in their order of
    /// application, exactly as the import applied them.
    static func populations(_ context: StateRecovery.Context) throws {
        let database = context.database
        for archive in context.archives {
            let subscriber = archive.subscriber.id
            for entry in archive.populationFiles {
                try database.run(
                    """
                    INSERT INTO population_file(subscriber, file_name, sha256, bytes, outcome, lines, bad_lines, added, removed, updated,
                        received_at, archive_index)
                    VALUES (?1, ?2, ?3, 0, 'applied', 0, 0, 0, 0, 0, ?4, ?5)
                    """, [subscriber, entry.originalName, entry.sha256, context.recoveredAt, entry.index])
                let fileID = database.lastInsertRowID
                let applier = try PopulationApplier(database: database, subscriber: subscriber, fileID: fileID, tracksSeen: entry.isFull)
                var counts = PopulationCounts()
                let descriptor = open(entry.path, O_RDONLY | O_CLOEXEC)
                guard descriptor >= 0 else {
                    throw OperationFailure(
                        .noInput, "cannot read archived population file \(entry.path): \(String(cString: strerror(errno)))")
                }
                defer { close(descriptor) }
                var problem: PopulationLineProblem?
                // The file was checked against the purpose when it was applied; a purpose changed
                // since must not make its history unreadable.
                let totals = try PopulationFileParser(purpose: .coordination).parse(
                    fileDescriptor: descriptor, path: entry.path, observe: { _ in },
                    body: { item in
                        switch item {
                        case .line(let line): if problem == nil { try applier.apply(line, to: &counts) }
                        case .problem(let found): problem = problem ?? found
                        }
                    })
                if let problem {
                    throw StateRecovery.Refused(problems: ["archived population file \(entry.path) no longer reads as applied: \(problem)"])
                }
                if entry.isFull { try applier.removeUnseen(&counts) }
                try database.run(
                    """
                    UPDATE population_file SET bytes = ?2, lines = ?3, added = ?4, removed = ?5, updated = ?6 WHERE id = ?1
                    """, [fileID, totals.bytes, totals.dataLines, counts.added, counts.removed, counts.updated])
            }
        }
    }

    /// A completed run for every business date in the archive, and every archived file as a
    /// published delivery of it, so that `rerun`, `status` and the date rules see the history.
    static func runsAndDeliveries(_ context: StateRecovery.Context) throws {
        let ledger = RunLedger(database: context.database)
        let all = context.archives.flatMap { archive in archive.deliveries.map { (archive.subscriber, $0) } }
        var runs: [CalendarDate: Int64] = [:]
        for date in Set(all.map { $0.1.name.businessDate }).sorted() {
            let createdAt = all.first { $0.1.name.businessDate == date }?.1.createdAt ?? context.recoveredAt
            runs[date] = try ledger.insertRecoveredRun(date: date, createdAt: createdAt, at: context.recoveredAt)
        }
        for (subscriber, file) in all {
            guard let run = runs[file.name.businessDate] else { continue }
            // One file per subscriber and run: a second one on a date stays in the archive only.
            try ledger.insertRecoveredDelivery(
                DeliveryRecord(
                    subscriber: subscriber.id, sequence: file.name.sequence, runID: run, businessDate: file.name.businessDate,
                    kind: file.name.kind.rawValue, fileName: file.fileName,
                    outbox: subscriber.outboxFolder(in: context.configuration), xmlSHA256: file.xmlSHA256,
                    xmlBytes: file.xmlBytes, signatureSHA256: file.signatureSHA256, keyID: file.keyID, persons: file.persons,
                    records: file.records, unsubscribed: file.unsubscribed, status: .published),
                at: context.recoveredAt)
        }
        try ledger.recountRecoveredDeliveries()
    }

    /// Every chain continues after its last archived file, with a FULL file: what the
    /// recipient holds is known only as "everything up to that file".
    static func chains(_ context: StateRecovery.Context) throws {
        let ledger = RunLedger(database: context.database)
        for archive in context.archives {
            guard let last = archive.last else { continue }
            try ledger.continueChainWithFull(
                subscriber: archive.subscriber.id, lastSequence: last.name.sequence,
                lastXMLSHA256: last.xmlSHA256, lastBusinessDate: last.name.businessDate,
                at: context.recoveredAt)
        }
    }
}
