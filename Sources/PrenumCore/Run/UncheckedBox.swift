/// Carries a value into `concurrentPerform`'s closure. Safe here because the workers only
/// read the deliverer's immutable configuration and reach shared state through `StateWriter`
/// and their own connections.
struct UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
