import Foundation
import PrenumCrypto
import PrenumTestSupport
import XCTest

@testable import PrenumCore
@testable import PrenumSimulationSupport

/// `prenum run --dry-run` (SPEC section 5) through the real binary: it predicts the run's
/// files exactly, also for a candidate configuration, and changes no file or folder.
final class DryRunTests: XCTestCase {
    /// Every file (by content) and folder (by its names) under `root`, except the lock file and
    /// the register's shared-memory index, which the test's own open register connection owns.
    static func fingerprint(_ root: URL) throws -> [String: String] {
        var found: [String: String] = [:]
        guard let walker = FileManager.default.enumerator(atPath: root.path) else { return found }
        for case let relative as String in walker {
            if relative.hasSuffix(".lock") || relative == "register.db-shm" { continue }
            let path = root.appendingPathComponent(relative).path
            var isFolder: ObjCBool = false
            FileManager.default.fileExists(atPath: path, isDirectory: &isFolder)
            found[relative] =
                isFolder.boolValue
                ? "folder:" + (try FileManager.default.contentsOfDirectory(atPath: path)).sorted().joined(separator: "/")
                : try SHA256Digest.hex(ofFile: path)
        }
        return found
    }

    /// What a delivered file says, counted from its XML.
    static func counts(_ url: URL) throws -> [String: Int] {
        let text = try String(contentsOf: url, encoding: .utf8)
        func count(_ needle: String) -> Int { text.components(separatedBy: needle).count - 1 }
        return [
            "new": count("change=\"NEW\""), "changed": count("change=\"CHANGED\""), "removed": count("change=\"REMOVED\""),
            "unsubscribed": count("<unsubscribed "),
            "bytes": (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? -1
        ]
    }

    static func dryRun(_ world: SimulationWorkspace, day: CalendarDate, config: URL? = nil) throws -> [[String: Any]] {
        var arguments = ["run", "--dry-run", "--json", "--date", day.description]
        if let config { arguments += ["--config", config.path] }
        let result = try ProcessRunner.run(
            ProcessRunner.debugPrenum, arguments + (config == nil ? ["--config", world.configPath] : []),
            environment: ProcessInfo.processInfo.environment.merging(["PRENUM_CLOCK": "\(day)T01:00:00Z"]) { $1 })
        XCTAssertEqual(result.status, 0, result.errorOutput)
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [[String: Any]], result.output)
    }

    /// Runs for real and checks every prediction against the file it made.
    func assertPredicted(
        _ predicted: [[String: Any]], world: SimulationWorkspace, day: CalendarDate,
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let result = try ProcessRunner.run(
            ProcessRunner.debugPrenum, ["run", "--date", day.description, "--config", world.configPath],
            environment: ProcessInfo.processInfo.environment.merging(["PRENUM_CLOCK": "\(day)T01:00:00Z"]) { $1 })
        XCTAssertEqual(result.status, 0, result.errorOutput, file: file, line: line)
        XCTAssertEqual(predicted.count, world.subscribers.count, file: file, line: line)
        for entry in predicted {
            let id = try XCTUnwrap(entry["id"] as? String)
            let index = try XCTUnwrap(world.subscribers.firstIndex { $0.id == id })
            let name = try XCTUnwrap(entry["file"] as? String, "\(id): \(entry)")
            let url = world.outboxFolder(world.subscribers[index]).appendingPathComponent(name)
            XCTAssertTrue(FileManager.default.fileExists(atPath: url.path), "\(id): predicted \(name) was not made", file: file, line: line)
            let actual = try Self.counts(url)
            for key in ["new", "changed", "removed", "unsubscribed", "bytes"] {
                XCTAssertEqual(entry[key] as? Int, actual[key], "\(id) \(key)", file: file, line: line)
            }
            let parsed = try DeliveryFileParser.parse(url)
            XCTAssertEqual(entry["kind"] as? String, parsed.header["kind"], file: file, line: line)
            XCTAssertEqual(
                entry["records"] as? Int, parsed.persons.reduce(0) { $0 + $1.records.count }, "\(id) records", file: file, line: line)
            try world.collect(index, expectNew: 1, file: file, line: line)
            try world.assertMirror(index, on: day, file: file, line: line)
        }
    }

    func testDryRunPredictsTheRunExactlyAndChangesNothing() throws {
        try ProcessRunner.requirePrenum()
        let world = try SimulationWorkspace(seed: 61)
        world.historyDays = 90
        let day1 = SimulationWorkspace.firstNight, day2 = day1.adding(days: 1), day3 = day1.adding(days: 2)
        for _ in 0..<300 { try world.chaos.insertPayment(on: day1, &world.random) }
        try world.writeConfiguration()
        for index in world.subscribers.indices { try world.dropPopulationFile(for: index, day: day1, full: true, lines: 30) }

        // The first night: every file a FULL, every population file still in the inbox.
        let before = try Self.fingerprint(world.root)
        let first = try Self.dryRun(world, day: day1)
        XCTAssertEqual(try Self.fingerprint(world.root), before, "the dry run changed a file or folder")
        XCTAssertEqual(Set(first.compactMap { $0["reason"] as? String }), ["first delivery"])
        try assertPredicted(first, world: world, day: day1)

        // A night of upstream changes and population files, and a refresh.
        try world.chaos.advance(on: day2, operations: 40, &world.random)
        for index in world.subscribers.indices { try world.dropPopulationFile(for: index, day: day2, lines: 5) }
        try world.orderRefresh("mun-b")
        let waiting = try Self.fingerprint(world.root)
        let second = try Self.dryRun(world, day: day2)
        XCTAssertEqual(try Self.fingerprint(world.root), waiting, "the dry run changed a file or folder")
        XCTAssertEqual(second.first { $0["id"] as? String == "mun-b" }?["reason"] as? String, "refresh ordered")
        XCTAssertEqual(second.first { $0["id"] as? String == "ins-a" }?["kind"] as? String, "DELTA")
        XCTAssertGreaterThan(
            second.reduce(0) { $0 + (($1["new"] as? Int) ?? 0) + (($1["removed"] as? Int) ?? 0) + (($1["changed"] as? Int) ?? 0) }, 0)
        try assertPredicted(second, world: world, day: day2)

        // A candidate configuration: a changed order, a changed format, a new subscriber.
        try world.chaos.advance(on: day3, operations: 20, &world.random)
        let current = try Data(contentsOf: URL(fileURLWithPath: world.configPath))
        world.subscribers[0].benefits = ["SJP"]
        world.subscribers[3].formatVersion = 2
        world.subscribers.append(
            SimulatedSubscriber(id: "ins-f", category: "insurance", benefits: ["SJP", "FP"], purpose: "coordination", formatVersion: 2))
        try world.writeConfiguration()
        try world.dropPopulationFile(for: 5, day: day3, full: true, lines: 10)
        let candidate = world.root.appendingPathComponent("config/candidate.json")
        try FileManager.default.moveItem(atPath: world.configPath, toPath: candidate.path)
        try current.write(to: URL(fileURLWithPath: world.configPath))
        let untouched = try Self.fingerprint(world.root)
        let third = try Self.dryRun(world, day: day3, config: candidate)
        XCTAssertEqual(try Self.fingerprint(world.root), untouched, "the dry run changed a file or folder")
        let reasons = Dictionary(third.map { ($0["id"] as? String ?? "", $0["reason"] as? String ?? "") }, uniquingKeysWith: { $1 })
        XCTAssertEqual(reasons["ins-a"], "profile changed: benefits -FP,-SA")
        XCTAssertEqual(reasons["age-d"], "profile changed: format 1 -> 2")
        XCTAssertEqual(reasons["ins-f"], "first delivery")
        XCTAssertEqual(reasons["pen-e"], "delta since the last file")
        // The operator puts the candidate in force: the run does what the dry run said.
        try FileManager.default.removeItem(atPath: world.configPath)
        try FileManager.default.moveItem(atPath: candidate.path, toPath: world.configPath)
        try assertPredicted(third, world: world, day: day3)
    }

    /// The brake's verdict is predicted too: a mass cancellation shows as `held`.
    func testDryRunPredictsAHeldFile() throws {
        try ProcessRunner.requirePrenum()
        let world = try BrakeTests.firstNight(seed: 41)
        try BrakeTests.massCancellation(world)
        let day2 = SimulationWorkspace.firstNight.adding(days: 1)
        let before = try Self.fingerprint(world.root)
        let predicted = try Self.dryRun(world, day: day2)
        XCTAssertEqual(try Self.fingerprint(world.root), before)
        XCTAssertEqual(predicted.first { $0["id"] as? String == "pen-e" }?["status"] as? String, "held")
        XCTAssertEqual(predicted.first { $0["id"] as? String == "mun-b" }?["status"] as? String, "delivered")
    }
}
