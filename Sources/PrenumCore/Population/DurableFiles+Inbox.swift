import Foundation

extension DurableFiles {
    /// Renames the inbox entry with raw name `rawName` in `folder` to `destination` (same file
    /// system, so it is atomic), then makes both folders durable. Raw names keep entries whose
    /// names are not valid UTF-8 movable.
    static func move(folder: String, rawName: [UInt8], to destination: String) throws {
        let status = InboxListing.withPath(folder: folder, rawName: rawName) { rename($0, destination) }
        guard status == 0 else { throw failure("move file to", destination) }
        try sync(folder: (destination as NSString).deletingLastPathComponent)
        try sync(folder: folder)
    }
}
