extension DeliveryProfile {
    /// The profile a subscriber's files are made for under `configuration`.
    public static func of(_ subscriber: Subscriber, historyDays: Int) -> DeliveryProfile {
        DeliveryProfile(
            benefits: Set(subscriber.benefits), formatVersion: subscriber.formatVersion,
            requiresConsent: subscriber.purpose.requiresConsent, historyDays: historyDays)
    }

    /// The profile a stored `fingerprint` was made from, or nil for text no Prenum wrote:
    /// what a recipient holds is judged by the profile of the file it last got.
    public init?(fingerprint: String) {
        var fields: [Substring: Substring] = [:]
        for part in fingerprint.split(separator: ";", omittingEmptySubsequences: false) {
            guard let equals = part.firstIndex(of: "=") else { return nil }
            fields[part[..<equals]] = part[part.index(after: equals)...]
        }
        guard let format = fields["format"].flatMap({ Int($0) }).flatMap(FormatVersion.init(number:)), let consent = fields["consent"],
            let history = fields["historyDays"].flatMap({ Int($0) }), let benefits = fields["benefits"],
            consent == "0" || consent == "1"
        else { return nil }
        self.init(
            benefits: Set(benefits.split(separator: ",").map(String.init)), formatVersion: format,
            requiresConsent: consent == "1", historyDays: history)
        guard self.fingerprint == fingerprint else { return nil }
    }
}

extension Visibility {
    /// What `subscriber` may see on `date`: the one construction the delta and
    /// `prenum explain` share.
    public static func of(_ subscriber: Subscriber, in configuration: Configuration, on date: CalendarDate) -> Visibility {
        Visibility(
            profile: .of(subscriber, historyDays: configuration.historyDays), businessDate: date,
            permittedBenefits: Set(configuration.permittedBenefits(for: subscriber.category)))
    }
}
