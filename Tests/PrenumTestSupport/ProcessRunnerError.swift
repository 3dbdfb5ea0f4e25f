/// Why a process the test started gave no outcome.
public enum ProcessRunnerError: Error, CustomStringConvertible {
    /// Still running at the deadline; it was killed so a hang fails the test instead of the suite.
    case timedOut(executable: String, seconds: Double)
    /// Ended with a non-zero status where the test needs its output (`RegisterShell`).
    case failed(executable: String, errorOutput: String)

    public var description: String {
        switch self {
        case .timedOut(let executable, let seconds): "\(executable) still running after \(seconds) s; killed"
        case .failed(let executable, let errorOutput): "\(executable) failed: \(errorOutput)"
        }
    }
}
