import Foundation
import PrenumCrypto
import PrenumSQLite

/// Makes, signs, stages and publishes one subscriber's file of a run, isolated from the
/// others: a subscriber that fails is logged and retried by the next run; the rest go out.
struct SubscriberDeliverer {
    let configuration: Configuration
    let state: StateDatabase
    let signer: DeliverySigner
    let publisher: DeliveryPublisher
    let log: EventLog
    let faults: FaultInjector
    let clock: @Sendable () -> Date

    var ledger: RunLedger { RunLedger(database: state.database) }

    /// Publishes every delivery an interrupted process staged but did not finish.
    func recoverStaged() -> [RunReport.SubscriberResult] {
        var results: [RunReport.SubscriberResult] = []
        let staged: [DeliveryRecord]
        do {
            staged = try ledger.stagedDeliveries()
        } catch {
            log.log(.error, "recover.failed", ["message": String(describing: error)])
            return []
        }
        for delivery in staged {
            do {
                try publisher.publishRecovered(delivery)
                try ledger.markPublished(subscriber: delivery.subscriber, sequence: delivery.sequence, at: Timestamp.format(Date()))
                log.log(.warning, "delivery.recovered", ["subscriber": delivery.subscriber, "sequence": delivery.sequence, "file": delivery.fileName])
                results.append(Self.result(delivery, status: .recovered,
                                           message: "published the file staged for \(delivery.businessDate) by an earlier run"))
            } catch {
                log.log(.error, "delivery.recover-failed", ["subscriber": delivery.subscriber, "sequence": delivery.sequence, "message": String(describing: error)])
                results.append(Self.result(delivery, status: .failed, message: String(describing: error)))
            }
        }
        return results
    }

    /// How many subscribers are delivered at once. Much of a delivery waits on fsync, so a
    /// few more workers than cores keep both the disk and the CPUs busy.
    var workerCount: Int {
        if let count = configuration.tuning.deliveryWorkers, count > 0 {
            return min(count, 64)
        }
        return max(2, ProcessInfo.processInfo.activeProcessorCount * 2)
    }

    /// Delivers to every subscriber active on the run's date that has no file of this run yet,
    /// several at a time, each worker reading state through its own connection.
    ///
    /// `stuck` are the subscribers whose staged file could not be published: no later file is
    /// made for them (it would overtake the earlier one); the run records them as failed once.
    func deliverAll(run: RunRecord, stuck: [RunReport.SubscriberResult] = []) throws -> [RunReport.SubscriberResult] {
        let subscribers = configuration.subscribers
        let stuckMessages = Dictionary(stuck.map { ($0.subscriber, $0) }, uniquingKeysWith: { first, _ in first })
        let board = ResultBoard(count: subscribers.count)
        let writer = StateWriter(state)
        let workers = min(max(subscribers.count, 1), workerCount)
        let changeRows = try state.database.scalarInt("SELECT COUNT(*) FROM record_change") ?? 0
        let work = UncheckedBox(self)
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            let deliverer = work.value
            var reader: Database?
            while let index = board.nextIndex() {
                let subscriber = subscribers[index]
                let done: Int
                if let stuck = stuckMessages[subscriber.id] {
                    let held = OperationFailure(.cannotCreate, "staged file #\(stuck.sequence ?? 0) \(stuck.fileName ?? "") is not published yet; no later file is made until it is: \(stuck.message ?? "")")
                    _ = board.set(index, deliverer.failed(subscriber, run: run, error: held, writer: writer))
                    continue
                }
                do {
                    if reader == nil { reader = try deliverer.state.openReader() }
                    guard let reader else { continue }
                    done = board.set(index, try deliverer.deliverIfDue(subscriber, run: run, changeRows: changeRows, reader: reader, writer: writer))
                } catch {
                    done = board.set(index, deliverer.failed(subscriber, run: run, error: error, writer: writer))
                }
                // Progress for long runs: about every tenth of the subscribers.
                if subscribers.count >= 20 && done % max(1, subscribers.count / 10) == 0 {
                    deliverer.log.log(.info, "run.progress", ["subscribersDone": done, "subscribers": subscribers.count])
                }
            }
        }
        return board.results
    }

    private func deliverIfDue(_ subscriber: Subscriber, run: RunRecord, changeRows: Int64, reader: Database, writer: StateWriter) throws -> RunReport.SubscriberResult {
        guard subscriber.isActive(on: run.businessDate) else {
            return Self.undelivered(subscriber, run: run, status: .inactive, message: "terminated")
        }
        if let done = try RunLedger(database: reader).delivery(run: run.id, subscriber: subscriber.id) {
            return Self.result(done, status: .delivered)
        }
        // Nothing further goes to a subscriber whose file waits for the operator.
        if let held = try RunLedger(database: reader).heldDelivery(of: subscriber.id) {
            log.log(.warning, "delivery.still-held", ["subscriber": subscriber.id, "sequence": held.delivery.sequence,
                                                      "file": held.delivery.fileName])
            return Self.result(held.delivery, status: .held, message: Self.heldMessage(held))
        }
        let (delivery, outline) = try deliver(subscriber, run: run, changeRows: changeRows, reader: reader, writer: writer)
        var result = Self.result(delivery, status: delivery.status == .held ? .held : .delivered,
                                 message: delivery.status == .held ? "held by the brake on mass removals" : nil)
        result.outline = outline
        result.bytes = delivery.xmlBytes
        return result
    }

    static func heldMessage(_ held: HeldDelivery) -> String {
        "held by the brake on mass removals since \(held.heldAt): it removes \(held.removed) of \(held.removed + held.kept) records; `prenum release` or `prenum discard`"
    }

    private func failed(_ subscriber: Subscriber, run: RunRecord, error: Error, writer: StateWriter) -> RunReport.SubscriberResult {
        let message = String(describing: error)
        log.log(.error, "delivery.failed", ["subscriber": subscriber.id, "message": message])
        try? writer.withLedger { try $0.recordFailure(run: run.id, subscriber: subscriber.id, at: Timestamp.format(Date()), message: message) }
        return Self.undelivered(subscriber, run: run, status: .failed, message: message)
    }

    static func result(_ delivery: DeliveryRecord, status: RunReport.SubscriberResult.Status,
                       message: String? = nil) -> RunReport.SubscriberResult {
        .init(subscriber: delivery.subscriber, status: status, businessDate: delivery.businessDate, sequence: delivery.sequence,
              kind: delivery.kind, fileName: delivery.fileName, persons: delivery.persons, records: delivery.records,
              unsubscribed: delivery.unsubscribed, message: message)
    }

    static func undelivered(_ subscriber: Subscriber, run: RunRecord, status: RunReport.SubscriberResult.Status,
                            message: String) -> RunReport.SubscriberResult {
        .init(subscriber: subscriber.id, status: status, businessDate: run.businessDate, sequence: nil,
              kind: nil, fileName: nil, persons: 0, records: 0, unsubscribed: 0, message: message)
    }

    func profile(of subscriber: Subscriber) -> DeliveryProfile {
        .of(subscriber, historyDays: configuration.historyDays)
    }

    /// Writes, signs, stages and publishes the subscriber's file for `run`.
    func deliver(_ subscriber: Subscriber, run: RunRecord, changeRows: Int64, reader: Database,
                 writer stateWriter: StateWriter) throws -> (DeliveryRecord, DeliveryOutline) {
        let began = Date()
        let profile = profile(of: subscriber)
        let position = try RunLedger(database: reader).position(of: subscriber.id)
        let isDelta = position.watermark == run.baseWatermark && position.profile == profile.fingerprint && !position.refreshPending
        let kind: DeliveryKind = isDelta ? .delta : .full
        var outline = DeliveryOutline(reason: DeliveryOutline.reason(position: position, profile: profile, baseWatermark: run.baseWatermark))
        let sequence = position.lastSequence + 1
        let outbox = subscriber.outboxFolder(in: configuration)
        let fileName = DeliveryFileName(subscriberID: subscriber.id, sequence: sequence, businessDate: run.businessDate, kind: kind).xmlName
        var header = DeliveryHeader(subscriberID: subscriber.id, orgNumber: subscriber.orgNumber.digits,
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

        var planner = DeltaPlanner(database: reader, subscriber: subscriber.id,
                                   visibility: .of(subscriber, in: configuration, on: run.businessDate), changeRows: changeRows)
        let tally = subscriber.formatVersion.carriesMirrorFingerprint ? FingerprintTally() : nil
        planner.tally = tally
        let writer = try DeliveryWriter(path: paths.stagedData, header: header)
        let summary: DeliveryFileSummary
        // Every person the file names, in file order, for the disclosure index.
        var named: [(pnr: String, offset: Int64?)] = []
        do {
            if isDelta {
                try planner.forEachDeltaPerson { pnr, decisions, journaled in
                    try writer.beginPerson(pnr: pnr)
                    for decision in decisions {
                        switch decision {
                        case .new(let version):
                            try writer.write(change: .new, version: version)
                            outline.newRecords += 1
                        case .changed(let version):
                            try writer.write(change: .changed, version: version)
                            outline.changedRecords += 1
                        case .removed(let key, _):
                            try writer.writeRemoved(key: key)
                            outline.removedRecords += 1
                            if journaled.contains(key) { outline.removedByRegister += 1 }
                        case .none: break
                        }
                    }
                    if try writer.endPerson() { named.append((pnr, writer.lastElementOffset)) }
                }
                try planner.forEachUnsubscribed { pnr in
                    try writer.writeUnsubscribed(pnr: pnr)
                    named.append((pnr, writer.lastElementOffset))
                    if let tally { try planner.tallyUnsubscribed(pnr, in: tally) }
                }
            } else {
                try planner.forEachFullPerson { pnr, versions in
                    try writer.beginPerson(pnr: pnr)
                    for version in versions {
                        try writer.write(change: .new, version: version)
                        tally?.add(version)
                    }
                    outline.newRecords += versions.count
                    if try writer.endPerson() { named.append((pnr, writer.lastElementOffset)) }
                }
            }
            var held: MirrorFingerprint?
            if let tally {
                var total = isDelta
                    ? try FingerprintStore(database: reader).held(subscriber: subscriber.id, windowFrom: header.windowFrom.description)
                    : MirrorFingerprint.empty
                total.add(tally.total)
                held = total
            }
            summary = try writer.finish(held: held)
        } catch {
            writer.abandon()
            throw error
        }
        faults.reach(.deliverAfterWrite, subscriber: subscriber.id)

        let signature = try signer.signFile(paths.stagedData)
        try DurableFiles.write(signature, to: paths.stagedSignature)
        try DurableFiles.sync(folder: DeliveryPublisher.stagingFolder(outbox: outbox))
        let signatureHash = try SHA256Digest.hex(ofFile: paths.stagedSignature)
        faults.reach(.deliverAfterSign, subscriber: subscriber.id)

        var delivery = DeliveryRecord(subscriber: subscriber.id, sequence: sequence, runID: run.id, businessDate: run.businessDate,
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
                try fingerprints.record(subscriber: subscriber.id, tally: tally, windowFrom: header.windowFrom.description, replacing: !isDelta)
            } else {
                try fingerprints.forget(subscriber: subscriber.id)
            }
            try DisclosureIndex(database: ledger.database).record(fileName: fileName, subscriber: subscriber.id, sequence: sequence,
                                                                  businessDate: run.businessDate.description,
                                                                  profile: .init(subscriber), persons: named)
        }
        if isDelta, let held = try brakeHolds(delivery, outline: outline, planner: planner, run: run, profile: profile, reader: reader) {
            try stateWriter.transaction {
                try $0.hold(held)
                try recordWithFile($0)
            }
            faults.reach(.deliverAfterHold, subscriber: subscriber.id)
            log.log(.warning, "delivery.held", [
                "subscriber": subscriber.id, "sequence": sequence, "file": fileName, "removed": held.removed, "kept": held.kept,
                "removedPercent": String(format: "%.1f", held.removedPercent), "limitPercent": configuration.brake.removalPercent,
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
        log.log(.info, "delivery.published", [
            "subscriber": subscriber.id, "sequence": sequence, "kind": kind.rawValue, "persons": summary.persons,
            "records": summary.records, "unsubscribed": summary.unsubscribed, "bytes": summary.byteCount,
            "durationSeconds": String(format: "%.3f", Date().timeIntervalSince(began)),
        ])
        delivery.status = .published
        return (delivery, outline)
    }

    /// The held file, when the brake on mass removals stops this one: it takes away more than
    /// the configured share of what the recipient holds, for reasons from the register. What
    /// the recipient keeps is counted (a read of the population's records) only for a removal
    /// large enough to matter, so ordinary nights cost nothing more.
    private func brakeHolds(_ delivery: DeliveryRecord, outline: DeliveryOutline, planner: DeltaPlanner, run: RunRecord,
                            profile: DeliveryProfile, reader: Database) throws -> HeldDelivery? {
        let brake = configuration.brake
        let removed = outline.removedByRegister
        guard removed >= brake.minimumRecords else { return nil }
        let persons = Int(try reader.scalarInt("SELECT COUNT(*) FROM subscription WHERE subscriber = ? AND present = 1",
                                               [delivery.subscriber]) ?? 0)
        guard brake.worthCounting(removed: removed, persons: persons) else { return nil }
        // What is visible after the file, less what it adds, is what the recipient keeps.
        var visible = 0
        try planner.forEachFullPerson { _, versions in visible += versions.count }
        let kept = visible - outline.newRecords
        guard brake.holds(removed: removed, kept: kept) else { return nil }
        return HeldDelivery(delivery: delivery, watermark: run.highWater, profile: profile.fingerprint, removed: removed,
                            kept: max(0, kept), heldAt: Timestamp.format(Date()))
    }
}

/// Hands out subscriber indexes to the workers and collects their results in config order.
private final class ResultBoard: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0
    private var done = 0
    private var slots: [RunReport.SubscriberResult?]

    init(count: Int) {
        slots = Array(repeating: nil, count: count)
    }

    func nextIndex() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard next < slots.count else { return nil }
        next += 1
        return next - 1
    }

    /// Records a result; returns how many subscribers are done.
    @discardableResult
    func set(_ index: Int, _ result: RunReport.SubscriberResult) -> Int {
        lock.lock()
        defer { lock.unlock() }
        slots[index] = result
        done += 1
        return done
    }

    var results: [RunReport.SubscriberResult] {
        lock.lock()
        defer { lock.unlock() }
        return slots.compactMap { $0 }
    }
}

/// Carries a value into `concurrentPerform`'s closure. Safe here because the workers only
/// read the deliverer's immutable configuration and reach shared state through `StateWriter`
/// and their own connections.
struct UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
