import Foundation

extension NightlyRun {
    /// A completed date run again delivers the subscribers that have no file of it (they failed
    /// before staging: a missing outbox, a full disk), from the same snapshot and recorded time,
    /// instead of leaving them to the next night. Only while it is the latest run: its change
    /// set is still the state's, and only for a run that took a snapshot (not one `prenum
    /// recover` rebuilt). Nil when there is nothing to deliver.
    func retryFailed(
        _ run: RunRecord, deliverer: SubscriberDeliverer, state: StateDatabase,
        results: [RunReport.SubscriberResult], started: Date
    ) throws -> RunReport? {
        let ledger = RunLedger(database: state.database)
        guard try ledger.latestRunID() == run.id else { return nil }
        // A run `prenum recover` rebuilt from the archive has no snapshot to deliver from: the
        // state's watermark is that of the run's own snapshot only when it took one.
        guard try state.meta.snapshotWatermark() == run.highWater else { return nil }
        let delivered = Set(try ledger.deliveries(ofRun: run.id).map(\.subscriber))
        // A file the brake holds waits for the operator, not for a retry.
        let missing = try configuration.subscribers.filter {
            try $0.isActive(on: run.businessDate) && !delivered.contains($0.id) && ledger.heldDelivery(of: $0.id) == nil
        }
        guard !missing.isEmpty else { return nil }
        log.log(
            .warning, "run.retry",
            [
                "businessDate": run.businessDate.description, "run": run.id,
                "subscribers": missing.map(\.id).joined(separator: ",")
            ])
        let retried = try deliverer.deliverAll(run: run).filter { result in missing.contains { $0.id == result.subscriber } }
        try complete(run, state: state)
        return finish(
            RunReport(
                businessDate: run.businessDate, outcome: .completed, runID: run.id, subscribers: results + retried,
                populationFiles: 0, durationSeconds: 0), started: started)
    }
}
