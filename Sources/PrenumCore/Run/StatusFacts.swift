import Foundation
import PrenumSQLite

/// The counts `prenum status` shows, read from the deliveries and failures as they stand now
/// rather than from totals a run stored when it ended: a file staged but not published is not
/// "delivered", a subscriber that failed twice is one failed subscriber, and a failure that a
/// later run made good says so.
struct StatusFacts {
    let database: Database

    struct RunCounts {
        var delivered = 0
        var failed = 0
        var retried = 0
        var staged = 0
    }

    func counts(run: Int64) throws -> RunCounts {
        func count(_ sql: String) throws -> Int { Int(try database.scalarInt(sql, [run]) ?? 0) }
        var counts = RunCounts()
        counts.delivered = try count("SELECT COUNT(*) FROM delivery WHERE run_id = ?1 AND status = 'published'")
        counts.staged = try count("SELECT COUNT(*) FROM delivery WHERE run_id = ?1 AND status = 'staged'")
        counts.failed = try count("""
            SELECT COUNT(DISTINCT subscriber) FROM run_failure f WHERE f.run_id = ?1 AND NOT EXISTS
                (SELECT 1 FROM delivery d WHERE d.run_id = ?1 AND d.subscriber = f.subscriber AND d.status = 'published')
            """)
        counts.retried = try count("""
            SELECT COUNT(*) FROM delivery d WHERE d.run_id = ?1 AND d.status = 'published' AND EXISTS
                (SELECT 1 FROM run_failure f WHERE f.run_id = ?1 AND f.subscriber = d.subscriber)
            """)
        return counts
    }

    /// The subscriber's latest failure that no published file has made good since.
    func openFailure(subscriber: String) throws -> StatusReport.Failure? {
        let statement = try database.cached("""
            SELECT f.failed_at, r.business_date, f.message FROM run_failure f JOIN run r ON r.id = f.run_id
            WHERE f.subscriber = ?1 AND NOT EXISTS (SELECT 1 FROM delivery d WHERE d.subscriber = f.subscriber
                AND d.status = 'published' AND d.run_id >= f.run_id)
            ORDER BY f.id DESC LIMIT 1
            """)
        var failure: StatusReport.Failure?
        try statement.forEachRow([subscriber]) { row in
            failure = StatusReport.Failure(at: row.text(0), businessDate: row.text(1),
                                           reason: PersonnummerRedaction.redact(row.text(2)))
        }
        return failure
    }

    func stagedFiles(subscriber: String) throws -> [StatusReport.StagedFile] {
        try RunLedger(database: database).deliveries(where: "subscriber = ? AND status = 'staged' ORDER BY sequence", [subscriber]).map {
            StatusReport.StagedFile(sequence: $0.sequence, file: $0.fileName, businessDate: $0.businessDate.description)
        }
    }

    /// Inbox files already there when the last run took its snapshot (after its import) and
    /// still waiting: that import left them (still being written, or queued behind such a file).
    static func deferredInboxFiles(for subscriber: Subscriber, in configuration: Configuration, since lastRunStart: Date?) -> Int {
        guard let lastRunStart else { return 0 }
        let folder = subscriber.inboxFolder(in: configuration)
        let entries = (try? InboxListing.entries(in: folder)) ?? []
        return entries.filter { entry in
            guard entry.kind != .directory,
                  let attributes = try? FileManager.default.attributesOfItem(atPath: (folder as NSString).appendingPathComponent(String(decoding: entry.rawName, as: UTF8.self))),
                  let modified = attributes[.modificationDate] as? Date else { return false }
            return modified < lastRunStart
        }.count
    }
}
