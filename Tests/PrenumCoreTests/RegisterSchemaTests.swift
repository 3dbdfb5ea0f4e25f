import Foundation
import PrenumSQLite
import PrenumTestSupport
import XCTest

@testable import PrenumCore

final class RegisterSchemaTests: XCTestCase {
    private var scratch: TemporaryFolder?
    private var folder: URL!
    private var path: String!
    private var db: Database!

    override func setUpWithError() throws {
        let scratch = try TemporaryFolder("prenum-register")
        self.scratch = scratch
        folder = scratch.url
        path = folder.appendingPathComponent("register.db").path
        db = try Database(path: path, mode: .readWrite(create: true))
        try RegisterSchema.create(in: db)
    }

    override func tearDown() {
        db = nil
        scratch = nil
    }

    /// The journal rows after `seq`, as "entity id op" lines.
    private func journal(after seq: Int64) throws -> [String] {
        var rows: [String] = []
        try db.cached("SELECT entity, entity_id, op, changed_at FROM change_log WHERE seq > ? ORDER BY seq")
            .forEachRow([seq]) { row in
                rows.append("\(row.text(0)) \(row.int64(1)) \(row.text(2))")
                XCTAssertNotNil(Self.utcTimestamp(row.text(3)), "changed_at \(row.text(3))")
            }
        return rows
    }

    private static func utcTimestamp(_ text: String) -> Date? {
        guard text.count == 20, text.hasSuffix("Z"), text.dropFirst(10).first == "T" else { return nil }
        return Timestamp.parse(text)
    }

    private func lastSeq() throws -> Int64 { try db.scalarInt("SELECT coalesce(max(seq), 0) FROM change_log") ?? 0 }

    private func insertPayment(id: Int64, pnr: String = "198112189876") throws {
        try db.run(
            """
            INSERT INTO payment(id, pnr, benefit, company, status, period_from, period_to, payment_date, gross_ore, tax_ore, registered_at)
            VALUES (?, ?, 'SJP', 'FK', 'preliminary', '2026-10-01', '2026-10-31', '2026-11-25', 1190000, 357000, '2026-11-10T08:00:00Z')
            """, [id, pnr])
    }

    func testSchemaHasExactlyTheSpecTablesAndColumns() throws {
        // Typed from SPEC section 1: table | column | type | not null | primary-key position.
        let expected = """
            benefit|code|TEXT|0|1
            benefit|name|TEXT|1|0
            benefit|family|TEXT|1|0
            benefit_case|id|INTEGER|0|1
            benefit_case|pnr|TEXT|1|0
            benefit_case|benefit|TEXT|1|0
            benefit_case|decision|TEXT|1|0
            benefit_case|opened_on|TEXT|1|0
            benefit_case|closed_on|TEXT|0|0
            benefit_case|extent_pct|INTEGER|0|0
            benefit_case|daily_amount_ore|INTEGER|0|0
            change_log|seq|INTEGER|0|1
            change_log|entity|TEXT|1|0
            change_log|entity_id|INTEGER|1|0
            change_log|op|TEXT|1|0
            change_log|changed_at|TEXT|1|0
            payment|id|INTEGER|0|1
            payment|pnr|TEXT|1|0
            payment|benefit|TEXT|1|0
            payment|company|TEXT|1|0
            payment|status|TEXT|1|0
            payment|period_from|TEXT|0|0
            payment|period_to|TEXT|0|0
            payment|payment_date|TEXT|1|0
            payment|gross_ore|INTEGER|1|0
            payment|tax_ore|INTEGER|1|0
            payment|registered_at|TEXT|1|0
            payment_deduction|payment_id|INTEGER|1|1
            payment_deduction|kind|TEXT|1|2
            payment_deduction|amount_ore|INTEGER|1|0
            """
        let actual = try RegisterShell.query(
            path,
            """
            SELECT m.name, p.name, p.type, p."notnull", p.pk
            FROM sqlite_schema m JOIN pragma_table_info(m.name) p
            WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'
            ORDER BY m.name, p.cid
            """)
        XCTAssertEqual(actual, expected)
        XCTAssertEqual(try RegisterShell.query(path, "SELECT sql LIKE '%AUTOINCREMENT%' FROM sqlite_schema WHERE name = 'change_log'"), "1")
        XCTAssertEqual(
            try RegisterShell.query(
                path, "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name IN ('payment_pnr', 'benefit_case_pnr')"), "2")
    }

    func testBenefitCatalogueHoldsTheThirteenSpecCodes() throws {
        let codes = try RegisterShell.query(path, "SELECT group_concat(code, ' ') FROM (SELECT code FROM benefit ORDER BY code)")
        XCTAssertEqual(codes, "AE AKS ASS BB BOB ETE FP MKE OMV SA SJP TFP UTV")
        XCTAssertEqual(try RegisterShell.query(path, "SELECT count(*) FROM benefit WHERE name = '' OR family = ''"), "0")
    }

    func testPaymentWritesAreJournalled() throws {
        try insertPayment(id: 41)
        try db.run("UPDATE payment SET status = 'executed' WHERE id = 41")
        try db.run("DELETE FROM payment WHERE id = 41")
        XCTAssertEqual(try journal(after: 0), ["payment 41 I", "payment 41 U", "payment 41 D"])
    }

    func testCaseWritesAreJournalledAsCase() throws {
        try db.run(
            """
            INSERT INTO benefit_case(id, pnr, benefit, decision, opened_on, closed_on, extent_pct, daily_amount_ore)
            VALUES (7, '198112189876', 'SJP', 'pending', '2026-11-01', NULL, 100, 85000)
            """)
        try db.run("UPDATE benefit_case SET decision = 'granted', closed_on = '2026-11-14' WHERE id = 7")
        try db.run("DELETE FROM benefit_case WHERE id = 7")
        XCTAssertEqual(try journal(after: 0), ["case 7 I", "case 7 U", "case 7 D"])
    }

    func testDeductionWritesJournalTheParentPaymentAsUpdate() throws {
        try insertPayment(id: 5)
        try insertPayment(id: 6)
        let start = try lastSeq()
        try db.run("INSERT INTO payment_deduction(payment_id, kind, amount_ore) VALUES (5, 'GARNISHMENT', 100000)")
        try db.run("UPDATE payment_deduction SET amount_ore = 50000 WHERE payment_id = 5")
        try db.run("DELETE FROM payment_deduction WHERE payment_id = 5")
        XCTAssertEqual(try journal(after: start), ["payment 5 U", "payment 5 U", "payment 5 U"])
        // A deduction moved to another payment changes both.
        try db.run("INSERT INTO payment_deduction(payment_id, kind, amount_ore) VALUES (5, 'FOREIGN_CLAIM', 100)")
        let beforeMove = try lastSeq()
        try db.run("UPDATE payment_deduction SET payment_id = 6 WHERE payment_id = 5")
        XCTAssertEqual(Set(try journal(after: beforeMove)), ["payment 6 U", "payment 5 U"])
    }

    func testMultiRowStatementJournalsEveryRow() throws {
        for id in 1...3 { try insertPayment(id: Int64(id)) }
        let start = try lastSeq()
        try db.run("UPDATE payment SET status = 'executed'")
        XCTAssertEqual(try journal(after: start).sorted(), ["payment 1 U", "payment 2 U", "payment 3 U"])
    }

    func testSeqRisesAcrossCommitsAndIsNeverReused() throws {
        try db.transaction { try insertPayment(id: 1) }
        let first = try lastSeq()
        try db.transaction {
            try insertPayment(id: 2)
            try insertPayment(id: 3)
        }
        let second = try lastSeq()
        XCTAssertGreaterThan(second, first)
        // A rolled-back write leaves no journal row, and the next commit still goes higher.
        try? db.transaction {
            try insertPayment(id: 4)
            throw OperationFailure(.dataError, "abandon")
        }
        XCTAssertEqual(try lastSeq(), second)
        try db.run("DELETE FROM change_log WHERE seq = ?", [second])
        try insertPayment(id: 5)
        XCTAssertGreaterThan(try lastSeq(), second, "AUTOINCREMENT never hands out a seq twice")
        let seqs = try RegisterShell.query(path, "SELECT group_concat(seq) FROM (SELECT seq FROM change_log ORDER BY seq)")
        XCTAssertEqual(seqs, "1,2,4")
    }

    func testTriggersWorkForWritersThatAreNotPrenum() throws {
        // Upstream systems write with their own tools; the journal must not depend on Prenum.
        db = nil
        _ = try RegisterShell.run(
            path, ["INSERT INTO benefit_case(pnr, benefit, decision, opened_on) VALUES ('198112189876', 'FP', 'granted', '2026-01-01')"])
        XCTAssertEqual(try RegisterShell.query(path, "SELECT entity || ' ' || entity_id || ' ' || op FROM change_log"), "case 1 I")
    }
}
