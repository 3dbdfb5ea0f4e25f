import PrenumCore

struct SampleCreateCommand: Command {
    static let words = ["sample", "create"]
    static let abstract = "create a register with deterministic synthetic data"
    static let options: [CommandLineOption] = [.value("register", "R", help: "register file to create", required: true), .value("persons", "N", help: "number of persons", required: true), .value("seed", "S", help: "random seed", required: true), .value("date", "D", help: "simulate history up to this date", default: "today")]

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        throw OperationFailure(.usage, "not implemented yet")
    }
}
