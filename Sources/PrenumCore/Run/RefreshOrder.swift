import Foundation

/// `prenum refresh`: the operator's repair tool. The next run sends the subscriber a FULL
/// file with everything visible to it, replacing whatever its recipient holds.
public enum RefreshOrder {
    /// Records the order under the run lock, so it can never be swallowed by a run in flight.
    public static func place(configuration: Configuration, subscriber id: String, now: Date = Date()) throws {
        guard configuration.subscriber(id) != nil else {
            throw OperationFailure(.usage, "no subscriber '\(id)' in \(configuration.configPath)")
        }
        let lock = try ProcessLock.acquire(path: configuration.lockPath)
        defer { withExtendedLifetime(lock) {} }
        let state = try StateDatabase(path: configuration.stateDatabase)
        try RunLedger(database: state.database).orderRefresh(subscriber: id, at: Timestamp.format(now))
    }
}
