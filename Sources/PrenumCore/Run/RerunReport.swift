/// What `prenum rerun` did or, with `--dry-run`, would do, file pair by file pair.
public struct RerunReport: Sendable {
    public enum Action: String, Sendable {
        /// Copied from the archive into the outbox.
        case published
        /// The outbox already holds these exact bytes.
        case alreadyPresent = "already-present"
        /// `--dry-run`: would be copied.
        case wouldPublish = "would-publish"
    }

    public struct Entry: Sendable {
        public let fileName: String
        public let sequence: Int64
        public let businessDate: CalendarDate
        /// One action per file of the pair: signature, then data.
        public let signature: Action
        public let data: Action
    }

    public let subscriber: String
    public let from: CalendarDate
    public let to: CalendarDate
    public let outbox: String
    public let dryRun: Bool
    let entries: [Entry]

    public var text: String {
        guard !entries.isEmpty else {
            return "no deliveries to \(subscriber) with business dates \(from)..\(to); nothing to re-publish\n"
        }
        // A pair whose both files were already in place was checked, not published again.
        let inPlace = entries.filter { $0.signature == .alreadyPresent && $0.data == .alreadyPresent }.count
        let copied = entries.count - inPlace
        var text =
            "\(dryRun ? "would re-publish" : "re-published") \(copied) file pair(s) for \(subscriber) (\(from)..\(to)) into \(outbox)"
        if inPlace > 0 { text += ", \(inPlace) already in place" }
        text += "; archive hashes checked\n"
        for entry in entries {
            text += "  \(entry.fileName)  sig=\(entry.signature.rawValue) xml=\(entry.data.rawValue)\n"
        }
        return text
    }
}
