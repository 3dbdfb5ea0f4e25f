import PrenumCore

/// A `prenum` command: its words, its help and its options, declared in one type. Parsing fills
/// the `@Option` and `@Flag` properties of a fresh value, `validate` refuses what the types
/// cannot (conflicting options) before anything is opened, and `run` hands the values to the core.
protocol Command {
    /// The words that select it: `["run"]`, `["keys", "generate"]`.
    static var words: [String] { get }
    static var abstract: String { get }
    /// Longer help shown under the usage line.
    static var discussion: String { get }
    /// A value with every option at its default, for the parser to fill.
    init()
    /// Refuses (with `UsageError`, exit 64) a combination of options, before `run` opens anything.
    func validate() throws
    /// Runs with the `PRENUM_*` tuning read when `prenum` started.
    func run(_ environment: Environment) throws -> ExitCode
}

extension Command {
    static var discussion: String { "" }

    func validate() throws {}

    /// The declared options, in declaration order.
    static var declaredOptions: [DeclaredOption] { DeclaredOption.all(in: Self()) }

    /// A usage error naming this command's usage line.
    static func usageError(_ message: String) -> UsageError { UsageError(message: message, usage: usage) }

    /// The command the words ask for, parsed and validated; `UsageError` (64) when they do not fit.
    static func parse(_ arguments: [String]) throws -> Self {
        let command = Self()
        let options = DeclaredOption.all(in: command)
        let declared = Dictionary(options.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var index = 0
        while index < arguments.count {
            let word = arguments[index]
            guard word.hasPrefix("--") else { throw usageError("unexpected argument '\(word)'") }
            var name = String(word.dropFirst(2))
            var inlineValue: String?
            if let equals = name.firstIndex(of: "=") {
                inlineValue = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            guard let option = declared[name] else {
                throw usageError("unknown option '--\(name)' for 'prenum \(words.joined(separator: " "))'")
            }
            var value = inlineValue
            if option.declaration.valueName != nil && value == nil {
                guard index + 1 < arguments.count, !arguments[index + 1].hasPrefix("--") else {
                    throw usageError("--\(name) needs a value (\(option.declaration.valueName ?? "value"))")
                }
                index += 1
                value = arguments[index]
            }
            if let refusal = option.argument.take(value) { throw usageError("--\(name) \(refusal)") }
            index += 1
        }
        for option in options where option.declaration.isRequired && !option.argument.isGiven {
            throw usageError("missing \(option.label)")
        }
        try command.validate()
        return command
    }
}
