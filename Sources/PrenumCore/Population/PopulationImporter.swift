import Foundation
import PrenumCrypto
import PrenumSQLite

/// Imports the population files waiting in the subscribers' inboxes (SPEC section 3).
///
/// The state commit is the point of truth. Each file is applied in one transaction, whole or
/// not at all; only after the commit is the file moved out of the inbox. A crash before the
/// commit leaves the file where it was; a crash after it is finished by the next import,
/// which recognises the file's SHA-256 as already applied and only moves it.
final class PopulationImporter {
    let state: StateDatabase
    let configuration: Configuration
    let log: EventLog
    let faults: FaultInjector

    /// How long a file must stay unchanged before it is read (`InboxLook`).
    let lookSeconds: TimeInterval

    /// `lookSeconds` nil: the configuration's tuning.
    init(
        state: StateDatabase, configuration: Configuration, log: EventLog, faults: FaultInjector = .none,
        lookSeconds: TimeInterval? = nil
    ) throws {
        self.state = state
        self.configuration = configuration
        self.log = log
        self.faults = faults
        self.lookSeconds = lookSeconds ?? configuration.tuning.inboxLookSeconds
    }

    var database: Database { state.database }

    /// Imports every pending file of every configured subscriber (terminated ones too: their
    /// populations are kept consistent until their configuration is removed).
    ///
    /// Throws only when the state database cannot be prepared; a file that cannot be handled
    /// is reported as a `failed` outcome and stops that subscriber's later files, since their
    /// order matters, while other subscribers go on.
    func importPending(now: Date = Date()) throws -> [PopulationFileOutcome] {
        try PopulationApplier.prepare(database)
        reportUnknownInboxFolders()
        return importPending(for: configuration.subscribers, now: now)
    }

    /// Imports one subscriber's pending files in byte-wise name order.
    func importPending(for subscriber: Subscriber, now: Date = Date()) -> [PopulationFileOutcome] {
        importPending(for: [subscriber], now: now)
    }

    /// Lists the subscribers' inboxes, takes one look at every file in them, then imports.
    private func importPending(for subscribers: [Subscriber], now: Date) -> [PopulationFileOutcome] {
        var listings: [(Subscriber, Result<[InboxListing.Entry], Error>)] = []
        for subscriber in subscribers {
            listings.append(
                (
                    subscriber,
                    Result {
                        try PopulationApplier.prepare(database)
                        return try InboxListing.entries(in: subscriber.inboxFolder(in: configuration))
                    }
                ))
        }
        let candidates = listings.flatMap { subscriber, listing in
            ((try? listing.get()) ?? []).filter { $0.kind == .regular }
                .map { InboxLook.Candidate(folder: subscriber.inboxFolder(in: configuration), rawName: $0.rawName) }
        }
        let changed = InboxLook.changed(candidates, seconds: lookSeconds)
        var outcomes: [PopulationFileOutcome] = []
        for (subscriber, listing) in listings {
            switch listing {
            case .success(let entries): outcomes += importListed(entries, subscriber: subscriber, changed: changed, now: now)
            case .failure(let error):
                let outcome = failedOutcome(subscriber, name: "(inbox)", error: error)
                record(outcome)
                outcomes.append(outcome)
            }
        }
        return outcomes
    }

    private func importListed(
        _ entries: [InboxListing.Entry], subscriber: Subscriber, changed: Set<InboxLook.Candidate>,
        now: Date
    ) -> [PopulationFileOutcome] {
        let folder = subscriber.inboxFolder(in: configuration)
        var outcomes: [PopulationFileOutcome] = []
        for entry in entries {
            if changed.contains(InboxLook.Candidate(folder: folder, rawName: entry.rawName)) {
                let outcome = PopulationFileOutcome(
                    subscriber: subscriber.id, fileName: entry.name, sha256: nil, kind: .deferred,
                    counts: PopulationCounts(),
                    message:
                        "the file changed during the look before it was read (still being written?); it and the later-named files are left for the next import"
                )
                record(outcome)
                outcomes.append(outcome)
                break
            }
            if entry.kind == .directory {
                log.log(.warning, "population_inbox_folder_ignored", ["subscriber": subscriber.id, "folder": entry.name])
                continue
            }
            let outcome: PopulationFileOutcome
            do {
                outcome = try importEntry(entry, subscriber: subscriber, folder: folder, now: now)
            } catch {
                outcome = failedOutcome(subscriber, name: entry.name, error: error)
            }
            record(outcome)
            outcomes.append(outcome)
            if outcome.kind == .failed || outcome.kind == .deferred { break }
        }
        return outcomes
    }

    private func importEntry(_ entry: InboxListing.Entry, subscriber: Subscriber, folder: String, now: Date) throws -> PopulationFileOutcome
    {
        switch entry.kind {
        case .symbolicLink:
            return try rejectWhole(
                entry, subscriber: subscriber, folder: folder, reason: "the file is a symbolic link; links are not followed", now: now)
        case .other, .directory:
            return try rejectWhole(entry, subscriber: subscriber, folder: folder, reason: "not a regular file", now: now)
        case .regular:
            if let problem = entry.nameProblem {
                return try rejectWhole(entry, subscriber: subscriber, folder: folder, reason: problem, now: now)
            }
            return try importRegular(entry, subscriber: subscriber, folder: folder, now: now)
        }
    }

    /// Reads, hashes and applies one file in a single pass inside one transaction, then
    /// commits it, or rolls back and rejects it, or recognises it as a duplicate.
    private func importRegular(_ entry: InboxListing.Entry, subscriber: Subscriber, folder: String, now: Date) throws
        -> PopulationFileOutcome
    {
        let display = folder + "/" + entry.name
        let descriptor = InboxListing.withPath(folder: folder, rawName: entry.rawName) {
            open($0, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        }
        guard descriptor >= 0 else {
            switch errno {
            case ELOOP:
                return try rejectWhole(
                    entry, subscriber: subscriber, folder: folder, reason: "the file is a symbolic link; links are not followed", now: now)
            case ENOENT:
                return PopulationFileOutcome(
                    subscriber: subscriber.id, fileName: entry.name, sha256: nil, kind: .deferred,
                    counts: PopulationCounts(), message: "the file disappeared before it was read")
            default: throw OperationFailure(.noInput, "cannot open population file \(display): \(String(cString: strerror(errno)))")
            }
        }
        defer { close(descriptor) }
        let before = try FileIdentity(descriptor: descriptor, path: display)
        guard before.isRegular else {
            return try rejectWhole(entry, subscriber: subscriber, folder: folder, reason: "not a regular file", now: now)
        }

        let isFull = entry.rawName.starts(with: Array("full-".utf8))
        let receivedAt = Timestamp.format(now)
        var digest = SHA256Digest()
        var counts = PopulationCounts()
        var report: RejectionReport?
        let rejectedFolder = folder + "/" + InboxListing.rejectedFolder
        let parser = PopulationFileParser(purpose: subscriber.purpose)

        // The archive copy made inside the transaction, taken back if the commit fails (a full disk).
        var archived: (index: Int64, sha256: String)?
        let verdict: ImportVerdict
        do {
            verdict = try database.inTransaction(.immediate) { () throws -> TransactionEnd<ImportVerdict> in
                try database.run(
                    """
                    INSERT INTO population_file(subscriber, file_name, sha256, bytes, outcome, lines, bad_lines, added, removed, updated, received_at)
                    VALUES (?1, ?2, '', 0, 'applied', 0, 0, 0, 0, 0, ?3)
                    """, [subscriber.id, entry.name, receivedAt])
                let fileID = database.lastInsertRowID
                let applier = try PopulationApplier(database: database, subscriber: subscriber.id, fileID: fileID, tracksSeen: isFull)
                let totals = try parser.parse(fileDescriptor: descriptor, path: display, observe: { digest.update($0) }) { item in
                    switch item {
                    case .line(let line):
                        if report == nil { try applier.apply(line, to: &counts) }
                    case .problem(let problem):
                        let writer = try report ?? RejectionReport(folder: rejectedFolder, subscriber: subscriber.id, fileName: entry.name)
                        report = writer
                        try writer.add(problem)
                    }
                }
                let sha256 = digest.finalizeHex()
                counts.lines = totals.dataLines
                counts.badLines = totals.badLines

                let after = try FileIdentity(descriptor: descriptor, path: display)
                if after != before || after.size != totals.bytes {
                    return .rollback(.deferred("the file changed while it was read (still being written?); it is left for the next import"))
                }
                if let report {
                    return .rollback(.rejected(report, sha256: sha256, bytes: totals.bytes))
                }
                // A `full-` file is applied again even with bytes applied before: it says "this is my
                // population now" (SPEC section 3); only its own interrupted import is finished instead.
                if let original = try appliedFile(subscriber: subscriber.id, sha256: sha256),
                    !isFull
                        || interruptedAcceptance(entry, subscriber: subscriber, folder: folder, sha256: sha256, original: original) != nil
                {
                    return .rollback(.duplicate(of: original, sha256: sha256, bytes: totals.bytes))
                }
                if isFull { try applier.removeUnseen(&counts) }
                try database.run(
                    """
                    UPDATE population_file SET sha256 = ?2, bytes = ?3, lines = ?4, bad_lines = 0, added = ?5, removed = ?6, updated = ?7
                    WHERE id = ?1
                    """, [fileID, sha256, totals.bytes, counts.lines, counts.added, counts.removed, counts.updated])
                guard let index = try archive(fileID: fileID, subscriber: subscriber.id, source: display, sha256: sha256, name: entry.name)
                else {
                    return .rollback(
                        .deferred("the file changed while it was archived (still being written?); it is left for the next import"))
                }
                archived = (index, sha256)
                faults.reach(.importBeforeCommit, subscriber: subscriber.id)
                return .commit(.accepted(sha256: sha256))
            }
        } catch {
            if let archived {
                PopulationArchive(archiveRoot: configuration.archive)
                    .discard(subscriber: subscriber.id, index: archived.index, sha256: archived.sha256, originalName: entry.name)
            }
            throw error
        }
        switch verdict {
        case .accepted(let sha256):
            faults.reach(.importAfterCommit, subscriber: subscriber.id)
            return try finishAcceptance(entry, subscriber: subscriber, folder: folder, sha256: sha256, counts: counts, now: now)
        case .deferred(let message):
            return PopulationFileOutcome(
                subscriber: subscriber.id, fileName: entry.name, sha256: nil, kind: .deferred,
                counts: PopulationCounts(), message: message)
        case .rejected(let report, let sha256, let bytes):
            return try finishRejection(
                entry, subscriber: subscriber, folder: folder, report: report, sha256: sha256,
                bytes: bytes, counts: counts, reason: nil, now: now)
        case .duplicate(let original, let sha256, let bytes):
            return try finishDuplicate(
                entry, subscriber: subscriber, folder: folder, sha256: sha256, bytes: bytes,
                lines: counts.lines, original: original, now: now)
        }
    }

    /// What one file's applying transaction found: only `accepted` commits; every other verdict
    /// rolls back and is finished (a receipt, a move) after the state is as it was.
    private enum ImportVerdict {
        case accepted(sha256: String)
        case deferred(String)
        case rejected(RejectionReport, sha256: String, bytes: Int)
        case duplicate(of: PopulationReceipt.AppliedAs, sha256: String, bytes: Int)
    }

    /// Keeps the file in the archive at its place in the subscriber's order of application and
    /// records that place with it, inside the applying transaction (`PopulationArchive`). The
    /// place, or nil when the copy's bytes are not the ones parsed.
    private func archive(fileID: Int64, subscriber: String, source: String, sha256: String, name: String) throws -> Int64? {
        let index =
            try database.scalarInt("SELECT COUNT(*) FROM population_file WHERE subscriber = ? AND outcome = 'applied'", [subscriber]) ?? 1
        let archive = PopulationArchive(archiveRoot: configuration.archive)
        guard try archive.store(source: source, subscriber: subscriber, index: index, sha256: sha256, originalName: name) == sha256 else {
            archive.discard(subscriber: subscriber, index: index, sha256: sha256, originalName: name)
            return nil
        }
        try database.run("UPDATE population_file SET archive_index = ?2 WHERE id = ?1", [fileID, index])
        return index
    }

    /// Warns about every folder in the inbox root that is no configured subscriber's: files
    /// dropped there would otherwise wait without a word. Never read.
    private func reportUnknownInboxFolders() {
        guard let entries = try? InboxListing.entries(in: configuration.inbox) else { return }
        let known = Set(configuration.subscribers.map(\.id))
        for entry in entries where entry.kind == .directory && !known.contains(entry.name) {
            log.log(
                .warning, "population_inbox_unknown",
                [
                    "folder": entry.name,
                    "message": "an inbox folder of no configured subscriber; not read"
                ])
        }
    }

    /// The earlier applied file with these bytes, if any.
    private func appliedFile(subscriber: String, sha256: String) throws -> PopulationReceipt.AppliedAs? {
        let statement = try database.cached(
            """
            SELECT file_name, received_at FROM population_file WHERE subscriber = ?1 AND sha256 = ?2 AND outcome = 'applied'
            ORDER BY id DESC LIMIT 1
            """)
        try statement.bind([subscriber, sha256])
        defer { statement.reset() }
        guard try statement.step() else { return nil }
        return PopulationReceipt.AppliedAs(file: try statement.text("file_name"), receivedAt: try statement.text("received_at"))
    }

    func failedOutcome(_ subscriber: Subscriber, name: String, error: Error) -> PopulationFileOutcome {
        let failure = error as? PrenumFailure
        let message = failure?.description ?? "\(error)"
        return PopulationFileOutcome(
            subscriber: subscriber.id, fileName: name, sha256: nil, kind: .failed, counts: PopulationCounts(),
            message: message, exitCode: failure?.exitCode ?? .cannotCreate)
    }

    /// One log line per file; counts and names only, never a line's content.
    private func record(_ outcome: PopulationFileOutcome) {
        let level: EventLog.Level =
            switch outcome.kind {
            case .accepted, .duplicate: .info
            case .rejected, .deferred: .warning
            case .failed: .error
            }
        let c = outcome.counts
        log.log(
            level, "population_file",
            [
                "subscriber": outcome.subscriber, "file": outcome.fileName, "outcome": outcome.kind.rawValue,
                "lines": c.lines, "added": c.added, "removed": c.removed, "updated": c.updated, "unchanged": c.unchanged,
                "not_subscribed": c.notSubscribed, "bad_lines": c.badLines, "message": outcome.message ?? ""
            ])
    }
}
