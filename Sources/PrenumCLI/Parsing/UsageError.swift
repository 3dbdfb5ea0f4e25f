import PrenumCore

/// A command line refused: exit 64, with the message and the command's usage line.
struct UsageError: PrenumFailure, Equatable {
    let message: String
    let usage: String
    var exitCode: ExitCode { .usage }
    var description: String { "\(message)\nUsage: \(usage)\n(see --help)" }
}
