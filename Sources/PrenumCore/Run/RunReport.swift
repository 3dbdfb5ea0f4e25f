/// What one `prenum run` did, for the stdout summary, the JSON run report and the exit code.
public struct RunReport: Sendable {
    public enum Outcome: String, Sendable {
        /// A run was made (or an interrupted one finished) for the date.
        case completed
        /// The date had already been completed; nothing was done.
        case alreadyCompleted = "already-completed"
    }

    public struct SubscriberResult: Sendable {
        public enum Status: String, Sendable { case delivered, failed, inactive }
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
    }

    public let businessDate: CalendarDate
    public let outcome: Outcome
    public let runID: Int64?
    public var subscribers: [SubscriberResult]
    public var populationFiles: Int
    public var durationSeconds: Double
    /// Population files left for a later import because they were still being written.
    public var deferredPopulationFiles = 0

    /// 1 when any subscriber failed, as the SPEC says: the others were delivered.
    public var exitCode: ExitCode {
        subscribers.contains { $0.status == .failed } ? .partialFailure : .ok
    }
}
