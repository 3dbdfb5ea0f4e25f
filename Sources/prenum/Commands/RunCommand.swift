import PrenumCore

struct RunCommand: Command {
    static let words = ["run"]
    static let abstract = "the nightly job: import populations, snapshot the register, deliver a signed file to every active subscriber"
    static let options: [CommandLineOption] = [.config, .date]

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        throw OperationFailure(.usage, "not implemented yet")
    }
}
