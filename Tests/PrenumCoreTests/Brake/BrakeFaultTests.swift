import Foundation
import PrenumTestSupport
import XCTest

@testable import PrenumCore
@testable import PrenumSimulationSupport

/// Holding, releasing and discarding keep the exactly-once promise through a SIGKILL at each
/// of their steps: after the crash and a repeat of the command, the published files are those
/// of an uninterrupted sequence of the same commands, byte for byte.
final class BrakeFaultTests: XCTestCase {
    typealias Step = (arguments: [String], fault: [String: String], expected: Int32)

    func testKillAtEveryBrakeStepKeepsExactlyOncePublication() throws {
        try ProcessRunner.requirePrenum()
        let world = try BrakeTests.firstNight(seed: 41)
        try BrakeTests.massCancellation(world)
        let day2 = SimulationWorkspace.firstNight.adding(days: 1), day3 = day2.adding(days: 1)
        let run2 = ["run", "--date", day2.description], run3 = ["run", "--date", day3.description]
        let release = ["release", "--subscriber", "pen-e"], discard = ["discard", "--subscriber", "enf-c"]

        func copy(_ name: String) throws -> URL {
            let target = world.root.deletingLastPathComponent().appendingPathComponent("\(world.root.lastPathComponent)-\(name)")
            try? FileManager.default.removeItem(at: target)
            try FileManager.default.copyItem(at: world.root, to: target)
            return target
        }
        func perform(_ steps: [Step], in root: URL, _ name: String) throws {
            for (number, step) in steps.enumerated() {
                let result = try FaultInjectionTests.runPrenum(step.arguments, in: root, extra: step.fault)
                XCTAssertEqual(result.status, step.expected, "\(name) step \(number) \(step.arguments): \(result.errorOutput.suffix(600))")
            }
        }
        let plain: [String: String] = [:]
        func kill(_ step: FaultInjector.Step, _ subscriber: String) -> [String: String] {
            ["PRENUM_FAULT_STEP": step.rawValue, "PRENUM_FAULT_SUBSCRIBER": subscriber]
        }
        let released: [Step] = [(run2, plain, 1), (release, plain, 0)]
        let discarded: [Step] = [(run2, plain, 1), (discard, plain, 0), (run3, plain, 1)]
        var references: [String: [String: Data]] = [:]
        for (name, steps) in [("released", released), ("discarded", discarded)] {
            let root = try copy("reference-\(name)")
            defer { try? FileManager.default.removeItem(at: root) }
            try perform(steps, in: root, name)
            references[name] = try FaultInjectionTests.publishedFiles(in: root)
        }
        // The discarded file's sequence went to day 3's FULL; the held one was never published.
        XCTAssertTrue(references["discarded"]!.keys.contains { $0.contains("enf-c-00000002-20260303-FULL.xml") })
        XCTAssertFalse(references["discarded"]!.keys.contains { $0.contains("enf-c-00000002-20260302") })

        let cases: [(String, String, [Step])] = [
            ("deliver.after-hold", "released", [(run2, kill(.deliverAfterHold, "pen-e"), 9), (run2, plain, 1), (release, plain, 0)]),
            ("release.after-stage", "released", [(run2, plain, 1), (release, kill(.releaseAfterStage, "pen-e"), 9), (release, plain, 0)]),
            // A run's recovery publishes the released file (the date itself is already completed).
            (
                "release.after-stage then a run", "released",
                [
                    (run2, plain, 1), (release, kill(.releaseAfterStage, "pen-e"), 9),
                    (run2, plain, 0), (release, plain, 64)
                ]
            ),
            (
                "release.after-publish", "released",
                [(run2, plain, 1), (release, kill(.releaseAfterPublish, "pen-e"), 9), (release, plain, 64)]
            ),
            (
                "discard.after-commit", "discarded",
                [
                    (run2, plain, 1), (discard, kill(.discardAfterCommit, "enf-c"), 9),
                    (discard, plain, 64), (run3, plain, 1)
                ]
            )
        ]
        XCTAssertEqual(Set(cases.map { $0.0.components(separatedBy: " ")[0] }), Set(BrakeTests.faultSteps.map(\.rawValue)))
        for (name, reference, steps) in cases {
            let root = try copy(name.replacingOccurrences(of: " ", with: "-"))
            defer { try? FileManager.default.removeItem(at: root) }
            try perform(steps, in: root, name)
            let actual = try FaultInjectionTests.publishedFiles(in: root)
            let expected = try XCTUnwrap(references[reference])
            XCTAssertEqual(Set(actual.keys), Set(expected.keys), "\(name): different files")
            for (path, bytes) in expected where actual[path] != bytes {
                XCTFail("\(name): \(path) differs from the uninterrupted commands")
            }
        }
    }
}
