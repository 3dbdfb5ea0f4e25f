import XCTest
@testable import PrenumSQLite

final class DatabaseSmokeTests: XCTestCase {
    func testOpenInMemoryAndQuery() throws {
        let db = try Database(path: ":memory:", mode: .readWrite(create: true))
        try db.execute("CREATE TABLE t(x INTEGER)")
        try db.run("INSERT INTO t VALUES (?)", [42])
        XCTAssertEqual(try db.scalarInt("SELECT x FROM t"), 42)
    }
}
