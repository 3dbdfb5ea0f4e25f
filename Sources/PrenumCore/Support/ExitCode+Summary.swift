extension ExitCode {
    /// One line on what the code means, for `--help`, the manual page and the docs' tables,
    /// which are made from (or checked against) these, so a new code cannot be left out.
    public var summary: String {
        switch self {
        case .ok: "done"
        case .partialFailure: "the run finished but some subscribers failed or were held; the others were delivered"
        case .usage: "usage: wrong options, or a business date after tomorrow"
        case .dataError: "bad input data"
        case .noInput: "missing input"
        case .cannotCreate: "cannot create output (a full disk included)"
        case .temporaryFailure: "another run holds the lock, or the register stayed locked upstream (the message and the metrics say which)"
        case .configuration: "bad configuration"
        }
    }

    /// Every code with its meaning, one per line, in numeric order.
    public static var overview: [(code: Int32, summary: String)] {
        allCases.sorted { $0.rawValue < $1.rawValue }.map { ($0.rawValue, $0.summary) }
    }
}
