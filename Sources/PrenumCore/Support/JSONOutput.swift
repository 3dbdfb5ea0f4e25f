import Foundation

/// The one way Prenum prints a JSON document for people and scripts: keys sorted so equal
/// reports are equal text, indented, ending with a newline.
public enum JSONOutput {
    /// `escapingSlashes: false` for documents full of paths and file names that people read.
    public static func text<Value: Encodable>(_ value: Value, escapingSlashes: Bool = true) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = escapingSlashes ? [.prettyPrinted, .sortedKeys] : [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
    }
}
