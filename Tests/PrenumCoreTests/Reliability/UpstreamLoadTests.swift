import Foundation
import PrenumSQLite
import PrenumTestSupport
import XCTest

@testable import PrenumCore
@testable import PrenumSimulationSupport

/// The register is written by its owners while Prenum runs. A run must see one consistent
/// snapshot (every pair of payments exactly as it stood at the run's journal position, never
/// half a transaction, never a later state), and the next run must pick up exactly what came
/// after it: nothing lost, nothing twice.
final class UpstreamLoadTests: XCTestCase {
    func testWritesDuringEveryRunAreDeliveredOnceFromConsistentSnapshots() throws {
        try ProcessRunner.requirePrenum()
        let world = try SimulationWorkspace(seed: 515, persons: 200)
        for _ in 0..<600 { try world.chaos.insertPayment(on: CalendarDate("2026-01-20")!, &world.random) }
        try world.writeConfiguration()
        var day = CalendarDate("2026-03-01")!
        for index in world.subscribers.indices { try world.dropPopulationFile(for: index, day: day, full: true, lines: 120) }
        // Pairs belong to persons that the v1 municipality and the consent-bound insurer both see.
        let pairPersons = world.chaos.persons.filter {
            world.subscribers[0].population[$0] != nil && world.subscribers[1].population[$0] != nil
        }
        XCTAssertFalse(pairPersons.isEmpty)

        let writer = UpstreamWriter(
            register: world.root.appendingPathComponent("register.db").path, persons: world.chaos.persons,
            pairPersons: pairPersons, day: day, seed: 77)
        writer.start()
        var concurrentJournalRows: Int64 = 0
        var pairsSeen = 0
        for night in 0..<4 {
            if night > 0 {
                day = day.adding(days: 1)
                writer.day = day
                for index in world.subscribers.indices { try world.dropPopulationFile(for: index, day: day, lines: 10) }
            }
            let before = try journalEnd(world)
            let outcome = try ProcessRunner.prenum(["run", "--date", day.description], in: world.root)
            let after = try journalEnd(world)
            XCTAssertEqual(outcome.status, 0, "\(day): \(outcome.errorOutput.suffix(1500))")
            XCTAssertGreaterThan(after, before, "\(day): the writer wrote nothing while the run ran")
            concurrentJournalRows += after - before
            // The snapshot lies between what was committed before the run and after it.
            let highWater = try stateValue(world, "SELECT high_water FROM run WHERE business_date = '\(day)'")
            XCTAssertTrue((before...after).contains(highWater), "\(day): snapshot at seq \(highWater) outside \(before)...\(after)")

            let pairs = writer.pairs
            for index in world.subscribers.indices {
                try world.collect(index, expectNew: 1)
                pairsSeen += assertPairsAsOfSnapshot(world, world.subscribers[index], pairs: pairs, highWater: highWater, day: day)
            }
        }
        try writer.stop()
        // A quiet night: the run picks up exactly the rest.
        day = day.adding(days: 1)
        let quiet = try ProcessRunner.prenum(["run", "--date", day.description], in: world.root)
        XCTAssertEqual(quiet.status, 0, quiet.errorOutput.suffix(1500).description)
        XCTAssertEqual(try stateValue(world, "SELECT high_water FROM run WHERE business_date = '\(day)'"), try journalEnd(world))
        for index in world.subscribers.indices {
            try world.collect(index, expectNew: 1)
            try world.assertMirror(index, on: day)
            _ = assertPairsAsOfSnapshot(world, world.subscribers[index], pairs: writer.pairs, highWater: try journalEnd(world), day: day)
        }
        XCTAssertGreaterThan(pairsSeen, 0, "no pair ever reached a mirror: the consistency check checked nothing")
        print(
            "upstream-load: \(writer.transactions) upstream transactions, \(concurrentJournalRows) journal rows written while runs ran, \(writer.pairs.count) pairs, \(pairsSeen) pair sightings in mirrors"
        )
    }

    /// Each pair in the mirror exactly as it stood at the run's snapshot (journal position
    /// `highWater`): both payments or neither, with that moment's person and fields, never an
    /// older or a newer state. Returns how many pairs the mirror holds.
    func assertPairsAsOfSnapshot(
        _ world: SimulationWorkspace, _ subscriber: SimulatedSubscriber, pairs: [UpstreamWriter.Pair],
        highWater: Int64, day: CalendarDate, file: StaticString = #filePath, line: UInt = #line
    ) -> Int {
        let windowStart = day.adding(days: -world.historyDays).description
        var held = 0
        for pair in pairs {
            var expected: (pnr: String, attributes: [String: String])?
            if let state = pair.state(at: highWater), let member = subscriber.population[state.pnr],
                member.consent || !subscriber.requiresConsent, subscriber.benefits.contains("SJP"),
                state.status != "cancelled", subscriber.formatVersion >= 2 || state.status == "executed",
                state.paymentDate >= max(windowStart, member.fromDate ?? "")
            {
                var attributes = [
                    "benefit": "SJP", "paymentDate": state.paymentDate,
                    "gross": VisibilityOracle.kronor(state.gross), "tax": VisibilityOracle.kronor(state.tax)
                ]
                if subscriber.formatVersion >= 2 {
                    attributes["company"] = "FK"
                    attributes["status"] = state.status
                }
                // The writer registers a pair on the day it pays it, and never changes either.
                if subscriber.formatVersion >= 3 { attributes["registeredAt"] = "\(state.paymentDate)T12:00:00Z" }
                expected = (state.pnr, attributes)
            }
            for id in [pair.ids.0, pair.ids.1] {
                let want = expected.map { MirrorRecord(entity: "payment", id: id, pnr: $0.pnr, attributes: $0.attributes, deductions: []) }
                XCTAssertEqual(
                    subscriber.mirror.records["payment:\(id)"], want,
                    "\(subscriber.id) \(day): payment \(id) of a pair is not as it stood at the snapshot (seq \(highWater))",
                    file: file, line: line)
            }
            if expected != nil { held += 1 }
        }
        return held
    }

    func journalEnd(_ world: SimulationWorkspace) throws -> Int64 {
        try world.register.scalarInt("SELECT COALESCE(MAX(seq), 0) FROM change_log") ?? 0
    }

    /// One integer from the state database, read with the sqlite3 tool; 0 while no state
    /// exists (a run refused before it created one).
    func stateValue(_ world: SimulationWorkspace, _ query: String) throws -> Int64 {
        guard FileManager.default.fileExists(atPath: world.root.appendingPathComponent("state.db").path) else { return 0 }
        let result = try ProcessRunner.run("/usr/bin/sqlite3", [world.root.appendingPathComponent("state.db").path, query])
        XCTAssertEqual(result.status, 0, result.errorOutput)
        return Int64(result.output.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    /// A register held under an exclusive lock by an upstream writer past the busy timeout:
    /// exit 75 with a message naming the register, within the (shortened) timeout, nothing done.
    func testARegisterLockedPastTheBusyTimeoutGivesExit75NotAHang() throws {
        try ProcessRunner.requirePrenum()
        let world = try SimulationWorkspace(seed: 516)
        try world.writeConfiguration()
        let day = CalendarDate("2026-03-01")!
        for index in world.subscribers.indices { try world.dropPopulationFile(for: index, day: day, full: true, lines: 10) }
        // A rollback-journal register: an EXCLUSIVE transaction there shuts readers out too.
        try world.register.execute("PRAGMA journal_mode=DELETE")
        XCTAssertEqual(try world.register.scalarText("PRAGMA journal_mode"), "delete")
        let holder = try Database(path: world.root.appendingPathComponent("register.db").path, mode: .readWrite(create: false))
        try holder.execute("BEGIN EXCLUSIVE")
        try holder.run("UPDATE payment SET gross_ore = gross_ore + 1 WHERE id = 1")

        let locked = try ProcessRunner.prenum(
            ["run", "--date", day.description], in: world.root,
            environment: ["PRENUM_REGISTER_BUSY_TIMEOUT_MS": "300"])
        XCTAssertEqual(locked.status, 75, locked.errorOutput)
        XCTAssertTrue(locked.errorOutput.contains("register.db") && locked.errorOutput.contains("locked"), locked.errorOutput)
        XCTAssertEqual(try stateValue(world, "SELECT COUNT(*) FROM run"), 0, "a run was recorded")
        XCTAssertEqual(try stateValue(world, "SELECT COUNT(*) FROM delivery"), 0, "a delivery was recorded")

        try holder.execute("COMMIT")
        let free = try ProcessRunner.prenum(["run", "--date", day.description], in: world.root)
        XCTAssertEqual(free.status, 0, free.errorOutput)
        for index in world.subscribers.indices {
            try world.collect(index, expectNew: 1)
            try world.assertMirror(index, on: day)
        }
    }
}
