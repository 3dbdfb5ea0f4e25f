import Foundation

/// The file-system steps the importer needs to survive a crash at any point: folders made
/// with a known mode, files written whole or not at all, and moves that never overwrite.
enum DurableFile {
    static let folderMode: mode_t = 0o750
    static let fileMode: mode_t = 0o640

    /// Creates the folder and any missing parents with mode 0750.
    static func makeFolder(_ path: String) throws {
        var info = stat()
        if stat(path, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFDIR else {
                throw OperationFailure(.cannotCreate, "\(path) exists and is not a folder")
            }
            return
        }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty, parent != path { try makeFolder(parent) }
        if mkdir(path, folderMode) != 0, errno != EEXIST {
            throw OperationFailure(.cannotCreate, "cannot create folder \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Writes `data` to `path` through a temporary file in the same folder: fsync, rename,
    /// fsync the folder. A reader sees the old state or the whole new file, never a part.
    static func writeAtomically(_ data: Data, to path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        let temporary = folder + "/." + (path as NSString).lastPathComponent + ".tmp-\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, fileMode)
        guard descriptor >= 0 else { throw failure("create", temporary) }
        do {
            try data.withUnsafeBytes { try writeAll(descriptor, $0, path: temporary) }
            guard fsync(descriptor) == 0 else { throw failure("flush", temporary) }
            close(descriptor)
        } catch {
            close(descriptor)
            unlink(temporary)
            throw error
        }
        guard rename(temporary, path) == 0 else {
            let error = failure("rename into place", path)
            unlink(temporary)
            throw error
        }
        try syncFolder(folder)
    }

    static func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws {
        var offset = 0
        while offset < bytes.count {
            let written = write(descriptor, bytes.baseAddress?.advanced(by: offset), bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw failure("write", path)
            }
            offset += written
        }
    }

    /// Makes a rename or create in `folder` durable.
    static func syncFolder(_ folder: String) throws {
        let descriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure("open", folder) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw failure("flush", folder) }
    }

    /// A name in `folder` that is not taken: `name`, else `name.2`, `name.3`, ... Every
    /// listed companion suffix (e.g. `.report.txt`) must be free as well.
    static func freeName(_ name: String, in folder: String, companions: [String] = []) -> String {
        var candidate = name
        var number = 1
        while ([""] + companions).contains(where: { exists(folder + "/" + candidate + $0) }) {
            number += 1
            candidate = "\(name).\(number)"
        }
        return candidate
    }

    /// True when anything, even a dangling symbolic link, has this name.
    static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    /// Renames the entry with raw name `rawName` in `folder` to `destination` (same file
    /// system, so it is atomic), then makes both folders durable.
    static func move(folder: String, rawName: [UInt8], to destination: String) throws {
        let status = InboxListing.withPath(folder: folder, rawName: rawName) { rename($0, destination) }
        guard status == 0 else { throw failure("move file to", destination) }
        try syncFolder((destination as NSString).deletingLastPathComponent)
        try syncFolder(folder)
    }

    static func failure(_ action: String, _ path: String) -> OperationFailure {
        OperationFailure(.cannotCreate, "cannot \(action) \(path): \(String(cString: strerror(errno)))")
    }
}
