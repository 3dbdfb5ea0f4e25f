/// Identifies a record across versions: the register's table and primary key.
public struct RecordKey: Hashable, Comparable, Sendable {
    public let entity: RecordKind
    public let id: Int64

    public init(_ entity: RecordKind, _ id: Int64) {
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
    /// The register's `registered_at`. Nil only in a state row stored before Prenum kept it
    /// (field encoding 1), until the next snapshot fills it in.
    public var registeredAt: String?

    public init(
        company: String, status: String, periodFrom: String?, periodTo: String?, paymentDate: String,
        grossOre: Int64, taxOre: Int64, deductions: [Deduction], registeredAt: String? = nil
    ) {
        self.company = company
        self.status = status
        self.periodFrom = periodFrom
        self.periodTo = periodTo
        self.paymentDate = paymentDate
        self.grossOre = grossOre
        self.taxOre = taxOre
        self.deductions = deductions.sorted { $0.kind < $1.kind }
        self.registeredAt = registeredAt
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

    public var entity: RecordKind {
        switch body {
        case .payment: return .payment
        case .benefitCase: return .benefitCase
        }
    }

    /// The date whose passing takes the record out of the history window: a payment's date, a
    /// closed case's closing day; nil for an open case, which never leaves it.
    var windowKey: String? {
        switch body {
        case .payment(let p): return p.paymentDate
        case .benefitCase(let c): return c.closedOn
        }
    }

    public var key: RecordKey { RecordKey(entity, id) }
}
