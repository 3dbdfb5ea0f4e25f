import CSQLite

extension Database {
    /// The SQL function `prenum_valid_utf8(x)`: 1 when `x` is not text or is text whose bytes are
    /// well-formed UTF-8, else 0.
    ///
    /// SQLite stores text bytes as it is given them and never checks them, and reading such
    /// text into Swift quietly replaces the bad bytes with U+FFFD: a check must see the bytes.
    public func defineUTF8Check() throws {
        let code = sqlite3_create_function_v2(
            handle, "prenum_valid_utf8", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, nil,
            { context, _, values in
                guard let value = values?[0], sqlite3_value_type(value) == SQLITE_TEXT else {
                    sqlite3_result_int(context, 1)
                    return
                }
                let count = Int(sqlite3_value_bytes(value))
                guard count > 0, let start = sqlite3_value_text(value) else {
                    sqlite3_result_int(context, 1)
                    return
                }
                var bytes = UnsafeBufferPointer(start: start, count: count).makeIterator()
                var decoder = UTF8()
                var valid: Int32 = 1
                decoding: while true {
                    switch decoder.decode(&bytes) {
                    case .scalarValue: continue
                    case .emptyInput: break decoding
                    case .error:
                        valid = 0
                        break decoding
                    }
                }
                sqlite3_result_int(context, valid)
            }, nil, nil, nil)
        guard code == SQLITE_OK else { throw error(code: code, sql: nil) }
    }
}
