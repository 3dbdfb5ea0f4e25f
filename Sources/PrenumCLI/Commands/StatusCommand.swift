import Foundation
import PrenumCore

struct StatusCommand: Command {
    static let words = ["status"]
    static let abstract =
        "last runs and, per subscriber, sequence, last delivery, watermark, population and pending work; quarantined records"
    static let discussion = """
        Reads the state database without taking the run lock; never shows a personnummer. Lists the records the snapshot holds back
        (quarantined: a register value no delivery format can carry) by entity, id, column and reason. The --json form is documented in docs/OPERATIONS.md.
        With --check it is a health probe: exit 0 when the last run completed within --max-age hours, none was cut short and nothing
        is staged, failed, held or quarantined, exit 1 otherwise, with one line per problem.
        """
    @Option(.config) var config: String
    @Flag(help: "machine-readable output (documented in docs/OPERATIONS.md)") var json = false
    @Flag(help: "health probe for monitoring: exit 0 healthy, 1 not (the problems are listed)") var check = false
    @Option(valueName: "H", range: 1...8760, help: "with --check: hours after which the last completed run counts as late") var maxAge = 26

    func run(_ environment: Environment) throws -> ExitCode {
        let configuration = try ConfigurationLoader.load(path: config)
        let now = try environment.clock()()
        let report = try StatusReport.gather(configuration: configuration, now: now)
        guard check else {
            print(json ? try report.json() : report.text, terminator: "")
            return .ok
        }
        let health = HealthCheck.evaluate(report, lockPath: configuration.lockPath, maxAgeHours: maxAge, now: now)
        if json {
            print(try JSONOutput.text(health), terminator: "")
        } else {
            print(health.text, terminator: "")
        }
        return health.healthy ? .ok : .partialFailure
    }
}
