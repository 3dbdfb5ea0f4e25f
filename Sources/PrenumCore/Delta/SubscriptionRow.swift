import PrenumSQLite

/// One subscriber's row for one person: the population as imported now and as of the
/// subscriber's last file.
struct SubscriptionRow {
    let pnr: String
    let present: Bool
    let consent: Bool
    let fromDate: String?
    let deliveredPresent: Bool
    let deliveredConsent: Bool
    let deliveredFromDate: String?
    let dirty: Bool

    static let columns =
        "s.pnr, s.present, s.consent, s.from_date, s.delivered_present, s.delivered_consent, s.delivered_from_date, s.dirty"
    /// How many result columns `columns` takes: what follows them in a row starts here.
    static let columnCount: Int32 = 8

    init(_ row: Statement) {
        pnr = row.text(0)
        present = row.int64(1) != 0
        consent = row.int64(2) != 0
        fromDate = row.optionalText(3)
        deliveredPresent = row.int64(4) != 0
        deliveredConsent = row.int64(5) != 0
        deliveredFromDate = row.optionalText(6)
        dirty = row.int64(7) != 0
    }

    /// Terms on which the recipient got this person's records in its last file.
    func heldTerms(requiresConsent: Bool) -> PersonTerms? {
        PersonTerms.of(present: deliveredPresent, consent: deliveredConsent, fromDate: deliveredFromDate, requiresConsent: requiresConsent)
    }

    /// Terms on which the person's records are visible now.
    func nowTerms(requiresConsent: Bool) -> PersonTerms? {
        PersonTerms.of(present: present, consent: consent, fromDate: fromDate, requiresConsent: requiresConsent)
    }

    /// Removed from the population since the last file: gets one `unsubscribed` element.
    var isUnsubscribed: Bool { deliveredPresent && !present }
}
