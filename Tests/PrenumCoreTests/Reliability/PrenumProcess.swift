import Foundation
import XCTest

/// The real `prenum` binary as cron starts it, with the option to kill it with SIGKILL after a
/// delay (a power cut, an OOM kill) and with its standard error kept in a file for the log checks.
enum PrenumProcess {
    struct Outcome {
        /// The exit code, or the signal number when `killed`.
        let status: Int32
        /// Ended by a signal (SIGKILL from the test or from the fault injector).
        let killed: Bool
        let output: String
        let errorOutput: String

        /// The event of the last log line the process wrote (`event=...`), to tell where it was.
        var lastEvent: String? {
            for line in errorOutput.split(separator: "\n").reversed() {
                for field in line.split(separator: " ") where field.hasPrefix("event=") {
                    return String(field.dropFirst("event=".count))
                }
            }
            return nil
        }
    }

    /// The debug build, or `PRENUM_BINARY` (the long scripts use the release build).
    static var binary: String { ProcessInfo.processInfo.environment["PRENUM_BINARY"] ?? FaultInjectionTests.prenum }

    /// Runs `prenum arguments --config <root>/config/prenum.json` (without `--config` when not
    /// `configured`); `killAfter` seconds after the
    /// start it is sent SIGKILL unless it has ended. `shell` wraps the call in `bash -c` (for
    /// `ulimit`), with the command line appended after `shell`.
    static func run(_ arguments: [String], in root: URL, environment extra: [String: String] = [:], configured: Bool = true,
                    killAfter: TimeInterval? = nil, shell: String? = nil) throws -> Outcome {
        var environment = ProcessInfo.processInfo.environment
        for key in environment.keys where key.hasPrefix("PRENUM_FAULT") { environment[key] = nil }
        // The look before population files are read: tests drop files just before each run.
        environment["PRENUM_INBOX_LOOK_MS"] = environment["PRENUM_INBOX_LOOK_MS"] ?? "0"
        for (key, value) in extra { environment[key] = value }
        let all = arguments + (configured ? ["--config", root.appendingPathComponent("config/prenum.json").path] : [])
        let process = Process()
        if let shell {
            process.executableURL = URL(fileURLWithPath: "/bin/bash")
            process.arguments = ["-c", shell + " " + ([binary] + all).map(quoted).joined(separator: " ")]
        } else {
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = all
        }
        process.environment = environment
        let id = UUID().uuidString.prefix(8)
        let outPath = NSTemporaryDirectory() + "prenum-out-\(id)"
        let errPath = NSTemporaryDirectory() + "prenum-err-\(id)"
        FileManager.default.createFile(atPath: outPath, contents: nil)
        FileManager.default.createFile(atPath: errPath, contents: nil)
        defer {
            try? FileManager.default.removeItem(atPath: outPath)
            try? FileManager.default.removeItem(atPath: errPath)
        }
        process.standardOutput = FileHandle(forWritingAtPath: outPath)
        process.standardError = FileHandle(forWritingAtPath: errPath)
        try process.run()
        if let killAfter {
            let deadline = Date().addingTimeInterval(killAfter)
            while process.isRunning, Date() < deadline { usleep(500) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, killed: process.terminationReason == .uncaughtSignal,
                       output: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
                       errorOutput: String(decoding: (try? Data(contentsOf: URL(fileURLWithPath: errPath))) ?? Data(), as: UTF8.self))
    }

    static func quoted(_ word: String) -> String {
        "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    static func requireBinary(file: StaticString = #filePath, line: UInt = #line) throws {
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            XCTFail("build prenum first: \(binary)", file: file, line: line)
            throw XCTSkip("no binary")
        }
    }
}
