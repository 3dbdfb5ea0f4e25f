/// What happened to a record since the subscriber's previous file, as written in `change`.
public enum RecordChangeKind: String, Sendable, CaseIterable {
    case new = "NEW"
    case changed = "CHANGED"
    case removed = "REMOVED"
}
