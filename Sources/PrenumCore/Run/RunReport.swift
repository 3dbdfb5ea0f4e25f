/// What one `prenum run` did, for the stdout summary, the JSON run report and the exit code.
public struct RunReport: Sendable {
    public enum Outcome: String, Sendable {
        /// A run was made (or an interrupted one finished) for the date.
        case completed
        /// The date had already been completed; nothing was done.
        case alreadyCompleted = "already-completed"
    }

    public struct SubscriberResult: Sendable {
        public enum Status: String, Sendable {
            case delivered, failed, inactive
            /// The brake on mass removals kept the file back for the operator.
            case held
            /// A file an earlier run staged, published by this one (a retry that worked).
            case recovered
        }
        public let subscriber: String
        public let status: Status
        public let businessDate: CalendarDate
        public let sequence: Int64?
        public let kind: String?
        public let fileName: String?
        public let persons: Int
        public let records: Int
        public let unsubscribed: Int
        public let message: String?
        /// Why the file has its kind and its per-change counts, for a file made by this process.
        var outline: DeliveryOutline? = nil
        /// The file's length in bytes.
        public var bytes: Int64? = nil
    }

    public let businessDate: CalendarDate
    public let outcome: Outcome
    let runID: Int64?
    public var subscribers: [SubscriberResult]
    public var populationFiles: Int
    public var durationSeconds: Double
    /// Population files by outcome (`PopulationFileOutcome.Kind`), for the metrics.
    var populationFileOutcomes: [String: Int]? = nil
    /// Records held back at the run's snapshot: a value in their register version no format
    /// can carry (SPEC section 4); recipients keep the version they had.
    public var quarantined: Int = 0
    /// Population files left for a later import because they were still being written.
    var deferredPopulationFiles = 0

    /// 1 when any subscriber failed or was held, as the SPEC says: the others were delivered.
    public var exitCode: ExitCode {
        subscribers.contains { $0.status == .failed || $0.status == .held } ? .partialFailure : .ok
    }
}
