import Foundation

/// After the decision: reports, receipts, state rows and moves, in an order that a crash at
/// any step leaves repairable by simply importing again.
extension PopulationImporter {
    /// Receipt, then move: a crash between them makes the next import treat the file as the
    /// tail of an interrupted import and only move it.
    func finishAcceptance(
        _ entry: InboxListing.Entry, subscriber: Subscriber, folder: String, sha256: String,
        counts: PopulationCounts, now: Date
    ) throws -> PopulationFileOutcome {
        var receipt = PopulationReceipt(
            subscriber: subscriber.id, file: entry.name, sha256: sha256, outcome: "accepted",
            counts: counts, processedAt: Timestamp.format(now), report: nil, reason: nil, appliedAs: nil)
        receipt.formatNotice = formatNotice(for: subscriber, now: now)
        let receiptPath = try receipt.write(in: receiptsFolder(subscriber))
        let movedTo = try moveToProcessed(entry, folder: folder)
        return PopulationFileOutcome(
            subscriber: subscriber.id, fileName: entry.name, sha256: sha256, kind: .accepted, counts: counts,
            movedTo: movedTo, receiptPath: receiptPath)
    }

    /// The same bytes were applied before. Either this is that very file, committed by an
    /// import that was interrupted before it could move it (its accepted receipt is there and
    /// nothing of that name reached processed/), or a second delivery of the same content.
    /// The receipt of this very file's acceptance when its import was interrupted after the
    /// commit (same name, not moved yet), or nil.
    func interruptedAcceptance(
        _ entry: InboxListing.Entry, subscriber: Subscriber, folder: String, sha256: String,
        original: PopulationReceipt.AppliedAs
    ) -> PopulationReceipt? {
        let processed = folder + "/" + InboxListing.processedFolder
        guard original.file == entry.name, !DurableFiles.exists(processed + "/" + entry.name) else { return nil }
        return PopulationReceipt.existing(for: entry.name, in: receiptsFolder(subscriber))
            .first(where: { $0.sha256 == sha256 && $0.outcome == "accepted" })
    }

    func finishDuplicate(
        _ entry: InboxListing.Entry, subscriber: Subscriber, folder: String, sha256: String, bytes: Int,
        lines: Int, original: PopulationReceipt.AppliedAs, now: Date
    ) throws -> PopulationFileOutcome {
        let receipts = receiptsFolder(subscriber)
        if let earlier = interruptedAcceptance(entry, subscriber: subscriber, folder: folder, sha256: sha256, original: original) {
            let movedTo = try moveToProcessed(entry, folder: folder)
            return PopulationFileOutcome(
                subscriber: subscriber.id, fileName: entry.name, sha256: sha256, kind: .accepted,
                counts: earlier.counts, movedTo: movedTo,
                message: "completed an import that was interrupted after its commit")
        }
        let counts = PopulationCounts(lines: lines)
        try database.transaction {
            try insertFileRow(
                subscriber: subscriber.id, name: entry.name, sha256: sha256, bytes: bytes, outcome: "duplicate",
                counts: counts, receivedAt: Timestamp.format(now))
        }
        var receipt = PopulationReceipt(
            subscriber: subscriber.id, file: entry.name, sha256: sha256, outcome: "duplicate",
            counts: counts, processedAt: Timestamp.format(now), report: nil,
            reason: "the same bytes were applied before; nothing was applied again", appliedAs: original)
        receipt.formatNotice = formatNotice(for: subscriber, now: now)
        let receiptPath = try receipt.write(in: receipts)
        let movedTo = try moveToProcessed(entry, folder: folder)
        return PopulationFileOutcome(
            subscriber: subscriber.id, fileName: entry.name, sha256: sha256, kind: .duplicate, counts: counts,
            movedTo: movedTo, receiptPath: receiptPath,
            message: "same content as \(original.file), applied \(original.receivedAt)")
    }

    /// Refuses an entry without reading it: a symbolic link, something that is not a file,
    /// or a name that cannot be used safely.
    func rejectWhole(
        _ entry: InboxListing.Entry, subscriber: Subscriber, folder: String, reason: String,
        now: Date
    ) throws -> PopulationFileOutcome {
        let report = try RejectionReport(
            folder: folder + "/" + InboxListing.rejectedFolder, subscriber: subscriber.id, fileName: entry.name)
        report.add(fileReason: reason)
        return try finishRejection(
            entry, subscriber: subscriber, folder: folder, report: report, sha256: nil, bytes: 0,
            counts: PopulationCounts(), reason: reason, now: now)
    }

    /// Report, state row, receipt, then the move: a crash before the move rejects the file
    /// again at the next import, which is harmless.
    func finishRejection(
        _ entry: InboxListing.Entry, subscriber: Subscriber, folder: String, report: RejectionReport,
        sha256: String?, bytes: Int, counts: PopulationCounts, reason: String?, now: Date
    ) throws -> PopulationFileOutcome {
        let rejected = folder + "/" + InboxListing.rejectedFolder
        try DurableFiles.makeFolder(rejected)
        let finalName = DurableFiles.freeName(entry.name, in: rejected, companions: [RejectionReport.suffix])
        let reportPath = rejected + "/" + finalName + RejectionReport.suffix
        try report.install(at: reportPath, sha256: sha256, lines: reason == nil ? counts.lines : nil)
        try database.transaction {
            try insertFileRow(
                subscriber: subscriber.id, name: entry.name, sha256: sha256 ?? "", bytes: bytes, outcome: "rejected",
                counts: counts, receivedAt: Timestamp.format(now))
        }
        var receipt = PopulationReceipt(
            subscriber: subscriber.id, file: entry.name, sha256: sha256 ?? "", outcome: "rejected",
            counts: counts, processedAt: Timestamp.format(now), report: finalName + RejectionReport.suffix,
            reason: reason, appliedAs: nil)
        receipt.formatNotice = formatNotice(for: subscriber, now: now)
        let receiptPath = try receipt.write(in: receiptsFolder(subscriber))
        let movedTo = rejected + "/" + finalName
        try DurableFiles.move(folder: folder, rawName: entry.rawName, to: movedTo)
        let summary = reason ?? "\(counts.badLines) bad \(counts.badLines == 1 ? "line" : "lines"); see the report"
        return PopulationFileOutcome(
            subscriber: subscriber.id, fileName: entry.name, sha256: sha256, kind: .rejected, counts: counts,
            movedTo: movedTo, reportPath: reportPath, receiptPath: receiptPath, message: summary)
    }

    func receiptsFolder(_ subscriber: Subscriber) -> String {
        subscriber.outboxFolder(in: configuration) + "/" + PopulationReceipt.folderName
    }

    private func moveToProcessed(_ entry: InboxListing.Entry, folder: String) throws -> String {
        let processed = folder + "/" + InboxListing.processedFolder
        try DurableFiles.makeFolder(processed)
        let destination = processed + "/" + DurableFiles.freeName(entry.name, in: processed)
        try DurableFiles.move(folder: folder, rawName: entry.rawName, to: destination)
        return destination
    }

    private func insertFileRow(
        subscriber: String, name: String, sha256: String, bytes: Int, outcome: String,
        counts: PopulationCounts, receivedAt: String
    ) throws {
        try database.run(
            """
            INSERT INTO population_file(subscriber, file_name, sha256, bytes, outcome, lines, bad_lines, added, removed, updated, received_at)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0, 0, 0, ?8)
            """, [subscriber, name, sha256, bytes, outcome, counts.lines, counts.badLines, receivedAt])
    }

    /// The warning that the subscriber's format version's support ends soon, for its receipts.
    func formatNotice(for subscriber: Subscriber, now: Date) -> String? {
        configuration.formatLifecycle.warning(for: subscriber, on: configuration.today(now: now))?.description
    }
}
