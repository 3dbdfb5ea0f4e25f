import Foundation
import PrenumSQLite

extension RunMetrics {
    /// The configuration's `metricsFile`, else `<folder of stateDatabase>/metrics/prenum.prom`,
    /// unless `run --metrics-file` says otherwise.
    public static func defaultPath(configuration: Configuration) -> String {
        configuration.metricsFile ?? stateFolder(configuration).appendingPathComponent("metrics/prenum.prom")
    }

    /// `<folder of stateDatabase>/reports/run-YYYY-MM-DD.json`.
    public static func reportPath(configuration: Configuration, businessDate: CalendarDate) -> String {
        stateFolder(configuration).appendingPathComponent("reports/run-\(businessDate).json")
    }

    private static func stateFolder(_ configuration: Configuration) -> NSString {
        (configuration.stateDatabase as NSString).deletingLastPathComponent as NSString
    }

    /// Metrics for a run that returned a report; subscriber positions are read from state.
    public static func make(report: RunReport, configuration: Configuration, finishedAt: Date, previousSuccess: Date?) -> RunMetrics {
        let positions = lastSequences(configuration)
        let staged = stagedFiles(configuration)
        let results = Dictionary(report.subscribers.map { ($0.subscriber, $0) }, uniquingKeysWith: { _, later in later })
        let samples = configuration.subscribers.map { subscriber -> SubscriberSample in
            let result = results[subscriber.id]
            var sample = SubscriberSample(
                id: subscriber.id, active: subscriber.isActive(on: report.businessDate),
                lastSequence: positions[subscriber.id] ?? result?.sequence ?? 0, delivery: nil)
            sample.stagedFiles = staged[subscriber.id] ?? 0
            sample.formatSupportEnds = configuration.formatLifecycle.warning(for: subscriber, on: report.businessDate)?.supportEnds
            if let result, result.status != .inactive {
                let held = result.status == .held
                sample.delivery = .init(
                    failed: result.status == .failed, full: result.kind == DeliveryKind.full.rawValue,
                    persons: held ? 0 : result.persons, records: held ? 0 : result.records,
                    unsubscribed: held ? 0 : result.unsubscribed, held: held)
            }
            return sample
        }
        let succeeded = report.exitCode == .ok
        var metrics = RunMetrics(
            finishedAt: finishedAt, lastSuccess: succeeded ? finishedAt : previousSuccess,
            durationSeconds: report.durationSeconds, exitCode: report.exitCode.rawValue,
            businessDate: report.businessDate, populationFiles: report.populationFiles, subscribers: samples)
        metrics.populationFileOutcomes = report.populationFileOutcomes
        metrics.quarantined = report.quarantined
        metrics.deferredPopulationFiles = report.deferredPopulationFiles
        return metrics
    }

    /// Metrics for a run that stopped with an error before it had a report.
    public static func make(
        failure exitCode: ExitCode, configuration: Configuration?, businessDate: CalendarDate?,
        durationSeconds: Double, finishedAt: Date, previousSuccess: Date?
    ) -> RunMetrics {
        let positions = configuration.map(lastSequences) ?? [:]
        let staged = configuration.map(stagedFiles) ?? [:]
        let samples = (configuration?.subscribers ?? []).map { subscriber in
            SubscriberSample(
                id: subscriber.id, active: businessDate.map(subscriber.isActive) ?? true,
                lastSequence: positions[subscriber.id] ?? 0, delivery: nil, stagedFiles: staged[subscriber.id] ?? 0)
        }
        return RunMetrics(
            finishedAt: finishedAt, lastSuccess: previousSuccess, durationSeconds: durationSeconds,
            exitCode: exitCode.rawValue, businessDate: businessDate, populationFiles: nil, subscribers: samples)
    }

    /// Reads positions without creating or changing the state database.
    static func lastSequences(_ configuration: Configuration) -> [String: Int64] {
        guard DurableFiles.exists(configuration.stateDatabase),
            let database = try? Database(path: configuration.stateDatabase, mode: .readOnly)
        else { return [:] }
        let ledger = RunLedger(database: database)
        var positions: [String: Int64] = [:]
        for subscriber in configuration.subscribers {
            if let position = try? ledger.position(of: subscriber.id) { positions[subscriber.id] = position.lastSequence }
        }
        return positions
    }

    /// The last success recorded in an earlier metrics file, so that a failed run does not
    /// make the success look recent or forgotten.
    static func previousSuccess(in path: String) -> Date? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("prenum_run_last_success_timestamp_seconds ") {
            if let value = Double(line.split(separator: " ").last ?? "") { return Date(timeIntervalSince1970: value) }
        }
        return nil
    }

    /// Writes the file whole or not at all, so the collector never scrapes half a file.
    public func write(to path: String) throws {
        try DurableFiles.makeFolder((path as NSString).deletingLastPathComponent)
        try DurableFiles.writeAtomically(Array(prometheusText.utf8), to: path, mode: Self.fileMode)
    }

    /// World-readable: the file holds no personal data, and the packaged node_exporter runs as
    /// another user (`prometheus`).
    static let fileMode: mode_t = 0o644
}

extension RunMetrics {
    /// What `prenum run` leaves for monitoring besides its exit code: the metrics file always
    /// (when its path is known), the JSON run report when a run was made. Failing to write them
    /// is logged and never changes the run's exit code: the deliveries are what matter.
    public static func record(
        _ report: RunReport, configuration: Configuration, metricsFile: String?, started: Date,
        log: EventLog, now: Date = Date()
    ) {
        let path = metricsFile ?? RunMetrics.defaultPath(configuration: configuration)
        write("metrics", path: path, log: log) {
            var metrics = RunMetrics.make(
                report: report, configuration: configuration, finishedAt: now,
                previousSuccess: RunMetrics.previousSuccess(in: path))
            metrics.startedAt = started
            try metrics.write(to: path)
        }
        // An already-completed date keeps the report of the run that made it.
        guard report.outcome == .completed else { return }
        let reportPath = RunMetrics.reportPath(configuration: configuration, businessDate: report.businessDate)
        write("report", path: reportPath, log: log) {
            try DurableFiles.makeFolder((reportPath as NSString).deletingLastPathComponent)
            try DurableFiles.writeAtomically(
                try RunReportDocument(report: report, startedAt: started, finishedAt: now).json(), to: reportPath)
        }
    }

    /// The metrics of a run that stopped with an error (exit code, duration, positions).
    public static func recordFailure(
        _ error: Error, configuration: Configuration?, businessDate: CalendarDate?, metricsFile: String?,
        started: Date, log: EventLog, now: Date = Date()
    ) {
        guard let path = metricsFile ?? configuration.map({ RunMetrics.defaultPath(configuration: $0) }) else { return }
        let exitCode = ExitCode.of(error)
        write("metrics", path: path, log: log) {
            var metrics = RunMetrics.make(
                failure: exitCode, configuration: configuration, businessDate: businessDate,
                durationSeconds: now.timeIntervalSince(started), finishedAt: now,
                previousSuccess: RunMetrics.previousSuccess(in: path))
            metrics.failureReason = RunFailureReason.of(error)
            // Refused because another run holds the lock: that run is still under way.
            let holder = error is ProcessLock.LockHeld ? RunMetrics.previousProgress(in: path) : (inProgress: false, startedAt: nil)
            metrics.inProgress = holder.inProgress
            metrics.startedAt = holder.startedAt
            try metrics.write(to: path)
        }
    }

    private static func write(_ what: String, path: String, log: EventLog, _ body: () throws -> Void) {
        do {
            try body()
            log.log(.debug, "run.\(what)-written", ["path": path])
        } catch {
            log.log(.warning, "run.\(what)-not-written", ["path": path, "message": String(describing: error)])
        }
    }
}
