import Foundation
import PrenumSQLite

/// What `prenum status` shows: the last runs and, per subscriber, where its chain stands and
/// what is waiting. No personnummer appears in it. The JSON form is a stable interface for
/// monitoring (docs/OPERATIONS.md), so fields are only ever added.
public struct StatusReport: Codable, Sendable {
    public struct Run: Codable, Sendable {
        public let businessDate: String
        public let status: String
        public let startedAt: String
        public let finishedAt: String?
        public let createdAt: String
        public let highWater: Int64
        public let delivered: Int
        public let failed: Int
    }

    public struct LastDelivery: Codable, Sendable {
        public let businessDate: String
        public let sequence: Int64
        public let kind: String
        public let file: String
        public let persons: Int
        public let records: Int
        public let unsubscribed: Int
        public let status: String
    }

    public struct Subscriber: Codable, Sendable {
        public let id: String
        public let name: String
        public let active: Bool
        public let formatVersion: Int
        public let sequence: Int64
        public let watermark: Int64?
        public let lastDelivery: LastDelivery?
        public let populationSize: Int
        public let pendingInboxFiles: Int
        public let refreshPending: Bool
        public let lastFailure: String?
        /// From 90 days before its format version's support ends: that day (`FormatLifecycle`).
        public var formatSupportEnds: String? = nil
    }

    public let generatedAt: String
    public let today: String
    public let watermark: Int64
    public let runs: [Run]
    public let subscribers: [Subscriber]

    /// Reads state without taking the lock and without creating anything.
    public static func gather(configuration: Configuration, runLimit: Int = 10, now: Date = Date()) throws -> StatusReport {
        let today = configuration.today(now: now)
        guard FileManager.default.fileExists(atPath: configuration.stateDatabase) else {
            return StatusReport(generatedAt: Timestamp.format(now), today: today.description, watermark: 0, runs: [],
                                subscribers: configuration.subscribers.map { subscriber in
                                    Subscriber(id: subscriber.id, name: subscriber.name, active: subscriber.isActive(on: today),
                                               formatVersion: subscriber.formatVersion.number, sequence: 0, watermark: nil,
                                               lastDelivery: nil, populationSize: 0,
                                               pendingInboxFiles: PopulationSummary.pendingInboxFiles(for: subscriber, in: configuration),
                                               refreshPending: false, lastFailure: nil,
                                               formatSupportEnds: configuration.formatLifecycle.warning(for: subscriber, on: today)?.supportEnds.description)
                                })
        }
        let state = try StateDatabase(path: configuration.stateDatabase)
        let database = state.database
        let ledger = RunLedger(database: database)
        let runs = try ledger.recentRuns(limit: runLimit).map {
            Run(businessDate: $0.businessDate.description, status: $0.status.rawValue, startedAt: $0.startedAt,
                finishedAt: $0.finishedAt, createdAt: $0.createdAt, highWater: $0.highWater, delivered: $0.delivered, failed: $0.failed)
        }
        let sizes = try PopulationSummary(state: state).populationSizes()
        var subscribers: [Subscriber] = []
        for subscriber in configuration.subscribers {
            let position = try ledger.position(of: subscriber.id)
            let last = try ledger.deliveries(where: "subscriber = ? ORDER BY sequence DESC LIMIT 1", [subscriber.id]).first
            let failure = try database.scalarText("""
                SELECT f.failed_at || ' ' || f.message FROM run_failure f
                WHERE f.subscriber = ? AND NOT EXISTS (SELECT 1 FROM delivery d WHERE d.subscriber = f.subscriber AND d.run_id >= f.run_id)
                ORDER BY f.id DESC LIMIT 1
                """, [subscriber.id])
            subscribers.append(Subscriber(
                id: subscriber.id, name: subscriber.name, active: subscriber.isActive(on: today),
                formatVersion: subscriber.formatVersion.number, sequence: position.lastSequence, watermark: position.watermark,
                lastDelivery: last.map {
                    LastDelivery(businessDate: $0.businessDate.description, sequence: $0.sequence, kind: $0.kind, file: $0.fileName,
                                 persons: $0.persons, records: $0.records, unsubscribed: $0.unsubscribed, status: $0.status.rawValue)
                },
                populationSize: sizes[subscriber.id] ?? 0,
                pendingInboxFiles: PopulationSummary.pendingInboxFiles(for: subscriber, in: configuration),
                refreshPending: position.refreshPending, lastFailure: failure,
                formatSupportEnds: configuration.formatLifecycle.warning(for: subscriber, on: today)?.supportEnds.description))
        }
        return StatusReport(generatedAt: Timestamp.format(now), today: today.description,
                            watermark: Int64(try state.meta("watermark") ?? "0") ?? 0, runs: runs, subscribers: subscribers)
    }

    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }

    public var text: String {
        var text = "Prenum status at \(generatedAt) (business date today: \(today), journal watermark \(watermark))\n\nLast runs:\n"
        if runs.isEmpty { text += "  none yet\n" }
        for run in runs {
            text += "  \(run.businessDate)  \(run.status.padding(toLength: 10, withPad: " ", startingAt: 0)) started \(run.startedAt)"
            text += run.finishedAt.map { " finished \($0)" } ?? ""
            text += "  delivered=\(run.delivered) failed=\(run.failed)\n"
        }
        text += "\nSubscribers:\n"
        let width = (subscribers.map(\.id.count).max() ?? 0) + 2
        for subscriber in subscribers {
            var line = "  " + subscriber.id.padding(toLength: width, withPad: " ", startingAt: 0)
            line += subscriber.active ? "active   " : "inactive "
            line += "v\(subscriber.formatVersion) seq=\(subscriber.sequence) population=\(subscriber.populationSize)"
            line += " pendingFiles=\(subscriber.pendingInboxFiles)"
            if let last = subscriber.lastDelivery { line += " last=\(last.businessDate) \(last.kind) records=\(last.records)" }
            if let watermark = subscriber.watermark { line += " watermark=\(watermark)" }
            if subscriber.refreshPending { line += " REFRESH-PENDING" }
            if let ends = subscriber.formatSupportEnds { line += "\n      format version \(subscriber.formatVersion) support ends \(ends): move to a newer version" }
            if let failure = subscriber.lastFailure { line += "\n      last failure: \(failure)" }
            text += line + "\n"
        }
        return text
    }
}
