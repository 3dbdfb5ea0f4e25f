import Foundation

/// What identifies a file's content cheaply: if any of it changes between the start and
/// the end of a read, the file was being written while it was read.
struct FileIdentity: Equatable {
    let device: UInt64
    let inode: UInt64
    let size: Int
    let modifiedSeconds: Int
    let modifiedNanoseconds: Int
    let isRegular: Bool

    init(descriptor: Int32, path: String) throws {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            throw OperationFailure(.noInput, "cannot inspect \(path): \(String(cString: strerror(errno)))")
        }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        size = Int(info.st_size)
        modifiedSeconds = Int(info.st_mtim.tv_sec)
        modifiedNanoseconds = Int(info.st_mtim.tv_nsec)
        isRegular = info.st_mode & S_IFMT == S_IFREG
    }
}
