import Foundation
import PrenumCrypto

/// Puts a staged file pair where the recipient polls, in the order that survives a crash
/// anywhere: archive copy, then the signature, then the data, each by an atomic rename, then
/// the folder fsync. A recipient never sees a data file without its signature, a partial file,
/// or a file that is later taken back.
struct DeliveryPublisher {
    let archiveRoot: String
    let faults: FaultInjector

    init(archiveRoot: String, faults: FaultInjector) {
        self.archiveRoot = archiveRoot
        self.faults = faults
    }

    /// Where a subscriber's files wait, invisible to recipients, until they are staged.
    static func stagingFolder(outbox: String) -> String {
        (outbox as NSString).appendingPathComponent(".prenum-staging")
    }

    struct Paths {
        let stagedData: String
        let stagedSignature: String
        let data: String
        let signature: String
        let archivedData: String
        let archivedSignature: String
    }

    func paths(for delivery: DeliveryRecord) -> Paths {
        paths(subscriber: delivery.subscriber, outbox: delivery.outbox, fileName: delivery.fileName)
    }

    func paths(subscriber: String, outbox: String, fileName: String) -> Paths {
        let staging = Self.stagingFolder(outbox: outbox)
        let archive = (archiveRoot as NSString).appendingPathComponent(subscriber)
        return Paths(
            stagedData: (staging as NSString).appendingPathComponent(fileName + ".tmp"),
            stagedSignature: (staging as NSString).appendingPathComponent(fileName + ".sig.tmp"),
            data: (outbox as NSString).appendingPathComponent(fileName),
            signature: (outbox as NSString).appendingPathComponent(fileName + ".sig"),
            archivedData: (archive as NSString).appendingPathComponent(fileName),
            archivedSignature: (archive as NSString).appendingPathComponent(fileName + ".sig"))
    }

    /// The files of a staged delivery are gone or altered, so it cannot be finished.
    struct LostStagedFile: PrenumFailure {
        let path: String
        var exitCode: ExitCode { .dataError }
        var description: String {
            "staged delivery file \(path) is missing or does not match the hash recorded when it was made; order `prenum refresh` for this subscriber"
        }
    }

    /// A published name already holds other bytes: never overwrite what a recipient may have read.
    struct ConflictingPublishedFile: PrenumFailure {
        let path: String
        var exitCode: ExitCode { .dataError }
        var description: String { "\(path) already exists with other content than recorded; refusing to replace a published file" }
    }

    /// Publishes a delivery whose staged files were just written by this process.
    func publishFresh(_ delivery: DeliveryRecord) throws {
        let paths = paths(for: delivery)
        try DurableFiles.makeFolder((paths.archivedData as NSString).deletingLastPathComponent)
        try DurableFiles.copy(paths.stagedData, to: paths.archivedData)
        try DurableFiles.copy(paths.stagedSignature, to: paths.archivedSignature)
        faults.reach(.deliverAfterArchive, subscriber: delivery.subscriber)
        try DurableFiles.move(paths.stagedSignature, to: paths.signature)
        faults.reach(.deliverAfterSignatureRename, subscriber: delivery.subscriber)
        try DurableFiles.move(paths.stagedData, to: paths.data)
        try DurableFiles.sync(folder: delivery.outbox)
        faults.reach(.deliverAfterDataRename, subscriber: delivery.subscriber)
    }

    /// Finishes a delivery staged by an earlier, interrupted process. What is on disk is
    /// judged by the hashes recorded at staging, never by how far the last attempt got.
    func publishRecovered(_ delivery: DeliveryRecord) throws {
        let paths = paths(for: delivery)
        try DurableFiles.makeFolder(delivery.outbox)
        try DurableFiles.makeFolder((paths.archivedData as NSString).deletingLastPathComponent)

        let dataSources = [paths.data, paths.stagedData, paths.archivedData]
        let signatureSources = [paths.signature, paths.stagedSignature, paths.archivedSignature]
        guard let goodData = try firstMatching(dataSources, sha256: delivery.xmlSHA256) else {
            throw LostStagedFile(path: paths.stagedData)
        }
        guard let goodSignature = try firstMatching(signatureSources, sha256: delivery.signatureSHA256) else {
            throw LostStagedFile(path: paths.stagedSignature)
        }
        for (target, source, sha256) in [
            (paths.archivedData, goodData, delivery.xmlSHA256),
            (paths.archivedSignature, goodSignature, delivery.signatureSHA256)
        ]
        where try !matches(target, sha256: sha256) {
            try DurableFiles.copy(source, to: target)
        }
        if try !matches(paths.signature, sha256: delivery.signatureSHA256) {
            if DurableFiles.exists(paths.signature) { throw ConflictingPublishedFile(path: paths.signature) }
            try place(goodSignature, staged: paths.stagedSignature, at: paths.signature)
        }
        if try !matches(paths.data, sha256: delivery.xmlSHA256) {
            if DurableFiles.exists(paths.data) { throw ConflictingPublishedFile(path: paths.data) }
            try place(goodData, staged: paths.stagedData, at: paths.data)
        }
        try DurableFiles.sync(folder: delivery.outbox)
        for leftover in [paths.stagedData, paths.stagedSignature] where DurableFiles.exists(leftover) {
            unlink(leftover)
        }
    }

    private func place(_ source: String, staged: String, at target: String) throws {
        if source == staged {
            try DurableFiles.move(staged, to: target)
        } else {
            try DurableFiles.copy(source, to: target)
        }
    }

    func matches(_ path: String, sha256: String) throws -> Bool {
        guard DurableFiles.exists(path) else { return false }
        return try SHA256Digest.hex(ofFile: path) == sha256
    }

    private func firstMatching(_ candidates: [String], sha256: String) throws -> String? {
        for candidate in candidates where try matches(candidate, sha256: sha256) { return candidate }
        return nil
    }
}
