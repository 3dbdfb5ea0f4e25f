import Glibc

/// A signal that arrives during a slow system call makes it fail with EINTR before it did
/// anything; the only right answer is to ask again. Every call that can be interrupted goes
/// through here, so that rule is written once instead of at each call site. A module of its
/// own because both the core and the crypto wrapper read and write files.
public enum SystemCall {
    /// Calls `body` again for as long as it fails with EINTR. The result is the call's own:
    /// on any other failure it is -1 and `errno` still holds that failure's code.
    @inline(__always)
    public static func retryingInterrupted<Result: FixedWidthInteger & SignedInteger>(_ body: () -> Result) -> Result {
        while true {
            let result = body()
            if result == -1 && errno == EINTR { continue }
            return result
        }
    }

    /// Reads up to `buffer.count` bytes; 0 at the end of the file, -1 with `errno` on failure.
    @inline(__always)
    public static func read(_ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer) -> Int {
        retryingInterrupted { Glibc.read(descriptor, buffer.baseAddress, buffer.count) }
    }

    /// Writes every byte: the kernel may take fewer than asked (a pipe, a signal, a nearly
    /// full disk), so the rest is written again until all is out or a write fails.
    public static func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) throws(SystemCallError) {
        var offset = 0
        while offset < bytes.count {
            let written = retryingInterrupted {
                Glibc.write(descriptor, bytes.baseAddress.map { $0 + offset }, bytes.count - offset)
            }
            guard written >= 0 else { throw SystemCallError(code: errno) }
            offset += written
        }
    }
}

/// A failed system call's `errno`, kept so that the caller can name the file and the action
/// in its own error and still say what the kernel said.
public struct SystemCallError: Error, Equatable, CustomStringConvertible {
    public let code: Int32

    public init(code: Int32) {
        self.code = code
    }

    /// The kernel's words for the code (`strerror`), e.g. "No space left on device".
    public var description: String { String(cString: strerror(code)) }
}
