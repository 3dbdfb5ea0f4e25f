import Foundation
import PrenumCrypto

/// The archived copies of a subscriber's applied population files, named by their place in
/// the subscriber's order of application (SPEC section 3), so that `prenum recover` can rebuild
/// the population from the archive alone.
///
/// A copy is `<archive>/<id>/population/<index, 8 digits>-<SHA-256>-<file name>`. The index is
/// the file's place among the subscriber's applied files (the state records it with the file);
/// the copy is made before the state transaction that applies the file commits. A process
/// killed between the two leaves a copy at the next index that the state does not count: the
/// next import of that subscriber puts its own file at that index and removes the leftover, and
/// a rebuild that finds it applies it — its file is then still in the inbox, and its bytes are
/// recognised as applied, so nothing is counted twice.
struct PopulationArchive: Sendable {
    let archiveRoot: String

    init(archiveRoot: String) {
        self.archiveRoot = archiveRoot
    }

    static let folderName = "population"

    func folder(subscriber: String) -> String {
        ((archiveRoot as NSString).appendingPathComponent(subscriber) as NSString).appendingPathComponent(Self.folderName)
    }

    /// One archived copy, as its name describes it.
    struct Entry: Hashable, Sendable {
        let index: Int64
        let sha256: String
        /// The name the subscriber gave the file (`full-` files replace the population).
        let originalName: String
        let path: String

        var isFull: Bool { originalName.hasPrefix("full-") }

        static func name(index: Int64, sha256: String, originalName: String) -> String {
            let digits = String(index)
            return String(repeating: "0", count: max(0, 8 - digits.count)) + digits + "-" + sha256 + "-" + originalName
        }

        /// Parses an archived name; nil for anything else (temporary copies, stray files).
        init?(name: String, folder: String) {
            let parts = name.split(separator: "-", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3, parts[0].utf8.count >= 8, parts[0].utf8.allSatisfy(DeliveryHeader.isDigit),
                let index = Int64(parts[0]), index >= 1,
                parts[1].utf8.count == 64, parts[1].utf8.allSatisfy({ DeliveryHeader.isDigit($0) || (97...102).contains($0) }),
                !parts[2].isEmpty
            else { return nil }
            self.index = index
            sha256 = String(parts[1])
            originalName = String(parts[2])
            path = (folder as NSString).appendingPathComponent(name)
        }
    }

    /// The subscriber's archived copies by index, read from the folder listing only. Several
    /// entries may share an index only if the archive was tampered with; callers decide.
    func entries(subscriber: String) throws -> [Entry] {
        let folder = folder(subscriber: subscriber)
        guard DurableFiles.exists(folder) else { return [] }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder)
        } catch {
            throw OperationFailure(.noInput, "cannot list the population archive \(folder): \(error.localizedDescription)")
        }
        return names.compactMap { Entry(name: $0, folder: folder) }.sorted { ($0.index, $0.sha256) < ($1.index, $1.sha256) }
    }

    /// The archive holds copies the state does not count: it is ahead of the state.
    struct AheadOfState: PrenumFailure {
        let subscriber: String
        let archivedIndex: Int64
        let stateIndex: Int64
        var exitCode: ExitCode { .dataError }
        var description: String {
            "the archive holds population file \(archivedIndex) of \(subscriber), but the state database counts only \(stateIndex - 1) applied: the state is older than the archive; run `prenum recover` (docs/OPERATIONS.md, \"Recovering the state database\")"
        }
    }

    /// Copies the inbox file at `source` as the subscriber's `index`-th applied file, before the
    /// state transaction that applies it commits. Returns the copy's SHA-256, which the caller
    /// compares with the bytes it parsed (a file changed in between is not applied).
    func store(source: String, subscriber: String, index: Int64, sha256: String, originalName: String) throws -> String {
        let folder = folder(subscriber: subscriber)
        try DurableFiles.makeFolder((folder as NSString).deletingLastPathComponent)
        try DurableFiles.makeFolder(folder)
        var removed = false
        for entry in try entries(subscriber: subscriber) where entry.index >= index {
            guard entry.index == index else {
                throw AheadOfState(subscriber: subscriber, archivedIndex: entry.index, stateIndex: index)
            }
            // A copy of an import killed before its commit.
            unlink(entry.path)
            removed = true
        }
        if removed { try DurableFiles.sync(folder: folder) }
        let target = (folder as NSString).appendingPathComponent(Entry.name(index: index, sha256: sha256, originalName: originalName))
        try DurableFiles.copy(source, to: target)
        return try SHA256Digest.hex(ofFile: target)
    }

    /// Takes back a copy whose state transaction did not commit.
    func discard(subscriber: String, index: Int64, sha256: String, originalName: String) {
        unlink(
            (folder(subscriber: subscriber) as NSString).appendingPathComponent(
                Entry.name(index: index, sha256: sha256, originalName: originalName)))
    }
}
