/// Amounts in delivery files are kronor with exactly two decimals; the mirror keeps öre, as
/// the register does, so that sums are exact integers.
public enum KronorAmount {
    /// `"-12.50"` → `-1250`; nil for anything not matching `-?[0-9]+\.[0-9]{2}`.
    public static func ore(_ text: String) -> Int64? {
        var bytes = Substring(text).utf8[...]
        let negative = bytes.first == UInt8(ascii: "-")
        if negative { bytes = bytes.dropFirst() }
        guard let dot = bytes.firstIndex(of: UInt8(ascii: ".")) else { return nil }
        let whole = bytes[..<dot]
        let cents = bytes[bytes.index(after: dot)...]
        guard !whole.isEmpty, whole.count <= 16, cents.count == 2,
            whole.allSatisfy(DeliveryHeader.isDigit), cents.allSatisfy(DeliveryHeader.isDigit)
        else { return nil }
        var value: Int64 = 0
        for byte in whole { value = value * 10 + Int64(byte - 0x30) }
        for byte in cents { value = value * 10 + Int64(byte - 0x30) }
        return negative ? -value : value
    }
}

extension KronorAmount {
    /// `-1250` → `"-12.50"`, exactly as the delivery writer writes amounts.
    public static func text(ore value: Int64) -> String {
        let magnitude = value.magnitude
        let cents = magnitude % 100
        return (value < 0 ? "-" : "") + String(magnitude / 100) + "." + (cents < 10 ? "0" : "") + String(cents)
    }
}
