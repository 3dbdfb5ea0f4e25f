/// One configured subscriber: who it is, what it may and did order, and where its files go.
public struct Subscriber: Hashable, Sendable {
    /// Safe as a file-name and path component: `[a-z0-9][a-z0-9-]{0,63}`.
    public let id: String
    public let orgNumber: OrganisationNumber
    public let name: String
    public let category: SubscriberCategory
    /// Ordered benefit codes, each permitted for the category (checked when loading).
    public let benefits: [String]
    public let purpose: Purpose
    public let formatVersion: FormatVersion
    /// The provision a format-3 file names; nil: the purpose's default.
    public let legalBasis: String?
    /// From this business date on nothing is delivered; nil while the subscription runs.
    public let terminatedFrom: CalendarDate?
    /// Absolute outbox folder replacing `<outbox root>/<id>` (a subscriber that changed
    /// service provider), or nil.
    let outboxOverride: String?

    public init(
        id: String, orgNumber: OrganisationNumber, name: String, category: SubscriberCategory,
        benefits: [String], purpose: Purpose, formatVersion: FormatVersion,
        terminatedFrom: CalendarDate? = nil, outboxOverride: String? = nil, legalBasis: String? = nil
    ) {
        self.id = id
        self.orgNumber = orgNumber
        self.name = name
        self.category = category
        self.benefits = benefits
        self.purpose = purpose
        self.formatVersion = formatVersion
        self.terminatedFrom = terminatedFrom
        self.outboxOverride = outboxOverride
        self.legalBasis = legalBasis
    }

    /// What a format-3 file names as the disclosure's legal ground.
    var effectiveLegalBasis: String { legalBasis ?? purpose.legalBasis }

    /// Where its delivery files and population receipts go.
    public func outboxFolder(in configuration: Configuration) -> String {
        outboxOverride ?? configuration.outbox + "/" + id
    }

    /// Where it drops its population files.
    func inboxFolder(in configuration: Configuration) -> String {
        configuration.inbox + "/" + id
    }

    /// False from `terminatedFrom` on: a terminated subscriber gets no more files.
    public func isActive(on date: CalendarDate) -> Bool {
        guard let terminatedFrom else { return true }
        return date < terminatedFrom
    }

    /// True when `text` is an acceptable subscriber id. Ids become folder and file names, so
    /// anything that could climb out of a folder or surprise a shell is refused.
    static func isValidID(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard (1...64).contains(bytes.count) else { return false }
        for (offset, byte) in bytes.enumerated() {
            let isLowerOrDigit = (byte >= 0x61 && byte <= 0x7a) || (byte >= 0x30 && byte <= 0x39)
            guard isLowerOrDigit || (offset > 0 && byte == UInt8(ascii: "-")) else { return false }
        }
        return true
    }
}
