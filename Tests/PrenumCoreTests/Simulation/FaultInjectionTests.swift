import Foundation
import PrenumCrypto
import PrenumTestSupport
import XCTest

@testable import PrenumCore
@testable import PrenumSimulationSupport

/// A `prenum run` killed with SIGKILL at every named step and then run again must leave the
/// same files, byte for byte, as a run that was never interrupted: no gap, no repeat, no
/// reordering, nothing once visible taken back.
final class FaultInjectionTests: XCTestCase {
    /// Runs the real binary, as cron would.
    static func runPrenum(_ arguments: [String], in root: URL, extra: [String: String] = [:]) throws -> ProcessOutcome {
        var environment = ProcessInfo.processInfo.environment
        environment["PRENUM_CLOCK"] = "2026-03-02T01:00:00Z"
        environment["PRENUM_INBOX_LOOK_MS"] = "0"
        for (key, value) in extra { environment[key] = value }
        return try ProcessRunner.run(
            ProcessRunner.debugPrenum, arguments + ["--config", root.appendingPathComponent("config/prenum.json").path],
            environment: environment)
    }

    /// Every published file (data and signature) by path relative to the workspace, with its bytes.
    static func publishedFiles(in root: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for folder in ["outbox", "moved"] {
            let base = root.appendingPathComponent(folder)
            guard let walker = FileManager.default.enumerator(atPath: base.path) else { continue }
            for case let relative as String in walker where relative.hasSuffix(".xml") || relative.hasSuffix(".sig") {
                if relative.contains(".prenum-staging") || relative.contains("receipts") { continue }
                files["\(folder)/\(relative)"] = try Data(contentsOf: base.appendingPathComponent(relative))
            }
        }
        return files
    }

    func testKillAtEveryStepThenRunGivesTheSameFiles() throws {
        XCTAssertTrue(
            FileManager.default.isExecutableFile(atPath: ProcessRunner.debugPrenum), "build prenum first: \(ProcessRunner.debugPrenum)")
        let world = try SimulationWorkspace(seed: 99)
        try world.writeConfiguration()
        let day1 = CalendarDate("2026-03-01")!
        for index in world.subscribers.indices { try world.dropPopulationFile(for: index, day: day1, full: true, lines: 20) }
        XCTAssertEqual(try world.run(day1).exitCode, .ok)
        // Day 2: upstream changes and population changes wait for the run under test.
        let day2 = day1.adding(days: 1)
        try world.chaos.advance(on: day2, operations: 40, &world.random)
        for index in world.subscribers.indices { try world.dropPopulationFile(for: index, day: day2, lines: 4) }
        world.subscribers[0].benefits = ["SJP", "SA"]  // one subscriber changes its order: FULL
        try world.writeConfiguration()

        let prepared = world.root
        func copy(_ name: String) throws -> URL {
            let target = prepared.deletingLastPathComponent().appendingPathComponent("\(prepared.lastPathComponent)-\(name)")
            try? FileManager.default.removeItem(at: target)
            try FileManager.default.copyItem(at: prepared, to: target)
            return target
        }

        let reference = try copy("reference")
        defer { try? FileManager.default.removeItem(at: reference) }
        let clean = try Self.runPrenum(["run", "--date", day2.description], in: reference)
        XCTAssertEqual(clean.status, 0, clean.errorOutput)
        let expected = try Self.publishedFiles(in: reference)
        XCTAssertEqual(expected.count, 2 * 5 * 2, "two nights, five subscribers, data and signature")

        // recover's steps are not reached by a run; the brake's only on a night with a mass removal (BrakeTests).
        var cases: [(String, [String: String])] = FaultInjector.Step.allCases.filter {
            !$0.rawValue.hasPrefix("recover.") && !BrakeTests.faultSteps.contains($0)
        }
        .map { ($0.rawValue, ["PRENUM_FAULT_STEP": $0.rawValue]) }
        // A quiet night does not compact; this one must, to reach the step.
        if let index = cases.firstIndex(where: { $0.0 == FaultInjector.Step.compactBeforeCommit.rawValue }) {
            cases[index].1["PRENUM_COMPACT_PERCENT"] = "0"
        }
        cases.append(("deliver.after-stage#3", ["PRENUM_FAULT_STEP": "deliver.after-stage", "PRENUM_FAULT_HIT": "3"]))
        cases.append(
            (
                "deliver.after-signature-rename@mun-b",
                ["PRENUM_FAULT_STEP": "deliver.after-signature-rename", "PRENUM_FAULT_SUBSCRIBER": "mun-b"]
            ))
        for (name, fault) in cases {
            let crashed = try copy(name.replacingOccurrences(of: "#", with: "-").replacingOccurrences(of: "@", with: "-"))
            defer { try? FileManager.default.removeItem(at: crashed) }
            let killed = try Self.runPrenum(["run", "--date", day2.description], in: crashed, extra: fault)
            XCTAssertEqual(killed.status, 9, "\(name): expected SIGKILL, got \(killed.status): \(killed.errorOutput.suffix(500))")
            // Whatever is visible after the crash must survive unchanged into the final state.
            let visibleAfterCrash = try Self.publishedFiles(in: crashed)
            for (path, bytes) in visibleAfterCrash {
                XCTAssertEqual(expected[path], bytes, "\(name): \(path) visible after the crash differs from the uninterrupted run")
            }
            for path in visibleAfterCrash.keys where path.hasSuffix(".xml") {
                XCTAssertNotNil(visibleAfterCrash[path + ".sig"], "\(name): \(path) visible without its signature")
            }
            let resumed = try Self.runPrenum(["run", "--date", day2.description], in: crashed)
            XCTAssertEqual(resumed.status, 0, "\(name): \(resumed.errorOutput.suffix(800))")
            let actual = try Self.publishedFiles(in: crashed)
            XCTAssertEqual(Set(actual.keys), Set(expected.keys), "\(name): different files")
            for (path, bytes) in expected where actual[path] != bytes {
                XCTFail("\(name): \(path) differs from the uninterrupted run")
            }
            let again = try Self.runPrenum(["run", "--date", day2.description], in: crashed)
            XCTAssertEqual(again.status, 0)
            XCTAssertTrue(again.output.contains("already-completed"), "\(name): \(again.output)")
        }
    }
}
