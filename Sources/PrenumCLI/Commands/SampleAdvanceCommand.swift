import PrenumCore
import PrenumSample

struct SampleAdvanceCommand: Command {
    static let words = ["sample", "advance"]
    static let abstract = "add one simulated day of upstream activity to a register"
    static let discussion = """
        Writes the day's inserts, updates and deletes in one transaction through the register's
        own journal triggers, as upstream systems do. Days must not go backwards.
        """
    @Option(valueName: "R", help: "register file") var register: String
    @Option(valueName: "D", help: "the day to simulate") var date: CalendarDate
    @Option(valueName: "S", help: "random seed", default: "derived from the date") var seed: UInt64?

    func run(_ environment: Environment) throws -> ExitCode {
        let path = register
        let summary = try SampleRegister.advance(path: path, date: date, seed: seed)
        let w = summary.writes
        print(
            """
            advanced=\(path) date=\(summary.date) seed=\(summary.seed) journal_rows=\(summary.journalRows) \
            seq=\(summary.firstSeq)-\(summary.lastSeq) payment_inserts=\(w.paymentInserts) payment_updates=\(w.paymentUpdates) \
            payment_deletes=\(w.paymentDeletes) case_inserts=\(w.caseInserts) case_updates=\(w.caseUpdates) \
            deduction_inserts=\(w.deductionInserts) deduction_updates=\(w.deductionUpdates) deduction_deletes=\(w.deductionDeletes)
            """)
        return .ok
    }
}
