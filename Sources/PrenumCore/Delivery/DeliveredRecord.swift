/// One `case` or `payment` element as a recipient reads it: its change and its attributes
/// exactly as written, so applying it needs no knowledge of Prenum's internals.
public struct DeliveredRecord: Sendable, Equatable {
    public let entity: RecordKind
    public let id: Int64
    public let change: RecordChangeKind
    /// The person the record belongs to (the enclosing `person` element).
    public let pnr: String
    /// Every attribute except `id` and `change`; an absent attribute is a NULL value.
    public let attributes: [String: String]
    /// `(kind, amount)` of each `deduction`, in file order (format version 2 payments).
    public var deductions: [(kind: String, amount: String)]

    public static func == (lhs: DeliveredRecord, rhs: DeliveredRecord) -> Bool {
        lhs.entity == rhs.entity && lhs.id == rhs.id && lhs.change == rhs.change && lhs.pnr == rhs.pnr
            && lhs.attributes == rhs.attributes
            && lhs.deductions.map { "\($0.kind)=\($0.amount)" } == rhs.deductions.map { "\($0.kind)=\($0.amount)" }
    }
}
