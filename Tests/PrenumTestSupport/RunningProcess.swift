import Foundation

/// A process started by a test and not yet waited for: a lock holder in the background, or a run to
/// be cut short. Its output goes to files, not pipes, so neither a chatty tool nor a killed shell's
/// orphan can block the test.
public final class RunningProcess {
    private let process: Process
    private let ended = DispatchSemaphore(value: 0)
    private let scratch: TemporaryFolder
    private var outcome: ProcessOutcome?

    public var processIdentifier: Int32 { process.processIdentifier }
    public var isRunning: Bool { process.isRunning }

    init(executable: String, arguments: [String], environment: [String: String]?) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        scratch = try TemporaryFolder("prenum-process")
        for name in ["out", "err"] { FileManager.default.createFile(atPath: scratch.file(name), contents: nil) }
        process.standardOutput = FileHandle(forWritingAtPath: scratch.file("out"))
        process.standardError = FileHandle(forWritingAtPath: scratch.file("err"))
        let ended = ended
        process.terminationHandler = { _ in ended.signal() }
        try process.run()
    }

    /// Waits for the end; `killAfter` seconds in, SIGKILL (a power cut, an OOM kill) and the
    /// outcome says `killed`; at `timeout` the process is killed and this throws.
    public func finish(killAfter: TimeInterval? = nil, timeout: TimeInterval = ProcessRunner.defaultTimeout) throws -> ProcessOutcome {
        if let outcome { return outcome }
        if let killAfter, ended.wait(timeout: .now() + killAfter) == .timedOut {
            kill(process.processIdentifier, SIGKILL)
            ended.wait()
        } else if killAfter == nil, ended.wait(timeout: .now() + timeout) == .timedOut {
            kill(process.processIdentifier, SIGKILL)
            ended.wait()
            throw ProcessRunnerError.timedOut(executable: process.executableURL?.path ?? "?", seconds: timeout)
        }
        process.waitUntilExit()
        let finished = ProcessOutcome(
            status: process.terminationStatus, killed: process.terminationReason == .uncaughtSignal,
            outputData: (try? Data(contentsOf: scratch.fileURL("out"))) ?? Data(),
            errorOutput: String(decoding: (try? Data(contentsOf: scratch.fileURL("err"))) ?? Data(), as: UTF8.self))
        outcome = finished
        return finished
    }

    /// Ends a background process (SIGTERM) and waits for it.
    public func stop() {
        guard outcome == nil else { return }
        if process.isRunning { process.terminate() }
        _ = try? finish()
    }

    deinit {
        if outcome == nil, process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}
