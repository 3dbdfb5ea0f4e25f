import Dispatch
import PrenumSQLite

/// Copies the state database's write-ahead log into the database file on a thread of its own.
///
/// The snapshot commits hundreds of megabytes to the log; checkpointing them on the writing
/// connection right after the commit would hold up every delivery for seconds. A passive
/// checkpoint on its own connection overlaps with the deliveries instead: readers and the
/// writer go on, and what it cannot copy yet is left to a later checkpoint.
final class BackgroundCheckpoint: @unchecked Sendable {
    private let group = DispatchGroup()

    /// Starts the checkpoint at once.
    init(statePath: String, log: EventLog) {
        group.enter()
        DispatchQueue.global(qos: .utility).async { [group] in
            defer { group.leave() }
            do {
                let connection = try Database(path: statePath, mode: .readWrite(create: false))
                try connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
            } catch {
                log.log(.warning, "state.checkpoint-deferred", ["message": String(describing: error)])
            }
        }
    }

    /// Returns once the checkpoint has finished.
    func wait() {
        group.wait()
    }
}
