/// The rules of SPEC section 4's visibility, in the order they are applied, so that "why was
/// this not delivered?" has one answer: the first rule a record fails.
///
/// The delta and `prenum explain` both go through `Visibility.decidingRule`, so what the
/// support desk is told and what the files say cannot disagree.
enum VisibilityRule: String, CaseIterable, Sendable, Codable {
    case notInPopulation = "not-in-population"
    case noConsent = "no-consent"
    case beforeFromDate = "before-from-date"
    case outsideWindow = "outside-window"
    /// Before `benefitNotOrdered`: a benefit the law withholds from the category could not be
    /// ordered at all, which is the answer the support desk needs.
    case notPermittedForCategory = "not-permitted-for-category"
    case benefitNotOrdered = "benefit-not-ordered"
    case cancelled
    case onlyExecutedInFormat = "preliminary-in-format-showing-only-executed"
    /// A version no format can carry, held back until upstream corrects it (the quarantine).
    /// Nothing decides it on this branch yet; the quarantine's check goes here.
    case unrepresentable = "held-back-unrepresentable"

    /// A sentence for an operator.
    var explanation: String {
        switch self {
        case .notInPopulation: return "the person is not in the subscriber's population"
        case .noConsent: return "the subscriber's purpose needs the person's consent, which it has not given"
        case .beforeFromDate: return "the record lies before the from-date the person was ordered from"
        case .outsideWindow: return "the record lies before the history window"
        case .notPermittedForCategory: return "the law does not permit the benefit for the subscriber's category"
        case .benefitNotOrdered: return "the subscriber does not order the benefit"
        case .cancelled: return "the payment is cancelled"
        case .onlyExecutedInFormat: return "the subscriber's format version shows only executed payments"
        case .unrepresentable: return "held back: no format can carry a value of this version"
        }
    }
}

/// How a person stands in one subscriber's population, before any record is looked at.
enum PopulationStanding: Hashable, Sendable {
    case absent
    case withoutRequiredConsent
    case member(PersonTerms)

    /// The standing for a population row (nil: no row).
    static func of(present: Bool, consent: Bool, fromDate: String?, requiresConsent: Bool) -> PopulationStanding {
        guard present else { return .absent }
        guard consent || !requiresConsent else { return .withoutRequiredConsent }
        return .member(PersonTerms(fromDate: fromDate))
    }

    /// The terms the delta uses: nil when nothing of the person is visible.
    var terms: PersonTerms? {
        if case .member(let terms) = self { return terms }
        return nil
    }
}
