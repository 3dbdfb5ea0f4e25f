/// A short, stable word for why a run stopped, for the `run.failed` event and the
/// `prenum_run_failure_reason` metric: alerts and runbooks key on it, and the two causes of
/// exit 75 (another process holds the lock, the register stayed locked upstream) need
/// different responses.
public enum RunFailureReason {
    public static func of(_ error: Error) -> String {
        if error is ProcessLock.LockHeld { return "lock-held" }
        if let failure = error as? RegisterReader.Failure, failure.exitCode == .temporaryFailure { return "register-busy" }
        if let failure = error as? ConfigurationError, failure.exitCode == .configuration { return "configuration" }
        if let failure = error as? OperationFailure, failure.exitCode == .configuration, failure.message.hasPrefix("signingKey:") {
            return "signing-key"
        }
        return of(exitCode: ExitCode.of(error))
    }

    public static func of(exitCode: ExitCode) -> String {
        switch exitCode {
        case .ok: "none"
        case .partialFailure: "subscribers-failed"
        case .usage: "usage"
        case .dataError: "bad-data"
        case .noInput: "missing-input"
        case .cannotCreate: "cannot-create"
        case .temporaryFailure: "temporary"
        case .configuration: "configuration"
        }
    }
}
