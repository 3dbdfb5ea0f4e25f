import Foundation

/// Structured log lines on standard error, one event per line in `key=value` form.
///
/// Operators grep these at 03:00, and they are kept for years, so the log refuses to carry a
/// personnummer: any value that looks like one is replaced before it is written.
public final class EventLog: @unchecked Sendable {
    public enum Level: String, Sendable, CaseIterable, Comparable {
        case debug, info, warning, error

        public static func < (lhs: Level, rhs: Level) -> Bool {
            allCases.firstIndex(of: lhs) ?? 0 < allCases.firstIndex(of: rhs) ?? 0
        }
    }

    private let lock = NSLock()
    private let sink: (String) -> Void
    /// Lines below this level are dropped.
    public let minimumLevel: Level
    /// Fields added to every line (the run id, for instance).
    var context: [(String, String)] = []

    /// Logs to standard error; the executable takes the level from `PRENUM_LOG_LEVEL`. Debug lines
    /// are for chasing a problem, not for the nightly log.
    public static func standardError(minimumLevel: Level) -> EventLog {
        EventLog(minimumLevel: minimumLevel) { line in FileHandle.standardError.write(Data(line.utf8)) }
    }

    public init(minimumLevel: Level = .debug, sink: @escaping (String) -> Void) {
        self.minimumLevel = minimumLevel
        self.sink = sink
    }

    /// Writes one event. Values are quoted when they contain spaces or quotes.
    public func log(_ level: Level = .info, _ event: String, _ fields: KeyValuePairs<String, CustomStringConvertible> = [:]) {
        guard level >= minimumLevel else { return }
        var line = "ts=\(Self.timestamp()) level=\(level.rawValue) event=\(event)"
        for (key, value) in context { line += " \(key)=\(Self.render(value))" }
        for (key, value) in fields { line += " \(key)=\(Self.render(value.description))" }
        line += "\n"
        lock.lock()
        sink(line)
        lock.unlock()
    }

    static func timestamp() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date())
    }

    /// Quotes where needed and masks anything shaped like a personnummer (ten or twelve
    /// digits in a row, with or without a separator).
    static func render(_ raw: String) -> String {
        let masked = PersonnummerRedaction.redact(raw)
        let needsQuotes = masked.isEmpty || masked.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" || $0 == "\n" })
        guard needsQuotes else { return masked }
        let escaped =
            masked
            .replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
        return "\"\(escaped)\""
    }
}

/// Finds digit runs shaped like a personnummer so that text bound for a log can be masked.
public enum PersonnummerRedaction {
    /// Replaces every run of 10 or 12 digits (optionally with `-` or `+` before the last four)
    /// by `[pnr]`.
    public static func redact(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 >= 0x30 && $0 <= 0x39 }) else { return text }
        var output = ""
        var digits = ""
        func flush() {
            let bare = digits.filter(\.isNumber)
            if bare.count == 10 || bare.count == 12 { output += "[pnr]" } else { output += digits }
            digits = ""
        }
        for character in text {
            if character.isASCII && character.isNumber {
                digits.append(character)
            } else if (character == "-" || character == "+") && (digits.count == 6 || digits.count == 8) {
                digits.append(character)
            } else {
                flush()
                output.append(character)
            }
        }
        flush()
        return output
    }

    /// True when the text holds something shaped like a personnummer.
    static func containsPersonnummer(_ text: String) -> Bool {
        redact(text) != text
    }
}
