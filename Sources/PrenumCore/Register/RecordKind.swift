/// The kinds of register record Prenum delivers. Every per-kind fact (table, journal name,
/// element name, order in files) is a switch here, so adding a kind makes the compiler name
/// every place that must learn about it.
public enum RecordKind: Int, Sendable, Comparable, CaseIterable {
    // The raw value is stored in the state database and orders records in files: cases first.
    case benefitCase = 0
    case payment = 1

    /// The register table the records live in.
    var registerTable: String {
        switch self {
        case .benefitCase: return "benefit_case"
        case .payment: return "payment"
        }
    }

    /// Register tables whose rows belong to a record of this kind, each with the column naming
    /// the record: a change to them journals a change to the record.
    var childTables: [(table: String, recordColumn: String)] {
        switch self {
        case .benefitCase: return []
        case .payment: return [("payment_deduction", "payment_id")]
        }
    }

    /// The value of `change_log.entity` for this kind.
    var journalName: String {
        switch self {
        case .benefitCase: return "case"
        case .payment: return "payment"
        }
    }

    /// The element name in delivery files.
    public var elementName: String {
        switch self {
        case .benefitCase: return "case"
        case .payment: return "payment"
        }
    }

    public init?(journalName: String) {
        guard let kind = Self.allCases.first(where: { $0.journalName == journalName }) else { return nil }
        self = kind
    }

    public init?(elementName: String) {
        guard let kind = Self.allCases.first(where: { $0.elementName == elementName }) else { return nil }
        self = kind
    }

    public static func < (lhs: RecordKind, rhs: RecordKind) -> Bool { lhs.rawValue < rhs.rawValue }
}
