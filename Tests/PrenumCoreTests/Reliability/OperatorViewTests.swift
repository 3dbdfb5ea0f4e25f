import Foundation
import PrenumSQLite
import PrenumTestSupport
import XCTest

@testable import PrenumCore
@testable import PrenumSimulationSupport

/// What the operator is shown — `prenum status`, `status --check`, the log events and the
/// metrics file — for the incidents of issue 13, through the real binary.
final class OperatorViewTests: XCTestCase {
    static let second = SimulationWorkspace.firstNight.adding(days: 1)
    static let third = SimulationWorkspace.firstNight.adding(days: 2)

    func status(_ world: SimulationWorkspace, clock: Date = Date()) throws -> StatusReport {
        let outcome = try ProcessRunner.prenum(["status", "--json"], in: world.root, environment: ["PRENUM_CLOCK": Timestamp.format(clock)])
        XCTAssertEqual(outcome.status, 0, outcome.errorOutput)
        return try JSONDecoder().decode(StatusReport.self, from: Data(outcome.output.utf8))
    }

    func metrics(_ world: SimulationWorkspace) throws -> String {
        try String(contentsOfFile: world.root.appendingPathComponent("metrics/prenum.prom").path, encoding: .utf8)
    }

    func events(_ log: String, _ event: String) -> [String] {
        log.split(separator: "\n").map(String.init).filter { $0.contains(" event=\(event) ") || $0.hasSuffix(" event=\(event)") }
    }

    /// A publication that fails after the file was staged (the outbox name is taken by a
    /// folder): not "delivered", shown staged and failed with its reason; the next night with
    /// the same fault counts it once; once cleared, the retry says it published the staged file.
    func testAFailedOutboxIsShownStagedAndFailedAndItsRetrySaysSo() throws {
        let world = try SimulationWorkspace.afterFirstNight(seed: 1313)
        let victim = world.subscribers[1].id
        let outbox = world.outboxFolder(world.subscribers[1])
        let blockers = ["DELTA", "FULL"].map {
            outbox.appendingPathComponent("\(victim)-00000002-\(Self.second.description.replacingOccurrences(of: "-", with: ""))-\($0).xml")
        }
        for blocker in blockers { try FileManager.default.createDirectory(at: blocker, withIntermediateDirectories: false) }

        let failed = try ProcessRunner.prenum(["run", "--date", Self.second.description], in: world.root)
        XCTAssertEqual(failed.status, 1, failed.errorOutput)
        var report = try status(world)
        let night = try XCTUnwrap(report.runs.first)
        XCTAssertEqual(night.delivered, world.subscribers.count - 1, "a staged file is not delivered")
        XCTAssertEqual(night.failed, 1)
        XCTAssertEqual(night.staged, 1)
        var entry = try XCTUnwrap(report.subscribers.first { $0.id == victim })
        XCTAssertEqual(entry.stagedFiles.map(\.sequence), [2])
        XCTAssertEqual(entry.failure?.businessDate, Self.second.description)
        XCTAssertNotNil(entry.lastFailure, "the failure may not be hidden by the staged file")
        XCTAssertEqual(entry.pendingRetries, 1)
        XCTAssertEqual(entry.lastDelivery?.status, "staged")
        let text = try ProcessRunner.prenum(["status"], in: world.root)
        XCTAssertTrue(text.output.contains("STAGED, not published: #2") && text.output.contains("FAILED \(Self.second)"), text.output)
        let check = try ProcessRunner.prenum(["status", "--check"], in: world.root)
        XCTAssertEqual(check.status, 1, check.output)
        XCTAssertTrue(check.output.contains("\(victim): staged file #2"), check.output)
        XCTAssertTrue(try metrics(world).contains("prenum_subscriber_staged_files{subscriber=\"\(victim)\"} 1"))

        // The same fault the next night: one failed subscriber, listed once, no file #3 made.
        try world.chaos.advance(on: Self.third, operations: 20, &world.random)
        let again = try ProcessRunner.prenum(["run", "--date", Self.third.description], in: world.root)
        XCTAssertEqual(again.status, 1, again.errorOutput)
        XCTAssertEqual(again.output.split(separator: "\n").filter { $0.contains(" \(victim) ") }.count, 1, again.output)
        report = try status(world)
        XCTAssertEqual(report.runs.first?.failed, 1)
        entry = try XCTUnwrap(report.subscribers.first { $0.id == victim })
        XCTAssertEqual(entry.stagedFiles.map(\.sequence), [2], "no later file may overtake the staged one")
        XCTAssertEqual(entry.sequence, 2)

        // Cleared: the retry publishes #2 and says so; that night's count shows the retry.
        for blocker in blockers { try FileManager.default.removeItem(at: blocker) }
        let retry = try ProcessRunner.prenum(["run", "--date", Self.third.description], in: world.root)
        XCTAssertEqual(retry.status, 0, retry.errorOutput)
        XCTAssertTrue(retry.output.contains("recovered") && retry.output.contains("#2"), retry.output)
        report = try status(world)
        let second = try XCTUnwrap(report.runs.first { $0.businessDate == Self.second.description })
        XCTAssertEqual(second.delivered, world.subscribers.count)
        XCTAssertEqual(second.failed, 0)
        XCTAssertEqual(second.retried, 1)
        XCTAssertEqual(second.staged, 0)
        entry = try XCTUnwrap(report.subscribers.first { $0.id == victim })
        XCTAssertTrue(entry.stagedFiles.isEmpty)
    }

    /// A run killed mid-way: the metrics say a run is in progress (not last night's exit 0),
    /// and the health probe says it did not finish.
    func testAKilledRunShowsInTheMetricsAndTheHealthCheck() throws {
        let world = try SimulationWorkspace.afterFirstNight(seed: 1314)
        let good = try ProcessRunner.prenum(["status", "--check"], in: world.root)
        XCTAssertEqual(good.status, 0, good.output)
        XCTAssertTrue(try metrics(world).contains("prenum_run_in_progress 0"))

        let killed = try ProcessRunner.prenum(
            ["run", "--date", Self.second.description], in: world.root,
            environment: ["PRENUM_FAULT_STEP": "deliver.after-stage"])
        XCTAssertTrue(killed.killed, killed.errorOutput)
        let text = try metrics(world)
        XCTAssertTrue(text.contains("prenum_run_in_progress 1"), text)
        XCTAssertTrue(text.contains("prenum_run_started_timestamp_seconds "), text)
        let check = try ProcessRunner.prenum(["status", "--check"], in: world.root)
        XCTAssertEqual(check.status, 1, check.output)
        XCTAssertTrue(check.output.contains("did not finish"), check.output)
        try assertPromtoolAccepts(text)

        let finished = try ProcessRunner.prenum(["run", "--date", Self.second.description], in: world.root)
        XCTAssertEqual(finished.status, 0, finished.errorOutput)
        XCTAssertTrue(try metrics(world).contains("prenum_run_in_progress 0"))
        XCTAssertEqual(try ProcessRunner.prenum(["status", "--check"], in: world.root).status, 0)
    }

    /// Another process holds the run lock: exit 75 naming the holder's pid, a `run.failed`
    /// event with reason lock-held then `run.end`, and the metrics tell it from a busy register.
    func testAHeldLockNamesItsHolderAndIsToldApartFromABusyRegister() throws {
        let world = try SimulationWorkspace.afterFirstNight(seed: 1315)
        let lock = world.root.appendingPathComponent("state.db.lock").path
        let holder = try ProcessRunner.start("/bin/bash", ["-c", "exec 9<>\"$0\"; flock 9; echo $$ > \"$0\"; sleep 30", lock])
        defer { holder.stop() }
        var written = false
        for _ in 0..<400 where !written {
            written = (try? String(contentsOfFile: lock, encoding: .utf8))?.hasPrefix("\(holder.processIdentifier)") == true
            if !written { usleep(10_000) }
        }
        XCTAssertTrue(written, "the holder did not take the lock")
        let refused = try ProcessRunner.prenum(["run", "--date", Self.second.description], in: world.root)
        XCTAssertEqual(refused.status, 75, refused.errorOutput)
        XCTAssertTrue(refused.errorOutput.contains("process \(holder.processIdentifier)"), refused.errorOutput)
        let failedEvent = try XCTUnwrap(events(refused.errorOutput, "run.failed").first, refused.errorOutput)
        XCTAssertTrue(
            failedEvent.contains("level=error") && failedEvent.contains("exitCode=75") && failedEvent.contains("reason=lock-held"),
            failedEvent)
        XCTAssertEqual(ProcessOutcome(status: 0, killed: false, output: "", errorOutput: refused.errorOutput).lastEvent, "run.end")
        XCTAssertTrue(try metrics(world).contains("prenum_run_failure_reason{reason=\"lock-held\"} 1"))
        holder.stop()

        // The register locked upstream: the same exit code, another reason.
        try world.register.execute("PRAGMA journal_mode=DELETE")
        let upstream = try Database(path: world.root.appendingPathComponent("register.db").path, mode: .readWrite(create: false))
        try upstream.execute("BEGIN EXCLUSIVE")
        try upstream.run("UPDATE payment SET gross_ore = gross_ore + 1 WHERE id = 1")
        let busy = try ProcessRunner.prenum(
            ["run", "--date", Self.second.description], in: world.root,
            environment: ["PRENUM_REGISTER_BUSY_TIMEOUT_MS": "200"])
        try upstream.execute("ROLLBACK")
        XCTAssertEqual(busy.status, 75, busy.errorOutput)
        XCTAssertTrue(events(busy.errorOutput, "run.failed").first?.contains("reason=register-busy") == true, busy.errorOutput)
        XCTAssertEqual(ProcessOutcome(status: 0, killed: false, output: "", errorOutput: busy.errorOutput).lastEvent, "run.end")
        let text = try metrics(world)
        XCTAssertTrue(text.contains("prenum_run_failure_reason{reason=\"register-busy\"} 1"), text)
        XCTAssertFalse(text.contains("reason=\"lock-held\""), text)
    }

    /// A pid in the lock file that is not running is not passed off as the holder.
    func testAStalePidInTheLockFileIsNotNamedAsTheHolder() {
        var dead: Int32 = 4_000_000
        while kill(dead, 0) == 0 || errno == EPERM { dead += 1 }
        let stale = ProcessLock.LockHeld(path: "/x/state.db.lock", holder: dead).description
        XCTAssertTrue(stale.contains("just starting") && stale.contains("\(dead), which is not running"), stale)
        XCTAssertTrue(ProcessLock.LockHeld(path: "/x/state.db.lock", holder: getpid()).description.contains("process \(getpid()) "))
        XCTAssertTrue(ProcessLock.LockHeld(path: "/x/state.db.lock", holder: nil).description.contains("not yet written"))
    }

    /// A signing key readable by others: exit 78 as an error event with its reason, the metrics
    /// written world-readable (0644) at the configured `metricsFile`, with the build info.
    func testABadKeyModeIsAnErrorEventAndTheMetricsFileIsWorldReadable() throws {
        let world = try SimulationWorkspace.afterFirstNight(seed: 1316)
        let custom = world.root.appendingPathComponent("textfile/prenum.prom").path
        try world.patchConfiguration { $0["metricsFile"] = "../textfile/prenum.prom" }
        chmod(world.root.appendingPathComponent("keys/private.pem").path, 0o644)
        let refused = try ProcessRunner.prenum(["run", "--date", Self.second.description], in: world.root, shell: "umask 077;")
        XCTAssertEqual(refused.status, 78, refused.errorOutput)
        let failedEvent = try XCTUnwrap(events(refused.errorOutput, "run.failed").first, refused.errorOutput)
        XCTAssertTrue(failedEvent.contains("exitCode=78") && failedEvent.contains("reason=signing-key"), failedEvent)
        let text = try String(contentsOfFile: custom, encoding: .utf8)
        XCTAssertTrue(text.contains("prenum_run_exit_code 78") && text.contains("prenum_build_info{version=\"\(BuildInfo.version)\""), text)
        let attributes = try FileManager.default.attributesOfItem(atPath: custom)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o644)
        try assertPromtoolAccepts(text)

        // Debug lines only when asked for; a rejected population file shows in the metrics.
        chmod(world.root.appendingPathComponent("keys/private.pem").path, 0o600)
        try world.dropPopulationFile(for: 0, day: Self.second, invalid: true, lines: 3)
        let quiet = try ProcessRunner.prenum(["run", "--date", Self.second.description], in: world.root)
        XCTAssertEqual(quiet.status, 0, quiet.errorOutput)
        let after = try String(contentsOfFile: custom, encoding: .utf8)
        XCTAssertTrue(after.contains("prenum_run_population_files_by_outcome{outcome=\"rejected\"} 1"), after)
        XCTAssertTrue(after.contains("prenum_run_population_files_by_outcome{outcome=\"deferred\"} 0"), after)
        XCTAssertFalse(quiet.errorOutput.contains("level=debug"), quiet.errorOutput)
        XCTAssertFalse(quiet.output.contains("level="), "the summary on stdout holds no log line")
        let chatty = try ProcessRunner.prenum(
            ["run", "--date", Self.second.description], in: world.root, environment: ["PRENUM_LOG_LEVEL": "debug"])
        XCTAssertTrue(chatty.errorOutput.contains("level=debug"), chatty.errorOutput)
        let wrong = try ProcessRunner.prenum(
            ["run", "--date", Self.second.description], in: world.root, environment: ["PRENUM_LOG_LEVEL": "loud"])
        XCTAssertEqual(wrong.status, 64, wrong.errorOutput)
        XCTAssertTrue(events(wrong.errorOutput, "run.failed").first?.contains("reason=usage") == true, wrong.errorOutput)
        let misspelt = try ProcessRunner.prenum(["run", "--dtae", Self.second.description], in: world.root)
        XCTAssertEqual(misspelt.status, 64, misspelt.errorOutput)
        XCTAssertTrue(events(misspelt.errorOutput, "run.failed").first?.contains("exitCode=64") == true, misspelt.errorOutput)
        XCTAssertEqual(events(misspelt.errorOutput, "run.end").count, 1, misspelt.errorOutput)
    }

    /// A missed night: the health probe says late once the last run is over a day old.
    func testAMissedNightMakesTheHealthCheckFail() throws {
        let world = try SimulationWorkspace.afterFirstNight(seed: 1317)
        let later = Date().addingTimeInterval(30 * 3600)
        let late = try ProcessRunner.prenum(["status", "--check"], in: world.root, environment: ["PRENUM_CLOCK": Timestamp.format(later)])
        XCTAssertEqual(late.status, 1, late.output)
        XCTAssertTrue(late.output.contains("late:"), late.output)
        let generous = try ProcessRunner.prenum(
            ["status", "--check", "--max-age", "48"], in: world.root,
            environment: ["PRENUM_CLOCK": Timestamp.format(later)])
        XCTAssertEqual(generous.status, 0, generous.output)
    }

    /// `promtool check metrics` (the Prometheus project's own linter) accepts the file.
    func assertPromtoolAccepts(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let scratch = try TemporaryFolder("prenum-metrics")
        let path = scratch.file("metrics.prom")
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        let result = try ProcessRunner.run("/bin/sh", ["-c", "promtool check metrics < \"$0\"", path])
        XCTAssertEqual(result.status, 0, "promtool: \(result.output) \(result.errorOutput)", file: file, line: line)
    }
}
