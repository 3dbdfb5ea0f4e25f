import Foundation
import PrenumCore

/// The `PRENUM_*` variables (docs/OPERATIONS.md, "Environment"), read here and nowhere else: built
/// once from the process environment when `prenum` starts, and handed to the core as values.
///
/// Each accessor that can refuse a value throws a usage error (64); a command asks only for what
/// it uses, so a wrong variable stops the commands it tunes and no other.
struct Environment: Sendable {
    static let logLevel = TuningVariable<EventLog.Level>(
        name: "PRENUM_LOG_LEVEL", expected: "one of debug, info, warning, error", unset: .info,
        read: { $0.isEmpty ? .info : EventLog.Level(rawValue: $0.lowercased()) })
    static let registerBusyTimeout = TuningVariable<Int32>(
        name: "PRENUM_REGISTER_BUSY_TIMEOUT_MS", expected: "a whole number of milliseconds", unset: 10_000,
        read: { Int32($0).flatMap { $0 >= 0 ? $0 : nil } })
    static let compactPercent = TuningVariable<Int>(
        name: "PRENUM_COMPACT_PERCENT", expected: "a whole number from 0 to 10000", unset: RecordStore.defaultCompactionPercent,
        read: { Int($0).flatMap { (0...10_000).contains($0) ? $0 : nil } })
    static let inboxLook = TuningVariable<TimeInterval>(
        name: "PRENUM_INBOX_LOOK_MS", expected: "a whole number of milliseconds from 0 to 600000", unset: InboxLook.defaultSeconds,
        read: { Int($0).flatMap { (0...600_000).contains($0) ? TimeInterval($0) / 1000 : nil } })
    /// Fixes the time a run records, so tests can compare the files of two runs byte for byte. Not for production use.
    static let clock = TuningVariable<Date?>(
        name: "PRENUM_CLOCK", expected: "YYYY-MM-DDTHH:MM:SSZ", unset: nil,
        read: { Timestamp.parse($0).map { .some($0) } })
    /// How many subscribers are delivered at once; a value that is not a positive number is ignored.
    static let deliveryWorkers = TuningVariable<Int?>(
        name: "PRENUM_DELIVERY_WORKERS", expected: "a positive whole number", unset: nil,
        read: { Int($0).flatMap { $0 > 0 ? .some($0) : nil } })

    let variables: [String: String]
    /// Standard error at `PRENUM_LOG_LEVEL`; info when that is wrong (`run` refuses it: 64).
    let log: EventLog

    init(_ variables: [String: String]) {
        self.variables = variables
        log = .standardError(minimumLevel: (try? Self.logLevel.value(in: variables)) ?? .info)
    }

    /// `PRENUM_LOG_LEVEL`, refused when it names no level.
    func logLevel() throws -> EventLog.Level { try Self.logLevel.value(in: variables) }

    /// `PRENUM_REGISTER_BUSY_TIMEOUT_MS`: how long a run waits for an upstream writer that holds
    /// the register locked before it exits 75.
    func registerBusyTimeoutMilliseconds() throws -> Int32 { try Self.registerBusyTimeout.value(in: variables) }

    /// `PRENUM_COMPACT_PERCENT`: how large the record copy's recent versions may grow, as a
    /// percentage of the compacted copy, before a run folds them in.
    func compactionPercent() throws -> Int { try Self.compactPercent.value(in: variables) }

    /// `PRENUM_CLOCK`: the clock a run, `check` and `status` go by.
    func clock() throws -> @Sendable () -> Date {
        guard let fixed = try Self.clock.value(in: variables) else { return { Date() } }
        return { fixed }
    }

    /// `PRENUM_SCHEMA_DIR`: a folder holding `delivery-v<N>.xsd`, searched before the installed ones.
    var schemaFolder: String? { variables[DeliverySchema.folderVariable].flatMap { $0.isEmpty ? nil : $0 } }

    /// The tuning the core takes with the configuration: `PRENUM_INBOX_LOOK_MS` (refused when
    /// wrong) and `PRENUM_DELIVERY_WORKERS` (ignored when wrong).
    func tuning() throws -> Tuning {
        Tuning(
            inboxLookSeconds: try Self.inboxLook.value(in: variables),
            deliveryWorkers: (try? Self.deliveryWorkers.value(in: variables)) ?? nil)
    }

    /// `configuration` with the tuning, for the commands that import or deliver.
    func tuned(_ configuration: Configuration) throws -> Configuration {
        var tuned = configuration
        tuned.tuning = try tuning()
        return tuned
    }

    /// `PRENUM_FAULT_STEP`, `PRENUM_FAULT_SUBSCRIBER`, `PRENUM_FAULT_HIT`: read by a debug build
    /// only, so a stray variable cannot kill a production run (a release build compiles `.none`).
    var faults: FaultInjector {
        #if DEBUG
            return FaultInjector.fromEnvironment(variables)
        #else
            return .none
        #endif
    }
}
