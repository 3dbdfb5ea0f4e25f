import PrenumCore

struct StatusCommand: Command {
    static let words = ["status"]
    static let abstract = "last runs and, per subscriber, sequence, last delivery, watermark, population and pending work; quarantined records"
    static let discussion = "Reads the state database without taking the run lock; never shows a personnummer. Lists the records the snapshot holds back (quarantined: a register value no delivery format can carry) by entity, id, column and reason. The --json form is documented in docs/OPERATIONS.md."
    static let options: [CommandLineOption] = [.config, .flag("json", help: "machine-readable output (documented in docs/OPERATIONS.md)")]

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let configuration = try ConfigurationLoader.load(path: arguments.configPath)
        let report = try StatusReport.gather(configuration: configuration)
        print(arguments.flag("json") ? try report.json() : report.text, terminator: "")
        return .ok
    }
}
