/// A caller broke the writer's contract (ordering, state, header values). This is a bug in
/// Prenum, not bad input: the file would be invalid or non-deterministic, so nothing more is
/// written. Messages never contain a personnummer.
public struct DeliveryWriterMisuse: PrenumFailure, Equatable {
    public let reason: String

    public init(_ reason: String) {
        self.reason = reason
    }

    public var exitCode: ExitCode { .cannotCreate }
    public var description: String { "delivery writer misuse (a bug in the caller): \(reason)" }
}
