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
            if profile.formatVersion == 1 && payment.status != "executed" { return false }
            return payment.paymentDate >= firstDay
        case .benefitCase(let benefitCase):
            guard let closed = benefitCase.closedOn else { return true }
            return closed >= firstDay
        }
    }

    /// Whether a recipient of this format would see a difference between two versions.
    public func deliveredFieldsDiffer(_ old: RecordVersion, _ new: RecordVersion) -> Bool {
        if old.pnr != new.pnr || old.benefit != new.benefit { return true }
        switch (old.body, new.body) {
        case (.payment(let a), .payment(let b)):
            if profile.formatVersion >= 2 { return a != b }
            return a.periodFrom != b.periodFrom || a.periodTo != b.periodTo || a.paymentDate != b.paymentDate
                || a.grossOre != b.grossOre || a.taxOre != b.taxOre
        case (.benefitCase(let a), .benefitCase(let b)):
            return a != b
        default:
            return true
        }
    }
}
