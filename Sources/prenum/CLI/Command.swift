import PrenumCore

/// A `prenum` command: its words, its help and its options, declared in one type, and a
/// `run` that hands the parsed values to the core.
protocol Command: Sendable {
    /// The words that select it: `["run"]`, `["keys", "generate"]`.
    static var words: [String] { get }
    static var abstract: String { get }
    /// Longer help shown under the usage line.
    static var discussion: String { get }
    static var options: [CommandLineOption] { get }
    static func run(_ arguments: ParsedArguments) throws -> ExitCode
}

extension Command {
    static var discussion: String { "" }

    static var usage: String {
        var line = "prenum " + words.joined(separator: " ")
        for option in options {
            let text = option.valueName.map { "--\(option.name) \($0)" } ?? "--\(option.name)"
            line += option.isRequired ? " \(text)" : " [\(text)]"
        }
        return line
    }

    static var help: String {
        var text = "\(abstract)\n\nUsage: \(usage)\n"
        if !discussion.isEmpty { text += "\n\(discussion)\n" }
        let all = options + [CommandLineOption.flag("help", help: "show this help")]
        text += "\nOptions:\n"
        let labels = all.map { option in option.valueName.map { "--\(option.name) \($0)" } ?? "--\(option.name)" }
        let width = (labels.map(\.count).max() ?? 0) + 2
        for (option, label) in zip(all, labels) {
            var line = "  " + label.padding(toLength: width, withPad: " ", startingAt: 0) + option.help
            if let defaultDescription = option.defaultDescription { line += " (default: \(defaultDescription))" }
            if option.isRequired { line += " (required)" }
            text += line + "\n"
        }
        return text
    }
}
