/// One thing wrong in a configuration file, said so an operator can fix it without guessing.
public struct ConfigurationProblem: Equatable, Sendable, CustomStringConvertible {
    /// The file, as named on the command line or in `categories`.
    public let file: String
    /// JSON path of the field (`subscribers[2].orgNumber`), or `(file)` for the file itself.
    public let field: String
    public let expected: String
    /// What was there instead (`"abc"`, `a number`, `nothing`).
    public let found: String

    public init(file: String, field: String, expected: String, found: String) {
        self.file = file
        self.field = field
        self.expected = expected
        self.found = found
    }

    public var description: String { "\(file): \(field): expected \(expected), found \(found)" }
}

/// Every problem found in the configuration, reported at once so that a night's run is not
/// lost to one fix per attempt.
///
/// Exit code 78, except when the configuration file itself cannot be read (66: missing input).
public struct ConfigurationError: PrenumFailure, Equatable {
    public let problems: [ConfigurationProblem]
    public let exitCode: ExitCode

    public init(problems: [ConfigurationProblem], exitCode: ExitCode = .configuration) {
        self.problems = problems
        self.exitCode = exitCode
    }

    public var description: String {
        let noun = problems.count == 1 ? "problem" : "problems"
        return "configuration has \(problems.count) \(noun):\n" + problems.map { "  " + $0.description }.joined(separator: "\n")
    }
}
