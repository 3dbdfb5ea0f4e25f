/// Which register table a record comes from. Cases sort before payments, as in the files.
public enum RecordEntity: Int, Sendable, Comparable, CaseIterable {
    case benefitCase = 0
    case payment = 1

    /// The value of `change_log.entity` for this table.
    public var journalName: String { self == .payment ? "payment" : "case" }

    public static func < (lhs: RecordEntity, rhs: RecordEntity) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Identifies a record across versions: the register's table and primary key.
public struct RecordKey: Hashable, Comparable, Sendable {
    public let entity: RecordEntity
    public let id: Int64

    public init(_ entity: RecordEntity, _ id: Int64) {
        self.entity = entity
        self.id = id
    }

    public static func < (lhs: RecordKey, rhs: RecordKey) -> Bool {
        (lhs.entity.rawValue, lhs.id) < (rhs.entity.rawValue, rhs.id)
    }
}

/// A deduction withheld from a payment (garnishment, social assistance, ...).
public struct Deduction: Hashable, Sendable {
    public let kind: String
    public let amountOre: Int64

    public init(kind: String, amountOre: Int64) {
        self.kind = kind
        self.amountOre = amountOre
    }
}

/// The delivered fields of a payment. Deductions are kept sorted by kind.
public struct PaymentFields: Hashable, Sendable {
    public var company: String
    public var status: String
    public var periodFrom: String?
    public var periodTo: String?
    public var paymentDate: String
    public var grossOre: Int64
    public var taxOre: Int64
    public var deductions: [Deduction]

    public init(company: String, status: String, periodFrom: String?, periodTo: String?, paymentDate: String,
                grossOre: Int64, taxOre: Int64, deductions: [Deduction]) {
        self.company = company
        self.status = status
        self.periodFrom = periodFrom
        self.periodTo = periodTo
        self.paymentDate = paymentDate
        self.grossOre = grossOre
        self.taxOre = taxOre
        self.deductions = deductions.sorted { $0.kind < $1.kind }
    }
}

/// The delivered fields of a benefit case.
public struct CaseFields: Hashable, Sendable {
    public var decision: String
    public var openedOn: String
    public var closedOn: String?
    public var extentPct: Int64?
    public var dailyAmountOre: Int64?

    public init(decision: String, openedOn: String, closedOn: String?, extentPct: Int64?, dailyAmountOre: Int64?) {
        self.decision = decision
        self.openedOn = openedOn
        self.closedOn = closedOn
        self.extentPct = extentPct
        self.dailyAmountOre = dailyAmountOre
    }
}

/// One version of a register record as Prenum last saw it: whose it is, which benefit, and
/// every field any format version may deliver.
public struct RecordVersion: Hashable, Sendable {
    public enum Body: Hashable, Sendable {
        case payment(PaymentFields)
        case benefitCase(CaseFields)
    }

    public let id: Int64
    public var pnr: String
    public var benefit: String
    public var body: Body

    public init(id: Int64, pnr: String, benefit: String, body: Body) {
        self.id = id
        self.pnr = pnr
        self.benefit = benefit
        self.body = body
    }

    public var entity: RecordEntity {
        if case .payment = body { return .payment }
        return .benefitCase
    }

    public var key: RecordKey { RecordKey(entity, id) }
}
