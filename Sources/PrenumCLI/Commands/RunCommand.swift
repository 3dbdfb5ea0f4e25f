import Foundation
import PrenumCore

struct RunCommand: Command {
    static let words = ["run"]
    static let abstract = "the nightly job: import populations, snapshot the register, deliver a signed file to every active subscriber"
    static let discussion = """
        First checks, creating nothing, what `prenum check` checks: the configuration (exit 78,
        also for an active subscriber on a format version not served on the business date by
        formatReleases; from 90 days before a version's support ends the log names the day),
        the business date (after tomorrow in the configured zone: exit 64), the signing key (78)
        and the register: tables, journal triggers and the journal row at the last watermark
        (exit 65 or 66). Then takes the run lock (exit 75 if another process holds it; the message
        names its pid), checks the state against the archive and the outboxes (a state lost,
        emptied or restored from an older backup stops the run with exit 65 before anything is
        written: run `prenum recover`), finishes any interrupted earlier run, imports population
        files (a file still being written, by a look of PRENUM_INBOX_LOOK_MS, default 1000, waits),
        takes one snapshot of the register and writes one signed file per active subscriber. A
        date already completed is a no-op, except that subscribers without a file of it (they
        failed) are delivered now; a date before the last completed one is refused (exit 65; use
        `prenum rerun`).
        Exit 1 when some subscribers failed or were held: the others were delivered, the failed
        ones catch up at the next run, the held ones wait for `prenum release` or `discard`. A register record whose new version holds a value no delivery format can
        carry is quarantined (recipients keep the version they had; logged as record.quarantined,
        counted in the summary, report and metrics, listed by `prenum status`) and delivered by the
        first run after upstream corrects it. Once the files are out, a run may compact the record copy
        (PRENUM_COMPACT_PERCENT) and repack the state file, which needs free space of about twice
        that file; either one that fails is logged and retried by a later run. Logs go to
        standard error as key=value lines (PRENUM_LOG_LEVEL=debug|info|warning|error, default info);
        a summary to standard output. A run that stops with an error logs `level=error
        event=run.failed exitCode=N reason=R` and then `run.end`.
        After every run (also a refused one) a Prometheus textfile (mode 0644) is written atomically
        (the configuration's metricsFile, or --metrics-file), marked in progress while a run holds
        the lock, and after a
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
    @Option(.config) var config: String
    @Option(.businessDate) var date: CalendarDate?
    @Option(
        valueName: "F", help: "Prometheus textfile written after the run",
        default: "metricsFile in the configuration, else <state database folder>/metrics/prenum.prom") var metricsFile: String?
    @Flag(help: "say what the run would deliver, changing nothing but the lock file") var dryRun = false
    @Flag(help: "with --dry-run: a JSON array, one object per subscriber") var json = false

    func validate() throws {
        if json && !dryRun { throw OperationFailure(.usage, "--json goes with --dry-run") }
    }

    func run(_ environment: Environment) throws -> ExitCode {
        if dryRun { return try predict(environment) }
        let started = Date()
        var metricsFile = self.metricsFile
        var configuration: Configuration?
        var date: CalendarDate?
        let log = environment.log
        do {
            _ = try environment.logLevel()
            let loaded: Configuration
            do {
                loaded = try ConfigurationLoader.load(path: config)
            } catch {
                // A refused configuration is still recorded where its metrics would go.
                if metricsFile == nil { metricsFile = RunMetrics.pathHint(configPath: config) }
                throw error
            }
            configuration = loaded
            let clock = try environment.clock()
            date = self.date ?? loaded.today(now: clock())
            let busyTimeout = try environment.registerBusyTimeoutMilliseconds()
            let compactionPercent = try environment.compactionPercent()
            let nightly = NightlyRun(
                configuration: try environment.tuned(loaded), log: log, faults: environment.faults, clock: clock,
                registerBusyTimeoutMilliseconds: busyTimeout, compactionPercent: compactionPercent)
            let progressPath = metricsFile ?? RunMetrics.defaultPath(configuration: loaded)
            nightly.onLocked = { RunMetrics.markStarted(path: progressPath, at: started, log: log) }
            let report = try nightly.execute(businessDate: date)
            RunMetrics.record(report, configuration: loaded, metricsFile: metricsFile, started: started, log: log)
            print(RunSummary.text(report), terminator: "")
            return report.exitCode
        } catch {
            RunFailureEvents.log(error, businessDate: date, started: started, log: log)
            RunMetrics.recordFailure(
                error, configuration: configuration, businessDate: date, metricsFile: metricsFile,
                started: started, log: log)
            throw error
        }
    }

    /// `--dry-run`: the prediction only; no metrics file, no report.
    func predict(_ environment: Environment) throws -> ExitCode {
        let configuration = try environment.tuned(ConfigurationLoader.load(path: config))
        let clock = try environment.clock()
        let date = date ?? configuration.today(now: clock())
        let report = try DryRun(
            configuration: configuration, log: environment.log, clock: clock,
            registerBusyTimeoutMilliseconds: try environment.registerBusyTimeoutMilliseconds()
        ).predict(businessDate: date)
        let document = DryRunReport(report: report)
        print(json ? try document.json() : document.text, terminator: "")
        return .ok
    }
}

/// The human summary printed on standard output after a run.
enum RunSummary {
    static func text(_ report: RunReport) -> String {
        var text = "prenum run \(report.businessDate): \(report.outcome.rawValue) in \(String(format: "%.2f", report.durationSeconds)) s"
        text += ", \(report.populationFiles) population file(s) imported\n"
        if report.quarantined > 0 {
            text += "  \(report.quarantined) record(s) quarantined: a register value no delivery format can carry (see `prenum status`)\n"
        }
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
