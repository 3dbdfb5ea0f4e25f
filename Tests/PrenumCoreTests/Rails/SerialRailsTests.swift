import Foundation
import XCTest

@testable import PrenumCore
@testable import PrenumSample

/// Issue 12, item 10: serial 000 is never issued (SPEC section 3). Recipients validate with
/// libraries such as PyPI's `personnummer`, which refuse it; so must Prenum, and the sample
/// generator must never make one.
final class SerialRailsTests: XCTestCase {
    func testSerial000IsRefused() {
        let body = Array("19811218000".utf8).map { $0 - 48 }
        let check = Luhn.checkDigit(for: body[2...])
        XCTAssertEqual(Personnummer.validate("19811218000\(check)"), .failure(.serial))
        XCTAssertTrue(Personnummer.Problem.serial.description.contains("000"))
        // A coordination number with serial 000 too.
        let coordination = Array("19811278000".utf8).map { $0 - 48 }
        XCTAssertEqual(Personnummer.validate("19811278000\(Luhn.checkDigit(for: coordination[2...]))"), .failure(.serial))
        XCTAssertEqual(
            Personnummer.make(birthDate: CalendarDate(year: 1981, month: 12, day: 18)!, serial: 1000).digits.dropFirst(8).prefix(3), "001")
    }

    func testTheSampleGeneratorMakesNoSerial000() throws {
        let folder = try TestFolder()
        let path = folder.path + "/serials.db"
        _ = try SampleRegister.create(path: path, persons: 5_000, seed: 12, until: CalendarDate(year: 2026, month: 11, day: 1)!)
        let (status, output) = try TestFolder.runTool(
            "/usr/bin/sqlite3",
            [
                path,
                """
                SELECT COUNT(*), SUM(substr(pnr, 9, 3) = '000') FROM (SELECT pnr FROM payment UNION SELECT pnr FROM benefit_case)
                """
            ])
        XCTAssertEqual(status, 0)
        XCTAssertEqual(output.trimmingCharacters(in: .whitespacesAndNewlines), "5000|0")
    }
}
