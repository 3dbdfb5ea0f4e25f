import Foundation
import PrenumCrypto
import PrenumTestSupport
import XCTest

@testable import PrenumCore
@testable import PrenumSimulationSupport

/// `prenum check` (SPEC section 5), through the real binary: what `run` validates before it
/// touches anything, with the same exit codes, and not a byte written anywhere.
final class CheckCommandTests: XCTestCase {
    /// Every file's SHA-256 and every folder's listing under the workspace.
    func tree(_ root: URL) throws -> [String: String] {
        var hashes: [String: String] = [:]
        let base = root.path
        hashes["."] = try FileManager.default.contentsOfDirectory(atPath: base).sorted().joined(separator: "/")
        guard let walker = FileManager.default.enumerator(atPath: base) else { return hashes }
        for case let relative as String in walker {
            let path = base + "/" + relative
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            switch attributes[.type] as? FileAttributeType {
            case .typeDirectory?:
                hashes[relative] = try FileManager.default.contentsOfDirectory(atPath: path).sorted().joined(separator: "/")
            case .typeSymbolicLink?: hashes[relative] = try FileManager.default.destinationOfSymbolicLink(atPath: path)
            // A WAL reader marks its reads in the shared-memory index: not data, kept by presence.
            default: hashes[relative] = relative.hasSuffix("-shm") ? "present" : try SHA256Digest.hex(ofFile: path)
            }
        }
        return hashes
    }

    func check(
        _ world: SimulationWorkspace, expect status: Int32, naming fragment: String, date: String? = nil,
        environment: [String: String] = [:], file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let before = try tree(world.root)
        let outcome = try ProcessRunner.prenum(["check", "--date", date ?? "2026-03-02"], in: world.root, environment: environment)
        XCTAssertEqual(outcome.status, status, outcome.errorOutput + outcome.output, file: file, line: line)
        XCTAssertTrue(
            (outcome.errorOutput + outcome.output).contains(fragment), "\(fragment) not in: \(outcome.errorOutput)\(outcome.output)",
            file: file, line: line)
        let after = try tree(world.root)
        let changed = Set(before.keys).union(after.keys).filter { before[$0] != after[$0] }.sorted()
        XCTAssertEqual(changed, [], "check wrote something", file: file, line: line)
    }

    func testCheckValidatesWhatRunDoesWithItsExitCodesAndWritesNothing() throws {
        try ProcessRunner.requirePrenum()
        // A first installation: nothing created, not even the state folder's lock.
        let fresh = try SimulationWorkspace(seed: 1230, persons: 30)
        try fresh.writeConfiguration()
        try check(fresh, expect: 0, naming: "none yet: a first run", date: "2026-03-01")
        XCTAssertFalse(FileManager.default.fileExists(atPath: fresh.root.appendingPathComponent("state.db").path))

        let world = try SimulationWorkspace.afterFirstNight(seed: 1231)
        try check(world, expect: 0, naming: "journal lineage and run order consistent")
        try check(
            world, expect: 64, naming: "today is 2026-03-02", date: "2026-03-05", environment: ["PRENUM_CLOCK": "2026-03-02T01:00:00Z"])
        try check(world, expect: 65, naming: "before the last completed run", date: "2026-02-27")

        let key = world.root.appendingPathComponent("keys/private.pem").path
        XCTAssertEqual(chmod(key, 0o640), 0)
        try check(world, expect: 78, naming: key)
        XCTAssertEqual(chmod(key, 0o600), 0)

        let configText = try String(contentsOfFile: world.configPath, encoding: .utf8)
        try configText.replacingOccurrences(of: "\"historyDays\" : 60", with: "\"historyDays\" : 60, \"historyDays\" : 30")
            .write(toFile: world.configPath, atomically: true, encoding: .utf8)
        try check(world, expect: 78, naming: "historyDays")
        try configText.write(toFile: world.configPath, atomically: true, encoding: .utf8)

        try world.register.execute("DROP TRIGGER payment_deduction_journal_delete")
        try check(world, expect: 65, naming: "no trigger journals DELETE on payment_deduction")
        try world.register.execute(
            RegisterSchema.ddl.components(separatedBy: "CREATE TRIGGER payment_deduction_journal_delete")
                .last.map { "CREATE TRIGGER payment_deduction_journal_delete" + $0 } ?? "")
        try check(world, expect: 0, naming: "ok")

        try world.register.execute("UPDATE change_log SET seq = seq + 500000")
        try check(world, expect: 65, naming: "reset or renumbered")
    }
}
