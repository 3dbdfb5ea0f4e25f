/// A Swedish organisation number: ten digits, the last a Luhn check digit.
public struct OrganisationNumber: Hashable, Sendable, CustomStringConvertible {
    public let digits: String

    /// Accepts exactly ten digits with a valid check digit (no hyphen).
    public init?(_ text: some StringProtocol) {
        guard text.utf8.count == 10, let digits = text.asciiDigits, Luhn.isValid(digits) else { return nil }
        self.digits = String(text)
    }

    /// Completes nine digits with their check digit (sample data and tests).
    public static func make(nineDigits: String) -> OrganisationNumber? {
        guard nineDigits.utf8.count == 9, let digits = nineDigits.asciiDigits else { return nil }
        return OrganisationNumber(nineDigits + String(Luhn.checkDigit(for: digits)))
    }

    public var description: String { digits }
}
