/// A caller broke the writer's contract (ordering, state, header values). This is a bug in
/// Prenum, not bad input: the file would be invalid or non-deterministic, so nothing more is
/// written. Messages never contain a personnummer.
struct DeliveryWriterMisuse: PrenumFailure, Equatable {
    let reason: String

    init(_ reason: String) {
        self.reason = reason
    }

    var exitCode: ExitCode { .cannotCreate }
    var description: String { "delivery writer misuse (a bug in the caller): \(reason)" }
}
