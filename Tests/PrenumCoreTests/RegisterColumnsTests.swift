import PrenumSQLite
import XCTest

@testable import PrenumCore

/// The snapshot encodes records inside SQLite; the delta engine decodes them in Swift. The two
/// must agree byte for byte, or every record would look changed (or damaged) every night.
final class RegisterColumnsTests: XCTestCase {
    func testSQLEncodingMatchesSwiftEncodingForEveryShapeOfRecord() throws {
        let register = try Database(path: ":memory:", mode: .readWrite(create: true))
        try RegisterSchema.create(in: register)
        try register.execute(
            """
            INSERT INTO payment VALUES (1, '198112189876', 'SJP', 'FK', 'executed', '2026-11-01', '2026-11-14', '2026-11-25', 1190000, 357000, '2026-11-15T00:00:00Z');
            INSERT INTO payment VALUES (2, '198112189876', 'SA', 'PM', 'preliminary', NULL, NULL, '2026-12-25', -125050, 0, '2026-11-15T00:00:00Z');
            INSERT INTO payment_deduction VALUES (1, 'SOCIAL_ASSISTANCE', 5000), (1, 'GARNISHMENT', 100000), (1, 'FOREIGN_CLAIM', 1);
            INSERT INTO benefit_case VALUES (9, '198112189876', 'SJP', 'granted', '2026-11-01', '2026-11-14', 100, 85000);
            INSERT INTO benefit_case VALUES (10, '198112189876', 'FP', 'pending', '2026-11-02', NULL, NULL, NULL);
            """)
        let expected: [RecordKey: RecordVersion] = [
            RecordKey(.payment, 1): RecordVersion(
                id: 1, pnr: "198112189876", benefit: "SJP",
                body: .payment(
                    PaymentFields(
                        company: "FK", status: "executed", periodFrom: "2026-11-01", periodTo: "2026-11-14", paymentDate: "2026-11-25",
                        grossOre: 1_190_000, taxOre: 357_000,
                        deductions: [
                            Deduction(kind: "SOCIAL_ASSISTANCE", amountOre: 5000), Deduction(kind: "GARNISHMENT", amountOre: 100_000),
                            Deduction(kind: "FOREIGN_CLAIM", amountOre: 1)
                        ], registeredAt: "2026-11-15T00:00:00Z"))),
            RecordKey(.payment, 2): RecordVersion(
                id: 2, pnr: "198112189876", benefit: "SA",
                body: .payment(
                    PaymentFields(
                        company: "PM", status: "preliminary", periodFrom: nil, periodTo: nil, paymentDate: "2026-12-25",
                        grossOre: -125_050, taxOre: 0, deductions: [], registeredAt: "2026-11-15T00:00:00Z"))),
            RecordKey(.benefitCase, 9): RecordVersion(
                id: 9, pnr: "198112189876", benefit: "SJP",
                body: .benefitCase(
                    CaseFields(
                        decision: "granted", openedOn: "2026-11-01", closedOn: "2026-11-14", extentPct: 100, dailyAmountOre: 85000))),
            RecordKey(.benefitCase, 10): RecordVersion(
                id: 10, pnr: "198112189876", benefit: "FP",
                body: .benefitCase(
                    CaseFields(
                        decision: "pending", openedOn: "2026-11-02", closedOn: nil, extentPct: nil, dailyAmountOre: nil)))
        ]
        var seen = 0
        try register.prepare("SELECT p.id, \(RegisterColumns.paymentFields("p", schema: "main")) FROM payment p").forEachRow { row in
            let version = try XCTUnwrap(expected[RecordKey(.payment, row.int64(0))])
            XCTAssertEqual(row.text(1), version.encodedFields)
            XCTAssertEqual(
                RecordVersion(entity: .payment, id: version.id, pnr: version.pnr, benefit: version.benefit, encodedFields: row.text(1)),
                version)
            seen += 1
        }
        try register.prepare("SELECT c.id, \(RegisterColumns.caseFields("c")) FROM benefit_case c").forEachRow { row in
            let version = try XCTUnwrap(expected[RecordKey(.benefitCase, row.int64(0))])
            XCTAssertEqual(row.text(1), version.encodedFields)
            XCTAssertEqual(
                RecordVersion(entity: .benefitCase, id: version.id, pnr: version.pnr, benefit: version.benefit, encodedFields: row.text(1)),
                version)
            seen += 1
        }
        XCTAssertEqual(seen, 4)
    }

    /// Random versions survive the round trip, and a damaged text (cut short, or a byte
    /// replaced by a separator, a digit, a sign or a letter) either is refused or is the exact
    /// encoding of what it decodes to: the decoder never reads something the encoder did not write.
    func testDecodingIsTheExactInverseOfEncoding() {
        var generator = SystemRandomNumberGenerator()
        let texts = ["", "FK", "PM", "executed", "2026-11-25", "Å-ö", "GARNISHMENT", "x\u{18}y"]
        func text() -> String { texts.randomElement(using: &generator)! }
        func number() -> Int64 {
            [0, 1, -1, 10, Int64.max, Int64.min, Int64.random(in: -1_000_000...1_000_000, using: &generator)].randomElement(
                using: &generator)!
        }
        func optionalText() -> String? { Bool.random(using: &generator) ? nil : text() }
        let bytes: [UInt8] = [
            0x1F, 0x1E, 0x1D, 0x18, UInt8(ascii: "0"), UInt8(ascii: "7"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "a")
        ]
        for round in 0..<3_000 {
            let body: RecordVersion.Body =
                round % 2 == 0
                ? .payment(
                    PaymentFields(
                        company: text(), status: text(), periodFrom: optionalText(), periodTo: optionalText(),
                        paymentDate: text(), grossOre: number(), taxOre: number(),
                        // Each kind once, as the register's primary key has it.
                        deductions: ["GARNISHMENT", "FOREIGN_CLAIM", "Ä"].shuffled(using: &generator)
                            .prefix(Int.random(in: 0...3, using: &generator)).map { Deduction(kind: $0, amountOre: number()) },
                        // Nil: a version read from an encoding-1 row.
                        registeredAt: optionalText()))
                : .benefitCase(
                    CaseFields(
                        decision: text(), openedOn: text(), closedOn: optionalText(),
                        extentPct: Bool.random(using: &generator) ? nil : number(),
                        dailyAmountOre: Bool.random(using: &generator) ? nil : number()))
            let version = RecordVersion(id: 7, pnr: "p", benefit: "SA", body: body)
            let encoded = version.encodedFields
            XCTAssertEqual(
                RecordVersion(entity: version.entity, id: 7, pnr: "p", benefit: "SA", encodedFields: encoded), version,
                "round \(round)")
            var damaged = Array(encoded.utf8)
            if Bool.random(using: &generator) {
                damaged.removeLast(Int.random(in: 1...damaged.count, using: &generator))
            } else {
                damaged[Int.random(in: 0..<damaged.count, using: &generator)] = bytes.randomElement(using: &generator)!
            }
            let text = String(decoding: damaged, as: UTF8.self)
            if let misread = RecordVersion(entity: version.entity, id: 7, pnr: "p", benefit: "SA", encodedFields: text) {
                XCTAssertEqual(misread.encodedFields, text, "round \(round): \(Array(text.utf8)) decoded as something else")
            }
        }
    }

    func testDamagedStoredFieldsAreRefusedNotMisread() {
        XCTAssertNil(RecordVersion(entity: .payment, id: 1, pnr: "x", benefit: "SJP", encodedFields: "FK\u{1F}executed"))
        XCTAssertNil(
            RecordVersion(
                entity: .benefitCase, id: 1, pnr: "x", benefit: "SJP",
                encodedFields: "granted\u{1F}2026-01-01\u{1F}\u{18}\u{1F}abc\u{1F}\u{18}"))
    }
}
