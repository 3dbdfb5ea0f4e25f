import CSQLite

/// A SQLite result code by name, so that callers match `case ResultCode.full = error.resultCode`
/// instead of comparing bare numbers from the C header.
///
/// A primary code (`.ioErr`) stands for its whole family: it matches every extended code that
/// refines it (`.ioErrWrite ~= .ioErr`), while two extended codes match only each other. That
/// lets one caller ask "any I/O error" and another "a failed write" of the same error.
public struct ResultCode: RawRepresentable, Hashable, Sendable, ExpressibleByIntegerLiteral, CustomStringConvertible {
    public let rawValue: Int32

    public init(rawValue: Int32) { self.rawValue = rawValue }

    public init(integerLiteral value: Int32) { self.rawValue = value }

    /// The primary code this one refines; itself when it is primary.
    public var primary: ResultCode { ResultCode(rawValue: rawValue & 0xff) }

    /// True for a primary code, which names a family of extended codes.
    var isPrimary: Bool { rawValue & 0xff == rawValue }

    /// Whether one code matches the other, in either order: when either is primary they match
    /// on the family, two extended codes only when equal.
    public static func ~= (lhs: ResultCode, rhs: ResultCode) -> Bool {
        lhs.isPrimary || rhs.isPrimary ? lhs.primary == rhs.primary : lhs == rhs
    }

    /// SQLite's English name for the code, with the number an operator can look up.
    public var description: String {
        "\(String(cString: sqlite3_errstr(rawValue))) (\(rawValue))"
    }

    private static func extended(_ primary: Int32, _ refinement: Int32) -> ResultCode {
        ResultCode(rawValue: primary | (refinement << 8))
    }

    // MARK: Primary codes

    public static let ok = ResultCode(rawValue: SQLITE_OK)
    public static let error = ResultCode(rawValue: SQLITE_ERROR)
    public static let `internal` = ResultCode(rawValue: SQLITE_INTERNAL)
    public static let permission = ResultCode(rawValue: SQLITE_PERM)
    static let abort = ResultCode(rawValue: SQLITE_ABORT)
    public static let busy = ResultCode(rawValue: SQLITE_BUSY)
    public static let locked = ResultCode(rawValue: SQLITE_LOCKED)
    static let noMemory = ResultCode(rawValue: SQLITE_NOMEM)
    public static let readOnly = ResultCode(rawValue: SQLITE_READONLY)
    static let interrupt = ResultCode(rawValue: SQLITE_INTERRUPT)
    public static let ioErr = ResultCode(rawValue: SQLITE_IOERR)
    public static let corrupt = ResultCode(rawValue: SQLITE_CORRUPT)
    static let notFound = ResultCode(rawValue: SQLITE_NOTFOUND)
    public static let full = ResultCode(rawValue: SQLITE_FULL)
    public static let cantOpen = ResultCode(rawValue: SQLITE_CANTOPEN)
    public static let `protocol` = ResultCode(rawValue: SQLITE_PROTOCOL)
    public static let schema = ResultCode(rawValue: SQLITE_SCHEMA)
    static let tooBig = ResultCode(rawValue: SQLITE_TOOBIG)
    static let constraint = ResultCode(rawValue: SQLITE_CONSTRAINT)
    static let mismatch = ResultCode(rawValue: SQLITE_MISMATCH)
    static let misuse = ResultCode(rawValue: SQLITE_MISUSE)
    static let noLargeFileSupport = ResultCode(rawValue: SQLITE_NOLFS)
    static let authorization = ResultCode(rawValue: SQLITE_AUTH)
    public static let range = ResultCode(rawValue: SQLITE_RANGE)
    public static let notADatabase = ResultCode(rawValue: SQLITE_NOTADB)
    public static let row = ResultCode(rawValue: SQLITE_ROW)
    public static let done = ResultCode(rawValue: SQLITE_DONE)

    // MARK: Extended codes Prenum tells apart

    public static let ioErrRead = extended(SQLITE_IOERR, 1)
    static let ioErrShortRead = extended(SQLITE_IOERR, 2)
    public static let ioErrWrite = extended(SQLITE_IOERR, 3)
    static let ioErrFsync = extended(SQLITE_IOERR, 4)
    static let ioErrTruncate = extended(SQLITE_IOERR, 6)
    static let ioErrNoMemory = extended(SQLITE_IOERR, 12)
    static let busyRecovery = extended(SQLITE_BUSY, 1)
    static let busySnapshot = extended(SQLITE_BUSY, 2)
    static let busyTimeout = extended(SQLITE_BUSY, 3)
    static let cantOpenIsDirectory = extended(SQLITE_CANTOPEN, 2)
    static let corruptIndex = extended(SQLITE_CORRUPT, 3)
    static let readOnlyDatabaseMoved = extended(SQLITE_READONLY, 4)
    static let constraintCheck = extended(SQLITE_CONSTRAINT, 1)
    static let constraintForeignKey = extended(SQLITE_CONSTRAINT, 3)
    static let constraintNotNull = extended(SQLITE_CONSTRAINT, 5)
    static let constraintPrimaryKey = extended(SQLITE_CONSTRAINT, 6)
    static let constraintTrigger = extended(SQLITE_CONSTRAINT, 7)
    static let constraintUnique = extended(SQLITE_CONSTRAINT, 8)
}
