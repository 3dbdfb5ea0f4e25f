import Foundation
import PrenumCrypto
import PrenumSQLite
import PrenumSystem

/// Makes, signs, stages and publishes each subscriber's file of a run, several subscribers at
/// a time and each isolated from the others: a subscriber that fails is logged and retried by
/// the next run; the rest go out. Here the worker pool: each worker writes its DELTA files
/// together from one pass over the night's change set (`ChangeSetScan`) and every other file
/// alone; one subscriber's file is `SubscriberDeliverer+Delivery.swift`.
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
                log.log(
                    .warning, "delivery.recovered",
                    ["subscriber": delivery.subscriber, "sequence": delivery.sequence, "file": delivery.fileName])
                results.append(
                    Self.result(
                        delivery, status: .recovered,
                        message: "published the file staged for \(delivery.businessDate) by an earlier run"))
            } catch {
                log.log(
                    .error, "delivery.recover-failed",
                    ["subscriber": delivery.subscriber, "sequence": delivery.sequence, "message": String(describing: error)])
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

    /// How many DELTA files one `ChangeSetScan` writes: the tuning's number, as far as the
    /// process may open files (each is one for the length of the scan, `scans` at once).
    func changeScanLimit(scans: Int) -> Int {
        let openFiles = SystemCall.openFileLimit ?? 1024
        // Room for SQLite's files, the signer and the publisher besides.
        return min(configuration.tuning.changeScanSubscribers, max(1, (openFiles - 128) / max(scans, 1)))
    }

    /// How many written files are signed, staged and published at once unless the operator
    /// sets the delivery workers: each mostly waits on fsync, so more than the cores.
    static let completionWorkers = 8

    /// A DELTA created in staging, waiting for its scan; `weight` is what it is likely to cost.
    struct ScannedDelta {
        let index: Int
        let prepared: PreparedDelivery
        let weight: Int
    }

    /// A file written, or the reason it could not be, waiting to be signed and published.
    struct WrittenFile {
        let index: Int
        let prepared: PreparedDelivery
        let written: Result<DeliveryFileBuilder.Written, Error>
    }

    /// Delivers to every subscriber active on the run's date that has no file of this run yet,
    /// several at a time, each worker reading state through its own connection, in three steps:
    /// 1. each subscriber's file is worked out and created in staging; every file but a DELTA
    ///    is written, signed and published at once;
    /// 2. the DELTAs are shared out in groups of about equal weight, each group written from
    ///    one pass over the night's change set (`ChangeSetScan`);
    /// 3. the DELTAs written are signed, staged and published, several at a time.
    ///
    /// `stuck` are the subscribers whose staged file could not be published: no later file is
    /// made for them (it would overtake the earlier one); the run records them as failed once.
    func deliverAll(run: RunRecord, stuck: [RunReport.SubscriberResult] = []) throws -> [RunReport.SubscriberResult] {
        let subscribers = configuration.subscribers
        let stuckMessages = Dictionary(stuck.map { ($0.subscriber, $0) }, uniquingKeysWith: { first, _ in first })
        let board = ResultBoard(count: subscribers.count)
        let writer = StateWriter(state)
        let workers = min(max(subscribers.count, 1), workerCount)
        let changeRows = try RecordStore(database: state.database).changeRowCount()
        // A scan is busy on its core throughout, and each reads the change set again: as many
        // as there are cores.
        let scans = min(workers, max(1, ProcessInfo.processInfo.activeProcessorCount))
        let scanLimit = changeScanLimit(scans: scans)
        let waiting = WorkQueue<ScannedDelta>()
        let work = UncheckedBox(self)

        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            let deliverer = work.value
            var reader: Database?
            while let index = board.nextIndex() {
                let subscriber = subscribers[index]
                if let stuck = stuckMessages[subscriber.id] {
                    let held = OperationFailure(
                        .cannotCreate,
                        "staged file #\(stuck.sequence ?? 0) \(stuck.fileName ?? "") is not published yet; no later file is made until it is: \(stuck.message ?? "")"
                    )
                    deliverer.record(index, deliverer.failed(subscriber, run: run, error: held, writer: writer), on: board)
                    continue
                }
                do {
                    if reader == nil { reader = try deliverer.state.openReader() }
                    guard let reader else { continue }
                    if let settled = try deliverer.settled(subscriber, run: run, reader: reader) {
                        deliverer.record(index, settled, on: board)
                        continue
                    }
                    let prepared = try deliverer.prepare(subscriber, run: run, changeRows: changeRows, reader: reader)
                    if prepared.kind == .delta && scanLimit > 1 {
                        let weight = try RunLedger(database: reader).recordsOfLastFile(of: subscriber.id)
                        waiting.append(ScannedDelta(index: index, prepared: prepared, weight: weight))
                        continue
                    }
                    let written = try prepared.builder.write()
                    let made = try deliverer.complete(prepared, written: written, run: run, reader: reader, writer: writer)
                    deliverer.record(index, Self.delivered(made), on: board)
                } catch {
                    deliverer.record(index, deliverer.failed(subscriber, run: run, error: error, writer: writer), on: board)
                }
            }
        }

        let deltas = waiting.items
        let groups = UncheckedBox(
            Self.groups(weights: deltas.map(\.weight), count: scans, limit: scanLimit).map { $0.map { deltas[$0] } })
        let written = WorkQueue<WrittenFile>()
        DispatchQueue.concurrentPerform(iterations: groups.value.count) { group in
            written.append(contentsOf: work.value.writeScanned(groups.value[group], run: run))
        }

        // In the subscribers' order, as many at once as the operator allows (or a few more than
        // the cores).
        let completing = WorkQueue(written.items.sorted { $0.index < $1.index })
        let completers = configuration.tuning.deliveryWorkers.map { min(max($0, 1), 64) } ?? Self.completionWorkers
        Self.onThreads(min(completers, completing.items.count)) {
            let deliverer = work.value
            var reader: Database?
            while let file = completing.next() {
                let subscriber = file.prepared.subscriber
                do {
                    let written = try file.written.get()
                    if reader == nil { reader = try deliverer.state.openReader() }
                    guard let reader else { continue }
                    let made = try deliverer.complete(file.prepared, written: written, run: run, reader: reader, writer: writer)
                    deliverer.record(file.index, Self.delivered(made), on: board)
                } catch {
                    deliverer.record(file.index, deliverer.failed(subscriber, run: run, error: error, writer: writer), on: board)
                }
            }
        }
        return board.results
    }

    /// Records a subscriber's result, and logs progress for long runs: about every tenth.
    private func record(_ index: Int, _ result: RunReport.SubscriberResult, on board: ResultBoard) {
        let done = board.set(index, result)
        let count = configuration.subscribers.count
        if count >= 20 && done % max(1, count / 10) == 0 {
            log.log(.info, "run.progress", ["subscribersDone": done, "subscribers": count])
        }
    }

    /// Shares out items of these weights in at least `count` groups (as many as there are
    /// items, if fewer) of at most `limit`, the heaviest first into the lightest group, so the
    /// scans end about together; each group lists its items' offsets.
    static func groups(weights: [Int], count: Int, limit: Int) -> [[Int]] {
        guard !weights.isEmpty else { return [] }
        let limit = max(limit, 1)
        let groupCount = max(min(count, weights.count), (weights.count + limit - 1) / limit)
        var groups = Array(repeating: [Int](), count: groupCount)
        var loads = Array(repeating: 0, count: groupCount)
        let heaviestFirst = weights.indices.sorted { (weights[$0], $1) > (weights[$1], $0) }
        for item in heaviestFirst {
            let open = groups.indices.filter { groups[$0].count < limit }
            guard let lightest = open.min(by: { (loads[$0], $0) < (loads[$1], $1) }) else { break }
            groups[lightest].append(item)
            loads[lightest] += max(weights[item], 0) + 1
        }
        return groups
    }

    /// Runs `body` on `count` threads of its own and waits for them: unlike `concurrentPerform`,
    /// more threads than cores, for work that mostly waits on the disk.
    static func onThreads(_ count: Int, _ body: @escaping @Sendable () -> Void) {
        let group = DispatchGroup()
        for _ in 0..<count {
            group.enter()
            Thread {
                body()
                group.leave()
            }.start()
        }
        group.wait()
    }

    /// Writes the DELTA files of `group` from one `ChangeSetScan` of the run's changes, on a
    /// read connection of its own: a file that fails is the only one failed.
    private func writeScanned(_ group: [ScannedDelta], run: RunRecord) -> [WrittenFile] {
        var failures: [Int: Error] = [:]
        var members: [ChangeSetScan.Member] = []
        var memberOf: [Int] = []  // the group offset of each member
        let began = Date()
        do {
            let reader = try state.openReader()
            for (offset, delta) in group.enumerated() {
                do {
                    // The file was created through another worker's connection.
                    delta.prepared.builder.read(through: reader)
                    members.append(.init(try DeltaPersonMerge(planner: delta.prepared.builder.planner)))
                    memberOf.append(offset)
                } catch {
                    failures[offset] = error
                }
            }
            try ChangeSetScan(database: reader).run(
                &members,
                visit: { member, pnr, decisions, journaled in
                    try group[memberOf[member]].prepared.builder.addDeltaPerson(pnr, decisions, journaled)
                },
                failed: { member, error in failures[memberOf[member]] = error })
        } catch {
            for offset in group.indices where failures[offset] == nil { failures[offset] = error }
        }
        log.log(
            .info, "delivery.scanned",
            [
                "subscribers": group.count, "failed": failures.count,
                "durationSeconds": String(format: "%.3f", Date().timeIntervalSince(began))
            ])
        return group.enumerated().map { offset, delta in
            let builder = delta.prepared.builder
            let written: Result<DeliveryFileBuilder.Written, Error>
            if let failure = failures[offset] {
                written = .failure(failure)
            } else {
                written = Result { try builder.finish() }
            }
            if case .failure = written { builder.abandon() }
            return WrittenFile(index: delta.index, prepared: delta.prepared, written: written)
        }
    }

    /// The subscriber's result when no file is to be made for it in `run`: terminated, its file
    /// of this run already made, or an earlier file waiting for the operator.
    private func settled(_ subscriber: Subscriber, run: RunRecord, reader: Database) throws -> RunReport.SubscriberResult? {
        guard subscriber.isActive(on: run.businessDate) else {
            return Self.undelivered(subscriber, run: run, status: .inactive, message: "terminated")
        }
        if let done = try RunLedger(database: reader).delivery(run: run.id, subscriber: subscriber.id) {
            return Self.result(done, status: .delivered)
        }
        // Nothing further goes to a subscriber whose file waits for the operator.
        if let held = try RunLedger(database: reader).heldDelivery(of: subscriber.id) {
            log.log(
                .warning, "delivery.still-held",
                [
                    "subscriber": subscriber.id, "sequence": held.delivery.sequence,
                    "file": held.delivery.fileName
                ])
            return Self.result(held.delivery, status: .held, message: Self.heldMessage(held))
        }
        return nil
    }

    /// The result of a file made in this run, held by the brake or published.
    private static func delivered(_ made: (DeliveryRecord, DeliveryOutline)) -> RunReport.SubscriberResult {
        let (delivery, outline) = made
        var result = Self.result(
            delivery, status: delivery.status == .held ? .held : .delivered,
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
        try? writer.withLedger {
            try $0.recordFailure(run: run.id, subscriber: subscriber.id, at: Timestamp.format(Date()), message: message)
        }
        return Self.undelivered(subscriber, run: run, status: .failed, message: message)
    }

    static func result(
        _ delivery: DeliveryRecord, status: RunReport.SubscriberResult.Status,
        message: String? = nil
    ) -> RunReport.SubscriberResult {
        .init(
            subscriber: delivery.subscriber, status: status, businessDate: delivery.businessDate, sequence: delivery.sequence,
            kind: delivery.kind, fileName: delivery.fileName, persons: delivery.persons, records: delivery.records,
            unsubscribed: delivery.unsubscribed, message: message)
    }

    static func undelivered(
        _ subscriber: Subscriber, run: RunRecord, status: RunReport.SubscriberResult.Status,
        message: String
    ) -> RunReport.SubscriberResult {
        .init(
            subscriber: subscriber.id, status: status, businessDate: run.businessDate, sequence: nil,
            kind: nil, fileName: nil, persons: 0, records: 0, unsubscribed: 0, message: message)
    }
}
