import Foundation

/// The numbers monitoring needs after every `prenum run`, as a Prometheus textfile-collector
/// file (node_exporter `--collector.textfile.directory`): did the job succeed, when, how long it
/// took, and where each subscriber's chain stands. Documented in docs/OPERATIONS.md.
///
/// Only gauges: each file describes the last invocation, and the last success time is carried
/// over from the previous file when this one failed, so an alert on its age keeps working.
public struct RunMetrics: Sendable, Equatable {
    public struct SubscriberSample: Sendable, Equatable {
        public let id: String
        public let active: Bool
        /// The subscriber's last sequence in state (0 before its first file).
        public let lastSequence: Int64
        /// Filled only when the run got as far as delivering.
        public var delivery: Delivery?
        /// Files staged in state but not yet in the outbox (the next run publishes them).
        var stagedFiles: Int = 0
        /// From 90 days before its format version's support ends: that day (`FormatLifecycle`).
        var formatSupportEnds: CalendarDate? = nil

        public struct Delivery: Sendable, Equatable {
            public let failed: Bool
            public let full: Bool
            public let persons: Int
            public let records: Int
            public let unsubscribed: Int
            /// The brake on mass removals holds the subscriber's file (nothing was delivered).
            public var held = false
        }
    }

    /// When this invocation ended.
    var finishedAt: Date
    /// When a run last ended with exit 0 (this one or an earlier one); nil if never known.
    var lastSuccess: Date?
    public var durationSeconds: Double
    public var exitCode: Int32
    public var businessDate: CalendarDate?
    public var populationFiles: Int?
    public var subscribers: [SubscriberSample]
    /// `RunFailureReason` of a run that stopped with an error.
    var failureReason: String? = nil
    /// When the last run took the lock; with `inProgress` still 1 and no process running, a
    /// run was killed.
    var startedAt: Date? = nil
    var inProgress = false
    /// Population files of the last run by outcome (accepted, rejected, duplicate, deferred, failed).
    var populationFileOutcomes: [String: Int]? = nil
    /// Records held back at the last run's snapshot; nil when the run did not get that far.
    public var quarantined: Int? = nil
    /// Population files left for a later import (still being written).
    var deferredPopulationFiles: Int? = nil

    /// The exposition text, ending with a newline.
    var prometheusText: String {
        var out = ""
        func family(_ name: String, _ help: String, _ samples: [(labels: String, value: String)]) {
            guard !samples.isEmpty else { return }
            out += "# HELP \(name) \(help)\n# TYPE \(name) gauge\n"
            for sample in samples { out += "\(name)\(sample.labels) \(sample.value)\n" }
        }
        func single(_ value: String) -> [(labels: String, value: String)] { [("", value)] }
        func seconds(_ date: Date) -> String { String(Int64(date.timeIntervalSince1970.rounded(.down))) }

        family(
            "prenum_build_info", "The prenum build that wrote this file (always 1; the labels say which).",
            [
                (
                    "{version=\"\(Self.escape(BuildInfo.version))\",configuration=\"\(BuildInfo.configuration)\",swift=\"\(BuildInfo.swiftVersion)\"}",
                    "1"
                )
            ])
        out += Self.progressText(inProgress: inProgress, startedAt: startedAt)
        family(
            "prenum_run_failure_reason",
            "1 for why the last prenum run stopped with an error (lock-held, register-busy, configuration, signing-key, ...).",
            failureReason.map { [("{reason=\"\(Self.escape($0))\"}", "1")] } ?? [])

        family(
            "prenum_run_last_success_timestamp_seconds", "Unix time the last prenum run ended with exit code 0.",
            lastSuccess.map { single(seconds($0)) } ?? [])
        family(
            "prenum_run_last_run_timestamp_seconds", "Unix time the last prenum run ended, whatever its outcome.",
            single(seconds(finishedAt)))
        family(
            "prenum_run_duration_seconds", "Wall-clock duration of the last prenum run.",
            single(String(format: "%.3f", durationSeconds)))
        family(
            "prenum_run_exit_code", "Exit code of the last prenum run (0 ok, 1 some subscribers failed, 65/66/73/75/78 see OPERATIONS.md).",
            single(String(exitCode)))
        family(
            "prenum_run_business_date_timestamp_seconds", "Business date of the last prenum run, as Unix time of its midnight UTC.",
            businessDate.flatMap { Timestamp.parse("\($0)T00:00:00Z") }.map { single(seconds($0)) } ?? [])
        family(
            "prenum_run_population_files", "Population files handled by the last prenum run.",
            populationFiles.map { single(String($0)) } ?? [])
        family(
            "prenum_run_population_files_by_outcome",
            "Population files of the last prenum run by outcome (rejected ones wait in rejected/, deferred ones in the inbox).",
            (populationFileOutcomes ?? [:]).sorted { $0.key < $1.key }.map { ("{outcome=\"\(Self.escape($0.key))\"}", String($0.value)) })
        family(
            "prenum_run_quarantined_records",
            "Records the last prenum run held back: their register version has a value no delivery format can carry.",
            quarantined.map { single(String($0)) } ?? [])
        family(
            "prenum_run_population_files_deferred", "Population files the last prenum run left for a later import (still being written).",
            deferredPopulationFiles.map { single(String($0)) } ?? [])

        func perSubscriber(_ value: (SubscriberSample) -> String?) -> [(labels: String, value: String)] {
            subscribers.compactMap { sample in value(sample).map { ("{subscriber=\"\(Self.escape(sample.id))\"}", $0) } }
        }
        family(
            "prenum_subscriber_active", "1 when the subscriber is active on the run's business date.",
            perSubscriber { $0.active ? "1" : "0" })
        family(
            "prenum_subscriber_last_sequence", "Sequence of the subscriber's last delivery file (0 before the first).",
            perSubscriber { String($0.lastSequence) })
        family(
            "prenum_subscriber_failed", "1 when the last prenum run failed to deliver to the subscriber.",
            perSubscriber { $0.delivery.map { $0.failed ? "1" : "0" } })
        family(
            "prenum_subscriber_staged_files", "Files made and staged for the subscriber but not yet published to its outbox.",
            perSubscriber { String($0.stagedFiles) })
        family(
            "prenum_subscriber_format_support_ends_timestamp_seconds",
            "Midnight UTC of the day support for the subscriber's format version ends; present from 90 days before.",
            perSubscriber { sample in
                sample.formatSupportEnds.flatMap { Timestamp.parse("\($0)T00:00:00Z") }.map(seconds)
            })
        family(
            "prenum_subscriber_held",
            "1 when the subscriber's file waits, held by the brake on mass removals, for prenum release or discard.",
            perSubscriber { $0.delivery.map { $0.held ? "1" : "0" } })
        family(
            "prenum_subscriber_full_delivery", "1 when the subscriber's file of the last run was a FULL file.",
            perSubscriber { $0.delivery.map { $0.full ? "1" : "0" } })
        family(
            "prenum_subscriber_persons_delivered", "Person elements in the subscriber's file of the last run.",
            perSubscriber { $0.delivery.map { String($0.persons) } })
        family(
            "prenum_subscriber_records_delivered", "Case and payment elements in the subscriber's file of the last run.",
            perSubscriber { $0.delivery.map { String($0.records) } })
        family(
            "prenum_subscriber_unsubscribed_delivered", "Unsubscribed elements in the subscriber's file of the last run.",
            perSubscriber { $0.delivery.map { String($0.unsubscribed) } })
        return out
    }

    /// Label values may hold `\`, `"` and newlines only escaped.
    static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}
