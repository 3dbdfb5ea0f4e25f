import PrenumTestSupport
import XCTest

@testable import PrenumSQLite

final class ColumnDecodingTests: XCTestCase {
    private var directory: TemporaryFolder!
    private var db: Database!

    override func setUpWithError() throws {
        directory = try TemporaryFolder("prenum-sqlite-tests")
        db = try Database(path: directory.file("rows.db"), mode: .readWrite(create: true))
        try db.execute(
            """
            CREATE TABLE delivery(seq INTEGER PRIMARY KEY, company TEXT NOT NULL, period_to TEXT, amount REAL,
                                  signature BLOB, held INTEGER NOT NULL);
            INSERT INTO delivery VALUES (7, 'Pension AB', NULL, 12.5, x'00ff10', 1);
            INSERT INTO delivery VALUES (8, 'Försäkring AB', '2026-12-31', NULL, NULL, 0);
            """)
    }

    override func tearDown() {
        db = nil
        directory.remove()
    }

    private func rows(_ sql: String, _ arguments: [SQLiteBindable] = [], _ body: (Statement) throws -> Void) throws {
        try db.cached(sql).forEachRow(arguments, body)
    }

    func testColumnsDecodeByName() throws {
        var read: [String] = []
        try rows("SELECT held, company, seq, amount, period_to FROM delivery ORDER BY seq") { row in
            let seq: Int64 = try row["seq"]
            let count: Int = try row["seq"]
            let held: Bool = try row["held"]
            let company: String = try row["company"]
            XCTAssertEqual(count, Int(seq))
            XCTAssertEqual(try row.text("company"), company)
            XCTAssertEqual(try row.int64("seq"), seq)
            XCTAssertEqual(try row.bool("held"), held)
            read.append(
                "\(seq) \(company) \(held) \(try row.optionalText("period_to") ?? "-") \(try row.decode(Double?.self, "amount") ?? -1)")
        }
        XCTAssertEqual(read, ["7 Pension AB true - 12.5", "8 Försäkring AB false 2026-12-31 -1.0"])
    }

    func testColumnNamesFollowAliasesAndIgnoreCase() throws {
        try rows("SELECT seq AS sequence, company FROM delivery WHERE seq = 7") { row in
            XCTAssertEqual(try row.int64("sequence"), 7)
            XCTAssertEqual(try row.text("COMPANY"), "Pension AB")
        }
    }

    func testAnUnknownColumnNamesTheColumnAndTheStatementButNoValue() throws {
        let sql = "SELECT seq, company FROM delivery WHERE company = ?"
        var threw = false
        try rows(sql, ["Pension AB"]) { row in
            XCTAssertThrowsError(try row.text("compnay")) { error in
                guard let error = error as? SQLiteError else { return XCTFail("not a SQLiteError: \(error)") }
                XCTAssertEqual(error.resultCode, .range)
                XCTAssertEqual(error.sql, sql)
                XCTAssertTrue(error.description.contains("compnay"), error.description)
                XCTAssertTrue(error.description.contains("seq, company"), error.description)
                XCTAssertFalse(error.description.contains("Pension AB"), "a bound value in \(error.description)")
            }
            threw = true
        }
        XCTAssertTrue(threw)
    }

    func testNullIntoANonOptionalThrowsNamingTheColumn() throws {
        try rows("SELECT period_to, amount FROM delivery WHERE seq = 7") { row in
            XCTAssertThrowsError(try row.text("period_to")) { error in
                guard let error = error as? SQLiteError else { return XCTFail("not a SQLiteError: \(error)") }
                XCTAssertEqual(error.resultCode, .mismatch)
                XCTAssertTrue(error.description.contains("period_to"), error.description)
            }
            XCTAssertThrowsError(try { let _: Int64 = try row["period_to"] }())
            XCTAssertThrowsError(try row.blob("period_to"))
            XCTAssertEqual(try row.double("amount"), 12.5)
        }
    }

    func testOptionalsReadNullAsNil() throws {
        var periods: [String?] = []
        var amounts: [Double?] = []
        try rows("SELECT period_to, amount FROM delivery ORDER BY seq") { row in
            periods.append(try row["period_to"])
            amounts.append(try row["amount"])
            XCTAssertEqual(try row.optionalInt64("amount"), (try row.isNull("amount")) ? nil : 12)
        }
        XCTAssertEqual(periods, [nil, "2026-12-31"])
        XCTAssertEqual(amounts, [12.5, nil])
        try rows("SELECT value FROM (SELECT NULL AS value)") { row in
            XCTAssertEqual(try row.value("value"), .null)
            XCTAssertNil(try row.optionalInt("value"))
        }
    }

    func testBlobsDecodeByName() throws {
        try rows("SELECT signature FROM delivery ORDER BY seq") { row in
            let signature: [UInt8]? = try row["signature"]
            if let signature {
                XCTAssertEqual(signature, [0x00, 0xff, 0x10])
                XCTAssertEqual(try row.blob("signature"), [0x00, 0xff, 0x10])
                XCTAssertEqual(try row.value("signature"), .blob([0x00, 0xff, 0x10]))
            }
        }
    }

    func testTheNameMapIsBuiltOnceAndKeptAcrossReset() throws {
        let sql = "SELECT company, seq FROM delivery WHERE seq = ?"
        let statement = try db.cached(sql)
        XCTAssertNil(statement.columnIndexes)
        var companies: [String] = []
        try statement.forEachRow([7]) { companies.append(try $0.text("company")) }
        let built = try XCTUnwrap(statement.columnIndexes)
        XCTAssertEqual(built, ["company": 0, "seq": 1])

        statement.reset()
        let again = try db.cached(sql)
        XCTAssertTrue(again === statement)
        try again.forEachRow([8]) { companies.append(try $0.text("company")) }
        XCTAssertEqual(companies, ["Pension AB", "Försäkring AB"])
        XCTAssertEqual(again.columnIndexes, built)
    }

    func testPositionalAccessorsStillWork() throws {
        try rows("SELECT seq, company, period_to FROM delivery WHERE seq = 7") { row in
            XCTAssertEqual(row.int64(0), 7)
            XCTAssertEqual(row.text(1), "Pension AB")
            XCTAssertEqual(row.text(2), "", "the positional reader keeps reading NULL as empty text")
            XCTAssertEqual(try row.columnIndex("period_to"), 2)
        }
    }
}
