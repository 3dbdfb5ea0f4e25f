/// The attributes of a file's `<delivery>` element: who it is for, where it sits in the
/// subscriber's chain, and which key signed it.
public struct DeliveryHeader: Hashable, Sendable {
    public var subscriberID: String
    /// The subscriber's 10-digit organisation number.
    public var orgNumber: String
    public var formatVersion: FormatVersion
    public var sequence: Int64
    /// Always `sequence - 1` (0 for the first file), also in a FULL file.
    public var previousSequence: Int64
    public var kind: DeliveryKind
    public var businessDate: CalendarDate
    /// The run's recorded time, UTC `YYYY-MM-DDTHH:MM:SSZ`, so a file made again is byte-identical.
    var createdAt: String
    /// 16 lowercase hex digits naming the signing key.
    public var keyID: String
    /// First date of the history window; recipients drop records older than this.
    public var windowFrom: CalendarDate
    /// Lowercase hex SHA-256 of the previous file, 64 zeros for the first.
    public var previousHash: String
    /// Format 3: the subscriber's purpose and the provision the disclosure rests on; nil in
    /// earlier formats, which do not carry them.
    public var purpose: Purpose?
    public var legalBasis: String?

    public init(
        subscriberID: String, orgNumber: String, formatVersion: FormatVersion, sequence: Int64, previousSequence: Int64,
        kind: DeliveryKind, businessDate: CalendarDate, createdAt: String, keyID: String,
        windowFrom: CalendarDate, previousHash: String, purpose: Purpose? = nil, legalBasis: String? = nil
    ) {
        self.subscriberID = subscriberID
        self.orgNumber = orgNumber
        self.formatVersion = formatVersion
        self.sequence = sequence
        self.previousSequence = previousSequence
        self.kind = kind
        self.businessDate = businessDate
        self.createdAt = createdAt
        self.keyID = keyID
        self.windowFrom = windowFrom
        self.previousHash = previousHash
        self.purpose = purpose
        self.legalBasis = legalBasis
    }

    /// The hash that starts every subscriber's chain.
    public static let firstPreviousHash = String(repeating: "0", count: 64)

    /// Checks every value against the XSD's rules, so that a wrong header is a thrown error
    /// before the file exists rather than a schema failure at the recipient.
    public func validate() throws {
        func fail(_ field: String, _ expected: String) -> DeliveryWriterMisuse {
            DeliveryWriterMisuse("header \(field): expected \(expected)")
        }
        if formatVersion.carriesMirrorFingerprint {
            guard purpose != nil else { throw fail("purpose", "the subscriber's purpose in format \(formatVersion)") }
            guard let legalBasis, !legalBasis.isEmpty else { throw fail("legalBasis", "a provision in format \(formatVersion)") }
        } else if purpose != nil || legalBasis != nil {
            throw fail("purpose", "none in format \(formatVersion), which does not carry it")
        }
        guard Self.isSubscriberID(subscriberID) else { throw fail("subscriber", "[a-z0-9][a-z0-9-]{0,63}") }
        guard orgNumber.utf8.count == 10, orgNumber.utf8.allSatisfy(Self.isDigit) else { throw fail("orgNumber", "10 digits") }
        guard sequence >= 1 else { throw fail("sequence", "1 or more, got \(sequence)") }
        guard previousSequence == sequence - 1 else { throw fail("previousSequence", "\(sequence - 1), got \(previousSequence)") }
        guard Self.isTimestamp(createdAt) else { throw fail("createdAt", "YYYY-MM-DDTHH:MM:SSZ") }
        guard Self.isLowerHex(keyID, count: 16) else { throw fail("keyId", "16 lowercase hex digits") }
        guard Self.isLowerHex(previousHash, count: 64) else { throw fail("previousHash", "64 lowercase hex digits") }
    }

    /// The SPEC's subscriber id rule; ids end up in file names and paths.
    static func isSubscriberID(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard (1...64).contains(bytes.count), isLowerAlphanumeric(bytes[0]) else { return false }
        return bytes.allSatisfy { isLowerAlphanumeric($0) || $0 == UInt8(ascii: "-") }
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    private static func isLowerAlphanumeric(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
    }

    private static func isLowerHex(_ text: String, count: Int) -> Bool {
        text.utf8.count == count && text.utf8.allSatisfy { isDigit($0) || ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "f")) }
    }

    private static func isTimestamp(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 20, bytes[10] == UInt8(ascii: "T"), bytes[19] == UInt8(ascii: "Z"),
            bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
            CalendarDate(String(decoding: bytes[0..<10], as: UTF8.self)) != nil
        else { return false }
        let time = [bytes[11], bytes[12], bytes[14], bytes[15], bytes[17], bytes[18]]
        guard time.allSatisfy(isDigit) else { return false }
        let hour = Int(time[0] - 0x30) * 10 + Int(time[1] - 0x30)
        let minute = Int(time[2] - 0x30) * 10 + Int(time[3] - 0x30)
        let second = Int(time[4] - 0x30) * 10 + Int(time[5] - 0x30)
        return hour < 24 && minute < 60 && second < 60
    }
}
