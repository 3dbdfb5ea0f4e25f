/// How the body of `Database.inTransaction` ends its transaction, with the value it returns.
public enum TransactionEnd<Value> {
    /// Keep every write the body made.
    case commit(Value)
    /// Undo every write the body made; not an error.
    case rollback(Value)
}

extension TransactionEnd: Sendable where Value: Sendable {}
