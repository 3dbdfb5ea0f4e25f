import CSQLite

/// A failure reported by SQLite, carrying what an operator needs to act on it.
///
/// Bound argument values are deliberately never part of the error: they may hold a
/// personnummer, and errors end up in logs. The SQL text is kept because it names the
/// statement that failed without naming any person.
public struct SQLiteError: Error, Equatable, Sendable, CustomStringConvertible {
    /// SQLite's primary result code (`SQLITE_BUSY`, `SQLITE_CONSTRAINT`, ...).
    public let resultCode: Int32
    /// SQLite's extended result code, which tells e.g. a unique from a not-null violation.
    public let extendedResultCode: Int32
    /// SQLite's own message.
    public let message: String
    /// The statement that failed, if any.
    public let sql: String?
    /// The database file, so that a message names the file an operator must look at.
    public let path: String?

    public init(resultCode: Int32, extendedResultCode: Int32? = nil, message: String, sql: String? = nil, path: String? = nil) {
        self.resultCode = resultCode & 0xff
        self.extendedResultCode = extendedResultCode ?? resultCode
        self.message = message
        self.sql = sql
        self.path = path
    }

    /// True when the database was locked by another connection for longer than the busy timeout.
    public var isBusy: Bool { resultCode == SQLITE_BUSY || resultCode == SQLITE_LOCKED }
    /// True when the file is not a SQLite database or is damaged.
    public var isCorrupt: Bool { resultCode == SQLITE_NOTADB || resultCode == SQLITE_CORRUPT }
    /// True for constraint violations (unique, not null, foreign key, check).
    public var isConstraintViolation: Bool { resultCode == SQLITE_CONSTRAINT }
    /// True when the file could not be opened or does not exist.
    public var isCannotOpen: Bool { resultCode == SQLITE_CANTOPEN }
    /// True when the disk or an ulimit is full.
    public var isFull: Bool { resultCode == SQLITE_FULL || resultCode == SQLITE_IOERR }

    public var description: String {
        var text = "SQLite error \(resultCode)"
        if extendedResultCode != resultCode { text += " (extended \(extendedResultCode))" }
        text += ": \(message)"
        if let path { text += " in \(path)" }
        if let sql { text += " while executing `\(sql)`" }
        return text
    }
}
