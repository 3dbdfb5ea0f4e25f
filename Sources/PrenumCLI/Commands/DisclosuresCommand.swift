import PrenumCore

struct DisclosuresCommand: Command {
    static let words = ["disclosures"]
    static let abstract = "every subscriber that received records about a person: ground, periods, and each file's records"
    static let discussion = """
        For a data-subject access request or an audit: per subscriber that was sent anything about
        the person, its organisation number, name, purpose and legal basis, the periods the person
        was in its population, and per file (name, sequence, business date, and the purpose and
        legal basis at that file) the records sent (kind, id, change) and whether the file
        unsubscribed the person. Read from the state's disclosure index and the archived files it
        names; a missing archived file is exit 66, never a shorter answer. --from and --to bound
        the files by business date. Reads only; takes no lock. The personnummer appears in this
        output, never in a log line.
        """
    @Option(.config) var config: String
    @Option(valueName: "P", help: "the person's personnummer, 12 digits") var pnr: Personnummer
    @Option(valueName: "D1", help: "first business date YYYY-MM-DD", default: "the first file") var from: CalendarDate?
    @Option(valueName: "D2", help: "last business date YYYY-MM-DD", default: "the last file") var to: CalendarDate?
    @Flag(help: "machine-readable output") var json = false

    func validate() throws {
        try Self.validateWindow(from: from, to: to)
    }

    func run(_ environment: Environment) throws -> ExitCode {
        let configuration = try ConfigurationLoader.load(path: config)
        let report = try DisclosureReport.gather(configuration: configuration, pnr: pnr, from: from, to: to)
        print(json ? try report.json() : report.text, terminator: "")
        return .ok
    }
}
