import Foundation
import PrenumTestSupport
import XCTest

@testable import PrenumCore
@testable import PrenumSimulationSupport

/// The quarantine as cron and monitoring see it, through the real binary (`PRENUM_BINARY`, the
/// release build in the long scripts): a night with bad register values exits 0, publishes only
/// files its XSD accepts, and counts what it held back in the run report, the metrics, the
/// summary and `status`, naming column and reason but never a personnummer.
final class QuarantineProcessTests: XCTestCase {
    func testABadValueExitsZeroAndIsCountedInReportMetricsAndStatus() throws {
        try ProcessRunner.requirePrenum()
        let world = try SimulationWorkspace(seed: 1203)
        try world.writeConfiguration()
        let night1 = CalendarDate("2026-03-01")!
        for index in world.subscribers.indices { try world.dropPopulationFile(for: index, day: night1, full: true, lines: 30) }
        let member = try XCTUnwrap(world.subscribers[0].population.filter { $0.value.consent }.keys.min())
        try world.register.run(
            """
            INSERT INTO benefit_case(pnr, benefit, decision, opened_on, closed_on, extent_pct, daily_amount_ore)
            VALUES (?, ?, 'granted', '2026-02-01', NULL, 100, 50000)
            """, [member, world.subscribers[0].benefits[0]])
        try world.register.run(
            """
            INSERT INTO payment(pnr, benefit, company, status, period_from, period_to, payment_date, gross_ore, tax_ore, registered_at)
            VALUES (?, ?, 'FK', 'executed', NULL, NULL, '2026-02-25', 5000, 1500, '2026-02-25T12:00:00Z')
            """, [member, world.subscribers[0].benefits[0]])
        let first = try ProcessRunner.prenum(["run", "--date", night1.description], in: world.root)
        XCTAssertEqual(first.status, 0, first.errorOutput)
        for index in world.subscribers.indices { try world.collect(index, expectNew: 1) }
        let payment = try XCTUnwrap(world.subscribers[0].mirror.records.values.filter { $0.entity == "payment" }.min { $0.id < $1.id })
        let delivered = try XCTUnwrap(world.subscribers[0].mirror.records.values.first { $0.entity == "case" })

        try world.register.run("UPDATE payment SET status = 'paid' WHERE id = ?", [payment.id])
        try world.register.run("UPDATE benefit_case SET extent_pct = 33 WHERE id = ?", [delivered.id])
        let night2 = night1.adding(days: 1)
        let second = try ProcessRunner.prenum(["run", "--date", night2.description], in: world.root)
        XCTAssertEqual(second.status, 0, second.errorOutput)
        XCTAssertTrue(second.output.contains("2 record(s) quarantined"), second.output)
        for index in world.subscribers.indices { try world.collect(index, expectNew: 1) }
        try world.assertSchemaValid()
        XCTAssertTrue(
            second.errorOutput.contains("event=record.quarantined entity=payment id=\(payment.id) field=status"), second.errorOutput)
        XCTAssertTrue(
            second.errorOutput.contains("event=record.quarantined entity=case id=\(delivered.id) field=extent_pct"), second.errorOutput)

        let report =
            try JSONSerialization.jsonObject(with: Data(contentsOf: world.root.appendingPathComponent("reports/run-\(night2).json")))
            as? [String: Any]
        XCTAssertEqual(report?["quarantined"] as? Int, 2)
        XCTAssertEqual(report?["exitCode"] as? Int, 0)
        let metrics = try String(contentsOf: world.root.appendingPathComponent("metrics/prenum.prom"), encoding: .utf8)
        XCTAssertTrue(metrics.contains("\nprenum_run_quarantined_records 2\n"), metrics)
        XCTAssertTrue(metrics.contains("\nprenum_run_exit_code 0\n"), metrics)

        let status = try ProcessRunner.prenum(["status", "--json"], in: world.root)
        XCTAssertEqual(status.status, 0, status.errorOutput)
        let document = try JSONSerialization.jsonObject(with: Data(status.output.utf8)) as? [String: Any]
        let listed = (document?["quarantinedRecords"] as? [[String: Any]] ?? []).map {
            "\($0["entity"] ?? "") \($0["id"] ?? "") \($0["field"] ?? "")"
        }
        XCTAssertEqual(listed.sorted(), ["case \(delivered.id) extent_pct", "payment \(payment.id) status"])
        let text = try ProcessRunner.prenum(["status"], in: world.root)
        XCTAssertTrue(text.output.contains("Quarantined records"), text.output)
        // explain names the quarantine as the rule that keeps the new version back.
        let explained = try ProcessRunner.prenum(
            [
                "explain", "--subscriber", world.subscribers[0].id, "--pnr", payment.pnr,
                "--record", "payment:\(payment.id)", "--json"
            ], in: world.root)
        XCTAssertEqual(explained.status, 0, explained.errorOutput)
        let entries = try XCTUnwrap(
            try JSONSerialization.jsonObject(with: Data(explained.output.utf8)) as? [[String: Any]], explained.output)
        XCTAssertEqual(entries.first?["rule"] as? String, "held-back-unrepresentable", explained.output)
        XCTAssertEqual(entries.first?["visible"] as? Bool, false, explained.output)
        XCTAssertFalse(PersonnummerRedaction.containsPersonnummer(explained.errorOutput), explained.errorOutput)
        for output in [second.output, second.errorOutput, status.output, text.output] {
            XCTAssertFalse(PersonnummerRedaction.containsPersonnummer(output), "a personnummer in: \(output.prefix(300))")
        }

        // Corrected upstream: the next night delivers it, and the count is back to 0.
        try world.register.run("UPDATE payment SET status = 'executed' WHERE id = ?", [payment.id])
        try world.register.run("UPDATE benefit_case SET extent_pct = 50 WHERE id = ?", [delivered.id])
        let night3 = night2.adding(days: 1)
        let third = try ProcessRunner.prenum(["run", "--date", night3.description], in: world.root)
        XCTAssertEqual(third.status, 0, third.errorOutput)
        XCTAssertTrue(
            try String(contentsOf: world.root.appendingPathComponent("metrics/prenum.prom"), encoding: .utf8)
                .contains("\nprenum_run_quarantined_records 0\n"))
        for index in world.subscribers.indices {
            try world.collect(index, expectNew: 1)
            try world.assertMirror(index, on: night3)
        }
        try world.assertSchemaValid()
    }
}
