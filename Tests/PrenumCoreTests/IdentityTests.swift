import XCTest

@testable import PrenumCore

final class IdentityTests: XCTestCase {
    func testKnownValidPersonnummer() {
        // 19811218-9876 is the Swedish Tax Agency's documented example number.
        XCTAssertNotNil(Personnummer("198112189876"))
        XCTAssertEqual(Personnummer.validate("198112189875"), .failure(.checkDigit))
    }

    func testSamordningsnummerDayPlusSixty() {
        let birth = CalendarDate(year: 1990, month: 2, day: 28)!
        let number = Personnummer.make(birthDate: birth, serial: 123, coordination: true)
        XCTAssertTrue(number.digits.hasPrefix("19900288"))
        XCTAssertNotNil(Personnummer(number.digits))
        XCTAssertTrue(number.isCoordinationNumber)
    }

    func testLeapDaysAndInvalidDates() {
        let leap = Personnummer.make(birthDate: CalendarDate(year: 2000, month: 2, day: 29)!, serial: 1)
        XCTAssertNotNil(Personnummer(leap.digits))
        // 1900 was not a leap year: 1900-02-29 does not exist, whatever the check digit.
        let body = Array("1900022900".utf8).map { $0 - 48 }
        let check = Luhn.checkDigit(for: body[2...] + [1])
        XCTAssertEqual(Personnummer.validate("19000229001\(check)"), .failure(.invalidDate))
        // Day 91 = 31 + 60: valid in a 31-day month, invalid in April.
        let jan = Personnummer.make(birthDate: CalendarDate(year: 1985, month: 1, day: 31)!, serial: 7, coordination: true)
        XCTAssertTrue(jan.digits.hasPrefix("19850191"))
        XCTAssertNotNil(Personnummer(jan.digits))
        let aprilBody = Array("19850491007".utf8).map { $0 - 48 }
        let aprilCheck = Luhn.checkDigit(for: aprilBody[2...])
        XCTAssertEqual(Personnummer.validate("19850491007\(aprilCheck)"), .failure(.invalidDate))
        // Day 60 itself is neither a real day nor a coordination day (60 - 60 = 0).
        XCTAssertEqual(Personnummer.validate("198501600070").mapError { $0 }, .failure(.invalidDate))
        XCTAssertEqual(Personnummer.validate("19811218987"), .failure(.length(11)))
        XCTAssertEqual(Personnummer.validate("19811218987X"), .failure(.notDigits))
    }

    func testOrganisationNumber() {
        // 556016-0680 (Ericsson) and 202100-5489 (Försäkringskassan) are public numbers.
        XCTAssertNotNil(OrganisationNumber("5560160680"))
        XCTAssertNotNil(OrganisationNumber("2021005489"))
        XCTAssertNil(OrganisationNumber("5560160681"))
        XCTAssertNil(OrganisationNumber("556016-0680"))
        XCTAssertEqual(OrganisationNumber.make(nineDigits: "556016068")?.digits, "5560160680")
    }

    func testCalendarDateArithmetic() {
        let date = CalendarDate("2024-03-01")!
        XCTAssertEqual(date.adding(days: -1).description, "2024-02-29")
        XCTAssertEqual(CalendarDate("2026-11-22")!.adding(days: -400).description, "2025-10-18")
        XCTAssertNil(CalendarDate("2023-02-29"))
        XCTAssertEqual(CalendarDate(dayNumber: 0).description, "1970-01-01")
    }

    func testRedactionMasksPersonnummerShapes() {
        XCTAssertEqual(PersonnummerRedaction.redact("pnr 198112189876 seen"), "pnr [pnr] seen")
        XCTAssertEqual(PersonnummerRedaction.redact("811218-9876"), "[pnr]")
        XCTAssertEqual(PersonnummerRedaction.redact("sequence=00000007 count=123"), "sequence=00000007 count=123")
    }
}
