import PrenumCore

struct SampleAdvanceCommand: Command {
    static let words = ["sample", "advance"]
    static let abstract = "add one simulated day of upstream activity to a register"
    static let options: [CommandLineOption] = [.value("register", "R", help: "register file", required: true), .value("date", "D", help: "the day to simulate", required: true), .value("seed", "S", help: "random seed", default: "derived from the date")]

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        throw OperationFailure(.usage, "not implemented yet")
    }
}
