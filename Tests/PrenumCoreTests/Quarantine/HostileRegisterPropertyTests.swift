import Foundation
import PrenumSQLite
import XCTest

@testable import PrenumCore
@testable import PrenumSample
@testable import PrenumSimulationSupport

/// The property behind the quarantine: whatever values upstream writes, night after night, every
/// file Prenum publishes is valid against its XSD (`xmllint --schema`), and every recipient holds
/// exactly what the subscriber may see — except that for a record whose register version is bad
/// it holds the last good version or, if it never had one, nothing; and once upstream corrects
/// every bad record, the mirrors are the visible set again, field for field.
final class HostileRegisterPropertyTests: XCTestCase {
    /// A record the test made bad: its last good row (restored for the oracle and on correction).
    private struct Corrupted {
        let entity: RecordKind
        let id: Int64
        let row: [SQLiteValue]
        let deductions: [[SQLiteValue]]
        /// Bad from its first appearance: the oracle expects it nowhere until corrected.
        let neverGood: Bool
        var key: String { "\(entity == .payment ? "payment" : "case"):\(id)" }
    }

    private static let paymentColumns = [
        "pnr", "benefit", "company", "status", "period_from", "period_to", "payment_date",
        "gross_ore", "tax_ore", "registered_at"
    ]
    private static let caseColumns = ["pnr", "benefit", "decision", "opened_on", "closed_on", "extent_pct", "daily_amount_ore"]

    func testHostileRegisterValuesOverManyNights() throws {
        for seed: UInt64 in [41, 2027] { _ = try simulate(seed: seed, nights: 16) }
    }

    /// The snapshot finds the night's bad versions on a second connection beside the copy
    /// (`JournaledVersionCheck`), or, when that check cannot be used, on its own connection:
    /// the same nights must hold back the same records either way, and the property holds on
    /// both paths.
    func testTheParallelCheckAndTheInlineClassificationHoldBackTheSame() throws {
        let parallel = try simulate(seed: 41, nights: 16)
        let inline = try simulate(seed: 41, nights: 16, inlineCheck: true)
        XCTAssertFalse(parallel.isEmpty)
        XCTAssertEqual(parallel, inline)
    }

    /// Simulates the nights; returns what each night held back (its count and the quarantine
    /// events, without timestamps). `inlineCheck`: every night that finds a bad version takes
    /// the inline classification.
    private func simulate(seed: UInt64, nights: Int, inlineCheck: Bool = false) throws -> [String] {
        let world = try SimulationWorkspace(seed: seed)
        if inlineCheck { world.tuning.versionCheckFlaggedLimit = 0 }
        var trace: [String] = []
        var chaos = world.chaos
        let hostile = HostileValue.all.filter { !$0.needsLaxRegister }
        var corrupted: [String: Corrupted] = [:]
        try world.writeConfiguration()
        var day = CalendarDate("2026-03-01")!
        for index in world.subscribers.indices { try world.dropPopulationFile(for: index, day: day, full: true, lines: 30) }
        var heldBackAtSomeRun = false

        for night in 0...nights {
            if night > 0 {
                day = day.adding(days: 1)
                // Before the day's chaos, so the saved row is the version the last snapshot read.
                // In key order: the seed alone decides the nights (a dictionary's order does not).
                for (key, record) in corrupted.sorted(by: { $0.key < $1.key }) where night < nights && world.random.chance(0.25) {
                    try restore(record, in: world.register)
                    corrupted[key] = nil
                }
                for _ in 0..<Int.random(in: 0...3, using: &world.random) {
                    let value = world.random.pick(hostile)
                    let table = value.entity == .payment ? "payment" : "benefit_case"
                    let fresh = world.random.chance(0.3)
                    if fresh {
                        if value.entity == .payment {
                            try chaos.insertPayment(on: day, &world.random)
                        } else {
                            try chaos.insertCase(on: day, &world.random)
                        }
                    }
                    guard
                        let id = fresh
                            ? try world.register.scalarInt("SELECT MAX(id) FROM \(table)") : try chaos.randomID(table, &world.random),
                        corrupted[key(value.entity, id)] == nil
                    else { continue }
                    let saved = try save(value.entity, id, in: world.register, neverGood: fresh)
                    // A deduction class on a payment that has that kind already: the primary key refuses it.
                    do { try value.write(into: world.register, id: id) } catch { continue }
                    corrupted[saved.key] = saved
                }
                chaos.sparedPayments = Set(corrupted.values.filter { $0.entity == .payment }.map(\.id))
                chaos.sparedCases = Set(corrupted.values.filter { $0.entity == .benefitCase }.map(\.id))
                if night < nights { try chaos.advance(on: day, operations: 30, &world.random) }
                for index in world.subscribers.indices where night < nights && world.random.chance(0.5) {
                    try world.dropPopulationFile(
                        for: index, day: day, full: world.random.chance(0.1),
                        lines: Int.random(in: 1...6, using: &world.random))
                }
                if night == nights {
                    // Upstream corrects everything; the last night must deliver it all.
                    for record in corrupted.values { try restore(record, in: world.register) }
                    corrupted.removeAll()
                }
            }
            let logged = world.logLines.count
            let report = try world.run(day)
            let quarantineEvents = world.logLines[logged...].filter { $0.contains("event=record.quarantined") }
            trace.append("\(day) quarantined=\(report.quarantined)")
            trace += quarantineEvents.map { $0.components(separatedBy: " ").dropFirst().joined(separator: " ") }
            XCTAssertEqual(report.exitCode, .ok, "seed \(seed) \(day): \(report.subscribers.compactMap(\.message))")
            XCTAssertLessThanOrEqual(report.quarantined, corrupted.count, "seed \(seed) \(day): more held back than is bad")
            if report.quarantined > 0 { heldBackAtSomeRun = true }
            if night == nights { XCTAssertEqual(report.quarantined, 0, "seed \(seed): corrected records still held back") }
            for index in world.subscribers.indices {
                try world.collect(index, expectNew: 1)
                try assertMirror(world, index, on: day, corrupted: corrupted, seed: seed)
            }
        }
        XCTAssertTrue(heldBackAtSomeRun, "seed \(seed): the simulation never made a run hold a record back")
        try world.assertSchemaValid()
        let log = world.logLines.joined()
        XCTAssertTrue(log.contains("event=record.quarantined"))
        XCTAssertFalse(PersonnummerRedaction.containsPersonnummer(log), "seed \(seed): a personnummer in the log")
        if inlineCheck {
            XCTAssertTrue(log.contains("event=snapshot.version-check-inline"), "seed \(seed): the inline path was never taken")
        } else {
            XCTAssertTrue(log.contains("versionCheck=parallel"))
            XCTAssertFalse(log.contains("event=snapshot.version-check-inline"), "seed \(seed): \(log)")
        }
        return trace
    }

    private func key(_ entity: RecordKind, _ id: Int64) -> String { "\(entity == .payment ? "payment" : "case"):\(id)" }

    private func save(_ entity: RecordKind, _ id: Int64, in register: Database, neverGood: Bool) throws -> Corrupted {
        let columns = entity == .payment ? Self.paymentColumns : Self.caseColumns
        var row: [SQLiteValue] = []
        try register.prepare(
            "SELECT \(columns.joined(separator: ", ")) FROM \(entity == .payment ? "payment" : "benefit_case") WHERE id = ?"
        )
        .forEachRow([id]) { statement in row = columns.indices.map { statement.value(Int32($0)) } }
        var deductions: [[SQLiteValue]] = []
        if entity == .payment {
            try register.prepare("SELECT kind, amount_ore FROM payment_deduction WHERE payment_id = ?").forEachRow([id]) {
                deductions.append([$0.value(0), $0.value(1)])
            }
        }
        return Corrupted(entity: entity, id: id, row: row, deductions: deductions, neverGood: neverGood)
    }

    /// Puts the record's last good version back, as upstream's correction would.
    private func restore(_ record: Corrupted, in register: Database) throws {
        let columns = record.entity == .payment ? Self.paymentColumns : Self.caseColumns
        let table = record.entity == .payment ? "payment" : "benefit_case"
        let assignments = columns.enumerated().map { "\($1) = ?\($0 + 2)" }.joined(separator: ", ")
        try register.run("UPDATE \(table) SET \(assignments) WHERE id = ?1", [SQLiteValue.integer(record.id)] + record.row)
        if record.entity == .payment {
            try register.run("DELETE FROM payment_deduction WHERE payment_id = ?", [record.id])
            for deduction in record.deductions {
                try register.run(
                    "INSERT INTO payment_deduction(payment_id, kind, amount_ore) VALUES (?, ?, ?)",
                    [SQLiteValue.integer(record.id)] + deduction)
            }
        }
    }

    /// The visibility oracle over the register as Prenum may deliver it: each bad record back at
    /// its last good version (or gone, if it never had one), inside a savepoint rolled back after.
    private func assertMirror(
        _ world: SimulationWorkspace, _ index: Int, on day: CalendarDate,
        corrupted: [String: Corrupted], seed: UInt64
    ) throws {
        let subscriber = world.subscribers[index]
        try world.register.execute("SAVEPOINT oracle")
        let expected: [String: MirrorRecord]
        do {
            for record in corrupted.values {
                if record.neverGood {
                    try world.register.run(
                        "DELETE FROM payment_deduction WHERE payment_id = ? AND ?2 = 1", [record.id, Int64(record.entity.rawValue)])
                    try world.register.run(
                        "DELETE FROM \(record.entity == .payment ? "payment" : "benefit_case") WHERE id = ?", [record.id])
                } else {
                    try restore(record, in: world.register)
                }
            }
            expected = try VisibilityOracle(register: world.register).visible(
                population: subscriber.population, requiresConsent: subscriber.requiresConsent, benefits: subscriber.benefits,
                formatVersion: subscriber.formatVersion, businessDate: day.description, historyDays: world.historyDays)
        } catch {
            try? world.register.execute("ROLLBACK TO oracle; RELEASE oracle")
            throw error
        }
        try world.register.execute("ROLLBACK TO oracle; RELEASE oracle")
        let held = subscriber.mirror.records
        for key in Set(expected.keys).union(held.keys).sorted() {
            if corrupted[key] != nil {
                // Held back: the version the recipient had, or nothing when the copy never had
                // a good one while the person was subscribed.
                if let record = held[key] {
                    XCTAssertEqual(
                        record, expected[key], "seed \(seed) \(day) \(subscriber.id) \(key): a bad version reached the recipient")
                }
            } else {
                XCTAssertEqual(held[key], expected[key], "seed \(seed) \(day) \(subscriber.id) \(key)")
            }
        }
    }
}
