import PrenumCore

/// One `PRENUM_*` variable: its name, what its text reads as, and its value when unset.
struct TuningVariable<Value: Sendable>: Sendable {
    let name: String
    /// What a good value looks like, for "PRENUM_COMPACT_PERCENT must be a whole number from 0 to 10000, got '…'".
    let expected: String
    let unset: Value
    let read: @Sendable (String) -> Value?

    /// The value in `variables`; a usage error (64) when it is set and does not read.
    func value(in variables: [String: String]) throws -> Value {
        guard let text = variables[name] else { return unset }
        guard let value = read(text) else { throw OperationFailure(.usage, "\(name) must be \(expected), got '\(text)'") }
        return value
    }
}
