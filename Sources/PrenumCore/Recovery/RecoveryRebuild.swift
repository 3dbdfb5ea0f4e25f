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
                try database.run("""
                    INSERT INTO population_file(subscriber, file_name, sha256, bytes, outcome, lines, bad_lines, added, removed, updated,
                        received_at, archive_index)
                    VALUES (?1, ?2, ?3, 0, 'applied', 0, 0, 0, 0, 0, ?4, ?5)
                    """, [subscriber, entry.originalName, entry.sha256, context.recoveredAt, entry.index])
                let fileID = database.lastInsertRowID
                let applier = try PopulationApplier(database: database, subscriber: subscriber, fileID: fileID, tracksSeen: entry.isFull)
                var counts = PopulationCounts()
                let descriptor = open(entry.path, O_RDONLY | O_CLOEXEC)
                guard descriptor >= 0 else {
                    throw OperationFailure(.noInput, "cannot read archived population file \(entry.path): \(String(cString: strerror(errno)))")
                }
                defer { close(descriptor) }
                var problem: PopulationLineProblem?
                // The file was checked against the purpose when it was applied; a purpose changed
                // since must not make its history unreadable.
                let totals = try PopulationFileParser(purpose: .coordination).parse(fileDescriptor: descriptor, path: entry.path, observe: { _ in }) { item in
                    switch item {
                    case .line(let line): if problem == nil { try applier.apply(line, to: &counts) }
                    case .problem(let found): problem = problem ?? found
                    }
                }
                if let problem {
                    throw StateRecovery.Refused(problems: ["archived population file \(entry.path) no longer reads as applied: \(problem)"])
                }
                if entry.isFull { try applier.removeUnseen(&counts) }
                try database.run("""
                    UPDATE population_file SET bytes = ?2, lines = ?3, added = ?4, removed = ?5, updated = ?6 WHERE id = ?1
                    """, [fileID, totals.bytes, totals.dataLines, counts.added, counts.removed, counts.updated])
            }
        }
    }

    /// A completed run for every business date in the archive, and every archived file as a
    /// published delivery of it, so that `rerun`, `status` and the date rules see the history.
    static func runsAndDeliveries(_ context: StateRecovery.Context) throws {
        let database = context.database
        let all = context.archives.flatMap { archive in archive.deliveries.map { (archive.subscriber, $0) } }
        var runs: [CalendarDate: Int64] = [:]
        for date in Set(all.map { $0.1.name.businessDate }).sorted() {
            let createdAt = all.first { $0.1.name.businessDate == date }?.1.createdAt ?? context.recoveredAt
            try database.run("""
                INSERT INTO run(business_date, created_at, base_watermark, high_water, status, started_at, finished_at)
                VALUES (?, ?, 0, 0, 'completed', ?, ?)
                """, [date.description, createdAt, context.recoveredAt, context.recoveredAt])
            runs[date] = database.lastInsertRowID
        }
        for (subscriber, file) in all {
            guard let run = runs[file.name.businessDate] else { continue }
            // One file per subscriber and run: a second one on a date stays in the archive only.
            try database.run("""
                INSERT OR IGNORE INTO delivery(subscriber, sequence, run_id, business_date, kind, file_name, outbox, xml_sha256, xml_bytes,
                    sig_sha256, key_id, persons, records, unsubscribed, status, staged_at, published_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'published', ?, ?)
                """, [subscriber.id, file.name.sequence, run, file.name.businessDate.description, file.name.kind.rawValue, file.fileName,
                      subscriber.outboxFolder(in: context.configuration), file.xmlSHA256, file.xmlBytes, file.signatureSHA256, file.keyID,
                      file.persons, file.records, file.unsubscribed, context.recoveredAt, context.recoveredAt])
        }
        try database.execute("UPDATE run SET delivered = (SELECT COUNT(*) FROM delivery d WHERE d.run_id = run.id)")
    }

    /// Every chain continues after its last archived file, with a FULL file: what the
    /// recipient holds is known only as "everything up to that file".
    static func chains(_ context: StateRecovery.Context) throws {
        for archive in context.archives {
            guard let last = archive.last else { continue }
            try context.database.run("""
                INSERT INTO subscriber_state(subscriber, last_sequence, last_xml_sha256, last_business_date, watermark, profile,
                    refresh_pending, refresh_ordered_at)
                VALUES (?, ?, ?, ?, NULL, NULL, 1, ?)
                """, [archive.subscriber.id, last.name.sequence, last.xmlSHA256, last.name.businessDate.description, context.recoveredAt])
        }
    }
}
