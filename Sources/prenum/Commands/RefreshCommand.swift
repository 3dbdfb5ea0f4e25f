import PrenumCore

struct RefreshCommand: Command {
    static let words = ["refresh"]
    static let abstract = "order a FULL file for a subscriber at the next run"
    static let options: [CommandLineOption] = [.config, .value("subscriber", "S", help: "subscriber id", required: true)]

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        throw OperationFailure(.usage, "not implemented yet")
    }
}
