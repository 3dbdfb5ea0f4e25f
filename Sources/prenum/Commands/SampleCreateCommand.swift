import Foundation
import PrenumCore

struct SampleCreateCommand: Command {
    static let words = ["sample", "create"]
    static let abstract = "create a register with deterministic synthetic data"
    static let discussion = """
    Writes a new register (the SPEC section 1 schema and triggers) with about 13 months of
    history up to --date. The same persons, seed and date always give the same file content.
    An existing file is never overwritten (exit 73).
    """
    static let options: [CommandLineOption] = [.value("register", "R", help: "register file to create", required: true), .value("persons", "N", help: "number of persons", required: true), .value("seed", "S", help: "random seed", required: true), .value("date", "D", help: "simulate history up to this date", default: "today")]

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let path = try arguments.required("register")
        let persons = try arguments.integer("persons", range: 1...100_000_000) ?? 0
        let seed = try sampleSeed(arguments) ?? 0
        let date = try arguments.date("date") ?? CalendarDate.today(in: TimeZone(identifier: "Europe/Stockholm") ?? .current)
        let summary = try SampleRegister.create(path: path, persons: persons, seed: seed, until: date)
        let w = summary.writes
        print("""
            created=\(path) persons=\(summary.persons) coordination_numbers=\(summary.coordinationNumbers) \
            history_from=\(summary.historyFrom) until=\(summary.until) payments=\(w.paymentInserts - w.paymentDeletes) \
            cases=\(w.caseInserts) deductions=\(w.deductionInserts) journal_rows=\(summary.journalRows) bytes=\(summary.fileBytes)
            """)
        return .ok
    }

    /// `--seed` as an unsigned 64-bit number; nil when not given.
    static func sampleSeed(_ arguments: ParsedArguments) throws -> UInt64? {
        guard let text = arguments.string("seed") else { return nil }
        guard let seed = UInt64(text) else {
            throw ParsedArguments.UsageError(message: "--seed must be a whole number 0...\(UInt64.max), got '\(text)'", usage: usage)
        }
        return seed
    }
}
