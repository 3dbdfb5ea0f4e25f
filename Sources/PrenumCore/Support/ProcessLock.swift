import Foundation

/// Keeps two `prenum` processes that write state (a cron run and an operator's import, say)
/// from working at once. The kernel drops an `flock` when the process dies, however it dies,
/// so a crashed run never leaves a stale lock behind.
public final class ProcessLock {
    public let path: String
    private var descriptor: Int32

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    /// Takes the lock without waiting. Fails with exit 75 when another process holds it, so
    /// cron simply tries again later.
    public static func acquire(path: String) throws -> ProcessLock {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o640)
        guard descriptor >= 0 else {
            throw OperationFailure(.cannotCreate, "cannot open lock file \(path): \(String(cString: strerror(errno)))")
        }
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            if code == EINTR { continue }
            close(descriptor)
            if code == EWOULDBLOCK {
                throw OperationFailure(.temporaryFailure, "another prenum run holds the lock \(path); try again when it has finished")
            }
            throw OperationFailure(.cannotCreate, "cannot lock \(path): \(String(cString: strerror(code)))")
        }
        // The holder's process id, for an operator wondering who has it.
        let text = "\(getpid())\n"
        if ftruncate(descriptor, 0) == 0 {
            _ = text.withCString { write(descriptor, $0, strlen($0)) }
        }
        return ProcessLock(path: path, descriptor: descriptor)
    }

    /// Releases the lock now rather than when the value goes away.
    public func release() {
        guard descriptor >= 0 else { return }
        flock(descriptor, LOCK_UN)
        close(descriptor)
        descriptor = -1
    }

    deinit { release() }
}
