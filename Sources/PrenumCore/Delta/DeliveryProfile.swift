/// What a subscriber's files are computed for: the benefits it receives, the format, whether
/// consent gates its persons, and the history window.
///
/// When any of it changes, what the recipient holds no longer matches what a delta would
/// assume, so the next file is a FULL one (as Navet re-baselines a changed order).
struct DeliveryProfile: Hashable, Sendable {
    let benefits: Set<String>
    let formatVersion: FormatVersion
    let requiresConsent: Bool
    let historyDays: Int

    init(benefits: Set<String>, formatVersion: FormatVersion, requiresConsent: Bool, historyDays: Int) {
        self.benefits = benefits
        self.formatVersion = formatVersion
        self.requiresConsent = requiresConsent
        self.historyDays = historyDays
    }

    /// A stable text form stored with each delivery, compared at the next run.
    var fingerprint: String {
        "format=\(formatVersion);consent=\(requiresConsent ? 1 : 0);historyDays=\(historyDays);benefits=\(benefits.sorted().joined(separator: ","))"
    }

    /// The first date of the history window for business date `date`.
    func windowStart(on date: CalendarDate) -> CalendarDate {
        date.adding(days: -historyDays)
    }
}
