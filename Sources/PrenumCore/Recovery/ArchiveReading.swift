import Foundation
import PrenumCrypto

/// What `prenum recover` reads from the archive before it writes anything: every subscriber's
/// chain of delivery files, checked by signature and hash, and its applied population files in
/// their order of application. A problem anywhere is collected, so the operator sees all of
/// them at once and nothing is changed.
struct ArchiveReading {
    /// One archived delivery file, checked.
    struct ArchivedDelivery {
        let name: DeliveryFileName
        let fileName: String
        let path: String
        let xmlSHA256: String
        let xmlBytes: Int64
        let signatureSHA256: String
        /// Where its checked signature is: beside it in the archive, or, for a chain's last file
        /// whose publication was cut off between the two archive copies, in the staging folder.
        let signaturePath: String
        let keyID: String
        let createdAt: String
        let persons: Int
        let records: Int
        let unsubscribed: Int
    }

    /// One subscriber's archive, as it will be rebuilt.
    struct SubscriberArchive {
        let subscriber: Subscriber
        var deliveries: [ArchivedDelivery] = []
        var populationFiles: [PopulationArchive.Entry] = []
        /// A last file archived without its signature anywhere: publication was cut off before
        /// the signature was copied, so no recipient saw it and its sequence is given again.
        var unfinished: String?

        var last: ArchivedDelivery? { deliveries.last }
    }

    let configuration: Configuration
    let keys: PublicKeyRing

    /// Reads and checks everything; returns the subscribers' archives and the problems found.
    func read() throws -> (archives: [SubscriberArchive], problems: [String]) {
        var archives: [SubscriberArchive] = []
        var problems: [String] = []
        let populations = PopulationArchive(archiveRoot: configuration.archive)
        for subscriber in configuration.subscribers {
            var archive = SubscriberArchive(subscriber: subscriber)
            let folder = (configuration.archive as NSString).appendingPathComponent(subscriber.id)
            var previous: ArchivedDelivery?
            let listedFiles = try StateContinuity.deliveryFiles(in: folder, subscriber: subscriber.id)
            let staging = DeliveryPublisher.stagingFolder(outbox: subscriber.outboxFolder(in: configuration))
            for (position, listed) in listedFiles.enumerated() {
                let isLast = position == listedFiles.count - 1
                var signatureSources = [listed.path + ".sig"]
                if isLast {
                    let name = (listed.path as NSString).lastPathComponent
                    signatureSources.append((staging as NSString).appendingPathComponent(name + ".sig.tmp"))
                    signatureSources.append((subscriber.outboxFolder(in: configuration) as NSString).appendingPathComponent(name + ".sig"))
                    if !signatureSources.contains(where: DurableFiles.exists) {
                        archive.unfinished = listed.path
                        break
                    }
                }
                do {
                    let checked = try check(listed, after: previous, signatureSources: signatureSources)
                    archive.deliveries.append(checked)
                    previous = checked
                } catch let problem as Problem {
                    problems.append(problem.text)
                    break
                }
            }
            let archivedTip = archive.last?.name.sequence ?? 0
            if let beyond = try StateContinuity.deliveryFiles(
                in: subscriber.outboxFolder(in: configuration), subscriber: subscriber.id, outbox: true
            )
            .first(where: { $0.name.sequence > archivedTip }) {
                problems.append(
                    "\(beyond.path) is in the outbox but not in the archive (the archive ends at sequence \(archivedTip)); copy it and its .sig into \(folder) and run `prenum recover` again"
                )
            }
            archive.populationFiles = try populations.entries(subscriber: subscriber.id)
            problems += populationProblems(
                archive.populationFiles, subscriber: subscriber.id, folder: populations.folder(subscriber: subscriber.id))
            archives.append(archive)
        }
        return (archives, problems)
    }

    private struct Problem: Error {
        let text: String
    }

    /// Signature, header against name, and the chain against the file before.
    private func check(
        _ listed: StateContinuity.ListedFile, after previous: ArchivedDelivery?,
        signatureSources: [String]
    ) throws -> ArchivedDelivery {
        let path = listed.path
        func fail(_ reason: String) -> Problem { Problem(text: "archived file \(path): \(reason)") }
        if let previous, listed.name.sequence != previous.name.sequence + 1 {
            throw fail(
                listed.name.sequence == previous.name.sequence
                    ? "sequence \(listed.name.sequence) is archived twice (also \(previous.fileName))"
                    : "sequences \(previous.name.sequence + 1)-\(listed.name.sequence - 1) are missing from the archive before it")
        }
        guard let signaturePath = signatureSources.first(where: DurableFiles.exists),
            let signature = FileManager.default.contents(atPath: signaturePath), signature.count == 64
        else {
            throw fail("its signature \(path).sig is missing or not 64 bytes")
        }
        let content = try DeliveryFileReader.read(path: path)
        let header = content.header
        guard let keyID = header["keyId"] else { throw fail("the header names no keyId") }
        switch keys.key(for: keyID) {
        case .failure(let problem):
            throw fail("\(problem.description); give the older public keys with --public-keys DIR")
        case .success(let key):
            guard try key.verifyFile(path: path, signature: [UInt8](signature)) else {
                throw fail("bad signature: the file is not what key \(key.keyID) signed")
            }
        }
        let expected = [
            ("subscriber", listed.name.subscriberID), ("sequence", String(listed.name.sequence)),
            ("businessDate", listed.name.businessDate.description), ("kind", listed.name.kind.rawValue),
            ("previousSequence", String(listed.name.sequence - 1))
        ]
        for (attribute, value) in expected where header[attribute] != value {
            throw fail("header \(attribute)=\(header[attribute] ?? "missing"), expected \(value)")
        }
        let sha256 = try SHA256Digest.hex(ofFile: path)
        let previousHash = previous?.xmlSHA256 ?? (listed.name.sequence == 1 ? DeliveryHeader.firstPreviousHash : nil)
        if let previousHash, header["previousHash"] != previousHash {
            throw fail("previousHash does not match the file before it in the archive")
        }
        let bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int64) ?? nil
        return ArchivedDelivery(
            name: listed.name, fileName: (path as NSString).lastPathComponent, path: path, xmlSHA256: sha256,
            xmlBytes: bytes ?? 0, signatureSHA256: try SHA256Digest.hex(ofFile: signaturePath),
            signaturePath: signaturePath, keyID: keyID,
            createdAt: header["createdAt"] ?? "", persons: content.persons, records: content.records,
            unsubscribed: content.unsubscribed)
    }

    /// The order of application must be whole: indexes 1, 2, ... each once, each copy's bytes
    /// the ones its name records.
    private func populationProblems(_ entries: [PopulationArchive.Entry], subscriber: String, folder: String) -> [String] {
        var problems: [String] = []
        var expected: Int64 = 1
        for entry in entries {
            if entry.index < expected {
                problems.append(
                    "population file \(entry.index) of \(subscriber) is archived twice (\(entry.path)); remove the one that does not belong"
                )
                continue
            }
            if entry.index > expected {
                let missing = entry.index - expected == 1 ? "\(expected)" : "\(expected)-\(entry.index - 1)"
                problems.append(
                    "population file(s) \(missing) of \(subscriber) are missing from \(folder) (applied before \(entry.originalName)); put the applied file(s) back there under their archive names"
                )
            }
            expected = entry.index + 1
            if (try? SHA256Digest.hex(ofFile: entry.path)) != entry.sha256 {
                problems.append("archived population file \(entry.path) does not hold the bytes its name records (SHA-256)")
            }
        }
        return problems
    }
}
