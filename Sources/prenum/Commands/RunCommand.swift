import Foundation
import PrenumCore

struct RunCommand: Command {
    static let words = ["run"]
    static let abstract = "the nightly job: import populations, snapshot the register, deliver a signed file to every active subscriber"
    static let discussion = """
        Takes the run lock (exit 75 if another run holds it), validates the configuration (exit 78),
        finishes any interrupted earlier run, imports population files, takes one snapshot of the
        register and writes one signed file per active subscriber. A date already completed is a
        no-op; a date before the last completed one is refused (exit 65; use `prenum rerun`).
        Exit 1 when some subscribers failed or were held: the others were delivered, the failed
        ones catch up at the next run, the held ones wait for `prenum release` or `discard`. Once the files are out, a run may compact the record copy
        (PRENUM_COMPACT_PERCENT) and repack the state file, which needs free space of about twice
        that file; either one that fails is logged and retried by a later run. Logs go to
        standard error as key=value lines; a summary to standard output.
        After every run (also a failed one) a Prometheus textfile is written atomically, and after a
        run that delivered, a JSON report <state database folder>/reports/run-YYYY-MM-DD.json
        (both documented in docs/OPERATIONS.md).
        With --dry-run, says what the run would deliver to each subscriber (kind and why,
        new/changed/removed/unsubscribed counts, records, bytes; --json: a JSON array, one object
        per subscriber), also for a candidate configuration given with --config, and changes
        nothing but the lock file: it makes the whole run against a scratch copy of the state
        under TMPDIR and throws it away. No metrics file or report; exit 0 when the prediction
        was made, whatever it says.
        A file that would take away more than brakeRemovalPercent (default 25) % of the records a
        recipient holds for reasons from the register is held, not published: see `prenum release`
        and `prenum discard`.
        """
    static let options: [CommandLineOption] = [
        .config, .date,
        .value("metrics-file", "F", help: "Prometheus textfile written after the run", default: "<state database folder>/metrics/prenum.prom"),
        .flag("dry-run", help: "say what the run would deliver, changing nothing but the lock file"),
        .flag("json", help: "with --dry-run: a JSON array, one object per subscriber"),
    ]

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        if arguments.flag("dry-run") { return try dryRun(arguments) }
        if arguments.flag("json") { throw OperationFailure(.usage, "--json goes with --dry-run") }
        let started = Date()
        let metricsFile = arguments.string("metrics-file")
        var configuration: Configuration?
        var date: CalendarDate?
        do {
            let loaded = try ConfigurationLoader.load(path: arguments.configPath)
            configuration = loaded
            let clock = try TestClock.fromEnvironment()
            date = try arguments.date("date") ?? loaded.today(now: clock())
            let report = try NightlyRun(configuration: loaded, log: .standardError, faults: .fromEnvironment(), clock: clock,
                                        registerBusyTimeoutMilliseconds: try registerBusyTimeout(),
                                        compactionPercent: try compactionPercent()).execute(businessDate: date)
            RunMetrics.record(report, configuration: loaded, metricsFile: metricsFile, started: started, log: .standardError)
            print(RunSummary.text(report), terminator: "")
            return report.exitCode
        } catch {
            RunMetrics.recordFailure(error, configuration: configuration, businessDate: date, metricsFile: metricsFile,
                                     started: started, log: .standardError)
            throw error
        }
    }

    /// `--dry-run`: the prediction only; no metrics file, no report.
    static func dryRun(_ arguments: ParsedArguments) throws -> ExitCode {
        let configuration = try ConfigurationLoader.load(path: arguments.configPath)
        let clock = try TestClock.fromEnvironment()
        let date = try arguments.date("date") ?? configuration.today(now: clock())
        let report = try DryRun(configuration: configuration, log: .standardError, clock: clock,
                                registerBusyTimeoutMilliseconds: try registerBusyTimeout()).predict(businessDate: date)
        let document = DryRunReport(report: report)
        print(arguments.flag("json") ? try document.json() : document.text, terminator: "")
        return .ok
    }

    /// `PRENUM_REGISTER_BUSY_TIMEOUT_MS` (operational tuning, docs/OPERATIONS.md): how long a run
    /// waits for an upstream writer that holds the register locked before it exits 75.
    static func registerBusyTimeout() throws -> Int32 {
        guard let text = ProcessInfo.processInfo.environment["PRENUM_REGISTER_BUSY_TIMEOUT_MS"] else { return 10_000 }
        guard let value = Int32(text), value >= 0 else {
            throw OperationFailure(.usage, "PRENUM_REGISTER_BUSY_TIMEOUT_MS must be a whole number of milliseconds, got '\(text)'")
        }
        return value
    }

    /// `PRENUM_COMPACT_PERCENT` (operational tuning, docs/OPERATIONS.md): how large the record
    /// copy's recent versions may grow, as a percentage of the compacted copy, before a run folds
    /// them in.
    static func compactionPercent() throws -> Int {
        guard let text = ProcessInfo.processInfo.environment["PRENUM_COMPACT_PERCENT"] else { return RecordStore.defaultCompactionPercent }
        guard let value = Int(text), (0...10_000).contains(value) else {
            throw OperationFailure(.usage, "PRENUM_COMPACT_PERCENT must be a whole number from 0 to 10000, got '\(text)'")
        }
        return value
    }
}

/// `PRENUM_CLOCK=YYYY-MM-DDTHH:MM:SSZ` fixes the time a run records, so tests can compare the
/// files of two runs byte for byte. Not for production use.
enum TestClock {
    static func fromEnvironment() throws -> @Sendable () -> Date {
        guard let text = ProcessInfo.processInfo.environment["PRENUM_CLOCK"] else { return { Date() } }
        guard let fixed = Timestamp.parse(text) else {
            throw OperationFailure(.usage, "PRENUM_CLOCK must be YYYY-MM-DDTHH:MM:SSZ, got '\(text)'")
        }
        return { fixed }
    }
}

/// The human summary printed on standard output after a run.
enum RunSummary {
    static func text(_ report: RunReport) -> String {
        var text = "prenum run \(report.businessDate): \(report.outcome.rawValue) in \(String(format: "%.2f", report.durationSeconds)) s"
        text += ", \(report.populationFiles) population file(s) imported\n"
        let width = (report.subscribers.map(\.subscriber.count).max() ?? 0) + 2
        for result in report.subscribers {
            var line = "  " + result.subscriber.padding(toLength: width, withPad: " ", startingAt: 0)
            line += result.status.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)
            if let sequence = result.sequence, let kind = result.kind {
                line += "#\(sequence) \(kind) persons=\(result.persons) records=\(result.records) unsubscribed=\(result.unsubscribed)"
                if let file = result.fileName { line += "  \(file)" }
            }
            if let message = result.message { line += "  \(message)" }
            text += line + "\n"
        }
        return text
    }
}
