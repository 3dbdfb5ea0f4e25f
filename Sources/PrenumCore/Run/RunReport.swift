/// What one `prenum run` did, for the stdout summary, the JSON run report and the exit code.
public struct RunReport: Sendable {
    public enum Outcome: String, Sendable {
        /// A run was made (or an interrupted one finished) for the date.
        case completed
        /// The date had already been completed; nothing was done.
        case alreadyCompleted = "already-completed"
    }

    public struct SubscriberResult: Sendable {
        /// `held`: the brake on mass removals kept the file back for the operator.
        public enum Status: String, Sendable { case delivered, failed, inactive, held }
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
        public var outline: DeliveryOutline? = nil
        /// The file's length in bytes.
        public var bytes: Int64? = nil
    }

    public let businessDate: CalendarDate
    public let outcome: Outcome
    public let runID: Int64?
    public var subscribers: [SubscriberResult]
    public var populationFiles: Int
    public var durationSeconds: Double

    /// 1 when any subscriber failed or was held, as the SPEC says: the others were delivered.
    public var exitCode: ExitCode {
        subscribers.contains { $0.status == .failed || $0.status == .held } ? .partialFailure : .ok
    }
}
