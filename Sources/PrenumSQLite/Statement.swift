import CSQLite

private let transientDestructor = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// A prepared statement: bind, then step through rows as a lazy cursor.
///
/// Rows are read column by column straight from SQLite's buffers while the statement sits
/// on them, so a batch of a million rows streams without a million objects.
public final class Statement {
    let handle: OpaquePointer
    /// The SQL, for error messages (never the bound values).
    public let sql: String
    private unowned let database: Database
    /// Column name to index, built on the first read by name and kept across `reset()`:
    /// a prepared statement's result columns are fixed when it is prepared.
    private(set) var columnIndexes: [String: Int32]?

    init(database: Database, handle: OpaquePointer, sql: String) {
        self.database = database
        self.handle = handle
        self.sql = sql
    }

    deinit { sqlite3_finalize(handle) }

    /// Resets the statement for another run and clears its bindings.
    public func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    // MARK: Binding (indexes start at 1, as in SQLite)

    public func bind(_ arguments: [SQLiteBindable]) throws {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        let expected = Int(sqlite3_bind_parameter_count(handle))
        guard expected == arguments.count else {
            throw SQLiteError(
                resultCode: SQLITE_RANGE, message: "statement takes \(expected) arguments, \(arguments.count) given", sql: sql,
                path: database.path)
        }
        for (offset, argument) in arguments.enumerated() {
            try bind(argument.sqliteValue, at: Int32(offset + 1))
        }
    }

    public func bind(_ value: SQLiteValue, at index: Int32) throws {
        switch value {
        case .null: try check(sqlite3_bind_null(handle, index))
        case .integer(let v): try check(sqlite3_bind_int64(handle, index, v))
        case .real(let v): try check(sqlite3_bind_double(handle, index, v))
        case .text(let v): try bind(v, at: index)
        case .blob(let v):
            try v.withUnsafeBytes { buffer in
                try check(sqlite3_bind_blob(handle, index, buffer.baseAddress, Int32(buffer.count), transientDestructor))
            }
        }
    }

    public func bind(_ value: Int64, at index: Int32) throws {
        try check(sqlite3_bind_int64(handle, index, value))
    }

    public func bind(_ value: Int, at index: Int32) throws {
        try check(sqlite3_bind_int64(handle, index, Int64(value)))
    }

    public func bind(_ value: String, at index: Int32) throws {
        try check(sqlite3_bind_text(handle, index, value, -1, transientDestructor))
    }

    public func bind(_ value: String?, at index: Int32) throws {
        if let value { try bind(value, at: index) } else { try check(sqlite3_bind_null(handle, index)) }
    }

    public func bind(_ value: Int64?, at index: Int32) throws {
        if let value { try bind(value, at: index) } else { try check(sqlite3_bind_null(handle, index)) }
    }

    // MARK: Stepping

    /// Moves to the next row; false when there are no more.
    @discardableResult
    public func step() throws -> Bool {
        let code = sqlite3_step(handle)
        switch code {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let error = database.error(code: code, sql: sql)
            sqlite3_reset(handle)
            throw error
        }
    }

    /// Steps until done, for writes.
    public func runToCompletion() throws {
        while try step() {}
        sqlite3_reset(handle)
    }

    /// Binds the arguments and runs the statement to completion.
    public func execute(_ arguments: [SQLiteBindable]) throws {
        try bind(arguments)
        try runToCompletion()
    }

    /// Binds the arguments and calls `body` once per row, with the statement positioned on it.
    public func forEachRow(_ arguments: [SQLiteBindable] = [], _ body: (Statement) throws -> Void) throws {
        try bind(arguments)
        defer { sqlite3_reset(handle) }
        while try step() { try body(self) }
    }

    // MARK: Columns (indexes start at 0, as in SQLite)

    public var columnCount: Int32 { sqlite3_column_count(handle) }

    func columnName(_ index: Int32) -> String {
        sqlite3_column_name(handle, index).map { String(cString: $0) } ?? ""
    }

    /// The index of the column called `name`; an error naming the column and the statement
    /// when the result has none. An exact match is found in the map; SQLite's names are
    /// case-insensitive, so a name in another case is looked for only when that misses.
    public func columnIndex(_ name: String) throws -> Int32 {
        let indexes = columnIndexes ?? buildColumnIndexes()
        if let index = indexes[name] { return index }
        let lowercased = name.lowercased()
        if let index = indexes.filter({ $0.key.lowercased() == lowercased }).values.min() { return index }
        let names = (0..<columnCount).map(columnName).joined(separator: ", ")
        throw SQLiteError(
            resultCode: SQLITE_RANGE, message: "the result has no column `\(name)` (it has: \(names))", sql: sql,
            path: database.path)
    }

    private func buildColumnIndexes() -> [String: Int32] {
        var indexes: [String: Int32] = [:]
        // The leftmost of two columns of one name wins, as in SQLite's own name resolution.
        for index in 0..<columnCount where indexes[columnName(index)] == nil {
            indexes[columnName(index)] = index
        }
        columnIndexes = indexes
        return indexes
    }

    /// The error for a NULL where the caller asked for a value; it names the column only.
    func nullColumnError(_ name: String) -> SQLiteError {
        SQLiteError(
            resultCode: SQLITE_MISMATCH, message: "column `\(name)` is NULL where a value is required", sql: sql,
            path: database.path)
    }

    public func isNull(_ index: Int32) -> Bool {
        sqlite3_column_type(handle, index) == SQLITE_NULL
    }

    public func int64(_ index: Int32) -> Int64 { sqlite3_column_int64(handle, index) }

    public func int(_ index: Int32) -> Int { Int(sqlite3_column_int64(handle, index)) }

    public func optionalInt64(_ index: Int32) -> Int64? {
        isNull(index) ? nil : sqlite3_column_int64(handle, index)
    }

    public func double(_ index: Int32) -> Double { sqlite3_column_double(handle, index) }

    /// Text of the column; an empty string for NULL.
    public func text(_ index: Int32) -> String {
        guard let pointer = sqlite3_column_text(handle, index) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, index))
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }

    public func optionalText(_ index: Int32) -> String? {
        isNull(index) ? nil : text(index)
    }

    public func blob(_ index: Int32) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(handle, index))
        guard count > 0, let pointer = sqlite3_column_blob(handle, index) else { return [] }
        return Array(UnsafeRawBufferPointer(start: pointer, count: count))
    }

    /// The column as a typed value, for generic code such as tests and dumps.
    public func value(_ index: Int32) -> SQLiteValue {
        switch sqlite3_column_type(handle, index) {
        case SQLITE_NULL: return .null
        case SQLITE_INTEGER: return .integer(int64(index))
        case SQLITE_FLOAT: return .real(double(index))
        case SQLITE_BLOB: return .blob(blob(index))
        default: return .text(text(index))
        }
    }

    private func check(_ code: Int32) throws {
        guard code == SQLITE_OK else { throw database.error(code: code, sql: sql) }
    }
}
