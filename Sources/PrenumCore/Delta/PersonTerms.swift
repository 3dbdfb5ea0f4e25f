/// The terms on which one person is in one subscriber's population: the from-date from which
/// records are wanted. A person without required consent has no terms at all: nothing of
/// theirs is visible.
struct PersonTerms: Hashable, Sendable {
    let fromDate: String?

    init(fromDate: String?) {
        self.fromDate = fromDate
    }

    /// Terms for a population row, or nil when the person is not visible to the subscriber.
    static func of(present: Bool, consent: Bool, fromDate: String?, requiresConsent: Bool) -> PersonTerms? {
        guard present, consent || !requiresConsent else { return nil }
        return PersonTerms(fromDate: fromDate)
    }
}
