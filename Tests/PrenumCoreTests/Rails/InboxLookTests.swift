import Foundation
import PrenumTestSupport
import XCTest

@testable import PrenumCore
@testable import PrenumSimulationSupport

/// Issue 12, item 6, through the real binary: a population file still being written when the
/// run starts is not applied (no prefix of it), and neither are that subscriber's later-named
/// files; the run says so in its log and its report, and a later run applies them in order.
final class InboxLookTests: XCTestCase {
    /// Appends a line to a file every few milliseconds until stopped: an upload in progress.
    final class Uploader: @unchecked Sendable {
        private let lock = NSLock()
        private var stopped = false
        private let done = DispatchSemaphore(value: 0)

        func start(path: String, lines: [String]) {
            DispatchQueue.global().async {
                var index = 0
                while !self.isStopped {
                    if let handle = FileHandle(forWritingAtPath: path) {
                        handle.seekToEndOfFile()
                        handle.write(Data((lines[index % lines.count] + "\n").utf8))
                        try? handle.close()
                    }
                    index += 1
                    usleep(20_000)
                }
                self.done.signal()
            }
        }

        var isStopped: Bool {
            lock.lock()
            defer { lock.unlock() }
            return stopped
        }

        func stop() {
            lock.lock()
            stopped = true
            lock.unlock()
            done.wait()
        }
    }

    func testAFileStillBeingWrittenIsLeftWithTheLaterNamedFilesForALaterImport() throws {
        let world = try SimulationWorkspace.afterFirstNight(seed: 1210)
        let second = SimulationWorkspace.firstNight.adding(days: 1)
        let id = world.subscribers[0].id
        let inbox = world.root.appendingPathComponent("inbox/\(id)").path
        let later = try FileManager.default.contentsOfDirectory(atPath: inbox).filter { $0.hasSuffix(".csv") }
        XCTAssertEqual(later.count, 1)
        let growing = inbox + "/0-upload.csv"
        try Data("action;pnr;consent;from\n".utf8).write(to: URL(fileURLWithPath: growing))
        let uploader = Uploader()
        uploader.start(path: growing, lines: world.chaos.persons.prefix(50).map { "ADD;\($0);Y;" })
        let outcome = try ProcessRunner.prenum(
            ["run", "--date", second.description], in: world.root,
            environment: ["PRENUM_INBOX_LOOK_MS": "400"])
        uploader.stop()
        XCTAssertEqual(outcome.status, 0, outcome.errorOutput)
        let deferred = outcome.errorOutput.split(separator: "\n").filter {
            $0.contains("event=population_file") && $0.contains("outcome=deferred")
        }
        XCTAssertEqual(deferred.count, 1, outcome.errorOutput)
        XCTAssertTrue(
            deferred.first?.contains("file=0-upload.csv") == true && deferred.first?.contains("look before it was read") == true,
            "\(deferred)")
        let waiting = Set(try FileManager.default.contentsOfDirectory(atPath: inbox))
        XCTAssertTrue(waiting.isSuperset(of: Set(later + ["0-upload.csv"])), "the upload and the later-named file must wait: \(waiting)")
        XCTAssertEqual(
            try world.stateQuery("SELECT COUNT(*) FROM population_file WHERE subscriber = '\(id)' AND file_name = '0-upload.csv'"), "0")
        for index in world.subscribers.indices.dropFirst() {
            let other = world.root.appendingPathComponent("inbox/\(world.subscribers[index].id)").path
            XCTAssertEqual(
                try FileManager.default.contentsOfDirectory(atPath: other).filter { $0.hasSuffix(".csv") }, [],
                "another subscriber's files were held back")
        }
        let report =
            try JSONSerialization.jsonObject(with: Data(contentsOf: world.root.appendingPathComponent("reports/run-\(second).json")))
            as? [String: Any]
        XCTAssertEqual(report?["deferredPopulationFiles"] as? Int, 1, "\(report ?? [:])")
        let metrics = try String(contentsOf: world.root.appendingPathComponent("metrics/prenum.prom"), encoding: .utf8)
        XCTAssertTrue(metrics.contains("prenum_run_population_files_deferred 1\n"), metrics)

        // Finished and still: the next night applies both, in name order.
        let third = second.adding(days: 1)
        let next = try ProcessRunner.prenum(
            ["run", "--date", third.description], in: world.root, environment: ["PRENUM_INBOX_LOOK_MS": "400"])
        XCTAssertEqual(next.status, 0, next.errorOutput)
        XCTAssertEqual(
            try world.stateQuery(
                "SELECT group_concat(file_name, ',') FROM (SELECT file_name FROM population_file WHERE subscriber = '\(id)' AND received_at > '' ORDER BY id DESC LIMIT 2)"
            ),
            "\(later[0]),0-upload.csv")
    }
}
