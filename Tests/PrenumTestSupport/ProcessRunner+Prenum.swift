import Foundation
import XCTest

extension ProcessRunner {
    /// The package's root folder, for scripts and artefacts the tests check.
    public static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// The debug build of `prenum`, the one `swift build --build-tests` leaves.
    public static var debugPrenum: String { packageRoot.appendingPathComponent(".build/debug/prenum").path }

    /// The debug build, or `PRENUM_BINARY` (the long scripts use the release build).
    public static var prenumBinary: String { ProcessInfo.processInfo.environment["PRENUM_BINARY"] ?? debugPrenum }

    /// Runs `prenum arguments --config <root>/config/prenum.json` (without `--config` when not
    /// `configured`), with no inherited fault switch and no inbox look. `killAfter` seconds after
    /// the start it is sent SIGKILL unless it has ended. `shell` wraps the call in `bash -c` (for
    /// `ulimit`, `umask`), with the command line appended after `shell`.
    public static func prenum(
        _ arguments: [String], in root: URL, environment extra: [String: String] = [:], configured: Bool = true,
        killAfter: TimeInterval? = nil, shell: String? = nil
    ) throws -> ProcessOutcome {
        var environment = ProcessInfo.processInfo.environment
        for key in environment.keys where key.hasPrefix("PRENUM_FAULT") { environment[key] = nil }
        // The look before population files are read: tests drop files just before each run.
        environment["PRENUM_INBOX_LOOK_MS"] = environment["PRENUM_INBOX_LOOK_MS"] ?? "0"
        for (key, value) in extra { environment[key] = value }
        let all = arguments + (configured ? ["--config", root.appendingPathComponent("config/prenum.json").path] : [])
        if let shell {
            let line = shell + " " + ([prenumBinary] + all).map(quoted).joined(separator: " ")
            return try run("/bin/bash", ["-c", line], environment: environment, killAfter: killAfter)
        }
        return try run(prenumBinary, all, environment: environment, killAfter: killAfter)
    }

    /// Fails (not skips) the test when there is no binary to run: a missing build must not pass.
    public static func requirePrenum(file: StaticString = #filePath, line: UInt = #line) throws {
        guard FileManager.default.isExecutableFile(atPath: prenumBinary) else {
            XCTFail("build prenum first: \(prenumBinary)", file: file, line: line)
            throw XCTSkip("no binary")
        }
    }
}
