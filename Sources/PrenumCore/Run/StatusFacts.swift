import Foundation
import PrenumSQLite

/// The counts `prenum status` shows, read from the deliveries and failures as they stand now
/// rather than from totals a run stored when it ended: a file staged but not published is not
/// "delivered", a subscriber that failed twice is one failed subscriber, and a failure that a
/// later run made good says so.
struct StatusFacts {
    let ledger: RunLedger

    init(database: Database) {
        ledger = RunLedger(database: database)
    }

    func counts(run: Int64) throws -> RunCounts {
        try ledger.counts(ofRun: run)
    }

    /// The subscriber's latest failure that no published file has made good since.
    func openFailure(subscriber: String) throws -> StatusReport.Failure? {
        try ledger.openFailure(of: subscriber).map {
            StatusReport.Failure(at: $0.at, businessDate: $0.businessDate, reason: PersonnummerRedaction.redact($0.message))
        }
    }

    func stagedFiles(subscriber: String) throws -> [StatusReport.StagedFile] {
        try ledger.stagedDeliveries(of: subscriber).map {
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
                let attributes = try? FileManager.default.attributesOfItem(
                    atPath: (folder as NSString).appendingPathComponent(String(decoding: entry.rawName, as: UTF8.self))),
                let modified = attributes[.modificationDate] as? Date
            else { return false }
            return modified < lastRunStart
        }.count
    }
}
