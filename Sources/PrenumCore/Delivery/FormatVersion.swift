/// A delivery format version and everything that differs between versions, in one place, so
/// that adding a version is a compile error in every switch that must decide about it.
public enum FormatVersion: Int, CaseIterable, Sendable, Comparable, CustomStringConvertible {
    case v1 = 1
    case v2 = 2
    case v3 = 3

    public init?(number: Int) { self.init(rawValue: number) }

    public var number: Int { rawValue }
    public var description: String { String(rawValue) }

    public static func < (lhs: FormatVersion, rhs: FormatVersion) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The XML namespace recipients dispatch on.
    var namespace: String {
        switch self {
        case .v1: return "urn:prenum:delivery:v1"
        case .v2: return "urn:prenum:delivery:v2"
        case .v3: return "urn:prenum:delivery:v3"
        }
    }

    /// The shipped XSD's file name (in `Delivery/Schemas`).
    public var schemaFileName: String {
        switch self {
        case .v1: return "delivery-v1.xsd"
        case .v2: return "delivery-v2.xsd"
        case .v3: return "delivery-v3.xsd"
        }
    }

    /// Whether payments carry `company`, `status` and their deductions.
    var deliversPaymentDetails: Bool {
        switch self {
        case .v1: return false
        case .v2, .v3: return true
        }
    }

    /// Version 1 recipients never see a preliminary payment, only executed ones.
    var seesPreliminaryPayments: Bool {
        switch self {
        case .v1: return false
        case .v2, .v3: return true
        }
    }

    /// Whether payments carry the register's `registeredAt`.
    var deliversRegisteredAt: Bool {
        switch self {
        case .v1, .v2: return false
        case .v3: return true
        }
    }

    /// Whether the delivery carries `purpose` and `legalBasis`, and the trailer `visible` and
    /// `fingerprint` of what the recipient holds after the file.
    public var carriesMirrorFingerprint: Bool {
        switch self {
        case .v1, .v2: return false
        case .v3: return true
        }
    }

    /// The attributes a NEW or CHANGED record of this version must carry.
    func requiredAttributes(_ entity: RecordKind) -> [String] {
        switch entity {
        case .benefitCase:
            return ["benefit", "decision", "openedOn"]
        case .payment:
            var names = ["benefit", "paymentDate", "gross", "tax"]
            if deliversPaymentDetails { names += ["company", "status"] }
            if deliversRegisteredAt { names.append("registeredAt") }
            return names
        }
    }

    /// Whether a recipient of this version would see a difference between two versions of a
    /// record: the person it is filed under counts, as does every field this version delivers.
    func deliveredFieldsDiffer(_ old: RecordVersion, _ new: RecordVersion) -> Bool {
        if old.pnr != new.pnr || old.benefit != new.benefit { return true }
        switch (old.body, new.body) {
        case (.payment(let a), .payment(let b)):
            let common =
                a.periodFrom != b.periodFrom || a.periodTo != b.periodTo || a.paymentDate != b.paymentDate
                || a.grossOre != b.grossOre || a.taxOre != b.taxOre
            switch self {
            case .v1: return common
            case .v2: return common || a.company != b.company || a.status != b.status || a.deductions != b.deductions
            case .v3:
                return common || a.company != b.company || a.status != b.status || a.deductions != b.deductions
                    || a.registeredAt != b.registeredAt
            }
        case (.benefitCase(let a), .benefitCase(let b)):
            return a != b
        case (.payment, .benefitCase), (.benefitCase, .payment):
            return true
        }
    }
}
