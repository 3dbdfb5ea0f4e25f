import Foundation

/// The JSON run report written after each run to `<state folder>/reports/run-YYYY-MM-DD.json`:
/// what the run delivered to whom, for audits and for tooling that should not parse logs.
/// Documented in docs/OPERATIONS.md; fields are only ever added.
public struct RunReportDocument: Codable, Sendable, Equatable {
    public struct SubscriberEntry: Codable, Sendable, Equatable {
        public let subscriber: String
        /// `delivered`, `failed`, `inactive`, `held`, or `recovered` (a file an earlier run staged, published by this one).
        public let status: String
        public let businessDate: String
        public let sequence: Int64?
        /// `DELTA` or `FULL`.
        public let kind: String?
        public let file: String?
        public let persons: Int
        public let records: Int
        public let unsubscribed: Int
        public let message: String?
    }

    /// Version of this document's layout.
    public let reportVersion: Int
    public let businessDate: String
    /// `completed` or `already-completed`.
    public let outcome: String
    public let runID: Int64?
    public let exitCode: Int32
    public let startedAt: String
    public let finishedAt: String
    public let durationSeconds: Double
    public let populationFiles: Int
    /// Of those, the ones left for a later import (still being written); absent in older reports.
    public let deferredPopulationFiles: Int?
    public let subscribers: [SubscriberEntry]
    /// Records held back at the run's snapshot (quarantined); `prenum status` lists them.
    public let quarantined: Int

    public init(report: RunReport, startedAt: Date, finishedAt: Date) {
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

    public func json() throws -> [UInt8] {
        Array(try JSONOutput.text(self).utf8)
    }
}
