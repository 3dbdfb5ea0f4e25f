import Glibc

/// Read-only memory map of a whole file, so that signing or verifying a multi-gigabyte FULL
/// delivery costs page cache, not heap. Ed25519 needs the whole message at once (it hashes it
/// twice), which is why streaming reads are not an option.
enum MappedFile {
    static func withBytes<Result>(
        path: String, operation: String,
        _ body: (UnsafeRawBufferPointer) throws -> Result
    ) throws -> Result {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw unreadable(path, operation) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw unreadable(path, operation) }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw CryptoError(.inputUnreadable, operation: operation, path: path, detail: "not a regular file")
        }
        let size = Int(info.st_size)
        if size == 0 {
            return try body(UnsafeRawBufferPointer(start: nil, count: 0))
        }
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), address != MAP_FAILED else {
            throw unreadable(path, operation)
        }
        defer { munmap(address, size) }
        _ = madvise(address, size, MADV_SEQUENTIAL)
        return try body(UnsafeRawBufferPointer(start: address, count: size))
    }

    private static func unreadable(_ path: String, _ operation: String) -> CryptoError {
        CryptoError(.inputUnreadable, operation: operation, path: path, detail: String(cString: strerror(errno)))
    }
}
