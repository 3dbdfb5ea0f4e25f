import Foundation
import PrenumSQLite
import XCTest

@testable import PrenumCore
@testable import PrenumSimulationSupport

/// SPEC section 4's quarantine at the snapshot: a record version with a value no format can
/// carry is held back (the recipient keeps the version it had; a record that was never good is
/// not delivered), named in the log, the run report and status without its value, and the first
/// run after upstream corrects it delivers it.
final class QuarantineTests: XCTestCase {
    /// A subscriber on format 2 (it sees every field) and a delivered payment of it.
    private func firstNight(seed: UInt64) throws -> (SimulationWorkspace, index: Int, payment: MirrorRecord) {
        let world = try SimulationWorkspace(seed: seed)
        try world.writeConfiguration()
        let day = CalendarDate("2026-03-01")!
        for index in world.subscribers.indices { try world.dropPopulationFile(for: index, day: day, full: true, lines: 30) }
        XCTAssertEqual(try world.run(day).exitCode, .ok)
        for index in world.subscribers.indices { try world.collect(index, expectNew: 1) }
        let index = 0
        let payment = try XCTUnwrap(
            world.subscribers[index].mirror.records.values.filter { $0.entity == "payment" }
                .min { $0.id < $1.id }, "the first night delivered no payment")
        return (world, index, payment)
    }

    /// A person of the subscriber's population (with consent) and one of its ordered benefits.
    private func member(_ world: SimulationWorkspace, _ index: Int) -> (pnr: String, benefit: String) {
        let subscriber = world.subscribers[index]
        let pnr = subscriber.population.filter { $0.value.consent || !subscriber.requiresConsent }.keys.min() ?? ""
        return (pnr, subscriber.benefits[0])
    }

    func testABadVersionIsHeldBackAndTheCorrectedOneArrives() throws {
        let (world, index, payment) = try firstNight(seed: 1201)
        let (pnr, benefit) = member(world, index)
        // A delivered payment turns bad (and changes a good field with it); a new one is bad
        // from the start.
        try world.register.run("UPDATE payment SET payment_date = '2026-13-45', gross_ore = gross_ore + 100 WHERE id = ?", [payment.id])
        try world.register.run(
            """
            INSERT INTO payment(pnr, benefit, company, status, period_from, period_to, payment_date, gross_ore, tax_ore, registered_at)
            VALUES (?, ?, 'XX', 'executed', NULL, NULL, '2026-03-01', 5000, 1500, '2026-03-01T12:00:00Z')
            """, [pnr, benefit])
        let fresh = try XCTUnwrap(world.register.scalarInt("SELECT MAX(id) FROM payment"))

        let night2 = CalendarDate("2026-03-02")!
        let report = try world.run(night2)
        XCTAssertEqual(report.exitCode, .ok, "\(report.subscribers.compactMap(\.message))")
        XCTAssertEqual(report.quarantined, 2)
        for index in world.subscribers.indices { try world.collect(index, expectNew: 1) }
        XCTAssertEqual(world.subscribers[index].mirror.records[payment.key], payment, "the recipient keeps the version it had")
        XCTAssertNil(world.subscribers[index].mirror.records["payment:\(fresh)"], "a record that was never good is not delivered")
        try world.assertSchemaValid()

        let lines = world.logLines.filter { $0.contains("event=record.quarantined") }
        XCTAssertEqual(lines.count, 2, lines.joined())
        XCTAssertTrue(
            lines.contains { $0.contains("entity=payment id=\(payment.id) field=payment_date") && $0.contains("not a real date") },
            lines.joined())
        XCTAssertTrue(lines.contains { $0.contains("entity=payment id=\(fresh) field=company") }, lines.joined())
        XCTAssertFalse(PersonnummerRedaction.containsPersonnummer(world.logLines.joined()), "a personnummer in the log")

        let configuration = try ConfigurationLoader.load(path: world.configPath)
        var status = try StatusReport.gather(configuration: configuration)
        XCTAssertEqual(
            status.quarantinedRecords.map { "\($0.entity) \($0.id) \($0.field) \($0.since)" }.sorted(),
            ["payment \(payment.id) payment_date 2026-03-02", "payment \(fresh) company 2026-03-02"].sorted())
        XCTAssertEqual(status.runs.first?.quarantined, 2)
        XCTAssertTrue(status.text.contains("payment \(payment.id): payment_date not a real date"), status.text)
        XCTAssertFalse(PersonnummerRedaction.containsPersonnummer(status.text + (try status.json())))

        // A quiet night: still held back, nothing new said about it, nothing delivered.
        let night3 = night2.adding(days: 1)
        XCTAssertEqual(try world.run(night3).quarantined, 2)
        for index in world.subscribers.indices { try world.collect(index, expectNew: 1) }
        XCTAssertEqual(world.subscribers[index].mirror.records[payment.key], payment)
        XCTAssertEqual(world.logLines.filter { $0.contains("event=record.quarantined") }.count, 2)

        // Upstream corrects both: the next run delivers them, and the mirror is the visible set.
        try world.register.run("UPDATE payment SET payment_date = '2026-02-27' WHERE id = ?", [payment.id])
        try world.register.run("UPDATE payment SET company = 'PM' WHERE id = ?", [fresh])
        let night4 = night3.adding(days: 1)
        XCTAssertEqual(try world.run(night4).quarantined, 0)
        for index in world.subscribers.indices {
            try world.collect(index, expectNew: 1)
            try world.assertMirror(index, on: night4)
        }
        XCTAssertEqual(world.subscribers[index].mirror.records[payment.key]?.attributes["paymentDate"], "2026-02-27")
        XCTAssertEqual(world.subscribers[index].mirror.records["payment:\(fresh)"]?.attributes["company"], "PM")
        status = try StatusReport.gather(configuration: configuration)
        XCTAssertEqual(status.quarantinedRecords, [])
        XCTAssertTrue(world.logLines.contains { $0.contains("event=snapshot.taken") && $0.contains("releasedFromQuarantine=2") })
        try world.assertSchemaValid()
    }

    /// A newly subscribed person's bad record is held back at the copy of its records; a record
    /// moved to a person given as garbage stays with the person it had.
    func testNewPersonsBadRecordsAndMovesToAGarbagePersonAreHeldBack() throws {
        let (world, index, payment) = try firstNight(seed: 1202)
        let subscriber = world.subscribers[index]
        let outsider = try XCTUnwrap(world.chaos.persons.first { subscriber.population[$0] == nil })
        try world.register.run(
            """
            INSERT INTO benefit_case(pnr, benefit, decision, opened_on, closed_on, extent_pct, daily_amount_ore)
            VALUES (?, ?, 'granted', '2026-02-01', NULL, 33, 50000)
            """, [outsider, subscriber.benefits[0]])
        let badCase = try XCTUnwrap(world.register.scalarInt("SELECT MAX(id) FROM benefit_case"))
        try world.register.run("UPDATE payment SET pnr = '1970010112' WHERE id = ?", [payment.id])
        var lines = ["action;pnr;consent;from", "ADD;\(outsider);Y;"]
        lines.append("")
        let folder = world.root.appendingPathComponent("inbox/\(subscriber.id)")
        try Data(lines.joined(separator: "\n").utf8).write(to: folder.appendingPathComponent("20260302-add.csv"))
        world.subscribers[index].population[outsider] = VisibilityOracle.Member(consent: true, fromDate: nil)

        let night2 = CalendarDate("2026-03-02")!
        let report = try world.run(night2)
        XCTAssertEqual(report.exitCode, .ok, "\(report.subscribers.compactMap(\.message))")
        XCTAssertEqual(report.quarantined, 2)
        try world.collect(index, expectNew: 1)
        XCTAssertNil(world.subscribers[index].mirror.records["case:\(badCase)"])
        XCTAssertEqual(world.subscribers[index].mirror.records[payment.key], payment, "moved to garbage, yet removed")
        let state = try StateDatabase(path: world.root.appendingPathComponent("state.db").path)
        XCTAssertEqual(try QuarantineLedger(database: state.database).records(ofPerson: outsider).map(\.field), ["extent_pct"])
        XCTAssertEqual(try QuarantineLedger(database: state.database).records(ofPerson: payment.pnr).map(\.field), ["pnr"])
        try world.assertSchemaValid()
    }
}
