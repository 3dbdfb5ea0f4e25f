import Foundation
import PrenumSQLite
import PrenumTestSupport
import XCTest

@testable import PrenumCore
@testable import PrenumSample
@testable import PrenumSimulationSupport

/// Each class of register value no delivery format can carry is named by the snapshot's SQL
/// (column and reason, never the value), and by the writer's Swift twin wherever a record
/// version can hold the value at all; good values pass both.
final class RegisterValueDomainTests: XCTestCase {
    private func register(lax: Bool) throws -> Database {
        let register = try Database(path: ":memory:", mode: .readWrite(create: true))
        if lax {
            try register.execute(HostileValue.laxDDL)
            for benefit in RegisterSchema.benefitCatalogue {
                try register.run("INSERT INTO benefit(code, name, family) VALUES (?, ?, ?)", [benefit.code, benefit.name, benefit.family])
            }
        } else {
            try RegisterSchema.create(in: register)
        }
        try register.defineUTF8Check()
        try register.execute(
            """
            INSERT INTO payment VALUES (1, '198112189876', 'SJP', 'FK', 'executed', '2026-11-01', '2026-11-14', '2026-11-25', 1190000, 357000, '2026-11-15T00:00:00Z');
            INSERT INTO payment_deduction VALUES (1, 'GARNISHMENT', 100000);
            INSERT INTO benefit_case VALUES (9, '198112189876', 'SJP', 'granted', '2026-11-01', '2026-11-14', 100, 85000);
            """)
        return register
    }

    private func problem(_ register: Database, _ entity: RecordKind) throws -> String? {
        let sql =
            entity == .payment
            ? "SELECT \(RegisterValueDomain.paymentProblem("p", schema: "main")) FROM payment p WHERE id = 1"
            : "SELECT \(RegisterValueDomain.caseProblem("c", schema: "main")) FROM benefit_case c WHERE id = 9"
        return try register.scalarText(sql)
    }

    /// The version the snapshot would copy, decoded as the delta engine decodes it; nil when
    /// the stored form cannot even hold it (a REAL amount, a NULL).
    private func version(_ register: Database, _ entity: RecordKind) throws -> RecordVersion? {
        let sql =
            entity == .payment
            ? "SELECT id, pnr, benefit, \(RegisterColumns.paymentFields("p", schema: "main")) FROM payment p WHERE id = 1"
            : "SELECT id, pnr, benefit, \(RegisterColumns.caseFields("c")) FROM benefit_case c WHERE id = 9"
        var version: RecordVersion?
        try register.prepare(sql).forEachRow { row in
            guard !row.isNull(3) else { return }
            version = RecordVersion(entity: entity, id: row.int64(0), pnr: row.text(1), benefit: row.text(2), encodedFields: row.text(3))
        }
        return version
    }

    func testEveryClassOfBadValueIsNamedWithItsColumnAndReason() throws {
        for hostile in HostileValue.all {
            let register = try register(lax: hostile.needsLaxRegister)
            XCTAssertNil(try problem(register, hostile.entity), "the good record before \(hostile)")
            try hostile.write(into: register, id: hostile.entity == .payment ? 1 : 9)
            XCTAssertEqual(try problem(register, hostile.entity), "\(hostile.field) \(hostile.reason)", "\(hostile)")
        }
    }

    func testTheWritersTwinNamesTheSameProblemWhereAVersionCanHoldTheValue() throws {
        var compared = 0
        for hostile in HostileValue.all {
            let register = try register(lax: hostile.needsLaxRegister)
            try hostile.write(into: register, id: hostile.entity == .payment ? 1 : 9)
            guard let version = try version(register, hostile.entity) else { continue }
            // The catalogue, the registration time and bytes Swift never sees (a NUL) are the
            // snapshot's alone.
            if hostile.reason == RegisterValueDomain.unknownBenefit || hostile.field == "registered_at" { continue }
            let found = try XCTUnwrap(version.undeliverableValue, "\(hostile): the writer would sign it")
            XCTAssertEqual(found.field, hostile.field, "\(hostile)")
            XCTAssertEqual(found.reason, hostile.reason, "\(hostile)")
            XCTAssertFalse(found.description.contains("198112189876"), "a personnummer in the refusal")
            compared += 1
        }
        XCTAssertGreaterThan(compared, 15)
    }

    func testGoodValuesOfEveryShapePass() throws {
        let register = try register(lax: false)
        var random = SeededRandom(seed: 99)
        let chaos = RegisterChaos(register: register, persons: RegisterChaos.personPool(count: 30, random: &random))
        let day = CalendarDate("2026-06-01")!
        for _ in 0..<300 { try chaos.insertPayment(on: day, &random) }
        for _ in 0..<100 { try chaos.insertCase(on: day, &random) }
        try chaos.advance(on: day.adding(days: 1), operations: 200, &random)
        let bad = try register.scalarInt(
            """
            SELECT (SELECT COUNT(*) FROM payment p WHERE \(RegisterValueDomain.paymentProblem("p", schema: "main")) IS NOT NULL) +
                   (SELECT COUNT(*) FROM benefit_case c WHERE \(RegisterValueDomain.caseProblem("c", schema: "main")) IS NOT NULL)
            """)
        XCTAssertEqual(bad, 0)
        try register.prepare("SELECT id, pnr, benefit, \(RegisterColumns.paymentFields("p", schema: "main")) FROM payment p").forEachRow {
            row in
            let version = RecordVersion(
                entity: .payment, id: row.int64(0), pnr: row.text(1), benefit: row.text(2), encodedFields: row.text(3))
            XCTAssertNil(version?.undeliverableValue)
        }
    }

    func testTheUTF8CheckSeesTheBytes() throws {
        let database = try Database(path: ":memory:", mode: .readWrite(create: true))
        try database.defineUTF8Check()
        for (hex, valid) in [("414243", 1), ("c3a5", 1), ("e282ac", 1), ("ff", 0), ("c3", 0), ("eda080", 0), ("c0af", 0), ("", 1)] {
            XCTAssertEqual(try database.scalarInt("SELECT prenum_valid_utf8(CAST(x'\(hex)' AS TEXT))"), Int64(valid), hex)
        }
        XCTAssertEqual(try database.scalarInt("SELECT prenum_valid_utf8(12)"), 1)
        XCTAssertEqual(try database.scalarInt("SELECT prenum_valid_utf8(NULL)"), 1)
    }

    /// The last line of defence: a version the snapshot let through is refused before a byte
    /// of it is written, and the file is gone, so nothing failing the XSD is ever signed.
    func testTheWriterRefusesAnUndeliverableVersionBeforeAnythingIsSigned() throws {
        let scratch = try TemporaryFolder("prenum-undeliverable")
        let folder = scratch.path
        let header = DeliveryHeader(
            subscriberID: "insurer-a", orgNumber: "5560000001", formatVersion: .v2, sequence: 2,
            previousSequence: 1, kind: .delta, businessDate: CalendarDate("2026-11-22")!,
            createdAt: "2026-11-22T01:00:04Z", keyID: "0123456789abcdef",
            windowFrom: CalendarDate("2025-10-18")!, previousHash: String(repeating: "0", count: 64))
        let bad = [
            RecordVersion(
                id: 1, pnr: "198112189876", benefit: "SJP",
                body: .benefitCase(
                    CaseFields(
                        decision: "granted", openedOn: "2026-11-01", closedOn: nil, extentPct: 33, dailyAmountOre: nil))),
            RecordVersion(
                id: 2, pnr: "198112189876", benefit: "SJP",
                body: .payment(
                    PaymentFields(
                        company: "FK", status: "executed", periodFrom: nil, periodTo: nil, paymentDate: "2026-13-45",
                        grossOre: 1, taxOre: 0, deductions: []))),
            RecordVersion(
                id: 3, pnr: "198112189876", benefit: "SJP",
                body: .payment(
                    PaymentFields(
                        company: "FK", status: "executed", periodFrom: nil, periodTo: nil, paymentDate: "2026-11-01",
                        grossOre: 1, taxOre: 0, deductions: [Deduction(kind: "BAD\u{FFFD}", amountOre: 1)])))
        ]
        for version in bad {
            let path = folder + "/file-\(version.id).xml"
            let writer = try DeliveryWriter(path: path, header: header)
            try writer.beginPerson(pnr: version.pnr)
            XCTAssertThrowsError(try writer.write(change: .new, version: version)) { error in
                XCTAssertTrue(error is UndeliverableValue, "\(error)")
            }
            XCTAssertThrowsError(try writer.finish(), "a refused file cannot be finished")
            writer.abandon()
            XCTAssertFalse(FileManager.default.fileExists(atPath: path))
        }
    }
}
