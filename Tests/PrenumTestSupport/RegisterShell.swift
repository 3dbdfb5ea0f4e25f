import Foundation

/// Runs the stock `sqlite3` shell on a database file, so that tests look at registers with
/// a tool that shares no code with Prenum.
public enum RegisterShell {
    public static func run(_ path: String, _ arguments: [String]) throws -> String {
        let result = try ProcessRunner.run("/usr/bin/env", ["sqlite3", "-batch", path] + arguments)
        guard result.status == 0 else {
            throw ProcessRunnerError.failed(executable: "sqlite3", errorOutput: result.errorOutput)
        }
        return result.output
    }

    public static func query(_ path: String, _ sql: String) throws -> String {
        try run(path, [sql]).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
