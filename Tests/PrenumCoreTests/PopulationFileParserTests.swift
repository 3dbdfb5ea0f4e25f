import Foundation
import XCTest

@testable import PrenumCore

final class PopulationFileParserTests: XCTestCase {
    static let header = "action;pnr;consent;from"
    /// A valid personnummer: the Swedish Tax Agency's documented example.
    static let valid = "198112189876"
    static let coordination = Personnummer.make(birthDate: CalendarDate(year: 1990, month: 2, day: 28)!, serial: 123, coordination: true)
        .digits

    private func parse(_ text: String, purpose: Purpose = .coordination) throws -> (
        [PopulationLine], [PopulationLineProblem], PopulationFileParser.Totals
    ) {
        try parse(bytes: Array(text.utf8), purpose: purpose)
    }

    private func parse(bytes: [UInt8], purpose: Purpose = .coordination) throws -> (
        [PopulationLine], [PopulationLineProblem], PopulationFileParser.Totals
    ) {
        var lines: [PopulationLine] = []
        var problems: [PopulationLineProblem] = []
        let totals = try PopulationFileParser(purpose: purpose).parse(bytes: bytes) { item in
            switch item {
            case .line(let line): lines.append(line)
            case .problem(let problem): problems.append(problem)
            }
        }
        return (lines, problems, totals)
    }

    func testValidLinesWithOptionalConsentAndFromDate() throws {
        let (lines, problems, totals) = try parse(
            """
            \(Self.header)
            ADD;\(Self.valid);Y;2026-01-15
            ADD;\(Self.coordination);;
            REMOVE;\(Self.valid);;

            """)
        XCTAssertEqual(problems, [])
        XCTAssertEqual(totals.dataLines, 3)
        XCTAssertEqual(
            lines,
            [
                PopulationLine(lineNumber: 2, action: .add, pnr: Self.valid, consent: true, fromDate: CalendarDate("2026-01-15")),
                PopulationLine(lineNumber: 3, action: .add, pnr: Self.coordination, consent: false, fromDate: nil),
                PopulationLine(lineNumber: 4, action: .remove, pnr: Self.valid, consent: false, fromDate: nil)
            ])
    }

    func testByteOrderMarkCRLFAndMissingFinalLineEndAreAccepted() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("\(Self.header)\r\nADD;\(Self.valid);Y;\r\nREMOVE;\(Self.valid);;".utf8)
        let (lines, problems, totals) = try parse(bytes: bytes)
        XCTAssertEqual(problems, [])
        XCTAssertEqual(lines.map(\.action), [.add, .remove])
        XCTAssertEqual(lines.map(\.pnr), [Self.valid, Self.valid])
        XCTAssertEqual(totals.bytes, bytes.count)
    }

    func testAHeaderOnlyFileIsValidAndEmpty() throws {
        let (lines, problems, totals) = try parse(Self.header + "\n")
        XCTAssertEqual(lines, [])
        XCTAssertEqual(problems, [])
        XCTAssertEqual(totals.dataLines, 0)
    }

    /// Every bad-line class, each on its own line, all reported with their line numbers in one pass.
    func testEveryBadLineClassIsReportedWithItsLineNumber() throws {
        let tooLong = "ADD;\(Self.valid);Y;" + String(repeating: "x", count: 1_000)
        var bytes = Array(
            """
            \(Self.header)
            ADD;\(Self.valid);Y
            DELETE;\(Self.valid);Y;
            ADD;19811218987;Y;
            ADD;19811218987X;Y;
            ADD;198113189876;Y;
            ADD;198112189875;Y;
            ADD;\(Self.valid);yes;
            ADD;\(Self.valid);Y;2026-02-30
            ADD;\(Self.valid);Y;20260101

            \(tooLong)
            ADD;\(Self.valid);Y;2026-01-01

            """.utf8)
        bytes += Array("ADD;\(Self.valid);".utf8) + [0xC3, 0x28] + Array(";\n".utf8)
        bytes += Array("add;\(Self.valid);Y;\n".utf8)
        let (lines, problems, totals) = try parse(bytes: bytes)
        XCTAssertEqual(
            problems,
            [
                PopulationLineProblem(lineNumber: 2, reason: .fieldCount(3)),
                PopulationLineProblem(lineNumber: 3, reason: .action),
                PopulationLineProblem(lineNumber: 4, reason: .personnummer(.length(11))),
                PopulationLineProblem(lineNumber: 5, reason: .personnummer(.notDigits)),
                PopulationLineProblem(lineNumber: 6, reason: .personnummer(.invalidDate)),
                PopulationLineProblem(lineNumber: 7, reason: .personnummer(.checkDigit)),
                PopulationLineProblem(lineNumber: 8, reason: .consentValue),
                PopulationLineProblem(lineNumber: 9, reason: .fromDate),
                PopulationLineProblem(lineNumber: 10, reason: .fromDate),
                PopulationLineProblem(lineNumber: 11, reason: .emptyLine),
                PopulationLineProblem(lineNumber: 12, reason: .tooLong(bytes: tooLong.utf8.count)),
                PopulationLineProblem(lineNumber: 14, reason: .invalidUTF8),
                PopulationLineProblem(lineNumber: 15, reason: .action)
            ])
        XCTAssertEqual(lines.map(\.lineNumber), [13])
        XCTAssertEqual(totals.dataLines, 14)
        XCTAssertEqual(totals.badLines, 13)
        for problem in problems {
            XCTAssertFalse(PersonnummerRedaction.containsPersonnummer(problem.description), problem.description)
        }
    }

    func testWrongHeaderIsReportedAndTheRestStillChecked() throws {
        let (lines, problems, _) = try parse("action;pnr;consent\nADD;\(Self.valid);Y;\nADD;123;Y;\n")
        XCTAssertEqual(
            problems,
            [
                PopulationLineProblem(lineNumber: 1, reason: .header),
                PopulationLineProblem(lineNumber: 3, reason: .personnummer(.length(3)))
            ])
        XCTAssertEqual(lines.count, 1)
        // Header comparison is exact: case and spacing matter.
        XCTAssertEqual(try parse("Action;pnr;consent;from\n").1.map(\.reason), [.header])
        XCTAssertEqual(try parse("action;pnr;consent;from \n").1.map(\.reason), [.header])
    }

    func testEmptyFileHasNoHeader() throws {
        XCTAssertEqual(try parse(bytes: []).1, [PopulationLineProblem(lineNumber: 1, reason: .emptyFile)])
        XCTAssertEqual(try parse(bytes: [0xEF, 0xBB, 0xBF]).1.map(\.reason), [.header])
        XCTAssertEqual(try parse(bytes: []).2.badLines, 1)
    }

    func testConsentIsRequiredForAddLinesWhenThePurposeNeedsIt() throws {
        let text = "\(Self.header)\nADD;\(Self.valid);;\nREMOVE;\(Self.valid);;\nADD;\(Self.valid);Y;\n"
        for purpose in Purpose.allCases {
            let (lines, problems, _) = try parse(text, purpose: purpose)
            if purpose == .coordination {
                XCTAssertEqual(problems, [])
                XCTAssertEqual(lines.count, 3)
            } else {
                XCTAssertEqual(problems, [PopulationLineProblem(lineNumber: 2, reason: .consentMissing(purpose))], "\(purpose)")
                XCTAssertEqual(lines.map(\.lineNumber), [3, 4])
                XCTAssertTrue(problems[0].description.contains(purpose.rawValue))
            }
        }
    }

    func testLineLengthLimitIsExactlyOneThousandBytesWithoutTheLineEnd() throws {
        // 1,000 bytes plus CRLF is within the limit (it fails on its fields, not its length).
        let limit = String(repeating: "A", count: 1_000)
        XCTAssertEqual(try parse("\(Self.header)\n\(limit)\r\n").1.map(\.reason), [.fieldCount(1)])
        XCTAssertEqual(try parse("\(Self.header)\n\(limit)A\r\n").1.map(\.reason), [.tooLong(bytes: 1_001)])
        XCTAssertEqual(try parse("\(Self.header)\n\(limit)A").1.map(\.reason), [.tooLong(bytes: 1_001)])
    }

    /// A file read from disk in chunks gives the same lines as the bytes parsed at once, with
    /// lines that straddle chunk boundaries and one line of 3 MB that is measured, not held.
    func testReadingInChunksMatchesParsingInMemory() throws {
        var text = Self.header + "\r\n"
        var expected: [PopulationLine] = []
        var number = 1
        for serial in 0..<20_000 {
            let pnr = Personnummer.make(birthDate: CalendarDate(dayNumber: -3_000 + serial % 9_000), serial: serial % 1_000).digits
            number += 1
            let consent = serial % 3 == 0
            text += "\(serial % 7 == 0 ? "REMOVE" : "ADD");\(pnr);\(consent ? "Y" : "");\(serial % 5 == 0 ? "2026-03-01" : "")\r\n"
            expected.append(
                PopulationLine(
                    lineNumber: number, action: serial % 7 == 0 ? .remove : .add, pnr: pnr, consent: consent,
                    fromDate: serial % 5 == 0 ? CalendarDate("2026-03-01") : nil))
            if serial == 10_000 {
                text += String(repeating: "9", count: 3_000_000) + "\n"
                number += 1
            }
        }
        let folder = try TestFolder()
        let path = folder.path + "/big.csv"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        let descriptor = open(path, O_RDONLY)
        defer { close(descriptor) }
        var observed = 0
        var lines: [PopulationLine] = []
        var problems: [PopulationLineProblem] = []
        let totals = try PopulationFileParser(purpose: .coordination).parse(
            fileDescriptor: descriptor, path: path, observe: { observed += $0.count },
            body: { item in
                switch item {
                case .line(let line): lines.append(line)
                case .problem(let problem): problems.append(problem)
                }
            })
        XCTAssertEqual(observed, text.utf8.count)
        XCTAssertEqual(totals.bytes, text.utf8.count)
        XCTAssertEqual(lines, expected)
        XCTAssertEqual(problems, [PopulationLineProblem(lineNumber: 10_003, reason: .tooLong(bytes: 3_000_000))])
        let inMemory = try parse(text)
        XCTAssertEqual(inMemory.0, lines)
        XCTAssertEqual(inMemory.1, problems)
    }
}
