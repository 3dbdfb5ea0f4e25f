import Foundation
import PrenumSQLite
import PrenumTestSupport
import XCTest

@testable import PrenumCore
@testable import PrenumSimulationSupport

/// The Prometheus textfile and the JSON run report written after `prenum run`.
final class RunMetricsTests: XCTestCase {
    struct Sample: Equatable {
        let name: String
        let labels: [String: String]
        let value: Double
    }

    /// A strict little reader of the text exposition format: every line must be a HELP or TYPE
    /// comment or a sample of a family declared just before, with a float value.
    static func parseExposition(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> [Sample] {
        XCTAssertTrue(text.hasSuffix("\n"), "exposition must end with a newline", file: file, line: line)
        let metricName = #"[a-zA-Z_:][a-zA-Z0-9_:]*"#
        let help = try! NSRegularExpression(pattern: "^# HELP (\(metricName)) [^\\n]+$")
        let type = try! NSRegularExpression(pattern: "^# TYPE (\(metricName)) (gauge|counter|untyped)$")
        let sample = try! NSRegularExpression(
            pattern:
                #"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*")(,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*")*\})? (-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?|NaN|[+-]Inf)$"#
        )
        var samples: [Sample] = []
        var helped = Set<String>()
        var typed = Set<String>()
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
            let text = String(raw)
            let range = NSRange(text.startIndex..., in: text)
            func group(_ match: NSTextCheckingResult, _ index: Int) -> String? {
                Range(match.range(at: index), in: text).map { String(text[$0]) }
            }
            if let match = help.firstMatch(in: text, range: range), let name = group(match, 1) {
                XCTAssertTrue(helped.insert(name).inserted, "HELP twice for \(name)", file: file, line: line)
            } else if let match = type.firstMatch(in: text, range: range), let name = group(match, 1) {
                XCTAssertTrue(helped.contains(name), "TYPE before HELP for \(name)", file: file, line: line)
                XCTAssertTrue(typed.insert(name).inserted, "TYPE twice for \(name)", file: file, line: line)
            } else if let match = sample.firstMatch(in: text, range: range), let name = group(match, 1),
                let valueText = group(match, 5), let value = Double(valueText)
            {
                XCTAssertTrue(typed.contains(name), "sample of undeclared family: \(text)", file: file, line: line)
                var labels: [String: String] = [:]
                if let labelText = group(match, 2) {
                    for pair in labelText.dropFirst().dropLast().split(separator: ",") {
                        let parts = pair.split(separator: "=", maxSplits: 1)
                        labels[String(parts[0])] = String(parts[1].dropFirst().dropLast())
                    }
                }
                samples.append(Sample(name: name, labels: labels, value: value))
            } else {
                XCTFail("not valid exposition format: '\(text)'", file: file, line: line)
            }
        }
        return samples
    }

    func value(_ samples: [Sample], _ name: String, subscriber: String? = nil) -> Double? {
        samples.first { $0.name == name && $0.labels["subscriber"] == subscriber }?.value
    }

    func testMetricsMatchTheRunReport() throws {
        let world = try SimulationWorkspace.afterNights(seed: 5151, nights: 2, orderChanges: false)
        let day = SimulationWorkspace.night(2)
        try world.chaos.advance(on: day, operations: 30, &world.random)
        world.subscribers[0].benefits = ["SJP"]  // a changed order: FULL for ins-a
        try world.writeConfiguration()
        let report = try world.run(day)
        let configuration = try ConfigurationLoader.load(path: world.configPath)
        let finished = Date(timeIntervalSince1970: 1_790_000_000)
        let metrics = RunMetrics.make(report: report, configuration: configuration, finishedAt: finished, previousSuccess: nil)
        let samples = Self.parseExposition(metrics.prometheusText)

        XCTAssertEqual(value(samples, "prenum_run_exit_code"), 0)
        XCTAssertEqual(value(samples, "prenum_run_last_success_timestamp_seconds"), 1_790_000_000)
        XCTAssertEqual(value(samples, "prenum_run_last_run_timestamp_seconds"), 1_790_000_000)
        XCTAssertEqual(
            value(samples, "prenum_run_business_date_timestamp_seconds"), Timestamp.parse("2026-03-03T00:00:00Z")!.timeIntervalSince1970)
        XCTAssertEqual(value(samples, "prenum_run_duration_seconds") ?? -1, report.durationSeconds, accuracy: 0.001)
        let state = try Database(path: world.root.appendingPathComponent("state.db").path, mode: .readOnly)
        for result in report.subscribers {
            // Cross-checked against what state recorded for the file, not only the report.
            let recorded = try XCTUnwrap(try RunLedger(database: state).delivery(subscriber: result.subscriber, sequence: 3))
            XCTAssertEqual(value(samples, "prenum_subscriber_last_sequence", subscriber: result.subscriber), 3)
            XCTAssertEqual(value(samples, "prenum_subscriber_records_delivered", subscriber: result.subscriber), Double(recorded.records))
            XCTAssertEqual(value(samples, "prenum_subscriber_persons_delivered", subscriber: result.subscriber), Double(recorded.persons))
            XCTAssertEqual(
                value(samples, "prenum_subscriber_unsubscribed_delivered", subscriber: result.subscriber), Double(recorded.unsubscribed))
            XCTAssertEqual(value(samples, "prenum_subscriber_failed", subscriber: result.subscriber), 0)
            XCTAssertEqual(
                value(samples, "prenum_subscriber_full_delivery", subscriber: result.subscriber), recorded.kind == "FULL" ? 1 : 0)
        }
        XCTAssertEqual(value(samples, "prenum_subscriber_full_delivery", subscriber: "ins-a"), 1)
        XCTAssertGreaterThan(samples.filter { $0.name == "prenum_subscriber_records_delivered" }.map(\.value).reduce(0, +), 0)
    }

    func testAFailedSubscriberAndAFailedRunKeepTheLastSuccess() throws {
        let world = try SimulationWorkspace.afterNights(seed: 5252, nights: 1, orderChanges: false)
        let configuration = try ConfigurationLoader.load(path: world.configPath)
        let path = world.root.appendingPathComponent("custom/metrics.prom").path
        let success = Date(timeIntervalSince1970: 1_780_000_000)
        try RunMetrics.make(
            report: try world.run(SimulationWorkspace.night(1)), configuration: configuration, finishedAt: success,
            previousSuccess: nil
        ).write(to: path)

        // enf-c's staging folder becomes a plain file: its delivery fails, the others go out (exit 1).
        let staging = DeliveryPublisher.stagingFolder(outbox: world.outboxFolder(world.subscribers[2]).path)
        try? FileManager.default.removeItem(atPath: staging)
        try Data().write(to: URL(fileURLWithPath: staging))
        let report = try world.run(SimulationWorkspace.night(2))
        XCTAssertEqual(report.exitCode, .partialFailure)
        RunMetrics.record(
            report, configuration: configuration, metricsFile: path, started: Date(), log: world.makeLog(),
            now: Date(timeIntervalSince1970: 1_780_086_400))
        var samples = Self.parseExposition(try String(contentsOfFile: path, encoding: .utf8))
        XCTAssertEqual(value(samples, "prenum_run_exit_code"), 1)
        XCTAssertEqual(value(samples, "prenum_run_last_success_timestamp_seconds"), 1_780_000_000)
        XCTAssertEqual(value(samples, "prenum_run_last_run_timestamp_seconds"), 1_780_086_400)
        XCTAssertEqual(value(samples, "prenum_subscriber_failed", subscriber: "enf-c"), 1)
        XCTAssertEqual(value(samples, "prenum_subscriber_last_sequence", subscriber: "enf-c"), 2)
        XCTAssertEqual(value(samples, "prenum_subscriber_failed", subscriber: "ins-a"), 0)
        XCTAssertEqual(value(samples, "prenum_subscriber_last_sequence", subscriber: "ins-a"), 3)
        let json = try Data(
            contentsOf: URL(
                fileURLWithPath: RunMetrics.reportPath(configuration: configuration, businessDate: SimulationWorkspace.night(2))))
        let document = try JSONDecoder().decode(RunReportDocument.self, from: json)
        XCTAssertEqual(document.exitCode, 1)
        XCTAssertEqual(document.subscribers.first { $0.subscriber == "enf-c" }?.status, "failed")
        XCTAssertEqual(document.subscribers.first { $0.subscriber == "ins-a" }?.sequence, 3)

        // A run that throws (a date before the last completed one) still leaves its exit code.
        RunMetrics.recordFailure(
            OperationFailure(.dataError, "before the last run"), configuration: configuration,
            businessDate: SimulationWorkspace.night(0), metricsFile: path, started: Date(), log: world.makeLog())
        samples = Self.parseExposition(try String(contentsOfFile: path, encoding: .utf8))
        XCTAssertEqual(value(samples, "prenum_run_exit_code"), 65)
        XCTAssertEqual(value(samples, "prenum_run_last_success_timestamp_seconds"), 1_780_000_000)
        XCTAssertNil(
            value(samples, "prenum_subscriber_failed", subscriber: "ins-a"), "no per-run delivery values for a run that delivered nothing")
        XCTAssertEqual(value(samples, "prenum_subscriber_last_sequence", subscriber: "ins-a"), 3)
    }

    func testRunCommandWritesMetricsAndReportAtomically() throws {
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: ProcessRunner.debugPrenum), "build prenum first")
        let world = try SimulationWorkspace.afterNights(seed: 5353, nights: 1, orderChanges: false)
        let run = try FaultInjectionTests.runPrenum(["run", "--date", "2026-03-02"], in: world.root)
        XCTAssertEqual(run.status, 0, run.errorOutput)
        let metricsPath = world.root.appendingPathComponent("metrics/prenum.prom").path
        let samples = Self.parseExposition(try String(contentsOfFile: metricsPath, encoding: .utf8))
        XCTAssertEqual(value(samples, "prenum_run_exit_code"), 0)
        XCTAssertEqual(samples.filter { $0.name == "prenum_subscriber_last_sequence" }.map(\.value), [2, 2, 2, 2, 2])
        let lastSuccess = try XCTUnwrap(value(samples, "prenum_run_last_success_timestamp_seconds"))
        XCTAssertEqual(
            try FileManager.default.contentsOfDirectory(atPath: world.root.appendingPathComponent("metrics").path), ["prenum.prom"],
            "no temporary file may be left beside the metrics")
        let reportURL = world.root.appendingPathComponent("reports/run-2026-03-02.json")
        let document = try JSONDecoder().decode(RunReportDocument.self, from: try Data(contentsOf: reportURL))
        XCTAssertEqual(document.businessDate, "2026-03-02")
        XCTAssertEqual(document.outcome, "completed")
        XCTAssertEqual(document.subscribers.map(\.sequence), [2, 2, 2, 2, 2])
        for entry in document.subscribers {
            XCTAssertTrue(run.output.contains("#2 \(entry.kind ?? "?") persons=\(entry.persons) records=\(entry.records)"), run.output)
        }

        // Refused date: exit 65 in the metrics, last success kept, the day's report untouched.
        let reportBytes = try Data(contentsOf: reportURL)
        let refused = try FaultInjectionTests.runPrenum(["run", "--date", "2026-02-27"], in: world.root)
        XCTAssertEqual(refused.status, 65, refused.errorOutput)
        let after = Self.parseExposition(try String(contentsOfFile: metricsPath, encoding: .utf8))
        XCTAssertEqual(value(after, "prenum_run_exit_code"), 65)
        XCTAssertEqual(value(after, "prenum_run_last_success_timestamp_seconds"), lastSuccess)
        XCTAssertEqual(try Data(contentsOf: reportURL), reportBytes)
        XCTAssertFalse(FileManager.default.fileExists(atPath: world.root.appendingPathComponent("reports/run-2026-02-27.json").path))

        // --metrics-file overrides the place; a bad configuration (exit 78) is still recorded there.
        let custom = world.root.appendingPathComponent("textfile/prenum.prom").path
        try Data("{".utf8).write(to: URL(fileURLWithPath: world.configPath))
        let broken = try FaultInjectionTests.runPrenum(["run", "--metrics-file", custom], in: world.root)
        XCTAssertEqual(broken.status, 78, broken.errorOutput)
        XCTAssertEqual(value(Self.parseExposition(try String(contentsOfFile: custom, encoding: .utf8)), "prenum_run_exit_code"), 78)
    }

    func testLabelValuesAreEscaped() {
        XCTAssertEqual(RunMetrics.escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd")
    }
}
