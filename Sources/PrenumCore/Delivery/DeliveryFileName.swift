/// `<id>-<sequence, 8 digits>-<YYYYMMDD>-<DELTA|FULL>.xml` and its `.sig`, the names recipients
/// poll for. Sorting these names sorts a subscriber's files by sequence.
public struct DeliveryFileName: Hashable, Sendable {
    public let subscriberID: String
    public let sequence: Int64
    public let businessDate: CalendarDate
    public let kind: DeliveryKind

    public init(subscriberID: String, sequence: Int64, businessDate: CalendarDate, kind: DeliveryKind) {
        self.subscriberID = subscriberID
        self.sequence = sequence
        self.businessDate = businessDate
        self.kind = kind
    }

    /// The data file's name.
    var xmlName: String {
        let digits = String(sequence)
        let padded = String(repeating: "0", count: max(0, 8 - digits.count)) + digits
        return "\(subscriberID)-\(padded)-\(businessDate.compact)-\(kind.rawValue).xml"
    }

    /// The signature file's name: the data file's name plus `.sig`.
    var signatureName: String { xmlName + ".sig" }

    /// Parses a data file's name; nil for anything else (signatures, temporary files,
    /// receipts, names with a bad id, date or sequence).
    public init?(parsing name: String) {
        guard name.hasSuffix(".xml") else { return nil }
        let parts = name.dropLast(4).split(separator: "-", omittingEmptySubsequences: false)
        // The id may itself contain hyphens, so the fixed fields are taken from the end.
        guard parts.count >= 4, let kind = DeliveryKind(rawValue: String(parts[parts.count - 1])),
            let date = CalendarDate(compact: parts[parts.count - 2])
        else { return nil }
        let sequenceText = parts[parts.count - 3]
        // Exactly 8 digits, or more without a leading zero, so each sequence has one name.
        guard sequenceText.utf8.count >= 8, sequenceText.utf8.allSatisfy(DeliveryHeader.isDigit),
            sequenceText.utf8.count == 8 || sequenceText.first != "0",
            let sequence = Int64(sequenceText), sequence >= 1
        else { return nil }
        let id = parts[0..<(parts.count - 3)].joined(separator: "-")
        guard DeliveryHeader.isSubscriberID(id) else { return nil }
        self.init(subscriberID: id, sequence: sequence, businessDate: date, kind: kind)
    }
}
