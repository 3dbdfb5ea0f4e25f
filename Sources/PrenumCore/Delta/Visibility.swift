/// SPEC section 4's visibility rule for one record version, one subscriber and one date.
///
/// This is the single production definition; the tests check it against an independently
/// written SQL query over the register.
struct Visibility: Sendable {
    let profile: DeliveryProfile
    /// `YYYY-MM-DD` of the window's first day; text comparison matches date order.
    let windowStart: String

    /// The benefits the law permits for the subscriber's category; nil: not checked here
    /// (the configuration loader already refuses an order outside them).
    let permittedBenefits: Set<String>?

    init(profile: DeliveryProfile, businessDate: CalendarDate, permittedBenefits: Set<String>? = nil) {
        self.profile = profile
        self.windowStart = profile.windowStart(on: businessDate).description
        self.permittedBenefits = permittedBenefits
    }

    /// Whether `version` is visible to a subscriber that has its person on `terms`.
    func isVisible(_ version: RecordVersion, terms: PersonTerms?) -> Bool {
        decidingRule(version, standing: terms.map { .member($0) } ?? .absent) == nil
    }

    /// The first rule of `VisibilityRule`'s order that keeps `version` from the subscriber, or
    /// nil when it is visible.
    func decidingRule(_ version: RecordVersion, standing: PopulationStanding) -> VisibilityRule? {
        let terms: PersonTerms
        switch standing {
        case .absent: return .notInPopulation
        case .withoutRequiredConsent: return .noConsent
        case .member(let member): terms = member
        }
        // A payment's date, or a closed case's closing date; an open case has none.
        let date: String?
        switch version.body {
        case .payment(let payment): date = payment.paymentDate
        case .benefitCase(let benefitCase): date = benefitCase.closedOn
        }
        if let date {
            if let from = terms.fromDate, date < from { return .beforeFromDate }
            if date < windowStart { return .outsideWindow }
        }
        if let permittedBenefits, !permittedBenefits.contains(version.benefit) { return .notPermittedForCategory }
        if !profile.benefits.contains(version.benefit) { return .benefitNotOrdered }
        if case .payment(let payment) = version.body {
            if payment.status == "cancelled" { return .cancelled }
            if !profile.formatVersion.seesPreliminaryPayments && payment.status != "executed" { return .onlyExecutedInFormat }
        }
        return nil
    }

    /// Whether a recipient of this format would see a difference between two versions.
    func deliveredFieldsDiffer(_ old: RecordVersion, _ new: RecordVersion) -> Bool {
        profile.formatVersion.deliveredFieldsDiffer(old, new)
    }
}
