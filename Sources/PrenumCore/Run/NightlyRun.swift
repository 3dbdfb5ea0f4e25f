import Foundation
import PrenumCrypto
import PrenumSQLite

/// The nightly job: lock, finish whatever an interrupted run left, import population files,
/// take one snapshot of the register, and deliver one signed file to every active subscriber.
///
/// Every step is either recorded in one state transaction or repeatable from what is: a run
/// killed anywhere is finished by the next with the same sequence numbers and bytes.
public final class NightlyRun {
    let configuration: Configuration
    let log: EventLog
    let faults: FaultInjector
    let clock: @Sendable () -> Date
    /// How long to wait for an upstream writer's lock on the register before giving up (75).
    let registerBusyTimeoutMilliseconds: Int32
    /// When the record copy's recent versions are folded in (`RecordStore`): at this percentage
    /// of the compacted copy.
    let compactionPercent: Int
    /// Called once the run holds the lock (the run command marks the metrics "in progress").
    public var onLocked: () -> Void = {}
    /// Whether a completed run compacts and repacks when due; a dry run's scratch copy does not.
    var performsMaintenance = true
    /// The look before population files are read (`InboxLook`); nil: the configuration's tuning.
    let inboxLookSeconds: TimeInterval?

    public init(
        configuration: Configuration, log: EventLog, faults: FaultInjector = .none,
        clock: @escaping @Sendable () -> Date = { Date() }, registerBusyTimeoutMilliseconds: Int32 = 10_000,
        compactionPercent: Int = RecordStore.defaultCompactionPercent, inboxLookSeconds: TimeInterval? = nil
    ) {
        self.configuration = configuration
        self.log = log
        self.faults = faults
        self.clock = clock
        self.registerBusyTimeoutMilliseconds = registerBusyTimeoutMilliseconds
        self.compactionPercent = compactionPercent
        self.inboxLookSeconds = inboxLookSeconds
    }

    /// Runs for `businessDate` (default: today in the configured zone).
    public func execute(businessDate requested: CalendarDate? = nil) throws -> RunReport {
        let started = Date()
        let businessDate = requested ?? configuration.today(now: clock())
        try configuration.formatLifecycle.check(configuration, on: businessDate)
        // Checked before anything is created: 64, 65, 66 and 78 leave no lock and no state.
        let opened = try RunPreflight(
            configuration: configuration, registerBusyTimeoutMilliseconds: registerBusyTimeoutMilliseconds,
            now: clock()
        ).check(businessDate: businessDate)
        try configuration.prepareStateFolder()
        let lock = try ProcessLock.acquire(path: configuration.lockPath)
        defer { withExtendedLifetime(lock) {} }
        onLocked()
        log.log(.info, "run.start", ["businessDate": businessDate.description])
        for warning in configuration.formatLifecycle.warnings(for: configuration.subscribers, on: businessDate) {
            log.log(
                .warning, "format.support-ending",
                [
                    "subscriber": warning.subscriber, "formatVersion": warning.version.number,
                    "supportEnds": warning.supportEnds.description, "moveTo": warning.current.number
                ])
        }

        let state = try StateContinuity(configuration: configuration).openState()
        let signer = opened.signer
        let register = opened.register
        let ledger = RunLedger(database: state.database)
        let quarantine = QuarantineLedger(database: state.database)
        let publisher = DeliveryPublisher(archiveRoot: configuration.archive, faults: faults)
        let deliverer = SubscriberDeliverer(
            configuration: configuration, state: state, signer: signer,
            publisher: publisher, log: log, faults: faults, clock: clock)

        let recovered = deliverer.recoverStaged()
        // A configured subscriber whose staged file is still not out gets no later file, and
        // `deliverAll` reports it once, as failed in this run.
        let isStuck = { (result: RunReport.SubscriberResult) in
            result.status == .failed && self.configuration.subscriber(result.subscriber) != nil
        }
        let stuck = recovered.filter(isStuck)
        var results = recovered.filter { !isStuck($0) }

        if let interrupted = try ledger.incompleteRun() {
            log.log(.warning, "run.resume", ["businessDate": interrupted.businessDate.description, "run": interrupted.id])
            results += try deliverer.deliverAll(run: interrupted, stuck: stuck)
            try complete(interrupted, state: state)
            if interrupted.businessDate == businessDate {
                return finish(
                    RunReport(
                        businessDate: businessDate, outcome: .completed, runID: interrupted.id,
                        subscribers: results, populationFiles: 0, durationSeconds: 0,
                        quarantined: try quarantine.count(atRun: interrupted.id)), started: started)
            }
        }

        if let existing = try ledger.run(on: businessDate), existing.status == .completed {
            if let retried = try retryFailed(existing, deliverer: deliverer, state: state, results: results, started: started) {
                return retried
            }
            log.log(.info, "run.already-completed", ["businessDate": businessDate.description, "run": existing.id])
            return finish(
                RunReport(
                    businessDate: businessDate, outcome: .alreadyCompleted, runID: existing.id,
                    subscribers: results + stuck, populationFiles: 0, durationSeconds: 0,
                    quarantined: try quarantine.count(atRun: existing.id)), started: started)
        }
        if let last = try ledger.lastCompletedRun(), businessDate < last.businessDate {
            throw RunPreflight.beforeLastCompleted(businessDate, last: last.businessDate)
        }

        let imported = try PopulationImporter(
            state: state, configuration: configuration, log: log, faults: faults,
            lookSeconds: inboxLookSeconds
        ).importPending(now: clock())
        // The snapshot's commit is checkpointed in the background while the files are made.
        let run = try state.withoutAutomaticCheckpoints {
            let run = try RegisterSnapshotPhase(
                state: state, register: register, log: log, faults: faults,
                flaggedLimit: configuration.tuning.versionCheckFlaggedLimit
            )
            .take(businessDate: businessDate, createdAt: Timestamp.format(clock()), startedAt: Timestamp.format(Date()))
            let checkpoint = BackgroundCheckpoint(statePath: state.path, log: log)
            defer { checkpoint.wait() }
            results += try deliverer.deliverAll(run: run, stuck: stuck)
            return run
        }
        faults.reach(.runBeforeComplete)
        try complete(run, state: state)
        var report = RunReport(
            businessDate: businessDate, outcome: .completed, runID: run.id, subscribers: results,
            populationFiles: imported.count, durationSeconds: 0, quarantined: try quarantine.count(atRun: run.id))
        report.populationFileOutcomes = Dictionary(
            PopulationFileOutcome.Kind.allCases.map { kind in
                (kind.rawValue, imported.filter { $0.kind == kind }.count)
            }, uniquingKeysWith: +)
        report.deferredPopulationFiles = imported.filter { $0.kind == .deferred }.count
        return finish(report, started: started)
    }

    func complete(_ run: RunRecord, state: StateDatabase) throws {
        let untracked = try state.database.transaction {
            let untracked = try RecordStore(database: state.database).untrackAbandonedPersons()
            try RunLedger(database: state.database).completeRun(run.id, finishedAt: Timestamp.format(Date()))
            return untracked
        }
        log.log(.info, "run.completed", ["businessDate": run.businessDate.description, "run": run.id, "untrackedPersons": untracked])
        guard performsMaintenance else { return }
        let compacted = compactIfDue(state)
        foldDisclosuresIfDue(state)
        repackIfDue(state, compacted: compacted)
    }

    /// Maintenance after the files are out: folds the record copy's recent versions in when
    /// they are due. Deferred to a later run if it fails; the copy reads the same either way.
    /// Whether it compacted.
    @discardableResult
    private func compactIfDue(_ state: StateDatabase) -> Bool {
        maintainIfDue(state, done: "copy.compacted", deferred: "copy.compaction-deferred", count: "recentRecords") {
            let store = RecordStore(database: state.database)
            guard let recent = try store.recentRowsDue(percent: compactionPercent) else { return nil }
            try store.compact()
            faults.reach(.compactBeforeCommit)
            return recent
        }
    }

    /// Maintenance after the files are out: folds the nights' disclosure pairs into the
    /// person-clustered index when they are due. Deferred to a later run if it fails; a
    /// disclosure query reads both parts either way.
    private func foldDisclosuresIfDue(_ state: StateDatabase) {
        maintainIfDue(state, done: "disclosures.folded", deferred: "disclosures.fold-deferred", count: "pairs") {
            let index = DisclosureIndex(database: state.database)
            guard let recent = try index.recentPairsDue(percent: compactionPercent) else { return nil }
            try index.fold()
            return recent
        }
    }

    /// One maintenance step in its own transaction: `step` returns how many rows it folded, or
    /// nil when it was not due. A failure is logged and leaves the step owed to a later run.
    /// Whether it ran.
    @discardableResult
    private func maintainIfDue(
        _ state: StateDatabase, done: String, deferred: String, count: String, _ step: () throws -> Int64?
    ) -> Bool {
        let began = Date()
        do {
            guard let rows = try state.database.transaction(.immediate, step) else { return false }
            log.log(.info, done, [count: rows, "durationSeconds": String(format: "%.3f", Date().timeIntervalSince(began))])
            return true
        } catch {
            log.log(.warning, deferred, ["message": String(describing: error)])
            return false
        }
    }

    /// Repacks the state file after a compaction, or once the copy has grown by a quarter
    /// since the last repack (the first run, large new populations): inserts in no particular
    /// key order leave B-tree pages partly empty, and every night then reads more pages than it
    /// needs (the benchmark's first run: 15 % of the file, and a quarter of the heavy night).
    /// Deferred to a later run if it fails (a full disk, say).
    private func repackIfDue(_ state: StateDatabase, compacted: Bool) {
        let began = Date()
        do {
            let meta = state.meta
            let copyRows = try meta.copyRows()
            let repackedAt = try meta.repackedCopyRows()
            // A repack that failed or was cut short is owed until one succeeds.
            let owed = try meta.repackOwed()
            guard compacted || owed || copyRows * 4 > repackedAt * 5 else { return }
            try meta.setRepackOwed(true)
            let pages = try state.repack()
            try meta.setRepackedCopyRows(copyRows)
            try meta.setRepackOwed(false)
            log.log(
                .info, "state.repacked",
                [
                    "pagesBefore": pages.before, "pagesAfter": pages.after,
                    "durationSeconds": String(format: "%.3f", Date().timeIntervalSince(began))
                ])
        } catch {
            log.log(.warning, "state.repack-deferred", ["message": String(describing: error)])
        }
    }

    func finish(_ report: RunReport, started: Date) -> RunReport {
        var report = report
        report.durationSeconds = Date().timeIntervalSince(started)
        let failed = report.subscribers.filter { $0.status == .failed }.count
        let delivered = report.subscribers.filter { $0.status == .delivered }.count
        let retried = report.subscribers.filter { $0.status == .recovered }.count
        let held = report.subscribers.filter { $0.status == .held }.count
        log.log(
            failed + held > 0 ? .warning : .info, "run.end",
            [
                "businessDate": report.businessDate.description, "outcome": report.outcome.rawValue,
                "delivered": delivered, "failed": failed, "held": held, "retried": retried, "quarantined": report.quarantined,
                "exitCode": report.exitCode.rawValue,
                "durationSeconds": String(format: "%.3f", report.durationSeconds)
            ])
        return report
    }
}
