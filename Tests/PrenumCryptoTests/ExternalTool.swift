import Foundation

/// Runs a real command-line tool (openssl, sha256sum) as the independent other side of a test.
struct ExternalTool {
    struct Outcome {
        let status: Int32
        let output: Data
        let errorText: String
        var text: String { String(decoding: output, as: UTF8.self) }
    }

    static func run(_ executable: String, _ arguments: [String]) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read before waiting so a chatty tool cannot block on a full pipe.
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, output: output, errorText: String(decoding: errors, as: UTF8.self))
    }

    static func openssl(_ arguments: String...) throws -> Outcome {
        try run("/usr/bin/openssl", arguments)
    }

    /// The hex digest printed by coreutils' sha256sum.
    static func sha256sum(_ path: String) throws -> String {
        let outcome = try run("/usr/bin/sha256sum", [path])
        return String(outcome.text.prefix(64))
    }
}

/// A scratch folder removed after the test.
final class ScratchDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "prenum-crypto-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { path + "/" + name }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

func fileMode(_ path: String) throws -> Int {
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
}
