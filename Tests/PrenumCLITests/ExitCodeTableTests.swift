import Foundation
import PrenumCore
import XCTest

@testable import PrenumCLI

/// The exit-code overview is made from `ExitCode`; the copies in the docs must name the same codes.
final class ExitCodeTableTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let codes = ExitCode.allCases.map(\.rawValue).sorted()

    func testHelpAndTheManualPageListEveryExitCodeWithItsMeaning() {
        let overview = CommandRegistry.overview
        let manual = ManualPage.roff()
        for code in ExitCode.allCases {
            XCTAssertTrue(
                overview.contains("  \(String(code.rawValue).padding(toLength: 4, withPad: " ", startingAt: 0))\(code.summary)\n"),
                "\(code) missing from --help")
            XCTAssertTrue(
                manual.contains(".TP\n\(code.rawValue)\n\(ManualPage.escape(code.summary))\n"), "\(code) missing from the man page")
        }
    }

    func testTheOperationsTableNamesEveryExitCodeInOrder() throws {
        let text = try String(contentsOf: Self.root.appendingPathComponent("docs/OPERATIONS.md"), encoding: .utf8)
        let section = try XCTUnwrap(text.components(separatedBy: "### Exit codes and what to do").dropFirst().first)
        let rows = section.split(separator: "\n").drop { !$0.hasPrefix("|") }.prefix { $0.hasPrefix("|") }
        // The first cell of each row; "9 / 137" (killed by a signal) is no code prenum returns.
        let cells = rows.compactMap { $0.split(separator: "|").first?.trimmingCharacters(in: .whitespaces) }
        XCTAssertEqual(cells.compactMap(Int32.init), Self.codes, "docs/OPERATIONS.md, \"Exit codes and what to do\"")
    }

    func testTheReadmeSentenceNamesEveryExitCodeInOrder() throws {
        let text = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
            .replacingOccurrences(of: "\n", with: " ")
        let start = try XCTUnwrap(text.range(of: "Exit codes follow sysexits:"))
        let end = try XCTUnwrap(text.range(of: "bad configuration.", range: start.upperBound..<text.endIndex))
        let sentence = String(text[start.upperBound..<end.lowerBound])
        // The codes are the numbers that open the sentence or follow ", ".
        let codes = sentence.components(separatedBy: ", ").compactMap { part in
            part.trimmingCharacters(in: .whitespaces).split(separator: " ").first.flatMap { Int32($0) }
        }
        XCTAssertEqual(codes, Self.codes, "README.md, \"Exit codes follow sysexits\"")
    }
}
