import Foundation
import PrenumTestSupport
import XCTest

@testable import PrenumCore
@testable import PrenumSimulationSupport

/// `prenum explain` and `prenum disclosures` as the binary: their output, exit codes, and that
/// the personnummer asked about reaches standard output only, never a log line.
final class ExplainCommandTests: XCTestCase {
    func testBothCommandsAnswerOnStandardOutputAndLogNoPersonnummer() throws {
        try ProcessRunner.requirePrenum()
        let world = try SimulationWorkspace.afterNights(seed: 90, nights: 3)
        let state = try StateDatabase(path: world.root.appendingPathComponent("state.db").path)
        let index = DisclosureIndex(database: state.database)
        let pnr = try XCTUnwrap(world.chaos.persons.first { !(try index.files(naming: $0)).isEmpty })
        let subscriber = try XCTUnwrap(try index.files(naming: pnr).first).subscriber

        let explained = try ProcessRunner.prenum(["explain", "--subscriber", subscriber, "--pnr", pnr, "--json"], in: world.root)
        XCTAssertEqual(explained.status, 0, explained.errorOutput)
        let records = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(explained.output.utf8)) as? [[String: Any]])
        XCTAssertFalse(records.isEmpty)
        for record in records {
            for field in ["kind", "id", "visible", "rule", "files", "holds"] {
                XCTAssertNotNil(record[field], "explain --json lacks \(field)")
            }
        }
        let first = try XCTUnwrap(records.first)
        let one = try ProcessRunner.prenum(
            [
                "explain", "--subscriber", subscriber, "--pnr", pnr, "--json",
                "--record", "\(first["kind"] ?? ""):\(first["id"] ?? "")"
            ], in: world.root)
        XCTAssertEqual((try JSONSerialization.jsonObject(with: Data(one.output.utf8)) as? [[String: Any]])?.count, 1, one.errorOutput)
        let text = try ProcessRunner.prenum(["explain", "--subscriber", subscriber, "--pnr", pnr, "--date", "2026-03-03"], in: world.root)
        XCTAssertEqual(text.status, 0, text.errorOutput)
        XCTAssertTrue(text.output.contains("person \(pnr), business date 2026-03-03"), text.output)

        let disclosed = try ProcessRunner.prenum(["disclosures", "--pnr", pnr, "--json"], in: world.root)
        XCTAssertEqual(disclosed.status, 0, disclosed.errorOutput)
        let report = try JSONDecoder().decode(DisclosureReport.self, from: Data(disclosed.output.utf8))
        XCTAssertEqual(report.pnr, pnr)
        XCTAssertTrue(report.recipients.contains { $0.subscriber == subscriber })
        let window = try ProcessRunner.prenum(["disclosures", "--pnr", pnr, "--from", "2026-03-02", "--to", "2026-03-02"], in: world.root)
        XCTAssertEqual(window.status, 0, window.errorOutput)

        // Refusals name the problem, not the value.
        let invalid = "197001011235"
        let refused = try ProcessRunner.prenum(["disclosures", "--pnr", invalid], in: world.root)
        XCTAssertEqual(refused.status, 64)
        XCTAssertTrue(refused.errorOutput.contains("not a valid personnummer"), refused.errorOutput)
        let unknown = try ProcessRunner.prenum(["explain", "--subscriber", "nobody", "--pnr", pnr], in: world.root)
        XCTAssertEqual(unknown.status, 64)
        let badRecord = try ProcessRunner.prenum(["explain", "--subscriber", subscriber, "--pnr", pnr, "--record", "4711"], in: world.root)
        XCTAssertEqual(badRecord.status, 64)
        let backwards = try ProcessRunner.prenum(
            ["disclosures", "--pnr", pnr, "--from", "2026-03-03", "--to", "2026-03-01"], in: world.root)
        XCTAssertEqual(backwards.status, 64)

        for outcome in [explained, one, text, disclosed, window, refused, unknown, badRecord, backwards] {
            XCTAssertFalse(
                PersonnummerRedaction.containsPersonnummer(outcome.errorOutput), "a personnummer on standard error: \(outcome.errorOutput)")
            XCTAssertFalse(outcome.errorOutput.contains(invalid))
        }
    }
}
