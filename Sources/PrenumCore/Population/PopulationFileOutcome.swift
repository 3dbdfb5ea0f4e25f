/// What happened to one file found in a subscriber's inbox.
public struct PopulationFileOutcome: Equatable, Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        /// Applied to the population and moved to processed/.
        case accepted
        /// Not applied; moved to rejected/ with a report.
        case rejected
        /// The same bytes were applied before; moved to processed/ without applying.
        case duplicate
        /// The file changed while it was read (still being uploaded); left for the next import.
        case deferred
        /// A technical failure (disk, permissions); the file is untouched or, if the state
        /// was already committed, completed by the next import.
        case failed
    }

    public let subscriber: String
    /// The printable file name (control characters replaced).
    public let fileName: String
    /// Lowercase hex SHA-256 of the bytes read; nil when the file was not read.
    public let sha256: String?
    public let kind: Kind
    public let counts: PopulationCounts
    /// Where the file is now, when it was moved.
    let movedTo: String?
    public let reportPath: String?
    let receiptPath: String?
    /// A pnr-free explanation for rejected, deferred and failed files.
    public let message: String?
    /// For `failed`: the exit code the failure maps to.
    public let exitCode: ExitCode?

    public init(
        subscriber: String, fileName: String, sha256: String?, kind: Kind, counts: PopulationCounts,
        movedTo: String? = nil, reportPath: String? = nil, receiptPath: String? = nil,
        message: String? = nil, exitCode: ExitCode? = nil
    ) {
        self.subscriber = subscriber
        self.fileName = fileName
        self.sha256 = sha256
        self.kind = kind
        self.counts = counts
        self.movedTo = movedTo
        self.reportPath = reportPath
        self.receiptPath = receiptPath
        self.message = message
        self.exitCode = exitCode
    }
}
