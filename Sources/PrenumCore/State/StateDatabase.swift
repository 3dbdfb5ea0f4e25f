import Foundation
import PrenumSQLite

/// Prenum's own SQLite database: populations, the shared record copy, runs and deliveries.
///
/// Opening it applies any pending migrations in one transaction, and refuses a file written
/// by a newer Prenum (downgrading would silently misread it) or one that is not a database.
public final class StateDatabase {
    /// The connection; the rest of the core reaches state through it.
    public let database: Database
    public let path: String

    /// Page cache of the writing connection: the snapshot phase updates the shared record
    /// copy's B-trees, and a cache that holds their upper levels saves a read per row.
    static let writerCacheKiB = 65_536
    /// Page cache while the file is repacked (see `repack`).
    static let repackCacheKiB = 8_192
    /// Page cache of each delivery worker's read connection.
    static let readerCacheKiB = 16_384
    /// Pages of a new state database: fewer, larger reads for a night that reads the change
    /// set and the populations in key order (worth about 1.3 s of 16 on the benchmark's heavy
    /// night once the file is repacked; docs/PERFORMANCE.md).
    static let pageSize = 16_384

    /// The schema version this build writes.
    static var currentVersion: Int { StateSchema.migrations.count }

    struct OpenFailure: PrenumFailure {
        let exitCode: ExitCode
        let path: String
        let reason: String
        var description: String { "state database \(path): \(reason)" }
    }

    public init(path: String) throws {
        self.path = path
        // Created 0640 before SQLite opens it; SQLite gives its -wal and -shm files the same mode.
        if !FileManager.default.fileExists(atPath: path) {
            let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, DurableFiles.fileMode)
            if descriptor >= 0 { close(descriptor) }
        }
        do {
            database = try Database(path: path, mode: .readWrite(create: true))
            // Only takes effect while the file is still empty (a new state); an existing one
            // keeps its page size until it is vacuumed.
            try database.execute("PRAGMA page_size=\(Self.pageSize)")
            try database.enableWriteAheadLog()
            try database.execute("PRAGMA foreign_keys=ON; PRAGMA cache_size=-\(Self.writerCacheKiB)")
        } catch let error as SQLiteError {
            throw OpenFailure(
                exitCode: .of(error, file: .output), path: path,
                reason: error.isCorrupt ? "not a SQLite database or damaged (\(error.message)); restore it from backup" : error.description)
        }
        try migrate()
    }

    /// A second connection to the same file, for a worker thread (WAL lets it read while the
    /// main connection writes).
    func openReader() throws -> Database {
        let reader = try Database(path: path, mode: .readWrite(create: false))
        try reader.execute("PRAGMA query_only=ON; PRAGMA cache_size=-\(Self.readerCacheKiB)")
        return reader
    }

    /// Runs `body` with the writing connection's automatic checkpoints off, then turns them
    /// back on: for a phase whose large commit is checkpointed by a `BackgroundCheckpoint`.
    func withoutAutomaticCheckpoints<T>(_ body: () throws -> T) throws -> T {
        try database.execute("PRAGMA wal_autocheckpoint=0")
        defer { try? database.execute("PRAGMA wal_autocheckpoint=\(Self.automaticCheckpointPages)") }
        return try body()
    }

    /// Rewrites the file with full pages (`VACUUM`) and empties the write-ahead log it went
    /// through. Needs free space for about twice the file while it runs; atomic like any
    /// transaction. Returns the page counts before and after.
    func repack() throws -> (before: Int64, after: Int64) {
        let before = try database.scalarInt("PRAGMA page_count") ?? 0
        // VACUUM gives its temporary copy and the sorters that rebuild the indexes the
        // connection's cache size each: at the writer's 64 MiB that was 150 MB more at peak.
        try database.execute("PRAGMA cache_size=-\(Self.repackCacheKiB)")
        defer { try? database.execute("PRAGMA cache_size=-\(Self.writerCacheKiB)") }
        try database.execute("VACUUM")
        try database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return (before, try database.scalarInt("PRAGMA page_count") ?? 0)
    }

    /// SQLite's default: checkpoint on commit once the log holds this many pages.
    static let automaticCheckpointPages = 1000

    private func migrate() throws {
        let version = Int(try database.scalarInt("PRAGMA user_version") ?? 0)
        let known = StateSchema.migrations.count
        if version > known {
            throw OpenFailure(
                exitCode: .configuration, path: path,
                reason: "schema version \(version) is newer than this prenum understands (\(known)); use the newer prenum binary")
        }
        guard version < known else { return }
        do {
            try database.transaction(.exclusive) {
                for step in version..<known {
                    try database.execute(StateSchema.migrations[step])
                }
                try database.execute("PRAGMA user_version=\(known)")
            }
        } catch let error as SQLiteError {
            throw OpenFailure(
                exitCode: ExitCode.of(error, file: .output), path: path,
                reason: "migration to version \(known) failed: \(error.description)")
        }
    }

    func schemaVersion() throws -> Int {
        Int(try database.scalarInt("PRAGMA user_version") ?? 0)
    }

    /// The state's single facts (watermark, copy size, what maintenance is owed), typed.
    var meta: StateMeta { StateMeta(database: database) }

    /// A value from the meta table by its stored key: for tests and for callers not yet on
    /// `StateMeta`'s typed properties.
    func meta(_ key: String) throws -> String? {
        try meta.value(forKey: key)
    }

    func setMeta(_ key: String, _ value: String) throws {
        try meta.setValue(value, forKey: key)
    }
}
