import CSQLite

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A failure reported by SQLite, carrying what an operator needs to act on it.
///
/// Bound argument values are deliberately never part of the error: they may hold a
/// personnummer, and errors end up in logs. The SQL text is kept because it names the
/// statement that failed without naming any person.
public struct SQLiteError: Error, Equatable, Sendable, CustomStringConvertible {
    /// SQLite's primary result code (`.busy`, `.constraint`, ...).
    public let resultCode: ResultCode
    /// SQLite's extended result code, which tells e.g. a unique from a not-null violation.
    public let extendedResultCode: ResultCode
    /// The operating system's `errno` behind an I/O error, 0 when there was none: SQLite
    /// reports a disk that filled during a write or sync as an I/O error, and only the
    /// `errno` tells that from a failing disk.
    public let systemErrno: Int32
    /// SQLite's own message.
    public let message: String
    /// The statement that failed, if any.
    public let sql: String?
    /// The database file, so that a message names the file an operator must look at.
    public let path: String?

    public init(
        resultCode: ResultCode, extendedResultCode: ResultCode? = nil, systemErrno: Int32 = 0, message: String,
        sql: String? = nil, path: String? = nil
    ) {
        self.resultCode = resultCode.primary
        self.extendedResultCode = extendedResultCode ?? resultCode
        self.systemErrno = systemErrno
        self.message = message
        self.sql = sql
        self.path = path
    }

    init(
        resultCode: Int32, extendedResultCode: Int32? = nil, systemErrno: Int32 = 0, message: String, sql: String? = nil,
        path: String? = nil
    ) {
        self.init(
            resultCode: ResultCode(rawValue: resultCode), extendedResultCode: extendedResultCode.map(ResultCode.init(rawValue:)),
            systemErrno: systemErrno, message: message, sql: sql, path: path)
    }

    /// True when the database was locked by another connection for longer than the busy timeout.
    public var isBusy: Bool { resultCode ~= .busy || resultCode ~= .locked }
    /// True when the file is not a SQLite database or is damaged.
    public var isCorrupt: Bool { resultCode ~= .notADatabase || resultCode ~= .corrupt }
    /// True for constraint violations (unique, not null, foreign key, check).
    var isConstraintViolation: Bool { resultCode ~= .constraint }
    /// True when the file could not be opened or does not exist.
    public var isCannotOpen: Bool { resultCode ~= .cantOpen }
    /// True when the disk, a quota or a file-size limit is full: SQLite's own "full" (it found
    /// no room to grow the file), or an I/O error whose `errno` says so. Any other I/O error
    /// is a failing device or file system, not a full one.
    public var isFull: Bool {
        if resultCode ~= .full { return true }
        return resultCode ~= .ioErr && Self.noSpaceErrnos.contains(systemErrno)
    }

    /// The `errno` values that mean "no room left" rather than "broken".
    static let noSpaceErrnos: Set<Int32> = [ENOSPC, EDQUOT, EFBIG]

    public var description: String {
        var text = "SQLite error \(resultCode.rawValue)"
        if extendedResultCode != resultCode { text += " (extended \(extendedResultCode.rawValue))" }
        text += ": \(message)"
        if systemErrno != 0 { text += " [\(String(cString: strerror(systemErrno)))]" }
        if let path { text += " in \(path)" }
        if let sql { text += " while executing `\(sql)`" }
        return text
    }
}
