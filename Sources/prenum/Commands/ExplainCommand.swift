import PrenumCore

struct ExplainCommand: Command {
    static let words = ["explain"]
    static let abstract = "why a subscriber may or may not see each of a person's records, what its recipient holds, which files carried them"
    static let discussion = """
        For each of the person's records in the register (opened read-only), whether the subscriber
        may see it on the business date and the first rule that decided, in this order:
        not-in-population, no-consent, before-from-date, outside-window, not-permitted-for-category,
        benefit-not-ordered, cancelled, preliminary-in-format-showing-only-executed. Then what the
        subscriber's recipient holds for it now (derived from the state as of its last file) and the
        files that carried it (sequence, business date, change), read from the archive. Reads only;
        takes no lock. The personnummer appears in this output, never in a log line.
        --json prints an array with one object per record (kind, id, benefit, visible, rule,
        reason, holds, files).
        """
    static let options: [CommandLineOption] = [
        .config,
        .value("subscriber", "S", help: "subscriber id", required: true),
        .value("pnr", "P", help: "the person's personnummer, 12 digits", required: true),
        .value("record", "payment:ID|case:ID", help: "explain only this record"),
        .value("date", "D", help: "business date YYYY-MM-DD", default: "the last completed run's"),
        .flag("json", help: "one JSON object per record"),
    ]

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let pnr = try arguments.personnummer("pnr")
        var record: RecordKey?
        if let text = arguments.string("record") {
            guard let key = Explanation.recordKey(text) else {
                throw ParsedArguments.UsageError(message: "--record must be payment:ID or case:ID, got '\(text)'", usage: usage)
            }
            record = key
        }
        let configuration = try ConfigurationLoader.load(path: arguments.configPath)
        let explanation = try Explanation.gather(configuration: configuration, subscriber: try arguments.required("subscriber"),
                                                 pnr: pnr, record: record, date: try arguments.date("date"))
        print(arguments.flag("json") ? try explanation.json() : explanation.text, terminator: "")
        return .ok
    }
}
