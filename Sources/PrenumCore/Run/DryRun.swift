import Foundation
import PrenumSQLite

/// `prenum run --dry-run`: what tonight's run would deliver, also for a candidate
/// configuration, changing nothing but the lock file.
///
/// The whole run — import, snapshot, every subscriber's file, the brake — is made against a
/// scratch copy of the state in a temporary folder, with copies of the pending inbox files and
/// empty outboxes and archive there, and the copy is then thrown away. So the prediction is
/// the run's own code, not a second implementation that could drift from it: kinds, counts and
/// byte lengths are exactly the real run's (the same bytes but for `createdAt`, which has a
/// fixed length). The cost is the run's, plus one copy of the state file (a sequential read
/// and write, far cheaper than the heavy night's snapshot), less its maintenance (compaction
/// and repack are skipped). The scratch folder is under `TMPDIR`, which needs room for the
/// state file, the files the run would make and the pending inbox files.
public struct DryRun {
    let configuration: Configuration
    let log: EventLog
    let clock: @Sendable () -> Date
    let registerBusyTimeoutMilliseconds: Int32

    public init(
        configuration: Configuration, log: EventLog, clock: @escaping @Sendable () -> Date = { Date() },
        registerBusyTimeoutMilliseconds: Int32 = 10_000
    ) {
        self.configuration = configuration
        self.log = log
        self.clock = clock
        self.registerBusyTimeoutMilliseconds = registerBusyTimeoutMilliseconds
    }

    public func predict(businessDate requested: CalendarDate? = nil) throws -> RunReport {
        let businessDate = requested ?? configuration.today(now: clock())
        try configuration.prepareStateFolder()
        // The real lock: no run or refresh changes the state while it is copied.
        let lock = try ProcessLock.acquire(path: configuration.lockPath)
        defer { withExtendedLifetime(lock) {} }
        log.log(.info, "dry-run.start", ["businessDate": businessDate.description])

        let scratch = (NSTemporaryDirectory() as NSString).appendingPathComponent(
            "prenum-dry-run-\(getpid())-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(
            atPath: scratch, withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let scratchConfiguration = try prepare(scratch: scratch)

        let run = NightlyRun(
            configuration: scratchConfiguration, log: EventLog { _ in }, clock: clock,
            registerBusyTimeoutMilliseconds: registerBusyTimeoutMilliseconds)
        run.performsMaintenance = false
        let report = try run.execute(businessDate: businessDate)
        log.log(
            .info, "dry-run.end",
            [
                "businessDate": businessDate.description, "outcome": report.outcome.rawValue,
                "subscribers": report.subscribers.count
            ])
        return report
    }

    /// The scratch copy: state (database and write-ahead log, as they stand under the lock),
    /// the pending population files, and a configuration whose writable paths all lie in it.
    private func prepare(scratch: String) throws -> Configuration {
        func inScratch(_ name: String) -> String { (scratch as NSString).appendingPathComponent(name) }
        let state = inScratch("state.db")
        let files = FileManager.default
        if files.fileExists(atPath: configuration.stateDatabase) {
            try files.copyItem(atPath: configuration.stateDatabase, toPath: state)
            if files.fileExists(atPath: configuration.stateDatabase + "-wal") {
                try files.copyItem(atPath: configuration.stateDatabase + "-wal", toPath: state + "-wal")
            }
            // Files staged by an interrupted process are already made: the real run publishes
            // them as they are, and the scratch has no copy of them to publish.
            try RunLedger(database: try Database(path: state, mode: .readWrite(create: false))).treatStagedAsPublished()
        }
        let subscribers = configuration.subscribers.map { subscriber in
            Subscriber(
                id: subscriber.id, orgNumber: subscriber.orgNumber, name: subscriber.name, category: subscriber.category,
                benefits: subscriber.benefits, purpose: subscriber.purpose, formatVersion: subscriber.formatVersion,
                terminatedFrom: subscriber.terminatedFrom, outboxOverride: nil, legalBasis: subscriber.legalBasis)
        }
        var scratchConfiguration = Configuration(
            configPath: configuration.configPath, folder: configuration.folder, register: configuration.register,
            stateDatabase: state, inbox: inScratch("inbox"), outbox: inScratch("outbox"), archive: inScratch("archive"),
            signingKey: configuration.signingKey, categoriesPath: configuration.categoriesPath,
            historyDays: configuration.historyDays, timeZone: configuration.timeZone, subscribers: subscribers,
            categories: configuration.categories, formatLifecycle: configuration.formatLifecycle)
        scratchConfiguration.brake = configuration.brake
        scratchConfiguration.tuning = configuration.tuning
        for folder in ["inbox", "outbox", "archive"] {
            try files.createDirectory(atPath: inScratch(folder), withIntermediateDirectories: true)
        }
        for subscriber in configuration.subscribers {
            let source = subscriber.inboxFolder(in: configuration)
            let target = subscriber.inboxFolder(in: scratchConfiguration)
            try files.createDirectory(atPath: target, withIntermediateDirectories: true)
            for name in (try? files.contentsOfDirectory(atPath: source)) ?? []
            where !name.hasPrefix(".") && name != InboxListing.processedFolder && name != InboxListing.rejectedFolder {
                let from = (source as NSString).appendingPathComponent(name), to = (target as NSString).appendingPathComponent(name)
                // Entries the import refuses or skips stay what they are, so it refuses or skips them here too.
                switch try files.attributesOfItem(atPath: from)[.type] as? FileAttributeType {
                case .typeSymbolicLink?:
                    try files.createSymbolicLink(atPath: to, withDestinationPath: try files.destinationOfSymbolicLink(atPath: from))
                case .typeDirectory?: try files.createDirectory(atPath: to, withIntermediateDirectories: false)
                default: try files.copyItem(atPath: from, toPath: to)
                }
            }
        }
        return scratchConfiguration
    }
}
