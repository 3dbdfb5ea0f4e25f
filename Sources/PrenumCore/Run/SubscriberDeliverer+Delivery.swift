import Foundation
import PrenumCrypto
import PrenumSQLite

/// One subscriber's file of a run: which kind (`DeliveryKindRule`), written
/// (`DeliveryFileBuilder`), signed, staged with the subscriber's new position, held by the
/// brake on mass removals or published.
extension SubscriberDeliverer {
    func profile(of subscriber: Subscriber) -> DeliveryProfile {
        .of(subscriber, historyDays: configuration.historyDays)
    }

    /// Writes, signs, stages and publishes the subscriber's file for `run`.
    func deliver(
        _ subscriber: Subscriber, run: RunRecord, changeRows: Int64, reader: Database,
        writer stateWriter: StateWriter
    ) throws -> (DeliveryRecord, DeliveryOutline) {
        let began = Date()
        let profile = profile(of: subscriber)
        let position = try RunLedger(database: reader).position(of: subscriber.id)
        let kind = DeliveryKindRule.kind(position: position, profile: profile, baseWatermark: run.baseWatermark)
        var outline = DeliveryOutline(
            reason: DeliveryOutline.reason(position: position, profile: profile, baseWatermark: run.baseWatermark))
        let sequence = position.lastSequence + 1
        let outbox = subscriber.outboxFolder(in: configuration)
        let fileName = DeliveryFileName(subscriberID: subscriber.id, sequence: sequence, businessDate: run.businessDate, kind: kind).xmlName
        var header = DeliveryHeader(
            subscriberID: subscriber.id, orgNumber: subscriber.orgNumber.digits,
            formatVersion: subscriber.formatVersion, sequence: sequence,
            previousSequence: position.lastSequence, kind: kind, businessDate: run.businessDate,
            createdAt: run.createdAt, keyID: signer.keyID,
            windowFrom: profile.windowStart(on: run.businessDate), previousHash: position.lastXMLSHA256)
        if subscriber.formatVersion.carriesMirrorFingerprint {
            header.purpose = subscriber.purpose
            header.legalBasis = subscriber.effectiveLegalBasis
        }

        try DurableFiles.makeFolder(outbox)
        try DurableFiles.makeFolder(DeliveryPublisher.stagingFolder(outbox: outbox))
        let paths = publisher.paths(subscriber: subscriber.id, outbox: outbox, fileName: fileName)
        for stale in [paths.stagedData, paths.stagedSignature] { unlink(stale) }

        var planner = DeltaPlanner(
            database: reader, subscriber: subscriber.id,
            visibility: .of(subscriber, in: configuration, on: run.businessDate), changeRows: changeRows)
        let tally = subscriber.formatVersion.carriesMirrorFingerprint ? FingerprintTally() : nil
        planner.tally = tally
        let written = try DeliveryFileBuilder(planner: planner, reader: reader).write(
            header: header, to: paths.stagedData, outline: &outline)
        let summary = written.summary
        faults.reach(.deliverAfterWrite, subscriber: subscriber.id)

        let signature = try signer.signFile(paths.stagedData)
        try DurableFiles.write(signature, to: paths.stagedSignature)
        try DurableFiles.sync(folder: DeliveryPublisher.stagingFolder(outbox: outbox))
        let signatureHash = try SHA256Digest.hex(ofFile: paths.stagedSignature)
        faults.reach(.deliverAfterSign, subscriber: subscriber.id)

        var delivery = DeliveryRecord(
            subscriber: subscriber.id, sequence: sequence, runID: run.id, businessDate: run.businessDate,
            kind: kind.rawValue, fileName: fileName, outbox: outbox, xmlSHA256: summary.sha256,
            xmlBytes: summary.byteCount, signatureSHA256: signatureHash, keyID: signer.keyID,
            persons: summary.persons, records: summary.records, unsubscribed: summary.unsubscribed,
            status: .staged)
        // What the recipient holds after this file (format 3) and whom it names, recorded with
        // the file: a held file's are kept too, so a release needs nothing recomputed (a discard
        // forgets them, and its FULL replaces the fingerprint).
        func recordWithFile(_ ledger: RunLedger) throws {
            let fingerprints = FingerprintStore(database: ledger.database)
            if let tally {
                try fingerprints.record(
                    subscriber: subscriber.id, tally: tally, windowFrom: header.windowFrom.description, replacing: kind == .full)
            } else {
                try fingerprints.forget(subscriber: subscriber.id)
            }
            try DisclosureIndex(database: ledger.database).record(
                fileName: fileName, subscriber: subscriber.id, sequence: sequence,
                businessDate: run.businessDate.description,
                profile: .init(subscriber), persons: written.named)
        }
        if kind == .delta,
            let held = try brakeHolds(delivery, outline: outline, planner: planner, run: run, profile: profile, reader: reader)
        {
            try stateWriter.transaction {
                try $0.hold(held)
                try recordWithFile($0)
            }
            faults.reach(.deliverAfterHold, subscriber: subscriber.id)
            log.log(
                .warning, "delivery.held",
                [
                    "subscriber": subscriber.id, "sequence": sequence, "file": fileName, "removed": held.removed, "kept": held.kept,
                    "removedPercent": String(format: "%.1f", held.removedPercent), "limitPercent": configuration.brake.removalPercent
                ])
            delivery.status = .held
            return (delivery, outline)
        }
        try stateWriter.transaction {
            try $0.stage(delivery, watermark: run.highWater, profile: profile.fingerprint, stagedAt: Timestamp.format(Date()))
            try recordWithFile($0)
        }
        faults.reach(.deliverAfterStage, subscriber: subscriber.id)

        try publisher.publishFresh(delivery)
        try stateWriter.withLedger { try $0.markPublished(subscriber: subscriber.id, sequence: sequence, at: Timestamp.format(Date())) }
        faults.reach(.deliverAfterPublish, subscriber: subscriber.id)
        log.log(
            .info, "delivery.published",
            [
                "subscriber": subscriber.id, "sequence": sequence, "kind": kind.rawValue, "persons": summary.persons,
                "records": summary.records, "unsubscribed": summary.unsubscribed, "bytes": summary.byteCount,
                "durationSeconds": String(format: "%.3f", Date().timeIntervalSince(began))
            ])
        delivery.status = .published
        return (delivery, outline)
    }

    /// The held file, when the brake on mass removals stops this one: it takes away more than
    /// the configured share of what the recipient holds, for reasons from the register. What
    /// the recipient keeps is counted (a read of the population's records) only for a removal
    /// large enough to matter, so ordinary nights cost nothing more.
    private func brakeHolds(
        _ delivery: DeliveryRecord, outline: DeliveryOutline, planner: DeltaPlanner, run: RunRecord,
        profile: DeliveryProfile, reader: Database
    ) throws -> HeldDelivery? {
        let brake = configuration.brake
        let removed = outline.removedByRegister
        guard removed >= brake.minimumRecords else { return nil }
        let persons = try SubscriptionStore(database: reader).presentCount(subscriber: delivery.subscriber)
        guard brake.worthCounting(removed: removed, persons: persons) else { return nil }
        // What is visible after the file, less what it adds, is what the recipient keeps.
        var visible = 0
        try planner.forEachFullPerson { _, versions in visible += versions.count }
        let kept = visible - outline.newRecords
        guard brake.holds(removed: removed, kept: kept) else { return nil }
        return HeldDelivery(
            delivery: delivery, watermark: run.highWater, profile: profile.fingerprint, removed: removed,
            kept: max(0, kept), heldAt: Timestamp.format(Date()))
    }
}
