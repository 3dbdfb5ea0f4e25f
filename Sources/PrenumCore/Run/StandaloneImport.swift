import Foundation

/// `prenum import` outside a run. Population changes are tied to the snapshot of the run that
/// delivers them, so while an interrupted run is unfinished its snapshot must not see new
/// lists: the files wait, and `prenum run` finishes that run first.
public enum StandaloneImport {
    public static func run(configuration: Configuration, log: EventLog, now: Date = Date()) throws -> [PopulationFileOutcome] {
        try configuration.prepareStateFolder()
        let lock = try ProcessLock.acquire(path: configuration.lockPath)
        defer { lock.release() }
        let state = try StateContinuity(configuration: configuration).openState()
        if let interrupted = try RunLedger(database: state.database).incompleteRun() {
            throw OperationFailure(
                .temporaryFailure,
                "the run for \(interrupted.businessDate) was interrupted and is not finished; `prenum run` finishes it first, then imports the waiting population files"
            )
        }
        return try PopulationImporter(state: state, configuration: configuration, log: log).importPending(now: now)
    }
}
