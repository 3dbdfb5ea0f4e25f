import Foundation

/// The short look before a population file is read (SPEC section 3): a file whose size or
/// modification time changes during it is still being written, and is left for a later import
/// with the subscriber's later-named files. One look covers every inbox of a run; a file last
/// modified longer ago than the look has already been still that long and is not waited for,
/// so a night whose files arrived during the day does not wait at all.
public struct InboxLook {
    /// The look's length when nothing else is configured (`Tuning.inboxLookSeconds`).
    public static let defaultSeconds: TimeInterval = 1

    struct Stamp: Equatable {
        let inode: UInt64
        let size: Int
        let modifiedSeconds: Int
        let modifiedNanoseconds: Int
    }

    /// A file to look at: its folder and name as on disk.
    struct Candidate: Hashable {
        let folder: String
        let rawName: [UInt8]
    }

    /// The candidates that changed (or went away) during one look of `seconds`.
    static func changed(_ candidates: [Candidate], seconds: TimeInterval, now: Date = Date()) -> Set<Candidate> {
        guard seconds > 0 else { return [] }
        var first: [Candidate: Stamp] = [:]
        for candidate in candidates {
            guard let stamp = stamp(candidate) else { continue }
            let modified = TimeInterval(stamp.modifiedSeconds) + TimeInterval(stamp.modifiedNanoseconds) / 1e9
            if modified > now.timeIntervalSince1970 - seconds { first[candidate] = stamp }
        }
        guard !first.isEmpty else { return [] }
        Thread.sleep(forTimeInterval: seconds)
        return Set(first.filter { stamp($0.key) != $0.value }.keys)
    }

    static func stamp(_ candidate: Candidate) -> Stamp? {
        var info = stat()
        let status = InboxListing.withPath(folder: candidate.folder, rawName: candidate.rawName) { lstat($0, &info) }
        guard status == 0 else { return nil }
        return Stamp(
            inode: UInt64(info.st_ino), size: Int(info.st_size), modifiedSeconds: Int(info.st_mtim.tv_sec),
            modifiedNanoseconds: Int(info.st_mtim.tv_nsec))
    }
}
