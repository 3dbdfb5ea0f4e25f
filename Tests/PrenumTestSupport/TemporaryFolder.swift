import Foundation

/// A fresh folder under the system temporary directory that goes away with the test that made it,
/// so a failing test cannot leave state behind for the next one.
public final class TemporaryFolder {
    public let url: URL
    /// Left in place when the folder goes away, for a post-mortem of a failing case.
    public let keep: Bool

    public var path: String { url.path }

    /// `prefix` starts the folder's name (it may hold spaces or `%`, to test path handling).
    public init(_ prefix: String = "prenum", keep: Bool = false) throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)", isDirectory: true)
        self.keep = keep
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    public func file(_ name: String) -> String { url.appendingPathComponent(name).path }

    public func fileURL(_ name: String) -> URL { url.appendingPathComponent(name) }

    public func remove() { try? FileManager.default.removeItem(at: url) }

    deinit {
        if !keep { remove() }
    }
}
