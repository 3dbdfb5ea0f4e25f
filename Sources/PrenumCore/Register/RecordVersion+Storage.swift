/// The compact text form in which Prenum's state keeps a record version's fields.
///
/// One column instead of a dozen keeps the shared record table narrow and lets the same
/// code store payments and cases. Fields are separated by U+001F; NULL is U+0018 alone.
extension RecordVersion {
    private static let fieldSeparator: Character = "\u{1F}"
    private static let deductionSeparator: Character = "\u{1D}"
    private static let kindSeparator: Character = "\u{1E}"
    private static let null = "\u{18}"

    /// Every field but id, pnr and benefit, encoded.
    public var encodedFields: String {
        switch body {
        case .payment(let p):
            let deductions = p.deductions.map { "\($0.kind)\(Self.kindSeparator)\($0.amountOre)" }
                .joined(separator: String(Self.deductionSeparator))
            return [p.company, p.status, p.periodFrom ?? Self.null, p.periodTo ?? Self.null, p.paymentDate,
                    String(p.grossOre), String(p.taxOre), deductions].joined(separator: String(Self.fieldSeparator))
        case .benefitCase(let c):
            return [c.decision, c.openedOn, c.closedOn ?? Self.null, c.extentPct.map(String.init) ?? Self.null,
                    c.dailyAmountOre.map(String.init) ?? Self.null].joined(separator: String(Self.fieldSeparator))
        }
    }

    /// Rebuilds a version from its stored columns; nil if the text is damaged.
    public init?(entity: RecordEntity, id: Int64, pnr: String, benefit: String, encodedFields: String) {
        let parts = encodedFields.split(separator: Self.fieldSeparator, omittingEmptySubsequences: false).map(String.init)
        func optional(_ text: String) -> String? { text == Self.null ? nil : text }
        switch entity {
        case .payment:
            guard parts.count == 8, let gross = Int64(parts[5]), let tax = Int64(parts[6]) else { return nil }
            var deductions: [Deduction] = []
            if !parts[7].isEmpty {
                for item in parts[7].split(separator: Self.deductionSeparator) {
                    let pair = item.split(separator: Self.kindSeparator, omittingEmptySubsequences: false)
                    guard pair.count == 2, let amount = Int64(pair[1]) else { return nil }
                    deductions.append(Deduction(kind: String(pair[0]), amountOre: amount))
                }
            }
            self.init(id: id, pnr: pnr, benefit: benefit, body: .payment(PaymentFields(
                company: parts[0], status: parts[1], periodFrom: optional(parts[2]), periodTo: optional(parts[3]),
                paymentDate: parts[4], grossOre: gross, taxOre: tax, deductions: deductions)))
        case .benefitCase:
            guard parts.count == 5 else { return nil }
            let extent = optional(parts[3]).map { Int64($0) }
            let daily = optional(parts[4]).map { Int64($0) }
            if extent == .some(nil) || daily == .some(nil) { return nil }
            self.init(id: id, pnr: pnr, benefit: benefit, body: .benefitCase(CaseFields(
                decision: parts[0], openedOn: parts[1], closedOn: optional(parts[2]),
                extentPct: extent ?? nil, dailyAmountOre: daily ?? nil)))
        }
    }
}
