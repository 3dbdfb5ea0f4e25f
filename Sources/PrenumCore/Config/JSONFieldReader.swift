import Foundation

/// Reads fields out of a `JSONSerialization` tree and collects, rather than throws, every
/// problem with its JSON path, so a configuration is checked completely in one pass.
final class JSONFieldReader {
    /// The file name used in problems.
    let file: String
    private(set) var problems: [ConfigurationProblem] = []

    init(file: String) {
        self.file = file
    }

    func report(_ field: String, expected: String, found: String) {
        problems.append(ConfigurationProblem(file: file, field: field, expected: expected, found: found))
    }

    func report(_ field: String, expected: String, value: Any?) {
        report(field, expected: expected, found: Self.describe(value))
    }

    /// `prefix.key`, or `key` at the top.
    static func path(_ prefix: String, _ key: String) -> String {
        prefix.isEmpty ? key : prefix + "." + key
    }

    /// An unknown key as it can be shown in a message: as is when plain, otherwise quoted with
    /// escapes, so an empty key still has a name and a line break cannot split the message.
    static func displayKey(_ key: String) -> String {
        let plain = !key.isEmpty && key.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7f && $0 != "\"" && $0 != "\\" }
        return plain ? key : "\"" + key.unicodeScalars.map { $0.escaped(asASCII: true) }.joined() + "\""
    }

    /// A short, quoted rendering of what a field held, for "found ...".
    static func describe(_ value: Any?) -> String {
        guard let value else { return "nothing (the field is missing)" }
        switch kind(of: value) {
        case .null: return "null"
        case .bool: return "a boolean (\((value as? Bool) == true ? "true" : "false"))"
        case .integer, .fraction: return "the number \(value)"
        case .string:
            let text = value as? String ?? ""
            let shown = text.count > 60 ? String(text.prefix(60)) + "…" : text
            return
                "\"\(shown.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7f ? "\\u{\(String($0.value, radix: 16))}" : String($0) }.joined())\""
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    enum Kind { case null, bool, integer, fraction, string, array, object }

    /// JSONSerialization answers every number with NSNumber; its type code tells a boolean
    /// and a fraction from a whole number, which plain `as? Int` does not.
    static func kind(of value: Any) -> Kind {
        if value is NSNull { return .null }
        if value is String { return .string }
        if value is [Any] { return .array }
        if value is [String: Any] { return .object }
        if let number = value as? NSNumber {
            switch String(cString: number.objCType) {
            case "c", "B": return .bool
            case "d", "f": return .fraction
            default: return .integer
            }
        }
        return .null
    }

    /// Reports every key not in `allowed`.
    func rejectUnknownKeys(_ object: [String: Any], allowed: [String], at prefix: String) {
        for key in object.keys.sorted() where !allowed.contains(key) {
            report(
                Self.path(prefix, Self.displayKey(key)), expected: "no such field (known fields: \(allowed.joined(separator: ", ")))",
                found: "an unknown field")
        }
    }

    func string(_ object: [String: Any], _ key: String, at prefix: String, required: Bool) -> String? {
        guard let value = object[key] else {
            if required { report(Self.path(prefix, key), expected: "a string", value: nil) }
            return nil
        }
        guard let text = value as? String, Self.kind(of: value) == .string else {
            report(Self.path(prefix, key), expected: "a string", value: value)
            return nil
        }
        return text
    }

    func integer(_ object: [String: Any], _ key: String, at prefix: String, required: Bool) -> Int? {
        guard let value = object[key] else {
            if required { report(Self.path(prefix, key), expected: "a whole number", value: nil) }
            return nil
        }
        guard Self.kind(of: value) == .integer, let number = value as? Int else {
            report(Self.path(prefix, key), expected: "a whole number", value: value)
            return nil
        }
        return number
    }

    func array(_ object: [String: Any], _ key: String, at prefix: String, required: Bool, of what: String) -> [Any]? {
        guard let value = object[key] else {
            if required { report(Self.path(prefix, key), expected: "an array of \(what)", value: nil) }
            return nil
        }
        guard let items = value as? [Any], Self.kind(of: value) == .array else {
            report(Self.path(prefix, key), expected: "an array of \(what)", value: value)
            return nil
        }
        return items
    }

    /// True for a benefit code of the catalogue's shape: one to eight capital letters A-Z.
    static func isBenefitCode(_ text: String) -> Bool {
        (1...8).contains(text.utf8.count) && text.utf8.allSatisfy { $0 >= 0x41 && $0 <= 0x5a }
    }
}
