import PrenumSQLite

/// The register as of one journal position. Only valid inside `RegisterReader.withSnapshot`.
public struct RegisterSnapshot {
    let database: Database
    /// The highest journal `seq` in this snapshot: the watermark the run records.
    public let highWater: Int64

    private static let paymentColumns = "p.pnr, p.benefit, p.company, p.status, p.period_from, p.period_to, p.payment_date, p.gross_ore, p.tax_ore"
    private static let caseColumns = "c.pnr, c.benefit, c.decision, c.opened_on, c.closed_on, c.extent_pct, c.daily_amount_ore"

    /// Calls `body` for every record journaled after `watermark` up to `highWater`, once each,
    /// cases first, each by id, with its current version or nil when it was deleted.
    public func forEachChangedRecord(after watermark: Int64, _ body: (RecordKey, RecordVersion?) throws -> Void) throws {
        let cases = try database.cached("""
            SELECT j.entity_id, \(Self.caseColumns)
            FROM (SELECT DISTINCT entity_id FROM change_log WHERE entity = 'case' AND seq > ?1 AND seq <= ?2) j
            LEFT JOIN benefit_case c ON c.id = j.entity_id
            ORDER BY j.entity_id
            """)
        try cases.forEachRow([watermark, highWater]) { row in
            let id = row.int64(0)
            try body(RecordKey(.benefitCase, id), row.isNull(1) ? nil : Self.caseVersion(id: id, row, offset: 1))
        }

        let payments = try database.cached("""
            SELECT j.entity_id, \(Self.paymentColumns)
            FROM (SELECT DISTINCT entity_id FROM change_log WHERE entity = 'payment' AND seq > ?1 AND seq <= ?2) j
            LEFT JOIN payment p ON p.id = j.entity_id
            ORDER BY j.entity_id
            """)
        let deductions = try database.cached("""
            SELECT d.payment_id, d.kind, d.amount_ore FROM payment_deduction d
            WHERE d.payment_id IN (SELECT entity_id FROM change_log WHERE entity = 'payment' AND seq > ?1 AND seq <= ?2)
            ORDER BY d.payment_id, d.kind
            """)
        try deductions.bind([watermark, highWater])
        defer { deductions.reset() }
        var deductionPending = try deductions.step()
        try payments.forEachRow([watermark, highWater]) { row in
            let id = row.int64(0)
            var found: [Deduction] = []
            // Both cursors run in payment id order: merge instead of a lookup per payment.
            while deductionPending && deductions.int64(0) <= id {
                if deductions.int64(0) == id {
                    found.append(Deduction(kind: deductions.text(1), amountOre: deductions.int64(2)))
                }
                deductionPending = try deductions.step()
            }
            try body(RecordKey(.payment, id), row.isNull(1) ? nil : Self.paymentVersion(id: id, row, offset: 1, deductions: found))
        }
    }

    /// Calls `body` for every record of one person.
    public func forEachRecord(ofPerson pnr: String, _ body: (RecordVersion) throws -> Void) throws {
        let cases = try database.cached("SELECT c.id, \(Self.caseColumns) FROM benefit_case c WHERE c.pnr = ? ORDER BY c.id")
        try cases.forEachRow([pnr]) { row in
            try body(Self.caseVersion(id: row.int64(0), row, offset: 1))
        }
        let payments = try database.cached("SELECT p.id, \(Self.paymentColumns) FROM payment p WHERE p.pnr = ? ORDER BY p.id")
        let deductions = try database.cached("SELECT kind, amount_ore FROM payment_deduction WHERE payment_id = ? ORDER BY kind")
        try payments.forEachRow([pnr]) { row in
            let id = row.int64(0)
            var found: [Deduction] = []
            try deductions.forEachRow([id]) { found.append(Deduction(kind: $0.text(0), amountOre: $0.int64(1))) }
            try body(Self.paymentVersion(id: id, row, offset: 1, deductions: found))
        }
    }

    static func caseVersion(id: Int64, _ row: Statement, offset o: Int32) -> RecordVersion {
        RecordVersion(id: id, pnr: row.text(o), benefit: row.text(o + 1), body: .benefitCase(CaseFields(
            decision: row.text(o + 2), openedOn: row.text(o + 3), closedOn: row.optionalText(o + 4),
            extentPct: row.optionalInt64(o + 5), dailyAmountOre: row.optionalInt64(o + 6))))
    }

    static func paymentVersion(id: Int64, _ row: Statement, offset o: Int32, deductions: [Deduction]) -> RecordVersion {
        RecordVersion(id: id, pnr: row.text(o), benefit: row.text(o + 1), body: .payment(PaymentFields(
            company: row.text(o + 2), status: row.text(o + 3), periodFrom: row.optionalText(o + 4),
            periodTo: row.optionalText(o + 5), paymentDate: row.text(o + 6), grossOre: row.int64(o + 7),
            taxOre: row.int64(o + 8), deductions: deductions)))
    }
}
