import PrenumCrypto

/// An unsigned 256-bit integer with arithmetic modulo 2^256: the sum of record digests that a
/// format-3 trailer's `fingerprint` is. A sum, not a hash of a sorted list, so that one record
/// in or out changes it by one addition, whatever the mirror's size.
public struct Fingerprint256: Hashable, Sendable {
    /// Big-endian 64-bit limbs: `limbs[0]` is the most significant.
    private var limbs: (UInt64, UInt64, UInt64, UInt64)

    public static let zero = Fingerprint256(limbs: (0, 0, 0, 0))

    private init(limbs: (UInt64, UInt64, UInt64, UInt64)) { self.limbs = limbs }

    /// Reads 32 bytes as a big-endian integer; nil for any other length.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 32 else { return nil }
        func limb(_ index: Int) -> UInt64 {
            bytes[index * 8..<index * 8 + 8].reduce(0) { $0 << 8 | UInt64($1) }
        }
        limbs = (limb(0), limb(1), limb(2), limb(3))
    }

    /// Reads 64 hex digits; nil for anything else.
    public init?(hex: String) {
        let digits = Array(hex.utf8)
        guard digits.count == 64 else { return nil }
        var bytes: [UInt8] = []
        for index in stride(from: 0, to: 64, by: 2) {
            guard let high = Self.nibble(digits[index]), let low = Self.nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        self.init(bytes: bytes)
    }

    /// The SHA-256 of `text`'s bytes, read as a number.
    public init(digestOf text: [UInt8]) {
        self = Fingerprint256(bytes: SHA256Digest.bytes(of: text)) ?? Fingerprint256.zero
    }

    public var bytes: [UInt8] {
        [limbs.0, limbs.1, limbs.2, limbs.3].flatMap { limb in (0..<8).reversed().map { UInt8(truncatingIfNeeded: limb >> ($0 * 8)) } }
    }

    /// 64 lowercase hex digits, as in the trailer.
    public var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        return String(decoding: bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0x0f)]] }, as: UTF8.self)
    }

    public static func + (a: Fingerprint256, b: Fingerprint256) -> Fingerprint256 {
        let (l3, c3) = a.limbs.3.addingReportingOverflow(b.limbs.3)
        let (s2, c2a) = a.limbs.2.addingReportingOverflow(b.limbs.2)
        let (l2, c2b) = s2.addingReportingOverflow(c3 ? 1 : 0)
        let (s1, c1a) = a.limbs.1.addingReportingOverflow(b.limbs.1)
        let (l1, c1b) = s1.addingReportingOverflow(c2a || c2b ? 1 : 0)
        let l0 = a.limbs.0 &+ b.limbs.0 &+ (c1a || c1b ? 1 : 0)
        return Fingerprint256(limbs: (l0, l1, l2, l3))
    }

    /// The additive inverse modulo 2^256: adding it takes a digest back out.
    var negated: Fingerprint256 {
        Fingerprint256(limbs: (~limbs.0, ~limbs.1, ~limbs.2, ~limbs.3)) + Fingerprint256(limbs: (0, 0, 0, 1))
    }

    public static func - (a: Fingerprint256, b: Fingerprint256) -> Fingerprint256 { a + b.negated }

    public static func == (a: Fingerprint256, b: Fingerprint256) -> Bool { a.bytes == b.bytes }

    public func hash(into hasher: inout Hasher) { hasher.combine(bytes) }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return digit - UInt8(ascii: "a") + 10
        default: return nil
        }
    }
}

/// What a format-3 trailer says the recipient holds: how many records, and the sum of their
/// canonical texts' digests.
public struct MirrorFingerprint: Hashable, Sendable {
    public var visible: Int64
    public var sum: Fingerprint256

    public static let empty = MirrorFingerprint(visible: 0, sum: .zero)

    public init(visible: Int64, sum: Fingerprint256) {
        self.visible = visible
        self.sum = sum
    }

    public mutating func add(_ other: MirrorFingerprint) {
        visible += other.visible
        sum = sum + other.sum
    }

    mutating func subtract(_ other: MirrorFingerprint) {
        visible -= other.visible
        sum = sum - other.sum
    }

    public var description: String { "visible=\(visible) fingerprint=\(sum.hex)" }
}

/// SPEC section 4's canonical text of one held record: element name, the person it was last
/// delivered under, its attributes in a fixed order and its deductions by kind, joined by
/// U+001F, which no XML attribute can hold.
public enum CanonicalRecordText {
    static let separator = UInt8(0x1F)

    /// The canonical text of a record from the values an XML parser reports for it.
    /// - Parameters:
    ///   - attributes: name and value in the canonical order; nil values are left out.
    ///   - deductions: kind and amount text, in any order.
    public static func text(
        element: String, pnr: String, attributes: [(String, String?)],
        deductions: [(kind: String, amount: String)]
    ) -> [UInt8] {
        var out = Array(element.utf8)
        func field(_ name: String, _ value: String) {
            out.append(separator)
            out.append(contentsOf: name.utf8)
            out.append(UInt8(ascii: "="))
            out.append(contentsOf: value.utf8)
        }
        field("pnr", pnr)
        for (name, value) in attributes {
            if let value { field(name, value) }
        }
        for deduction in deductions.sorted(by: { $0.kind.utf8.lexicographicallyPrecedes($1.kind.utf8) }) {
            field("deduction", deduction.kind + ":" + deduction.amount)
        }
        return out
    }

    /// The canonical text of `version` as a format-3 file delivers it, under its person.
    public static func text(of version: RecordVersion) -> [UInt8] {
        switch version.body {
        case .payment(let p):
            return text(
                element: RecordKind.payment.elementName, pnr: version.pnr,
                attributes: [
                    ("id", String(version.id)), ("benefit", reported(version.benefit)), ("company", reported(p.company)),
                    ("status", reported(p.status)), ("periodFrom", p.periodFrom.map(reported)), ("periodTo", p.periodTo.map(reported)),
                    ("paymentDate", reported(p.paymentDate)), ("gross", KronorAmount.text(ore: p.grossOre)),
                    ("tax", KronorAmount.text(ore: p.taxOre)), ("registeredAt", p.registeredAt.map(reported))
                ], deductions: p.deductions.map { (reported($0.kind), KronorAmount.text(ore: $0.amountOre)) })
        case .benefitCase(let c):
            return text(
                element: RecordKind.benefitCase.elementName, pnr: version.pnr,
                attributes: [
                    ("id", String(version.id)), ("benefit", reported(version.benefit)), ("decision", reported(c.decision)),
                    ("openedOn", reported(c.openedOn)), ("closedOn", c.closedOn.map(reported)),
                    ("extentPct", c.extentPct.map { String($0) }), ("dailyAmount", c.dailyAmountOre.map(KronorAmount.text(ore:)))
                ], deductions: [])
        }
    }

    /// The record's contribution to a fingerprint.
    public static func fingerprint(of version: RecordVersion) -> MirrorFingerprint {
        MirrorFingerprint(visible: 1, sum: Fingerprint256(digestOf: text(of: version)))
    }

    /// What a parser reports for a value the writer escaped: the characters XML cannot carry
    /// (`XMLBytes.escaped`) arrive as U+FFFD; everything else as it was.
    static func reported(_ value: String) -> String {
        guard value.unicodeScalars.contains(where: cannotTravel) else { return value }
        var out = String.UnicodeScalarView()
        for scalar in value.unicodeScalars {
            out.append(cannotTravel(scalar) ? "\u{FFFD}" : scalar)
        }
        return String(out)
    }

    private static func cannotTravel(_ scalar: Unicode.Scalar) -> Bool {
        (scalar.value < 0x20 && scalar.value != 0x09 && scalar.value != 0x0A && scalar.value != 0x0D)
            || scalar.value == 0xFFFE || scalar.value == 0xFFFF
    }
}
