import Foundation
import PrenumSystem

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
    static func acquire(path: String) throws -> ProcessLock {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o640)
        guard descriptor >= 0 else {
            throw OperationFailure(.cannotCreate, "cannot open lock file \(path): \(String(cString: strerror(errno)))")
        }
        if SystemCall.retryingInterrupted({ flock(descriptor, LOCK_EX | LOCK_NB) }) != 0 {
            let code = errno
            close(descriptor)
            if code == EWOULDBLOCK {
                throw LockHeld(path: path, holder: holderPID(path: path))
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

    /// The process id the holder wrote into the lock file after it took the lock; nil while
    /// it has not written it yet (or the file holds anything else).
    static func holderPID(path: String) -> Int32? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        return Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Another process holds the run lock (exit 75): it names the holder so that an operator
    /// can see what is running before deciding anything.
    struct LockHeld: PrenumFailure {
        let path: String
        let holder: Int32?
        var exitCode: ExitCode { .temporaryFailure }
        var description: String {
            let who: String
            switch holder {
            case .some(let pid) where kill(pid, 0) == 0 || errno == EPERM:
                who = "process \(pid) (the pid it wrote into the lock file)"
            case .some(let pid):
                // The holder writes its pid right after it takes the lock: until then the file
                // may still name an earlier holder.
                who = "a process that is just starting (the lock file still names \(pid), which is not running)"
            case nil:
                who = "a process that has not yet written its pid into it"
            }
            return "another prenum process holds the lock \(path): \(who); try again when it has finished"
        }
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
