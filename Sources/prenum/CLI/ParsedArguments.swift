import Foundation
import PrenumCore

/// The options a user gave, checked against a command's declarations.
struct ParsedArguments {
    private(set) var values: [String: String] = [:]
    private(set) var flags: Set<String> = []

    /// A usage error: exit 64 with the command's usage line.
    struct UsageError: PrenumFailure {
        let message: String
        let usage: String
        var exitCode: ExitCode { .usage }
        var description: String { "\(message)\nUsage: \(usage)\n(see --help)" }
    }

    init(_ words: [String], for command: any Command.Type) throws {
        let declared = Dictionary(uniqueKeysWithValues: command.options.map { ($0.name, $0) })
        var index = 0
        while index < words.count {
            let word = words[index]
            guard word.hasPrefix("--") else {
                throw UsageError(message: "unexpected argument '\(word)'", usage: command.usage)
            }
            var name = String(word.dropFirst(2))
            var inlineValue: String?
            if let equals = name.firstIndex(of: "=") {
                inlineValue = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            guard let option = declared[name] else {
                throw UsageError(message: "unknown option '--\(name)'", usage: command.usage)
            }
            if option.valueName == nil {
                guard inlineValue == nil else { throw UsageError(message: "--\(name) takes no value", usage: command.usage) }
                flags.insert(name)
            } else if let inlineValue {
                values[name] = inlineValue
            } else {
                guard index + 1 < words.count, !words[index + 1].hasPrefix("--") else {
                    throw UsageError(message: "--\(name) needs a value (\(option.valueName ?? "value"))", usage: command.usage)
                }
                index += 1
                values[name] = words[index]
            }
            index += 1
        }
        for option in command.options where option.isRequired && values[option.name] == nil {
            throw UsageError(message: "missing --\(option.name) \(option.valueName ?? "")", usage: command.usage)
        }
        self.usage = command.usage
    }

    private let usage: String

    func string(_ name: String) -> String? { values[name] }

    func flag(_ name: String) -> Bool { flags.contains(name) }

    func required(_ name: String) throws -> String {
        guard let value = values[name] else { throw UsageError(message: "missing --\(name)", usage: usage) }
        return value
    }

    /// The value as `YYYY-MM-DD`, or nil when not given.
    func date(_ name: String) throws -> CalendarDate? {
        guard let text = values[name] else { return nil }
        guard let date = CalendarDate(text) else {
            throw UsageError(message: "--\(name) must be a date YYYY-MM-DD, got '\(text)'", usage: usage)
        }
        return date
    }

    /// The value as a personnummer. The message never repeats the value: it may be one.
    func personnummer(_ name: String) throws -> Personnummer {
        let text = try required(name)
        switch Personnummer.validate(text) {
        case .success(let pnr): return pnr
        case .failure(let problem):
            throw UsageError(message: "--\(name) is not a valid personnummer (\(problem))", usage: usage)
        }
    }

    func integer(_ name: String, range: ClosedRange<Int>) throws -> Int? {
        guard let text = values[name] else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw UsageError(message: "--\(name) must be a whole number in \(range.lowerBound)...\(range.upperBound), got '\(text)'", usage: usage)
        }
        return value
    }

    /// The configuration path, defaulting as the SPEC says.
    var configPath: String { values["config"] ?? "Config/prenum.json" }
}
