import Glibc
import PrenumSystem

/// Reading and writing PEM key files with the permission rules the SPEC sets.
enum KeyFile {
    /// Reads a key file. With `requirePrivateMode`, a file with any group or other permission
    /// bit is refused before its bytes are read.
    static func read(path: String, operation: String, requirePrivateMode: Bool) throws -> [UInt8] {
        var info = stat()
        if stat(path, &info) != 0 {
            let code = errno
            throw CryptoError(
                code == ENOENT ? .keyFileMissing : .keyFileUnreadable, operation: operation,
                path: path, detail: String(cString: strerror(code)))
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw CryptoError(.keyFileUnreadable, operation: operation, path: path, detail: "not a regular file")
        }
        let mode = info.st_mode & 0o7777
        if requirePrivateMode && mode & 0o077 != 0 {
            throw CryptoError(.keyFileInsecure, operation: operation, path: path, detail: "mode " + octal(mode))
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw CryptoError(.keyFileUnreadable, operation: operation, path: path, detail: String(cString: strerror(errno)))
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { SystemCall.read(fd, into: $0) }
            if count < 0 {
                throw CryptoError(.keyFileUnreadable, operation: operation, path: path, detail: String(cString: strerror(errno)))
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
            // A PEM key is a few hundred bytes; anything huge is not a key file.
            if bytes.count > 1 << 20 {
                throw CryptoError(.notAKey, operation: operation, path: path, detail: "file larger than 1 MiB")
            }
        }
        wipe(&chunk)
        return bytes
    }

    /// Creates a new file with exactly `mode` (umask notwithstanding), writes, fsyncs and
    /// closes it. Never replaces an existing file.
    static func create(path: String, bytes: [UInt8], mode: mode_t, operation: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else {
            let code = errno
            throw CryptoError(
                code == EEXIST ? .outputExists : .outputUnwritable, operation: operation, path: path,
                detail: String(cString: strerror(code)))
        }
        var failure: Int32 = 0
        if fchmod(fd, mode) != 0 { failure = errno }
        if failure == 0 {
            failure = bytes.withUnsafeBytes { buffer -> Int32 in
                do throws(SystemCallError) {
                    try SystemCall.writeAll(fd, buffer)
                    return 0
                } catch {
                    return error.code
                }
            }
        }
        if failure == 0 && fsync(fd) != 0 { failure = errno }
        if close(fd) != 0 && failure == 0 { failure = errno }
        if failure != 0 {
            unlink(path)
            throw CryptoError(.outputUnwritable, operation: operation, path: path, detail: String(cString: strerror(failure)))
        }
    }

    static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    static func octal(_ mode: mode_t) -> String {
        let digits = String(mode, radix: 8)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// Overwrites a buffer that held private key text before it is released.
    static func wipe(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { buffer in
            if let base = buffer.baseAddress { explicit_bzero(base, buffer.count) }
        }
    }
}
