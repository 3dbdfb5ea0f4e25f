import Foundation
import PrenumCrypto
import PrenumSQLite

/// `prenum recover`: rebuilds the state database from the archive after it was lost, emptied
/// or restored from an older backup (SPEC section 5).
///
/// Everything is read and checked first; any problem (a file whose signature fails, a gap in a
/// chain, a population file missing from the order of application) is reported and nothing is
/// changed. The new state is built beside the old one and put in place by a rename, after the
/// old one is moved aside (never deleted), so a process killed anywhere leaves either the old
/// state or the new one, and `recover` can simply be run again.
///
/// After it, every chain continues where the archive ends (next sequence, `previousHash` of the
/// last archived file) with a `FULL` file, since what the recipients hold is known only as
/// "everything up to that file"; the latest business date in the archive counts as completed.
public struct StateRecovery {
    public let configuration: Configuration
    let log: EventLog
    let keys: PublicKeyRing
    let faults: FaultInjector

    /// `olderPublicKeys`: a PEM file or folder of public keys the configured key replaced, so
    /// that files signed before a rotation still verify (the configured key's public half is
    /// always trusted).
    public init(configuration: Configuration, log: EventLog, olderPublicKeys: String? = nil, faults: FaultInjector = .none) throws {
        self.configuration = configuration
        self.log = log
        self.faults = faults
        let current = try DeliverySigner(keyPath: configuration.signingKey).verifyingKey
        let older = try olderPublicKeys.map { try PublicKeyRing.load(path: $0).keys.values.sorted { $0.keyID < $1.keyID } } ?? []
        keys = PublicKeyRing(keys: [current] + older, source: "the configured signing key" + (olderPublicKeys.map { " and \($0)" } ?? ""))
    }

    /// The archive cannot prove the state: nothing was changed.
    struct Refused: PrenumFailure {
        let problems: [String]
        var exitCode: ExitCode { .dataError }
        var description: String {
            "the archive cannot prove the state; nothing was changed: " + problems.joined(separator: "; ")
        }
    }

    /// What a recovery did, for the operator.
    public struct Report: Sendable {
        public struct Chain: Sendable {
            public let subscriber: String
            public let lastSequence: Int64
            public let lastFile: String?
            public let populationFiles: Int
            public let persons: Int
        }
        public var chains: [Chain] = []
        public var latestBusinessDate: CalendarDate?
        /// Where the replaced state database went (nil when there was none).
        public var movedAside: String?
        /// Archived files put back into an outbox: published when the state was lost.
        public var republished: [String] = []
        /// Staged files of the lost state that no recipient ever saw, removed.
        public var discardedStaging: [String] = []
    }

    /// What the rebuild steps share: the new state and what was read from the archive.
    struct Context {
        let configuration: Configuration
        let database: Database
        let archives: [ArchiveReading.SubscriberArchive]
        let recoveredAt: String
    }

    /// One part of the state rebuilt from the archive, in the new state's one transaction.
    struct RebuildStep: Sendable {
        let name: String
        let run: @Sendable (Context) throws -> Void
    }

    /// Everything the state derives from the archive. A new derived table gets its step here.
    static let rebuildSteps: [RebuildStep] = [
        RebuildStep(name: "populations", run: RecoveryRebuild.populations),
        RebuildStep(name: "runs and deliveries", run: RecoveryRebuild.runsAndDeliveries),
        RebuildStep(name: "chains", run: RecoveryRebuild.chains),
        RebuildStep(name: "disclosure index") { context in
            _ = try DisclosureIndex(database: context.database).rebuild(
                archiveRoot: context.configuration.archive,
                configuration: context.configuration)
        }
    ]

    public func execute(now: Date = Date()) throws -> Report {
        try configuration.prepareStateFolder()
        let lock = try ProcessLock.acquire(path: configuration.lockPath)
        defer { withExtendedLifetime(lock) {} }
        log.log(.info, "recover.start", ["archive": configuration.archive])

        let (archives, problems) = try ArchiveReading(configuration: configuration, keys: keys).read()
        guard problems.isEmpty else {
            log.log(.error, "recover.refused", ["problems": problems.count])
            throw Refused(problems: problems)
        }
        var report = Report()
        report.latestBusinessDate = archives.compactMap { $0.last?.name.businessDate }.max()

        let recoveredAt = Timestamp.format(now)
        let building = configuration.stateDatabase + ".recovering"
        Self.removeDatabaseFiles(building)
        var persons: [String: Int] = [:]
        do {
            let state = try StateDatabase(path: building)
            let context = Context(configuration: configuration, database: state.database, archives: archives, recoveredAt: recoveredAt)
            try state.database.transaction {
                try PopulationApplier.prepare(state.database)
                for step in Self.rebuildSteps {
                    try step.run(context)
                    log.log(.info, "recover.rebuilt", ["step": step.name])
                }
                try state.meta.setRecoveredAt(recoveredAt)
            }
            persons = try SubscriptionStore(database: state.database).presentCounts()
            try state.database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        } catch {
            // The old state is untouched; the half-built one is of no use.
            Self.removeDatabaseFiles(building)
            throw error
        }
        faults.reach(.recoverBeforeInstall)

        // Before the new state goes in: a file archived but not yet put in place when the state
        // was lost is published now, so that no recipient sees a gap before the next FULL file.
        for archive in archives {
            if let placed = try publishIfMissing(archive) { report.republished.append(placed) }
            if let unfinished = archive.unfinished { report.discardedStaging.append(try setAside(unfinished, stamp: recoveredAt)) }
        }
        faults.reach(.recoverAfterOutboxes)
        report.movedAside = try moveAside(stamp: recoveredAt)
        faults.reach(.recoverAfterMoveAside)
        for suffix in ["-wal", "-shm"] { unlink(building + suffix) }
        try DurableFiles.move(building, to: configuration.stateDatabase)
        try DurableFiles.sync(folder: (configuration.stateDatabase as NSString).deletingLastPathComponent)

        for archive in archives {
            report.discardedStaging += discardStaging(archive.subscriber)
            let population = archive.populationFiles.count
            report.chains.append(
                .init(
                    subscriber: archive.subscriber.id, lastSequence: archive.last?.name.sequence ?? 0,
                    lastFile: archive.last?.fileName, populationFiles: population,
                    persons: persons[archive.subscriber.id] ?? 0))
        }
        for chain in report.chains {
            log.log(
                .info, "recover.chain",
                [
                    "subscriber": chain.subscriber, "lastSequence": chain.lastSequence,
                    "populationFiles": chain.populationFiles, "persons": chain.persons
                ])
        }
        log.log(
            .warning, "recover.completed",
            [
                "movedAside": report.movedAside ?? "", "latestBusinessDate": report.latestBusinessDate?.description ?? "",
                "republished": report.republished.count, "discardedStaging": report.discardedStaging.count
            ])
        return report
    }

    /// The archived tip of a chain, put into the outbox when the lost state had staged it but
    /// not finished publishing it (signature first). Same bytes as archived; a different file
    /// under its name is refused, never replaced.
    private func publishIfMissing(_ archive: ArchiveReading.SubscriberArchive) throws -> String? {
        guard let last = archive.last else { return nil }
        let outbox = archive.subscriber.outboxFolder(in: configuration)
        let data = (outbox as NSString).appendingPathComponent(last.fileName)
        let signature = data + ".sig"
        let publisher = DeliveryPublisher(archiveRoot: configuration.archive, faults: .none)
        let dataInPlace = try publisher.matches(data, sha256: last.xmlSHA256)
        let signatureInPlace = try publisher.matches(signature, sha256: last.signatureSHA256)
        if dataInPlace && signatureInPlace { return nil }
        // Only a file the lost state had staged and not finished (its staging copy or half of
        // the pair is still there); a pair simply gone was taken away by the recipient.
        let staging = DeliveryPublisher.stagingFolder(outbox: outbox)
        let unfinished = [
            (staging as NSString).appendingPathComponent(last.fileName + ".tmp"),
            (staging as NSString).appendingPathComponent(last.fileName + ".sig.tmp"), data, signature
        ]
        .contains(where: DurableFiles.exists)
        guard unfinished else { return nil }
        for (path, inPlace) in [(signature, signatureInPlace), (data, dataInPlace)] where !inPlace && DurableFiles.exists(path) {
            throw DeliveryPublisher.ConflictingPublishedFile(path: path)
        }
        // The archive first gets the signature, if its copy was cut off.
        if last.signaturePath != last.path + ".sig" { try DurableFiles.copy(last.signaturePath, to: last.path + ".sig") }
        try DurableFiles.makeFolder(outbox)
        if !signatureInPlace { try DurableFiles.copy(last.path + ".sig", to: signature) }
        if !dataInPlace { try DurableFiles.copy(last.path, to: data) }
        try DurableFiles.sync(folder: outbox)
        log.log(.warning, "recover.republished", ["subscriber": archive.subscriber.id, "file": last.fileName])
        return data
    }

    /// An archived file no recipient saw, renamed to a hidden name that no listing takes for a
    /// delivery file (its sequence goes to the next file).
    private func setAside(_ path: String, stamp: String) throws -> String {
        let folder = (path as NSString).deletingLastPathComponent
        let target = (folder as NSString).appendingPathComponent(
            "." + (path as NSString).lastPathComponent + ".unpublished-" + stamp.filter { $0 != "-" && $0 != ":" })
        try DurableFiles.move(path, to: target)
        try DurableFiles.sync(folder: folder)
        log.log(.warning, "recover.unpublished-set-aside", ["file": (path as NSString).lastPathComponent])
        return target
    }

    /// Moves the state database and its write-ahead files aside under one stamp.
    private func moveAside(stamp: String) throws -> String? {
        let path = configuration.stateDatabase
        guard DurableFiles.exists(path) else { return nil }
        let compact = stamp.filter { $0 != "-" && $0 != ":" }
        let aside = DurableFiles.freeName(
            (path as NSString).lastPathComponent + ".before-recover-" + compact,
            in: (path as NSString).deletingLastPathComponent, companions: ["-wal", "-shm"])
        let target = ((path as NSString).deletingLastPathComponent as NSString).appendingPathComponent(aside)
        for suffix in ["-wal", "-shm"] where DurableFiles.exists(path + suffix) {
            try DurableFiles.move(path + suffix, to: target + suffix)
        }
        try DurableFiles.move(path, to: target)
        try DurableFiles.sync(folder: (path as NSString).deletingLastPathComponent)
        return target
    }

    /// Staged files of the lost state: never visible to a recipient, and their sequences are
    /// given again by the next run.
    private func discardStaging(_ subscriber: Subscriber) -> [String] {
        let staging = DeliveryPublisher.stagingFolder(outbox: subscriber.outboxFolder(in: configuration))
        let names = (try? FileManager.default.contentsOfDirectory(atPath: staging)) ?? []
        var removed: [String] = []
        for name in names.sorted() where name.hasSuffix(".tmp") {
            let path = (staging as NSString).appendingPathComponent(name)
            if unlink(path) == 0 {
                removed.append(path)
                log.log(.info, "recover.staging-discarded", ["subscriber": subscriber.id, "file": name])
            }
        }
        return removed
    }

    static func removeDatabaseFiles(_ path: String) {
        for suffix in ["", "-wal", "-shm"] { unlink(path + suffix) }
    }
}
