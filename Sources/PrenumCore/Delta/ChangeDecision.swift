/// Decides what one subscriber is told about one record, from the version it was last sent
/// under and the version it may see now.
///
/// `held` is what the recipient still has after applying the current window; `now` is what it
/// may see. The record is placed under the person it belongs to now, or, when it is being
/// removed, under the person it was held under, so that each record appears exactly once in a
/// file even when upstream moved it between persons.
enum ChangeDecision: Equatable, Sendable {
    case none
    case new(RecordVersion)
    case changed(RecordVersion)
    case removed(RecordKey, pnr: String)

    /// The person element this change belongs in.
    var pnr: String? {
        switch self {
        case .none: return nil
        case .new(let version), .changed(let version): return version.pnr
        case .removed(_, let pnr): return pnr
        }
    }

    /// - Parameters:
    ///   - old: the version as of the subscriber's last file (nil: absent then).
    ///   - new: the version now (nil: deleted, or its person is tracked by nobody).
    ///   - heldTerms: the subscriber's terms for `old.pnr` as of its last file.
    ///   - nowTerms: the subscriber's terms for `new.pnr` now.
    static func decide(
        old: RecordVersion?, new: RecordVersion?, heldTerms: PersonTerms?, nowTerms: PersonTerms?,
        visibility: Visibility
    ) -> ChangeDecision {
        let held = old.map { visibility.isVisible($0, terms: heldTerms) } ?? false
        let now = new.map { visibility.isVisible($0, terms: nowTerms) } ?? false
        switch (held, now) {
        case (false, true):
            return new.map { .new($0) } ?? .none
        case (true, true):
            guard let old, let new, visibility.deliveredFieldsDiffer(old, new) else { return .none }
            return .changed(new)
        case (true, false):
            guard let old else { return .none }
            return .removed(old.key, pnr: old.pnr)
        case (false, false):
            return .none
        }
    }
}
