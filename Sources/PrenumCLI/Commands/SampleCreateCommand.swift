import Foundation
import PrenumCore
import PrenumSample

struct SampleCreateCommand: Command {
    static let words = ["sample", "create"]
    static let abstract = "create a register with deterministic synthetic data"
    static let discussion = """
        Writes a new register (the SPEC section 1 schema and triggers) with about 13 months of
        history up to --date. The same persons, seed and date always give the same file content.
        An existing file is never overwritten (exit 73).
        """
    @Option(valueName: "R", help: "register file to create") var register: String
    @Option(valueName: "N", range: 1...100_000_000, help: "number of persons") var persons: Int
    @Option(valueName: "S", help: "random seed") var seed: UInt64
    @Option(valueName: "D", help: "simulate history up to this date", default: "today") var date: CalendarDate?

    func run(_ environment: Environment) throws -> ExitCode {
        let path = register
        let date = date ?? CalendarDate.today(in: TimeZone(identifier: "Europe/Stockholm") ?? .current)
        let summary = try SampleRegister.create(path: path, persons: persons, seed: seed, until: date)
        let w = summary.writes
        print(
            """
            created=\(path) persons=\(summary.persons) coordination_numbers=\(summary.coordinationNumbers) \
            history_from=\(summary.historyFrom) until=\(summary.until) payments=\(w.paymentInserts - w.paymentDeletes) \
            cases=\(w.caseInserts) deductions=\(w.deductionInserts) journal_rows=\(summary.journalRows) bytes=\(summary.fileBytes)
            """)
        return .ok
    }
}
