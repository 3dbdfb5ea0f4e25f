/// Process exit codes, following sysexits(3) as the SPEC requires, so that cron wrappers
/// and monitoring can tell "try again later" from "fix the configuration".
public enum ExitCode: Int32, Sendable, CaseIterable {
    /// Done.
    case ok = 0
    /// The run finished but some subscribers failed; the others were delivered.
    case partialFailure = 1
    /// The command line was wrong.
    case usage = 64
    /// Input data (a register, an archive file, a delivery file) was bad.
    case dataError = 65
    /// An input file or folder is missing.
    case noInput = 66
    /// An output file or folder could not be created or written.
    case cannotCreate = 73
    /// Another run holds the lock; try again later.
    case temporaryFailure = 75
    /// The configuration is wrong.
    case configuration = 78
}

/// An error that knows which exit code it maps to and how to say itself without a personnummer.
public protocol PrenumFailure: Error, CustomStringConvertible {
    var exitCode: ExitCode { get }
}

/// A failure with a message and its exit code, for the many cases that need nothing more.
public struct OperationFailure: PrenumFailure, Equatable {
    public let exitCode: ExitCode
    public let message: String

    public init(_ exitCode: ExitCode, _ message: String) {
        self.exitCode = exitCode
        self.message = message
    }

    public var description: String { message }
}
