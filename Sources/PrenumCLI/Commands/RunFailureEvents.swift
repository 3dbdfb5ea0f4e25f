import Foundation
import PrenumCore

/// The log lines of a run that stopped with an error: log-based alerting keys on
/// `level=error event=run.failed`, and every run, failed or not, ends with `run.end`.
enum RunFailureEvents {
    static func log(_ error: Error, businessDate: CalendarDate?, started: Date, log: EventLog) {
        let exitCode = ExitCode.of(error)
        let reason = RunFailureReason.of(error)
        let date = businessDate?.description ?? "unknown"
        log.log(
            .error, "run.failed",
            [
                "businessDate": date, "exitCode": exitCode.rawValue, "reason": reason,
                "message": String(describing: error)
            ])
        log.log(
            .error, "run.end",
            [
                "businessDate": date, "outcome": "failed", "exitCode": exitCode.rawValue, "reason": reason,
                "durationSeconds": String(format: "%.3f", Date().timeIntervalSince(started))
            ])
    }
}
