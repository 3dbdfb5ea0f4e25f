import Foundation

/// `prenum release` and `prenum discard`: the operator's answer to a file the brake on mass
/// removals held. Both take the run lock and keep the exactly-once promise across a crash
/// anywhere: a release is one transaction that makes the held file an ordinary staged delivery
/// (published from its staging files, then, or by any later run's recovery); a discard is one
/// transaction that forgets it and orders a FULL, which takes its sequence number.
public enum HeldFileDecision {
    public enum Outcome: Sendable, Equatable {
        /// The file is published as made.
        case released(DeliveryRecord)
        /// The file is gone; the next run sends a FULL with sequence `nextSequence`.
        case discarded(fileName: String, nextSequence: Int64)
    }

    /// Publishes the subscriber's held file byte for byte. Also finishes a release that a crash
    /// interrupted after its transaction.
    public static func release(
        configuration: Configuration, subscriber id: String, log: EventLog,
        faults: FaultInjector = .none
    ) throws -> Outcome {
        let (lock, state) = try open(configuration, subscriber: id)
        defer { withExtendedLifetime(lock) {} }
        let ledger = RunLedger(database: state.database)
        let publisher = DeliveryPublisher(archiveRoot: configuration.archive, faults: faults)
        if let held = try ledger.heldDelivery(of: id) {
            let paths = publisher.paths(for: held.delivery)
            for (path, sha256) in [(paths.stagedData, held.delivery.xmlSHA256), (paths.stagedSignature, held.delivery.signatureSHA256)]
            where try !publisher.matches(path, sha256: sha256) {
                throw OperationFailure(
                    .dataError,
                    "held file \(path) is missing or does not match the hash recorded when it was made; it cannot be released as made: `prenum discard --subscriber \(id)` gives the subscriber a FULL file instead"
                )
            }
            try state.database.transaction { try ledger.releaseHeld(held, at: Timestamp.format(Date())) }
            faults.reach(.releaseAfterStage, subscriber: id)
        }
        guard let staged = try ledger.stagedDeliveries().last(where: { $0.subscriber == id }) else {
            throw OperationFailure(.usage, "subscriber '\(id)' has no held file")
        }
        try publisher.publishRecovered(staged)
        try ledger.markPublished(subscriber: id, sequence: staged.sequence, at: Timestamp.format(Date()))
        faults.reach(.releaseAfterPublish, subscriber: id)
        log.log(.warning, "delivery.released", ["subscriber": id, "sequence": staged.sequence, "file": staged.fileName])
        var published = staged
        published.status = .published
        return .released(published)
    }

    /// Drops the subscriber's held file; its sequence number goes to the next file, a FULL.
    public static func discard(
        configuration: Configuration, subscriber id: String, log: EventLog,
        faults: FaultInjector = .none
    ) throws -> Outcome {
        let (lock, state) = try open(configuration, subscriber: id)
        defer { withExtendedLifetime(lock) {} }
        let ledger = RunLedger(database: state.database)
        guard let held = try ledger.heldDelivery(of: id) else {
            throw OperationFailure(.usage, "subscriber '\(id)' has no held file")
        }
        let paths = DeliveryPublisher(archiveRoot: configuration.archive, faults: faults).paths(for: held.delivery)
        try state.database.transaction {
            try DisclosureIndex(database: state.database).forget(
                subscriber: id, sequence: held.delivery.sequence,
                filePath: paths.stagedData)
            try ledger.discardHeld(held, at: Timestamp.format(Date()))
        }
        faults.reach(.discardAfterCommit, subscriber: id)
        // Never visible to the recipient; a crash before this leaves two invisible temp files.
        for staged in [paths.stagedData, paths.stagedSignature] { unlink(staged) }
        log.log(.warning, "delivery.discarded", ["subscriber": id, "sequence": held.delivery.sequence, "file": held.delivery.fileName])
        return .discarded(fileName: held.delivery.fileName, nextSequence: held.delivery.sequence)
    }

    private static func open(_ configuration: Configuration, subscriber id: String) throws -> (ProcessLock, StateDatabase) {
        guard configuration.subscriber(id) != nil else {
            throw OperationFailure(.usage, "no subscriber '\(id)' in \(configuration.configPath)")
        }
        guard DurableFiles.exists(configuration.stateDatabase) else {
            throw OperationFailure(.noInput, "no state database at \(configuration.stateDatabase): nothing has been held")
        }
        let lock = try ProcessLock.acquire(path: configuration.lockPath)
        return (lock, try StateDatabase(path: configuration.stateDatabase))
    }
}
