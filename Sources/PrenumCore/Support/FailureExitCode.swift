import Foundation
import PrenumSQLite

extension ExitCode {
    /// The SPEC section 5 code for any error: a typed failure's own, and for the errors that
    /// come up from SQLite and the file system the code an operator acts on. A full disk is
    /// "cannot create output" (73) wherever it strikes, never "bad input data" (65).
    public static func of(_ error: Error) -> ExitCode {
        if let failure = error as? any PrenumFailure { return failure.exitCode }
        if let error = error as? SQLiteError {
            if error.isFull { return .cannotCreate }
            if error.isBusy { return .temporaryFailure }
            return .dataError
        }
        let nsError = error as NSError
        if nsError.domain == NSPOSIXErrorDomain, [ENOSPC, EDQUOT, EFBIG].contains(Int32(nsError.code)) { return .cannotCreate }
        if nsError.domain == NSCocoaErrorDomain, nsError.code == CocoaError.fileWriteOutOfSpace.rawValue { return .cannotCreate }
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying !== nsError {
            return of(underlying)
        }
        return .dataError
    }
}
