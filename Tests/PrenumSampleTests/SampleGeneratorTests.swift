import Foundation
import PrenumTestSupport
import XCTest

@testable import PrenumCore
@testable import PrenumSample

/// The sample generator, checked from outside with the stock `sqlite3` shell: determinism by
/// `.dump`, validity of every personnummer, the karens and tax rules, the status rule, and
/// that `advance` writes only through the journal triggers.
final class SampleGeneratorTests: XCTestCase {
    private var folder: TemporaryFolder!

    override func setUpWithError() throws {
        folder = try TemporaryFolder("prenum-register")
    }

    override func tearDown() {
        folder = nil
    }

    private func file(_ name: String) -> String { folder.file(name) }

    private func create(_ name: String, persons: Int = 400, seed: UInt64 = 42, until: String = "2026-11-01") throws -> String {
        let path = file(name)
        _ = try SampleRegister.create(path: path, persons: persons, seed: seed, until: try XCTUnwrap(CalendarDate(until)))
        return path
    }

    private func rows(_ path: String, _ sql: String) throws -> [[String]] {
        try RegisterShell.run(path, ["-separator", "|", sql])
            .split(separator: "\n", omittingEmptySubsequences: true)
            .map { $0.split(separator: "|", omittingEmptySubsequences: false).map(String.init) }
    }

    private func number(_ path: String, _ sql: String) throws -> Int {
        let text = try RegisterShell.query(path, sql)
        return try XCTUnwrap(Int(text), "not a number: \(text) from \(sql)")
    }

    // MARK: Create

    func testCreateIsDeterministicBySqliteDump() throws {
        let first = try create("a.db")
        let second = try create("b.db")
        let other = try create("c.db", seed: 43)
        let dumpA = try RegisterShell.run(first, [".dump"])
        let dumpB = try RegisterShell.run(second, [".dump"])
        XCTAssertGreaterThan(dumpA.utf8.count, 100_000)
        XCTAssertTrue(dumpA.contains("INSERT INTO change_log"), "the journal is part of what must be identical")
        XCTAssertEqual(dumpA, dumpB)
        XCTAssertNotEqual(dumpA, try RegisterShell.run(other, [".dump"]), "the seed must matter")
    }

    func testCreateRefusesAnExistingFile() throws {
        let path = file("exists.db")
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(
            try SampleRegister.create(path: path, persons: 10, seed: 1, until: CalendarDate(year: 2026, month: 11, day: 1)!)
        ) { error in
            XCTAssertEqual((error as? any PrenumFailure)?.exitCode, .cannotCreate)
        }
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "keep me")
        XCTAssertFalse(FileManager.default.fileExists(atPath: path + ".creating"))
    }

    func testEveryPersonnummerIsValidAndThePersonCountIsExact() throws {
        let path = try create("pnr.db", persons: 1_500)
        let numbers = try rows(path, "SELECT pnr FROM payment UNION SELECT pnr FROM benefit_case").map { $0[0] }
        XCTAssertEqual(numbers.count, 1_500, "every person has at least one record")
        var coordination = 0
        for number in numbers {
            guard let pnr = Personnummer(number) else {
                return XCTFail("invalid personnummer generated (\(Personnummer.validate(number)))")
            }
            if pnr.isCoordinationNumber { coordination += 1 }
        }
        XCTAssertGreaterThan(coordination, 5, "a small share are samordningsnummer")
        XCTAssertLessThan(coordination, 100)
    }

    func testSchemaIsTheShippedDDLAndJournalCoversEveryRecord() throws {
        let path = try create("schema.db")
        XCTAssertEqual(
            try RegisterShell.query(
                path, "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name)"),
            "benefit benefit_case change_log payment payment_deduction sqlite_sequence")
        XCTAssertEqual(try RegisterShell.query(path, "PRAGMA journal_mode"), "wal")
        XCTAssertEqual(
            try number(
                path,
                "SELECT count(*) FROM payment p WHERE NOT EXISTS (SELECT 1 FROM change_log c WHERE c.entity = 'payment' AND c.entity_id = p.id AND c.op = 'I')"
            ), 0)
        XCTAssertEqual(
            try number(
                path,
                "SELECT count(*) FROM benefit_case b WHERE NOT EXISTS (SELECT 1 FROM change_log c WHERE c.entity = 'case' AND c.entity_id = b.id AND c.op = 'I')"
            ), 0)
        XCTAssertEqual(try number(path, "SELECT count(*) FROM change_log WHERE op = 'D' AND entity_id IN (SELECT id FROM payment)"), 0)
        XCTAssertGreaterThan(try number(path, "SELECT count(*) FROM change_log WHERE op = 'D'"), 0, "some payments were hard-deleted")
        XCTAssertEqual(
            try number(
                path,
                "SELECT count(*) FROM change_log WHERE changed_at NOT GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]Z' OR changed_at > '2026-11-01T23:59:59Z'"
            ), 0,
            "journal times are simulated, never after the end date")
    }

    func testKarensCompensationFollowsTheRatesAndIsTaxedAtThirtyPercentRoundedDown() throws {
        let path = try create("karens.db", persons: 2_000)
        for day in 2...4 { _ = try SampleRegister.advance(path: path, date: CalendarDate(year: 2026, month: 11, day: day)!) }
        // Karens payments are the SJP payments paying exactly 700 or 804 kronor per day of their period.
        let karens = try rows(
            path,
            """
            SELECT gross_ore, tax_ore, CAST(julianday(period_to) - julianday(period_from) + 1 AS INTEGER) FROM payment
            WHERE benefit = 'SJP' AND (gross_ore = 70000 * (julianday(period_to) - julianday(period_from) + 1)
                                    OR gross_ore = 80400 * (julianday(period_to) - julianday(period_from) + 1))
            """)
        var employee = 0, selfEmployed = 0
        for row in karens {
            let gross = try XCTUnwrap(Int(row[0])), tax = try XCTUnwrap(Int(row[1])), days = try XCTUnwrap(Int(row[2]))
            if gross == 70_000 * days {
                XCTAssertEqual(days, 1, "an employee's karens compensation is one day")
                employee += 1
            } else {
                XCTAssertTrue((1...14).contains(days), "self-employed karens is at most 14 days, got \(days)")
                selfEmployed += 1
            }
            // 30 % of the gross in kronor, rounded down to whole kronor, back in öre.
            XCTAssertEqual(tax, Int((Double(gross) / 100 * 0.3).rounded(.down)) * 100, "gross \(gross)")
        }
        XCTAssertGreaterThan(employee, 20)
        XCTAssertGreaterThan(selfEmployed, 2)
    }

    func testDataLooksLikeTheRegister() throws {
        let path = try create("mix.db", persons: 2_000)
        let until = "2026-11-01"
        // Every status, and the status rule: executed exactly when the month's cut-off (the
        // 20th) has passed and the payment was registered before the end date.
        XCTAssertEqual(
            try RegisterShell.query(path, "SELECT group_concat(status, ' ') FROM (SELECT DISTINCT status FROM payment ORDER BY 1)"),
            "cancelled executed preliminary")
        let due = "(date(payment_date, 'start of month', '+19 days') <= '\(until)' AND substr(registered_at, 1, 10) < '\(until)')"
        XCTAssertEqual(try number(path, "SELECT count(*) FROM payment WHERE status = 'executed' AND NOT \(due)"), 0)
        XCTAssertEqual(try number(path, "SELECT count(*) FROM payment WHERE status = 'preliminary' AND \(due)"), 0)
        XCTAssertGreaterThan(try number(path, "SELECT count(*) FROM payment WHERE payment_date > '\(until)'"), 100, "future payment dates")
        XCTAssertGreaterThan(
            try number(path, "SELECT count(*) FROM payment WHERE period_from < date(registered_at, '-45 days')"), 20, "retroactive payments"
        )
        XCTAssertGreaterThan(try number(path, "SELECT count(*) FROM payment WHERE company = 'PM'"), 50)
        XCTAssertEqual(try number(path, "SELECT count(*) FROM payment WHERE company NOT IN ('FK', 'PM')"), 0)
        XCTAssertEqual(
            try RegisterShell.query(path, "SELECT group_concat(kind, ' ') FROM (SELECT DISTINCT kind FROM payment_deduction ORDER BY 1)"),
            "FOREIGN_CLAIM GARNISHMENT SOCIAL_ASSISTANCE STATE_CLAIM_OFFSET")
        XCTAssertEqual(
            try number(
                path,
                """
                SELECT count(*) FROM payment p WHERE (SELECT coalesce(sum(amount_ore), 0) FROM payment_deduction WHERE payment_id = p.id) > p.gross_ore - p.tax_ore
                   OR p.tax_ore < 0 OR p.tax_ore > p.gross_ore OR p.gross_ore <= 0 OR p.tax_ore % 100 <> 0
                """), 0, "deductions fit in the net amount; tax is whole kronor")
        XCTAssertEqual(try number(path, "SELECT count(DISTINCT benefit) FROM payment"), 13)
        XCTAssertEqual(
            try number(
                path,
                "SELECT count(*) FROM payment WHERE period_from > period_to OR payment_date NOT GLOB '20[0-9][0-9]-[01][0-9]-[0-3][0-9]'"),
            0)
        XCTAssertEqual(
            try RegisterShell.query(
                path, "SELECT group_concat(decision, ' ') FROM (SELECT DISTINCT decision FROM benefit_case ORDER BY 1)"),
            "denied granted pending withdrawn")
        XCTAssertGreaterThan(try number(path, "SELECT count(*) FROM benefit_case WHERE closed_on IS NULL"), 100)
        XCTAssertGreaterThan(try number(path, "SELECT count(*) FROM benefit_case WHERE closed_on IS NOT NULL"), 100)
        XCTAssertEqual(
            try number(
                path,
                "SELECT count(*) FROM benefit_case WHERE closed_on < opened_on OR (extent_pct IS NOT NULL AND extent_pct NOT IN (25, 50, 75, 100))"
            ), 0)
        XCTAssertEqual(
            try number(path, "SELECT count(*) FROM benefit_case WHERE benefit IN ('SJP', 'FP', 'TFP') AND daily_amount_ore IS NULL"), 0)
        // About 13 months of history.
        XCTAssertEqual(try RegisterShell.query(path, "SELECT min(payment_date) BETWEEN '2025-08-01' AND '2025-10-31' FROM payment"), "1")
        XCTAssertEqual(
            try number(
                path,
                "SELECT count(DISTINCT substr(payment_date, 1, 7)) FROM payment WHERE payment_date BETWEEN '2025-10-01' AND '2026-11-30'"),
            14,
            "payments in every month from October 2025 to November 2026")
        XCTAssertGreaterThan(try number(path, "SELECT count(*) FROM payment WHERE benefit IN ('FP', 'TFP', 'BOB', 'BB')"), 500)
    }

    // MARK: Advance

    /// Every row of the register's data tables, keyed by entity and id, as the shell prints it.
    private func snapshot(_ path: String) throws -> [String: String] {
        var state: [String: String] = [:]
        for row in try rows(
            path,
            "SELECT 'payment', id, pnr, benefit, company, status, period_from, period_to, payment_date, gross_ore, tax_ore, registered_at, (SELECT group_concat(kind || '=' || amount_ore) FROM (SELECT * FROM payment_deduction d WHERE d.payment_id = p.id ORDER BY kind)) FROM payment p"
        ) {
            state["payment \(row[1])"] = row.dropFirst(2).joined(separator: "|")
        }
        for row in try rows(path, "SELECT 'case', * FROM benefit_case") {
            state["case \(row[1])"] = row.dropFirst(2).joined(separator: "|")
        }
        return state
    }

    func testAdvanceWritesEveryKindOfChangeAndJournalsItThroughTheTriggers() throws {
        let path = try create("advance.db", persons: 400, until: "2026-11-13")
        var kinds = Set<String>()
        for day in 14...21 {
            let date = CalendarDate(year: 2026, month: 11, day: day)!
            let before = try snapshot(path)
            let seqBefore = try number(path, "SELECT max(seq) FROM change_log")
            let summary = try SampleRegister.advance(path: path, date: date)
            let after = try snapshot(path)
            let journal = try rows(path, "SELECT entity, entity_id, op, changed_at FROM change_log WHERE seq > \(seqBefore) ORDER BY seq")
            XCTAssertEqual(Int64(journal.count), summary.journalRows)
            XCTAssertGreaterThan(journal.count, 10)
            let journalled = Set(journal.map { "\($0[0]) \($0[1])" })
            for row in journal {
                XCTAssertTrue(row[3].hasPrefix("\(date)T"), "changed_at \(row[3]) is on the simulated day")
                let key = "\(row[0]) \(row[1])"
                switch row[2] {
                case "I": XCTAssertNil(before[key], "\(key) journalled as inserted existed before")
                case "D": XCTAssertNil(after[key], "\(key) journalled as deleted still exists")
                case "U":
                    XCTAssertTrue(
                        before[key] != nil || after[key] != nil || journal.contains { "\($0[0]) \($0[1])" == key && $0[2] == "I" })
                default: XCTFail("unknown op \(row[2])")
                }
            }
            // Every change in the data has a journal row: nothing bypasses the triggers.
            for key in Set(before.keys).union(after.keys) where before[key] != after[key] {
                XCTAssertTrue(journalled.contains(key), "\(key) changed without a journal row")
                kinds.formUnion(Self.kindsOfChange(key: key, before: before[key], after: after[key]))
            }
            kinds.formUnion(journal.map { "\($0[0]) \($0[2])" })
        }
        let expected: Set<String> = [
            "payment I", "payment U", "payment D", "case I", "case U",
            "payment inserted", "payment deleted", "status preliminary->executed", "status preliminary->cancelled",
            "payment_date changed", "period changed", "amount changed", "deduction added", "deduction changed", "deduction removed",
            "case opened", "case decided granted", "case decided withdrawn", "case closed", "case extended", "extent changed"
        ]
        XCTAssertEqual(expected.subtracting(kinds), [], "kinds of change never produced in 8 days")
    }

    /// Names the kinds of change between two versions of a row (columns as in `snapshot`).
    private static func kindsOfChange(key: String, before: String?, after: String?) -> Set<String> {
        let entity = key.split(separator: " ")[0]
        guard let before else { return entity == "payment" ? ["payment inserted"] : ["case opened"] }
        guard let after else { return ["\(entity) deleted"] }
        let old = before.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        let new = after.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        var kinds = Set<String>()
        if entity == "payment" {
            if old[3] != new[3] { kinds.insert("status \(old[3])->\(new[3])") }
            if old[4] != new[4] || old[5] != new[5] { kinds.insert("period changed") }
            if old[6] != new[6] { kinds.insert("payment_date changed") }
            if old[7] != new[7] { kinds.insert("amount changed") }
            let oldDeductions = Set(old[10].split(separator: ",").map { $0.split(separator: "=")[0] })
            let newDeductions = Set(new[10].split(separator: ",").map { $0.split(separator: "=")[0] })
            if !newDeductions.subtracting(oldDeductions).isEmpty { kinds.insert("deduction added") }
            if !oldDeductions.subtracting(newDeductions).isEmpty { kinds.insert("deduction removed") }
            if oldDeductions == newDeductions && old[10] != new[10] { kinds.insert("deduction changed") }
        } else {
            if old[2] != new[2] { kinds.insert("case decided \(new[2])") }
            if old[4].isEmpty && !new[4].isEmpty && new[2] == "granted" { kinds.insert("case closed") }
            if !old[4].isEmpty && (new[4].isEmpty || new[4] > old[4]) { kinds.insert("case extended") }
            if old[5] != new[5] { kinds.insert("extent changed") }
        }
        return kinds
    }

    func testAdvanceIsDeterministicForTheSameSeedAndDate() throws {
        let first = try create("d1.db", persons: 300)
        let second = try create("d2.db", persons: 300)
        let third = try create("d3.db", persons: 300)
        let date = CalendarDate(year: 2026, month: 11, day: 2)!
        let a = try SampleRegister.advance(path: first, date: date)
        let b = try SampleRegister.advance(path: second, date: date, seed: SampleRegister.defaultSeed(for: date))
        _ = try SampleRegister.advance(path: third, date: date, seed: 7)
        XCTAssertEqual(a, b)
        let dump = try RegisterShell.run(first, [".dump"])
        XCTAssertEqual(dump, try RegisterShell.run(second, [".dump"]))
        XCTAssertNotEqual(dump, try RegisterShell.run(third, [".dump"]), "another seed gives another day")
    }

    func testAdvanceRefusesMissingRegistersAndGoingBack() throws {
        XCTAssertThrowsError(try SampleRegister.advance(path: file("none.db"), date: CalendarDate(year: 2026, month: 11, day: 2)!)) {
            error in
            XCTAssertEqual((error as? any PrenumFailure)?.exitCode, .noInput)
        }
        let path = try create("back.db", persons: 50)
        let before = try RegisterShell.run(path, [".dump"])
        XCTAssertThrowsError(try SampleRegister.advance(path: path, date: CalendarDate(year: 2026, month: 10, day: 1)!)) { error in
            XCTAssertEqual((error as? any PrenumFailure)?.exitCode, .usage)
        }
        XCTAssertEqual(try RegisterShell.run(path, [".dump"]), before, "a refused day writes nothing")
    }
}
