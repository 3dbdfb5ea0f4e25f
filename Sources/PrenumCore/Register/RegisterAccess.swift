import Foundation

/// Whether Prenum can open a register read-only at all. A register in write-ahead-log mode
/// needs its `-shm` file even for reading, and SQLite creates it in the register's folder: in a
/// folder Prenum may not write, the open fails with "attempt to write a readonly database", or
/// works, depending on whether upstream happens to hold the register open at that moment.
enum RegisterAccess {
    /// The failure (66) for a WAL register in a folder this process cannot write, or nil.
    static func writeAheadLogProblem(path: String, folderWritable: (String) -> Bool = { access($0, W_OK | X_OK) == 0 }) -> RegisterReader
        .Failure?
    {
        guard isWriteAheadLog(path: path) else { return nil }
        let folder = (path as NSString).deletingLastPathComponent
        guard !folderWritable(folder.isEmpty ? "." : folder) else { return nil }
        return RegisterReader.Failure(
            exitCode: .noInput,
            description:
                "register \(path) is in WAL mode and its folder \(folder) is not writable by this user: SQLite must create \(path)-shm there even to read it, so the register cannot be opened reliably read-only. Fix: give the user Prenum runs as write access to \(folder) (e.g. a group both share, mode 2770), or have upstream keep the register in journal_mode=DELETE (docs/OPERATIONS.md, \"The register\")"
        )
    }

    /// True when the file's header says WAL (bytes 18 and 19 are 2: SQLite's file format).
    static func isWriteAheadLog(path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        guard let header = try? handle.read(upToCount: 20), header.count == 20 else { return false }
        return header[header.startIndex + 18] == 2 && header[header.startIndex + 19] == 2
    }
}
