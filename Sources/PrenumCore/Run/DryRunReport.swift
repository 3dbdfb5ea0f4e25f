import Foundation

/// What `prenum run --dry-run` prints: per subscriber, the file the run would make. The JSON
/// form (`--json`, an array with one object per subscriber) is a stable interface for tooling
/// (docs/OPERATIONS.md), so fields are only ever added.
public struct DryRunReport: Codable, Sendable, Equatable {
    public struct Entry: Codable, Sendable, Equatable {
        public let id: String
        /// `delivered` (would be published), `held` (the brake would hold it), `failed` or `inactive`.
        public let status: String
        /// `DELTA` or `FULL`; nil when no file would be made.
        public let kind: String?
        /// Why it has its kind: first delivery, refresh ordered, profile changed (which part),
        /// missed night, or a delta since the last file.
        public let reason: String?
        public let sequence: Int64?
        public let file: String?
        public let new: Int
        public let changed: Int
        public let removed: Int
        public let unsubscribed: Int
        public let persons: Int
        public let records: Int
        /// The file's exact length.
        public let bytes: Int64
        public let message: String?
    }

    public let businessDate: String
    /// `completed` (a run would be made) or `already-completed` (the run would do nothing).
    public let outcome: String
    public let subscribers: [Entry]

    public init(report: RunReport) {
        businessDate = report.businessDate.description
        outcome = report.outcome.rawValue
        subscribers = report.subscribers.map { result in
            Entry(
                id: result.subscriber, status: result.status.rawValue, kind: result.kind, reason: result.outline?.reason,
                sequence: result.sequence, file: result.fileName, new: result.outline?.newRecords ?? 0,
                changed: result.outline?.changedRecords ?? 0, removed: result.outline?.removedRecords ?? 0,
                unsubscribed: result.unsubscribed, persons: result.persons, records: result.records, bytes: result.bytes ?? 0,
                message: result.message.map(PersonnummerRedaction.redact))
        }
    }

    /// One object per subscriber, as the SPEC's `--json` asks.
    public func json() throws -> String {
        try JSONOutput.text(subscribers)
    }

    public var text: String {
        var text = "prenum run --dry-run \(businessDate): the run would be \(outcome); nothing was changed\n"
        let width = (subscribers.map(\.id.count).max() ?? 0) + 2
        for entry in subscribers {
            var line = "  " + entry.id.padding(toLength: width, withPad: " ", startingAt: 0)
            line += entry.status.padding(toLength: 10, withPad: " ", startingAt: 0)
            if let kind = entry.kind, let sequence = entry.sequence {
                line += "#\(sequence) \(kind) new=\(entry.new) changed=\(entry.changed) removed=\(entry.removed)"
                line += " unsubscribed=\(entry.unsubscribed) records=\(entry.records) bytes=\(entry.bytes)"
                if let reason = entry.reason { line += "  (\(reason))" }
            }
            if let message = entry.message { line += "  \(message)" }
            text += line + "\n"
        }
        return text
    }
}
