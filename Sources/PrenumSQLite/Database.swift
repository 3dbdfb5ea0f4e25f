import CSQLite

/// One connection to a SQLite database file.
///
/// A connection is not shared between threads: each worker opens its own. That keeps
/// SQLite in its cheapest threading mode and makes ownership obvious.
public final class Database {
    /// How the file is opened.
    public enum Mode: Sendable {
        /// For the upstream register, which Prenum must never write. SQLite refuses writes.
        case readOnly
        /// For Prenum's own files; `create` makes the file when it is missing.
        case readWrite(create: Bool)
    }

    /// How a write transaction takes its lock.
    public enum TransactionKind: String, Sendable {
        case deferred = "DEFERRED"
        case immediate = "IMMEDIATE"
        case exclusive = "EXCLUSIVE"
    }

    /// How long a statement waits for another connection's lock unless told otherwise.
    public static let defaultBusyTimeoutMilliseconds: Int32 = 5_000

    let handle: OpaquePointer
    /// The file this connection is open on; part of every error message.
    public let path: String
    private var statementCache: [String: Statement] = [:]
    /// Kept alive for as long as the connection uses it.
    private let clock: ConnectionClock?

    /// Opens the file and proves it is a database by reading its schema version, so that
    /// a file that is not a database fails here, naming the file, rather than mid-run.
    ///
    /// With a `clock`, SQLite's `'now'` on this connection is the time set on the clock.
    public init(
        path: String, mode: Mode, busyTimeoutMilliseconds: Int32 = Database.defaultBusyTimeoutMilliseconds, clock: ConnectionClock? = nil
    ) throws {
        _ = SQLiteLibrary.configured
        var flags: Int32 = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI
        switch mode {
        case .readOnly: flags |= SQLITE_OPEN_READONLY
        case .readWrite(let create):
            flags |= SQLITE_OPEN_READWRITE
            if create { flags |= SQLITE_OPEN_CREATE }
        }
        var pointer: OpaquePointer?
        let code = sqlite3_open_v2(path, &pointer, flags, clock?.vfsName)
        guard let pointer else {
            throw SQLiteError(resultCode: code, message: "cannot allocate a connection", path: path)
        }
        guard code == SQLITE_OK else {
            let message = String(cString: sqlite3_errmsg(pointer))
            let extended = sqlite3_extended_errcode(pointer)
            let systemErrno = Self.systemErrno(code: extended, pointer)
            sqlite3_close_v2(pointer)
            throw SQLiteError(resultCode: code, extendedResultCode: extended, systemErrno: systemErrno, message: message, path: path)
        }
        self.handle = pointer
        self.path = path
        self.clock = clock
        sqlite3_extended_result_codes(pointer, 1)
        sqlite3_busy_timeout(pointer, busyTimeoutMilliseconds)
        do {
            _ = try scalarInt("PRAGMA schema_version")
        } catch {
            statementCache.removeAll()
            sqlite3_close_v2(pointer)
            throw error
        }
    }

    deinit {
        statementCache.removeAll()
        sqlite3_close_v2(handle)
    }

    /// Switches a read-write file to write-ahead logging, so that readers and the single
    /// writer do not block each other; `FULL` sync (the default) makes every commit durable,
    /// `NORMAL` only every checkpoint, though a process crash loses nothing committed.
    public func enableWriteAheadLog(synchronousFull: Bool = true) throws {
        _ = try scalarText("PRAGMA journal_mode=WAL")
        try execute("PRAGMA synchronous=\(synchronousFull ? "FULL" : "NORMAL")")
    }

    /// Runs one or more statements that take no arguments (DDL, pragmas).
    public func execute(_ sql: String) throws {
        var errorPointer: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(handle, sql, nil, nil, &errorPointer)
        if code != SQLITE_OK {
            let message = errorPointer.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            sqlite3_free(errorPointer)
            throw error(code: code, message: message, sql: sql)
        }
    }

    /// Prepares a new statement. Prefer `cached(_:)` for statements run many times.
    public func prepare(_ sql: String) throws -> Statement {
        var pointer: OpaquePointer?
        let code = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &pointer, nil)
        guard code == SQLITE_OK, let pointer else {
            throw error(code: code, sql: sql)
        }
        return Statement(database: self, handle: pointer, sql: sql)
    }

    /// Returns a prepared statement kept for the connection's lifetime, reset and unbound.
    public func cached(_ sql: String) throws -> Statement {
        if let statement = statementCache[sql] {
            statement.reset()
            return statement
        }
        let statement = try prepare(sql)
        statementCache[sql] = statement
        return statement
    }

    /// Runs one statement with arguments, for writes.
    public func run(_ sql: String, _ arguments: [SQLiteBindable] = []) throws {
        let statement = try cached(sql)
        try statement.bind(arguments)
        try statement.runToCompletion()
    }

    /// The first column of the first row, or nil when there is no row or it is NULL.
    public func scalarInt(_ sql: String, _ arguments: [SQLiteBindable] = []) throws -> Int64? {
        let statement = try cached(sql)
        try statement.bind(arguments)
        defer { statement.reset() }
        guard try statement.step() else { return nil }
        return statement.optionalInt64(0)
    }

    /// The first column of the first row as text, or nil.
    public func scalarText(_ sql: String, _ arguments: [SQLiteBindable] = []) throws -> String? {
        let statement = try cached(sql)
        try statement.bind(arguments)
        defer { statement.reset() }
        guard try statement.step() else { return nil }
        return statement.optionalText(0)
    }

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    public func transaction<T>(_ kind: TransactionKind = .immediate, _ body: () throws -> T) throws -> T {
        try inTransaction(kind) { .commit(try body()) }
    }

    /// Runs `body` in a transaction that ends as the body decides: some outcomes are not
    /// errors yet must leave nothing behind (a file found changed mid-read, a rejected file),
    /// and the body's value comes back either way. It is rolled back as well when the body
    /// throws or the commit fails; the caller then gets the error and knows nothing was kept.
    public func inTransaction<T>(_ kind: TransactionKind = .immediate, _ body: () throws -> TransactionEnd<T>) throws -> T {
        try execute("BEGIN \(kind.rawValue)")
        do {
            switch try body() {
            case .commit(let result):
                try execute("COMMIT")
                return result
            case .rollback(let result):
                try execute("ROLLBACK")
                return result
            }
        } catch {
            if !isAutocommit { try? execute("ROLLBACK") }
            throw error
        }
    }

    /// Runs `body` inside one read transaction that sees a single consistent snapshot,
    /// however much other connections commit meanwhile.
    ///
    /// SQLite starts a deferred transaction's snapshot at its first read, so this reads the
    /// schema first: every statement in `body` then sees the same state. Keep the body short
    /// on a database others write to: an open reader pins the write-ahead log.
    public func readTransaction<T>(_ body: () throws -> T) throws -> T {
        try transaction(.deferred) {
            _ = try scalarInt("SELECT 1 FROM sqlite_schema LIMIT 1")
            return try body()
        }
    }

    /// False while a transaction is open.
    public var isAutocommit: Bool { sqlite3_get_autocommit(handle) != 0 }

    /// Rows changed by the last write statement.
    public var changes: Int { Int(sqlite3_changes(handle)) }

    /// The rowid of the last insert.
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Whether the file was opened read-only (the register always is).
    var isReadOnly: Bool { sqlite3_db_readonly(handle, "main") == 1 }

    /// The `errno` of the connection's last I/O failure, for the codes that come from one:
    /// SQLite keeps it until the next I/O failure, so for any other code it would be stale.
    private static func systemErrno(code: Int32, _ handle: OpaquePointer) -> Int32 {
        switch ResultCode(rawValue: code) {
        case .ioErr, .full, .cantOpen: sqlite3_system_errno(handle)
        default: 0
        }
    }

    func error(code: Int32, message: String? = nil, sql: String?) -> SQLiteError {
        SQLiteError(
            resultCode: code,
            extendedResultCode: sqlite3_extended_errcode(handle),
            systemErrno: Self.systemErrno(code: sqlite3_extended_errcode(handle), handle),
            message: message ?? String(cString: sqlite3_errmsg(handle)),
            sql: sql,
            path: path
        )
    }
}
