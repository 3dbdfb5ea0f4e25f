import Foundation
import PrenumSystem

#if canImport(Glibc)
    import Glibc
#endif

/// The file-system steps that must survive a crash or a power loss at any point: folders made
/// with a known mode, files written whole or not at all and fsynced, atomic renames followed by
/// a folder fsync, and moves that never overwrite.
enum DurableFiles {
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
        if mkdir(path, folderMode) != 0, errno != EEXIST { throw failure("create folder", path) }
    }

    /// Writes all bytes to an open descriptor, retrying short writes and interruptions.
    static func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws {
        do {
            try SystemCall.writeAll(descriptor, bytes)
        } catch {
            throw OperationFailure(.cannotCreate, "cannot write \(path): \(error)")
        }
    }

    /// Writes bytes to a new file (mode 0640) and fsyncs it; an existing file is replaced.
    static func write(_ bytes: [UInt8], to path: String) throws {
        unlink(path)
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, fileMode)
        guard descriptor >= 0 else { throw failure("create", path) }
        defer { close(descriptor) }
        try bytes.withUnsafeBytes { try writeAll(descriptor, $0, path: path) }
        guard fsync(descriptor) == 0 else { throw failure("flush", path) }
    }

    /// Writes a file whole or not at all: a temporary sibling, fsync, rename, fsync the folder.
    /// A reader sees the old state or the whole new file, never a part.
    static func writeAtomically(_ bytes: some ContiguousBytes, to path: String, mode: mode_t = fileMode) throws {
        let folder = (path as NSString).deletingLastPathComponent
        let temporary = folder + "/." + (path as NSString).lastPathComponent + ".tmp-\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw failure("create", temporary) }
        do {
            // The umask must not narrow a mode asked for on purpose (a world-readable metrics file).
            guard mode == fileMode || fchmod(descriptor, mode) == 0 else { throw failure("set the mode of", temporary) }
            try bytes.withUnsafeBytes { try writeAll(descriptor, $0, path: temporary) }
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
        try sync(folder: folder)
    }

    /// Copies a file durably (temporary name, fsync, rename, folder fsync) in bounded memory.
    static func copy(_ source: String, to destination: String) throws {
        let input = open(source, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw OperationFailure(.noInput, "cannot read \(source): \(String(cString: strerror(errno)))") }
        defer { close(input) }
        let folder = (destination as NSString).deletingLastPathComponent
        let temporary = folder + "/." + (destination as NSString).lastPathComponent + ".tmp-\(getpid())"
        let output = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, fileMode)
        guard output >= 0 else { throw failure("create", temporary) }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        do {
            // In the kernel where it can (each page copied once, none through this process);
            // where it cannot, through the buffer from wherever that stopped.
            while true {
                let copied = SystemCall.retryingInterrupted { sendfile(output, input, nil, 1 << 30) }
                if copied > 0 { continue }
                if copied == 0 { break }
                // Either side may be at fault (a full disk, a read error): both are named.
                guard [EINVAL, ENOSYS, EOPNOTSUPP].contains(errno) else { throw failure("copy \(source) to", temporary) }
                break
            }
            while true {
                let count = SystemCall.read(input, into: buffer)
                if count < 0 {
                    throw OperationFailure(.noInput, "cannot read \(source): \(String(cString: strerror(errno)))")
                }
                if count == 0 { break }
                try writeAll(output, UnsafeRawBufferPointer(rebasing: buffer[0..<count]), path: temporary)
            }
            guard fsync(output) == 0 else { throw failure("flush", temporary) }
            close(output)
        } catch {
            close(output)
            unlink(temporary)
            throw error
        }
        try move(temporary, to: destination)
        try sync(folder: folder)
    }

    /// Renames within one file system (atomic). The caller syncs the folder.
    static func move(_ source: String, to destination: String) throws {
        guard rename(source, destination) == 0 else { throw failure("rename \((source as NSString).lastPathComponent) to", destination) }
    }

    /// Makes renames and creations in a folder durable.
    static func sync(folder: String) throws {
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

    /// An output that could not be created, written or moved: exit 73, naming the file.
    static func failure(_ action: String, _ path: String) -> OperationFailure {
        OperationFailure(.cannotCreate, "cannot \(action) \(path): \(String(cString: strerror(errno)))")
    }
}
