import Foundation
import PrenumCore

struct CheckCommand: Command {
    static let words = ["check"]
    static let abstract = "validate everything a run would, before it touches anything, and write nothing"
    static let discussion = """
        Checks what `prenum run` checks before it takes the lock: both JSON files completely
        (a key given twice included) and the folder rules on real paths (exit 78), the business
        date (after tomorrow: exit 64; before the last completed run: 65), the signing key and
        its mode (78), the register opened read-only with its tables, columns and journal
        triggers (missing: 66; not whole: 65; a WAL register in a folder this user cannot write:
        66), and, when a state database exists, the register's journal against the row recorded
        at the last run's watermark (reset, renumbered or another register: 65). Same exit codes
        as `run`; creates no lock, state, metrics or report. Prints "ok" and what it checked.
        """
    @Option(.config) var config: String
    @Option(.businessDate) var date: CalendarDate?

    func run(_ environment: Environment) throws -> ExitCode {
        let configuration = try ConfigurationLoader.load(path: config)
        let clock = try environment.clock()
        let date = date ?? configuration.today(now: clock())
        let opened = try RunPreflight(
            configuration: configuration, registerBusyTimeoutMilliseconds: try environment.registerBusyTimeoutMilliseconds(),
            now: clock()
        ).check(businessDate: date)
        print(
            """
            prenum check \(date): ok
              configuration  \(configuration.configPath) (\(configuration.subscribers.count) subscriber(s)), categories \(configuration.categoriesPath)
              signing key    \(configuration.signingKey) (key id \(opened.signer.keyID))
              register       \(configuration.register): tables, columns and journal triggers present
              state          \(FileManager.default.fileExists(atPath: configuration.stateDatabase) ? "\(configuration.stateDatabase): journal lineage and run order consistent" : "\(configuration.stateDatabase) (none yet: a first run)")
            """)
        return .ok
    }
}
