import Foundation
import PrenumCore
import PrenumCrypto

/// `prenum apply`: verifies a folder, then applies one subscriber's files in sequence order to
/// a local mirror, each file in one transaction, as docs/DELIVERY-FORMAT.md tells recipients to.
///
/// It never skips a gap and never applies a file that does not chain onto what the mirror
/// holds; files already applied are skipped, so running it again changes nothing.
public struct MirrorApplier {
    public let verifier: DeliveryVerifier
    public let log: EventLog
    let clock: () -> Date

    public init(verifier: DeliveryVerifier, log: EventLog, clock: @escaping () -> Date = { Date() }) {
        self.verifier = verifier
        self.log = log
        self.clock = clock
    }

    public func apply(directory: String, mirrorPath: String) throws -> ApplyReport {
        let verification = try verifier.verify(directory: directory)
        var report = ApplyReport(verification: verification)
        guard verification.passed else {
            report.refusal = "verification failed; nothing applied"
            return report
        }
        let files = verification.files.compactMap { verdict in verdict.fileName.map { (verdict, $0) } }
        let subscribers = Set(files.map(\.1.subscriberID))
        let mirror = try MirrorDatabase(path: mirrorPath)
        var state = try mirror.state()
        report.state = state
        guard !files.isEmpty else { return report }
        let subscriber = state?.subscriber ?? subscribers.sorted()[0]
        let strangers = subscribers.subtracting([subscriber]).sorted()
        guard strangers.isEmpty else {
            report.refusal =
                state == nil
                ? "\(directory) holds files of several subscribers (\(subscribers.sorted().joined(separator: ", "))); one mirror holds one subscriber"
                : "mirror \(mirrorPath) holds subscriber \(subscriber); refusing files of \(strangers.joined(separator: ", "))"
            return report
        }

        for (verdict, name) in files {
            let lastSequence = state?.lastSequence ?? 0
            if name.sequence <= lastSequence {
                if let recorded = try mirror.appliedHash(sequence: name.sequence), recorded != verdict.sha256 {
                    report.refusal = "\(verdict.name) differs from the file applied earlier as sequence \(name.sequence)"
                    return report
                }
                report.skipped.append(verdict.name)
                continue
            }
            if let state {
                guard name.sequence == lastSequence + 1 else {
                    report.refusal =
                        "sequence \(lastSequence + 1) is missing (mirror is at \(state.lastFile), next file present is \(verdict.name)); ask for it to be re-delivered"
                    return report
                }
                guard verdict.content?.header["previousHash"] == state.lastHash else {
                    report.refusal = "\(verdict.name) previousHash does not match the SHA-256 of \(state.lastFile) applied earlier"
                    return report
                }
            } else if name.sequence != 1 && name.kind != .full {
                report.refusal =
                    "the mirror is empty and the first file present, \(verdict.name), is a DELTA: sequences 1-\(name.sequence - 1) are missing; get them re-delivered or order a refresh"
                return report
            }
            guard try SHA256Digest.hex(ofFile: verdict.path) == verdict.sha256 else {
                report.refusal = "\(verdict.name) changed after it was verified"
                return report
            }
            do {
                state = try applyFile(verdict, name: name, to: mirror, expectedLast: lastSequence)
            } catch let drift as MirrorDrift {
                report.refusal = drift.description
                return report
            }
            report.state = state
            report.applied.append(verdict.name)
        }
        return report
    }

    /// Applies one verified file in one transaction; the chain position is checked again inside
    /// it, so two `apply` processes on one mirror cannot both take a file.
    private func applyFile(
        _ verdict: FileVerdict, name: DeliveryFileName, to mirror: MirrorDatabase,
        expectedLast: Int64
    ) throws -> MirrorDatabase.State? {
        let began = Date()
        let header = verdict.content?.header ?? [:]
        let windowFrom = header["windowFrom"] ?? ""
        try mirror.transaction {
            guard (try mirror.state()?.lastSequence ?? 0) == expectedLast else {
                throw OperationFailure(
                    .temporaryFailure, "mirror \(mirror.path) moved on while applying \(verdict.name); another apply is running")
            }
            if name.kind == .full { try mirror.clear() }
            // The window first: a record it drops is one Prenum no longer counts as held, so it
            // may come again as NEW in this very file.
            try mirror.applyWindow(from: windowFrom)
            var handler = DeliveryFileReader.Handler()
            handler.record = { record in
                if record.change == .removed {
                    try mirror.remove(record.entity, id: record.id)
                } else {
                    try mirror.upsert(record)
                }
            }
            handler.unsubscribed = { try mirror.removePerson($0) }
            let content = try DeliveryFileReader.read(path: verdict.path, handler: handler)
            guard content.problems.isEmpty else {
                throw OperationFailure(
                    .dataError, "\(verdict.name) changed after it was verified: \(content.problems.joined(separator: "; "))")
            }
            // Format 3 says what the mirror must hold now: a difference is drift, found the
            // morning after, and this file is not applied on top of it.
            if let expected = MirrorDrift.expected(content) {
                let found = try mirror.fingerprint()
                guard found == expected else { throw MirrorDrift(file: verdict.name, expected: expected, found: found) }
            }
            try mirror.record(
                file: verdict.name, subscriber: name.subscriberID, sequence: name.sequence, sha256: verdict.sha256 ?? "",
                kind: name.kind.rawValue, formatVersion: Int(header["formatVersion"] ?? "") ?? 0,
                windowFrom: windowFrom, at: Timestamp.format(clock()))
        }
        log.log(
            .info, "apply.file",
            [
                "file": verdict.name, "sequence": name.sequence, "kind": name.kind.rawValue,
                "records": verdict.content?.records ?? 0,
                "durationSeconds": String(format: "%.3f", Date().timeIntervalSince(began))
            ])
        return try mirror.state()
    }
}

/// A mirror that does not hold what a format-3 trailer says it should after the file.
public struct MirrorDrift: PrenumFailure {
    public let file: String
    public let expected: MirrorFingerprint
    public let found: MirrorFingerprint

    public var exitCode: ExitCode { .dataError }

    public var description: String {
        "\(file): after applying it the mirror holds visible=\(found.visible) fingerprint=\(found.sum.hex), but its trailer says visible=\(expected.visible) fingerprint=\(expected.sum.hex); the mirror has drifted (damaged or changed by hand): the file was not applied; order a full refresh (prenum refresh) or restore the mirror"
    }

    /// What a format-3 file's trailer says the recipient holds; nil for earlier formats.
    public static func expected(_ content: DeliveryFileContent) -> MirrorFingerprint? {
        guard let version = content.header["formatVersion"].flatMap(Int.init).flatMap(FormatVersion.init(number:)),
            version.carriesMirrorFingerprint, let trailer = content.trailer,
            let visible = trailer["visible"].flatMap(Int64.init),
            let sum = trailer["fingerprint"].flatMap(Fingerprint256.init(hex:))
        else { return nil }
        return MirrorFingerprint(visible: visible, sum: sum)
    }
}
