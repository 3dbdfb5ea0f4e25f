import PrenumCore

/// The verdict on one file of a folder: what it is and every reason it cannot be trusted.
public struct FileVerdict: Sendable {
    public let name: String
    public let path: String
    /// Parsed from the name; nil for an `.xml` file whose name is not a delivery name.
    public let fileName: DeliveryFileName?
    public var sha256: String?
    public var content: DeliveryFileContent?
    public var problems: [String] = []

    public var passed: Bool { problems.isEmpty }

    /// The line `prenum verify` prints for it.
    public var line: String {
        passed ? "\(name): ok" : "\(name): FAILED: \(problems.joined(separator: "; "))"
    }
}
