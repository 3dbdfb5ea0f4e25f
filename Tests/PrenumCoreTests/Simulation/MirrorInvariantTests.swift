import Foundation
import XCTest

@testable import PrenumCore
@testable import PrenumSample
@testable import PrenumSimulationSupport

/// SPEC section 4's mirror invariant over many simulated days: a recipient applying every file
/// in order holds exactly what the subscriber may see, field for field, whatever upstream,
/// the populations and the orders did in between.
final class MirrorInvariantTests: XCTestCase {
    func testMirrorInvariantOverManySimulatedDays() throws {
        // The record copy compacted when due (every few days at this size), and every night.
        for (seed, compactionPercent): (UInt64, Int) in [(7, RecordStore.defaultCompactionPercent), (2026, 0)] {
            try simulate(seed: seed, days: 30, compactionPercent: compactionPercent)
        }
    }

    private func simulate(seed: UInt64, days: Int, compactionPercent: Int) throws {
        let world = try SimulationWorkspace(seed: seed)
        world.compactionPercent = compactionPercent
        try world.writeConfiguration()
        var day = CalendarDate("2026-03-01")!
        for index in world.subscribers.indices {
            try world.dropPopulationFile(for: index, day: day, full: true, lines: 25)
        }
        for dayNumber in 0..<days {
            if dayNumber > 0 {
                day = day.adding(days: 1)
                try world.chaos.advance(on: day, operations: 30, &world.random)
                // Orders change first, so each population file is written for the purpose in
                // force when the run imports it.
                try world.mutateOrders()
                for index in world.subscribers.indices where world.random.chance(0.6) {
                    let roll = world.random.chance(0.1)
                    try world.dropPopulationFile(
                        for: index, day: day, full: roll, invalid: !roll && world.random.chance(0.08),
                        lines: Int.random(in: 1...6, using: &world.random))
                }
            }
            if dayNumber == 20 { world.subscribers[4].terminatedFrom = day.description }
            try world.writeConfiguration()

            let report = try world.run(day)
            XCTAssertEqual(report.exitCode, .ok, "seed \(seed) \(day): \(report.subscribers.compactMap(\.message))")
            try world.assertPopulationFilesHandledAsExpected()
            for index in world.subscribers.indices {
                let active = world.subscribers[index].terminatedFrom.map { day.description < $0 } ?? true
                try world.collect(index, expectNew: active ? 1 : 0)
                if active { try world.assertMirror(index, on: day) }
            }
            // A second run for the same date is a no-op.
            if dayNumber % 10 == 3 {
                XCTAssertEqual(try world.run(day).outcome, .alreadyCompleted)
                for index in world.subscribers.indices { try world.collect(index, expectNew: 0) }
            }
        }
        // The copy's row count is kept, never recounted: it must still be true.
        let state = try StateDatabase(path: world.root.appendingPathComponent("state.db").path)
        XCTAssertEqual(
            try RecordStore(database: state.database).copyRows(), try state.database.scalarInt("SELECT COUNT(*) FROM record"),
            "seed \(seed)")
        try world.assertSchemaValid()
        if seed == 7 { try world.assertOpenSSLVerifies() }
        let log = world.logLines.joined()
        let compactions = world.logLines.filter { $0.contains("event=copy.compacted") }.count
        XCTAssertTrue(
            compactionPercent == 0 ? compactions >= days - 2 : (1..<days / 2).contains(compactions),
            "seed \(seed): \(compactions) compactions in \(days) days at \(compactionPercent) %")
        // Repacked after the first run and after every compaction.
        let repacks = world.logLines.filter { $0.contains("event=state.repacked") }.count
        XCTAssertGreaterThanOrEqual(repacks, compactions + 1, "seed \(seed)")
        XCTAssertFalse(
            log.contains("[pnr]"), "a log line tried to carry a personnummer: \(world.logLines.filter { $0.contains("[pnr]") }.prefix(3))")
        XCTAssertFalse(PersonnummerRedaction.containsPersonnummer(log), "log holds something shaped like a personnummer")
    }
}
