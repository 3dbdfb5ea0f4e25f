import Foundation
import XCTest

@testable import PrenumCore
@testable import PrenumSimulationSupport

/// When a run repacks the state file: after the first run (the copy grew from nothing), after
/// a compaction, and after any run while an earlier repack is owed; not on a quiet night.
final class RepackTests: XCTestCase {
    func testRepacksFollowGrowthCompactionAndAnOwedRepackOnly() throws {
        let world = try SimulationWorkspace(seed: 5)
        world.compactionPercent = 10_000  // no compaction unless a test night asks for one
        try world.writeConfiguration()
        var day = CalendarDate("2026-03-01")!
        for index in world.subscribers.indices { try world.dropPopulationFile(for: index, day: day, full: true, lines: 20) }
        func night(_ expectRepack: Bool, _ label: String) throws {
            let before = world.logLines.count
            XCTAssertEqual(try world.run(day).exitCode, .ok, label)
            let repacked = world.logLines[before...].contains { $0.contains("event=state.repacked") }
            XCTAssertEqual(repacked, expectRepack, label)
            day = day.adding(days: 1)
            try world.chaos.advance(on: day, operations: 10, &world.random)
        }
        let state = { try StateDatabase(path: world.root.appendingPathComponent("state.db").path) }

        try night(true, "first run: the copy grew from nothing")
        try night(false, "a quiet night")
        try state().setMeta("repack_owed", "1")
        try night(true, "an owed repack")
        XCTAssertEqual(try state().meta("repack_owed"), "0")
        try night(false, "paid")
        world.compactionPercent = 0
        try night(true, "after a compaction")
        XCTAssertEqual(try state().database.scalarText("PRAGMA integrity_check"), "ok")
    }
}
