import PrenumCore

struct RerunCommand: Command {
    static let words = ["rerun"]
    static let abstract = "re-publish the files already delivered to a subscriber for a window of business dates, byte for byte"
    static let discussion = """
        Takes the run lock (exit 75 while a run is going). Checks every archived file of the window
        against the SHA-256 recorded when it was made; a missing or altered archive file is exit 65 and
        nothing is published. Then copies each pair into the subscriber's current outbox under its
        original name, signature first, each atomically. A name that already holds the same bytes is
        left alone; one that holds other bytes is refused (exit 65). An empty window is not an error
        (exit 0, says so). --dry-run checks the archive and lists what would be published.
        """
    @Option(.config) var config: String
    @Option(.subscriber) var subscriber: String
    @Option(valueName: "D1", help: "first business date YYYY-MM-DD") var from: CalendarDate
    @Option(valueName: "D2", help: "last business date YYYY-MM-DD") var to: CalendarDate
    @Flag(help: "check the archive and list what would be published, publish nothing") var dryRun = false

    func validate() throws {
        try Self.validateWindow(from: from, to: to)
    }

    func run(_ environment: Environment) throws -> ExitCode {
        let configuration = try ConfigurationLoader.load(path: config)
        let report = try Rerun(configuration: configuration, log: environment.log)
            .execute(subscriber: subscriber, from: from, to: to, dryRun: dryRun)
        print(report.text, terminator: "")
        return .ok
    }
}
