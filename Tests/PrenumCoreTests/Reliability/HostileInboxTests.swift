import Foundation
import XCTest

@testable import PrenumCore
@testable import PrenumSimulationSupport

/// What a subscriber (or an attacker with its upload account) can put into an inbox beyond
/// what PopulationImporterTests covers: a named pipe that would block a reader, links to
/// folders and to nothing, names that are not UTF-8, carry a line break or are too long for
/// the receipts. The run must go on, refuse each without following or reading it, keep every
/// log line one line, and apply only the good file.
final class HostileInboxTests: XCTestCase {
    func testHostileEntriesAreRefusedWithoutBlockingFollowingOrSplittingLogLines() throws {
        let world = try SimulationWorkspace(seed: 611)
        try world.writeConfiguration()
        let day = CalendarDate("2026-03-01")!
        let victim = 1
        try world.dropPopulationFile(for: victim, day: day, full: true, lines: 20)
        let inbox = world.root.appendingPathComponent("inbox/\(world.subscribers[victim].id)").path
        let stranger = world.chaos.persons.first { world.subscribers[victim].population[$0] == nil } ?? world.chaos.persons[0]
        let body = Data("action;pnr;consent;from\nADD;\(stranger);Y;\n".utf8)

        let outside = world.root.appendingPathComponent("outside")
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        try body.write(to: outside.appendingPathComponent("inner.csv"))
        XCTAssertEqual(mkfifo(inbox + "/pipe.csv", 0o644), 0)
        try FileManager.default.createSymbolicLink(atPath: inbox + "/folder-link.csv", withDestinationPath: outside.path)
        try FileManager.default.createSymbolicLink(
            atPath: inbox + "/dangling.csv", withDestinationPath: world.root.appendingPathComponent("nothing").path)
        try body.write(to: URL(fileURLWithPath: inbox + "/line\nbreak.csv"))
        try body.write(to: URL(fileURLWithPath: inbox + "/" + String(repeating: "n", count: 240) + ".csv"))
        let latin1Name: [UInt8] = Array(inbox.utf8) + [UInt8(ascii: "/"), 0x62, 0x6c, 0xe5, UInt8(ascii: "."), 0x63, 0x73, 0x76, 0]
        let descriptor = latin1Name.withUnsafeBufferPointer {
            $0.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_WRONLY | O_CREAT | O_EXCL, 0o644) }
        }
        XCTAssertGreaterThanOrEqual(descriptor, 0)
        _ = body.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)

        let report = try world.run(day)
        XCTAssertEqual(report.exitCode, .ok, "\(report.subscribers.compactMap(\.message))")
        try world.collect(victim, expectNew: 1)
        try world.assertMirror(victim, on: day)
        let population = try world.stateQuery(
            "SELECT COUNT(*) FROM subscription WHERE subscriber = '\(world.subscribers[victim].id)' AND present = 1")
        XCTAssertEqual(population, String(world.subscribers[victim].population.count), "a hostile entry was applied")

        let left = try FileManager.default.contentsOfDirectory(atPath: inbox).filter { $0 != "processed" && $0 != "rejected" }
        XCTAssertEqual(left, [], "entries left in the inbox")
        let rejected = try FileManager.default.contentsOfDirectory(atPath: inbox + "/rejected")
        let reports = rejected.filter { $0.hasSuffix(".report.txt") }
        XCTAssertEqual(reports.count, 6, "one report per hostile entry: \(rejected.sorted())")
        XCTAssertFalse(rejected.contains { $0.contains("\n") || $0.utf8.count > 220 }, "an unsafe name was kept: \(rejected)")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: outside.path), ["inner.csv"], "a link was followed")
        XCTAssertEqual(try Data(contentsOf: outside.appendingPathComponent("inner.csv")), body)
        let receipts = try FileManager.default.contentsOfDirectory(atPath: world.outboxFolder(world.subscribers[victim]).path + "/receipts")
        XCTAssertEqual(receipts.count, 7, "a receipt for every entry: \(receipts.sorted())")

        for line in world.logLines {
            XCTAssertTrue(
                line.hasPrefix("ts=") && line.hasSuffix("\n") && line.dropLast().contains("\n") == false, "a log line was split: \(line)")
        }
        let refusals = world.logLines.filter { $0.contains("event=population_file") && $0.contains("outcome=rejected") }
        XCTAssertEqual(refusals.count, 6, refusals.joined())
    }
}
