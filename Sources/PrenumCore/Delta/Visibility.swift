/// SPEC section 4's visibility rule for one record version, one subscriber and one date.
///
/// This is the single production definition; the tests check it against an independently
/// written SQL query over the register.
public struct Visibility: Sendable {
    public let profile: DeliveryProfile
    /// `YYYY-MM-DD` of the window's first day; text comparison matches date order.
    public let windowStart: String

    public init(profile: DeliveryProfile, businessDate: CalendarDate) {
        self.profile = profile
        self.windowStart = profile.windowStart(on: businessDate).description
    }

    /// Whether `version` is visible to a subscriber that has its person on `terms`.
    public func isVisible(_ version: RecordVersion, terms: PersonTerms?) -> Bool {
        guard let terms, profile.benefits.contains(version.benefit) else { return false }
        var firstDay = windowStart
        if let from = terms.fromDate, from > firstDay { firstDay = from }
        switch version.body {
        case .payment(let payment):
            if payment.status == "cancelled" { return false }
            if !profile.formatVersion.seesPreliminaryPayments && payment.status != "executed" { return false }
            return payment.paymentDate >= firstDay
        case .benefitCase(let benefitCase):
            guard let closed = benefitCase.closedOn else { return true }
            return closed >= firstDay
        }
    }

    /// Whether a recipient of this format would see a difference between two versions.
    public func deliveredFieldsDiffer(_ old: RecordVersion, _ new: RecordVersion) -> Bool {
        profile.formatVersion.deliveredFieldsDiffer(old, new)
    }
}
