/// A Swedish personal identity number in its 12-digit form `YYYYMMDDNNNC`, or a
/// samordningsnummer (co-ordination number), whose day is the birth day plus 60.
///
/// Never log one: `description` is deliberately masked; use `digits` where the number itself
/// belongs (a delivery file, the state database).
public struct Personnummer: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The twelve digits.
    public let digits: String

    /// Why a string is not a valid personnummer, in words a subscriber can act on.
    public enum Problem: Error, Equatable, Sendable, CustomStringConvertible {
        case length(Int)
        case notDigits
        case invalidDate
        case checkDigit
        case serial

        public var description: String {
            switch self {
            case .length(let count): return "personnummer must have 12 digits (YYYYMMDDNNNC), found \(count) characters"
            case .notDigits: return "personnummer must contain digits only"
            case .invalidDate: return "personnummer date part is not a valid date (samordningsnummer: day + 60)"
            case .checkDigit: return "personnummer check digit (Luhn) is wrong"
            case .serial: return "personnummer serial (digits 9-11) is 000, which is never issued"
            }
        }
    }

    /// Validates the 12-digit form.
    public static func validate(_ text: some StringProtocol) -> Result<Personnummer, Problem> {
        guard text.utf8.count == 12 else { return .failure(.length(text.count)) }
        guard let digits = text.asciiDigits else { return .failure(.notDigits) }
        let year = Int(digits[0]) * 1000 + Int(digits[1]) * 100 + Int(digits[2]) * 10 + Int(digits[3])
        let month = Int(digits[4]) * 10 + Int(digits[5])
        var day = Int(digits[6]) * 10 + Int(digits[7])
        if day > 60 { day -= 60 }
        guard CalendarDate(year: year, month: month, day: day) != nil else { return .failure(.invalidDate) }
        guard digits[8...10].contains(where: { $0 != 0 }) else { return .failure(.serial) }
        guard Luhn.isValid(Array(digits[2...])) else { return .failure(.checkDigit) }
        return .success(Personnummer(unchecked: String(text)))
    }

    /// Parses and validates; nil when invalid.
    public init?(_ text: some StringProtocol) {
        guard case .success(let value) = Self.validate(text) else { return nil }
        self = value
    }

    init(unchecked digits: String) { self.digits = digits }

    /// Builds a valid number from a birth date and a three-digit serial (the check digit is
    /// computed). With `coordination` the day is raised by 60. Serial 000 is never issued, so
    /// a serial of 0 (mod 1000) is taken as 1.
    public static func make(birthDate: CalendarDate, serial: Int, coordination: Bool = false) -> Personnummer {
        let day = birthDate.day + (coordination ? 60 : 0)
        let body = String(format: "%04d%02d%02d%03d", birthDate.year, birthDate.month, day, max(1, serial % 1000))
        let digits = body.asciiDigits ?? []
        let check = Luhn.checkDigit(for: digits[2...])
        return Personnummer(unchecked: body + String(check))
    }

    /// True for a samordningsnummer.
    public var isCoordinationNumber: Bool {
        let utf8 = Array(digits.utf8)
        return utf8[6] >= UInt8(ascii: "6")
    }

    public var description: String { "[pnr]" }

    public static func < (lhs: Personnummer, rhs: Personnummer) -> Bool { lhs.digits < rhs.digits }
}
