import Foundation

/// Finds keys given twice in one JSON object. `JSONSerialization` keeps only one of them
/// silently, so `"purpose": "claims", "purpose": "coordination"` would turn consent off without
/// a word; the configuration must be refused instead (SPEC section 2).
///
/// A small scanner over the text: it tracks objects, arrays and strings, and nothing else, and
/// gives up quietly on text that is not JSON (the parser reports that).
enum JSONDuplicateKeys {
    /// The JSON path (`subscribers[1].purpose`) of every key given more than once in its object,
    /// in the order found.
    static func find(in data: Data) -> [String] {
        var scanner = Scanner(bytes: [UInt8](data))
        scanner.scanValue(path: "")
        return scanner.duplicates
    }

    private struct Scanner {
        let bytes: [UInt8]
        var index = 0
        var duplicates: [String] = []
        var failed = false

        init(bytes: [UInt8]) {
            self.bytes = bytes
        }

        mutating func skipWhitespace() {
            while index < bytes.count, [0x20, 0x09, 0x0a, 0x0d].contains(bytes[index]) { index += 1 }
        }

        mutating func scanValue(path: String) {
            skipWhitespace()
            guard index < bytes.count, !failed else {
                failed = true
                return
            }
            switch bytes[index] {
            case UInt8(ascii: "{"): scanObject(path: path)
            case UInt8(ascii: "["): scanArray(path: path)
            case UInt8(ascii: "\""): _ = scanString()
            default:
                // A number, true, false or null: up to the next delimiter.
                while index < bytes.count, !",]} \t\r\n".utf8.contains(bytes[index]) { index += 1 }
            }
        }

        mutating func scanObject(path: String) {
            index += 1
            var seen: Set<String> = []
            var reported: Set<String> = []
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                index += 1
                return
            }
            while !failed {
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\""), let key = scanString() else {
                    failed = true
                    return
                }
                let keyPath = JSONFieldReader.path(path, JSONFieldReader.displayKey(key))
                if !seen.insert(key).inserted, reported.insert(key).inserted { duplicates.append(keyPath) }
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                    failed = true
                    return
                }
                index += 1
                scanValue(path: keyPath)
                guard continuesAfterElement(closedBy: UInt8(ascii: "}")) else { return }
            }
        }

        mutating func scanArray(path: String) {
            index += 1
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                index += 1
                return
            }
            var position = 0
            while !failed {
                scanValue(path: "\(path)[\(position)]")
                position += 1
                guard continuesAfterElement(closedBy: UInt8(ascii: "]")) else { return }
            }
        }

        /// After an object member or array element: true past a `,` (another one follows), false past
        /// the closing bracket or, with `failed` set, at anything else.
        mutating func continuesAfterElement(closedBy closing: UInt8) -> Bool {
            skipWhitespace()
            guard index < bytes.count else {
                failed = true
                return false
            }
            switch bytes[index] {
            case UInt8(ascii: ","):
                index += 1
                return true
            case closing:
                index += 1
                return false
            default:
                failed = true
                return false
            }
        }

        /// A string's decoded value (escapes resolved, so `"a"` and `"\u0061"` are one key).
        mutating func scanString() -> String? {
            let start = index
            index += 1
            var escaped = false
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                if escaped {
                    escaped = false
                    continue
                }
                if byte == UInt8(ascii: "\\") {
                    escaped = true
                    continue
                }
                if byte == UInt8(ascii: "\"") {
                    let literal = Data(bytes[start..<index])
                    return (try? JSONSerialization.jsonObject(with: literal, options: [.fragmentsAllowed])) as? String
                }
            }
            failed = true
            return nil
        }
    }
}
