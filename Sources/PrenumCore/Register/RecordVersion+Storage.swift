/// The compact text form in which Prenum's state keeps a record version's fields.
///
/// One column instead of a dozen keeps the shared record table narrow and lets the same
/// code store payments and cases. Fields are separated by U+001F; NULL is U+0018 alone.
///
/// The text starts with a version tag, U+0002 and the encoding's number, so that a field
/// added later leaves the rows stored before it readable. No tag is encoding 1, the form
/// before payments kept `registeredAt`: such rows decode with it nil, and the next snapshot
/// rewrites them from the register (`RegisterColumns.fillRegisteredAt`).
extension RecordVersion {
    private static let fieldSeparator: Character = "\u{1F}"
    private static let deductionSeparator: Character = "\u{1D}"
    private static let kindSeparator: Character = "\u{1E}"
    private static let null = "\u{18}"

    /// The field encoding this build writes.
    static let currentEncoding = 2
    /// What every current-encoding text starts with.
    static let encodingTag = "\u{02}\(currentEncoding)\u{1F}"

    /// Every field but id, pnr and benefit, encoded.
    var encodedFields: String {
        switch body {
        case .payment(let p):
            let deductions = p.deductions.map { "\($0.kind)\(Self.kindSeparator)\($0.amountOre)" }
                .joined(separator: String(Self.deductionSeparator))
            let fields = [
                p.company, p.status, p.periodFrom ?? Self.null, p.periodTo ?? Self.null, p.paymentDate,
                String(p.grossOre), String(p.taxOre), deductions
            ].joined(separator: String(Self.fieldSeparator))
            // A version read from an encoding-1 row is written back as it was read.
            guard let registeredAt = p.registeredAt else { return fields }
            return Self.encodingTag + fields + String(Self.fieldSeparator) + registeredAt
        case .benefitCase(let c):
            return Self.encodingTag
                + [
                    c.decision, c.openedOn, c.closedOn ?? Self.null, c.extentPct.map(String.init) ?? Self.null,
                    c.dailyAmountOre.map(String.init) ?? Self.null
                ].joined(separator: String(Self.fieldSeparator))
        }
    }

    /// Rebuilds a version from its stored columns; nil if the text is damaged or written in
    /// an encoding this build does not know.
    ///
    /// Every delta decodes each changed record twice, so this reads the UTF-8 bytes directly
    /// (the separators are ASCII) rather than splitting the string by characters.
    public init?(entity: RecordKind, id: Int64, pnr: String, benefit: String, encodedFields: String) {
        var text = encodedFields
        let body: Body? = text.withUTF8 { bytes in
            var fields = EncodedFields(bytes)
            guard let encoding = fields.encoding() else { return nil }
            switch entity {
            case .payment:
                guard let company = fields.text(), let status = fields.text(), let periodFrom = fields.optionalText(),
                    let periodTo = fields.optionalText(), let paymentDate = fields.text(),
                    let gross = fields.integer(), let tax = fields.integer(), let deductions = fields.deductions()
                else { return nil }
                var registeredAt: String?
                switch encoding {
                case .untagged: registeredAt = nil
                case .withRegisteredAt:
                    guard let value = fields.text() else { return nil }
                    registeredAt = value
                }
                guard fields.atEnd else { return nil }
                return .payment(
                    PaymentFields(
                        company: company, status: status, periodFrom: periodFrom, periodTo: periodTo,
                        paymentDate: paymentDate, grossOre: gross, taxOre: tax, deductions: deductions,
                        registeredAt: registeredAt))
            case .benefitCase:
                guard let decision = fields.text(), let openedOn = fields.text(), let closedOn = fields.optionalText(),
                    let extent = fields.optionalInteger(), let daily = fields.optionalInteger(), fields.atEnd
                else { return nil }
                return .benefitCase(
                    CaseFields(
                        decision: decision, openedOn: openedOn, closedOn: closedOn,
                        extentPct: extent, dailyAmountOre: daily))
            }
        }
        guard let body else { return nil }
        self.init(id: id, pnr: pnr, benefit: benefit, body: body)
    }
}

/// The stored field encodings this build reads.
enum FieldEncoding {
    /// Encoding 1: no tag, payments without `registeredAt`.
    case untagged
    /// Encoding 2: tagged, payments end with `registeredAt`.
    case withRegisteredAt
}

/// Reads the fields of `RecordVersion.encodedFields` one after another from its UTF-8 bytes.
/// Each reader returns nil when the text is damaged (a missing field, a bad number).
private struct EncodedFields {
    static let fieldSeparator = UInt8(0x1F)
    static let deductionSeparator = UInt8(0x1D)
    static let kindSeparator = UInt8(0x1E)
    static let null = UInt8(0x18)

    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0
    /// Whether the last field has been read (the text may end on an empty field).
    var exhausted = false

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    var atEnd: Bool { exhausted }

    /// Reads the version tag, if any; nil for a tag this build does not know.
    mutating func encoding() -> FieldEncoding? {
        guard bytes.first == 0x02 else { return .untagged }
        position = 1
        guard let range = next(), !exhausted, let number = number(range) else { return nil }
        switch number {
        case 2: return .withRegisteredAt
        default: return nil
        }
    }

    /// The next field's byte range, consuming its separator.
    mutating func next() -> Range<Int>? {
        guard !exhausted else { return nil }
        let start = position
        var end = start
        while end < bytes.count && bytes[end] != Self.fieldSeparator { end += 1 }
        if end == bytes.count { exhausted = true } else { position = end + 1 }
        return start..<end
    }

    func string(_ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    func isNull(_ range: Range<Int>) -> Bool { range.count == 1 && bytes[range.lowerBound] == Self.null }

    mutating func text() -> String? { next().map(string) }

    /// A field that may be NULL: .some(nil) for NULL, nil when missing.
    mutating func optionalText() -> String?? {
        guard let range = next() else { return nil }
        return .some(isNull(range) ? nil : string(range))
    }

    mutating func integer() -> Int64? { next().flatMap(number) }

    mutating func optionalInteger() -> Int64?? {
        guard let range = next() else { return nil }
        if isNull(range) { return .some(nil) }
        guard let value = number(range) else { return nil }
        return .some(value)
    }

    /// The last payment field: kind U+001E amount pairs separated by U+001D, or empty. The
    /// snapshot writes them ordered by kind (SQLite's byte order), each kind once.
    mutating func deductions() -> [Deduction]? {
        guard let range = next() else { return nil }
        var deductions: [Deduction] = []
        var previousKind: Range<Int>?
        var start = range.lowerBound
        while start < range.upperBound {
            var end = start
            while end < range.upperBound && bytes[end] != Self.deductionSeparator { end += 1 }
            guard let split = (start..<end).first(where: { bytes[$0] == Self.kindSeparator }),
                let amount = number(split + 1..<end)
            else { return nil }
            let kind = start..<split
            if let previousKind, !precedes(previousKind, kind) { return nil }
            deductions.append(Deduction(kind: string(kind), amountOre: amount))
            previousKind = kind
            // A separator promises another pair: a trailing one is damage.
            if end < range.upperBound && end + 1 == range.upperBound { return nil }
            start = end + 1
        }
        return deductions
    }

    /// Whether the bytes of `a` sort strictly before those of `b`.
    func precedes(_ a: Range<Int>, _ b: Range<Int>) -> Bool {
        UnsafeBufferPointer(rebasing: bytes[a]).lexicographicallyPrecedes(UnsafeBufferPointer(rebasing: bytes[b]))
    }

    /// A decimal integer exactly as `String(Int64)` writes it (no sign but a minus, no leading
    /// zero, no "-0"); nil for anything else.
    func number(_ range: Range<Int>) -> Int64? {
        var index = range.lowerBound
        let negative = index < range.upperBound && bytes[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        guard index < range.upperBound else { return nil }
        if bytes[index] == UInt8(ascii: "0") && (negative || index + 1 < range.upperBound) { return nil }
        var value: Int64 = 0
        while index < range.upperBound {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = negative ? times.subtractingReportingOverflow(Int64(digit)) : times.addingReportingOverflow(Int64(digit))
            guard !overflow1, !overflow2 else { return nil }
            value = sum
            index += 1
        }
        return value
    }
}
