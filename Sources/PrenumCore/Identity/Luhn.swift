/// The Luhn (mod 10) check digit used by Swedish personnummer and organisation numbers.
public enum Luhn {
    /// The check digit for the given digits (weights 2,1,2,1,... from the left).
    public static func checkDigit(for digits: some Collection<UInt8>) -> UInt8 {
        var sum = 0
        for (offset, digit) in digits.enumerated() {
            var product = Int(digit) * (offset % 2 == 0 ? 2 : 1)
            if product > 9 { product -= 9 }
            sum += product
        }
        return UInt8((10 - sum % 10) % 10)
    }

    /// True when the last digit is the Luhn check digit of the ones before it.
    static func isValid(_ digits: [UInt8]) -> Bool {
        guard let last = digits.last else { return false }
        return checkDigit(for: digits.dropLast()) == last
    }
}

extension StringProtocol {
    /// The string's digits as numbers, or nil if any character is not an ASCII digit.
    var asciiDigits: [UInt8]? {
        var digits: [UInt8] = []
        digits.reserveCapacity(utf8.count)
        for byte in utf8 {
            guard byte >= 0x30 && byte <= 0x39 else { return nil }
            digits.append(byte - 0x30)
        }
        return digits
    }
}
