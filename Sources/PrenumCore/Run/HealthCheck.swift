import Foundation

/// `prenum status --check`: what a monitoring probe needs as one exit code — the last run
/// completed and recent, none cut short, nothing staged, failed, held or quarantined.
public struct HealthCheck: Codable, Sendable {
    public let healthy: Bool
    /// One line per problem, pnr-free; empty when healthy.
    public let problems: [String]

    /// `maxAgeHours`: how long after the last completed run finished the next must have
    /// finished (a nightly schedule: a day and a margin).
    public static func evaluate(_ report: StatusReport, lockPath: String, maxAgeHours: Int, now: Date) -> HealthCheck {
        var problems: [String] = []
        let completed = report.runs.first { $0.status == RunRecord.Status.completed.rawValue }
        if let completed {
            if let finished = completed.finishedAt.flatMap(Timestamp.parse),
                now.timeIntervalSince(finished) > Double(maxAgeHours) * 3600
            {
                problems.append(
                    "late: the last completed run (\(completed.businessDate)) finished at \(completed.finishedAt ?? "?"), more than \(maxAgeHours) h ago"
                )
            }
        } else {
            problems.append("no run has completed yet")
        }
        if let newest = report.runs.first, newest.status != RunRecord.Status.completed.rawValue {
            if let holder = ProcessLock.holderPID(path: lockPath), kill(holder, 0) == 0 || errno == EPERM {
                // A run under way is healthy until it is late (the age check above).
            } else {
                problems.append(
                    "the run of \(newest.businessDate) started at \(newest.startedAt) did not finish and none is running (killed?); the next run completes it"
                )
            }
        }
        for subscriber in report.subscribers {
            for staged in subscriber.stagedFiles {
                problems.append("\(subscriber.id): staged file #\(staged.sequence) \(staged.file) is not published")
            }
            if let failure = subscriber.failure {
                problems.append("\(subscriber.id): delivery of \(failure.businessDate) failed at \(failure.at): \(failure.reason)")
            }
            if subscriber.quarantinedRecords > 0 {
                problems.append("\(subscriber.id): \(subscriber.quarantinedRecords) quarantined record(s)")
            }
        }
        for run in report.runs.prefix(1) where run.held > 0 {
            problems.append("the run of \(run.businessDate) holds \(run.held) file(s) back")
        }
        return HealthCheck(healthy: problems.isEmpty, problems: problems)
    }

    public var text: String {
        healthy ? "prenum: healthy\n" : "prenum: UNHEALTHY\n" + problems.map { "  \($0)\n" }.joined()
    }
}
