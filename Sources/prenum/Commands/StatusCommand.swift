import PrenumCore

struct StatusCommand: Command {
    static let words = ["status"]
    static let abstract = "last runs and, per subscriber, sequence, last delivery, watermark, population and pending work"
    static let options: [CommandLineOption] = [.config, .flag("json", help: "machine-readable output (documented in docs/OPERATIONS.md)")]

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        throw OperationFailure(.usage, "not implemented yet")
    }
}
