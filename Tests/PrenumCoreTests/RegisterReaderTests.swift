import Foundation
import PrenumSQLite
import PrenumTestSupport
import XCTest

@testable import PrenumCore

/// The register is attached to Prenum's own connection through a `file:` URI; odd characters
/// in its path must survive that, and the attachment must refuse every write.
final class RegisterReaderTests: XCTestCase {
    func testReadOnlyURIKeepsOddPathsAndRefusesWrites() throws {
        let scratch = try TemporaryFolder("prenum reg #1 %20 ?x")
        let folder = scratch.url
        let path = folder.appendingPathComponent("register.db").path
        do {
            let register = try Database(path: path, mode: .readWrite(create: true))
            try RegisterSchema.create(in: register)
            try register.execute("INSERT INTO benefit_case VALUES (1, '198112189876', 'SJP', 'granted', '2026-01-01', NULL, 100, 1000)")
        }
        let reader = try RegisterReader(path: path)
        let state = try Database(path: ":memory:", mode: .readWrite(create: true))
        try state.run("ATTACH DATABASE ? AS register", [reader.readOnlyURI])
        XCTAssertEqual(try state.scalarInt("SELECT COUNT(*) FROM register.benefit_case"), 1)
        XCTAssertThrowsError(try state.execute("DELETE FROM register.benefit_case")) { error in
            XCTAssertEqual((error as? SQLiteError)?.resultCode, 8, "SQLITE_READONLY expected, got \(error)")
        }
        XCTAssertEqual(try state.scalarInt("SELECT COUNT(*) FROM register.benefit_case"), 1)
    }

    func testMissingRegisterIsMissingInputAndForeignFileIsBadData() throws {
        let scratch = try TemporaryFolder("prenum-reg")
        let folder = scratch.url
        XCTAssertThrowsError(try RegisterReader(path: folder.appendingPathComponent("none.db").path)) { error in
            XCTAssertEqual((error as? PrenumFailure)?.exitCode, .noInput)
        }
        let foreign = folder.appendingPathComponent("foreign.db").path
        do {
            let database = try Database(path: foreign, mode: .readWrite(create: true))
            try database.execute("CREATE TABLE something(x)")
        }
        XCTAssertThrowsError(try RegisterReader(path: foreign)) { error in
            XCTAssertEqual((error as? PrenumFailure)?.exitCode, .dataError)
            XCTAssertTrue(String(describing: error).contains("change_log"), "\(error)")
        }
    }
}
