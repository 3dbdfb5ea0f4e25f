import PrenumCore

struct ExplainCommand: Command {
    static let words = ["explain"]
    static let abstract =
        "why a subscriber may or may not see each of a person's records, what its recipient holds, which files carried them"
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
    @Option(.config) var config: String
    @Option(valueName: "S", help: "subscriber id") var subscriber: String
    @Option(valueName: "P", help: "the person's personnummer, 12 digits") var pnr: Personnummer
    @Option(valueName: "payment:ID|case:ID", help: "explain only this record") var record: RecordKey?
    @Option(valueName: "D", help: "business date YYYY-MM-DD", default: "the last completed run's") var date: CalendarDate?
    @Flag(help: "one JSON object per record") var json = false

    func run(_ environment: Environment) throws -> ExitCode {
        let configuration = try ConfigurationLoader.load(path: config)
        let explanation = try Explanation.gather(
            configuration: configuration, subscriber: subscriber,
            pnr: pnr, record: record, date: date)
        print(json ? try explanation.json() : explanation.text, terminator: "")
        return .ok
    }
}
