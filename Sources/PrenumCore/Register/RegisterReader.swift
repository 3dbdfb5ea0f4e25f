import Foundation
import PrenumSQLite

/// Read-only access to the upstream register.
///
/// The register belongs to the agency's case and payment systems: it is opened read-only, so
/// SQLite itself refuses any write, and every read happens inside one short snapshot.
public final class RegisterReader {
    let database: Database
    public let path: String

    /// A register problem with the exit code an operator needs: missing (66), not a register
    /// (65), locked upstream past the busy timeout (75).
    public struct Failure: PrenumFailure {
        public let exitCode: ExitCode
        public let description: String
    }

    /// How long a read waits for an upstream writer's lock before giving up (exit 75).
    let busyTimeoutMilliseconds: Int32

    public init(path: String, busyTimeoutMilliseconds: Int32 = 10_000) throws {
        self.path = path
        self.busyTimeoutMilliseconds = busyTimeoutMilliseconds
        guard FileManager.default.fileExists(atPath: path) else {
            throw Failure(exitCode: .noInput, description: "register \(path) does not exist")
        }
        if let problem = RegisterAccess.writeAheadLogProblem(path: path) { throw problem }
        do {
            database = try Database(path: path, mode: .readOnly, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
            let problems = try RegisterIntegrity.problems(database)
            guard problems.isEmpty else { throw RegisterIntegrity.failure(path: path, problems: problems) }
        } catch let error as SQLiteError {
            throw Self.failure(error, path: path)
        }
    }

    static func failure(_ error: SQLiteError, path: String) -> Failure {
        let description: String
        if error.isBusy {
            description = "register \(path) stayed locked by an upstream writer past the busy timeout; try again later (\(error.message))"
        } else if error.isCorrupt {
            description = "register \(path) is not a SQLite database or is damaged (\(error.message))"
        } else if error.isCannotOpen {
            description = "register \(path) cannot be opened (\(error.message))"
        } else {
            description = "register \(path): \(error.description)"
        }
        return Failure(exitCode: ExitCode.of(error, file: .input), description: description)
    }

    /// The register as a `file:` URI that SQLite opens read-only when attached, so even an
    /// attached register refuses every write.
    var readOnlyURI: String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var escaped = ""
        for character in absolute {
            switch character {
            case "%": escaped += "%25"
            case "?": escaped += "%3F"
            case "#": escaped += "%23"
            default: escaped.append(character)
            }
        }
        return "file:\(escaped)?mode=ro"
    }
}
