import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The few file-system operations publication depends on, each made durable with fsync so
/// that a power loss cannot leave a renamed name pointing at missing bytes.
public enum DurableFiles {
    /// An output file or folder could not be created, written or moved.
    public struct Failure: PrenumFailure {
        public let path: String
        public let operation: String
        public let errorNumber: Int32
        public var exitCode: ExitCode { .cannotCreate }
        public var description: String { "cannot \(operation) \(path): \(String(cString: strerror(errorNumber)))" }
    }

    /// Creates a folder and its parents with mode 0750 where missing.
    public static func makeFolder(_ path: String) throws {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) {
            guard isFolder.boolValue else { throw Failure(path: path, operation: "use as a folder (it is a file)", errorNumber: ENOTDIR) }
            return
        }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty && parent != path { try makeFolder(parent) }
        if mkdir(path, 0o750) != 0 && errno != EEXIST {
            throw Failure(path: path, operation: "create folder", errorNumber: errno)
        }
    }

    /// Flushes a file's data and metadata to disk.
    public static func sync(file path: String) throws {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw Failure(path: path, operation: "open for fsync", errorNumber: errno) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw Failure(path: path, operation: "fsync", errorNumber: errno) }
    }

    /// Flushes a folder, so that renames and creations in it survive a power loss.
    public static func sync(folder path: String) throws {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY)
        guard descriptor >= 0 else { throw Failure(path: path, operation: "open folder for fsync", errorNumber: errno) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw Failure(path: path, operation: "fsync folder", errorNumber: errno) }
    }

    /// Writes bytes to a new file (mode 0640) and fsyncs it; an existing file is replaced.
    public static func write(_ bytes: [UInt8], to path: String) throws {
        unlink(path)
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o640)
        guard descriptor >= 0 else { throw Failure(path: path, operation: "create", errorNumber: errno) }
        defer { close(descriptor) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            guard written > 0 else { throw Failure(path: path, operation: "write", errorNumber: errno) }
            offset += written
        }
        guard fsync(descriptor) == 0 else { throw Failure(path: path, operation: "fsync", errorNumber: errno) }
    }

    /// Writes a file whole or not at all: a temporary sibling, fsync, rename, fsync the folder.
    public static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        let temporary = (folder as NSString).appendingPathComponent(".\((path as NSString).lastPathComponent).tmp")
        try write(bytes, to: temporary)
        try move(temporary, to: path)
        try sync(folder: folder)
    }

    /// Copies a file durably (temporary name, fsync, rename), streaming in bounded memory.
    public static func copy(_ source: String, to destination: String) throws {
        let input = open(source, O_RDONLY)
        guard input >= 0 else { throw Failure(path: source, operation: "read", errorNumber: errno) }
        defer { close(input) }
        let folder = (destination as NSString).deletingLastPathComponent
        let temporary = (folder as NSString).appendingPathComponent(".\((destination as NSString).lastPathComponent).tmp")
        unlink(temporary)
        let output = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o640)
        guard output >= 0 else { throw Failure(path: temporary, operation: "create", errorNumber: errno) }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if count < 0 { close(output); throw Failure(path: source, operation: "read", errorNumber: errno) }
            if count == 0 { break }
            var offset = 0
            while offset < count {
                let written = buffer.withUnsafeBytes { Glibc.write(output, $0.baseAddress! + offset, count - offset) }
                if written <= 0 { close(output); throw Failure(path: temporary, operation: "write", errorNumber: errno) }
                offset += written
            }
        }
        guard fsync(output) == 0 else { close(output); throw Failure(path: temporary, operation: "fsync", errorNumber: errno) }
        close(output)
        try move(temporary, to: destination)
        try sync(folder: folder)
    }

    /// Renames within one file system (atomic).
    public static func move(_ source: String, to destination: String) throws {
        guard rename(source, destination) == 0 else {
            throw Failure(path: destination, operation: "rename \((source as NSString).lastPathComponent) to", errorNumber: errno)
        }
    }

    public static func exists(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: path)
    }
}
