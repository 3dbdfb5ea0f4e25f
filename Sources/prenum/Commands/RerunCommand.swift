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
    static let options: [CommandLineOption] = [
        .config,
        .value("subscriber", "S", help: "subscriber id", required: true),
        .value("from", "D1", help: "first business date YYYY-MM-DD", required: true),
        .value("to", "D2", help: "last business date YYYY-MM-DD", required: true),
        .flag("dry-run", help: "check the archive and list what would be published, publish nothing"),
    ]

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let configuration = try ConfigurationLoader.load(path: arguments.configPath)
        guard let from = try arguments.date("from"), let to = try arguments.date("to") else { return .usage }
        let report = try Rerun(configuration: configuration, log: .standardError)
            .execute(subscriber: try arguments.required("subscriber"), from: from, to: to, dryRun: arguments.flag("dry-run"))
        print(report.text, terminator: "")
        return .ok
    }
}
