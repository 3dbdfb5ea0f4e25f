import Foundation

/// The one way tests start another process: a real tool (openssl, sqlite3, xmllint) as the
/// independent other side of a check, or the built `prenum` as cron starts it.
public enum ProcessRunner {
    /// Long enough for the slowest tool-backed test on a loaded machine; only a hang reaches it.
    public static let defaultTimeout: TimeInterval = 1_800

    /// Runs `executable` to its end; `environment` nil inherits the test's own.
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil,
        killAfter: TimeInterval? = nil, timeout: TimeInterval = defaultTimeout
    ) throws -> ProcessOutcome {
        try start(executable, arguments, environment: environment).finish(killAfter: killAfter, timeout: timeout)
    }

    /// Starts `executable` in the background; `stop()` or `finish()` it.
    public static func start(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws -> RunningProcess {
        try RunningProcess(executable: executable, arguments: arguments, environment: environment)
    }

    public static func openssl(_ arguments: String...) throws -> ProcessOutcome {
        try run("/usr/bin/openssl", arguments)
    }

    /// The hex digest printed by coreutils' sha256sum.
    public static func sha256sum(_ path: String) throws -> String {
        String(try run("/usr/bin/sha256sum", [path]).output.prefix(64))
    }

    /// Single-quoted for `bash -c`.
    public static func quoted(_ word: String) -> String {
        "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
