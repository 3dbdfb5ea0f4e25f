import Foundation

/// What a finished tool or `prenum` process left behind.
public struct ProcessOutcome: Sendable {
    /// The exit code, or the signal number when `killed`.
    public let status: Int32
    /// Ended by a signal (SIGKILL from the test, or the fault injector's own).
    public let killed: Bool
    public let outputData: Data
    public let errorOutput: String

    public var output: String { String(decoding: outputData, as: UTF8.self) }

    public init(status: Int32, killed: Bool = false, outputData: Data, errorOutput: String) {
        self.status = status
        self.killed = killed
        self.outputData = outputData
        self.errorOutput = errorOutput
    }

    public init(status: Int32, killed: Bool = false, output: String, errorOutput: String) {
        self.init(status: status, killed: killed, outputData: Data(output.utf8), errorOutput: errorOutput)
    }

    /// The event of the last log line the process wrote (`event=...`), to tell where it was.
    public var lastEvent: String? {
        for line in errorOutput.split(separator: "\n").reversed() {
            for field in line.split(separator: " ") where field.hasPrefix("event=") {
                return String(field.dropFirst("event=".count))
            }
        }
        return nil
    }
}
