import Foundation
import PrenumTestSupport
import XCTest

@testable import PrenumCore

/// What an installation is made of besides the binary — the systemd unit, the crontab, the
/// alert rules, the man page — checked with the real tools (systemd-analyze, promtool).
final class OperationsArtefactTests: XCTestCase {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    func path(_ relative: String) -> String { Self.repository.appendingPathComponent(relative).path }

    func testTheServiceIsRatedSafeBySystemdAnalyze() throws {
        let result = try ProcessRunner.run(
            "/usr/bin/systemd-analyze", ["security", "--offline=true", path("scripts/systemd/prenum-run.service")])
        let line = try XCTUnwrap(
            result.output.split(separator: "\n").first { $0.contains("Overall exposure level") }, result.output + result.errorOutput)
        let score = try XCTUnwrap(line.split(separator: " ").compactMap { Double($0) }.first, String(line))
        XCTAssertLessThanOrEqual(score, 3.0, String(line))
        let verify = try ProcessRunner.run("/usr/bin/systemd-analyze", ["verify", "--man=no", path("scripts/systemd/prenum-run.timer")])
        XCTAssertFalse(verify.errorOutput.contains("Unknown key"), verify.errorOutput)
    }

    func testTheAlertRulesPassPromtool() throws {
        let result = try ProcessRunner.run("/usr/bin/promtool", ["check", "rules", path("scripts/monitoring/prenum-alerts.yml")])
        XCTAssertEqual(result.status, 0, result.output + result.errorOutput)
        let rules = try String(contentsOfFile: path("scripts/monitoring/prenum-alerts.yml"), encoding: .utf8)
        for alert in [
            "PrenumRunMissing", "PrenumRunLate", "PrenumSubscriberFailed", "PrenumSubscriberHeld", "PrenumStagedFileLeft",
            "PrenumQuarantinedRecord", "PrenumFormatSupportEnding", "PrenumRunStuckOrKilled"
        ] {
            XCTAssertTrue(rules.contains("alert: \(alert)"), alert)
        }
    }

    /// Debian's cron ignores CRON_TZ, and the log must not be mixed with the summary.
    func testTheCrontabNeedsNoCronTZAndKeepsLogAndSummaryApart() throws {
        let crontab = try String(contentsOfFile: path("scripts/cron/prenum.crontab"), encoding: .utf8)
        let jobs = crontab.split(separator: "\n").filter { !$0.hasPrefix("#") && $0.contains("prenum run") }
        XCTAssertFalse(crontab.split(separator: "\n").contains { $0.hasPrefix("CRON_TZ") })
        XCTAssertEqual(jobs.count, 3)
        for job in jobs {
            XCTAssertTrue(job.contains("2>>/var/log/prenum/run.log") && job.contains(" >>/var/log/prenum/summary.log"), String(job))
            XCTAssertFalse(job.contains("2>&1"), String(job))
        }
    }

    /// The man page comes from the same declarations as --help: every command and option is in it.
    func testTheManPageListsEveryCommandAndOptionAndVersionPrintsTheBuild() throws {
        try ProcessRunner.requirePrenum()
        let scratch = try TemporaryFolder("prenum-man")
        let root = scratch.url
        let man = try ProcessRunner.prenum(["--man"], in: root, configured: false)
        XCTAssertEqual(man.status, 0, man.errorOutput)
        XCTAssertTrue(man.output.hasPrefix(".TH PRENUM 1"), man.output)
        for words in [["run"], ["status"], ["rerun"], ["keys", "generate"], ["sample", "create"]] {
            let help = try ProcessRunner.prenum(words + ["--help"], in: root, configured: false)
            let usage = try XCTUnwrap(help.output.split(separator: "\n").first { $0.hasPrefix("Usage: ") })
            let roffUsage = usage.dropFirst("Usage: ".count).replacingOccurrences(of: "-", with: "\\-")
            XCTAssertTrue(man.output.contains(".SS \(roffUsage)"), "\(words) missing from the man page")
        }
        XCTAssertTrue(man.output.contains("\\-\\-max\\-age"), "status --max-age is declared, so it is in the man page")
        let version = try ProcessRunner.prenum(["--version"], in: root, configured: false)
        XCTAssertEqual(version.status, 0)
        XCTAssertTrue(version.output.hasPrefix("prenum \(BuildInfo.version) ("), version.output)
    }
}
