import Foundation
import PrenumCrypto
import PrenumSQLite

/// Makes, signs, stages and publishes each subscriber's file of a run, several subscribers at
/// a time and each isolated from the others: a subscriber that fails is logged and retried by
/// the next run; the rest go out. Here the worker pool; one subscriber's file is
/// `SubscriberDeliverer+Delivery.swift`.
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
        let changeRows = try RecordStore(database: state.database).changeRowCount()
        let work = UncheckedBox(self)
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            let deliverer = work.value
            var reader: Database?
            while let index = board.nextIndex() {
                let subscriber = subscribers[index]
                let done: Int
                if let stuck = stuckMessages[subscriber.id] {
                    let held = OperationFailure(
                        .cannotCreate,
                        "staged file #\(stuck.sequence ?? 0) \(stuck.fileName ?? "") is not published yet; no later file is made until it is: \(stuck.message ?? "")"
                    )
                    _ = board.set(index, deliverer.failed(subscriber, run: run, error: held, writer: writer))
                    continue
                }
                do {
                    if reader == nil { reader = try deliverer.state.openReader() }
                    guard let reader else { continue }
                    done = board.set(
                        index, try deliverer.deliverIfDue(subscriber, run: run, changeRows: changeRows, reader: reader, writer: writer))
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

    private func deliverIfDue(_ subscriber: Subscriber, run: RunRecord, changeRows: Int64, reader: Database, writer: StateWriter) throws
        -> RunReport.SubscriberResult
    {
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
        let (delivery, outline) = try deliver(subscriber, run: run, changeRows: changeRows, reader: reader, writer: writer)
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
