import PrenumCore

/// What `prenum verify` found in a folder, file by file, in chain order.
public struct VerificationReport: Sendable {
    public let directory: String
    /// Ordered by subscriber, then sequence; unparseable names last.
    public let files: [FileVerdict]

    public var passed: Bool { files.allSatisfy(\.passed) }

    /// 0 when every file passed, 65 when any failed.
    public var exitCode: ExitCode { passed ? .ok : .dataError }

    public var text: String {
        guard !files.isEmpty else { return "no delivery files (*.xml) in \(directory)\n" }
        let failed = files.filter { !$0.passed }.count
        return files.map { $0.line + "\n" }.joined()
            + "\(files.count) file(s) checked, \(files.count - failed) ok, \(failed) failed\n"
    }
}
