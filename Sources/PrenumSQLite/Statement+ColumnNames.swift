extension Statement {
    /// The value of the column called `name` in the current row: `let seq: Int64 = try row["seq"]`.
    ///
    /// Reading by name keeps a query and its reader in step when a column is added or moved;
    /// the name is looked up in a map the statement builds once.
    public subscript<Value: SQLiteColumnDecodable>(_ name: String) -> Value {
        get throws { try Value.decodeColumn(self, at: try columnIndex(name), named: name) }
    }

    /// The value of the column called `name`, typed by the caller: `try row.decode(Int64.self, "seq")`.
    public func decode<Value: SQLiteColumnDecodable>(_ type: Value.Type, _ name: String) throws -> Value {
        try Value.decodeColumn(self, at: try columnIndex(name), named: name)
    }

    public func text(_ name: String) throws -> String { try decode(String.self, name) }

    public func optionalText(_ name: String) throws -> String? { try decode(String?.self, name) }

    public func int64(_ name: String) throws -> Int64 { try decode(Int64.self, name) }

    public func optionalInt64(_ name: String) throws -> Int64? { try decode(Int64?.self, name) }

    public func int(_ name: String) throws -> Int { try decode(Int.self, name) }

    func optionalInt(_ name: String) throws -> Int? { try decode(Int?.self, name) }

    public func double(_ name: String) throws -> Double { try decode(Double.self, name) }

    public func bool(_ name: String) throws -> Bool { try decode(Bool.self, name) }

    public func blob(_ name: String) throws -> [UInt8] { try decode([UInt8].self, name) }

    /// NULL as `.null`, never an error.
    public func value(_ name: String) throws -> SQLiteValue { try decode(SQLiteValue.self, name) }

    /// True when the column called `name` is NULL in the current row.
    public func isNull(_ name: String) throws -> Bool { isNull(try columnIndex(name)) }
}
