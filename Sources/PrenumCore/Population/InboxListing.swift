import Foundation

/// The entries of one subscriber's inbox folder, read with `readdir` so that a file name is
/// handled as the bytes it is (a name that is not UTF-8 is still moved, not lost).
struct InboxListing {
    enum Kind: Equatable { case regular, symbolicLink, directory, other }

    struct Entry {
        /// The name as on disk.
        let rawName: [UInt8]
        /// A printable name: the raw name when it is safe, otherwise with every unsafe byte
        /// replaced by `_` and shortened. Used for messages, receipts and moved files.
        let name: String
        let kind: Kind
        /// Why the name itself is refused, or nil.
        let nameProblem: String?
    }

    static let processedFolder = "processed"
    static let rejectedFolder = "rejected"
    /// Leaves room for `.report.txt`, `.receipt.json` and a numeric suffix within NAME_MAX.
    static let maximumNameBytes = 200

    /// Entries to import, in byte-wise name order. Dot-files (uploads in progress by
    /// convention) and the processed/ and rejected/ folders are left out; other folders are
    /// returned as `.directory` so the caller can warn about them.
    static func entries(in folder: String) throws -> [Entry] {
        guard let directory = opendir(folder) else {
            if errno == ENOENT { return [] }
            throw OperationFailure(.noInput, "cannot read inbox folder \(folder): \(String(cString: strerror(errno)))")
        }
        defer { closedir(directory) }
        var entries: [Entry] = []
        while let pointer = readdir(directory) {
            let rawName = withUnsafeBytes(of: pointer.pointee.d_name) { buffer in
                Array(buffer.prefix { $0 != 0 })
            }
            guard let first = rawName.first, first != UInt8(ascii: ".") else { continue }
            let text = String(decoding: rawName, as: UTF8.self)
            let kind = Self.kind(folder: folder, rawName: rawName)
            if kind == .directory, text == processedFolder || text == rejectedFolder { continue }
            let (name, problem) = Self.safeName(rawName)
            entries.append(Entry(rawName: rawName, name: name, kind: kind, nameProblem: problem))
        }
        return entries.sorted { $0.rawName.lexicographicallyPrecedes($1.rawName) }
    }

    /// The kind of an entry, without following a symbolic link.
    static func kind(folder: String, rawName: [UInt8]) -> Kind {
        var info = stat()
        let status = withPath(folder: folder, rawName: rawName) { lstat($0, &info) }
        guard status == 0 else { return .other }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .regular
        case S_IFLNK: return .symbolicLink
        case S_IFDIR: return .directory
        default: return .other
        }
    }

    /// Calls `body` with `folder/<raw name>` as a C string, exact to the byte.
    static func withPath<T>(folder: String, rawName: [UInt8], _ body: (UnsafePointer<CChar>) throws -> T) rethrows -> T {
        var bytes = Array(folder.utf8)
        bytes.append(UInt8(ascii: "/"))
        bytes.append(contentsOf: rawName)
        bytes.append(0)
        let characters = bytes.map { CChar(bitPattern: $0) }
        return try body(characters)
    }

    /// A name safe to print and to reuse in receipts, and the reason it had to be changed.
    static func safeName(_ rawName: [UInt8]) -> (String, String?) {
        var problem: String?
        var bytes = rawName
        if String(validating: rawName, as: UTF8.self) == nil {
            problem = "the file name is not valid UTF-8"
            bytes = bytes.map { $0 < 0x80 ? $0 : UInt8(ascii: "_") }
        }
        if bytes.contains(where: { $0 < 0x20 || $0 == 0x7f }) {
            problem = problem ?? "the file name contains control characters"
            bytes = bytes.map { $0 < 0x20 || $0 == 0x7f ? UInt8(ascii: "_") : $0 }
        }
        var name = String(decoding: bytes, as: UTF8.self)
        if name.utf8.count > maximumNameBytes {
            problem = problem ?? "the file name is longer than \(maximumNameBytes) bytes"
            while name.utf8.count > maximumNameBytes { name.removeLast() }
        }
        return (name, problem)
    }
}
