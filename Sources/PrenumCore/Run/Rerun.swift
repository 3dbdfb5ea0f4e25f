import Foundation
import PrenumCrypto

/// `prenum rerun`: re-publishes a window of a subscriber's past files from the archive, byte
/// for byte under their original names, into the subscriber's current outbox.
///
/// Everything is checked before anything is published: every archived file against the hash
/// recorded when it was made, and every outbox name against what it would receive. So a
/// damaged archive or a conflicting file publishes nothing at all.
public struct Rerun {
    public let configuration: Configuration
    public let log: EventLog

    public init(configuration: Configuration, log: EventLog) {
        self.configuration = configuration
        self.log = log
    }

    /// An archived file is missing or does not hash to what was recorded when it was made.
    struct ArchiveMismatch: PrenumFailure {
        let path: String
        let missing: Bool
        var exitCode: ExitCode { .dataError }
        var description: String {
            missing
                ? "archived file \(path) is missing; nothing was re-published (order `prenum refresh` instead)"
                : "archived file \(path) does not match the SHA-256 recorded when it was made; nothing was re-published (order `prenum refresh` instead)"
        }
    }

    public func execute(subscriber id: String, from: CalendarDate, to: CalendarDate, dryRun: Bool) throws -> RerunReport {
        guard let subscriber = configuration.subscriber(id) else {
            throw OperationFailure(.usage, "no subscriber '\(id)' in \(configuration.configPath)")
        }
        guard from <= to else { throw OperationFailure(.usage, "--from \(from) is after --to \(to)") }
        let lock = try ProcessLock.acquire(path: configuration.lockPath)
        defer { withExtendedLifetime(lock) {} }
        guard DurableFiles.exists(configuration.stateDatabase) else {
            throw OperationFailure(.noInput, "state database \(configuration.stateDatabase) does not exist: nothing was ever delivered")
        }
        let state = try StateDatabase(path: configuration.stateDatabase)
        let deliveries = try RunLedger(database: state.database).publishedDeliveries(of: id, from: from, to: to)
        let outbox = subscriber.outboxFolder(in: configuration)
        log.log(
            .info, "rerun.start",
            [
                "subscriber": id, "from": from.description, "to": to.description,
                "files": deliveries.count, "dryRun": dryRun
            ])

        let publisher = DeliveryPublisher(archiveRoot: configuration.archive, faults: .none)
        var plans: [(delivery: DeliveryRecord, paths: DeliveryPublisher.Paths, signature: Bool, data: Bool)] = []
        for delivery in deliveries {
            let paths = publisher.paths(subscriber: id, outbox: outbox, fileName: delivery.fileName)
            for (archived, sha256) in [(paths.archivedSignature, delivery.signatureSHA256), (paths.archivedData, delivery.xmlSHA256)] {
                guard DurableFiles.exists(archived) else { throw ArchiveMismatch(path: archived, missing: true) }
                guard try SHA256Digest.hex(ofFile: archived) == sha256 else { throw ArchiveMismatch(path: archived, missing: false) }
            }
            let needsSignature = try needsCopy(to: paths.signature, sha256: delivery.signatureSHA256)
            let needsData = try needsCopy(to: paths.data, sha256: delivery.xmlSHA256)
            plans.append((delivery, paths, needsSignature, needsData))
        }

        var entries: [RerunReport.Entry] = []
        if !dryRun && plans.contains(where: { $0.signature || $0.data }) {
            try DurableFiles.makeFolder(DeliveryPublisher.stagingFolder(outbox: outbox))
        }
        for plan in plans {
            func action(_ needed: Bool) -> RerunReport.Action { needed ? (dryRun ? .wouldPublish : .published) : .alreadyPresent }
            if !dryRun {
                // Signature first: a recipient never sees data without its signature.
                if plan.signature {
                    try place(plan.paths.archivedSignature, at: plan.paths.signature, sha256: plan.delivery.signatureSHA256, outbox: outbox)
                }
                if plan.data { try place(plan.paths.archivedData, at: plan.paths.data, sha256: plan.delivery.xmlSHA256, outbox: outbox) }
                log.log(
                    .info, "rerun.file",
                    [
                        "subscriber": id, "sequence": plan.delivery.sequence, "file": plan.delivery.fileName,
                        "signature": action(plan.signature).rawValue, "data": action(plan.data).rawValue
                    ])
            }
            entries.append(
                .init(
                    fileName: plan.delivery.fileName, sequence: plan.delivery.sequence,
                    businessDate: plan.delivery.businessDate, signature: action(plan.signature), data: action(plan.data)))
        }
        log.log(
            .info, "rerun.end",
            [
                "subscriber": id, "files": entries.count, "dryRun": dryRun,
                "published": entries.filter { $0.data == .published || $0.signature == .published }.count
            ])
        return RerunReport(subscriber: id, from: from, to: to, outbox: outbox, dryRun: dryRun, entries: entries)
    }

    /// True when the outbox lacks the file; false when it holds these exact bytes. Other bytes
    /// under the name are refused: what a recipient may have read is never replaced.
    private func needsCopy(to path: String, sha256: String) throws -> Bool {
        guard DurableFiles.exists(path) else { return true }
        guard try SHA256Digest.hex(ofFile: path) == sha256 else {
            throw DeliveryPublisher.ConflictingPublishedFile(path: path)
        }
        return false
    }

    /// Copies into the staging folder, checks the copy's hash, renames it into place and
    /// fsyncs the outbox, so the name only ever shows the recorded bytes.
    private func place(_ archived: String, at target: String, sha256: String, outbox: String) throws {
        let staged = (DeliveryPublisher.stagingFolder(outbox: outbox) as NSString)
            .appendingPathComponent((target as NSString).lastPathComponent + ".rerun")
        try DurableFiles.copy(archived, to: staged)
        guard try SHA256Digest.hex(ofFile: staged) == sha256 else {
            unlink(staged)
            throw ArchiveMismatch(path: archived, missing: false)
        }
        try DurableFiles.move(staged, to: target)
        try DurableFiles.sync(folder: outbox)
    }
}
