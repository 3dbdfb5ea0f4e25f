import Foundation
import PrenumSQLite

/// The one writing connection to Prenum's state, shared by the delivery workers.
///
/// SQLite takes one writer at a time anyway; the lock makes that explicit and keeps the
/// connection (which is not thread-safe in SQLite's cheapest mode) on one thread at a time.
final class StateWriter: @unchecked Sendable {
    private let lock = NSLock()
    private let state: StateDatabase

    init(_ state: StateDatabase) {
        self.state = state
    }

    /// Runs `body` with the writing connection, alone.
    func withLedger<T>(_ body: (RunLedger) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(RunLedger(database: state.database))
    }

    /// Runs `body` in one write transaction, alone.
    func transaction<T>(_ body: (RunLedger) throws -> T) throws -> T {
        try withLedger { ledger in try state.database.transaction { try body(ledger) } }
    }
}
