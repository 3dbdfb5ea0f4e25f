/// Why one line of a population file is refused.
///
/// Reasons go back to the subscriber in the rejection report and into logs, so they never
/// repeat the line's content: the line number identifies the person without naming them.
public struct PopulationLineProblem: Equatable, Sendable, CustomStringConvertible {
    public enum Reason: Error, Equatable, Sendable, CustomStringConvertible {
        case emptyFile
        case header
        case invalidUTF8
        case tooLong(bytes: Int)
        case emptyLine
        case fieldCount(Int)
        case action
        case personnummer(Personnummer.Problem)
        case consentValue
        case consentMissing(Purpose)
        case fromDate

        public var description: String {
            switch self {
            case .emptyFile:
                return "the file is empty; expected the header line \(PopulationFileParser.header)"
            case .header:
                return "the first line must be exactly \(PopulationFileParser.header)"
            case .invalidUTF8:
                return "the line is not valid UTF-8"
            case .tooLong(let bytes):
                return "the line is \(bytes) bytes long; at most \(PopulationFileParser.maximumLineBytes) are allowed"
            case .emptyLine:
                return "the line is empty; expected action;pnr;consent;from"
            case .fieldCount(let count):
                return "expected 4 fields separated by ';', found \(count)"
            case .action:
                return "the action must be ADD or REMOVE"
            case .personnummer(let problem):
                return problem.description
            case .consentValue:
                return "the consent field must be Y or empty"
            case .consentMissing(let purpose):
                return "consent is required for the purpose \(purpose.rawValue): an ADD line must have consent Y"
            case .fromDate:
                return "the from-date must be empty or a valid date YYYY-MM-DD"
            }
        }
    }

    /// The line's number in the file (the header is line 1).
    public let lineNumber: Int
    public let reason: Reason

    public init(lineNumber: Int, reason: Reason) {
        self.lineNumber = lineNumber
        self.reason = reason
    }

    /// `line N: reason`, as in the report.
    public var description: String { "line \(lineNumber): \(reason)" }
}
