import Foundation

/// The folder rules of SPEC section 2, judged on real paths (symbolic links followed): two
/// subscribers' outboxes that are one folder through a link would put one subscriber's files in
/// the other's folder, and an outbox equal to an inbox would have its published files taken for
/// population files the next night.
enum FolderRules {
    /// A configured folder or file with the field that names it in `prenum.json`.
    struct Place {
        let field: String
        let what: String
        let path: String
        let real: String
    }

    /// Reports every broken rule to `reader` (exit 78), naming both fields.
    static func check(
        register: String?, stateDatabase: String?, inbox: String?, outbox: String?, archive: String?,
        subscribers: [(index: Int, subscriber: Subscriber)], reader: JSONFieldReader
    ) {
        func place(_ field: String, _ what: String, _ path: String) -> Place {
            Place(field: field, what: what, path: path, real: realPath(path))
        }
        var outboxes: [Place] = []
        var inboxes: [Place] = []
        for (index, subscriber) in subscribers {
            let prefix = "subscribers[\(index)]"
            if let override = subscriber.outboxOverride {
                outboxes.append(place(prefix + ".outbox", "the outbox of \(prefix)", override))
            } else if let outbox {
                outboxes.append(place(prefix + ".id", "the outbox of \(prefix)", outbox + "/" + subscriber.id))
            }
            if let inbox { inboxes.append(place(prefix + ".id", "the inbox of \(prefix)", inbox + "/" + subscriber.id)) }
        }
        let inboxRoot = inbox.map { place("inbox", "the inbox root", $0) }
        let outboxRoot = outbox.map { place("outbox", "the outbox root", $0) }
        let archivePlace = archive.map { place("archive", "the archive", $0) }

        for (offset, box) in outboxes.enumerated() {
            // The same folder by name is already reported by the subscribers' own check.
            for other in outboxes[..<offset] where other.path != box.path {
                reportOverlap(box, other, reader: reader)
            }
            for other in inboxes + [inboxRoot, archivePlace].compactMap({ $0 }) {
                reportOverlap(box, other, reader: reader)
            }
            if let outboxRoot, box.real == outboxRoot.real || contains(box.real, outboxRoot.real) {
                reader.report(
                    box.field, expected: "an outbox folder inside or beside the outbox root, not the root itself or around it",
                    found: "\(box.real), \(relation(box.real, outboxRoot.real)) \(outboxRoot.what) (\(outboxRoot.real))")
            }
        }
        for (offset, box) in inboxes.enumerated() {
            for other in inboxes[..<offset] { reportOverlap(box, other, reader: reader) }
        }
        let files = [
            register.map { place("register", "the register", $0) },
            stateDatabase.map { place("stateDatabase", "the state database", $0) },
            archivePlace
        ].compactMap { $0 }
        for file in files {
            for box in outboxes + inboxes where file.real == box.real || contains(box.real, file.real) {
                // The archive around or equal to an outbox is reported above.
                if file.field == "archive" && box.what.hasPrefix("the outbox") { continue }
                reader.report(
                    file.field, expected: "a place outside every outbox and inbox",
                    found: "\(file.real), \(relation(file.real, box.real)) \(box.what) (\(box.real))")
            }
        }
    }

    private static func reportOverlap(_ box: Place, _ other: Place, reader: JSONFieldReader) {
        guard box.real == other.real || contains(box.real, other.real) || contains(other.real, box.real) else { return }
        reader.report(
            box.field, expected: "a folder of its own, neither inside nor around \(other.what) (\(other.field))",
            found: "\(box.real) after following links, \(relation(box.real, other.real)) \(other.what) (\(other.real))")
    }

    private static func relation(_ path: String, _ other: String) -> String {
        if path == other { return "the same folder as" }
        return contains(other, path) ? "inside" : "around"
    }

    /// True when `path` lies strictly inside `folder`.
    static func contains(_ folder: String, _ path: String) -> Bool {
        folder == "/" ? path != "/" : path.hasPrefix(folder + "/")
    }

    /// `path` with every symbolic link followed: the longest existing prefix through
    /// `realpath`, the rest (not created yet) appended as written.
    static func realPath(_ path: String) -> String {
        var existing = path
        var rest: [String] = []
        while true {
            if let resolved = realpath(existing, nil) {
                defer { free(resolved) }
                let base = String(cString: resolved)
                guard !rest.isEmpty else { return base }
                return ConfigurationPath.resolve(rest.reversed().joined(separator: "/"), against: base)
            }
            // A dangling link stays as written: there is no folder to compare with.
            if existing == "/" || existing.isEmpty { return path }
            rest.append((existing as NSString).lastPathComponent)
            existing = (existing as NSString).deletingLastPathComponent
        }
    }
}

extension ConfigurationLoader {
    /// Each valid subscriber with its place in the `subscribers` array, for messages.
    static func subscriberIndices(items: Any?, subscribers: [Subscriber]) -> [(index: Int, subscriber: Subscriber)] {
        let objects = (items as? [Any]) ?? []
        return subscribers.map { subscriber in
            let index = objects.firstIndex { ($0 as? [String: Any])?["id"] as? String == subscriber.id } ?? 0
            return (index, subscriber)
        }
    }
}
