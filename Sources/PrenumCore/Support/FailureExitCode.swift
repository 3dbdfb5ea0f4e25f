import Foundation
import PrenumSQLite

extension ExitCode {
    /// What a file is to the command that failed on it, which decides what "cannot open" means:
    /// a file it only reads is missing input (66), one it keeps or writes is output it cannot
    /// create (73).
    public enum FileRole: Sendable {
        case input
        case output
    }

    /// The SPEC section 5 code for any error: a typed failure's own, and for the errors that
    /// come up from SQLite and the file system the code an operator acts on. A full disk is
    /// "cannot create output" (73) wherever it strikes, never "bad input data" (65).
    ///
    /// `role` is nil where the failing file is not known (the edge of a command): a file that
    /// cannot be opened then counts as bad data, since it may be either kind.
    public static func of(_ error: Error, file role: FileRole? = nil) -> ExitCode {
        if let failure = error as? any PrenumFailure { return failure.exitCode }
        if let error = error as? SQLiteError { return of(error, file: role) }
        let nsError = error as NSError
        if nsError.domain == NSPOSIXErrorDomain, [ENOSPC, EDQUOT, EFBIG].contains(Int32(nsError.code)) { return .cannotCreate }
        if nsError.domain == NSCocoaErrorDomain, nsError.code == CocoaError.fileWriteOutOfSpace.rawValue { return .cannotCreate }
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying !== nsError {
            return of(underlying, file: role)
        }
        return .dataError
    }

    /// The one mapping from a SQLite failure to an exit code; every caller that turns one into
    /// a typed failure takes its code from here.
    public static func of(_ error: SQLiteError, file role: FileRole?) -> ExitCode {
        if error.isFull { return .cannotCreate }
        if error.isBusy { return .temporaryFailure }
        // Prenum's own files: one it cannot write (read-only, an I/O error) is 73, as a full one.
        if role == .output, error.resultCode ~= .readOnly || error.resultCode ~= .ioErr || error.resultCode ~= .permission {
            return .cannotCreate
        }
        if error.isCannotOpen {
            switch role {
            case .input: return .noInput
            case .output: return .cannotCreate
            case nil: return .dataError
            }
        }
        return .dataError
    }
}
