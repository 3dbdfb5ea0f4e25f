import Foundation

/// The report beside a rejected file, written as problems are found so that a file with
/// millions of bad lines needs no memory for them. It is built under a temporary name in
/// rejected/ and only given its final name once complete.
final class RejectionReport {
    /// Beyond this many listed lines the report only counts; a subscriber fixing a wholly
    /// wrong file needs the pattern, not a second copy of the file.
    static let maximumListedLines = 10_000
    static let suffix = ".report.txt"

    private let temporaryPath: String
    private var descriptor: Int32
    private var buffer: [UInt8] = []
    private(set) var listed = 0
    private(set) var total = 0

    init(folder: String, subscriber: String, fileName: String) throws {
        try DurableFiles.makeFolder(folder)
        temporaryPath = folder + "/.report-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).tmp"
        descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, DurableFiles.fileMode)
        guard descriptor >= 0 else { throw DurableFiles.failure("create", temporaryPath) }
        append("Population file \(fileName) for subscriber \(subscriber) was rejected.\n")
        append("Nothing in it was applied. Correct every line listed below and send the whole file again.\n\n")
    }

    deinit {
        if descriptor >= 0 {
            close(descriptor)
            unlink(temporaryPath)
        }
    }

    func add(_ problem: PopulationLineProblem) throws {
        total += 1
        guard listed < Self.maximumListedLines else { return }
        listed += 1
        append(problem.description + "\n")
        if buffer.count >= 64 * 1024 { try flush() }
    }

    /// A reason that concerns the whole file rather than a line.
    func add(fileReason: String) {
        total += 1
        listed += 1
        append("file: \(fileReason)\n")
    }

    /// Writes the summary, makes the report durable and gives it its final name.
    /// `lines` is nil when the file was refused as a whole.
    func install(at path: String, sha256: String?, lines: Int?) throws {
        if total > listed { append("... and \(total - listed) more bad lines not listed\n") }
        if let lines {
            append("\n\(total) bad \(total == 1 ? "line" : "lines") in \(lines) \(lines == 1 ? "line" : "lines") after the header.\n")
        }
        if let sha256 { append("SHA-256 of the file: \(sha256)\n") }
        try flush()
        guard fsync(descriptor) == 0 else { throw DurableFiles.failure("flush", temporaryPath) }
        close(descriptor)
        descriptor = -1
        guard rename(temporaryPath, path) == 0 else {
            let error = DurableFiles.failure("rename into place", path)
            unlink(temporaryPath)
            throw error
        }
    }

    private func append(_ text: String) {
        buffer.append(contentsOf: text.utf8)
    }

    private func flush() throws {
        try buffer.withUnsafeBytes { try DurableFiles.writeAll(descriptor, $0, path: temporaryPath) }
        buffer.removeAll(keepingCapacity: true)
    }
}
