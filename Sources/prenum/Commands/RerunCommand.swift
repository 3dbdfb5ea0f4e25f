import PrenumCore

struct RerunCommand: Command {
    static let words = ["rerun"]
    static let abstract = "re-publish the files already delivered to a subscriber for a window of business dates, byte for byte"
    static let options: [CommandLineOption] = [.config, .value("subscriber", "S", help: "subscriber id", required: true), .value("from", "D1", help: "first business date", required: true), .value("to", "D2", help: "last business date", required: true), .flag("dry-run", help: "list what would be published")]

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        throw OperationFailure(.usage, "not implemented yet")
    }
}
