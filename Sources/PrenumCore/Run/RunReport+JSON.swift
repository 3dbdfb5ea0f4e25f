import Foundation

/// The JSON run report written after each run to `<state folder>/reports/run-YYYY-MM-DD.json`:
/// what the run delivered to whom, for audits and for tooling that should not parse logs.
/// Documented in docs/OPERATIONS.md; fields are only ever added.
struct RunReportDocument: Codable, Sendable, Equatable {
    struct SubscriberEntry: Codable, Sendable, Equatable {
        let subscriber: String
        /// `delivered`, `failed`, `inactive`, `held`, or `recovered` (a file an earlier run staged, published by this one).
        let status: String
        let businessDate: String
        let sequence: Int64?
        /// `DELTA` or `FULL`.
        let kind: String?
        let file: String?
        let persons: Int
        let records: Int
        let unsubscribed: Int
        let message: String?
    }

    /// Version of this document's layout.
    let reportVersion: Int
    let businessDate: String
    /// `completed` or `already-completed`.
    let outcome: String
    let runID: Int64?
    let exitCode: Int32
    let startedAt: String
    let finishedAt: String
    let durationSeconds: Double
    let populationFiles: Int
    /// Of those, the ones left for a later import (still being written); absent in older reports.
    let deferredPopulationFiles: Int?
    let subscribers: [SubscriberEntry]
    /// Records held back at the run's snapshot (quarantined); `prenum status` lists them.
    let quarantined: Int

    init(report: RunReport, startedAt: Date, finishedAt: Date) {
        reportVersion = 1
        businessDate = report.businessDate.description
        outcome = report.outcome.rawValue
        runID = report.runID
        exitCode = report.exitCode.rawValue
        self.startedAt = Timestamp.format(startedAt)
        self.finishedAt = Timestamp.format(finishedAt)
        durationSeconds = (report.durationSeconds * 1000).rounded() / 1000
        populationFiles = report.populationFiles
        quarantined = report.quarantined
        deferredPopulationFiles = report.deferredPopulationFiles
        subscribers = report.subscribers.map {
            SubscriberEntry(
                subscriber: $0.subscriber, status: $0.status.rawValue, businessDate: $0.businessDate.description,
                sequence: $0.sequence, kind: $0.kind, file: $0.fileName, persons: $0.persons, records: $0.records,
                unsubscribed: $0.unsubscribed, message: $0.message.map(PersonnummerRedaction.redact))
        }
    }

    func json() throws -> [UInt8] {
        Array(try JSONOutput.text(self).utf8)
    }
}
