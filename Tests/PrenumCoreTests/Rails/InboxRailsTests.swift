import Foundation
import XCTest

@testable import PrenumCore

/// Issue 12, items 10 and 11 at the importer: a `full-` file is applied even with bytes applied
/// before, and an inbox folder of no configured subscriber is reported, never read.
extension PopulationImporterTests {
    func testAFullFileIsAppliedAgainEvenWithBytesAppliedBefore() throws {
        let p1 = Self.pnr(1), p2 = Self.pnr(2), p3 = Self.pnr(3)
        let full = "ADD;\(p1);;\nADD;\(p2);;\n"
        try drop("full-1.csv", full)
        try drop("later-add.csv", "ADD;\(p3);;\n")
        XCTAssertEqual(try runImport().map(\.kind), [.accepted, .accepted])
        // Last week's full list re-sent: "this is my population now".
        try drop("full-3.csv", full)
        let outcomes = try runImport()
        XCTAssertEqual(outcomes.map(\.kind), [.accepted], "\(outcomes)")
        XCTAssertEqual(outcomes.first?.counts.removed, 1, "\(outcomes)")
        XCTAssertEqual(try row("muni", p3)?.present, 0, "the re-sent full list must replace the population")
        XCTAssertEqual(try row("muni", p1)?.present, 1)
        XCTAssertEqual(try receipt(muni, "full-3.csv.receipt.json")["outcome"] as? String, "accepted")
        // A plain file with bytes applied before is still a duplicate.
        try drop("more-add.csv", "ADD;\(p3);;\n")
        XCTAssertEqual(try runImport().map(\.kind), [.duplicate])
    }

    func testAnInboxFolderOfNoSubscriberIsReportedAndNeverRead() throws {
        let stranger = configuration.inbox + "/insurer-x"
        try FileManager.default.createDirectory(atPath: stranger, withIntermediateDirectories: true)
        try Data((Self.header + "ADD;\(Self.pnr(1));;\n").utf8).write(to: URL(fileURLWithPath: stranger + "/full-1.csv"))
        XCTAssertEqual(try runImport().count, 0)
        let warnings = logLines.filter { $0.contains("event=population_inbox_unknown") }
        XCTAssertEqual(warnings.count, 1, "\(logLines)")
        XCTAssertTrue(
            warnings.first?.contains("folder=insurer-x") == true && warnings.first?.contains("level=warning") == true, "\(warnings)")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: stranger), ["full-1.csv"])
    }
}
