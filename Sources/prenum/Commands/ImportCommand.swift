import PrenumCore

struct ImportCommand: Command {
    static let words = ["import"]
    static let abstract = "import pending population files now (a run does this first anyway)"
    static let options: [CommandLineOption] = [.config]

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        throw OperationFailure(.usage, "not implemented yet")
    }
}
