import Foundation
import PrenumSQLite

/// What `prenum status` shows: the last runs and, per subscriber, where its chain stands and
/// what is waiting. No personnummer appears in it. The JSON form is a stable interface for
/// monitoring (docs/OPERATIONS.md), so fields are only ever added.
public struct StatusReport: Codable, Sendable {
    public struct Run: Codable, Sendable {
        public let businessDate: String
        public let status: String
        let startedAt: String
        let finishedAt: String?
        let createdAt: String
        let highWater: Int64
        /// Files of this run in their subscribers' outboxes now.
        public let delivered: Int
        /// Subscribers whose file of this run is not out (failed, not yet made good).
        public let failed: Int
        /// Files of this run published after an attempt had failed.
        public var retried = 0
        /// Files of this run staged but not yet in the outbox.
        public var staged = 0
        /// Files of this run held by the brake on mass removals (filled where the brake is).
        public var held = 0
        /// Records held back at the run's snapshot (SPEC section 4's quarantine).
        public var quarantined = 0
    }

    /// A delivery that failed and that no published file has made good since.
    public struct Failure: Codable, Sendable, Equatable {
        public let at: String
        public let businessDate: String
        public let reason: String
    }

    /// A file made, signed and recorded, that is not in the outbox yet; the next run publishes it.
    public struct StagedFile: Codable, Sendable, Equatable {
        public let sequence: Int64
        public let file: String
        public let businessDate: String
    }

    struct LastDelivery: Codable, Sendable {
        let businessDate: String
        let sequence: Int64
        let kind: String
        let file: String
        let persons: Int
        let records: Int
        let unsubscribed: Int
        let status: String
    }

    public struct Subscriber: Codable, Sendable {
        public let id: String
        public let name: String
        public let active: Bool
        public let formatVersion: Int
        public let sequence: Int64
        public let watermark: Int64?
        let lastDelivery: LastDelivery?
        let populationSize: Int
        let pendingInboxFiles: Int
        let refreshPending: Bool
        /// `<time> <reason>` of `failure`, kept for readers of the first layout.
        let lastFailure: String?
        // Added fields have defaults, so that a new one is one line here and one where it is filled.
        public var failure: Failure? = nil
        var stagedFiles: [StagedFile] = []
        /// Deliveries the next run tries again: each staged file, or one new file after a
        /// failure before anything was staged.
        var pendingRetries = 0
        var deferredInboxFiles = 0
        /// Records of persons in its population whose newest register version is quarantined.
        var quarantinedRecords = 0
        /// The file the brake on mass removals holds, waiting for `prenum release` or `discard`.
        public var held: Held? = nil
        /// From 90 days before its format version's support ends: that day (`FormatLifecycle`).
        var formatSupportEnds: String? = nil
    }

    public struct Held: Codable, Sendable {
        public let businessDate: String
        public let sequence: Int64
        public let file: String
        public let removed: Int
        public let kept: Int
        let heldAt: String
    }

    let generatedAt: String
    public let today: String
    public let watermark: Int64
    public let runs: [Run]
    public let subscribers: [Subscriber]
    /// Records held back now because their register version has a value no format can carry.
    let quarantinedRecords: [QuarantinedRecord]

    /// Reads state without taking the lock and without creating anything.
    public static func gather(configuration: Configuration, runLimit: Int = 10, now: Date = Date()) throws -> StatusReport {
        let today = configuration.today(now: now)
        guard FileManager.default.fileExists(atPath: configuration.stateDatabase) else {
            return StatusReport(
                generatedAt: Timestamp.format(now), today: today.description, watermark: 0, runs: [],
                subscribers: configuration.subscribers.map { subscriber in
                    Subscriber(
                        id: subscriber.id, name: subscriber.name, active: subscriber.isActive(on: today),
                        formatVersion: subscriber.formatVersion.number, sequence: 0, watermark: nil,
                        lastDelivery: nil, populationSize: 0,
                        pendingInboxFiles: PopulationSummary.pendingInboxFiles(for: subscriber, in: configuration),
                        refreshPending: false, lastFailure: nil,
                        formatSupportEnds: configuration.formatLifecycle.warning(for: subscriber, on: today)?.supportEnds.description)
                }, quarantinedRecords: [])
        }
        let state = try StateDatabase(path: configuration.stateDatabase)
        let database = state.database
        let ledger = RunLedger(database: database)
        let facts = StatusFacts(database: database)
        let quarantine = QuarantineLedger(database: database)
        let records = try ledger.recentRuns(limit: runLimit)
        let runs = try records.map {
            let counts = try facts.counts(run: $0.id)
            var run = Run(
                businessDate: $0.businessDate.description, status: $0.status.rawValue, startedAt: $0.startedAt,
                finishedAt: $0.finishedAt, createdAt: $0.createdAt, highWater: $0.highWater,
                delivered: counts.delivered, failed: counts.failed)
            run.retried = counts.retried
            run.staged = counts.staged
            run.quarantined = try quarantine.count(atRun: $0.id)
            return run
        }
        let lastRunStart = records.first.flatMap { Timestamp.parse($0.startedAt) }
        let sizes = try PopulationSummary(state: state).populationSizes()
        var subscribers: [Subscriber] = []
        for subscriber in configuration.subscribers {
            let position = try ledger.position(of: subscriber.id)
            let last = try ledger.lastDelivery(of: subscriber.id)
            let failure = try facts.openFailure(subscriber: subscriber.id)
            var entry = Subscriber(
                id: subscriber.id, name: subscriber.name, active: subscriber.isActive(on: today),
                formatVersion: subscriber.formatVersion.number, sequence: position.lastSequence, watermark: position.watermark,
                lastDelivery: last.map {
                    LastDelivery(
                        businessDate: $0.businessDate.description, sequence: $0.sequence, kind: $0.kind, file: $0.fileName,
                        persons: $0.persons, records: $0.records, unsubscribed: $0.unsubscribed, status: $0.status.rawValue)
                },
                populationSize: sizes[subscriber.id] ?? 0,
                pendingInboxFiles: PopulationSummary.pendingInboxFiles(for: subscriber, in: configuration),
                refreshPending: position.refreshPending, lastFailure: failure.map { "\($0.at) \($0.reason)" },
                formatSupportEnds: configuration.formatLifecycle.warning(for: subscriber, on: today)?.supportEnds.description)
            entry.failure = failure
            entry.stagedFiles = try facts.stagedFiles(subscriber: subscriber.id)
            entry.pendingRetries = entry.stagedFiles.count + (failure != nil && entry.stagedFiles.isEmpty ? 1 : 0)
            entry.deferredInboxFiles = StatusFacts.deferredInboxFiles(for: subscriber, in: configuration, since: lastRunStart)
            entry.quarantinedRecords = try quarantine.count(subscriber: subscriber.id)
            entry.held = try ledger.heldDelivery(of: subscriber.id).map {
                Held(
                    businessDate: $0.delivery.businessDate.description, sequence: $0.delivery.sequence, file: $0.delivery.fileName,
                    removed: $0.removed, kept: $0.kept, heldAt: $0.heldAt)
            }
            subscribers.append(entry)
        }
        return StatusReport(
            generatedAt: Timestamp.format(now), today: today.description,
            watermark: try state.meta.watermark(), runs: runs, subscribers: subscribers,
            quarantinedRecords: try quarantine.records())
    }

    public func json() throws -> String {
        try JSONOutput.text(self)
    }

    public var text: String {
        var text = "Prenum status at \(generatedAt) (business date today: \(today), journal watermark \(watermark))\n\nLast runs:\n"
        if runs.isEmpty { text += "  none yet\n" }
        for run in runs {
            text += "  \(run.businessDate)  \(run.status.padding(toLength: 10, withPad: " ", startingAt: 0)) started \(run.startedAt)"
            text += run.finishedAt.map { " finished \($0)" } ?? ""
            text += "  delivered=\(run.delivered) failed=\(run.failed) retried=\(run.retried) staged=\(run.staged) held=\(run.held)"
            text += run.quarantined > 0 ? " quarantined=\(run.quarantined)\n" : "\n"
        }
        text += "\nSubscribers:\n"
        let width = (subscribers.map(\.id.count).max() ?? 0) + 2
        for subscriber in subscribers {
            var line = "  " + subscriber.id.padding(toLength: width, withPad: " ", startingAt: 0)
            line += subscriber.active ? "active   " : "inactive "
            line += "v\(subscriber.formatVersion) seq=\(subscriber.sequence) population=\(subscriber.populationSize)"
            line += " pendingFiles=\(subscriber.pendingInboxFiles)"
            if let last = subscriber.lastDelivery {
                line += " last=\(last.businessDate) \(last.kind) records=\(last.records)"
                if last.status != "published" { line += " (\(last.status), not in the outbox)" }
            }
            if let watermark = subscriber.watermark { line += " watermark=\(watermark)" }
            if subscriber.refreshPending { line += " REFRESH-PENDING" }
            if subscriber.deferredInboxFiles > 0 { line += " deferredFiles=\(subscriber.deferredInboxFiles)" }
            for staged in subscriber.stagedFiles {
                line += "\n      STAGED, not published: #\(staged.sequence) \(staged.file) (the next run publishes it)"
            }
            if let failure = subscriber.failure {
                line += "\n      FAILED \(failure.businessDate) at \(failure.at): \(failure.reason)"
                line += " (\(subscriber.pendingRetries) retry pending)"
            }
            if subscriber.quarantinedRecords > 0 { line += "\n      quarantined records: \(subscriber.quarantinedRecords)" }
            if let ends = subscriber.formatSupportEnds {
                line += "\n      format version \(subscriber.formatVersion) support ends \(ends): move to a newer version"
            }
            if let held = subscriber.held {
                line +=
                    "\n      HELD #\(held.sequence) \(held.file): removes \(held.removed) of \(held.removed + held.kept) records; prenum release or prenum discard"
            }
            text += line + "\n"
        }
        if !quarantinedRecords.isEmpty {
            text += "\nQuarantined records (recipients keep the version they had; upstream must correct the field):\n"
            for record in quarantinedRecords {
                text +=
                    "  \(record.entity) \(record.id): \(record.field) \(record.reason) (since \(record.since), last read \(record.seen))\n"
            }
        }
        return text
    }
}
