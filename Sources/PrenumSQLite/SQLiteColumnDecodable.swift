/// A type a result column decodes into by name: `let sequence: Int64 = try row["sequence"]`.
///
/// A non-optional type refuses NULL with an error naming the column, so a column that may
/// be NULL has to be read as an `Optional` and the caller decides what NULL means, instead
/// of a positional accessor quietly turning it into 0 or "".
public protocol SQLiteColumnDecodable {
    /// The value of a column that is not NULL, converted as SQLite converts it.
    static func decodeColumn(_ statement: Statement, at index: Int32) -> Self

    /// The value of a column that may be NULL; by default NULL is an error naming `name`.
    static func decodeColumn(_ statement: Statement, at index: Int32, named name: String) throws -> Self
}

extension SQLiteColumnDecodable {
    public static func decodeColumn(_ statement: Statement, at index: Int32, named name: String) throws -> Self {
        if statement.isNull(index) { throw statement.nullColumnError(name) }
        return decodeColumn(statement, at: index)
    }
}

extension Optional: SQLiteColumnDecodable where Wrapped: SQLiteColumnDecodable {
    public static func decodeColumn(_ statement: Statement, at index: Int32) -> Self {
        Wrapped.decodeColumn(statement, at: index)
    }

    public static func decodeColumn(_ statement: Statement, at index: Int32, named name: String) throws -> Self {
        statement.isNull(index) ? nil : Wrapped.decodeColumn(statement, at: index)
    }
}

extension String: SQLiteColumnDecodable {
    public static func decodeColumn(_ statement: Statement, at index: Int32) -> String { statement.text(index) }
}

extension Int64: SQLiteColumnDecodable {
    public static func decodeColumn(_ statement: Statement, at index: Int32) -> Int64 { statement.int64(index) }
}

extension Int: SQLiteColumnDecodable {
    public static func decodeColumn(_ statement: Statement, at index: Int32) -> Int { statement.int(index) }
}

extension Double: SQLiteColumnDecodable {
    public static func decodeColumn(_ statement: Statement, at index: Int32) -> Double { statement.double(index) }
}

extension Bool: SQLiteColumnDecodable {
    /// Any non-zero integer is true, as in SQLite's own boolean expressions.
    public static func decodeColumn(_ statement: Statement, at index: Int32) -> Bool { statement.int64(index) != 0 }
}

extension Array: SQLiteColumnDecodable where Element == UInt8 {
    public static func decodeColumn(_ statement: Statement, at index: Int32) -> [UInt8] { statement.blob(index) }
}

extension SQLiteValue: SQLiteColumnDecodable {
    public static func decodeColumn(_ statement: Statement, at index: Int32) -> SQLiteValue { statement.value(index) }

    /// NULL is a value of its own here, never an error.
    public static func decodeColumn(_ statement: Statement, at index: Int32, named name: String) throws -> SQLiteValue {
        statement.value(index)
    }
}
