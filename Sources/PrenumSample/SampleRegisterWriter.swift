import PrenumSQLite

/// The only way sample code writes the register: plain INSERT, UPDATE and DELETE through
/// cached statements, with the simulated clock set to the moment of each write, so that the
/// journal triggers stamp the simulated time. Nothing here touches `change_log`.
final class SampleRegisterWriter {
    let database: Database
    let clock: ConnectionClock
    let calendar: SampleCalendar
    private let insertPaymentStatement: Statement
    private let insertCaseStatement: Statement
    private let insertDeductionStatement: Statement
    private(set) var counts = SampleWriteCounts()

    init(database: Database, clock: ConnectionClock, calendar: SampleCalendar) throws {
        self.database = database
        self.clock = clock
        self.calendar = calendar
        insertPaymentStatement = try database.prepare(
            """
            INSERT INTO payment(pnr, benefit, company, status, period_from, period_to, payment_date, gross_ore, tax_ore, registered_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        insertCaseStatement = try database.prepare(
            """
            INSERT INTO benefit_case(pnr, benefit, decision, opened_on, closed_on, extent_pct, daily_amount_ore)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        insertDeductionStatement = try database.prepare("INSERT INTO payment_deduction(payment_id, kind, amount_ore) VALUES (?, ?, ?)")
    }

    /// Moves the simulated clock; the next write is journalled at this moment.
    func setTime(day: Int, second: Int) {
        clock.unixSeconds = SampleCalendar.unixSeconds(day: day, second: second)
    }

    struct Payment {
        var pnr: String
        var benefit: String
        var company: String
        var status: String
        var periodFrom: Int?
        var periodTo: Int?
        var paymentDate: Int
        var grossOre: Int64
        var taxOre: Int64
        var registeredDay: Int
        var registeredSecond: Int
    }

    @discardableResult
    func insert(_ payment: Payment) throws -> Int64 {
        let s = insertPaymentStatement
        try s.bind(payment.pnr, at: 1)
        try s.bind(payment.benefit, at: 2)
        try s.bind(payment.company, at: 3)
        try s.bind(payment.status, at: 4)
        try s.bind(payment.periodFrom.map(calendar.text), at: 5)
        try s.bind(payment.periodTo.map(calendar.text), at: 6)
        try s.bind(calendar.text(payment.paymentDate), at: 7)
        try s.bind(payment.grossOre, at: 8)
        try s.bind(payment.taxOre, at: 9)
        try s.bind(calendar.timestamp(day: payment.registeredDay, second: payment.registeredSecond), at: 10)
        try s.runToCompletion()
        counts.paymentInserts += 1
        return database.lastInsertRowID
    }

    struct Case {
        var pnr: String
        var benefit: String
        var decision: String
        var openedOn: Int
        var closedOn: Int?
        var extentPct: Int64?
        var dailyAmountOre: Int64?
    }

    @discardableResult
    func insert(_ benefitCase: Case) throws -> Int64 {
        let s = insertCaseStatement
        try s.bind(benefitCase.pnr, at: 1)
        try s.bind(benefitCase.benefit, at: 2)
        try s.bind(benefitCase.decision, at: 3)
        try s.bind(calendar.text(benefitCase.openedOn), at: 4)
        try s.bind(benefitCase.closedOn.map(calendar.text), at: 5)
        try s.bind(benefitCase.extentPct, at: 6)
        try s.bind(benefitCase.dailyAmountOre, at: 7)
        try s.runToCompletion()
        counts.caseInserts += 1
        return database.lastInsertRowID
    }

    func insertDeduction(paymentID: Int64, kind: String, amountOre: Int64) throws {
        let s = insertDeductionStatement
        try s.bind(paymentID, at: 1)
        try s.bind(kind, at: 2)
        try s.bind(amountOre, at: 3)
        try s.runToCompletion()
        counts.deductionInserts += 1
    }

    /// Any other write (updates and deletes in the day simulation), counted by kind.
    func write(_ sql: String, _ arguments: [SQLiteBindable], counting keyPath: WritableKeyPath<SampleWriteCounts, Int>) throws {
        try database.run(sql, arguments)
        counts[keyPath: keyPath] += database.changes
    }
}

/// How many rows the sample code inserted, updated and deleted, per table.
public struct SampleWriteCounts: Sendable, Equatable {
    public var paymentInserts = 0
    public var paymentUpdates = 0
    public var paymentDeletes = 0
    public var caseInserts = 0
    public var caseUpdates = 0
    public var deductionInserts = 0
    public var deductionUpdates = 0
    public var deductionDeletes = 0

    public init() {}
}
