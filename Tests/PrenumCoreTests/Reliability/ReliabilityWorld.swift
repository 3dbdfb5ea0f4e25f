import Foundation
import PrenumTestSupport
import XCTest

@testable import PrenumCore
@testable import PrenumSimulationSupport

/// Helpers the reliability tests share on top of the simulation workspace.
extension SimulationWorkspace {

    /// A workspace whose first night was delivered to every subscriber by the real binary and
    /// checked, with the second night's upstream changes and (unless told otherwise) population
    /// files waiting.
    static func afterFirstNight(
        seed: UInt64, populationFilesForTheSecondNight: Bool = true, prepare: (SimulationWorkspace) throws -> Void = { _ in }
    ) throws -> SimulationWorkspace {
        try ProcessRunner.requirePrenum()
        let world = try SimulationWorkspace(seed: seed, persons: 80)
        try prepare(world)
        try world.writeConfiguration()
        for index in world.subscribers.indices { try world.dropPopulationFile(for: index, day: firstNight, full: true, lines: 40) }
        let first = try ProcessRunner.prenum(["run", "--date", firstNight.description], in: world.root)
        XCTAssertEqual(first.status, 0, first.errorOutput)
        for index in world.subscribers.indices { try world.collect(index, expectNew: 1) }
        let second = firstNight.adding(days: 1)
        try world.chaos.advance(on: second, operations: 60, &world.random)
        for index in world.subscribers.indices where populationFilesForTheSecondNight {
            try world.dropPopulationFile(for: index, day: second, lines: 6)
        }
        return world
    }

    /// Rewrites fields of `prenum.json` after `writeConfiguration`.
    func patchConfiguration(_ change: (inout [String: Any]) -> Void) throws {
        let url = URL(fileURLWithPath: configPath)
        guard var object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any] else {
            throw NSError(domain: "ReliabilityWorld", code: 1)
        }
        change(&object)
        try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]).write(to: url)
    }

    /// Runs, counts and positions in the state database, read with the sqlite3 tool, so a
    /// failed run can be shown to have recorded nothing.
    func stateSummary(file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let query = """
            SELECT (SELECT COUNT(*) FROM run) || ' runs, ' || (SELECT COUNT(*) FROM delivery) || ' deliveries, ' ||
                   (SELECT COUNT(*) FROM population_file) || ' population files, watermark ' ||
                   COALESCE((SELECT value FROM meta WHERE key = 'watermark'), '-') || ', sequences ' ||
                   (SELECT group_concat(subscriber || '=' || last_sequence, ' ') FROM (SELECT * FROM subscriber_state ORDER BY subscriber));
            """
        let result = try ProcessRunner.run("/usr/bin/sqlite3", [root.appendingPathComponent("state.db").path, query])
        XCTAssertEqual(result.status, 0, "sqlite3: \(result.errorOutput)", file: file, line: line)
        return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A scalar from the state database via sqlite3.
    func stateQuery(_ query: String) throws -> String {
        let result = try ProcessRunner.run("/usr/bin/sqlite3", [root.appendingPathComponent("state.db").path, query])
        return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Every file under the workspace's output and input folders, with its size: a failed run
    /// must leave this exactly as it was.
    func fileListing(_ folders: [String] = ["outbox", "moved", "archive", "inbox"]) -> [String: Int] {
        var listing: [String: Int] = [:]
        for folder in folders {
            let base = root.appendingPathComponent(folder).path
            guard let walker = FileManager.default.enumerator(atPath: base) else { continue }
            for case let relative as String in walker {
                let attributes = try? FileManager.default.attributesOfItem(atPath: base + "/" + relative)
                if attributes?[.type] as? FileAttributeType == .typeDirectory { continue }
                listing["\(folder)/\(relative)"] = (attributes?[.size] as? Int) ?? -1
            }
        }
        return listing
    }
}
